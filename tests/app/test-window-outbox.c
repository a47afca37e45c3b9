/* The outbox in the main window, over a store built with the store API (no
 * network, no worker): the sidebar's count, the outbox view with a queued
 * and a refused message, Retry, Edit (back to a draft in the composer),
 * Delete after a confirmation, the failed-send error bar; screenshots of
 * them, and of the main window at scale 2. */
#include <gdk/gdkx.h>
#include <gtk/gtk.h>

#include "tern-application.h"
#include "compose/tern-drafts.h"
#include "tern-composer.h"
#include "core/tern-error.h"
#include "tern-mail-context.h"
#include "account/tern-outbox.h"
#include "tern-test-app-util.h"
#include "tern-window.h"

#define REJECTION "550 5.1.1 <nobody@localhost>: Recipient address rejected: User unknown in local recipient table"

/* One application (it registers on the bus) and one store for the
 * process; each test starts with the outbox emptied. */
typedef struct {
  TernTestStore *ts;
  TernApplication *app;
} Shared;

typedef struct {
  TernTestStore *ts;
  TernApplication *app;
  TernMailContext *context;
  TernWindow *window;
  gint64 queued_id;
  gint64 failed_id;
} Fixture;

static gint64
queue (Fixture *f, const char *to, const char *cc, const char *bcc, const char *subject,
       const char *body)
{
  g_autoptr(TernAccountSettings) account = tern_store_get_account (f->ts->writer, f->ts->account_id, NULL);
  g_autoptr(TernOutgoingMessage) msg = tern_outgoing_message_new ();
  g_autoptr(GError) error = NULL;
  gint64 id;

  tern_outgoing_message_add_to (msg, NULL, to);
  if (cc != NULL)
    tern_outgoing_message_add_cc (msg, "Carol Cc", cc);
  if (bcc != NULL)
    tern_outgoing_message_add_bcc (msg, NULL, bcc);
  msg->subject = g_strdup (subject);
  msg->body = g_strdup (body);
  id = tern_outbox_queue_message (f->ts->writer, account, msg, NULL, &error);
  g_assert_no_error (error);
  return id;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  const Shared *shared = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) old = NULL;

  f->ts = shared->ts;
  f->app = shared->app;
  old = tern_store_list_outbox (f->ts->writer, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < old->len; i++)
    g_assert_true (tern_store_remove_outbox (f->ts->writer, ((TernOutboxItem *) g_ptr_array_index (old, i))->id, NULL));
  f->queued_id = queue (f, "bob@example.org", "carol@example.org", "dave@example.org",
                        "Lunch on Friday?", "Shall we meet at noon?\n");
  f->failed_id = queue (f, "nobody@localhost", NULL, NULL, "Report for Q3", "Here it is.\n");
  g_assert_true (tern_store_record_outbox_attempt (f->ts->writer, f->failed_id, TERN_OUTBOX_FAILED,
                                                   REJECTION, 0, &error));
  g_assert_no_error (error);
  f->context = tern_mail_context_new (f->ts->data_dir, &error);
  g_assert_no_error (error);
  f->window = tern_window_new_for_context (GTK_APPLICATION (f->app), f->context);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 640);
  gtk_widget_show (GTK_WIDGET (f->window));
  g_signal_emit_by_name (f->context, "account-state-changed", f->ts->account_id, (int) TERN_WORKER_IDLE);
  tern_test_ui_wait_for_draw (GTK_WIDGET (f->window));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  GList *toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (TERN_IS_COMPOSER (l->data))
      gtk_widget_destroy (l->data);
  g_list_free (toplevels);
  gtk_widget_destroy (GTK_WIDGET (f->window));
  tern_mail_context_shutdown (f->context);
  g_clear_object (&f->context);
}

static guint
sidebar_count (Fixture *f)
{
  return tern_folder_sidebar_get_outbox_count (tern_window_get_sidebar (f->window), f->ts->account_id);
}

static TernOutboxItem *
item (Fixture *f, gint64 id)
{
  return tern_store_get_outbox (f->ts->writer, id, NULL);
}

static void
activate (Fixture *f, const char *action)
{
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (f->window), action));
  g_action_group_activate_action (G_ACTION_GROUP (f->window), action, NULL);
}

static void
show_outbox (Fixture *f)
{
  g_assert_true (tern_folder_sidebar_select_outbox (tern_window_get_sidebar (f->window), f->ts->account_id));
  g_assert_true (tern_window_is_showing_outbox (f->window));
}

/* ---- waiting ---- */

typedef struct { Fixture *f; gint64 id; TernOutboxState state; guint count; } Wait;

static gboolean
item_in_state (gpointer data)
{
  Wait *w = data;
  g_autoptr(TernOutboxItem) it = item (w->f, w->id);
  return it != NULL && it->state == w->state;
}

static gboolean
count_is (gpointer data)
{
  Wait *w = data;
  return sidebar_count (w->f) == w->count &&
         tern_outbox_view_get_n_items (tern_window_get_outbox_view (w->f->window)) == w->count;
}

static gboolean
composer_open (gpointer data)
{
  TernComposer **out = data;
  GList *toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (TERN_IS_COMPOSER (l->data))
      *out = l->data;
  g_list_free (toplevels);
  return *out != NULL;
}

static gboolean
dialog_open (gpointer data)
{
  return tern_window_get_confirm_dialog (data) != NULL;
}

/* ---- tests ---- */

static void
test_list (Fixture *f, gconstpointer data)
{
  TernOutboxView *view = tern_window_get_outbox_view (f->window);
  TernOutboxState state;
  const char *details;

  g_assert_cmpuint (sidebar_count (f), ==, 2);
  g_assert_false (tern_window_is_showing_outbox (f->window));
  show_outbox (f);
  g_assert_cmpuint (tern_outbox_view_get_n_items (view), ==, 2);
  g_assert_cmpint (tern_outbox_view_get_selected (view, &state), ==, f->queued_id);
  g_assert_cmpint (state, ==, TERN_OUTBOX_QUEUED);
  g_assert_nonnull (strstr (tern_outbox_view_get_details (view), "Outgoing mail (SMTP)"));

  g_assert_true (tern_outbox_view_select (view, f->failed_id));
  g_assert_cmpint (tern_outbox_view_get_selected (view, &state), ==, f->failed_id);
  g_assert_cmpint (state, ==, TERN_OUTBOX_FAILED);
  details = tern_outbox_view_get_details (view);
  g_assert_nonnull (strstr (details, "Outgoing mail (SMTP)"));
  g_assert_nonnull (strstr (details, "refused"));
  g_assert_nonnull (strstr (details, "Edit"));
  g_assert_nonnull (strstr (details, "User unknown"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (f->window), "outbox-edit"));
  g_assert_true (gtk_widget_is_sensitive (tern_outbox_view_get_button (view, "win.outbox-edit")));
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "main-window-outbox.png");

  /* Back to a folder: the mail page again. */
  g_assert_true (tern_window_show_folder (f->window, f->ts->inbox_id));
  g_assert_false (tern_window_is_showing_outbox (f->window));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (f->window), "outbox-edit"));
}

static void
test_error_bar (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) refused = g_error_new_literal (TERN_ERROR, TERN_ERROR_REJECTED, REJECTION);
  GtkWidget *edit;
  TernComposer *composer = NULL;
  Wait w = { f, 0, 0, 1 };

  g_signal_emit_by_name (f->context, "error", f->ts->account_id, refused, TRUE);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (tern_window_get_error_bar (f->window))));
  g_assert_nonnull (strstr (tern_window_get_error_text (f->window), "Outgoing mail for "));
  g_assert_nonnull (strstr (tern_window_get_error_text (f->window), "Edit"));
  edit = tern_error_bar_get_button (TERN_ERROR_BAR (tern_window_get_error_bar (f->window)), TERN_ERROR_OFFER_EDIT);
  g_assert_true (gtk_widget_get_visible (edit));
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "main-window-send-failed.png");

  /* Edit from the bar opens the refused message. */
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "error-edit",
                                  g_variant_new_int64 (f->ts->account_id));
  g_assert_true (tern_test_wait_until (composer_open, &composer, TERN_TEST_WAIT_MS));
  {
    g_autoptr(TernOutgoingMessage) msg = tern_composer_get_message (composer);
    g_assert_cmpstr (msg->subject, ==, "Report for Q3");
  }
  show_outbox (f);
  g_assert_true (tern_test_wait_until (count_is, &w, TERN_TEST_WAIT_MS));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (tern_window_get_error_bar (f->window))));
}

static void
test_retry (Fixture *f, gconstpointer data)
{
  Wait w = { f, 0, TERN_OUTBOX_QUEUED, 0 };
  g_autoptr(TernOutboxItem) after = NULL;

  show_outbox (f);
  g_assert_true (tern_outbox_view_select (tern_window_get_outbox_view (f->window), f->failed_id));
  activate (f, "outbox-retry");
  w.id = f->failed_id;
  g_assert_true (tern_test_wait_until (item_in_state, &w, TERN_TEST_WAIT_MS));
  after = item (f, f->failed_id);
  g_assert_cmpint (after->next_attempt, ==, 0);
  g_assert_cmpuint (sidebar_count (f), ==, 2);
}

static void
test_edit (Fixture *f, gconstpointer data)
{
  TernComposer *composer = NULL;
  Wait w = { f, 0, 0, 1 };
  g_autoptr(GError) error = NULL;
  g_autoptr(TernOutgoingMessage) msg = NULL;
  g_autoptr(TernOutboxItem) gone = NULL;
  g_autoptr(GArray) drafts = NULL;
  g_autoptr(TernFolder) folder = tern_store_get_folder_by_role (f->ts->writer, f->ts->account_id,
                                                                TERN_FOLDER_ROLE_DRAFTS, NULL);
  g_autoptr(GArray) drafts_before = tern_store_list_message_ids (f->ts->writer, folder->id,
                                                                 TERN_SORT_DATE, TRUE, NULL);

  show_outbox (f);
  g_assert_true (tern_outbox_view_select (tern_window_get_outbox_view (f->window), f->queued_id));
  activate (f, "outbox-edit");
  g_assert_true (tern_test_wait_until (composer_open, &composer, TERN_TEST_WAIT_MS));
  msg = tern_composer_get_message (composer);
  g_assert_cmpuint (msg->to->len, ==, 1);
  g_assert_cmpstr (((TernAddress *) g_ptr_array_index (msg->to, 0))->address, ==, "bob@example.org");
  g_assert_cmpuint (msg->cc->len, ==, 1);
  g_assert_cmpstr (((TernAddress *) g_ptr_array_index (msg->cc, 0))->address, ==, "carol@example.org");
  g_assert_cmpuint (msg->bcc->len, ==, 1);
  g_assert_cmpstr (((TernAddress *) g_ptr_array_index (msg->bcc, 0))->address, ==, "dave@example.org");
  g_assert_cmpstr (msg->subject, ==, "Lunch on Friday?");
  g_assert_nonnull (strstr (msg->body, "Shall we meet at noon?"));
  g_assert_cmpint (tern_composer_get_draft_id (composer), >, 0);

  /* The row is gone, the draft is there, and the count followed. */
  gone = tern_store_get_outbox (f->ts->writer, f->queued_id, &error);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND);
  g_assert_null (gone);
  drafts = tern_store_list_message_ids (f->ts->writer, folder->id, TERN_SORT_DATE, TRUE, NULL);
  g_assert_cmpuint (drafts->len, ==, drafts_before->len + 1);
  g_assert_true (tern_test_wait_until (count_is, &w, TERN_TEST_WAIT_MS));
}

static void
test_delete (Fixture *f, gconstpointer data)
{
  GtkWidget *dialog;
  Wait w = { f, 0, 0, 1 };
  g_autoptr(TernOutboxItem) still = NULL;

  show_outbox (f);
  g_assert_true (tern_outbox_view_select (tern_window_get_outbox_view (f->window), f->failed_id));
  /* Cancel keeps it. */
  activate (f, "outbox-delete");
  g_assert_true (tern_test_wait_until (dialog_open, f->window, TERN_TEST_WAIT_MS));
  gtk_dialog_response (GTK_DIALOG (tern_window_get_confirm_dialog (f->window)), GTK_RESPONSE_CANCEL);
  g_assert_null (tern_window_get_confirm_dialog (f->window));
  still = item (f, f->failed_id);
  g_assert_nonnull (still);

  activate (f, "outbox-delete");
  dialog = tern_window_get_confirm_dialog (f->window);
  g_assert_nonnull (dialog);
  tern_test_ui_save_screenshot (dialog, "main-window-outbox-delete.png");
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_assert_true (tern_test_wait_until (count_is, &w, TERN_TEST_WAIT_MS));
  g_assert_null (item (f, f->failed_id));

  /* The last one: the outbox is empty and says so. */
  g_assert_true (tern_outbox_view_select (tern_window_get_outbox_view (f->window), f->queued_id));
  activate (f, "outbox-delete");
  gtk_dialog_response (GTK_DIALOG (tern_window_get_confirm_dialog (f->window)), GTK_RESPONSE_ACCEPT);
  w.count = 0;
  g_assert_true (tern_test_wait_until (count_is, &w, TERN_TEST_WAIT_MS));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (f->window), "outbox-delete"));
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "main-window-outbox-empty.png");
}

/* A composer's send shows up in the count (the window hears outbox-changed). */
static void
test_count_follows_queue (Fixture *f, gconstpointer data)
{
  Wait w = { f, 0, 0, 3 };

  show_outbox (f);
  queue (f, "erin@example.org", NULL, NULL, "Another", "Text\n");
  tern_mail_context_outbox_changed (f->context, f->ts->account_id);
  g_assert_true (tern_test_wait_until (count_is, &w, TERN_TEST_WAIT_MS));
}

/* An item being sent cannot be taken back or deleted. */
static void
test_sending_is_kept (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_store_record_outbox_attempt (f->ts->writer, f->queued_id, TERN_OUTBOX_SENDING,
                                                   NULL, 0, &error));
  g_assert_cmpint (tern_outbox_item_to_draft (f->ts->writer, f->queued_id, &error), ==, 0);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (tern_outbox_item_discard (f->ts->writer, f->queued_id, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_nonnull (item (f, f->queued_id));

  /* And in the window, its actions are off. */
  show_outbox (f);
  g_assert_true (tern_outbox_view_select (tern_window_get_outbox_view (f->window), f->queued_id));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (f->window), "outbox-edit"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (f->window), "outbox-delete"));
}

/* Draws @widget at @scale into a PNG: at scale 2 the window is larger than
 * the Xvfb screen, so reading the screen back would cut it off. */
static void
save_scaled_screenshot (GtkWidget *widget, int scale, const char *name)
{
  int width = gtk_widget_get_allocated_width (widget);
  int height = gtk_widget_get_allocated_height (widget);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * scale, height * scale);
  cairo_t *cr = cairo_create (surface);
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "screenshots", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);

  tern_test_ui_wait_for_draw (widget);
  cairo_surface_set_device_scale (surface, scale, scale);
  gtk_widget_draw (widget, cr);
  cairo_destroy (cr);
  g_mkdir_with_parents (dir, 0755);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_test_message ("screenshot: %s", path);
}

/* The main window at scale 2 (HiDPI) and in the dark theme. */
static void
test_hidpi_dark (Fixture *f, gconstpointer data)
{
  GdkDisplay *display = gdk_display_get_default ();

  static const char *const senders[] = { "Ada Lovelace <ada@example.org>", "Chen Wei 陈伟 <chen@example.org>",
                                          "François Lefèvre <fl@example.org>" };

  for (guint i = 0; i < G_N_ELEMENTS (senders); i++)
    {
      g_autofree char *raw = g_strdup_printf ("From: %s\r\nTo: demo@localhost\r\nSubject: Notes %u for the review\r\n"
                                              "Date: Tue, 14 Nov 2023 1%u:00:00 +0000\r\nMessage-ID: <hidpi%u@example.org>\r\n"
                                              "\r\nHello from message %u.\r\n", senders[i], i + 1, i, i, i);
      tern_test_store_add_raw (f->ts, f->ts->inbox_id, 100 + i, raw, i == 0 ? 0 : TERN_FLAG_SEEN);
    }
  g_signal_emit_by_name (f->context, "folder-changed", f->ts->account_id, f->ts->inbox_id);
  show_outbox (f);
  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", TRUE, NULL);
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "main-window-outbox-dark.png");
  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", FALSE, NULL);
  g_assert_true (tern_window_show_folder (f->window, f->ts->inbox_id));
  if (GDK_IS_X11_DISPLAY (display))
    {
      gdk_x11_display_set_window_scale (display, 2);
      tern_test_ui_wait_mapped (GTK_WIDGET (f->window), 300);
      g_assert_cmpint (gtk_widget_get_scale_factor (GTK_WIDGET (f->window)), ==, 2);
      save_scaled_screenshot (GTK_WIDGET (f->window), 2, "main-window-hidpi.png");
      show_outbox (f);
      save_scaled_screenshot (GTK_WIDGET (f->window), 2, "main-window-outbox-hidpi.png");
      gdk_x11_display_set_window_scale (display, 1);
      tern_test_ui_wait_mapped (GTK_WIDGET (f->window), 100);
    }
}

int
main (int argc, char *argv[])
{
  Shared shared = { 0 };
  g_autoptr(GError) error = NULL;
  int result;

  gtk_test_init (&argc, &argv, NULL);
  shared.ts = tern_test_store_new (1);
  g_setenv ("TERN_DATA_DIR", shared.ts->data_dir, TRUE);
  shared.app = tern_application_new ();
  g_application_register (G_APPLICATION (shared.app), NULL, &error);
  g_assert_no_error (error);
#define ADD(path, fn) g_test_add (path, Fixture, &shared, fixture_setup, fn, fixture_teardown)
  /* First: a theme change after a composer was closed trips a GTK critical
   * (a widget already gone gets asked its scale); see the report. */
  ADD ("/app/window-outbox/hidpi-dark", test_hidpi_dark);
  ADD ("/app/window-outbox/list", test_list);
  ADD ("/app/window-outbox/error-bar", test_error_bar);
  ADD ("/app/window-outbox/retry", test_retry);
  ADD ("/app/window-outbox/edit", test_edit);
  ADD ("/app/window-outbox/delete", test_delete);
  ADD ("/app/window-outbox/count-follows-queue", test_count_follows_queue);
  ADD ("/app/window-outbox/sending-is-kept", test_sending_is_kept);
#undef ADD
  result = g_test_run ();
  g_clear_object (&shared.app);
  tern_test_store_free (shared.ts);
  return result;
}
