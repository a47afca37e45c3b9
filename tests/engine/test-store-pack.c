/* test-store-pack: raw mail and its searchable text stored packed (zstd,
 * sql/014): the bytes come back as they went in, search finds the same
 * mail, and the FTS index stays exact through deletes and body updates,
 * on a store upgraded from version 12 as on a new one. */
#include <string.h>

#include "store-test-util.h"
#include "store/tern-message-import.h"
#include "store/tern-store-private.h"

#define PACKED_RAW "SELECT count(*) FROM bodies WHERE substr (raw, 1, 4) = x'28B52FFD'"
#define PACKED_TEXT "SELECT count(*) FROM message_text_packed WHERE typeof (body) = 'blob'"

/* A body long enough to be worth packing, with one word of its own. */
static char *
long_body (const char *word)
{
  g_autoptr(GString) s = g_string_new (word);

  for (guint i = 0; i < 60; i++)
    g_string_append_printf (s, " line %u of the quarterly report %s", i, i % 7 ? "" : word);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static char *
raw_of (const char *subject, const char *body)
{
  return g_strdup_printf ("From: Ann <ann@example.org>\r\nSubject: %s\r\n\r\n%s\r\n", subject,
                          body);
}

static void
assert_hits (TernStore *store, const char *query, gint64 expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) hits = tern_store_search (store, 0, 0, query, 0, &error);

  g_assert_no_error (error);
  if (expected == 0)
    g_assert_cmpuint (hits->len, ==, 0);
  else
    {
      g_assert_cmpuint (hits->len, ==, 1);
      g_assert_cmpint (g_array_index (hits, gint64, 0), ==, expected);
    }
}

/* FTS5 compares its index with the text of the content table (the view
 * of the packed text): any term a delete missed fails it. */
static void
assert_index_exact (TernStore *store)
{
  g_autoptr(GError) error = NULL;

  tern_store_exec_for_test (store,
      "INSERT INTO message_fts (message_fts, rank) VALUES ('integrity-check', 1)", &error);
  g_assert_no_error (error);
}

static void
assert_raw (TernStore *store, gint64 id, const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = tern_store_get_raw (store, id, &error);

  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), expected,
                   strlen (expected));
}

/* Mail as version 12 stored it: raw and body text in plain. */
static void
fill_version_12 (TernStore *store, const char *const raws[2], const char *const bodies[2])
{
  g_autoptr(GError) error = NULL;

  tern_store_exec_for_test (store,
      "INSERT INTO accounts (id, name, protocol) VALUES (1, 'Old', 'imap');"
      "INSERT INTO folders (id, account_id, path, uidvalidity) VALUES (1, 1, 'INBOX', 77);",
      &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      gint64 id = i + 1, date = 1700000000 + (gint64) i * 86400;
      gint64 key = ((date / 86400) << 28) | id;
      g_autofree char *sql = g_strdup_printf (
          "INSERT INTO messages (id, account_id, folder_id, uid, subject, date, body_state)"
          " VALUES (%" G_GINT64_FORMAT ", 1, 1, %" G_GINT64_FORMAT ", 'report', %"
          G_GINT64_FORMAT ", 2);"
          "INSERT INTO bodies (message_id, raw) VALUES (%" G_GINT64_FORMAT ", CAST ('%s' AS BLOB));"
          "INSERT INTO message_text (id, msg, subject, body) VALUES (%" G_GINT64_FORMAT
          ", %" G_GINT64_FORMAT ", 'report', '%s');"
          "INSERT INTO message_fts (rowid, subject, body) VALUES (%" G_GINT64_FORMAT
          ", 'report', '%s');", id, id, date, id, raws[i], key, id, bodies[i], key, bodies[i]);

      tern_store_exec_for_test (store, sql, &error);
      g_assert_no_error (error);
    }
}

static void
test_upgrade_from_12 (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tern-pack-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStore) store = tern_store_open_at_version (dir, TERN_STORE_OPEN_WRITER, 12,
                                                            &error);
  g_autofree char *walrus = long_body ("walrus");
  g_autofree char *narwhal = long_body ("narwhal");
  g_autofree char *dugong = long_body ("dugong");
  g_autofree char *raw1 = raw_of ("report", walrus);
  g_autofree char *raw2 = raw_of ("report", narwhal);
  g_autofree char *raw3 = raw_of ("report", dugong);
  const char *raws[2] = { raw1, raw2 };
  const char *bodies[2] = { walrus, narwhal };
  g_autoptr(GBytes) new_raw = g_bytes_new_static (raw3, strlen (raw3));
  gint64 first = 1;

  g_assert_no_error (error);
  g_assert_cmpint (tern_store_query_int (store, "PRAGMA user_version", NULL), ==, 12);
  fill_version_12 (store, raws, bodies);
  g_clear_object (&store);

  store = tern_store_open (dir, TERN_STORE_OPEN_WRITER, &error);
  g_assert_no_error (error);
  g_assert_true (tern_store_check_integrity (store, &error));
  /* Every raw message and body text is packed now, and reads back. */
  g_assert_cmpint (tern_store_query_int (store, PACKED_RAW, NULL), ==, 2);
  g_assert_cmpint (tern_store_query_int (store, PACKED_TEXT, NULL), ==, 2);
  assert_raw (store, 1, raw1);
  assert_raw (store, 2, raw2);
  assert_hits (store, "walrus", 1);
  assert_hits (store, "narwhal", 2);
  assert_index_exact (store);
  /* A delete takes the message's terms out of the index. */
  g_assert_true (tern_store_delete_messages (store, &first, 1, &error));
  g_assert_no_error (error);
  assert_hits (store, "walrus", 0);
  assert_hits (store, "narwhal", 2);
  assert_index_exact (store);
  /* So does a new body (the update trigger). */
  g_assert_true (tern_store_set_raw (store, 2, new_raw, dugong, NULL, 0, &error));
  g_assert_no_error (error);
  assert_hits (store, "narwhal", 0);
  assert_hits (store, "dugong", 2);
  assert_raw (store, 2, raw3);
  assert_index_exact (store);
  g_clear_object (&store);
  store_test_rmdir (dir);
}

/* A new account "Work" in @store, and its inbox's id. */
static gint64
add_inbox (TernStore *store)
{
  g_autoptr(TernAccountSettings) account = store_test_account ("Work", TERN_PROTOCOL_IMAP);
  g_autoptr(GError) error = NULL;
  gint64 inbox;

  tern_store_add_account (store, account, &error);
  g_assert_no_error (error);
  inbox = tern_store_upsert_folder (store, account->id, "INBOX", "/", TERN_FOLDER_ROLE_INBOX,
                                    TRUE, &error);
  g_assert_no_error (error);
  return inbox;
}

static void
test_new_mail (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tern-pack-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStore) store = tern_store_open (dir, TERN_STORE_OPEN_WRITER, &error);
  g_autofree char *body = long_body ("manatee");
  g_autofree char *raw = raw_of ("report", body);
  const char tiny[] = "Subject: hi\r\n\r\nok\r\n";   /* too short to pack */
  g_autoptr(GBytes) raw_bytes = g_bytes_new_static (raw, strlen (raw));
  g_autoptr(GBytes) tiny_bytes = g_bytes_new_static (tiny, strlen (tiny));
  TernMessageRecord records[2] = {
    { .uid = 1, .subject = "report", .date = 1700000000, .raw = raw_bytes, .body_text = body,
      .body_state = TERN_BODY_STATE_FULL },
    { .uid = 2, .subject = "hi", .date = 1700000100, .raw = tiny_bytes, .body_text = "ok",
      .body_state = TERN_BODY_STATE_FULL },
  };
  g_autoptr(GArray) ids = NULL;

  g_assert_no_error (error);
  records[0].folder_id = records[1].folder_id = add_inbox (store);
  g_assert_true (tern_store_insert_messages (store, records, 2, &ids, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tern_store_query_int (store, PACKED_RAW, NULL), ==, 1);
  g_assert_cmpint (tern_store_query_int (store, PACKED_TEXT, NULL), ==, 1);
  assert_raw (store, g_array_index (ids, gint64, 0), raw);
  assert_raw (store, g_array_index (ids, gint64, 1), tiny);
  assert_hits (store, "manatee", g_array_index (ids, gint64, 0));
  assert_hits (store, "ok", g_array_index (ids, gint64, 1));
  assert_index_exact (store);
  g_assert_true (tern_store_delete_messages (store, (gint64 *) (void *) ids->data, 2, &error));
  assert_hits (store, "manatee", 0);
  assert_index_exact (store);
  g_clear_object (&store);
  store_test_rmdir (dir);
}

/* Mail parsed by tern_imported_message_new comes packed from the parsing
 * thread; the store keeps it as it is, and it reads back the same. */
static void
test_packed_on_import (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tern-pack-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStore) store = tern_store_open (dir, TERN_STORE_OPEN_WRITER, &error);
  g_autofree char *body = long_body ("dugong");
  g_autofree char *raw = raw_of ("minutes", body);
  g_autoptr(GBytes) raw_bytes = g_bytes_new_static (raw, strlen (raw));
  g_autoptr(TernImportedMessage) msg = tern_imported_message_new (raw_bytes, FALSE, &error);
  g_autoptr(GArray) ids = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (msg->record.packed_raw);
  g_assert_nonnull (msg->record.packed_body_text);
  g_assert_cmpuint (g_bytes_get_size (msg->record.packed_raw), <, strlen (raw));
  msg->record.uid = 1;
  msg->record.folder_id = add_inbox (store);
  g_assert_true (tern_store_insert_messages (store, &msg->record, 1, &ids, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tern_store_query_int (store, PACKED_RAW, NULL), ==, 1);
  g_assert_cmpint (tern_store_query_int (store, PACKED_TEXT, NULL), ==, 1);
  assert_raw (store, g_array_index (ids, gint64, 0), raw);
  assert_hits (store, "dugong", g_array_index (ids, gint64, 0));
  assert_index_exact (store);
  g_assert_true (tern_store_delete_messages (store, (gint64 *) (void *) ids->data, 1, &error));
  assert_hits (store, "dugong", 0);
  assert_index_exact (store);
  g_clear_object (&store);
  store_test_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store-pack/upgrade-from-12", test_upgrade_from_12);
  g_test_add_func ("/store-pack/new-mail", test_new_mail);
  g_test_add_func ("/store-pack/packed-on-import", test_packed_on_import);
  return g_test_run ();
}
