/* Main window tests over a store built with the store API (no network):
 * the list pages from the store (first/last rows, sort change, a flag
 * update from a sync updating the row in place with the selection kept),
 * the reader (plain, HTML with a remote image that must not be fetched,
 * multipart/alternative, an attachment, a body not cached while offline),
 * actions creating pending operations, search, and screenshots of every
 * state for a person to look at. */
#include <gtk/gtk.h>

#include "core/tern-error.h"
#include "tern-conversation-prefs.h"
#include "tern-folder-sidebar.h"
#include "tern-mail-context.h"
#include "tern-test-app-util.h"
#include "tern-test-messages.h"
#include "tern-window.h"

#define BASE_TIME 1700000000

typedef struct {
  TernTestStore *ts;
  TernMailContext *context;
  GtkApplication *app;
  TernWindow *window;
} Fixture;

static void
fixture_open_window (Fixture *f)
{
  f->window = tern_test_window_open_offline (f->app, f->ts, 1200, 760, &f->context);
  g_signal_emit_by_name (f->context, "account-state-changed", f->ts->account_id,
                         (int) TERN_WORKER_IDLE);
  tern_test_ui_wait_for_draw (GTK_WIDGET (f->window));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.ternmail.Tern");

  g_settings_reset (settings, "mark-read-delay");
  g_settings_reset (settings, "reader-position");
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  f->ts = tern_test_store_new (1);
  f->app = g_object_ref ((GtkApplication *) data);
  /* These tests are about single messages (test-window-conversations has
   * the conversations an inbox lists by default). */
  tern_conversation_prefs_set (settings, f->ts->inbox_id, FALSE);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  tern_test_window_clear (&f->window, &f->context);
  g_clear_object (&f->app);
  tern_test_store_free (f->ts);
}

static TernMessageListModel *
model (Fixture *f)
{
  return tern_message_list_get_model (tern_window_get_message_list (f->window));
}

static void
activate (Fixture *f, const char *action, GVariant *parameter)
{
  g_action_group_activate_action (G_ACTION_GROUP (f->window), action, parameter);
}

/* ---- the list ---- */

static void
test_list_pages (Fixture *f, gconstpointer data)
{
  TernMessageList *list;
  const TernMessageRow *row;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) selected = NULL;
  gint64 picked;
  guint index = 500;

  tern_test_store_add_rows (f->ts, f->ts->inbox_id, 1, 1000, BASE_TIME);
  fixture_open_window (f);
  list = tern_window_get_message_list (f->window);
  g_assert_nonnull (model (f));
  g_assert_cmpint (tern_message_list_model_get_folder_id (model (f)), ==, f->ts->inbox_id);
  g_assert_cmpuint (tern_message_list_model_get_n_rows (model (f)), ==, 1000);
  /* Newest first; only the pages looked at are read. */
  row = tern_message_list_model_peek_row (model (f), 0);
  g_assert_cmpint (row->date, ==, BASE_TIME + 999);
  row = tern_message_list_model_peek_row (model (f), 999);
  g_assert_cmpint (row->date, ==, BASE_TIME);
  g_assert_cmpuint (tern_message_list_model_get_cached_pages (model (f)), <=, TERN_MESSAGE_LIST_MAX_PAGES);

  /* Sort by subject from the menu's action. */
  activate (f, "sort", g_variant_new_string ("subject"));
  activate (f, "sort-descending", NULL);
  row = tern_message_list_model_peek_row (model (f), 0);
  g_assert_cmpstr (row->subject, ==, "Message 000000 about lunch");
  activate (f, "sort", g_variant_new_string ("date"));
  activate (f, "sort-descending", NULL);
  row = tern_message_list_model_peek_row (model (f), 0);
  g_assert_cmpint (row->date, ==, BASE_TIME + 999);

  /* A sync sets \Flagged on the selected message: the row changes in
   * place and stays selected. */
  row = tern_message_list_model_peek_row (model (f), index);
  picked = row->id;
  g_assert_false (row->flags & TERN_FLAG_FLAGGED);
  g_assert_true (tern_message_list_select_id (list, picked));
  g_assert_true (tern_store_update_flags_by_uid (f->ts->writer, f->ts->inbox_id, 1 + 999 - index,
                                                 TERN_FLAG_FLAGGED | TERN_FLAG_SEEN, NULL, &error));
  g_assert_no_error (error);
  g_signal_emit_by_name (f->context, "folder-changed", f->ts->account_id, f->ts->inbox_id);
  row = tern_message_list_model_peek_row (model (f), index);
  g_assert_cmpint (row->id, ==, picked);
  g_assert_true (row->flags & TERN_FLAG_FLAGGED);
  selected = tern_message_list_get_selected_ids (list);
  g_assert_cmpuint (selected->len, ==, 1);
  g_assert_cmpint (g_array_index (selected, gint64, 0), ==, picked);

  /* New mail from a sync appears without losing the selection. */
  tern_test_store_add_rows (f->ts, f->ts->inbox_id, 5001, 3, BASE_TIME + 5000);
  g_signal_emit_by_name (f->context, "folder-changed", f->ts->account_id, f->ts->inbox_id);
  g_assert_cmpuint (tern_message_list_model_get_n_rows (model (f)), ==, 1003);
  g_clear_pointer (&selected, g_array_unref);
  selected = tern_message_list_get_selected_ids (list);
  g_assert_cmpuint (selected->len, ==, 1);
  g_assert_cmpint (g_array_index (selected, gint64, 0), ==, picked);
}

/* ---- the reader ---- */

static const char plain_msg[] =
  "From: Ada Lovelace <ada@example.org>\r\nTo: Demo User <demo@localhost>\r\n"
  "Subject: Plain hello\r\nDate: Tue, 14 Nov 2023 10:00:00 +0000\r\nMessage-ID: <plain@x>\r\n"
  "Content-Type: text/plain; charset=utf-8\r\n\r\n"
  "Hello, see https://example.org/notes for the notes.\r\n\r\n> You wrote this before.\r\n";

static const char html_fmt[] =
  "From: Shop <news@shop.example>\r\nTo: demo@localhost\r\nSubject: HTML with a tracker\r\n"
  "Date: Tue, 14 Nov 2023 11:00:00 +0000\r\nMessage-ID: <html@x>\r\nMIME-Version: 1.0\r\n"
  "Content-Type: text/html; charset=utf-8\r\n\r\n"
  "<html><body><p>Big sale</p><img src=\"http://127.0.0.1:%u/track.png\"></body></html>\r\n";

static const char alt_msg[] =
  "From: Grace <grace@example.org>\r\nTo: demo@localhost\r\nSubject: Alternative\r\n"
  "Date: Tue, 14 Nov 2023 12:00:00 +0000\r\nMessage-ID: <alt@x>\r\nMIME-Version: 1.0\r\n"
  "Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n"
  "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlain version\r\n"
  "--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p><b>HTML version</b></p>\r\n--b1--\r\n";

static const char attach_msg[] =
  "From: Alan <alan@example.org>\r\nTo: demo@localhost\r\nSubject: The report\r\n"
  "Date: Tue, 14 Nov 2023 13:00:00 +0000\r\nMessage-ID: <att@x>\r\nMIME-Version: 1.0\r\n"
  "Content-Type: multipart/mixed; boundary=\"b2\"\r\n\r\n"
  "--b2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe report is attached.\r\n"
  "--b2\r\nContent-Type: text/plain; name=\"report.txt\"\r\n"
  "Content-Disposition: attachment; filename=\"report.txt\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
  "aGVsbG8gcmVwb3J0Cg==\r\n--b2--\r\n";

typedef struct {
  Fixture *f;
  guint loads;
} HtmlWait;

static void
on_html_loaded (TernReaderView *reader, HtmlWait *w)
{
  w->loads++;
}

static gboolean
html_loaded (gpointer data)
{
  return ((HtmlWait *) data)->loads > 0;
}

static void
show (Fixture *f, gint64 id)
{
  g_assert_true (tern_message_list_select_id (tern_window_get_message_list (f->window), id));
  g_assert_cmpint (tern_window_get_shown_message (f->window), ==, id);
}

static void
test_reader (Fixture *f, gconstpointer data)
{
  TernTestHttp http = { 0 };
  g_autofree char *html = NULL;
  gint64 plain_id, html_id, alt_id, att_id, headers_id;
  TernReaderView *reader;
  HtmlWait wait = { f, 0 };
  GList *children;

  tern_test_http_start (&http);
  html = g_strdup_printf (html_fmt, http.port);
  plain_id = tern_test_store_add_raw (f->ts, f->ts->inbox_id, 1, plain_msg, 0);
  html_id = tern_test_store_add_raw (f->ts, f->ts->inbox_id, 2, html, 0);
  alt_id = tern_test_store_add_raw (f->ts, f->ts->inbox_id, 3, alt_msg, 0);
  att_id = tern_test_store_add_raw (f->ts, f->ts->inbox_id, 4, attach_msg, 0);
  tern_test_store_add_rows (f->ts, f->ts->inbox_id, 100, 1, BASE_TIME);
  headers_id = tern_store_find_by_uid (f->ts->writer, f->ts->inbox_id, 100, NULL);
  fixture_open_window (f);
  reader = tern_window_get_reader (f->window);
  g_signal_connect (reader, "html-loaded", G_CALLBACK (on_html_loaded), &wait);

  show (f, plain_id);
  g_assert_cmpstr (tern_reader_view_get_state (reader), ==, "message");
  g_assert_cmpstr (tern_reader_view_get_body_kind (reader), ==, "plain");

  show (f, html_id);
  g_assert_cmpstr (tern_reader_view_get_body_kind (reader), ==, "html");
  g_assert_true (tern_test_wait_until (html_loaded, &wait, TERN_TEST_WAIT_MS));
  g_assert_true (tern_reader_view_get_remote_content_blocked (reader));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (tern_reader_view_get_remote_bar (reader))));
  tern_test_ui_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_cmpint (g_atomic_int_get (&http.requests), ==, 0);
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "main-window-remote-blocked.png");

  wait.loads = 0;
  show (f, alt_id);
  g_assert_cmpstr (tern_reader_view_get_body_kind (reader), ==, "html");
  g_assert_true (tern_test_wait_until (html_loaded, &wait, TERN_TEST_WAIT_MS));

  show (f, att_id);
  g_assert_cmpstr (tern_reader_view_get_state (reader), ==, "message");
  children = gtk_container_get_children (tern_reader_view_get_attachments_box (reader));
  g_assert_cmpuint (g_list_length (children), >=, 1);
  g_list_free (children);
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "main-window-attachment.png");

  /* Not downloaded and no worker to fetch it: offline, said plainly. */
  show (f, headers_id);
  g_assert_cmpstr (tern_reader_view_get_state (reader), ==, "offline");
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "main-window-reader-offline.png");
  g_assert_cmpint (g_atomic_int_get (&http.requests), ==, 0);
  tern_test_http_stop (&http);
}

/* ---- actions ---- */

typedef struct {
  TernStore *store;
  gint64 account_id;
  guint want_ops;
  gint64 message_id;
  guint flag;
  gint64 folder_id;
} OpWait;

static gboolean
ops_reached (gpointer data)
{
  OpWait *w = data;
  g_autoptr(GPtrArray) ops = tern_store_list_ops (w->store, w->account_id, NULL);

  return ops != NULL && ops->len >= w->want_ops;
}

static gboolean
has_flag (gpointer data)
{
  OpWait *w = data;
  g_autoptr(TernMessageSummary) s = tern_store_get_message (w->store, w->message_id, NULL);

  return s != NULL && (s->flags & w->flag) != 0;
}

static gboolean
in_folder (gpointer data)
{
  OpWait *w = data;
  g_autoptr(TernMessageSummary) s = tern_store_get_message (w->store, w->message_id, NULL);

  return s != NULL && s->folder_id == w->folder_id;
}

typedef struct {
  TernMessageListModel *model;
  guint index;
  guint flag;
} RowWait;

static gboolean
row_has_flag (gpointer data)
{
  RowWait *w = data;
  const TernMessageRow *row = tern_message_list_model_peek_row (w->model, w->index);

  return row != NULL && (row->flags & w->flag) != 0;
}

typedef struct {
  Fixture *f;
  guint n;
} CountWait;

static gboolean
rows_are (gpointer data)
{
  CountWait *w = data;

  return tern_message_list_model_get_n_rows (model (w->f)) == w->n;
}

static void
wait_rows (Fixture *f, guint n)
{
  CountWait w = { f, n };

  g_assert_true (tern_test_wait_until (rows_are, &w, TERN_TEST_WAIT_MS));
}

static void
test_actions (Fixture *f, gconstpointer data)
{
  RowWait rw = { 0 };
  g_autoptr(GSettings) settings = g_settings_new ("io.github.ternmail.Tern");
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 a, b, c;
  OpWait w = { 0 };
  const TernMessageRow *row;
  GtkTreeIter iter;
  guint n_before;

  a = tern_test_store_add_raw (f->ts, f->ts->inbox_id, 1, plain_msg, 0);
  b = tern_test_store_add_raw (f->ts, f->ts->inbox_id, 2, alt_msg, 0);
  c = tern_test_store_add_raw (f->ts, f->ts->inbox_id, 3, attach_msg, 0);
  g_settings_set_uint (settings, "mark-read-delay", 0);
  fixture_open_window (f);
  w.store = f->ts->writer;
  w.account_id = f->ts->account_id;

  /* Opening a message marks it read after the delay: a pending op. */
  show (f, a);
  w.message_id = a;
  w.flag = TERN_FLAG_SEEN;
  g_assert_true (tern_test_wait_until (has_flag, &w, TERN_TEST_WAIT_MS));
  w.want_ops = 1;
  g_assert_true (tern_test_wait_until (ops_reached, &w, TERN_TEST_WAIT_MS));
  /* The row shows it in place. */
  g_assert_true (tern_message_list_model_get_iter_for_id (model (f), a, &iter));
  rw.model = model (f);
  rw.index = 2;
  rw.flag = TERN_FLAG_SEEN;
  g_assert_true (tern_test_wait_until (row_has_flag, &rw, TERN_TEST_WAIT_MS));
  row = tern_message_list_model_peek_row (model (f), 2);
  g_assert_cmpint (row->id, ==, a);

  /* Flag from the header bar action. */
  activate (f, "toggle-flag", NULL);
  w.flag = TERN_FLAG_FLAGGED;
  g_assert_true (tern_test_wait_until (has_flag, &w, TERN_TEST_WAIT_MS));
  w.want_ops = 2;
  g_assert_true (tern_test_wait_until (ops_reached, &w, TERN_TEST_WAIT_MS));

  /* Archive moves it (a MOVE op) and the list loses the row. */
  n_before = tern_message_list_model_get_n_rows (model (f));
  activate (f, "archive", NULL);
  w.folder_id = f->ts->archive_id;
  g_assert_true (tern_test_wait_until (in_folder, &w, TERN_TEST_WAIT_MS));
  w.want_ops = 3;
  g_assert_true (tern_test_wait_until (ops_reached, &w, TERN_TEST_WAIT_MS));
  wait_rows (f, n_before - 1);

  /* Delete goes to Trash. */
  show (f, b);
  activate (f, "delete", NULL);
  w.message_id = b;
  w.folder_id = f->ts->trash_id;
  g_assert_true (tern_test_wait_until (in_folder, &w, TERN_TEST_WAIT_MS));

  /* Drag and drop onto a folder is a move. */
  g_array_append_val (ids, c);
  g_signal_emit_by_name (tern_window_get_sidebar (f->window), "messages-dropped", f->ts->lists_id, ids);
  w.message_id = c;
  w.folder_id = f->ts->lists_id;
  g_assert_true (tern_test_wait_until (in_folder, &w, TERN_TEST_WAIT_MS));

  w.want_ops = 5;
  g_assert_true (tern_test_wait_until (ops_reached, &w, TERN_TEST_WAIT_MS));
  ops = tern_store_list_ops (f->ts->writer, f->ts->account_id, NULL);
  g_assert_cmpint (((TernPendingOp *) g_ptr_array_index (ops, 0))->kind, ==, TERN_PENDING_SET_FLAGS);
  g_assert_cmpint (((TernPendingOp *) g_ptr_array_index (ops, 2))->kind, ==, TERN_PENDING_MOVE);
  wait_rows (f, 0);
}


/* ---- delete without a Trash ---- */

static GtkMessageDialog *
find_message_dialog (void)
{
  g_autoptr(GList) windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l != NULL; l = l->next)
    if (GTK_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_message_dialog () != NULL;
}

static gboolean
message_gone (gpointer data)
{
  OpWait *w = data;
  g_autoptr(TernMessageSummary) s = tern_store_get_message (w->store, w->message_id, NULL);

  return s == NULL;
}

/* An account without Trash: delete asks first, and only "Delete for Good"
 * deletes (a DELETE op for the server). */
static void
test_delete_without_trash (Fixture *f, gconstpointer data)
{
  OpWait w = { 0 };
  g_autoptr(GPtrArray) ops = NULL;
  GtkMessageDialog *dialog;
  gint64 a;

  g_assert_true (tern_store_delete_folder (f->ts->writer, f->ts->trash_id, NULL));
  a = tern_test_store_add_raw (f->ts, f->ts->inbox_id, 1, plain_msg, 0);
  fixture_open_window (f);
  show (f, a);
  activate (f, "delete", NULL);
  g_assert_true (tern_test_wait_until (dialog_shown, NULL, TERN_TEST_WAIT_MS));
  dialog = find_message_dialog ();
  tern_test_ui_wait_for_draw (GTK_WIDGET (dialog));
  tern_test_ui_save_screenshot (GTK_WIDGET (dialog), "delete-without-trash.png");
  /* Cancel keeps the message. */
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  w.store = f->ts->writer;
  w.account_id = f->ts->account_id;
  w.message_id = a;
  g_assert_false (message_gone (&w));
  activate (f, "delete", NULL);
  g_assert_true (tern_test_wait_until (dialog_shown, NULL, TERN_TEST_WAIT_MS));
  gtk_dialog_response (GTK_DIALOG (find_message_dialog ()), GTK_RESPONSE_ACCEPT);
  g_assert_true (tern_test_wait_until (message_gone, &w, TERN_TEST_WAIT_MS));
  ops = tern_store_list_ops (f->ts->writer, f->ts->account_id, NULL);
  g_assert_cmpuint (ops->len, ==, 1);
  g_assert_cmpint (((TernPendingOp *) g_ptr_array_index (ops, 0))->kind, ==, TERN_PENDING_DELETE);
}

/* ---- search ---- */

static void
test_search (Fixture *f, gconstpointer data)
{
  tern_test_store_add_raw (f->ts, f->ts->inbox_id, 1, plain_msg, 0);
  tern_test_store_add_raw (f->ts, f->ts->inbox_id, 2, alt_msg, 0);
  tern_test_store_add_raw (f->ts, f->ts->archive_id, 3, attach_msg, 0);
  fixture_open_window (f);

  tern_test_window_search (f->window, "report");
  g_assert_cmpuint (tern_message_list_model_get_n_rows (model (f)), ==, 1);
  tern_test_window_search (f->window, "from:grace");
  g_assert_cmpuint (tern_message_list_model_get_n_rows (model (f)), ==, 1);
  tern_test_window_search (f->window, "has:attachment");
  g_assert_cmpuint (tern_message_list_model_get_n_rows (model (f)), ==, 1);
  tern_test_window_search (f->window, "\"unbalanced AND (");
  tern_test_window_search (f->window, "");
  g_assert_cmpuint (tern_message_list_model_get_n_rows (model (f)), ==, 2);
}

#if TERN_TEST_HOOKS
static gboolean
search_done (gpointer data)
{
  return tern_search_runner_is_done (data);
}

typedef struct {
  TernSearchRunner *runner;
  guint start;
} Typed;

/* A search started after @start and came to its end. */
static gboolean
searched_since (gpointer data)
{
  Typed *t = data;

  return tern_search_runner_get_generation (t->runner) > t->start &&
         tern_search_runner_is_done (t->runner);
}

/* Typing faster than the searches finish (each page held back on the
 * search thread by the test hook) ends with exactly the last query's
 * results: the older searches are cancelled or their pages dropped. */
static void
test_search_as_you_type (Fixture *f, gconstpointer data)
{
  TernSearchRunner *runner;
  GtkEntry *entry;
  guint generation, dropped;
  g_autoptr(GMainContext) older = NULL;
  Typed typed;

  tern_test_store_add_raw (f->ts, f->ts->inbox_id, 1, plain_msg, 0);
  tern_test_store_add_raw (f->ts, f->ts->inbox_id, 2, alt_msg, 0);
  tern_test_store_add_raw (f->ts, f->ts->archive_id, 3, attach_msg, 0);
  fixture_open_window (f);
  runner = tern_window_get_search_runner (f->window);
  entry = tern_test_find_widget (GTK_WIDGET (f->window), GTK_TYPE_SEARCH_ENTRY);
  g_assert_nonnull (entry);
  /* The entry's typing delay: quick changes make one search. */
  typed.runner = runner;
  typed.start = tern_search_runner_get_generation (runner);
  gtk_entry_set_text (entry, "r");
  gtk_entry_set_text (entry, "re");
  gtk_entry_set_text (entry, "rep");
  g_assert_true (tern_test_wait_until (searched_since, &typed, TERN_TEST_WAIT_MS));
  g_assert_cmpuint (tern_search_runner_get_generation (runner), ==, typed.start + 1);
  g_assert_cmpuint (tern_message_list_model_get_n_rows (model (f)), ==, 1);
  g_assert_cmpstr (tern_message_list_model_peek_row (model (f), 0)->subject, ==, "The report");

  /* Faster than the searches finish (each page held back 300 ms): each
   * new one supersedes the one before, and the list keeps what it shows
   * until the newest one's first page. */
  tern_search_runner_set_test_delay (runner, 300);
  tern_window_search (f->window, "r");
  tern_window_search (f->window, "re");
  tern_window_search (f->window, "Plain");
  tern_window_search (f->window, "from:grace");
  generation = tern_search_runner_get_generation (runner);
  g_assert_cmpuint (generation, ==, typed.start + 5);
  g_assert_false (tern_search_runner_is_done (runner));
  g_assert_cmpstr (tern_message_list_model_peek_row (model (f), 0)->subject, ==, "The report");
  g_assert_true (tern_test_wait_until (search_done, runner, TERN_TEST_WAIT_MS));
  g_assert_cmpuint (tern_search_runner_get_generation (runner), ==, generation);
  g_assert_cmpuint (tern_message_list_model_get_n_rows (model (f)), ==, 1);
  g_assert_cmpstr (tern_message_list_model_peek_row (model (f), 0)->from_name, ==, "Grace");

  /* An older search whose results were already on their way when the
   * newer one started (held in a context of their own here): they are
   * dropped, the newer results stay. */
  tern_search_runner_set_test_delay (runner, 0);
  older = g_main_context_new ();
  g_main_context_push_thread_default (older);
  tern_window_search (f->window, "from:grace");
  g_main_context_pop_thread_default (older);
  while (!g_main_context_pending (older))
    g_usleep (1000);
  dropped = tern_search_runner_get_n_dropped (runner);
  tern_test_window_search (f->window, "report");
  while (g_main_context_iteration (older, FALSE))
    ;
  g_assert_cmpuint (tern_search_runner_get_n_dropped (runner), >, dropped);
  g_assert_cmpuint (tern_message_list_model_get_n_rows (model (f)), ==, 1);
  g_assert_cmpstr (tern_message_list_model_peek_row (model (f), 0)->subject, ==, "The report");
}
#endif

/* ---- screenshots of the demo mailbox and every state ---- */

static void
add_demo_mailbox (Fixture *f)
{
  for (guint i = 0; i < 300; i++)
    {
      g_autoptr(GBytes) raw = tern_test_message_generate (i, 42);
      g_autofree char *text = g_strndup (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
      tern_test_store_add_raw (f->ts, i % 10 == 9 ? f->ts->archive_id : f->ts->inbox_id, i + 1, text,
                               (i % 3 ? TERN_FLAG_SEEN : 0) | (i % 17 == 0 ? TERN_FLAG_FLAGGED : 0));
    }
}

/* During a sync the account's sidebar row says how far the download is,
 * and says it no more once the account is up to date. */
static void
test_sidebar_progress (Fixture *f, gconstpointer data)
{
  TernFolderSidebar *sidebar;
  g_autofree char *during = NULL;
  g_autofree char *after = NULL;

  add_demo_mailbox (f);
  fixture_open_window (f);
  sidebar = tern_window_get_sidebar (f->window);
  g_signal_emit_by_name (f->context, "account-state-changed", f->ts->account_id,
                         (int) TERN_WORKER_SYNCING);
  g_signal_emit_by_name (f->context, "progress", f->ts->account_id, "INBOX", 12400u, 100000u);
  during = tern_folder_sidebar_get_account_text (sidebar, f->ts->account_id);
  g_test_message ("account row: %s", during);
  g_assert_nonnull (strstr (during, "Downloading 12"));
  g_assert_nonnull (strstr (during, "400 of 100"));
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "main-window-sidebar-progress.png");
  g_signal_emit_by_name (f->context, "account-state-changed", f->ts->account_id,
                         (int) TERN_WORKER_IDLE);
  after = tern_folder_sidebar_get_account_text (sidebar, f->ts->account_id);
  g_assert_null (strstr (after, "Downloading"));
}

static void
test_screenshots (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) auth = g_error_new_literal (TERN_ERROR, TERN_ERROR_AUTH,
                                                "Authentication failed: LOGIN rejected");
  TernMessageListModel *m;
  GtkTreeIter iter;

  add_demo_mailbox (f);
  fixture_open_window (f);
  m = model (f);
  g_assert_cmpuint (tern_message_list_model_get_n_rows (m), >, 200);
  g_assert_true (gtk_tree_model_iter_nth_child (GTK_TREE_MODEL (m), &iter, NULL, 1));
  show (f, tern_message_list_model_get_id (m, &iter));
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "main-window-demo.png");

  g_signal_emit_by_name (f->context, "progress", f->ts->account_id, "INBOX", 120u, 300u);
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "main-window-progress.png");
  g_signal_emit_by_name (f->context, "account-state-changed", f->ts->account_id, (int) TERN_WORKER_IDLE);

  g_signal_emit_by_name (f->context, "error", f->ts->account_id, auth, FALSE);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (tern_window_get_error_bar (f->window))));
  g_assert_nonnull (strstr (tern_window_get_error_text (f->window), "Incoming mail for "));
  g_assert_nonnull (strstr (tern_window_get_error_text (f->window), "password"));
  g_signal_emit_by_name (f->context, "account-state-changed", f->ts->account_id,
                         (int) TERN_WORKER_NEEDS_USER);
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "main-window-error.png");
  gtk_info_bar_response (tern_window_get_error_bar (f->window), GTK_RESPONSE_CLOSE);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (tern_window_get_error_bar (f->window))));

  tern_mail_context_set_online (f->context, FALSE);
  g_signal_emit_by_name (f->context, "account-state-changed", f->ts->account_id, (int) TERN_WORKER_OFFLINE);
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "main-window-offline.png");
  tern_mail_context_set_online (f->context, TRUE);
  g_signal_emit_by_name (f->context, "account-state-changed", f->ts->account_id, (int) TERN_WORKER_IDLE);

  tern_test_window_search (f->window, "is:unread");
  g_assert_cmpuint (tern_message_list_model_get_n_rows (model (f)), >, 0);
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "main-window-search.png");
  tern_test_window_search (f->window, "");

  activate (f, "reader-position", g_variant_new_string ("below"));
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "main-window-reader-below.png");
  activate (f, "reader-position", g_variant_new_string ("right"));

  g_assert_true (gtk_tree_model_iter_nth_child (GTK_TREE_MODEL (model (f)), &iter, NULL, 1));
  show (f, tern_message_list_model_get_id (model (f), &iter));
  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", TRUE, NULL);
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "main-window-dark.png");
  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", FALSE, NULL);
}

/* Folder names as the sidebar and the title show them: roles by their
 * translated name, other folders by their last component, decoded from
 * IMAP's modified UTF-7. */
static void
test_folder_names (void)
{
  TernFolder lists = { .path = (char *) "Lists/gtk", .delimiter = (char *) "/" };
  TernFolder drafts_de = { .path = (char *) "Projekte.Entw&APw-rfe", .delimiter = (char *) "." };
  TernFolder inbox = { .path = (char *) "INBOX", .role = TERN_FOLDER_ROLE_INBOX };
  g_autofree char *a = tern_folder_display_name (&lists);
  g_autofree char *b = tern_folder_display_name (&drafts_de);
  g_autofree char *c = tern_folder_display_name (&inbox);

  g_assert_cmpstr (a, ==, "gtk");
  g_assert_cmpstr (b, ==, "Entwürfe");
  g_assert_cmpstr (c, ==, "Inbox");
}

static void
find_named (GtkWidget *widget, gpointer data)
{
  GtkWidget **found = data;

  if (*found == NULL && g_strcmp0 (gtk_widget_get_name (widget), "password_store_warning") == 0)
    *found = widget;
  else if (*found == NULL && GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), find_named, data);
}

static GtkWidget *
password_warning (Fixture *f)
{
  GtkWidget *found = NULL;

  gtk_container_forall (GTK_CONTAINER (f->window), find_named, &found);
  return found;
}

/* TERN_PASSWORD_STORE=file is a choice the window shows, not a silent
 * switch; with the keyring there is no such bar. */
static void
test_password_store_warning (Fixture *f, gconstpointer data)
{
  GtkWidget *bar;
  g_autoptr(GList) children = NULL;
  g_autofree char *expected = NULL;

  fixture_open_window (f);
  g_assert_null (password_warning (f));
  gtk_widget_destroy (GTK_WIDGET (f->window));
  tern_mail_context_shutdown (f->context);
  g_clear_object (&f->context);

  g_setenv ("TERN_PASSWORD_STORE", "file", TRUE);
  fixture_open_window (f);
  g_unsetenv ("TERN_PASSWORD_STORE");
  bar = password_warning (f);
  g_assert_nonnull (bar);
  g_assert_true (gtk_widget_is_visible (bar));
  children = gtk_container_get_children (GTK_CONTAINER (gtk_info_bar_get_content_area (GTK_INFO_BAR (bar))));
  expected = g_build_filename (f->ts->data_dir, "passwords.ini", NULL);
  g_assert_nonnull (strstr (gtk_label_get_text (children->data), expected));
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "window-password-file-warning.png");
}

int
main (int argc, char *argv[])
{
  g_autoptr(GtkApplication) app = NULL;
  g_autoptr(GError) error = NULL;

  gtk_test_init (&argc, &argv, NULL);
  /* One registered application for all the windows of this process. */
  app = gtk_application_new ("io.github.ternmail.TernTest", G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
#define ADD(path, fn) g_test_add (path, Fixture, app, fixture_setup, fn, fixture_teardown)
  ADD ("/app/window/list-pages", test_list_pages);
  ADD ("/app/window/reader", test_reader);
  ADD ("/app/window/actions", test_actions);
  ADD ("/app/window/delete-without-trash", test_delete_without_trash);
  ADD ("/app/window/search", test_search);
#if TERN_TEST_HOOKS
  ADD ("/app/window/search-as-you-type", test_search_as_you_type);
#endif
  ADD ("/app/window/screenshots", test_screenshots);
  ADD ("/app/window/sidebar-progress", test_sidebar_progress);
  ADD ("/app/window/password-store-warning", test_password_store_warning);
#undef ADD
  g_test_add_func ("/app/window/folder-names", test_folder_names);
  return g_test_run ();
}
