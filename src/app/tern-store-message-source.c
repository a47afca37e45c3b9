/* tern-store-message-source.c: TernMessageSource over TernStore. */
#include "tern-store-message-source.h"

struct _TernStoreMessageSource
{
  GObject parent_instance;
  TernStore *store;
  char *search;
};

static void tern_store_message_source_iface_init (TernMessageSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TernStoreMessageSource, tern_store_message_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TERN_TYPE_MESSAGE_SOURCE,
                                                      tern_store_message_source_iface_init))

static TernSortOrder
to_store_sort (TernMessageSort sort)
{
  switch (sort)
    {
    case TERN_MESSAGE_SORT_SENDER:
      return TERN_SORT_SENDER;
    case TERN_MESSAGE_SORT_SUBJECT:
      return TERN_SORT_SUBJECT;
    case TERN_MESSAGE_SORT_DATE:
    default:
      return TERN_SORT_DATE;
    }
}

static GArray *
source_list_ids (TernMessageSource *source, gint64 folder_id, TernMessageSort sort,
                 gboolean descending, GError **error)
{
  TernStoreMessageSource *self = TERN_STORE_MESSAGE_SOURCE (source);

  if (self->search != NULL)
    return tern_store_search (self->store, 0, 0, self->search, TERN_SEARCH_LIMIT, error);
  return tern_store_list_message_ids (self->store, folder_id, to_store_sort (sort),
                                      descending, error);
}

static TernMessageRow *
row_from_summary (const TernMessageSummary *s)
{
  TernMessageRow *row = tern_message_row_new ();

  row->id = s->id;
  row->from_name = g_strdup (s->from_name);
  row->from_address = g_strdup (s->from_address);
  row->subject = g_strdup (s->subject);
  row->date = s->date != 0 ? s->date : s->internal_date;
  row->flags = s->flags;
  row->has_attachments = s->has_attachments;
  row->preview = g_strdup (s->preview);
  return row;
}

static GPtrArray *
source_get_rows (TernMessageSource *source, const gint64 *ids, guint n_ids, GError **error)
{
  TernStoreMessageSource *self = TERN_STORE_MESSAGE_SOURCE (source);
  g_autoptr(GPtrArray) summaries = tern_store_get_summaries (self->store, ids, n_ids, error);
  GPtrArray *rows;

  if (summaries == NULL)
    return NULL;
  rows = g_ptr_array_new_full (summaries->len, (GDestroyNotify) tern_message_row_free);
  for (guint i = 0; i < summaries->len; i++)
    g_ptr_array_add (rows, row_from_summary (g_ptr_array_index (summaries, i)));
  return rows;
}

static void
tern_store_message_source_iface_init (TernMessageSourceInterface *iface)
{
  iface->list_ids = source_list_ids;
  iface->get_rows = source_get_rows;
}

static void
tern_store_message_source_finalize (GObject *object)
{
  TernStoreMessageSource *self = TERN_STORE_MESSAGE_SOURCE (object);

  g_clear_object (&self->store);
  g_free (self->search);
  G_OBJECT_CLASS (tern_store_message_source_parent_class)->finalize (object);
}

static void
tern_store_message_source_class_init (TernStoreMessageSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_store_message_source_finalize;
}

static void
tern_store_message_source_init (TernStoreMessageSource *self)
{
}

TernStoreMessageSource *
tern_store_message_source_new (TernStore *store)
{
  TernStoreMessageSource *self = g_object_new (TERN_TYPE_STORE_MESSAGE_SOURCE, NULL);

  self->store = g_object_ref (store);
  return self;
}

void
tern_store_message_source_set_search (TernStoreMessageSource *self, const char *query)
{
  g_return_if_fail (TERN_IS_STORE_MESSAGE_SOURCE (self));
  g_free (self->search);
  self->search = (query != NULL && *query != '\0') ? g_strdup (query) : NULL;
}

const char *
tern_store_message_source_get_search (TernStoreMessageSource *self)
{
  return self->search;
}
