/* tern-quota-bar.h: the warning that an account's mailbox on the server is
 * almost full.
 *
 * When an account's quota (tern_store_get_quota, read at each sync) reaches
 * 90%, this bar says so in plain words, with "Archive Old Mail…"
 * (win.archive-account with the account id) and a close button. It shows
 * once per account each time the quota crosses 90%: closed, it stays away
 * until the quota went below 90% and up again. It follows the mail context
 * by itself (a sync ending, folders changing); the window only places it.
 */
#pragma once

#include <gtk/gtk.h>

#include "tern-mail-context.h"

G_BEGIN_DECLS

#define TERN_TYPE_QUOTA_BAR (tern_quota_bar_get_type ())
G_DECLARE_FINAL_TYPE (TernQuotaBar, tern_quota_bar, TERN, QUOTA_BAR, GtkInfoBar)

TernQuotaBar *tern_quota_bar_new (TernMailContext *context);
/* Reads the quotas from the store again. */
void tern_quota_bar_refresh (TernQuotaBar *self);
/* The account warned about (0 when hidden), its text and the archive button. */
gint64 tern_quota_bar_get_account_id (TernQuotaBar *self);
const char *tern_quota_bar_get_text (TernQuotaBar *self);
GtkWidget *tern_quota_bar_get_archive_button (TernQuotaBar *self);

G_END_DECLS
