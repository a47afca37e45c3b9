/* tern-account-sync.h: the sync sequence of one account, in one place.
 *
 * The app's sync process (through TernAccountWorker) and tern-cli both run
 * an account's network work through this object, so they follow the same
 * code paths:
 *
 *   connect (IMAP keeps its session between calls; POP3 connects per run)
 *   -> IMAP: folder list, replay of pending operations, then the folders
 *      (or one folder); POP3: download into Inbox with retention
 *   -> the outbox: what is due is sent; for IMAP the copies filed in Sent
 *      are queued APPENDs, replayed at once while the session is open.
 *
 * Outbox failures are about outgoing mail and never fail the incoming
 * sync: they come back in TernAccountSyncResult. Blocking; one thread.
 */
#pragma once

#include <gio/gio.h>

#include "account/tern-outbox.h"
#include "account/tern-secrets.h"
#include "core/tern-account-settings.h"
#include "imap/tern-imap-download.h"
#include "imap/tern-imap-sync.h"
#include "net/tern-certificate-info.h"
#include "store/tern-store.h"

G_BEGIN_DECLS

typedef struct {
  guint downloaded;              /* POP3: new messages stored */
  guint deleted;                 /* POP3: deleted from the server */
  TernOutboxResult outbox;       /* what the outbox did */
  GError *outbox_error;          /* outgoing mail failed (NULL: fine or nothing to send) */
  GError *sent_copy_error;       /* IMAP: the copy in Sent waits for the next sync */
} TernAccountSyncResult;

void tern_account_sync_result_clear (TernAccountSyncResult *result);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TernAccountSyncResult, tern_account_sync_result_clear)

#define TERN_TYPE_ACCOUNT_SYNC (tern_account_sync_get_type ())
G_DECLARE_FINAL_TYPE (TernAccountSync, tern_account_sync, TERN, ACCOUNT_SYNC, GObject)

/* @store is the account's writer connection. */
TernAccountSync *tern_account_sync_new (TernStore *store, gint64 account_id, TernSecrets *secrets);

/* Progress of IMAP folders and of the POP3 download (folder "INBOX"). */
void tern_account_sync_set_progress_func (TernAccountSync *self, TernSyncProgressFunc func,
                                          gpointer user_data);
/* A user's explicit "now": send queued mail even before its retry time,
 * and say why nothing went out when no outgoing server is set up. */
void tern_account_sync_set_ignore_outbox_backoff (TernAccountSync *self, gboolean ignore);

/* The settings as last read from the store (by connect); NULL before. */
const TernAccountSettings *tern_account_sync_get_account (TernAccountSync *self);

/* Re-reads the account and, for IMAP, logs in unless a usable session is
 * open. On a certificate problem *@cert_out (optional) gets its details. */
gboolean tern_account_sync_connect (TernAccountSync *self, GCancellable *cancellable,
                                    TernCertificateInfo **cert_out, GError **error);
/* Whether an IMAP session is open and usable (IDLE can wait on it). */
gboolean tern_account_sync_has_session (TernAccountSync *self);
/* Closes the IMAP session (after an error that left the stream unusable). */
void tern_account_sync_drop_session (TernAccountSync *self);
/* What the IMAP server said to the user since the last call (an ALERT, an
 * untagged NO; imap/tern-imap-server-words.h), or NULL. */
GPtrArray *tern_account_sync_take_server_words (TernAccountSync *self);

/* The whole sequence above; @folder: only that IMAP folder (after the
 * folder list and the replay), NULL for all. Connects first. */
gboolean tern_account_sync_run (TernAccountSync *self, const char *folder,
                                GCancellable *cancellable, TernAccountSyncResult *result,
                                TernCertificateInfo **cert_out, GError **error);
/* The incoming part only (no outbox). Connects first. */
gboolean tern_account_sync_incoming (TernAccountSync *self, const char *folder,
                                     GCancellable *cancellable, TernAccountSyncResult *result,
                                     TernCertificateInfo **cert_out, GError **error);
/* IMAP: syncs one folder only (new mail that IDLE announced), without the
 * folder list and the replay. Connects first. */
gboolean tern_account_sync_folder (TernAccountSync *self, const char *path,
                                   GCancellable *cancellable, GError **error);
/* IMAP: replays the pending operations now (no-op for POP3). Connects first. */
gboolean tern_account_sync_replay (TernAccountSync *self, GCancellable *cancellable,
                                   TernCertificateInfo **cert_out, GError **error);
/* Sends what is due in the outbox (see the top of this file). */
void tern_account_sync_send_outbox (TernAccountSync *self, GCancellable *cancellable,
                                    TernAccountSyncResult *result);
/* IMAP: downloads one body outside the offline scope; POP3 mail is whole. */
gboolean tern_account_sync_fetch_body (TernAccountSync *self, gint64 message_id,
                                       GCancellable *cancellable, GError **error);
/* tern_account_sync_fetch_body() for each of @ids, in order; stops at the
 * first failure (the bodies fetched so far stay stored). */
gboolean tern_account_sync_fetch_bodies (TernAccountSync *self, const GArray *ids,
                                         GCancellable *cancellable, GError **error);
/* Streams a message to @fd in pieces (tern-imap-download.h), for one over
 * the download limit: IMAP only. */
gboolean tern_account_sync_download (TernAccountSync *self, gint64 message_id, int fd,
                                     TernDownloadProgressFunc progress, gpointer progress_data,
                                     GCancellable *cancellable, TernCertificateInfo **cert_out,
                                     GError **error);
/* IMAP: waits in IDLE on @path on the open session (see tern_imap_sync_idle). */
TernIdleResult tern_account_sync_idle (TernAccountSync *self, const char *path,
                                       guint timeout_seconds, GCancellable *cancellable,
                                       GError **error);

G_END_DECLS
