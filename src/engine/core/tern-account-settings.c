/* tern-account-settings.c: the settings of one mail account. */
#include "core/tern-account-settings.h"
#include "core/tern-error.h"

G_DEFINE_BOXED_TYPE (TernAccountSettings, tern_account_settings,
                     tern_account_settings_copy, tern_account_settings_free)

TernAccountSettings *
tern_account_settings_new (void)
{
  TernAccountSettings *s = g_new0 (TernAccountSettings, 1);

  s->protocol = TERN_PROTOCOL_IMAP;
  s->incoming_security = TERN_SECURITY_TLS;
  s->incoming_port = tern_default_port ("imap", TERN_SECURITY_TLS);
  s->smtp_security = TERN_SECURITY_TLS;
  s->smtp_port = tern_default_port ("smtp", TERN_SECURITY_TLS);
  s->smtp_auth = TERN_SMTP_AUTH_PASSWORD;
  s->pop3_leave_on_server = TRUE;
  return s;
}

TernAccountSettings *
tern_account_settings_copy (const TernAccountSettings *s)
{
  TernAccountSettings *c = g_memdup2 (s, sizeof *s);

  c->name = g_strdup (s->name);
  c->display_name = g_strdup (s->display_name);
  c->email = g_strdup (s->email);
  c->incoming_host = g_strdup (s->incoming_host);
  c->incoming_user = g_strdup (s->incoming_user);
  c->incoming_cert_sha256 = g_strdup (s->incoming_cert_sha256);
  c->smtp_host = g_strdup (s->smtp_host);
  c->smtp_user = g_strdup (s->smtp_user);
  c->smtp_cert_sha256 = g_strdup (s->smtp_cert_sha256);
  c->oauth2_provider = g_strdup (s->oauth2_provider);
  return c;
}

void
tern_account_settings_free (TernAccountSettings *s)
{
  if (s == NULL)
    return;
  g_free (s->name);
  g_free (s->display_name);
  g_free (s->email);
  g_free (s->incoming_host);
  g_free (s->incoming_user);
  g_free (s->incoming_cert_sha256);
  g_free (s->smtp_host);
  g_free (s->smtp_user);
  g_free (s->smtp_cert_sha256);
  g_free (s->oauth2_provider);
  g_free (s);
}

gboolean
tern_account_settings_validate (const TernAccountSettings *s, GError **error)
{
  if (s->name == NULL || *s->name == '\0')
    return g_set_error_literal (error, TERN_ERROR, TERN_ERROR_INVALID,
                                "The account needs a name"), FALSE;
  if ((guint) s->protocol > TERN_PROTOCOL_LOCAL)
    return g_set_error_literal (error, TERN_ERROR, TERN_ERROR_INVALID,
                                "Unknown incoming mail protocol"), FALSE;
  if ((guint) s->incoming_security > TERN_SECURITY_NONE
      || (guint) s->smtp_security > TERN_SECURITY_NONE)
    return g_set_error_literal (error, TERN_ERROR, TERN_ERROR_INVALID,
                                "Unknown connection security"), FALSE;
  if ((guint) s->smtp_auth > TERN_SMTP_AUTH_NONE)
    return g_set_error_literal (error, TERN_ERROR, TERN_ERROR_INVALID,
                                "Unknown SMTP authentication"), FALSE;
  if ((guint) s->sign_in > TERN_SIGN_IN_GOA)
    return g_set_error_literal (error, TERN_ERROR, TERN_ERROR_INVALID,
                                "Unknown way to sign in"), FALSE;
  if (s->sign_in != TERN_SIGN_IN_PASSWORD &&
      (s->oauth2_provider == NULL || *s->oauth2_provider == '\0'))
    return g_set_error_literal (error, TERN_ERROR, TERN_ERROR_INVALID,
                                "An account that signs in with OAuth2 needs a provider"), FALSE;
  return TRUE;
}

static const char *const auth_names[] = { "password", "none" };

const char *
tern_smtp_auth_to_string (TernSmtpAuth auth)
{
  g_return_val_if_fail ((guint) auth < G_N_ELEMENTS (auth_names), "password");
  return auth_names[auth];
}

gboolean
tern_smtp_auth_from_string (const char *str, TernSmtpAuth *out)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (auth_names); i++)
    if (g_ascii_strcasecmp (auth_names[i], str) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}
