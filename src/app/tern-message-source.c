/* tern-message-source.c: the row source interface of the message list. */
#include "tern-message-source.h"

G_DEFINE_INTERFACE (TernMessageSource, tern_message_source, G_TYPE_OBJECT)

static void
tern_message_source_default_init (TernMessageSourceInterface *iface)
{
}

TernMessageRow *
tern_message_row_new (void)
{
  return g_new0 (TernMessageRow, 1);
}

TernMessageRow *
tern_message_row_copy (const TernMessageRow *row)
{
  TernMessageRow *copy = g_new0 (TernMessageRow, 1);

  *copy = *row;
  copy->from_name = g_strdup (row->from_name);
  copy->from_address = g_strdup (row->from_address);
  copy->subject = g_strdup (row->subject);
  copy->preview = g_strdup (row->preview);
  copy->folder = g_strdup (row->folder);
  return copy;
}

void
tern_message_row_free (TernMessageRow *row)
{
  if (row == NULL)
    return;
  g_free (row->from_name);
  g_free (row->from_address);
  g_free (row->subject);
  g_free (row->preview);
  g_free (row->folder);
  g_free (row);
}

G_DEFINE_BOXED_TYPE (TernMessageRow, tern_message_row,
                     tern_message_row_copy, tern_message_row_free)

GArray *
tern_message_source_list_ids (TernMessageSource  *self,
                              gint64              folder_id,
                              TernMessageSort     sort,
                              gboolean            descending,
                              GError            **error)
{
  g_return_val_if_fail (TERN_IS_MESSAGE_SOURCE (self), NULL);
  return TERN_MESSAGE_SOURCE_GET_IFACE (self)->list_ids (self, folder_id, sort,
                                                        descending, error);
}

GPtrArray *
tern_message_source_get_rows (TernMessageSource  *self,
                              const gint64       *ids,
                              guint               n_ids,
                              GError            **error)
{
  g_return_val_if_fail (TERN_IS_MESSAGE_SOURCE (self), NULL);
  return TERN_MESSAGE_SOURCE_GET_IFACE (self)->get_rows (self, ids, n_ids, error);
}
