/* tern-account-wizard-test.c: the account wizard's connection test page: both sides are
 * tested at once; an untrusted certificate or a server outside the address's
 * domain asks first; "Change…" leads to the field the failure names.
 */
#include <glib/gi18n.h>
#include <string.h>

#include "tern-account-wizard-private.h"
#include "tern-certificate-dialog.h"
#include "core/tern-error.h"
#include "store/tern-store-executor.h"

static void show_next_certificate (TernAccountWizard *self);

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
  tern_wizard_update_buttons (self);
}

/* ---- A certificate another account already trusts --------------------- */

/* The user trusted this certificate for this host:port when adding another
 * account (a second account on the same server): that answer stands. */
typedef struct {
  TernAccountWizard *wizard;   /* a reference */
  TernConnectionSide side;
  char *host;
  guint16 port;
  char *sha256;
  char *text;                  /* what the page says if the user must decide */
  gboolean known;
} PinCheck;

static void
pin_check_free (PinCheck *check)
{
  g_object_unref (check->wizard);
  g_free (check->host);
  g_free (check->sha256);
  g_free (check->text);
  g_free (check);
}

static gboolean
pin_matches (const char *host, guint16 port, const char *pin, const PinCheck *check)
{
  return host != NULL && g_ascii_strcasecmp (host, check->host) == 0 && port == check->port
         && pin != NULL && tern_certificate_fingerprint_equal (pin, check->sha256);
}

static gboolean
find_pin_job (TernStore *store, gpointer user_data, GError **error)
{
  PinCheck *check = user_data;
  g_autoptr(GPtrArray) accounts = tern_store_list_accounts (store, error);

  for (guint i = 0; accounts != NULL && i < accounts->len && !check->known; i++)
    {
      const TernAccountSettings *a = g_ptr_array_index (accounts, i);

      check->known = pin_matches (a->incoming_host, a->incoming_port, a->incoming_cert_sha256, check)
                     || pin_matches (a->smtp_host, a->smtp_port, a->smtp_cert_sha256, check);
    }
  return accounts != NULL;
}

static void start_test (TernAccountWizard *self, TernConnectionSide side);

static void
on_pin_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PinCheck *check = user_data;
  TernAccountWizard *self = check->wizard;
  TernCertificateInfo *pending = self->pending_cert[check->side];
  gboolean ok = tern_store_executor_run_finish (self->executor, result, NULL);

  /* A new test since (or the page left) replaced what was checked. */
  if (pending == NULL || !tern_certificate_fingerprint_equal (pending->sha256, check->sha256)
      || self->test_cancellable == NULL || g_cancellable_is_cancelled (self->test_cancellable))
    {
      pin_check_free (check);
      return;
    }
  if (ok && check->known)
    {
      g_clear_pointer (&self->pending_cert[check->side], tern_certificate_info_free);
      tern_wizard_set_str (&self->pin[check->side], check->sha256);
      start_test (self, check->side);
    }
  else
    {
      self->test_running[check->side] = FALSE;
      show_test_result (self, check->side, "failed", check->text, FALSE);
      show_next_certificate (self);
    }
  pin_check_free (check);
}

static void
check_known_pin (TernAccountWizard *self, TernConnectionSide side, const TernAccountSettings *settings,
                 char *text)
{
  PinCheck *check = g_new0 (PinCheck, 1);
  gboolean in = side == TERN_CONNECTION_INCOMING;

  check->wizard = g_object_ref (self);
  check->side = side;
  check->host = g_strdup (in ? settings->incoming_host : settings->smtp_host);
  check->port = in ? settings->incoming_port : settings->smtp_port;
  check->sha256 = g_strdup (self->pending_cert[side]->sha256);
  check->text = text;
  tern_store_executor_run_async (self->executor, find_pin_job, check, NULL, NULL,
                                 on_pin_checked, check);
}

static void
test_done (TernAccountWizard *self, TernConnectionSide side, GAsyncResult *result)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) settings = tern_wizard_collect_settings (self);
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
      self->test_running[side] = TRUE;   /* still busy until the check says */
      check_known_pin (self, side, settings, g_steal_pointer (&text));
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
  g_autoptr(TernAccountSettings) settings = tern_wizard_collect_settings (self);
  g_autofree char *text = NULL;
  gboolean in = side == TERN_CONNECTION_INCOMING;

  self->test_running[side] = TRUE;
  self->test_ok[side] = FALSE;
  text = g_strdup_printf (_("Connecting to %s…"), in ? settings->incoming_host : settings->smtp_host);
  show_test_result (self, side, "busy", text, FALSE);
  tern_connection_test_async (settings, side,
                              tern_wizard_credential (self, side),
                              self->test_cancellable,
                              in ? on_incoming_tested : on_outgoing_tested, g_object_ref (self));
}

/* The host a side's test would send a password to, if discovery named it
 * from a source that did not prove the domain and the user has not agreed
 * yet (RFC 6186 section 6); NULL otherwise. */
static char *
unconfirmed_host (TernAccountWizard *self, TernConnectionSide side)
{
  g_autofree char *host = tern_wizard_trimmed (side == TERN_CONNECTION_INCOMING ? self->incoming_host_entry
                                                                    : self->outgoing_host_entry);
  guint i;

  if (side == TERN_CONNECTION_OUTGOING && tern_wizard_credential (self, side) == NULL)
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

void
tern_wizard_start_tests (TernAccountWizard *self)
{
  g_cancellable_cancel (self->test_cancellable);
  if (self->keeps_sign_in && self->kept_token_pending)
    {
      /* The edited account's token is on its way (save.c starts it). */
      for (TernConnectionSide side = TERN_CONNECTION_INCOMING; side <= TERN_CONNECTION_OUTGOING; side++)
        {
          self->test_running[side] = FALSE;
          self->test_ok[side] = FALSE;
          show_test_result (self, side, "busy", _("Getting the account’s sign-in…"), FALSE);
        }
      return;
    }
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
      tern_wizard_set_str (&self->pin[side], info->sha256);
      start_test (self, side);
      /* The same certificate on the other server (one host for both): the
       * user has answered already. */
      if (self->pending_cert[other] != NULL
          && tern_certificate_fingerprint_equal (self->pending_cert[other]->sha256, info->sha256))
        {
          g_clear_pointer (&self->pending_cert[other], tern_certificate_info_free);
          tern_wizard_set_str (&self->pin[other], info->sha256);
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
      if (self->oauth_provider != NULL)
        {
          /* The provider refused the sign-in: a new one, where it was made. */
          tern_wizard_go_back_to (self, tern_wizard_restart_sign_in (self), NULL);
          return;
        }
      /* Either may be wrong (often the user name: the address instead of
       * "alice"): both are side by side on the server's page. */
      if (!in && own_login)
        {
          gtk_style_context_add_class (gtk_widget_get_style_context (GTK_WIDGET (self->outgoing_user_entry)),
                                       "error");
          field = GTK_WIDGET (self->outgoing_password_entry);
        }
      else
        {
          page = "incoming";
          gtk_style_context_add_class (gtk_widget_get_style_context (GTK_WIDGET (self->incoming_user_entry)),
                                       "error");
          field = GTK_WIDGET (self->incoming_password_entry);
        }
      break;
    }
  tern_wizard_go_back_to (self, page, field);
}

void
tern_wizard_on_incoming_fix (TernAccountWizard *self)
{
  fix_side (self, TERN_CONNECTION_INCOMING);
}

void
tern_wizard_on_outgoing_fix (TernAccountWizard *self)
{
  fix_side (self, TERN_CONNECTION_OUTGOING);
}
