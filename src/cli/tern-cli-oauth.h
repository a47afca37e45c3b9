/* tern-cli-oauth.h: OAuth2 sign-in for tern-cli (account add --oauth2,
 * account sign-in). */
#pragma once

#include "core/tern-account-settings.h"
#include "oauth/tern-oauth-provider.h"

G_BEGIN_DECLS

/* Fills the servers @s does not have yet from the provider's data. */
void tern_cli_oauth_fill_servers (const TernOAuthProvider *provider, TernAccountSettings *s,
                                  char **host, char **security, int *port,
                                  char **smtp_host, char **smtp_security, int *smtp_port);

/* Signs account @s in and keeps its tokens: with @token_stdin the refresh
 * token is read from standard input (scripts and tests); else the
 * authorization URL is printed on stdout and tern-cli waits for the
 * browser's redirect on its loopback port. */
gboolean tern_cli_oauth_sign_in (const TernAccountSettings *s, gboolean token_stdin,
                                 GError **error);

G_END_DECLS
