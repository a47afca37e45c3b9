/* tern-account-wizard-discovery.c: the account wizard's lookup page: finding the provider's
 * settings for the address, and filling the server pages from them once.
 */
#include <glib/gi18n.h>
#include <string.h>

#include "tern-account-wizard-private.h"
#include "core/tern-error.h"
/* ---- Page: who you are, and the lookup ----------------------------------- */

gboolean
tern_wizard_email_is_plausible (const char *email)
{
  g_autofree char *local = NULL, *domain = NULL;

  return tern_autoconfig_split_address (email, &local, &domain, NULL);
}

static const char *
security_words (TernSecurity security)
{
  switch (security)
    {
    case TERN_SECURITY_TLS:
      return _("encrypted");
    case TERN_SECURITY_STARTTLS:
      return _("encrypted after connecting");
    case TERN_SECURITY_NONE:
    default:
      return _("not encrypted");
    }
}

static void
append_server (GString *text, const char *what, const TernDiscoveredServer *server)
{
  g_string_append_printf (text, _("%s: %s, port %u, %s"), what, server->host, server->port,
                          security_words (server->security));
  g_string_append_c (text, '\n');
}

static void
show_discovery (TernAccountWizard *self, TernDiscoveredConfig *config)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint i;

  gtk_label_set_text (self->discovery_title, _("Your provider's settings"));
  gtk_label_set_text (self->discovery_status, _("Found the settings."));
  for (i = 0; i < config->incoming->len; i++)
    {
      const TernDiscoveredServer *server = g_ptr_array_index (config->incoming, i);

      append_server (text, server->protocol == TERN_PROTOCOL_POP3
                           ? _("Receiving (download, POP3)") : _("Receiving (on the server, IMAP)"),
                     server);
    }
  for (i = 0; i < config->outgoing->len && i < 1; i++)
    append_server (text, _("Sending"), g_ptr_array_index (config->outgoing, i));
  if (config->outgoing->len == 0)
    g_string_append (text, _("No server for sending mail was found: you can enter it later.\n"));
  g_string_append_printf (text, _("\nWhere from: %s."), config->source_description);
  g_string_append (text, _("\nYou can check and change these settings on the next pages."));
  gtk_label_set_text (self->discovery_result, text->str);
}

static void
discovery_stopped (TernAccountWizard *self)
{
  self->discovery_running = FALSE;
  gtk_spinner_stop (self->discovery_spinner);
  gtk_widget_hide (GTK_WIDGET (self->discovery_spinner));
  gtk_widget_hide (GTK_WIDGET (self->discovery_cancel));
  tern_wizard_update_buttons (self);
  /* Stop had the focus while it ran: Next is what comes now. */
  if (g_strcmp0 (tern_wizard_current_page (self), "discovery") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->next_button));
}

static void
on_discovered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernAccountWizard) self = user_data;
  g_autoptr(GError) error = NULL;
  TernDiscoveredConfig *config;

  config = tern_autoconfig_discover_finish (TERN_AUTOCONFIG (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* on_discovery_cancel or dispose already said what happens */
  g_clear_pointer (&self->discovered, tern_discovered_config_unref);
  self->discovered = config;
  self->discovery_applied = FALSE;
  if (config != NULL)
    {
      show_discovery (self, config);
      tern_wizard_sign_in_after_lookup (self);
    }
  else
    {
      g_autofree char *domain = strchr (self->discovered_email, '@')
                                ? g_strdup (strchr (self->discovered_email, '@') + 1) : NULL;

      gtk_label_set_text (self->discovery_title, _("No settings found"));
      gtk_label_set_text (self->discovery_status, _("Nothing found."));
      if (g_error_matches (error, TERN_ERROR, TERN_ERROR_NOT_FOUND))
        {
          g_autofree char *text =
            g_strdup_printf (_("No settings were found for %s. On the next pages, enter the "
                               "server names and ports from your provider's help pages."), domain);
          gtk_label_set_text (self->discovery_result, text);
        }
      else
        gtk_label_set_text (self->discovery_result, error->message);
    }
  discovery_stopped (self);
}

void
tern_wizard_on_discovery_cancel (TernAccountWizard *self)
{
  g_cancellable_cancel (self->discovery_cancellable);
  g_clear_object (&self->discovery_cancellable);
  g_clear_pointer (&self->discovered_email, g_free);   /* look again next time */
  gtk_label_set_text (self->discovery_title, _("Search stopped"));
  gtk_label_set_text (self->discovery_status, _("Search stopped."));
  gtk_label_set_text (self->discovery_result,
                      _("Enter the settings from your provider's help pages on the next pages."));
  discovery_stopped (self);
}

void
tern_wizard_start_discovery (TernAccountWizard *self)
{
  g_autofree char *email = tern_wizard_trimmed (self->email_entry);
  g_autofree char *status = NULL;

  if (self->discovered_email != NULL && g_str_equal (self->discovered_email, email))
    return;   /* already looked this address up */
  g_clear_pointer (&self->discovered, tern_discovered_config_unref);
  tern_wizard_set_str (&self->discovered_email, email);
  if (self->autoconfig == NULL)
    self->autoconfig = tern_autoconfig_new ();
  g_cancellable_cancel (self->discovery_cancellable);
  g_clear_object (&self->discovery_cancellable);
  self->discovery_cancellable = g_cancellable_new ();
  self->discovery_running = TRUE;
  status = g_strdup_printf (_("Looking up the settings for %s…"), strchr (email, '@') + 1);
  gtk_label_set_text (self->discovery_title, _("Looking up your provider's settings"));
  gtk_label_set_text (self->discovery_status, status);
  gtk_label_set_text (self->discovery_result, "");
  gtk_widget_show (GTK_WIDGET (self->discovery_spinner));
  gtk_spinner_start (self->discovery_spinner);
  gtk_widget_show (GTK_WIDGET (self->discovery_cancel));
  tern_autoconfig_discover_async (self->autoconfig, email, self->discovery_cancellable,
                                  on_discovered, g_object_ref (self));
}

static const TernDiscoveredServer *
discovered_incoming (TernAccountWizard *self, TernProtocol protocol)
{
  guint i;

  for (i = 0; self->discovered != NULL && i < self->discovered->incoming->len; i++)
    {
      const TernDiscoveredServer *server = g_ptr_array_index (self->discovered->incoming, i);

      if (server->protocol == protocol)
        return server;
    }
  return NULL;
}

static void
fill_incoming (TernAccountWizard *self, const TernDiscoveredServer *server)
{
  gtk_entry_set_text (self->incoming_host_entry, server->host);
  tern_wizard_set_security (self->incoming_security_combo, server->security);
  gtk_spin_button_set_value (self->incoming_port_spin, server->port);
  gtk_entry_set_text (self->incoming_user_entry, server->username);
}

/* Fills the server pages once from the lookup (or from the address alone). */
void
tern_wizard_apply_discovery (TernAccountWizard *self)
{
  const TernDiscoveredServer *in = discovered_incoming (self, TERN_PROTOCOL_IMAP);

  if (self->discovery_applied)
    return;
  self->discovery_applied = TRUE;
  gtk_entry_set_text (self->incoming_user_entry, tern_wizard_text_of (self->email_entry));
  if (in == NULL)
    in = discovered_incoming (self, TERN_PROTOCOL_POP3);
  if (in == NULL)
    tern_wizard_apply_provider_servers (self);
  if (in != NULL)
    {
      gtk_toggle_button_set_active (in->protocol == TERN_PROTOCOL_POP3 ? self->protocol_pop3_radio
                                                                        : self->protocol_imap_radio,
                                    TRUE);
      fill_incoming (self, in);
    }
  if (self->discovered != NULL && self->discovered->outgoing->len > 0)
    {
      const TernDiscoveredServer *out = g_ptr_array_index (self->discovered->outgoing, 0);

      gtk_entry_set_text (self->outgoing_host_entry, out->host);
      tern_wizard_set_security (self->outgoing_security_combo, out->security);
      gtk_spin_button_set_value (self->outgoing_port_spin, out->port);
      gtk_combo_box_set_active_id (self->outgoing_auth_combo,
                                   out->auth == TERN_AUTH_NONE ? "none" : "same");
    }
}

/* When the user picks the protocol the lookup did not put first, use the
 * lookup's server for that protocol if it found one. */
void
tern_wizard_apply_protocol_choice (TernAccountWizard *self)
{
  TernProtocol protocol = tern_wizard_is_pop3 (self) ? TERN_PROTOCOL_POP3 : TERN_PROTOCOL_IMAP;
  const TernDiscoveredServer *server = discovered_incoming (self, protocol);
  g_autofree char *host = tern_wizard_trimmed (self->incoming_host_entry);
  const TernDiscoveredServer *other = discovered_incoming (self, protocol == TERN_PROTOCOL_POP3
                                                                 ? TERN_PROTOCOL_IMAP
                                                                 : TERN_PROTOCOL_POP3);

  if (server != NULL && (*host == '\0' || (other != NULL && g_str_equal (host, other->host))))
    fill_incoming (self, server);
}
