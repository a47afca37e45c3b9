/* tern-account-wizard-goa.c: the account wizard offering the mail accounts
 * GNOME Online Accounts already has (issue 17).
 *
 * The first page lists them ("Use your Google account alice@gmail.com from
 * Settings"). Choosing one fills the servers from GOA, asks GOA for an
 * access token for the connection test (kept in memory, wiped), and goes to
 * the test; the saved account is sign_in = goa with GOA's account id, and
 * Tern asks GOA for a token on each connect (account/tern-account-token.c).
 * Nothing of it goes to the keyring: GOA keeps the sign-in.
 */
#include <glib/gi18n.h>

#include "tern-account-wizard-private.h"
#include "core/tern-error.h"

/* Without a session bus there is no GOA; asking would make GIO start a
 * bus of its own (dbus-launch) just to find nothing. */
static gboolean
has_session_bus (void)
{
  const char *runtime = g_get_user_runtime_dir ();
  g_autofree char *socket = g_build_filename (runtime, "bus", NULL);

  return g_getenv ("DBUS_SESSION_BUS_ADDRESS") != NULL || g_file_test (socket, G_FILE_TEST_EXISTS);
}

void
tern_wizard_goa_forget (TernAccountWizard *self)
{
  g_cancellable_cancel (self->goa_cancellable);
  g_clear_object (&self->goa_cancellable);
  self->goa = NULL;
  g_clear_pointer (&self->goa_accounts, g_ptr_array_unref);
  tern_wizard_wipe (g_steal_pointer (&self->goa_token));
}

static void
show_goa_status (TernAccountWizard *self, const char *text)
{
  GtkWidget *label = g_object_get_data (G_OBJECT (self->goa_box), "tern-status");

  gtk_label_set_text (GTK_LABEL (label), text);
  gtk_widget_set_visible (label, text != NULL);
}

static void
fill_from_goa (TernAccountWizard *self, const TernOAuthGoaAccount *a)
{
  gtk_toggle_button_set_active (self->protocol_imap_radio, TRUE);
  gtk_entry_set_text (self->incoming_host_entry, a->imap_host);
  tern_wizard_set_security (self->incoming_security_combo, a->imap_security);
  gtk_spin_button_set_value (self->incoming_port_spin, a->imap_port);
  gtk_entry_set_text (self->incoming_user_entry, a->imap_user != NULL ? a->imap_user : a->email);
  if (a->smtp_host != NULL)
    {
      gtk_entry_set_text (self->outgoing_host_entry, a->smtp_host);
      tern_wizard_set_security (self->outgoing_security_combo, a->smtp_security);
      gtk_spin_button_set_value (self->outgoing_port_spin, a->smtp_port);
      gtk_combo_box_set_active_id (self->outgoing_auth_combo, "same");
    }
  /* The servers are GOA's: no lookup to overwrite them. */
  tern_wizard_set_str (&self->discovered_email, a->email);
  self->discovery_applied = TRUE;
}

static void
token_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  char *token = tern_oauth_goa_access_token (task_data, NULL, cancellable, &error);

  if (token != NULL)
    g_task_return_pointer (task, token, (GDestroyNotify) tern_wizard_wipe);
  else
    g_task_return_error (task, error);
}

static void
on_goa_token (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TernAccountWizard *self = TERN_ACCOUNT_WIZARD (source);
  const TernOAuthGoaAccount *a = user_data;
  g_autoptr(GError) error = NULL;
  char *token = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (token == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Sign-in failed: GNOME Online Accounts gave no "
                                                 "sign-in for %s. Open Settings, Online "
                                                 "Accounts, and sign in there again."), a->email);

      g_message ("GOA token for %s: %s", a->id, error->message);
      show_goa_status (self, text);
      return;
    }
  tern_wizard_wipe (self->goa_token);
  self->goa_token = token;
  self->goa = a;
  show_goa_status (self, NULL);
  /* After self->goa: the address is GOA's, not one to sign in to here. */
  gtk_entry_set_text (self->email_entry, a->email);
  fill_from_goa (self, a);
  g_queue_push_head (&self->history, (gpointer) g_intern_string ("identity"));
  tern_wizard_enter_page (self, "test");
}

static void
on_goa_clicked (GtkButton *button, TernAccountWizard *self)
{
  const TernOAuthGoaAccount *a = g_object_get_data (G_OBJECT (button), "tern-goa-account");
  g_autoptr(GTask) task = g_task_new (self, self->goa_cancellable, on_goa_token, (gpointer) a);

  show_goa_status (self, NULL);
  g_task_set_task_data (task, g_strdup (a->id), g_free);
  g_task_run_in_thread (task, token_thread);
}

static void
offer_accounts (TernAccountWizard *self)
{
  GtkWidget *status = gtk_label_new (NULL);

  for (guint i = 0; i < self->goa_accounts->len; i++)
    {
      const TernOAuthGoaAccount *a = g_ptr_array_index (self->goa_accounts, i);
      /* Translators: "Use your Google account alice@gmail.com from Settings". */
      g_autofree char *text = g_strdup_printf (_("Use your %s account %s from Settings"),
                                               a->provider_name, a->email);
      GtkWidget *button = gtk_button_new_with_label (text);

      gtk_widget_set_halign (button, GTK_ALIGN_START);
      gtk_widget_set_tooltip_text (button, _("GNOME Online Accounts keeps the sign-in; Tern "
                                             "asks it each time it connects"));
      g_object_set_data (G_OBJECT (button), "tern-goa-account", (gpointer) a);
      g_signal_connect (button, "clicked", G_CALLBACK (on_goa_clicked), self);
      gtk_container_add (GTK_CONTAINER (self->goa_box), button);
      gtk_widget_show (button);
    }
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_label_set_line_wrap (GTK_LABEL (status), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (status), 50);
  gtk_style_context_add_class (gtk_widget_get_style_context (status), "error");
  gtk_style_context_add_class (gtk_widget_get_style_context (status), "tern-sign-in-status");
  g_object_set_data (G_OBJECT (self->goa_box), "tern-status", status);
  gtk_container_add (GTK_CONTAINER (self->goa_box), status);
  gtk_widget_show (GTK_WIDGET (self->goa_box));
}

static void
list_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *accounts = tern_oauth_goa_list_mail_accounts (cancellable, &error);

  if (accounts != NULL)
    g_task_return_pointer (task, accounts, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

static void
on_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TernAccountWizard *self = TERN_ACCOUNT_WIZARD (source);
  g_autoptr(GError) error = NULL;
  GPtrArray *accounts = g_task_propagate_pointer (G_TASK (result), &error);

  if (accounts == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No accounts from GNOME Online Accounts: %s", error->message);
      return;
    }
  if (accounts->len == 0 || self->editing != NULL)
    {
      g_ptr_array_unref (accounts);
      return;
    }
  self->goa_accounts = accounts;
  offer_accounts (self);
}

/* Lists GOA's mail accounts in a thread (D-Bus, maybe starting GOA). */
void
tern_wizard_goa_start (TernAccountWizard *self)
{
  g_autoptr(GTask) task = NULL;

  if (!has_session_bus ())
    return;
  self->goa_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->goa_cancellable, on_listed, NULL);
  g_task_run_in_thread (task, list_thread);
}
