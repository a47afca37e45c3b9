/* tern-thread-message-source.h: the message list's rows as conversations.
 *
 * Implements TernMessageSource over the store's conversations: one row per
 * conversation with mail in the folder, newest first, whatever the sort.
 * A row's id is the newest message of its conversation in the folder (its
 * head), so that anything that takes the list's ids as message ids still
 * names a real message; the row carries the conversation's id, its size,
 * its participants (as the sender) and its unread and flagged state.
 */
#pragma once

#include "tern-message-source.h"
#include "store/tern-store.h"

G_BEGIN_DECLS

#define TERN_TYPE_THREAD_MESSAGE_SOURCE (tern_thread_message_source_get_type ())
G_DECLARE_FINAL_TYPE (TernThreadMessageSource, tern_thread_message_source,
                      TERN, THREAD_MESSAGE_SOURCE, GObject)

TernThreadMessageSource *tern_thread_message_source_new (TernStore *store);

/* The messages of the conversations headed by @head_ids in their folder
 * (GArray of gint64): the heads first, in order, then the others, so that
 * an action on a selection of conversations acts on all their mail. */
GArray *tern_thread_message_source_expand (TernThreadMessageSource  *self,
                                           const gint64             *head_ids,
                                           guint                     n_ids,
                                           GError                  **error);

G_END_DECLS
