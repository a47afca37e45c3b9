/* tern-imap-limits.c: how much of a message the IMAP sync asks for. */
#include "imap/tern-imap-limits.h"

#include "core/tern-error.h"
#include "net/tern-stream-guard.h"

/* A generous header: most are 2-8 KiB; a few hundred make a chunk. */
#define HEADER_ESTIMATE (16 * 1024)

gboolean
tern_imap_message_too_large (guint64 size)
{
  return size > TERN_STREAM_MAX_LITERAL;
}

gboolean
tern_imap_check_download_size (guint64 size, GError **error)
{
  if (!tern_imap_message_too_large (size))
    return TRUE;
  g_set_error (error, TERN_ERROR, TERN_ERROR_TOO_LARGE,
               "This message is %" G_GUINT64_FORMAT " MB, larger than Tern downloads "
               "(%" G_GUINT64_FORMAT " MB). It stays on the incoming mail server; its headers "
               "are here.", size / (1024 * 1024), TERN_STREAM_MAX_LITERAL / (1024 * 1024));
  return FALSE;
}

gsize
tern_imap_chunk_cost (guint64 size, gboolean full)
{
  if (full)
    return (gsize) MIN (size, (guint64) G_MAXSIZE / 2);
  return (gsize) MIN (size, (guint64) HEADER_ESTIMATE);
}
