/* tern-password-dialog.h: "Enter new password…" for one account.
 *
 * Offered when the server refused the password, instead of the whole
 * account wizard: the user types the new password, the dialog tests the
 * login (TernConnectionTest, incoming side) and, once it works, stores it
 * (TernSecrets, in a thread), emits "saved" and closes. The password is
 * never written anywhere before the server accepted it. */
#pragma once

#include <gtk/gtk.h>

#include "core/tern-account-settings.h"

G_BEGIN_DECLS

#define TERN_TYPE_PASSWORD_DIALOG (tern_password_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TernPasswordDialog, tern_password_dialog, TERN, PASSWORD_DIALOG, GtkDialog)

/* A dialog for @account (copied), keeping the password for @data_dir. */
TernPasswordDialog *tern_password_dialog_new (GtkWindow                 *parent,
                                              const TernAccountSettings *account,
                                              const char                *data_dir);

G_END_DECLS
