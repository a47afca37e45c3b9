/* tern-account-removal.c: "Remove Account…", asked first (see the header). */
#include <glib/gi18n.h>

#include "tern-account-removal.h"
#include "tern-app-secrets.h"
#include "account/tern-account-token.h"

typedef struct {
  TernStoreExecutor *executor;
  TernAccountSettings *account;
  TernAccountRemovedFunc done;
  gpointer user_data;
  GDestroyNotify destroy;
} Removal;

static void
removal_finish (Removal *r, gboolean removed, const GError *error)
{
  if (r->done != NULL)
    r->done (removed, r->account->id, error, r->user_data);
  if (r->destroy != NULL)
    r->destroy (r->user_data);
  g_object_unref (r->executor);
  tern_account_settings_free (r->account);
  g_free (r);
}

static gboolean
remove_account_job (TernStore *store, gpointer data, GError **error)
{
  const TernAccountSettings *account = data;

  return tern_store_remove_account (store, account->id, error);
}

static void
clear_passwords_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  TernAccountSettings *account = task_data;
  const char *data_dir = g_object_get_data (G_OBJECT (task), "tern-data-dir");
  g_autoptr(TernSecrets) secrets = tern_app_secrets_new (data_dir);

  /* The account is gone; a password left behind is only untidy. A
   * sign-in is revoked at the provider first (best effort). */
  tern_account_revoke_sign_in (account, secrets, NULL);
  tern_secrets_clear (secrets, account->name, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
on_removed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Removal *r = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;

  if (!tern_store_executor_run_finish (r->executor, result, &error))
    {
      removal_finish (r, FALSE, error);
      return;
    }
  task = g_task_new (NULL, NULL, NULL, NULL);
  g_object_set_data_full (G_OBJECT (task), "tern-data-dir",
                          g_strdup (tern_store_executor_get_data_dir (r->executor)), g_free);
  g_task_set_task_data (task, tern_account_settings_copy (r->account),
                        (GDestroyNotify) tern_account_settings_free);
  g_task_run_in_thread (task, clear_passwords_thread);
  removal_finish (r, TRUE, NULL);
}

static void
on_response (GtkDialog *confirm, int response, gpointer user_data)
{
  Removal *r = user_data;

  gtk_widget_destroy (GTK_WIDGET (confirm));
  if (response != GTK_RESPONSE_ACCEPT)
    {
      removal_finish (r, FALSE, NULL);
      return;
    }
  /* The job only reads the account: it stays ours until on_removed. */
  tern_store_executor_run_async (r->executor, remove_account_job, r->account, NULL, NULL,
                                 on_removed, r);
}

void
tern_account_removal_confirm (GtkWindow *parent, TernStoreExecutor *executor,
                              const TernAccountSettings *account, TernAccountRemovedFunc done,
                              gpointer user_data, GDestroyNotify destroy)
{
  Removal *r = g_new0 (Removal, 1);
  GtkWidget *confirm, *remove;

  r->executor = g_object_ref (executor);
  r->account = tern_account_settings_copy (account);
  r->done = done;
  r->user_data = user_data;
  r->destroy = destroy;
  confirm = gtk_message_dialog_new (parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                    GTK_MESSAGE_WARNING, GTK_BUTTONS_NONE,
                                    _("Remove the account “%s”?"), account->name);
  gtk_message_dialog_format_secondary_text (
    GTK_MESSAGE_DIALOG (confirm), "%s",
    account->protocol == TERN_PROTOCOL_POP3
    ? _("The mail Tern downloaded for this account is deleted from this computer. Mail that is "
        "no longer on the server is lost for good.")
    : _("The copy of this account's mail on this computer is deleted. Your mail on the server "
        "stays there."));
  gtk_dialog_add_button (GTK_DIALOG (confirm), _("_Cancel"), GTK_RESPONSE_CANCEL);
  remove = gtk_dialog_add_button (GTK_DIALOG (confirm), _("_Remove Account"), GTK_RESPONSE_ACCEPT);
  gtk_style_context_add_class (gtk_widget_get_style_context (remove), "destructive-action");
  gtk_dialog_set_default_response (GTK_DIALOG (confirm), GTK_RESPONSE_CANCEL);
  g_signal_connect (confirm, "response", G_CALLBACK (on_response), r);
  gtk_widget_show (confirm);
}
