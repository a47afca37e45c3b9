/* tern-oauth-sasl.h: the SASL side of OAuth2 sign-in, shared by IMAP, POP3
 * and SMTP.
 *
 * XOAUTH2 (Google's, also Microsoft's and Yahoo's) and OAUTHBEARER
 * (RFC 7628) both carry a bearer token in one client message. On failure
 * the server sends a base64 JSON status as a challenge, the client answers
 * it (empty line, or %x01 for OAUTHBEARER) and then gets the final refusal.
 * A refused token is TERN_ERROR_SIGN_IN_AGAIN ("sign in again"), never
 * "wrong password": the token expired or access was revoked.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TERN_SASL_OAUTHBEARER,  /* RFC 7628, preferred where offered */
  TERN_SASL_XOAUTH2,
} TernSaslOAuth;

/* The mechanism to use from what the server @host offers; FALSE with
 * TERN_ERROR_UNSUPPORTED when it offers neither. @outgoing: the SMTP server. */
gboolean tern_sasl_oauth_choose (gboolean offers_oauthbearer, gboolean offers_xoauth2,
                                 const char *host, gboolean outgoing, TernSaslOAuth *out,
                                 GError **error);
const char *tern_sasl_oauth_name (TernSaslOAuth mech);

/* The client's first (and only) message, base64-encoded. Wipe and free it. */
char *tern_sasl_oauth_initial_response (TernSaslOAuth mech, const char *user,
                                        const char *host, guint16 port, const char *token);

/* What the client answers to the server's error challenge (RFC 7628 3.2.3:
 * a single %x01, base64 "AQ=="; XOAUTH2: an empty line). */
const char *tern_sasl_oauth_abort_response (TernSaslOAuth mech);

/* Longest AUTH/AUTHENTICATE line Tern sends with the initial response on
 * it; longer responses go in a second line after the server's "+"/334. */
#define TERN_SASL_OAUTH_INLINE_MAX 480

/* The error for a refused token: @challenge is the server's base64 JSON
 * status (or NULL). @outgoing: the SMTP server. */
void tern_sasl_oauth_refused (const char *challenge, const char *host, const char *user,
                              gboolean outgoing, GError **error);

/* Wipes a secret string in place (NULL is fine). */
void tern_sasl_oauth_wipe (char *secret);

G_END_DECLS
