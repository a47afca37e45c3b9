/* tern-account-wizard.c: the account wizard (pages in ui/tern-account-wizard.ui).
 *
 * Navigation keeps a history of visited pages, so Back returns to where the
 * user came from whichever pages were skipped (lookup when editing, the POP3
 * page for IMAP). Network and disk work (lookup, connection tests, saving,
 * password lookup when editing) runs asynchronously; the page only shows
 * its progress and result.
 */
#include <glib/gi18n.h>
#include <string.h>

#include "tern-account-wizard.h"
#include "tern-app-secrets.h"
#include "tern-certificate-dialog.h"
#include "tern-connection-test.h"
#include "core/tern-error.h"
#include "tern-resources.h"
#include "store/tern-store-executor.h"

enum { SIGNAL_ACCOUNT_ADDED, SIGNAL_ACCOUNT_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

#define N_SIDES 2

struct _TernAccountWizard
{
  GtkWindow parent_instance;

  TernStoreExecutor *executor;       /* the application's: saving the account */
  TernAccountSettings *editing;      /* NULL when adding */
  GQueue history;                    /* page names (static strings) */

  TernAutoconfig *autoconfig;
  GCancellable *discovery_cancellable;
  TernDiscoveredConfig *discovered;
  char *discovered_email;            /* the address the lookup ran for */
  gboolean discovery_running;
  gboolean discovery_applied;

  GCancellable *test_cancellable;
  gboolean test_running[N_SIDES];
  gboolean test_ok[N_SIDES];
  TernConnectionField test_field[N_SIDES];
  TernCertificateInfo *pending_cert[N_SIDES];
  char *pin[N_SIDES];                /* fingerprints the user trusted */
  GtkWidget *cert_dialog;
  TernConnectionSide cert_side;
  GtkWidget *host_dialog;            /* "your password will be sent to ..." */
  GPtrArray *confirmed_hosts;        /* char*: foreign hosts the user accepted */

  TernSecurity last_security[N_SIDES];
  const char *last_incoming_service;
  gboolean saving;

  GtkStack *stack;
  GtkButton *back_button;
  GtkButton *next_button;
  GtkEntry *name_entry;
  GtkEntry *email_entry;
  GtkEntry *password_entry;
  GtkSpinner *discovery_spinner;
  GtkLabel *discovery_status;
  GtkLabel *discovery_result;
  GtkButton *discovery_cancel;
  GtkToggleButton *protocol_imap_radio;
  GtkToggleButton *protocol_pop3_radio;
  GtkLabel *incoming_intro;
  GtkEntry *incoming_host_entry;
  GtkSpinButton *incoming_port_spin;
  GtkComboBox *incoming_security_combo;
  GtkEntry *incoming_user_entry;
  GtkToggleButton *incoming_plain_check;
  GtkToggleButton *retention_keep_check;
  GtkSpinButton *retention_days_spin;
  GtkWidget *retention_days_label;
  GtkWidget *retention_days_unit;
  GtkToggleButton *retention_delete_here_check;
  GtkLabel *retention_effect;
  GtkEntry *outgoing_host_entry;
  GtkSpinButton *outgoing_port_spin;
  GtkComboBox *outgoing_security_combo;
  GtkComboBox *outgoing_auth_combo;
  GtkWidget *outgoing_user_label;
  GtkEntry *outgoing_user_entry;
  GtkWidget *outgoing_password_label;
  GtkEntry *outgoing_password_entry;
  GtkToggleButton *outgoing_plain_check;
  GtkStack *incoming_test_state;
  GtkLabel *incoming_test_label;
  GtkWidget *incoming_fix_button;
  GtkStack *outgoing_test_state;
  GtkLabel *outgoing_test_label;
  GtkWidget *outgoing_fix_button;
  GtkWidget *retest_button;
  GtkWidget *offline_intro;
  GtkWidget *offline_all_radio;
  GtkToggleButton *offline_recent_radio;
  GtkSpinButton *offline_days_spin;
  GtkWidget *offline_days_unit;
  GtkEntry *account_name_entry;
  GtkLabel *finish_error;
  GtkLabel *finish_summary;
};

G_DEFINE_FINAL_TYPE (TernAccountWizard, tern_account_wizard, GTK_TYPE_WINDOW)

static void update_buttons (TernAccountWizard *self);

/* g_set_str() is GLib 2.76; Debian 12 has 2.74. */
static void
set_str (char **where, const char *value)
{
  char *copy = g_strdup (value);

  g_free (*where);
  *where = copy;
}
static void start_tests (TernAccountWizard *self);
static void show_next_certificate (TernAccountWizard *self);

/* ---- Reading the fields ------------------------------------------------ */

static const char *
text_of (GtkEntry *entry)
{
  return gtk_entry_get_text (entry);
}

static char *
trimmed (GtkEntry *entry)
{
  return g_strstrip (g_strdup (gtk_entry_get_text (entry)));
}

static gboolean
is_pop3 (TernAccountWizard *self)
{
  return gtk_toggle_button_get_active (self->protocol_pop3_radio);
}

static const char *
incoming_service (TernAccountWizard *self)
{
  return is_pop3 (self) ? "pop3" : "imap";
}

static TernSecurity
security_of (GtkComboBox *combo)
{
  TernSecurity security = TERN_SECURITY_TLS;

  tern_security_from_string (gtk_combo_box_get_active_id (combo), &security);
  return security;
}

static void
set_security (GtkComboBox *combo, TernSecurity security)
{
  gtk_combo_box_set_active_id (combo, tern_security_to_string (security));
}

static guint16
port_of (GtkSpinButton *spin)
{
  return (guint16) gtk_spin_button_get_value_as_int (spin);
}

/* The settings as the pages describe them now. */
static TernAccountSettings *
collect_settings (TernAccountWizard *self)
{
  TernAccountSettings *s = self->editing ? tern_account_settings_copy (self->editing)
                                         : tern_account_settings_new ();
  const char *auth = gtk_combo_box_get_active_id (self->outgoing_auth_combo);

  g_free (s->name);
  s->name = trimmed (self->account_name_entry);
  if (*s->name == '\0')
    set_str (&s->name, text_of (self->email_entry));
  g_free (s->display_name);
  s->display_name = trimmed (self->name_entry);
  g_free (s->email);
  s->email = trimmed (self->email_entry);
  s->protocol = is_pop3 (self) ? TERN_PROTOCOL_POP3 : TERN_PROTOCOL_IMAP;
  g_free (s->incoming_host);
  s->incoming_host = trimmed (self->incoming_host_entry);
  s->incoming_port = port_of (self->incoming_port_spin);
  s->incoming_security = security_of (self->incoming_security_combo);
  g_free (s->incoming_user);
  s->incoming_user = trimmed (self->incoming_user_entry);
  set_str (&s->incoming_cert_sha256, self->pin[TERN_CONNECTION_INCOMING]);
  g_free (s->smtp_host);
  s->smtp_host = trimmed (self->outgoing_host_entry);
  s->smtp_port = port_of (self->outgoing_port_spin);
  s->smtp_security = security_of (self->outgoing_security_combo);
  s->smtp_auth = g_strcmp0 (auth, "none") == 0 ? TERN_SMTP_AUTH_NONE : TERN_SMTP_AUTH_PASSWORD;
  g_free (s->smtp_user);
  s->smtp_user = g_strcmp0 (auth, "other") == 0 ? trimmed (self->outgoing_user_entry) : g_strdup ("");
  set_str (&s->smtp_cert_sha256, self->pin[TERN_CONNECTION_OUTGOING]);
  s->pop3_leave_on_server = gtk_toggle_button_get_active (self->retention_keep_check);
  s->pop3_delete_after_days = (guint) gtk_spin_button_get_value_as_int (self->retention_days_spin);
  s->pop3_delete_when_deleted_here = gtk_toggle_button_get_active (self->retention_delete_here_check);
  s->offline_days = gtk_toggle_button_get_active (self->offline_recent_radio)
                    ? (guint) gtk_spin_button_get_value_as_int (self->offline_days_spin) : 0;
  return s;
}

/* The password the outgoing server gets: none, the incoming one, or its own. */
static const char *
outgoing_password (TernAccountWizard *self)
{
  const char *auth = gtk_combo_box_get_active_id (self->outgoing_auth_combo);

  if (g_strcmp0 (auth, "none") == 0)
    return NULL;
  if (g_strcmp0 (auth, "other") == 0)
    return text_of (self->outgoing_password_entry);
  return text_of (self->password_entry);
}

/* ---- Ports follow the security choice ----------------------------------- */

/* Moves the port to the new default only while it still is the default of
 * the old choice: a port the user typed stays. */
static void
follow_default_port (GtkSpinButton *spin, const char *old_service, TernSecurity old_security,
                     const char *new_service, TernSecurity new_security)
{
  guint16 port = port_of (spin);

  if (port == 0 || port == tern_default_port (old_service, old_security))
    gtk_spin_button_set_value (spin, tern_default_port (new_service, new_security));
}

static void
on_security_changed (TernAccountWizard *self, GtkComboBox *combo)
{
  gboolean in = combo == self->incoming_security_combo;
  TernConnectionSide side = in ? TERN_CONNECTION_INCOMING : TERN_CONNECTION_OUTGOING;
  const char *service = in ? incoming_service (self) : "smtp";
  TernSecurity security = security_of (combo);

  follow_default_port (in ? self->incoming_port_spin : self->outgoing_port_spin,
                       service, self->last_security[side], service, security);
  self->last_security[side] = security;
  gtk_widget_set_visible (GTK_WIDGET (in ? self->incoming_plain_check : self->outgoing_plain_check),
                          security == TERN_SECURITY_NONE);
  gtk_style_context_remove_class (gtk_widget_get_style_context (GTK_WIDGET (combo)), "error");
  update_buttons (self);
}

static void
on_protocol_toggled (TernAccountWizard *self)
{
  const char *service = incoming_service (self);
  TernSecurity security = security_of (self->incoming_security_combo);

  follow_default_port (self->incoming_port_spin, self->last_incoming_service, security,
                       service, security);
  self->last_incoming_service = service;
}

/* ---- Page: who you are, and the lookup ----------------------------------- */

static gboolean
email_is_plausible (const char *email)
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
  update_buttons (self);
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
    show_discovery (self, config);
  else
    {
      g_autofree char *domain = strchr (self->discovered_email, '@')
                                ? g_strdup (strchr (self->discovered_email, '@') + 1) : NULL;

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

static void
on_discovery_cancel (TernAccountWizard *self)
{
  g_cancellable_cancel (self->discovery_cancellable);
  g_clear_object (&self->discovery_cancellable);
  g_clear_pointer (&self->discovered_email, g_free);   /* look again next time */
  gtk_label_set_text (self->discovery_status, _("Search stopped."));
  gtk_label_set_text (self->discovery_result,
                      _("Enter the settings from your provider's help pages on the next pages."));
  discovery_stopped (self);
}

static void
start_discovery (TernAccountWizard *self)
{
  g_autofree char *email = trimmed (self->email_entry);
  g_autofree char *status = NULL;

  if (self->discovered_email != NULL && g_str_equal (self->discovered_email, email))
    return;   /* already looked this address up */
  g_clear_pointer (&self->discovered, tern_discovered_config_unref);
  set_str (&self->discovered_email, email);
  if (self->autoconfig == NULL)
    self->autoconfig = tern_autoconfig_new ();
  g_cancellable_cancel (self->discovery_cancellable);
  g_clear_object (&self->discovery_cancellable);
  self->discovery_cancellable = g_cancellable_new ();
  self->discovery_running = TRUE;
  status = g_strdup_printf (_("Looking up the settings for %s…"), strchr (email, '@') + 1);
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
  set_security (self->incoming_security_combo, server->security);
  gtk_spin_button_set_value (self->incoming_port_spin, server->port);
  gtk_entry_set_text (self->incoming_user_entry, server->username);
}

/* Fills the server pages once from the lookup (or from the address alone). */
static void
apply_discovery (TernAccountWizard *self)
{
  const TernDiscoveredServer *in = discovered_incoming (self, TERN_PROTOCOL_IMAP);

  if (self->discovery_applied)
    return;
  self->discovery_applied = TRUE;
  gtk_entry_set_text (self->incoming_user_entry, text_of (self->email_entry));
  if (in == NULL)
    in = discovered_incoming (self, TERN_PROTOCOL_POP3);
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
      set_security (self->outgoing_security_combo, out->security);
      gtk_spin_button_set_value (self->outgoing_port_spin, out->port);
      gtk_combo_box_set_active_id (self->outgoing_auth_combo,
                                   out->auth == TERN_AUTH_NONE ? "none" : "same");
    }
}

/* When the user picks the protocol the lookup did not put first, use the
 * lookup's server for that protocol if it found one. */
static void
apply_protocol_choice (TernAccountWizard *self)
{
  TernProtocol protocol = is_pop3 (self) ? TERN_PROTOCOL_POP3 : TERN_PROTOCOL_IMAP;
  const TernDiscoveredServer *server = discovered_incoming (self, protocol);
  g_autofree char *host = trimmed (self->incoming_host_entry);
  const TernDiscoveredServer *other = discovered_incoming (self, protocol == TERN_PROTOCOL_POP3
                                                                 ? TERN_PROTOCOL_IMAP
                                                                 : TERN_PROTOCOL_POP3);

  if (server != NULL && (*host == '\0' || (other != NULL && g_str_equal (host, other->host))))
    fill_incoming (self, server);
}

/* ---- Page: POP3 retention ------------------------------------------------ */

static void
on_retention_changed (TernAccountWizard *self)
{
  gboolean keep = gtk_toggle_button_get_active (self->retention_keep_check);
  guint days = (guint) gtk_spin_button_get_value_as_int (self->retention_days_spin);
  gboolean delete_here = gtk_toggle_button_get_active (self->retention_delete_here_check);
  g_autofree char *text = NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->retention_days_spin), keep);
  gtk_widget_set_sensitive (self->retention_days_label, keep);
  gtk_widget_set_sensitive (self->retention_days_unit, keep);
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

static void
on_outgoing_auth_changed (TernAccountWizard *self)
{
  gboolean other = g_strcmp0 (gtk_combo_box_get_active_id (self->outgoing_auth_combo), "other") == 0;

  gtk_widget_set_visible (self->outgoing_user_label, other);
  gtk_widget_set_visible (GTK_WIDGET (self->outgoing_user_entry), other);
  gtk_widget_set_visible (self->outgoing_password_label, other);
  gtk_widget_set_visible (GTK_WIDGET (self->outgoing_password_entry), other);
  update_buttons (self);
}

/* ---- Page: connection test ------------------------------------------------- */

static GtkStack *
test_state (TernAccountWizard *self, TernConnectionSide side)
{
  return side == TERN_CONNECTION_INCOMING ? self->incoming_test_state : self->outgoing_test_state;
}

static GtkLabel *
test_label (TernAccountWizard *self, TernConnectionSide side)
{
  return side == TERN_CONNECTION_INCOMING ? self->incoming_test_label : self->outgoing_test_label;
}

static GtkWidget *
fix_button (TernAccountWizard *self, TernConnectionSide side)
{
  return side == TERN_CONNECTION_INCOMING ? self->incoming_fix_button : self->outgoing_fix_button;
}

static void
show_test_result (TernAccountWizard *self, TernConnectionSide side, const char *state,
                  const char *text, gboolean fixable)
{
  gtk_stack_set_visible_child_name (test_state (self, side), state);
  gtk_label_set_text (test_label (self, side), text);
  gtk_widget_set_visible (fix_button (self, side), fixable);
  gtk_widget_set_visible (self->retest_button,
                          !self->test_running[0] && !self->test_running[1]
                          && !(self->test_ok[0] && self->test_ok[1]));
  update_buttons (self);
}

static void
test_done (TernAccountWizard *self, TernConnectionSide side, GAsyncResult *result)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) settings = collect_settings (self);
  TernCertificateInfo *cert = NULL;
  g_autofree char *text = NULL;

  if (tern_connection_test_finish (result, &cert, &error))
    {
      self->test_running[side] = FALSE;
      self->test_ok[side] = TRUE;
      text = g_strdup_printf (side == TERN_CONNECTION_INCOMING
                              ? _("Logged in to %s. Receiving mail works.")
                              : _("Connected to %s. Sending mail works."),
                              side == TERN_CONNECTION_INCOMING ? settings->incoming_host
                                                               : settings->smtp_host);
      show_test_result (self, side, "ok", text, FALSE);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      tern_certificate_info_free (cert);
      return;
    }
  self->test_running[side] = FALSE;
  text = tern_connection_error_describe (settings, side, error, &self->test_field[side]);
  if (g_error_matches (error, TERN_ERROR, TERN_ERROR_CERTIFICATE) && cert != NULL)
    {
      g_clear_pointer (&self->pending_cert[side], tern_certificate_info_free);
      self->pending_cert[side] = cert;
      show_test_result (self, side, "failed", text, FALSE);
      show_next_certificate (self);
      return;
    }
  tern_certificate_info_free (cert);
  show_test_result (self, side, "failed", text, self->test_field[side] != TERN_CONNECTION_FIELD_NONE);
}

static void
on_incoming_tested (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernAccountWizard) self = user_data;

  test_done (self, TERN_CONNECTION_INCOMING, result);
}

static void
on_outgoing_tested (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernAccountWizard) self = user_data;

  test_done (self, TERN_CONNECTION_OUTGOING, result);
}

static void
start_test (TernAccountWizard *self, TernConnectionSide side)
{
  g_autoptr(TernAccountSettings) settings = collect_settings (self);
  g_autofree char *text = NULL;
  gboolean in = side == TERN_CONNECTION_INCOMING;

  self->test_running[side] = TRUE;
  self->test_ok[side] = FALSE;
  text = g_strdup_printf (_("Connecting to %s…"), in ? settings->incoming_host : settings->smtp_host);
  show_test_result (self, side, "busy", text, FALSE);
  tern_connection_test_async (settings, side,
                              in ? text_of (self->password_entry) : outgoing_password (self),
                              self->test_cancellable,
                              in ? on_incoming_tested : on_outgoing_tested, g_object_ref (self));
}

/* The host a side's test would send a password to, if discovery named it
 * from a source that did not prove the domain and the user has not agreed
 * yet (RFC 6186 section 6); NULL otherwise. */
static char *
unconfirmed_host (TernAccountWizard *self, TernConnectionSide side)
{
  g_autofree char *host = trimmed (side == TERN_CONNECTION_INCOMING ? self->incoming_host_entry
                                                                    : self->outgoing_host_entry);
  guint i;

  if (side == TERN_CONNECTION_OUTGOING && outgoing_password (self) == NULL)
    return NULL;   /* no login: no password goes there */
  if (!tern_discovered_config_host_needs_confirmation (self->discovered, host))
    return NULL;
  for (i = 0; i < self->confirmed_hosts->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (self->confirmed_hosts, i), host) == 0)
      return NULL;
  return g_steal_pointer (&host);
}

static void
run_tests (TernAccountWizard *self)
{
  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  self->test_cancellable = g_cancellable_new ();
  start_test (self, TERN_CONNECTION_INCOMING);
  start_test (self, TERN_CONNECTION_OUTGOING);
}

static void
on_host_response (TernAccountWizard *self, int response, GtkDialog *dialog)
{
  TernConnectionSide side;

  self->host_dialog = NULL;
  gtk_widget_destroy (GTK_WIDGET (dialog));
  for (side = TERN_CONNECTION_INCOMING; side <= TERN_CONNECTION_OUTGOING; side++)
    {
      g_autofree char *host = unconfirmed_host (self, side);
      g_autofree char *text = NULL;

      if (host == NULL)
        continue;
      if (response == GTK_RESPONSE_ACCEPT)
        {
          g_ptr_array_add (self->confirmed_hosts, g_steal_pointer (&host));
          continue;
        }
      self->test_field[side] = TERN_CONNECTION_FIELD_HOST;
      text = g_strdup_printf (_("Not connected: Tern did not send your password to %s. Enter "
                                "the server your provider names on its help pages."), host);
      show_test_result (self, side, "failed", text, TRUE);
    }
  if (response == GTK_RESPONSE_ACCEPT)
    run_tests (self);
}

/* Asks before the first login to a server outside the address's domain
 * that discovery could not vouch for; TRUE when the question is showing
 * (the tests start on its answer). */
static gboolean
ask_about_foreign_hosts (TernAccountWizard *self)
{
  g_autofree char *in = unconfirmed_host (self, TERN_CONNECTION_INCOMING);
  g_autofree char *out = unconfirmed_host (self, TERN_CONNECTION_OUTGOING);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *question = NULL;
  GtkWidget *dialog;

  if (self->host_dialog != NULL)
    return TRUE;
  if (in == NULL && out == NULL)
    return FALSE;
  if (in != NULL)
    {
      question = tern_discovered_config_confirmation (self->discovered, in);
      g_string_append (text, question);
      g_clear_pointer (&question, g_free);
    }
  if (out != NULL && (in == NULL || g_ascii_strcasecmp (in, out) != 0))
    {
      question = tern_discovered_config_confirmation (self->discovered, out);
      g_string_append_printf (text, "%s%s", text->len ? "\n\n" : "", question);
    }
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_WARNING, GTK_BUTTONS_NONE, "%s",
                                   _("Send your password to this server?"));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", text->str);
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL,
                          _("_Send Password"), GTK_RESPONSE_ACCEPT, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  for (TernConnectionSide side = TERN_CONNECTION_INCOMING; side <= TERN_CONNECTION_OUTGOING; side++)
    {
      self->test_running[side] = FALSE;
      self->test_ok[side] = FALSE;
      show_test_result (self, side, "busy", _("Waiting for your answer…"), FALSE);
    }
  self->host_dialog = dialog;
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_host_response), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_show (dialog);
  return TRUE;
}

static void
start_tests (TernAccountWizard *self)
{
  g_cancellable_cancel (self->test_cancellable);
  if (ask_about_foreign_hosts (self))
    return;
  run_tests (self);
}

static void
on_certificate_response (TernAccountWizard *self, int response, GtkDialog *dialog)
{
  TernConnectionSide side = self->cert_side;
  TernConnectionSide other = side == TERN_CONNECTION_INCOMING ? TERN_CONNECTION_OUTGOING
                                                              : TERN_CONNECTION_INCOMING;
  g_autoptr(TernCertificateInfo) info = g_steal_pointer (&self->pending_cert[side]);

  self->cert_dialog = NULL;
  gtk_widget_destroy (GTK_WIDGET (dialog));
  if (response == GTK_RESPONSE_ACCEPT)
    {
      set_str (&self->pin[side], info->sha256);
      start_test (self, side);
      /* The same certificate on the other server (one host for both): the
       * user has answered already. */
      if (self->pending_cert[other] != NULL
          && tern_certificate_fingerprint_equal (self->pending_cert[other]->sha256, info->sha256))
        {
          g_clear_pointer (&self->pending_cert[other], tern_certificate_info_free);
          set_str (&self->pin[other], info->sha256);
          start_test (self, other);
        }
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_("Not connected: you chose not to trust the "
                                                 "certificate of %s."), info->host);

      show_test_result (self, side, "failed", text, TRUE);
    }
  show_next_certificate (self);
}

/* One certificate question at a time. */
static void
show_next_certificate (TernAccountWizard *self)
{
  TernConnectionSide side;

  if (self->cert_dialog != NULL)
    return;
  for (side = TERN_CONNECTION_INCOMING; side <= TERN_CONNECTION_OUTGOING; side++)
    if (self->pending_cert[side] != NULL)
      break;
  if (side > TERN_CONNECTION_OUTGOING)
    return;
  self->cert_side = side;
  self->cert_dialog = GTK_WIDGET (tern_certificate_dialog_new (GTK_WINDOW (self),
                                                               self->pending_cert[side]));
  g_signal_connect_object (self->cert_dialog, "response", G_CALLBACK (on_certificate_response),
                           self, G_CONNECT_SWAPPED);
  gtk_widget_show (self->cert_dialog);
}

/* ---- Navigation ------------------------------------------------------------ */

static const char *
current_page (TernAccountWizard *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

static gboolean
page_is_complete (TernAccountWizard *self, const char *page)
{
  g_autofree char *in_host = trimmed (self->incoming_host_entry);
  g_autofree char *in_user = trimmed (self->incoming_user_entry);
  g_autofree char *out_host = trimmed (self->outgoing_host_entry);
  g_autofree char *out_user = trimmed (self->outgoing_user_entry);
  g_autofree char *name = trimmed (self->account_name_entry);
  g_autofree char *email = trimmed (self->email_entry);

  if (g_str_equal (page, "identity"))
    return email_is_plausible (email) && *text_of (self->password_entry) != '\0';
  if (g_str_equal (page, "discovery"))
    return !self->discovery_running;
  if (g_str_equal (page, "incoming"))
    return *in_host != '\0' && *in_user != '\0'
           && (security_of (self->incoming_security_combo) != TERN_SECURITY_NONE
               || gtk_toggle_button_get_active (self->incoming_plain_check));
  if (g_str_equal (page, "outgoing"))
    return *out_host != '\0'
           && (g_strcmp0 (gtk_combo_box_get_active_id (self->outgoing_auth_combo), "other") != 0
               || *out_user != '\0')
           && (security_of (self->outgoing_security_combo) != TERN_SECURITY_NONE
               || gtk_toggle_button_get_active (self->outgoing_plain_check));
  if (g_str_equal (page, "test"))
    return self->test_ok[0] && self->test_ok[1];
  if (g_str_equal (page, "finish"))
    return *name != '\0' && !self->saving;
  return TRUE;
}

static void
update_buttons (TernAccountWizard *self)
{
  const char *page = current_page (self);

  if (page == NULL)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), page_is_complete (self, page));
  gtk_widget_set_sensitive (GTK_WIDGET (self->back_button),
                            !g_queue_is_empty (&self->history) && !self->saving);
  if (g_str_equal (page, "finish"))
    gtk_button_set_label (self->next_button, self->editing ? _("_Save") : _("_Add Account"));
  else
    gtk_button_set_label (self->next_button, _("_Next"));
}

static const char *
next_page_after (TernAccountWizard *self, const char *page)
{
  if (g_str_equal (page, "identity"))
    return self->editing ? "protocol" : "discovery";
  if (g_str_equal (page, "discovery"))
    return "protocol";
  if (g_str_equal (page, "protocol"))
    return "incoming";
  if (g_str_equal (page, "incoming"))
    return is_pop3 (self) ? "retention" : "outgoing";
  if (g_str_equal (page, "retention"))
    return "outgoing";
  if (g_str_equal (page, "outgoing"))
    return "test";
  if (g_str_equal (page, "test"))
    return "finish";
  return NULL;
}

static void
enter_page (TernAccountWizard *self, const char *page)
{
  gtk_stack_set_visible_child_name (self->stack, page);
  if (g_str_equal (page, "discovery"))
    start_discovery (self);
  else if (g_str_equal (page, "protocol"))
    {
      if (!self->editing)
        apply_discovery (self);
    }
  else if (g_str_equal (page, "incoming"))
    {
      apply_protocol_choice (self);
      gtk_label_set_text (self->incoming_intro,
                          is_pop3 (self)
                          ? _("Tern downloads your mail from this server. Providers often call it the "
                              "“incoming” or “POP3” server.")
                          : _("Tern reads your mail on this server. Providers often call it the "
                              "“incoming” or “IMAP” server."));
    }
  else if (g_str_equal (page, "retention"))
    on_retention_changed (self);
  else if (g_str_equal (page, "test"))
    start_tests (self);
  else if (g_str_equal (page, "finish"))
    {
      gboolean imap = !is_pop3 (self);

      if (*text_of (self->account_name_entry) == '\0')
        gtk_entry_set_text (self->account_name_entry, text_of (self->email_entry));
      gtk_widget_set_visible (self->offline_intro, imap);
      gtk_widget_set_visible (self->offline_all_radio, imap);
      gtk_widget_set_visible (GTK_WIDGET (self->offline_recent_radio), imap);
      gtk_widget_set_visible (GTK_WIDGET (self->offline_days_spin), imap);
      gtk_widget_set_visible (self->offline_days_unit, imap);
      gtk_label_set_text (self->finish_error, "");
      gtk_label_set_text (self->finish_summary,
                          self->editing ? _("Tern will use the new settings from now on.")
                          : imap ? _("When you add the account, Tern starts copying your folders "
                                     "and mail. You can read mail while it works.")
                          : _("When you add the account, Tern starts downloading the mail in "
                              "your inbox. You can read mail while it works."));
    }
  update_buttons (self);
}

static void
leave_page (TernAccountWizard *self, const char *page)
{
  if (g_str_equal (page, "discovery") && self->discovery_running)
    on_discovery_cancel (self);
  else if (g_str_equal (page, "test"))
    {
      g_cancellable_cancel (self->test_cancellable);
      self->test_running[0] = self->test_running[1] = FALSE;
    }
}

static void save_account (TernAccountWizard *self);

static void
on_next (TernAccountWizard *self)
{
  const char *page = current_page (self);
  const char *next;

  if (!page_is_complete (self, page))
    return;
  next = next_page_after (self, page);
  if (next == NULL)
    {
      save_account (self);
      return;
    }
  leave_page (self, page);
  g_queue_push_head (&self->history, (gpointer) g_intern_string (page));
  enter_page (self, next);
}

static void
on_back (TernAccountWizard *self)
{
  const char *page = g_queue_pop_head (&self->history);

  if (page == NULL)
    return;
  leave_page (self, current_page (self));
  gtk_stack_set_visible_child_name (self->stack, page);
  update_buttons (self);
}

/* Goes back to @page (which must be in the history) and marks @field. */
static void
go_back_to (TernAccountWizard *self, const char *page, GtkWidget *field)
{
  while (!g_queue_is_empty (&self->history) && !g_str_equal (current_page (self), page))
    on_back (self);
  if (field != NULL)
    {
      gtk_style_context_add_class (gtk_widget_get_style_context (field), "error");
      gtk_widget_grab_focus (field);
    }
}

static void
fix_side (TernAccountWizard *self, TernConnectionSide side)
{
  gboolean in = side == TERN_CONNECTION_INCOMING;
  gboolean own_login = g_strcmp0 (gtk_combo_box_get_active_id (self->outgoing_auth_combo), "other") == 0;
  GtkWidget *field = NULL;
  const char *page = in ? "incoming" : "outgoing";

  switch (self->test_field[side])
    {
    case TERN_CONNECTION_FIELD_HOST:
      field = GTK_WIDGET (in ? self->incoming_host_entry : self->outgoing_host_entry);
      break;
    case TERN_CONNECTION_FIELD_PORT:
      field = GTK_WIDGET (in ? self->incoming_port_spin : self->outgoing_port_spin);
      break;
    case TERN_CONNECTION_FIELD_SECURITY:
    case TERN_CONNECTION_FIELD_NONE:
      field = GTK_WIDGET (in ? self->incoming_security_combo : self->outgoing_security_combo);
      break;
    case TERN_CONNECTION_FIELD_USER:
    case TERN_CONNECTION_FIELD_PASSWORD:
      if (!in && own_login)
        field = GTK_WIDGET (self->outgoing_password_entry);
      else
        {
          page = "identity";
          field = GTK_WIDGET (self->password_entry);
        }
      break;
    }
  go_back_to (self, page, field);
}

static void
on_incoming_fix (TernAccountWizard *self)
{
  fix_side (self, TERN_CONNECTION_INCOMING);
}

static void
on_outgoing_fix (TernAccountWizard *self)
{
  fix_side (self, TERN_CONNECTION_OUTGOING);
}

static void
on_field_changed (GtkWidget *field, TernAccountWizard *self)
{
  gtk_style_context_remove_class (gtk_widget_get_style_context (field), "error");
  update_buttons (self);
}

/* ---- Saving ----------------------------------------------------------------- */

typedef struct {
  char *data_dir;
  TernAccountSettings *settings;
  char *old_name;          /* editing: the name the passwords are stored under */
  char *password;
  char *outgoing_password; /* NULL unless the sending server has its own login */
} SaveData;

static void
wipe (char *secret)
{
  if (secret != NULL)
    memset (secret, 0, strlen (secret));
  g_free (secret);
}

static void
save_data_free (SaveData *data)
{
  g_free (data->data_dir);
  tern_account_settings_free (data->settings);
  g_free (data->old_name);
  wipe (data->password);
  wipe (data->outgoing_password);
  g_free (data);
}

static gboolean
store_passwords (SaveData *data, GError **error)
{
  g_autoptr(TernSecrets) secrets = tern_app_secrets_new (data->data_dir);
  const char *name = data->settings->name;

  if (data->old_name != NULL && !g_str_equal (data->old_name, name))
    tern_secrets_clear (secrets, data->old_name, NULL);
  if (!tern_secrets_store (secrets, name, TERN_SECRET_INCOMING, data->password, error))
    return FALSE;
  if (data->outgoing_password != NULL)
    return tern_secrets_store (secrets, name, TERN_SECRET_OUTGOING, data->outgoing_password, error);
  return TRUE;
}

/* Saving takes up to three steps: the account row through the
 * application's store executor (the one writer of the UI), then the
 * passwords in a thread (the keyring may be slow or ask to be unlocked, and
 * must not hold up other writes), and, when a new account's password could
 * not be stored, the row is taken out again: an account without its
 * password would fail every sync. The row goes first so that a name already
 * taken (TERN_ERROR_EXISTS) never overwrites another account's passwords. */
static gboolean
write_account_job (TernStore *store, gpointer user_data, GError **error)
{
  SaveData *data = user_data;

  if (data->old_name == NULL)
    {
      data->settings->id = tern_store_add_account (store, data->settings, error);
      return data->settings->id > 0;
    }
  return tern_store_update_account (store, data->settings, error);
}

static gboolean
unwrite_account_job (TernStore *store, gpointer user_data, GError **error)
{
  SaveData *data = user_data;

  return tern_store_remove_account (store, data->settings->id, error);
}

static void
finish_save (TernAccountWizard *self, const GError *error, gint64 id)
{
  self->saving = FALSE;
  if (error != NULL)
    {
      g_autofree char *name = trimmed (self->account_name_entry);
      g_autofree char *text = NULL;

      if (g_error_matches (error, TERN_ERROR, TERN_ERROR_EXISTS))
        text = g_strdup_printf (_("You already have an account called “%s”. Choose another name."),
                                name);
      else
        text = g_strdup_printf (_("The account could not be saved: %s"), error->message);
      gtk_label_set_text (self->finish_error, text);
      gtk_style_context_add_class (gtk_widget_get_style_context (GTK_WIDGET (self->account_name_entry)),
                                   "error");
      update_buttons (self);
      return;
    }
  g_signal_emit (self, signals[self->editing ? SIGNAL_ACCOUNT_CHANGED : SIGNAL_ACCOUNT_ADDED], 0, id);
  gtk_widget_destroy (GTK_WIDGET (self));
}

typedef struct {
  TernAccountWizard *wizard;   /* a reference */
  SaveData *data;
  GError *password_error;      /* why a new account is being taken out again */
} SaveRun;

static void
save_run_free (SaveRun *run)
{
  g_object_unref (run->wizard);
  save_data_free (run->data);
  g_clear_error (&run->password_error);
  g_free (run);
}

static void
on_account_unwritten (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SaveRun *run = user_data;

  /* Whether or not the row went, the password is what failed. */
  tern_store_executor_run_finish (run->wizard->executor, result, NULL);
  finish_save (run->wizard, run->password_error, 0);
  save_run_free (run);
}

static void
passwords_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (store_passwords (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_passwords_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SaveRun *run = user_data;

  if (g_task_propagate_boolean (G_TASK (result), &run->password_error))
    {
      finish_save (run->wizard, NULL, run->data->settings->id);
      save_run_free (run);
      return;
    }
  if (run->data->old_name != NULL)
    {
      finish_save (run->wizard, run->password_error, 0);
      save_run_free (run);
      return;
    }
  tern_store_executor_run_async (run->wizard->executor, unwrite_account_job, run->data, NULL, NULL,
                                 on_account_unwritten, run);
}

static void
on_account_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SaveRun *run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;

  if (!tern_store_executor_run_finish (run->wizard->executor, result, &error))
    {
      finish_save (run->wizard, error, 0);
      save_run_free (run);
      return;
    }
  /* The run outlives the task: the task only borrows its data. */
  task = g_task_new (NULL, NULL, on_passwords_stored, run);
  g_task_set_task_data (task, run->data, NULL);
  g_task_run_in_thread (task, passwords_thread);
}

static void
save_account (TernAccountWizard *self)
{
  SaveRun *run = g_new0 (SaveRun, 1);
  SaveData *data = g_new0 (SaveData, 1);
  const char *out_password = outgoing_password (self);

  data->data_dir = g_strdup (tern_store_executor_get_data_dir (self->executor));
  data->settings = collect_settings (self);
  data->old_name = self->editing ? g_strdup (self->editing->name) : NULL;
  data->password = g_strdup (text_of (self->password_entry));
  if (out_password != NULL && out_password != text_of (self->password_entry))
    data->outgoing_password = g_strdup (out_password);
  run->wizard = g_object_ref (self);
  run->data = data;
  self->saving = TRUE;
  gtk_label_set_text (self->finish_error, "");
  update_buttons (self);
  tern_store_executor_run_async (self->executor, write_account_job, data, NULL, NULL,
                                 on_account_written, run);
}

/* ---- Editing: the stored passwords ------------------------------------------ */

static void
lookup_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  TernAccountWizard *self = source;
  g_autoptr(TernSecrets) secrets = tern_app_secrets_new (tern_store_executor_get_data_dir (self->executor));
  char **passwords = g_new0 (char *, 3);

  passwords[0] = tern_secrets_lookup (secrets, self->editing->name, TERN_SECRET_INCOMING, NULL);
  passwords[1] = tern_secrets_lookup (secrets, self->editing->name, TERN_SECRET_OUTGOING, NULL);
  g_task_return_pointer (task, passwords, (GDestroyNotify) g_strfreev);
}

static void
on_passwords (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TernAccountWizard *self = TERN_ACCOUNT_WIZARD (source);
  char **passwords = g_task_propagate_pointer (G_TASK (result), NULL);

  if (passwords == NULL)
    return;
  /* Do not overwrite what the user typed meanwhile. */
  if (passwords[0] != NULL && *text_of (self->password_entry) == '\0')
    gtk_entry_set_text (self->password_entry, passwords[0]);
  if (passwords[1] != NULL && *text_of (self->outgoing_password_entry) == '\0')
    {
      gtk_entry_set_text (self->outgoing_password_entry, passwords[1]);
      if (self->editing->smtp_user != NULL && *self->editing->smtp_user != '\0')
        gtk_combo_box_set_active_id (self->outgoing_auth_combo, "other");
    }
  wipe (passwords[0]);
  wipe (passwords[1]);
  g_free (passwords);
}

static void
fill_from_settings (TernAccountWizard *self, const TernAccountSettings *s)
{
  gboolean own_login = s->smtp_user != NULL && *s->smtp_user != '\0'
                       && g_strcmp0 (s->smtp_user, s->incoming_user) != 0;
  g_autoptr(GTask) task = NULL;

  gtk_window_set_title (GTK_WINDOW (self), _("Account Settings"));
  gtk_entry_set_text (self->name_entry, s->display_name ? s->display_name : "");
  gtk_entry_set_text (self->email_entry, s->email ? s->email : "");
  gtk_toggle_button_set_active (s->protocol == TERN_PROTOCOL_POP3 ? self->protocol_pop3_radio
                                                                  : self->protocol_imap_radio, TRUE);
  /* Changing how an account reads mail would need a new local copy. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->protocol_imap_radio), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->protocol_pop3_radio), FALSE);
  set_security (self->incoming_security_combo, s->incoming_security);
  gtk_entry_set_text (self->incoming_host_entry, s->incoming_host ? s->incoming_host : "");
  gtk_spin_button_set_value (self->incoming_port_spin, s->incoming_port);
  gtk_entry_set_text (self->incoming_user_entry, s->incoming_user ? s->incoming_user : "");
  gtk_toggle_button_set_active (self->incoming_plain_check, s->incoming_security == TERN_SECURITY_NONE);
  set_str (&self->pin[TERN_CONNECTION_INCOMING], s->incoming_cert_sha256);
  gtk_toggle_button_set_active (self->retention_keep_check, s->pop3_leave_on_server);
  gtk_spin_button_set_value (self->retention_days_spin, s->pop3_delete_after_days);
  gtk_toggle_button_set_active (self->retention_delete_here_check, s->pop3_delete_when_deleted_here);
  set_security (self->outgoing_security_combo, s->smtp_security);
  gtk_entry_set_text (self->outgoing_host_entry, s->smtp_host ? s->smtp_host : "");
  gtk_spin_button_set_value (self->outgoing_port_spin, s->smtp_port);
  gtk_combo_box_set_active_id (self->outgoing_auth_combo,
                               s->smtp_auth == TERN_SMTP_AUTH_NONE ? "none"
                               : own_login ? "other" : "same");
  gtk_entry_set_text (self->outgoing_user_entry, own_login ? s->smtp_user : "");
  gtk_toggle_button_set_active (self->outgoing_plain_check, s->smtp_security == TERN_SECURITY_NONE);
  set_str (&self->pin[TERN_CONNECTION_OUTGOING], s->smtp_cert_sha256);
  gtk_toggle_button_set_active (s->offline_days > 0 ? self->offline_recent_radio
                                                    : GTK_TOGGLE_BUTTON (self->offline_all_radio), TRUE);
  if (s->offline_days > 0)
    gtk_spin_button_set_value (self->offline_days_spin, s->offline_days);
  gtk_entry_set_text (self->account_name_entry, s->name ? s->name : "");

  task = g_task_new (self, NULL, on_passwords, NULL);
  g_task_run_in_thread (task, lookup_thread);
}

/* ---- GObject ------------------------------------------------------------------ */

static void
tern_account_wizard_dispose (GObject *object)
{
  TernAccountWizard *self = TERN_ACCOUNT_WIZARD (object);
  guint i;

  /* The passwords leave the entries now: GtkEntryBuffer overwrites text
   * it deletes, so no copy waits in the widget for its finalization. */
  if (self->password_entry != NULL)
    gtk_entry_set_text (self->password_entry, "");
  if (self->outgoing_password_entry != NULL)
    gtk_entry_set_text (self->outgoing_password_entry, "");
  g_cancellable_cancel (self->discovery_cancellable);
  g_clear_object (&self->discovery_cancellable);
  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  if (self->cert_dialog != NULL)
    {
      GtkWidget *dialog = g_steal_pointer (&self->cert_dialog);

      gtk_widget_destroy (dialog);
    }
  if (self->host_dialog != NULL)
    gtk_widget_destroy (g_steal_pointer (&self->host_dialog));
  for (i = 0; i < N_SIDES; i++)
    g_clear_pointer (&self->pending_cert[i], tern_certificate_info_free);
  g_clear_object (&self->autoconfig);
  g_clear_pointer (&self->discovered, tern_discovered_config_unref);
  G_OBJECT_CLASS (tern_account_wizard_parent_class)->dispose (object);
}

static void
tern_account_wizard_finalize (GObject *object)
{
  TernAccountWizard *self = TERN_ACCOUNT_WIZARD (object);

  g_clear_object (&self->executor);
  g_clear_pointer (&self->editing, tern_account_settings_free);
  g_queue_clear (&self->history);
  g_free (self->discovered_email);
  g_free (self->pin[0]);
  g_free (self->pin[1]);
  g_ptr_array_unref (self->confirmed_hosts);
  G_OBJECT_CLASS (tern_account_wizard_parent_class)->finalize (object);
}

#define BIND(name) gtk_widget_class_bind_template_child (widget_class, TernAccountWizard, name)

static void
tern_account_wizard_class_init (TernAccountWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tern_account_wizard_dispose;
  object_class->finalize = tern_account_wizard_finalize;

  /* Emitted with the new account's store id once it is saved: the main
   * window starts its first sync. */
  signals[SIGNAL_ACCOUNT_ADDED] =
    g_signal_new ("account-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /* Emitted when an edited account was saved. */
  signals[SIGNAL_ACCOUNT_CHANGED] =
    g_signal_new ("account-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  (void) tern_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ternmail/Tern/tern-account-wizard.ui");
  BIND (stack); BIND (back_button); BIND (next_button);
  BIND (name_entry); BIND (email_entry); BIND (password_entry);
  BIND (discovery_spinner); BIND (discovery_status); BIND (discovery_result); BIND (discovery_cancel);
  BIND (protocol_imap_radio); BIND (protocol_pop3_radio);
  BIND (incoming_intro); BIND (incoming_host_entry); BIND (incoming_port_spin);
  BIND (incoming_security_combo); BIND (incoming_user_entry); BIND (incoming_plain_check);
  BIND (retention_keep_check); BIND (retention_days_spin); BIND (retention_days_label);
  BIND (retention_days_unit); BIND (retention_delete_here_check); BIND (retention_effect);
  BIND (outgoing_host_entry); BIND (outgoing_port_spin); BIND (outgoing_security_combo);
  BIND (outgoing_auth_combo); BIND (outgoing_user_label); BIND (outgoing_user_entry);
  BIND (outgoing_password_label); BIND (outgoing_password_entry); BIND (outgoing_plain_check);
  BIND (incoming_test_state); BIND (incoming_test_label); BIND (incoming_fix_button);
  BIND (outgoing_test_state); BIND (outgoing_test_label); BIND (outgoing_fix_button);
  BIND (retest_button);
  BIND (offline_intro); BIND (offline_all_radio); BIND (offline_recent_radio);
  BIND (offline_days_spin); BIND (offline_days_unit);
  BIND (account_name_entry); BIND (finish_error); BIND (finish_summary);
  gtk_widget_class_bind_template_callback (widget_class, on_discovery_cancel);
  gtk_widget_class_bind_template_callback (widget_class, on_protocol_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_security_changed);
  gtk_widget_class_bind_template_callback (widget_class, update_buttons);
  gtk_widget_class_bind_template_callback (widget_class, on_retention_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_outgoing_auth_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_incoming_fix);
  gtk_widget_class_bind_template_callback (widget_class, on_outgoing_fix);
  gtk_widget_class_bind_template_callback (widget_class, start_tests);
  gtk_widget_class_bind_template_callback (widget_class, on_next);
  gtk_widget_class_bind_template_callback (widget_class, on_back);
  gtk_widget_class_bind_template_callback (widget_class, gtk_widget_destroy);
}

static void
tern_account_wizard_init (TernAccountWizard *self)
{
  guint i;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->confirmed_hosts = g_ptr_array_new_with_free_func (g_free);
  {
    GtkWidget *fields[] = {
      GTK_WIDGET (self->name_entry), GTK_WIDGET (self->email_entry),
      GTK_WIDGET (self->password_entry), GTK_WIDGET (self->incoming_host_entry),
      GTK_WIDGET (self->incoming_user_entry), GTK_WIDGET (self->outgoing_host_entry),
      GTK_WIDGET (self->outgoing_user_entry), GTK_WIDGET (self->outgoing_password_entry),
      GTK_WIDGET (self->incoming_port_spin), GTK_WIDGET (self->outgoing_port_spin),
    };

    for (i = 0; i < G_N_ELEMENTS (fields); i++)
      g_signal_connect (fields[i], "changed", G_CALLBACK (on_field_changed), self);
  }

  self->last_security[TERN_CONNECTION_INCOMING] = TERN_SECURITY_TLS;
  self->last_security[TERN_CONNECTION_OUTGOING] = TERN_SECURITY_TLS;
  self->last_incoming_service = "imap";
  gtk_combo_box_set_active_id (self->incoming_security_combo, "tls");
  gtk_combo_box_set_active_id (self->outgoing_security_combo, "tls");
  gtk_widget_show_all (gtk_bin_get_child (GTK_BIN (self)));
  gtk_widget_hide (GTK_WIDGET (self->incoming_plain_check));
  gtk_widget_hide (GTK_WIDGET (self->outgoing_plain_check));
  on_outgoing_auth_changed (self);
  gtk_widget_set_can_default (GTK_WIDGET (self->next_button), TRUE);
  gtk_window_set_default (GTK_WINDOW (self), GTK_WIDGET (self->next_button));
  gtk_stack_set_visible_child_name (self->stack, "identity");
  update_buttons (self);
}

TernAccountWizard *
tern_account_wizard_new (GtkWindow *parent, TernStoreExecutor *executor)
{
  TernAccountWizard *self = g_object_new (TERN_TYPE_ACCOUNT_WIZARD, "transient-for", parent, NULL);

  self->executor = g_object_ref (executor);
  return self;
}

TernAccountWizard *
tern_account_wizard_new_for_account (GtkWindow *parent, TernStoreExecutor *executor,
                                     const TernAccountSettings *settings)
{
  TernAccountWizard *self = tern_account_wizard_new (parent, executor);

  self->editing = tern_account_settings_copy (settings);
  fill_from_settings (self, settings);
  update_buttons (self);
  return self;
}

void
tern_account_wizard_set_autoconfig (TernAccountWizard *self, TernAutoconfig *autoconfig)
{
  g_return_if_fail (TERN_IS_ACCOUNT_WIZARD (self));
  g_set_object (&self->autoconfig, autoconfig);
}

const char *
tern_account_wizard_get_page (TernAccountWizard *self)
{
  g_return_val_if_fail (TERN_IS_ACCOUNT_WIZARD (self), NULL);
  return current_page (self);
}
