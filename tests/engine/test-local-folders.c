/* test-local-folders.c: folders "On this computer" in the store: the
 * upgrade that makes room for them (a rebuild of the accounts table from
 * version 8, every row and reference kept), creating, renaming and
 * deleting them, moving mail in and out (the queued server operations, in
 * the same transaction), "Archive to this computer" and the stored quota.
 * The same against real Dovecot is in test-local-imap.c. */
#include <string.h>
#include "store-test-util.h"
#include "store/tern-store-private.h"
#include "core/tern-error.h"
#include "account/tern-local-archive.h"
#include "account/tern-local-folders.h"
#include "account/tern-mail-actions.h"

typedef struct {
  char *dir;
  TernStore *store;
  gint64 imap_id, pop3_id;
  gint64 imap_inbox, pop3_inbox;
} Fixture;

static void
add_messages (Fixture *fx, gint64 folder, guint n, gint64 first_date, guint first_uid)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *subject = g_strdup_printf ("Message %u", first_uid + i);
      g_autoptr(StoreTestMessage) m = store_test_message (folder, first_uid + i, subject, "ann",
                                                          first_date + i * 86400, "hello");
      g_autoptr(GError) error = NULL;

      if (first_uid == 0)
        m->record.uid = 0;
      g_assert_true (tern_store_insert_messages (fx->store, &m->record, 1, NULL, &error));
      g_assert_no_error (error);
    }
}

static void
setup (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) imap = store_test_account ("Work", TERN_PROTOCOL_IMAP);
  g_autoptr(TernAccountSettings) pop3 = store_test_account ("Home", TERN_PROTOCOL_POP3);
  g_autoptr(TernFolder) inbox = NULL;

  fx->dir = g_dir_make_tmp ("tern-local-XXXXXX", &error);
  fx->store = tern_store_open (fx->dir, TERN_STORE_OPEN_WRITER, &error);
  g_assert_no_error (error);
  fx->imap_id = tern_store_add_account (fx->store, imap, &error);
  fx->pop3_id = tern_store_add_account (fx->store, pop3, &error);
  g_assert_no_error (error);
  fx->imap_inbox = tern_store_upsert_folder (fx->store, fx->imap_id, "INBOX", "/",
                                             TERN_FOLDER_ROLE_INBOX, TRUE, &error);
  g_assert_true (tern_store_update_folder_state (fx->store, fx->imap_inbox, 77, 100, 0, NULL,
                                                 &error));
  inbox = tern_store_get_folder_by_role (fx->store, fx->pop3_id, TERN_FOLDER_ROLE_INBOX, &error);
  g_assert_no_error (error);
  fx->pop3_inbox = inbox->id;
}

static void
teardown (Fixture *fx, gconstpointer data)
{
  g_clear_object (&fx->store);
  store_test_rmdir (fx->dir);
  g_free (fx->dir);
}

static gint64
count (TernStore *store, const char *sql)
{
  g_autoptr(GError) error = NULL;
  gint64 n = tern_store_query_int (store, sql, &error);

  g_assert_no_error (error);
  return n;
}

/* ---- upgrade from version 8 ------------------------------------------------ */

static const char *const tables[] = {
  "accounts", "folders", "messages", "bodies", "attachments", "pop3_uidls", "pending_ops",
  "outbox", "thread_ids", "folder_threads", "message_text",
};

static void
test_upgrade_from_8 (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tern-local-up-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStore) old = tern_store_open_at_version (dir, TERN_STORE_OPEN_WRITER, 8, &error);
  g_autoptr(TernAccountSettings) imap = store_test_account ("Work", TERN_PROTOCOL_IMAP);
  g_autoptr(TernAccountSettings) pop3 = store_test_account ("Home", TERN_PROTOCOL_POP3);
  g_autoptr(TernStore) store = NULL;
  g_autoptr(TernPendingOp) op = tern_pending_op_new (TERN_PENDING_SET_FLAGS, "INBOX");
  const char *rcpt[] = { "bob@example.org", NULL };
  gint64 before[G_N_ELEMENTS (tables)];
  g_autoptr(GBytes) raw = g_bytes_new_static ("Subject: x\r\n\r\nx\r\n", 16);
  g_autoptr(TernAccountSettings) local = NULL;
  gint64 inbox;

  g_assert_no_error (error);
  g_assert_cmpint (count (old, "PRAGMA user_version"), ==, 8);
  /* As a version-8 store held them: later columns are not there yet. */
  g_assert_true (tern_store_exec_for_test (
      old, "INSERT INTO accounts (id, name, protocol) VALUES (1, 'Work', 'imap'), (2, 'Home', 'pop3')",
      &error));
  imap->id = 1;
  pop3->id = 2;
  inbox = tern_store_upsert_folder (old, imap->id, "INBOX", "/", TERN_FOLDER_ROLE_INBOX, TRUE,
                                    &error);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(StoreTestMessage) m = store_test_message (inbox, i + 1, "Hi", "ann", 1000 + i,
                                                          "text");
      TernAttachmentRecord att = { "2", "a.pdf", "application/pdf", 10 };

      m->record.attachments = &att;
      m->record.n_attachments = 1;
      g_assert_true (tern_store_insert_messages (old, &m->record, 1, NULL, &error));
    }
  g_assert_true (tern_store_record_uidl (old, pop3->id, "u1", 0, 5, &error));
  op->account_id = imap->id;
  op->uids = g_strdup ("1:3");
  g_assert_cmpint (tern_store_enqueue_op (old, op, &error), >, 0);
  g_assert_cmpint (tern_store_enqueue_outbox (old, pop3->id, raw, "a@x", rcpt, &error), >, 0);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", tables[i]);
      before[i] = count (old, sql);
      g_assert_cmpint (before[i], >, 0);
    }
  g_clear_object (&old);

  store = tern_store_open (dir, TERN_STORE_OPEN_WRITER | TERN_STORE_OPEN_CHECK, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count (store, "PRAGMA user_version"), ==, tern_store_schema_version ());
  /* Every row is still there, and every reference holds. */
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", tables[i]);
      g_assert_cmpint (count (store, sql), ==, before[i]);
    }
  g_assert_cmpint (count (store, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);
  g_assert_cmpint (count (store, "PRAGMA foreign_keys"), ==, 1);
  /* The references point at the new table: they are enforced and cascade. */
  g_assert_false (tern_store_upsert_folder (store, 999, "X", "/", TERN_FOLDER_ROLE_NONE, TRUE,
                                            &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND);
  g_clear_error (&error);
  local = tern_store_get_local_account (store, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (local->protocol, ==, TERN_PROTOCOL_LOCAL);
  g_assert_true (tern_store_remove_account (store, imap->id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (store, "SELECT count(*) FROM messages"), ==, 0);
  g_assert_cmpint (count (store, "SELECT count(*) FROM pending_ops"), ==, 0);
  g_assert_cmpint (count (store, "SELECT count(*) FROM outbox"), ==, 1);
  g_clear_object (&store);
  store_test_rmdir (dir);
}

/* ---- the local account and its folders ------------------------------------------ */

static void
test_local_account (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) none = tern_store_get_local_account (fx->store, FALSE, &error);
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(TernAccountSettings) b = NULL;
  g_autoptr(GPtrArray) accounts = NULL;

  g_assert_null (none);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND);
  g_clear_error (&error);
  a = tern_store_get_local_account (fx->store, TRUE, &error);
  b = tern_store_get_local_account (fx->store, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (a->id, ==, b->id);
  g_assert_cmpstr (a->name, ==, TERN_LOCAL_ACCOUNT_NAME);
  /* Not an account with a server: no worker, no composer entry. */
  accounts = tern_store_list_accounts (fx->store, &error);
  g_assert_cmpuint (accounts->len, ==, 2);
  g_assert_cmpint (count (fx->store, "SELECT count(*) FROM folders WHERE account_id ="
                          " (SELECT id FROM accounts WHERE protocol = 'local')"), ==, 0);
}

static void
test_create_rename_delete (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernFolder) receipts = tern_local_folder_create (fx->store, "Receipts", &error);
  g_autoptr(TernFolder) year = tern_local_folder_create (fx->store, "Receipts/2024", &error);
  g_autoptr(TernFolder) other = tern_local_folder_create (fx->store, "Receipts2", &error);
  g_autoptr(TernFolder) moved = NULL;
  static const char *const bad[] = { "", "  ", "/a", "a/", "a//b" };

  g_assert_no_error (error);
  g_assert_cmpint (receipts->account_id, ==, year->account_id);
  g_assert_true (tern_local_folder_is_local (fx->store, year->id));
  g_assert_false (tern_local_folder_is_local (fx->store, fx->imap_inbox));
  g_assert_null (tern_local_folder_create (fx->store, "Receipts", &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_EXISTS);
  g_clear_error (&error);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_null (tern_local_folder_create (fx->store, bad[i], &error));
      g_assert_error (error, TERN_ERROR, TERN_ERROR_INVALID);
      g_clear_error (&error);
    }
  /* Server folders are not renamed or deleted here. */
  g_assert_false (tern_local_folder_delete (fx->store, fx->imap_inbox, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_INVALID);
  g_clear_error (&error);

  add_messages (fx, year->id, 3, 1000, 0);
  /* A rename takes the subfolders along, but not "Receipts2". */
  g_assert_true (tern_local_folder_rename (fx->store, receipts->id, "Bills", &error));
  g_assert_no_error (error);
  moved = tern_store_get_folder (fx->store, year->id, &error);
  g_assert_cmpstr (moved->path, ==, "Bills/2024");
  g_assert_cmpuint (moved->total_count, ==, 3);
  g_clear_pointer (&moved, tern_folder_free);
  moved = tern_store_get_folder (fx->store, other->id, &error);
  g_assert_cmpstr (moved->path, ==, "Receipts2");
  g_clear_pointer (&moved, tern_folder_free);
  g_assert_false (tern_local_folder_rename (fx->store, other->id, "Bills", &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (tern_local_folder_rename (fx->store, receipts->id, "Bills/2024/x", &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_INVALID);
  g_clear_error (&error);

  /* Deleting takes the subfolders and their mail. */
  g_assert_true (tern_local_folder_delete (fx->store, receipts->id, &error));
  g_assert_no_error (error);
  g_assert_null (tern_store_get_folder (fx->store, year->id, NULL));
  g_assert_nonnull ((moved = tern_store_get_folder (fx->store, other->id, NULL)));
  g_assert_cmpint (count (fx->store, "SELECT count(*) FROM messages"), ==, 0);
}

/* ---- moving mail in and out -------------------------------------------------- */

static GPtrArray *
ops (Fixture *fx, gint64 account_id)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *list = tern_store_list_ops (fx->store, account_id, &error);

  g_assert_no_error (error);
  return list;
}

static guint
n_ops (Fixture *fx, gint64 account_id)
{
  g_autoptr(GPtrArray) list = ops (fx, account_id);

  return list->len;
}

static gint64
first_id (Fixture *fx, gint64 folder)
{
  g_autoptr(GArray) ids = tern_store_list_message_ids (fx->store, folder, TERN_SORT_DATE, FALSE,
                                                       NULL);

  g_assert_cmpuint (ids->len, >, 0);
  return g_array_index (ids, gint64, 0);
}

static void
test_move_imap_to_local (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernFolder) kept = tern_local_folder_create (fx->store, "Kept", &error);
  g_autoptr(TernMessageSummary) orig = NULL;
  g_autoptr(TernMessageSummary) copy = NULL;
  g_autoptr(GBytes) orig_raw = NULL;
  g_autoptr(GBytes) copy_raw = NULL;
  g_autoptr(GPtrArray) queued = NULL;
  TernPendingOp *op;
  gint64 id;

  add_messages (fx, fx->imap_inbox, 2, 1000, 7);
  id = first_id (fx, fx->imap_inbox);
  orig = tern_store_get_message (fx->store, id, &error);
  orig_raw = tern_store_get_raw (fx->store, id, &error);
  g_assert_true (tern_store_change_flags (fx->store, &id, 1, TERN_FLAG_FLAGGED, 0, &error));
  g_assert_true (tern_mail_move (fx->store, &id, 1, kept->id, &error));
  g_assert_no_error (error);

  /* The copy: same bytes, flags and dates, no UID; the original is gone. */
  g_assert_null (tern_store_get_message (fx->store, id, NULL));
  copy = tern_store_get_message (fx->store, first_id (fx, kept->id), &error);
  copy_raw = tern_store_get_raw (fx->store, copy->id, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (orig_raw, copy_raw));
  g_assert_cmpuint (copy->uid, ==, 0);
  g_assert_cmpuint (copy->flags & TERN_FLAG_FLAGGED, !=, 0);
  g_assert_cmpint (copy->date, ==, orig->date);
  g_assert_cmpstr (copy->message_id, ==, orig->message_id);
  /* And the server delete waits in the queue, named by UID and UIDVALIDITY. */
  queued = ops (fx, fx->imap_id);
  g_assert_cmpuint (queued->len, ==, 1);
  op = g_ptr_array_index (queued, 0);
  g_assert_cmpint (op->kind, ==, TERN_PENDING_DELETE);
  g_assert_cmpstr (op->uids, ==, "7");
  g_assert_cmpuint (op->uidvalidity, ==, 77);
  g_assert_nonnull (strstr (op->idents, orig->message_id));
}

static void
test_move_local_to_imap (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernFolder) kept = tern_local_folder_create (fx->store, "Kept", &error);
  g_autoptr(GPtrArray) queued = NULL;
  g_autoptr(GBytes) raw = NULL;
  TernPendingOp *op;
  gint64 id, back;

  add_messages (fx, kept->id, 1, 1000, 0);
  id = first_id (fx, kept->id);
  raw = tern_store_get_raw (fx->store, id, &error);
  g_assert_true (tern_mail_move (fx->store, &id, 1, fx->imap_inbox, &error));
  g_assert_no_error (error);
  back = first_id (fx, fx->imap_inbox);
  queued = ops (fx, fx->imap_id);
  g_assert_cmpuint (queued->len, ==, 1);
  op = g_ptr_array_index (queued, 0);
  g_assert_cmpint (op->kind, ==, TERN_PENDING_APPEND);
  g_assert_cmpstr (op->folder_path, ==, "INBOX");
  g_assert_cmpint (op->local_message_id, ==, back);
  g_assert_true (g_bytes_equal (op->data, raw));
  g_assert_cmpint (count (fx->store, "SELECT count(*) FROM messages"), ==, 1);
}

static void
test_move_pop3_to_local (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernFolder) kept = tern_local_folder_create (fx->store, "Kept", &error);
  g_autoptr(TernAccountSettings) pop3 = tern_store_get_account (fx->store, fx->pop3_id, &error);
  g_autoptr(GPtrArray) uidls = NULL;
  gint64 id;

  /* "Delete on the server when deleted here" does not apply: it is filed,
   * not deleted. */
  pop3->pop3_delete_when_deleted_here = TRUE;
  g_assert_true (tern_store_update_account (fx->store, pop3, &error));
  add_messages (fx, fx->pop3_inbox, 1, 1000, 0);
  id = first_id (fx, fx->pop3_inbox);
  g_assert_true (tern_store_record_uidl (fx->store, fx->pop3_id, "u1", id, 5, &error));
  g_assert_true (tern_mail_transfer (fx->store, &id, 1, kept->id, FALSE, &error));
  g_assert_no_error (error);
  uidls = tern_store_list_uidls (fx->store, fx->pop3_id, &error);
  g_assert_cmpuint (uidls->len, ==, 1);
  g_assert_cmpuint (((TernPop3Uidl *) g_ptr_array_index (uidls, 0))->marks, ==, 0);
  g_assert_cmpint (count (fx->store, "SELECT count(*) FROM messages"), ==, 1);
  g_assert_cmpuint (n_ops (fx, fx->pop3_id), ==, 0);
}

static void
test_not_downloaded (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernFolder) kept = tern_local_folder_create (fx->store, "Kept", &error);
  g_autoptr(StoreTestMessage) m = store_test_message (fx->imap_inbox, 9, "Big", "ann", 1, "x");
  gint64 id;

  m->record.raw = NULL;
  m->record.body_state = TERN_BODY_STATE_HEADERS;
  g_assert_true (tern_store_insert_messages (fx->store, &m->record, 1, NULL, &error));
  id = first_id (fx, fx->imap_inbox);
  g_assert_false (tern_mail_move (fx->store, &id, 1, kept->id, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND);
  /* Nothing happened: the message stays, no delete is queued. */
  g_clear_error (&error);
  g_assert_cmpint (count (fx->store, "SELECT count(*) FROM messages"), ==, 1);
  g_assert_cmpuint (n_ops (fx, fx->imap_id), ==, 0);
}

/* ---- archive to this computer ----------------------------------------------------- */

static void
test_archive (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernFolder) old = tern_local_folder_create (fx->store, "Old mail", &error);
  TernLocalArchiveResult r;
  gint64 before = 1000 + 6 * 86400;   /* the first 6 of 10 */

  add_messages (fx, fx->imap_inbox, 10, 1000, 1);
  g_assert_true (tern_local_archive_count (fx->store, fx->imap_inbox, before, &r, &error));
  g_assert_cmpuint (r.total, ==, 6);
  g_assert_cmpuint (r.bytes, >, 0);
  /* A copy first: the server keeps them; a second run adds nothing. */
  g_assert_true (tern_local_archive (fx->store, fx->imap_inbox, old->id, before, FALSE, NULL,
                                     NULL, NULL, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.archived, ==, 6);
  g_assert_cmpuint (n_ops (fx, fx->imap_id), ==, 0);
  g_assert_true (tern_local_archive (fx->store, fx->imap_inbox, old->id, before, FALSE, NULL,
                                     NULL, NULL, &r, &error));
  g_assert_cmpuint (r.archived, ==, 0);
  g_assert_cmpuint (r.already_there, ==, 6);
  /* Then with remove: nothing copied twice, the six deleted on the server. */
  g_assert_true (tern_local_archive (fx->store, fx->imap_inbox, old->id, before, TRUE, NULL,
                                     NULL, NULL, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.already_there, ==, 6);
  g_assert_cmpint (count (fx->store, "SELECT total_count FROM folders WHERE path = 'Old mail'"),
                   ==, 6);
  g_assert_cmpint (count (fx->store, "SELECT total_count FROM folders WHERE path = 'INBOX'"),
                   ==, 4);
  g_assert_cmpuint (n_ops (fx, fx->imap_id), >, 0);
}

static void
test_archive_cancelled (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernFolder) old = tern_local_folder_create (fx->store, "Old mail", &error);
  g_autoptr(GCancellable) cancel = g_cancellable_new ();
  TernLocalArchiveResult r;

  add_messages (fx, fx->imap_inbox, 3, 1000, 1);
  g_cancellable_cancel (cancel);
  g_assert_false (tern_local_archive (fx->store, fx->imap_inbox, old->id, 0, TRUE, NULL, NULL,
                                      cancel, &r, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (count (fx->store, "SELECT count(*) FROM messages"), ==, 3);
  /* Resumed: all of it, once. */
  g_assert_true (tern_local_archive (fx->store, fx->imap_inbox, old->id, 0, TRUE, NULL, NULL,
                                     NULL, &r, &error));
  g_assert_cmpuint (r.archived, ==, 3);
  g_assert_cmpint (count (fx->store, "SELECT count(*) FROM messages"), ==, 3);
}

/* ---- quota --------------------------------------------------------------------- */

static void
test_quota (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  TernQuota q;

  g_assert_false (tern_store_get_quota (fx->store, fx->imap_id, &q, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (tern_store_set_quota (fx->store, fx->imap_id, TRUE, "User quota",
                                       1171875, 1953125, &error));
  g_assert_true (tern_store_get_quota (fx->store, fx->imap_id, &q, &error));
  g_assert_no_error (error);
  text = tern_quota_to_text (&q);
  g_assert_cmpstr (text, ==, "1.2\u00a0GB of 2\u00a0GB used");
  g_assert_false (tern_quota_is_nearly_full (&q));
  q.used_kib = (q.limit_kib * 9 + 9) / 10;   /* 90%, rounded up */
  g_assert_true (tern_quota_is_nearly_full (&q));
  g_assert_true (tern_store_set_quota (fx->store, fx->imap_id, FALSE, NULL, 0, 0, &error));
  g_assert_false (tern_store_get_quota (fx->store, fx->imap_id, &q, NULL));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/local/upgrade-from-8", test_upgrade_from_8);
#define ADD(path, fn) g_test_add ("/local/" path, Fixture, NULL, setup, fn, teardown)
  ADD ("account", test_local_account);
  ADD ("create-rename-delete", test_create_rename_delete);
  ADD ("move-imap-to-local", test_move_imap_to_local);
  ADD ("move-local-to-imap", test_move_local_to_imap);
  ADD ("move-pop3-to-local", test_move_pop3_to_local);
  ADD ("not-downloaded", test_not_downloaded);
  ADD ("archive", test_archive);
  ADD ("archive-cancelled", test_archive_cancelled);
  ADD ("quota", test_quota);
#undef ADD
  return g_test_run ();
}
