/* tern-message-list-model.h: a GtkTreeModel over a folder's message ids that
 * fetches the row data on demand, one page at a time, from a
 * TernMessageSource and keeps only a bounded number of pages. */
#pragma once

#include <gtk/gtk.h>

#include "tern-message-source.h"

G_BEGIN_DECLS

typedef enum {
  TERN_MESSAGE_LIST_COLUMN_ID,              /* gint64 */
  TERN_MESSAGE_LIST_COLUMN_SENDER,          /* string: name, else address */
  TERN_MESSAGE_LIST_COLUMN_SENDER_ADDRESS,  /* string */
  TERN_MESSAGE_LIST_COLUMN_SUBJECT,         /* string */
  TERN_MESSAGE_LIST_COLUMN_DATE,            /* string, formatted for display */
  TERN_MESSAGE_LIST_COLUMN_TIMESTAMP,       /* gint64, Unix time */
  TERN_MESSAGE_LIST_COLUMN_UNREAD,          /* gboolean */
  TERN_MESSAGE_LIST_COLUMN_FLAGGED,         /* gboolean */
  TERN_MESSAGE_LIST_COLUMN_HAS_ATTACHMENT,  /* gboolean */
  TERN_MESSAGE_LIST_COLUMN_PREVIEW,         /* string */
  TERN_MESSAGE_LIST_COLUMN_FLAGS,           /* guint, TernFlags bits */
  TERN_MESSAGE_LIST_COLUMN_FOLDER,          /* string: folder name in search results, else NULL */
  TERN_MESSAGE_LIST_COLUMN_COUNT,           /* guint, messages of a conversation row */
  TERN_MESSAGE_LIST_COLUMN_DEPTH,           /* guint, 1: a message under its conversation row */
  TERN_MESSAGE_LIST_COLUMN_EXPANDED,        /* gboolean, a conversation row shown open */
  TERN_MESSAGE_LIST_N_COLUMNS
} TernMessageListColumn;

/* Rows per page fetched from the source (the default), and pages kept (LRU). */
#define TERN_MESSAGE_LIST_PAGE_SIZE 200
#define TERN_MESSAGE_LIST_MAX_PAGES 8

#define TERN_TYPE_MESSAGE_LIST_MODEL (tern_message_list_model_get_type ())
G_DECLARE_FINAL_TYPE (TernMessageListModel, tern_message_list_model,
                      TERN, MESSAGE_LIST_MODEL, GObject)

TernMessageListModel *tern_message_list_model_new (TernMessageSource *source,
                                                   gint64             folder_id);
TernMessageSource *tern_message_list_model_get_source (TernMessageListModel *self);
gint64 tern_message_list_model_get_folder_id (TernMessageListModel *self);

/* Lists the folder's ids in the given order and applies the difference
 * (rows-reordered, row-deleted, row-inserted). */
gboolean tern_message_list_model_set_sort (TernMessageListModel  *self,
                                           TernMessageSort        sort,
                                           gboolean               descending,
                                           GError               **error);
TernMessageSort tern_message_list_model_get_sort (TernMessageListModel *self,
                                                  gboolean             *descending);
/* Lists the ids again with the current sort (new mail, expunges). */
gboolean tern_message_list_model_reload (TernMessageListModel  *self,
                                         GError               **error);
/* Replaces the id array, emitting the signals that turn the old order into
 * the new one. Rows kept keep their iters, selection and cursor. */
void tern_message_list_model_set_ids (TernMessageListModel *self,
                                      const gint64         *ids,
                                      guint                 n_ids);
/* One row's data changed in the store (a flag, say): refetch and signal. */
void tern_message_list_model_row_updated (TernMessageListModel *self,
                                          gint64                id);

/* Reads the cached pages again and signals the rows that changed (flags
 * set by a sync, say), so rows update in place and the selection stays. */
void tern_message_list_model_refresh_cached (TernMessageListModel *self);

guint tern_message_list_model_get_n_rows (TernMessageListModel *self);
gint64 tern_message_list_model_get_id (TernMessageListModel *self,
                                       GtkTreeIter          *iter);
gboolean tern_message_list_model_get_iter_for_id (TernMessageListModel *self,
                                                  gint64                id,
                                                  GtkTreeIter          *iter);
/* The row at @index, fetching its page if needed; NULL if the source has
 * no data for it. Valid until the next call into the model. */
const TernMessageRow *tern_message_list_model_peek_row (TernMessageListModel *self,
                                                        guint                 index);
/* Rows fetched from the source per page (TERN_MESSAGE_LIST_PAGE_SIZE
 * unless set): a source whose rows cost more reads fewer at a time, so
 * that a page read while scrolling still fits in a frame. */
void tern_message_list_model_set_page_size (TernMessageListModel *self,
                                            guint                 rows);
/* Pages currently cached (for tests and the benchmark). */
guint tern_message_list_model_get_cached_pages (TernMessageListModel *self);

/* The list's date text: the time for today, the weekday within the last
 * week, else the date. */
char *tern_message_list_format_date (gint64     date,
                                     GDateTime *now);

G_END_DECLS
