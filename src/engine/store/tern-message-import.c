/* tern-message-import.c: parsed message -> store record. */
#include "store/tern-message-import.h"
#include "store/tern-store-private.h"

static char *
join_addresses (GPtrArray *list)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      TernAddress *a = g_ptr_array_index (list, i);

      if (a->address == NULL || *a->address == '\0')
        continue;
      if (s->len > 0)
        g_string_append (s, ", ");
      g_string_append (s, a->address);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static char *
join_references (GPtrArray *refs)
{
  if (refs == NULL || refs->len == 0)
    return NULL;
  g_ptr_array_add (refs, NULL);
  {
    char *joined = g_strjoinv (" ", (char **) refs->pdata);
    g_ptr_array_remove_index (refs, refs->len - 1);
    return joined;
  }
}

static void
fill_attachments (TernImportedMessage *msg)
{
  GPtrArray *atts = msg->parsed->attachments;

  msg->attachments = g_array_new (FALSE, TRUE, sizeof (TernAttachmentRecord));
  for (guint i = 0; atts != NULL && i < atts->len; i++)
    {
      TernMimeAttachment *a = g_ptr_array_index (atts, i);
      TernAttachmentRecord r = {
        .part_path = a->part_path,
        .name = a->filename,
        .mime_type = a->content_type,
        .size = (gint64) a->size,
      };

      if (a->is_inline_image)
        continue;
      g_array_append_val (msg->attachments, r);
    }
  msg->record.attachments = (const TernAttachmentRecord *) msg->attachments->data;
  msg->record.n_attachments = msg->attachments->len;
}

TernImportedMessage *
tern_imported_message_new (GBytes *raw, gboolean headers_only, GError **error)
{
  g_autoptr(TernImportedMessage) msg = g_new0 (TernImportedMessage, 1);
  TernParsedMessage *p;
  TernMessageRecord *r = &msg->record;

  msg->parsed = headers_only ? tern_parsed_message_new_from_headers (raw, error)
                             : tern_parsed_message_new_from_bytes (raw, error);
  if (msg->parsed == NULL)
    return NULL;
  p = msg->parsed;
  msg->to_addresses = join_addresses (p->to_list);
  msg->cc_addresses = join_addresses (p->cc_list);
  msg->references = join_references (p->references);

  r->message_id = p->message_id;
  r->in_reply_to = p->in_reply_to;
  r->references = msg->references;
  r->subject = p->subject;
  r->from_name = p->from_name;
  r->from_address = p->from_address;
  r->to_display = p->to;
  r->to_addresses = msg->to_addresses;
  r->cc_display = p->cc;
  r->cc_addresses = msg->cc_addresses;
  r->date = p->date;
  r->size = (gint64) g_bytes_get_size (raw);
  r->has_attachments = p->has_attachments;
  r->preview = p->preview;
  r->body_state = headers_only ? TERN_BODY_STATE_HEADERS : TERN_BODY_STATE_FULL;
  msg->raw = headers_only ? NULL : g_bytes_ref (raw);
  r->raw = msg->raw;
  r->body_text = headers_only ? NULL : p->body_text;
  fill_attachments (msg);
  /* Packed here, on a parsing thread of the sync, rather than on the
   * store's one thread, where zstd was a fifth of the time. */
  if (!headers_only)
    {
      msg->packed_raw = tern_store_pack_bytes (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
      /* Only valid text: the store repairs the rest as it binds it. */
      if (r->body_text != NULL && g_utf8_validate (r->body_text, -1, NULL))
        msg->packed_body_text = tern_store_pack_bytes (r->body_text, strlen (r->body_text));
      r->packed_raw = msg->packed_raw;
      r->packed_body_text = msg->packed_body_text;
    }
  /* The GMime tree holds a copy of the message and is slow to free: let it
   * go now, on the parsing thread, rather than with the stored chunk. */
  tern_parsed_message_drop_mime (p);
  return g_steal_pointer (&msg);
}

TernImportedMessage *
tern_imported_message_new_unparseable (GBytes *raw)
{
  TernImportedMessage *msg = g_new0 (TernImportedMessage, 1);

  msg->record.subject = "(this message could not be read)";
  msg->record.size = (gint64) g_bytes_get_size (raw);
  /* Owned, not borrowed: the caller's reference may go first. */
  msg->raw = g_bytes_ref (raw);
  msg->record.raw = msg->raw;
  msg->record.body_state = TERN_BODY_STATE_FULL;
  return msg;
}

void
tern_imported_message_free (TernImportedMessage *msg)
{
  if (msg == NULL)
    return;
  g_clear_pointer (&msg->parsed, tern_parsed_message_free);
  g_clear_pointer (&msg->raw, g_bytes_unref);
  g_clear_pointer (&msg->packed_raw, g_bytes_unref);
  g_clear_pointer (&msg->packed_body_text, g_bytes_unref);
  g_free (msg->to_addresses);
  g_free (msg->cc_addresses);
  g_free (msg->references);
  g_free (msg->keywords);
  if (msg->attachments != NULL)
    g_array_unref (msg->attachments);
  g_free (msg);
}

void
tern_imported_message_set_keywords (TernImportedMessage *msg, const char *keywords)
{
  g_free (msg->keywords);
  msg->keywords = g_strdup (keywords);
  msg->record.keywords = msg->keywords;
}
