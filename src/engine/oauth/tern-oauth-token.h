/* tern-oauth-token.h: the provider's token endpoint (RFC 6749 section 4.1.3
 * and 6): an authorization code (with its PKCE verifier, RFC 7636) or a
 * refresh token in, an access token out. Blocking (libsoup 3, sync): call
 * from a worker thread or the CLI.
 *
 * A refresh the provider refuses (invalid_grant: revoked, expired, password
 * changed) is TERN_ERROR_SIGN_IN_AGAIN. Tokens never reach a log.
 */
#pragma once

#include <gio/gio.h>

#include "oauth/tern-oauth-provider.h"

G_BEGIN_DECLS

typedef struct {
  char *access_token;
  char *refresh_token;   /* NULL when the response carried none (refresh) */
  gint64 expires_in;     /* seconds; 0 when the provider did not say */
} TernOAuthTokens;

/* Frees, wiping the tokens first. */
void tern_oauth_tokens_free (TernOAuthTokens *tokens);
/* A copy (to hand to a thread that outlives the holder), or NULL. */
TernOAuthTokens *tern_oauth_tokens_copy (const TernOAuthTokens *tokens);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernOAuthTokens, tern_oauth_tokens_free)

TernOAuthTokens *tern_oauth_exchange_code (const TernOAuthProvider *provider, const char *code,
                                           const char *verifier, const char *redirect_uri,
                                           GCancellable *cancellable, GError **error);

TernOAuthTokens *tern_oauth_refresh (const TernOAuthProvider *provider,
                                     const char *refresh_token,
                                     GCancellable *cancellable, GError **error);

/* RFC 7009: tells the provider to forget @token (when it has a revocation
 * endpoint; TRUE without one). */
gboolean tern_oauth_revoke (const TernOAuthProvider *provider, const char *token,
                            GCancellable *cancellable, GError **error);

G_END_DECLS
