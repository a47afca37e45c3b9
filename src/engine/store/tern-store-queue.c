/* tern-store-queue.c: the durable queues (pending operations, outbox) and
 * POP3 UIDL state. */
#include "store/tern-store-private.h"

static void
bind_blob_or_null (TernStmt *stmt, int idx, GBytes *bytes)
{
  gsize size;
  gconstpointer data;

  if (bytes == NULL)
    {
      sqlite3_bind_null (stmt, idx);
      return;
    }
  data = g_bytes_get_data (bytes, &size);
  sqlite3_bind_blob64 (stmt, idx, data != NULL ? data : "", size, SQLITE_STATIC);
}

static GBytes *
column_bytes (TernStmt *stmt, int col)
{
  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    return NULL;
  return g_bytes_new (sqlite3_column_blob (stmt, col), sqlite3_column_bytes (stmt, col));
}

/* ---- pending operations ------------------------------------------------ */

gint64
tern_store_enqueue_op (TernStore *self, const TernPendingOp *op, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "INSERT INTO pending_ops (account_id, kind, folder_path, dest_path, uids, flags,"
      " keywords, local_message_id, data, created_at, uidvalidity, idents)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, strftime('%s', 'now'), ?, ?)", error);
  int rc;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, op->account_id);
  tern_store_bind_text (stmt, 2, tern_pending_op_kind_to_string (op->kind));
  tern_store_bind_text (stmt, 3, op->folder_path);
  tern_store_bind_text (stmt, 4, op->dest_path);
  tern_store_bind_text (stmt, 5, op->uids);
  sqlite3_bind_int (stmt, 6, op->flags);
  tern_store_bind_text (stmt, 7, op->keywords);
  if (op->local_message_id != 0)
    sqlite3_bind_int64 (stmt, 8, op->local_message_id);
  bind_blob_or_null (stmt, 9, op->data);
  sqlite3_bind_int64 (stmt, 10, op->uidvalidity);
  tern_store_bind_text (stmt, 11, op->idents);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
    return tern_store_not_found (error, "account", op->account_id), 0;
  if (rc != SQLITE_DONE)
    return tern_store_fail (self, rc, "Queueing the operation", error), 0;
  return sqlite3_last_insert_rowid (self->db);
}

static TernPendingOp *
read_op (TernStmt *stmt)
{
  TernPendingOp *op = g_new0 (TernPendingOp, 1);

  op->id = sqlite3_column_int64 (stmt, 0);
  op->account_id = sqlite3_column_int64 (stmt, 1);
  tern_pending_op_kind_from_string ((const char *) sqlite3_column_text (stmt, 2), &op->kind);
  op->folder_path = tern_store_column_dup (stmt, 3);
  op->dest_path = tern_store_column_dup (stmt, 4);
  op->uids = tern_store_column_dup (stmt, 5);
  op->flags = sqlite3_column_int (stmt, 6);
  op->keywords = tern_store_column_dup (stmt, 7);
  op->local_message_id = sqlite3_column_int64 (stmt, 8);
  op->data = column_bytes (stmt, 9);
  op->created_at = sqlite3_column_int64 (stmt, 10);
  op->attempts = sqlite3_column_int (stmt, 11);
  op->last_error = tern_store_column_dup (stmt, 12);
  op->uidvalidity = (guint32) sqlite3_column_int64 (stmt, 13);
  op->idents = tern_store_column_dup (stmt, 14);
  op->held = sqlite3_column_int (stmt, 15) != 0;
  op->stage = (guint) sqlite3_column_int (stmt, 16);
  return op;
}

GPtrArray *
tern_store_list_ops (TernStore *self, gint64 account_id, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT id, account_id, kind, folder_path, dest_path, uids, flags, keywords,"
      " local_message_id, data, created_at, attempts, last_error, uidvalidity, idents, held,"
      " stage"
      " FROM pending_ops"
      " WHERE account_id = ? ORDER BY id", error);
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func
      ((GDestroyNotify) tern_pending_op_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ops, read_op (stmt));
  if (rc != SQLITE_DONE)
    return tern_store_fail (self, rc, "Listing queued operations", error), NULL;
  return g_steal_pointer (&ops);
}

gboolean
tern_store_remove_op (TernStore *self, gint64 op_id, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "DELETE FROM pending_ops WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, op_id);
  return tern_store_step_changed (self, stmt, "queued operation", op_id, error);
}

gboolean
tern_store_record_op_failure (TernStore *self, gint64 op_id, const char *message,
                              GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "UPDATE pending_ops SET attempts = attempts + 1, last_error = ? WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  tern_store_bind_text_or_null (stmt, 1, message);
  sqlite3_bind_int64 (stmt, 2, op_id);
  return tern_store_step_changed (self, stmt, "queued operation", op_id, error);
}

gboolean
tern_store_claim_op (TernStore *self, gint64 op_id, guint stage, gboolean *claimed,
                     GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "UPDATE pending_ops SET stage = ?2 WHERE id = ?1 AND stage = 0", error);

  *claimed = FALSE;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, op_id);
  sqlite3_bind_int (stmt, 2, (int) stage);
  if (!tern_store_step_done (self, stmt, "Claiming the queued operation", error))
    return FALSE;
  *claimed = sqlite3_changes (self->db) == 1;
  return TRUE;
}

gboolean
tern_store_update_op (TernStore *self, const TernPendingOp *op, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "UPDATE pending_ops SET kind = ?, uidvalidity = ?, uids = ?, idents = ?, held = ?,"
      " last_error = ?, attempts = ?, stage = ? WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  tern_store_bind_text (stmt, 1, tern_pending_op_kind_to_string (op->kind));
  sqlite3_bind_int64 (stmt, 2, op->uidvalidity);
  tern_store_bind_text (stmt, 3, op->uids);
  tern_store_bind_text (stmt, 4, op->idents);
  sqlite3_bind_int (stmt, 5, op->held ? 1 : 0);
  tern_store_bind_text_or_null (stmt, 6, op->last_error);
  sqlite3_bind_int (stmt, 7, op->attempts);
  sqlite3_bind_int (stmt, 8, op->stage);
  sqlite3_bind_int64 (stmt, 9, op->id);
  return tern_store_step_changed (self, stmt, "queued operation", op->id, error);
}

/* ---- outbox ------------------------------------------------------------ */

static const char *const outbox_states[] = { "queued", "sending", "failed" };

gint64
tern_store_enqueue_outbox (TernStore *self, gint64 account_id, GBytes *raw,
                           const char *envelope_from, const char *const *recipients,
                           GError **error)
{
  g_autoptr(TernStmt) stmt = NULL;
  int rc;

  if (raw == NULL || recipients == NULL || recipients[0] == NULL)
    return g_set_error_literal (error, TERN_ERROR, TERN_ERROR_INVALID,
                                "A message to send needs content and recipients"), 0;
  stmt = tern_store_prepare (self,
      "INSERT INTO outbox (account_id, raw, env_from, recipients, created_at)"
      " VALUES (?, ?, ?, ?, strftime('%s', 'now'))", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, account_id);
  bind_blob_or_null (stmt, 2, raw);
  tern_store_bind_text (stmt, 3, envelope_from);
  sqlite3_bind_text (stmt, 4, g_strjoinv ("\n", (GStrv) recipients), -1, g_free);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
    return tern_store_not_found (error, "account", account_id), 0;
  if (rc != SQLITE_DONE)
    return tern_store_fail (self, rc, "Queueing the message", error), 0;
  return sqlite3_last_insert_rowid (self->db);
}

static TernOutboxItem *
read_outbox (TernStmt *stmt)
{
  TernOutboxItem *item = g_new0 (TernOutboxItem, 1);
  const char *state = (const char *) sqlite3_column_text (stmt, 9);

  item->id = sqlite3_column_int64 (stmt, 0);
  item->account_id = sqlite3_column_int64 (stmt, 1);
  item->raw = column_bytes (stmt, 2);
  item->envelope_from = tern_store_column_dup (stmt, 3);
  item->recipients = g_strsplit ((const char *) sqlite3_column_text (stmt, 4), "\n", -1);
  item->created_at = sqlite3_column_int64 (stmt, 5);
  item->attempts = sqlite3_column_int (stmt, 6);
  item->next_attempt = sqlite3_column_int64 (stmt, 7);
  item->last_error = tern_store_column_dup (stmt, 8);
  for (guint i = 0; i < G_N_ELEMENTS (outbox_states); i++)
    if (g_strcmp0 (state, outbox_states[i]) == 0)
      item->state = i;
  return item;
}

GPtrArray *
tern_store_list_outbox (TernStore *self, gint64 account_id, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT id, account_id, raw, env_from, recipients, created_at, attempts,"
      " next_attempt, last_error, state FROM outbox WHERE ?1 = 0 OR account_id = ?1"
      " ORDER BY id", error);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func
      ((GDestroyNotify) tern_outbox_item_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (items, read_outbox (stmt));
  if (rc != SQLITE_DONE)
    return tern_store_fail (self, rc, "Listing the outbox", error), NULL;
  return g_steal_pointer (&items);
}

TernOutboxItem *
tern_store_get_outbox (TernStore *self, gint64 item_id, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT id, account_id, raw, env_from, recipients, created_at, attempts,"
      " next_attempt, last_error, state FROM outbox WHERE id = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, item_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return read_outbox (stmt);
  if (rc == SQLITE_DONE)
    return tern_store_not_found (error, "queued message", item_id), NULL;
  return tern_store_fail (self, rc, "Reading the outbox", error), NULL;
}

/* Counts only: the sidebar asks often, and the raw messages stay on disk. */
gboolean
tern_store_count_outbox (TernStore *self, gint64 account_id, guint *n_items, guint *n_failed,
                         GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT count(*), coalesce (sum (state = 'failed'), 0) FROM outbox"
      " WHERE ?1 = 0 OR account_id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    return tern_store_fail (self, rc, "Counting the outbox", error);
  if (n_items != NULL)
    *n_items = (guint) sqlite3_column_int64 (stmt, 0);
  if (n_failed != NULL)
    *n_failed = (guint) sqlite3_column_int64 (stmt, 1);
  return TRUE;
}

gboolean
tern_store_record_outbox_attempt (TernStore *self, gint64 item_id, TernOutboxState state,
                                  const char *error_message, gint64 next_attempt,
                                  GError **error)
{
  g_autoptr(TernStmt) stmt = NULL;

  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (outbox_states), FALSE);
  stmt = tern_store_prepare (self,
      "UPDATE outbox SET attempts = attempts + (?3 IS NOT NULL), state = ?2,"
      " last_error = coalesce (?3, last_error), next_attempt = ?4 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, item_id);
  tern_store_bind_text (stmt, 2, outbox_states[state]);
  tern_store_bind_text_or_null (stmt, 3, error_message);
  sqlite3_bind_int64 (stmt, 4, next_attempt);
  return tern_store_step_changed (self, stmt, "queued message", item_id, error);
}

gboolean
tern_store_remove_outbox (TernStore *self, gint64 item_id, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self, "DELETE FROM outbox WHERE id = ?",
                                                 error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, item_id);
  return tern_store_step_changed (self, stmt, "queued message", item_id, error);
}

/* ---- POP3 UIDLs -------------------------------------------------------- */

gboolean
tern_store_record_uidl (TernStore *self, gint64 account_id, const char *uidl,
                        gint64 message_id, gint64 downloaded_at, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "INSERT INTO pop3_uidls (account_id, uidl, message_id, downloaded_at)"
      " VALUES (?, ?, ?, ?) ON CONFLICT (account_id, uidl) DO UPDATE SET"
      " message_id = excluded.message_id, downloaded_at = excluded.downloaded_at", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  tern_store_bind_text (stmt, 2, uidl);
  if (message_id != 0)
    sqlite3_bind_int64 (stmt, 3, message_id);
  sqlite3_bind_int64 (stmt, 4, downloaded_at);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
    return g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND,
                        "No account %" G_GINT64_FORMAT " or message %" G_GINT64_FORMAT,
                        account_id, message_id), FALSE;
  if (rc != SQLITE_DONE)
    return tern_store_fail (self, rc, "Recording the UIDL", error);
  return TRUE;
}

GPtrArray *
tern_store_list_uidls (TernStore *self, gint64 account_id, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT uidl, downloaded_at, message_id, marks FROM pop3_uidls"
      " WHERE account_id = ? ORDER BY downloaded_at, uidl", error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func
      ((GDestroyNotify) tern_pop3_uidl_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TernPop3Uidl *u = g_new0 (TernPop3Uidl, 1);

      u->uidl = tern_store_column_dup (stmt, 0);
      u->downloaded_at = sqlite3_column_int64 (stmt, 1);
      u->message_id = sqlite3_column_int64 (stmt, 2);
      u->marks = sqlite3_column_int (stmt, 3);
      g_ptr_array_add (list, u);
    }
  if (rc != SQLITE_DONE)
    return tern_store_fail (self, rc, "Listing UIDLs", error), NULL;
  return g_steal_pointer (&list);
}

gboolean
tern_store_mark_uidl (TernStore *self, gint64 account_id, const char *uidl, guint marks,
                      GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "UPDATE pop3_uidls SET marks = ? WHERE account_id = ? AND uidl = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, marks);
  sqlite3_bind_int64 (stmt, 2, account_id);
  tern_store_bind_text (stmt, 3, uidl);
  return tern_store_step_changed (self, stmt, "UIDL of the account", account_id, error);
}

gboolean
tern_store_forget_uidl (TernStore *self, gint64 account_id, const char *uidl, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "DELETE FROM pop3_uidls WHERE account_id = ? AND uidl = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  tern_store_bind_text (stmt, 2, uidl);
  return tern_store_step_done (self, stmt, "Forgetting the UIDL", error);
}
