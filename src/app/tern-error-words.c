/* tern-error-words.c: an account's error in plain words (see the header). */
#include <glib/gi18n.h>

#include "core/tern-error.h"
#include "tern-error-words.h"

char *
tern_error_words_title (const TernAccountSettings *account, gboolean outgoing)
{
  const char *name = account != NULL && account->name != NULL ? account->name : _("your account");

  if (outgoing)
    return g_strdup_printf (_("Outgoing mail for %s (SMTP)"), name);
  return g_strdup_printf (_("Incoming mail for %s (%s)"), name,
                          account != NULL && account->protocol == TERN_PROTOCOL_POP3 ? "POP3" : "IMAP");
}

gboolean
tern_error_words_message_is_plain (const GError *error)
{
  /* Only the engine's own domain is written for people; of it, the local
   * database's failures carry SQLite's words and the parser's GMime's. */
  if (error == NULL || error->domain != TERN_ERROR)
    return FALSE;
  switch ((TernError) error->code)
    {
    case TERN_ERROR_STORE:
    case TERN_ERROR_DISK_FULL:
    case TERN_ERROR_CORRUPT:
    case TERN_ERROR_MIME:
      return FALSE;
    default:
      return TRUE;
    }
}

/* A connection that failed: the engine's sentence says which server and,
 * when the server worked before, that it "isn't answering right now". */
gboolean
tern_error_words_is_connection_error (const GError *error)
{
  return g_error_matches (error, TERN_ERROR, TERN_ERROR_TIMED_OUT) ||
         g_error_matches (error, TERN_ERROR, TERN_ERROR_CONNECTION_REFUSED) ||
         g_error_matches (error, TERN_ERROR, TERN_ERROR_CONNECTION_LOST) ||
         g_error_matches (error, TERN_ERROR, TERN_ERROR_HOST_NOT_FOUND) ||
         g_error_matches (error, TERN_ERROR, TERN_ERROR_OFFLINE);
}

static const char *
hint_for (const TernAccountSettings *account, const GError *error, gboolean outgoing,
          TernErrorOffer *offer)
{
  *offer = TERN_ERROR_OFFER_RETRY;
  if (g_error_matches (error, TERN_ERROR, TERN_ERROR_AUTH))
    {
      *offer |= TERN_ERROR_OFFER_PASSWORD;
      return _("The server did not accept the user name or password. If the password changed, "
               "enter the new one; otherwise check the user name in the account settings.");
    }
  if (g_error_matches (error, TERN_ERROR, TERN_ERROR_SIGN_IN_AGAIN))
    {
      /* Paused: the worker does not retry (needs_user); signing in again does. */
      if (account != NULL && account->sign_in == TERN_SIGN_IN_OAUTH2)
        {
          *offer = TERN_ERROR_OFFER_SIGN_IN;
          return _("Your sign-in has expired or was revoked, so Tern paused this account. Press "
                   "Sign In Again, then sign in on the provider’s page.");
        }
      if (account != NULL && account->sign_in == TERN_SIGN_IN_GOA)
        return _("GNOME Online Accounts needs you to sign in again, so Tern paused this account. "
                 "Sign in again in Settings, Online Accounts, then press Retry.");
      *offer = TERN_ERROR_OFFER_PASSWORD;
      return _("Your sign-in has expired or was revoked, so Tern paused this account. Sign in again in the account settings.");
    }
  if (g_error_matches (error, TERN_ERROR, TERN_ERROR_CERTIFICATE))
    return _("The server’s certificate is not trusted, so Tern sent no password and waits for your "
             "decision. Press Retry to see the certificate again.");
  if (g_error_matches (error, TERN_ERROR, TERN_ERROR_SECRETS))
    return _("Tern could not read the password from the keyring. Unlock the keyring, then press Retry.");
  if (g_error_matches (error, TERN_ERROR, TERN_ERROR_DISK_FULL))
    return _("The disk is full. Free some space, then press Retry.");
  if (error->domain == TERN_ERROR && (error->code == TERN_ERROR_STORE || error->code == TERN_ERROR_CORRUPT))
    return outgoing ? _("Tern could not write to its mail store on this computer. The message stays in the outbox; press Retry to try again.")
                    : _("Tern could not save mail on this computer. Your mail here is still readable; press Retry to try again.");
  if (outgoing && (g_error_matches (error, TERN_ERROR, TERN_ERROR_REJECTED) ||
                   g_error_matches (error, TERN_ERROR, TERN_ERROR_TOO_LARGE) ||
                   g_error_matches (error, TERN_ERROR, TERN_ERROR_INVALID)))
    {
      *offer |= TERN_ERROR_OFFER_EDIT;
      return _("The server refused the message, so Tern will not try again by itself. It waits in the Outbox: "
               "check the recipients’ addresses and press Edit to correct it, or Retry to send it unchanged.");
    }
  if (outgoing)
    return _("The message stays in the outbox. Tern tries again by itself; press Retry to try now.");
  if (tern_error_words_is_connection_error (error))
    return _("Your mail here is still readable, and what you do is kept. Tern tries again by itself; press Retry to try now.");
  return _("Your mail here is still readable. Tern tries again by itself; press Retry to try now.");
}

char *
tern_error_words_describe (const TernAccountSettings *account, const GError *error,
                           gboolean outgoing, TernErrorOffer *offer)
{
  g_autofree char *title = tern_error_words_title (account, outgoing);
  const char *hint = hint_for (account, error, outgoing, offer);

  if (!tern_error_words_message_is_plain (error))
    {
      /* For whoever reads the log; the user gets the sentence above. */
      g_message ("%s: %s (%s %d)", title, error->message, g_quark_to_string (error->domain), error->code);
      return g_markup_printf_escaped ("<b>%s</b>\n%s", title, hint);
    }
  g_message ("%s: %s", title, error->message);
  /* A connection error's sentence is the news (which server, since when);
   * the hint follows. Otherwise the server's words come last, small. */
  if (tern_error_words_is_connection_error (error))
    return g_markup_printf_escaped ("<b>%s</b>\n%s %s", title, error->message, hint);
  return g_markup_printf_escaped ("<b>%s</b>\n%s\n<small>%s</small>", title, hint, error->message);
}

char *
tern_error_words_server_said (const TernAccountSettings *account, const char *words)
{
  g_autofree char *title = tern_error_words_title (account, FALSE);
  const char *name = account != NULL && account->name != NULL ? account->name : _("your account");
  g_autofree char *said = g_strdup_printf (_("The server %s says: “%s”"), name, words);

  g_message ("%s: the server says: %s", title, words);
  return g_markup_printf_escaped ("<b>%s</b>\n%s\n%s", title, said,
                                  _("Tern goes on syncing. If this comes back, tell whoever runs your mail server."));
}

char *
tern_error_words_outbox (const TernAccountSettings *account, guint n_failed, guint n_waiting,
                         const char *reason, TernErrorOffer *offer)
{
  g_autofree char *title = tern_error_words_title (account, TRUE);
  g_autofree char *what = NULL;

  *offer = TERN_ERROR_OFFER_RETRY;
  if (n_failed > 0)
    {
      *offer |= TERN_ERROR_OFFER_EDIT;
      what = g_strdup_printf (ngettext ("A message was not sent: the server refused it. It waits in the Outbox; "
                                        "press Edit to correct it, or Retry to send it unchanged.",
                                        "%u messages were not sent: the server refused them. They wait in the Outbox; "
                                        "press Edit to correct the first, or Retry to send them unchanged.",
                                        n_failed), n_failed);
    }
  else
    what = g_strdup_printf (ngettext ("A message waits in the Outbox: it could not be sent yet. "
                                      "Tern tries again by itself; press Retry to try now.",
                                      "%u messages wait in the Outbox: they could not be sent yet. "
                                      "Tern tries again by itself; press Retry to try now.",
                                      n_waiting), n_waiting);
  if (reason == NULL || *reason == '\0')
    return g_markup_printf_escaped ("<b>%s</b>\n%s", title, what);
  return g_markup_printf_escaped ("<b>%s</b>\n%s\n<small>%s</small>", title, what, reason);
}
