/* The main window, the account wizard and the composer in a narrow window
 * (640 px wide): the main window no longer asks for more (the panes
 * shrink, the header bar's less used buttons leave, names ellipsize), and
 * each keeps its content inside. Screenshots of all three; run with
 * GTK_THEME=Adwaita:dark or GDK_SCALE=2 for the other variants (the file
 * names say which). */
#include <gtk/gtk.h>

#include "tern-account-wizard.h"
#include "tern-composer.h"
#include "tern-mail-context.h"
#include "tern-test-app-util.h"
#include "tern-window.h"

#define BASE_TIME 1700000000
#define NARROW 640

typedef struct {
  TernTestStore *ts;
  TernMailContext *context;
  GtkApplication *app;
  TernWindow *window;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->ts = tern_test_store_new (1);
  f->app = g_object_ref ((GtkApplication *) data);
  tern_test_store_add_rows (f->ts, f->ts->inbox_id, 1, 30, BASE_TIME);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  tern_test_window_clear (&f->window, &f->context);
  g_clear_object (&f->app);
  tern_test_store_free (f->ts);
}

static void
open_window (Fixture *f, int width, int height)
{
  f->window = tern_test_window_open_offline (f->app, f->ts, width, height, &f->context);
}

/* Logs the minimum width of @w's children, to find what holds it wide. */
static void
log_widths (GtkWidget *w, int depth)
{
  int min = 0, nat = 0;

  gtk_widget_get_preferred_width (w, &min, &nat);
  if (min >= 80 || depth == 0)
    g_test_message ("%*s%s%s%s: min %d nat %d, allocated %d", depth * 2, "",
                    G_OBJECT_TYPE_NAME (w), gtk_buildable_get_name (GTK_BUILDABLE (w)) ? " " : "",
                    gtk_buildable_get_name (GTK_BUILDABLE (w)) ? gtk_buildable_get_name (GTK_BUILDABLE (w)) : "",
                    min, nat, gtk_widget_get_allocated_width (w));
  if (GTK_IS_CONTAINER (w) && depth < 6 && min >= 80)
    {
      g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (w));
      for (GList *l = children; l != NULL; l = l->next)
        if (gtk_widget_get_visible (l->data))
          log_widths (l->data, depth + 1);
    }
}

static void
find_action_button (GtkWidget *w, gpointer data)
{
  gpointer *found = data;

  if (GTK_IS_ACTIONABLE (w) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (w)), found[0]) == 0)
    found[1] = w;
  else if (GTK_IS_CONTAINER (w))
    gtk_container_forall (GTK_CONTAINER (w), find_action_button, data);
}

/* Whether the header bar's button for @action is on screen. */
static gboolean
button_shown (Fixture *f, const char *action)
{
  gpointer found[2] = { (gpointer) action, NULL };

  find_action_button (gtk_window_get_titlebar (GTK_WINDOW (f->window)), found);
  g_assert_nonnull (found[1]);
  return gtk_widget_get_mapped (found[1]);
}

static void
test_main_window (Fixture *f, gconstpointer data)
{
  GtkWidget *titlebar;
  int min = 0, nat = 0;

  open_window (f, NARROW, 600);
  g_assert_true (tern_window_show_folder (f->window, f->ts->inbox_id));
  gtk_window_resize (GTK_WINDOW (f->window), NARROW, 600);
  tern_test_ui_wait_for_draw (GTK_WIDGET (f->window));
  titlebar = gtk_window_get_titlebar (GTK_WINDOW (f->window));
  log_widths (titlebar, 0);
  log_widths (gtk_bin_get_child (GTK_BIN (f->window)), 0);
  gtk_widget_get_preferred_width (GTK_WIDGET (f->window), &min, &nat);
  g_test_message ("window: min %d nat %d, allocated %d", min, nat,
                  gtk_widget_get_allocated_width (GTK_WIDGET (f->window)));
  /* A message in the reader: its text wraps in the narrow pane. */
  {
    GtkTreeView *list = tern_message_list_get_tree_view (tern_window_get_message_list (f->window));
    g_autoptr(GtkTreePath) first = gtk_tree_path_new_first ();

    gtk_tree_view_set_cursor (list, first, NULL, FALSE);
    tern_test_run_for (1500);
  }
  tern_test_ui_wait_for_draw (GTK_WIDGET (f->window));
  tern_test_save_screenshot_variant (GTK_WIDGET (f->window), "narrow-main-window");
  g_assert_cmpint (min, <=, NARROW);
  g_assert_cmpint (gtk_widget_get_allocated_width (GTK_WIDGET (f->window)), <=, NARROW + 10);
  /* Narrow: what has a shortcut and a menu item makes room; the rest stays. */
  g_assert_false (button_shown (f, "win.archive"));
  g_assert_false (button_shown (f, "win.sync"));
  g_assert_true (button_shown (f, "win.delete"));
  g_assert_true (button_shown (f, "win.compose"));
  g_assert_true (button_shown (f, "win.reply"));
  /* Wide again: every button is back. */
  gtk_window_resize (GTK_WINDOW (f->window), 1100, 600);
  tern_test_run_for (300);
  tern_test_ui_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_true (button_shown (f, "win.archive"));
  g_assert_true (button_shown (f, "win.sync"));
  g_assert_true (button_shown (f, "win.toggle-flag"));
  g_assert_true (button_shown (f, "win.toggle-read"));
}

static void
test_wizard (Fixture *f, gconstpointer data)
{
  g_autoptr(TernStoreExecutor) executor = tern_store_executor_new (f->ts->data_dir);
  TernAccountWizard *wizard;
  int min = 0, nat = 0;

  open_window (f, NARROW, 600);
  wizard = tern_account_wizard_new (GTK_WINDOW (f->window), executor);
  gtk_widget_show (GTK_WIDGET (wizard));
  tern_test_ui_wait_for_draw (GTK_WIDGET (wizard));
  gtk_widget_get_preferred_width (GTK_WIDGET (wizard), &min, &nat);
  g_test_message ("wizard: min %d nat %d, allocated %d", min, nat,
                  gtk_widget_get_allocated_width (GTK_WIDGET (wizard)));
  log_widths (GTK_WIDGET (wizard), 0);
  tern_test_save_screenshot_variant (GTK_WIDGET (wizard), "narrow-wizard");
  g_assert_cmpint (min, <=, NARROW);
  gtk_widget_destroy (GTK_WIDGET (wizard));
  tern_store_executor_shutdown (executor);
}

static void
test_composer (Fixture *f, gconstpointer data)
{
  g_autoptr(TernStoreExecutor) executor = tern_store_executor_new (f->ts->data_dir);
  TernComposer *composer = tern_composer_new (NULL, f->ts->writer, executor);
  int min = 0, nat = 0;

  gtk_window_set_default_size (GTK_WINDOW (composer), NARROW, 600);
  gtk_widget_show (GTK_WIDGET (composer));
  tern_test_ui_wait_for_draw (GTK_WIDGET (composer));
  gtk_widget_get_preferred_width (GTK_WIDGET (composer), &min, &nat);
  g_test_message ("composer: min %d nat %d, allocated %d", min, nat,
                  gtk_widget_get_allocated_width (GTK_WIDGET (composer)));
  log_widths (gtk_window_get_titlebar (GTK_WINDOW (composer)), 0);
  log_widths (gtk_bin_get_child (GTK_BIN (composer)), 0);
  tern_test_save_screenshot_variant (GTK_WIDGET (composer), "narrow-composer");
  g_assert_cmpint (min, <=, NARROW);
  gtk_widget_destroy (GTK_WIDGET (composer));
  tern_store_executor_shutdown (executor);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GtkApplication) app = NULL;
  g_autoptr(GError) error = NULL;

  gtk_test_init (&argc, &argv, NULL);
  app = gtk_application_new ("io.github.ternmail.TernNarrowTest", G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
#define ADD(path, fn) g_test_add (path, Fixture, app, fixture_setup, fn, fixture_teardown)
  ADD ("/app/window-narrow/main-window", test_main_window);
  ADD ("/app/window-narrow/wizard", test_wizard);
  ADD ("/app/window-narrow/composer", test_composer);
  return g_test_run ();
}
