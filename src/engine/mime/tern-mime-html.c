/* tern-mime-html.c: a small, forgiving HTML-to-text converter. */
#include "mime/tern-mime-html.h"
#include "mime/tern-mime-charset.h"

#include <string.h>

static const struct { const char *name; gunichar c; } entities[] = {
  { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
  { "nbsp", 0xA0 }, { "copy", 0xA9 }, { "reg", 0xAE }, { "hellip", 0x2026 },
  { "mdash", 0x2014 }, { "ndash", 0x2013 }, { "lsquo", 0x2018 }, { "rsquo", 0x2019 },
  { "ldquo", 0x201C }, { "rdquo", 0x201D }, { "euro", 0x20AC }, { "bull", 0x2022 },
  { "auml", 0xE4 }, { "ouml", 0xF6 }, { "uuml", 0xFC }, { "Auml", 0xC4 }, { "Ouml", 0xD6 },
  { "Uuml", 0xDC }, { "szlig", 0xDF }, { "eacute", 0xE9 }, { "egrave", 0xE8 }, { "aacute", 0xE1 },
  { "agrave", 0xE0 }, { "ccedil", 0xE7 }, { "ntilde", 0xF1 }, { "oacute", 0xF3 }, { "iacute", 0xED },
  { "uacute", 0xFA }, { "pound", 0xA3 }, { "yen", 0xA5 }, { "deg", 0xB0 }, { "times", 0xD7 },
};

/* Decode a character reference at @p (just after '&'). Returns the number of
 * bytes consumed after '&' (0 if not a reference) and the character. */
static gsize
decode_entity (const char *p, gunichar *out)
{
  const char *semi = p;

  while (*semi && *semi != ';' && semi - p < 12 && (g_ascii_isalnum (*semi) || *semi == '#'))
    semi++;
  if (*semi != ';' || semi == p)
    return 0;
  if (p[0] == '#')
    {
      guint64 v;
      char *end;
      if (p[1] == 'x' || p[1] == 'X')
        v = g_ascii_strtoull (p + 2, &end, 16);
      else
        v = g_ascii_strtoull (p + 1, &end, 10);
      if (end != semi)
        return 0;
      *out = (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) ? 0xFFFD : (gunichar) v;
      return semi - p + 1;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (entities); i++)
    if (strlen (entities[i].name) == (gsize) (semi - p) &&
        strncmp (entities[i].name, p, semi - p) == 0)
      {
        *out = entities[i].c;
        return semi - p + 1;
      }
  return 0;
}

static gboolean
tag_is (const char *name, gsize len, const char *const *list)
{
  for (; *list; list++)
    if (strlen (*list) == len && g_ascii_strncasecmp (*list, name, len) == 0)
      return TRUE;
  return FALSE;
}

static void
newline (GString *out, guint count)
{
  guint have = 0;

  while (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  for (gsize i = out->len; i > 0 && out->str[i - 1] == '\n'; i--)
    have++;
  if (out->len == 0)
    return;
  for (; have < count; have++)
    g_string_append_c (out, '\n');
}

char *
tern_mime_html_to_text (const char *html)
{
  static const char *const skip_tags[] = { "script", "style", "head", "title", "template", NULL };
  static const char *const para_tags[] = { "p", "div", "h1", "h2", "h3", "h4", "h5", "h6",
                                           "blockquote", "table", "ul", "ol", "pre", "hr", NULL };
  static const char *const line_tags[] = { "br", "tr", "li", "dt", "dd", NULL };
  GString *out;
  const char *p;
  gboolean in_pre = FALSE;
  char *result;

  if (html == NULL)
    return g_strdup ("");
  out = g_string_new (NULL);
  p = html;
  while (*p)
    {
      if (*p == '<')
        {
          const char *name, *end;
          gboolean closing = FALSE;
          gsize name_len;

          if (strncmp (p, "<!--", 4) == 0)
            {
              end = strstr (p + 4, "-->");
              p = end ? end + 3 : p + strlen (p);
              continue;
            }
          name = p + 1;
          if (*name == '/')
            closing = TRUE, name++;
          name_len = 0;
          while (g_ascii_isalnum (name[name_len]))
            name_len++;
          end = strchr (p, '>');
          if (end == NULL)
            break;
          p = end + 1;
          if (name_len == 0)
            continue;
          if (!closing && tag_is (name, name_len, skip_tags) && end[-1] != '/')
            {
              /* Skip to the matching close tag. */
              g_autofree char *close = g_strdup_printf ("</%.*s", (int) name_len, name);
              const char *q = p;
              while (*q && g_ascii_strncasecmp (q, close, strlen (close)) != 0)
                q++;
              p = *q ? (strchr (q, '>') ? strchr (q, '>') + 1 : q + strlen (q)) : q;
              continue;
            }
          if (tag_is (name, name_len, (const char *const[]) { "pre", NULL }))
            in_pre = !closing;
          if (tag_is (name, name_len, para_tags))
            newline (out, 2);
          else if (tag_is (name, name_len, line_tags))
            newline (out, 1);
          else if (tag_is (name, name_len, (const char *const[]) { "td", "th", NULL }) && !closing)
            g_string_append_c (out, ' ');
          continue;
        }
      if (*p == '&')
        {
          gunichar c;
          gsize n = decode_entity (p + 1, &c);
          if (n > 0)
            {
              g_string_append_unichar (out, c == 0xA0 ? ' ' : c);
              p += n + 1;
              continue;
            }
        }
      if (!in_pre && g_ascii_isspace (*p))
        {
          if (out->len > 0 && out->str[out->len - 1] != ' ' && out->str[out->len - 1] != '\n')
            g_string_append_c (out, ' ');
          p++;
          continue;
        }
      g_string_append_c (out, *p);
      p++;
    }
  newline (out, 1);
  result = tern_mime_sanitize_utf8 (out->str, out->len, FALSE);
  g_string_free (out, TRUE);
  g_strchomp (result);
  return result;
}
