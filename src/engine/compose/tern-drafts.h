/* tern-drafts.h: drafts and outbox items, as the composer reads and writes them.
 *
 * Replies and forwards start from a stored message's raw bytes; drafts are
 * local rows in the account's Drafts folder (for IMAP also an APPEND queued
 * to the server's Drafts, replacing the previous version); sending puts the
 * built message in the outbox, durably, so it goes out once the account's
 * worker is online. Nothing here touches the network.
 *
 * A draft keeps what the message itself cannot carry in two private headers
 * that are never sent: X-Tern-Bcc (the Bcc list) and X-Tern-Origin ("reply
 * <message-id>" or "forward <message-id>"), so a reopened draft still flags
 * its original when sent.
 */
#pragma once

#include "mime/tern-mime-compose.h"
#include "store/tern-store.h"

G_BEGIN_DECLS

typedef enum {
  TERN_COMPOSE_NEW,
  TERN_COMPOSE_REPLY,
  TERN_COMPOSE_REPLY_ALL,
  TERN_COMPOSE_FORWARD_INLINE,
  TERN_COMPOSE_FORWARD_ATTACHMENT,
} TernComposeMode;

/* Which message a composition answers or forwards, for the flag it gets
 * once sent (\Answered or $Forwarded). */
typedef struct {
  char *message_id;   /* Message-ID of the original, without <> */
  gboolean forward;   /* TRUE: $Forwarded, FALSE: \Answered */
} TernComposeOrigin;

void tern_compose_origin_free (TernComposeOrigin *origin);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernComposeOrigin, tern_compose_origin_free)

/* A reply or forward of stored message @message_id, from @account's
 * identity. TERN_ERROR_NOT_FOUND (with a message saying so) when the
 * message's body has not been downloaded yet. *origin_out (optional)
 * receives the origin to pass to tern_compose_queue_send(). */
TernOutgoingMessage *tern_compose_new_from_message (TernStore *store, gint64 message_id,
                                                    const TernAccountSettings *account,
                                                    TernComposeMode mode,
                                                    TernComposeOrigin **origin_out,
                                                    GError **error);

/* ---- Drafts ---- */

/* The draft's bytes: @msg built with the private draft headers. */
GBytes *tern_draft_build (TernOutgoingMessage *msg, const TernComposeOrigin *origin,
                          GError **error);
/* Saves @msg as the newest draft of @account_id and removes
 * @previous_draft_id (0: none) in one durable transaction. IMAP accounts
 * also queue an APPEND to Drafts and, for a previous version already on the
 * server, its deletion and expunge. Returns the new draft's local id.
 * TERN_ERROR_NOT_FOUND if the account has no Drafts folder. */
gint64 tern_draft_save (TernStore *store, gint64 account_id, TernOutgoingMessage *msg,
                        const TernComposeOrigin *origin, gint64 previous_draft_id,
                        GError **error);
/* Removes a draft for good (locally, and queued for the server). */
gboolean tern_draft_discard (TernStore *store, gint64 draft_id, GError **error);
/* Reopens a draft: the message with its Bcc, attachments and threading
 * headers; *origin_out (optional) its origin, or NULL. */
TernOutgoingMessage *tern_draft_load (TernStore *store, gint64 draft_id,
                                      TernComposeOrigin **origin_out, GError **error);

/* ---- Back from the outbox ---- */

/* The message of a queued outbox item, to edit again: To, Cc, subject,
 * text and attachments from the message; Bcc from the envelope recipients
 * that are in neither To nor Cc. */
TernOutgoingMessage *tern_outbox_item_to_message (const TernOutboxItem *item, GError **error);
/* Takes outbox item @item_id back to edit: saves it as a new draft of its
 * account and removes it from the outbox in one durable transaction.
 * Returns the draft's id. TERN_ERROR_INVALID while the item is being sent,
 * TERN_ERROR_NOT_FOUND once it was sent or removed. */
gint64 tern_outbox_item_to_draft (TernStore *store, gint64 item_id, GError **error);
/* Removes outbox item @item_id without sending it (durable); the same
 * errors as tern_outbox_item_to_draft(). */
gboolean tern_outbox_item_discard (TernStore *store, gint64 item_id, GError **error);

/* ---- Sending ---- */

/* Builds @msg and puts it in @account_id's outbox in one durable
 * transaction, flags the original named by @origin (may be NULL) and
 * discards @draft_id (0: none). Returns the outbox item id. */
gint64 tern_compose_queue_send (TernStore *store, gint64 account_id, TernOutgoingMessage *msg,
                                const TernComposeOrigin *origin, gint64 draft_id,
                                GError **error);

G_END_DECLS
