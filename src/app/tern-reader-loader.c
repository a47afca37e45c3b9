/* tern-reader-loader.c: raw message -> TernReaderMessage. */
#include "mime/tern-mime-parse.h"
#include "mime/tern-mime-render.h"
#include "tern-reader-loader.h"

static GBytes *
load_part (const char *part_id, gpointer user_data, GError **error)
{
  return tern_mime_get_part_bytes (user_data, part_id, NULL, error);
}

static char *
display_from (const TernParsedMessage *parsed)
{
  g_autoptr(TernAddress) from = tern_address_new (parsed->from_name, parsed->from_address);

  return tern_address_to_display (from);
}

TernReaderMessage *
tern_reader_message_new_from_raw (GBytes *raw, GError **error)
{
  TernParsedMessage *parsed = tern_parsed_message_new_from_bytes (raw, error);
  TernReaderMessage *message;

  if (parsed == NULL)
    return NULL;
  message = tern_reader_message_new ();
  message->from = display_from (parsed);
  message->sender_address = g_strdup (parsed->from_address);
  message->to = g_strdup (parsed->to);
  message->cc = *parsed->cc != '\0' ? g_strdup (parsed->cc) : NULL;
  message->subject = g_strdup (parsed->subject);
  if (parsed->date != 0)
    message->date = g_date_time_new_from_unix_local (parsed->date);
  message->text_html = tern_mime_render_html_body (parsed);
  message->text_plain = tern_mime_render_plain_body (parsed);
  for (guint i = 0; i < parsed->attachments->len; i++)
    {
      TernMimeAttachment *att = g_ptr_array_index (parsed->attachments, i);

      tern_reader_message_add_part (message, att->part_path,
                                    *att->filename != '\0' ? att->filename : NULL,
                                    att->content_type, att->content_id, att->size,
                                    att->is_inline_image);
    }
  /* The parsed message lives as long as the reader message: parts are
   * decoded from it when saved or shown. */
  tern_reader_message_set_load_part_func (message, load_part, parsed,
                                          (GDestroyNotify) tern_parsed_message_free);
  return message;
}
