/* tern-smtp-connect.c: an SMTP session, connected and (if needed) logged in. */
#include "smtp/tern-smtp-connect.h"

#include "core/tern-error.h"
#include "net/tern-tls-stream.h"

static void
smtp_error (mailsmtp *smtp, const TernServerConfig *cfg, int r,
            const char *during, GError **error)
{
  const char *said = smtp->response ? smtp->response : "";

  switch (r)
    {
    case MAILSMTP_ERROR_STREAM:
      tern_tls_stream_propagate_failure (smtp->stream, cfg->host, during, error);
      break;
    case MAILSMTP_ERROR_AUTH_LOGIN:
    case MAILSMTP_ERROR_AUTH_AUTHENTICATION_FAILED:
    case MAILSMTP_ERROR_AUTH_TOO_WEAK:
      g_set_error (error, TERN_ERROR, TERN_ERROR_AUTH,
                   "The outgoing mail server %s refused the user name or password "
                   "for %s: %s", cfg->host, cfg->user, said);
      break;
    case MAILSMTP_ERROR_AUTH_ENCRYPTION_REQUIRED:
      g_set_error (error, TERN_ERROR, TERN_ERROR_ENCRYPTION_REQUIRED,
                   "The outgoing mail server %s requires encryption to log in: %s",
                   cfg->host, said);
      break;
    case MAILSMTP_ERROR_SERVICE_NOT_AVAILABLE:
      g_set_error (error, TERN_ERROR, TERN_ERROR_CONNECTION_REFUSED,
                   "The outgoing mail server %s is not available right now: %s",
                   cfg->host, said);
      break;
    default:
      g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                   "The outgoing mail server %s failed during %s (libetpan error %d): %s",
                   cfg->host, during, r, said);
    }
}

/* EHLO, or HELO for an old server when no extension is needed. */
static gboolean
greet (mailsmtp *smtp, const TernServerConfig *cfg, GError **error)
{
  int r = mailesmtp_ehlo (smtp);

  if (r == MAILSMTP_ERROR_NOT_IMPLEMENTED && cfg->security == TERN_SECURITY_NONE &&
      (cfg->user == NULL || *cfg->user == '\0'))
    r = mailsmtp_helo (smtp);
  if (r != MAILSMTP_NO_ERROR)
    {
      smtp_error (smtp, cfg, r, "EHLO", error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
start_tls (mailsmtp *smtp, const TernServerConfig *cfg,
           TernCertificateInfo **cert_out, GError **error)
{
  int r;

  if (!(smtp->esmtp & MAILSMTP_ESMTP_STARTTLS))
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_NO_STARTTLS,
                   "The outgoing mail server %s does not offer STARTTLS on port %u, "
                   "so Tern will not send over an unencrypted connection. Try "
                   "security TLS on port 465.", cfg->host, cfg->port);
      return FALSE;
    }
  if ((r = mailesmtp_starttls (smtp)) != MAILSMTP_NO_ERROR)
    {
      smtp_error (smtp, cfg, r, "STARTTLS", error);
      return FALSE;
    }
  if (!tern_tls_stream_starttls (smtp->stream, cfg, cert_out, error))
    return FALSE;
  /* Extensions announced before TLS may have been forged: EHLO again. */
  return greet (smtp, cfg, error);
}

static gboolean
log_in (mailsmtp *smtp, const TernServerConfig *cfg, const char *password, GError **error)
{
  int type, r;

  if (!tern_tls_stream_may_send_password (smtp->stream, cfg, error))
    return FALSE;
  if (smtp->auth & MAILSMTP_AUTH_PLAIN)
    type = MAILSMTP_AUTH_PLAIN;
  else if (smtp->auth & MAILSMTP_AUTH_LOGIN)
    type = MAILSMTP_AUTH_LOGIN;
  else
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_UNSUPPORTED,
                   "The outgoing mail server %s offers no login Tern supports "
                   "(AUTH PLAIN or LOGIN).", cfg->host);
      return FALSE;
    }
  r = mailsmtp_auth_type (smtp, cfg->user, password, type);
  if (r != MAILSMTP_NO_ERROR)
    {
      smtp_error (smtp, cfg, r, "login", error);
      return FALSE;
    }
  return TRUE;
}

mailsmtp *
tern_smtp_connect (const TernServerConfig *cfg,
                   const char             *password,
                   GCancellable           *cancellable,
                   TernCertificateInfo   **cert_out,
                   GError                **error)
{
  gboolean needs_login;
  mailstream *stream;
  mailsmtp *smtp;
  int r;

  g_return_val_if_fail (cfg != NULL, NULL);
  needs_login = cfg->user != NULL && *cfg->user != '\0';
  g_return_val_if_fail (!needs_login || password != NULL, NULL);

  stream = tern_tls_stream_open (cfg, cancellable, cert_out, error);
  if (stream == NULL)
    return NULL;
  tern_tls_stream_trace (stream, TERN_TRACE_SMTP);
  smtp = mailsmtp_new (0, NULL);
  if (smtp == NULL)
    {
      mailstream_close (stream);
      g_set_error (error, TERN_ERROR, TERN_ERROR_FAILED, "Out of memory.");
      return NULL;
    }
  r = mailsmtp_connect (smtp, stream);  /* smtp owns the stream from here */
  if (r != MAILSMTP_NO_ERROR)
    {
      smtp_error (smtp, cfg, r, "the greeting", error);
      goto fail;
    }
  if (!greet (smtp, cfg, error))
    goto fail;
  if (cfg->security == TERN_SECURITY_STARTTLS && !start_tls (smtp, cfg, cert_out, error))
    goto fail;
  if (needs_login && !log_in (smtp, cfg, password, error))
    goto fail;
  return smtp;

fail:
  /* Without QUIT: the stream may be hostile, broken or cancelled. */
  tern_smtp_close (smtp, FALSE);
  return NULL;
}

void
tern_smtp_close (mailsmtp *smtp, gboolean quit)
{
  if (smtp == NULL)
    return;
  if (quit && tern_tls_stream_prepare_goodbye (smtp->stream))
    mailsmtp_quit (smtp);
  if (smtp->stream)
    mailstream_close (smtp->stream);
  smtp->stream = NULL;
  mailsmtp_free (smtp);
}

gsize
tern_smtp_size_limit (mailsmtp *smtp)
{
  return (smtp->esmtp & MAILSMTP_ESMTP_SIZE) ? smtp->smtp_max_msg_size : 0;
}
