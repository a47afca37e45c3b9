/* tern-window-conversations.c: the main window's conversations.
 *
 * A folder lists conversations or single messages as its preference says
 * (View ▸ Conversations, remembered per folder). With conversations on,
 * the list's rows are conversation heads (TernThreadMessageSource) and
 * selecting one lists its messages above the reader
 * (TernConversationView); the reader shows the expanded one, so reply,
 * remote content and marking read work per message as before.
 */
#include "tern-conversation-prefs.h"
#include "tern-window-private.h"

static void
set_action_state (TernWindow *self, gboolean enabled, gboolean on)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "conversations");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (on));
}

TernMessageSource *
_tern_window_conversations_source (TernWindow *self, const TernFolder *folder)
{
  self->conversations = folder != NULL && tern_conversation_prefs_get (self->settings, folder);
  set_action_state (self, folder != NULL, self->conversations);
  if (!self->conversations)
    _tern_window_conversations_close (self);
  return self->conversations ? TERN_MESSAGE_SOURCE (self->thread_source)
                             : TERN_MESSAGE_SOURCE (self->folder_source);
}

gint64
_tern_window_conversations_open (TernWindow *self, gint64 id)
{
  g_autoptr(GError) error = NULL;
  gint64 open;

  if (!self->conversations)
    return id;
  /* The same conversation again (a reload after new mail): keep the
   * message the user opened. */
  if (gtk_widget_get_visible (GTK_WIDGET (self->conversation)) &&
      tern_conversation_view_contains (self->conversation, id) &&
      tern_conversation_view_expand (self->conversation, self->shown_id))
    return self->shown_id;
  open = tern_conversation_view_show (self->conversation, _tern_window_get_store (self), id,
                                      &error);
  if (open == 0)
    {
      if (error != NULL)
        g_warning ("Could not read the conversation: %s", error->message);
      _tern_window_conversations_close (self);
      return id;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->conversation), TRUE);
  return open;
}

void
_tern_window_conversations_close (TernWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->conversation), FALSE);
  tern_conversation_view_clear (self->conversation);
}

static void
on_message_activated (TernConversationView *view, gint64 id, TernWindow *self)
{
  _tern_window_show_message (self, id);
}

static void
change_conversations (GSimpleAction *action, GVariant *value, gpointer w)
{
  TernWindow *self = w;

  g_simple_action_set_state (action, value);
  if (self->folder_id == 0)
    return;
  tern_conversation_prefs_set (self->settings, self->folder_id, g_variant_get_boolean (value));
  _tern_window_reopen_folder (self);
}

void
_tern_window_conversations_init (TernWindow *self)
{
  static const GActionEntry entries[] = {
    { "conversations", NULL, NULL, "false", change_conversations },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  set_action_state (self, FALSE, FALSE);
  g_signal_connect (self->conversation, "message-activated", G_CALLBACK (on_message_activated),
                    self);
}
