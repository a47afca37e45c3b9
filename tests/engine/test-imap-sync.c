/* IMAP sync against the harness's real Dovecot: initial and incremental sync,
 * local changes reaching the server, offline replay, UIDVALIDITY reset, IDLE,
 * certificate and STARTTLS refusals, a connection cut mid-FETCH and SIGKILL
 * during sync. Changes "by somebody else" go through a second raw IMAP
 * session. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>
#include <sys/wait.h>

#include "account/tern-account-connect.h"
#include "core/tern-error.h"
#include "imap/tern-imap-sync.h"
#include "imap/tern-imap-fetch-result.h"
#include "account/tern-mail-actions.h"
#include "tern-test-mail-check.h"
#include "tern-test-messages.h"
#include "tern-test-proxy.h"
#include "tern-test-servers.h"

#define SEED 4242
#define USER "alice"
#define PASSWORD "s3cret-pw"

typedef struct {
  TernTestServers *servers;
  char *data_dir;
  TernStore *store;
  TernSecrets *secrets;
  TernAccountSettings *account;
} Fixture;

static void
remove_tree (const char *dir)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
}

static TernAccountSettings *
make_account (Fixture *fx, guint16 port, TernSecurity security)
{
  TernAccountSettings *a = tern_account_settings_new ();

  a->name = g_strdup ("Test");
  a->email = g_strdup ("alice@localhost");
  a->protocol = TERN_PROTOCOL_IMAP;
  a->incoming_host = g_strdup ("localhost");
  a->incoming_port = port;
  a->incoming_security = security;
  a->incoming_user = g_strdup (USER);
  return a;
}

static void
setup_with (Fixture *fx, const TernTestServersOptions *opts)
{
  g_autoptr(GError) error = NULL;

  fx->servers = tern_test_servers_start (opts, &error);
  g_assert_no_error (error);
  g_assert_true (tern_test_servers_add_user (fx->servers, USER, PASSWORD, &error));
  g_setenv ("TERN_EXTRA_CA_FILE", tern_test_servers_ca_file (fx->servers), TRUE);
  fx->data_dir = g_dir_make_tmp ("tern-imap-XXXXXX", NULL);
  fx->store = tern_store_open (fx->data_dir, TERN_STORE_OPEN_WRITER, &error);
  g_assert_no_error (error);
  fx->secrets = tern_secrets_new (fx->data_dir, TERN_SECRETS_FILE);
  fx->account = make_account (fx, tern_test_servers_port (fx->servers, TERN_TEST_IMAPS),
                              TERN_SECURITY_TLS);
  g_assert_cmpint (tern_store_add_account (fx->store, fx->account, &error), >, 0);
  g_assert_true (tern_secrets_store (fx->secrets, "Test", TERN_SECRET_INCOMING, PASSWORD, &error));
}

static void
setup (Fixture *fx, gconstpointer data)
{
  TernTestServersOptions opts = { .no_smtp = TRUE };
  setup_with (fx, &opts);
}

static void
teardown (Fixture *fx, gconstpointer data)
{
  g_clear_object (&fx->store);
  g_clear_object (&fx->secrets);
  g_clear_pointer (&fx->account, tern_account_settings_free);
  g_clear_pointer (&fx->servers, tern_test_servers_free);
  remove_tree (fx->data_dir);
  g_free (fx->data_dir);
}

static void
seed (Fixture *fx, const char *mailbox, guint first, guint n)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_test_messages_seed (fx->servers, USER, mailbox, first, n, SEED, &error));
  g_assert_no_error (error);
}

static mailimap *
raw_connect (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  mailimap *imap = tern_account_connect_imap (fx->account, fx->secrets, NULL, NULL, &error);

  g_assert_no_error (error);
  return imap;
}

static void
raw_close (mailimap *imap)
{
  tern_imap_close (imap, TRUE);
}

static TernImapSync *
new_sync (Fixture *fx)
{
  return tern_test_imap_sync_new (fx->store, fx->secrets, fx->account);
}

static void
sync_all (Fixture *fx)
{
  tern_test_imap_sync_all (fx->store, fx->secrets, fx->account);
}

static TernFolder *
folder (Fixture *fx, const char *path)
{
  return tern_test_folder (fx->store, fx->account, path);
}

static guint
local_count (Fixture *fx, const char *path)
{
  return tern_test_local_count (fx->store, fx->account, path);
}

static void
raw_append (mailimap *imap, const char *mailbox, guint index)
{
  tern_test_raw_append (imap, mailbox, index, SEED);
}

static void
raw_expunge (mailimap *imap, const char *mailbox, guint32 uid)
{
  struct mailimap_set *set = mailimap_set_new_single (uid);

  tern_test_raw_store (imap, mailbox, uid, mailimap_flag_new_deleted (), TRUE);
  g_assert_cmpint (mailimap_uid_expunge (imap, set), ==, MAILIMAP_NO_ERROR);
  mailimap_set_free (set);
}

static TernMessageSummary *
message_by_uid (Fixture *fx, const char *path, guint32 uid)
{
  return tern_test_message_by_uid (fx->store, fx->account, path, uid);
}

/* Every generated Message-ID from @first to @first + @n - 1 is stored
 * exactly once in the account. */
static void
assert_each_once (Fixture *fx, guint first, guint n)
{
  tern_test_assert_each_once (fx->store, fx->account, first, n, SEED);
}

/* ... and @path holds those and nothing else. */
static void
assert_exactly_once (Fixture *fx, const char *path, guint first, guint n)
{
  assert_each_once (fx, first, n);
  g_assert_cmpuint (local_count (fx, path), ==, n);
}

/* ---- The server's files ------------------------------------------------------ */

/* Message-ID (no brackets) of a message file, or NULL. */
static char *
file_message_id (const char *path)
{
  g_autofree char *data = NULL;
  g_autoptr(GRegex) re = g_regex_new ("^Message-ID:\\s*<([^>]+)>", G_REGEX_MULTILINE | G_REGEX_CASELESS,
                                      0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  if (!g_file_get_contents (path, &data, NULL, NULL))
    return NULL;
  if (!g_regex_match (re, data, 0, &match))
    return NULL;
  return g_match_info_fetch (match, 1);
}

/* Paths of the message files of @mailbox's Maildir. */
static GPtrArray *
list_files (Fixture *fx, const char *mailbox)
{
  g_autofree char *root = tern_test_servers_maildir_path (fx->servers, USER, mailbox);
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  static const char *const subdirs[] = { "cur", "new" };

  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *dir = g_build_filename (root, subdirs[i], NULL);
      g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
      const char *name;

      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        g_ptr_array_add (paths, g_build_filename (dir, name, NULL));
    }
  return paths;
}

/* The message files of @mailbox on the server: Message-ID -> file path.
 * Fails on a Message-ID seen twice. */
static GHashTable *
server_files (Fixture *fx, const char *mailbox)
{
  g_autoptr(GPtrArray) paths = list_files (fx, mailbox);
  GHashTable *files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < paths->len; i++)
    {
      char *mid = file_message_id (g_ptr_array_index (paths, i));

      g_assert_nonnull (mid);
      g_assert_false (g_hash_table_contains (files, mid));
      g_hash_table_insert (files, mid, g_strdup (g_ptr_array_index (paths, i)));
    }
  return files;
}

/* With Dovecot stopped: renumbers @mailbox as a rebuilt uidlist would (new
 * UIDVALIDITY, UIDs in reverse order, so every old UID names another
 * message) and removes the message @gone_mid. */
static void
renumber_mailbox (Fixture *fx, const char *mailbox, const char *gone_mid)
{
  g_autofree char *root = tern_test_servers_maildir_path (fx->servers, USER, mailbox);
  g_autofree char *uidlist = g_build_filename (root, "dovecot-uidlist", NULL);
  g_autofree char *old = NULL;
  g_autoptr(GHashTable) files = server_files (fx, mailbox);
  g_autofree char *gone_base = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) out = g_string_new (NULL);
  static const char *const indexes[] = {
    "dovecot.index", "dovecot.index.log", "dovecot.index.log.2", "dovecot.index.cache",
    "dovecot.list.index", "dovecot.list.index.log",
  };
  guint uidvalidity = 0;

  g_assert_true (g_file_get_contents (uidlist, &old, NULL, NULL));
  g_assert_cmpint (sscanf (old, "3 V%u", &uidvalidity), ==, 1);
  gone_base = g_path_get_basename (g_hash_table_lookup (files, gone_mid));
  *strchr (gone_base, ':') = '\0';
  g_assert_cmpint (g_unlink (g_hash_table_lookup (files, gone_mid)), ==, 0);
  lines = g_strsplit (old, "\n", -1);
  /* Old UID order, for the reversal. */
  for (guint i = 1; lines[i] != NULL; i++)
    {
      const char *name = strstr (lines[i], " :");

      if (name != NULL && g_strcmp0 (name + 2, gone_base) != 0)
        g_ptr_array_add (names, g_strdup (name + 2));
    }
  g_string_append_printf (out, "3 V%u N%u\n", uidvalidity + 1000, names->len + 1);
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (out, "%u :%s\n", i + 1,
                            (char *) g_ptr_array_index (names, names->len - 1 - i));
  g_assert_true (g_file_set_contents (uidlist, out->str, (gssize) out->len, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (indexes); i++)
    {
      g_autofree char *p = g_build_filename (root, indexes[i], NULL);
      g_unlink (p);
    }
}

/* ---- Tests -------------------------------------------------------------------- */

static void
test_initial_sync (Fixture *fx, gconstpointer data)
{
  g_autoptr(TernFolder) sent = NULL;
  g_autoptr(TernFolder) trash = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(TernMessageSummary) m = NULL;

  seed (fx, "INBOX", 0, 40);
  seed (fx, "Archive", 40, 5);
  sync_all (fx);

  assert_exactly_once (fx, "INBOX", 0, 40);
  g_assert_cmpuint (local_count (fx, "Archive"), ==, 5);
  sent = tern_store_get_folder_by_role (fx->store, fx->account->id, TERN_FOLDER_ROLE_SENT, NULL);
  trash = tern_store_get_folder_by_role (fx->store, fx->account->id, TERN_FOLDER_ROLE_TRASH, NULL);
  g_assert_nonnull (sent);
  g_assert_nonnull (trash);
  g_assert_cmpstr (sent->path, ==, "Sent");
  /* All mail is offline by default: bodies are there. */
  m = message_by_uid (fx, "INBOX", 1);
  g_assert_cmpint (m->body_state, ==, TERN_BODY_STATE_FULL);
  raw = tern_store_get_raw (fx->store, m->id, NULL);
  g_assert_nonnull (raw);
  g_assert_true (g_utf8_validate (m->subject, -1, NULL));

  /* A second sync with no change fetches nothing and changes nothing. */
  sync_all (fx);
  assert_exactly_once (fx, "INBOX", 0, 40);
}

static void
test_incremental_sync (Fixture *fx, gconstpointer data)
{
  mailimap *other;
  g_autoptr(TernMessageSummary) flagged = NULL;
  g_autoptr(TernFolder) inbox = NULL;

  seed (fx, "INBOX", 0, 20);
  sync_all (fx);

  other = raw_connect (fx);
  raw_append (other, "INBOX", 100);
  raw_append (other, "INBOX", 101);
  tern_test_raw_store (other, "INBOX", 3, mailimap_flag_new_flagged (), TRUE);
  tern_test_raw_store (other, "INBOX", 4, mailimap_flag_new_seen (), TRUE);
  raw_expunge (other, "INBOX", 5);
  raw_close (other);

  sync_all (fx);
  g_assert_cmpuint (local_count (fx, "INBOX"), ==, 21);
  flagged = message_by_uid (fx, "INBOX", 3);
  g_assert_true (flagged->flags & TERN_FLAG_FLAGGED);
  inbox = folder (fx, "INBOX");
  g_assert_cmpint (tern_store_find_by_uid (fx->store, inbox->id, 5, NULL), ==, 0);
  g_assert_cmpuint (inbox->unread_count, ==, 20);

  /* And a flag taken away elsewhere goes away here. */
  other = raw_connect (fx);
  tern_test_raw_store (other, "INBOX", 3, mailimap_flag_new_flagged (), FALSE);
  raw_close (other);
  sync_all (fx);
  g_clear_pointer (&flagged, tern_message_summary_free);
  flagged = message_by_uid (fx, "INBOX", 3);
  g_assert_false (flagged->flags & TERN_FLAG_FLAGGED);
}

static void
test_local_changes_reach_server (Fixture *fx, gconstpointer data)
{
  g_autoptr(TernMessageSummary) m1 = NULL, m2 = NULL, m4 = NULL;
  g_autoptr(TernFolder) archive = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GError) error = NULL;
  mailimap *other;

  seed (fx, "INBOX", 0, 10);
  sync_all (fx);
  m1 = message_by_uid (fx, "INBOX", 1);
  m2 = message_by_uid (fx, "INBOX", 2);
  m4 = message_by_uid (fx, "INBOX", 4);
  archive = folder (fx, "Archive");
  /* Somebody else files two messages in Archive that we have not seen yet:
   * the moved message's new UID will be above them, and they must still
   * be fetched. */
  other = raw_connect (fx);
  raw_append (other, "Archive", 60);
  raw_append (other, "Archive", 61);
  raw_close (other);

  g_assert_true (tern_mail_change_flags (fx->store, &m1->id, 1, TERN_FLAG_SEEN | TERN_FLAG_FLAGGED, 0, &error));
  g_assert_true (tern_mail_move (fx->store, &m2->id, 1, archive->id, &error));
  g_assert_true (tern_mail_delete (fx->store, &m4->id, 1, &error));
  g_assert_no_error (error);
  /* The user sees it at once, before any network. */
  g_assert_cmpuint (local_count (fx, "INBOX"), ==, 8);
  g_assert_cmpuint (local_count (fx, "Trash"), ==, 1);

  sync_all (fx);
  ops = tern_store_list_ops (fx->store, fx->account->id, NULL);
  g_assert_cmpuint (ops->len, ==, 0);

  other = raw_connect (fx);
  g_assert_cmpuint (tern_test_raw_flags (other, "INBOX", 1), ==, TERN_FLAG_SEEN | TERN_FLAG_FLAGGED);
  g_assert_cmpuint (tern_test_raw_exists (other, "INBOX"), ==, 8);
  g_assert_cmpuint (tern_test_raw_exists (other, "Archive"), ==, 3);
  g_assert_cmpuint (tern_test_raw_exists (other, "Trash"), ==, 1);
  raw_close (other);

  /* The moved message was given its new UID, not fetched again, and the
   * two filed elsewhere arrived. */
  g_assert_cmpuint (local_count (fx, "Archive"), ==, 3);
  assert_each_once (fx, 60, 2);
  assert_each_once (fx, 1, 1);
  assert_each_once (fx, 3, 1);
  g_assert_cmpuint (local_count (fx, "Trash"), ==, 1);
}

static void
test_offline_replay (Fixture *fx, gconstpointer data)
{
  g_autoptr(TernMessageSummary) m = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  mailimap *imap;
  mailimap *other;

  seed (fx, "INBOX", 0, 5);
  sync_all (fx);
  g_assert_true (tern_test_servers_stop_imap (fx->servers, &error));

  m = message_by_uid (fx, "INBOX", 2);
  g_assert_true (tern_mail_change_flags (fx->store, &m->id, 1, TERN_FLAG_FLAGGED, 0, &error));
  imap = tern_account_connect_imap (fx->account, fx->secrets, NULL, NULL, &error);
  g_assert_null (imap);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_CONNECTION_REFUSED);
  g_clear_error (&error);

  /* Tern restarts: the queue is on disk. */
  g_clear_object (&fx->store);
  fx->store = tern_store_open (fx->data_dir, TERN_STORE_OPEN_WRITER, &error);
  g_assert_no_error (error);
  ops = tern_store_list_ops (fx->store, fx->account->id, NULL);
  g_assert_cmpuint (ops->len, ==, 1);

  g_assert_true (tern_test_servers_start_imap (fx->servers, &error));
  sync_all (fx);
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = tern_store_list_ops (fx->store, fx->account->id, NULL);
  g_assert_cmpuint (ops->len, ==, 0);
  other = raw_connect (fx);
  g_assert_true (tern_test_raw_flags (other, "INBOX", 2) & TERN_FLAG_FLAGGED);
  raw_close (other);
  /* And the sync did not undo the local flag. */
  g_clear_pointer (&m, tern_message_summary_free);
  m = message_by_uid (fx, "INBOX", 2);
  g_assert_true (m->flags & TERN_FLAG_FLAGGED);
}

static void
test_uidvalidity_reset (Fixture *fx, gconstpointer data)
{
  mailimap *other = raw_connect (fx);
  g_autoptr(TernFolder) before = NULL;
  g_autoptr(TernFolder) after = NULL;

  g_assert_cmpint (mailimap_create (other, "Lists"), ==, MAILIMAP_NO_ERROR);
  for (guint i = 0; i < 3; i++)
    raw_append (other, "Lists", 200 + i);
  sync_all (fx);
  before = folder (fx, "Lists");
  g_assert_cmpuint (local_count (fx, "Lists"), ==, 3);

  /* Re-created: same name, new UIDVALIDITY, other messages. */
  g_assert_cmpint (mailimap_delete (other, "Lists"), ==, MAILIMAP_NO_ERROR);
  g_assert_cmpint (mailimap_create (other, "Lists"), ==, MAILIMAP_NO_ERROR);
  raw_append (other, "Lists", 300);
  raw_append (other, "Lists", 301);
  raw_close (other);
  sync_all (fx);
  after = folder (fx, "Lists");
  g_assert_cmpuint (after->uidvalidity, !=, before->uidvalidity);
  assert_exactly_once (fx, "Lists", 300, 2);
}

typedef struct {
  Fixture *fx;
  TernImapSync *sync;
  TernIdleResult result;
} IdleData;

static gpointer
idle_thread (gpointer data)
{
  IdleData *d = data;
  g_autoptr(GError) error = NULL;

  d->result = tern_imap_sync_idle (d->sync, "INBOX", 30, NULL, &error);
  g_assert_no_error (error);
  return NULL;
}

static void
test_idle_new_mail (Fixture *fx, gconstpointer data)
{
  g_autoptr(TernImapSync) sync = new_sync (fx);
  g_autoptr(GError) error = NULL;
  IdleData d = { fx, sync, TERN_IDLE_FAILED };
  GThread *thread;
  mailimap *other;
  gint64 start;

  seed (fx, "INBOX", 0, 3);
  g_assert_true (tern_imap_sync_all (sync, NULL, &error));
  thread = g_thread_new ("idle", idle_thread, &d);
  /* Give IDLE a moment to be in place; a message that lands before it
   * still shows up in the next sync, but this tests the push. */
  g_usleep (G_USEC_PER_SEC / 2);
  start = g_get_monotonic_time ();
  other = raw_connect (fx);
  raw_append (other, "INBOX", 50);
  raw_close (other);
  g_thread_join (thread);
  g_assert_cmpint (d.result, ==, TERN_IDLE_CHANGED);
  g_test_message ("IDLE reported new mail after %.2f s",
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  g_assert_true (tern_imap_sync_folder (sync, "INBOX", NULL, &error));
  g_assert_cmpuint (local_count (fx, "INBOX"), ==, 4);
}

static void
assert_no_login_in_log (Fixture *fx)
{
  g_autofree char *path = g_build_filename (tern_test_servers_dir (fx->servers), "dovecot.log", NULL);
  g_autofree char *log = NULL;

  g_assert_true (g_file_get_contents (path, &log, NULL, NULL));
  g_assert_null (strstr (log, "Login: user="));
  g_assert_null (strstr (log, "auth failed"));
  g_assert_null (strstr (log, PASSWORD));
}

static void
test_certificate_refused (gconstpointer data)
{
  TernTestCert variant = GPOINTER_TO_INT (data);
  TernTestServersOptions opts = { .cert = variant, .no_smtp = TRUE };
  Fixture fx = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(TernCertificateInfo) cert = NULL;
  mailimap *imap;

  setup_with (&fx, &opts);
  imap = tern_account_connect_imap (fx.account, fx.secrets, NULL, &cert, &error);
  g_assert_null (imap);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_CERTIFICATE);
  g_assert_nonnull (cert);
  g_assert_nonnull (cert->sha256);
  if (variant == TERN_TEST_CERT_WRONG_HOST)
    g_assert_true (cert->problems & TERN_CERTIFICATE_PROBLEM_WRONG_HOST);
  else if (variant == TERN_TEST_CERT_EXPIRED)
    g_assert_true (cert->problems & TERN_CERTIFICATE_PROBLEM_EXPIRED);
  else
    g_assert_true (cert->problems & TERN_CERTIFICATE_PROBLEM_UNTRUSTED);
  assert_no_login_in_log (&fx);

  /* The user trusts it: pinned, the next connection logs in. */
  g_free (fx.account->incoming_cert_sha256);
  fx.account->incoming_cert_sha256 = g_strdup (cert->sha256);
  g_clear_error (&error);
  imap = tern_account_connect_imap (fx.account, fx.secrets, NULL, NULL, &error);
  g_assert_no_error (error);
  raw_close (imap);
  teardown (&fx, NULL);
}

static void
test_starttls_refused (void)
{
  TernTestServersOptions opts = { .no_tls = TRUE, .no_smtp = TRUE };
  Fixture fx = { 0 };
  g_autoptr(GError) error = NULL;
  mailimap *imap;

  setup_with (&fx, &opts);
  fx.account->incoming_port = tern_test_servers_port (fx.servers, TERN_TEST_IMAP);
  fx.account->incoming_security = TERN_SECURITY_STARTTLS;
  imap = tern_account_connect_imap (fx.account, fx.secrets, NULL, NULL, &error);
  g_assert_null (imap);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NO_STARTTLS);
  assert_no_login_in_log (&fx);
  teardown (&fx, NULL);
}

static void
test_connection_cut_mid_fetch (Fixture *fx, gconstpointer data)
{
  g_autoptr(TernTestProxy) proxy = tern_test_proxy_new (tern_test_servers_port (fx->servers, TERN_TEST_IMAPS),
                                                        150 * 1024);
  g_autoptr(TernImapSync) sync = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernFolder) inbox = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  guint16 real_port = fx->account->incoming_port;

  seed (fx, "INBOX", 0, 80);
  fx->account->incoming_port = tern_test_proxy_port (proxy);
  sync = new_sync (fx);
  tern_imap_sync_set_chunk_bytes (sync, 32 * 1024);
  g_assert_false (tern_imap_sync_all (sync, NULL, &error));
  g_assert_true (g_error_matches (error, TERN_ERROR, TERN_ERROR_CONNECTION_LOST) ||
                 g_error_matches (error, TERN_ERROR, TERN_ERROR_PROTOCOL));
  g_assert_true (tern_imap_sync_must_reconnect (sync));

  /* What was stored is whole: every stored message has its full body. */
  inbox = folder (fx, "INBOX");
  ids = tern_store_list_message_ids (fx->store, inbox->id, TERN_SORT_DATE, FALSE, NULL);
  g_assert_cmpuint (ids->len, <, 80);
  rows = tern_store_get_summaries (fx->store, (gint64 *) ids->data, ids->len, NULL);
  for (guint i = 0; i < rows->len; i++)
    {
      TernMessageSummary *m = g_ptr_array_index (rows, i);
      g_autoptr(GBytes) raw = tern_store_get_raw (fx->store, m->id, NULL);
      g_assert_nonnull (raw);
      g_assert_cmpint (g_bytes_get_size (raw), ==, m->size);
    }

  fx->account->incoming_port = real_port;
  sync_all (fx);
  assert_exactly_once (fx, "INBOX", 0, 80);
}

/* What a reader sees of the inbox while tern-cli syncs it. */
typedef struct {
  guint stored;
  guint without_body;
  guint32 uidnext;
} InboxState;

/* The stored UIDs (ascending) and the UIDs still without body. */
static gboolean
inbox_state (Fixture *fx, InboxState *st, GArray **out_uids, GArray **out_missing)
{
  g_autoptr(TernStore) reader = tern_store_open (fx->data_dir, 0, NULL);
  g_autoptr(TernFolder) inbox = NULL;
  g_autoptr(GArray) uids = NULL;
  g_autoptr(GArray) missing = NULL;

  if (reader == NULL ||
      (inbox = tern_store_get_folder_by_path (reader, fx->account->id, "INBOX", NULL)) == NULL ||
      (uids = tern_store_list_uids (reader, inbox->id, NULL)) == NULL ||
      (missing = tern_store_list_missing_bodies (reader, inbox->id, 0, G_MAXINT64, G_MAXUINT32,
                                                 G_MAXUINT, NULL)) == NULL)
    return FALSE;
  st->stored = uids->len;
  st->without_body = missing->len;
  st->uidnext = inbox->uidnext;
  if (out_uids != NULL)
    *out_uids = g_steal_pointer (&uids);
  if (out_missing != NULL)
    *out_missing = g_steal_pointer (&missing);
  return TRUE;
}

/* KILL_IN_OLDER: past the newest TOP_PAGE (headers, then bodies), while
 * the older messages come whole. */
typedef enum { KILL_IN_HEADERS, KILL_IN_BODIES, KILL_IN_OLDER } KillPhase;
#define TOP_PAGE 100

static gboolean
in_phase (const InboxState *st, KillPhase phase, guint n)
{
  if (phase == KILL_IN_HEADERS)
    return st->stored >= 20 && st->without_body == st->stored;
  if (phase == KILL_IN_OLDER)
    return st->stored >= TOP_PAGE + 20 && st->stored + 20 <= n && st->without_body == 0;
  return st->stored == n && st->without_body > 0 && st->without_body + 20 <= n;
}

/* Messages among the first @n generated whose body (not headers) says
 * "Regards": what a search must find once their bodies are stored. */
static guint
count_regards (guint n)
{
  guint count = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GBytes) raw = tern_test_message_generate (i, SEED);

      count += g_strstr_len (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), "Regards") != NULL;
    }
  return count;
}

/* The first sync of a big folder stores the newest headers first, then the
 * bodies, newest first. tern-cli is killed in the phase @data names. Killed
 * in the headers, the store holds exactly the highest UIDs, none with its
 * body yet, and the resume point has not moved; killed in the bodies,
 * every header is stored, the resume point has moved, and the bodies
 * stored are the newest. With a top page smaller than the folder
 * (KILL_IN_OLDER), killed while the older ones come whole: the highest
 * UIDs, each with its body, and the resume point has not moved. Every way
 * mail filed meanwhile and everything older still arrives, each message
 * once, with its body, found by search. */
static void
test_sigkill_headers_first (Fixture *fx, gconstpointer data)
{
  KillPhase phase = GPOINTER_TO_INT (data);
  const char *cli = g_getenv ("TERN_CLI");
  const char *argv[] = { cli, "--data-dir", NULL, "--password-store=file", "sync", "Test", NULL };
  const guint n = 400;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = NULL;
  g_autoptr(GArray) uids = NULL;
  g_autoptr(GArray) missing = NULL;
  g_autoptr(GArray) found = NULL;
  g_autoptr(TernFolder) inbox = NULL;
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  InboxState st = { 0 };

  if (cli == NULL)
    {
      g_test_skip ("TERN_CLI is not set");
      return;
    }
  argv[2] = fx->data_dir;
  g_clear_object (&fx->store);   /* tern-cli is the writer now */
  seed (fx, "INBOX", 0, n);
  /* Chunks of one header, or of a few bodies: many commits to land in. */
  g_setenv ("TERN_SYNC_CHUNK_BYTES", "20000", TRUE);
  if (phase == KILL_IN_OLDER)
    g_setenv ("TERN_SYNC_HEADERS_FIRST_UIDS", G_STRINGIFY (TOP_PAGE), TRUE);
  p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  g_assert_no_error (error);
  while (g_get_monotonic_time () < deadline &&
         !(inbox_state (fx, &st, NULL, NULL) && in_phase (&st, phase, n)))
    g_usleep (2000);
  g_subprocess_send_signal (p, SIGKILL);
  g_subprocess_wait (p, NULL, NULL);
  g_unsetenv ("TERN_SYNC_CHUNK_BYTES");
  g_unsetenv ("TERN_SYNC_HEADERS_FIRST_UIDS");
  g_assert_true (g_subprocess_get_if_signaled (p));

  g_assert_true (inbox_state (fx, &st, &uids, &missing));
  g_test_message ("killed with %u of %u stored, %u without body", st.stored, n, st.without_body);
  if (phase == KILL_IN_HEADERS || phase == KILL_IN_OLDER)
    {
      g_assert_cmpuint (st.stored, >=, phase == KILL_IN_OLDER ? TOP_PAGE + 20 : 20);
      g_assert_cmpuint (st.stored, <, n);
      g_assert_cmpuint (st.without_body, ==, phase == KILL_IN_OLDER ? 0 : st.stored);
      g_assert_cmpuint (st.uidnext, <=, 1);   /* the resume point has not moved */
      /* The newest ones: UIDs n - stored + 1 to n, nothing older. */
      for (guint i = 0; i < uids->len; i++)
        g_assert_cmpuint (g_array_index (uids, TernUidFlags, i).uid, ==, n - uids->len + 1 + i);
    }
  else
    {
      g_assert_cmpuint (st.stored, ==, n);
      g_assert_cmpuint (st.uidnext, ==, n + 1);
      g_assert_cmpuint (st.without_body, >, 0);
      g_assert_cmpuint (st.without_body, <=, n - 20);
      /* The bodies still missing are the oldest: UIDs 1 to without_body. */
      for (guint i = 0; i < missing->len; i++)
        g_assert_cmpuint (g_array_index (missing, TernUidSize, i).uid, ==, i + 1);
    }

  fx->store = tern_store_open (fx->data_dir, TERN_STORE_OPEN_WRITER | TERN_STORE_OPEN_CHECK, &error);
  g_assert_no_error (error);
  /* Somebody files more mail, then the sync runs to its end. */
  seed (fx, "INBOX", n, 30);
  sync_all (fx);
  assert_exactly_once (fx, "INBOX", 0, n + 30);
  g_clear_pointer (&missing, g_array_unref);
  g_assert_true (inbox_state (fx, &st, NULL, &missing));
  g_assert_cmpuint (st.without_body, ==, 0);
  g_assert_cmpuint (st.uidnext, ==, n + 31);
  /* The search index has every body. */
  inbox = folder (fx, "INBOX");
  found = tern_store_search (fx->store, fx->account->id, inbox->id, "regards", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, count_regards (n + 30));
}

typedef struct {
  guint calls, done, total, went_back;
} InboxProgress;

static void
on_inbox_progress (const TernSyncProgress *p, gpointer data)
{
  InboxProgress *seen = data;

  if (g_strcmp0 (p->folder_path, "INBOX") != 0)
    return;
  seen->went_back += seen->calls > 0 && (p->done < seen->done || p->total != seen->total);
  seen->calls++;
  seen->done = p->done;
  seen->total = p->total;
}

/* A first sync newest first (the top page's headers, its bodies, then the
 * older mail whole) shows one count that only goes up: a message counts
 * when it can be read offline, so the top page's headers alone do not. */
static void
test_newest_first_progress (Fixture *fx, gconstpointer data)
{
  const guint n = 400;
  g_autoptr(TernImapSync) sync = NULL;
  g_autoptr(GError) error = NULL;
  InboxProgress seen = { 0 };

  seed (fx, "INBOX", 0, n);
  g_setenv ("TERN_SYNC_CHUNK_BYTES", "20000", TRUE);
  g_setenv ("TERN_SYNC_HEADERS_FIRST_UIDS", G_STRINGIFY (TOP_PAGE), TRUE);
  sync = tern_test_imap_sync_new (fx->store, fx->secrets, fx->account);
  g_unsetenv ("TERN_SYNC_CHUNK_BYTES");
  g_unsetenv ("TERN_SYNC_HEADERS_FIRST_UIDS");
  tern_imap_sync_set_progress_func (sync, on_inbox_progress, &seen);
  g_assert_true (tern_imap_sync_all (sync, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (seen.calls, >, 10);
  g_assert_cmpuint (seen.went_back, ==, 0);
  g_assert_cmpuint (seen.total, ==, n);
  g_assert_cmpuint (seen.done, ==, n);
  assert_exactly_once (fx, "INBOX", 0, n);
}

/* Each round the server gains new mail and a tern-cli sync of it is killed
 * at a random moment (often mid-chunk, mid-transaction); at the end one
 * clean sync must leave every message exactly once and the store intact.
 * A sync that finished before its kill tested nothing, so the rounds go on
 * (with shorter delays) until MIN_KILLS syncs really died. */
#define MIN_KILLS 5

static void
test_sigkill_during_sync (Fixture *fx, gconstpointer data)
{
  const char *cli = g_getenv ("TERN_CLI");
  const guint min_rounds = 10, max_rounds = 40, per_round = 60;
  g_autoptr(GError) error = NULL;
  GRand *rand = g_rand_new_with_seed (7);
  guint killed = 0, round = 0, max_delay_ms = 400;

  if (cli == NULL)
    {
      g_test_skip ("TERN_CLI is not set");
      return;
    }
  g_clear_object (&fx->store);   /* tern-cli is the writer now */
  g_setenv ("TERN_SYNC_CHUNK_BYTES", "20000", TRUE);
  for (; round < max_rounds && (round < min_rounds || killed < MIN_KILLS); round++)
    {
      const char *argv[] = { cli, "--data-dir", fx->data_dir, "--password-store=file",
                             "sync", "Test", NULL };
      g_autoptr(GSubprocess) p = NULL;

      seed (fx, "INBOX", round * per_round, per_round);
      p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
      g_assert_no_error (error);
      g_usleep (g_rand_int_range (rand, 30, max_delay_ms) * 1000);
      /* A sync that already finished is a zombie; the signal is harmless. */
      g_subprocess_send_signal (p, SIGKILL);
      g_subprocess_wait (p, NULL, NULL);
      if (g_subprocess_get_if_signaled (p))
        killed++;
      else
        {
          g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 0);
          max_delay_ms = MAX (60, max_delay_ms * 3 / 4);
        }
    }
  g_unsetenv ("TERN_SYNC_CHUNK_BYTES");
  g_rand_free (rand);
  g_test_message ("killed tern-cli sync %u of %u times", killed, round);
  g_assert_cmpuint (killed, >=, MIN_KILLS);

  fx->store = tern_store_open (fx->data_dir, TERN_STORE_OPEN_WRITER | TERN_STORE_OPEN_CHECK, &error);
  g_assert_no_error (error);
  sync_all (fx);
  assert_exactly_once (fx, "INBOX", 0, round * per_round);
}

/* Offline, the user deletes one message and flags another; meanwhile the
 * server rebuilds the folder's UID list (every old UID now names another
 * message) and the flagged one disappears. The delete must reach the right
 * message, found again by Message-ID, size and date; the flag change, whose
 * message is gone, is held and says why; no other message is touched. */
static void
test_renumbered_queue (Fixture *fx, gconstpointer data)
{
  g_autoptr(TernMessageSummary) victim = NULL, gone = NULL;
  g_autoptr(TernFolder) before = NULL, after = NULL;
  g_autoptr(GHashTable) inbox = NULL, trash = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GError) error = NULL;
  TernPendingOp *op;

  seed (fx, "INBOX", 0, 50);
  sync_all (fx);
  before = folder (fx, "INBOX");
  victim = message_by_uid (fx, "INBOX", 20);
  gone = message_by_uid (fx, "INBOX", 21);
  g_assert_true (tern_test_servers_stop_imap (fx->servers, &error));
  g_assert_true (tern_mail_delete (fx->store, &victim->id, 1, &error));
  g_assert_true (tern_mail_change_flags (fx->store, &gone->id, 1, TERN_FLAG_FLAGGED, 0, &error));
  g_assert_no_error (error);
  renumber_mailbox (fx, "INBOX", gone->message_id);
  g_assert_true (tern_test_servers_start_imap (fx->servers, &error));

  sync_all (fx);
  after = folder (fx, "INBOX");
  g_assert_cmpuint (after->uidvalidity, !=, before->uidvalidity);
  /* The deleted message, and only it, went to Trash. */
  inbox = server_files (fx, "INBOX");
  trash = server_files (fx, "Trash");
  g_assert_cmpuint (g_hash_table_size (trash), ==, 1);
  g_assert_true (g_hash_table_contains (trash, victim->message_id));
  g_assert_cmpuint (g_hash_table_size (inbox), ==, 48);
  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *mid = tern_test_message_id (i, SEED);

      if (g_strcmp0 (mid, victim->message_id) != 0 && g_strcmp0 (mid, gone->message_id) != 0)
        g_assert_true (g_hash_table_contains (inbox, mid));
    }
  /* Nothing got the flag meant for the vanished message. */
  {
    GHashTableIter it;
    gpointer path;

    g_hash_table_iter_init (&it, inbox);
    while (g_hash_table_iter_next (&it, NULL, &path))
      g_assert_null (strchr (strstr (path, ":2,"), 'F'));
  }
  ops = tern_store_list_ops (fx->store, fx->account->id, NULL);
  g_assert_cmpuint (ops->len, ==, 1);
  op = g_ptr_array_index (ops, 0);
  g_assert_cmpint (op->kind, ==, TERN_PENDING_SET_FLAGS);
  g_assert_true (op->held);
  g_assert_nonnull (strstr (op->last_error, "renumbered"));
  g_assert_cmpuint (local_count (fx, "INBOX"), ==, 48);
  g_assert_cmpuint (local_count (fx, "Trash"), ==, 1);

  /* A held change stays held: the next sync leaves it alone. */
  sync_all (fx);
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = tern_store_list_ops (fx->store, fx->account->id, NULL);
  g_assert_cmpuint (ops->len, ==, 1);
  g_assert_cmpuint (((TernPendingOp *) g_ptr_array_index (ops, 0))->attempts, ==, 1);
}

/* Files in @mailbox on the server whose Message-ID is @mid. */
static guint
server_copies (Fixture *fx, const char *mailbox, const char *mid)
{
  g_autoptr(GPtrArray) paths = list_files (fx, mailbox);
  guint n = 0;

  for (guint i = 0; i < paths->len; i++)
    {
      g_autofree char *m = file_message_id (g_ptr_array_index (paths, i));
      n += g_strcmp0 (m, mid) == 0;
    }
  return n;
}

/* Local messages of @path with Message-ID @mid, and how many have no UID. */
static guint
local_copies (Fixture *fx, const char *path, const char *mid, guint *without_uid)
{
  g_autoptr(TernFolder) f = folder (fx, path);
  g_autoptr(GArray) ids = tern_store_find_by_message_id (fx->store, fx->account->id, mid, NULL);
  guint n = 0;

  *without_uid = 0;
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    {
      g_autoptr(TernMessageSummary) m = tern_store_get_message (fx->store, g_array_index (ids, gint64, i), NULL);

      if (m != NULL && m->folder_id == f->id)
        {
          n++;
          *without_uid += m->uid == 0;
        }
    }
  return n;
}

/* Offline, two messages are moved to Archive; meanwhile the server rebuilds
 * the inbox's UID list, one of them gets an identical twin (so nobody can
 * tell which one was meant) and the other disappears. Both moves are held.
 * Discarding them changes nothing on the server and loses nothing: the
 * twin's local copy in Archive goes, as the server's copies are back in the
 * inbox; the vanished one's local copy, the only copy left, stays. A change
 * that is not held cannot be discarded. */
static void
test_discard_held (Fixture *fx, gconstpointer data)
{
  g_autoptr(TernMessageSummary) twin = NULL, gone = NULL;
  g_autoptr(TernFolder) archive = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *twin_path = NULL, *copy_path = NULL;
  g_autoptr(GFile) from = NULL, to = NULL;
  guint no_uid = 0;
  gint64 flag_id;

  seed (fx, "INBOX", 0, 20);
  sync_all (fx);
  archive = folder (fx, "Archive");
  twin = message_by_uid (fx, "INBOX", 5);
  gone = message_by_uid (fx, "INBOX", 6);
  {
    g_autoptr(GHashTable) files = server_files (fx, "INBOX");
    twin_path = g_strdup (g_hash_table_lookup (files, twin->message_id));
  }
  g_assert_true (tern_test_servers_stop_imap (fx->servers, &error));
  g_assert_true (tern_mail_move (fx->store, &twin->id, 1, archive->id, &error));
  g_assert_true (tern_mail_move (fx->store, &gone->id, 1, archive->id, &error));
  g_assert_no_error (error);
  renumber_mailbox (fx, "INBOX", gone->message_id);
  /* The twin: the same bytes and date, under another file name. */
  {
    g_autofree char *dir = g_path_get_dirname (twin_path);
    copy_path = g_build_filename (dir, "twin.eml:2,", NULL);
  }
  from = g_file_new_for_path (twin_path);
  to = g_file_new_for_path (copy_path);
  g_assert_true (g_file_copy (from, to, G_FILE_COPY_ALL_METADATA, NULL, NULL, NULL, &error));
  g_assert_true (tern_test_servers_start_imap (fx->servers, &error));
  g_assert_no_error (error);

  sync_all (fx);
  ops = tern_store_list_ops (fx->store, fx->account->id, NULL);
  g_assert_cmpuint (ops->len, ==, 2);
  for (guint i = 0; i < ops->len; i++)
    {
      TernPendingOp *op = g_ptr_array_index (ops, i);
      g_assert_cmpint (op->kind, ==, TERN_PENDING_MOVE);
      g_assert_true (op->held);
    }
  g_assert_cmpuint (tern_mail_count_held (fx->store, fx->account->id, NULL, NULL), ==, 2);
  g_assert_cmpuint (local_copies (fx, "INBOX", twin->message_id, &no_uid), ==, 2);
  g_assert_cmpuint (local_copies (fx, "Archive", twin->message_id, &no_uid), ==, 1);
  g_assert_cmpuint (no_uid, ==, 1);

  /* A change still to be sent is not the user's to discard. */
  {
    g_autoptr(TernMessageSummary) first = message_by_uid (fx, "INBOX", 1);
    flag_id = first->id;
  }
  g_assert_true (tern_mail_change_flags (fx->store, &flag_id, 1, TERN_FLAG_FLAGGED, 0, &error));
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = tern_store_list_ops (fx->store, fx->account->id, NULL);
  g_assert_cmpuint (ops->len, ==, 3);
  g_assert_false (tern_mail_discard_held (fx->store, fx->account->id,
                                          ((TernPendingOp *) g_ptr_array_index (ops, 2))->id, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_INVALID);
  g_clear_error (&error);

  for (guint i = 0; i < 2; i++)
    g_assert_true (tern_mail_discard_held (fx->store, fx->account->id,
                                           ((TernPendingOp *) g_ptr_array_index (ops, i))->id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tern_mail_count_held (fx->store, fx->account->id, NULL, NULL), ==, 0);
  /* The twin: no local duplicate left in Archive, both server copies in the inbox. */
  g_assert_cmpuint (local_copies (fx, "Archive", twin->message_id, &no_uid), ==, 0);
  g_assert_cmpuint (local_copies (fx, "INBOX", twin->message_id, &no_uid), ==, 2);
  /* The vanished one: its local copy is all there is, and it stays. */
  g_assert_cmpuint (local_copies (fx, "Archive", gone->message_id, &no_uid), ==, 1);

  /* The server still has what it had: nothing moved. */
  sync_all (fx);
  g_assert_cmpuint (server_copies (fx, "INBOX", twin->message_id), ==, 2);
  g_assert_cmpuint (server_copies (fx, "Archive", twin->message_id), ==, 0);
  g_assert_cmpuint (server_copies (fx, "INBOX", gone->message_id), ==, 0);
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = list_files (fx, "Archive");
  g_assert_cmpuint (ops->len, ==, 0);
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = tern_store_list_ops (fx->store, fx->account->id, NULL);
  g_assert_cmpuint (ops->len, ==, 0);
}

/* What GNU Mailutils imap4d announces: no UIDPLUS (no COPYUID, no UID
 * EXPUNGE), no MOVE, no CONDSTORE. */
#define MAILUTILS_CAPABILITY "IMAP4rev1 LITERAL+ ID IDLE NAMESPACE UNSELECT CHILDREN SPECIAL-USE"

static void
setup_no_uidplus (Fixture *fx, gconstpointer data)
{
  TernTestServersOptions opts = { .no_smtp = TRUE, .imap_capability = MAILUTILS_CAPABILITY };
  setup_with (fx, &opts);
}

static guint
server_count (Fixture *fx, const char *mailbox)
{
  g_autoptr(GHashTable) files = server_files (fx, mailbox);

  return g_hash_table_size (files);
}

static void
assert_no_ops (Fixture *fx)
{
  g_autoptr(GPtrArray) ops = tern_store_list_ops (fx->store, fx->account->id, NULL);

  g_assert_cmpuint (ops->len, ==, 0);
}

/* Without UIDPLUS and MOVE, a move and a delete leave neither a duplicate
 * here (the local copy takes the server copy's UID, found by Message-ID)
 * nor a ghost there (EXPUNGE once every \Deleted message is ours); when
 * another client's message is marked \Deleted too, ours wait, and the op
 * says what is left. */
static void
test_no_uidplus (Fixture *fx, gconstpointer data)
{
  g_autoptr(TernMessageSummary) m2 = NULL, m3 = NULL, m6 = NULL, moved = NULL;
  g_autoptr(TernFolder) archive = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  mailimap *other;

  seed (fx, "INBOX", 0, 10);
  sync_all (fx);
  archive = folder (fx, "Archive");
  m2 = message_by_uid (fx, "INBOX", 2);
  m3 = message_by_uid (fx, "INBOX", 3);
  g_assert_true (tern_mail_move (fx->store, &m2->id, 1, archive->id, &error));
  g_assert_true (tern_mail_delete (fx->store, &m3->id, 1, &error));
  g_assert_no_error (error);
  sync_all (fx);
  assert_no_ops (fx);
  g_assert_cmpuint (server_count (fx, "INBOX"), ==, 8);
  g_assert_cmpuint (server_count (fx, "Archive"), ==, 1);
  g_assert_cmpuint (server_count (fx, "Trash"), ==, 1);
  assert_each_once (fx, 0, 10);
  g_assert_cmpuint (local_count (fx, "Archive"), ==, 1);
  moved = message_by_uid (fx, "Archive", 1);
  g_assert_cmpint (moved->id, ==, m2->id);

  /* Deleting from Trash removes it from the server's Trash too. */
  ids = tern_store_find_by_message_id (fx->store, fx->account->id, m3->message_id, NULL);
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_true (tern_mail_delete (fx->store, (gint64 *) ids->data, 1, &error));
  g_assert_no_error (error);
  sync_all (fx);
  assert_no_ops (fx);
  g_assert_cmpuint (server_count (fx, "Trash"), ==, 0);
  g_assert_cmpuint (local_count (fx, "Trash"), ==, 0);

  /* Another client marked a message \Deleted: a plain EXPUNGE would take it
   * too, so ours stays marked, and the queued op says so. */
  other = raw_connect (fx);
  tern_test_raw_store (other, "INBOX", 5, mailimap_flag_new_deleted (), TRUE);
  m6 = message_by_uid (fx, "INBOX", 6);
  g_assert_true (tern_mail_move (fx->store, &m6->id, 1, archive->id, &error));
  sync_all (fx);
  ops = tern_store_list_ops (fx->store, fx->account->id, NULL);
  g_assert_cmpuint (ops->len, ==, 1);
  g_assert_cmpint (((TernPendingOp *) g_ptr_array_index (ops, 0))->kind, ==, TERN_PENDING_EXPUNGE);
  g_assert_false (((TernPendingOp *) g_ptr_array_index (ops, 0))->held);
  g_assert_nonnull (strstr (((TernPendingOp *) g_ptr_array_index (ops, 0))->last_error,
                            "marked as deleted"));
  g_assert_cmpuint (server_count (fx, "INBOX"), ==, 8);
  g_assert_cmpuint (server_count (fx, "Archive"), ==, 2);
  g_assert_cmpuint (local_count (fx, "Archive"), ==, 2);

  /* Once the other message is gone, ours goes at the next sync, and was
   * never copied twice. */
  tern_test_raw_store (other, "INBOX", 5, mailimap_flag_new_deleted (), TRUE);
  g_assert_cmpint (mailimap_expunge (other), ==, MAILIMAP_NO_ERROR);
  raw_close (other);
  /* That took ours as well (it was marked): the op finds nothing left. */
  sync_all (fx);
  assert_no_ops (fx);
  g_assert_cmpuint (server_count (fx, "INBOX"), ==, 6);
  g_assert_cmpuint (server_count (fx, "Archive"), ==, 2);
  g_assert_cmpuint (local_count (fx, "INBOX"), ==, 6);
  /* All but the one deleted from Trash (index 2, UID 3) and the other
   * client's (index 4, UID 5). */
  assert_each_once (fx, 0, 2);
  assert_each_once (fx, 3, 1);
  assert_each_once (fx, 5, 5);
}

static void
setup_no_special_folders (Fixture *fx, gconstpointer data)
{
  TernTestServersOptions opts = { .no_smtp = TRUE, .no_special_folders = TRUE };
  setup_with (fx, &opts);
}

/* A server that makes no Trash (Cyrus, Courier, Mailutils): the first sync
 * creates one, so a delete goes there. Where there is none, a delete changes
 * nothing and asks; only a confirmed one deletes for good. */
static void
test_no_trash (Fixture *fx, gconstpointer data)
{
  g_autoptr(TernFolder) trash = NULL;
  g_autoptr(TernMessageSummary) m1 = NULL, m2 = NULL;
  g_autoptr(GError) error = NULL;
  mailimap *other;

  seed (fx, "INBOX", 0, 5);
  sync_all (fx);
  trash = tern_store_get_folder_by_role (fx->store, fx->account->id, TERN_FOLDER_ROLE_TRASH, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (trash->path, ==, "Trash");
  other = raw_connect (fx);
  g_assert_cmpuint (tern_test_raw_exists (other, "Trash"), ==, 0);
  raw_close (other);
  m1 = message_by_uid (fx, "INBOX", 1);
  g_assert_true (tern_mail_delete (fx->store, &m1->id, 1, &error));
  g_assert_no_error (error);
  sync_all (fx);
  g_assert_cmpuint (server_count (fx, "Trash"), ==, 1);
  g_assert_cmpuint (local_count (fx, "Trash"), ==, 1);

  /* No Trash here (the server refused to make one, say): nothing happens
   * without the user's word. */
  g_assert_true (tern_store_delete_folder (fx->store, trash->id, &error));
  m2 = message_by_uid (fx, "INBOX", 2);
  g_assert_false (tern_mail_delete (fx->store, &m2->id, 1, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NEEDS_CONFIRMATION);
  g_assert_nonnull (strstr (error->message, "for good"));
  g_clear_error (&error);
  assert_no_ops (fx);
  g_assert_cmpuint (local_count (fx, "INBOX"), ==, 4);
  g_assert_true (tern_mail_delete_permanently (fx->store, &m2->id, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (local_count (fx, "INBOX"), ==, 3);
  sync_all (fx);
  assert_no_ops (fx);
  g_assert_cmpuint (server_count (fx, "INBOX"), ==, 3);
}

/* Waits until @mailbox on the server holds more than @than messages or @p
 * exited; returns whether it did hold more. */
/* Files in @mailbox's Maildir, counted without reading them (Dovecot
 * renames them while it runs). */
static guint
count_files (Fixture *fx, const char *mailbox)
{
  g_autoptr(GPtrArray) paths = list_files (fx, mailbox);

  return paths->len;
}

static gboolean
wait_for_copy (Fixture *fx, GSubprocess *p, const char *mailbox, guint than)
{
  while (count_files (fx, mailbox) <= than)
    {
      if (g_subprocess_get_identifier (p) == NULL)
        return FALSE;
      g_usleep (1000);
    }
  return TRUE;
}

/* Without MOVE a move is COPY, \Deleted, EXPUNGE. tern-cli replays 12
 * queued moves and is killed each time a copy has just landed on the server
 * (the worst moment: before the op knows it is only a delete now). At the
 * end each message is in Archive exactly once, on the server and here, and
 * nowhere else. */
static void
test_sigkill_during_replay (Fixture *fx, gconstpointer data)
{
  const char *cli = g_getenv ("TERN_CLI");
  const guint n = 12, max_rounds = 40;
  g_autoptr(TernFolder) archive = NULL;
  g_autoptr(GError) error = NULL;
  guint killed = 0, rounds = 0;

  if (cli == NULL)
    {
      g_test_skip ("TERN_CLI is not set");
      return;
    }
  seed (fx, "INBOX", 0, n);
  sync_all (fx);
  archive = folder (fx, "Archive");
  for (guint uid = 1; uid <= n; uid++)
    {
      g_autoptr(TernMessageSummary) m = message_by_uid (fx, "INBOX", uid);
      g_assert_true (tern_mail_move (fx->store, &m->id, 1, archive->id, &error));
      g_assert_no_error (error);
    }
  g_clear_object (&fx->store);   /* tern-cli is the writer now */
  while (rounds++ < max_rounds)
    {
      const char *argv[] = { cli, "--data-dir", fx->data_dir, "--password-store=file",
                             "sync", "Test", "--folder", "INBOX", NULL };
      guint before = count_files (fx, "Archive");
      g_autoptr(GSubprocess) p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                    G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);

      g_assert_no_error (error);
      if (wait_for_copy (fx, p, "Archive", before))
        g_subprocess_send_signal (p, SIGKILL);
      g_subprocess_wait (p, NULL, NULL);
      if (!g_subprocess_get_if_signaled (p))
        {
          /* Nothing left to copy: the replay went through. */
          g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 0);
          break;
        }
      killed++;
    }
  g_test_message ("killed tern-cli replay %u times in %u rounds", killed, rounds);
  /* The test means nothing unless replays really died half-way. */
  g_assert_cmpuint (killed, >=, 3);

  fx->store = tern_store_open (fx->data_dir, TERN_STORE_OPEN_WRITER | TERN_STORE_OPEN_CHECK, &error);
  g_assert_no_error (error);
  sync_all (fx);
  assert_no_ops (fx);
  /* server_files() fails on a Message-ID seen twice. */
  g_assert_cmpuint (server_count (fx, "Archive"), ==, n);
  g_assert_cmpuint (server_count (fx, "INBOX"), ==, 0);
  assert_exactly_once (fx, "Archive", 0, n);
  g_assert_cmpuint (local_count (fx, "INBOX"), ==, 0);
}

int
main (int argc, char *argv[])
{
  signal (SIGPIPE, SIG_IGN);
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add ("/imap-sync/" path, Fixture, NULL, setup, fn, teardown)
  ADD ("initial", test_initial_sync);
  ADD ("incremental", test_incremental_sync);
  ADD ("local-changes", test_local_changes_reach_server);
  ADD ("offline-replay", test_offline_replay);
  ADD ("uidvalidity-reset", test_uidvalidity_reset);
  ADD ("idle", test_idle_new_mail);
  ADD ("connection-cut", test_connection_cut_mid_fetch);
  ADD ("sigkill", test_sigkill_during_sync);
  g_test_add ("/imap-sync/sigkill-newest-first", Fixture, GINT_TO_POINTER (KILL_IN_HEADERS),
              setup, test_sigkill_headers_first, teardown);
  g_test_add ("/imap-sync/sigkill-newest-first-bodies", Fixture, GINT_TO_POINTER (KILL_IN_BODIES),
              setup, test_sigkill_headers_first, teardown);
  ADD ("newest-first-progress", test_newest_first_progress);
  g_test_add ("/imap-sync/sigkill-newest-first-older", Fixture, GINT_TO_POINTER (KILL_IN_OLDER),
              setup, test_sigkill_headers_first, teardown);
  ADD ("renumbered-queue", test_renumbered_queue);
  ADD ("discard-held", test_discard_held);
#undef ADD
  g_test_add ("/imap-sync/no-uidplus", Fixture, NULL, setup_no_uidplus, test_no_uidplus, teardown);
  g_test_add ("/imap-sync/sigkill-during-replay", Fixture, NULL, setup_no_uidplus,
              test_sigkill_during_replay, teardown);
  g_test_add ("/imap-sync/no-trash", Fixture, NULL, setup_no_special_folders, test_no_trash,
              teardown);
  g_test_add_data_func ("/imap-sync/certificate/self-signed",
                        GINT_TO_POINTER (TERN_TEST_CERT_SELF_SIGNED), test_certificate_refused);
  g_test_add_data_func ("/imap-sync/certificate/wrong-host",
                        GINT_TO_POINTER (TERN_TEST_CERT_WRONG_HOST), test_certificate_refused);
  g_test_add_data_func ("/imap-sync/certificate/expired",
                        GINT_TO_POINTER (TERN_TEST_CERT_EXPIRED), test_certificate_refused);
  g_test_add_func ("/imap-sync/starttls-refused", test_starttls_refused);
  return g_test_run ();
}
