/* tern-imap-sync-private.h: what the parts of TernImapSync share (the sync of
 * folders in tern-imap-sync.c, the replay of queued changes in
 * tern-imap-replay.c). Stays inside src/engine/imap. */
#pragma once

#include "imap/tern-imap-sync.h"
#include "core/tern-account-settings.h"
#include "imap/tern-imap-mailbox.h"

G_BEGIN_DECLS

struct _TernImapSync
{
  GObject parent_instance;

  mailimap *imap;
  TernStore *store;
  gint64 account_id;
  TernAccountSettings *account;
  gsize chunk_bytes;
  guint32 headers_first_uids;   /* the top page of a headers-first download */
  guint parse_threads;
  char *selected;            /* path of the selected folder, or NULL */
  guint32 sel_exists;
  guint32 sel_uidvalidity;   /* of the selected folder */
  gboolean must_reconnect;
  gboolean has_condstore;
  gboolean has_move;
  gboolean has_uidplus;
  gboolean has_idle;
  gboolean has_create_special_use;
  gboolean has_quota;

  /* Of the folder whose new messages are being fetched: the first UID the
   * server listed but did not deliver (the resume point stops there), how
   * many such, and whether local copies without a UID wait for their
   * server copy (moved or saved here without COPYUID/APPENDUID). */
  guint32 gap_uid;
  guint n_undelivered;
  gboolean adopt_unnumbered;

  TernSyncProgressFunc progress_func;
  gpointer progress_data;
  TernSyncProgress progress;

  struct {
    gint64 fetch_us, parse_us, store_us;   /* of the last folder's new messages */
  } stats;
};

gboolean tern_imap_sync_check_cancel (GCancellable *cancellable, GError **error);
/* TRUE if @r is MAILIMAP_NO_ERROR; else the error, in plain words, about @what. */
gboolean tern_imap_sync_ok (TernImapSync *self, int r, const char *what, GError **error);
/* SELECTs @path unless it is selected already; self->sel_uidvalidity is its
 * UIDVALIDITY afterwards. */
gboolean tern_imap_sync_ensure_selected (TernImapSync *self, const char *path, GError **error);
/* SELECTs the folder of stored message @msg, checking that its UID still
 * names it (it has one, and the folder's UIDVALIDITY is unchanged). */
gboolean tern_imap_sync_select_message (TernImapSync *self, const TernMessageSummary *msg,
                                        GError **error);

/* Reads the inbox's storage quota into the store (tern-imap-quota.c);
 * failures are logged, never fatal. */
void tern_imap_sync_read_quota (TernImapSync *self);

/* What a queued operation came to (tern-imap-replay.c). */
typedef enum {
  TERN_IMAP_REPLAY_DONE,     /* confirmed by the server: remove the row */
  TERN_IMAP_REPLAY_KEPT,     /* saved back (held, or with a part left to do) */
  TERN_IMAP_REPLAY_FAILED,   /* see error */
} TernImapReplayResult;

/* Queued folder changes (tern-imap-folder-ops.c). */
gboolean tern_imap_is_folder_op (const TernPendingOp *op);
TernImapReplayResult tern_imap_replay_folder_op (TernImapSync *self, const TernPendingOp *op,
                                                 GError **error);

/* Folders the queue changed here but not yet on the server: the folder list
 * must neither drop the ones made or renamed here (local_only), nor bring
 * back the ones deleted or renamed away here (gone_here). Folders below
 * them count too. */
typedef struct {
  GHashTable *local_only;
  GHashTable *gone_here;
} TernImapQueuedFolders;

TernImapQueuedFolders *tern_imap_queued_folders_new (TernImapSync *self, GError **error);
gboolean tern_imap_queued_folders_keeps (TernImapQueuedFolders *q, const char *path,
                                         const char *delim);
gboolean tern_imap_queued_folders_hides (TernImapQueuedFolders *q, const char *path,
                                         const char *delim);
void tern_imap_queued_folders_free (TernImapQueuedFolders *q);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernImapQueuedFolders, tern_imap_queued_folders_free)

/* Creates Sent, Drafts and Trash on the server where the account has none
 * (tern-imap-special-folders.c); an error only when the connection failed. */
gboolean tern_imap_sync_ensure_special_folders (TernImapSync *self, GError **error);

G_END_DECLS
