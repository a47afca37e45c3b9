/* tern-mime-parse.c: raw message -> TernParsedMessage, with GMime. */
#include "mime/tern-mime-private.h"
#include "mime/tern-mime-html.h"
#include "core/tern-error.h"

#include <string.h>

#define MAX_ADDRESSES 1000
#define MAX_ATTACHMENTS 1000
#define MAX_BODY_TEXT (1024 * 1024)
#define PREVIEW_CHARS 200

/* ---- addresses ---- */

TernAddress *
tern_address_new (const char *name, const char *address)
{
  TernAddress *addr = g_new0 (TernAddress, 1);

  addr->name = tern_mime_sanitize_utf8 (name ? name : "", -1, TRUE);
  addr->address = tern_mime_sanitize_utf8 (address ? address : "", -1, TRUE);
  g_strstrip (addr->name);
  g_strstrip (addr->address);
  return addr;
}

TernAddress *
tern_address_copy (const TernAddress *addr)
{
  return tern_address_new (addr->name, addr->address);
}

void
tern_address_free (TernAddress *addr)
{
  if (addr == NULL)
    return;
  g_free (addr->name);
  g_free (addr->address);
  g_free (addr);
}

char *
tern_address_to_display (const TernAddress *addr)
{
  if (addr->name[0] == '\0')
    return g_strdup (addr->address);
  if (addr->address[0] == '\0')
    return g_strdup (addr->name);
  if (strpbrk (addr->name, ",;:<>@\"\\()[]") != NULL)
    {
      /* Quote, so that the display string parses back to the same list. */
      GString *quoted = g_string_new ("\"");
      for (const char *p = addr->name; *p; p++)
        {
          if (*p == '"' || *p == '\\')
            g_string_append_c (quoted, '\\');
          g_string_append_c (quoted, *p);
        }
      g_string_append_printf (quoted, "\" <%s>", addr->address);
      return g_string_free (quoted, FALSE);
    }
  return g_strdup_printf ("%s <%s>", addr->name, addr->address);
}

char *
tern_address_list_to_display (GPtrArray *list)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      g_autofree char *one = tern_address_to_display (g_ptr_array_index (list, i));
      if (out->len > 0)
        g_string_append (out, ", ");
      g_string_append (out, one);
    }
  return g_string_free (out, FALSE);
}

static void
flatten_addresses (InternetAddressList *list, GPtrArray *out, guint depth)
{
  int n = list ? internet_address_list_length (list) : 0;

  for (int i = 0; i < n && out->len < MAX_ADDRESSES; i++)
    {
      InternetAddress *ia = internet_address_list_get_address (list, i);

      if (INTERNET_ADDRESS_IS_MAILBOX (ia))
        g_ptr_array_add (out, tern_address_new (internet_address_get_name (ia),
                                                internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia))));
      else if (INTERNET_ADDRESS_IS_GROUP (ia) && depth < 4)
        flatten_addresses (internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia)), out, depth + 1);
    }
}

GPtrArray *
tern_address_list_parse (const char *text)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_address_free);
  g_autofree char *normalized = NULL;
  InternetAddressList *list;

  if (text == NULL || *text == '\0')
    return out;
  tern_mime_init ();
  normalized = tern_mime_normalize_header (text);
  list = internet_address_list_parse (NULL, normalized);
  if (list != NULL)
    {
      flatten_addresses (list, out, 0);
      g_object_unref (list);
    }
  return out;
}

/* ---- addresses GMime parsed already ---- */

/* Whether an encoded word's charset is one where GMime's decoding and ours
 * (tern_mime_text_to_utf8) agree, apart from the cases names_are_plain()
 * catches afterwards. */
static gboolean
simple_word_charset (const char *cs, gsize len)
{
  static const char *const simple[] = { "utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1" };

  for (guint i = 0; i < G_N_ELEMENTS (simple); i++)
    if (len == strlen (simple[i]) && g_ascii_strncasecmp (cs, simple[i], len) == 0)
      return TRUE;
  return FALSE;
}

/* A header of printable ASCII whose encoded words (if any, *has_words) are all in a
 * simple charset. */
static gboolean
header_is_simple (const char *raw, gboolean *has_words)
{
  *has_words = FALSE;
  for (const char *p = raw; *p; p++)
    {
      /* 8-bit text takes our per-word charset guess; control characters
       * are dropped before our parse and trip GMime's. */
      if ((guchar) *p >= 0x7F || ((guchar) *p < 0x20 && *p != '\t' && *p != '\r' && *p != '\n'))
        return FALSE;
      /* Line breaks only as folds (we drop them, GMime reads them as space)
       * or at the very end. */
      if (*p == '\r' && p[1] == '\n')
        p++;
      if ((*p == '\r' || *p == '\n') && p[1] != ' ' && p[1] != '\t' && p[1] != '\0')
        return FALSE;
      if (p[0] == '=' && p[1] == '?')
        {
          const char *cs = p + 2, *q = cs;

          while (*q && *q != '?' && *q != '*' && q - cs < 64)
            q++;
          if (*q != '?' || !simple_word_charset (cs, q - cs))
            return FALSE;
          *has_words = TRUE;
        }
    }
  return TRUE;
}

/* After decoding encoded words, GMime's text equals ours unless the bytes
 * were not what their label said: invalid UTF-8 (GMime leaves U+FFFD or
 * '?'), C1 controls (windows-1252 for us, dropped controls for GMime), or
 * ISO-8859-1 bytes that are valid UTF-8 (UTF-8 for us, mojibake such as
 * "Ã©" for GMime: a lead byte U+00C2..U+00F4 then a continuation byte
 * U+0080..U+00BF). An encoded word inside an address we would re-encode. */
static gboolean
names_are_plain (GPtrArray *list)
{
  for (guint i = 0; i < list->len; i++)
    {
      const TernAddress *a = g_ptr_array_index (list, i);
      gunichar prev = 0;

      if (strstr (a->address, "=?") != NULL || strchr (a->name, '?') != NULL)
        return FALSE;
      /* A fold inside a name GMime recovered from broken syntax keeps its
       * line break as blanks, where we unfold first. */
      if (strstr (a->name, "  ") != NULL || strstr (a->address, "  ") != NULL)
        return FALSE;
      for (const char *p = a->name; *p; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          if (c == 0xFFFD || (c >= 0x80 && c <= 0x9F) ||
              (prev >= 0xC2 && prev <= 0xF4 && c >= 0x80 && c <= 0xBF))
            return FALSE;
          prev = c;
        }
    }
  return TRUE;
}

/* The one @name header of @object, or NULL when there is none or more
 * than one (GMime joins repeated headers; we read the first). */
static const char *
single_raw_header (GMimeObject *object, const char *name)
{
  GMimeHeaderList *headers = g_mime_object_get_header_list (object);
  int n = g_mime_header_list_get_count (headers);
  const char *raw = NULL;

  for (int i = 0; i < n; i++)
    {
      GMimeHeader *h = g_mime_header_list_get_header_at (headers, i);

      if (g_ascii_strcasecmp (g_mime_header_get_name (h), name) != 0)
        continue;
      if (raw != NULL)
        return NULL;
      raw = g_mime_header_get_raw_value (h);
    }
  return raw;
}

GPtrArray *
tern_mime_message_address_list (GMimeMessage *message, GMimeAddressType type, const char *header)
{
  GMimeObject *obj = GMIME_OBJECT (message);
  const char *raw = single_raw_header (obj, header);
  gboolean has_words;

  /* GMime parsed the address headers while building the message, with the
   * same default options as tern_address_list_parse(): reuse its list
   * where it provably matches, instead of decoding, re-encoding and
   * parsing the header a second time. Anything else takes the long way,
   * with our charset fallbacks. */
  if (raw != NULL && header_is_simple (raw, &has_words))
    {
      GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_address_free);

      flatten_addresses (g_mime_message_get_addresses (message, type), out, 0);
      if ((!has_words && strpbrk (raw, "\r\n") == NULL) || names_are_plain (out))
        return out;
      g_ptr_array_unref (out);
    }
  if (raw == NULL)
    {
      GMimeHeader *h = g_mime_header_list_get_header (g_mime_object_get_header_list (obj), header);
      raw = h ? g_mime_header_get_raw_value (h) : NULL;
    }
  return tern_address_list_parse (raw);
}

/* ---- attachments ---- */

void
tern_mime_attachment_free (TernMimeAttachment *att)
{
  if (att == NULL)
    return;
  g_free (att->part_path);
  g_free (att->filename);
  g_free (att->content_type);
  g_free (att->content_id);
  g_free (att->disposition);
  g_free (att);
}

/* ---- GMime helpers ---- */

GMimeMessage *
tern_mime_parse_gmime (GBytes *raw, GError **error)
{
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeParser) parser = NULL;
  GMimeMessage *message;
  gsize len = 0;
  const char *data = raw ? g_bytes_get_data (raw, &len) : NULL;
  gsize i;

  tern_mime_init ();
  for (i = 0; i < len && g_ascii_isspace (data[i]); i++)
    ;
  if (i == len)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_MIME, "The message is empty");
      return NULL;
    }
  stream = g_mime_stream_mem_new_with_buffer (data, len);
  parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
  message = g_mime_parser_construct_message (parser, NULL);
  if (message == NULL ||
      g_mime_header_list_get_count (g_mime_object_get_header_list (GMIME_OBJECT (message))) == 0)
    {
      g_clear_object (&message);
      g_set_error (error, TERN_ERROR, TERN_ERROR_MIME, "This is not a mail message (no headers found)");
      return NULL;
    }
  return message;
}

/* One step down an IMAP part path from the body of a message. */
static GMimeObject *
step_into_body (GMimeObject *body, guint64 index)
{
  if (body == NULL)
    return NULL;
  if (GMIME_IS_MULTIPART (body))
    {
      int n = g_mime_multipart_get_count (GMIME_MULTIPART (body));
      return index >= 1 && index <= (guint64) n ? g_mime_multipart_get_part (GMIME_MULTIPART (body), index - 1) : NULL;
    }
  return index == 1 ? body : NULL;
}

GMimeObject *
tern_mime_find_part (GMimeMessage *message, const char *path)
{
  g_auto(GStrv) tokens = NULL;
  GMimeObject *cur = NULL;

  if (message == NULL || path == NULL || *path == '\0')
    return NULL;
  tokens = g_strsplit (path, ".", TERN_MIME_MAX_DEPTH + 2);
  for (guint i = 0; tokens[i] != NULL; i++)
    {
      guint64 index;

      if (i > TERN_MIME_MAX_DEPTH || !g_ascii_string_to_unsigned (tokens[i], 10, 1, G_MAXINT, &index, NULL))
        return NULL;
      if (i == 0)
        cur = step_into_body (g_mime_message_get_mime_part (message), index);
      else if (GMIME_IS_MESSAGE_PART (cur))
        {
          GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (cur));
          cur = step_into_body (inner ? g_mime_message_get_mime_part (inner) : NULL, index);
        }
      else if (GMIME_IS_MULTIPART (cur))
        cur = step_into_body (cur, index);
      else
        return NULL;
      if (cur == NULL)
        return NULL;
    }
  return cur;
}

GBytes *
tern_mime_part_get_bytes (GMimeObject *part)
{
  g_autoptr(GMimeStream) stream = g_mime_stream_mem_new ();
  GByteArray *array;

  if (GMIME_IS_PART (part))
    {
      GMimeDataWrapper *content = g_mime_part_get_content (GMIME_PART (part));
      if (content != NULL)
        g_mime_data_wrapper_write_to_stream (content, stream);
    }
  else if (GMIME_IS_MESSAGE_PART (part))
    {
      GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (part));
      if (inner != NULL)
        g_mime_object_write_to_stream (GMIME_OBJECT (inner), NULL, stream);
    }
  else if (part != NULL)
    g_mime_object_write_to_stream (part, NULL, stream);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  return g_bytes_new (array->data, array->len);
}

char *
tern_mime_part_get_text (GMimeObject *part)
{
  g_autoptr(GBytes) bytes = tern_mime_part_get_bytes (part);
  const char *charset = g_mime_object_get_content_type_parameter (part, "charset");
  const char *format = g_mime_object_get_content_type_parameter (part, "format");
  const char *delsp = g_mime_object_get_content_type_parameter (part, "delsp");
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  g_autofree char *text = tern_mime_text_to_utf8 (data, len, charset);

  if (format != NULL && g_ascii_strcasecmp (format, "flowed") == 0 &&
      g_mime_content_type_is_type (g_mime_object_get_content_type (part), "text", "plain"))
    return tern_mime_unflow (text, delsp != NULL && g_ascii_strcasecmp (delsp, "yes") == 0);
  return g_steal_pointer (&text);
}

static gboolean
is_attachment_disposition (GMimeObject *part)
{
  GMimeContentDisposition *disp = g_mime_object_get_content_disposition (part);
  const char *d = disp ? g_mime_content_disposition_get_disposition (disp) : NULL;

  return d != NULL && g_ascii_strcasecmp (d, "attachment") == 0;
}

static gboolean
is_body_candidate (GMimeObject *part)
{
  GMimeContentType *ct = g_mime_object_get_content_type (part);

  if (!GMIME_IS_PART (part) || is_attachment_disposition (part))
    return FALSE;
  if (!g_mime_content_type_is_type (ct, "text", "plain") && !g_mime_content_type_is_type (ct, "text", "html"))
    return FALSE;
  return g_mime_part_get_filename (GMIME_PART (part)) == NULL;
}

/* ---- the walk over the part tree ---- */

typedef struct {
  TernParsedMessage *msg;
  GMimeObject *plain;
  GMimeObject *html;
} Walk;

static char *
child_path (const char *path, int index)
{
  return *path ? g_strdup_printf ("%s.%d", path, index) : g_strdup_printf ("%d", index);
}

static char *
safe_filename (const char *name)
{
  g_autofree char *clean = tern_mime_sanitize_utf8 (name ? name : "", -1, TRUE);
  const char *base = clean;

  /* A name is a name, never a path: "../../.bashrc" becomes ".bashrc". */
  for (const char *p = clean; *p; p++)
    if (*p == '/' || *p == '\\')
      base = p + 1;
  return g_strstrip (g_strdup (base));
}

char *
tern_mime_filename_from_subject (const char *subject)
{
  g_autofree char *clean = tern_mime_sanitize_utf8 (subject ? subject : "", -1, TRUE);
  g_autofree char *name = NULL;

  g_strdelimit (clean, "/\\", '_');
  g_strstrip (clean);
  if (*clean == '\0')
    return g_strdup ("message.eml");
  name = g_strconcat (clean, ".eml", NULL);
  /* Still no path nor hidden file: safe_filename keeps it as it is now. */
  return safe_filename (name);
}

static gboolean
is_ascii_token_text (const char *s)
{
  for (; *s != '\0'; s++)
    if ((guchar) *s <= 0x20 || (guchar) *s >= 0x7F)
      return FALSE;
  return TRUE;
}

static void
add_attachment (Walk *w, GMimeObject *part, const char *path, gboolean in_related)
{
  TernMimeAttachment *att;
  GMimeContentType *ct = g_mime_object_get_content_type (part);
  g_autoptr(GBytes) bytes = NULL;
  const char *cid = g_mime_object_get_content_id (part);
  char *mime_type;

  if (w->msg->attachments == NULL || w->msg->attachments->len >= MAX_ATTACHMENTS)
    return;   /* only looking for the body: do not decode attachments */
  att = g_new0 (TernMimeAttachment, 1);
  att->part_path = g_strdup (path);
  mime_type = ct ? g_mime_content_type_get_mime_type (ct) : NULL;
  /* A MIME type is ASCII tokens; GMime passes any bytes a header held
   * (found by fuzz-mime: "image/png\xf6\xbc..."), and those are no type. */
  att->content_type = mime_type != NULL && is_ascii_token_text (mime_type)
                      ? g_ascii_strdown (mime_type, -1) : g_strdup ("application/octet-stream");
  g_free (mime_type);
  if (GMIME_IS_PART (part))
    att->filename = safe_filename (g_mime_part_get_filename (GMIME_PART (part)));
  else
    {
      const char *fn = g_mime_object_get_content_disposition_parameter (part, "filename");
      GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (part));

      if (fn != NULL)
        att->filename = safe_filename (fn);
      else
        att->filename = tern_mime_filename_from_subject (inner ? g_mime_message_get_subject (inner)
                                                               : NULL);
    }
  att->content_id = cid ? tern_mime_sanitize_utf8 (cid, -1, TRUE) : NULL;
  att->disposition = g_strdup (is_attachment_disposition (part) ? "attachment" : "inline");
  bytes = tern_mime_part_get_bytes (part);
  att->size = g_bytes_get_size (bytes);
  att->is_inline_image = in_related && cid != NULL && !is_attachment_disposition (part) &&
                         g_str_has_prefix (att->content_type, "image/");
  if (!att->is_inline_image)
    w->msg->has_attachments = TRUE;
  g_ptr_array_add (w->msg->attachments, att);
}

static void
walk_part (Walk *w, GMimeObject *part, const char *path, guint depth, gboolean in_related)
{
  if (part == NULL || depth > TERN_MIME_MAX_DEPTH)
    return;
  if (GMIME_IS_MULTIPART (part))
    {
      int n = g_mime_multipart_get_count (GMIME_MULTIPART (part));
      gboolean related = g_mime_content_type_is_type (g_mime_object_get_content_type (part),
                                                      "multipart", "related");
      for (int i = 0; i < n; i++)
        {
          g_autofree char *sub = child_path (path, i + 1);
          walk_part (w, g_mime_multipart_get_part (GMIME_MULTIPART (part), i), sub, depth + 1, related);
        }
      return;
    }
  if (is_body_candidate (part))
    {
      gboolean html = g_mime_content_type_is_type (g_mime_object_get_content_type (part), "text", "html");
      if (html && w->html == NULL)
        w->html = part;
      else if (!html && w->plain == NULL)
        w->plain = part;
      return;   /* later inline text parts (list footers) are not attachments */
    }
  add_attachment (w, part, path, in_related);
}

static void
walk_body (Walk *w, GMimeObject *body)
{
  if (body == NULL)
    return;
  if (GMIME_IS_MULTIPART (body))
    walk_part (w, body, "", 0, FALSE);
  else
    walk_part (w, body, "1", 0, FALSE);
}

GMimeObject *
tern_mime_find_body (GMimeMessage *message, const char *subtype)
{
  TernParsedMessage dummy = { 0 };
  Walk w = { &dummy, NULL, NULL };

  walk_body (&w, g_mime_message_get_mime_part (message));
  return g_str_equal (subtype, "html") ? w.html : w.plain;
}

/* ---- text helpers ---- */

char *
tern_mime_unflow (const char *text, gboolean delsp)
{
  g_auto(GStrv) lines = g_strsplit (text ? text : "", "\n", -1);
  GString *out = g_string_new (NULL);
  GString *para = g_string_new (NULL);
  int para_depth = -1;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      gsize len = strlen (line);
      int depth = 0;
      gboolean flowed;

      if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
      while (*line == '>')
        depth++, line++;
      if (*line == ' ')
        line++;
      len = strlen (line);
      flowed = len > 0 && line[len - 1] == ' ' && strcmp (line, "-- ") != 0;
      if (para_depth >= 0 && depth != para_depth)
        {
          g_string_append_c (out, '\n');
          para_depth = -1;
        }
      if (para_depth < 0)
        {
          for (int d = 0; d < depth; d++)
            g_string_append_c (out, '>');
          if (depth > 0)
            g_string_append_c (out, ' ');
        }
      g_string_append_len (out, line, flowed && delsp ? len - 1 : len);
      para_depth = depth;
      if (!flowed)
        {
          if (lines[i + 1] != NULL)
            g_string_append_c (out, '\n');
          para_depth = -1;
        }
    }
  g_string_free (para, TRUE);
  return g_string_free (out, FALSE);
}

static gboolean
is_attribution_line (const char *line, const char *next)
{
  gsize len = strlen (line);

  return len > 0 && line[len - 1] == ':' && next != NULL && next[0] == '>';
}

char *
tern_mime_make_preview (const char *body_text, gsize max_chars)
{
  g_auto(GStrv) lines = g_strsplit (body_text ? body_text : "", "\n", 2000);
  GString *out = g_string_new (NULL);
  char *result, *end;

  for (guint i = 0; lines[i] != NULL && g_utf8_strlen (out->str, -1) < (glong) max_chars; i++)
    {
      char *line = g_strstrip (lines[i]);

      if (strcmp (lines[i], "--") == 0 || g_str_has_prefix (line, "-----Original Message-----"))
        break;
      if (line[0] == '>' || is_attribution_line (line, lines[i + 1] ? g_strchug (lines[i + 1]) : NULL))
        continue;
      for (char *p = line; *p; p++)
        {
          gboolean space = g_ascii_isspace (*p);
          if (space && (out->len == 0 || out->str[out->len - 1] == ' '))
            continue;
          g_string_append_c (out, space ? ' ' : *p);
        }
      if (out->len > 0 && out->str[out->len - 1] != ' ')
        g_string_append_c (out, ' ');
    }
  result = tern_mime_sanitize_utf8 (out->str, out->len, TRUE);
  g_string_free (out, TRUE);
  if ((gsize) g_utf8_strlen (result, -1) > max_chars)
    {
      end = g_utf8_offset_to_pointer (result, max_chars);
      *end = '\0';
    }
  return g_strstrip (result);
}

/* ---- headers ---- */

static const char *
raw_header (GMimeObject *object, const char *name)
{
  GMimeHeader *h = g_mime_header_list_get_header (g_mime_object_get_header_list (object), name);

  return h ? g_mime_header_get_raw_value (h) : NULL;
}

static char *
message_id_from (const char *raw)
{
  g_autofree char *id = NULL;

  if (raw == NULL)
    return NULL;
  id = g_mime_utils_decode_message_id (raw);
  if (id == NULL || *id == '\0')
    return NULL;
  return tern_mime_sanitize_utf8 (id, -1, TRUE);
}

static GPtrArray *
parse_references (const char *raw)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  GMimeReferences *refs;

  if (raw == NULL)
    return out;
  refs = g_mime_references_parse (NULL, raw);
  if (refs == NULL)
    return out;
  for (int i = 0; i < g_mime_references_length (refs) && i < 500; i++)
    g_ptr_array_add (out, tern_mime_sanitize_utf8 (g_mime_references_get_message_id (refs, i), -1, TRUE));
  g_mime_references_free (refs);
  return out;
}

static void
fill_addresses (GMimeMessage *message, GMimeAddressType type, const char *header,
                GPtrArray **list, char **display)
{
  *list = tern_mime_message_address_list (message, type, header);
  *display = tern_address_list_to_display (*list);
}

static void
fill_headers (TernParsedMessage *msg, GMimeMessage *message)
{
  GMimeObject *obj = GMIME_OBJECT (message);
  g_autoptr(GPtrArray) from = tern_mime_message_address_list (message, GMIME_ADDRESS_TYPE_FROM,
                                                              "From");
  g_autoptr(GPtrArray) in_reply_to = parse_references (raw_header (obj, "In-Reply-To"));
  const char *date = raw_header (obj, "Date");

  msg->subject = tern_mime_decode_header (raw_header (obj, "Subject"));
  if (msg->subject == NULL)
    msg->subject = g_strdup ("");
  if (from->len > 0)
    {
      TernAddress *a = g_ptr_array_index (from, 0);
      msg->from_name = g_strdup (a->name);
      msg->from_address = g_strdup (a->address);
    }
  else
    {
      msg->from_name = tern_mime_decode_header (raw_header (obj, "From"));
      if (msg->from_name == NULL)
        msg->from_name = g_strdup ("");
      msg->from_address = g_strdup ("");
    }
  fill_addresses (message, GMIME_ADDRESS_TYPE_TO, "To", &msg->to_list, &msg->to);
  fill_addresses (message, GMIME_ADDRESS_TYPE_CC, "Cc", &msg->cc_list, &msg->cc);
  fill_addresses (message, GMIME_ADDRESS_TYPE_BCC, "Bcc", &msg->bcc_list, &msg->bcc);
  fill_addresses (message, GMIME_ADDRESS_TYPE_REPLY_TO, "Reply-To", &msg->reply_to_list,
                  &msg->reply_to);
  if (date != NULL)
    {
      g_autoptr(GDateTime) dt = g_mime_utils_header_decode_date (date);
      /* Before 1970 is a broken header, not a date: left to the store's fallback. */
      msg->date = dt ? MAX (g_date_time_to_unix (dt), 0) : 0;
    }
  msg->message_id = message_id_from (raw_header (obj, "Message-ID"));
  msg->in_reply_to = in_reply_to->len > 0 ? g_strdup (g_ptr_array_index (in_reply_to, 0)) : NULL;
  msg->references = parse_references (raw_header (obj, "References"));
}

static void
fill_body (TernParsedMessage *msg, GMimeMessage *message)
{
  Walk w = { msg, NULL, NULL };
  g_autofree char *text = NULL;

  walk_body (&w, g_mime_message_get_mime_part (message));
  if (w.plain != NULL)
    text = tern_mime_part_get_text (w.plain);
  else if (w.html != NULL)
    {
      g_autofree char *html = tern_mime_part_get_text (w.html);
      text = tern_mime_html_to_text (html);
    }
  else if (GMIME_IS_MULTIPART (g_mime_message_get_mime_part (message)))
    {
      /* A multipart without a usable boundary has everything in its
       * prologue; showing that beats showing nothing. */
      const char *prologue = g_mime_multipart_get_prologue (GMIME_MULTIPART (g_mime_message_get_mime_part (message)));
      text = tern_mime_text_to_utf8 (prologue, -1, NULL);
    }
  else
    text = g_strdup ("");
  if (strlen (text) > MAX_BODY_TEXT)
    {
      char *cut = (char *) g_utf8_find_prev_char (text, text + MAX_BODY_TEXT);
      *(cut ? cut : text) = '\0';
    }
  msg->preview = tern_mime_make_preview (text, PREVIEW_CHARS);
  msg->body_text = g_steal_pointer (&text);
}

static TernParsedMessage *
parse_common (GBytes *raw, gboolean headers_only, GError **error)
{
  TernParsedMessage *msg;
  GMimeMessage *message = tern_mime_parse_gmime (raw, error);

  if (message == NULL)
    return NULL;
  msg = g_new0 (TernParsedMessage, 1);
  msg->gmime_message = message;
  msg->raw = g_bytes_ref (raw);
  msg->headers_only = headers_only;
  msg->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_mime_attachment_free);
  fill_headers (msg, message);
  if (headers_only)
    {
      GMimeObject *body = g_mime_message_get_mime_part (message);
      GMimeContentType *ct = body ? g_mime_object_get_content_type (body) : NULL;
      msg->has_attachments = ct != NULL && g_mime_content_type_is_type (ct, "multipart", "mixed");
      msg->preview = g_strdup ("");
      msg->body_text = g_strdup ("");
    }
  else
    fill_body (msg, message);
  return msg;
}

TernParsedMessage *
tern_parsed_message_new_from_bytes (GBytes *raw, GError **error)
{
  g_return_val_if_fail (raw != NULL, NULL);
  return parse_common (raw, FALSE, error);
}

TernParsedMessage *
tern_parsed_message_new_from_headers (GBytes *headers, GError **error)
{
  g_return_val_if_fail (headers != NULL, NULL);
  return parse_common (headers, TRUE, error);
}

GBytes *
tern_parsed_message_get_raw (TernParsedMessage *msg)
{
  return msg->raw;
}

char *
tern_parsed_message_get_header (TernParsedMessage *msg, const char *name)
{
  const char *v;

  if (msg->gmime_message == NULL)
    return NULL;
  v = g_mime_object_get_header (GMIME_OBJECT (msg->gmime_message), name);
  return v != NULL ? g_mime_utils_header_decode_text (NULL, v) : NULL;
}

void
tern_parsed_message_drop_mime (TernParsedMessage *msg)
{
  g_clear_object (&msg->gmime_message);
  g_clear_pointer (&msg->raw, g_bytes_unref);
}

void
tern_parsed_message_free (TernParsedMessage *msg)
{
  if (msg == NULL)
    return;
  g_free (msg->subject);
  g_free (msg->from_name);
  g_free (msg->from_address);
  g_free (msg->to);
  g_free (msg->cc);
  g_free (msg->bcc);
  g_free (msg->reply_to);
  g_clear_pointer (&msg->to_list, g_ptr_array_unref);
  g_clear_pointer (&msg->cc_list, g_ptr_array_unref);
  g_clear_pointer (&msg->bcc_list, g_ptr_array_unref);
  g_clear_pointer (&msg->reply_to_list, g_ptr_array_unref);
  g_free (msg->message_id);
  g_free (msg->in_reply_to);
  g_clear_pointer (&msg->references, g_ptr_array_unref);
  g_clear_pointer (&msg->attachments, g_ptr_array_unref);
  g_free (msg->preview);
  g_free (msg->body_text);
  g_clear_object (&msg->gmime_message);
  g_clear_pointer (&msg->raw, g_bytes_unref);
  g_free (msg);
}
