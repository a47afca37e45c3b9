/* tern-password-dialog.c: "Enter new password…" (ui/tern-password-dialog.ui). */
#include <glib/gi18n.h>
#include <string.h>

#include "tern-password-dialog.h"
#include "tern-app-secrets.h"
#include "tern-connection-test.h"
#include "tern-resources.h"

enum { SIGNAL_SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

struct _TernPasswordDialog
{
  GtkDialog parent_instance;

  TernAccountSettings *account;
  char *data_dir;
  GCancellable *cancellable;
  gboolean busy;

  GtkLabel *intro_label;
  GtkLabel *user_label;
  GtkEntry *password_entry;
  GtkSpinner *spinner;
  GtkLabel *status_label;
  GtkWidget *save_button;
};

G_DEFINE_FINAL_TYPE (TernPasswordDialog, tern_password_dialog, GTK_TYPE_DIALOG)

static void
set_busy (TernPasswordDialog *self, gboolean busy, const char *status)
{
  self->busy = busy;
  if (busy)
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);
  gtk_label_set_text (self->status_label, status);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_entry), !busy);
  gtk_widget_set_sensitive (self->save_button,
                            !busy && gtk_entry_get_text_length (self->password_entry) > 0);
}

static void
on_password_changed (TernPasswordDialog *self)
{
  gtk_style_context_remove_class (gtk_widget_get_style_context (GTK_WIDGET (self->password_entry)),
                                  "error");
  set_busy (self, FALSE, "");
}

/* ---- Storing, once the server said yes ----------------------------------- */

typedef struct {
  char *data_dir;
  char *account;
  char *password;
} StoreData;

static void
store_data_free (StoreData *data)
{
  g_free (data->data_dir);
  g_free (data->account);
  if (data->password != NULL)
    memset (data->password, 0, strlen (data->password));
  g_free (data->password);
  g_free (data);
}

static void
store_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  StoreData *data = task_data;
  g_autoptr(TernSecrets) secrets = tern_app_secrets_new (data->data_dir);
  GError *error = NULL;

  if (tern_secrets_store (secrets, data->account, TERN_SECRET_INCOMING, data->password, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TernPasswordDialog *self = TERN_PASSWORD_DIALOG (source);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_message ("Storing the password of “%s” failed: %s", self->account->name, error->message);
      set_busy (self, FALSE, _("The password works, but it could not be kept in this computer's "
                               "password keyring. Check that the keyring is unlocked, then try "
                               "again."));
      return;
    }
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, self->account->id);
  gtk_widget_destroy (GTK_WIDGET (self));
}

static void
store_password (TernPasswordDialog *self)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, on_stored, NULL);
  StoreData *data = g_new0 (StoreData, 1);

  data->data_dir = g_strdup (self->data_dir);
  data->account = g_strdup (self->account->name);
  data->password = g_strdup (gtk_entry_get_text (self->password_entry));
  g_task_set_task_data (task, data, (GDestroyNotify) store_data_free);
  g_task_run_in_thread (task, store_thread);
}

/* ---- Testing first ------------------------------------------------------- */

static void
on_tested (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernPasswordDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (tern_connection_test_finish (result, NULL, &error))
    {
      set_busy (self, TRUE, _("The server accepted the password. Saving…"));
      store_password (self);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  text = tern_connection_error_describe (self->account, TERN_CONNECTION_INCOMING, error, NULL);
  set_busy (self, FALSE, text);
  gtk_style_context_add_class (gtk_widget_get_style_context (GTK_WIDGET (self->password_entry)),
                               "error");
  gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
}

static void
tern_password_dialog_response (GtkDialog *dialog, int response)
{
  TernPasswordDialog *self = TERN_PASSWORD_DIALOG (dialog);
  g_autofree char *status = NULL;

  if (response != GTK_RESPONSE_ACCEPT)
    {
      gtk_widget_destroy (GTK_WIDGET (self));
      return;
    }
  if (self->busy || gtk_entry_get_text_length (self->password_entry) == 0)
    return;
  status = g_strdup_printf (_("Logging in to %s…"), self->account->incoming_host);
  set_busy (self, TRUE, status);
  tern_connection_test_async (self->account, TERN_CONNECTION_INCOMING,
                              gtk_entry_get_text (self->password_entry), self->cancellable,
                              on_tested, g_object_ref (self));
}

/* ---- GObject --------------------------------------------------------------- */

static void
tern_password_dialog_dispose (GObject *object)
{
  TernPasswordDialog *self = TERN_PASSWORD_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->password_entry != NULL)
    gtk_entry_set_text (self->password_entry, "");   /* the buffer wipes what it deletes */
  G_OBJECT_CLASS (tern_password_dialog_parent_class)->dispose (object);
}

static void
tern_password_dialog_finalize (GObject *object)
{
  TernPasswordDialog *self = TERN_PASSWORD_DIALOG (object);

  g_clear_pointer (&self->account, tern_account_settings_free);
  g_free (self->data_dir);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (tern_password_dialog_parent_class)->finalize (object);
}

static void
tern_password_dialog_class_init (TernPasswordDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tern_password_dialog_dispose;
  object_class->finalize = tern_password_dialog_finalize;
  GTK_DIALOG_CLASS (klass)->response = tern_password_dialog_response;

  /* Emitted with the account's id once the new password works and is kept:
   * its sync can be retried. */
  signals[SIGNAL_SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  (void) tern_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ternmail/Tern/tern-password-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TernPasswordDialog, intro_label);
  gtk_widget_class_bind_template_child (widget_class, TernPasswordDialog, user_label);
  gtk_widget_class_bind_template_child (widget_class, TernPasswordDialog, password_entry);
  gtk_widget_class_bind_template_child (widget_class, TernPasswordDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, TernPasswordDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, TernPasswordDialog, save_button);
  gtk_widget_class_bind_template_callback (widget_class, on_password_changed);
}

static void
tern_password_dialog_init (TernPasswordDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  atk_object_set_name (gtk_widget_get_accessible (GTK_WIDGET (self->password_entry)),
                       _("New password"));
}

TernPasswordDialog *
tern_password_dialog_new (GtkWindow *parent, const TernAccountSettings *account, const char *data_dir)
{
  TernPasswordDialog *self;
  g_autofree char *intro = NULL;

  g_return_val_if_fail (account != NULL && data_dir != NULL, NULL);
  self = g_object_new (TERN_TYPE_PASSWORD_DIALOG, "transient-for", parent, NULL);
  self->account = tern_account_settings_copy (account);
  self->data_dir = g_strdup (data_dir);
  intro = g_strdup_printf (_("The server %s did not accept the password of “%s”. Enter the new "
                             "password: Tern tries it before keeping it."),
                           account->incoming_host, account->name);
  gtk_label_set_text (self->intro_label, intro);
  gtk_label_set_text (self->user_label, account->incoming_user);
  set_busy (self, FALSE, "");
  return self;
}
