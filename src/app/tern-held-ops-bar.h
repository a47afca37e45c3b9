/* tern-held-ops-bar.h: queued changes Tern held back, and a way to drop them.
 *
 * After a server renumbered a folder (a new UIDVALIDITY), a queued change
 * whose messages cannot be found again for certain is held instead of sent
 * (tern-imap-replay.c). This bar shows one line per account with held
 * changes ("1 change could not be sent to the server: <reason>") and a
 * Discard button, which drops them on the writer thread
 * (tern_mail_discard_held(): the server's messages stay where they are). It
 * follows the mail context by itself; the window only places it.
 */
#pragma once

#include <gtk/gtk.h>

#include "tern-mail-context.h"

G_BEGIN_DECLS

#define TERN_TYPE_HELD_OPS_BAR (tern_held_ops_bar_get_type ())
G_DECLARE_FINAL_TYPE (TernHeldOpsBar, tern_held_ops_bar, TERN, HELD_OPS_BAR, GtkInfoBar)

TernHeldOpsBar *tern_held_ops_bar_new (TernMailContext *context);
/* Reads the held changes from the store again. */
void tern_held_ops_bar_refresh (TernHeldOpsBar *self);
/* For tests: the lines shown ("" when hidden), and an account's Discard
 * button (NULL when it has none). */
char *tern_held_ops_bar_get_text (TernHeldOpsBar *self);
GtkWidget *tern_held_ops_bar_get_discard_button (TernHeldOpsBar *self, gint64 account_id);

G_END_DECLS
