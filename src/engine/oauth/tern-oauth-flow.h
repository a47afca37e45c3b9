/* tern-oauth-flow.h: signing in through the browser (RFC 6749 authorization
 * code, PKCE S256 from RFC 7636, loopback redirect from RFC 8252).
 *
 * The flow listens on 127.0.0.1 on a random port, builds the URL the user
 * opens, waits for the browser's redirect, refuses one whose `state` is not
 * the flow's own (it could come from any web page), and exchanges the code
 * for tokens at the provider. The caller stores the refresh token with
 * TernSecrets; the access token stays in memory.
 *
 *   g_autoptr(TernOAuthFlow) flow = tern_oauth_flow_new (provider, email, &error);
 *   show (tern_oauth_flow_get_authorization_url (flow));
 *   tern_oauth_flow_wait_async (flow, cancellable, on_signed_in, data);
 */
#pragma once

#include <gio/gio.h>

#include "oauth/tern-oauth-provider.h"
#include "oauth/tern-oauth-token.h"

G_BEGIN_DECLS

#define TERN_TYPE_OAUTH_FLOW (tern_oauth_flow_get_type ())
G_DECLARE_FINAL_TYPE (TernOAuthFlow, tern_oauth_flow, TERN, OAUTH_FLOW, GObject)

/* Binds the loopback listener. @login_hint (the address) may be NULL. */
TernOAuthFlow *tern_oauth_flow_new (const TernOAuthProvider *provider, const char *login_hint,
                                    GError **error);

const char *tern_oauth_flow_get_authorization_url (TernOAuthFlow *self);
const char *tern_oauth_flow_get_redirect_uri (TernOAuthFlow *self);

/* Waits for the browser's redirect and exchanges the code (in a thread).
 * Redirects with a wrong state are answered "refused" and waited past; an
 * error the provider sends back (the user said no) ends the flow. */
void tern_oauth_flow_wait_async (TernOAuthFlow *self, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
TernOAuthTokens *tern_oauth_flow_wait_finish (TernOAuthFlow *self, GAsyncResult *result,
                                              GError **error);

G_END_DECLS
