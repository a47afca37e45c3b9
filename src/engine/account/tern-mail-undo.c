/* tern-mail-undo.c: Undo of moves and deletes (see the header for why it
 * is safe with the pending-op queue). */
#include <string.h>

#include "core/tern-error.h"
#include "account/tern-mail-actions.h"
#include "account/tern-mail-undo.h"

/* The queued MOVE of @m into its current folder, or NULL. */
static TernPendingOp *
queued_move (GPtrArray *ops, const TernMessageSummary *m, const TernFolder *here)
{
  for (guint i = 0; ops != NULL && i < ops->len; i++)
    {
      TernPendingOp *op = g_ptr_array_index (ops, i);

      if (op->kind == TERN_PENDING_MOVE && op->local_message_id == m->id &&
          g_strcmp0 (op->dest_path, here->path) == 0)
        return op;
    }
  return NULL;
}

/* The UID the message had in @from, if the op names one under the folder's
 * current UIDVALIDITY; else 0 (the folder's sync finds it again). */
static guint32
old_uid (const TernPendingOp *op, const TernFolder *from)
{
  char *end = NULL;
  guint64 uid = g_ascii_strtoull (op->uids != NULL ? op->uids : "", &end, 10);

  if (end == NULL || *end != '\0' || uid == 0 || uid > G_MAXUINT32 ||
      g_strcmp0 (op->folder_path, from->path) != 0 || op->uidvalidity != from->uidvalidity)
    return 0;
  return (guint32) uid;
}

/* Cancels what has not gone out; @sent gets (id, from) pairs to move back. */
static gboolean
cancel_unsent (TernStore *store, const gint64 *ids, const gint64 *from_ids, guint n,
               GArray *sent, GError **error)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TernMessageSummary) m = tern_store_get_message (store, ids[i], NULL);
      g_autoptr(TernFolder) here = NULL, from = NULL;
      g_autoptr(GPtrArray) ops = NULL;
      TernPendingOp *op;

      if (m == NULL || m->folder_id == from_ids[i])
        continue;   /* gone meanwhile, or back already */
      if ((here = tern_store_get_folder (store, m->folder_id, error)) == NULL ||
          (from = tern_store_get_folder (store, from_ids[i], error)) == NULL ||
          (ops = tern_store_list_ops (store, m->account_id, error)) == NULL)
        return FALSE;
      op = m->uid == 0 ? queued_move (ops, m, here) : NULL;
      /* The worker is sending it this very moment (the replay claims an op
       * in this same lock before it goes out): neither cancelling nor a
       * move back of a message without its new UID would be right. */
      if (op != NULL && (op->stage != 0 || op->held))
        return g_set_error_literal (error, TERN_ERROR, TERN_ERROR_FAILED,
                                    "The server is taking this change right now. Move the "
                                    "message back in a moment instead."), FALSE;
      if (op == NULL)
        {
          gint64 pair[2] = { m->id, from->id };
          g_array_append_vals (sent, pair, 2);
          continue;
        }
      if (!tern_store_remove_op (store, op->id, error) ||
          !tern_store_move_message (store, m->id, from->id, old_uid (op, from), error))
        return FALSE;
    }
  return TRUE;
}

gboolean
tern_mail_undo_move (TernStore *store, const gint64 *ids, const gint64 *from_folder_ids,
                     guint n, GError **error)
{
  g_autoptr(GArray) sent = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (!tern_store_begin (store, error))
    return FALSE;
  if (!cancel_unsent (store, ids, from_folder_ids, n, sent, error) ||
      !tern_store_commit (store, TRUE, error))
    {
      tern_store_rollback (store);
      return FALSE;
    }
  /* The server has these moves already: move them back (queued moves). */
  for (guint i = 0; i + 1 < sent->len; i += 2)
    if (!tern_mail_move (store, &g_array_index (sent, gint64, i), 1,
                         g_array_index (sent, gint64, i + 1), error))
      return FALSE;
  return TRUE;
}
