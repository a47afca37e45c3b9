/* Tests for the mail store: opening, migrations, CRUD, counts, queues,
 * UTF-8 repair, permissions, disk full and corruption. */
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include "store/tern-store-private.h"
#include "store-test-util.h"

typedef struct {
  char *dir;
  TernStore *store;
  gint64 account;
  gint64 inbox;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) acct = store_test_account ("Work", TERN_PROTOCOL_IMAP);
  g_autofree char *tmp = g_dir_make_tmp ("tern-store-XXXXXX", &error);

  g_assert_no_error (error);
  f->dir = g_build_filename (tmp, "data", NULL);
  f->store = tern_store_open (f->dir, TERN_STORE_OPEN_WRITER, &error);
  g_assert_no_error (error);
  f->account = tern_store_add_account (f->store, acct, &error);
  g_assert_no_error (error);
  f->inbox = tern_store_upsert_folder (f->store, f->account, "INBOX", "/",
                                      TERN_FOLDER_ROLE_INBOX, TRUE, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autofree char *parent = g_path_get_dirname (f->dir);

  g_clear_object (&f->store);
  store_test_rmdir (parent);
  g_free (f->dir);
}

static void
reopen (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&f->store);
  f->store = tern_store_open (f->dir, TERN_STORE_OPEN_WRITER, &error);
  g_assert_no_error (error);
}

/* Inserts one message and returns its id. */
static gint64
add_message (Fixture *f, gint64 folder, guint32 uid, guint flags, const char *subject)
{
  g_autoptr(StoreTestMessage) m = store_test_message (folder, uid, subject, "bob",
                                                      1700000000 + uid, "hello world");
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;

  m->record.flags = flags;
  g_assert_true (tern_store_insert_messages (f->store, &m->record, 1, &ids, &error));
  g_assert_no_error (error);
  return g_array_index (ids, gint64, 0);
}

static void
assert_counts (Fixture *f, gint64 folder_id, guint unread, guint total)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernFolder) folder = tern_store_get_folder (f->store, folder_id, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (folder->unread_count, ==, unread);
  g_assert_cmpuint (folder->total_count, ==, total);
}

/* ---- opening and migrations -------------------------------------------- */

static void
test_permissions (Fixture *f, gconstpointer data)
{
  g_autofree char *wal = g_strconcat (tern_store_get_path (f->store), "-wal", NULL);
  struct stat st;

  add_message (f, f->inbox, 1, 0, "x");
  g_assert_cmpint (stat (f->dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (stat (tern_store_get_path (f->store), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_migrate_empty (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (tern_store_schema_version (), >=, 3);
  g_assert_cmpint (tern_store_query_int (f->store, "PRAGMA user_version", &error), ==,
                   tern_store_schema_version ());
  g_assert_cmpint (tern_store_query_int (f->store, "PRAGMA foreign_keys", &error), ==, 1);
  /* 016: the index writes a batch of new mail as one segment. */
  g_assert_cmpint (tern_store_query_int (f->store,
                       "SELECT v FROM message_fts_config WHERE k = 'hashsize'", &error), ==,
                   16 * 1024 * 1024);
  g_assert_true (tern_store_check_integrity (f->store, &error));
  g_assert_no_error (error);
}

/* Rows an older schema version could hold, written with that version's SQL. */
static void
fill_version (TernStore *store, guint version)
{
  g_autoptr(GError) error = NULL;

  if (version < 1)
    return;
  tern_store_exec_for_test (store,
      "INSERT INTO accounts (id, name, protocol) VALUES (1, 'Old', 'imap');"
      "INSERT INTO folders (id, account_id, path, uidvalidity) VALUES (1, 1, 'INBOX', 77);"
      /* Undated (no readable Date header), as stored before 006. */
      "INSERT INTO messages (account_id, folder_id, uid, subject, from_name, flags, date,"
      " internal_date) VALUES (1, 1, 7, 'legacy zebra', 'Old Timer', 0, 0, 200);"
      "INSERT INTO attachments (message_id, part_path, name) VALUES (1, '2', 'giraffe.pdf');"
      "INSERT INTO pending_ops (account_id, kind, folder_path, uids, created_at)"
      " VALUES (1, 'delete', 'INBOX', '7', 0);", &error);
  g_assert_no_error (error);
  /* From 015 on the store counts new mail itself (no trigger). */
  if (version >= 15)
    tern_store_exec_for_test (store,
        "UPDATE folders SET total_count = 1, unread_count = 1 WHERE id = 1", &error);
  g_assert_no_error (error);
  /* From 014 on message_text is a view whose trigger writes every column. */
  if (version >= 2)
    tern_store_exec_for_test (store, version >= 14
        ? "INSERT INTO message_text (id, subject, sender, recipients, body, attachments)"
          " VALUES (1, 'legacy zebra', 'Old Timer', '', '', 'giraffe.pdf')"
        : "INSERT INTO message_text (id, subject, sender, attachments)"
          " VALUES (1, 'legacy zebra', 'Old Timer', 'giraffe.pdf')", &error);
  g_assert_no_error (error);
  /* From 004 on the store writes the FTS row itself (no trigger). */
  if (version >= 4)
    tern_store_exec_for_test (store,
        "INSERT INTO message_fts (rowid, subject, sender, recipients, body, attachments)"
        " VALUES (1, 'legacy zebra', 'Old Timer', '', '', 'giraffe.pdf')", &error);
  g_assert_no_error (error);
}

static void
test_migrate_upgrade (void)
{
  for (guint from = 0; from < tern_store_schema_version (); from++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *dir = g_dir_make_tmp ("tern-store-XXXXXX", &error);
      g_autoptr(TernStore) store = tern_store_open_at_version (dir, 0, from, &error);
      g_autoptr(GArray) hits = NULL;
      g_autoptr(GPtrArray) ops = NULL;

      g_assert_no_error (error);
      /* Migration numbers are reserved per branch, so there can be gaps. */
      if (tern_store_query_int (store, "PRAGMA user_version", NULL) != from)
        {
          g_clear_object (&store);
          store_test_rmdir (dir);
          continue;
        }
      fill_version (store, from);
      g_clear_object (&store);

      store = tern_store_open (dir, TERN_STORE_OPEN_WRITER, &error);
      g_assert_no_error (error);
      g_assert_cmpint (tern_store_query_int (store, "PRAGMA user_version", NULL), ==,
                       tern_store_schema_version ());
      g_assert_true (tern_store_check_integrity (store, &error));
      if (from >= 1)
        {
          /* Mail stored before FTS existed is indexed by the upgrade. */
          hits = tern_store_search (store, 0, 0, "zebra", 0, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (hits->len, ==, 1);
          g_clear_pointer (&hits, g_array_unref);
          hits = tern_store_search (store, 0, 0, "giraffe", 0, &error);
          g_assert_cmpuint (hits->len, ==, 1);
          ops = tern_store_list_ops (store, 1, &error);
          g_assert_cmpuint (ops->len, ==, 1);
          /* 005: a queued op takes the UIDVALIDITY its folder had. */
          if (from < 5)
            g_assert_cmpuint (((TernPendingOp *) g_ptr_array_index (ops, 0))->uidvalidity, ==, 77);
          g_assert_false (((TernPendingOp *) g_ptr_array_index (ops, 0))->held);
          /* 006: undated mail takes its INTERNALDATE. */
          g_assert_cmpint (tern_store_query_int (store, "SELECT date FROM messages", NULL), ==,
                           from < 6 ? 200 : 0);
          g_assert_cmpuint (tern_store_count_unread (store, 1, &error), ==, 1);
          /* 012: accounts from before OAuth2 log in with their password. */
          {
            g_autoptr(TernAccountSettings) a = tern_store_get_account (store, 1, &error);

            g_assert_no_error (error);
            g_assert_cmpint (a->sign_in, ==, TERN_SIGN_IN_PASSWORD);
            g_assert_null (a->oauth2_provider);
          }
        }
      g_clear_object (&store);
      store_test_rmdir (dir);
    }
}

static void
test_newer_version (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tern-store-XXXXXX", &error);
  g_autoptr(TernStore) store = tern_store_open (dir, 0, &error);

  tern_store_exec_for_test (store, "PRAGMA user_version = 999", &error);
  g_clear_object (&store);
  store = tern_store_open (dir, 0, &error);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_STORE);
  g_assert_null (store);
  store_test_rmdir (dir);
}

static void
test_read_only (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStore) ro = tern_store_open (f->dir, TERN_STORE_OPEN_READ_ONLY, &error);
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(TernAccountSettings) extra = store_test_account ("Extra", TERN_PROTOCOL_IMAP);
  g_autofree char *missing = g_build_filename (f->dir, "nowhere", NULL);

  g_assert_no_error (error);
  add_message (f, f->inbox, 1, 0, "seen by the reader");
  accounts = tern_store_list_accounts (ro, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 1);
  g_assert_cmpuint (tern_store_count_unread (ro, 0, &error), ==, 1);
  g_assert_cmpint (tern_store_add_account (ro, extra, &error), ==, 0);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_STORE);
  g_clear_error (&error);
  g_assert_null (tern_store_open (missing, TERN_STORE_OPEN_READ_ONLY, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND);
}

/* ---- accounts and folders ---------------------------------------------- */

static void
test_accounts (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) pop = store_test_account ("Home", TERN_PROTOCOL_POP3);
  g_autoptr(TernAccountSettings) dup = store_test_account ("Work", TERN_PROTOCOL_IMAP);
  g_autoptr(TernAccountSettings) got = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(TernFolder) trash = NULL;

  pop->pop3_leave_on_server = FALSE;
  pop->pop3_delete_after_days = 14;
  pop->pop3_delete_when_deleted_here = TRUE;
  pop->incoming_cert_sha256 = g_strdup ("ab:cd");
  pop->smtp_auth = TERN_SMTP_AUTH_NONE;
  g_assert_cmpint (tern_store_add_account (f->store, pop, &error), >, 0);
  g_assert_no_error (error);

  got = tern_store_get_account_by_name (f->store, "Home", &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->id, ==, pop->id);
  g_assert_cmpint (got->protocol, ==, TERN_PROTOCOL_POP3);
  g_assert_false (got->pop3_leave_on_server);
  g_assert_cmpuint (got->pop3_delete_after_days, ==, 14);
  g_assert_true (got->pop3_delete_when_deleted_here);
  g_assert_cmpstr (got->incoming_cert_sha256, ==, "ab:cd");
  g_assert_null (got->smtp_cert_sha256);
  g_assert_cmpint (got->smtp_auth, ==, TERN_SMTP_AUTH_NONE);
  g_assert_cmpstr (got->incoming_host, ==, "pop.example.org");

  /* POP3 accounts get their local folders. */
  folders = tern_store_list_folders (f->store, pop->id, &error);
  g_assert_cmpuint (folders->len, ==, 5);
  trash = tern_store_get_folder_by_role (f->store, pop->id, TERN_FOLDER_ROLE_TRASH, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (trash->path, ==, "Trash");

  g_assert_cmpint (tern_store_add_account (f->store, dup, &error), ==, 0);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_EXISTS);
  g_clear_error (&error);

  g_free (got->display_name);
  got->display_name = g_strdup ("Ada L.");
  got->offline_days = 30;
  g_assert_true (tern_store_update_account (f->store, got, &error));
  g_clear_pointer (&got, tern_account_settings_free);
  got = tern_store_get_account (f->store, pop->id, &error);
  g_assert_cmpstr (got->display_name, ==, "Ada L.");
  g_assert_cmpuint (got->offline_days, ==, 30);

  list = tern_store_list_accounts (f->store, &error);
  g_assert_cmpuint (list->len, ==, 2);

  g_assert_true (tern_store_remove_account (f->store, pop->id, &error));
  g_assert_null (tern_store_get_account (f->store, pop->id, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&folders, g_ptr_array_unref);
  folders = tern_store_list_folders (f->store, pop->id, &error);
  g_assert_cmpuint (folders->len, ==, 0);
  g_assert_false (tern_store_remove_account (f->store, pop->id, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND);
}

static void
test_folders (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernFolder) folder = NULL;
  g_autoptr(TernPendingOp) op = tern_pending_op_new (TERN_PENDING_SET_FLAGS, "INBOX");
  g_autoptr(GPtrArray) ops = NULL;
  gint64 again;

  again = tern_store_upsert_folder (f->store, f->account, "INBOX", ".",
                                    TERN_FOLDER_ROLE_INBOX, FALSE, &error);
  g_assert_cmpint (again, ==, f->inbox);
  g_assert_true (tern_store_update_folder_state (f->store, f->inbox, 42, 100,
                                                 G_GUINT64_CONSTANT (5000000000),
                                                 "condstore", &error));
  folder = tern_store_get_folder_by_path (f->store, f->account, "INBOX", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (folder->delimiter, ==, ".");
  g_assert_false (folder->subscribed);
  g_assert_cmpuint (folder->uidvalidity, ==, 42);
  g_assert_cmpuint (folder->uidnext, ==, 100);
  g_assert_cmpuint (folder->highestmodseq, ==, G_GUINT64_CONSTANT (5000000000));
  g_assert_cmpstr (folder->sync_state, ==, "condstore");

  add_message (f, f->inbox, 1, 0, "a");
  add_message (f, f->inbox, 2, TERN_FLAG_SEEN, "b");
  op->account_id = f->account;
  op->uids = g_strdup ("1");
  op->flags = TERN_FLAG_SEEN;
  g_assert_cmpint (tern_store_enqueue_op (f->store, op, &error), >, 0);

  /* UIDVALIDITY changed: mail goes, the user's queued actions stay. */
  g_assert_true (tern_store_reset_folder (f->store, f->inbox, 43, &error));
  assert_counts (f, f->inbox, 0, 0);
  g_clear_pointer (&folder, tern_folder_free);
  folder = tern_store_get_folder (f->store, f->inbox, &error);
  g_assert_cmpuint (folder->uidvalidity, ==, 43);
  g_assert_cmpuint (folder->uidnext, ==, 0);
  ops = tern_store_list_ops (f->store, f->account, &error);
  g_assert_cmpuint (ops->len, ==, 1);

  g_assert_null (tern_store_get_folder_by_path (f->store, f->account, "Nope", &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (tern_store_delete_folder (f->store, f->inbox, &error));
  g_assert_null (tern_store_get_folder (f->store, f->inbox, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND);
}

/* ---- messages ---------------------------------------------------------- */

/* The first page by index is the head of the whole list by date. */
static void
test_newest_ids (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) all = NULL;
  g_autoptr(GArray) page = NULL;

  for (guint uid = 1; uid <= 7; uid++)
    add_message (f, f->inbox, uid * 37 % 11, 0, "page");
  all = tern_store_list_message_ids (f->store, f->inbox, TERN_SORT_DATE, TRUE, &error);
  page = tern_store_list_newest_ids (f->store, f->inbox, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 3);
  g_assert_cmpmem (page->data, 3 * sizeof (gint64), all->data, 3 * sizeof (gint64));
}

/* Headers stored first without search text (their bodies due soon), then
 * filled: each body, attachment and preview arrives, the message is found
 * by its subject and body once, and the list of missing bodies empties.
 * One indexed with its headers is updated in place, not indexed twice. */
static void
test_fill_bodies (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreTestMessage) a = store_test_message (f->inbox, 10, "Parsnip", "ann", 100, "quince");
  g_autoptr(StoreTestMessage) b = store_test_message (f->inbox, 11, "Turnip", "bob", 200, "medlar");
  TernAttachmentRecord att[] = { { "2", "ledger.ods", "application/vnd.oasis.opendocument.spreadsheet", 99 } };
  TernMessageRecord heads[2], bodies[2];
  g_autoptr(GArray) missing = NULL;
  g_autoptr(GArray) found = NULL;
  g_autoptr(TernMessageSummary) msg = NULL;

  bodies[0] = a->record;
  bodies[1] = b->record;
  bodies[1].attachments = att;
  bodies[1].n_attachments = 1;
  bodies[1].preview = "medlar season";
  for (guint i = 0; i < 2; i++)
    {
      heads[i] = bodies[i];
      heads[i].raw = NULL;
      heads[i].body_text = NULL;
      heads[i].attachments = NULL;
      heads[i].n_attachments = 0;
      heads[i].preview = NULL;
      heads[i].body_state = TERN_BODY_STATE_HEADERS;
      heads[i].size = 500;
    }
  heads[0].text_later = TRUE;   /* b is indexed with its headers */
  g_assert_true (tern_store_insert_messages (f->store, heads, 2, NULL, &error));
  g_assert_no_error (error);
  missing = tern_store_list_missing_bodies (f->store, f->inbox, 0, 1000, G_MAXUINT32, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (missing->len, ==, 2);
  g_assert_cmpuint (g_array_index (missing, TernUidSize, 0).uid, ==, 10);   /* ascending */
  found = tern_store_search (f->store, 0, 0, "parsnip", 0, &error);
  g_assert_cmpuint (found->len, ==, 0);   /* no text yet */

  g_assert_true (tern_store_fill_bodies (f->store, bodies, 2, &error));
  g_assert_no_error (error);
  g_clear_pointer (&missing, g_array_unref);
  missing = tern_store_list_missing_bodies (f->store, f->inbox, 0, 1000, G_MAXUINT32, 10, &error);
  g_assert_cmpuint (missing->len, ==, 0);
  const char *const words[] = { "parsnip", "quince", "turnip", "medlar", "ledger" };
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      g_clear_pointer (&found, g_array_unref);
      found = tern_store_search (f->store, 0, 0, words[i], 0, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (found->len, ==, 1);
    }
  msg = tern_store_get_message (f->store, tern_store_find_by_uid (f->store, f->inbox, 11, NULL), &error);
  g_assert_no_error (error);
  g_assert_cmpint (msg->body_state, ==, TERN_BODY_STATE_FULL);
  g_assert_true (msg->has_attachments);
  g_assert_cmpstr (msg->preview, ==, "medlar season");
  /* A UID gone meanwhile is no error. */
  bodies[0].uid = 99;
  g_assert_true (tern_store_fill_bodies (f->store, bodies, 1, &error));
  g_assert_no_error (error);
}

static void
test_messages (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreTestMessage) a = store_test_message (f->inbox, 10, "First", "ann", 100, "alpha");
  g_autoptr(StoreTestMessage) b = store_test_message (f->inbox, 11, "Second", "bob", 200, "beta");
  g_autoptr(StoreTestMessage) c = store_test_message (f->inbox, 10, "Dup", "cid", 300, "gamma");
  TernAttachmentRecord att[] = { { "2", "report.pdf", "application/pdf", 1234 } };
  TernMessageRecord records[3];
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GArray) uids = NULL;
  g_autoptr(GArray) found = NULL;
  g_autoptr(TernMessageSummary) msg = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GBytes) new_raw = g_bytes_new_static ("Subject: x\r\n\r\nnew body", 22);
  gint64 archive;
  guint32 gone = 10;

  b->record.attachments = att;
  b->record.n_attachments = 1;
  b->record.in_reply_to = a->record.message_id;
  records[0] = a->record;
  records[1] = b->record;
  records[2] = c->record;
  g_assert_true (tern_store_insert_messages (f->store, records, 3, &ids, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 3);
  g_assert_cmpint (g_array_index (ids, gint64, 2), ==, 0);   /* UID 10 again: skipped */

  msg = tern_store_get_message (f->store, g_array_index (ids, gint64, 1), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (msg->subject, ==, "Second");
  g_assert_cmpstr (msg->from_address, ==, "bob@example.org");
  g_assert_cmpstr (msg->in_reply_to, ==, a->record.message_id);
  g_assert_true (msg->has_attachments);
  g_assert_cmpint (msg->account_id, ==, f->account);
  g_assert_cmpuint (msg->uid, ==, 11);
  g_assert_cmpint (msg->body_state, ==, TERN_BODY_STATE_FULL);

  raw = tern_store_get_raw (f->store, msg->id, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (raw, b->raw));
  g_assert_true (tern_store_set_raw (f->store, msg->id, new_raw, "fresh text", NULL, 0, &error));
  g_clear_pointer (&found, g_array_unref);
  found = tern_store_search (f->store, 0, 0, "fresh", 0, &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_array_unref);
  found = tern_store_search (f->store, 0, 0, "beta", 0, &error);
  g_assert_cmpuint (found->len, ==, 0);   /* old body text left the index */
  g_clear_pointer (&found, g_array_unref);
  found = tern_store_search (f->store, 0, 0, "report", 0, &error);
  g_assert_cmpuint (found->len, ==, 1);   /* attachment names kept */

  uids = tern_store_list_uids (f->store, f->inbox, &error);
  g_assert_cmpuint (uids->len, ==, 2);
  g_assert_cmpuint (g_array_index (uids, TernUidFlags, 0).uid, ==, 10);
  g_assert_cmpuint (tern_store_get_max_uid (f->store, f->inbox, &error), ==, 11);
  g_assert_cmpint (tern_store_find_by_uid (f->store, f->inbox, 11, &error), ==, msg->id);
  g_assert_cmpint (tern_store_find_by_uid (f->store, f->inbox, 99, &error), ==, 0);
  g_clear_pointer (&found, g_array_unref);
  found = tern_store_find_by_message_id (f->store, f->account, a->record.message_id, &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (g_array_index (found, gint64, 0), ==, g_array_index (ids, gint64, 0));

  /* Move locally, then expunge by UID. */
  archive = tern_store_upsert_folder (f->store, f->account, "Archive", "/",
                                      TERN_FOLDER_ROLE_ARCHIVE, TRUE, &error);
  g_assert_true (tern_store_move_message (f->store, msg->id, archive, 0, &error));
  g_assert_no_error (error);
  assert_counts (f, f->inbox, 1, 1);
  assert_counts (f, archive, 1, 1);
  g_assert_false (tern_store_move_message (f->store, msg->id, 4242, 0, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (tern_store_delete_by_uids (f->store, f->inbox, &gone, 1, &error));
  assert_counts (f, f->inbox, 0, 0);
  g_assert_null (tern_store_get_raw (f->store, g_array_index (ids, gint64, 0), &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (tern_store_delete_messages (f->store, &msg->id, 1, &error));
  assert_counts (f, archive, 0, 0);
  g_clear_pointer (&found, g_array_unref);
  found = tern_store_search (f->store, 0, 0, "fresh", 0, &error);
  g_assert_cmpuint (found->len, ==, 0);
  g_assert_cmpint (tern_store_query_int (f->store, "SELECT count(*) FROM attachments", NULL),
                   ==, 0);

  /* A folder that does not exist fails the whole batch. */
  c->record.folder_id = 999;
  g_assert_false (tern_store_insert_messages (f->store, &c->record, 1, NULL, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND);
}

static void
test_unread_counts (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 ids[4];

  ids[0] = add_message (f, f->inbox, 1, 0, "a");
  ids[1] = add_message (f, f->inbox, 2, 0, "b");
  ids[2] = add_message (f, f->inbox, 3, TERN_FLAG_SEEN, "c");
  ids[3] = add_message (f, f->inbox, 4, TERN_FLAG_FLAGGED, "d");
  assert_counts (f, f->inbox, 3, 4);
  g_assert_true (tern_store_change_flags (f->store, ids, 2, TERN_FLAG_SEEN, 0, &error));
  assert_counts (f, f->inbox, 1, 4);
  /* Setting a flag twice changes nothing. */
  g_assert_true (tern_store_change_flags (f->store, ids, 2, TERN_FLAG_SEEN, 0, &error));
  assert_counts (f, f->inbox, 1, 4);
  g_assert_true (tern_store_change_flags (f->store, &ids[2], 1, 0, TERN_FLAG_SEEN, &error));
  assert_counts (f, f->inbox, 2, 4);
  g_assert_true (tern_store_update_flags_by_uid (f->store, f->inbox, 4,
                                                 TERN_FLAG_SEEN | TERN_FLAG_FLAGGED,
                                                 "$Important", &error));
  assert_counts (f, f->inbox, 1, 4);
  /* \Deleted mail does not count as unread. */
  g_assert_true (tern_store_change_flags (f->store, &ids[2], 1, TERN_FLAG_DELETED, 0, &error));
  assert_counts (f, f->inbox, 0, 4);
  g_assert_cmpuint (tern_store_count_unread (f->store, f->account, &error), ==, 0);
  g_assert_cmpuint (tern_store_query_int (f->store,
      "SELECT count(*) FROM messages WHERE keywords = '$Important'", NULL), ==, 1);
}

/* ---- queues ------------------------------------------------------------ */

static void
test_pending_ops (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  TernPendingOpKind kinds[] = { TERN_PENDING_MOVE, TERN_PENDING_SET_FLAGS,
                                TERN_PENDING_APPEND, TERN_PENDING_EXPUNGE };
  gint64 first = 0;

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(TernPendingOp) op = tern_pending_op_new (kinds[i], "INBOX");
      gint64 id;

      op->account_id = f->account;
      op->dest_path = g_strdup ("Archive");
      op->uids = g_strdup_printf ("%u:%u", i, i + 3);
      if (kinds[i] == TERN_PENDING_APPEND)
        op->data = g_bytes_new_static ("Subject: hi\r\n\r\n", 15);
      id = tern_store_enqueue_op (f->store, op, &error);
      g_assert_no_error (error);
      g_assert_cmpint (id, >, first);
      first = id;
    }
  reopen (f);
  ops = tern_store_list_ops (f->store, f->account, &error);
  g_assert_cmpuint (ops->len, ==, 4);
  for (guint i = 0; i < ops->len; i++)
    {
      TernPendingOp *op = g_ptr_array_index (ops, i);
      g_autofree char *uids = g_strdup_printf ("%u:%u", i, i + 3);

      g_assert_cmpint (op->kind, ==, kinds[i]);
      g_assert_cmpstr (op->uids, ==, uids);
      g_assert_cmpstr (op->dest_path, ==, "Archive");
      g_assert_true ((op->data != NULL) == (kinds[i] == TERN_PENDING_APPEND));
    }
  g_assert_true (tern_store_record_op_failure (f->store, ((TernPendingOp *) ops->pdata[0])->id,
                                               "NO [TRYCREATE]", &error));
  g_assert_true (tern_store_remove_op (f->store, ((TernPendingOp *) ops->pdata[1])->id, &error));
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = tern_store_list_ops (f->store, f->account, &error);
  g_assert_cmpuint (ops->len, ==, 3);
  g_assert_cmpuint (((TernPendingOp *) ops->pdata[0])->attempts, ==, 1);
  g_assert_cmpstr (((TernPendingOp *) ops->pdata[0])->last_error, ==, "NO [TRYCREATE]");
  g_assert_cmpint (((TernPendingOp *) ops->pdata[1])->kind, ==, TERN_PENDING_APPEND);
  g_assert_false (tern_store_remove_op (f->store, 9999, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND);
}

static void
test_outbox (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = g_bytes_new_static ("Subject: out\r\n\r\nbody", 20);
  const char *rcpt[] = { "a@example.org", "b@example.org", NULL };
  g_autoptr(GPtrArray) items = NULL;
  TernOutboxItem *item;
  gint64 id;

  id = tern_store_enqueue_outbox (f->store, f->account, raw, "ada@example.org", rcpt, &error);
  g_assert_no_error (error);
  g_assert_true (tern_store_record_outbox_attempt (f->store, id, TERN_OUTBOX_QUEUED,
                                                   "421 try later", 12345, &error));
  reopen (f);
  items = tern_store_list_outbox (f->store, f->account, &error);
  g_assert_cmpuint (items->len, ==, 1);
  item = items->pdata[0];
  g_assert_true (g_bytes_equal (item->raw, raw));
  g_assert_cmpstr (item->envelope_from, ==, "ada@example.org");
  g_assert_cmpuint (g_strv_length (item->recipients), ==, 2);
  g_assert_cmpstr (item->recipients[1], ==, "b@example.org");
  g_assert_cmpuint (item->attempts, ==, 1);
  g_assert_cmpint (item->next_attempt, ==, 12345);
  g_assert_cmpstr (item->last_error, ==, "421 try later");
  g_assert_true (tern_store_remove_outbox (f->store, id, &error));
  g_assert_cmpint (tern_store_enqueue_outbox (f->store, f->account, raw, "a@b", NULL, &error),
                   ==, 0);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_INVALID);
}

static void
test_pop3_uidls (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) pop = store_test_account ("Home", TERN_PROTOCOL_POP3);
  g_autoptr(TernFolder) inbox = NULL;
  g_autoptr(GPtrArray) uidls = NULL;
  gint64 msg;

  tern_store_add_account (f->store, pop, &error);
  inbox = tern_store_get_folder_by_role (f->store, pop->id, TERN_FOLDER_ROLE_INBOX, &error);
  g_assert_no_error (error);
  msg = add_message (f, inbox->id, 0, 0, "popped");
  g_assert_true (tern_store_record_uidl (f->store, pop->id, "UID-1", msg, 1000, &error));
  g_assert_true (tern_store_record_uidl (f->store, pop->id, "UID-2", 0, 2000, &error));
  g_assert_true (tern_store_mark_uidl (f->store, pop->id, "UID-1", TERN_POP3_MARK_DELETE, &error));
  /* Deleting the local copy keeps the UIDL (so it is not downloaded again). */
  g_assert_true (tern_store_delete_messages (f->store, &msg, 1, &error));
  uidls = tern_store_list_uidls (f->store, pop->id, &error);
  g_assert_cmpuint (uidls->len, ==, 2);
  g_assert_cmpstr (((TernPop3Uidl *) uidls->pdata[0])->uidl, ==, "UID-1");
  g_assert_cmpint (((TernPop3Uidl *) uidls->pdata[0])->message_id, ==, 0);
  g_assert_cmpuint (((TernPop3Uidl *) uidls->pdata[0])->marks, ==, TERN_POP3_MARK_DELETE);
  g_assert_cmpint (((TernPop3Uidl *) uidls->pdata[1])->downloaded_at, ==, 2000);
  g_assert_true (tern_store_forget_uidl (f->store, pop->id, "UID-1", &error));
  g_clear_pointer (&uidls, g_ptr_array_unref);
  uidls = tern_store_list_uidls (f->store, pop->id, &error);
  g_assert_cmpuint (uidls->len, ==, 1);
  g_assert_false (tern_store_mark_uidl (f->store, pop->id, "UID-1", 0, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND);
}

/* ---- bad input and faults ---------------------------------------------- */

static void
test_utf8 (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreTestMessage) m = store_test_message (f->inbox, 1, "Caf\xe9 cr\xe8me", "Ren\xe9",
                                                      100, "na\xefve text");
  g_autoptr(GArray) ids = NULL;
  g_autoptr(TernMessageSummary) s = NULL;
  g_autoptr(GArray) hits = NULL;

  m->record.to_display = "H\xc3\xa9l\xe8ne \xff <h@x>";   /* UTF-8 with damage */
  g_assert_true (tern_store_insert_messages (f->store, &m->record, 1, &ids, &error));
  s = tern_store_get_message (f->store, g_array_index (ids, gint64, 0), &error);
  g_assert_no_error (error);
  g_assert_true (g_utf8_validate (s->subject, -1, NULL));
  g_assert_cmpstr (s->subject, ==, "Café crème");
  g_assert_cmpstr (s->from_name, ==, "René");
  g_assert_true (g_utf8_validate (s->to_display, -1, NULL));
  g_assert_true (g_str_has_prefix (s->to_display, "Hél"));
  g_assert_true (g_utf8_validate (s->from_address, -1, NULL));
  hits = tern_store_search (f->store, 0, 0, "naive", 0, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_clear_pointer (&hits, g_array_unref);
  hits = tern_store_search (f->store, 0, 0, "cafe", 0, &error);   /* diacritics folded */
  g_assert_cmpuint (hits->len, ==, 1);
}

static void
test_disk_full (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func
      ((GDestroyNotify) store_test_message_free);
  g_autofree TernMessageRecord *records = g_new0 (TernMessageRecord, 200);
  g_autofree char *big = g_strnfill (4000, 'x');
  g_autofree char *limit = NULL;
  gint64 pages;

  for (guint i = 0; i < 200; i++)
    {
      StoreTestMessage *m = store_test_message (f->inbox, i + 1, "filler", "bob", i, big);
      g_ptr_array_add (batch, m);
      records[i] = m->record;
    }
  g_assert_true (tern_store_insert_messages (f->store, records, 10, NULL, &error));
  g_assert_no_error (error);
  /* The database may not grow any more: like a full disk. */
  pages = tern_store_query_int (f->store, "PRAGMA page_count", NULL);
  limit = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, pages);
  g_assert_true (tern_store_exec_for_test (f->store, limit, &error));

  g_assert_false (tern_store_insert_messages (f->store, records + 10, 190, NULL, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_DISK_FULL);
  g_clear_error (&error);
  assert_counts (f, f->inbox, 10, 10);

  /* Inside the caller's batch too; the batch is gone, the store still works. */
  g_assert_true (tern_store_begin (f->store, &error));
  g_assert_false (tern_store_insert_messages (f->store, records + 10, 190, NULL, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_DISK_FULL);
  g_clear_error (&error);
  if (!tern_store_commit (f->store, TRUE, &error))
    g_clear_error (&error);
  assert_counts (f, f->inbox, 10, 10);
  g_assert_true (tern_store_check_integrity (f->store, &error));

  /* Space again: writing resumes. */
  g_assert_true (tern_store_exec_for_test (f->store, "PRAGMA max_page_count = 1000000", &error));
  g_assert_true (tern_store_insert_messages (f->store, records + 10, 190, NULL, &error));
  g_assert_no_error (error);
  assert_counts (f, f->inbox, 200, 200);
}

static void
test_batches (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_store_begin (f->store, &error));
  g_assert_false (tern_store_begin (f->store, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_INVALID);
  g_clear_error (&error);
  add_message (f, f->inbox, 1, 0, "kept");
  g_assert_true (tern_store_commit (f->store, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (tern_store_begin (f->store, &error));
  add_message (f, f->inbox, 2, 0, "dropped");
  tern_store_rollback (f->store);
  assert_counts (f, f->inbox, 1, 1);
  g_assert_false (tern_store_commit (f->store, FALSE, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_STORE);
  g_assert_cmpint (tern_store_query_int (f->store, "PRAGMA synchronous", NULL), ==, 1);
}

static void
smash (const char *path, gsize offset, gsize len)
{
  int fd = open (path, O_WRONLY);
  g_autofree char *junk = g_strnfill (len, '\x5a');

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, junk, len, offset), ==, (gssize) len);
  close (fd);
}

static void
test_corrupt_garbage (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tern-store-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "tern.db", NULL);
  g_autofree char *aside = NULL;
  g_autoptr(TernStore) store = NULL;
  g_autofree char *junk = g_strnfill (8192, 'q');

  g_assert_true (g_file_set_contents (path, junk, -1, &error));
  store = tern_store_open (dir, 0, &error);
  g_assert_null (store);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_CORRUPT);
  g_clear_error (&error);

  aside = tern_store_recover (dir, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (aside, G_FILE_TEST_EXISTS));
  store = tern_store_open (dir, 0, &error);
  g_assert_no_error (error);
  g_assert_true (tern_store_check_integrity (store, &error));
  g_clear_object (&store);
  store_test_rmdir (dir);
}

static void
test_corrupt_pages (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func
      ((GDestroyNotify) store_test_message_free);
  g_autofree TernMessageRecord *records = g_new0 (TernMessageRecord, 300);
  g_autofree char *aside = NULL;
  g_autoptr(GArray) hits = NULL;
  gint64 size;

  for (guint i = 0; i < 300; i++)
    {
      StoreTestMessage *m = store_test_message (f->inbox, i + 1, "page filler", "bob", i,
                                                "some words to fill the pages");
      g_ptr_array_add (batch, m);
      records[i] = m->record;
    }
  g_assert_true (tern_store_insert_messages (f->store, records, 300, NULL, &error));
  tern_store_exec_for_test (f->store, "PRAGMA wal_checkpoint(TRUNCATE)", &error);
  g_assert_no_error (error);
  size = tern_store_query_int (f->store, "PRAGMA page_count", NULL) * 4096;
  g_clear_object (&f->store);

  /* Damage the middle of the file; the header still looks fine. */
  {
    g_autofree char *path = g_build_filename (f->dir, "tern.db", NULL);
    smash (path, size / 3, size / 3);
  }
  f->store = tern_store_open (f->dir, TERN_STORE_OPEN_CHECK, &error);
  g_assert_null (f->store);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_CORRUPT);
  g_clear_error (&error);

  aside = tern_store_recover (f->dir, &error);
  g_assert_no_error (error);
  f->store = tern_store_open (f->dir, TERN_STORE_OPEN_CHECK, &error);
  g_assert_no_error (error);
  /* Fresh: the mail is to be downloaded again. */
  hits = tern_store_search (f->store, 0, 0, "filler", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 0);
}

static void
test_recover_salvages (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernPendingOp) op = tern_pending_op_new (TERN_PENDING_DELETE, "INBOX");
  g_autoptr(GBytes) raw = g_bytes_new_static ("x", 1);
  const char *rcpt[] = { "b@example.org", NULL };
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(TernFolder) inbox = NULL;
  g_autofree char *aside = NULL;
  g_autoptr(TernAccountSettings) acct = NULL;

  op->account_id = f->account;
  tern_store_enqueue_op (f->store, op, &error);
  tern_store_enqueue_outbox (f->store, f->account, raw, "a@example.org", rcpt, &error);
  tern_store_update_folder_state (f->store, f->inbox, 7, 8, 9, NULL, &error);
  add_message (f, f->inbox, 1, 0, "lost");
  g_assert_no_error (error);
  g_clear_object (&f->store);

  aside = tern_store_recover (f->dir, &error);
  g_assert_no_error (error);
  reopen (f);
  acct = tern_store_get_account (f->store, f->account, &error);
  g_assert_nonnull (acct);
  ops = tern_store_list_ops (f->store, f->account, &error);
  g_assert_cmpuint (ops->len, ==, 1);
  outbox = tern_store_list_outbox (f->store, 0, &error);
  g_assert_cmpuint (outbox->len, ==, 1);
  inbox = tern_store_get_folder (f->store, f->inbox, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inbox->uidvalidity, ==, 0);   /* re-syncs from scratch */
  g_assert_cmpuint (inbox->total_count, ==, 0);
  g_assert_cmpint (tern_store_query_int (f->store, "SELECT count(*) FROM messages", NULL), ==, 0);
}

/* Pins are per host and port: moving an account drops the pin it had,
 * a pin accepted for the new server is kept. */
static void
test_pins_follow_host (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = tern_store_get_account (f->store, f->account, &error);
  g_autoptr(TernAccountSettings) got = NULL;

  g_assert_no_error (error);
  g_free (a->incoming_cert_sha256);
  a->incoming_cert_sha256 = g_strdup ("AA:AA");
  g_free (a->smtp_cert_sha256);
  a->smtp_cert_sha256 = g_strdup ("BB:BB");
  g_assert_true (tern_store_update_account (f->store, a, &error));
  /* Same servers: both pins stay. */
  g_free (a->display_name);
  a->display_name = g_strdup ("renamed");
  g_assert_true (tern_store_update_account (f->store, a, &error));
  got = tern_store_get_account (f->store, f->account, &error);
  g_assert_cmpstr (got->incoming_cert_sha256, ==, "AA:AA");
  g_assert_cmpstr (got->smtp_cert_sha256, ==, "BB:BB");
  g_clear_pointer (&got, tern_account_settings_free);
  /* Another incoming host, SMTP on another port: the old pins go. */
  g_free (a->incoming_host);
  a->incoming_host = g_strdup ("imap.elsewhere.example");
  a->smtp_port += 1;
  g_assert_true (tern_store_update_account (f->store, a, &error));
  got = tern_store_get_account (f->store, f->account, &error);
  g_assert_null (got->incoming_cert_sha256);
  g_assert_null (got->smtp_cert_sha256);
  g_clear_pointer (&got, tern_account_settings_free);
  /* Moved again, with a certificate the user accepted for the new host. */
  g_free (a->incoming_host);
  a->incoming_host = g_strdup ("imap.third.example");
  g_free (a->incoming_cert_sha256);
  a->incoming_cert_sha256 = g_strdup ("CC:CC");
  g_assert_true (tern_store_update_account (f->store, a, &error));
  got = tern_store_get_account (f->store, f->account, &error);
  g_assert_cmpstr (got->incoming_cert_sha256, ==, "CC:CC");
}

/* Where WAL cannot be had (here: SQLite's unix-dotfile VFS, which has no
 * shared memory), the store says so and syncs every commit
 * (synchronous=FULL) instead of counting the missing -wal file as synced. */
static void
test_no_wal_child (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) acct = store_test_account ("Work", TERN_PROTOCOL_IMAP);
  g_autofree char *tmp = g_dir_make_tmp ("tern-store-XXXXXX", &error);
  g_autofree char *dir = g_build_filename (tmp, "data", NULL);
  g_autofree char *wal = g_build_filename (dir, "tern.db-wal", NULL);
  g_autoptr(TernStore) store = NULL;
  sqlite3_vfs *dotfile = sqlite3_vfs_find ("unix-dotfile");

  g_assert_nonnull (dotfile);
  g_assert_cmpint (sqlite3_vfs_register (dotfile, 1), ==, SQLITE_OK);
  store = tern_store_open (dir, TERN_STORE_OPEN_WRITER, &error);
  g_assert_no_error (error);
  g_assert_false (store->wal);
  g_assert_cmpint (tern_store_query_int (store, "PRAGMA synchronous", NULL), ==, 2);  /* FULL */
  g_assert_true (tern_store_begin (store, &error));
  g_assert_cmpint (tern_store_add_account (store, acct, &error), >, 0);
  g_assert_true (tern_store_commit (store, TRUE, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

static void
test_no_wal (void)
{
  g_test_trap_subprocess ("/store/durability/no-wal/subprocess", 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*cannot use write-ahead logging*");
}

/* With WAL, a durable commit whose -wal file has vanished fails instead of
 * reporting a sync that did not happen. */
static void
test_wal_missing (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = g_build_filename (f->dir, "tern.db-wal", NULL);
  g_autofree char *moved = g_strconcat (wal, ".moved", NULL);

  g_assert_true (f->store->wal);
  g_assert_true (tern_store_begin (f->store, &error));
  add_message (f, f->inbox, 7, 0, "x");
  /* The file goes away under SQLite's feet (another program's unlink):
   * SQLite still writes through its open descriptor. */
  g_assert_cmpint (g_rename (wal, moved), ==, 0);
  g_assert_false (tern_store_commit (f->store, TRUE, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_STORE);
  g_assert_cmpint (g_rename (moved, wal), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/durability/no-wal", test_no_wal);
  g_test_add_func ("/store/durability/no-wal/subprocess", test_no_wal_child);
#define ADD(path, fn) g_test_add ("/store/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("permissions", test_permissions);
  ADD ("fill-bodies", test_fill_bodies);
  ADD ("migrate/empty", test_migrate_empty);
  g_test_add_func ("/store/migrate/upgrade", test_migrate_upgrade);
  g_test_add_func ("/store/migrate/newer", test_newer_version);
  ADD ("read-only", test_read_only);
  ADD ("accounts", test_accounts);
  ADD ("folders", test_folders);
  ADD ("messages", test_messages);
  ADD ("messages/newest-ids", test_newest_ids);
  ADD ("unread-counts", test_unread_counts);
  ADD ("pending-ops", test_pending_ops);
  ADD ("outbox", test_outbox);
  ADD ("pop3-uidls", test_pop3_uidls);
  ADD ("utf8", test_utf8);
  ADD ("disk-full", test_disk_full);
  ADD ("batches", test_batches);
  ADD ("durability/wal-missing", test_wal_missing);
  ADD ("accounts/pins-follow-host", test_pins_follow_host);
  g_test_add_func ("/store/corrupt/garbage", test_corrupt_garbage);
  ADD ("corrupt/pages", test_corrupt_pages);
  ADD ("corrupt/salvage", test_recover_salvages);
#undef ADD
  return g_test_run ();
}
