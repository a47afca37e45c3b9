/* tern-oauth-sign-in.h: "Sign in with Google" for the account wizard.
 *
 * Where a provider takes no passwords from mail programs, this replaces the
 * password field: one line says why, a button opens the provider's sign-in
 * in the browser (oauth/tern-oauth-flow.h: PKCE, loopback redirect, state
 * checked), and the status line says what happens. After "signed-in" the
 * tokens are there for the connection test (the access token logs in) and
 * for saving (tern_account_keep_tokens: refresh token into the keyring).
 *
 * Signals:
 *   open-browser (const char *uri) -> gboolean: shows the sign-in page; the
 *     default opens the system browser. A handler returning TRUE takes over
 *     (the tests play the browser).
 *   signed-in (): the tokens arrived.
 */
#pragma once

#include <gtk/gtk.h>

#include "oauth/tern-oauth-token.h"

G_BEGIN_DECLS

#define TERN_TYPE_OAUTH_SIGN_IN (tern_oauth_sign_in_get_type ())
G_DECLARE_FINAL_TYPE (TernOAuthSignIn, tern_oauth_sign_in, TERN, OAUTH_SIGN_IN, GtkBox)

GtkWidget *tern_oauth_sign_in_new (void);

/* The provider ("google") and the address to sign in as. Forgets tokens
 * of an earlier provider. */
void tern_oauth_sign_in_set_provider (TernOAuthSignIn *self, const char *provider_id,
                                      const char *email);

/* The tokens of a completed sign-in, or NULL. */
const TernOAuthTokens *tern_oauth_sign_in_get_tokens (TernOAuthSignIn *self);

/* Shows why the sign-in (or, after it, the connection test) failed. */
void tern_oauth_sign_in_show_error (TernOAuthSignIn *self, const char *text);

G_END_DECLS
