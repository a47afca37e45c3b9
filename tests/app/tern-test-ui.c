/* tern-test-ui.c: screenshots and main-loop waits for the GTK tests. */
#include "tern-test-loop.h"
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

  gtk_widget_queue_draw (toplevel);
  TERN_TEST_WAIT_UNTIL (drawn, 5000);
  g_signal_handler_disconnect (toplevel, id);
  tern_test_drain (1000);
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
  TERN_TEST_WAIT_UNTIL (gtk_widget_get_mapped (widget), 5000);
  if (settle_ms > 0)
    tern_test_run_for (settle_ms);
}

void
tern_test_ui_wait_for_draw (GtkWidget *widget)
{
  tern_test_ui_wait_mapped (widget, 0);
  tern_test_drain (1000);
}

void
tern_test_ui_send_key (GtkWidget *widget, guint keyval, GdkModifierType state)
{
  GdkKeymap *keymap = gdk_keymap_get_for_display (gtk_widget_get_display (widget));
  g_autofree GdkKeymapKey *keys = NULL;
  GdkEventType types[] = { GDK_KEY_PRESS, GDK_KEY_RELEASE };
  int n_keys = 0;

  gdk_keymap_get_entries_for_keyval (keymap, keyval, &keys, &n_keys);
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      GdkEvent *event = gdk_event_new (types[i]);
      event->key.window = g_object_ref (gtk_widget_get_window (gtk_widget_get_toplevel (widget)));
      event->key.send_event = TRUE;
      event->key.time = GDK_CURRENT_TIME;
      event->key.keyval = keyval;
      event->key.state = state;
      event->key.hardware_keycode = n_keys > 0 ? (guint16) keys[0].keycode : 0;
      gdk_event_set_device (event, gdk_seat_get_keyboard (
        gdk_display_get_default_seat (gtk_widget_get_display (widget))));
      gtk_main_do_event (event);
      gdk_event_free (event);
    }
}

void
tern_test_ui_type (GtkWidget *widget, const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    tern_test_ui_send_key (widget, gdk_unicode_to_keyval ((guint32) (guchar) *p), 0);
}
