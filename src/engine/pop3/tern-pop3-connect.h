/* tern-pop3-connect.h: a POP3 session, connected and logged in. */
#pragma once

#include <gio/gio.h>
#include <libetpan/libetpan.h>

#include "net/tern-certificate-info.h"
#include "core/tern-server-config.h"

G_BEGIN_DECLS

/* Connects over our TLS layer, reads the greeting, asks CAPA, runs STLS
 * when cfg->security is STARTTLS (TERN_ERROR_NO_STARTTLS if not offered),
 * then logs in: APOP when cfg->use_apop and the greeting offers it, else
 * USER/PASS, or AUTH PLAIN when the server offers SASL PLAIN but not USER.
 * A refused login is TERN_ERROR_AUTH with the server's words. Close it with
 * tern_pop3_close(). */
mailpop3 *tern_pop3_connect (const TernServerConfig *cfg,
                             const char             *password,
                             GCancellable           *cancellable,
                             TernCertificateInfo   **cert_out,
                             GError                **error);

/* The one way to end a POP3 session; NULL is fine. With @quit it
 * says QUIT first, within a few seconds, unless the stream has already
 * failed, timed out or been cancelled; without, it only drops the
 * connection (for a session that may be hostile or out of sync). */
void tern_pop3_close (mailpop3 *pop3, gboolean quit);

G_END_DECLS
