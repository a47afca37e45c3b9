/* tern-smtp-connect.c: an SMTP session, connected and (if needed) logged in. */
#include "smtp/tern-smtp-connect.h"

#include <string.h>

#include "core/tern-error.h"
#include "net/tern-oauth-sasl.h"
#include "net/tern-server-reply.h"
#include "net/tern-tls-stream.h"

static void
smtp_error (mailsmtp *smtp, const TernServerConfig *cfg, int r,
            const char *during, GError **error)
{
  g_autofree char *said = tern_server_reply_quote (smtp->response);
  gboolean greeting = g_str_equal (during, "the greeting");

  /* libetpan closes the stream after a bad greeting but keeps the line:
   * it tells whether another kind of server answered. */
  if (greeting && r != MAILSMTP_NO_ERROR && smtp->line_buffer != NULL &&
      *smtp->line_buffer->str != '\0' &&
      tern_server_reply_wrong_service (smtp->line_buffer->str, "SMTP", cfg->host, cfg->port,
                                       error))
    return;
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
                   "for %s%s", cfg->host, cfg->user, said);
      break;
    case MAILSMTP_ERROR_AUTH_ENCRYPTION_REQUIRED:
      g_set_error (error, TERN_ERROR, TERN_ERROR_ENCRYPTION_REQUIRED,
                   "The outgoing mail server %s requires encryption to log in%s",
                   cfg->host, said);
      break;
    case MAILSMTP_ERROR_SERVICE_NOT_AVAILABLE:
      g_set_error (error, TERN_ERROR, TERN_ERROR_CONNECTION_REFUSED,
                   "The outgoing mail server %s is not available right now%s",
                   cfg->host, said);
      break;
    default:
      g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                   "The outgoing mail server %s failed during %s (libetpan error %d)%s",
                   cfg->host, during, r, said);
    }
}

/* Exported by libetpan 1.9.4 (and upstream since) but missing from its
 * installed headers: the pieces mailesmtp_ehlo() is made of. */
int mailsmtp_send_command (mailsmtp *session, char *command);
int mailsmtp_read_response (mailsmtp *session);
int mailesmtp_parse_ehlo (mailsmtp *session);

/* What EHLO and HELO name as this machine. libetpan sends gethostname(),
 * which then appears in the Received header of every mail sent (a laptop
 * called "janes-macbook"); its "with_ip" variant sends the LAN address and
 * fails on IPv6. Like Thunderbird, Tern names the loopback address. */
#define HELLO_ARGUMENT "[127.0.0.1]"

/* mailesmtp_ehlo() and mailsmtp_helo() with our argument; same results. */
static int
say_hello (mailsmtp *smtp, gboolean extended)
{
  char command[] = "EHLO " HELLO_ARGUMENT "\r\n";
  int r;

  if (!extended)
    memcpy (command, "HELO", 4);
  if (mailsmtp_send_command (smtp, command) == -1)
    return MAILSMTP_ERROR_STREAM;
  r = mailsmtp_read_response (smtp);
  switch (r)
    {
    case 250:
      return extended ? mailesmtp_parse_ehlo (smtp) : MAILSMTP_NO_ERROR;
    case 504:
      return MAILSMTP_ERROR_NOT_IMPLEMENTED;
    case 550:
      return MAILSMTP_ERROR_ACTION_NOT_TAKEN;
    case 0:
      return MAILSMTP_ERROR_STREAM;
    default:
      return MAILSMTP_ERROR_UNEXPECTED_CODE;
    }
}

/* EHLO, or HELO for an old server when no extension is needed. */
static gboolean
greet (mailsmtp *smtp, const TernServerConfig *cfg, GError **error)
{
  int r = say_hello (smtp, TRUE);

  if (r == MAILSMTP_ERROR_NOT_IMPLEMENTED && cfg->security == TERN_SECURITY_NONE &&
      (cfg->user == NULL || *cfg->user == '\0'))
    r = say_hello (smtp, FALSE);
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

/* Whether EHLO's AUTH line names @mech. libetpan's auth bit set has no bit
 * for OAUTHBEARER or XOAUTH2, so the extension line is read again. */
static gboolean
offers_mechanism (mailsmtp *smtp, const char *mech)
{
  g_auto(GStrv) lines = NULL;

  if (smtp->response == NULL)
    return FALSE;
  lines = g_strsplit (smtp->response, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) words = g_strsplit_set (g_strstrip (lines[i]), " =", -1);

      if (words[0] == NULL || g_ascii_strcasecmp (words[0], "AUTH") != 0)
        continue;
      for (guint w = 1; words[w] != NULL; w++)
        if (g_ascii_strcasecmp (words[w], mech) == 0)
          return TRUE;
    }
  return FALSE;
}

static gboolean
send_line (mailsmtp *smtp, const char *text)
{
  g_autofree char *line = g_strconcat (text, "\r\n", NULL);
  gboolean ok = mailsmtp_send_command (smtp, line) != -1;

  tern_sasl_oauth_wipe (line);
  return ok;
}

/* AUTH OAUTHBEARER or XOAUTH2 (RFC 4954 with RFC 7628). libetpan's
 * mailsmtp_oauth2_authenticate knows only XOAUTH2 and drops the server's
 * error status. Returns the final reply code (235 on success, 0 when the
 * stream broke). */
static int
authenticate_oauth (mailsmtp *smtp, const TernServerConfig *cfg, TernSaslOAuth mech,
                    const char *token, char **challenge)
{
  g_autofree char *ir = tern_sasl_oauth_initial_response (mech, cfg->user, cfg->host,
                                                          cfg->port, token);
  gboolean inline_ir = strlen (ir) <= TERN_SASL_OAUTH_INLINE_MAX;
  g_autofree char *command = g_strdup_printf ("AUTH %s%s%s", tern_sasl_oauth_name (mech),
                                              inline_ir ? " " : "", inline_ir ? ir : "");
  gboolean sent = send_line (smtp, command);
  int code = 0;

  tern_sasl_oauth_wipe (command);
  if (sent && !inline_ir)
    {
      code = mailsmtp_read_response (smtp);
      sent = code == 334 && send_line (smtp, ir);
    }
  tern_sasl_oauth_wipe (ir);
  if (!sent)
    return code;
  code = mailsmtp_read_response (smtp);
  if (code == 334)
    {
      /* The token was refused; the JSON says why. Answer, then read the 535. */
      *challenge = g_strdup (smtp->response != NULL ? smtp->response : "");
      if (!send_line (smtp, tern_sasl_oauth_abort_response (mech)))
        return 0;
      code = mailsmtp_read_response (smtp);
    }
  return code;
}

static gboolean
log_in_oauth (mailsmtp *smtp, const TernServerConfig *cfg, const char *token, GError **error)
{
  g_autofree char *challenge = NULL;
  TernSaslOAuth mech;
  int code;

  if (!tern_sasl_oauth_choose (offers_mechanism (smtp, "OAUTHBEARER"),
                               offers_mechanism (smtp, "XOAUTH2"), cfg->host, TRUE, &mech, error))
    return FALSE;
  code = authenticate_oauth (smtp, cfg, mech, token, &challenge);
  if (code == 235)
    {
      /* What tern_smtp_logged_in() looks at; libetpan only compares it too. */
      smtp->smtp_sasl.sasl_login = (char *) "oauth2";
      return TRUE;
    }
  if (code == 0)
    smtp_error (smtp, cfg, MAILSMTP_ERROR_STREAM, "sign-in", error);
  else if (code == 535 || code == 334)
    tern_sasl_oauth_refused (challenge, cfg->host, cfg->user, TRUE, error);
  else
    smtp_error (smtp, cfg, MAILSMTP_ERROR_AUTH_LOGIN, "sign-in", error);
  return FALSE;
}

static gboolean
log_in (mailsmtp *smtp, const TernServerConfig *cfg, const char *password, GError **error)
{
  int type, r;

  if (!tern_tls_stream_may_send_password (smtp->stream, cfg, error))
    return FALSE;
  if (cfg->oauth2)
    return log_in_oauth (smtp, cfg, password, error);
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

  if (cfg->host == NULL || *cfg->host == '\0')
    {
      /* Not "the server name  could not be found": nothing was set up. */
      g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND,
                   "No outgoing mail server (SMTP) is set up for this account, so Tern "
                   "cannot send mail. Add the outgoing server in the account settings.");
      return NULL;
    }
  stream = tern_tls_stream_open (cfg, cancellable, cert_out, error);
  if (stream == NULL)
    return NULL;
  tern_tls_stream_trace (stream, TERN_TRACE_SMTP);
  if (!tern_tls_stream_expect_greeting (stream, cfg, error))
    {
      mailstream_close (stream);
      return NULL;
    }
  smtp = mailsmtp_new (0, NULL);
  if (smtp == NULL)
    {
      mailstream_close (stream);
      g_set_error (error, TERN_ERROR, TERN_ERROR_FAILED, "Out of memory.");
      return NULL;
    }
  /* libetpan leaves this unset until a login, where it points it at the
   * user name; tern_smtp_logged_in() only compares it with NULL. */
  smtp->smtp_sasl.sasl_login = NULL;
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

gboolean
tern_smtp_logged_in (mailsmtp *smtp)
{
  return smtp->smtp_sasl.sasl_login != NULL;
}
