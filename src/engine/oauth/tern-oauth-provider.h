/* tern-oauth-provider.h: the OAuth2 providers Tern knows (Google,
 * Microsoft, Yahoo, AOL), from the data file data/providers.ini compiled in
 * as a GResource.
 *
 * A provider's client id (and secret, where it needs one) is never shipped
 * in that file: it comes from the GSettings key oauth2-clients, else from the
 * build option oauth2_clients. Tern never borrows another application's id.
 * Test builds also read the providers of $TERN_TEST_OAUTH2_PROVIDERS (a file
 * in the same format, which may name client_id and client_secret).
 */
#pragma once

#include <glib.h>

#include "core/tern-types.h"

G_BEGIN_DECLS

typedef struct {
  char *host;
  guint16 port;
  TernSecurity security;
} TernOAuthServer;

typedef struct {
  char *id;                /* "google" */
  char *name;              /* "Google", for "Sign in with Google" */
  char *auth_url;          /* authorization endpoint */
  char *token_url;         /* token endpoint (code exchange and refresh) */
  char *revoke_url;        /* RFC 7009 revocation endpoint, or NULL */
  char *scopes;            /* space-separated */
  char *extra_params;      /* "a=b&c=d" added to the authorization URL, or NULL */
  char *client_id;         /* NULL when none is configured */
  char *client_secret;     /* NULL when the provider needs none */
  TernOAuthServer imap, pop3, smtp;
  char **domains;          /* address domains it serves */
} TernOAuthProvider;

/* The provider @id; TERN_ERROR_NOT_FOUND when Tern knows no such provider. */
TernOAuthProvider *tern_oauth_provider_lookup (const char *id, GError **error);

/* The same, and TERN_ERROR_UNSUPPORTED (saying how to register one) when no
 * client id is configured for it. */
TernOAuthProvider *tern_oauth_provider_lookup_configured (const char *id, GError **error);

/* The id of the provider that serves @email's domain, or NULL. */
char *tern_oauth_provider_for_email (const char *email);

/* The id of the provider whose IMAP, POP3 or SMTP server is @host, or NULL
 * (an address at another domain hosted there: discovery said OAuth2). */
char *tern_oauth_provider_for_host (const char *host);

/* Every provider id, sorted. */
char **tern_oauth_provider_list (void);

/* Whether @url may carry tokens: https, or http to a loopback address in
 * test builds (the harness's token server). */
gboolean tern_oauth_url_allowed (const char *url, GError **error);

void tern_oauth_provider_free (TernOAuthProvider *provider);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernOAuthProvider, tern_oauth_provider_free)

G_END_DECLS
