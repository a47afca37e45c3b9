/* tern-imap-error.h: libetpan IMAP result codes to TERN_ERRORs, with the server's words.
 *
 * Nothing here talks to the network; tern-imap-sync.c drives the session.
 */
#pragma once

#include <glib.h>
#include <libetpan/libetpan.h>

#include "core/tern-types.h"

G_BEGIN_DECLS

/* Sets a TERN_ERROR for libetpan result @r of the command @what, with the
 * server's own words when it sent any. A stream or parse error means the
 * session is unusable: *must_reconnect (may be NULL) is set to TRUE. */
void tern_imap_set_error (GError   **error,
                          mailimap  *imap,
                          int        r,
                          const char *what,
                          gboolean  *must_reconnect);

G_END_DECLS
