/* tern-local-archive.h: "Archive to this computer…".
 *
 * Copies a folder's mail (all of it, or what is older than a date) into a
 * folder "On this computer", in batches of 200, each batch one durable
 * transaction. With @remove the batch's originals are deleted in that same
 * transaction, which queues their server delete (a pending op the worker
 * replays only afterwards): mail is on this computer's disk before the
 * server is asked to delete it. Cancelling stops between batches; running
 * it again carries on, skipping messages already in the local folder (same
 * Message-ID and size).
 *
 * Blocking: call from a worker thread or the CLI.
 */
#pragma once

#include <gio/gio.h>

#include "store/tern-store.h"

G_BEGIN_DECLS

typedef struct {
  guint total;            /* messages that qualify */
  guint64 bytes;          /* their size */
  guint archived;         /* copied (and moved, with remove) so far */
  guint already_there;    /* skipped: already in the local folder */
  guint not_downloaded;   /* skipped: only their headers are on this computer */
} TernLocalArchiveResult;

typedef void (*TernLocalArchiveProgress) (const TernLocalArchiveResult *sofar,
                                          gpointer                      user_data);

/* How many messages of @folder_id are older than @before (Unix time; 0:
 * every message) and their size: what the user confirms. */
gboolean tern_local_archive_count (TernStore *store, gint64 folder_id, gint64 before,
                                   TernLocalArchiveResult *out, GError **error);

gboolean tern_local_archive (TernStore                *store,
                             gint64                    folder_id,
                             gint64                    dest_folder_id,
                             gint64                    before,
                             gboolean                  remove,
                             TernLocalArchiveProgress  progress,
                             gpointer                  user_data,
                             GCancellable             *cancellable,
                             TernLocalArchiveResult   *result,
                             GError                  **error);

/* The messages tern_local_archive() would take whose body is still on the
 * server (tern_mail_bodies_to_download): downloaded first, by the CLI's
 * session or the window's sync process, they are archived too. */
GArray *tern_local_archive_to_download (TernStore *store, gint64 folder_id, gint64 before,
                                        GError **error);

/* ---- a whole account ---- */

/* The folders an account archive takes: all but Trash, Junk, Drafts and
 * the outbox. */
GPtrArray *tern_local_archive_account_folders (TernStore *store, gint64 account_id,
                                               GError **error);
/* Where @folder goes under @root: "Archive/Work" + "Lists/gtk" gives
 * "Archive/Work/Lists/gtk" (nested with "/", whatever the server's
 * delimiter); the inbox is "Inbox". */
char *tern_local_archive_dest_path (const char *root, const TernFolder *folder);
/* "Archive/<account name>": the default @root. */
char *tern_local_archive_default_root (const TernAccountSettings *account);

gboolean tern_local_archive_account_count (TernStore *store, gint64 account_id, gint64 before,
                                           TernLocalArchiveResult *out, GError **error);

/* tern_local_archive_to_download() over the account's archived folders. */
GArray *tern_local_archive_account_to_download (TernStore *store, gint64 account_id,
                                                gint64 before, GError **error);

/* tern_local_archive() for each of the account's folders in turn, into one
 * local folder each under @root (made if missing); @progress and @result
 * count over all of them. Resuming after a cancel or a crash carries on
 * where it stopped: the finished folders have nothing left to do. */
gboolean tern_local_archive_account (TernStore                *store,
                                     gint64                    account_id,
                                     const char               *root,
                                     gint64                    before,
                                     gboolean                  remove,
                                     TernLocalArchiveProgress  progress,
                                     gpointer                  user_data,
                                     GCancellable             *cancellable,
                                     TernLocalArchiveResult   *result,
                                     GError                  **error);

G_END_DECLS
