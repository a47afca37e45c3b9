/* tern-account-token.c: passwords, refreshed OAuth2 tokens, GOA tokens. */
#include "account/tern-account-token.h"

#include <string.h>

#include "core/tern-error.h"
#include "net/tern-oauth-sasl.h"
#include "oauth/tern-oauth-goa.h"
#include "oauth/tern-oauth-provider.h"

/* Lifetime assumed when the provider does not say (RFC 6749 leaves it open). */
#define DEFAULT_LIFETIME 3600

static void
remember (TernSecrets *secrets, const char *account, const char *token, gint64 expires_in)
{
  gint64 lifetime = expires_in > 0 ? expires_in : DEFAULT_LIFETIME;

  tern_secrets_remember_access_token (secrets, account, token,
                                      g_get_monotonic_time () + lifetime * G_USEC_PER_SEC);
}

gboolean
tern_account_keep_tokens (TernSecrets *secrets, const char *account,
                          const TernOAuthTokens *tokens, GError **error)
{
  /* Providers that rotate refresh tokens (Microsoft) send a new one. */
  if (tokens->refresh_token != NULL &&
      !tern_secrets_store (secrets, account, TERN_SECRET_OAUTH2_REFRESH, tokens->refresh_token,
                           error))
    return FALSE;
  remember (secrets, account, tokens->access_token, tokens->expires_in);
  return TRUE;
}

/* A new access token from the refresh token in the keyring. */
static char *
refresh (const TernAccountSettings *account, TernSecrets *secrets,
         GCancellable *cancellable, GError **error)
{
  g_autoptr(TernOAuthProvider) provider = NULL;
  g_autoptr(TernOAuthTokens) tokens = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *refresh_token = NULL;

  refresh_token = tern_secrets_lookup (secrets, account->name, TERN_SECRET_OAUTH2_REFRESH,
                                       &local_error);
  if (refresh_token == NULL)
    {
      if (g_error_matches (local_error, TERN_ERROR, TERN_ERROR_NOT_FOUND))
        g_set_error (error, TERN_ERROR, TERN_ERROR_SIGN_IN_AGAIN,
                     "Tern is not signed in to account “%s”. Sign in again.", account->name);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  provider = tern_oauth_provider_lookup_configured (account->oauth2_provider, error);
  if (provider != NULL)
    tokens = tern_oauth_refresh (provider, refresh_token, cancellable, error);
  memset (refresh_token, 0, strlen (refresh_token));
  if (tokens == NULL || !tern_account_keep_tokens (secrets, account->name, tokens, error))
    return NULL;
  g_debug ("Refreshed the access token of account “%s”", account->name);
  return g_strdup (tokens->access_token);
}

static char *
password (const TernAccountSettings *account, TernSecrets *secrets, gboolean outgoing,
          GError **error)
{
  /* The SMTP login's own password when it has one stored, else the incoming one. */
  if (outgoing && account->smtp_user != NULL && *account->smtp_user != '\0')
    {
      char *p = tern_secrets_lookup (secrets, account->name, TERN_SECRET_OUTGOING, NULL);
      if (p != NULL)
        return p;
    }
  return tern_secrets_lookup (secrets, account->name, TERN_SECRET_INCOMING, error);
}

char *
tern_account_credential (const TernAccountSettings *account, TernSecrets *secrets,
                         gboolean outgoing, gboolean fresh,
                         GCancellable *cancellable, GError **error)
{
  char *token;

  switch (account->sign_in)
    {
    case TERN_SIGN_IN_GOA:
      return tern_oauth_goa_access_token (account->oauth2_provider, NULL, cancellable, error);
    case TERN_SIGN_IN_OAUTH2:
      if (fresh)
        tern_secrets_forget_access_token (secrets, account->name);
      token = tern_secrets_recall_access_token (secrets, account->name,
                                                TERN_ACCOUNT_TOKEN_MARGIN);
      return token != NULL ? token : refresh (account, secrets, cancellable, error);
    case TERN_SIGN_IN_PASSWORD:
    default:
      return password (account, secrets, outgoing, error);
    }
}

gboolean
tern_account_credential_was_cached (const TernAccountSettings *account, TernSecrets *secrets)
{
  g_autofree char *token = NULL;

  if (account->sign_in != TERN_SIGN_IN_OAUTH2)
    return FALSE;
  token = tern_secrets_recall_access_token (secrets, account->name, 0);
  if (token != NULL)
    memset (token, 0, strlen (token));
  return token != NULL;
}

void
tern_account_revoke_sign_in (const TernAccountSettings *account, TernSecrets *secrets,
                             GCancellable *cancellable)
{
  g_autoptr(TernOAuthProvider) provider = NULL;
  g_autoptr(GError) error = NULL;
  char *refresh_token;

  if (account->sign_in != TERN_SIGN_IN_OAUTH2)
    return;
  refresh_token = tern_secrets_lookup (secrets, account->name, TERN_SECRET_OAUTH2_REFRESH, NULL);
  if (refresh_token == NULL)
    return;
  provider = tern_oauth_provider_lookup (account->oauth2_provider, &error);
  if (provider != NULL && tern_oauth_revoke (provider, refresh_token, cancellable, &error))
    g_debug ("Revoked the sign-in of removed account “%s”", account->name);
  else
    g_message ("The sign-in of removed account “%s” could not be revoked: %s", account->name,
               error->message);
  tern_sasl_oauth_wipe (refresh_token);
  g_free (refresh_token);
}
