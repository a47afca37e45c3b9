/* tern-account-wizard.c: the account wizard (pages in ui/tern-account-wizard.ui).
 *
 * This file holds the GObject, its template and the public API; the pages'
 * logic is in the tern-account-wizard-*.c files (see the private header).
 * Network and disk work (lookup, connection tests, saving, password lookup
 * when editing) runs asynchronously; the page only shows its progress and
 * result.
 */
#include <glib/gi18n.h>

#include "tern-account-wizard-private.h"
#include "tern-a11y.h"
#include "tern-resources.h"

enum { SIGNAL_ACCOUNT_ADDED, SIGNAL_ACCOUNT_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TernAccountWizard, tern_account_wizard, GTK_TYPE_WINDOW)

/* Emits "account-added" or "account-changed" once the account is saved. */
void
tern_wizard_emit_saved (TernAccountWizard *self, gint64 id)
{
  g_signal_emit (self, signals[self->editing ? SIGNAL_ACCOUNT_CHANGED : SIGNAL_ACCOUNT_ADDED], 0, id);
}

/* Enter means Next in every field, not only in the password. */
static void
entries_activate_default (GtkWidget *widget, gpointer user_data)
{
  if (GTK_IS_ENTRY (widget))
    gtk_entry_set_activates_default (GTK_ENTRY (widget), TRUE);
  else if (GTK_IS_CONTAINER (widget))
    gtk_container_foreach (GTK_CONTAINER (widget), entries_activate_default, NULL);
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
  tern_wizard_goa_forget (self);
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
  g_free (self->oauth_provider);
  tern_wizard_wipe (self->kept_token);
  g_free (self->pin[0]);
  g_free (self->pin[1]);
  g_ptr_array_unref (self->confirmed_hosts);
  G_OBJECT_CLASS (tern_account_wizard_parent_class)->finalize (object);
}

/* The handler names in the .ui file, bound to the functions of the other files. */
#define CALLBACK(ui_name, fn) \
  gtk_widget_class_bind_template_callback_full (widget_class, ui_name, G_CALLBACK (fn))
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
  g_type_ensure (TERN_TYPE_OAUTH_SIGN_IN);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ternmail/Tern/tern-account-wizard.ui");
  BIND (stack); BIND (back_button); BIND (next_button);
  BIND (name_entry); BIND (email_entry); BIND (password_entry); BIND (incoming_password_entry);
  BIND (identity_intro); BIND (password_label); BIND (password_hint); BIND (oauth_sign_in); BIND (incoming_password_label);
  BIND (goa_box); BIND (discovery_sign_in_box);
  BIND (discovery_spinner); BIND (discovery_title); BIND (discovery_status); BIND (discovery_result); BIND (discovery_cancel);
  BIND (protocol_imap_radio); BIND (protocol_pop3_radio);
  BIND (protocol_imap_explanation); BIND (protocol_pop3_explanation);
  BIND (incoming_intro); BIND (incoming_host_entry); BIND (incoming_port_spin);
  BIND (incoming_security_combo); BIND (incoming_user_entry); BIND (incoming_plain_check);
  BIND (retention_keep_check); BIND (retention_never_radio); BIND (retention_after_radio);
  BIND (retention_days_spin); BIND (retention_days_label);
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
  CALLBACK ("on_discovery_cancel", tern_wizard_on_discovery_cancel);
  CALLBACK ("on_protocol_toggled", tern_wizard_on_protocol_toggled);
  CALLBACK ("on_security_changed", tern_wizard_on_security_changed);
  CALLBACK ("update_buttons", tern_wizard_update_buttons);
  CALLBACK ("on_retention_changed", tern_wizard_on_retention_changed);
  CALLBACK ("on_outgoing_auth_changed", tern_wizard_on_outgoing_auth_changed);
  CALLBACK ("on_incoming_fix", tern_wizard_on_incoming_fix);
  CALLBACK ("on_outgoing_fix", tern_wizard_on_outgoing_fix);
  CALLBACK ("start_tests", tern_wizard_start_tests);
  CALLBACK ("on_next", tern_wizard_on_next);
  CALLBACK ("on_back", tern_wizard_on_back);
  CALLBACK ("on_signed_in", tern_wizard_on_signed_in);
  gtk_widget_class_bind_template_callback (widget_class, gtk_widget_destroy);
}

static void
tern_account_wizard_init (TernAccountWizard *self)
{
  guint i;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* The incoming page shows the first page's password again, beside the
   * user name: one buffer, so a fix on either page is the same text. */
  gtk_entry_set_buffer (self->incoming_password_entry, gtk_entry_get_buffer (self->password_entry));
  entries_activate_default (GTK_WIDGET (self->stack), NULL);
  tern_a11y_name_from_labels (GTK_WIDGET (self));
  tern_a11y_describe_with (GTK_WIDGET (self->protocol_imap_radio), self->protocol_imap_explanation);
  tern_a11y_describe_with (GTK_WIDGET (self->protocol_pop3_radio), self->protocol_pop3_explanation);
  self->confirmed_hosts = g_ptr_array_new_with_free_func (g_free);
  {
    GtkWidget *fields[] = {
      GTK_WIDGET (self->name_entry), GTK_WIDGET (self->email_entry),
      GTK_WIDGET (self->password_entry), GTK_WIDGET (self->incoming_password_entry),
      GTK_WIDGET (self->incoming_host_entry),
      GTK_WIDGET (self->incoming_user_entry), GTK_WIDGET (self->outgoing_host_entry),
      GTK_WIDGET (self->outgoing_user_entry), GTK_WIDGET (self->outgoing_password_entry),
      GTK_WIDGET (self->incoming_port_spin), GTK_WIDGET (self->outgoing_port_spin),
    };

    for (i = 0; i < G_N_ELEMENTS (fields); i++)
      g_signal_connect (fields[i], "changed", G_CALLBACK (tern_wizard_on_field_changed), self);
  }

  self->last_security[TERN_CONNECTION_INCOMING] = TERN_SECURITY_TLS;
  self->last_security[TERN_CONNECTION_OUTGOING] = TERN_SECURITY_TLS;
  self->last_incoming_service = "imap";
  gtk_combo_box_set_active_id (self->incoming_security_combo, "tls");
  gtk_combo_box_set_active_id (self->outgoing_security_combo, "tls");
  gtk_widget_show_all (gtk_bin_get_child (GTK_BIN (self)));
  gtk_widget_hide (GTK_WIDGET (self->incoming_plain_check));
  gtk_widget_hide (GTK_WIDGET (self->outgoing_plain_check));
  tern_wizard_on_outgoing_auth_changed (self);
  g_signal_connect_swapped (self->email_entry, "changed", G_CALLBACK (tern_wizard_update_sign_in),
                            self);
  tern_wizard_update_sign_in (self);
  gtk_widget_set_can_default (GTK_WIDGET (self->next_button), TRUE);
  gtk_window_set_default (GTK_WINDOW (self), GTK_WIDGET (self->next_button));
  gtk_stack_set_visible_child_name (self->stack, "identity");
  tern_wizard_update_buttons (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}

TernAccountWizard *
tern_account_wizard_new (GtkWindow *parent, TernStoreExecutor *executor)
{
  TernAccountWizard *self = g_object_new (TERN_TYPE_ACCOUNT_WIZARD, "transient-for", parent, NULL);

  self->executor = g_object_ref (executor);
  tern_wizard_goa_start (self);
  return self;
}

TernAccountWizard *
tern_account_wizard_new_for_account (GtkWindow *parent, TernStoreExecutor *executor,
                                     const TernAccountSettings *settings)
{
  TernAccountWizard *self = tern_account_wizard_new (parent, executor);

  self->editing = tern_account_settings_copy (settings);
  tern_wizard_fill_from_settings (self, settings);
  tern_wizard_update_buttons (self);
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
  return tern_wizard_current_page (self);
}
