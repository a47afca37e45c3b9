/* tern-thread-message-source.h: the message list's rows as conversations.
 *
 * Implements TernMessageSource over the store's conversations: one row per
 * conversation with mail in the folder, newest first, whatever the sort.
 * A row's id is the newest message of its conversation in the folder (its
 * head), so that anything that takes the list's ids as message ids still
 * names a real message; the row carries the conversation's id, its size,
 * its participants (as the sender) and its unread and flagged state.
 *
 * A conversation row can be expanded: its messages in the folder then
 * follow it as rows of their own (depth 1), newest first like the
 * conversations around them, so reading down the list always goes back in
 * time and the first child is the message the row's date is from. A child
 * row's id is minus its message's id: the head is also a message of its
 * conversation, and the list's ids must be distinct. Use
 * tern_thread_message_source_row_message() to turn a row id into a
 * message id.
 */
#pragma once

#include "tern-message-source.h"
#include "store/tern-store.h"

G_BEGIN_DECLS

#define TERN_TYPE_THREAD_MESSAGE_SOURCE (tern_thread_message_source_get_type ())
G_DECLARE_FINAL_TYPE (TernThreadMessageSource, tern_thread_message_source,
                      TERN, THREAD_MESSAGE_SOURCE, GObject)

TernThreadMessageSource *tern_thread_message_source_new (TernStore *store);

/* A conversation row costs the store about seven times a message row to
 * read (its participants; bench-ui): the list reads them this many at a
 * time, so that a page read while scrolling fits in a frame. */
#define TERN_THREAD_MESSAGE_SOURCE_PAGE_SIZE 50

/* Shows or hides the messages of the conversation headed by @head_id
 * (takes effect at the next list_ids, i.e. a model reload). It stays open
 * when new mail gives it another head. */
void tern_thread_message_source_set_expanded (TernThreadMessageSource *self,
                                              gint64                   head_id,
                                              gboolean                 expanded);
gboolean tern_thread_message_source_get_expanded (TernThreadMessageSource *self,
                                                  gint64                   head_id);
/* Forgets every expanded conversation (another folder opens). */
void tern_thread_message_source_collapse_all (TernThreadMessageSource *self);

/* The message a row id names: a head names itself, a child row -id. */
static inline gint64
tern_thread_message_source_row_message (gint64 row_id)
{
  return row_id < 0 ? -row_id : row_id;
}

/* The messages of the conversations headed by @head_ids in their folder
 * (GArray of gint64): the heads first, in order, then the others, so that
 * an action on a selection of conversations acts on all their mail. A
 * child row's id (< 0) stands for its one message only. Each message
 * appears once. */
GArray *tern_thread_message_source_expand (TernThreadMessageSource  *self,
                                           const gint64             *head_ids,
                                           guint                     n_ids,
                                           GError                  **error);

G_END_DECLS
