/* tern-account-connect.h: log in to an account's servers.
 *
 * Fills a TernServerConfig from the account's settings (host, port,
 * security, user, pinned certificate) and its password from TernSecrets,
 * then calls the protocol's connect function. Blocking: worker threads and
 * tern-cli only.
 */
#pragma once

#include "core/tern-account-settings.h"
#include "net/tern-certificate-info.h"
#include "imap/tern-imap-connect.h"
#include "pop3/tern-pop3-connect.h"
#include "smtp/tern-smtp-connect.h"
#include "account/tern-secrets.h"
#include "core/tern-server-config.h"

G_BEGIN_DECLS

/* The incoming or outgoing server of an account, as a connect config whose
 * strings borrow from @account. */
void tern_account_incoming_config (const TernAccountSettings *account, TernServerConfig *cfg);
void tern_account_outgoing_config (const TernAccountSettings *account, TernServerConfig *cfg);

mailimap *tern_account_connect_imap (const TernAccountSettings *account, TernSecrets *secrets,
                                     GCancellable *cancellable, TernCertificateInfo **cert_out,
                                     GError **error);

/* POP3 accounts: logged in with the incoming password. */
mailpop3 *tern_account_connect_pop3 (const TernAccountSettings *account, TernSecrets *secrets,
                                     GCancellable *cancellable, TernCertificateInfo **cert_out,
                                     GError **error);
/* The outgoing server, authenticated with the outgoing password when the
 * account has its own SMTP login, else the incoming one (smtp_auth NONE: no
 * login at all). */
mailsmtp *tern_account_connect_smtp (const TernAccountSettings *account, TernSecrets *secrets,
                                     GCancellable *cancellable, TernCertificateInfo **cert_out,
                                     GError **error);

/* The password to log in to the incoming or outgoing server: for SMTP the
 * separate outgoing one when the account has its own SMTP login, else the
 * incoming one; "" when the server takes no login. */
char *tern_account_lookup_password (const TernAccountSettings *account, TernSecrets *secrets,
                                    gboolean outgoing, GError **error);

/* A connection test: connects to the incoming (IMAP or POP3) or outgoing
 * (SMTP) server with @password, logs in and out. @timeout_seconds of 0 is
 * the default. Used by the wizard (before the account is saved) and by
 * `tern-cli account test`. */
gboolean tern_account_test_login (const TernAccountSettings *account, gboolean outgoing,
                                  const char *password, guint timeout_seconds,
                                  GCancellable *cancellable, TernCertificateInfo **cert_out,
                                  GError **error);

G_END_DECLS
