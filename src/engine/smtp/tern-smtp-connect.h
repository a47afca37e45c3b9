/* tern-smtp-connect.h: an SMTP session, connected and (if needed) logged in. */
#pragma once

#include <gio/gio.h>
#include <libetpan/libetpan.h>

#include "net/tern-certificate-info.h"
#include "core/tern-server-config.h"

G_BEGIN_DECLS

/* Connects over our TLS layer, reads the greeting, sends EHLO, runs
 * STARTTLS when cfg->security says so (TERN_ERROR_NO_STARTTLS if not
 * offered) and EHLO again, then authenticates with AUTH PLAIN or LOGIN
 * (Cyrus SASL; needs libsasl2-modules) when cfg->user is set. A refused
 * login is TERN_ERROR_AUTH with the server's words. Close it with tern_smtp_close(). */
mailsmtp *tern_smtp_connect (const TernServerConfig *cfg,
                             const char             *password,
                             GCancellable           *cancellable,
                             TernCertificateInfo   **cert_out,
                             GError                **error);

/* Whether the session logged in (AUTH), as opposed to sending without a
 * login. */
gboolean tern_smtp_logged_in (mailsmtp *smtp);

/* The largest message the server accepts (EHLO SIZE), 0 if it names none. */
gsize tern_smtp_size_limit (mailsmtp *smtp);

/* The one way to end a SMTP session; NULL is fine. With @quit it
 * says QUIT first, within a few seconds, unless the stream has already
 * failed, timed out or been cancelled; without, it only drops the
 * connection (for a session that may be hostile or out of sync). */
void tern_smtp_close (mailsmtp *smtp, gboolean quit);

G_END_DECLS
