/* The IMAP matrix: the sync checks that are not Dovecot-specific, against
 * every IMAP server of the harness (Dovecot, Cyrus, Courier, GNU Mailutils).
 * Test paths name the server: /matrix-imap/<server>/<check>. Run one server
 * with -p /matrix-imap/cyrus (meson runs one test per server). A server that
 * cannot run here is skipped with its reason; checks that fail because of an
 * engine bug being fixed elsewhere are marked incomplete with the issue (see
 * known_failure()). Changes "by another client" go through a raw session. */
#include <signal.h>
#include <string.h>

#include "account/tern-account-connect.h"
#include "account/tern-mail-actions.h"
#include "imap/tern-imap-fetch-result.h"
#include "imap/tern-imap-sync.h"
#include "tern-test-mail-check.h"
#include "tern-test-matrix-account.h"
#include "tern-test-messages.h"

typedef void (*CheckFunc) (TernMatrixAccount *t);

static void
sync_all (TernMatrixAccount *t)
{
  tern_test_imap_sync_all (t->store, t->secrets, t->account);
}

static guint
local_count (TernMatrixAccount *t, const char *path)
{
  return tern_test_local_count (t->store, t->account, path);
}

static TernMessageSummary *
message_by_uid (TernMatrixAccount *t, const char *path, guint32 uid)
{
  return tern_test_message_by_uid (t->store, t->account, path, uid);
}

/* Generated messages @first .. @first + @n - 1 are each stored exactly once
 * in the account. */
static void
assert_each_once (TernMatrixAccount *t, guint first, guint n)
{
  tern_test_assert_each_once (t->store, t->account, first, n, TERN_MATRIX_SEED);
}

static void
assert_no_pending_ops (TernMatrixAccount *t)
{
  g_autoptr(GPtrArray) ops = tern_store_list_ops (t->store, t->account->id, NULL);

  g_assert_cmpuint (ops->len, ==, 0);
}

/* Expunge with plain EXPUNGE: not every server has UIDPLUS. Only @uid is
 * \Deleted in the fresh mailboxes of these checks. The last command of
 * @imap's session: GNU Mailutils 3.15 answers "* 1 EXPUNGED", which libetpan
 * cannot parse (the message is gone all the same). */
static void
raw_expunge (TernMatrixAccount *t, mailimap *imap, const char *mailbox, guint32 uid)
{
  int r;

  tern_test_raw_store (imap, mailbox, uid, mailimap_flag_new_deleted (), TRUE);
  r = mailimap_expunge (imap);
  if (r == MAILIMAP_ERROR_PARSE &&
      tern_test_mail_server_kind (t->server) == TERN_TEST_SERVER_MAILUTILS)
    g_test_message ("GNU Mailutils answered EXPUNGE with an untagged EXPUNGED");
  else
    g_assert_cmpint (r, ==, MAILIMAP_NO_ERROR);
}

/* ---- checks ------------------------------------------------------------------ */

static void
check_initial (TernMatrixAccount *t)
{
  g_autofree char *archive = tern_matrix_folder (t, "Archive");
  g_autoptr(TernMessageSummary) m = NULL;
  g_autoptr(GBytes) raw = NULL;
  mailimap *other = tern_matrix_imap (t);

  tern_matrix_imap_create (other, archive);
  tern_matrix_imap_close (other);
  tern_matrix_seed (t, "INBOX", 0, 25);
  tern_matrix_seed (t, archive, 25, 3);
  sync_all (t);
  assert_each_once (t, 0, 28);
  g_assert_cmpuint (local_count (t, "INBOX"), ==, 25);
  g_assert_cmpuint (local_count (t, archive), ==, 3);
  /* All mail is offline by default: the whole message is here. */
  m = message_by_uid (t, "INBOX", 1);
  g_assert_cmpint (m->body_state, ==, TERN_BODY_STATE_FULL);
  raw = tern_store_get_raw (t->store, m->id, NULL);
  g_assert_nonnull (raw);
  g_assert_cmpint (g_bytes_get_size (raw), ==, m->size);
  /* A second sync with no change changes nothing. */
  sync_all (t);
  assert_each_once (t, 0, 28);
  g_assert_cmpuint (local_count (t, "INBOX"), ==, 25);
}

static void
check_incremental (TernMatrixAccount *t)
{
  g_autoptr(TernMessageSummary) flagged = NULL, seen = NULL;
  g_autoptr(TernFolder) inbox = NULL;
  mailimap *other;

  tern_matrix_seed (t, "INBOX", 0, 10);
  sync_all (t);
  other = tern_matrix_imap (t);
  tern_test_raw_store (other, "INBOX", 3, mailimap_flag_new_flagged (), TRUE);
  tern_test_raw_store (other, "INBOX", 4, mailimap_flag_new_seen (), TRUE);
  raw_expunge (t, other, "INBOX", 5);
  tern_matrix_imap_close (other);

  sync_all (t);
  g_assert_cmpuint (local_count (t, "INBOX"), ==, 9);
  flagged = message_by_uid (t, "INBOX", 3);
  g_assert_true (flagged->flags & TERN_FLAG_FLAGGED);
  seen = message_by_uid (t, "INBOX", 4);
  g_assert_true (seen->flags & TERN_FLAG_SEEN);
  inbox = tern_test_folder (t->store, t->account, "INBOX");
  g_assert_cmpint (tern_store_find_by_uid (t->store, inbox->id, 5, NULL), ==, 0);
  g_assert_cmpuint (inbox->unread_count, ==, 8);

  /* A flag taken away elsewhere goes away here. */
  other = tern_matrix_imap (t);
  tern_test_raw_store (other, "INBOX", 3, mailimap_flag_new_flagged (), FALSE);
  tern_matrix_imap_close (other);
  sync_all (t);
  g_clear_pointer (&flagged, tern_message_summary_free);
  flagged = message_by_uid (t, "INBOX", 3);
  g_assert_false (flagged->flags & TERN_FLAG_FLAGGED);
}

static void
check_append_by_other (TernMatrixAccount *t)
{
  g_autofree char *archive = tern_matrix_folder (t, "Archive");
  mailimap *other;

  tern_matrix_seed (t, "INBOX", 0, 5);
  other = tern_matrix_imap (t);
  tern_matrix_imap_create (other, archive);
  tern_matrix_imap_close (other);
  sync_all (t);
  other = tern_matrix_imap (t);
  for (guint i = 0; i < 3; i++)
    tern_matrix_imap_append (other, "INBOX", 100 + i);
  tern_matrix_imap_append (other, archive, 110);
  tern_matrix_imap_close (other);
  sync_all (t);
  assert_each_once (t, 0, 5);
  assert_each_once (t, 100, 3);
  assert_each_once (t, 110, 1);
  g_assert_cmpuint (local_count (t, "INBOX"), ==, 8);
  g_assert_cmpuint (local_count (t, archive), ==, 1);
}

static void
check_flags_to_server (TernMatrixAccount *t)
{
  g_autoptr(TernMessageSummary) m1 = NULL, m2 = NULL;
  g_autoptr(GError) error = NULL;
  mailimap *other;

  tern_matrix_seed (t, "INBOX", 0, 5);
  sync_all (t);
  m1 = message_by_uid (t, "INBOX", 1);
  m2 = message_by_uid (t, "INBOX", 2);
  g_assert_true (tern_mail_change_flags (t->store, &m1->id, 1, TERN_FLAG_SEEN | TERN_FLAG_FLAGGED,
                                         0, &error));
  g_assert_true (tern_mail_change_flags (t->store, &m2->id, 1, TERN_FLAG_SEEN, 0, &error));
  sync_all (t);
  assert_no_pending_ops (t);
  g_assert_true (tern_mail_change_flags (t->store, &m2->id, 1, 0, TERN_FLAG_SEEN, &error));
  sync_all (t);
  assert_no_pending_ops (t);
  other = tern_matrix_imap (t);
  g_assert_cmpuint (tern_test_raw_flags (other, "INBOX", 1), ==, TERN_FLAG_SEEN | TERN_FLAG_FLAGGED);
  g_assert_cmpuint (tern_test_raw_flags (other, "INBOX", 2) & TERN_FLAG_SEEN, ==, 0);
  tern_matrix_imap_close (other);
}

static void
check_move (TernMatrixAccount *t)
{
  g_autofree char *archive = tern_matrix_folder (t, "Archive");
  g_autoptr(TernMessageSummary) m = NULL;
  g_autoptr(TernFolder) dest = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) moved = NULL;
  mailimap *other = tern_matrix_imap (t);

  tern_matrix_imap_create (other, archive);
  tern_matrix_imap_close (other);
  tern_matrix_seed (t, "INBOX", 0, 6);
  sync_all (t);
  m = message_by_uid (t, "INBOX", 2);
  dest = tern_test_folder (t->store, t->account, archive);
  g_assert_true (tern_mail_move (t->store, &m->id, 1, dest->id, &error));
  g_assert_no_error (error);
  sync_all (t);
  assert_no_pending_ops (t);

  other = tern_matrix_imap (t);
  g_assert_cmpuint (tern_matrix_imap_exists (other, "INBOX"), ==, 5);
  moved = tern_matrix_imap_message_ids (other, archive);
  tern_matrix_imap_close (other);
  g_assert_cmpuint (g_hash_table_size (moved), ==, 1);
  /* Once here too, also after the next sync: the local copy has the
   * server copy's UID and is not fetched again beside it. */
  sync_all (t);
  assert_each_once (t, 0, 6);
  g_assert_cmpuint (local_count (t, archive), ==, 1);
  g_assert_cmpuint (local_count (t, "INBOX"), ==, 5);
}

static void
check_delete (TernMatrixAccount *t)
{
  g_autoptr(TernMessageSummary) m = NULL;
  g_autoptr(TernFolder) trash = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *mid = tern_test_message_id (3, TERN_MATRIX_SEED);
  mailimap *other;
  guint on_server = 0;

  tern_matrix_seed (t, "INBOX", 0, 6);
  sync_all (t);
  m = message_by_uid (t, "INBOX", 4);
  g_assert_true (tern_mail_delete (t->store, &m->id, 1, &error));
  g_assert_no_error (error);
  sync_all (t);
  assert_no_pending_ops (t);
  /* Delete moves to Trash, here and on the server: never lost. */
  trash = tern_store_get_folder_by_role (t->store, t->account->id, TERN_FOLDER_ROLE_TRASH, &error);
  g_assert_no_error (error);
  g_assert_nonnull (trash);
  other = tern_matrix_imap (t);
  g_assert_cmpuint (tern_matrix_imap_exists (other, "INBOX"), ==, 5);
  {
    g_autoptr(GHashTable) ids = tern_matrix_imap_message_ids (other, trash->path);
    on_server = GPOINTER_TO_UINT (g_hash_table_lookup (ids, mid));
  }
  tern_matrix_imap_close (other);
  g_assert_cmpuint (on_server, ==, 1);
  sync_all (t);
  assert_each_once (t, 0, 6);
  g_assert_cmpuint (local_count (t, trash->path), ==, 1);
}

typedef struct {
  TernImapSync *sync;
  TernIdleResult result;
  char *error;
} IdleData;

static gpointer
idle_thread (gpointer data)
{
  IdleData *d = data;
  g_autoptr(GError) error = NULL;

  d->result = tern_imap_sync_idle (d->sync, "INBOX", 30, NULL, &error);
  if (error != NULL)
    d->error = g_strdup (error->message);
  return NULL;
}

static void
check_idle (TernMatrixAccount *t)
{
  g_autoptr(TernImapSync) sync = tern_test_imap_sync_new (t->store, t->secrets, t->account);
  g_autoptr(GError) error = NULL;
  IdleData d = { sync, TERN_IDLE_FAILED, NULL };
  GThread *thread;
  mailimap *other;

  tern_matrix_seed (t, "INBOX", 0, 3);
  g_assert_true (tern_imap_sync_all (sync, NULL, &error));
  thread = g_thread_new ("idle", idle_thread, &d);
  /* A message that lands before IDLE is in place still shows up in the
   * next sync, but this checks the push. */
  g_usleep (G_USEC_PER_SEC / 2);
  other = tern_matrix_imap (t);
  tern_matrix_imap_append (other, "INBOX", 50);
  tern_matrix_imap_close (other);
  g_thread_join (thread);
  g_assert_cmpstr (d.error, ==, NULL);
  g_assert_cmpint (d.result, ==, TERN_IDLE_CHANGED);
  g_assert_true (tern_imap_sync_folder (sync, "INBOX", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (local_count (t, "INBOX"), ==, 4);
}

/* ---- the matrix -------------------------------------------------------------- */

static const TernMatrixServer servers[] = {
  { TERN_TEST_SERVER_DOVECOT, "dovecot" },
  { TERN_TEST_SERVER_CYRUS, "cyrus" },
  { TERN_TEST_SERVER_CYRUS_ALTNS, "cyrus-altns" },
  { TERN_TEST_SERVER_COURIER, "courier" },
  { TERN_TEST_SERVER_MAILUTILS, "mailutils" },
};

/* Cells that fail today because of engine bugs another change fixes (issue
 * 12); the lead turns them on after that lands. NULL: expected to pass. */
static const char *
known_failure (TernTestServerKind kind, const char *check)
{
  /* Issue 12 items 4 and 5 (no UIDPLUS, no Trash) are fixed: every cell runs. */
  return NULL;
}

/* Cells the server cannot do. */
static const char *
cannot (TernTestServerKind kind, const char *check)
{
  if (kind == TERN_TEST_SERVER_MAILUTILS && g_str_equal (check, "idle"))
    return "GNU Mailutils 3.15 imap4d accepts IDLE but reports no new mail during it "
           "(none in 80 s), so there is no push to check";
  return NULL;
}

static void
run_case (gconstpointer data)
{
  const TernMatrixCase *c = data;
  TernTestMailServer *server = tern_matrix_server (c->kind);
  g_autoptr(TernMatrixAccount) t = NULL;
  const char *known;

  if (server == NULL)
    return;
  if (cannot (c->kind, c->check) != NULL)
    {
      g_test_skip (cannot (c->kind, c->check));
      return;
    }
  t = tern_matrix_account_new (server, TERN_PROTOCOL_IMAP);
  known = known_failure (c->kind, c->check);
  if (known != NULL && tern_matrix_known_failure (t, known))
    return;
  g_test_message ("%s: %s", tern_test_mail_server_name (server), c->check);
  ((CheckFunc) c->run) (t);
}

int
main (int argc, char *argv[])
{
  static const TernMatrixCheck checks[] = {
    { "initial", check_initial },
    { "incremental", check_incremental },
    { "append-by-other", check_append_by_other },
    { "flags-to-server", check_flags_to_server },
    { "move", check_move },
    { "delete", check_delete },
    { "idle", check_idle },
  };

  signal (SIGPIPE, SIG_IGN);
  g_test_init (&argc, &argv, NULL);
  tern_matrix_add_cases ("imap", servers, G_N_ELEMENTS (servers), checks, G_N_ELEMENTS (checks),
                         run_case);
  return g_test_run ();
}
