/* tern-sign-in-dialog.c: "Sign In Again…" (see the header). */
#include <glib/gi18n.h>

#include "tern-sign-in-dialog.h"
#include "tern-app-secrets.h"
#include "account/tern-account-token.h"

enum { SIGNAL_SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

struct _TernSignInDialog
{
  GtkDialog parent_instance;

  TernAccountSettings *account;
  char *data_dir;
  TernOAuthSignIn *sign_in;
};

G_DEFINE_FINAL_TYPE (TernSignInDialog, tern_sign_in_dialog, GTK_TYPE_DIALOG)

/* ---- Keeping the new tokens (the keyring may be slow: a thread) ---------- */

typedef struct {
  char *data_dir;
  char *account;
  TernOAuthTokens *tokens;
} KeepData;

static void
keep_data_free (KeepData *data)
{
  g_free (data->data_dir);
  g_free (data->account);
  tern_oauth_tokens_free (data->tokens);
  g_free (data);
}

static void
keep_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  KeepData *data = task_data;
  g_autoptr(TernSecrets) secrets = tern_app_secrets_new (data->data_dir);
  GError *error = NULL;

  if (tern_account_keep_tokens (secrets, data->account, data->tokens, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_kept (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TernSignInDialog *self = TERN_SIGN_IN_DIALOG (source);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* The keyring's own words go to the log only. */
      g_message ("Keeping the new sign-in of “%s” failed: %s", self->account->name,
                 error->message);
      tern_oauth_sign_in_show_error (self->sign_in,
                                     _("You are signed in, but Tern could not keep the sign-in "
                                       "in this computer's password keyring. Check that the "
                                       "keyring is unlocked, then sign in again."));
      return;
    }
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, self->account->id);
  gtk_widget_destroy (GTK_WIDGET (self));
}

static void
on_signed_in (TernSignInDialog *self)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, on_kept, NULL);
  KeepData *data = g_new0 (KeepData, 1);

  data->data_dir = g_strdup (self->data_dir);
  data->account = g_strdup (self->account->name);
  data->tokens = tern_oauth_tokens_copy (tern_oauth_sign_in_get_tokens (self->sign_in));
  g_task_set_task_data (task, data, (GDestroyNotify) keep_data_free);
  g_task_run_in_thread (task, keep_thread);
}

/* ---- GObject ----------------------------------------------------------------- */

static void
tern_sign_in_dialog_finalize (GObject *object)
{
  TernSignInDialog *self = TERN_SIGN_IN_DIALOG (object);

  tern_account_settings_free (self->account);
  g_free (self->data_dir);
  G_OBJECT_CLASS (tern_sign_in_dialog_parent_class)->finalize (object);
}

static void
tern_sign_in_dialog_class_init (TernSignInDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_sign_in_dialog_finalize;
  /* Emitted with the account's id once the new sign-in is kept. */
  signals[SIGNAL_SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
tern_sign_in_dialog_init (TernSignInDialog *self)
{
}

/* The dialog's content: one line on what happened, then the sign-in. */
static void
build (TernSignInDialog *self)
{
  GtkWidget *area = gtk_dialog_get_content_area (GTK_DIALOG (self));
  g_autofree char *text = g_strdup_printf (_("Your sign-in for “%s” has expired or was revoked, "
                                             "so Tern paused this account. Sign in again; Tern "
                                             "then goes on where it stopped."),
                                           self->account->name);
  GtkWidget *intro = gtk_label_new (text);

  gtk_window_set_title (GTK_WINDOW (self), _("Sign In Again"));
  gtk_dialog_add_button (GTK_DIALOG (self), _("_Cancel"), GTK_RESPONSE_CANCEL);
  g_signal_connect (self, "response", G_CALLBACK (gtk_widget_destroy), NULL);
  gtk_container_set_border_width (GTK_CONTAINER (area), 18);
  gtk_box_set_spacing (GTK_BOX (area), 12);
  gtk_label_set_xalign (GTK_LABEL (intro), 0);
  gtk_label_set_line_wrap (GTK_LABEL (intro), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (intro), 50);
  gtk_container_add (GTK_CONTAINER (area), intro);
  self->sign_in = TERN_OAUTH_SIGN_IN (tern_oauth_sign_in_new ());
  tern_oauth_sign_in_set_provider (self->sign_in, self->account->oauth2_provider,
                                   self->account->email);
  g_signal_connect_object (self->sign_in, "signed-in", G_CALLBACK (on_signed_in), self,
                           G_CONNECT_SWAPPED);
  gtk_container_add (GTK_CONTAINER (area), GTK_WIDGET (self->sign_in));
  gtk_widget_show (intro);
}

TernSignInDialog *
tern_sign_in_dialog_new (GtkWindow *parent, const TernAccountSettings *account,
                         const char *data_dir)
{
  TernSignInDialog *self = g_object_new (TERN_TYPE_SIGN_IN_DIALOG, "transient-for", parent,
                                         "use-header-bar", FALSE, "resizable", FALSE, NULL);

  self->account = tern_account_settings_copy (account);
  self->data_dir = g_strdup (data_dir);
  build (self);
  return self;
}

TernOAuthSignIn *
tern_sign_in_dialog_get_sign_in (TernSignInDialog *self)
{
  g_return_val_if_fail (TERN_IS_SIGN_IN_DIALOG (self), NULL);
  return self->sign_in;
}
