/* tern-imap-error.c: libetpan IMAP result codes to TERN_ERRORs, with the server's words. */
#include <string.h>

#include "core/tern-error.h"
#include "imap/tern-imap-error.h"
#include "net/tern-tls-stream.h"
#include "net/tern-server-reply.h"

void
tern_imap_set_error (GError **error, mailimap *imap, int r, const char *what,
                     gboolean *must_reconnect)
{
  g_autofree char *clean = tern_server_reply_clean (imap != NULL ? imap->imap_response : NULL);
  const char *said = *clean != '\0' ? clean : NULL;
  gboolean dead = r == MAILIMAP_ERROR_STREAM || r == MAILIMAP_ERROR_PARSE ||
                  r == MAILIMAP_ERROR_FATAL;

  if (must_reconnect != NULL && dead)
    *must_reconnect = TRUE;
  /* The stream knows better: the server's BYE, a deadline, a size limit. */
  if (dead && imap != NULL && imap->imap_stream != NULL &&
      tern_tls_stream_get_failure (imap->imap_stream, error))
    return;

  switch (r)
    {
    case MAILIMAP_ERROR_STREAM:
      g_set_error (error, TERN_ERROR, TERN_ERROR_CONNECTION_LOST,
                   "The connection to the incoming mail server (IMAP) was lost during %s. "
                   "Tern will try again.", what);
      return;
    case MAILIMAP_ERROR_PARSE:
      /* After a parse error the stream is out of step: the caller drops it. */
      g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                   "The incoming mail server (IMAP) sent a reply Tern could not understand "
                   "during %s.", what);
      return;
    case MAILIMAP_ERROR_LOGIN:
    case MAILIMAP_ERROR_SASL:
      g_set_error (error, TERN_ERROR, TERN_ERROR_AUTH,
                   "The incoming mail server (IMAP) refused the user name or password%s%s",
                   said ? ": " : ".", said ? said : "");
      return;
    case MAILIMAP_ERROR_MEMORY:
      g_set_error (error, TERN_ERROR, TERN_ERROR_FAILED, "Out of memory during %s.", what);
      return;
    default:
      g_set_error (error, TERN_ERROR, TERN_ERROR_FAILED,
                   "The incoming mail server (IMAP) refused %s%s%s", what,
                   said ? ": " : ".", said ? said : "");
      return;
    }
}
