/* tern-test-messages.c: deterministic realistic RFC 5322 messages. */
#include "tern-test-messages.h"

#include <string.h>

#define THREAD_SPAN 6          /* messages i - i % 6 .. form one potential thread */
#define SECONDS_PER_DAY 86400

typedef struct {
  const char *name;     /* UTF-8 display name */
  const char *addr;
} Person;

static const Person people[] = {
  { "Alice Martin", "alice@example.org" },
  { "Bob Stone", "bob@example.net" },
  { "José García", "jose.garcia@example.es" },
  { "Zoë Müller", "zoe@example.de" },
  { "François Lefèvre", "francois@example.fr" },
  { "Łukasz Żółkiewski", "lukasz@example.pl" },
  { "Ingrid Åkesson", "ingrid@example.se" },
  { "Chen Wei 陈伟", "chen.wei@example.cn" },
  { "Tern Users", "tern-users@lists.example.com" },
  { "Dana Scully", "dana@example.com" },
  { "Priya Raman", "priya@example.in" },
  { "Noah O'Neil", "noah@example.ie" },
};

static const char *const subjects[] = {
  "Quarterly report draft",
  "Lunch on Friday?",
  "Réunion de lundi : ordre du jour",
  "Über die Änderungen im Vertrag",
  "Invoice #4821 for March",
  "Re-scheduling our call",
  "Photos from the trip ☀",
  "Fwd: Server maintenance window",
  "Café meeting notes",
  "Weekly digest: 14 new topics",
  "Ta-da! The new build is out",
  "Pregunta rápida sobre el presupuesto",
  "Your order has shipped",
  "Comments on chapter 3",
  "Zażółć gęślą jaźń test",
};

static const char *const words[] = {
  "the", "project", "meeting", "we", "should", "review", "budget", "next", "week",
  "please", "find", "attached", "thanks", "for", "your", "help", "with", "server",
  "message", "client", "folder", "schedule", "draft", "update", "team", "release",
  "notes", "café", "naïve", "résumé", "Grüße", "señor", "über", "déjà", "vu",
  "and", "to", "of", "in", "is", "it", "on", "that", "this", "a", "an", "as",
};

static const char *const file_names[] = {
  "report.pdf", "photo.jpg", "budget-2024.xlsx", "Übersicht März.pdf",
  "notes.txt", "présentation finale.odp", "diagram.png", "данные.csv",
};
static const char *const file_types[] = {
  "application/pdf", "image/jpeg", "application/vnd.ms-excel", "application/pdf",
  "text/plain", "application/vnd.oasis.opendocument.presentation", "image/png", "text/csv",
};

/* Each message draws from its own generator, so any message can be rebuilt
 * alone (threads rebuild their parent's date and subject). */
static GRand *
message_rand (guint index, guint32 seed, guint32 stream)
{
  guint32 s[3] = { seed, index, stream };

  return g_rand_new_with_seed_array (s, 3);
}

static gint64
day_anchor (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  return now - now % SECONDS_PER_DAY;
}

static gboolean
is_reply (guint index, guint32 seed)
{
  g_autoptr(GRand) r = message_rand (index, seed, 1);

  return index % THREAD_SPAN != 0 && g_rand_int_range (r, 0, 100) < 45;
}

static guint
thread_root (guint index, guint32 seed)
{
  while (is_reply (index, seed))
    index--;
  return index;
}

static gint64
message_date (guint index, guint32 seed)
{
  g_autoptr(GRand) r = message_rand (index, seed, 2);

  if (is_reply (index, seed))
    return message_date (index - 1, seed) + g_rand_int_range (r, 600, 2 * SECONDS_PER_DAY);
  return day_anchor () - 3 * SECONDS_PER_DAY - g_rand_int_range (r, 0, 360 * SECONDS_PER_DAY);
}

static const char *
root_subject (guint index, guint32 seed)
{
  g_autoptr(GRand) r = message_rand (thread_root (index, seed), seed, 3);

  return subjects[g_rand_int_range (r, 0, G_N_ELEMENTS (subjects))];
}

char *
tern_test_message_id (guint index, guint32 seed)
{
  return g_strdup_printf ("%u.%08x.%u@generator.tern.test", index, seed,
                          (index * 2654435761u) ^ seed);
}

static gboolean
is_ascii (const char *s)
{
  for (; *s; s++)
    if ((guchar) *s >= 0x80)
      return FALSE;
  return TRUE;
}

/* RFC 2047 encoded-word(s) for @text: Q in ISO-8859-1 when it fits (and
 * @latin1_ok), else B in UTF-8, split so no encoded word exceeds 75 chars. */
static void
append_encoded_words (GString *out, const char *text, gboolean latin1_ok)
{
  g_autofree char *latin1 = latin1_ok ? g_convert (text, -1, "ISO-8859-1", "UTF-8",
                                                   NULL, NULL, NULL) : NULL;
  if (is_ascii (text))
    {
      g_string_append (out, text);
      return;
    }
  if (latin1 != NULL)
    {
      g_string_append (out, "=?ISO-8859-1?Q?");
      for (const guchar *p = (const guchar *) latin1; *p; p++)
        {
          if (*p == ' ')
            g_string_append_c (out, '_');
          else if (g_ascii_isalnum (*p))
            g_string_append_c (out, (char) *p);
          else
            g_string_append_printf (out, "=%02X", *p);
        }
      g_string_append (out, "?=");
      return;
    }
  for (const char *p = text; *p;)
    {
      const char *end = p;
      g_autofree char *b64 = NULL;

      /* 45 bytes -> 60 base64 chars; cut on a character boundary. */
      while (*end && end - p < 40)
        end = g_utf8_next_char (end);
      b64 = g_base64_encode ((const guchar *) p, (gsize) (end - p));
      g_string_append_printf (out, "%s=?UTF-8?B?%s?=", p == text ? "" : "\r\n ", b64);
      p = end;
    }
}

static void
append_address (GString *out, const Person *who, gboolean latin1_ok)
{
  if (is_ascii (who->name))
    g_string_append_printf (out, "\"%s\" <%s>", who->name, who->addr);
  else
    {
      append_encoded_words (out, who->name, latin1_ok);
      g_string_append_printf (out, " <%s>", who->addr);
    }
}

static char *
make_text (GRand *r, guint min_words, guint max_words)
{
  GString *s = g_string_new (NULL);
  guint n = (guint) g_rand_int_range (r, (gint32) min_words, (gint32) max_words);
  guint line = 0;

  for (guint i = 0; i < n; i++)
    {
      const char *w = words[g_rand_int_range (r, 0, G_N_ELEMENTS (words))];

      if (i > 0 && g_rand_int_range (r, 0, 40) == 0)
        {
          g_string_append (s, ".\n\n");
          line = 0;
        }
      else if (line > 60)
        {
          g_string_append_c (s, '\n');
          line = 0;
        }
      else if (i > 0)
        {
          g_string_append_c (s, ' ');
          line++;
        }
      g_string_append (s, w);
      line += (guint) strlen (w);
    }
  g_string_append (s, ".\n");
  return g_string_free (s, FALSE);
}

/* Quoted-printable of @data (LF line breaks in, CRLF out). */
static void
append_qp (GString *out, const char *data, gsize len)
{
  guint col = 0;

  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) data[i];
      char enc[4];

      if (c == '\n')
        {
          g_string_append (out, "\r\n");
          col = 0;
          continue;
        }
      if ((c >= 33 && c <= 126 && c != '=') ||
          (c == ' ' && i + 1 < len && data[i + 1] != '\n'))
        g_snprintf (enc, sizeof enc, "%c", c);
      else
        g_snprintf (enc, sizeof enc, "=%02X", c);
      if (col + strlen (enc) > 75)
        {
          g_string_append (out, "=\r\n");
          col = 0;
        }
      g_string_append (out, enc);
      col += (guint) strlen (enc);
    }
  g_string_append (out, "\r\n");
}

static void
append_crlf (GString *out, const char *text)
{
  for (; *text; text++)
    {
      if (*text == '\n')
        g_string_append_c (out, '\r');
      g_string_append_c (out, *text);
    }
}

static void
append_base64 (GString *out, const guchar *data, gsize len)
{
  g_autofree char *b64 = g_base64_encode (data, len);
  gsize n = strlen (b64);

  for (gsize i = 0; i < n; i += 76)
    {
      g_string_append_len (out, b64 + i, (gssize) MIN (76, n - i));
      g_string_append (out, "\r\n");
    }
}

/* A text/plain part: UTF-8 8bit, UTF-8 QP, or ISO-8859-1 QP. */
static void
append_plain_part (GString *out, GRand *r, const char *text)
{
  g_autofree char *latin1 = g_convert (text, -1, "ISO-8859-1", "UTF-8", NULL, NULL, NULL);
  int kind = g_rand_int_range (r, 0, 3);

  if (kind == 0 && latin1 != NULL)
    {
      g_string_append (out, "Content-Type: text/plain; charset=ISO-8859-1\r\n"
                            "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
      append_qp (out, latin1, strlen (latin1));
    }
  else if (kind == 1)
    {
      g_string_append (out, "Content-Type: text/plain; charset=UTF-8; format=flowed\r\n"
                            "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
      append_qp (out, text, strlen (text));
    }
  else
    {
      g_string_append (out, "Content-Type: text/plain; charset=UTF-8\r\n"
                            "Content-Transfer-Encoding: 8bit\r\n\r\n");
      append_crlf (out, text);
    }
}

static void
append_html_part (GString *out, const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_auto(GStrv) paras = g_strsplit (escaped, "\n\n", -1);
  GString *html = g_string_new ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                                "<style>p { font-family: sans-serif; }</style></head>\n<body>\n");

  for (guint i = 0; paras[i] != NULL; i++)
    g_string_append_printf (html, "<p>%s</p>\n", paras[i]);
  g_string_append (html, "</body></html>\n");
  g_string_append (out, "Content-Type: text/html; charset=UTF-8\r\n"
                        "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
  append_qp (out, html->str, html->len);
  g_string_free (html, TRUE);
}

static void
append_alternative (GString *out, GRand *r, const char *text, const char *boundary)
{
  g_string_append_printf (out, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n"
                               "--%s\r\n", boundary, boundary);
  append_plain_part (out, r, text);
  g_string_append_printf (out, "--%s\r\n", boundary);
  append_html_part (out, text);
  g_string_append_printf (out, "--%s--\r\n", boundary);
}

static void
append_filename_param (GString *out, const char *param, const char *name)
{
  if (is_ascii (name))
    {
      g_string_append_printf (out, "; %s=\"%s\"", param, name);
      return;
    }
  /* RFC 2231: name*=UTF-8''percent-encoded */
  g_string_append_printf (out, "; %s*=UTF-8''", param);
  for (const guchar *p = (const guchar *) name; *p; p++)
    {
      if (g_ascii_isalnum (*p) || strchr (".-_", *p))
        g_string_append_c (out, (char) *p);
      else
        g_string_append_printf (out, "%%%02X", *p);
    }
}

static void
append_attachment (GString *out, GRand *r)
{
  guint which = (guint) g_rand_int_range (r, 0, G_N_ELEMENTS (file_names));
  double x = g_rand_double (r);
  /* Mostly small, sometimes large: 2 KB + x^4 * 98 KB (mean about 22 KB). */
  gsize size = 2048 + (gsize) (x * x * x * x * 98.0 * 1024);
  g_autofree guchar *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guchar) g_rand_int (r);
  g_string_append_printf (out, "Content-Type: %s", file_types[which]);
  append_filename_param (out, "name", file_names[which]);
  g_string_append (out, "\r\nContent-Disposition: attachment");
  append_filename_param (out, "filename", file_names[which]);
  g_string_append (out, "\r\nContent-Transfer-Encoding: base64\r\n\r\n");
  append_base64 (out, data, size);
}

static void
append_headers (GString *out, GRand *r, guint index, guint32 seed)
{
  const Person *from = &people[g_rand_int_range (r, 0, G_N_ELEMENTS (people))];
  const Person *to = &people[g_rand_int_range (r, 0, G_N_ELEMENTS (people))];
  gboolean latin1_ok = g_rand_boolean (r);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (message_date (index, seed));
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset (3600 * g_rand_int_range (r, -8, 10));
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
  g_autofree char *date = g_date_time_format (local, "%a, %d %b %Y %H:%M:%S %z");
  g_autofree char *mid = tern_test_message_id (index, seed);
  g_autofree char *subject = g_strconcat (is_reply (index, seed) ? "Re: " : "",
                                          root_subject (index, seed), NULL);

  g_string_append_printf (out, "Return-Path: <%s>\r\n", from->addr);
  g_string_append (out, "Received: from mail.example.org (mail.example.org [192.0.2.10])\r\n"
                        "\tby mx.tern.test with ESMTPS id generator\r\n"
                        "\tfor <demo@localhost>; ");
  g_string_append_printf (out, "%s\r\nDate: %s\r\nFrom: ", date, date);
  append_address (out, from, latin1_ok);
  g_string_append (out, "\r\nTo: ");
  append_address (out, to, latin1_ok);
  if (g_rand_int_range (r, 0, 4) == 0)
    {
      g_string_append (out, ",\r\n ");
      append_address (out, &people[g_rand_int_range (r, 0, G_N_ELEMENTS (people))], latin1_ok);
    }
  g_string_append (out, "\r\nSubject: ");
  append_encoded_words (out, subject, latin1_ok);
  g_string_append_printf (out, "\r\nMessage-ID: <%s>\r\n", mid);
  if (is_reply (index, seed))
    {
      g_autofree char *parent = tern_test_message_id (index - 1, seed);
      g_autofree char *root = tern_test_message_id (thread_root (index, seed), seed);

      g_string_append_printf (out, "In-Reply-To: <%s>\r\nReferences: ", parent);
      if (g_strcmp0 (root, parent) != 0)
        g_string_append_printf (out, "<%s>\r\n ", root);
      g_string_append_printf (out, "<%s>\r\n", parent);
    }
  g_string_append (out, "MIME-Version: 1.0\r\nUser-Agent: Tern test generator\r\n");
}

GBytes *
tern_test_message_generate (guint index, guint32 seed)
{
  g_autoptr(GRand) r = message_rand (index, seed, 0);
  GString *out = g_string_sized_new (8192);
  g_autofree char *text = NULL;
  g_autofree char *mixed = g_strdup_printf ("=_mixed_%u_%08x", index, seed);
  g_autofree char *alt = g_strdup_printf ("=_alt_%u_%08x", index, seed);
  gboolean attach = g_rand_int_range (r, 0, 100) < 10;
  int kind = g_rand_int_range (r, 0, 100);

  append_headers (out, r, index, seed);
  text = make_text (r, 50, 340);
  if (is_reply (index, seed))
    {
      /* Quote a little of the parent, as replies do. */
      g_autofree char *quoted = g_strconcat (text, "\nOn an earlier day, someone wrote:\n"
                                             "> Thanks, see you then.\n> Regards\n", NULL);
      g_free (text);
      text = g_steal_pointer (&quoted);
    }
  if (attach)
    g_string_append_printf (out, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n"
                                 "This is a multi-part message in MIME format.\r\n"
                                 "--%s\r\n", mixed, mixed);
  if (kind < 45)
    append_plain_part (out, r, text);
  else if (kind < 60)
    append_html_part (out, text);
  else
    append_alternative (out, r, text, alt);
  if (attach)
    {
      guint n = g_rand_int_range (r, 0, 4) == 0 ? 2 : 1;

      for (guint i = 0; i < n; i++)
        {
          g_string_append_printf (out, "--%s\r\n", mixed);
          append_attachment (out, r);
        }
      g_string_append_printf (out, "--%s--\r\n", mixed);
    }
  return g_string_free_to_bytes (out);
}

gboolean
tern_test_messages_seed (TernTestServers *servers, const char *user, const char *mailbox,
                         guint first_index, guint n, guint32 seed, GError **error)
{
  const guint batch = 500;

  for (guint done = 0; done < n;)
    {
      g_autoptr(GPtrArray) msgs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
      guint count = MIN (batch, n - done);

      for (guint i = 0; i < count; i++)
        g_ptr_array_add (msgs, tern_test_message_generate (first_index + done + i, seed));
      if (!tern_test_servers_seed_maildir (servers, user, mailbox, msgs, error))
        return FALSE;
      done += count;
    }
  return TRUE;
}
