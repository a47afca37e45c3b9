/* tern-smtp-send.c: MAIL, RCPT for every recipient, DATA; see the header. */
#include "smtp/tern-smtp-send.h"

#include <string.h>

#include "core/tern-error.h"
#include "net/tern-server-reply.h"
#include "net/tern-tls-stream.h"
#include "smtp/tern-smtp-connect.h"

/* The server's last reply as one line (a multi-line reply joined). */
static char *
said (mailsmtp *smtp)
{
  return tern_server_reply_clean (smtp->response);
}

/* Whether a refusal means "log in first": 530 or 5.7.0 (RFC 4954), words
 * about authentication, or a 5.7.1 "access denied" from a server that
 * offers AUTH to a session that did not log in (Postfix's submission port
 * answers that way). */
static gboolean
wants_login (mailsmtp *smtp, int code, const char *words)
{
  g_autofree char *lower = g_ascii_strdown (words, -1);

  if (tern_smtp_logged_in (smtp) || code < 500)
    return FALSE;
  if (code == 530 || g_str_has_prefix (words, "5.7.0") || strstr (lower, "authenticat") != NULL)
    return TRUE;
  return (smtp->auth & ~MAILSMTP_AUTH_CHECKED) != 0 && g_str_has_prefix (words, "5.7.1");
}

static void
set_login_needed_error (GError **error, const char *host, int code, const char *words)
{
  g_set_error (error, TERN_ERROR, TERN_ERROR_AUTH,
               "The outgoing mail server %s wants you to log in before it sends mail "
               "(it answered: %d %s). Set up the user name and password for outgoing mail; "
               "the message was not sent.", host, code, words);
}

/* After a stream failure the session is dead: close it so that
 * tern_smtp_session_usable() knows and nothing is written to it again. */
static void
broken (mailsmtp *smtp, const char *host, const char *during, GError **error)
{
  tern_tls_stream_propagate_failure (smtp->stream, host, during, error);
  mailstream_close (smtp->stream);
  smtp->stream = NULL;
}

/* Turns a failed command into an error by its reply code. */
static void
reply_error (mailsmtp *smtp, int r, const char *host, const char *during, GError **error)
{
  g_autofree char *words = said (smtp);
  int code = smtp->response_code;

  if (r == MAILSMTP_ERROR_STREAM || code == 0)
    broken (smtp, host, during, error);
  else if (wants_login (smtp, code, words))
    set_login_needed_error (error, host, code, words);
  else if (code == 552 || r == MAILSMTP_ERROR_EXCEED_STORAGE_ALLOCATION)
    g_set_error (error, TERN_ERROR, TERN_ERROR_TOO_LARGE,
                 "The outgoing mail server %s refused the message as too large (%s): %d %s",
                 host, during, code, words);
  else if (code >= 500)
    g_set_error (error, TERN_ERROR, TERN_ERROR_REJECTED,
                 "The outgoing mail server %s rejected %s: %d %s", host, during, code, words);
  else if (code >= 400)
    g_set_error (error, TERN_ERROR, TERN_ERROR_FAILED,
                 "The outgoing mail server %s temporarily refused %s: %d %s "
                 "(Tern will try again)", host, during, code, words);
  else
    g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                 "The outgoing mail server %s answered %s unexpectedly: %d %s",
                 host, during, code, words);
}

/* Addresses go into "MAIL FROM:<%s>" as they are: refuse anything that
 * could break out of the brackets or the line. */
static gboolean
check_address (const char *address, gboolean may_be_empty, GError **error)
{
  if (address == NULL || (*address == '\0' && !may_be_empty))
    goto bad;
  for (const char *p = address; *p; p++)
    if ((guchar) *p <= 0x20 || *p == '<' || *p == '>' || *p == 0x7f)
      goto bad;
  return TRUE;
bad:
  g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID,
               "“%s” is not an e-mail address Tern can send to.", address ? address : "");
  return FALSE;
}

static void
reset (mailsmtp *smtp)
{
  if (smtp->stream != NULL && mailsmtp_reset (smtp) == MAILSMTP_ERROR_STREAM)
    {
      mailstream_close (smtp->stream);
      smtp->stream = NULL;
    }
}

/* RCPT for every recipient; all refusals are collected so the user sees
 * every bad address at once. */
static gboolean
add_recipients (mailsmtp *smtp, const char *host, const char *const *recipients, GError **error)
{
  g_autoptr(GString) refused = g_string_new (NULL);
  g_autofree char *login_reply = NULL;
  gboolean permanent = FALSE, all_want_login = TRUE;
  int login_code = 0;

  for (const char *const *rcpt = recipients; *rcpt; rcpt++)
    {
      g_autofree char *words = NULL;
      int r = mailsmtp_rcpt (smtp, *rcpt);

      if (r == MAILSMTP_NO_ERROR)
        continue;
      if (r == MAILSMTP_ERROR_STREAM || smtp->response_code == 0)
        {
          broken (smtp, host, "the recipients", error);
          return FALSE;
        }
      words = said (smtp);
      permanent |= smtp->response_code >= 500;
      if (!wants_login (smtp, smtp->response_code, words))
        all_want_login = FALSE;
      else if (login_reply == NULL)
        {
          login_code = smtp->response_code;
          login_reply = g_strdup (words);
        }
      g_string_append_printf (refused, "%s%s (%d %s)", refused->len ? "; " : "", *rcpt,
                              smtp->response_code, words);
    }
  if (refused->len == 0)
    return TRUE;
  reset (smtp);
  /* Not the addresses' fault: every refusal asked for a login. */
  if (all_want_login)
    {
      set_login_needed_error (error, host, login_code, login_reply);
      return FALSE;
    }
  g_set_error (error, TERN_ERROR, permanent ? TERN_ERROR_REJECTED : TERN_ERROR_FAILED,
               "The outgoing mail server %s %s these recipients: %s. The message was not "
               "sent to anyone%s.", host, permanent ? "rejected" : "temporarily refused",
               refused->str, permanent ? "; correct the addresses and send it again"
                                       : "; Tern will try again");
  return FALSE;
}

gboolean
tern_smtp_send (mailsmtp *smtp, const char *host, const char *envelope_from,
                const char *const *recipients, GBytes *raw, GError **error)
{
  gsize len = 0, limit;
  const char *data;
  int r;

  g_return_val_if_fail (smtp != NULL && raw != NULL, FALSE);
  if (smtp->stream == NULL)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_CONNECTION_LOST,
                   "The connection to %s was lost.", host);
      return FALSE;
    }
  if (recipients == NULL || recipients[0] == NULL)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID, "The message has no recipients.");
      return FALSE;
    }
  if (!check_address (envelope_from, TRUE, error))
    return FALSE;
  for (const char *const *rcpt = recipients; *rcpt; rcpt++)
    if (!check_address (*rcpt, FALSE, error))
      return FALSE;

  data = g_bytes_get_data (raw, &len);
  limit = tern_smtp_size_limit (smtp);
  if (limit > 0 && len > limit)
    {
      g_autofree char *size = g_format_size (len);
      g_autofree char *max = g_format_size (limit);
      g_set_error (error, TERN_ERROR, TERN_ERROR_TOO_LARGE,
                   "The message is %s, but the outgoing mail server %s accepts at most %s. "
                   "Remove or shrink attachments and send it again.", size, host, max);
      return FALSE;
    }

  if (smtp->esmtp & MAILSMTP_ESMTP_SIZE)
    r = mailesmtp_mail_size (smtp, envelope_from, 0, NULL, len);
  else
    r = mailsmtp_mail (smtp, envelope_from);
  if (r != MAILSMTP_NO_ERROR)
    {
      g_autofree char *during = g_strdup_printf ("the sender %s", envelope_from);
      reply_error (smtp, r, host, during, error);
      reset (smtp);
      return FALSE;
    }
  if (!add_recipients (smtp, host, recipients, error))
    return FALSE;
  if ((r = mailsmtp_data (smtp)) != MAILSMTP_NO_ERROR)
    {
      reply_error (smtp, r, host, "the message (DATA)", error);
      reset (smtp);
      return FALSE;
    }
  /* libetpan dot-stuffs and ends the data with CRLF . CRLF. */
  if ((r = mailsmtp_data_message (smtp, data, len)) != MAILSMTP_NO_ERROR)
    {
      reply_error (smtp, r, host, "the message", error);
      reset (smtp);
      return FALSE;
    }
  return TRUE;
}

gboolean
tern_smtp_error_is_permanent (const GError *error)
{
  return error != NULL && error->domain == TERN_ERROR &&
         (error->code == TERN_ERROR_REJECTED || error->code == TERN_ERROR_TOO_LARGE ||
          error->code == TERN_ERROR_INVALID);
}

gboolean
tern_smtp_session_usable (mailsmtp *smtp)
{
  return smtp != NULL && smtp->stream != NULL;
}

