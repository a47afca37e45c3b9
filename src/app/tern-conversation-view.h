/* tern-conversation-view.h: the conversation reader's list of messages.
 *
 * Shown above the reader when the list shows conversations. It lists every
 * message of the conversation (in all folders) oldest first. As in Geary,
 * older messages are collapsed to a line and unread ones open (their first
 * words and their own Reply, Reply All, Forward, Mark Unread and Delete
 * buttons). One is the expanded one, which the window shows in the reader
 * (TernReaderView, so remote content stays blocked as for any message).
 * Opening a conversation expands its oldest unread message, else its
 * newest. Activating a row (click, Enter, Space; Up and Down move between
 * them) toggles it: a collapsed one opens, becomes the expanded one and
 * emits "message-activated" with its id; an open one collapses.
 *
 * Signals:
 *   message-activated (gint64 id)
 *   message-action (const char *name, gint64 id)   a message's own button,
 *                                     see TernConversationRow's "action"
 */
#pragma once

#include <gtk/gtk.h>
#include "store/tern-store.h"

G_BEGIN_DECLS

#define TERN_TYPE_CONVERSATION_VIEW (tern_conversation_view_get_type ())
G_DECLARE_FINAL_TYPE (TernConversationView, tern_conversation_view, TERN, CONVERSATION_VIEW,
                      GtkBox)

TernConversationView *tern_conversation_view_new (void);
/* Lists the conversation of message @any_id; returns the id to expand
 * (0 if the message is gone). */
gint64 tern_conversation_view_show (TernConversationView  *self,
                                    TernStore             *store,
                                    gint64                 any_id,
                                    GError               **error);
void tern_conversation_view_clear (TernConversationView *self);
/* The conversation listed (0: none) and the message expanded. */
gint64 tern_conversation_view_get_thread_id (TernConversationView *self);
gint64 tern_conversation_view_get_expanded (TernConversationView *self);
/* Expands @message_id if it is listed (without emitting the signal). */
gboolean tern_conversation_view_expand (TernConversationView *self, gint64 message_id);
/* Whether message @message_id is listed, and whether its row is open. */
gboolean tern_conversation_view_contains (TernConversationView *self, gint64 message_id);
gboolean tern_conversation_view_get_open (TernConversationView *self, gint64 message_id);
/* The number of messages listed. */
guint tern_conversation_view_get_n_messages (TernConversationView *self);

G_END_DECLS
