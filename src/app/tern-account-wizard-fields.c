/* tern-account-wizard-fields.c: the account wizard: reading its fields into settings, and the
 * fields that react to others (ports, POP3 retention, the sending login).
 */
#include <glib/gi18n.h>
#include <string.h>

#include "tern-account-wizard-private.h"

/* g_set_str() is GLib 2.76; Debian 12 has 2.74. */
void
tern_wizard_set_str (char **where, const char *value)
{
  char *copy = g_strdup (value);

  g_free (*where);
  *where = copy;
}

/* ---- Reading the fields ------------------------------------------------ */

const char *
tern_wizard_text_of (GtkEntry *entry)
{
  return gtk_entry_get_text (entry);
}

char *
tern_wizard_trimmed (GtkEntry *entry)
{
  return g_strstrip (g_strdup (gtk_entry_get_text (entry)));
}

gboolean
tern_wizard_is_pop3 (TernAccountWizard *self)
{
  return gtk_toggle_button_get_active (self->protocol_pop3_radio);
}

const char *
tern_wizard_incoming_service (TernAccountWizard *self)
{
  return tern_wizard_is_pop3 (self) ? "pop3" : "imap";
}

TernSecurity
tern_wizard_security_of (GtkComboBox *combo)
{
  TernSecurity security = TERN_SECURITY_TLS;

  tern_security_from_string (gtk_combo_box_get_active_id (combo), &security);
  return security;
}

void
tern_wizard_set_security (GtkComboBox *combo, TernSecurity security)
{
  gtk_combo_box_set_active_id (combo, tern_security_to_string (security));
}

guint16
tern_wizard_port_of (GtkSpinButton *spin)
{
  return (guint16) gtk_spin_button_get_value_as_int (spin);
}

/* The settings as the pages describe them now. */
TernAccountSettings *
tern_wizard_collect_settings (TernAccountWizard *self)
{
  TernAccountSettings *s = self->editing ? tern_account_settings_copy (self->editing)
                                         : tern_account_settings_new ();
  const char *auth = gtk_combo_box_get_active_id (self->outgoing_auth_combo);

  g_free (s->name);
  s->name = tern_wizard_trimmed (self->account_name_entry);
  if (*s->name == '\0')
    tern_wizard_set_str (&s->name, tern_wizard_text_of (self->email_entry));
  g_free (s->display_name);
  s->display_name = tern_wizard_trimmed (self->name_entry);
  g_free (s->email);
  s->email = tern_wizard_trimmed (self->email_entry);
  s->protocol = tern_wizard_is_pop3 (self) ? TERN_PROTOCOL_POP3 : TERN_PROTOCOL_IMAP;
  g_free (s->incoming_host);
  s->incoming_host = tern_wizard_trimmed (self->incoming_host_entry);
  s->incoming_port = tern_wizard_port_of (self->incoming_port_spin);
  s->incoming_security = tern_wizard_security_of (self->incoming_security_combo);
  g_free (s->incoming_user);
  s->incoming_user = tern_wizard_trimmed (self->incoming_user_entry);
  tern_wizard_set_str (&s->incoming_cert_sha256, self->pin[TERN_CONNECTION_INCOMING]);
  g_free (s->smtp_host);
  s->smtp_host = tern_wizard_trimmed (self->outgoing_host_entry);
  s->smtp_port = tern_wizard_port_of (self->outgoing_port_spin);
  s->smtp_security = tern_wizard_security_of (self->outgoing_security_combo);
  s->smtp_auth = g_strcmp0 (auth, "none") == 0 ? TERN_SMTP_AUTH_NONE : TERN_SMTP_AUTH_PASSWORD;
  g_free (s->smtp_user);
  s->smtp_user = g_strcmp0 (auth, "other") == 0 ? tern_wizard_trimmed (self->outgoing_user_entry) : g_strdup ("");
  tern_wizard_set_str (&s->smtp_cert_sha256, self->pin[TERN_CONNECTION_OUTGOING]);
  s->pop3_leave_on_server = gtk_toggle_button_get_active (self->retention_keep_check);
  s->pop3_delete_after_days = gtk_toggle_button_get_active (self->retention_never_radio)
                              ? 0 : (guint) gtk_spin_button_get_value_as_int (self->retention_days_spin);
  s->pop3_delete_when_deleted_here = gtk_toggle_button_get_active (self->retention_delete_here_check);
  s->offline_days = gtk_toggle_button_get_active (self->offline_recent_radio)
                    ? (guint) gtk_spin_button_get_value_as_int (self->offline_days_spin) : 0;
  tern_wizard_collect_sign_in (self, s);
  return s;
}

/* The password the outgoing server gets: none, the incoming one, or its own. */
const char *
tern_wizard_outgoing_password (TernAccountWizard *self)
{
  const char *auth = gtk_combo_box_get_active_id (self->outgoing_auth_combo);

  if (g_strcmp0 (auth, "none") == 0)
    return NULL;
  if (g_strcmp0 (auth, "other") == 0)
    return tern_wizard_text_of (self->outgoing_password_entry);
  return tern_wizard_text_of (self->password_entry);
}

/* ---- Ports follow the security choice ----------------------------------- */

/* Moves the port to the new default only while it still is the default of
 * the old choice: a port the user typed stays. */
static void
follow_default_port (GtkSpinButton *spin, const char *old_service, TernSecurity old_security,
                     const char *new_service, TernSecurity new_security)
{
  guint16 port = tern_wizard_port_of (spin);

  if (port == 0 || port == tern_default_port (old_service, old_security))
    gtk_spin_button_set_value (spin, tern_default_port (new_service, new_security));
}

void
tern_wizard_on_security_changed (TernAccountWizard *self, GtkComboBox *combo)
{
  gboolean in = combo == self->incoming_security_combo;
  TernConnectionSide side = in ? TERN_CONNECTION_INCOMING : TERN_CONNECTION_OUTGOING;
  const char *service = in ? tern_wizard_incoming_service (self) : "smtp";
  TernSecurity security = tern_wizard_security_of (combo);

  follow_default_port (in ? self->incoming_port_spin : self->outgoing_port_spin,
                       service, self->last_security[side], service, security);
  self->last_security[side] = security;
  gtk_widget_set_visible (GTK_WIDGET (in ? self->incoming_plain_check : self->outgoing_plain_check),
                          security == TERN_SECURITY_NONE);
  gtk_style_context_remove_class (gtk_widget_get_style_context (GTK_WIDGET (combo)), "error");
  tern_wizard_update_buttons (self);
}

void
tern_wizard_on_protocol_toggled (TernAccountWizard *self)
{
  const char *service = tern_wizard_incoming_service (self);
  TernSecurity security = tern_wizard_security_of (self->incoming_security_combo);

  follow_default_port (self->incoming_port_spin, self->last_incoming_service, security,
                       service, security);
  self->last_incoming_service = service;
}


/* ---- Page: POP3 retention ------------------------------------------------ */

void
tern_wizard_on_retention_changed (TernAccountWizard *self)
{
  gboolean keep = gtk_toggle_button_get_active (self->retention_keep_check);
  gboolean never = gtk_toggle_button_get_active (self->retention_never_radio);
  guint days = never ? 0 : (guint) gtk_spin_button_get_value_as_int (self->retention_days_spin);
  gboolean delete_here = gtk_toggle_button_get_active (self->retention_delete_here_check);
  g_autofree char *text = NULL;

  gtk_widget_set_sensitive (self->retention_days_label, keep);
  gtk_widget_set_sensitive (GTK_WIDGET (self->retention_never_radio), keep);
  gtk_widget_set_sensitive (GTK_WIDGET (self->retention_after_radio), keep);
  gtk_widget_set_sensitive (GTK_WIDGET (self->retention_days_spin), keep && !never);
  gtk_widget_set_sensitive (self->retention_days_unit, keep && !never);
  gtk_widget_set_sensitive (GTK_WIDGET (self->retention_delete_here_check), keep);
  if (!keep)
    text = g_strdup (_("Your other devices (phone, web mail) will not see new mail once Tern has "
                       "downloaded it: Tern removes it from the server right away. Only the inbox "
                       "is downloaded."));
  else if (days == 0 && !delete_here)
    text = g_strdup (_("Your other devices (phone, web mail) will keep seeing all your mail, and "
                       "the server keeps it until you delete it there. Only the inbox is "
                       "downloaded."));
  else if (days == 0)
    text = g_strdup (_("Your other devices (phone, web mail) will keep seeing your mail until you "
                       "delete it here. Only the inbox is downloaded."));
  else
    text = g_strdup_printf (g_dngettext (NULL,
                                         "Your other devices (phone, web mail) will see your mail for "
                                         "%u day after Tern downloads it%s. Only the inbox is "
                                         "downloaded.",
                                         "Your other devices (phone, web mail) will see your mail for "
                                         "%u days after Tern downloads it%s. Only the inbox is "
                                         "downloaded.", days),
                            days, delete_here ? _(", or until you delete it here") : "");
  gtk_label_set_text (self->retention_effect, text);
}

/* ---- Page: sending server ------------------------------------------------- */

void
tern_wizard_on_outgoing_auth_changed (TernAccountWizard *self)
{
  gboolean other = g_strcmp0 (gtk_combo_box_get_active_id (self->outgoing_auth_combo), "other") == 0;

  gtk_widget_set_visible (self->outgoing_user_label, other);
  gtk_widget_set_visible (GTK_WIDGET (self->outgoing_user_entry), other);
  gtk_widget_set_visible (self->outgoing_password_label, other);
  gtk_widget_set_visible (GTK_WIDGET (self->outgoing_password_entry), other);
  tern_wizard_update_buttons (self);
}
