/* tern-undo-bar.c: the Undo notification (see the header). */
#include <glib/gi18n.h>

#include "tern-undo-bar.h"

struct _TernUndoBar
{
  GtkRevealer parent_instance;

  GtkLabel *message_label;
  GtkWidget *undo_button;
  GArray *ids;
  GArray *from_folders;
  guint timeout;
};

G_DEFINE_FINAL_TYPE (TernUndoBar, tern_undo_bar, GTK_TYPE_REVEALER)

enum { SIGNAL_UNDO, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
forget (TernUndoBar *self)
{
  g_clear_handle_id (&self->timeout, g_source_remove);
  g_clear_pointer (&self->ids, g_array_unref);
  g_clear_pointer (&self->from_folders, g_array_unref);
}

void
tern_undo_bar_dismiss (TernUndoBar *self)
{
  g_return_if_fail (TERN_IS_UNDO_BAR (self));
  forget (self);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self), FALSE);
}

static gboolean
on_timeout (gpointer data)
{
  TernUndoBar *self = data;

  self->timeout = 0;
  tern_undo_bar_dismiss (self);
  return G_SOURCE_REMOVE;
}

static void
on_undo_clicked (TernUndoBar *self)
{
  if (self->ids == NULL)
    return;
  g_clear_handle_id (&self->timeout, g_source_remove);
  g_signal_emit (self, signals[SIGNAL_UNDO], 0);
  tern_undo_bar_dismiss (self);
}

static void
on_close_clicked (TernUndoBar *self)
{
  tern_undo_bar_dismiss (self);
}

void
tern_undo_bar_offer (TernUndoBar *self, const char *message, GArray *ids, GArray *from_folders)
{
  g_return_if_fail (TERN_IS_UNDO_BAR (self));
  g_return_if_fail (ids->len == from_folders->len);
  forget (self);
  self->ids = g_array_ref (ids);
  self->from_folders = g_array_ref (from_folders);
  gtk_label_set_text (self->message_label, message);
  gtk_widget_show (GTK_WIDGET (self));
  gtk_revealer_set_reveal_child (GTK_REVEALER (self), TRUE);
  self->timeout = g_timeout_add_seconds (TERN_UNDO_SECONDS, on_timeout, self);
}

gboolean
tern_undo_bar_is_offering (TernUndoBar *self)
{
  return self->ids != NULL;
}

GArray *
tern_undo_bar_get_ids (TernUndoBar *self)
{
  return self->ids;
}

GArray *
tern_undo_bar_get_from_folders (TernUndoBar *self)
{
  return self->from_folders;
}

const char *
tern_undo_bar_get_message (TernUndoBar *self)
{
  return gtk_label_get_text (self->message_label);
}

static void
tern_undo_bar_dispose (GObject *object)
{
  forget (TERN_UNDO_BAR (object));
  G_OBJECT_CLASS (tern_undo_bar_parent_class)->dispose (object);
}

static void
tern_undo_bar_class_init (TernUndoBarClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = tern_undo_bar_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ternmail/Tern/tern-undo-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, TernUndoBar, message_label);
  gtk_widget_class_bind_template_child (widget_class, TernUndoBar, undo_button);
  gtk_widget_class_bind_template_callback (widget_class, on_undo_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_close_clicked);
  signals[SIGNAL_UNDO] = g_signal_new ("undo", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tern_undo_bar_init (TernUndoBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tern_undo_bar_new (void)
{
  return g_object_new (TERN_TYPE_UNDO_BAR, NULL);
}
