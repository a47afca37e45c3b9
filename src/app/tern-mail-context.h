/* tern-mail-context.h: what the windows share: the store, the account
 * workers, the network state and the queue of user actions.
 *
 * - A read-only TernStore for the main thread (list pages, folders, the
 *   reader): fast reads from a WAL snapshot, never a write.
 * - One sync process per account (TernSyncClient: network work, the
 *   writer of the account's synced rows, restarted when it dies); its signals are
 *   forwarded here with the account id, in the main context.
 * - User actions (tern_mail_* in tern-mail-actions.h) make a durable
 *   commit, so they run on an app-owned writer connection in one
 *   serialized thread (a GThreadPool of one), never on the main loop.
 * - A GNetworkMonitor: the workers hear network_changed from it.
 *
 * Signals (main context):
 *   account-state-changed (gint64 account_id, int TernWorkerState)
 *   progress (gint64 account_id, const char *folder, guint done, guint total)
 *   folder-changed (gint64 account_id, gint64 folder_id)
 *   folders-changed (gint64 account_id)
 *   body-fetched (gint64 message_id, GError *error_or_NULL)
 *   error (gint64 account_id, GError *error, gboolean outgoing)
 *   new-mail (gint64 account_id, gint64 message_id, guint n_new)
 *   online-changed (gboolean online)
 *   certificate-needed (gint64 account_id, TernCertificateInfo *info, gboolean outgoing)
 *       the account's server showed a certificate that needs the user's
 *       decision; answer with tern_mail_context_accept_certificate()
 *   outbox-changed (gint64 account_id)   the outbox may have changed: after
 *       a worker's sync or push, an outgoing error, an outbox action, or
 *       tern_mail_context_outbox_changed()
 *   server-said (gint64 account_id, const char *words)   the incoming server's
 *       words for the user (an ALERT, an untagged NO); sync went on
 */
#pragma once

#include <gio/gio.h>

#include "account/tern-sync-client.h"
#include "store/tern-store.h"
#include "store/tern-store-executor.h"

G_BEGIN_DECLS

#define TERN_TYPE_MAIL_CONTEXT (tern_mail_context_get_type ())
G_DECLARE_FINAL_TYPE (TernMailContext, tern_mail_context, TERN, MAIL_CONTEXT, GObject)

/* Opens (creating it if needed) the store in @data_dir. The password
 * backend follows $TERN_PASSWORD_STORE (file|keyring) like tern-cli. */
TernMailContext *tern_mail_context_new (const char *data_dir, GError **error);
const char *tern_mail_context_get_data_dir (TernMailContext *self);
/* The main thread's read-only connection. */
TernStore *tern_mail_context_get_store (TernMailContext *self);
/* The one writer thread of the UI: user actions and the composer's drafts
 * and sends, serialized, off the main loop. */
TernStoreExecutor *tern_mail_context_get_executor (TernMailContext *self);

/* Starts one worker per account in the store (again after accounts were
 * added: only the missing ones start). */
void tern_mail_context_start_workers (TernMailContext *self);
/* Stops every worker and waits for queued actions. */
void tern_mail_context_shutdown (TernMailContext *self);
/* NULL when the account has no running worker. */
TernSyncClient *tern_mail_context_get_worker (TernMailContext *self, gint64 account_id);
/* Worker state of the account (OFFLINE when it has no worker). */
TernWorkerState tern_mail_context_get_account_state (TernMailContext *self, gint64 account_id);

gboolean tern_mail_context_get_online (TernMailContext *self);
/* For tests and for a network monitor that gets it wrong. */
void tern_mail_context_set_online (TernMailContext *self, gboolean online);

void tern_mail_context_sync_all (TernMailContext *self);
/* Pending operations or outbox items were added for the account: its
 * sync process replays and sends them now. */
void tern_mail_context_push_changes (TernMailContext *self, gint64 account_id);
/* Asks the worker for the body of @message_id; body-fetched follows. */
void tern_mail_context_fetch_body (TernMailContext *self, gint64 message_id);
void tern_mail_context_retry (TernMailContext *self, gint64 account_id);

/* What tern_mail_context_fetch_bodies_async() could not download: how
 * many, the first of them and why (the caller frees @error). */
typedef struct {
  guint failed;
  gint64 failed_id;
  GError *error;
} TernBodiesFetched;

/* Asks the account's sync process for the bodies of @ids (IMAP mail whose
 * body stayed on the server: tern_mail_bodies_to_download) and completes
 * once each has been answered, or at once when the account has no running
 * sync process (G_IO_ERROR_NOT_CONNECTED). Cancelling stops the waiting. */
void tern_mail_context_fetch_bodies_async (TernMailContext     *self,
                                           gint64               account_id,
                                           const GArray        *ids,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
/* FALSE with @error when cancelled or not connected; FALSE with @out's
 * failures filled in when some bodies could not be downloaded. */
gboolean tern_mail_context_fetch_bodies_finish (TernMailContext    *self,
                                                GAsyncResult       *result,
                                                TernBodiesFetched  *out,
                                                GError            **error);
/* The user trusts the certificate of a certificate-needed signal: the sync
 * process pins @sha256 for the incoming (or @outgoing) server and syncs. */
void tern_mail_context_accept_certificate (TernMailContext *self, gint64 account_id,
                                           gboolean outgoing, const char *sha256);

/* ---- user actions ---- */

typedef enum {
  TERN_ACTION_CHANGE_FLAGS,
  TERN_ACTION_MOVE,
  TERN_ACTION_DELETE,
  TERN_ACTION_DELETE_PERMANENTLY,  /* the user confirmed: no Trash */
  TERN_ACTION_MARK_FOLDER_READ,
  /* @ids are outbox item ids: */
  TERN_ACTION_OUTBOX_RETRY,   /* back in the queue, due now; the worker pushes */
  TERN_ACTION_OUTBOX_EDIT,    /* one item back to a draft (finish_id: its id) */
  TERN_ACTION_OUTBOX_DELETE,  /* removed without sending */
} TernActionKind;

/* Runs the action on the writer thread; on success the account's worker
 * is told to push the pending operations. @ids is copied. */
void tern_mail_context_run_action (TernMailContext     *self,
                                   TernActionKind       kind,
                                   const gint64        *ids,
                                   guint                n_ids,
                                   guint                set_flags,
                                   guint                clear_flags,
                                   gint64               folder_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
gboolean tern_mail_context_run_action_finish (TernMailContext  *self,
                                              GAsyncResult     *result,
                                              GError          **error);
/* Like _finish; returns the id the action created (the draft of
 * TERN_ACTION_OUTBOX_EDIT), or 0 on error. */
gint64 tern_mail_context_run_action_finish_id (TernMailContext  *self,
                                               GAsyncResult     *result,
                                               GError          **error);
/* Something outside the context queued mail (a composer): emits
 * outbox-changed. */
void tern_mail_context_outbox_changed (TernMailContext *self, gint64 account_id);

G_END_DECLS
