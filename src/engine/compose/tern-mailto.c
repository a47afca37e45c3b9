/* tern-mailto.c: RFC 6068 parsing. Input is hostile (web pages, other apps). */
#include "compose/tern-mailto.h"
#include "core/tern-error.h"

#include <string.h>

void
tern_mailto_free (TernMailto *mailto)
{
  if (mailto == NULL)
    return;
  g_ptr_array_unref (mailto->to);
  g_ptr_array_unref (mailto->cc);
  g_ptr_array_unref (mailto->bcc);
  g_free (mailto->subject);
  g_free (mailto->body);
  g_free (mailto->in_reply_to);
  g_free (mailto);
}

/* Percent-decode @len bytes into UTF-8. FALSE if the result holds a NUL. */
static gboolean
percent_decode (const char *s, gsize len, char **out)
{
  GString *bytes = g_string_sized_new (len + 1);

  for (gsize i = 0; i < len; i++)
    {
      if (s[i] == '%' && i + 2 < len && g_ascii_isxdigit (s[i + 1]) && g_ascii_isxdigit (s[i + 2]))
        {
          char c = (char) (g_ascii_xdigit_value (s[i + 1]) * 16 + g_ascii_xdigit_value (s[i + 2]));
          if (c == '\0')
            {
              g_string_free (bytes, TRUE);
              return FALSE;
            }
          g_string_append_c (bytes, c);
          i += 2;
        }
      else
        g_string_append_c (bytes, s[i]);
    }
  *out = tern_mime_text_to_utf8 (bytes->str, bytes->len, "utf-8");
  g_string_free (bytes, TRUE);
  return TRUE;
}

static void
add_addresses (GPtrArray *list, const char *text)
{
  g_autoptr(GPtrArray) parsed = tern_address_list_parse (text);

  for (guint i = 0; i < parsed->len && list->len < TERN_MAILTO_MAX_ADDRESSES; i++)
    {
      TernAddress *a = g_ptr_array_index (parsed, i);
      if (*a->address != '\0')
        g_ptr_array_add (list, tern_address_copy (a));
    }
}

static char *
strip_angles (const char *id)
{
  g_autofree char *s = g_strstrip (g_strdup (id));
  gsize len = strlen (s);

  if (len >= 2 && s[0] == '<' && s[len - 1] == '>')
    return g_strndup (s + 1, len - 2);
  return g_steal_pointer (&s);
}

static void
apply_field (TernMailto *m, const char *key, const char *value)
{
  if (g_ascii_strcasecmp (key, "to") == 0)
    add_addresses (m->to, value);
  else if (g_ascii_strcasecmp (key, "cc") == 0)
    add_addresses (m->cc, value);
  else if (g_ascii_strcasecmp (key, "bcc") == 0)
    add_addresses (m->bcc, value);
  else if (g_ascii_strcasecmp (key, "subject") == 0 && m->subject == NULL)
    m->subject = g_strstrip (tern_mime_sanitize_utf8 (value, -1, TRUE));
  else if (g_ascii_strcasecmp (key, "body") == 0 && m->body == NULL)
    m->body = tern_mime_sanitize_utf8 (value, -1, FALSE);   /* drops CR: LF line ends */
  else if (g_ascii_strcasecmp (key, "in-reply-to") == 0 && m->in_reply_to == NULL)
    {
      g_autofree char *line = tern_mime_sanitize_utf8 (value, -1, TRUE);
      m->in_reply_to = strip_angles (line);
    }
  /* Everything else (attach, from, unknown headers) is ignored. */
}

static gboolean
parse_query (TernMailto *m, const char *query, GError **error)
{
  g_auto(GStrv) pairs = g_strsplit (query, "&", -1);

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      const char *eq = strchr (pairs[i], '=');
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;

      if (eq == NULL || eq == pairs[i])
        continue;
      if (!percent_decode (pairs[i], eq - pairs[i], &key) ||
          !percent_decode (eq + 1, strlen (eq + 1), &value))
        {
          g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID, "The mailto link contains a NUL byte");
          return FALSE;
        }
      apply_field (m, key, value);
    }
  return TRUE;
}

TernMailto *
tern_mailto_parse (const char *uri, GError **error)
{
  g_autoptr(TernMailto) m = NULL;
  const char *rest, *q;
  g_autofree char *to = NULL;

  if (uri == NULL || g_ascii_strncasecmp (uri, "mailto:", 7) != 0)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID, "Not a mailto: link");
      return NULL;
    }
  if (strlen (uri) > TERN_MAILTO_MAX_LENGTH)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID, "The mailto link is too long");
      return NULL;
    }
  m = g_new0 (TernMailto, 1);
  m->to = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_address_free);
  m->cc = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_address_free);
  m->bcc = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_address_free);
  rest = uri + 7;
  q = strchr (rest, '?');
  if (!percent_decode (rest, q ? (gsize) (q - rest) : strlen (rest), &to))
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID, "The mailto link contains a NUL byte");
      return NULL;
    }
  add_addresses (m->to, to);
  if (q != NULL && !parse_query (m, q + 1, error))
    return NULL;
  return g_steal_pointer (&m);
}
