/* tern-account-wizard-oauth.c: the account wizard at providers that take no
 * passwords from mail programs (Google, Microsoft: OAuth2, issue 17).
 *
 * When the address's domain is one the provider data names
 * (oauth/tern-oauth-provider.h), the first page's password gives way to
 * "Sign in with Google" (TernOAuthSignIn: browser, loopback redirect, state
 * checked). The access token of that sign-in is what the connection test
 * logs in with; saving keeps the refresh token in the keyring
 * (tern_account_keep_tokens) and marks the account sign_in = oauth2.
 */
#include <glib/gi18n.h>

#include "tern-account-wizard-private.h"
#include "oauth/tern-oauth-provider.h"

/* Editing an account that signs in with OAuth2 or GOA, at the same
 * address: its sign-in stays, there is nothing to type. */
static gboolean
keeps_sign_in (TernAccountWizard *self, const char *email)
{
  return self->editing != NULL && self->editing->sign_in != TERN_SIGN_IN_PASSWORD
         && g_strcmp0 (email, self->editing->email) == 0;
}

/* Where the sign-in shows: on the first page in place of the password, or
 * below the lookup's result when only the lookup found that the provider
 * signs in on its own page. */
static void
place_sign_in (TernAccountWizard *self, gboolean after_lookup)
{
  GtkWidget *sign_in = GTK_WIDGET (self->oauth_sign_in);
  GtkWidget *grid = gtk_widget_get_parent (self->password_label);

  if (self->sign_in_after_lookup == after_lookup)
    return;
  self->sign_in_after_lookup = after_lookup;
  g_object_ref (sign_in);
  gtk_container_remove (GTK_CONTAINER (gtk_widget_get_parent (sign_in)), sign_in);
  if (after_lookup)
    gtk_container_add (GTK_CONTAINER (self->discovery_sign_in_box), sign_in);
  else
    gtk_grid_attach (GTK_GRID (grid), sign_in, 1, 6, 1, 1);
  g_object_unref (sign_in);
}

/* The first page's login fields for a password, a sign-in (@oauth) or
 * none at all (@other: GOA's, or an edited account's own). */
static void
show_login_fields (TernAccountWizard *self, gboolean oauth, gboolean other)
{
  gboolean password = !oauth && !other;

  gtk_widget_set_visible (GTK_WIDGET (self->oauth_sign_in), oauth);
  gtk_widget_set_visible (self->password_label, password);
  gtk_widget_set_visible (GTK_WIDGET (self->password_entry), password);
  gtk_widget_set_visible (self->password_hint, password);
  gtk_widget_set_visible (self->incoming_password_label, password);
  gtk_widget_set_visible (GTK_WIDGET (self->incoming_password_entry), password);
  gtk_label_set_text (self->identity_intro,
                      self->keeps_sign_in ? _("This account keeps the sign-in it has.")
                      : other ? _("GNOME Online Accounts keeps the sign-in of this address; Tern "
                                  "asks it each time it connects.")
                      : oauth ? _("Enter your name and your email address, then sign in. Tern "
                                  "will look up the rest for you.")
                      : _("Enter your name, your email address and its password. Tern will "
                          "look up the rest for you."));
  if (!password)
    gtk_entry_set_text (self->password_entry, "");   /* never sent anywhere */
  tern_wizard_update_buttons (self);
}

/* Shows the sign-in or the password, for the address typed now. A new
 * address (or provider) forgets an earlier sign-in: its tokens belong to
 * another account. */
void
tern_wizard_update_sign_in (TernAccountWizard *self)
{
  g_autofree char *email = tern_wizard_trimmed (self->email_entry);
  g_autofree char *provider = NULL;
  gboolean oauth, goa;

  place_sign_in (self, FALSE);   /* a new address: the first page says */
  if (self->goa != NULL && g_strcmp0 (email, self->goa->email) != 0)
    {
      /* Another address than the GOA account's: the user's own choice. */
      self->goa = NULL;
      tern_wizard_wipe (g_steal_pointer (&self->goa_token));
    }
  goa = self->goa != NULL;
  self->keeps_sign_in = !goa && keeps_sign_in (self, email);
  if (!goa && !self->keeps_sign_in && tern_wizard_email_is_plausible (email))
    provider = tern_oauth_provider_for_email (email);
  oauth = provider != NULL;
  goa = goa || self->keeps_sign_in;   /* the same page: nothing to type */

  if (g_strcmp0 (provider, self->oauth_provider) != 0 || oauth)
    {
      g_free (self->oauth_provider);
      self->oauth_provider = g_steal_pointer (&provider);
      if (oauth)
        tern_oauth_sign_in_set_provider (self->oauth_sign_in, self->oauth_provider, email);
    }
  show_login_fields (self, oauth, goa);
}

/* The lookup says the provider signs in with OAuth2 (ISPDB's
 * <authentication>OAuth2</authentication>) for an address whose domain the
 * provider data does not name (hotmail.co.uk, a company's domain at
 * Google): the provider is the one that runs the servers found, and the
 * sign-in shows below the lookup's result. */
void
tern_wizard_sign_in_after_lookup (TernAccountWizard *self)
{
  g_autofree char *email = tern_wizard_trimmed (self->email_entry);
  g_autofree char *provider = NULL;

  if (self->discovered == NULL || self->oauth_provider != NULL || self->goa != NULL
      || self->keeps_sign_in)
    return;
  for (guint i = 0; i < self->discovered->incoming->len && provider == NULL; i++)
    {
      const TernDiscoveredServer *server = g_ptr_array_index (self->discovered->incoming, i);

      if (server->oauth2)
        provider = tern_oauth_provider_for_host (server->host);
    }
  if (provider == NULL)
    return;
  self->oauth_provider = g_steal_pointer (&provider);
  tern_oauth_sign_in_set_provider (self->oauth_sign_in, self->oauth_provider, email);
  place_sign_in (self, TRUE);
  show_login_fields (self, TRUE, FALSE);
}

/* The provider refused the sign-in: a new one, where it was made; returns
 * that page. */
const char *
tern_wizard_restart_sign_in (TernAccountWizard *self)
{
  g_autofree char *email = tern_wizard_trimmed (self->email_entry);

  if (!self->sign_in_after_lookup)
    {
      tern_wizard_update_sign_in (self);
      return "identity";
    }
  tern_oauth_sign_in_set_provider (self->oauth_sign_in, self->oauth_provider, email);
  return "discovery";
}

void
tern_wizard_on_signed_in (TernAccountWizard *self)
{
  tern_wizard_update_buttons (self);
  if (gtk_widget_is_sensitive (GTK_WIDGET (self->next_button)))
    gtk_widget_grab_focus (GTK_WIDGET (self->next_button));
}

/* The first page has what logs in: the password, or a completed sign-in. */
gboolean
tern_wizard_identity_has_login (TernAccountWizard *self)
{
  if (self->goa != NULL || self->keeps_sign_in || self->sign_in_after_lookup)
    return TRUE;   /* nothing to type here (the sign-in, if any, is on the next page) */
  if (self->oauth_provider != NULL)
    return tern_oauth_sign_in_get_tokens (self->oauth_sign_in) != NULL;
  return *tern_wizard_text_of (self->password_entry) != '\0';
}

/* What the connection test of @side logs in with (NULL: no login). */
const char *
tern_wizard_credential (TernAccountWizard *self, TernConnectionSide side)
{
  const TernOAuthTokens *tokens;

  if (self->goa == NULL && self->oauth_provider == NULL && !self->keeps_sign_in)
    return side == TERN_CONNECTION_INCOMING ? tern_wizard_text_of (self->password_entry)
                                            : tern_wizard_outgoing_password (self);
  if (side == TERN_CONNECTION_OUTGOING
      && g_strcmp0 (gtk_combo_box_get_active_id (self->outgoing_auth_combo), "none") == 0)
    return NULL;
  if (self->goa != NULL)
    return self->goa_token;
  if (self->keeps_sign_in)
    return self->kept_token;
  tokens = tern_oauth_sign_in_get_tokens (self->oauth_sign_in);
  return tokens != NULL ? tokens->access_token : NULL;
}

static void
fill_server (GtkEntry *host, GtkComboBox *security, GtkSpinButton *port,
             const TernOAuthServer *server)
{
  gtk_entry_set_text (host, server->host);
  tern_wizard_set_security (security, server->security);   /* moves the port first */
  gtk_spin_button_set_value (port, server->port);
}

/* The lookup found nothing: the provider data knows the servers. */
void
tern_wizard_apply_provider_servers (TernAccountWizard *self)
{
  g_autoptr(TernOAuthProvider) p = self->oauth_provider != NULL
                                   ? tern_oauth_provider_lookup (self->oauth_provider, NULL) : NULL;

  if (p == NULL)
    return;
  if (p->imap.host != NULL)
    {
      gtk_toggle_button_set_active (self->protocol_imap_radio, TRUE);
      fill_server (self->incoming_host_entry, self->incoming_security_combo,
                   self->incoming_port_spin, &p->imap);
    }
  if (p->smtp.host != NULL)
    {
      fill_server (self->outgoing_host_entry, self->outgoing_security_combo,
                   self->outgoing_port_spin, &p->smtp);
      gtk_combo_box_set_active_id (self->outgoing_auth_combo, "same");
    }
}

/* How the saved account signs in. */
void
tern_wizard_collect_sign_in (TernAccountWizard *self, TernAccountSettings *s)
{
  if (self->keeps_sign_in)
    return;   /* as stored */
  if (self->goa != NULL)
    {
      s->sign_in = TERN_SIGN_IN_GOA;
      tern_wizard_set_str (&s->oauth2_provider, self->goa->id);
    }
  else if (self->oauth_provider != NULL)
    {
      s->sign_in = TERN_SIGN_IN_OAUTH2;
      tern_wizard_set_str (&s->oauth2_provider, self->oauth_provider);
    }
  else if (s->sign_in != TERN_SIGN_IN_PASSWORD)
    {
      s->sign_in = TERN_SIGN_IN_PASSWORD;   /* the address moved to a password provider */
      g_clear_pointer (&s->oauth2_provider, g_free);
    }
}

/* The sign-in's tokens for saving (a copy the saving thread owns), or NULL. */
TernOAuthTokens *
tern_wizard_copy_tokens (TernAccountWizard *self)
{
  if (self->oauth_provider == NULL)
    return NULL;
  return tern_oauth_tokens_copy (tern_oauth_sign_in_get_tokens (self->oauth_sign_in));
}
