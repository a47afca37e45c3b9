/* tern-account-connect.c: account settings + password -> logged-in session. */
#include <string.h>

#include "account/tern-account-connect.h"
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
  };
}

/* Checks the account's protocol and looks up its incoming password;
 * fills @cfg. NULL (with @error) when either fails. */
static char *
incoming_login (const TernAccountSettings *account, TernProtocol protocol, TernSecrets *secrets,
                TernServerConfig *cfg, GError **error)
{
  if (account->protocol != protocol)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID, "Account “%s” does not use %s.",
                   account->name, protocol == TERN_PROTOCOL_IMAP ? "IMAP" : "POP3");
      return NULL;
    }
  tern_account_incoming_config (account, cfg);
  return tern_secrets_lookup (secrets, account->name, TERN_SECRET_INCOMING, error);
}

/* Do not leave a password lying around in freed memory longer than needed. */
static void
wipe (char *password)
{
  if (password != NULL)
    memset (password, 0, strlen (password));
}

mailimap *
tern_account_connect_imap (const TernAccountSettings *account, TernSecrets *secrets,
                           GCancellable *cancellable, TernCertificateInfo **cert_out,
                           GError **error)
{
  TernServerConfig cfg;
  g_autofree char *password = incoming_login (account, TERN_PROTOCOL_IMAP, secrets, &cfg, error);
  mailimap *imap;

  if (password == NULL)
    return NULL;
  imap = tern_imap_connect (&cfg, password, cancellable, cert_out, error);
  wipe (password);
  return imap;
}

mailpop3 *
tern_account_connect_pop3 (const TernAccountSettings *account, TernSecrets *secrets,
                           GCancellable *cancellable, TernCertificateInfo **cert_out,
                           GError **error)
{
  TernServerConfig cfg;
  g_autofree char *password = incoming_login (account, TERN_PROTOCOL_POP3, secrets, &cfg, error);
  mailpop3 *pop3;

  if (password == NULL)
    return NULL;
  pop3 = tern_pop3_connect (&cfg, password, cancellable, cert_out, error);
  wipe (password);
  return pop3;
}

/* The SMTP password: the outgoing one when the account has a separate SMTP
 * login and a password stored for it, else the incoming one. */
static char *
smtp_password (const TernAccountSettings *account, TernSecrets *secrets, GError **error)
{
  if (account->smtp_user != NULL && *account->smtp_user != '\0')
    {
      char *password = tern_secrets_lookup (secrets, account->name, TERN_SECRET_OUTGOING, NULL);
      if (password != NULL)
        return password;
    }
  return tern_secrets_lookup (secrets, account->name, TERN_SECRET_INCOMING, error);
}

mailsmtp *
tern_account_connect_smtp (const TernAccountSettings *account, TernSecrets *secrets,
                           GCancellable *cancellable, TernCertificateInfo **cert_out,
                           GError **error)
{
  TernServerConfig cfg;
  g_autofree char *password = NULL;
  mailsmtp *smtp;

  tern_account_outgoing_config (account, &cfg);
  if (cfg.user != NULL && *cfg.user != '\0')
    {
      password = smtp_password (account, secrets, error);
      if (password == NULL)
        return NULL;
    }
  smtp = tern_smtp_connect (&cfg, password != NULL ? password : "", cancellable, cert_out, error);
  wipe (password);
  return smtp;
}

char *
tern_account_lookup_password (const TernAccountSettings *account, TernSecrets *secrets,
                              gboolean outgoing, GError **error)
{
  TernServerConfig cfg;

  if (!outgoing)
    return tern_secrets_lookup (secrets, account->name, TERN_SECRET_INCOMING, error);
  tern_account_outgoing_config (account, &cfg);
  if (cfg.user == NULL || *cfg.user == '\0')
    return g_strdup ("");
  return smtp_password (account, secrets, error);
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
