/* tern-window-conversations.c: the main window's conversations.
 *
 * A folder lists conversations or single messages as its preference says
 * (View ▸ Conversations, remembered per folder). With conversations on,
 * the list's rows are conversation heads (TernThreadMessageSource) and
 * selecting one lists its messages above the reader
 * (TernConversationView); the reader shows the expanded one, so reply,
 * remote content and marking read work per message as before.
 *
 * In the list, Right, "+" or Shift+Right expands the conversation row at
 * the cursor into rows of its messages (see TernThreadMessageSource), and
 * Left or "-" collapses it again, from the row or any of its messages. A
 * message row selected opens its conversation on that message, and the
 * actions act on that message alone.
 */
#include "tern-composer-launcher.h"
#include "tern-conversation-prefs.h"
#include "tern-window-private.h"

#include <gdk/gdkkeysyms.h>

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
  tern_thread_message_source_collapse_all (self->thread_source);
  return self->conversations ? TERN_MESSAGE_SOURCE (self->thread_source)
                             : TERN_MESSAGE_SOURCE (self->folder_source);
}

gint64
_tern_window_conversations_open (TernWindow *self, gint64 row_id)
{
  g_autoptr(GError) error = NULL;
  gint64 id = tern_thread_message_source_row_message (row_id);
  gint64 open;

  if (!self->conversations)
    return id;
  /* A message row of an expanded conversation opens on that message. */
  if (row_id < 0 && gtk_widget_get_visible (GTK_WIDGET (self->conversation)) &&
      tern_conversation_view_expand (self->conversation, id))
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
  if (row_id < 0 && tern_conversation_view_expand (self->conversation, id))
    return id;
  return open;
}

/* The list's conversation rows (not a search, not a plain folder). */
static gboolean
listing_conversations (TernWindow *self)
{
  return self->conversations && self->model != NULL &&
         tern_message_list_model_get_source (self->model) ==
           TERN_MESSAGE_SOURCE (self->thread_source);
}

static gint64
row_id_at (TernWindow *self, guint index)
{
  GtkTreeIter iter;

  if (!gtk_tree_model_iter_nth_child (GTK_TREE_MODEL (self->model), &iter, NULL, (int) index))
    return 0;
  return tern_message_list_model_get_id (self->model, &iter);
}

/* The conversation row at the cursor, or the one its message row is in. */
static gint64
cursor_head (TernWindow *self)
{
  GtkTreeView *tree = tern_message_list_get_tree_view (self->message_list);
  g_autoptr(GtkTreePath) path = NULL;
  int index;

  gtk_tree_view_get_cursor (tree, &path, NULL);
  if (path == NULL)
    return 0;
  for (index = gtk_tree_path_get_indices (path)[0]; index >= 0; index--)
    {
      gint64 id = row_id_at (self, (guint) index);

      if (id > 0)
        return id;
    }
  return 0;
}

gboolean
_tern_window_conversations_set_expanded (TernWindow *self, gboolean expanded)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkTreePath) path = NULL;
  gint64 head;
  GtkTreeIter iter;
  const TernMessageRow *row;

  if (!listing_conversations (self) || (head = cursor_head (self)) == 0 ||
      !tern_message_list_model_get_iter_for_id (self->model, head, &iter))
    return FALSE;
  path = gtk_tree_model_get_path (GTK_TREE_MODEL (self->model), &iter);
  row = tern_message_list_model_peek_row (self->model, (guint) gtk_tree_path_get_indices (path)[0]);
  /* A conversation of one has nothing to show under it. */
  if (expanded && (row == NULL || row->n_messages < 2))
    return FALSE;
  if (tern_thread_message_source_get_expanded (self->thread_source, head) == expanded)
    return FALSE;
  tern_thread_message_source_set_expanded (self->thread_source, head, expanded);
  if (!tern_message_list_model_reload (self->model, &error))
    g_warning ("Could not list the conversation: %s", error->message);
  /* The head's own row changed too (its arrow). The cursor goes (back)
   * on the conversation: collapsing may start from a message row, and the
   * reload must not leave the view's cursor wherever its rows moved. */
  tern_message_list_model_row_updated (self->model, head);
  tern_message_list_select_id (self->message_list, head);
  return TRUE;
}

static gboolean
on_list_key_press (GtkWidget *tree, GdkEventKey *event, TernWindow *self)
{
  GdkModifierType mods = event->state & gtk_accelerator_get_default_mod_mask ();
  gboolean plain = (mods & ~GDK_SHIFT_MASK) == 0;

  if (!plain || !listing_conversations (self))
    return FALSE;
  switch (event->keyval)
    {
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
    case GDK_KEY_plus:
    case GDK_KEY_KP_Add:
      _tern_window_conversations_set_expanded (self, TRUE);
      return TRUE;
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
    case GDK_KEY_minus:
    case GDK_KEY_KP_Subtract:
      _tern_window_conversations_set_expanded (self, FALSE);
      return TRUE;
    default:
      return FALSE;
    }
}

void
_tern_window_conversations_close (TernWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->conversation), FALSE);
  tern_conversation_view_clear (self->conversation);
}

void
_tern_window_conversations_refresh (TernWindow *self)
{
  TernStore *store = _tern_window_get_store (self);
  gint64 thread = tern_conversation_view_get_thread_id (self->conversation);
  gint64 shown = tern_conversation_view_get_expanded (self->conversation), any;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;

  if (!self->conversations || thread == 0 || !gtk_widget_get_visible (GTK_WIDGET (self->conversation)))
    return;
  ids = tern_store_list_thread_messages (store, thread, NULL);
  if (ids == NULL || ids->len == tern_conversation_view_get_n_messages (self->conversation))
    return;
  /* Listed from the open message while it is there (its subject heads
   * the reader, as when it was opened). */
  any = ids->len > 0 ? g_array_index (ids, gint64, 0) : 0;
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == shown)
      any = shown;
  if (any == 0 || tern_conversation_view_show (self->conversation, store, any, &error) == 0)
    {
      if (error != NULL)
        g_warning ("Could not read the conversation: %s", error->message);
      _tern_window_conversations_close (self);
      return;
    }
  /* show() opens the oldest unread, which new mail may be: the reader
   * below still shows the user's message. */
  tern_conversation_view_expand (self->conversation, shown);
}

/* A message's own button in the conversation reader. */
static void
on_message_action (TernConversationView *view, const char *name, gint64 id, TernWindow *self)
{
  static const struct { const char *name; TernComposerLaunchKind kind; } replies[] = {
    { "reply", TERN_COMPOSER_LAUNCH_REPLY },
    { "reply-all", TERN_COMPOSER_LAUNCH_REPLY_ALL },
    { "forward", TERN_COMPOSER_LAUNCH_FORWARD },
  };

  for (guint i = 0; i < G_N_ELEMENTS (replies); i++)
    if (g_str_equal (name, replies[i].name))
      {
        tern_composer_launcher_compose (GTK_WINDOW (self), replies[i].kind,
                                        _tern_window_get_store (self), id);
        return;
      }
  if (g_str_equal (name, "mark-unread"))
    {
      if (id == self->shown_id)
        _tern_window_cancel_mark_read (self);
      _tern_window_actions_set_flags (self, &id, 1, 0, TERN_FLAG_SEEN);
    }
  else if (g_str_equal (name, "delete"))
    {
      g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

      g_array_append_val (ids, id);
      _tern_window_actions_delete (self, ids);
    }
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
  g_signal_connect (self->conversation, "message-action", G_CALLBACK (on_message_action), self);
  g_signal_connect (tern_message_list_get_tree_view (self->message_list), "key-press-event",
                    G_CALLBACK (on_list_key_press), self);
}
