/* tern-account-connect.c: account settings + password -> logged-in session. */
#include <string.h>

#include "account/tern-account-connect.h"
#include "account/tern-account-token.h"
#include "core/tern-error.h"
#include "smtp/tern-smtp-send.h"

void
tern_account_incoming_config (const TernAccountSettings *account, TernServerConfig *cfg)
{
  *cfg = (TernServerConfig) {
    .host = account->incoming_host,
    .port = account->incoming_port,
    .security = account->incoming_security,
    .user = account->incoming_user,
    .pinned_sha256 = account->incoming_cert_sha256,
    .timeout_seconds = TERN_SERVER_DEFAULT_TIMEOUT,
    /* Choosing "none" in the settings is the explicit consent. */
    .allow_plain = account->incoming_security == TERN_SECURITY_NONE,
    .use_apop = FALSE,
    .oauth2 = account->sign_in != TERN_SIGN_IN_PASSWORD,
  };
}

void
tern_account_outgoing_config (const TernAccountSettings *account, TernServerConfig *cfg)
{
  *cfg = (TernServerConfig) {
    .host = account->smtp_host,
    .port = account->smtp_port,
    .security = account->smtp_security,
    .user = account->smtp_auth == TERN_SMTP_AUTH_NONE ? NULL
            : (account->smtp_user != NULL && *account->smtp_user != '\0'
               ? account->smtp_user : account->incoming_user),
    .pinned_sha256 = account->smtp_cert_sha256,
    .timeout_seconds = TERN_SERVER_DEFAULT_TIMEOUT,
    .allow_plain = account->smtp_security == TERN_SECURITY_NONE,
    .oauth2 = account->sign_in != TERN_SIGN_IN_PASSWORD,
  };
}

/* Do not leave a password lying around in freed memory longer than needed. */
static void
wipe (char *password)
{
  if (password != NULL)
    memset (password, 0, strlen (password));
}

static gboolean
check_protocol (const TernAccountSettings *account, TernProtocol protocol, GError **error)
{
  if (account->protocol == protocol)
    return TRUE;
  g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID, "Account “%s” does not use %s.",
               account->name, protocol == TERN_PROTOCOL_IMAP ? "IMAP" : "POP3");
  return FALSE;
}

/* One protocol's connect function, as the retry below calls it. */
typedef gpointer (*ConnectFunc) (const TernServerConfig *cfg, const char *credential,
                                 GCancellable *cancellable, TernCertificateInfo **cert_out,
                                 GError **error);

static gpointer
connect_imap (const TernServerConfig *cfg, const char *credential, GCancellable *cancellable,
              TernCertificateInfo **cert_out, GError **error)
{
  return tern_imap_connect (cfg, credential, cancellable, cert_out, error);
}

static gpointer
connect_pop3 (const TernServerConfig *cfg, const char *credential, GCancellable *cancellable,
              TernCertificateInfo **cert_out, GError **error)
{
  return tern_pop3_connect (cfg, credential, cancellable, cert_out, error);
}

static gpointer
connect_smtp (const TernServerConfig *cfg, const char *credential, GCancellable *cancellable,
              TernCertificateInfo **cert_out, GError **error)
{
  return tern_smtp_connect (cfg, credential, cancellable, cert_out, error);
}

/* Connects with the account's credential. An OAuth2 access token from the
 * cache that the server refuses (it expired early, or was revoked) is
 * replaced by a fresh one once; a refused fresh token is final. */
static gpointer
connect_account (const TernAccountSettings *account, TernSecrets *secrets, gboolean outgoing,
                 const TernServerConfig *cfg, ConnectFunc connect, GCancellable *cancellable,
                 TernCertificateInfo **cert_out, GError **error)
{
  gboolean needs_login = cfg->user != NULL && *cfg->user != '\0';
  gboolean cached = needs_login && tern_account_credential_was_cached (account, secrets);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *credential = NULL;
  gpointer session;

  if (needs_login)
    {
      credential = tern_account_credential (account, secrets, outgoing, FALSE, cancellable,
                                            error);
      if (credential == NULL)
        return NULL;
    }
  session = connect (cfg, credential != NULL ? credential : "", cancellable, cert_out,
                     &local_error);
  wipe (credential);
  if (session != NULL || !cached ||
      !g_error_matches (local_error, TERN_ERROR, TERN_ERROR_SIGN_IN_AGAIN))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return session;
    }
  g_debug ("The server refused the cached access token of “%s”; refreshing it",
           account->name);
  g_clear_pointer (&credential, g_free);
  credential = tern_account_credential (account, secrets, outgoing, TRUE, cancellable, error);
  if (credential == NULL)
    return NULL;
  session = connect (cfg, credential, cancellable, cert_out, error);
  wipe (credential);
  return session;
}

mailimap *
tern_account_connect_imap (const TernAccountSettings *account, TernSecrets *secrets,
                           GCancellable *cancellable, TernCertificateInfo **cert_out,
                           GError **error)
{
  TernServerConfig cfg;

  if (!check_protocol (account, TERN_PROTOCOL_IMAP, error))
    return NULL;
  tern_account_incoming_config (account, &cfg);
  return connect_account (account, secrets, FALSE, &cfg, connect_imap, cancellable, cert_out,
                          error);
}

mailpop3 *
tern_account_connect_pop3 (const TernAccountSettings *account, TernSecrets *secrets,
                           GCancellable *cancellable, TernCertificateInfo **cert_out,
                           GError **error)
{
  TernServerConfig cfg;

  if (!check_protocol (account, TERN_PROTOCOL_POP3, error))
    return NULL;
  tern_account_incoming_config (account, &cfg);
  return connect_account (account, secrets, FALSE, &cfg, connect_pop3, cancellable, cert_out,
                          error);
}

mailsmtp *
tern_account_connect_smtp (const TernAccountSettings *account, TernSecrets *secrets,
                           GCancellable *cancellable, TernCertificateInfo **cert_out,
                           GError **error)
{
  TernServerConfig cfg;

  tern_account_outgoing_config (account, &cfg);
  return connect_account (account, secrets, TRUE, &cfg, connect_smtp, cancellable, cert_out,
                          error);
}

char *
tern_account_lookup_password (const TernAccountSettings *account, TernSecrets *secrets,
                              gboolean outgoing, GError **error)
{
  TernServerConfig cfg;

  if (outgoing)
    {
      tern_account_outgoing_config (account, &cfg);
      if (cfg.user == NULL || *cfg.user == '\0')
        return g_strdup ("");
    }
  return tern_account_credential (account, secrets, outgoing, FALSE, NULL, error);
}

gboolean
tern_account_test_login (const TernAccountSettings *account, gboolean outgoing,
                         const char *password, guint timeout_seconds,
                         GCancellable *cancellable, TernCertificateInfo **cert_out,
                         GError **error)
{
  TernServerConfig cfg;

  if (outgoing)
    tern_account_outgoing_config (account, &cfg);
  else
    tern_account_incoming_config (account, &cfg);
  if (timeout_seconds > 0)
    cfg.timeout_seconds = timeout_seconds;
  if (outgoing)
    {
      mailsmtp *smtp = tern_smtp_connect (&cfg, password, cancellable, cert_out, error);
      if (smtp == NULL)
        return FALSE;
      tern_smtp_close (smtp, TRUE);
    }
  else if (account->protocol == TERN_PROTOCOL_POP3)
    {
      mailpop3 *pop3 = tern_pop3_connect (&cfg, password, cancellable, cert_out, error);
      if (pop3 == NULL)
        return FALSE;
      tern_pop3_close (pop3, TRUE);
    }
  else
    {
      mailimap *imap = tern_imap_connect (&cfg, password, cancellable, cert_out, error);
      if (imap == NULL)
        return FALSE;
      tern_imap_close (imap, TRUE);
    }
  return TRUE;
}
