/* tern-account-worker.h: one background thread per account.
 *
 * It runs inside the account's sync process (src/sync, see
 * tern-sync-client.h for the app's side); engine tests use it directly.
 *
 * The GTK main loop never touches the network or blocks on the disk: it
 * queues jobs here (sync, fetch a body, send queued changes) and hears back
 * through signals, emitted in the main context that created the worker.
 * The worker owns the account's writer connection to the store and its
 * server session. Between jobs it waits in IMAP IDLE on the inbox (new mail
 * shows within seconds), or polls where IDLE is missing and for POP3. When
 * the server cannot be reached it backs off (5 s doubling to 5 min); a new
 * job or tern_account_worker_network_changed() retries at once.
 */
#pragma once

#include <gio/gio.h>

#include "account/tern-secrets.h"

G_BEGIN_DECLS

typedef enum {
  TERN_WORKER_OFFLINE,       /* cannot reach the server; waiting to retry */
  TERN_WORKER_CONNECTING,
  TERN_WORKER_SYNCING,
  TERN_WORKER_IDLE,          /* connected and up to date */
  TERN_WORKER_NEEDS_USER,    /* wrong password or certificate decision: no retry */
  TERN_WORKER_STOPPED,
} TernWorkerState;

#define TERN_TYPE_ACCOUNT_WORKER (tern_account_worker_get_type ())
G_DECLARE_FINAL_TYPE (TernAccountWorker, tern_account_worker, TERN, ACCOUNT_WORKER, GObject)

/* Signals (all in the creating thread's main context):
 *   state-changed (TernWorkerState state)
 *   progress (const char *folder, guint done, guint total)
 *   folder-changed (gint64 folder_id)   messages or counts of a folder changed
 *   folders-changed ()                  the folder list changed
 *   body-fetched (gint64 message_id, GError *error_or_NULL)
 *   error (GError *error, gboolean outgoing)  in plain words; outgoing = SMTP
 *   certificate-needed (TernCertificateInfo *info, gboolean outgoing)
 *   outbox-changed ()                   the outbox sent or failed something
 *   server-said (const char *words)     the incoming server's words for the
 *                                       user (an ALERT, an untagged NO) during
 *                                       a job; not an error, sync goes on
 */

typedef enum {
  TERN_WORKER_SIGNAL_STATE_CHANGED,
  TERN_WORKER_SIGNAL_PROGRESS,
  TERN_WORKER_SIGNAL_FOLDER_CHANGED,
  TERN_WORKER_SIGNAL_FOLDERS_CHANGED,
  TERN_WORKER_SIGNAL_BODY_FETCHED,
  TERN_WORKER_SIGNAL_ERROR,
  TERN_WORKER_SIGNAL_CERTIFICATE_NEEDED,
  TERN_WORKER_SIGNAL_OUTBOX_CHANGED,
  TERN_WORKER_SIGNAL_SERVER_SAID,
  TERN_WORKER_N_SIGNALS
} TernWorkerSignal;

/* Creates the signals above on @type (a class with the worker's surface,
 * such as TernSyncClient), their ids in @signals. */
void tern_account_worker_add_signals (GType type, guint ids[TERN_WORKER_N_SIGNALS]);

TernAccountWorker *tern_account_worker_new (const char *data_dir, gint64 account_id,
                                            TernSecrets *secrets);
gint64 tern_account_worker_get_account_id (TernAccountWorker *self);
TernWorkerState tern_account_worker_get_state (TernAccountWorker *self);

/* Starts the thread (and a first full sync). */
void tern_account_worker_start (TernAccountWorker *self);
/* Cancels what runs and joins the thread. Blocks briefly. */
void tern_account_worker_stop (TernAccountWorker *self);

void tern_account_worker_sync (TernAccountWorker *self);
void tern_account_worker_sync_folder (TernAccountWorker *self, const char *path);
void tern_account_worker_fetch_body (TernAccountWorker *self, gint64 message_id);
/* Pending operations (and the outbox) were added: send them now. */
void tern_account_worker_push_changes (TernAccountWorker *self);
/* The network came back (GNetworkMonitor): retry now instead of after backoff. */
void tern_account_worker_network_changed (TernAccountWorker *self, gboolean available);
/* The user fixed the password or pinned a certificate: try again. */
void tern_account_worker_retry (TernAccountWorker *self);
/* The user trusted the certificate of a certificate-needed signal: pins
 * @sha256 for the incoming (or @outgoing) server in the store, then syncs. */
void tern_account_worker_accept_certificate (TernAccountWorker *self, gboolean outgoing,
                                             const char *sha256);

G_END_DECLS
