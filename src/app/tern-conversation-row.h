/* tern-conversation-row.h: one message of the conversation reader's list,
 * collapsed to its sender, date and first words, or open (expanded): its
 * first words over a few lines and its own buttons.
 *
 * Signals:
 *   action (const char *name)   "reply", "reply-all", "forward",
 *                               "mark-unread" or "delete" on this message
 */
#pragma once

#include <gtk/gtk.h>
#include "store/tern-store.h"

G_BEGIN_DECLS

#define TERN_TYPE_CONVERSATION_ROW (tern_conversation_row_get_type ())
G_DECLARE_FINAL_TYPE (TernConversationRow, tern_conversation_row, TERN, CONVERSATION_ROW,
                      GtkListBoxRow)

TernConversationRow *tern_conversation_row_new (const TernMessageSummary *message);
gint64 tern_conversation_row_get_message_id (TernConversationRow *self);
gboolean tern_conversation_row_get_unread (TernConversationRow *self);
void tern_conversation_row_set_expanded (TernConversationRow *self, gboolean expanded);
gboolean tern_conversation_row_get_expanded (TernConversationRow *self);

G_END_DECLS
