/* tern-account-token.h: what an account presents to its servers.
 *
 * For a password account, the password from TernSecrets. For an OAuth2
 * account, an access token: kept in memory only (TernSecrets' token cache),
 * refreshed with the refresh token from the keyring before it expires; for
 * a GNOME Online Accounts account, asked from GOA on every connect. Blocking.
 */
#pragma once

#include "account/tern-secrets.h"
#include "core/tern-account-settings.h"
#include "oauth/tern-oauth-token.h"

G_BEGIN_DECLS

/* A token is refreshed when it has less than this many seconds left. */
#define TERN_ACCOUNT_TOKEN_MARGIN 120

/* The password or access token for the incoming (or @outgoing) server.
 * @fresh: ignore a cached access token (the server just refused it).
 * TERN_ERROR_SIGN_IN_AGAIN when the sign-in is gone (no refresh token, or
 * the provider refused it). Wipe and free it. */
char *tern_account_credential (const TernAccountSettings *account, TernSecrets *secrets,
                               gboolean outgoing, gboolean fresh,
                               GCancellable *cancellable, GError **error);

/* Whether a refused login may be retried once with a fresh token: an OAuth2
 * account whose token came from the cache. */
gboolean tern_account_credential_was_cached (const TernAccountSettings *account,
                                             TernSecrets *secrets);

/* Keeps the tokens of a completed sign-in: the refresh token in the
 * keyring, the access token in memory. */
gboolean tern_account_keep_tokens (TernSecrets *secrets, const char *account,
                                   const TernOAuthTokens *tokens, GError **error);

/* An account being removed: an OAuth2 account's refresh token is revoked
 * at the provider's RFC 7009 endpoint. Best effort: a failure (offline, no
 * such endpoint) is only logged, and the removal goes on; the caller then
 * clears the secrets. Nothing for password and GOA accounts (GOA's are the
 * user's own, in Settings). */
void tern_account_revoke_sign_in (const TernAccountSettings *account, TernSecrets *secrets,
                                  GCancellable *cancellable);

G_END_DECLS
