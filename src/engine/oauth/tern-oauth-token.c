/* tern-oauth-token.c: POSTs to the token endpoint with libsoup 3. */
#include "oauth/tern-oauth-token.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "core/tern-error.h"
#include "tern-config.h"

/* Seconds a token endpoint may take to answer. */
#define TOKEN_TIMEOUT 30

static void
wipe (char *s)
{
  if (s != NULL)
    memset (s, 0, strlen (s));
}

void
tern_oauth_tokens_free (TernOAuthTokens *t)
{
  if (t == NULL)
    return;
  wipe (t->access_token);
  wipe (t->refresh_token);
  g_free (t->access_token);
  g_free (t->refresh_token);
  g_free (t);
}

TernOAuthTokens *
tern_oauth_tokens_copy (const TernOAuthTokens *t)
{
  TernOAuthTokens *copy;

  if (t == NULL)
    return NULL;
  copy = g_new0 (TernOAuthTokens, 1);
  copy->access_token = g_strdup (t->access_token);
  copy->refresh_token = g_strdup (t->refresh_token);
  copy->expires_in = t->expires_in;
  return copy;
}

static SoupSession *
new_session (void)
{
  return soup_session_new_with_options ("timeout", TOKEN_TIMEOUT,
                                        "user-agent", "Tern/" TERN_VERSION, NULL);
}

/* A transport failure in plain words, naming the provider. */
static void
transport_error (const TernOAuthProvider *p, GError *cause, GError **error)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_error_copy (cause));
      return;
    }
  g_set_error (error, TERN_ERROR,
               g_error_matches (cause, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND)
               ? TERN_ERROR_HOST_NOT_FOUND
               : g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)
               ? TERN_ERROR_TIMED_OUT : TERN_ERROR_CONNECTION_REFUSED,
               "Tern could not reach the sign-in server of %s. Check the network "
               "connection, then try again.", p->name);
}

static JsonObject *
parse_object (GBytes *body, JsonParser *parser)
{
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;
  JsonNode *root;

  if (data == NULL || len == 0 ||
      !json_parser_load_from_data (parser, data, (gssize) len, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
}

/* POSTs @form (it is consumed) and returns the JSON object the endpoint
 * answered with, with the HTTP status in *status. With @any_body, a body
 * that is not JSON is an empty object (RFC 7009: a revocation endpoint's
 * answer is its status; Google's body is empty). */
static JsonObject *
post_form (const TernOAuthProvider *p, const char *url, GHashTable *form, JsonParser *parser,
           gboolean any_body, guint *status, GCancellable *cancellable, GError **error)
{
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *obj;

  if (!tern_oauth_url_allowed (url, error))
    return NULL;
  session = new_session ();
  msg = soup_message_new_from_encoded_form (SOUP_METHOD_POST, url, soup_form_encode_hash (form));
  if (msg == NULL)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID,
                   "The sign-in address of %s is not valid.", p->name);
      return NULL;
    }
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept",
                                "application/json");
  body = soup_session_send_and_read (session, msg, cancellable, &local_error);
  if (body == NULL)
    {
      transport_error (p, local_error, error);
      return NULL;
    }
  *status = soup_message_get_status (msg);
  obj = parse_object (body, parser);
  if (obj == NULL && (*status != 200 || any_body))
    obj = json_object_new ();  /* an error page: judged by its status */
  else if (obj != NULL)
    json_object_ref (obj);
  if (obj == NULL)
    g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                 "The sign-in server of %s sent an answer Tern cannot read.", p->name);
  return obj;
}

static const char *
member_string (JsonObject *obj, const char *name)
{
  JsonNode *n = json_object_get_member (obj, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

/* A number of seconds, sent as a JSON number or (some providers) a string. */
static gint64
member_seconds (JsonObject *obj, const char *name)
{
  JsonNode *n = json_object_get_member (obj, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return 0;
  if (json_node_get_value_type (n) == G_TYPE_INT64)
    return MAX (json_node_get_int (n), 0);
  if (json_node_get_value_type (n) == G_TYPE_STRING)
    return MAX (g_ascii_strtoll (json_node_get_string (n), NULL, 10), 0);
  return 0;
}

/* RFC 6749 5.2: the error of a refused request, in plain words. */
static void
endpoint_error (const TernOAuthProvider *p, JsonObject *obj, guint status, gboolean refreshing,
                GError **error)
{
  const char *code = member_string (obj, "error");

  if (g_strcmp0 (code, "invalid_grant") == 0 || (refreshing && status == 401))
    g_set_error (error, TERN_ERROR, TERN_ERROR_SIGN_IN_AGAIN,
                 "Your sign-in to %s has expired or was revoked. Sign in again.", p->name);
  else if (g_strcmp0 (code, "invalid_client") == 0 || g_strcmp0 (code, "unauthorized_client") == 0)
    g_set_error (error, TERN_ERROR, TERN_ERROR_AUTH,
                 "%s does not accept Tern's client id. Check the client id set for %s "
                 "(GSettings key oauth2-clients).", p->name, p->id);
  else
    g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                 "The sign-in server of %s refused the request (HTTP %u%s%s).",
                 p->name, status, code != NULL ? ", " : "", code != NULL ? code : "");
}

static TernOAuthTokens *
request_tokens (const TernOAuthProvider *p, GHashTable *form, gboolean refreshing,
                GCancellable *cancellable, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonObject) obj = NULL;
  TernOAuthTokens *t;
  const char *access;
  guint status = 0;

  g_hash_table_insert (form, "client_id", p->client_id != NULL ? p->client_id : "");
  if (p->client_secret != NULL)
    g_hash_table_insert (form, "client_secret", p->client_secret);
  obj = post_form (p, p->token_url, form, parser, FALSE, &status, cancellable, error);
  if (obj == NULL)
    return NULL;
  access = member_string (obj, "access_token");
  if (status != 200 || access == NULL || *access == '\0')
    {
      endpoint_error (p, obj, status, refreshing, error);
      return NULL;
    }
  t = g_new0 (TernOAuthTokens, 1);
  t->access_token = g_strdup (access);
  t->refresh_token = g_strdup (member_string (obj, "refresh_token"));
  t->expires_in = member_seconds (obj, "expires_in");
  return t;
}

TernOAuthTokens *
tern_oauth_exchange_code (const TernOAuthProvider *p, const char *code, const char *verifier,
                          const char *redirect_uri, GCancellable *cancellable, GError **error)
{
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (form, "grant_type", "authorization_code");
  g_hash_table_insert (form, "code", (char *) code);
  g_hash_table_insert (form, "code_verifier", (char *) verifier);
  g_hash_table_insert (form, "redirect_uri", (char *) redirect_uri);
  return request_tokens (p, form, FALSE, cancellable, error);
}

TernOAuthTokens *
tern_oauth_refresh (const TernOAuthProvider *p, const char *refresh_token,
                    GCancellable *cancellable, GError **error)
{
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (form, "grant_type", "refresh_token");
  g_hash_table_insert (form, "refresh_token", (char *) refresh_token);
  return request_tokens (p, form, TRUE, cancellable, error);
}

gboolean
tern_oauth_revoke (const TernOAuthProvider *p, const char *token,
                   GCancellable *cancellable, GError **error)
{
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonObject) obj = NULL;
  guint status = 0;

  if (p->revoke_url == NULL)
    return TRUE;
  form = g_hash_table_new (g_str_hash, g_str_equal);
  parser = json_parser_new ();
  g_hash_table_insert (form, "token", (char *) token);
  if (p->client_id != NULL)
    g_hash_table_insert (form, "client_id", p->client_id);
  obj = post_form (p, p->revoke_url, form, parser, TRUE, &status, cancellable, error);
  if (obj == NULL)
    return FALSE;
  if (status != 200)
    {
      endpoint_error (p, obj, status, FALSE, error);
      return FALSE;
    }
  return TRUE;
}
