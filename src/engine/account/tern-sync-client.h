/* tern-sync-client.h: the app's handle on one account's sync process.
 *
 * The network session of each account runs in a process of its own
 * (src/sync, `tern-sync`): libetpan parses what servers send, and a crash
 * or hang there must cost one account's sync, never the window. This
 * object starts that process, talks to it over a TernSyncChannel and
 * supervises it; its API and signals are those of TernAccountWorker, so
 * the app does not care where the work runs.
 *
 * Supervision: the process sends a heartbeat every few seconds; none for
 * the heartbeat timeout (30 s) means it hangs, and it is killed. When it
 * dies without being asked to (crash, abort, kill), the client reports an
 * incoming-mail error in plain words, answers body fetches in flight with
 * an error, and starts the process again after a backoff (1 s doubling to
 * 5 min; back to 1 s once a sync went through). Retry restarts at once.
 * Nothing is lost with the process: pending operations, drafts and the
 * outbox are rows in the store, and the next process replays them.
 *
 * Signals: as TernAccountWorker, plus
 *   process-exited (int wait_status, gboolean expected)
 */
#pragma once

#include <gio/gio.h>

#include "account/tern-account-worker.h"

G_BEGIN_DECLS

#define TERN_SYNC_HEARTBEAT_TIMEOUT_MS 30000
#define TERN_SYNC_RESTART_MIN_MS 1000
#define TERN_SYNC_RESTART_MAX_MS (5 * 60 * 1000)

#define TERN_TYPE_SYNC_CLIENT (tern_sync_client_get_type ())
G_DECLARE_FINAL_TYPE (TernSyncClient, tern_sync_client, TERN, SYNC_CLIENT, GObject)

/* The tern-sync program: $TERN_SYNC_HELPER, else next to the running
 * program in a build tree (src/sync/tern-sync), else the installed one. */
char *tern_sync_client_find_helper (void);

/* The wait before restart number @failures (1-based): @min_ms doubling,
 * at most @max_ms. */
guint tern_sync_restart_delay (guint failures, guint min_ms, guint max_ms);

TernSyncClient *tern_sync_client_new (const char *helper, const char *data_dir, gint64 account_id);
/* Tests: shorter bounds. */
void tern_sync_client_set_timing (TernSyncClient *self, guint heartbeat_timeout_ms,
                                  guint restart_min_ms, guint restart_max_ms);

gint64 tern_sync_client_get_account_id (TernSyncClient *self);
TernWorkerState tern_sync_client_get_state (TernSyncClient *self);
/* The running process, 0 when none. */
GPid tern_sync_client_get_pid (TernSyncClient *self);
/* Failures since the last good sync; the delay before the next restart. */
guint tern_sync_client_get_failures (TernSyncClient *self);
guint tern_sync_client_get_restart_delay (TernSyncClient *self);

void tern_sync_client_start (TernSyncClient *self);
/* Asks the process to stop and waits a few seconds at most (then kills it). */
void tern_sync_client_stop (TernSyncClient *self);

void tern_sync_client_sync (TernSyncClient *self);
void tern_sync_client_sync_folder (TernSyncClient *self, const char *path);
void tern_sync_client_fetch_body (TernSyncClient *self, gint64 message_id);
void tern_sync_client_push_changes (TernSyncClient *self);
void tern_sync_client_network_changed (TernSyncClient *self, gboolean available);
void tern_sync_client_retry (TernSyncClient *self);
void tern_sync_client_accept_certificate (TernSyncClient *self, gboolean outgoing,
                                          const char *sha256);

G_END_DECLS
