/* tern-oauth-sasl.c: XOAUTH2 and OAUTHBEARER messages, and the server's
 * error status turned into "sign in again". */
#include "net/tern-oauth-sasl.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "core/tern-error.h"

gboolean
tern_sasl_oauth_choose (gboolean offers_oauthbearer, gboolean offers_xoauth2,
                        const char *host, gboolean outgoing, TernSaslOAuth *out, GError **error)
{
  if (offers_oauthbearer)
    *out = TERN_SASL_OAUTHBEARER;
  else if (offers_xoauth2)
    *out = TERN_SASL_XOAUTH2;
  else
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_UNSUPPORTED,
                   "The %s server %s does not offer OAuth2 sign-in (OAUTHBEARER or XOAUTH2).",
                   outgoing ? "outgoing mail" : "incoming mail", host);
      return FALSE;
    }
  return TRUE;
}

const char *
tern_sasl_oauth_name (TernSaslOAuth mech)
{
  return mech == TERN_SASL_OAUTHBEARER ? "OAUTHBEARER" : "XOAUTH2";
}

void
tern_sasl_oauth_wipe (char *secret)
{
  if (secret != NULL)
    memset (secret, 0, strlen (secret));
}

/* RFC 7628 3.1: gs2-header "n,a=user," where ',' and '=' in the name are
 * escaped as =2C and =3D (RFC 5801). */
static void
append_saslname (GString *out, const char *user)
{
  for (const char *p = user; *p != '\0'; p++)
    {
      if (*p == ',')
        g_string_append (out, "=2C");
      else if (*p == '=')
        g_string_append (out, "=3D");
      else
        g_string_append_c (out, *p);
    }
}

char *
tern_sasl_oauth_initial_response (TernSaslOAuth mech, const char *user,
                                  const char *host, guint16 port, const char *token)
{
  g_autoptr(GString) msg = g_string_new (NULL);
  char *b64;

  if (mech == TERN_SASL_OAUTHBEARER)
    {
      g_string_append (msg, "n,a=");
      append_saslname (msg, user);
      g_string_append_printf (msg, ",\001host=%s\001port=%u\001auth=Bearer %s\001\001",
                              host, port, token);
    }
  else
    g_string_append_printf (msg, "user=%s\001auth=Bearer %s\001\001", user, token);
  b64 = g_base64_encode ((const guchar *) msg->str, msg->len);
  memset (msg->str, 0, msg->len);
  return b64;
}

const char *
tern_sasl_oauth_abort_response (TernSaslOAuth mech)
{
  return mech == TERN_SASL_OAUTHBEARER ? "AQ==" : "";
}

/* The "status" member of the server's JSON (RFC 7628 3.2.2; Google sends
 * an HTTP code such as "401", Dovecot and RFC 7628 "invalid_token"). */
static char *
challenge_status (const char *challenge)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autofree guchar *json = NULL;
  JsonNode *root;
  gsize len = 0;

  if (challenge == NULL || *challenge == '\0')
    return NULL;
  json = g_base64_decode (challenge, &len);
  if (json == NULL || len == 0 || len > 4096)
    return NULL;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, (const char *) json, (gssize) len, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  {
    JsonObject *obj = json_node_get_object (root);
    JsonNode *status = json_object_get_member (obj, "status");

    if (status == NULL || !JSON_NODE_HOLDS_VALUE (status) ||
        json_node_get_value_type (status) != G_TYPE_STRING)
      return NULL;
    const char *text = json_node_get_string (status);

    if (strlen (text) > 64)
      return NULL;
    return g_utf8_make_valid (text, -1);
  }
}

/* Plain words for the statuses servers send. */
static const char *
status_words (const char *status)
{
  if (status == NULL)
    return "the sign-in has expired or was revoked";
  /* Gmail answers an expired or revoked token with "400" or "401". */
  if (g_str_equal (status, "invalid_token") || g_str_equal (status, "401") ||
      g_str_equal (status, "400"))
    return "the sign-in has expired or was revoked";
  if (g_str_equal (status, "insufficient_scope") || g_str_equal (status, "403"))
    return "Tern was not allowed access to mail when you signed in";
  return "the server did not accept the sign-in";
}

void
tern_sasl_oauth_refused (const char *challenge, const char *host, const char *user,
                         gboolean outgoing, GError **error)
{
  g_autofree char *status = challenge_status (challenge);

  g_set_error (error, TERN_ERROR, TERN_ERROR_SIGN_IN_AGAIN,
               "The %s server %s did not accept Tern's sign-in for %s: %s%s%s%s. "
               "Sign in again.",
               outgoing ? "outgoing mail" : "incoming mail", host, user,
               status_words (status),
               status != NULL ? " (status " : "", status != NULL ? status : "",
               status != NULL ? ")" : "");
}
