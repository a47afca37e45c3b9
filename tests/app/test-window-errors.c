/* Main window errors that lead somewhere (issue 18), over a store built
 * with the store API: one line per account and direction, a failed send's
 * reason, plain words instead of database text, an empty list that does
 * not claim "empty" while its account's server failed, and screenshots of
 * the bars (normal and narrow; run with GTK_THEME=Adwaita:dark or
 * GDK_SCALE=2 for the other variants). The server-facing cases are in
 * test-window-servers. */
#include <gtk/gtk.h>

#include "core/tern-error.h"
#include "account/tern-outbox.h"
#include "tern-mail-context.h"
#include "tern-test-app-util.h"
#include "tern-window.h"

#define REJECTION "550 5.1.1 <nobody@localhost>: Recipient address rejected: User unknown in local recipient table"

typedef struct {
  TernTestStore *ts;
  gint64 home_id;
  TernMailContext *context;
  GtkApplication *app;
  TernWindow *window;
} Fixture;

/* Screenshot names carry the theme and scale they were taken with. */
static void
screenshot (Fixture *f, const char *name)
{
  tern_test_save_screenshot_variant (GTK_WIDGET (f->window), name);
}

static void
open_window (Fixture *f, int width)
{
  f->window = tern_test_window_open_offline (f->app, f->ts, width, 700, &f->context);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(TernAccountSettings) work = NULL;
  g_autoptr(TernAccountSettings) home = tern_account_settings_new ();
  g_autoptr(GError) error = NULL;

  f->ts = tern_test_store_new (1);
  f->app = g_object_ref ((GtkApplication *) data);
  work = tern_store_get_account (f->ts->writer, f->ts->account_id, &error);
  g_free (work->name);
  work->name = g_strdup ("Work");
  g_assert_true (tern_store_update_account (f->ts->writer, work, &error));
  home->name = g_strdup ("Home");
  home->email = g_strdup ("home@localhost");
  home->protocol = TERN_PROTOCOL_POP3;
  home->incoming_host = g_strdup ("127.0.0.1");
  home->incoming_port = 1;
  home->incoming_user = g_strdup ("home");
  home->smtp_host = g_strdup ("127.0.0.1");
  f->home_id = tern_store_add_account (f->ts->writer, home, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  tern_test_window_clear (&f->window, &f->context);
  g_clear_object (&f->app);
  tern_test_store_free (f->ts);
}

static TernErrorBar *
bar (Fixture *f, gint64 account_id, gboolean outgoing)
{
  return tern_error_bars_lookup (tern_window_get_error_bars (f->window), account_id, outgoing);
}

static gboolean
shown (TernErrorBar *b)
{
  return b != NULL && gtk_widget_get_visible (GTK_WIDGET (b));
}

static void
emit_error (Fixture *f, gint64 account_id, int code, const char *message, gboolean outgoing)
{
  g_autoptr(GError) error = g_error_new_literal (TERN_ERROR, code, message);

  g_signal_emit_by_name (f->context, "error", account_id, error, outgoing);
}

/* Both accounts offline: two lines, each saying whose mail; one account
 * connecting again hides only its own. */
static void
test_line_per_account (Fixture *f, gconstpointer data)
{
  TernErrorBars *bars;

  open_window (f, 1100);
  bars = tern_window_get_error_bars (f->window);
  emit_error (f, f->ts->account_id, TERN_ERROR_CONNECTION_REFUSED,
              "The incoming mail server 127.0.0.1 isn’t answering right now. It worked before, so the settings are fine.", FALSE);
  emit_error (f, f->home_id, TERN_ERROR_TIMED_OUT,
              "The server 127.0.0.1 did not answer on port 1 within 30 seconds.", FALSE);
  g_assert_cmpuint (tern_error_bars_count_shown (bars), ==, 2);
  g_assert_nonnull (strstr (tern_error_bar_get_text (bar (f, f->ts->account_id, FALSE)), "Incoming mail for Work (IMAP)"));
  g_assert_nonnull (strstr (tern_error_bar_get_text (bar (f, f->ts->account_id, FALSE)), "isn’t answering right now"));
  g_assert_nonnull (strstr (tern_error_bar_get_text (bar (f, f->home_id, FALSE)), "Incoming mail for Home (POP3)"));

  /* The other direction of one of them is a line of its own. */
  emit_error (f, f->home_id, TERN_ERROR_AUTH, "The outgoing mail server (SMTP) refused the user name or password.", TRUE);
  g_assert_cmpuint (tern_error_bars_count_shown (bars), ==, 3);
  g_assert_nonnull (strstr (tern_error_bar_get_text (bar (f, f->home_id, TRUE)), "Outgoing mail for Home (SMTP)"));
  /* A wrong password leads to a new one, for that account. */
  g_assert_true (gtk_widget_get_visible (tern_error_bar_get_button (bar (f, f->home_id, TRUE), TERN_ERROR_OFFER_PASSWORD)));
  g_assert_false (gtk_widget_get_visible (tern_error_bar_get_button (bar (f, f->home_id, FALSE), TERN_ERROR_OFFER_PASSWORD)));
  screenshot (f, "main-window-errors-per-account");

  g_signal_emit_by_name (f->context, "account-state-changed", f->ts->account_id, (int) TERN_WORKER_CONNECTING);
  g_signal_emit_by_name (f->context, "account-state-changed", f->ts->account_id, (int) TERN_WORKER_IDLE);
  g_assert_false (shown (bar (f, f->ts->account_id, FALSE)));
  g_assert_true (shown (bar (f, f->home_id, FALSE)));
  g_assert_true (shown (bar (f, f->home_id, TRUE)));

  /* Retry belongs to its line: it hides that line only. */
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "retry",
                                  g_variant_new ("(xb)", f->home_id, FALSE));
  g_assert_false (shown (bar (f, f->home_id, FALSE)));
  g_assert_true (shown (bar (f, f->home_id, TRUE)));
  /* Closing a line hides it. */
  gtk_info_bar_response (GTK_INFO_BAR (bar (f, f->home_id, TRUE)), GTK_RESPONSE_CLOSE);
  g_assert_cmpuint (tern_error_bars_count_shown (bars), ==, 0);
}

/* The same bars in a narrow window: the words wrap, the buttons stay. */
static void
test_narrow (Fixture *f, gconstpointer data)
{
  int width;

  open_window (f, 640);
  width = gtk_widget_get_allocated_width (GTK_WIDGET (f->window));
  emit_error (f, f->ts->account_id, TERN_ERROR_AUTH,
              "The incoming mail server (IMAP) refused the user name or password: [AUTHENTICATIONFAILED] Authentication failed.", FALSE);
  emit_error (f, f->home_id, TERN_ERROR_CONNECTION_REFUSED,
              "The server 127.0.0.1 refused the connection on port 1. Check the port number and that the server is running.", FALSE);
  tern_test_ui_wait_for_draw (GTK_WIDGET (f->window));
  /* The window is as narrow as it can be, and the bars do not widen it. */
  g_test_message ("window %d px wide", width);
  g_assert_cmpint (gtk_widget_get_allocated_width (GTK_WIDGET (f->window)), <=, width);
  screenshot (f, "main-window-errors-narrow");
}

/* Database and library text is for the log; the window says what happened
 * and what to do. */
static void
test_plain_words (Fixture *f, gconstpointer data)
{
  const char *text;

  open_window (f, 1100);
  emit_error (f, f->ts->account_id, TERN_ERROR_STORE,
              "PRAGMA foreign_keys = ON; INSERT INTO accounts ...: disk I/O error", FALSE);
  text = tern_error_bar_get_text (bar (f, f->ts->account_id, FALSE));
  g_test_message ("bar: %s", text);
  g_assert_null (strstr (text, "PRAGMA"));
  g_assert_null (strstr (text, "disk I/O"));
  g_assert_nonnull (strstr (text, "Incoming mail for Work"));
  g_assert_nonnull (strstr (text, "could not save mail on this computer"));

  /* Not even from outside the engine's own domain. */
  {
    g_autoptr(GError) raw = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "g_socket_connect: EBADF (sqlite3_step)");
    g_signal_emit_by_name (f->context, "error", f->home_id, raw, TRUE);
  }
  text = tern_error_bar_get_text (bar (f, f->home_id, TRUE));
  g_assert_null (strstr (text, "sqlite3"));
  g_assert_null (strstr (text, "EBADF"));
  g_assert_nonnull (strstr (text, "Outgoing mail for Home"));
}

/* A message of @subject to @to in the outbox of the Work account. */
static gint64
queue_message (Fixture *f, const char *to, const char *subject)
{
  g_autoptr(TernAccountSettings) account = tern_store_get_account (f->ts->writer, f->ts->account_id, NULL);
  g_autoptr(TernOutgoingMessage) msg = tern_outgoing_message_new ();
  g_autoptr(GError) error = NULL;
  gint64 id;

  tern_outgoing_message_add_to (msg, NULL, to);
  msg->subject = g_strdup (subject);
  msg->body = g_strdup ("Here it is.\n");
  id = tern_outbox_queue_message (f->ts->writer, account, msg, NULL, &error);
  g_assert_no_error (error);
  return id;
}

/* A message the server refused says why in the window, from the start
 * (not only a bold "Outbox 1"), and leads to Edit. */
static void
test_send_failed_reason (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  TernErrorBar *b;
  gint64 id = queue_message (f, "nobody@localhost", "Report for Q3");

  g_assert_true (tern_store_record_outbox_attempt (f->ts->writer, id, TERN_OUTBOX_FAILED, REJECTION, 0, &error));
  open_window (f, 1100);
  b = bar (f, f->ts->account_id, TRUE);
  g_assert_true (shown (b));
  g_assert_nonnull (strstr (tern_error_bar_get_text (b), "Outgoing mail for Work"));
  g_assert_nonnull (strstr (tern_error_bar_get_text (b), "Recipient address rejected"));
  g_assert_true (gtk_widget_get_visible (tern_error_bar_get_button (b, TERN_ERROR_OFFER_EDIT)));
  screenshot (f, "main-window-send-failed-reason");

  /* Removed from the outbox: the line goes. */
  g_assert_true (tern_store_remove_outbox (f->ts->writer, id, &error));
  g_signal_emit_by_name (f->context, "outbox-changed", f->ts->account_id);
  g_assert_false (shown (b));
}

/* The server refused to open the inbox: its words are on screen, and the
 * empty list does not claim the folder is empty. */
static void
test_server_words_not_empty (Fixture *f, gconstpointer data)
{
  GtkStack *stack;
  GtkLabel *placeholder;

  open_window (f, 1100);
  stack = GTK_STACK (gtk_widget_get_parent (GTK_WIDGET (tern_window_get_message_list (f->window))));
  placeholder = GTK_LABEL (gtk_stack_get_child_by_name (stack, "empty"));
  g_assert_cmpstr (gtk_label_get_text (placeholder), ==, "This folder is empty");
  emit_error (f, f->ts->account_id, TERN_ERROR_FAILED,
              "The incoming mail server (IMAP) refused opening a folder: Internal mailbox synchronization failure", FALSE);
  g_assert_nonnull (strstr (tern_window_get_error_text (f->window), "Internal mailbox synchronization failure"));
  g_assert_null (strstr (gtk_label_get_text (placeholder), "empty"));
  screenshot (f, "main-window-server-words");
  /* The worker waits on the session the server kept open: that is no
   * reason to take the server's words away. */
  g_signal_emit_by_name (f->context, "account-state-changed", f->ts->account_id, (int) TERN_WORKER_IDLE);
  g_assert_nonnull (strstr (tern_window_get_error_text (f->window), "Internal mailbox synchronization failure"));
  g_assert_true (shown (bar (f, f->ts->account_id, FALSE)));
  g_assert_null (strstr (gtk_label_get_text (placeholder), "empty"));
  /* A new sync that went through is. */
  g_signal_emit_by_name (f->context, "account-state-changed", f->ts->account_id, (int) TERN_WORKER_SYNCING);
  g_signal_emit_by_name (f->context, "account-state-changed", f->ts->account_id, (int) TERN_WORKER_IDLE);
  g_assert_false (shown (bar (f, f->ts->account_id, FALSE)));
  g_assert_cmpstr (gtk_label_get_text (placeholder), ==, "This folder is empty");
}

/* The server speaks to the user while sync goes on (an ALERT, Dovecot's
 * untagged NO on SELECT): its words in plain sentences on the account's
 * incoming line, not an error with Retry; they stay while the account
 * syncs on, and do not push aside an error shown there. */
static void
test_server_said (Fixture *f, gconstpointer data)
{
  GtkStack *stack;
  GtkLabel *placeholder;
  TernErrorBar *b;

  open_window (f, 1100);
  stack = GTK_STACK (gtk_widget_get_parent (GTK_WIDGET (tern_window_get_message_list (f->window))));
  placeholder = GTK_LABEL (gtk_stack_get_child_by_name (stack, "empty"));
  g_signal_emit_by_name (f->context, "server-said", f->ts->account_id,
                         "Internal mailbox synchronization failure");
  b = bar (f, f->ts->account_id, FALSE);
  g_assert_true (shown (b));
  g_test_message ("bar: %s", tern_error_bar_get_text (b));
  g_assert_nonnull (strstr (tern_error_bar_get_text (b), "Incoming mail for Work (IMAP)"));
  g_assert_nonnull (strstr (tern_error_bar_get_text (b),
                            "The server Work says: “Internal mailbox synchronization failure”"));
  g_assert_nonnull (strstr (tern_error_bar_get_text (b), "Tern goes on syncing"));
  g_assert_cmpint (tern_error_bar_get_offer (b), ==, 0);
  g_assert_cmpstr (gtk_label_get_text (placeholder), ==,
                   "This folder is empty here.\nThe server’s message above may say why.");
  screenshot (f, "main-window-server-said");

  /* Sync goes on and finishes: the words stay until closed. */
  g_signal_emit_by_name (f->context, "account-state-changed", f->ts->account_id, (int) TERN_WORKER_SYNCING);
  g_signal_emit_by_name (f->context, "account-state-changed", f->ts->account_id, (int) TERN_WORKER_IDLE);
  g_assert_true (shown (b));
  /* Another ALERT replaces the first. */
  g_signal_emit_by_name (f->context, "server-said", f->ts->account_id, "System shutdown in 10 minutes");
  g_assert_nonnull (strstr (tern_error_bar_get_text (b), "System shutdown in 10 minutes"));

  /* An error is what to act on: later words do not hide it. */
  emit_error (f, f->ts->account_id, TERN_ERROR_AUTH,
              "The incoming mail server (IMAP) refused the user name or password.", FALSE);
  g_signal_emit_by_name (f->context, "server-said", f->ts->account_id, "Quota exceeded");
  g_assert_null (strstr (tern_error_bar_get_text (b), "Quota exceeded"));
  g_assert_true (gtk_widget_get_visible (tern_error_bar_get_button (b, TERN_ERROR_OFFER_PASSWORD)));
  /* Only the one account's line. */
  g_assert_null (bar (f, f->home_id, FALSE));
}

/* An outgoing server that sent mail before and now does not answer: the
 * outgoing line says so in the same words as incoming, and that the
 * message waits and Tern tries again; the outbox's "could not be sent
 * yet" that follows does not replace those words. Sent after all: gone. */
static void
test_outgoing_not_answering (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *said = "The outgoing mail server 127.0.0.1 isn’t answering right now. It worked before, so the settings are fine.";
  TernErrorBar *b;
  gint64 id = queue_message (f, "someone@localhost", "Minutes");

  open_window (f, 1100);
  g_assert_true (tern_store_record_outbox_attempt (f->ts->writer, id, TERN_OUTBOX_QUEUED,
                                                   "The server 127.0.0.1 did not answer on port 465 within 30 seconds.",
                                                   G_MAXINT64, &error));
  g_assert_no_error (error);
  emit_error (f, f->ts->account_id, TERN_ERROR_TIMED_OUT, said, TRUE);
  g_signal_emit_by_name (f->context, "outbox-changed", f->ts->account_id);
  b = bar (f, f->ts->account_id, TRUE);
  g_assert_true (shown (b));
  g_test_message ("bar: %s", tern_error_bar_get_text (b));
  g_assert_nonnull (strstr (tern_error_bar_get_text (b), "Outgoing mail for Work (SMTP)"));
  g_assert_nonnull (strstr (tern_error_bar_get_text (b), "isn’t answering right now"));
  g_assert_nonnull (strstr (tern_error_bar_get_text (b), "Tern tries again by itself"));
  g_assert_null (strstr (tern_error_bar_get_text (b), "port"));
  screenshot (f, "main-window-outgoing-not-answering");

  /* It went out at the next try: the outbox is empty, the line goes. */
  g_assert_true (tern_store_remove_outbox (f->ts->writer, id, &error));
  g_signal_emit_by_name (f->context, "outbox-changed", f->ts->account_id);
  g_assert_false (shown (b));
}

int
main (int argc, char *argv[])
{
  g_autoptr(GtkApplication) app = NULL;
  g_autoptr(GError) error = NULL;

  gtk_test_init (&argc, &argv, NULL);
  app = gtk_application_new ("io.github.ternmail.TernErrorsTest", G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
#define ADD(path, fn) g_test_add (path, Fixture, app, fixture_setup, fn, fixture_teardown)
  ADD ("/app/window-errors/line-per-account", test_line_per_account);
  ADD ("/app/window-errors/narrow", test_narrow);
  ADD ("/app/window-errors/plain-words", test_plain_words);
  ADD ("/app/window-errors/send-failed-reason", test_send_failed_reason);
  ADD ("/app/window-errors/server-words-not-empty", test_server_words_not_empty);
  ADD ("/app/window-errors/server-said", test_server_said);
  ADD ("/app/window-errors/outgoing-not-answering", test_outgoing_not_answering);
  return g_test_run ();
}
