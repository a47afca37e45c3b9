/* tern-folder-actions.h: folders the user creates, renames and deletes.
 *
 * As with messages (tern-mail-actions.h), the store changes at once and,
 * for IMAP accounts, the server operation is queued in pending_ops in the
 * same durable transaction; the worker replays it in order. POP3 accounts'
 * folders are local only. Names are UTF-8 as the user typed them; IMAP
 * paths are built with the account's hierarchy delimiter, in modified UTF-7.
 *
 * Deleting never destroys mail: the folder's messages go to Trash first
 * (queued moves, replayed before the folder's DELETE), and the server's
 * folder is deleted only once it is empty there too.
 */
#pragma once

#include "store/tern-store.h"

G_BEGIN_DECLS

/* Creates @name below @parent_id (0: at the top); returns the new folder's
 * id. INVALID for an empty name or one holding the delimiter, EXISTS when
 * taken. */
gint64 tern_folder_create (TernStore *store, gint64 account_id, gint64 parent_id,
                           const char *name, GError **error);

/* Gives the folder (and the folders below it) the new last name @new_name. */
gboolean tern_folder_rename (TernStore *store, gint64 folder_id, const char *new_name,
                             GError **error);

/* Deletes a folder of the user's (not Inbox, Sent, Drafts, Trash, ...; not one
 * with folders below it). Its messages go to Trash; without a Trash, a folder
 * that holds mail is not deleted (NEEDS_CONFIRMATION: move the mail first). */
gboolean tern_folder_delete (TernStore *store, gint64 folder_id, GError **error);

/* The folder's last path element, decoded from modified UTF-7 (the app
 * names special folders by role: tern_folder_display_name()). */
char *tern_folder_leaf_name (const TernFolder *folder);

G_END_DECLS
