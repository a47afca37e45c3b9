/* tern-account-removal.h: "Remove Account…", asked first.
 *
 * One way for the Accounts window and the sidebar's account menu: a
 * warning that says what goes (POP3: the only copy of mail no longer on
 * the server; IMAP: the copy on this computer), "Remove Account" as the
 * destructive choice and Cancel the default. The account is removed
 * through @executor (the application's one writer), then its passwords
 * are cleared in a thread.
 */
#pragma once

#include <gtk/gtk.h>

#include "store/tern-store-executor.h"

G_BEGIN_DECLS

/* Called once the user answered: @removed is FALSE when the user said
 * Cancel or the store failed (then @error says why, in plain words). */
typedef void (*TernAccountRemovedFunc) (gboolean removed, gint64 account_id, const GError *error,
                                        gpointer user_data);

/* Asks over @parent whether to remove @account (copied), and does it. */
void tern_account_removal_confirm (GtkWindow *parent, TernStoreExecutor *executor,
                                   const TernAccountSettings *account,
                                   TernAccountRemovedFunc done, gpointer user_data,
                                   GDestroyNotify destroy);

G_END_DECLS
