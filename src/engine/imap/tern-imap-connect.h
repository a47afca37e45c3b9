/* tern-imap-connect.h: an IMAP session, connected and logged in. */
#pragma once

#include <gio/gio.h>
#include <libetpan/libetpan.h>

#include "net/tern-certificate-info.h"
#include "core/tern-server-config.h"

G_BEGIN_DECLS

/* Connects over our TLS layer, reads the greeting, asks CAPABILITY, runs
 * STARTTLS when cfg->security says so (TERN_ERROR_NO_STARTTLS if the server
 * does not offer it; never falls back to plain text), then logs in with
 * LOGIN, or AUTHENTICATE PLAIN when the server disables LOGIN. A refused
 * login is TERN_ERROR_AUTH with the server's words; LOGINDISABLED on an
 * unencrypted connection is TERN_ERROR_ENCRYPTION_REQUIRED. Certificate
 * problems stop it before any credential is sent (TERN_ERROR_CERTIFICATE,
 * details in *cert_out). Close it with tern_imap_close(). */
mailimap *tern_imap_connect (const TernServerConfig *cfg,
                             const char             *password,
                             GCancellable           *cancellable,
                             TernCertificateInfo   **cert_out,
                             GError                **error);

/* The same on a stream already open (it is taken over, also on failure):
 * for tests and fuzz targets that play the server from a socketpair. */
mailimap *tern_imap_connect_stream (mailstream             *stream,
                                    const TernServerConfig *cfg,
                                    const char             *password,
                                    TernCertificateInfo   **cert_out,
                                    GError                **error);

/* The one way to end a IMAP session; NULL is fine. With @logout it
 * says LOGOUT first, within a few seconds, unless the stream has already
 * failed, timed out or been cancelled; without, it only drops the
 * connection (for a session that may be hostile or out of sync). */
void tern_imap_close (mailimap *imap, gboolean logout);

/* Sends @command (one line, no literal) and reads its reply: a
 * MAILIMAP_ERROR_* code, MAILIMAP_ERROR_CUSTOM_COMMAND for NO or BAD.
 * Not mailimap_custom_command(): libetpan 1.9.4 sends a space after the
 * command, which Cyrus refuses ("Unexpected extra arguments"), and reads
 * the tagged line of a BYE answer that has none. */
int tern_imap_command (mailimap *imap, const char *command);

/* After libetpan could not parse an untagged line of a reply, the rest of
 * the reply is still unread and would answer the next command (libetpan
 * then sees the wrong tag). Reads it up to the command's tagged line when
 * the server already sent it (it is in the stream's buffer); TRUE if the
 * session is back in step, FALSE if it must be dropped. */
gboolean tern_imap_skip_unparsed_reply (mailimap *imap);

G_END_DECLS
