/* tern-folder-sidebar.h: accounts and their folders.
 *
 * Each account shows its sync state (syncing, offline, needs you); under it
 * its special folders first (Inbox, Drafts, Sent, Archive, Junk, Trash) with
 * icons, then the other folders in their hierarchy; unread counts beside
 * them. Rows are read from the store on reload(); update_folder() changes
 * one row in place. Message rows dragged from the list onto a folder emit
 * messages-dropped.
 *
 * Signals:
 *   folder-selected (gint64 folder_id)        0 when nothing is selected
 *   messages-dropped (gint64 folder_id, GArray *ids)
 *   outbox-selected (gint64 account_id)
 *   files-dropped (gint64 folder_id, GStrv paths)   files from another program
 *                                                   (an mbox, .eml) to import
 *
 * Below the accounts, "On this computer" holds the local folders (no
 * outbox). Under an account's name, the server's quota ("1.2 GB of 2 GB
 * used", tern-folder-quota.c), with a warning icon and words at 90%.
 *
 * Each account has an "Outbox" row (after Inbox, Drafts and Sent) with the
 * number of messages waiting to be sent, and a warning icon (the words in
 * its tooltip) when the server refused some. One per account, not one for all: each account
 * sends through its own SMTP server, so an outbox's errors, its Retry and
 * its worker belong to that account.
 */
#pragma once

#include <gtk/gtk.h>

#include "account/tern-account-worker.h"
#include "store/tern-store.h"

G_BEGIN_DECLS

/* The drag target the message list offers: ids as decimal text. */
#define TERN_MESSAGE_IDS_TARGET "application/x-tern-message-ids"

#define TERN_TYPE_FOLDER_SIDEBAR (tern_folder_sidebar_get_type ())
G_DECLARE_FINAL_TYPE (TernFolderSidebar, tern_folder_sidebar, TERN, FOLDER_SIDEBAR, GtkBin)

GtkWidget *tern_folder_sidebar_new (void);

/* Rebuilds the rows from @store (accounts and folders), keeping the
 * selection where the folder still exists. */
void tern_folder_sidebar_reload (TernFolderSidebar *self, TernStore *store);
/* Re-reads one folder's unread count. */
void tern_folder_sidebar_update_folder (TernFolderSidebar *self, TernStore *store,
                                        gint64 folder_id);
void tern_folder_sidebar_set_account_state (TernFolderSidebar *self, gint64 account_id,
                                            TernWorkerState state);
/* While the account syncs, its row says "Downloading @done of @total"
 * instead of "Syncing…"; total 0 or done >= total clears it. */
void tern_folder_sidebar_set_account_progress (TernFolderSidebar *self, gint64 account_id,
                                               guint done, guint total);
/* The account row's text (markup), for tests. */
char *tern_folder_sidebar_get_account_text (TernFolderSidebar *self, gint64 account_id);

/* Re-reads the count of @account_id's outbox. */
void tern_folder_sidebar_update_outbox (TernFolderSidebar *self, TernStore *store,
                                        gint64 account_id);
/* The count shown beside the account's Outbox. */
guint tern_folder_sidebar_get_outbox_count (TernFolderSidebar *self, gint64 account_id);
gboolean tern_folder_sidebar_select_outbox (TernFolderSidebar *self, gint64 account_id);
/* The account whose outbox is selected, else 0. */
gint64 tern_folder_sidebar_get_selected_outbox (TernFolderSidebar *self);

gboolean tern_folder_sidebar_select_folder (TernFolderSidebar *self, gint64 folder_id);
gint64 tern_folder_sidebar_get_selected_folder (TernFolderSidebar *self);
GtkTreeView *tern_folder_sidebar_get_tree_view (TernFolderSidebar *self);
/* The row at bin-window coordinates @x, @y: a folder (*folder_id, else 0),
 * its account (0: "On this computer" before its first folder), and whether
 * it is on this computer. FALSE where there is no row. */
gboolean tern_folder_sidebar_row_at (TernFolderSidebar *self, int x, int y, gint64 *folder_id,
                                     gint64 *account_id, gboolean *is_local);

/* The account whose own row has the keyboard cursor (a right click or
 * the arrow keys put it there; account rows are never selected), else 0;
 * also 0 for "On this computer". */
gint64 tern_folder_sidebar_get_cursor_account (TernFolderSidebar *self);

/* The label shown for a folder ("Inbox", "Sent", or the last path part). */
char *tern_folder_display_name (const TernFolder *folder);
const char *tern_folder_icon_name (TernFolderRole role);

/* tern-folder-quota.c: appends the quota line of @account_id to the
 * account row's markup in @tree (and at 90% the warning icon and tooltip). */
void tern_folder_sidebar_quota_line (GtkTreeStore *tree, GtkTreeIter *iter, TernStore *store,
                                     gint64 account_id, int markup_col, int icon_col,
                                     int tooltip_col);

G_END_DECLS
