/* tern-imap-connect.c: an IMAP session, connected and logged in. */
#include "imap/tern-imap-connect.h"
#include "imap/tern-imap-server-words.h"

#include <string.h>

#include "core/tern-error.h"
#include "net/tern-oauth-sasl.h"
#include "net/tern-server-reply.h"
#include "net/tern-tls-stream.h"

/* The greeting libetpan could not parse, still in its line buffer. */
static const char *
greeting_line (mailimap *imap)
{
  return imap->imap_stream_buffer != NULL ? imap->imap_stream_buffer->str : NULL;
}

/* Maps a libetpan IMAP error to a TERN_ERROR naming host and step. */
static void
imap_error (mailimap *imap, const TernServerConfig *cfg, int r,
            const char *during, GError **error)
{
  g_autofree char *said = tern_server_reply_quote (imap->imap_response);

  switch (r)
    {
    case MAILIMAP_ERROR_STREAM:
      tern_tls_stream_propagate_failure (imap->imap_stream, cfg->host, during, error);
      break;
    case MAILIMAP_ERROR_PARSE:
      /* Our stream may have cut the reply short on purpose (too large). */
      if (tern_tls_stream_get_failure (imap->imap_stream, error))
        break;
      if (g_str_equal (during, "the greeting") &&
          tern_server_reply_wrong_service (greeting_line (imap), "IMAP", cfg->host, cfg->port,
                                           error))
        break;
      g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                   "The server %s sent a reply Tern cannot understand during %s.",
                   cfg->host, during);
      break;
    case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION:
      g_set_error (error, TERN_ERROR, TERN_ERROR_CONNECTION_REFUSED,
                   "The server %s does not accept connections right now%s", cfg->host, said);
      break;
    case MAILIMAP_ERROR_LOGIN:
    case MAILIMAP_ERROR_SASL:
      g_set_error (error, TERN_ERROR, TERN_ERROR_AUTH,
                   "The server %s refused the user name or password for %s%s",
                   cfg->host, cfg->user, said);
      break;
    default:
      g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                   "The server %s failed during %s (libetpan error %d)%s",
                   cfg->host, during, r, said);
    }
}

/* libetpan 1.9.4 keeps the session's capability list where a server may
 * leave none (no CAPABILITY response, no greeting code) or a NULL list (an
 * empty "[CAPABILITY]" code, or "* CAPABILITY" and a tab), and its
 * mailimap_capability() and mailimap_has_extension() walk it without
 * looking. Found by fuzz-imap. An empty list stands in for it. */
static void
mend_capabilities (mailimap *imap)
{
  struct mailimap_connection_info *info = imap->imap_connection_info;

  if (info == NULL || (info->imap_capability != NULL && info->imap_capability->cap_list != NULL))
    return;
  if (info->imap_capability != NULL)
    mailimap_capability_data_free (info->imap_capability);
  info->imap_capability = mailimap_capability_data_new (clist_new ());
}

static gboolean
refresh_capabilities (mailimap *imap, const TernServerConfig *cfg, GError **error)
{
  int r;

  /* Not mailimap_capability(): it copies the list the answer left, which
   * may be NULL (above); the command alone updates the session's list,
   * which is mended after it for mailimap_has_extension(). */
  r = tern_imap_command (imap, "CAPABILITY");
  mend_capabilities (imap);
  if (r != MAILIMAP_NO_ERROR)
    {
      imap_error (imap, cfg, r, "the capability check", error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
start_tls (mailimap *imap, const TernServerConfig *cfg,
           TernCertificateInfo **cert_out, GError **error)
{
  int r;

  if (!refresh_capabilities (imap, cfg, error))
    return FALSE;
  if (!mailimap_has_extension (imap, "STARTTLS"))
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_NO_STARTTLS,
                   "The server %s does not offer STARTTLS on port %u, so Tern will "
                   "not log in over an unencrypted connection. Try security TLS "
                   "on port 993.", cfg->host, cfg->port);
      return FALSE;
    }
  r = mailimap_starttls (imap);
  if (r != MAILIMAP_NO_ERROR)
    {
      imap_error (imap, cfg, r, "STARTTLS", error);
      return FALSE;
    }
  if (!tern_tls_stream_starttls (imap->imap_stream, cfg, cert_out, error))
    return FALSE;
  /* Capabilities seen before TLS may have been forged: ask again. */
  return refresh_capabilities (imap, cfg, error);
}

/* Sends one line of a command or of an AUTHENTICATE exchange ("" for an
 * empty one). */
static gboolean
send_line (mailimap *imap, const char *text)
{
  return mailstream_write (imap->imap_stream, text, strlen (text)) >= 0 &&
         mailstream_write (imap->imap_stream, "\r\n", 2) >= 0 &&
         mailstream_flush (imap->imap_stream) != -1;
}

/* The state of a reply's tagged line; BAD for a BYE instead of one. */
static int
tagged_state (const struct mailimap_response *response)
{
  const struct mailimap_response_done *done = response->rsp_resp_done;

  return done->rsp_type == MAILIMAP_RESP_DONE_TYPE_TAGGED && done->rsp_data.rsp_tagged != NULL
         ? done->rsp_data.rsp_tagged->rsp_cond_state->rsp_type
         : MAILIMAP_RESP_COND_STATE_BAD;
}

/* Reads and parses the reply to the command just sent (libetpan stores its
 * untagged data in the session). */
static int
read_reply (mailimap *imap)
{
  struct mailimap_response *response = NULL;
  int r, state;

  if (mailimap_read_line (imap) == NULL)
    return MAILIMAP_ERROR_STREAM;
  r = mailimap_parse_response (imap, &response);
  if (r != MAILIMAP_NO_ERROR)
    return r;
  state = tagged_state (response);
  mailimap_response_free (response);
  return state == MAILIMAP_RESP_COND_STATE_OK ? MAILIMAP_NO_ERROR : MAILIMAP_ERROR_CUSTOM_COMMAND;
}

int
tern_imap_command (mailimap *imap, const char *command)
{
  int r = mailimap_send_current_tag (imap);

  if (r != MAILIMAP_NO_ERROR)
    return r;
  if (!send_line (imap, command))
    return MAILIMAP_ERROR_STREAM;
  return read_reply (imap);
}

/* The base64 text of a "+ ..." continuation line, or NULL for another line. */
static char *
continuation_text (const char *line)
{
  if (line == NULL || line[0] != '+')
    return NULL;
  line++;
  while (*line == ' ')
    line++;
  return g_strstrip (g_strdup (line));
}

/* AUTHENTICATE OAUTHBEARER or XOAUTH2 (libetpan's mailimap_oauth2_authenticate
 * knows only XOAUTH2 and drops the server's error status). The initial
 * response goes on the command line with SASL-IR, else after the first "+". */
static int
authenticate_oauth (mailimap *imap, const TernServerConfig *cfg, TernSaslOAuth mech,
                    const char *token, char **challenge)
{
  g_autofree char *ir = tern_sasl_oauth_initial_response (mech, cfg->user, cfg->host,
                                                          cfg->port, token);
  gboolean inline_ir = mailimap_has_extension (imap, "SASL-IR") &&
                       strlen (ir) <= TERN_SASL_OAUTH_INLINE_MAX;
  g_autofree char *command = g_strdup_printf ("AUTHENTICATE %s%s%s", tern_sasl_oauth_name (mech),
                                              inline_ir ? " " : "", inline_ir ? ir : "");
  struct mailimap_response *response = NULL;
  const char *line;
  int r, state;

  r = mailimap_send_current_tag (imap);
  if (r == MAILIMAP_NO_ERROR && !send_line (imap, command))
    r = MAILIMAP_ERROR_STREAM;
  tern_sasl_oauth_wipe (command);
  if (r == MAILIMAP_NO_ERROR && !inline_ir)
    {
      line = mailimap_read_line (imap);
      if (line == NULL)
        r = MAILIMAP_ERROR_STREAM;
      else if (line[0] == '+' && !send_line (imap, ir))
        r = MAILIMAP_ERROR_STREAM;
    }
  tern_sasl_oauth_wipe (ir);
  if (r != MAILIMAP_NO_ERROR)
    return r;
  if ((line = mailimap_read_line (imap)) == NULL)
    return MAILIMAP_ERROR_STREAM;
  if ((*challenge = continuation_text (line)) != NULL)
    {
      /* The token was refused; the JSON says why. Answer, then read the NO. */
      if (!send_line (imap, tern_sasl_oauth_abort_response (mech)) ||
          mailimap_read_line (imap) == NULL)
        return MAILIMAP_ERROR_STREAM;
    }
  r = mailimap_parse_response (imap, &response);
  if (r != MAILIMAP_NO_ERROR)
    return r;
  state = tagged_state (response);
  mailimap_response_free (response);
  if (state != MAILIMAP_RESP_COND_STATE_OK)
    return MAILIMAP_ERROR_LOGIN;
  imap->imap_state = MAILIMAP_STATE_AUTHENTICATED;
  return MAILIMAP_NO_ERROR;
}

static gboolean
log_in_oauth (mailimap *imap, const TernServerConfig *cfg, const char *token, GError **error)
{
  g_autofree char *challenge = NULL;
  TernSaslOAuth mech;
  int r;

  if (!tern_sasl_oauth_choose (mailimap_has_authentication (imap, "OAUTHBEARER"),
                               mailimap_has_authentication (imap, "XOAUTH2"), cfg->host, FALSE,
                               &mech, error))
    return FALSE;
  r = authenticate_oauth (imap, cfg, mech, token, &challenge);
  if (r == MAILIMAP_ERROR_LOGIN)
    {
      tern_sasl_oauth_refused (challenge, cfg->host, cfg->user, FALSE, error);
      return FALSE;
    }
  if (r != MAILIMAP_NO_ERROR)
    {
      imap_error (imap, cfg, r, "sign-in", error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
log_in (mailimap *imap, const TernServerConfig *cfg, const char *password, GError **error)
{
  int r;

  if (!tern_tls_stream_may_send_password (imap->imap_stream, cfg, error))
    return FALSE;
  if (cfg->oauth2)
    return log_in_oauth (imap, cfg, password, error);
  if (!mailimap_has_extension (imap, "LOGINDISABLED"))
    r = mailimap_login (imap, cfg->user, password);
  else if (!tern_tls_stream_is_encrypted (imap->imap_stream))
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_ENCRYPTION_REQUIRED,
                   "The server %s refuses to log in over an unencrypted connection. "
                   "Choose TLS or STARTTLS.", cfg->host);
      return FALSE;
    }
  else if (mailimap_has_authentication (imap, "PLAIN"))
    r = mailimap_authenticate (imap, "PLAIN", cfg->host, NULL, NULL,
                               cfg->user, cfg->user, password, NULL);
  else
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_UNSUPPORTED,
                   "The server %s offers neither LOGIN nor AUTHENTICATE PLAIN.",
                   cfg->host);
      return FALSE;
    }
  if (r != MAILIMAP_NO_ERROR)
    {
      imap_error (imap, cfg, r, "login", error);
      return FALSE;
    }
  return TRUE;
}

mailimap *
tern_imap_connect (const TernServerConfig *cfg,
                   const char             *password,
                   GCancellable           *cancellable,
                   TernCertificateInfo   **cert_out,
                   GError                **error)
{
  mailstream *stream;

  g_return_val_if_fail (cfg != NULL && cfg->user != NULL && password != NULL, NULL);

  stream = tern_tls_stream_open (cfg, cancellable, cert_out, error);
  if (stream == NULL)
    return NULL;
  return tern_imap_connect_stream (stream, cfg, password, cert_out, error);
}

mailimap *
tern_imap_connect_stream (mailstream             *stream,
                          const TernServerConfig *cfg,
                          const char             *password,
                          TernCertificateInfo   **cert_out,
                          GError                **error)
{
  mailimap *imap;
  int r;

  tern_tls_stream_trace (stream, TERN_TRACE_IMAP);
  tern_imap_server_words_listen (stream);
  if (!tern_tls_stream_expect_greeting (stream, cfg, error))
    {
      mailstream_close (stream);
      return NULL;
    }
  /* Before the greeting: every byte from the server is bounded. */
  tern_tls_stream_watch_imap (stream);
  imap = mailimap_new (0, NULL);
  if (imap == NULL)
    {
      mailstream_close (stream);
      g_set_error (error, TERN_ERROR, TERN_ERROR_FAILED, "Out of memory.");
      return NULL;
    }

  r = mailimap_connect (imap, stream);  /* imap owns the stream from here */
  if (r != MAILIMAP_NO_ERROR_AUTHENTICATED && r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED)
    {
      imap_error (imap, cfg, r, "the greeting", error);
      goto fail;
    }
  /* PREAUTH skips STARTTLS altogether: with STARTTLS chosen, that is a
   * downgrade, whoever sent it. */
  if (r == MAILIMAP_NO_ERROR_AUTHENTICATED && cfg->security == TERN_SECURITY_STARTTLS)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_NO_STARTTLS,
                   "The server %s skipped encryption (PREAUTH), so Tern closed the "
                   "connection.", cfg->host);
      goto fail;
    }
  if (cfg->security == TERN_SECURITY_STARTTLS && !start_tls (imap, cfg, cert_out, error))
    goto fail;
  if (r == MAILIMAP_NO_ERROR_AUTHENTICATED)
    return imap;
  if (cfg->security != TERN_SECURITY_STARTTLS && !refresh_capabilities (imap, cfg, error))
    goto fail;
  if (!log_in (imap, cfg, password, error))
    goto fail;
  return imap;

fail:
  /* Without LOGOUT: the stream may be hostile, broken or cancelled. */
  tern_imap_close (imap, FALSE);
  return NULL;
}

void
tern_imap_close (mailimap *imap, gboolean logout)
{
  if (imap == NULL)
    return;
  if (logout && tern_tls_stream_prepare_goodbye (imap->imap_stream))
    mailimap_logout (imap);
  /* mailimap_free() would otherwise send LOGOUT itself and wait for it. */
  if (imap->imap_stream)
    mailstream_close (imap->imap_stream);
  imap->imap_stream = NULL;
  mailimap_free (imap);
}

gboolean
tern_imap_skip_unparsed_reply (mailimap *imap)
{
  g_autofree char *tag = g_strdup_printf ("%d ", imap->imap_tag);

  /* Only what is buffered: waiting for more could block until the
   * deadline, and a reconnect is cheaper than that. A reply longer than
   * that is not worth saving either. */
  for (guint lines = 0; lines < 256; lines++)
    {
      const char *line;

      if (imap->imap_stream == NULL || imap->imap_stream->read_buffer_len == 0)
        return FALSE;
      if ((line = mailimap_read_line (imap)) == NULL)
        return FALSE;
      if (g_str_has_prefix (line, tag))
        return TRUE;
    }
  return FALSE;
}
