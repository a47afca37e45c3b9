/* tern-smtp-connect.h: an SMTP session, connected and (if needed) logged in. */
#pragma once

#include <gio/gio.h>
#include <libetpan/libetpan.h>

#include "tern-certificate-info.h"
#include "tern-server-config.h"

G_BEGIN_DECLS

/* Connects over our TLS layer, reads the greeting, sends EHLO, runs
 * STARTTLS when cfg->security says so (TERN_ERROR_NO_STARTTLS if not
 * offered) and EHLO again, then authenticates with AUTH PLAIN or LOGIN
 * (Cyrus SASL; needs libsasl2-modules) when cfg->user is set. A refused
 * login is TERN_ERROR_AUTH with the server's words. Free the result with
 * mailsmtp_free(). */
mailsmtp *tern_smtp_connect (const TernServerConfig *cfg,
                             const char             *password,
                             GCancellable           *cancellable,
                             TernCertificateInfo   **cert_out,
                             GError                **error);

/* The largest message the server accepts (EHLO SIZE), 0 if it names none. */
gsize tern_smtp_size_limit (mailsmtp *smtp);

G_END_DECLS
