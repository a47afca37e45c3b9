/* tern-store-message-source.c: TernMessageSource over TernStore. */
#include <glib/gi18n.h>

#include "mime/tern-mime-parse.h"
#include "tern-folder-sidebar.h"
#include "tern-store-message-source.h"

struct _TernStoreMessageSource
{
  GObject parent_instance;
  TernStore *store;
  char *search;
  GArray *results;   /* the search's ids, found off the main loop; NULL: search here */
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

  if (self->search != NULL && self->results != NULL)
    return g_array_copy (self->results);
  if (self->search != NULL)
    return tern_store_search (self->store, 0, 0, self->search, TERN_SEARCH_LIMIT, error);
  return tern_store_list_message_ids (self->store, folder_id, to_store_sort (sort),
                                      descending, error);
}

/* The recipients' names (else addresses), for the list of Sent and Drafts. */
static char *
recipients_text (const TernMessageSummary *s)
{
  g_autoptr(GPtrArray) list = tern_address_list_parse (s->to_display != NULL ? s->to_display
                                                                              : s->to_addresses);
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      TernAddress *a = g_ptr_array_index (list, i);
      const char *name = a->name != NULL && *a->name != '\0' ? a->name : a->address;

      g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "", name != NULL ? name : "");
    }
  /* TRANSLATORS: the list shows whom a sent message or a draft is for. */
  return g_strdup_printf (_("To: %s"), names->len > 0 ? names->str : _("(no recipients)"));
}

static gboolean
is_outgoing (TernFolderRole role)
{
  return role == TERN_FOLDER_ROLE_SENT || role == TERN_FOLDER_ROLE_DRAFTS ||
         role == TERN_FOLDER_ROLE_OUTBOX;
}

/* The folder of a row, read once per page (folder id -> TernFolder). */
static const TernFolder *
row_folder (TernStoreMessageSource *self, GHashTable *folders, gint64 folder_id)
{
  TernFolder *f = g_hash_table_lookup (folders, &folder_id);

  if (f == NULL && (f = tern_store_get_folder (self->store, folder_id, NULL)) != NULL)
    g_hash_table_insert (folders, g_memdup2 (&folder_id, sizeof folder_id), f);
  return f;
}

static TernMessageRow *
row_from_summary (TernStoreMessageSource *self, GHashTable *folders, const TernMessageSummary *s)
{
  TernMessageRow *row = tern_message_row_new ();
  const TernFolder *folder = row_folder (self, folders, s->folder_id);

  row->id = s->id;
  /* Sent and Drafts are about whom they went to, not about the sender. */
  if (folder != NULL && is_outgoing (folder->role))
    row->from_name = recipients_text (s);
  else
    row->from_name = g_strdup (s->from_name);
  row->from_address = g_strdup (s->from_address);
  /* Search results come from every folder: each says which. */
  if (self->search != NULL && folder != NULL)
    row->folder = tern_folder_display_name (folder);
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
  g_autoptr(GHashTable) folders = NULL;
  GPtrArray *rows;

  if (summaries == NULL)
    return NULL;
  folders = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                   (GDestroyNotify) tern_folder_free);
  rows = g_ptr_array_new_full (summaries->len, (GDestroyNotify) tern_message_row_free);
  for (guint i = 0; i < summaries->len; i++)
    g_ptr_array_add (rows, row_from_summary (self, folders, g_ptr_array_index (summaries, i)));
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
  g_clear_pointer (&self->results, g_array_unref);
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
  g_clear_pointer (&self->results, g_array_unref);
}

void
tern_store_message_source_set_results (TernStoreMessageSource *self, GArray *ids)
{
  g_return_if_fail (TERN_IS_STORE_MESSAGE_SOURCE (self));
  g_clear_pointer (&self->results, g_array_unref);
  if (ids != NULL)
    self->results = g_array_ref (ids);
}

const char *
tern_store_message_source_get_search (TernStoreMessageSource *self)
{
  return self->search;
}
