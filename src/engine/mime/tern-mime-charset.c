/* tern-mime-charset.c: GMime setup, charset repair, RFC 2047 decoding. */
#include "mime/tern-mime-charset.h"

#include <string.h>
#include <gmime/gmime.h>

static gpointer
init_once (gpointer data)
{
  g_mime_init ();
  return NULL;
}

void
tern_mime_init (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, init_once, NULL);
}

/* windows-1252 for 0x80..0x9F; the rest of the upper half is Latin-1. The
 * five holes become U+FFFD, so this decoder accepts every byte string. */
static const gunichar cp1252_high[32] = {
  0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
  0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

static gboolean
is_dropped_control (gunichar c)
{
  return (c < 0x20 && c != '\t' && c != '\n') || (c >= 0x7F && c <= 0x9F);
}

char *
tern_mime_sanitize_utf8 (const char *str, gssize len, gboolean single_line)
{
  GString *out;
  const char *p, *end;

  if (str == NULL)
    return g_strdup ("");
  if (len < 0)
    len = strlen (str);
  out = g_string_sized_new (len + 1);
  p = str;
  end = str + len;
  while (p < end)
    {
      gunichar c;
      const char *run = p;

      /* Most text is printable ASCII: copy it in runs, not char by char. */
      while (p < end && (guchar) *p >= 0x20 && (guchar) *p < 0x7F)
        p++;
      if (p > run)
        g_string_append_len (out, run, p - run);
      if (p == end)
        break;
      c = g_utf8_get_char_validated (p, end - p);

      /* GLib reads old 5- and 6-byte forms and values past U+10FFFF as
       * characters (found by fuzz-mime: F6 BC 90 95); they are not text. */
      if (c == (gunichar) -1 || c == (gunichar) -2 || !g_unichar_validate (c))
        {
          g_string_append_unichar (out, 0xFFFD);
          p++;
          continue;
        }
      p = g_utf8_next_char (p);
      if (single_line && (c == '\t' || c == '\n' || c == '\r'))
        g_string_append_c (out, ' ');
      else if (!is_dropped_control (c))
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static char *
cp1252_to_utf8 (const char *data, gsize len)
{
  GString *out = g_string_sized_new (len + len / 4 + 1);

  for (gsize i = 0; i < len; i++)
    {
      guchar b = (guchar) data[i];

      if (b >= 0x80 && b < 0xA0)
        g_string_append_unichar (out, cp1252_high[b - 0x80]);
      else
        g_string_append_unichar (out, b);
    }
  return g_string_free (out, FALSE);
}

/* A charset label cleaned of quotes, blanks and an RFC 2231 language. */
static char *
clean_charset (const char *charset)
{
  char *cs, *star;

  if (charset == NULL)
    return NULL;
  cs = g_strstrip (g_strdup (charset));
  g_strdelimit (cs, "\"'", ' ');
  g_strstrip (cs);
  if ((star = strchr (cs, '*')) != NULL)
    *star = '\0';
  if (*cs == '\0' || strlen (cs) > 64)
    g_clear_pointer (&cs, g_free);
  return cs;
}

static gboolean
charset_is_utf8_or_ascii (const char *cs)
{
  return g_ascii_strcasecmp (cs, "utf-8") == 0 || g_ascii_strcasecmp (cs, "utf8") == 0 ||
         g_ascii_strcasecmp (cs, "us-ascii") == 0 || g_ascii_strcasecmp (cs, "ascii") == 0;
}

/* Charsets whose bytes are not ASCII-compatible (or are 7-bit escapes), so
 * "valid UTF-8" says nothing about them and they must be tried first. */
static gboolean
charset_needs_first_try (const char *cs)
{
  return g_ascii_strncasecmp (cs, "utf-7", 5) == 0 || g_ascii_strncasecmp (cs, "utf-16", 6) == 0 ||
         g_ascii_strncasecmp (cs, "utf-32", 6) == 0 || g_ascii_strncasecmp (cs, "iso-2022", 8) == 0 ||
         g_ascii_strncasecmp (cs, "ucs-", 4) == 0 || g_ascii_strcasecmp (cs, "hz-gb-2312") == 0;
}

static char *
convert_declared (const char *data, gsize len, const char *cs)
{
  g_autoptr(GError) error = NULL;
  const char *iconv_name = g_mime_charset_iconv_name (cs);
  gsize bytes_read = 0, bytes_written = 0;
  g_autofree char *converted = NULL;

  if (iconv_name == NULL)
    return NULL;
  converted = g_convert (data, len, "UTF-8", iconv_name, &bytes_read, &bytes_written, &error);
  if (converted == NULL || bytes_read != len)
    return NULL;
  return tern_mime_sanitize_utf8 (converted, bytes_written, FALSE);
}

char *
tern_mime_text_to_utf8 (const char *data, gssize len, const char *declared_charset)
{
  g_autofree char *cs = clean_charset (declared_charset);
  g_autofree char *no_nul = NULL;
  char *result;

  tern_mime_init ();
  if (data == NULL)
    return g_strdup ("");
  if (len < 0)
    len = strlen (data);
  if (memchr (data, '\0', len) != NULL)
    {
      /* NUL bytes are never text; drop them before any charset guess. */
      gsize n = 0;
      no_nul = g_malloc (len + 1);
      for (gssize i = 0; i < len; i++)
        if (data[i] != '\0')
          no_nul[n++] = data[i];
      no_nul[n] = '\0';
      data = no_nul;
      len = n;
    }

  if (cs != NULL && charset_needs_first_try (cs) && (result = convert_declared (data, len, cs)))
    return result;
  if (g_utf8_validate (data, len, NULL))
    return tern_mime_sanitize_utf8 (data, len, FALSE);
  if (cs != NULL && !charset_is_utf8_or_ascii (cs) && (result = convert_declared (data, len, cs)))
    return result;
  {
    g_autofree char *latin = cp1252_to_utf8 (data, len);
    return tern_mime_sanitize_utf8 (latin, -1, FALSE);
  }
}

/* ---- RFC 2047 ---- */

static int
hex_value (char c)
{
  if (g_ascii_isxdigit (c))
    return g_ascii_xdigit_value (c);
  return -1;
}

/* Parse one encoded word at @p ("=?cs?e?text?="). On success append the
 * decoded bytes to @bytes, set *@charset (newly allocated) and *@end. */
static gboolean
parse_encoded_word (const char *p, const char **end, char **charset, GByteArray *bytes)
{
  const char *cs_start, *cs_end, *text, *text_end;
  char enc;

  if (p[0] != '=' || p[1] != '?')
    return FALSE;
  cs_start = p + 2;
  cs_end = cs_start;
  while (*cs_end && *cs_end != '?' && !g_ascii_isspace (*cs_end) && cs_end - cs_start < 64)
    cs_end++;
  if (*cs_end != '?' || cs_end == cs_start)
    return FALSE;
  enc = g_ascii_toupper (cs_end[1]);
  if ((enc != 'B' && enc != 'Q') || cs_end[2] != '?')
    return FALSE;
  text = cs_end + 3;
  text_end = strstr (text, "?=");
  if (text_end == NULL)
    return FALSE;
  for (const char *q = text; q < text_end; q++)
    if (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')
      return FALSE;

  if (enc == 'B')
    {
      gsize n = text_end - text;
      g_autofree guchar *buf = g_malloc (n * 3 / 4 + 4);
      gint state = 0;
      guint save = 0;
      gsize out_len = g_base64_decode_step (text, n, buf, &state, &save);
      g_byte_array_append (bytes, buf, out_len);
    }
  else
    {
      for (const char *q = text; q < text_end; q++)
        {
          guint8 b = (guint8) *q;
          if (*q == '_')
            b = ' ';
          else if (*q == '=' && q + 2 < text_end && hex_value (q[1]) >= 0 && hex_value (q[2]) >= 0)
            {
              b = (guint8) (hex_value (q[1]) * 16 + hex_value (q[2]));
              q += 2;
            }
          g_byte_array_append (bytes, &b, 1);
        }
    }
  *charset = g_strndup (cs_start, cs_end - cs_start);
  *end = text_end + 2;
  return TRUE;
}

typedef struct {
  GString *out;
  gboolean reencode;       /* normalize mode: emit UTF-8 encoded words (Q) */
  GByteArray *pending;     /* bytes of adjacent encoded words, not yet converted */
  char *pending_charset;
  gboolean after_word;     /* normalize mode: the output ends with an encoded word */
} Rfc2047Decoder;

static void
flush_pending (Rfc2047Decoder *d)
{
  g_autofree char *utf8 = NULL;

  if (d->pending->len == 0)
    return;
  utf8 = tern_mime_text_to_utf8 ((const char *) d->pending->data, d->pending->len, d->pending_charset);
  if (d->reencode)
    {
      /* Q, not B: GMime 3.2 drops the word after a padded B word
       * ("=?UTF-8?B?cGxhaW4=?= =?UTF-8?B?Sm9zw6k=?=" parses as "plain").
       * Two words back to back ("?==?") are not both decoded either; a
       * space between encoded words is not shown, so it changes nothing. */
      g_string_append (d->out, d->after_word ? " =?UTF-8?Q?" : "=?UTF-8?Q?");
      for (const guchar *q = (const guchar *) utf8; *q; q++)
        if (g_ascii_isalnum (*q))
          g_string_append_c (d->out, (char) *q);
        else
          g_string_append_printf (d->out, "=%02X", *q);
      g_string_append (d->out, "?=");
      d->after_word = TRUE;
    }
  else
    g_string_append (d->out, utf8);
  g_byte_array_set_size (d->pending, 0);
  g_clear_pointer (&d->pending_charset, g_free);
}

static void
append_plain_run (Rfc2047Decoder *d, const char *start, gsize len)
{
  g_autofree char *utf8 = NULL;

  if (len == 0)
    return;
  flush_pending (d);
  d->after_word = FALSE;
  /* Raw 8-bit headers can mix charsets word by word; guess per word. */
  for (gsize i = 0; i < len;)
    {
      gsize j = i;
      while (j < len && start[j] != ' ' && start[j] != '\t')
        j++;
      while (j < len && (start[j] == ' ' || start[j] == '\t'))
        j++;
      utf8 = tern_mime_text_to_utf8 (start + i, j - i, NULL);
      g_string_append (d->out, utf8);
      g_clear_pointer (&utf8, g_free);
      i = j;
    }
}

static char *
rfc2047_run (const char *raw, gboolean reencode)
{
  Rfc2047Decoder d = { g_string_new (NULL), reencode, g_byte_array_new (), NULL, FALSE };
  g_autofree char *unfolded = g_strdup (raw);
  const char *p, *run;
  char *w = unfolded;

  /* Unfold: CRLF + WSP is just WSP. Stray CR/LF are dropped too. */
  for (const char *r = raw; *r; r++)
    if (*r != '\r' && *r != '\n')
      *w++ = *r;
  *w = '\0';

  p = run = unfolded;
  while (*p)
    {
      g_autofree char *charset = NULL;
      const char *end;
      g_autoptr(GByteArray) bytes = g_byte_array_new ();

      if (p[0] == '=' && p[1] == '?' && parse_encoded_word (p, &end, &charset, bytes))
        {
          /* Linear white space between two encoded words is not shown. */
          const char *s = run;
          gboolean only_space = TRUE;
          for (; s < p; s++)
            if (*s != ' ' && *s != '\t')
              only_space = FALSE;
          if (!(only_space && d.pending->len > 0))
            append_plain_run (&d, run, p - run);
          if (d.pending->len > 0 && g_ascii_strcasecmp (d.pending_charset, charset) != 0)
            flush_pending (&d);
          if (d.pending_charset == NULL)
            d.pending_charset = g_steal_pointer (&charset);
          g_byte_array_append (d.pending, bytes->data, bytes->len);
          p = run = end;
          continue;
        }
      p++;
    }
  append_plain_run (&d, run, p - run);
  flush_pending (&d);
  g_byte_array_unref (d.pending);
  g_free (d.pending_charset);
  return g_string_free (d.out, FALSE);
}

/* One line of valid UTF-8 from a raw header; @reencode as in Rfc2047Decoder. */
static char *
header_to_line (const char *raw, gboolean reencode)
{
  g_autofree char *out = NULL;

  if (raw == NULL)
    return NULL;
  tern_mime_init ();
  out = rfc2047_run (raw, reencode);
  return tern_mime_sanitize_utf8 (out, -1, TRUE);
}

char *
tern_mime_decode_header (const char *raw)
{
  char *line = header_to_line (raw, FALSE);

  return line ? g_strstrip (line) : NULL;
}

char *
tern_mime_normalize_header (const char *raw)
{
  return header_to_line (raw, TRUE);
}
