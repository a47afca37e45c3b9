/* tern-imap-sync.h: two-way sync of one IMAP account with the store.
 *
 * Runs on the account's worker thread (or in tern-cli), blocking, over a
 * logged-in libetpan session from tern_imap_connect(). The order of work is
 * always: folder list, replay of pending operations (so the user's offline
 * changes reach the server before the server's state is read back), then
 * each folder: UIDVALIDITY check, new messages by UID range in chunks
 * bounded by bytes (memory stays flat), flag changes (CONDSTORE CHANGEDSINCE
 * when offered, else a full FLAGS fetch), expunges (UID SEARCH diff, only
 * when the message count says something vanished).
 *
 * Every chunk is committed with the folder's resume point, so a killed or
 * cut-off sync continues where it stopped, without duplicates.
 */
#pragma once

#include <gio/gio.h>
#include <libetpan/libetpan.h>

#include "store/tern-store.h"

G_BEGIN_DECLS

typedef struct {
  const char *folder_path;   /* folder being synced, or NULL */
  guint folder_index;        /* 1-based */
  guint n_folders;
  guint done;                /* new messages stored in this folder so far */
  guint total;               /* new messages to fetch in this folder */
} TernSyncProgress;

typedef void (*TernSyncProgressFunc) (const TernSyncProgress *progress, gpointer user_data);

/* What an IDLE wait ended with. */
typedef enum {
  TERN_IDLE_CHANGED,         /* the server reported new mail or changes */
  TERN_IDLE_TIMEOUT,         /* nothing within the time; re-IDLE (RFC 2177: < 29 min) */
  TERN_IDLE_INTERRUPTED,     /* the caller's cancellable was cancelled */
  TERN_IDLE_FAILED,          /* see error */
} TernIdleResult;

#define TERN_TYPE_IMAP_SYNC (tern_imap_sync_get_type ())
G_DECLARE_FINAL_TYPE (TernImapSync, tern_imap_sync, TERN, IMAP_SYNC, GObject)

/* Takes ownership of @imap (logged out and freed with the object). @store
 * is the account worker's writer connection. */
TernImapSync *tern_imap_sync_new (mailimap *imap, TernStore *store, gint64 account_id);

void tern_imap_sync_set_progress_func (TernImapSync *self, TernSyncProgressFunc func,
                                       gpointer user_data);

/* Whether the connection must be dropped (stream or parse error seen). */
gboolean tern_imap_sync_must_reconnect (TernImapSync *self);

/* Bytes of message data fetched per command (default 4 MiB). */
void tern_imap_sync_set_chunk_bytes (TernImapSync *self, gsize bytes);

/* LIST (with special-use roles) and LSUB into the store; folders gone from
 * the server are deleted locally. */
gboolean tern_imap_sync_folder_list (TernImapSync *self, GCancellable *cancellable,
                                     GError **error);

/* Replays the account's pending operations in order; each row is removed
 * only after the server confirmed it. A refused operation stays queued
 * with its error (the sync goes on); a lost connection stops the replay. */
gboolean tern_imap_sync_replay (TernImapSync *self, GCancellable *cancellable, GError **error);

/* Syncs one folder (by server path). */
gboolean tern_imap_sync_folder (TernImapSync *self, const char *path,
                                GCancellable *cancellable, GError **error);

/* Folder list, replay, then every folder, the inbox first. */
gboolean tern_imap_sync_all (TernImapSync *self, GCancellable *cancellable, GError **error);

/* Downloads one message's body (opened by the user, outside the offline scope). */
gboolean tern_imap_sync_fetch_body (TernImapSync *self, gint64 message_id,
                                    GCancellable *cancellable, GError **error);

/* Selects @path and waits in IDLE (NOOP polling where IDLE is missing) for at
 * most @timeout_seconds. Call tern_imap_sync_folder() after TERN_IDLE_CHANGED. */
TernIdleResult tern_imap_sync_idle (TernImapSync *self, const char *path,
                                    guint timeout_seconds, GCancellable *cancellable,
                                    GError **error);


G_END_DECLS
