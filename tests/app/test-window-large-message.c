/* A message over 100 MB in the main window, against real Dovecot (issue
 * 12): the list shows it (headers only), opening it shows the reader's
 * "too large" page with its size, and Download writes it to a file through
 * the account's tern-sync helper, with progress, byte for byte; Cancel stops
 * a second download and leaves no file. The window's own peak memory does
 * not grow with the message (the helper streams it in pieces; its memory is
 * measured in tests/engine/test-imap-download.c). Screenshots: ready,
 * downloading, done. */
#include <fcntl.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "account/tern-secrets.h"
#include "tern-large-message-view.h"
#include "tern-mail-context.h"
#include "tern-test-app-util.h"
#include "tern-test-messages.h"
#include "tern-test-servers.h"
#include "tern-conversation-prefs.h"
#include "tern-window.h"

#define PASSWORD "large-pw"
#define BIG_MID "big-window@example.org"
#define BIG_BYTES ((guint64) 101 * 1024 * 1024)

typedef struct {
  TernTestServers *servers;
  TernTestStore *ts;
  TernMailContext *context;
  TernWindow *window;
  guint64 size;
  char *sha256;
} Fixture;

static void
find_widget (GtkWidget *widget, gpointer data)
{
  gpointer *out = data;

  if (*out != NULL)
    return;
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (out[1])))
    *out = widget;
  else if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), find_widget, data);
}

/* The first descendant of @root of @type, or NULL. */
static gpointer
find (GtkWidget *root, GType type)
{
  gpointer out[2] = { NULL, GSIZE_TO_POINTER (type) };

  gtk_container_forall (GTK_CONTAINER (root), find_widget, out);
  return out[0];
}

static gboolean
inbox_listed (gpointer data)
{
  Fixture *f = data;
  TernMessageListModel *m = tern_message_list_get_model (tern_window_get_message_list (f->window));

  return m != NULL && tern_message_list_model_get_n_rows (m) == 3;
}

static void
start (Fixture *f, GtkApplication *app)
{
  g_autoptr(GError) error = NULL;
  TernTestServersOptions opts = { .no_smtp = TRUE };

  f->servers = tern_test_servers_start (&opts, &error);
  g_assert_no_error (error);
  g_assert_true (tern_test_servers_add_user (f->servers, "demo", PASSWORD, &error));
  g_assert_true (tern_test_messages_seed (f->servers, "demo", "INBOX", 0, 2, 7, &error));
  g_assert_true (tern_test_servers_seed_large (f->servers, "demo", "INBOX", BIG_BYTES, BIG_MID,
                                               &f->size, &f->sha256, &error));
  g_assert_no_error (error);
  g_setenv ("TERN_EXTRA_CA_FILE", tern_test_servers_ca_file (f->servers), TRUE);
  g_setenv ("TERN_PASSWORD_STORE", "file", TRUE);
  f->ts = tern_test_store_new (tern_test_servers_port (f->servers, TERN_TEST_IMAPS));
  tern_test_store_set_server (f->ts, tern_test_servers_host (f->servers), NULL, PASSWORD);
  tern_test_store_list_inbox_flat (f->ts);
  f->context = tern_test_mail_context_start (f->ts);
  f->window = tern_test_window_show (app, f->context, 1100, 640);
}

static void
stop (Fixture *f)
{
  tern_test_window_close (f->window, g_steal_pointer (&f->context));
  tern_test_store_free (f->ts);
  tern_test_servers_free (f->servers);
  g_free (f->sha256);
}

static const char *
shot (const char *base)
{
  const char *theme = g_getenv ("GTK_THEME");
  gboolean dark = theme != NULL && strstr (theme, "dark") != NULL;

  return g_intern_string (g_strdup_printf ("%s%s.png", base, dark ? "-dark" : ""));
}

static void
test_download_large (gconstpointer data)
{
  Fixture fx = { 0 }, *f = &fx;
  g_autoptr(GArray) ids = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tern-large-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "big.eml", NULL);
  g_autofree char *cancelled = g_build_filename (dir, "cancelled.eml", NULL);
  g_autofree char *part = g_strconcat (cancelled, ".part", NULL);
  g_autofree char *sha = NULL;
  g_autoptr(GFile) dest = g_file_new_for_path (path);
  g_autoptr(GFile) dest2 = g_file_new_for_path (cancelled);
  TernLargeMessageView *view;
  GtkProgressBar *bar;
  guint64 before, got = 0;
  gint64 big;

  start (f, (GtkApplication *) data);
  g_assert_true (tern_test_wait_until (inbox_listed, f, 60000));
  ids = tern_store_find_by_message_id (f->ts->writer, f->ts->account_id, BIG_MID, NULL);
  g_assert_cmpuint (ids->len, ==, 1);
  big = g_array_index (ids, gint64, 0);

  /* Opening it: the reader's page says it is too large, and how large. */
  g_assert_true (tern_message_list_select_id (tern_window_get_message_list (f->window), big));
  TERN_TEST_WAIT_UNTIL (g_strcmp0 (tern_reader_view_get_state (tern_window_get_reader (f->window)),
                                   "page") == 0, TERN_TEST_WAIT_MS);
  g_assert_cmpstr (tern_reader_view_get_state (tern_window_get_reader (f->window)), ==, "page");
  view = find (GTK_WIDGET (tern_window_get_reader (f->window)), TERN_TYPE_LARGE_MESSAGE_VIEW);
  g_assert_nonnull (view);
  g_assert_cmpint (tern_large_message_view_get_message (view), ==, big);
  g_assert_cmpstr (tern_large_message_view_get_state (view), ==, "ready");
  g_assert_true (gtk_widget_get_mapped (tern_large_message_view_get_button (view, "download")));
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), shot ("large-message-ready"));

  /* Download: progress, then the file, byte for byte. */
  before = tern_test_peak_memory_kib ();
  tern_large_message_view_download_to (view, dest);
  bar = find (GTK_WIDGET (view), GTK_TYPE_PROGRESS_BAR);
  g_assert_true (gtk_widget_get_mapped (tern_large_message_view_get_button (view, "cancel")));
  TERN_TEST_WAIT_UNTIL (gtk_progress_bar_get_fraction (bar) > 0.2 ||
                        g_strcmp0 (tern_large_message_view_get_state (view), "downloading") != 0, 60000);
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), shot ("large-message-downloading"));
  TERN_TEST_WAIT_UNTIL (g_strcmp0 (tern_large_message_view_get_state (view), "downloading") != 0, 120000);
  g_assert_cmpstr (tern_large_message_view_get_state (view), ==, "done");
  g_assert_nonnull (strstr (tern_large_message_view_get_status (view), path));
  g_assert_true (gtk_widget_get_mapped (tern_large_message_view_get_button (view, "open")));
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), shot ("large-message-done"));
  sha = tern_test_file_sha256 (path, &got);
  g_assert_cmpuint (got, ==, f->size);
  g_assert_cmpstr (sha, ==, f->sha256);
  /* The window's process never held the message (101 MB): it grows by
   * far less, whatever ASan and screenshots add (33 MB once, in parallel). */
  g_assert_cmpuint (tern_test_peak_memory_kib () - before, <, 64 * 1024);

  /* Cancel after the first piece: no file, no part file. */
  tern_large_message_view_download_to (view, dest2);
  TERN_TEST_WAIT_UNTIL (gtk_progress_bar_get_fraction (bar) > 0, 60000);
  gtk_button_clicked (GTK_BUTTON (tern_large_message_view_get_button (view, "cancel")));
  TERN_TEST_WAIT_UNTIL (g_strcmp0 (tern_large_message_view_get_state (view), "downloading") != 0, 60000);
  g_assert_cmpstr (tern_large_message_view_get_state (view), ==, "failed");
  g_assert_nonnull (strstr (tern_large_message_view_get_status (view), "cancelled"));
  g_assert_false (g_file_test (cancelled, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));

  g_unlink (path);
  g_rmdir (dir);
  stop (f);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GtkApplication) app = NULL;
  g_autoptr(GError) error = NULL;

  gtk_test_init (&argc, &argv, NULL);
  app = gtk_application_new ("io.github.ternmail.TernLargeMessageTest", G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_test_add_data_func ("/app/window/large-message-download", app, test_download_large);
  return g_test_run ();
}
