/* tern-mime-compose.c: TernOutgoingMessage -> RFC 5322 bytes, and replies. */
#include "tern-mime-compose.h"
#include "tern-mime-private.h"
#include "tern-mime-render.h"
#include "tern-error.h"

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

/* ---- subjects ---- */

static const char *const reply_prefixes[] = {
  "re", "aw", "sv", "antw", "odp", "r", "rif", "res", "ynt", "atb", "vs", "vá", "ats", NULL };
static const char *const forward_prefixes[] = {
  "fwd", "fw", "wg", "tr", "rv", "doorst", "enc", "pd", "vb", "i", "İlt", NULL };

/* Length of one "Prefix:" / "Prefix[2]:" / "Prefix(2):" at @s from @list, or 0. */
static gsize
prefix_length (const char *s, const char *const *list)
{
  for (guint i = 0; list[i]; i++)
    {
      gsize n = strlen (list[i]);
      const char *p = s + n;

      if (g_ascii_strncasecmp (s, list[i], n) != 0)
        continue;
      if (*p == '[' || *p == '(')
        {
          char close = *p == '[' ? ']' : ')';
          p++;
          while (g_ascii_isdigit (*p))
            p++;
          if (*p != close)
            continue;
          p++;
        }
      while (*p == ' ')
        p++;
      if (*p == ':')
        return p + 1 - s;
      if (strncmp (p, "\xef\xbc\x9a", 3) == 0)   /* full-width colon */
        return p + 3 - s;
    }
  return 0;
}

static char *
strip_prefixes (const char *subject, gboolean reply, gboolean forward)
{
  g_autofree char *clean = one_line (subject);
  const char *s = clean;

  for (guint rounds = 0; rounds < 100; rounds++)
    {
      gsize n = 0;
      while (*s == ' ')
        s++;
      if (reply)
        n = prefix_length (s, reply_prefixes);
      if (n == 0 && forward)
        n = prefix_length (s, forward_prefixes);
      if (n == 0)
        break;
      s += n;
    }
  while (*s == ' ')
    s++;
  return g_strdup (s);
}

char *
tern_mime_subject_base (const char *subject)
{
  return strip_prefixes (subject, TRUE, TRUE);
}

char *
tern_mime_reply_subject (const char *subject)
{
  g_autofree char *base = strip_prefixes (subject, TRUE, FALSE);

  return g_strconcat ("Re: ", base, NULL);
}

char *
tern_mime_forward_subject (const char *subject)
{
  g_autofree char *base = strip_prefixes (subject, FALSE, TRUE);

  return g_strconcat ("Fwd: ", base, NULL);
}

/* ---- reply recipients ---- */

static gboolean
address_in (const char *address, const char *const *list)
{
  for (guint i = 0; list && list[i]; i++)
    if (g_ascii_strcasecmp (address, list[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
address_in_array (const char *address, GPtrArray *array)
{
  for (guint i = 0; i < array->len; i++)
    if (g_ascii_strcasecmp (address, ((TernAddress *) g_ptr_array_index (array, i))->address) == 0)
      return TRUE;
  return FALSE;
}

/* Append @from to @out, skipping mine (if @skip_mine), empties and repeats. */
static void
append_unique (GPtrArray *out, GPtrArray *from, const char *const *mine, gboolean skip_mine,
               GPtrArray *also_exclude)
{
  for (guint i = 0; from && i < from->len; i++)
    {
      TernAddress *a = g_ptr_array_index (from, i);
      if (*a->address == '\0' || (skip_mine && address_in (a->address, mine)) ||
          address_in_array (a->address, out) || (also_exclude && address_in_array (a->address, also_exclude)))
        continue;
      g_ptr_array_add (out, tern_address_copy (a));
    }
}

void
tern_mime_reply_recipients (TernParsedMessage *orig, const char *const *my_addresses,
                            gboolean reply_all, GPtrArray **to, GPtrArray **cc)
{
  g_autoptr(GPtrArray) sender = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_address_free);
  gboolean sent_by_me = address_in (orig->from_address, my_addresses);
  GPtrArray *primary;

  *to = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_address_free);
  *cc = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_address_free);
  g_ptr_array_add (sender, tern_address_new (orig->from_name, orig->from_address));
  if (sent_by_me)
    primary = orig->to_list;    /* following up on my own message */
  else
    primary = orig->reply_to_list->len > 0 ? orig->reply_to_list : sender;

  append_unique (*to, primary, my_addresses, !sent_by_me, NULL);
  if (reply_all)
    {
      append_unique (*to, orig->to_list, my_addresses, TRUE, NULL);
      append_unique (*cc, orig->cc_list, my_addresses, TRUE, *to);
    }
  if ((*to)->len == 0 && (*cc)->len > 0)
    g_ptr_array_add (*to, g_ptr_array_steal_index (*cc, 0));
  if ((*to)->len == 0)
    append_unique (*to, primary->len ? primary : sender, NULL, FALSE, NULL);
}

GPtrArray *
tern_mime_reply_references (TernParsedMessage *orig)
{
  GPtrArray *refs = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < orig->references->len; i++)
    g_ptr_array_add (refs, g_strdup (g_ptr_array_index (orig->references, i)));
  if (refs->len == 0 && orig->in_reply_to != NULL)
    g_ptr_array_add (refs, g_strdup (orig->in_reply_to));
  if (orig->message_id != NULL)
    g_ptr_array_add (refs, g_strdup (orig->message_id));
  return refs;
}

static char *
format_date (gint64 date)
{
  g_autoptr(GDateTime) dt = date ? g_date_time_new_from_unix_local (date) : NULL;

  return dt ? g_date_time_format (dt, "%a, %d %b %Y at %H:%M") : NULL;
}

char *
tern_mime_quote_body (TernParsedMessage *orig)
{
  g_autofree char *body = tern_mime_render_plain_body (orig);
  g_autofree char *date = format_date (orig->date);
  const char *who = *orig->from_name ? orig->from_name : orig->from_address;
  g_auto(GStrv) lines = NULL;
  GString *out = g_string_new (NULL);
  guint n;
  char *sig;

  if (g_str_has_prefix (body, "-- \n"))
    *body = '\0';
  else if ((sig = strstr (body, "\n-- \n")) != NULL)
    *sig = '\0';   /* the signature is not quoted */
  lines = g_strsplit (body, "\n", -1);
  n = g_strv_length (lines);
  while (n > 0 && *g_strstrip (lines[n - 1]) == '\0')
    n--;
  if (date != NULL)
    g_string_append_printf (out, "On %s, %s wrote:\n", date, who);
  else
    g_string_append_printf (out, "%s wrote:\n", who);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (out, "%s%s\n", lines[i][0] == '>' || lines[i][0] == '\0' ? ">" : "> ", lines[i]);
  return g_string_free (out, FALSE);
}

static TernOutgoingMessage *
new_from (const char *from_name, const char *from_address)
{
  TernOutgoingMessage *msg = tern_outgoing_message_new ();

  msg->from_name = g_strdup (from_name);
  msg->from_address = g_strdup (from_address);
  return msg;
}

TernOutgoingMessage *
tern_outgoing_message_new_reply (TernParsedMessage *orig, const char *from_name, const char *from_address,
                                 const char *const *my_addresses, gboolean reply_all)
{
  TernOutgoingMessage *msg = new_from (from_name, from_address);
  g_autofree char *quote = tern_mime_quote_body (orig);

  g_ptr_array_unref (msg->to);
  g_ptr_array_unref (msg->cc);
  tern_mime_reply_recipients (orig, my_addresses, reply_all, &msg->to, &msg->cc);
  msg->subject = tern_mime_reply_subject (orig->subject);
  msg->in_reply_to = g_strdup (orig->message_id);
  g_ptr_array_unref (msg->references);
  msg->references = tern_mime_reply_references (orig);
  msg->body = g_strconcat ("\n\n", quote, NULL);
  return msg;
}

static char *
forward_header_block (TernParsedMessage *orig)
{
  GString *out = g_string_new ("-------- Forwarded Message --------\n");
  g_autofree char *date = format_date (orig->date);
  TernAddress sender = { orig->from_name, orig->from_address };
  g_autofree char *from = tern_address_to_display (&sender);

  g_string_append_printf (out, "Subject: %s\n", orig->subject);
  if (date)
    g_string_append_printf (out, "Date: %s\n", date);
  g_string_append_printf (out, "From: %s\n", from);
  if (*orig->to)
    g_string_append_printf (out, "To: %s\n", orig->to);
  if (*orig->cc)
    g_string_append_printf (out, "Cc: %s\n", orig->cc);
  g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}

TernOutgoingMessage *
tern_outgoing_message_new_forward (TernParsedMessage *orig, const char *from_name,
                                   const char *from_address, gboolean as_attachment)
{
  TernOutgoingMessage *msg = new_from (from_name, from_address);

  msg->subject = tern_mime_forward_subject (orig->subject);
  if (as_attachment)
    {
      g_autofree char *name = g_strconcat (*orig->subject ? orig->subject : "message", ".eml", NULL);
      g_strdelimit (name, "/\\", '_');
      msg->body = g_strdup ("");
      tern_outgoing_message_add_attachment_bytes (msg, orig->raw, name, "message/rfc822");
      return msg;
    }
  {
    g_autofree char *header = forward_header_block (orig);
    g_autofree char *body = tern_mime_render_plain_body (orig);
    msg->body = g_strconcat ("\n\n", header, body, NULL);
  }
  for (guint i = 0; i < orig->attachments->len; i++)
    {
      TernMimeAttachment *att = g_ptr_array_index (orig->attachments, i);
      g_autoptr(GBytes) bytes = NULL;

      if (att->is_inline_image)
        continue;
      bytes = tern_mime_get_part_bytes (orig, att->part_path, NULL, NULL);
      if (bytes != NULL)
        tern_outgoing_message_add_attachment_bytes (msg, bytes, att->filename, att->content_type);
    }
  return msg;
}
