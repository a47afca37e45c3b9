/* tern-key-shortcuts.c: see the header. */
#include "tern-key-shortcuts.h"

static gboolean
on_escape (GtkWidget *widget, GdkEventKey *event, gpointer data)
{
  GdkModifierType mods = event->state & gtk_accelerator_get_default_mod_mask ();

  if (event->keyval != GDK_KEY_Escape || mods != 0)
    return GDK_EVENT_PROPAGATE;
  gtk_window_close (GTK_WINDOW (widget));
  return GDK_EVENT_STOP;
}

void
tern_keys_close_on_escape (GtkWindow *window)
{
  g_signal_connect (window, "key-press-event", G_CALLBACK (on_escape), NULL);
}

typedef struct {
  char *prefix;
  char *action;
} Binding;

static void
binding_free (gpointer data, GClosure *closure)
{
  Binding *b = data;

  g_free (b->prefix);
  g_free (b->action);
  g_free (b);
}

static gboolean
on_ctrl_enter (GtkWidget *widget, GdkEventKey *event, Binding *b)
{
  GdkModifierType mods = event->state & gtk_accelerator_get_default_mod_mask ();
  GActionGroup *group;

  if ((event->keyval != GDK_KEY_Return && event->keyval != GDK_KEY_KP_Enter &&
       event->keyval != GDK_KEY_ISO_Enter) || mods != GDK_CONTROL_MASK)
    return GDK_EVENT_PROPAGATE;
  group = gtk_widget_get_action_group (widget, b->prefix);
  if (group != NULL && g_action_group_get_action_enabled (group, b->action))
    g_action_group_activate_action (group, b->action, NULL);
  /* Never a newline, even while sending is off. */
  return GDK_EVENT_STOP;
}

void
tern_keys_bind_ctrl_enter (GtkWindow *window, const char *prefix, const char *action)
{
  Binding *b = g_new0 (Binding, 1);

  b->prefix = g_strdup (prefix);
  b->action = g_strdup (action);
  g_signal_connect_data (window, "key-press-event", G_CALLBACK (on_ctrl_enter), b, binding_free, 0);
}
