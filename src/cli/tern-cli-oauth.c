/* tern-cli-oauth.c: the browser sign-in from a terminal. */
#include "tern-cli-oauth.h"

#include <stdio.h>
#include <string.h>

#include "account/tern-account-token.h"
#include "oauth/tern-oauth-flow.h"
#include "tern-cli-context.h"

/* How long tern-cli waits for the browser before it gives up. */
#define SIGN_IN_TIMEOUT_S 600

static void
take (char **where, const char *value)
{
  if (*where == NULL && value != NULL)
    *where = g_strdup (value);
}

void
tern_cli_oauth_fill_servers (const TernOAuthProvider *p, TernAccountSettings *s,
                             char **host, char **security, int *port,
                             char **smtp_host, char **smtp_security, int *smtp_port)
{
  const TernOAuthServer *in = s->protocol == TERN_PROTOCOL_POP3 ? &p->pop3 : &p->imap;

  if (*host == NULL && in->host != NULL)
    {
      take (host, in->host);
      take (security, tern_security_to_string (in->security));
      if (*port <= 0)
        *port = in->port;
    }
  if (*smtp_host == NULL && p->smtp.host != NULL)
    {
      take (smtp_host, p->smtp.host);
      take (smtp_security, tern_security_to_string (p->smtp.security));
      if (*smtp_port <= 0)
        *smtp_port = p->smtp.port;
    }
}

typedef struct {
  GMainLoop *loop;
  TernOAuthTokens *tokens;
  GError *error;
} Wait;

static void
on_signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;

  w->tokens = tern_oauth_flow_wait_finish (TERN_OAUTH_FLOW (source), result, &w->error);
  g_main_loop_quit (w->loop);
}

static gboolean
on_timeout (gpointer cancellable)
{
  g_cancellable_cancel (cancellable);
  return G_SOURCE_REMOVE;
}

static TernOAuthTokens *
browser_sign_in (const TernOAuthProvider *provider, const char *email, GError **error)
{
  g_autoptr(TernOAuthFlow) flow = tern_oauth_flow_new (provider, email, error);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GMainLoop) loop = NULL;
  Wait w = { 0 };
  guint timeout;

  if (flow == NULL)
    return NULL;
  printf ("To sign in to %s, open this address in your browser:\n\n  %s\n\n"
          "Waiting for the browser on %s ...\n",
          provider->name, tern_oauth_flow_get_authorization_url (flow),
          tern_oauth_flow_get_redirect_uri (flow));
  fflush (stdout);
  loop = g_main_loop_new (NULL, FALSE);
  w.loop = loop;
  timeout = g_timeout_add_seconds (SIGN_IN_TIMEOUT_S, on_timeout, cancellable);
  tern_oauth_flow_wait_async (flow, cancellable, on_signed_in, &w);
  g_main_loop_run (loop);
  if (!g_cancellable_is_cancelled (cancellable))
    g_source_remove (timeout);
  if (g_error_matches (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&w.error);
      g_set_error (&w.error, TERN_ERROR, TERN_ERROR_TIMED_OUT,
                   "No answer came from the browser within %d minutes. Run the command "
                   "again to sign in.", SIGN_IN_TIMEOUT_S / 60);
    }
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return w.tokens;
}

static char *
read_token_stdin (GError **error)
{
  char buf[8192];
  gsize len;
  char *token;

  if (fgets (buf, sizeof buf, stdin) == NULL)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID, "No refresh token on standard input.");
      return NULL;
    }
  len = strlen (buf);
  while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
    buf[--len] = '\0';
  token = len > 0 ? g_strdup (buf) : NULL;
  memset (buf, 0, sizeof buf);
  if (token == NULL)
    g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID, "No refresh token on standard input.");
  return token;
}

gboolean
tern_cli_oauth_sign_in (const TernAccountSettings *s, gboolean token_stdin, GError **error)
{
  g_autoptr(TernOAuthProvider) provider = NULL;
  g_autoptr(TernOAuthTokens) tokens = NULL;
  g_autofree char *refresh_token = NULL;
  gboolean ok;

  provider = tern_oauth_provider_lookup_configured (s->oauth2_provider, error);
  if (provider == NULL)
    return FALSE;
  tern_secrets_forget_access_token (tern_cli_secrets (), s->name);
  if (!token_stdin)
    {
      tokens = browser_sign_in (provider, s->email, error);
      return tokens != NULL &&
             tern_account_keep_tokens (tern_cli_secrets (), s->name, tokens, error);
    }
  refresh_token = read_token_stdin (error);
  if (refresh_token == NULL)
    return FALSE;
  ok = tern_secrets_store (tern_cli_secrets (), s->name, TERN_SECRET_OAUTH2_REFRESH,
                           refresh_token, error);
  memset (refresh_token, 0, strlen (refresh_token));
  return ok;
}
