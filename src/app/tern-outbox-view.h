/* tern-outbox-view.h: an account's outbox in the main window.
 *
 * Lists the messages waiting to be sent (recipients, subject, state:
 * waiting / sending / not sent, attempts) and, for the selected one, what
 * happened in plain words: that it is about outgoing mail (SMTP), the
 * server's reason, and what the user can do. The Retry, Edit and Delete
 * buttons activate the window actions win.outbox-retry, win.outbox-edit and
 * win.outbox-delete; the window enables them.
 *
 * Rows are read from the (read-only) store on load(), on the main thread:
 * only the headers of each queued message are parsed.
 *
 * Signals:
 *   selection-changed ()
 */
#pragma once

#include <gtk/gtk.h>

#include "store/tern-store.h"

G_BEGIN_DECLS

#define TERN_TYPE_OUTBOX_VIEW (tern_outbox_view_get_type ())
G_DECLARE_FINAL_TYPE (TernOutboxView, tern_outbox_view, TERN, OUTBOX_VIEW, GtkBox)

GtkWidget *tern_outbox_view_new (void);

/* Lists @account_id's outbox, keeping the selected item if it is still
 * there (else the first). */
void tern_outbox_view_load (TernOutboxView *self, TernStore *store, gint64 account_id);
gint64 tern_outbox_view_get_account_id (TernOutboxView *self);
guint tern_outbox_view_get_n_items (TernOutboxView *self);

/* The selected item's id (0: none) and state. */
gint64 tern_outbox_view_get_selected (TernOutboxView *self, TernOutboxState *state);
gboolean tern_outbox_view_select (TernOutboxView *self, gint64 item_id);
/* The plain-word explanation shown for the selected item. */
const char *tern_outbox_view_get_details (TernOutboxView *self);
GtkTreeView *tern_outbox_view_get_tree_view (TernOutboxView *self);
/* The toolbar button for @action_name ("win.outbox-edit"...), for tests. */
GtkWidget *tern_outbox_view_get_button (TernOutboxView *self, const char *action_name);

/* What happened to @item, for a person: outgoing mail (SMTP), the reason,
 * what to do. Markup. */
char *tern_outbox_describe_item (const TernOutboxItem *item);

G_END_DECLS
