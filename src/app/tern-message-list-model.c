/* tern-message-list-model.c: the message list's paging tree model.
 *
 * The model owns only the folder's ids in display order (8 bytes a row, so
 * 800 kB for 100,000 messages). Row data is fetched from the source when
 * the view asks for a value, a page of page_size rows (by default
 * TERN_MESSAGE_LIST_PAGE_SIZE) at a
 * time, and at most TERN_MESSAGE_LIST_MAX_PAGES pages are kept: the least
 * recently used page is dropped first. With a tree view in fixed-height
 * mode only the visible rows are ever asked for, so memory stays flat
 * whatever the folder size.
 *
 * Iters carry the row index and the message id. The index is the fast path;
 * when the ids changed since the iter was made (a sort, new mail), the id
 * finds the row again, which is what GTK_TREE_MODEL_ITERS_PERSIST promises.
 */
#include <glib/gi18n.h>

#include "core/tern-types.h"
#include "tern-message-list-model.h"

typedef struct {
  guint number;
  GList link;             /* in the LRU queue; data points back to the page */
  TernMessageRow **rows;  /* page_size slots, NULL where the source had none */
  guint n_rows;
} Page;

struct _TernMessageListModel
{
  GObject parent_instance;

  TernMessageSource *source;
  gint64 folder_id;
  TernMessageSort sort;
  gboolean descending;
  int stamp;

  guint page_size;        /* rows per page */
  GArray *ids;            /* gint64, display order */
  GHashTable *pages;      /* page number -> Page */
  GQueue lru;             /* most recently used first */
};

static void tern_message_list_model_tree_model_init (GtkTreeModelIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TernMessageListModel, tern_message_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_TREE_MODEL,
                                                      tern_message_list_model_tree_model_init))

/* ---- page cache ---- */

static void
page_free (gpointer data)
{
  Page *page = data;

  for (guint i = 0; i < page->n_rows; i++)
    tern_message_row_free (page->rows[i]);
  g_free (page->rows);
  g_free (page);
}

static void
drop_pages (TernMessageListModel *self)
{
  /* The links are embedded in the pages: forget them, never free them
   * (g_queue_clear would hand them to the slice allocator). */
  g_queue_init (&self->lru);
  g_hash_table_remove_all (self->pages);
}

static Page *
fetch_page (TernMessageListModel *self, guint number)
{
  guint start = number * self->page_size;
  guint n = MIN (self->page_size, self->ids->len - start);
  const gint64 *ids = &g_array_index (self->ids, gint64, start);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) by_id = NULL;
  g_autoptr(GError) error = NULL;
  Page *page = g_new0 (Page, 1);

  page->number = number;
  page->link.data = page;
  page->n_rows = n;
  page->rows = g_new0 (TernMessageRow *, n);

  rows = tern_message_source_get_rows (self->source, ids, n, &error);
  if (rows == NULL)
    {
      /* Keep the empty page: the rows draw blank instead of asking the
       * source again for every cell. A later row_updated() refills them. */
      g_warning ("Could not read messages for the list: %s", error->message);
      return page;
    }
  /* The source may answer in any order and leave out deleted ids. */
  by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < rows->len; i++)
    {
      TernMessageRow *row = g_ptr_array_index (rows, i);
      g_hash_table_insert (by_id, &row->id, row);
    }
  for (guint i = 0; i < n; i++)
    {
      TernMessageRow *row = g_hash_table_lookup (by_id, &ids[i]);
      if (row != NULL)
        {
          page->rows[i] = tern_message_row_copy (row);
          g_hash_table_remove (by_id, &ids[i]);  /* a duplicate id gets a copy once */
        }
    }
  return page;
}

static Page *
get_page (TernMessageListModel *self, guint number)
{
  Page *page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (number));

  if (page != NULL)
    {
      g_queue_unlink (&self->lru, &page->link);
      g_queue_push_head_link (&self->lru, &page->link);
      return page;
    }
  while (self->lru.length >= TERN_MESSAGE_LIST_MAX_PAGES)
    {
      GList *last = g_queue_pop_tail_link (&self->lru);
      Page *old = last->data;
      g_hash_table_remove (self->pages, GUINT_TO_POINTER (old->number));
    }
  page = fetch_page (self, number);
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (number), page);
  g_queue_push_head_link (&self->lru, &page->link);
  return page;
}

const TernMessageRow *
tern_message_list_model_peek_row (TernMessageListModel *self, guint index)
{
  Page *page;

  g_return_val_if_fail (TERN_IS_MESSAGE_LIST_MODEL (self), NULL);
  if (index >= self->ids->len)
    return NULL;
  page = get_page (self, index / self->page_size);
  return page->rows[index % self->page_size];
}

void
tern_message_list_model_set_page_size (TernMessageListModel *self, guint rows)
{
  g_return_if_fail (TERN_IS_MESSAGE_LIST_MODEL (self));
  g_return_if_fail (rows > 0);
  drop_pages (self);
  self->page_size = rows;
}

guint
tern_message_list_model_get_cached_pages (TernMessageListModel *self)
{
  g_return_val_if_fail (TERN_IS_MESSAGE_LIST_MODEL (self), 0);
  return self->lru.length;
}

/* ---- iters ---- */

static gint64
id_at (TernMessageListModel *self, guint index)
{
  return g_array_index (self->ids, gint64, index);
}

static void
make_iter (TernMessageListModel *self, guint index, GtkTreeIter *iter)
{
  guint64 id = (guint64) id_at (self, index);

  iter->stamp = self->stamp;
  iter->user_data = GUINT_TO_POINTER (index);
  /* Split so that it also fits where pointers have 32 bits. */
  iter->user_data2 = GUINT_TO_POINTER ((guint) (id & 0xffffffffu));
  iter->user_data3 = GUINT_TO_POINTER ((guint) (id >> 32));
}

static gint64
iter_id (GtkTreeIter *iter)
{
  return (gint64) (((guint64) GPOINTER_TO_UINT (iter->user_data3) << 32) |
                   GPOINTER_TO_UINT (iter->user_data2));
}

static gboolean
find_index (TernMessageListModel *self, gint64 id, guint *index)
{
  /* A linear scan: 100,000 ids take well under a millisecond, and it only
   * runs for stale iters and row updates. */
  for (guint i = 0; i < self->ids->len; i++)
    if (id_at (self, i) == id)
      {
        *index = i;
        return TRUE;
      }
  return FALSE;
}

/* The iter's current row index, or FALSE if its row is gone. */
static gboolean
resolve_iter (TernMessageListModel *self, GtkTreeIter *iter, guint *index)
{
  guint hint;
  gint64 id;

  g_return_val_if_fail (iter != NULL && iter->stamp == self->stamp, FALSE);
  hint = GPOINTER_TO_UINT (iter->user_data);
  id = iter_id (iter);
  if (hint < self->ids->len && id_at (self, hint) == id)
    {
      *index = hint;
      return TRUE;
    }
  if (!find_index (self, id, index))
    return FALSE;
  iter->user_data = GUINT_TO_POINTER (*index);
  return TRUE;
}

/* ---- GtkTreeModel ---- */

static GtkTreeModelFlags
model_get_flags (GtkTreeModel *model)
{
  return GTK_TREE_MODEL_LIST_ONLY | GTK_TREE_MODEL_ITERS_PERSIST;
}

static int
model_get_n_columns (GtkTreeModel *model)
{
  return TERN_MESSAGE_LIST_N_COLUMNS;
}

static GType
model_get_column_type (GtkTreeModel *model, int column)
{
  switch ((TernMessageListColumn) column)
    {
    case TERN_MESSAGE_LIST_COLUMN_ID:
    case TERN_MESSAGE_LIST_COLUMN_TIMESTAMP:
      return G_TYPE_INT64;
    case TERN_MESSAGE_LIST_COLUMN_SENDER:
    case TERN_MESSAGE_LIST_COLUMN_SENDER_ADDRESS:
    case TERN_MESSAGE_LIST_COLUMN_SUBJECT:
    case TERN_MESSAGE_LIST_COLUMN_DATE:
    case TERN_MESSAGE_LIST_COLUMN_PREVIEW:
    case TERN_MESSAGE_LIST_COLUMN_FOLDER:
      return G_TYPE_STRING;
    case TERN_MESSAGE_LIST_COLUMN_UNREAD:
    case TERN_MESSAGE_LIST_COLUMN_FLAGGED:
    case TERN_MESSAGE_LIST_COLUMN_HAS_ATTACHMENT:
    case TERN_MESSAGE_LIST_COLUMN_EXPANDED:
      return G_TYPE_BOOLEAN;
    case TERN_MESSAGE_LIST_COLUMN_FLAGS:
    case TERN_MESSAGE_LIST_COLUMN_COUNT:
    case TERN_MESSAGE_LIST_COLUMN_DEPTH:
      return G_TYPE_UINT;
    case TERN_MESSAGE_LIST_N_COLUMNS:
    default:
      return G_TYPE_INVALID;
    }
}

static gboolean
model_iter_nth_child (GtkTreeModel *model,
                      GtkTreeIter  *iter,
                      GtkTreeIter  *parent,
                      int           n)
{
  TernMessageListModel *self = TERN_MESSAGE_LIST_MODEL (model);

  if (parent != NULL || n < 0 || (guint) n >= self->ids->len)
    return FALSE;
  make_iter (self, (guint) n, iter);
  return TRUE;
}

static gboolean
model_get_iter (GtkTreeModel *model, GtkTreeIter *iter, GtkTreePath *path)
{
  if (gtk_tree_path_get_depth (path) != 1)
    return FALSE;
  return model_iter_nth_child (model, iter, NULL, gtk_tree_path_get_indices (path)[0]);
}

static GtkTreePath *
model_get_path (GtkTreeModel *model, GtkTreeIter *iter)
{
  TernMessageListModel *self = TERN_MESSAGE_LIST_MODEL (model);
  guint index;

  if (!resolve_iter (self, iter, &index))
    return NULL;
  return gtk_tree_path_new_from_indices ((int) index, -1);
}

static char *
row_sender (const TernMessageRow *row)
{
  if (row->from_name != NULL && *row->from_name != '\0')
    return g_strdup (row->from_name);
  return g_strdup (row->from_address);
}

static void
model_get_value (GtkTreeModel *model, GtkTreeIter *iter, int column, GValue *value)
{
  TernMessageListModel *self = TERN_MESSAGE_LIST_MODEL (model);
  const TernMessageRow *row = NULL;
  guint index;

  g_value_init (value, model_get_column_type (model, column));
  if (!resolve_iter (self, iter, &index))
    return;
  if (column == TERN_MESSAGE_LIST_COLUMN_ID)
    {
      g_value_set_int64 (value, id_at (self, index));
      return;
    }
  row = tern_message_list_model_peek_row (self, index);
  if (row == NULL)
    return;   /* the default value: blank */

  switch ((TernMessageListColumn) column)
    {
    case TERN_MESSAGE_LIST_COLUMN_SENDER:
      g_value_take_string (value, row_sender (row));
      break;
    case TERN_MESSAGE_LIST_COLUMN_SENDER_ADDRESS:
      g_value_set_string (value, row->from_address);
      break;
    case TERN_MESSAGE_LIST_COLUMN_SUBJECT:
      g_value_set_string (value, row->subject);
      break;
    case TERN_MESSAGE_LIST_COLUMN_DATE:
      {
        g_autoptr(GDateTime) now = g_date_time_new_now_local ();
        g_value_take_string (value, tern_message_list_format_date (row->date, now));
      }
      break;
    case TERN_MESSAGE_LIST_COLUMN_TIMESTAMP:
      g_value_set_int64 (value, row->date);
      break;
    case TERN_MESSAGE_LIST_COLUMN_UNREAD:
      g_value_set_boolean (value, (row->flags & TERN_FLAG_SEEN) == 0);
      break;
    case TERN_MESSAGE_LIST_COLUMN_FLAGGED:
      g_value_set_boolean (value, (row->flags & TERN_FLAG_FLAGGED) != 0);
      break;
    case TERN_MESSAGE_LIST_COLUMN_HAS_ATTACHMENT:
      g_value_set_boolean (value, row->has_attachments);
      break;
    case TERN_MESSAGE_LIST_COLUMN_PREVIEW:
      g_value_set_string (value, row->preview);
      break;
    case TERN_MESSAGE_LIST_COLUMN_FLAGS:
      g_value_set_uint (value, row->flags);
      break;
    case TERN_MESSAGE_LIST_COLUMN_FOLDER:
      g_value_set_string (value, row->folder);
      break;
    case TERN_MESSAGE_LIST_COLUMN_COUNT:
      g_value_set_uint (value, row->n_messages);
      break;
    case TERN_MESSAGE_LIST_COLUMN_DEPTH:
      g_value_set_uint (value, row->depth);
      break;
    case TERN_MESSAGE_LIST_COLUMN_EXPANDED:
      g_value_set_boolean (value, row->expanded);
      break;
    case TERN_MESSAGE_LIST_COLUMN_ID:
    case TERN_MESSAGE_LIST_N_COLUMNS:
    default:
      break;
    }
}

static gboolean
model_iter_next (GtkTreeModel *model, GtkTreeIter *iter)
{
  TernMessageListModel *self = TERN_MESSAGE_LIST_MODEL (model);
  guint index;

  if (!resolve_iter (self, iter, &index) || index + 1 >= self->ids->len)
    return FALSE;
  make_iter (self, index + 1, iter);
  return TRUE;
}

static gboolean
model_iter_previous (GtkTreeModel *model, GtkTreeIter *iter)
{
  TernMessageListModel *self = TERN_MESSAGE_LIST_MODEL (model);
  guint index;

  if (!resolve_iter (self, iter, &index) || index == 0)
    return FALSE;
  make_iter (self, index - 1, iter);
  return TRUE;
}

static gboolean
model_iter_children (GtkTreeModel *model, GtkTreeIter *iter, GtkTreeIter *parent)
{
  return model_iter_nth_child (model, iter, parent, 0);
}

static gboolean
model_iter_has_child (GtkTreeModel *model, GtkTreeIter *iter)
{
  return FALSE;
}

static int
model_iter_n_children (GtkTreeModel *model, GtkTreeIter *iter)
{
  TernMessageListModel *self = TERN_MESSAGE_LIST_MODEL (model);

  return iter == NULL ? (int) self->ids->len : 0;
}

static gboolean
model_iter_parent (GtkTreeModel *model, GtkTreeIter *iter, GtkTreeIter *child)
{
  return FALSE;
}

static void
tern_message_list_model_tree_model_init (GtkTreeModelIface *iface)
{
  iface->get_flags = model_get_flags;
  iface->get_n_columns = model_get_n_columns;
  iface->get_column_type = model_get_column_type;
  iface->get_iter = model_get_iter;
  iface->get_path = model_get_path;
  iface->get_value = model_get_value;
  iface->iter_next = model_iter_next;
  iface->iter_previous = model_iter_previous;
  iface->iter_children = model_iter_children;
  iface->iter_has_child = model_iter_has_child;
  iface->iter_n_children = model_iter_n_children;
  iface->iter_nth_child = model_iter_nth_child;
  iface->iter_parent = model_iter_parent;
}

/* ---- replacing the ids ---- */

static void
emit_deleted (TernMessageListModel *self, guint index)
{
  g_autoptr(GtkTreePath) path = gtk_tree_path_new_from_indices ((int) index, -1);

  /* A handler may read rows while the ids are half-way to their new
   * order; pages fetched then would be wrong after the next step. */
  drop_pages (self);
  gtk_tree_model_row_deleted (GTK_TREE_MODEL (self), path);
}

static void
emit_inserted (TernMessageListModel *self, guint index)
{
  g_autoptr(GtkTreePath) path = gtk_tree_path_new_from_indices ((int) index, -1);
  GtkTreeIter iter;

  drop_pages (self);
  make_iter (self, index, &iter);
  gtk_tree_model_row_inserted (GTK_TREE_MODEL (self), path, &iter);
}

static GHashTable *
index_ids (const gint64 *ids, guint n)
{
  /* Keys point into @ids, which must outlive the table. */
  GHashTable *set = g_hash_table_new (g_int64_hash, g_int64_equal);

  for (guint i = 0; i < n; i++)
    g_hash_table_insert (set, (gpointer) &ids[i], GUINT_TO_POINTER (i + 1));
  return set;
}

/* Removes the rows of [@from, @to) whose ids are not in @keep, one
 * row-deleted each. */
static void
delete_missing (TernMessageListModel *self, GHashTable *keep, guint from, guint to)
{
  for (guint i = to; i-- > from;)
    if (!g_hash_table_contains (keep, &g_array_index (self->ids, gint64, i)))
      {
        g_array_remove_index (self->ids, i);
        emit_deleted (self, i);
      }
}

/* Puts the @n_old rows from @from (those of @target that were there) in
 * the order they have in @target, if that differs: one rows-reordered,
 * for the whole list. */
static void
reorder_survivors (TernMessageListModel *self, guint from, guint n_old, const gint64 *target,
                   guint n_target)
{
  g_autoptr(GArray) old = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_old);
  g_autoptr(GHashTable) old_pos = NULL;
  g_autofree int *mid_order = g_new (int, MAX (n_old, 1));
  g_autofree int *new_order = NULL;
  g_autoptr(GtkTreePath) root = NULL;
  gboolean same = TRUE;
  guint k = 0, n = self->ids->len;

  g_array_append_vals (old, &g_array_index (self->ids, gint64, from), n_old);
  old_pos = index_ids ((const gint64 *) (void *) old->data, old->len);
  for (guint j = 0; j < n_target; j++)
    {
      gpointer pos = g_hash_table_lookup (old_pos, &target[j]);
      if (pos == NULL)
        continue;   /* a new row, inserted later */
      mid_order[k] = (int) GPOINTER_TO_UINT (pos) - 1;
      g_array_index (self->ids, gint64, from + k) = target[j];
      same = same && mid_order[k] == (int) k;
      k++;
    }
  g_assert (k == n_old);
  if (same || k == 0)
    return;
  drop_pages (self);
  new_order = g_new (int, n);
  for (guint i = 0; i < n; i++)
    new_order[i] = i >= from && i < from + n_old ? (int) from + mid_order[i - from] : (int) i;
  root = gtk_tree_path_new ();
  gtk_tree_model_rows_reordered_with_length (GTK_TREE_MODEL (self), root, NULL,
                                             new_order, (int) n);
}

/* How many rows from the start, then from the end, @ids has as the model
 * has them: the rows between are all a reload changes (new mail at the
 * top, a few rows gone), so that the work below is theirs, not the
 * folder's (with tables over every row, a reload of 100,000 took frames). */
static void
common_ends (TernMessageListModel *self, const gint64 *ids, guint n_ids, guint *head, guint *tail)
{
  const gint64 *old = (const gint64 *) (void *) self->ids->data;
  guint n_old = self->ids->len, limit = MIN (n_old, n_ids);

  for (*head = 0; *head < limit && old[*head] == ids[*head]; (*head)++)
    ;
  for (*tail = 0; *tail < limit - *head && old[n_old - 1 - *tail] == ids[n_ids - 1 - *tail];
       (*tail)++)
    ;
}

void
tern_message_list_model_set_ids (TernMessageListModel *self,
                                 const gint64         *ids,
                                 guint                 n_ids)
{
  g_autoptr(GHashTable) new_set = NULL;
  g_autoptr(GHashTable) old_set = NULL;
  g_autoptr(GArray) old_copy = NULL;
  guint head, tail, n_mid;

  g_return_if_fail (TERN_IS_MESSAGE_LIST_MODEL (self));
  g_return_if_fail (ids != NULL || n_ids == 0);

  if (n_ids == self->ids->len &&
      (n_ids == 0 || memcmp (ids, self->ids->data, n_ids * sizeof (gint64)) == 0))
    return;
  /* Pages are by position; positions are about to change. */
  drop_pages (self);

  /* A fresh model no view listens to yet (a folder being opened): take the
   * ids as they are; the view reads them when it is given the model,
   * instead of hearing 100,000 row-inserted signals first. */
  if (self->ids->len == 0 &&
      !g_signal_has_handler_pending (self, g_signal_lookup ("row-inserted", GTK_TYPE_TREE_MODEL),
                                     0, FALSE))
    {
      g_array_append_vals (self->ids, ids, n_ids);
      return;
    }

  /* Only [head, n - tail) of either list differs. */
  common_ends (self, ids, n_ids, &head, &tail);
  n_mid = n_ids - tail - head;
  new_set = index_ids (ids + head, n_mid);
  delete_missing (self, new_set, head, self->ids->len - tail);
  reorder_survivors (self, head, self->ids->len - tail - head, ids + head, n_mid);

  old_copy = g_array_sized_new (FALSE, FALSE, sizeof (gint64), self->ids->len - tail - head);
  g_array_append_vals (old_copy, &g_array_index (self->ids, gint64, head),
                       self->ids->len - tail - head);
  old_set = index_ids ((const gint64 *) (void *) old_copy->data, old_copy->len);
  /* Now the rows are the target order minus the new ids: insert those in
   * ascending position so every earlier position already matches. */
  for (guint j = head; j < head + n_mid; j++)
    if (!g_hash_table_contains (old_set, &ids[j]))
      {
        g_array_insert_val (self->ids, j, ids[j]);
        emit_inserted (self, j);
      }
  g_assert (self->ids->len == n_ids);
}

gboolean
tern_message_list_model_set_sort (TernMessageListModel  *self,
                                  TernMessageSort        sort,
                                  gboolean               descending,
                                  GError               **error)
{
  g_autoptr(GArray) ids = NULL;

  g_return_val_if_fail (TERN_IS_MESSAGE_LIST_MODEL (self), FALSE);
  ids = tern_message_source_list_ids (self->source, self->folder_id, sort, descending, error);
  if (ids == NULL)
    return FALSE;
  self->sort = sort;
  self->descending = descending;
  tern_message_list_model_set_ids (self, (const gint64 *) (void *) ids->data, ids->len);
  return TRUE;
}

TernMessageSort
tern_message_list_model_get_sort (TernMessageListModel *self, gboolean *descending)
{
  g_return_val_if_fail (TERN_IS_MESSAGE_LIST_MODEL (self), TERN_MESSAGE_SORT_DATE);
  if (descending != NULL)
    *descending = self->descending;
  return self->sort;
}

gboolean
tern_message_list_model_reload (TernMessageListModel *self, GError **error)
{
  return tern_message_list_model_set_sort (self, self->sort, self->descending, error);
}

void
tern_message_list_model_row_updated (TernMessageListModel *self, gint64 id)
{
  g_autoptr(GtkTreePath) path = NULL;
  GtkTreeIter iter;
  Page *page;
  guint index;

  g_return_if_fail (TERN_IS_MESSAGE_LIST_MODEL (self));
  if (!find_index (self, id, &index))
    return;
  page = g_hash_table_lookup (self->pages,
                              GUINT_TO_POINTER (index / self->page_size));
  if (page != NULL)
    {
      g_autoptr(GPtrArray) rows = NULL;
      g_autoptr(GError) error = NULL;
      TernMessageRow **slot = &page->rows[index % self->page_size];

      rows = tern_message_source_get_rows (self->source, &id, 1, &error);
      if (rows == NULL)
        g_warning ("Could not read message %" G_GINT64_FORMAT ": %s", id, error->message);
      else
        {
          tern_message_row_free (*slot);
          *slot = rows->len > 0 ? tern_message_row_copy (g_ptr_array_index (rows, 0)) : NULL;
        }
    }
  /* A row in no cached page is not on screen; its page is fetched fresh
   * when it scrolls in, but the view still needs to hear about it. */
  path = gtk_tree_path_new_from_indices ((int) index, -1);
  make_iter (self, index, &iter);
  gtk_tree_model_row_changed (GTK_TREE_MODEL (self), path, &iter);
}

/* ---- accessors ---- */

guint
tern_message_list_model_get_n_rows (TernMessageListModel *self)
{
  g_return_val_if_fail (TERN_IS_MESSAGE_LIST_MODEL (self), 0);
  return self->ids->len;
}

gint64
tern_message_list_model_get_id (TernMessageListModel *self, GtkTreeIter *iter)
{
  guint index;

  g_return_val_if_fail (TERN_IS_MESSAGE_LIST_MODEL (self), 0);
  if (!resolve_iter (self, iter, &index))
    return 0;
  return id_at (self, index);
}

gboolean
tern_message_list_model_get_iter_for_id (TernMessageListModel *self,
                                         gint64                id,
                                         GtkTreeIter          *iter)
{
  guint index;

  g_return_val_if_fail (TERN_IS_MESSAGE_LIST_MODEL (self), FALSE);
  if (!find_index (self, id, &index))
    return FALSE;
  make_iter (self, index, iter);
  return TRUE;
}

TernMessageSource *
tern_message_list_model_get_source (TernMessageListModel *self)
{
  g_return_val_if_fail (TERN_IS_MESSAGE_LIST_MODEL (self), NULL);
  return self->source;
}

gint64
tern_message_list_model_get_folder_id (TernMessageListModel *self)
{
  g_return_val_if_fail (TERN_IS_MESSAGE_LIST_MODEL (self), 0);
  return self->folder_id;
}

char *
tern_message_list_format_date (gint64 date, GDateTime *now)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (date);
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) today = NULL;
  GTimeSpan age;

  if (utc == NULL)
    return g_strdup ("");
  local = g_date_time_to_timezone (utc, g_date_time_get_timezone (now));
  today = g_date_time_new (g_date_time_get_timezone (now),
                           g_date_time_get_year (now), g_date_time_get_month (now),
                           g_date_time_get_day_of_month (now), 0, 0, 0);
  age = g_date_time_difference (today, local);
  if (age <= 0 && g_date_time_difference (local, now) < G_TIME_SPAN_DAY)
    /* Translators: time of a message received today, see g_date_time_format() */
    return g_date_time_format (local, _("%H:%M"));
  if (age > 0 && age <= 6 * G_TIME_SPAN_DAY)
    /* Translators: weekday of a message received this week */
    return g_date_time_format (local, _("%a"));
  if (g_date_time_get_year (local) == g_date_time_get_year (now))
    /* Translators: date of a message received this year */
    return g_date_time_format (local, _("%b %-d"));
  /* Translators: date of an older message */
  return g_date_time_format (local, _("%b %-d, %Y"));
}

/* ---- GObject ---- */

static void
tern_message_list_model_finalize (GObject *object)
{
  TernMessageListModel *self = TERN_MESSAGE_LIST_MODEL (object);

  drop_pages (self);
  g_hash_table_unref (self->pages);
  g_array_unref (self->ids);
  g_clear_object (&self->source);
  G_OBJECT_CLASS (tern_message_list_model_parent_class)->finalize (object);
}

static void
tern_message_list_model_class_init (TernMessageListModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_message_list_model_finalize;
}

static void
tern_message_list_model_init (TernMessageListModel *self)
{
  self->stamp = g_random_int_range (1, G_MAXINT);
  self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->page_size = TERN_MESSAGE_LIST_PAGE_SIZE;
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, page_free);
  g_queue_init (&self->lru);
  self->sort = TERN_MESSAGE_SORT_DATE;
  self->descending = TRUE;
}

TernMessageListModel *
tern_message_list_model_new (TernMessageSource *source, gint64 folder_id)
{
  TernMessageListModel *self;

  g_return_val_if_fail (TERN_IS_MESSAGE_SOURCE (source), NULL);
  self = g_object_new (TERN_TYPE_MESSAGE_LIST_MODEL, NULL);
  self->source = g_object_ref (source);
  self->folder_id = folder_id;
  return self;
}

static gboolean
row_differs (const TernMessageRow *a, const TernMessageRow *b)
{
  if (a == NULL || b == NULL)
    return a != b;
  return a->flags != b->flags || a->has_attachments != b->has_attachments ||
         a->expanded != b->expanded || a->n_messages != b->n_messages ||
         g_strcmp0 (a->subject, b->subject) != 0 || g_strcmp0 (a->preview, b->preview) != 0;
}

void
tern_message_list_model_refresh_cached (TernMessageListModel *self)
{
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  GHashTableIter it;
  gpointer key;

  g_return_if_fail (TERN_IS_MESSAGE_LIST_MODEL (self));
  /* Collect first: the row-changed handlers below may page rows in and out. */
  g_hash_table_iter_init (&it, self->pages);
  while (g_hash_table_iter_next (&it, &key, NULL))
    {
      guint number = GPOINTER_TO_UINT (key);
      g_array_append_val (numbers, number);
    }
  for (guint n = 0; n < numbers->len; n++)
    {
      guint number = g_array_index (numbers, guint, n);
      Page *page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (number));
      Page *fresh;
      g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (guint));

      if (page == NULL)
        continue;
      fresh = fetch_page (self, number);
      for (guint i = 0; i < page->n_rows && i < fresh->n_rows; i++)
        if (row_differs (page->rows[i], fresh->rows[i]))
          {
            TernMessageRow *tmp = page->rows[i];
            guint index = number * self->page_size + i;

            page->rows[i] = fresh->rows[i];
            fresh->rows[i] = tmp;
            g_array_append_val (changed, index);
          }
      page_free (fresh);
      for (guint i = 0; i < changed->len; i++)
        {
          guint index = g_array_index (changed, guint, i);
          g_autoptr(GtkTreePath) path = gtk_tree_path_new_from_indices ((int) index, -1);
          GtkTreeIter iter;

          make_iter (self, index, &iter);
          gtk_tree_model_row_changed (GTK_TREE_MODEL (self), path, &iter);
        }
    }
}
