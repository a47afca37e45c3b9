/* UI smoke test: the main window builds from its template, maps and draws;
 * a screenshot is written to the build tree for a person to look at. */
#include <gtk/gtk.h>

#include "tern-test-ui.h"

#include "tern-application.h"
#include "tern-window.h"

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
  tern_test_ui_wait_mapped (GTK_WIDGET (window), 500);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));
  tern_test_ui_save_screenshot (GTK_WIDGET (window), "main-window.png");
  gtk_widget_destroy (GTK_WIDGET (window));
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/window/shows", test_window_shows);
  return g_test_run ();
}
