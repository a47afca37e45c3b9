/* UI smoke test: the main window builds from its template, maps and draws;
 * a screenshot is written to the build tree for a person to look at. */
#include <gtk/gtk.h>

#include "tern-application.h"
#include "tern-window.h"

static void
save_screenshot (GtkWidget *widget, const char *name)
{
  GdkWindow *window = gtk_widget_get_window (widget);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "screenshots", NULL);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  pixbuf = gdk_pixbuf_get_from_window (window, 0, 0,
                                       gdk_window_get_width (window),
                                       gdk_window_get_height (window));
  g_assert_nonnull (pixbuf);
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, name, NULL);
  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);
  g_test_message ("screenshot: %s", path);
}

static void
wait_for_draw (GtkWidget *widget)
{
  gint64 end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

  while (!gtk_widget_get_mapped (widget) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  /* Let layout and the first frames happen. */
  end = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static void
test_window_shows (void)
{
  g_autoptr(TernApplication) app = tern_application_new ();
  g_autoptr(GError) error = NULL;
  TernWindow *window;

  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  window = tern_window_new (app);
  gtk_widget_show (GTK_WIDGET (window));
  wait_for_draw (GTK_WIDGET (window));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));
  save_screenshot (GTK_WIDGET (window), "main-window.png");
  gtk_widget_destroy (GTK_WIDGET (window));
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/window/shows", test_window_shows);
  return g_test_run ();
}
