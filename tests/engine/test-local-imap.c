/* test-local-imap.c: folders "On this computer" against real Dovecot (with
 * its quota plugin on):
 *  - a message moved from INBOX to a local folder keeps the server's exact
 *    bytes, and leaves the server once the queued delete is replayed; moved
 *    back, it is APPENDed and synced again, once;
 *  - SIGKILL of tern-cli moving messages out of IMAP, at the two worst
 *    moments (just after the local commit, before the server delete; just
 *    after the server delete, before the queue knows): each message ends
 *    up exactly once here and nowhere on the server;
 *  - "Archive to this computer" with --remove;
 *  - a whole account archived (tern-cli archive --all --remove) and SIGKILLed
 *    in its second folder, then run again: every message once here, none
 *    left on the server;
 *  - GETQUOTAROOT: the STORAGE used and the limit, stored per account. */
#include <signal.h>
#include <string.h>

#include "account/tern-account-sync.h"
#include "account/tern-local-archive.h"
#include "account/tern-local-folders.h"
#include "account/tern-mail-actions.h"
#include "core/tern-error.h"
#include "tern-test-mail-account.h"
#include "tern-test-messages.h"

#define SEED 16
#define QUOTA_KIB 4096

typedef struct {
  TernTestAccount *t;
} Fixture;

static void
setup (Fixture *fx, gconstpointer data)
{
  TernTestServersOptions opts = { .no_smtp = TRUE, .quota_storage_kib = QUOTA_KIB };

  fx->t = tern_test_account_new (tern_test_shared_servers_with (&opts), TERN_PROTOCOL_IMAP);
}

static void
teardown (Fixture *fx, gconstpointer data)
{
  tern_test_account_free (fx->t);
}

static void
seed (Fixture *fx, guint first, guint n)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_test_messages_seed (fx->t->servers, fx->t->user, "INBOX", first, n, SEED,
                                          &error));
  g_assert_no_error (error);
}

static void
sync_all (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSync) s = tern_account_sync_new (fx->t->store, fx->t->account->id,
                                                        fx->t->secrets);

  g_assert_true (tern_account_sync_incoming (s, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static guint
server_count (Fixture *fx)
{
  g_autoptr(GHashTable) ids = tern_test_server_message_ids (fx->t->servers, fx->t->user);
  GHashTableIter it;
  gpointer value;

  /* Each once: a duplicate on the server is a failure too. */
  g_hash_table_iter_init (&it, ids);
  while (g_hash_table_iter_next (&it, NULL, &value))
    g_assert_cmpuint (GPOINTER_TO_UINT (value), ==, 1);
  return g_hash_table_size (ids);
}

/* Message-ID -> count in a folder. */
static GHashTable *
folder_ids (TernStore *store, gint64 folder_id)
{
  g_autoptr(GError) error = NULL;
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GArray) list = tern_store_list_message_ids (store, folder_id, TERN_SORT_DATE, FALSE,
                                                        &error);
  g_autoptr(GPtrArray) rows = tern_store_get_summaries (store, (gint64 *) list->data, list->len,
                                                        &error);

  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      TernMessageSummary *m = g_ptr_array_index (rows, i);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (ids, m->message_id));

      g_hash_table_replace (ids, g_strdup (m->message_id), GUINT_TO_POINTER (n + 1));
    }
  return ids;
}

static TernFolder *
inbox (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  TernFolder *f = tern_store_get_folder_by_path (fx->t->store, fx->t->account->id, "INBOX",
                                                 &error);

  g_assert_no_error (error);
  return f;
}

static gint64
message_with_id (TernStore *store, gint64 folder_id, const char *message_id)
{
  g_autoptr(GArray) ids = tern_store_list_message_ids (store, folder_id, TERN_SORT_DATE, FALSE,
                                                       NULL);
  g_autoptr(GPtrArray) rows = tern_store_get_summaries (store, (gint64 *) ids->data, ids->len,
                                                        NULL);

  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (((TernMessageSummary *) g_ptr_array_index (rows, i))->message_id,
                   message_id) == 0)
      return ((TernMessageSummary *) g_ptr_array_index (rows, i))->id;
  return 0;
}

static void
assert_no_ops (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ops = tern_store_list_ops (fx->t->store, fx->t->account->id, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (ops->len, ==, 0);
}

static void
replay (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSync) s = tern_account_sync_new (fx->t->store, fx->t->account->id,
                                                        fx->t->secrets);

  g_assert_true (tern_account_sync_replay (s, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
test_move_out_and_back (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernFolder) kept = tern_local_folder_create (fx->t->store, "Kept", &error);
  g_autoptr(TernFolder) in = NULL;
  g_autofree char *mid = tern_test_message_id (2, SEED);
  g_autoptr(GBytes) sent = tern_test_message_generate (2, SEED);
  g_autoptr(GBytes) here = NULL;
  g_autoptr(GHashTable) ids = NULL;
  gint64 id, local_id;

  g_assert_no_error (error);
  seed (fx, 0, 5);
  sync_all (fx);
  in = inbox (fx);
  id = message_with_id (fx->t->store, in->id, mid);
  g_assert_cmpint (id, !=, 0);
  g_assert_true (tern_mail_move (fx->t->store, &id, 1, kept->id, &error));
  g_assert_no_error (error);
  /* Safe here before the server heard anything. */
  g_assert_cmpuint (server_count (fx), ==, 5);
  local_id = message_with_id (fx->t->store, kept->id, mid);
  here = tern_store_get_raw (fx->t->store, local_id, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (here, sent));
  replay (fx);
  assert_no_ops (fx);
  g_assert_cmpuint (server_count (fx), ==, 4);
  sync_all (fx);
  ids = folder_ids (fx->t->store, in->id);
  g_assert_cmpuint (g_hash_table_size (ids), ==, 4);
  g_assert_false (g_hash_table_contains (ids, mid));
  g_clear_pointer (&ids, g_hash_table_unref);

  /* And back: an APPEND, then the server's copy is the one in INBOX. */
  g_assert_true (tern_mail_move (fx->t->store, &local_id, 1, in->id, &error));
  g_assert_no_error (error);
  replay (fx);
  assert_no_ops (fx);
  g_assert_cmpuint (server_count (fx), ==, 5);
  sync_all (fx);
  ids = folder_ids (fx->t->store, in->id);
  g_assert_cmpuint (g_hash_table_size (ids), ==, 5);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (ids, mid)), ==, 1);
  g_clear_pointer (&ids, g_hash_table_unref);
  ids = folder_ids (fx->t->store, kept->id);
  g_assert_cmpuint (g_hash_table_size (ids), ==, 0);
}

/* ---- SIGKILL -------------------------------------------------------------------- */

static guint
local_total (TernStore *reader, gint64 folder_id)
{
  g_autoptr(TernFolder) f = tern_store_get_folder (reader, folder_id, NULL);

  return f != NULL ? f->total_count : 0;
}

static guint
server_files (Fixture *fx)
{
  g_autoptr(GHashTable) ids = tern_test_server_message_ids (fx->t->servers, fx->t->user);

  return tern_test_count_total (ids);
}

/* Waits for the moment of @round (even: the local copy is committed; odd:
 * the server file is gone) and kills @p then. FALSE if it ended first. */
static gboolean
kill_at_worst_moment (Fixture *fx, GSubprocess *p, TernStore *reader, gint64 kept,
                      guint round, guint local_before, guint server_before)
{
  for (;;)
    {
      gboolean now = round % 2 == 0 ? local_total (reader, kept) > local_before
                                    : server_files (fx) < server_before;

      if (g_subprocess_get_identifier (p) == NULL)
        return FALSE;
      if (now)
        {
          g_subprocess_send_signal (p, SIGKILL);
          return TRUE;
        }
      g_usleep (200);
    }
}

static void
test_sigkill_moving_out (Fixture *fx, gconstpointer data)
{
  const char *cli = g_getenv ("TERN_CLI");
  const guint n = 12;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernFolder) kept = tern_local_folder_create (fx->t->store, "Kept", &error);
  g_autoptr(TernFolder) in = NULL;
  g_autoptr(TernStore) reader = NULL;
  g_autoptr(GHashTable) ids = NULL;
  guint killed[2] = { 0, 0 };

  if (cli == NULL)
    {
      g_test_skip ("TERN_CLI is not set");
      return;
    }
  seed (fx, 0, n);
  sync_all (fx);
  in = inbox (fx);
  reader = tern_store_open (fx->t->dir, TERN_STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *mid = tern_test_message_id (i, SEED);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                             message_with_id (reader, in->id, mid));
      const char *argv[] = { cli, "--data-dir", fx->t->dir, "--password-store=file", "move",
                             "test", id, "Kept", "--to", "local", NULL };
      guint local_before = local_total (reader, kept->id), server_before = server_files (fx);
      g_autoptr(GSubprocess) p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                    G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);

      g_assert_no_error (error);
      kill_at_worst_moment (fx, p, reader, kept->id, i, local_before, server_before);
      g_subprocess_wait (p, NULL, NULL);
      if (g_subprocess_get_if_signaled (p))
        {
          /* It really was our SIGKILL. */
          g_assert_cmpint (g_subprocess_get_term_sig (p), ==, SIGKILL);
          killed[i % 2]++;
        }
      else
        g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 0);
    }
  g_test_message ("killed after the local commit %u times, after the server delete %u times",
                  killed[0], killed[1]);
  /* The test means nothing unless it really killed at both moments. */
  g_assert_cmpuint (killed[0], >=, 3);
  g_assert_cmpuint (killed[1], >=, 1);

  g_clear_object (&reader);
  sync_all (fx);   /* replays what the killed runs left queued */
  assert_no_ops (fx);
  g_assert_cmpuint (server_count (fx), ==, 0);
  ids = folder_ids (fx->t->store, kept->id);
  g_assert_cmpuint (g_hash_table_size (ids), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *mid = tern_test_message_id (i, SEED);
      g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (ids, mid)), ==, 1);
    }
  g_clear_pointer (&ids, g_hash_table_unref);
  ids = folder_ids (fx->t->store, in->id);
  g_assert_cmpuint (g_hash_table_size (ids), ==, 0);
}

/* ---- archive and quota -------------------------------------------------------------- */

static void
test_quota (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  TernQuota q;
  guint64 bytes = 0;

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(GBytes) m = tern_test_message_generate (i, SEED);
      bytes += g_bytes_get_size (m);
    }
  seed (fx, 0, 20);
  sync_all (fx);
  g_assert_true (tern_store_get_quota (fx->t->store, fx->t->account->id, &q, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (q.limit_kib, ==, QUOTA_KIB);
  /* Dovecot counts the messages' sizes (LF or CRLF): within a few KiB. */
  g_assert_cmpuint (q.used_kib, >=, bytes / 1024 - 2);
  g_assert_cmpuint (q.used_kib, <=, bytes / 1024 + 2 + bytes / 1024 / 10);
  g_assert_cmpint (q.checked_at, >, 0);
}


/* ---- a whole account, killed in its second folder ------------------------------- */

#define WORK_FIRST 1000

static guint
local_path_total (TernStore *reader, const char *path)
{
  g_autoptr(TernAccountSettings) local = tern_store_get_local_account (reader, FALSE, NULL);
  g_autoptr(TernFolder) f = local != NULL
      ? tern_store_get_folder_by_path (reader, local->id, path, NULL) : NULL;

  return f != NULL ? f->total_count : 0;
}

static void
assert_each_once (TernStore *store, const char *path, guint first, guint n)
{
  g_autoptr(TernAccountSettings) local = tern_store_get_local_account (store, FALSE, NULL);
  g_autoptr(TernFolder) f = tern_store_get_folder_by_path (store, local->id, path, NULL);
  g_autoptr(GHashTable) ids = folder_ids (store, f->id);

  g_assert_cmpuint (g_hash_table_size (ids), ==, n);
  for (guint i = first; i < first + n; i++)
    {
      g_autofree char *mid = tern_test_message_id (i, SEED);
      g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (ids, mid)), ==, 1);
    }
}

static int
run_archive_all (Fixture *fx, TernStore *reader, const char *inbox_path, guint n_inbox,
                 const char *work_path, guint n_work, gboolean kill_in_work)
{
  const char *argv[] = { g_getenv ("TERN_CLI"), "--data-dir", fx->t->dir,
                         "--password-store=file", "archive", "test", "--all", "--remove", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);

  g_assert_no_error (error);
  while (kill_in_work && g_subprocess_get_identifier (p) != NULL)
    {
      guint work = local_path_total (reader, work_path);

      /* The first folder is done, the second has some batches, not all. */
      if (local_path_total (reader, inbox_path) == n_inbox && work > 0 && work < n_work)
        {
          g_subprocess_send_signal (p, SIGKILL);
          break;
        }
      g_usleep (500);
    }
  g_subprocess_wait (p, NULL, NULL);
  if (g_subprocess_get_if_signaled (p))
    return -g_subprocess_get_term_sig (p);
  return g_subprocess_get_exit_status (p);
}

static void
test_sigkill_archive_account (Fixture *fx, gconstpointer data)
{
  const guint n_inbox = 30, n_work = 500;   /* Work: three batches of at most 200 */
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStore) reader = NULL;
  g_autofree char *root = tern_local_archive_default_root (fx->t->account);
  g_autofree char *inbox_path = g_strconcat (root, "/Inbox", NULL);
  g_autofree char *work_path = g_strconcat (root, "/Work", NULL);
  g_autoptr(GHashTable) left = NULL;

  if (g_getenv ("TERN_CLI") == NULL)
    {
      g_test_skip ("TERN_CLI is not set");
      return;
    }
  seed (fx, 0, n_inbox);
  g_assert_true (tern_test_messages_seed (fx->t->servers, fx->t->user, "Work", WORK_FIRST,
                                          n_work, SEED, &error));
  g_assert_no_error (error);
  sync_all (fx);
  reader = tern_store_open (fx->t->dir, TERN_STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  /* It really died of our SIGKILL, in the middle of Work. */
  g_assert_cmpint (run_archive_all (fx, reader, inbox_path, n_inbox, work_path, n_work, TRUE),
                   ==, -SIGKILL);
  g_test_message ("killed with %u of %u in Work", local_path_total (reader, work_path), n_work);
  g_assert_cmpuint (local_path_total (reader, work_path), <, n_work);
  /* Nothing went to the server yet: the deletes are queued, the copies here. */
  g_assert_cmpuint (server_count (fx) + local_path_total (reader, inbox_path), >=, n_inbox);
  /* Run again: it carries on. */
  g_assert_cmpint (run_archive_all (fx, reader, inbox_path, n_inbox, work_path, n_work, FALSE),
                   ==, 0);
  g_clear_object (&reader);
  sync_all (fx);
  assert_no_ops (fx);
  assert_each_once (fx->t->store, inbox_path, 0, n_inbox);
  assert_each_once (fx->t->store, work_path, WORK_FIRST, n_work);
  g_assert_cmpuint (server_count (fx), ==, 0);
  left = tern_test_server_mailbox_ids (fx->t->servers, fx->t->user, "Work");
  g_assert_cmpuint (tern_test_count_total (left), ==, 0);
}

int
main (int argc, char *argv[])
{
  signal (SIGPIPE, SIG_IGN);
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add ("/local-imap/" path, Fixture, NULL, setup, fn, teardown)
  ADD ("move-out-and-back", test_move_out_and_back);
  ADD ("sigkill-moving-out", test_sigkill_moving_out);
  ADD ("quota", test_quota);
  ADD ("sigkill-archive-account", test_sigkill_archive_account);
#undef ADD
  return g_test_run ();
}
