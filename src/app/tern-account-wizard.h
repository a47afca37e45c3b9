/* tern-account-wizard.h: set up a mail account, step by step.
 *
 * Pages: who you are; looking up the provider's settings; how to read mail
 * (IMAP or POP3, in plain words); the receiving server; for POP3, what stays
 * on the server; the sending server; a connection test of both (an
 * untrusted certificate asks through TernCertificateDialog and is pinned);
 * what to keep offline, and the account's name. Finishing writes the
 * account through the given TernStoreExecutor (the application's), stores
 * the password (TernSecrets) in a thread, then emits "account-added" and
 * closes.
 *
 * The same window edits an existing account ("account-changed"): it skips
 * the lookup and starts from the stored settings and passwords.
 */
#pragma once

#include <gtk/gtk.h>

#include "core/tern-account-settings.h"
#include "autoconfig/tern-autoconfig.h"
#include "store/tern-store-executor.h"

G_BEGIN_DECLS

#define TERN_TYPE_ACCOUNT_WIZARD (tern_account_wizard_get_type ())
G_DECLARE_FINAL_TYPE (TernAccountWizard, tern_account_wizard, TERN, ACCOUNT_WIZARD, GtkWindow)

/* A wizard adding an account to the store @executor writes (its data
 * directory also holds the password file, when passwords are kept there). */
TernAccountWizard *tern_account_wizard_new (GtkWindow *parent, TernStoreExecutor *executor);

/* The same pages, filled from @settings (copied), saving with
 * tern_store_update_account(). */
TernAccountWizard *tern_account_wizard_new_for_account (GtkWindow                 *parent,
                                                        TernStoreExecutor         *executor,
                                                        const TernAccountSettings *settings);

/* Replaces the discovery engine (tests point it at local servers). */
void tern_account_wizard_set_autoconfig (TernAccountWizard *self, TernAutoconfig *autoconfig);

/* The name of the page shown ("identity", "discovery", "protocol",
 * "incoming", "retention", "outgoing", "test", "finish"). */
const char *tern_account_wizard_get_page (TernAccountWizard *self);

G_END_DECLS
