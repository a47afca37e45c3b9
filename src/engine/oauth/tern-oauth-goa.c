/* tern-oauth-goa.c: accounts and access tokens from GNOME Online Accounts. */
#define GOA_API_IS_SUBJECT_TO_CHANGE
#include "oauth/tern-oauth-goa.h"

#include <goa/goa.h>
#include <string.h>

#include "core/tern-error.h"

void
tern_oauth_goa_account_free (TernOAuthGoaAccount *a)
{
  if (a == NULL)
    return;
  g_free (a->id);
  g_free (a->provider_name);
  g_free (a->email);
  g_free (a->imap_host);
  g_free (a->imap_user);
  g_free (a->smtp_host);
  g_free (a->smtp_user);
  g_free (a);
}

static GoaClient *
connect_goa (GCancellable *cancellable, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  GoaClient *client = goa_client_new_sync (cancellable, &local_error);

  if (client == NULL)
    g_set_error (error, TERN_ERROR, TERN_ERROR_UNSUPPORTED,
                 "GNOME Online Accounts is not available on this computer (%s).",
                 local_error != NULL ? local_error->message : "no service");
  return client;
}

static TernSecurity
security_of (gboolean use_ssl, gboolean use_tls)
{
  return use_ssl ? TERN_SECURITY_TLS : use_tls ? TERN_SECURITY_STARTTLS : TERN_SECURITY_NONE;
}

/* GOA's host properties may carry a port ("imap.example.org:993"). */
static void
split_host (const char *value, const char *service, TernSecurity security,
            char **host, guint16 *port)
{
  const char *colon = value != NULL ? strrchr (value, ':') : NULL;
  guint64 n = 0;

  if (colon != NULL && strchr (value, ':') == colon &&
      g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &n, NULL))
    {
      *host = g_strndup (value, (gsize) (colon - value));
      *port = (guint16) n;
      return;
    }
  *host = g_strdup (value);
  *port = tern_default_port (service, security);
}

GPtrArray *
tern_oauth_goa_list_mail_accounts (GCancellable *cancellable, GError **error)
{
  g_autoptr(GoaClient) client = connect_goa (cancellable, error);
  GPtrArray *out;
  GList *objects;

  if (client == NULL)
    return NULL;
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_oauth_goa_account_free);
  objects = goa_client_get_accounts (client);
  for (GList *l = objects; l != NULL; l = l->next)
    {
      GoaObject *object = l->data;
      g_autoptr(GoaAccount) account = goa_object_get_account (object);
      g_autoptr(GoaMail) mail = goa_object_get_mail (object);
      g_autoptr(GoaOAuth2Based) oauth2 = goa_object_get_oauth2_based (object);
      TernOAuthGoaAccount *a;

      if (account == NULL || mail == NULL || oauth2 == NULL ||
          goa_account_get_mail_disabled (account))
        continue;
      a = g_new0 (TernOAuthGoaAccount, 1);
      a->id = g_strdup (goa_account_get_id (account));
      a->provider_name = g_strdup (goa_account_get_provider_name (account));
      a->email = g_strdup (goa_mail_get_email_address (mail));
      if (goa_mail_get_imap_supported (mail))
        {
          a->imap_user = g_strdup (goa_mail_get_imap_user_name (mail));
          a->imap_security = security_of (goa_mail_get_imap_use_ssl (mail),
                                          goa_mail_get_imap_use_tls (mail));
          split_host (goa_mail_get_imap_host (mail), "imap", a->imap_security,
                      &a->imap_host, &a->imap_port);
        }
      if (goa_mail_get_smtp_supported (mail))
        {
          a->smtp_user = g_strdup (goa_mail_get_smtp_user_name (mail));
          a->smtp_security = security_of (goa_mail_get_smtp_use_ssl (mail),
                                          goa_mail_get_smtp_use_tls (mail));
          split_host (goa_mail_get_smtp_host (mail), "smtp", a->smtp_security,
                      &a->smtp_host, &a->smtp_port);
        }
      g_ptr_array_add (out, a);
    }
  g_list_free_full (objects, g_object_unref);
  return out;
}

char *
tern_oauth_goa_access_token (const char *id, gint *expires_in,
                             GCancellable *cancellable, GError **error)
{
  g_autoptr(GoaClient) client = connect_goa (cancellable, error);
  g_autoptr(GoaObject) object = NULL;
  g_autoptr(GoaOAuth2Based) oauth2 = NULL;
  g_autoptr(GoaAccount) account = NULL;
  g_autoptr(GError) local_error = NULL;
  char *token = NULL;
  gint lifetime = 0;

  if (client == NULL)
    return NULL;
  object = goa_client_lookup_by_id (client, id);
  if (object == NULL || (oauth2 = goa_object_get_oauth2_based (object)) == NULL)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_SIGN_IN_AGAIN,
                   "The account was removed from GNOME Online Accounts. Add it again in "
                   "Settings, or sign in to it in Tern.");
      return NULL;
    }
  account = goa_object_get_account (object);
  /* GOA refreshes the token itself; ask it to check the account first, as
   * Geary does, so that a revoked one says so. */
  if (account != NULL && goa_account_get_attention_needed (account))
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_SIGN_IN_AGAIN,
                   "GNOME Online Accounts needs you to sign in to %s again: open "
                   "Settings, Online Accounts.", goa_account_get_provider_name (account));
      return NULL;
    }
  if (!goa_oauth2_based_call_get_access_token_sync (oauth2, &token, &lifetime,
                                                    cancellable, &local_error))
    {
      g_dbus_error_strip_remote_error (local_error);
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, TERN_ERROR, TERN_ERROR_SIGN_IN_AGAIN,
                     "GNOME Online Accounts could not sign in to the account (%s). Sign in "
                     "again in Settings, Online Accounts.", local_error->message);
      return NULL;
    }
  if (expires_in != NULL)
    *expires_in = lifetime;
  return token;
}
