/* tern-conversation-view.c: the conversation reader's list of messages
 * (see the header). */
#include "tern-conversation-view.h"
#include "tern-conversation-row.h"

struct _TernConversationView
{
  GtkBox parent_instance;

  GtkLabel *subject_label;
  GtkListBox *messages;

  gint64 thread_id;
  gint64 expanded_id;   /* the message shown in the reader below */
};

G_DEFINE_FINAL_TYPE (TernConversationView, tern_conversation_view, GTK_TYPE_BOX)

enum {
  SIGNAL_MESSAGE_ACTIVATED,
  SIGNAL_MESSAGE_ACTION,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
remove_child (GtkWidget *child, gpointer data)
{
  gtk_widget_destroy (child);
}

static TernConversationRow *
find_row (TernConversationView *self, gint64 message_id)
{
  g_autoptr(GList) rows = gtk_container_get_children (GTK_CONTAINER (self->messages));

  for (GList *l = rows; l != NULL; l = l->next)
    if (tern_conversation_row_get_message_id (l->data) == message_id)
      return l->data;
  return NULL;
}

gboolean
tern_conversation_view_contains (TernConversationView *self, gint64 message_id)
{
  return find_row (self, message_id) != NULL;
}

gboolean
tern_conversation_view_get_open (TernConversationView *self, gint64 message_id)
{
  TernConversationRow *row = find_row (self, message_id);

  return row != NULL && tern_conversation_row_get_expanded (row);
}

gboolean
tern_conversation_view_expand (TernConversationView *self, gint64 message_id)
{
  TernConversationRow *row = find_row (self, message_id);

  if (row == NULL)
    return FALSE;
  self->expanded_id = message_id;
  tern_conversation_row_set_expanded (row, TRUE);
  gtk_list_box_select_row (self->messages, GTK_LIST_BOX_ROW (row));
  return TRUE;
}

/* Enter, Space or a click toggles a message: an open one collapses (the
 * reader keeps what it shows), a collapsed one opens and is shown. */
static void
on_row_activated (GtkListBox *box, GtkListBoxRow *row, TernConversationView *self)
{
  TernConversationRow *message = TERN_CONVERSATION_ROW (row);
  gint64 id = tern_conversation_row_get_message_id (message);

  if (tern_conversation_row_get_expanded (message))
    {
      tern_conversation_row_set_expanded (message, FALSE);
      return;
    }
  tern_conversation_view_expand (self, id);
  g_signal_emit (self, signals[SIGNAL_MESSAGE_ACTIVATED], 0, id);
}

static void
on_row_action (TernConversationRow *row, const char *name, TernConversationView *self)
{
  g_signal_emit (self, signals[SIGNAL_MESSAGE_ACTION], 0, name,
                 tern_conversation_row_get_message_id (row));
}

void
tern_conversation_view_clear (TernConversationView *self)
{
  g_return_if_fail (TERN_IS_CONVERSATION_VIEW (self));
  gtk_container_foreach (GTK_CONTAINER (self->messages), remove_child, NULL);
  gtk_label_set_text (self->subject_label, "");
  self->thread_id = 0;
  self->expanded_id = 0;
}

/* The message a conversation opens on: the oldest unread, else the newest. */
static gint64
pick_expanded (GPtrArray *messages)
{
  for (guint i = 0; i < messages->len; i++)
    {
      TernMessageSummary *m = g_ptr_array_index (messages, i);

      if ((m->flags & TERN_FLAG_SEEN) == 0)
        return m->id;
    }
  return messages->len > 0 ? ((TernMessageSummary *) g_ptr_array_index (messages, messages->len - 1))->id
                           : 0;
}

static GPtrArray *
conversation_messages (TernStore *store, const TernMessageSummary *any, GError **error)
{
  g_autoptr(GArray) ids = NULL;

  if (any->thread_id == 0)   /* not threaded (yet): a conversation of one */
    return tern_store_get_summaries (store, &any->id, 1, error);
  ids = tern_store_list_thread_messages (store, any->thread_id, error);
  if (ids == NULL)
    return NULL;
  return tern_store_get_summaries (store, (const gint64 *) ids->data, ids->len, error);
}

gint64
tern_conversation_view_show (TernConversationView *self, TernStore *store, gint64 any_id,
                             GError **error)
{
  g_autoptr(TernMessageSummary) any = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  gint64 expand;

  g_return_val_if_fail (TERN_IS_CONVERSATION_VIEW (self), 0);
  tern_conversation_view_clear (self);
  any = tern_store_get_message (store, any_id, error);
  if (any == NULL)
    return 0;
  messages = conversation_messages (store, any, error);
  if (messages == NULL || messages->len == 0)
    return 0;
  self->thread_id = any->thread_id;
  gtk_label_set_text (self->subject_label, any->subject != NULL ? any->subject : "");
  for (guint i = 0; i < messages->len; i++)
    {
      TernConversationRow *row = tern_conversation_row_new (g_ptr_array_index (messages, i));

      /* As in Geary: older messages collapsed, unread ones open. */
      tern_conversation_row_set_expanded (row, tern_conversation_row_get_unread (row));
      g_signal_connect (row, "action", G_CALLBACK (on_row_action), self);
      gtk_container_add (GTK_CONTAINER (self->messages), GTK_WIDGET (row));
    }
  expand = pick_expanded (messages);
  tern_conversation_view_expand (self, expand);
  return expand;
}

gint64
tern_conversation_view_get_thread_id (TernConversationView *self)
{
  return self->thread_id;
}

gint64
tern_conversation_view_get_expanded (TernConversationView *self)
{
  return self->expanded_id;
}

guint
tern_conversation_view_get_n_messages (TernConversationView *self)
{
  g_autoptr(GList) rows = gtk_container_get_children (GTK_CONTAINER (self->messages));

  return g_list_length (rows);
}

static void
tern_conversation_view_class_init (TernConversationViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ternmail/Tern/tern-conversation-view.ui");
  gtk_widget_class_bind_template_child (widget_class, TernConversationView, subject_label);
  gtk_widget_class_bind_template_child (widget_class, TernConversationView, messages);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  signals[SIGNAL_MESSAGE_ACTIVATED] =
    g_signal_new ("message-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[SIGNAL_MESSAGE_ACTION] =
    g_signal_new ("message-action", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT64);
}

static void
tern_conversation_view_init (TernConversationView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

TernConversationView *
tern_conversation_view_new (void)
{
  return g_object_new (TERN_TYPE_CONVERSATION_VIEW, NULL);
}
