/* tern-sign-in-dialog.h: "Sign In Again…" for one OAuth2 account.
 *
 * Offered by the error bar when the provider refused the account's sign-in
 * (TERN_ERROR_SIGN_IN_AGAIN: the refresh token expired or was revoked; the
 * account is paused, nothing retries by itself). The dialog is built around
 * TernOAuthSignIn: the browser step, then the new tokens are kept
 * (tern_account_keep_tokens, in a thread), "saved" is emitted and the
 * dialog closes; the application then resumes the account.
 */
#pragma once

#include <gtk/gtk.h>

#include "core/tern-account-settings.h"
#include "tern-oauth-sign-in.h"

G_BEGIN_DECLS

#define TERN_TYPE_SIGN_IN_DIALOG (tern_sign_in_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TernSignInDialog, tern_sign_in_dialog, TERN, SIGN_IN_DIALOG, GtkDialog)

/* A dialog for @account (copied; sign_in = oauth2), keeping the tokens for
 * @data_dir's secrets. */
TernSignInDialog *tern_sign_in_dialog_new (GtkWindow                 *parent,
                                          const TernAccountSettings *account,
                                          const char                *data_dir);

/* Its sign-in widget (tests connect to "open-browser": they are the browser). */
TernOAuthSignIn *tern_sign_in_dialog_get_sign_in (TernSignInDialog *self);

G_END_DECLS
