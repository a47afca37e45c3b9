/* tern-mbox.c: mboxrd writing, liberal mbox reading, streamed. */
#include "archive/tern-mbox.h"

#include <stdio.h>
#include <string.h>

#include "core/tern-error.h"

#define READ_CHUNK (64 * 1024)

struct _TernMboxReader {
  GInputStream *in;
  guint8 *buf;
  gsize len, pos;             /* buf[pos..len) not yet consumed */
  gboolean eof;
  guint64 offset;

  GByteArray *msg;            /* the message being read */
  gboolean in_message;        /* a separator line was seen */
  gboolean oversized;         /* the current message passed the cap */
  gboolean at_line_start;
  gboolean prev_blank;        /* the last complete line was empty */
  gint64 date;                /* of the current message's separator */
  guint skipped;
  gboolean truncated;
};

TernMboxReader *
tern_mbox_reader_new (GInputStream *in)
{
  TernMboxReader *r = g_new0 (TernMboxReader, 1);

  r->in = g_object_ref (in);
  r->buf = g_malloc (READ_CHUNK);
  r->msg = g_byte_array_new ();
  r->at_line_start = TRUE;
  return r;
}

void
tern_mbox_reader_free (TernMboxReader *r)
{
  if (r == NULL)
    return;
  g_object_unref (r->in);
  g_free (r->buf);
  g_byte_array_unref (r->msg);
  g_free (r);
}

guint64
tern_mbox_reader_get_offset (TernMboxReader *r)
{
  return r->offset;
}

guint
tern_mbox_reader_get_skipped (TernMboxReader *r)
{
  return r->skipped;
}

gboolean
tern_mbox_reader_was_truncated (TernMboxReader *r)
{
  return r->truncated;
}

/* ---- lines -------------------------------------------------------------- */

/* The next piece of input: a whole line (with its \n) when it fits in the
 * buffer, else as much of it as the buffer holds (*complete FALSE). FALSE
 * at the end of the input or on an error. */
static gboolean
next_segment (TernMboxReader *r, const guint8 **seg, gsize *seg_len, gboolean *complete,
              GCancellable *cancellable, GError **error)
{
  const guint8 *nl = memchr (r->buf + r->pos, '\n', r->len - r->pos);

  while (nl == NULL && !r->eof && r->len - r->pos < READ_CHUNK)
    {
      gssize n;

      memmove (r->buf, r->buf + r->pos, r->len - r->pos);
      r->len -= r->pos;
      r->pos = 0;
      n = g_input_stream_read (r->in, r->buf + r->len, READ_CHUNK - r->len, cancellable, error);
      if (n < 0)
        return FALSE;
      r->eof = n == 0;
      nl = memchr (r->buf + r->len, '\n', (gsize) n);
      r->len += (gsize) n;
    }
  if (r->pos == r->len)
    return FALSE;
  *seg = r->buf + r->pos;
  *complete = nl != NULL;
  *seg_len = nl != NULL ? (gsize) (nl - *seg) + 1 : r->len - r->pos;
  r->pos += *seg_len;
  r->offset += *seg_len;
  return TRUE;
}

static gboolean
is_blank (const guint8 *line, gsize len)
{
  return (len == 1 && line[0] == '\n') || (len == 2 && line[0] == '\r' && line[1] == '\n');
}

/* ^>*From  */
static gboolean
is_quoted_from (const guint8 *line, gsize len)
{
  gsize i = 0;

  while (i < len && line[i] == '>')
    i++;
  return len - i >= 5 && memcmp (line + i, "From ", 5) == 0;
}

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char *const weekdays[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

/* "Www Mmm dd hh:mm:ss yyyy" somewhere after "From x ", as Unix time. A
 * line is taken as a separator only if this reads, so an unescaped "From "
 * sentence in an mboxo body does not split the message. */
static gboolean
separator_date (const char *line, gint64 *date)
{
  g_auto(GStrv) words = g_strsplit_set (line, " \t\r\n", -1);
  guint n = g_strv_length (words);

  for (guint i = 1; i + 3 < n; i++)
    for (guint m = 0; m < G_N_ELEMENTS (months); m++)
      {
        int day, hh, mm, ss = 0, year;
        guint j = i + 1;

        if (g_ascii_strcasecmp (words[i], months[m]) != 0)
          continue;
        while (j < n && words[j][0] == '\0')   /* "Jan  1": day padded by a space */
          j++;
        if (j + 2 >= n || sscanf (words[j], "%d", &day) != 1 ||
            (sscanf (words[j + 1], "%d:%d:%d", &hh, &mm, &ss) < 2) ||
            sscanf (words[j + 2], "%d", &year) != 1 || year < 1970 || year > 9999)
          continue;
        {
          g_autoptr(GDateTime) dt = g_date_time_new_utc (year, (int) m + 1, day, hh, mm, ss);
          if (dt != NULL)
            return *date = g_date_time_to_unix (dt), TRUE;
        }
      }
  return FALSE;
}

static gboolean
is_separator (const guint8 *line, gsize len, gint64 *date)
{
  g_autofree char *text = NULL;

  if (len < 5 || memcmp (line, "From ", 5) != 0 || len > 1000)
    return FALSE;
  text = g_strndup ((const char *) line, len);
  return separator_date (text, date);
}

/* ---- reading -------------------------------------------------------------- */

static void
append_body_line (TernMboxReader *r, const guint8 *seg, gsize len, gboolean line_start)
{
  /* mboxrd: one '>' of a quoted From line was added by the writer. */
  if (line_start && len > 0 && seg[0] == '>' && is_quoted_from (seg, len))
    seg++, len--;
  if (r->oversized)
    return;
  if (r->msg->len + len > TERN_MBOX_MAX_MESSAGE)
    {
      r->oversized = TRUE;
      g_byte_array_set_size (r->msg, 0);
      return;
    }
  g_byte_array_append (r->msg, seg, (guint) len);
}

/* Ends the current message: its bytes without the blank line that came
 * before the next separator (or the end), or NULL if it was too large. */
static GBytes *
finish_message (TernMboxReader *r, gint64 *date_out)
{
  GBytes *bytes = NULL;

  if (r->prev_blank && r->msg->len > 0)
    {
      gsize cut = r->msg->len >= 2 && r->msg->data[r->msg->len - 2] == '\r' ? 2 : 1;
      g_byte_array_set_size (r->msg, r->msg->len - cut);
    }
  if (r->oversized)
    r->skipped++;
  else
    {
      bytes = g_byte_array_free_to_bytes (r->msg);
      r->msg = g_byte_array_new ();
      if (date_out != NULL)
        *date_out = r->date;
    }
  g_byte_array_set_size (r->msg, 0);
  r->oversized = FALSE;
  r->prev_blank = FALSE;
  return bytes;
}

GBytes *
tern_mbox_reader_next (TernMboxReader *r, gint64 *date_out, GCancellable *cancellable,
                       GError **error)
{
  const guint8 *seg;
  gsize len;
  gboolean complete;
  GError *local = NULL;

  while (next_segment (r, &seg, &len, &complete, cancellable, &local))
    {
      gboolean line_start = r->at_line_start;
      gint64 date = 0;

      r->at_line_start = complete;
      if (line_start && complete && (r->prev_blank || !r->in_message) &&
          is_separator (seg, len, &date))
        {
          GBytes *done = r->in_message ? finish_message (r, date_out) : NULL;

          r->in_message = TRUE;
          r->date = date;
          if (done != NULL)
            return done;
          continue;
        }
      if (!r->in_message)
        {
          if (line_start && complete && is_blank (seg, len))
            continue;
          g_set_error_literal (error, TERN_ERROR, TERN_ERROR_INVALID,
                               "This file is not an mbox mailbox: it does not start with "
                               "a “From ” line.");
          return NULL;
        }
      append_body_line (r, seg, len, line_start);
      r->prev_blank = line_start && complete && is_blank (seg, len);
    }
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  if (!r->in_message)
    return NULL;
  r->in_message = FALSE;
  r->truncated = !r->at_line_start;
  {
    GBytes *last = finish_message (r, date_out);
    /* A last message that was too large leaves nothing to return. */
    return last;
  }
}

/* ---- writing -------------------------------------------------------------- */

static char *
separator_line (const char *sender, gint64 date)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (MAX (date, 0));
  g_autoptr(GString) who = g_string_new (NULL);

  for (const char *p = sender; p != NULL && *p; p++)
    if ((guchar) *p > ' ' && *p != 0x7f)
      g_string_append_c (who, *p);
  if (who->len == 0)
    g_string_assign (who, "MAILER-DAEMON");
  /* asctime() form, in English whatever the locale. */
  return g_strdup_printf ("From %s %s %s %2d %02d:%02d:%02d %d\n", who->str,
                          weekdays[g_date_time_get_day_of_week (dt) - 1],
                          months[g_date_time_get_month (dt) - 1],
                          g_date_time_get_day_of_month (dt), g_date_time_get_hour (dt),
                          g_date_time_get_minute (dt), g_date_time_get_second (dt),
                          g_date_time_get_year (dt));
}

static gboolean
write_all (GOutputStream *out, const void *data, gsize len, GCancellable *cancellable,
           GError **error)
{
  return g_output_stream_write_all (out, data, len, NULL, cancellable, error);
}

gboolean
tern_mbox_write_message (GOutputStream *out, GBytes *raw, const char *sender, gint64 date,
                         GCancellable *cancellable, GError **error)
{
  g_autofree char *from = separator_line (sender, date);
  gsize size;
  const guint8 *data = g_bytes_get_data (raw, &size);
  gsize pos = 0;

  if (!write_all (out, from, strlen (from), cancellable, error))
    return FALSE;
  while (pos < size)
    {
      const guint8 *nl = memchr (data + pos, '\n', size - pos);
      gsize line_len = nl != NULL ? (gsize) (nl - (data + pos)) + 1 : size - pos;

      if (is_quoted_from (data + pos, line_len) &&
          !write_all (out, ">", 1, cancellable, error))
        return FALSE;
      if (!write_all (out, data + pos, line_len, cancellable, error))
        return FALSE;
      pos += line_len;
    }
  if ((size == 0 || data[size - 1] != '\n') && !write_all (out, "\n", 1, cancellable, error))
    return FALSE;
  return write_all (out, "\n", 1, cancellable, error);
}
