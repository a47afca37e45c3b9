/* tern-local-folders.h: the folders "On this computer".
 *
 * They belong to one pseudo-account of protocol TERN_PROTOCOL_LOCAL, made
 * the first time a folder is created there. Its mail lives only in the
 * store: no worker, no server, no pending operations. Paths nest with "/"
 * ("Receipts/2024"). Mail comes in by tern_mail_move()/tern_mail_transfer()
 * from any account, or by import.
 */
#pragma once

#include "store/tern-store.h"

G_BEGIN_DECLS

/* Creates folder @path "On this computer" (and the local account if this
 * is its first folder). TERN_ERROR_EXISTS if there is one; TERN_ERROR_INVALID
 * for an empty name or a path with an empty part ("a//b", "/a"). */
TernFolder *tern_local_folder_create (TernStore *store, const char *path, GError **error);

/* The folder @path "On this computer", made (with the folders above it)
 * if missing. */
TernFolder *tern_local_folder_ensure (TernStore *store, const char *path, GError **error);

/* Renames a local folder and the folders below it. */
gboolean tern_local_folder_rename (TernStore *store, gint64 folder_id, const char *new_path,
                                   GError **error);

/* Deletes a local folder, the folders below it and all their mail. */
gboolean tern_local_folder_delete (TernStore *store, gint64 folder_id, GError **error);

/* Whether @folder_id is a folder "On this computer". */
gboolean tern_local_folder_is_local (TernStore *store, gint64 folder_id);

G_END_DECLS
