/* tern-conversation-row.c: one message of the conversation reader's list. */
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

  gint64 message_id;
  gboolean unread;
  gboolean expanded;
};

G_DEFINE_FINAL_TYPE (TernConversationRow, tern_conversation_row, GTK_TYPE_LIST_BOX_ROW)

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
  gtk_widget_set_visible (GTK_WIDGET (self->preview_label), !expanded);
  if (accessible != NULL)
    atk_object_set_description (accessible, expanded ? _("Open below") : _("Collapsed"));
}

gboolean
tern_conversation_row_get_expanded (TernConversationRow *self)
{
  return self->expanded;
}
