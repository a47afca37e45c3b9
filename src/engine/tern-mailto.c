/* tern-mailto.c: RFC 6068 mailto: URIs. */
#include <string.h>

#include "tern-error.h"
#include "tern-mailto.h"

/* Header values longer than this are cut: nobody types a 64 KiB subject. */
#define MAX_HEADER_VALUE 4096
#define MAX_RECIPIENTS 100

/* Percent-decodes @text (a malformed escape is kept literally; '+' stays a
 * plus, as RFC 6068 says). The result is
 * valid UTF-8 with control characters removed (line breaks kept if
 * @multiline, CRLF turned into LF). */
static char *
decode_component (const char *text, gsize len, gboolean multiline)
{
  g_autoptr(GString) raw = g_string_sized_new (len);
  g_autofree char *valid = NULL;
  GString *out;

  for (gsize i = 0; i < len; i++)
    {
      if (text[i] == '%' && i + 2 < len && g_ascii_isxdigit (text[i + 1]) &&
          g_ascii_isxdigit (text[i + 2]))
        {
          char c = (char) (g_ascii_xdigit_value (text[i + 1]) * 16 +
                           g_ascii_xdigit_value (text[i + 2]));
          if (c != '\0')   /* a NUL would cut the string short later */
            g_string_append_c (raw, c);
          i += 2;
        }
      else
        g_string_append_c (raw, text[i]);
    }
  valid = g_utf8_make_valid (raw->str, raw->len);
  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\r')
        continue;   /* CRLF -> LF; a lone CR is dropped */
      if (c == '\n' && multiline)
        g_string_append_c (out, '\n');
      else if (c == '\n' || c == '\t')
        g_string_append_c (out, ' ');
      else if (!g_unichar_iscntrl (c))
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static char *
truncate_utf8 (char *s, gsize max_bytes)
{
  if (strlen (s) > max_bytes)
    {
      const char *end = s + max_bytes;
      /* Back up to a character boundary. */
      while (end > s && (*end & 0xC0) == 0x80)
        end--;
      s[end - s] = '\0';
    }
  return s;
}

static void
add_addresses (GPtrArray *dest, const char *text)
{
  g_autoptr(GPtrArray) list = tern_address_list_parse (text);

  for (guint i = 0; list != NULL && i < list->len && dest->len < MAX_RECIPIENTS; i++)
    {
      TernAddress *a = g_ptr_array_index (list, i);

      /* Groups and garbage parse as empty addresses: nothing to send to. */
      if (a->address == NULL || strchr (a->address, '@') == NULL)
        continue;
      g_ptr_array_add (dest, tern_address_copy (a));
    }
}

static void
apply_field (TernOutgoingMessage *msg, const char *name, char *value)
{
  if (g_ascii_strcasecmp (name, "to") == 0)
    add_addresses (msg->to, value);
  else if (g_ascii_strcasecmp (name, "cc") == 0)
    add_addresses (msg->cc, value);
  else if (g_ascii_strcasecmp (name, "bcc") == 0)
    add_addresses (msg->bcc, value);
  else if (g_ascii_strcasecmp (name, "subject") == 0 && msg->subject == NULL)
    msg->subject = g_strdup (truncate_utf8 (value, MAX_HEADER_VALUE));
  else if (g_ascii_strcasecmp (name, "body") == 0 && msg->body == NULL)
    msg->body = g_strdup (value);
  else if (g_ascii_strcasecmp (name, "in-reply-to") == 0 && msg->in_reply_to == NULL)
    {
      /* "<id@host>": keep the id only, and only a plausible one. */
      g_autofree char *id = g_strstrip (g_strdup (truncate_utf8 (value, 998)));
      gsize n = strlen (id);

      if (n > 2 && id[0] == '<' && id[n - 1] == '>')
        {
          id[n - 1] = '\0';
          memmove (id, id + 1, n - 1);
        }
      if (*id != '\0' && strchr (id, '@') != NULL && strpbrk (id, "<> ") == NULL)
        msg->in_reply_to = g_steal_pointer (&id);
    }
  /* Anything else (From, Sender, X-..., "attach") is ignored on purpose. */
}

TernOutgoingMessage *
tern_mailto_parse (const char *uri, GError **error)
{
  g_autoptr(TernOutgoingMessage) msg = NULL;
  g_auto(GStrv) pairs = NULL;
  const char *rest, *query;
  gsize len;

  if (uri == NULL || g_ascii_strncasecmp (uri, "mailto:", 7) != 0)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID, "This is not a mailto: link.");
      return NULL;
    }
  len = strlen (uri);
  if (len > TERN_MAILTO_MAX_LENGTH)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID, "This mailto: link is too long.");
      return NULL;
    }
  msg = tern_outgoing_message_new ();
  rest = uri + 7;
  query = strchr (rest, '?');
  {
    gsize to_len = query != NULL ? (gsize) (query - rest) : strlen (rest);
    const char *hash = memchr (rest, '#', to_len);
    g_autofree char *to = decode_component (rest, hash ? (gsize) (hash - rest) : to_len, FALSE);

    add_addresses (msg->to, to);
  }
  if (query == NULL)
    return g_steal_pointer (&msg);
  {
    g_autofree char *q = g_strdup (query + 1);
    char *hash = strchr (q, '#');

    if (hash != NULL)
      *hash = '\0';   /* a fragment is not part of the query */
    pairs = g_strsplit (q, "&", 64);
  }
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      char *eq = strchr (pairs[i], '=');
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (eq == NULL)
        continue;
      name = decode_component (pairs[i], eq - pairs[i], FALSE);
      value = decode_component (eq + 1, strlen (eq + 1),
                                g_ascii_strcasecmp (name, "body") == 0);
      apply_field (msg, name, value);
    }
  return g_steal_pointer (&msg);
}
