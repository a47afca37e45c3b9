/* tern-test-oauth.h: the harness's OAuth2 authorization server (issue 17).
 *
 * tern-test-oauth-server.py on a free loopback port: authorization endpoint
 * (redirects straight to the client's loopback redirect_uri), token endpoint
 * (code with PKCE, refresh), RFC 7662 introspection for Dovecot's passdb
 * oauth2, RFC 7009 revocation, and controls for the tests. Real providers
 * need the internet; this one plays their part on 127.0.0.1.
 *
 *   g_autoptr(TernTestOAuth) oauth = tern_test_oauth_start (&error);
 *   TernTestServersOptions opts = {
 *     .oauth2_introspection_url = tern_test_oauth_introspection_url (oauth) };
 *   ... TERN_TEST_OAUTH2_PROVIDERS=tern_test_oauth_providers_file (oauth) ...
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The provider id the providers file names, and the client id it accepts. */
#define TERN_TEST_OAUTH_PROVIDER "tern-test"
#define TERN_TEST_OAUTH_CLIENT_ID "tern-test-client"

typedef struct _TernTestOAuth TernTestOAuth;

TernTestOAuth *tern_test_oauth_start (GError **error);
void tern_test_oauth_free (TernTestOAuth *self);

const char *tern_test_oauth_url (TernTestOAuth *self);               /* http://127.0.0.1:PORT */
const char *tern_test_oauth_introspection_url (TernTestOAuth *self);
/* A providers.ini for $TERN_TEST_OAUTH2_PROVIDERS naming this server. */
const char *tern_test_oauth_providers_file (TernTestOAuth *self);

/* POST /control/@what (e.g. "mint?user=alice@localhost", "expire-access",
 * "revoke-all", "expires-in?seconds=60", "stats", "tokens"); the body. */
char *tern_test_oauth_control (TernTestOAuth *self, const char *what, GError **error);
/* One counter of "stats" ("refreshes", "exchanges", ...); -1 on failure. */
gint64 tern_test_oauth_stat (TernTestOAuth *self, const char *name);

/* A plain HTTP/1.0 GET of @url on loopback: the status, and the Location
 * header in *location (for following the authorization redirect as a
 * browser would). */
guint tern_test_http_get (const char *url, char **location, GError **error);

/* @redirect (the authorization server's redirect to the loopback port)
 * with its state replaced: what another web page could send. */
char *tern_test_oauth_forge_state (const char *redirect);

/* Starts @standin (tests/engine/goa-standin) on the session bus the test
 * brought up (GTestDBus): one Google account for @email with those servers
 * ("host:port"), handing out @access_token; returns once it owns
 * org.gnome.OnlineAccounts. The real GOA needs the internet. */
GSubprocess *tern_test_goa_standin_start (const char *standin, const char *email,
                                          const char *imap, const char *smtp,
                                          const char *access_token, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernTestOAuth, tern_test_oauth_free)

G_END_DECLS
