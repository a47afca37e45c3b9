/* The list's rows from the store (TernStoreMessageSource): Sent and Drafts
 * show whom a message went to, not the sender; search results name each
 * message's folder; the flags that mark replied and forwarded mail reach
 * the list. */
#include <gtk/gtk.h>

#include "core/tern-types.h"
#include "tern-store-message-source.h"
#include "tern-test-app-util.h"

#define MESSAGE(from, to, subject) \
  "From: " from "\r\nTo: " to "\r\nSubject: " subject "\r\n" \
  "Date: Tue, 3 Nov 2026 10:00:00 +0000\r\nMessage-ID: <" subject "@example.org>\r\n" \
  "Content-Type: text/plain\r\n\r\nBody of " subject "\r\n"

static TernMessageRow *
row_of (TernStoreMessageSource *source, gint64 id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = tern_message_source_get_rows (TERN_MESSAGE_SOURCE (source), &id, 1,
                                                            &error);

  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  return tern_message_row_copy (g_ptr_array_index (rows, 0));
}

static void
test_rows (void)
{
  g_autoptr(TernTestStore) ts = tern_test_store_new (143);
  g_autoptr(TernStoreMessageSource) source = tern_store_message_source_new (ts->writer);
  gint64 in = tern_test_store_add_raw (ts, ts->inbox_id, 1,
                                       MESSAGE ("Ann Lee <ann@example.org>", "me@example.org",
                                                "incoming"), TERN_FLAG_ANSWERED);
  gint64 out = tern_test_store_add_raw (ts, ts->sent_id, 1,
                                        MESSAGE ("me@example.org",
                                                 "Bob Stone <bob@example.org>, carol@example.org",
                                                 "outgoing"), TERN_FLAG_SEEN | TERN_FLAG_FORWARDED);
  g_autoptr(TernMessageRow) r1 = row_of (source, in);
  g_autoptr(TernMessageRow) r2 = row_of (source, out);
  g_autoptr(TernMessageRow) r3 = NULL;

  g_assert_cmpstr (r1->from_name, ==, "Ann Lee");
  g_assert_null (r1->folder);
  g_assert_true (r1->flags & TERN_FLAG_ANSWERED);
  g_assert_cmpstr (r2->from_name, ==, "To: Bob Stone, carol@example.org");
  g_assert_true (r2->flags & TERN_FLAG_FORWARDED);
  /* Searching: each row says where it is. */
  tern_store_message_source_set_search (source, "outgoing");
  r3 = row_of (source, out);
  g_assert_cmpstr (r3->folder, ==, "Sent");
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/store-message-source/rows", test_rows);
  return g_test_run ();
}
