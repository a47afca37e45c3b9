/* tern-account-wizard-save.c: the account wizard saving the account (the store row, then
 * the passwords in libsecret), and loading an edited account's passwords.
 */
#include <glib/gi18n.h>
#include <string.h>

#include "tern-account-wizard-private.h"
#include "tern-app-secrets.h"
#include "account/tern-account-token.h"
#include "core/tern-error.h"
#include "store/tern-store-executor.h"
/* ---- Saving ----------------------------------------------------------------- */

typedef struct {
  char *data_dir;
  TernAccountSettings *settings;
  char *old_name;          /* editing: the name the passwords are stored under */
  char *password;
  char *outgoing_password; /* NULL unless the sending server has its own login */
  TernOAuthTokens *tokens; /* an OAuth2 sign-in's, in place of the passwords */
} SaveData;

void
tern_wizard_wipe (char *secret)
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
  tern_wizard_wipe (data->password);
  tern_wizard_wipe (data->outgoing_password);
  g_clear_pointer (&data->tokens, tern_oauth_tokens_free);
  g_free (data);
}

/* An edited account that keeps its sign-in: GOA keeps its own; an OAuth2
 * refresh token moves with a new name. */
static gboolean
keep_sign_in (TernSecrets *secrets, const SaveData *data, GError **error)
{
  g_autofree char *refresh = NULL;
  gboolean ok = TRUE;

  if (data->settings->sign_in == TERN_SIGN_IN_GOA || data->old_name == NULL
      || g_str_equal (data->old_name, data->settings->name))
    return TRUE;
  refresh = tern_secrets_lookup (secrets, data->old_name, TERN_SECRET_OAUTH2_REFRESH, NULL);
  if (refresh != NULL)
    ok = tern_secrets_store (secrets, data->settings->name, TERN_SECRET_OAUTH2_REFRESH, refresh,
                             error);
  if (ok)
    tern_secrets_clear (secrets, data->old_name, NULL);
  tern_wizard_wipe (g_steal_pointer (&refresh));
  return ok;
}

static gboolean
store_passwords (SaveData *data, GError **error)
{
  g_autoptr(TernSecrets) secrets = tern_app_secrets_new (data->data_dir);
  const char *name = data->settings->name;

  if (data->settings->sign_in != TERN_SIGN_IN_PASSWORD && data->tokens == NULL)
    return keep_sign_in (secrets, data, error);
  if (data->old_name != NULL && !g_str_equal (data->old_name, name))
    tern_secrets_clear (secrets, data->old_name, NULL);
  if (data->tokens != NULL)
    return tern_account_keep_tokens (secrets, name, data->tokens, error);
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
      g_autofree char *name = tern_wizard_trimmed (self->account_name_entry);
      g_autofree char *text = NULL;

      if (g_error_matches (error, TERN_ERROR, TERN_ERROR_EXISTS))
        text = g_strdup_printf (_("You already have an account called “%s”. Choose another name."),
                                name);
      else
        {
          /* The store's and keyring's own text (SQL, D-Bus) goes to the log only. */
          g_message ("Saving account “%s” failed: %s", name, error->message);
          text = g_strdup (g_error_matches (error, TERN_ERROR, TERN_ERROR_SECRETS)
                           ? _("The account could not be saved: the password could not be kept in "
                               "this computer's password keyring. Check that the keyring is "
                               "unlocked, then try again.")
                           : g_error_matches (error, TERN_ERROR, TERN_ERROR_DISK_FULL)
                           ? _("The account could not be saved: the disk is full. Free some "
                               "space, then try again.")
                           : _("The account could not be saved: Tern could not write to its data "
                               "folder. Check that the disk is not full or read-only, then try "
                               "again. The details are in the log."));
        }
      gtk_label_set_text (self->finish_error, text);
      gtk_style_context_add_class (gtk_widget_get_style_context (GTK_WIDGET (self->account_name_entry)),
                                   "error");
      tern_wizard_update_buttons (self);
      return;
    }
  tern_wizard_emit_saved (self, id);
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

void
tern_wizard_save_account (TernAccountWizard *self)
{
  SaveRun *run = g_new0 (SaveRun, 1);
  SaveData *data = g_new0 (SaveData, 1);
  const char *out_password = tern_wizard_outgoing_password (self);

  data->data_dir = g_strdup (tern_store_executor_get_data_dir (self->executor));
  data->settings = tern_wizard_collect_settings (self);
  data->old_name = self->editing ? g_strdup (self->editing->name) : NULL;
  data->password = g_strdup (tern_wizard_text_of (self->password_entry));
  if (out_password != NULL && out_password != tern_wizard_text_of (self->password_entry))
    data->outgoing_password = g_strdup (out_password);
  data->tokens = tern_wizard_copy_tokens (self);
  run->wizard = g_object_ref (self);
  run->data = data;
  self->saving = TRUE;
  gtk_label_set_text (self->finish_error, "");
  tern_wizard_update_buttons (self);
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

  /* An OAuth2 or GOA account: its access token now (refreshed or asked of
   * GOA), for the connection test; in memory only. */
  if (self->editing->sign_in != TERN_SIGN_IN_PASSWORD)
    passwords[0] = tern_account_credential (self->editing, secrets, FALSE, FALSE, cancellable,
                                            NULL);
  else
    {
      passwords[0] = tern_secrets_lookup (secrets, self->editing->name, TERN_SECRET_INCOMING, NULL);
      passwords[1] = tern_secrets_lookup (secrets, self->editing->name, TERN_SECRET_OUTGOING, NULL);
    }
  g_task_return_pointer (task, passwords, (GDestroyNotify) g_strfreev);
}

static void
on_passwords (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TernAccountWizard *self = TERN_ACCOUNT_WIZARD (source);
  char **passwords = g_task_propagate_pointer (G_TASK (result), NULL);

  if (passwords == NULL)
    return;
  if (self->editing->sign_in != TERN_SIGN_IN_PASSWORD)
    {
      tern_wizard_wipe (self->kept_token);
      self->kept_token = passwords[0];
      self->kept_token_pending = FALSE;
      g_free (passwords);
      if (g_strcmp0 (tern_wizard_current_page (self), "test") == 0)
        tern_wizard_start_tests (self);   /* it waited for the token */
      return;
    }
  /* Do not overwrite what the user typed meanwhile. */
  if (passwords[0] != NULL && *tern_wizard_text_of (self->password_entry) == '\0')
    gtk_entry_set_text (self->password_entry, passwords[0]);
  if (passwords[1] != NULL && *tern_wizard_text_of (self->outgoing_password_entry) == '\0')
    {
      gtk_entry_set_text (self->outgoing_password_entry, passwords[1]);
      if (self->editing->smtp_user != NULL && *self->editing->smtp_user != '\0')
        gtk_combo_box_set_active_id (self->outgoing_auth_combo, "other");
    }
  tern_wizard_wipe (passwords[0]);
  tern_wizard_wipe (passwords[1]);
  g_free (passwords);
}

void
tern_wizard_fill_from_settings (TernAccountWizard *self, const TernAccountSettings *s)
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
  tern_wizard_set_security (self->incoming_security_combo, s->incoming_security);
  gtk_entry_set_text (self->incoming_host_entry, s->incoming_host ? s->incoming_host : "");
  gtk_spin_button_set_value (self->incoming_port_spin, s->incoming_port);
  gtk_entry_set_text (self->incoming_user_entry, s->incoming_user ? s->incoming_user : "");
  gtk_toggle_button_set_active (self->incoming_plain_check, s->incoming_security == TERN_SECURITY_NONE);
  tern_wizard_set_str (&self->pin[TERN_CONNECTION_INCOMING], s->incoming_cert_sha256);
  gtk_toggle_button_set_active (self->retention_keep_check, s->pop3_leave_on_server);
  gtk_toggle_button_set_active (s->pop3_delete_after_days == 0 ? self->retention_never_radio
                                                                : self->retention_after_radio, TRUE);
  if (s->pop3_delete_after_days > 0)
    gtk_spin_button_set_value (self->retention_days_spin, s->pop3_delete_after_days);
  gtk_toggle_button_set_active (self->retention_delete_here_check, s->pop3_delete_when_deleted_here);
  tern_wizard_set_security (self->outgoing_security_combo, s->smtp_security);
  gtk_entry_set_text (self->outgoing_host_entry, s->smtp_host ? s->smtp_host : "");
  gtk_spin_button_set_value (self->outgoing_port_spin, s->smtp_port);
  gtk_combo_box_set_active_id (self->outgoing_auth_combo,
                               s->smtp_auth == TERN_SMTP_AUTH_NONE ? "none"
                               : own_login ? "other" : "same");
  gtk_entry_set_text (self->outgoing_user_entry, own_login ? s->smtp_user : "");
  gtk_toggle_button_set_active (self->outgoing_plain_check, s->smtp_security == TERN_SECURITY_NONE);
  tern_wizard_set_str (&self->pin[TERN_CONNECTION_OUTGOING], s->smtp_cert_sha256);
  gtk_toggle_button_set_active (s->offline_days > 0 ? self->offline_recent_radio
                                                    : GTK_TOGGLE_BUTTON (self->offline_all_radio), TRUE);
  if (s->offline_days > 0)
    gtk_spin_button_set_value (self->offline_days_spin, s->offline_days);
  gtk_entry_set_text (self->account_name_entry, s->name ? s->name : "");

  self->kept_token_pending = s->sign_in != TERN_SIGN_IN_PASSWORD;
  task = g_task_new (self, NULL, on_passwords, NULL);
  g_task_run_in_thread (task, lookup_thread);
}
