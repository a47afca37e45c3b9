/* tern-mime-compose.c: TernOutgoingMessage -> RFC 5322 bytes, and replies. */
#include "mime/tern-mime-compose.h"
#include "mime/tern-mime-private.h"
#include "core/tern-error.h"

#include <gio/gio.h>
#include <string.h>

#define MAX_REFERENCES 20

/* ---- the struct ---- */

static void
outgoing_attachment_free (TernOutgoingAttachment *att)
{
  g_free (att->filename);
  g_free (att->content_type);
  g_free (att->path);
  g_clear_pointer (&att->data, g_bytes_unref);
  g_free (att->content_id);
  g_free (att);
}

TernOutgoingMessage *
tern_outgoing_message_new (void)
{
  TernOutgoingMessage *msg = g_new0 (TernOutgoingMessage, 1);

  msg->to = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_address_free);
  msg->cc = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_address_free);
  msg->bcc = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_address_free);
  msg->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) outgoing_attachment_free);
  msg->references = g_ptr_array_new_with_free_func (g_free);
  msg->extra_headers = g_ptr_array_new_with_free_func (g_free);
  return msg;
}

void
tern_outgoing_message_free (TernOutgoingMessage *msg)
{
  if (msg == NULL)
    return;
  g_free (msg->from_name);
  g_free (msg->from_address);
  g_ptr_array_unref (msg->to);
  g_ptr_array_unref (msg->cc);
  g_ptr_array_unref (msg->bcc);
  g_free (msg->subject);
  g_free (msg->body);
  g_ptr_array_unref (msg->attachments);
  g_free (msg->in_reply_to);
  g_ptr_array_unref (msg->references);
  g_ptr_array_unref (msg->extra_headers);
  g_free (msg->message_id);
  g_free (msg);
}

void
tern_outgoing_message_add_to (TernOutgoingMessage *msg, const char *name, const char *address)
{
  g_ptr_array_add (msg->to, tern_address_new (name, address));
}

void
tern_outgoing_message_add_cc (TernOutgoingMessage *msg, const char *name, const char *address)
{
  g_ptr_array_add (msg->cc, tern_address_new (name, address));
}

void
tern_outgoing_message_add_bcc (TernOutgoingMessage *msg, const char *name, const char *address)
{
  g_ptr_array_add (msg->bcc, tern_address_new (name, address));
}

static TernOutgoingAttachment *
add_attachment (TernOutgoingMessage *msg, const char *filename, const char *content_type)
{
  TernOutgoingAttachment *att = g_new0 (TernOutgoingAttachment, 1);

  att->filename = g_strdup (filename);
  att->content_type = g_strdup (content_type);
  g_ptr_array_add (msg->attachments, att);
  return att;
}

void
tern_outgoing_message_add_attachment_file (TernOutgoingMessage *msg, const char *path,
                                           const char *filename, const char *content_type)
{
  g_autofree char *base = g_path_get_basename (path);

  add_attachment (msg, filename ? filename : base, content_type)->path = g_strdup (path);
}

void
tern_outgoing_message_add_attachment_bytes (TernOutgoingMessage *msg, GBytes *data,
                                            const char *filename, const char *content_type)
{
  add_attachment (msg, filename, content_type)->data = g_bytes_ref (data);
}

void
tern_outgoing_message_add_header (TernOutgoingMessage *msg, const char *name, const char *value)
{
  g_ptr_array_add (msg->extra_headers, g_strdup (name));
  g_ptr_array_add (msg->extra_headers, g_strdup (value ? value : ""));
}

/* ---- building ---- */

/* One line of UTF-8 with no CR/LF: header injection is impossible. */
static char *
one_line (const char *s)
{
  return g_strstrip (tern_mime_sanitize_utf8 (s ? s : "", -1, TRUE));
}

/* A message id safe inside <>: printable ASCII without <>, blanks or quotes. */
static char *
clean_msgid (const char *id)
{
  GString *out = g_string_new (NULL);

  for (const char *p = id ? id : ""; *p; p++)
    if (*p > ' ' && *p < 0x7F && !strchr ("<>\"()\\,;", *p))
      g_string_append_c (out, *p);
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

static gboolean
header_name_ok (const char *name)
{
  static const char *const reserved[] = { "from", "to", "cc", "bcc", "subject", "date", "message-id",
                                          "mime-version", "in-reply-to", "references", "sender", NULL };

  if (name == NULL || *name == '\0' || strlen (name) > 76)
    return FALSE;
  for (const char *p = name; *p; p++)
    if (*p <= ' ' || *p >= 0x7F || *p == ':')
      return FALSE;
  if (g_ascii_strncasecmp (name, "content-", 8) == 0)
    return FALSE;
  for (guint i = 0; reserved[i]; i++)
    if (g_ascii_strcasecmp (name, reserved[i]) == 0)
      return FALSE;
  return TRUE;
}

static void
add_mailboxes (GMimeMessage *m, GMimeAddressType type, GPtrArray *list)
{
  for (guint i = 0; i < list->len; i++)
    {
      TernAddress *a = g_ptr_array_index (list, i);
      g_autofree char *name = one_line (a->name);
      g_autofree char *addr = one_line (a->address);

      if (*addr != '\0')
        g_mime_message_add_mailbox (m, type, name, addr);
    }
}

static GPtrArray *
envelope_recipients (TernOutgoingMessage *msg)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *lists[] = { msg->to, msg->cc, msg->bcc };
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      {
        TernAddress *a = g_ptr_array_index (lists[l], i);
        g_autofree char *addr = one_line (a->address);
        char *key = g_utf8_casefold (addr, -1);

        if (*addr == '\0' || g_hash_table_contains (seen, key))
          {
            g_free (key);
            continue;
          }
        g_hash_table_add (seen, key);
        g_ptr_array_add (out, g_steal_pointer (&addr));
      }
  return out;
}

static void
set_threading_headers (GMimeObject *obj, TernOutgoingMessage *msg)
{
  g_autofree char *irt = clean_msgid (msg->in_reply_to);
  GString *refs = g_string_new (NULL);
  guint n = msg->references->len;

  if (irt != NULL)
    {
      g_autofree char *v = g_strdup_printf ("<%s>", irt);
      g_mime_object_set_header (obj, "In-Reply-To", v, NULL);
    }
  /* Keep the first reference (the thread root) and the most recent ones. */
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = NULL;
      if (i > 0 && n > MAX_REFERENCES && i < n - (MAX_REFERENCES - 1))
        continue;
      id = clean_msgid (g_ptr_array_index (msg->references, i));
      if (id != NULL)
        g_string_append_printf (refs, "%s<%s>", refs->len ? " " : "", id);
    }
  if (refs->len > 0)
    g_mime_object_set_header (obj, "References", refs->str, NULL);
  g_string_free (refs, TRUE);
}

static gboolean
set_extra_headers (GMimeObject *obj, TernOutgoingMessage *msg, GError **error)
{
  for (guint i = 0; i + 1 < msg->extra_headers->len; i += 2)
    {
      const char *name = g_ptr_array_index (msg->extra_headers, i);
      g_autofree char *value = one_line (g_ptr_array_index (msg->extra_headers, i + 1));

      if (!header_name_ok (name))
        {
          g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID, "The header name \"%s\" cannot be used", name);
          return FALSE;
        }
      g_mime_object_append_header (obj, name, value, "utf-8");
    }
  return TRUE;
}

static GMimeObject *
text_part (const char *body)
{
  g_autofree char *clean = tern_mime_sanitize_utf8 (body ? body : "", -1, FALSE);
  GMimeTextPart *part = g_mime_text_part_new_with_subtype ("plain");
  g_autoptr(GMimeStream) stream = g_mime_stream_mem_new_with_buffer (clean, strlen (clean));
  g_autoptr(GMimeDataWrapper) wrapper = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);

  /* Not g_mime_text_part_set_text(): it would pick Latin-1 when it can. */
  g_mime_part_set_content (GMIME_PART (part), wrapper);
  g_mime_text_part_set_charset (part, "utf-8");
  g_mime_part_set_content_encoding (GMIME_PART (part), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
  return GMIME_OBJECT (part);
}

static GBytes *
attachment_bytes (TernOutgoingAttachment *att, GError **error)
{
  g_autoptr(GError) local = NULL;
  char *contents;
  gsize len;

  if (att->data != NULL)
    return g_bytes_ref (att->data);
  if (att->path == NULL || !g_file_get_contents (att->path, &contents, &len, &local))
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND, "Cannot read the attachment %s: %s",
                   att->path ? att->path : "(none)", local ? local->message : "no file or data given");
      return NULL;
    }
  return g_bytes_new_take (contents, len);
}

static char *
guess_type (TernOutgoingAttachment *att, GBytes *bytes)
{
  g_autofree char *ct = NULL;
  gsize len;
  const guchar *data = g_bytes_get_data (bytes, &len);

  if (att->content_type != NULL && strchr (att->content_type, '/') != NULL)
    return g_ascii_strdown (att->content_type, -1);
  ct = g_content_type_guess (att->filename, data, MIN (len, 4096), NULL);
  return ct ? g_content_type_get_mime_type (ct) : NULL;
}

static GMimeObject *
attachment_part (TernOutgoingAttachment *att, GError **error)
{
  g_autoptr(GBytes) bytes = attachment_bytes (att, error);
  g_autofree char *type = NULL;
  g_autofree char *name = NULL;
  g_auto(GStrv) tp = NULL;
  GMimeObject *obj;

  if (bytes == NULL)
    return NULL;
  type = guess_type (att, bytes);
  if (type == NULL || strchr (type, '/') == NULL)
    {
      g_free (type);
      type = g_strdup ("application/octet-stream");
    }
  name = one_line (att->filename);
  tp = g_strsplit (type, "/", 2);
  if (g_ascii_strcasecmp (type, "message/rfc822") == 0)
    {
      g_autoptr(GMimeMessage) inner = tern_mime_parse_gmime (bytes, NULL);
      if (inner != NULL)
        obj = GMIME_OBJECT (g_mime_message_part_new_with_message ("rfc822", inner));
      else
        return attachment_part (&(TernOutgoingAttachment) { att->filename, "application/octet-stream",
                                                            NULL, bytes, att->content_id }, error);
      g_mime_object_set_disposition (obj, "attachment");
      if (*name)
        g_mime_object_set_content_disposition_parameter (obj, "filename", name);
      return obj;
    }
  {
    gsize len;
    const char *data = g_bytes_get_data (bytes, &len);
    g_autoptr(GMimeStream) stream = g_mime_stream_mem_new_with_buffer (data, len);
    g_autoptr(GMimeDataWrapper) wrapper = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);
    GMimePart *part = g_mime_part_new_with_type (tp[0], tp[1]);

    g_mime_part_set_content (part, wrapper);
    g_mime_part_set_content_encoding (part, GMIME_CONTENT_ENCODING_BASE64);
    obj = GMIME_OBJECT (part);
  }
  g_mime_object_set_disposition (obj, att->content_id ? "inline" : "attachment");
  if (*name)
    g_mime_part_set_filename (GMIME_PART (obj), name);
  if (att->content_id != NULL)
    {
      g_autofree char *cid = clean_msgid (att->content_id);
      if (cid)
        g_mime_object_set_content_id (obj, cid);
    }
  return obj;
}

static GMimeObject *
build_body (TernOutgoingMessage *msg, GError **error)
{
  g_autoptr(GMimeMultipart) mixed = NULL;
  GMimeObject *text = text_part (msg->body);

  if (msg->attachments->len == 0)
    return text;
  mixed = g_mime_multipart_new_with_subtype ("mixed");
  g_mime_multipart_add (mixed, text);
  g_object_unref (text);
  for (guint i = 0; i < msg->attachments->len; i++)
    {
      GMimeObject *part = attachment_part (g_ptr_array_index (msg->attachments, i), error);
      if (part == NULL)
        return NULL;
      g_mime_multipart_add (mixed, part);
      g_object_unref (part);
    }
  return GMIME_OBJECT (g_steal_pointer (&mixed));
}

static char *
sender_domain (const char *address)
{
  const char *at = strrchr (address, '@');
  g_autofree char *domain = clean_msgid (at ? at + 1 : NULL);

  return domain ? g_steal_pointer (&domain) : g_strdup ("localhost");
}

static GBytes *
write_message (GMimeMessage *m)
{
  g_autoptr(GMimeStream) stream = g_mime_stream_mem_new ();
  g_autoptr(GMimeFormatOptions) opts = g_mime_format_options_new ();
  GByteArray *array;

  g_mime_format_options_set_newline_format (opts, GMIME_NEWLINE_FORMAT_DOS);
  g_mime_format_options_set_param_encoding_method (opts, GMIME_PARAM_ENCODING_METHOD_RFC2231);
  g_mime_object_write_to_stream (GMIME_OBJECT (m), opts, stream);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  return g_bytes_new (array->data, array->len);
}

GBytes *
tern_outgoing_message_build (TernOutgoingMessage *msg, GPtrArray **envelope_rcpts,
                             char **message_id, GError **error)
{
  g_autoptr(GMimeMessage) m = NULL;
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *from_addr = one_line (msg->from_address);
  g_autofree char *from_name = one_line (msg->from_name);
  g_autofree char *subject = one_line (msg->subject);
  g_autofree char *id = NULL;
  GMimeObject *body;

  tern_mime_init ();
  if (strchr (from_addr, '@') == NULL)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID, "The sender address \"%s\" is not valid", from_addr);
      return NULL;
    }
  m = g_mime_message_new (TRUE);
  g_mime_message_add_mailbox (m, GMIME_ADDRESS_TYPE_FROM, from_name, from_addr);
  add_mailboxes (m, GMIME_ADDRESS_TYPE_TO, msg->to);
  add_mailboxes (m, GMIME_ADDRESS_TYPE_CC, msg->cc);
  g_mime_message_set_subject (m, subject, "utf-8");
  date = msg->date ? g_date_time_new_from_unix_local (msg->date) : g_date_time_new_now_local ();
  g_mime_message_set_date (m, date);
  id = clean_msgid (msg->message_id);
  if (id == NULL)
    {
      g_autofree char *domain = sender_domain (from_addr);
      id = g_mime_utils_generate_message_id (domain);
    }
  g_mime_message_set_message_id (m, id);
  set_threading_headers (GMIME_OBJECT (m), msg);
  if (!set_extra_headers (GMIME_OBJECT (m), msg, error))
    return NULL;
  body = build_body (msg, error);
  if (body == NULL)
    return NULL;
  g_mime_message_set_mime_part (m, body);
  g_object_unref (body);
  if (envelope_rcpts != NULL)
    *envelope_rcpts = envelope_recipients (msg);
  if (message_id != NULL)
    *message_id = g_steal_pointer (&id);
  return write_message (m);
}
