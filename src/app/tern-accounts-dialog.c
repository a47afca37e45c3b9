/* tern-accounts-dialog.c: account list, from ui/tern-accounts-dialog.ui.
 *
 * The list is read in a GTask thread on a read-only connection; removing
 * an account is written through the application's store executor (the
 * UI's one writer), and its passwords are cleared in a thread. The rows keep
 * a copy of each account's settings for the wizard.
 */
#include <glib/gi18n.h>

#include "tern-account-wizard.h"
#include "tern-key-shortcuts.h"
#include "tern-accounts-dialog.h"
#include "tern-a11y.h"
#include "tern-account-removal.h"
#include "core/tern-error.h"
#include "store/tern-store-executor.h"

enum { SIGNAL_ADDED, SIGNAL_CHANGED, SIGNAL_REMOVED, N_SIGNALS };
static guint signals[N_SIGNALS];

struct _TernAccountsDialog
{
  GtkWindow parent_instance;

  TernStoreExecutor *executor;
  GtkListBox *account_list;
  GtkLabel *status_label;
  GtkWidget *edit_button;
  GtkWidget *remove_button;
};

G_DEFINE_FINAL_TYPE (TernAccountsDialog, tern_accounts_dialog, GTK_TYPE_WINDOW)

#define SETTINGS_KEY "tern-account-settings"

static const TernAccountSettings *
selected_account (TernAccountsDialog *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->account_list);

  return row != NULL ? g_object_get_data (G_OBJECT (row), SETTINGS_KEY) : NULL;
}

static void
on_row_selected (TernAccountsDialog *self)
{
  gboolean any = selected_account (self) != NULL;

  gtk_widget_set_sensitive (self->edit_button, any);
  gtk_widget_set_sensitive (self->remove_button, any);
}

static GtkWidget *
make_row (const TernAccountSettings *account)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (account->name);
  const char *how = account->protocol == TERN_PROTOCOL_POP3 ? _("Mail is downloaded to this computer")
                                                            : _("Mail stays on the server");
  g_autofree char *detail = g_strcmp0 (account->name, account->email) == 0 || account->email == NULL
                            ? g_strdup (how) : g_strdup_printf ("%s — %s", account->email, how);
  GtkWidget *subtitle = gtk_label_new (detail);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  {
    PangoAttrList *bold = pango_attr_list_new ();

    pango_attr_list_insert (bold, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
    gtk_label_set_attributes (GTK_LABEL (title), bold);
    pango_attr_list_unref (bold);
  }
  gtk_style_context_add_class (gtk_widget_get_style_context (subtitle), "dim-label");
  gtk_container_add (GTK_CONTAINER (box), title);
  gtk_container_add (GTK_CONTAINER (box), subtitle);
  g_object_set (box, "margin", 8, NULL);
  gtk_container_add (GTK_CONTAINER (row), box);
  g_object_set_data_full (G_OBJECT (row), SETTINGS_KEY, tern_account_settings_copy (account),
                          (GDestroyNotify) tern_account_settings_free);
  /* A screen reader says the account, not "list item". */
  {
    g_autofree char *name = g_strdup_printf ("%s, %s", account->name, detail);

    tern_a11y_set_name (row, name);
  }
  gtk_widget_show_all (row);
  return row;
}

/* ---- Listing ------------------------------------------------------------ */

static void
list_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  const char *data_dir = task_data;
  g_autofree char *db = g_build_filename (data_dir, "tern.db", NULL);
  g_autoptr(TernStore) store = NULL;
  GError *error = NULL;
  GPtrArray *accounts;

  /* No store yet: no accounts (the first one creates it). */
  if (!g_file_test (db, G_FILE_TEST_EXISTS))
    {
      g_task_return_pointer (task, g_ptr_array_new (), (GDestroyNotify) g_ptr_array_unref);
      return;
    }
  store = tern_store_open (data_dir, TERN_STORE_OPEN_READ_ONLY, &error);
  accounts = store != NULL ? tern_store_list_accounts (store, &error) : NULL;
  if (accounts == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, accounts, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TernAccountsDialog *self = TERN_ACCOUNTS_DIALOG (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GList) rows = gtk_container_get_children (GTK_CONTAINER (self->account_list));
  guint i;

  for (GList *l = rows; l != NULL; l = l->next)
    gtk_widget_destroy (l->data);
  if (accounts == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The accounts could not be read: %s"), error->message);

      gtk_label_set_text (self->status_label, text);
      return;
    }
  for (i = 0; i < accounts->len; i++)
    gtk_container_add (GTK_CONTAINER (self->account_list), make_row (g_ptr_array_index (accounts, i)));
  on_row_selected (self);
}

void
tern_accounts_dialog_reload (TernAccountsDialog *self)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, on_listed, NULL);

  g_task_set_task_data (task, g_strdup (tern_store_executor_get_data_dir (self->executor)), g_free);
  g_task_run_in_thread (task, list_thread);
}

/* ---- Adding and changing ------------------------------------------------- */

static void
on_wizard_added (TernAccountsDialog *self, gint64 id)
{
  tern_accounts_dialog_reload (self);
  g_signal_emit (self, signals[SIGNAL_ADDED], 0, id);
}

static void
on_wizard_changed (TernAccountsDialog *self, gint64 id)
{
  tern_accounts_dialog_reload (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, id);
}

static void
show_wizard (TernAccountsDialog *self, TernAccountWizard *wizard)
{
  g_signal_connect_object (wizard, "account-added", G_CALLBACK (on_wizard_added), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (wizard, "account-changed", G_CALLBACK (on_wizard_changed), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (wizard));
}

static void
on_add (TernAccountsDialog *self)
{
  show_wizard (self, tern_account_wizard_new (GTK_WINDOW (self), self->executor));
}

static void
on_edit (TernAccountsDialog *self)
{
  const TernAccountSettings *account = selected_account (self);

  if (account != NULL)
    show_wizard (self, tern_account_wizard_new_for_account (GTK_WINDOW (self), self->executor,
                                                            account));
}

/* ---- Removing ------------------------------------------------------------- */

static void
on_removed (gboolean removed, gint64 id, const GError *error, gpointer user_data)
{
  TernAccountsDialog *self = user_data;

  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The account could not be removed: %s"),
                                               error->message);

      gtk_label_set_text (self->status_label, text);
      return;
    }
  if (!removed)
    return;
  gtk_label_set_text (self->status_label, "");
  tern_accounts_dialog_reload (self);
  g_signal_emit (self, signals[SIGNAL_REMOVED], 0, id);
}

static void
on_remove (TernAccountsDialog *self)
{
  const TernAccountSettings *account = selected_account (self);

  if (account != NULL)
    tern_account_removal_confirm (GTK_WINDOW (self), self->executor, account, on_removed,
                                  g_object_ref (self), g_object_unref);
}

/* ---- GObject ---------------------------------------------------------------- */

static void
tern_accounts_dialog_finalize (GObject *object)
{
  g_clear_object (&TERN_ACCOUNTS_DIALOG (object)->executor);
  G_OBJECT_CLASS (tern_accounts_dialog_parent_class)->finalize (object);
}

static void
tern_accounts_dialog_class_init (TernAccountsDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  guint i;
  static const char *names[N_SIGNALS] = { "account-added", "account-changed", "account-removed" };

  G_OBJECT_CLASS (klass)->finalize = tern_accounts_dialog_finalize;
  for (i = 0; i < N_SIGNALS; i++)
    signals[i] = g_signal_new (names[i], G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                               NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ternmail/Tern/tern-accounts-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TernAccountsDialog, account_list);
  gtk_widget_class_bind_template_child (widget_class, TernAccountsDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, TernAccountsDialog, edit_button);
  gtk_widget_class_bind_template_child (widget_class, TernAccountsDialog, remove_button);
  gtk_widget_class_bind_template_callback (widget_class, on_row_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_add);
  gtk_widget_class_bind_template_callback (widget_class, on_edit);
  gtk_widget_class_bind_template_callback (widget_class, on_remove);
}

static void
tern_accounts_dialog_init (TernAccountsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  tern_keys_close_on_escape (GTK_WINDOW (self));
}

TernAccountsDialog *
tern_accounts_dialog_new (GtkWindow *parent, TernStoreExecutor *executor)
{
  TernAccountsDialog *self = g_object_new (TERN_TYPE_ACCOUNTS_DIALOG, "transient-for", parent, NULL);

  self->executor = g_object_ref (executor);
  tern_accounts_dialog_reload (self);
  return self;
}
