/* tern-thread-message-source.c: TernMessageSource over the store's
 * conversations (see the header). */
#include "tern-thread-message-source.h"
#include "core/tern-error.h"

struct _TernThreadMessageSource
{
  GObject parent_instance;
  TernStore *store;
};

static void tern_thread_message_source_iface_init (TernMessageSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TernThreadMessageSource, tern_thread_message_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TERN_TYPE_MESSAGE_SOURCE,
                                                      tern_thread_message_source_iface_init))

static GArray *
source_list_ids (TernMessageSource *source, gint64 folder_id, TernMessageSort sort,
                 gboolean descending, GError **error)
{
  /* Conversations are listed newest first: the store pages them from an
   * index kept in that order (sql/007), at any folder size. */
  return tern_store_list_thread_heads (TERN_THREAD_MESSAGE_SOURCE (source)->store, folder_id,
                                       error);
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

static GPtrArray *
source_get_rows (TernMessageSource *source, const gint64 *ids, guint n_ids, GError **error)
{
  TernThreadMessageSource *self = TERN_THREAD_MESSAGE_SOURCE (source);
  g_autoptr(GPtrArray) threads = tern_store_get_thread_summaries (self->store, ids, n_ids, error);
  GPtrArray *rows;

  if (threads == NULL)
    return NULL;
  rows = g_ptr_array_new_full (threads->len, (GDestroyNotify) tern_message_row_free);
  for (guint i = 0; i < threads->len; i++)
    g_ptr_array_add (rows, row_from_thread (g_ptr_array_index (threads, i)));
  return rows;
}

static void
tern_thread_message_source_iface_init (TernMessageSourceInterface *iface)
{
  iface->list_ids = source_list_ids;
  iface->get_rows = source_get_rows;
}

/* Appends the conversation's messages in @folder_id other than @head. */
static gboolean
append_thread (TernThreadMessageSource *self, gint64 head, GArray *out, GError **error)
{
  g_autoptr(TernMessageSummary) s = tern_store_get_message (self->store, head, error);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  if (s == NULL)
    return FALSE;
  if (s->thread_id == 0)
    return TRUE;
  ids = tern_store_list_thread_messages (self->store, s->thread_id, error);
  if (ids == NULL)
    return FALSE;
  rows = tern_store_get_summaries (self->store, (const gint64 *) ids->data, ids->len, error);
  if (rows == NULL)
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      TernMessageSummary *m = g_ptr_array_index (rows, i);

      if (m->id != head && m->folder_id == s->folder_id)
        g_array_append_val (out, m->id);
    }
  return TRUE;
}

GArray *
tern_thread_message_source_expand (TernThreadMessageSource *self, const gint64 *head_ids,
                                   guint n_ids, GError **error)
{
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (TERN_IS_THREAD_MESSAGE_SOURCE (self), NULL);
  g_array_append_vals (out, head_ids, n_ids);
  for (guint i = 0; i < n_ids; i++)
    {
      g_autoptr(GError) local = NULL;

      /* A head deleted meanwhile has nothing more to add. */
      if (!append_thread (self, head_ids[i], out, &local) &&
          !g_error_matches (local, TERN_ERROR, TERN_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
    }
  return g_steal_pointer (&out);
}

static void
tern_thread_message_source_finalize (GObject *object)
{
  g_clear_object (&TERN_THREAD_MESSAGE_SOURCE (object)->store);
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
}

TernThreadMessageSource *
tern_thread_message_source_new (TernStore *store)
{
  TernThreadMessageSource *self = g_object_new (TERN_TYPE_THREAD_MESSAGE_SOURCE, NULL);

  self->store = g_object_ref (store);
  return self;
}
