/* tern-pop3-connect.c: a POP3 session, connected and logged in. */
#include "pop3/tern-pop3-connect.h"

#include <stdlib.h>
#include <string.h>

#include "core/tern-error.h"
#include "net/tern-oauth-sasl.h"
#include "net/tern-server-reply.h"
#include "net/tern-tls-stream.h"

/* A greeting without "+OK": a stream failure, a server that is busy
 * ("-ERR ..."), or no POP3 server at all. libetpan keeps the line read. */
static void
greeting_error (mailpop3 *pop3, const TernServerConfig *cfg, GError **error)
{
  const char *line = pop3->pop3_stream_buffer ? pop3->pop3_stream_buffer->str : NULL;
  g_autofree char *said = NULL;

  if (tern_tls_stream_get_failure (pop3->pop3_stream, error))
    return;
  if (line == NULL || *line == '\0')
    {
      tern_tls_stream_propagate_failure (pop3->pop3_stream, cfg->host, "the greeting", error);
      return;
    }
  if (tern_server_reply_wrong_service (line, "POP3", cfg->host, cfg->port, error))
    return;
  said = tern_server_reply_quote (pop3->pop3_response);
  g_set_error (error, TERN_ERROR, TERN_ERROR_CONNECTION_REFUSED,
               "The server %s does not accept connections right now%s", cfg->host, said);
}

static void
pop3_error (mailpop3 *pop3, const TernServerConfig *cfg, int r,
            const char *during, GError **error)
{
  g_autofree char *said = tern_server_reply_quote (pop3->pop3_response);

  switch (r)
    {
    case MAILPOP3_ERROR_STREAM:
      tern_tls_stream_propagate_failure (pop3->pop3_stream, cfg->host, during, error);
      break;
    case MAILPOP3_ERROR_BAD_USER:
    case MAILPOP3_ERROR_BAD_PASSWORD:
    case MAILPOP3_ERROR_DENIED:
      g_set_error (error, TERN_ERROR, TERN_ERROR_AUTH,
                   "The server %s refused the user name or password for %s%s",
                   cfg->host, cfg->user, said);
      break;
    case MAILPOP3_ERROR_UNAUTHORIZED:
      greeting_error (pop3, cfg, error);
      break;
    default:
      g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                   "The server %s failed during %s (libetpan error %d)%s",
                   cfg->host, during, r, said);
    }
}

/* The capabilities as "NAME" and "NAME PARAM" strings; a server without
 * CAPA (RFC 1939 only) simply has none. */
static GPtrArray *
read_capabilities (mailpop3 *pop3, const TernServerConfig *cfg, GError **error)
{
  clist *caps = NULL;
  GPtrArray *out;
  int r = mailpop3_capa (pop3, &caps);

  if (r != MAILPOP3_NO_ERROR && r != MAILPOP3_ERROR_CAPA_NOT_SUPPORTED)
    {
      pop3_error (pop3, cfg, r, "the capability check", error);
      return NULL;
    }
  out = g_ptr_array_new_with_free_func (g_free);
  for (clistiter *c = caps ? clist_begin (caps) : NULL; c; c = clist_next (c))
    {
      struct mailpop3_capa *cap = clist_content (c);
      char *name = g_ascii_strup (cap->cap_name, -1);

      g_ptr_array_add (out, name);
      for (clistiter *p = cap->cap_param ? clist_begin (cap->cap_param) : NULL; p; p = clist_next (p))
        g_ptr_array_add (out, g_strdup_printf ("%s %s", name, (char *) clist_content (p)));
    }
  if (caps)
    mailpop3_capa_resp_free (caps);
  return out;
}

static gboolean
has_cap (GPtrArray *caps, const char *name)
{
  for (guint i = 0; i < caps->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (caps, i), name) == 0)
      return TRUE;
  return FALSE;
}

/* libetpan's own state after a login (POP3_STATE_TRANSACTION in its
 * mailpop3.c, not in its headers): its later commands check it. */
#define ETPAN_POP3_STATE_TRANSACTION 2

/* RFC 5034: an AUTH line with its initial response stays within 255 octets. */
#define POP3_AUTH_INLINE_MAX 240

static gboolean
send_line (mailpop3 *pop3, const char *text)
{
  return mailstream_write (pop3->pop3_stream, text, strlen (text)) >= 0 &&
         mailstream_write (pop3->pop3_stream, "\r\n", 2) >= 0 &&
         mailstream_flush (pop3->pop3_stream) != -1;
}

static const char *
read_line (mailpop3 *pop3)
{
  return mailstream_read_line_remove_eol (pop3->pop3_stream, pop3->pop3_stream_buffer);
}

/* A "+ base64" continuation's text, or NULL for "+OK"/"-ERR"/anything else. */
static char *
continuation_text (const char *line)
{
  if (line == NULL || line[0] != '+' || g_str_has_prefix (line, "+OK"))
    return NULL;
  return g_strstrip (g_strdup (line + 1));
}

/* AUTH OAUTHBEARER or XOAUTH2 (RFC 5034), written by hand: libetpan's
 * mailpop3_auth goes through Cyrus SASL, which knows neither. Returns the
 * final line, "+OK ..." or "-ERR ..." (NULL when the stream broke). */
static const char *
authenticate_oauth (mailpop3 *pop3, const TernServerConfig *cfg, TernSaslOAuth mech,
                    const char *token, char **challenge)
{
  g_autofree char *ir = tern_sasl_oauth_initial_response (mech, cfg->user, cfg->host,
                                                          cfg->port, token);
  gboolean inline_ir = strlen (ir) <= POP3_AUTH_INLINE_MAX;
  g_autofree char *command = g_strdup_printf ("AUTH %s%s%s", tern_sasl_oauth_name (mech),
                                              inline_ir ? " " : "", inline_ir ? ir : "");
  const char *line;
  gboolean sent = send_line (pop3, command);

  tern_sasl_oauth_wipe (command);
  if (sent && !inline_ir)
    {
      line = read_line (pop3);
      sent = line != NULL && line[0] == '+' && !g_str_has_prefix (line, "+OK") &&
             send_line (pop3, ir);
      if (line != NULL && !sent && line[0] == '-')
        {
          tern_sasl_oauth_wipe (ir);
          return line;
        }
    }
  tern_sasl_oauth_wipe (ir);
  if (!sent || (line = read_line (pop3)) == NULL)
    return NULL;
  if ((*challenge = continuation_text (line)) != NULL)
    {
      if (!send_line (pop3, tern_sasl_oauth_abort_response (mech)))
        return NULL;
      line = read_line (pop3);
    }
  return line;
}

static gboolean
log_in_oauth (mailpop3 *pop3, const TernServerConfig *cfg, const char *token,
              GPtrArray *caps, GError **error)
{
  g_autofree char *challenge = NULL;
  TernSaslOAuth mech;
  const char *line;

  if (!tern_sasl_oauth_choose (has_cap (caps, "SASL OAUTHBEARER"), has_cap (caps, "SASL XOAUTH2"),
                               cfg->host, FALSE, &mech, error))
    return FALSE;
  line = authenticate_oauth (pop3, cfg, mech, token, &challenge);
  if (line == NULL)
    {
      tern_tls_stream_propagate_failure (pop3->pop3_stream, cfg->host, "sign-in", error);
      return FALSE;
    }
  if (g_str_has_prefix (line, "+OK"))
    {
      pop3->pop3_state = ETPAN_POP3_STATE_TRANSACTION;
      return TRUE;
    }
  tern_sasl_oauth_refused (challenge, cfg->host, cfg->user, FALSE, error);
  return FALSE;
}

static gboolean
log_in (mailpop3 *pop3, const TernServerConfig *cfg, const char *password,
        GPtrArray *caps, GError **error)
{
  int r;

  if (!tern_tls_stream_may_send_password (pop3->pop3_stream, cfg, error))
    return FALSE;
  if (cfg->oauth2)
    return log_in_oauth (pop3, cfg, password, caps, error);
  if (cfg->use_apop && pop3->pop3_timestamp != NULL)
    r = mailpop3_apop (pop3, cfg->user, password);
  else if (!has_cap (caps, "USER") && has_cap (caps, "SASL PLAIN"))
    r = mailpop3_auth (pop3, "PLAIN", cfg->host, NULL, NULL,
                       cfg->user, cfg->user, password, NULL);
  else if ((r = mailpop3_user (pop3, cfg->user)) == MAILPOP3_NO_ERROR)
    r = mailpop3_pass (pop3, password);
  if (r != MAILPOP3_NO_ERROR)
    {
      pop3_error (pop3, cfg, r, "login", error);
      return FALSE;
    }
  return TRUE;
}

mailpop3 *
tern_pop3_connect (const TernServerConfig *cfg,
                   const char             *password,
                   GCancellable           *cancellable,
                   TernCertificateInfo   **cert_out,
                   GError                **error)
{
  g_autoptr(GPtrArray) caps = NULL;
  mailstream *stream;
  mailpop3 *pop3;
  int r;

  g_return_val_if_fail (cfg != NULL && cfg->user != NULL && password != NULL, NULL);

  stream = tern_tls_stream_open (cfg, cancellable, cert_out, error);
  if (stream == NULL)
    return NULL;
  tern_tls_stream_trace (stream, TERN_TRACE_POP3);
  if (!tern_tls_stream_expect_greeting (stream, cfg, error))
    {
      mailstream_close (stream);
      return NULL;
    }
  pop3 = mailpop3_new (0, NULL);
  if (pop3 == NULL)
    {
      mailstream_close (stream);
      g_set_error (error, TERN_ERROR, TERN_ERROR_FAILED, "Out of memory.");
      return NULL;
    }
  r = mailpop3_connect (pop3, stream);  /* pop3 owns the stream from here */
  if (r != MAILPOP3_NO_ERROR)
    {
      pop3_error (pop3, cfg, r, "the greeting", error);
      goto fail;
    }
  if ((caps = read_capabilities (pop3, cfg, error)) == NULL)
    goto fail;

  if (cfg->security == TERN_SECURITY_STARTTLS)
    {
      if (!has_cap (caps, "STLS"))
        {
          g_set_error (error, TERN_ERROR, TERN_ERROR_NO_STARTTLS,
                       "The server %s does not offer STLS (STARTTLS) on port %u, so "
                       "Tern will not log in over an unencrypted connection. Try "
                       "security TLS on port 995.", cfg->host, cfg->port);
          goto fail;
        }
      if ((r = mailpop3_stls (pop3)) != MAILPOP3_NO_ERROR)
        {
          pop3_error (pop3, cfg, r, "STLS", error);
          goto fail;
        }
      if (!tern_tls_stream_starttls (pop3->pop3_stream, cfg, cert_out, error))
        goto fail;
      /* Capabilities seen before TLS may have been forged: ask again. */
      g_clear_pointer (&caps, g_ptr_array_unref);
      if ((caps = read_capabilities (pop3, cfg, error)) == NULL)
        goto fail;
    }
  if (!log_in (pop3, cfg, password, caps, error))
    goto fail;
  return pop3;

fail:
  /* Without QUIT: the stream may be hostile, broken or cancelled. */
  tern_pop3_close (pop3, FALSE);
  return NULL;
}

void
tern_pop3_close (mailpop3 *pop3, gboolean quit)
{
  if (pop3 == NULL)
    return;
  if (quit && tern_tls_stream_prepare_goodbye (pop3->pop3_stream))
    mailpop3_quit (pop3);
  if (pop3->pop3_stream)
    mailstream_close (pop3->pop3_stream);
  pop3->pop3_stream = NULL;
  /* libetpan frees the APOP timestamp only in mailpop3_quit(). */
  free (pop3->pop3_timestamp);
  pop3->pop3_timestamp = NULL;
  mailpop3_free (pop3);
}
