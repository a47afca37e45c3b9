/* mbox and Maildir reading and writing, and export/import through the
 * store: bytes come back exactly, broken files import what can be read,
 * duplicates are skipped, IMAP imports are queued for APPEND. */
#include <gio/gio.h>
#include <string.h>

#include "archive/tern-archive.h"
#include "archive/tern-maildir.h"
#include "archive/tern-mbox.h"
#include "core/tern-error.h"
#include "store-test-util.h"

/* Messages that stress the mbox format: From lines in the body, quoted
 * From lines, CRLF, no final line break, a line longer than the reader's
 * buffer. */
static GBytes *
text_bytes (const char *text)
{
  return g_bytes_new_static (text, strlen (text));
}

static GPtrArray *
tricky_messages (void)
{
  GPtrArray *msgs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GString) long_line = g_string_new ("Subject: long\nMessage-ID: <long@x>\n\n");

  g_ptr_array_add (msgs, text_bytes (
    "From: Ann <ann@example.org>\nSubject: one\nMessage-ID: <1@x>\nDate: Mon, 2 Jan 2023 10:00:00 +0000\n"
    "\nHello\n\nFrom the desk of Ann, greetings.\n>From a quoted line\n>>From twice\n"));
  g_ptr_array_add (msgs, text_bytes (
    "From: Bob <bob@example.org>\r\nSubject: crlf\r\nMessage-ID: <2@x>\r\n\r\nLine one\r\n\r\n"
    "From bob Mon Jan  2 10:00:00 2023\r\nstill the body\r\n"));
  g_ptr_array_add (msgs, text_bytes (
    "From: Cy <cy@example.org>\nSubject: no final newline\nMessage-ID: <3@x>\n\nno newline"));
  for (int i = 0; i < 20000; i++)
    g_string_append (long_line, "xxxxx");
  g_string_append (long_line, "\n");
  g_ptr_array_add (msgs, g_string_free_to_bytes (g_steal_pointer (&long_line)));
  return msgs;
}

static GBytes *
write_mbox (GPtrArray *msgs)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < msgs->len; i++)
    g_assert_true (tern_mbox_write_message (out, g_ptr_array_index (msgs, i), "who@example.org",
                                            1700000000 + i, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, NULL);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static GPtrArray *
read_mbox (GBytes *file, gboolean *truncated, GError **error)
{
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_bytes (file);
  g_autoptr(TernMboxReader) reader = tern_mbox_reader_new (in);
  GPtrArray *msgs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  GBytes *raw;

  while ((raw = tern_mbox_reader_next (reader, NULL, NULL, error)) != NULL)
    g_ptr_array_add (msgs, raw);
  if (truncated != NULL)
    *truncated = tern_mbox_reader_was_truncated (reader);
  return msgs;
}

static void
assert_bytes_equal (GBytes *a, GBytes *b)
{
  gsize la, lb;
  const char *da = g_bytes_get_data (a, &la);
  const char *db = g_bytes_get_data (b, &lb);

  g_assert_cmpuint (la, ==, lb);
  g_assert_true (memcmp (da, db, la) == 0);
}

static void
test_mbox_round_trip (void)
{
  g_autoptr(GPtrArray) msgs = tricky_messages ();
  g_autoptr(GBytes) file = write_mbox (msgs);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) back = read_mbox (file, NULL, &error);
  const char *text = g_bytes_get_data (file, NULL);

  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, msgs->len);
  for (guint i = 0; i < msgs->len; i++)
    if (i != 2)
      assert_bytes_equal (g_ptr_array_index (msgs, i), g_ptr_array_index (back, i));
  /* The one without a final line break gains exactly that. */
  g_assert_cmpuint (g_bytes_get_size (g_ptr_array_index (back, 2)), ==,
                    g_bytes_get_size (g_ptr_array_index (msgs, 2)) + 1);
  /* mboxrd quoting on disk. */
  g_assert_nonnull (strstr (text, "\n>From the desk"));
  g_assert_nonnull (strstr (text, "\n>>From a quoted"));
  g_assert_nonnull (strstr (text, "\n>>>From twice"));
  g_assert_true (g_str_has_prefix (text, "From who@example.org Tue Nov 14 22:13:20 2023\n"));
}

static void
test_mbox_mboxo_and_broken (void)
{
  /* mboxo: an unescaped "From " sentence after a blank line is body text. */
  static const char mboxo[] =
    "From a@x Mon Jan  2 10:00:00 2023\nSubject: a\n\nbody\n\nFrom me to you, hello.\n\n"
    "From b@x Tue Jan  3 10:00:00 2023\r\nSubject: b\r\n\r\ncut off in the mid";
  g_autoptr(GBytes) file = g_bytes_new_static (mboxo, sizeof mboxo - 1);
  g_autoptr(GError) error = NULL;
  gboolean truncated = FALSE;
  g_autoptr(GPtrArray) msgs = read_mbox (file, &truncated, &error);
  g_autoptr(GBytes) not_mail = g_bytes_new_static ("%PDF-1.4\nbinary", 15);
  g_autoptr(GPtrArray) none = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (msgs->len, ==, 2);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (g_ptr_array_index (msgs, 0), NULL),
                                  g_bytes_get_size (g_ptr_array_index (msgs, 0)),
                                  "From me to you"));
  g_assert_true (truncated);

  none = read_mbox (not_mail, NULL, &error);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_INVALID);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_maildir_round_trip (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tern-maildir-XXXXXX", NULL);
  g_autofree char *md = g_build_filename (dir, "Box", NULL);
  g_autoptr(GPtrArray) msgs = tricky_messages ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TernMaildirReader) reader = NULL;
  guint flags = 0, n = 0;
  GBytes *raw;

  g_assert_true (tern_maildir_create (md, &error));
  for (guint i = 0; i < msgs->len; i++)
    g_assert_true (tern_maildir_add (md, g_ptr_array_index (msgs, i),
                                     i == 0 ? TERN_FLAG_SEEN | TERN_FLAG_FLAGGED : 0, 0, &error));
  g_assert_no_error (error);
  reader = tern_maildir_reader_new (md, &error);
  g_assert_no_error (error);
  while ((raw = tern_maildir_reader_next (reader, &flags, &error)) != NULL)
    {
      assert_bytes_equal (raw, g_ptr_array_index (msgs, n));
      g_assert_cmpuint (flags, ==, n == 0 ? TERN_FLAG_SEEN | TERN_FLAG_FLAGGED : 0);
      g_bytes_unref (raw);
      n++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, msgs->len);
  store_test_rmdir (dir);
}

/* ---- through the store ---------------------------------------------------- */

typedef struct {
  char *dir;
  TernStore *store;
  gint64 account_id;
  gint64 inbox_id;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) account = store_test_account ("Home", GPOINTER_TO_INT (data));
  g_autoptr(TernFolder) inbox = NULL;

  f->dir = g_dir_make_tmp ("tern-archive-XXXXXX", NULL);
  f->store = tern_store_open (f->dir, TERN_STORE_OPEN_WRITER, &error);
  g_assert_no_error (error);
  f->account_id = tern_store_add_account (f->store, account, &error);
  g_assert_no_error (error);
  if (account->protocol == TERN_PROTOCOL_IMAP)
    tern_store_upsert_folder (f->store, f->account_id, "INBOX", "/", TERN_FOLDER_ROLE_INBOX,
                              TRUE, &error);
  inbox = tern_store_get_folder_by_role (f->store, f->account_id, TERN_FOLDER_ROLE_INBOX, &error);
  g_assert_no_error (error);
  f->inbox_id = inbox->id;
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  store_test_rmdir (f->dir);
  g_free (f->dir);
}

static char *
write_file (Fixture *f, const char *name, GBytes *bytes)
{
  char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                      (gssize) g_bytes_get_size (bytes), &error));
  return path;
}

static GPtrArray *
numbered_messages (guint n)
{
  GPtrArray *msgs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (1700000000 + i * 60);
      g_autofree char *date = g_date_time_format (dt, "%d %b %Y %H:%M:%S +0000");
      char *text = g_strdup_printf ("From: Sender %u <s%u@example.org>\nTo: me@example.org\n"
                                    "Subject: message %u\nMessage-ID: <m%u@example.org>\n"
                                    "Date: %s\n\nBody %u\n\nFrom here on, text.\n",
                                    i, i, i, i, date, i);
      g_ptr_array_add (msgs, g_bytes_new_take (text, strlen (text)));
    }
  return msgs;
}

static void
test_store_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) msgs = numbered_messages (450);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) original = NULL;
  g_autofree char *in_path = NULL;
  g_autofree char *out_path = g_build_filename (f->dir, "export.mbox", NULL);
  g_autofree char *exported = NULL;
  gsize exported_len;
  TernArchiveResult result;

  /* The original file as Tern itself writes it: sender and date match what
   * the store keeps, so the export must give back the same bytes. */
  for (guint i = 0; i < msgs->len; i++)
    {
      g_autofree char *sender = g_strdup_printf ("s%u@example.org", i);
      tern_mbox_write_message (out, g_ptr_array_index (msgs, i), sender, 1700000000 + i * 60,
                               NULL, &error);
    }
  g_output_stream_close (out, NULL, NULL);
  original = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  in_path = write_file (f, "Inbox", original);

  g_assert_true (tern_archive_import (f->store, f->inbox_id, in_path, NULL, NULL, NULL,
                                      &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.imported, ==, 450);
  g_assert_cmpuint (result.duplicates, ==, 0);

  /* Run again (as after a cancelled import): nothing twice. */
  g_assert_true (tern_archive_import (f->store, f->inbox_id, in_path, NULL, NULL, NULL,
                                      &result, &error));
  g_assert_cmpuint (result.imported, ==, 0);
  g_assert_cmpuint (result.duplicates, ==, 450);

  g_assert_true (tern_archive_export_folder (f->store, f->inbox_id, TERN_ARCHIVE_MBOX, out_path,
                                             NULL, NULL, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.exported, ==, 450);
  g_assert_true (g_file_get_contents (out_path, &exported, &exported_len, &error));
  g_assert_cmpuint (exported_len, ==, g_bytes_get_size (original));
  g_assert_true (memcmp (exported, g_bytes_get_data (original, NULL), exported_len) == 0);
}

static void
test_import_queues_append (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) msgs = numbered_messages (3);
  g_autoptr(GBytes) mbox = write_mbox (msgs);
  g_autofree char *path = write_file (f, "three.mbox", mbox);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  TernArchiveResult result;

  g_assert_true (tern_archive_import (f->store, f->inbox_id, path, NULL, NULL, NULL, &result,
                                      &error));
  g_assert_no_error (error);
  ops = tern_store_list_ops (f->store, f->account_id, &error);
  g_assert_cmpuint (ops->len, ==, 3);
  for (guint i = 0; i < ops->len; i++)
    {
      TernPendingOp *op = g_ptr_array_index (ops, i);
      g_assert_cmpint (op->kind, ==, TERN_PENDING_APPEND);
      g_assert_cmpstr (op->folder_path, ==, "INBOX");
      g_assert_nonnull (op->data);
      g_assert_cmpint (op->local_message_id, !=, 0);
    }
}

/* A Thunderbird profile's Mail/ folder: mailbox files without extension
 * beside .msf indexes, subfolders in .sbd folders; and a Maildir; and an
 * .eml; and a file that is no mail at all. */
static void
test_import_tree_and_bad_input (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) msgs = numbered_messages (6);
  g_autofree char *profile = g_build_filename (f->dir, "Mail", "Local Folders", NULL);
  g_autofree char *sbd = g_build_filename (profile, "Lists.sbd", NULL);
  g_autofree char *maildir = g_build_filename (f->dir, "md", NULL);
  g_autofree char *eml = g_build_filename (f->dir, "one.eml", NULL);
  g_autofree char *junk = g_build_filename (f->dir, "photo.jpg", NULL);
  g_autoptr(GError) error = NULL;
  TernArchiveResult result;

  g_mkdir_with_parents (sbd, 0700);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GPtrArray) two = g_ptr_array_new ();
      g_autoptr(GBytes) mbox = NULL;
      g_autofree char *file = g_build_filename (i == 0 ? profile : sbd, "Inbox", NULL);
      g_autofree char *msf = g_strconcat (file, ".msf", NULL);

      g_ptr_array_add (two, g_ptr_array_index (msgs, 2 * i));
      g_ptr_array_add (two, g_ptr_array_index (msgs, 2 * i + 1));
      mbox = write_mbox (two);
      g_file_set_contents (file, g_bytes_get_data (mbox, NULL), (gssize) g_bytes_get_size (mbox),
                           NULL);
      g_file_set_contents (msf, "// <!-- <mdb:mork:z v=\"1.4\"/> -->", -1, NULL);
    }
  g_assert_true (tern_archive_import (f->store, f->inbox_id, profile, NULL, NULL, NULL, &result,
                                      &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.imported, ==, 4);
  g_assert_cmpuint (result.files, ==, 2);

  g_assert_true (tern_maildir_create (maildir, &error));
  g_assert_true (tern_maildir_add (maildir, g_ptr_array_index (msgs, 4), TERN_FLAG_FLAGGED, 0,
                                   &error));
  g_assert_true (tern_archive_import (f->store, f->inbox_id, maildir, NULL, NULL, NULL, &result,
                                      &error));
  g_assert_cmpuint (result.imported, ==, 1);

  g_file_set_contents (eml, g_bytes_get_data (g_ptr_array_index (msgs, 5), NULL),
                       (gssize) g_bytes_get_size (g_ptr_array_index (msgs, 5)), NULL);
  g_assert_true (tern_archive_import (f->store, f->inbox_id, eml, NULL, NULL, NULL, &result,
                                      &error));
  g_assert_cmpuint (result.imported, ==, 1);

  g_file_set_contents (junk, "\xff\xd8\xff\xe0 JFIF", 9, NULL);
  g_assert_false (tern_archive_import (f->store, f->inbox_id, junk, NULL, NULL, NULL, &result,
                                       &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_INVALID);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/archive/mbox/round-trip", test_mbox_round_trip);
  g_test_add_func ("/archive/mbox/mboxo-and-broken", test_mbox_mboxo_and_broken);
  g_test_add_func ("/archive/maildir/round-trip", test_maildir_round_trip);
  g_test_add ("/archive/store/round-trip", Fixture, GINT_TO_POINTER (TERN_PROTOCOL_POP3),
              fixture_set_up, test_store_round_trip, fixture_tear_down);
  g_test_add ("/archive/store/imap-import-queues-append", Fixture,
              GINT_TO_POINTER (TERN_PROTOCOL_IMAP), fixture_set_up, test_import_queues_append,
              fixture_tear_down);
  g_test_add ("/archive/store/tree-and-bad-input", Fixture, GINT_TO_POINTER (TERN_PROTOCOL_POP3),
              fixture_set_up, test_import_tree_and_bad_input, fixture_tear_down);
  return g_test_run ();
}
