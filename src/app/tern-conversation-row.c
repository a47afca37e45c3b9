/* tern-conversation-row.c: one message of the conversation reader's list.
 *
 * Collapsed, a row is one line: sender, date and the first words. Open,
 * the first words wrap over a few lines and the message's own buttons
 * show (Reply, Reply All, Forward, Mark Unread, Delete); each emits
 * "action" with its name, the button's widget name in the template. */
#include <glib/gi18n.h>

#include "tern-conversation-row.h"
#include "tern-message-list-model.h"

struct _TernConversationRow
{
  GtkListBoxRow parent_instance;

  GtkImage *expander;
  GtkLabel *sender_label;
  GtkLabel *date_label;
  GtkLabel *preview_label;
  GtkBox *actions;

  gint64 message_id;
  gboolean unread;
  gboolean expanded;
};

G_DEFINE_FINAL_TYPE (TernConversationRow, tern_conversation_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  SIGNAL_ACTION,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define OPEN_PREVIEW_LINES 4

static void
on_action_clicked (GtkButton *button, TernConversationRow *self)
{
  g_signal_emit (self, signals[SIGNAL_ACTION], 0, gtk_widget_get_name (GTK_WIDGET (button)));
}

static void
tern_conversation_row_class_init (TernConversationRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ternmail/Tern/tern-conversation-row.ui");
  gtk_widget_class_bind_template_child (widget_class, TernConversationRow, expander);
  gtk_widget_class_bind_template_child (widget_class, TernConversationRow, sender_label);
  gtk_widget_class_bind_template_child (widget_class, TernConversationRow, date_label);
  gtk_widget_class_bind_template_child (widget_class, TernConversationRow, preview_label);
  gtk_widget_class_bind_template_child (widget_class, TernConversationRow, actions);
  gtk_widget_class_bind_template_callback (widget_class, on_action_clicked);
  signals[SIGNAL_ACTION] =
    g_signal_new ("action", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
tern_conversation_row_init (TernConversationRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

TernConversationRow *
tern_conversation_row_new (const TernMessageSummary *m)
{
  TernConversationRow *self = g_object_new (TERN_TYPE_CONVERSATION_ROW, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = tern_message_list_format_date (m->date != 0 ? m->date
                                                                      : m->internal_date, now);
  const char *sender = m->from_name != NULL && *m->from_name ? m->from_name : m->from_address;
  g_autofree char *markup = NULL;

  self->message_id = m->id;
  self->unread = (m->flags & TERN_FLAG_SEEN) == 0;
  markup = g_markup_printf_escaped (self->unread ? "<b>%s</b>" : "%s", sender != NULL ? sender : "");
  gtk_label_set_markup (self->sender_label, markup);
  gtk_label_set_text (self->date_label, date);
  gtk_label_set_text (self->preview_label, m->preview != NULL ? m->preview : "");
  return self;
}

gint64
tern_conversation_row_get_message_id (TernConversationRow *self)
{
  return self->message_id;
}

gboolean
tern_conversation_row_get_unread (TernConversationRow *self)
{
  return self->unread;
}

void
tern_conversation_row_set_expanded (TernConversationRow *self, gboolean expanded)
{
  AtkObject *accessible = gtk_widget_get_accessible (GTK_WIDGET (self));

  self->expanded = expanded;
  gtk_image_set_from_icon_name (self->expander, expanded ? "pan-down-symbolic" : "pan-end-symbolic",
                                GTK_ICON_SIZE_BUTTON);
  /* Open: the first words wrap; the body itself is in the reader below
   * when the row is the one shown. */
  gtk_label_set_line_wrap (self->preview_label, expanded);
  gtk_label_set_lines (self->preview_label, expanded ? OPEN_PREVIEW_LINES : -1);
  gtk_label_set_ellipsize (self->preview_label, PANGO_ELLIPSIZE_END);
  gtk_widget_set_visible (GTK_WIDGET (self->actions), expanded);
  if (accessible != NULL)
    atk_object_set_description (accessible, expanded ? _("Open; Enter or Space collapses it")
                                                     : _("Collapsed; Enter or Space opens it"));
}

gboolean
tern_conversation_row_get_expanded (TernConversationRow *self)
{
  return self->expanded;
}
