/* tern-error-bars.h: the main window's errors, one line per account and
 * direction ("Incoming mail for Work", "Outgoing mail for Home"), so two
 * accounts offline show two bars, and fixing one hides only its own.
 * Account 0 is the window's own line (the store, an action that failed).
 */
#pragma once

#include <gtk/gtk.h>

#include "account/tern-account-worker.h"
#include "store/tern-store.h"
#include "tern-error-bar.h"

G_BEGIN_DECLS

#define TERN_TYPE_ERROR_BARS (tern_error_bars_get_type ())
G_DECLARE_FINAL_TYPE (TernErrorBars, tern_error_bars, TERN, ERROR_BARS, GtkBox)

GtkWidget *tern_error_bars_new (void);

/* Shows (or replaces) the line of @account_id's incoming or @outgoing mail. */
TernErrorBar *tern_error_bars_show (TernErrorBars *self, gint64 account_id, gboolean outgoing,
                                    const char *markup, TernErrorOffer offer);
void tern_error_bars_hide (TernErrorBars *self, gint64 account_id, gboolean outgoing);
/* The line of @account_id and direction, shown or not; NULL if never shown. */
TernErrorBar *tern_error_bars_lookup (TernErrorBars *self, gint64 account_id, gboolean outgoing);
/* The line shown last (for tests; created hidden if there was none). */
TernErrorBar *tern_error_bars_get_latest (TernErrorBars *self);
/* The line for @error of @account_id's incoming or @outgoing mail, in
 * plain words (tern-error-words.h); details go to the log. */
TernErrorBar *tern_error_bars_show_error (TernErrorBars *self, TernStore *store, gint64 account_id,
                                          const GError *error, gboolean outgoing);
/* The outgoing line from the account's outbox: why messages wait or were
 * refused (the server's reason), hidden once the outbox is empty. A
 * password or keyring error shown for the account stays until then. */
void tern_error_bars_update_outbox (TernErrorBars *self, TernStore *store, gint64 account_id);
/* The account's worker changed state: its incoming line goes once the
 * account is up to date after a new try (connecting or syncing after the
 * error). An IDLE that only follows the error (the worker waits on a
 * session the server kept open) leaves the server's words shown. */
void tern_error_bars_account_state (TernErrorBars *self, gint64 account_id, TernWorkerState state);
/* What @account_id's incoming server said to the user (an ALERT, an
 * untagged NO) on its incoming line; it stays until closed or replaced,
 * and does not push aside an error shown there (that is logged only). */
TernErrorBar *tern_error_bars_show_server_said (TernErrorBars *self, TernStore *store,
                                                gint64 account_id, const char *words);
/* Whether @account_id's incoming line shows, and with the server's words. */
gboolean tern_error_bars_shows_server_said (TernErrorBars *self, gint64 account_id);
/* How many lines show. */
guint tern_error_bars_count_shown (TernErrorBars *self);

G_END_DECLS
