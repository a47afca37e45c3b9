/* tern-error-bar.h: one line of the main window's errors: one account's
 * incoming or outgoing mail (or, account 0, the window itself), with the
 * buttons that lead somewhere (Retry, Edit, Enter new password…).
 *
 * The buttons are actionable widgets: win.retry ((xb) account, outgoing),
 * win.error-edit (x account) and app.enter-password (x account). Close
 * hides the bar (response GTK_RESPONSE_CLOSE).
 */
#pragma once

#include <gtk/gtk.h>

#include "tern-error-words.h"

G_BEGIN_DECLS

#define TERN_TYPE_ERROR_BAR (tern_error_bar_get_type ())
G_DECLARE_FINAL_TYPE (TernErrorBar, tern_error_bar, TERN, ERROR_BAR, GtkInfoBar)

TernErrorBar *tern_error_bar_new (gint64 account_id, gboolean outgoing);
gint64 tern_error_bar_get_account_id (TernErrorBar *self);
gboolean tern_error_bar_get_outgoing (TernErrorBar *self);

/* Shows @markup with the buttons @offer names, and the bar. */
void tern_error_bar_set_markup (TernErrorBar *self, const char *markup, TernErrorOffer offer);
/* The text shown (no markup). */
const char *tern_error_bar_get_text (TernErrorBar *self);
/* What it offers now. */
TernErrorOffer tern_error_bar_get_offer (TernErrorBar *self);
/* The button of @offer (one flag), for tests. */
GtkWidget *tern_error_bar_get_button (TernErrorBar *self, TernErrorOffer offer);

/* Gives the close button GtkInfoBar draws a name and a tooltip (GTK 3
 * leaves it nameless for screen readers). */
void tern_info_bar_name_close_button (GtkInfoBar *bar);

G_END_DECLS
