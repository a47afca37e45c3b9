/* tern-imap-server-words.c: what an IMAP server says to the user (see the header). */
#include <string.h>

#include "imap/tern-imap-server-words.h"
#include "imap/tern-imap-sync-private.h"
#include "net/tern-server-reply.h"
#include "net/tern-tls-stream.h"

#define MAX_WORDS 300

/* @text after a leading "[CODE ...]", if any. */
static const char *
after_code (const char *text)
{
  const char *end;

  if (*text != '[' || (end = strchr (text, ']')) == NULL)
    return text;
  end++;
  while (*end == ' ')
    end++;
  return end;
}

/* @text, cleaned, cut at a character boundary; NULL when empty. */
static char *
shortened (const char *text)
{
  g_autofree char *clean = tern_server_reply_clean (text);
  const char *cut;

  if (*clean == '\0')
    return NULL;
  if (strlen (clean) <= MAX_WORDS)
    return g_steal_pointer (&clean);
  cut = g_utf8_find_prev_char (clean, clean + MAX_WORDS);
  return g_strdup_printf ("%.*s…", (int) (cut - clean), clean);
}

char *
tern_imap_server_words_pick (const char *line)
{
  g_auto(GStrv) parts = g_strsplit (line, " ", 3);
  gboolean untagged;
  const char *status, *text;

  if (g_strv_length (parts) < 3)
    return NULL;
  untagged = g_str_equal (parts[0], "*");
  status = parts[1];
  text = parts[2];
  if (g_ascii_strncasecmp (text, "[ALERT]", 7) == 0 &&
      (g_ascii_strcasecmp (status, "OK") == 0 || g_ascii_strcasecmp (status, "NO") == 0 ||
       g_ascii_strcasecmp (status, "BAD") == 0 || g_ascii_strcasecmp (status, "PREAUTH") == 0))
    return shortened (after_code (text));
  if (untagged && (g_ascii_strcasecmp (status, "NO") == 0 || g_ascii_strcasecmp (status, "BAD") == 0))
    return shortened (after_code (text));
  return NULL;
}

void
tern_imap_server_words_listen (mailstream *stream)
{
  tern_tls_stream_listen (stream, TERN_TRACE_IMAP, tern_imap_server_words_pick);
}

GPtrArray *
tern_imap_server_words_take (mailimap *imap)
{
  g_autoptr(GPtrArray) heard = imap != NULL ? tern_tls_stream_take_heard (imap->imap_stream) : NULL;
  GPtrArray *words;

  if (heard == NULL)
    return NULL;
  /* A server may say the same on every SELECT of a sync: once is enough. */
  words = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < heard->len; i++)
    {
      const char *w = g_ptr_array_index (heard, i);

      if (!g_ptr_array_find_with_equal_func (words, w, g_str_equal, NULL))
        g_ptr_array_add (words, g_strdup (w));
    }
  return words;
}

GPtrArray *
tern_imap_sync_take_server_words (TernImapSync *self)
{
  g_return_val_if_fail (TERN_IS_IMAP_SYNC (self), NULL);
  return tern_imap_server_words_take (self->imap);
}
