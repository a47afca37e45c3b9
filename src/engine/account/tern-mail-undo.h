/* tern-mail-undo.h: taking back a move or a delete to Trash, for the
 * window's "Undo".
 *
 * Undo is safe with the queue: the move was queued at once (so a crash in
 * the few seconds Undo is offered keeps what the user did), and Undo
 * either cancels the queued MOVE if the server has not had it yet (the
 * row goes away and the message gets its old UID back, in one durable
 * transaction) or, once the server has it, queues the move back. A move
 * the worker is replaying at that very moment may still land: then the
 * next sync shows the message where the server has it, never twice and
 * never lost.
 */
#pragma once

#include "store/tern-store.h"

G_BEGIN_DECLS

/* Puts each message @ids[i] back in @from_folder_ids[i]. */
gboolean tern_mail_undo_move (TernStore *store, const gint64 *ids, const gint64 *from_folder_ids,
                              guint n, GError **error);

G_END_DECLS
