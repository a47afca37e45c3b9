/* tern-thread-message-source.c: TernMessageSource over the store's
 * conversations (see the header). */
#include "tern-thread-message-source.h"
#include "core/tern-error.h"
#include "tern-store-message-source.h"

struct _TernThreadMessageSource
{
  GObject parent_instance;
  TernStore *store;
  TernStoreMessageSource *messages;  /* the child rows' data, as in a plain folder */
  /* The conversations shown open (gint64 *, see expansion_key): by
   * conversation, not by head, since new mail makes a new head. */
  GHashTable *expanded;
};

static void tern_thread_message_source_iface_init (TernMessageSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TernThreadMessageSource, tern_thread_message_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TERN_TYPE_MESSAGE_SOURCE,
                                                      tern_thread_message_source_iface_init))

static GHashTable *expanded_heads (TernThreadMessageSource *self, gint64 folder_id,
                                   GError **error);

/* A conversation's key in self->expanded: its thread id, or minus the id
 * of its one message while that is not threaded (yet). */
static inline gint64
thread_key (gint64 thread_id, gint64 message_id)
{
  return thread_id != 0 ? thread_id : -message_id;
}

static GArray *
source_list_ids (TernMessageSource *source, gint64 folder_id, TernMessageSort sort,
                 gboolean descending, GError **error)
{
  TernThreadMessageSource *self = TERN_THREAD_MESSAGE_SOURCE (source);
  g_autoptr(GArray) heads = NULL;
  g_autoptr(GArray) out = NULL;
  g_autoptr(GHashTable) open = NULL;

  /* Conversations are listed newest first: the store pages them from an
   * index kept in that order (sql/007), at any folder size. */
  heads = tern_store_list_thread_heads (self->store, folder_id, error);
  if (heads == NULL || g_hash_table_size (self->expanded) == 0)
    return g_steal_pointer (&heads);
  if ((open = expanded_heads (self, folder_id, error)) == NULL)
    return NULL;
  out = g_array_sized_new (FALSE, FALSE, sizeof (gint64), heads->len);
  for (guint i = 0; i < heads->len; i++)
    {
      gint64 head = g_array_index (heads, gint64, i);
      GPtrArray *messages = g_hash_table_lookup (open, &head);

      g_array_append_val (out, head);
      /* Its messages in the folder, newest first: child rows, ids negated. */
      for (guint k = 0; messages != NULL && k < messages->len; k++)
        {
          gint64 child = -((TernMessageSummary *) g_ptr_array_index (messages, k))->id;
          g_array_append_val (out, child);
        }
    }
  return g_steal_pointer (&out);
}

static TernMessageRow *
row_from_thread (const TernThreadSummary *t)
{
  TernMessageRow *row = tern_message_row_new ();

  row->id = t->newest_id;
  row->thread_id = t->thread_id;
  row->n_messages = MAX (t->n_messages, t->n_in_folder);
  row->from_name = g_strdup (t->participants);
  row->from_address = g_strdup ("");
  row->subject = g_strdup (t->subject);
  row->date = t->newest_date;
  row->preview = g_strdup (t->preview);
  row->flags = (t->n_unread > 0 ? 0 : TERN_FLAG_SEEN) | (t->flagged ? TERN_FLAG_FLAGGED : 0);
  return row;
}

/* The child rows among @ids: a plain folder's rows, with their ids negated. */
static gboolean
add_child_rows (TernThreadMessageSource *self, GArray *children, GPtrArray *rows, GError **error)
{
  g_autoptr(GPtrArray) found = NULL;

  if (children->len == 0)
    return TRUE;
  found = tern_message_source_get_rows (TERN_MESSAGE_SOURCE (self->messages),
                                        (const gint64 *) (void *) children->data, children->len,
                                        error);
  if (found == NULL)
    return FALSE;
  for (guint i = 0; i < found->len; i++)
    {
      TernMessageRow *row = tern_message_row_copy (g_ptr_array_index (found, i));

      row->id = -row->id;
      row->depth = 1;
      g_ptr_array_add (rows, row);
    }
  return TRUE;
}

static GPtrArray *
source_get_rows (TernMessageSource *source, const gint64 *ids, guint n_ids, GError **error)
{
  TernThreadMessageSource *self = TERN_THREAD_MESSAGE_SOURCE (source);
  g_autoptr(GArray) heads = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) children = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) threads = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  for (guint i = 0; i < n_ids; i++)
    {
      gint64 message = tern_thread_message_source_row_message (ids[i]);

      g_array_append_val (ids[i] < 0 ? children : heads, message);
    }
  threads = tern_store_get_thread_summaries (self->store, (const gint64 *) (void *) heads->data,
                                             heads->len, error);
  if (threads == NULL)
    return NULL;
  rows = g_ptr_array_new_full (n_ids, (GDestroyNotify) tern_message_row_free);
  for (guint i = 0; i < threads->len; i++)
    {
      TernMessageRow *row = row_from_thread (g_ptr_array_index (threads, i));

      gint64 key = thread_key (row->thread_id, row->id);

      row->expanded = g_hash_table_contains (self->expanded, &key);
      g_ptr_array_add (rows, row);
    }
  if (!add_child_rows (self, children, rows, error))
    return NULL;
  return g_steal_pointer (&rows);
}

static void
tern_thread_message_source_iface_init (TernMessageSourceInterface *iface)
{
  iface->list_ids = source_list_ids;
  iface->get_rows = source_get_rows;
}

static gint64
summary_date (const TernMessageSummary *m)
{
  return m->date != 0 ? m->date : m->internal_date;
}

static int
newest_first (gconstpointer a, gconstpointer b)
{
  const TernMessageSummary *x = *(TernMessageSummary * const *) a;
  const TernMessageSummary *y = *(TernMessageSummary * const *) b;
  gint64 dx = summary_date (x), dy = summary_date (y);

  if (dx != dy)
    return dx > dy ? -1 : 1;
  return x->id > y->id ? -1 : x->id < y->id;
}

/* The messages of conversation @thread_id in folder @folder_id, newest
 * first. */
static GPtrArray *
thread_messages (TernThreadMessageSource *self, gint64 thread_id, gint64 folder_id,
                 GError **error)
{
  g_autoptr(GArray) ids = tern_store_list_thread_messages (self->store, thread_id, error);
  g_autoptr(GPtrArray) all = NULL;
  GPtrArray *out;

  if (ids == NULL)
    return NULL;
  all = tern_store_get_summaries (self->store, (const gint64 *) ids->data, ids->len, error);
  if (all == NULL)
    return NULL;
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_message_summary_free);
  for (guint i = 0; i < all->len; i++)
    {
      TernMessageSummary *m = g_ptr_array_index (all, i);

      if (m->folder_id == folder_id)
        g_ptr_array_add (out, g_ptr_array_steal_index (all, i--));
    }
  g_ptr_array_sort (out, newest_first);
  return out;
}

/* The conversation's messages in @head's folder (head included), newest
 * first; a conversation of one if @head is not threaded (yet). */
static GPtrArray *
thread_in_folder (TernThreadMessageSource *self, gint64 head, GError **error)
{
  g_autoptr(TernMessageSummary) s = tern_store_get_message (self->store, head, error);

  if (s == NULL)
    return NULL;
  if (s->thread_id == 0)
    return tern_store_get_summaries (self->store, &head, 1, error);
  return thread_messages (self, s->thread_id, s->folder_id, error);
}

/* thread_in_folder(), where a head deleted meanwhile has no messages. */
static GPtrArray *
thread_or_none (TernThreadMessageSource *self, gint64 head, GError **error)
{
  g_autoptr(GError) local = NULL;
  GPtrArray *messages = thread_in_folder (self, head, &local);

  if (messages == NULL && g_error_matches (local, TERN_ERROR, TERN_ERROR_NOT_FOUND))
    return g_ptr_array_new ();
  if (messages == NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  return messages;
}

/* The key of @head's conversation in self->expanded, 0 if it is gone. */
static gint64
expansion_key (TernThreadMessageSource *self, gint64 head)
{
  g_autoptr(TernMessageSummary) s = tern_store_get_message (self->store, head, NULL);

  return s != NULL ? thread_key (s->thread_id, head) : 0;
}

/* Each open conversation's messages in @folder_id, newest first, under
 * every one of their ids (gint64 * -> GPtrArray, shared): whichever of
 * them is the conversation's head now (new mail makes a new one) finds
 * its children. */
static GHashTable *
expanded_heads (TernThreadMessageSource *self, gint64 folder_id, GError **error)
{
  g_autoptr(GHashTable) open = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                      (GDestroyNotify) g_ptr_array_unref);
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->expanded);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      gint64 k = *(gint64 *) key;
      g_autoptr(GPtrArray) messages = k > 0 ? thread_messages (self, k, folder_id, error)
                                            : thread_or_none (self, -k, error);

      if (messages == NULL)
        return NULL;
      for (guint i = 0; i < messages->len; i++)
        {
          TernMessageSummary *m = g_ptr_array_index (messages, i);

          if (m->folder_id == folder_id)
            g_hash_table_insert (open, g_memdup2 (&m->id, sizeof m->id),
                                 g_ptr_array_ref (messages));
        }
    }
  return g_steal_pointer (&open);
}

static void
add_once (GArray *out, GHashTable *seen, gint64 id)
{
  if (g_hash_table_contains (seen, &id))
    return;
  g_hash_table_add (seen, g_memdup2 (&id, sizeof id));
  g_array_append_val (out, id);
}

/* Appends the messages of the conversation headed by @head that are not
 * in @out yet. */
static gboolean
append_thread (TernThreadMessageSource *self, gint64 head, GArray *out, GHashTable *seen,
               GError **error)
{
  g_autoptr(GPtrArray) messages = thread_or_none (self, head, error);

  for (guint i = 0; messages != NULL && i < messages->len; i++)
    add_once (out, seen, ((TernMessageSummary *) g_ptr_array_index (messages, i))->id);
  return messages != NULL;
}

GArray *
tern_thread_message_source_expand (TernThreadMessageSource *self, const gint64 *head_ids,
                                   guint n_ids, GError **error)
{
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  g_return_val_if_fail (TERN_IS_THREAD_MESSAGE_SOURCE (self), NULL);
  for (guint i = 0; i < n_ids; i++)
    add_once (out, seen, tern_thread_message_source_row_message (head_ids[i]));
  for (guint i = 0; i < n_ids; i++)
    if (head_ids[i] > 0 && !append_thread (self, head_ids[i], out, seen, error))
      return NULL;
  return g_steal_pointer (&out);
}

void
tern_thread_message_source_set_expanded (TernThreadMessageSource *self, gint64 head_id,
                                         gboolean expanded)
{
  gint64 key;

  g_return_if_fail (TERN_IS_THREAD_MESSAGE_SOURCE (self));
  key = expansion_key (self, head_id);
  if (!expanded)
    g_hash_table_remove (self->expanded, &key);
  else if (key != 0 && !g_hash_table_contains (self->expanded, &key))
    g_hash_table_add (self->expanded, g_memdup2 (&key, sizeof key));
}

gboolean
tern_thread_message_source_get_expanded (TernThreadMessageSource *self, gint64 head_id)
{
  gint64 key;

  g_return_val_if_fail (TERN_IS_THREAD_MESSAGE_SOURCE (self), FALSE);
  key = expansion_key (self, head_id);
  return key != 0 && g_hash_table_contains (self->expanded, &key);
}

void
tern_thread_message_source_collapse_all (TernThreadMessageSource *self)
{
  g_return_if_fail (TERN_IS_THREAD_MESSAGE_SOURCE (self));
  g_hash_table_remove_all (self->expanded);
}

static void
tern_thread_message_source_finalize (GObject *object)
{
  TernThreadMessageSource *self = TERN_THREAD_MESSAGE_SOURCE (object);

  g_clear_object (&self->store);
  g_clear_object (&self->messages);
  g_clear_pointer (&self->expanded, g_hash_table_unref);
  G_OBJECT_CLASS (tern_thread_message_source_parent_class)->finalize (object);
}

static void
tern_thread_message_source_class_init (TernThreadMessageSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_thread_message_source_finalize;
}

static void
tern_thread_message_source_init (TernThreadMessageSource *self)
{
  self->expanded = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

TernThreadMessageSource *
tern_thread_message_source_new (TernStore *store)
{
  TernThreadMessageSource *self = g_object_new (TERN_TYPE_THREAD_MESSAGE_SOURCE, NULL);

  self->store = g_object_ref (store);
  self->messages = tern_store_message_source_new (store);
  return self;
}
