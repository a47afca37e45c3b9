/* tern-test-ui.c: screenshots and main-loop waits for the GTK tests. */
#include "tern-test-ui.h"

static gboolean
on_drawn (GtkWidget *widget, cairo_t *cr, gpointer data)
{
  *(gboolean *) data = TRUE;
  return FALSE;
}

/* Pending events are not enough: the frame clock paints on its own timer,
 * so a change made just before would not be on screen yet. Ask for a frame
 * and wait until it was drawn. */
static void
wait_for_frame (GtkWidget *widget)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (widget);
  gboolean drawn = FALSE;
  gulong id = g_signal_connect_after (toplevel, "draw", G_CALLBACK (on_drawn), &drawn);
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  gtk_widget_queue_draw (toplevel);
  while (!drawn && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (toplevel, id);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  gdk_display_sync (gtk_widget_get_display (widget));
}

void
tern_test_ui_save_screenshot (GtkWidget *widget, const char *name)
{
  GdkWindow *window = gtk_widget_get_window (widget);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "screenshots", NULL);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  tern_test_ui_wait_for_draw (widget);
  wait_for_frame (widget);
  pixbuf = gdk_pixbuf_get_from_window (window, 0, 0, gdk_window_get_width (window),
                                       gdk_window_get_height (window));
  g_assert_nonnull (pixbuf);
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, name, NULL);
  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);
  g_test_message ("screenshot: %s", path);
}

void
tern_test_ui_wait_mapped (GtkWidget *widget, guint settle_ms)
{
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (!gtk_widget_get_mapped (widget) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  end = g_get_monotonic_time () + (gint64) settle_ms * 1000;
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

void
tern_test_ui_wait_for_draw (GtkWidget *widget)
{
  tern_test_ui_wait_mapped (widget, 0);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}
