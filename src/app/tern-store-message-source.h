/* tern-store-message-source.h: the message list's rows from the store.
 *
 * Implements TernMessageSource over a read-only TernStore connection used
 * on the main thread only (WAL gives it a snapshot while workers write).
 * With a search query set, list_ids() answers with the search results
 * (across all folders, newest first) instead of the folder's messages.
 */
#pragma once

#include "tern-message-source.h"
#include "store/tern-store.h"

G_BEGIN_DECLS

#define TERN_TYPE_STORE_MESSAGE_SOURCE (tern_store_message_source_get_type ())
G_DECLARE_FINAL_TYPE (TernStoreMessageSource, tern_store_message_source,
                      TERN, STORE_MESSAGE_SOURCE, GObject)

TernStoreMessageSource *tern_store_message_source_new (TernStore *store);
/* NULL or "" for the folder's messages; else the ids tern_store_search()
 * finds for @query. */
void tern_store_message_source_set_search (TernStoreMessageSource *self,
                                           const char             *query);
const char *tern_store_message_source_get_search (TernStoreMessageSource *self);
/* The search's results as found elsewhere (TernSearchRunner, off the main
 * loop): list_ids() answers them instead of searching on the caller's
 * thread. Cleared by set_search(). */
void tern_store_message_source_set_results (TernStoreMessageSource *self,
                                            GArray                 *ids);

/* The most search results listed. */
#define TERN_SEARCH_LIMIT 5000

G_END_DECLS
