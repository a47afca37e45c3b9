/* tern-oauth-flow.c: PKCE, the authorization URL, and the loopback listener
 * that receives the browser's redirect. */
#include "oauth/tern-oauth-flow.h"

#include <gnutls/crypto.h>
#include <string.h>

#include "core/tern-error.h"

/* Longest request head the listener reads from the browser. */
#define MAX_REQUEST 8192
/* Seconds one browser connection may take to send its request. */
#define REQUEST_TIMEOUT 10

struct _TernOAuthFlow
{
  GObject parent_instance;
  TernOAuthProvider *provider;   /* a copy of what it needs */
  GSocketListener *listener;
  char *verifier;                /* PKCE code_verifier */
  char *state;
  char *redirect_uri;
  char *url;
};

G_DEFINE_FINAL_TYPE (TernOAuthFlow, tern_oauth_flow, G_TYPE_OBJECT)

/* base64url without padding (RFC 7636 appendix A). */
static char *
base64url (const guchar *data, gsize len)
{
  char *b64 = g_base64_encode (data, len);

  for (char *p = b64; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        {
          *p = '\0';
          break;
        }
    }
  return b64;
}

static char *
random_token (gsize bytes, GError **error)
{
  guchar buf[64];

  g_assert (bytes <= sizeof buf);
  if (gnutls_rnd (GNUTLS_RND_KEY, buf, bytes) != 0)
    {
      g_set_error_literal (error, TERN_ERROR, TERN_ERROR_FAILED,
                           "This computer could not make random numbers for the sign-in.");
      return NULL;
    }
  return base64url (buf, bytes);
}

static char *
s256_challenge (const char *verifier)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;

  g_checksum_update (sum, (const guchar *) verifier, (gssize) strlen (verifier));
  g_checksum_get_digest (sum, digest, &len);
  return base64url (digest, len);
}

static void
append_param (GString *url, const char *name, const char *value)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

  g_string_append_printf (url, "%c%s=%s", strchr (url->str, '?') ? '&' : '?', name, escaped);
}

static char *
build_url (TernOAuthFlow *self, const char *login_hint)
{
  TernOAuthProvider *p = self->provider;
  g_autofree char *challenge = s256_challenge (self->verifier);
  GString *url = g_string_new (p->auth_url);

  append_param (url, "response_type", "code");
  append_param (url, "client_id", p->client_id != NULL ? p->client_id : "");
  append_param (url, "redirect_uri", self->redirect_uri);
  append_param (url, "scope", p->scopes);
  append_param (url, "state", self->state);
  append_param (url, "code_challenge", challenge);
  append_param (url, "code_challenge_method", "S256");
  if (login_hint != NULL && *login_hint != '\0')
    append_param (url, "login_hint", login_hint);
  if (p->extra_params != NULL && *p->extra_params != '\0')
    g_string_append_printf (url, "&%s", p->extra_params);
  return g_string_free (url, FALSE);
}

static TernOAuthProvider *
copy_provider (const TernOAuthProvider *src)
{
  TernOAuthProvider *p = g_new0 (TernOAuthProvider, 1);

  p->id = g_strdup (src->id);
  p->name = g_strdup (src->name);
  p->auth_url = g_strdup (src->auth_url);
  p->token_url = g_strdup (src->token_url);
  p->revoke_url = g_strdup (src->revoke_url);
  p->scopes = g_strdup (src->scopes);
  p->extra_params = g_strdup (src->extra_params);
  p->client_id = g_strdup (src->client_id);
  p->client_secret = g_strdup (src->client_secret);
  return p;
}

static guint16
bind_loopback (GSocketListener *listener, GError **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  if (!g_socket_listener_add_address (listener, any_port, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &bound, error))
    return 0;
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

TernOAuthFlow *
tern_oauth_flow_new (const TernOAuthProvider *provider, const char *login_hint, GError **error)
{
  g_autoptr(TernOAuthFlow) self = g_object_new (TERN_TYPE_OAUTH_FLOW, NULL);
  g_autoptr(GError) local_error = NULL;
  guint16 port;

  g_return_val_if_fail (provider != NULL, NULL);
  if (!tern_oauth_url_allowed (provider->auth_url, error) ||
      !tern_oauth_url_allowed (provider->token_url, error))
    return NULL;
  self->provider = copy_provider (provider);
  self->listener = g_socket_listener_new ();
  port = bind_loopback (self->listener, &local_error);
  if (port == 0)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_FAILED,
                   "Tern could not listen on this computer for the browser's answer: %s",
                   local_error != NULL ? local_error->message : "no port");
      return NULL;
    }
  self->verifier = random_token (32, error);
  self->state = self->verifier != NULL ? random_token (16, error) : NULL;
  if (self->state == NULL)
    return NULL;
  self->redirect_uri = g_strdup_printf ("http://127.0.0.1:%u/", port);
  self->url = build_url (self, login_hint);
  return g_steal_pointer (&self);
}

const char *
tern_oauth_flow_get_authorization_url (TernOAuthFlow *self)
{
  return self->url;
}

const char *
tern_oauth_flow_get_redirect_uri (TernOAuthFlow *self)
{
  return self->redirect_uri;
}

/* ---- the listener (runs in the task's thread) ---------------------------- */

/* What one browser request said. */
typedef enum {
  REQUEST_IGNORED,   /* not the redirect (favicon, garbage): wait on */
  REQUEST_REFUSED,   /* a redirect with a wrong state: refused, wait on */
  REQUEST_CODE,      /* the code, state checked */
  REQUEST_DENIED,    /* the provider sent an error back (state checked) */
} RequestKind;

static void
respond (GSocketConnection *conn, guint status, const char *reason, const char *body)
{
  g_autofree char *page = g_strdup_printf (
      "HTTP/1.1 %u %s\r\nContent-Type: text/html; charset=utf-8\r\n"
      "Cache-Control: no-store\r\nConnection: close\r\nContent-Length: %zu\r\n\r\n%s",
      status, reason, strlen (body), body);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));

  g_output_stream_write_all (out, page, strlen (page), NULL, NULL, NULL);
}

/* The request line's target ("/?code=..&state=.."), or NULL. */
static char *
read_target (GSocketConnection *conn, GCancellable *cancellable)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  g_autoptr(GString) head = g_string_new (NULL);
  char buf[1024];
  g_auto(GStrv) words = NULL;

  while (strstr (head->str, "\r\n") == NULL && head->len < MAX_REQUEST)
    {
      gssize n = g_input_stream_read (in, buf, sizeof buf, cancellable, NULL);

      if (n <= 0)
        return NULL;
      g_string_append_len (head, buf, n);
    }
  *strstr (head->str, "\r\n") = '\0';
  words = g_strsplit (head->str, " ", 3);
  if (g_strv_length (words) != 3 || !g_str_equal (words[0], "GET"))
    return NULL;
  return g_strdup (words[1]);
}

static RequestKind
judge_request (TernOAuthFlow *self, const char *target, char **code, char **denied)
{
  g_autoptr(GHashTable) params = NULL;
  const char *query = strchr (target, '?');
  const char *state;

  if (query == NULL || strncmp (target, "/?", 2) != 0)
    return REQUEST_IGNORED;
  params = g_uri_parse_params (query + 1, -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  if (params == NULL)
    return REQUEST_IGNORED;
  state = g_hash_table_lookup (params, "state");
  if (g_strcmp0 (state, self->state) != 0)
    return REQUEST_REFUSED;
  if (g_hash_table_lookup (params, "error") != NULL)
    {
      *denied = g_strdup (g_hash_table_lookup (params, "error"));
      return REQUEST_DENIED;
    }
  *code = g_strdup (g_hash_table_lookup (params, "code"));
  return *code != NULL && **code != '\0' ? REQUEST_CODE : REQUEST_IGNORED;
}

/* One browser connection: reads the request, answers it. */
static RequestKind
handle_connection (TernOAuthFlow *self, GSocketConnection *conn, char **code, char **denied,
                   GCancellable *cancellable)
{
  g_autofree char *target = NULL;
  RequestKind kind;

  g_socket_set_timeout (g_socket_connection_get_socket (conn), REQUEST_TIMEOUT);
  target = read_target (conn, cancellable);
  kind = target != NULL ? judge_request (self, target, code, denied) : REQUEST_IGNORED;
  switch (kind)
    {
    case REQUEST_CODE:
      respond (conn, 200, "OK", "<!doctype html><title>Tern</title><p>You are signed in. "
               "You can close this page and go back to Tern.</p>");
      break;
    case REQUEST_DENIED:
      respond (conn, 200, "OK", "<!doctype html><title>Tern</title><p>The sign-in was not "
               "completed. Go back to Tern to try again.</p>");
      break;
    case REQUEST_REFUSED:
      g_message ("Refused a sign-in redirect whose state was not the one Tern sent");
      respond (conn, 400, "Bad Request", "<!doctype html><title>Tern</title><p>Tern refused "
               "this answer: it does not belong to the sign-in Tern started.</p>");
      break;
    case REQUEST_IGNORED:
    default:
      respond (conn, 404, "Not Found", "");
    }
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  return kind;
}

static void
wait_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  TernOAuthFlow *self = source;
  g_autofree char *code = NULL;
  g_autofree char *denied = NULL;
  TernOAuthTokens *tokens;
  RequestKind kind = REQUEST_IGNORED;
  GError *error = NULL;

  while (kind != REQUEST_CODE && kind != REQUEST_DENIED)
    {
      g_autoptr(GSocketConnection) conn =
        g_socket_listener_accept (self->listener, NULL, cancellable, &error);

      if (conn == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      kind = handle_connection (self, conn, &code, &denied, cancellable);
    }
  if (kind == REQUEST_DENIED)
    {
      g_task_return_new_error (task, TERN_ERROR, TERN_ERROR_AUTH,
                               "The sign-in to %s was not completed (%s), so Tern cannot "
                               "read your mail there. Sign in again and allow Tern access.",
                               self->provider->name,
                               g_str_equal (denied, "access_denied") ? "access was not allowed"
                               : denied);
      return;
    }
  tokens = tern_oauth_exchange_code (self->provider, code, self->verifier, self->redirect_uri,
                                     cancellable, &error);
  memset (code, 0, strlen (code));
  if (tokens == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, tokens, (GDestroyNotify) tern_oauth_tokens_free);
}

void
tern_oauth_flow_wait_async (TernOAuthFlow *self, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, tern_oauth_flow_wait_async);
  g_task_run_in_thread (task, wait_thread);
}

TernOAuthTokens *
tern_oauth_flow_wait_finish (TernOAuthFlow *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
tern_oauth_flow_finalize (GObject *object)
{
  TernOAuthFlow *self = TERN_OAUTH_FLOW (object);

  if (self->listener != NULL)
    g_socket_listener_close (self->listener);
  g_clear_object (&self->listener);
  g_clear_pointer (&self->provider, tern_oauth_provider_free);
  if (self->verifier != NULL)
    memset (self->verifier, 0, strlen (self->verifier));
  g_free (self->verifier);
  g_free (self->state);
  g_free (self->redirect_uri);
  g_free (self->url);
  G_OBJECT_CLASS (tern_oauth_flow_parent_class)->finalize (object);
}

static void
tern_oauth_flow_class_init (TernOAuthFlowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_oauth_flow_finalize;
}

static void
tern_oauth_flow_init (TernOAuthFlow *self)
{
}
