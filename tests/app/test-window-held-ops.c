/* Queued changes held back after a renumbering, in the main window (issue
 * 12): the window says "1 change could not be sent to the server" with the
 * reason, the Discard button drops it on the writer thread, nothing is lost
 * (the messages stay where they are), and the line goes. A change that is
 * not held gets no line. What a held change is and what discarding does
 * against a real server is in tests/engine/test-imap-sync.c
 * (/imap-sync/discard-held). */
#include <gtk/gtk.h>

#include "account/tern-mail-actions.h"
#include "tern-mail-context.h"
#include "tern-test-app-util.h"
#include "tern-window.h"

#define REASON "This change was not sent: the server renumbered the folder “INBOX”."

static const char message[] =
  "From: Ada <ada@example.org>\r\nTo: demo@localhost\r\nSubject: Held\r\n"
  "Message-ID: <held@example.org>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\nBody\r\n";

static gint64
enqueue (TernTestStore *ts, gint64 message_id, gboolean held)
{
  g_autoptr(GError) error = NULL;
  TernPendingOp op = { 0 };
  g_autoptr(GPtrArray) ops = NULL;
  TernPendingOp *saved;

  op.account_id = ts->account_id;
  op.kind = TERN_PENDING_SET_FLAGS;
  op.folder_path = (char *) "INBOX";
  op.uids = (char *) "1";
  op.flags = TERN_FLAG_FLAGGED;
  op.local_message_id = message_id;
  op.id = tern_store_enqueue_op (ts->writer, &op, &error);
  g_assert_no_error (error);
  if (!held)
    return op.id;
  ops = tern_store_list_ops (ts->writer, ts->account_id, &error);
  saved = g_ptr_array_index (ops, ops->len - 1);
  saved->held = TRUE;
  saved->attempts = 1;
  saved->last_error = g_strdup (REASON);
  g_assert_true (tern_store_update_op (ts->writer, saved, &error));
  return op.id;
}

static guint
n_ops (TernTestStore *ts)
{
  g_autoptr(GPtrArray) ops = tern_store_list_ops (ts->writer, ts->account_id, NULL);

  return ops->len;
}

static void
test_held_line_and_discard (gconstpointer data)
{
  g_autoptr(TernTestStore) ts = tern_test_store_new (1);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernMailContext) context = NULL;
  g_autofree char *text = NULL;
  TernWindow *window;
  TernHeldOpsBar *bar;
  GtkWidget *button;
  gint64 id = tern_test_store_add_raw (ts, ts->inbox_id, 1, message, 0);
  gint64 held_id = enqueue (ts, id, TRUE);

  context = tern_mail_context_new (ts->data_dir, &error);
  g_assert_no_error (error);
  window = tern_window_new_for_context ((GtkApplication *) data, context);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 600);
  gtk_widget_show (GTK_WIDGET (window));
  tern_test_ui_wait_for_draw (GTK_WIDGET (window));

  bar = tern_window_get_held_ops_bar (window);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (bar)));
  text = tern_held_ops_bar_get_text (bar);
  g_assert_nonnull (strstr (text, "Demo — 1 change could not be sent to the server:"));
  g_assert_nonnull (strstr (text, REASON));
  g_assert_nonnull (strstr (text, "the messages stay where the server has them"));
  {
    const char *theme = g_getenv ("GTK_THEME");
    gboolean dark = theme != NULL && strstr (theme, "dark") != NULL;
    tern_test_ui_save_screenshot (GTK_WIDGET (window), dark ? "held-op-line-dark.png" : "held-op-line.png");
  }

  /* A second change, not held: still one line, still about one change. */
  enqueue (ts, id, FALSE);
  tern_held_ops_bar_refresh (bar);
  g_clear_pointer (&text, g_free);
  text = tern_held_ops_bar_get_text (bar);
  g_assert_nonnull (strstr (text, "1 change could not be sent"));

  /* Discard: on the writer thread; the held change goes, the other stays,
   * and the message is untouched. */
  button = tern_held_ops_bar_get_discard_button (bar, ts->account_id);
  g_assert_nonnull (button);
  gtk_button_clicked (GTK_BUTTON (button));
  TERN_TEST_WAIT_UNTIL (!gtk_widget_get_visible (GTK_WIDGET (bar)), TERN_TEST_WAIT_MS);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (bar)));
  g_assert_cmpuint (n_ops (ts), ==, 1);
  {
    g_autoptr(GPtrArray) ops = tern_store_list_ops (ts->writer, ts->account_id, NULL);
    g_assert_cmpint (((TernPendingOp *) g_ptr_array_index (ops, 0))->id, !=, held_id);
    g_autoptr(TernMessageSummary) m = tern_store_get_message (ts->writer, id, NULL);
    g_assert_nonnull (m);
    g_assert_cmpint (m->folder_id, ==, ts->inbox_id);
  }
  gtk_widget_destroy (GTK_WIDGET (window));
  tern_mail_context_shutdown (context);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GtkApplication) app = NULL;
  g_autoptr(GError) error = NULL;

  gtk_test_init (&argc, &argv, NULL);
  app = gtk_application_new ("io.github.ternmail.TernHeldOpsTest", G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_test_add_data_func ("/app/window/held-ops", app, test_held_line_and_discard);
  return g_test_run ();
}
