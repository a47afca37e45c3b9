/* tern-sync-channel.h: the private channel between the app and one
 * account's sync process.
 *
 * GDBus peer-to-peer over a socketpair the app makes and the sync process
 * inherits (no bus, no name: only the two ends can talk). A message is a
 * D-Bus signal with a name and a GVariant: jobs go one way (TERN_SYNC_JOB_*),
 * events the other (TERN_SYNC_EVENT_*). Messages sent before the
 * authentication handshake finished are queued and go out in order.
 * "closed" fires once when the peer went away (exit, crash, handshake
 * failure), in the main context that made the channel.
 */
#pragma once

#include <gio/gio.h>

#include "net/tern-certificate-info.h"

G_BEGIN_DECLS

/* Jobs (app -> sync process), with their parameter types. */
#define TERN_SYNC_JOB_SYNC               "Sync"               /* () */
#define TERN_SYNC_JOB_SYNC_FOLDER        "SyncFolder"         /* (s) path */
#define TERN_SYNC_JOB_FETCH_BODY         "FetchBody"          /* (x) message id */
#define TERN_SYNC_JOB_PUSH               "Push"               /* () replay pending ops, outbox */
#define TERN_SYNC_JOB_NETWORK            "NetworkChanged"     /* (b) available */
#define TERN_SYNC_JOB_RETRY              "Retry"              /* () */
#define TERN_SYNC_JOB_ACCEPT_CERTIFICATE "AcceptCertificate"  /* (bs) outgoing, sha256 */
#define TERN_SYNC_JOB_STOP               "Stop"               /* () */

/* Events (sync process -> app). Errors travel as (sis): domain, code, message. */
#define TERN_SYNC_EVENT_STATE            "State"              /* (i) TernWorkerState */
#define TERN_SYNC_EVENT_PROGRESS         "Progress"           /* (suu) folder, done, total */
#define TERN_SYNC_EVENT_FOLDER_CHANGED   "FolderChanged"      /* (x) folder id */
#define TERN_SYNC_EVENT_FOLDERS_CHANGED  "FoldersChanged"     /* () */
#define TERN_SYNC_EVENT_BODY_FETCHED     "BodyFetched"        /* (x(sis)) id, error or ("",0,"") */
#define TERN_SYNC_EVENT_ERROR            "Error"              /* ((sis)b) error, outgoing */
#define TERN_SYNC_EVENT_CERTIFICATE      "CertificateNeeded"  /* (@a{sv}b) certificate, outgoing */
#define TERN_SYNC_EVENT_OUTBOX_CHANGED   "OutboxChanged"      /* () */
#define TERN_SYNC_EVENT_SERVER_SAID      "ServerSaid"         /* (s) the server's words for the user */
#define TERN_SYNC_EVENT_HEARTBEAT        "Heartbeat"          /* () */

#define TERN_TYPE_SYNC_CHANNEL (tern_sync_channel_get_type ())
G_DECLARE_FINAL_TYPE (TernSyncChannel, tern_sync_channel, TERN, SYNC_CHANNEL, GObject)

/* Takes @fd, one end of a connected AF_UNIX socket. @app_side: the end that
 * authenticates the peer (the app); the sync process is the other side. */
TernSyncChannel *tern_sync_channel_new (int fd, gboolean app_side);

/* Queues @name with @params (floating refs are sunk; NULL is ()). */
void tern_sync_channel_send (TernSyncChannel *self, const char *name, GVariant *params);
/* Writes what is queued and waits until it left (the sync process, before
 * it exits). */
void tern_sync_channel_flush (TernSyncChannel *self);
/* Stops talking; "closed" is not emitted for this. */
void tern_sync_channel_close (TernSyncChannel *self);
gboolean tern_sync_channel_is_closed (TernSyncChannel *self);

/* Signals: message (const char *name, GVariant *params); closed (). */

/* Errors and certificates as GVariants, for the events above. */
GVariant *tern_sync_error_to_variant (const GError *error);
/* NULL for the "no error" value. */
GError *tern_sync_error_from_variant (GVariant *value);
GVariant *tern_sync_certificate_to_variant (const TernCertificateInfo *info);
TernCertificateInfo *tern_sync_certificate_from_variant (GVariant *value);

G_END_DECLS
