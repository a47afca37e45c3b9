/* tern-sync-service.h: the sync process's end of the channel.
 *
 * Turns the jobs that arrive on a TernSyncChannel into calls of the
 * account's TernAccountWorker (the thread that holds the network session
 * and the account's writer connection), and the worker's signals into
 * events. Sends a heartbeat every @heartbeat_ms so the app can tell a hung
 * process from a quiet one. "finished" fires when the app said Stop or went
 * away: the worker is stopped by then and the process can exit.
 */
#pragma once

#include "account/tern-account-worker.h"
#include "account/tern-sync-channel.h"

G_BEGIN_DECLS

#define TERN_SYNC_HEARTBEAT_MS 5000

#define TERN_TYPE_SYNC_SERVICE (tern_sync_service_get_type ())
G_DECLARE_FINAL_TYPE (TernSyncService, tern_sync_service, TERN, SYNC_SERVICE, GObject)

/* Starts @worker. */
TernSyncService *tern_sync_service_new (TernSyncChannel *channel, TernAccountWorker *worker,
                                        guint heartbeat_ms);
gboolean tern_sync_service_is_finished (TernSyncService *self);

G_END_DECLS
