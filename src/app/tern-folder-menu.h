/* tern-folder-menu.h: the sidebar's context menu of a folder.
 *
 * Files dropped on a folder from another program are imported into it.
 * Right-click on a folder: "Archive to this computer…",
 * "Export…" (mbox or Maildir) and "Import…"; on "On this computer" and its
 * folders also "New Folder…", "Rename…" and "Delete". The long work runs off
 * the main loop (export on a thread with its own read-only store; import
 * and archive on the store's writer thread) with a TernTransferDialog
 * showing progress; the sidebar reloads when it is done.
 *
 * The operations are public so that tests run them without the file
 * chooser; each returns the progress dialog (owned by GTK) or NULL when it
 * finished at once.
 */
#pragma once

#include "archive/tern-archive.h"
#include "tern-folder-sidebar.h"
#include "tern-mail-context.h"
#include "tern-transfer-dialog.h"

G_BEGIN_DECLS

#define TERN_TYPE_FOLDER_MENU (tern_folder_menu_get_type ())
G_DECLARE_FINAL_TYPE (TernFolderMenu, tern_folder_menu, TERN, FOLDER_MENU, GObject)

/* Gives @sidebar its context menu (owned by the sidebar; returned borrowed). */
TernFolderMenu *tern_folder_menu_attach (TernFolderSidebar *sidebar, TernMailContext *context,
                                         GtkWindow *window);
/* The folder the menu acts on (0: the "On this computer" row). */
void tern_folder_menu_set_target (TernFolderMenu *self, gint64 folder_id, gboolean is_local);
/* The menu model for the current target ("folder." actions). */
GMenuModel *tern_folder_menu_build (TernFolderMenu *self);

TernTransferDialog *tern_folder_menu_export (TernFolderMenu *self, gint64 folder_id,
                                             TernArchiveFormat format, const char *path);
TernTransferDialog *tern_folder_menu_import (TernFolderMenu *self, gint64 folder_id,
                                             const char *const *paths);
TernTransferDialog *tern_folder_menu_archive (TernFolderMenu *self, gint64 folder_id,
                                              const char *local_path, gint64 before,
                                              gboolean remove);
/* A whole account: its folders but Trash, Junk and Drafts, each into a
 * local folder under "Archive/<account>" (tern_local_archive_account). */
TernTransferDialog *tern_folder_menu_archive_account (TernFolderMenu *self, gint64 account_id,
                                                      gint64 before, gboolean remove);
/* "Archive to this computer…" on an account: asks how old (and, for IMAP,
 * whether the server keeps a copy), then shows the count and size before
 * anything happens, then archive_account() with its progress. */
void tern_folder_menu_ask_archive_account (TernFolderMenu *self, gint64 account_id);
/* Local folders, on the writer thread; the sidebar reloads when done. */
void tern_folder_menu_create_local (TernFolderMenu *self, const char *path);
void tern_folder_menu_rename_local (TernFolderMenu *self, gint64 folder_id, const char *path);
void tern_folder_menu_delete_local (TernFolderMenu *self, gint64 folder_id);

/* The "Move to" menu: appends the folders on this computer ("On this
 * computer › Receipts") as win.move-to targets, unless @account_id is
 * the local account itself. */
void tern_folder_menu_add_local_targets (GMenu *menu, TernStore *store, gint64 account_id);
gboolean tern_folder_menu_is_local_account (TernStore *store, gint64 account_id);

G_END_DECLS
