/* tern-accounts-dialog.h: the list of accounts, to change, remove or add.
 *
 * "Change…" opens the account wizard on the account's settings (same fields,
 * same connection test); "Remove…" asks first and says that the mail kept
 * on this computer goes too; "Add Account…" opens the wizard.
 * Signals: "account-added", "account-changed", "account-removed" (gint64 id).
 */
#pragma once

#include <gtk/gtk.h>

#include "store/tern-store-executor.h"

G_BEGIN_DECLS

#define TERN_TYPE_ACCOUNTS_DIALOG (tern_accounts_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TernAccountsDialog, tern_accounts_dialog, TERN, ACCOUNTS_DIALOG, GtkWindow)

/* The accounts of the store @executor writes (the application's: removing
 * an account goes through it, as the wizard's saving does). */
TernAccountsDialog *tern_accounts_dialog_new (GtkWindow *parent, TernStoreExecutor *executor);

/* Reloads the list from the store (asynchronously). */
void tern_accounts_dialog_reload (TernAccountsDialog *self);

G_END_DECLS
