/* tern-mime-render.c: message -> text and parts for display. */
#include "mime/tern-mime-render.h"
#include "mime/tern-mime-private.h"
#include "mime/tern-mime-html.h"
#include "core/tern-error.h"

#include <string.h>

char *
tern_mime_render_plain_body (TernParsedMessage *msg)
{
  GMimeMessage *message = msg->gmime_message;
  GMimeObject *part;

  if (msg->headers_only)
    return g_strdup ("");
  if ((part = tern_mime_find_body (message, "plain")) != NULL)
    return tern_mime_part_get_text (part);
  if ((part = tern_mime_find_body (message, "html")) != NULL)
    {
      g_autofree char *html = tern_mime_part_get_text (part);
      return tern_mime_html_to_text (html);
    }
  return g_strdup ("");
}

char *
tern_mime_render_html_body (TernParsedMessage *msg)
{
  GMimeObject *part;

  if (msg->headers_only)
    return NULL;
  part = tern_mime_find_body (msg->gmime_message, "html");
  return part ? tern_mime_part_get_text (part) : NULL;
}

static char *
part_mime_type (GMimeObject *part)
{
  GMimeContentType *ct = g_mime_object_get_content_type (part);
  g_autofree char *type = ct ? g_mime_content_type_get_mime_type (ct) : g_strdup ("application/octet-stream");

  return g_ascii_strdown (type, -1);
}

GBytes *
tern_mime_lookup_cid (TernParsedMessage *msg, const char *cid, char **content_type)
{
  g_autofree char *want = NULL;

  if (cid == NULL)
    return NULL;
  if (g_ascii_strncasecmp (cid, "cid:", 4) == 0)
    cid += 4;
  want = g_strdup (cid);
  if (want[0] == '<' && want[strlen (want) - 1] == '>')
    {
      memmove (want, want + 1, strlen (want));
      want[strlen (want) - 1] = '\0';
    }
  for (guint i = 0; i < msg->attachments->len; i++)
    {
      TernMimeAttachment *att = g_ptr_array_index (msg->attachments, i);
      if (att->content_id != NULL && strcmp (att->content_id, want) == 0)
        return tern_mime_get_part_bytes (msg, att->part_path, content_type, NULL);
    }
  return NULL;
}

GBytes *
tern_mime_get_part_bytes (TernParsedMessage *msg, const char *part_path,
                          char **content_type, GError **error)
{
  GMimeObject *part = tern_mime_find_part (msg->gmime_message, part_path);

  if (part == NULL || GMIME_IS_MULTIPART (part))
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND,
                   "The message has no part %s", part_path ? part_path : "(none)");
      return NULL;
    }
  if (content_type != NULL)
    *content_type = part_mime_type (part);
  return tern_mime_part_get_bytes (part);
}

static char *
format_size (gsize size)
{
  return g_format_size_full (size, G_FORMAT_SIZE_DEFAULT);
}

static void
append_header (GString *out, const char *name, const char *value)
{
  if (value != NULL && *value != '\0')
    g_string_append_printf (out, "%s: %s\n", name, value);
}

char *
tern_mime_render_text (TernParsedMessage *msg)
{
  GString *out = g_string_new (NULL);
  g_autofree char *from = NULL;
  g_autofree char *date = NULL;
  g_autofree char *body = tern_mime_render_plain_body (msg);
  TernAddress sender = { msg->from_name, msg->from_address };
  guint shown = 0;

  from = tern_address_to_display (&sender);
  if (msg->date != 0)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (msg->date);
      date = dt ? g_date_time_format (dt, "%a, %d %b %Y %H:%M:%S %z") : NULL;
    }
  append_header (out, "From", from);
  append_header (out, "To", msg->to);
  append_header (out, "Cc", msg->cc);
  append_header (out, "Date", date);
  append_header (out, "Subject", msg->subject);
  g_string_append_c (out, '\n');
  g_string_append (out, body);
  if (out->len > 0 && out->str[out->len - 1] != '\n')
    g_string_append_c (out, '\n');
  for (guint i = 0; i < msg->attachments->len; i++)
    {
      TernMimeAttachment *att = g_ptr_array_index (msg->attachments, i);
      g_autofree char *size = format_size (att->size);

      if (att->is_inline_image)
        continue;
      if (shown++ == 0)
        g_string_append (out, "\nAttachments:\n");
      g_string_append_printf (out, "  [%s] %s (%s, %s)\n", att->part_path,
                              att->filename[0] ? att->filename : "(no name)", att->content_type, size);
    }
  return g_string_free (out, FALSE);
}
