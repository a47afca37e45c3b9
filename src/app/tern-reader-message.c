/* tern-reader-message.c: the parsed message handed to the reader. */
#include <glib/gi18n.h>

#include "core/tern-error.h"
#include "tern-reader-message.h"

G_DEFINE_BOXED_TYPE (TernReaderMessage, tern_reader_message,
                     tern_reader_message_ref, tern_reader_message_unref)

static void
part_free (gpointer data)
{
  TernReaderPart *part = data;

  g_free (part->part_id);
  g_free (part->filename);
  g_free (part->content_type);
  g_free (part->content_id);
  g_free (part);
}

TernReaderMessage *
tern_reader_message_new (void)
{
  TernReaderMessage *message = g_new0 (TernReaderMessage, 1);

  message->parts = g_ptr_array_new_with_free_func (part_free);
  g_atomic_ref_count_init (&message->ref_count);
  return message;
}

TernReaderMessage *
tern_reader_message_ref (TernReaderMessage *message)
{
  g_return_val_if_fail (message != NULL, NULL);
  g_atomic_ref_count_inc (&message->ref_count);
  return message;
}

void
tern_reader_message_unref (TernReaderMessage *message)
{
  if (message == NULL || !g_atomic_ref_count_dec (&message->ref_count))
    return;
  if (message->load_part_destroy != NULL)
    message->load_part_destroy (message->load_part_data);
  g_free (message->from);
  g_free (message->sender_address);
  g_free (message->to);
  g_free (message->cc);
  g_free (message->subject);
  g_clear_pointer (&message->date, g_date_time_unref);
  g_free (message->text_plain);
  g_free (message->text_html);
  g_ptr_array_unref (message->parts);
  g_free (message);
}

static char *
strip_angles (const char *content_id)
{
  gsize len;

  if (content_id == NULL)
    return NULL;
  len = strlen (content_id);
  if (len >= 2 && content_id[0] == '<' && content_id[len - 1] == '>')
    return g_strndup (content_id + 1, len - 2);
  return g_strdup (content_id);
}

TernReaderPart *
tern_reader_message_add_part (TernReaderMessage *message,
                              const char        *part_id,
                              const char        *filename,
                              const char        *content_type,
                              const char        *content_id,
                              guint64            size,
                              gboolean           is_inline)
{
  TernReaderPart *part = g_new0 (TernReaderPart, 1);

  g_return_val_if_fail (message != NULL && part_id != NULL, NULL);
  part->part_id = g_strdup (part_id);
  part->filename = g_strdup (filename);
  part->content_type = g_strdup (content_type != NULL ? content_type : "application/octet-stream");
  part->content_id = strip_angles (content_id);
  part->size = size;
  part->is_inline = is_inline;
  g_ptr_array_add (message->parts, part);
  return part;
}

void
tern_reader_message_set_load_part_func (TernReaderMessage      *message,
                                        TernReaderLoadPartFunc  func,
                                        gpointer                user_data,
                                        GDestroyNotify          destroy)
{
  g_return_if_fail (message != NULL);
  if (message->load_part_destroy != NULL)
    message->load_part_destroy (message->load_part_data);
  message->load_part = func;
  message->load_part_data = user_data;
  message->load_part_destroy = destroy;
}

GBytes *
tern_reader_message_load_part (TernReaderMessage  *message,
                               const char         *part_id,
                               GError            **error)
{
  g_return_val_if_fail (message != NULL && part_id != NULL, NULL);
  if (message->load_part == NULL)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND,
                   _("The contents of this part are not available"));
      return NULL;
    }
  return message->load_part (part_id, message->load_part_data, error);
}

const TernReaderPart *
tern_reader_message_find_content_id (TernReaderMessage *message,
                                     const char        *content_id)
{
  g_autofree char *wanted = strip_angles (content_id);

  g_return_val_if_fail (message != NULL, NULL);
  if (wanted == NULL)
    return NULL;
  for (guint i = 0; i < message->parts->len; i++)
    {
      const TernReaderPart *part = g_ptr_array_index (message->parts, i);
      if (part->content_id != NULL && g_ascii_strcasecmp (part->content_id, wanted) == 0)
        return part;
    }
  return NULL;
}
