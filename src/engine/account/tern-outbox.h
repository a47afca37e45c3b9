/* tern-outbox.h: the durable outbox and its processor.
 *
 * Sending is always two steps. First the built message is written to the
 * store's outbox with a durable commit (tern_outbox_queue_message()): from
 * then on a crash, a closed laptop or a missing network cannot lose it.
 * Then tern_outbox_process() sends what is due, one SMTP connection for
 * all of it:
 *
 *   item -> state "sending" (durable) -> MAIL/RCPT/DATA
 *     accepted   -> one durable transaction removes the item and files the
 *                   copy in Sent: POP3 accounts store it in the local Sent
 *                   folder; IMAP accounts store it in Sent and queue a
 *                   TERN_PENDING_APPEND to the special-use Sent folder,
 *                   replayed by the IMAP sync (which adopts the new UID);
 *     transient  -> back to "queued" with last_error and next_attempt after
 *                   an exponential backoff (1 min, 2, 4, ... at most 1 h);
 *     permanent  -> "failed" with the server's reason; never sent again
 *                   automatically (tern_outbox_retry() re-queues it).
 *
 * An item found in state "sending" when processing starts was interrupted
 * (Tern crashed or was killed mid-send) and is sent again. That can
 * duplicate the message only if the crash fell between the server's 250
 * after DATA and the commit that removes the item: a window of one local
 * transaction. Both copies carry the same Message-ID, so receiving clients
 * can tell them apart.
 */
#pragma once

#include <gio/gio.h>

#include "core/tern-account-settings.h"
#include "mime/tern-mime-compose.h"
#include "account/tern-secrets.h"
#include "store/tern-store.h"

G_BEGIN_DECLS

/* Builds @msg (From defaults to the account's name and address), queues it
 * durably and returns the outbox id (0 on error). @message_id (optional)
 * receives the Message-ID without <>. */
gint64 tern_outbox_queue_message (TernStore *store, const TernAccountSettings *account,
                                  TernOutgoingMessage *msg, char **message_id, GError **error);

/* Queues an already built message durably; returns the outbox id. */
gint64 tern_outbox_queue_raw (TernStore *store, gint64 account_id, GBytes *raw,
                              const char *envelope_from, const char *const *recipients,
                              GError **error);

/* Puts a failed item back in the queue, due at once. */
gboolean tern_outbox_retry (TernStore *store, gint64 item_id, GError **error);

/* Seconds to wait after the @attempts-th failed attempt. */
gint64 tern_outbox_backoff (guint attempts);

typedef struct {
  guint sent;        /* accepted by the server */
  guint failed;      /* rejected for good in this run */
  guint deferred;    /* failed for now; queued with a backoff */
  guint waiting;     /* not due yet (backoff), untouched */
} TernOutboxResult;

#define TERN_TYPE_OUTBOX (tern_outbox_get_type ())
G_DECLARE_FINAL_TYPE (TernOutbox, tern_outbox, TERN, OUTBOX, GObject)

TernOutbox *tern_outbox_new (TernStore *store, const TernAccountSettings *account,
                             TernSecrets *secrets);
/* The clock for backoff (Unix time); 0 (default) is the real clock. */
void tern_outbox_set_now (TernOutbox *self, gint64 now);
/* Send queued items even before their next_attempt (a user's "send now"). */
void tern_outbox_set_ignore_backoff (TernOutbox *self, gboolean ignore);

/* Sends the account's due items. Returns FALSE with the first send error
 * when something was not sent (see @result for what happened), or on a
 * store error. */
gboolean tern_outbox_process (TernOutbox *self, GCancellable *cancellable,
                              TernOutboxResult *result, GError **error);

G_END_DECLS
