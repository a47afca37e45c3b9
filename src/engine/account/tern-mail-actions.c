/* tern-mail-actions.c: user actions -> store + pending operations. */
#include "core/tern-error.h"
#include "imap/tern-imap-uid-set.h"
#include "store/tern-message-import.h"
#include "account/tern-mail-actions.h"

/* The messages of one action, with what they share. */
typedef struct {
  GPtrArray *msgs;              /* TernMessageSummary, same account */
  TernAccountSettings *account;
} Selection;

static void
selection_clear (Selection *sel)
{
  g_clear_pointer (&sel->msgs, g_ptr_array_unref);
  g_clear_pointer (&sel->account, tern_account_settings_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Selection, selection_clear)

static gboolean
load_selection (TernStore *store, const gint64 *ids, guint n_ids, Selection *sel,
                GError **error)
{
  sel->msgs = tern_store_get_summaries (store, ids, n_ids, error);
  if (sel->msgs == NULL)
    return FALSE;
  if (sel->msgs->len == 0)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND, "No such message.");
      return FALSE;
    }
  for (guint i = 1; i < sel->msgs->len; i++)
    if (((TernMessageSummary *) g_ptr_array_index (sel->msgs, i))->account_id !=
        ((TernMessageSummary *) g_ptr_array_index (sel->msgs, 0))->account_id)
      {
        g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID,
                     "Messages of different accounts cannot be changed together.");
        return FALSE;
      }
  sel->account = tern_store_get_account (store,
      ((TernMessageSummary *) g_ptr_array_index (sel->msgs, 0))->account_id, error);
  return sel->account != NULL;
}

/* Groups the selection's messages on the server by folder: folder id ->
 * GPtrArray of TernMessageSummary (borrowed). Messages without a UID (not
 * on the server yet) have nothing to replay. */
static GHashTable *
uids_by_folder (GPtrArray *msgs)
{
  GHashTable *map = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                           (GDestroyNotify) g_ptr_array_unref);

  for (guint i = 0; i < msgs->len; i++)
    {
      TernMessageSummary *m = g_ptr_array_index (msgs, i);
      GPtrArray *group;

      if (m->uid == 0)
        continue;
      group = g_hash_table_lookup (map, &m->folder_id);
      if (group == NULL)
        {
          group = g_ptr_array_new ();
          g_hash_table_insert (map, g_memdup2 (&m->folder_id, sizeof (gint64)), group);
        }
      g_ptr_array_add (group, m);
    }
  return map;
}

/* What finds a message again if the server renumbers its folder before the
 * operation is replayed: one "uid size date message-id" line per message. */
static char *
message_idents (GPtrArray *msgs)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < msgs->len; i++)
    {
      TernMessageSummary *m = g_ptr_array_index (msgs, i);

      g_string_append_printf (s, "%u %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %s\n", m->uid,
                              m->size, m->internal_date, m->message_id ? m->message_id : "");
    }
  return g_string_free (s, FALSE);
}

/* Queues @kind for @msgs (all in @folder_id, all with a UID), naming them by
 * UID in the folder's current UIDVALIDITY. */
static gboolean
enqueue (TernStore *store, TernAccountSettings *account, TernPendingOpKind kind,
         gint64 folder_id, GPtrArray *msgs, guint flags, const char *dest_path,
         gint64 local_message_id, GError **error)
{
  g_autoptr(TernFolder) folder = tern_store_get_folder (store, folder_id, error);
  g_autoptr(TernPendingOp) op = NULL;
  g_autoptr(GArray) uids = g_array_new (FALSE, FALSE, sizeof (guint32));

  if (folder == NULL)
    return FALSE;
  for (guint i = 0; i < msgs->len; i++)
    g_array_append_val (uids, ((TernMessageSummary *) g_ptr_array_index (msgs, i))->uid);
  op = tern_pending_op_new (kind, folder->path);
  op->account_id = account->id;
  op->uids = tern_imap_uid_set_to_string ((guint32 *) uids->data, uids->len);
  op->uidvalidity = folder->uidvalidity;
  op->idents = message_idents (msgs);
  op->flags = flags;
  op->dest_path = g_strdup (dest_path);
  op->local_message_id = local_message_id;
  return tern_store_enqueue_op (store, op, error) != 0;
}

/* Runs @body inside one transaction committed durably: a queued operation
 * must survive a crash before anything is sent to the server. */
static gboolean
in_transaction (TernStore *store, gboolean (*body) (TernStore *, gpointer, GError **),
                gpointer data, GError **error)
{
  if (!tern_store_begin (store, error))
    return FALSE;
  if (body (store, data, error) && tern_store_commit (store, TRUE, error))
    return TRUE;
  tern_store_rollback (store);
  return FALSE;
}

typedef struct {
  Selection sel;
  guint set, clear;
  gint64 dest_folder_id;
  gboolean keep_source;   /* transfer: copy, not move */
  gboolean filed;         /* the mail stays on this computer: no POP3 DELE mark */
} ActionData;

static void
action_data_clear (ActionData *a)
{
  selection_clear (&a->sel);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ActionData, action_data_clear)

static gboolean
change_flags_body (TernStore *store, gpointer data, GError **error)
{
  ActionData *a = data;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) groups = NULL;
  GHashTableIter it;
  gpointer key, value;

  for (guint i = 0; i < a->sel.msgs->len; i++)
    g_array_append_val (ids, ((TernMessageSummary *) g_ptr_array_index (a->sel.msgs, i))->id);
  if (!tern_store_change_flags (store, (gint64 *) ids->data, ids->len, a->set, a->clear, error))
    return FALSE;
  if (a->sel.account->protocol != TERN_PROTOCOL_IMAP)
    return TRUE;
  groups = uids_by_folder (a->sel.msgs);
  g_hash_table_iter_init (&it, groups);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      if (a->set != 0 &&
          !enqueue (store, a->sel.account, TERN_PENDING_SET_FLAGS, *(gint64 *) key, value,
                    a->set, NULL, 0, error))
        return FALSE;
      if (a->clear != 0 &&
          !enqueue (store, a->sel.account, TERN_PENDING_CLEAR_FLAGS, *(gint64 *) key, value,
                    a->clear, NULL, 0, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
tern_mail_change_flags (TernStore *store, const gint64 *ids, guint n_ids, guint set,
                        guint clear, GError **error)
{
  g_auto(ActionData) a = { .set = set, .clear = clear };

  if (!load_selection (store, ids, n_ids, &a.sel, error))
    return FALSE;
  return in_transaction (store, change_flags_body, &a, error);
}

/* One message at a time, so each queued MOVE knows its local message and can
 * give it its new UID once the server answers. */
static gboolean
move_body (TernStore *store, gpointer data, GError **error)
{
  ActionData *a = data;
  g_autoptr(TernFolder) dest = tern_store_get_folder (store, a->dest_folder_id, error);

  if (dest == NULL)
    return FALSE;
  g_assert (dest->account_id == a->sel.account->id);
  for (guint i = 0; i < a->sel.msgs->len; i++)
    {
      TernMessageSummary *m = g_ptr_array_index (a->sel.msgs, i);
      gboolean on_server = a->sel.account->protocol == TERN_PROTOCOL_IMAP && m->uid != 0;

      if (m->folder_id == dest->id)
        continue;
      if (on_server)
        {
          g_autoptr(GPtrArray) one = g_ptr_array_new ();
          g_ptr_array_add (one, m);
          if (!enqueue (store, a->sel.account, TERN_PENDING_MOVE, m->folder_id, one, 0,
                        dest->path, m->id, error))
            return FALSE;
        }
      /* Until the server answers, the message has no UID in its new folder. */
      if (!tern_store_move_message (store, m->id, dest->id, 0, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
tern_mail_move (TernStore *store, const gint64 *ids, guint n_ids, gint64 dest_folder_id,
                GError **error)
{
  g_auto(ActionData) a = { .dest_folder_id = dest_folder_id };
  g_autoptr(TernFolder) dest = tern_store_get_folder (store, dest_folder_id, error);

  if (dest == NULL || !load_selection (store, ids, n_ids, &a.sel, error))
    return FALSE;
  if (dest->account_id != a.sel.account->id)
    return tern_mail_transfer (store, ids, n_ids, dest_folder_id, FALSE, error);
  return in_transaction (store, move_body, &a, error);
}

static gboolean
delete_for_good_body (TernStore *store, gpointer data, GError **error)
{
  ActionData *a = data;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  TernAccountSettings *account = a->sel.account;

  for (guint i = 0; i < a->sel.msgs->len; i++)
    {
      TernMessageSummary *m = g_ptr_array_index (a->sel.msgs, i);

      g_array_append_val (ids, m->id);
      if (account->protocol == TERN_PROTOCOL_POP3 && m->uidl != NULL && !a->filed &&
          account->pop3_leave_on_server && account->pop3_delete_when_deleted_here &&
          !tern_store_mark_uidl (store, account->id, m->uidl, TERN_POP3_MARK_DELETE, error))
        return FALSE;
    }
  if (account->protocol == TERN_PROTOCOL_IMAP)
    {
      g_autoptr(GHashTable) groups = uids_by_folder (a->sel.msgs);
      GHashTableIter it;
      gpointer key, value;

      g_hash_table_iter_init (&it, groups);
      while (g_hash_table_iter_next (&it, &key, &value))
        if (!enqueue (store, account, TERN_PENDING_DELETE, *(gint64 *) key, value, 0, NULL, 0, error))
          return FALSE;
    }
  return tern_store_delete_messages (store, (gint64 *) ids->data, ids->len, error);
}

gboolean
tern_mail_delete_permanently (TernStore *store, const gint64 *ids, guint n_ids, GError **error)
{
  g_auto(ActionData) a = { 0 };

  if (!load_selection (store, ids, n_ids, &a.sel, error))
    return FALSE;
  return in_transaction (store, delete_for_good_body, &a, error);
}

gboolean
tern_mail_delete (TernStore *store, const gint64 *ids, guint n_ids, GError **error)
{
  g_auto(ActionData) a = { 0 };
  g_autoptr(TernFolder) trash = NULL;
  g_autoptr(GArray) trash_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) gone_ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (!load_selection (store, ids, n_ids, &a.sel, error))
    return FALSE;
  trash = tern_store_get_folder_by_role (store, a.sel.account->id, TERN_FOLDER_ROLE_TRASH, NULL);
  if (trash == NULL)
    {
      /* Nowhere to put it: deleting would destroy it. The user decides. */
      g_set_error (error, TERN_ERROR, TERN_ERROR_NEEDS_CONFIRMATION,
                   "The account “%s” has no Trash folder, so deleting removes the "
                   "message for good, here and on the server. Tern creates a Trash "
                   "folder at the next sync where the server allows it.",
                   a.sel.account->name);
      return FALSE;
    }
  for (guint i = 0; i < a.sel.msgs->len; i++)
    {
      TernMessageSummary *m = g_ptr_array_index (a.sel.msgs, i);

      if (m->folder_id != trash->id)
        g_array_append_val (trash_ids, m->id);
      else
        g_array_append_val (gone_ids, m->id);
    }
  if (trash_ids->len > 0 &&
      !tern_mail_move (store, (gint64 *) trash_ids->data, trash_ids->len, trash->id, error))
    return FALSE;
  if (gone_ids->len == 0)
    return TRUE;
  return tern_mail_delete_permanently (store, (gint64 *) gone_ids->data, gone_ids->len, error);
}

gboolean
tern_mail_mark_folder_read (TernStore *store, gint64 folder_id, GError **error)
{
  g_autoptr(GArray) ids = tern_store_list_message_ids (store, folder_id, TERN_SORT_DATE,
                                                       FALSE, error);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GArray) unread = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (ids == NULL)
    return FALSE;
  rows = tern_store_get_summaries (store, (gint64 *) ids->data, ids->len, error);
  if (rows == NULL)
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      TernMessageSummary *m = g_ptr_array_index (rows, i);
      if (!(m->flags & TERN_FLAG_SEEN))
        g_array_append_val (unread, m->id);
    }
  if (unread->len == 0)
    return TRUE;
  return tern_mail_change_flags (store, (gint64 *) unread->data, unread->len,
                                 TERN_FLAG_SEEN, 0, error);
}

/* ---- Held operations ---- */

typedef struct {
  gint64 account_id;
  gint64 op_id;
} DiscardData;

/* Whether the server's copy of @m is in the store, in @path with a UID. */
static gboolean
server_copy_stored (TernStore *store, gint64 account_id, const char *path,
                    const TernMessageSummary *m)
{
  g_autoptr(TernFolder) folder = tern_store_get_folder_by_path (store, account_id, path, NULL);
  g_autoptr(GArray) ids = NULL;

  if (folder == NULL || m->message_id == NULL || *m->message_id == '\0')
    return FALSE;
  ids = tern_store_find_by_message_id (store, account_id, m->message_id, NULL);
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    {
      g_autoptr(TernMessageSummary) s = tern_store_get_message (store, g_array_index (ids, gint64, i), NULL);

      if (s != NULL && s->folder_id == folder->id && s->uid != 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
discard_body (TernStore *store, gpointer data, GError **error)
{
  DiscardData *d = data;
  g_autoptr(GPtrArray) ops = tern_store_list_ops (store, d->account_id, error);
  TernPendingOp *op = NULL;
  g_autoptr(TernMessageSummary) local = NULL;

  if (ops == NULL)
    return FALSE;
  for (guint i = 0; i < ops->len && op == NULL; i++)
    if (((TernPendingOp *) g_ptr_array_index (ops, i))->id == d->op_id)
      op = g_ptr_array_index (ops, i);
  if (op == NULL)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND, "That change is no longer queued.");
      return FALSE;
    }
  if (!op->held)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID,
                   "That change is still waiting to be sent to the server; only a change Tern "
                   "held back can be discarded.");
      return FALSE;
    }
  /* A held move left a local copy, without a UID, in its destination. The
   * server never moved the message: once its copy is back in the source
   * folder the local one is a duplicate; until then it is the only copy
   * here, and stays. A held delete or flag change needs nothing: the server
   * still has the message as it was, and the next sync shows it. */
  if (op->kind == TERN_PENDING_MOVE && op->local_message_id != 0)
    local = tern_store_get_message (store, op->local_message_id, NULL);
  if (local != NULL && local->uid == 0 &&
      server_copy_stored (store, d->account_id, op->folder_path, local) &&
      !tern_store_delete_messages (store, &local->id, 1, error))
    return FALSE;
  return tern_store_remove_op (store, op->id, error);
}

gboolean
tern_mail_discard_held (TernStore *store, gint64 account_id, gint64 op_id, GError **error)
{
  DiscardData d = { account_id, op_id };

  return in_transaction (store, discard_body, &d, error);
}

guint
tern_mail_count_held (TernStore *store, gint64 account_id, const char **first_reason,
                      GPtrArray **ops_out)
{
  g_autoptr(GPtrArray) ops = tern_store_list_ops (store, account_id, NULL);
  guint n = 0;

  if (first_reason != NULL)
    *first_reason = NULL;
  for (guint i = 0; ops != NULL && i < ops->len; i++)
    {
      TernPendingOp *op = g_ptr_array_index (ops, i);

      if (!op->held)
        continue;
      if (n++ == 0 && first_reason != NULL)
        *first_reason = g_intern_string (op->last_error);
    }
  if (ops_out != NULL)
    *ops_out = g_steal_pointer (&ops);
  return n;
}

/* ---- between accounts --------------------------------------------------- */

gboolean
tern_mail_add_record (TernStore *store, const TernFolder *dest,
                      const TernAccountSettings *dest_account, TernMessageRecord *record,
                      GBytes *raw, GError **error)
{
  g_autoptr(GArray) ids = NULL;
  g_autoptr(TernPendingOp) op = NULL;

  record->folder_id = dest->id;
  record->uid = 0;
  record->uidl = NULL;
  record->raw = raw;
  record->body_state = TERN_BODY_STATE_FULL;
  record->size = (gint64) g_bytes_get_size (raw);
  if (!tern_store_insert_messages (store, record, 1, &ids, error))
    return FALSE;
  if (dest_account->protocol != TERN_PROTOCOL_IMAP)
    return TRUE;
  op = tern_pending_op_new (TERN_PENDING_APPEND, dest->path);
  op->account_id = dest_account->id;
  op->flags = record->flags;
  op->data = g_bytes_ref (raw);
  op->local_message_id = g_array_index (ids, gint64, 0);
  return tern_store_enqueue_op (store, op, error) != 0;
}

/* A copy of @m in @dest: its exact bytes, flags, keywords and dates. */
static gboolean
copy_message (TernStore *store, const TernMessageSummary *m, const TernFolder *dest,
              const TernAccountSettings *dest_account, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GBytes) raw = tern_store_get_raw (store, m->id, &local);
  g_autoptr(TernImportedMessage) msg = NULL;

  if (raw == NULL)
    {
      if (g_error_matches (local, TERN_ERROR, TERN_ERROR_NOT_FOUND))
        return g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND,
                            "“%s” is not downloaded to this computer yet, so it cannot be "
                            "copied. Open it once (or sync) while online, then try again.",
                            m->subject != NULL && *m->subject ? m->subject : "A message"),
               FALSE;
      return g_propagate_error (error, g_steal_pointer (&local)), FALSE;
    }
  msg = tern_imported_message_new (raw, FALSE, NULL);
  if (msg == NULL)
    msg = tern_imported_message_new_unparseable (raw);
  tern_imported_message_set_keywords (msg, m->keywords);
  /* The same identity as the original, so duplicates are recognised. */
  if (msg->record.message_id == NULL)
    msg->record.message_id = m->message_id;
  msg->record.flags = m->flags & ~(guint) TERN_FLAG_DELETED;
  msg->record.date = m->date;
  msg->record.internal_date = m->internal_date;
  return tern_mail_add_record (store, dest, dest_account, &msg->record, raw, error);
}

static gboolean
transfer_body (TernStore *store, gpointer data, GError **error)
{
  ActionData *a = data;
  g_autoptr(TernFolder) dest = tern_store_get_folder (store, a->dest_folder_id, error);
  g_autoptr(TernAccountSettings) dest_account = NULL;

  if (dest == NULL ||
      (dest_account = tern_store_get_account (store, dest->account_id, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < a->sel.msgs->len; i++)
    if (!copy_message (store, g_ptr_array_index (a->sel.msgs, i), dest, dest_account, error))
      return FALSE;
  /* Same transaction: the copy and the queued server delete are durable
   * together, before the worker can send the delete. */
  a->filed = TRUE;
  return a->keep_source || delete_for_good_body (store, a, error);
}

gboolean
tern_mail_transfer (TernStore *store, const gint64 *ids, guint n_ids, gint64 dest_folder_id,
                    gboolean keep_source, GError **error)
{
  g_auto(ActionData) a = { .dest_folder_id = dest_folder_id, .keep_source = keep_source };

  if (!load_selection (store, ids, n_ids, &a.sel, error))
    return FALSE;
  return in_transaction (store, transfer_body, &a, error);
}

GArray *
tern_mail_bodies_to_download (TernStore *store, const gint64 *ids, guint n_ids,
                              gint64 dest_folder_id, GError **error)
{
  g_autoptr(GArray) missing = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(TernFolder) dest = NULL;
  g_autoptr(TernAccountSettings) account = NULL;

  if (n_ids == 0)
    return g_steal_pointer (&missing);
  if (dest_folder_id != 0 && (dest = tern_store_get_folder (store, dest_folder_id, error)) == NULL)
    return NULL;
  for (guint i = 0; i < n_ids; i++)
    {
      g_autoptr(TernMessageSummary) m = tern_store_get_message (store, ids[i], error);

      if (m == NULL)
        return NULL;
      if (account == NULL &&
          (account = tern_store_get_account (store, m->account_id, error)) == NULL)
        return NULL;
      /* A move inside its own account is the server's: no bytes needed. */
      if (account->protocol != TERN_PROTOCOL_IMAP || m->body_state == TERN_BODY_STATE_FULL ||
          (dest != NULL && dest->account_id == m->account_id))
        continue;
      g_array_append_val (missing, m->id);
    }
  return g_steal_pointer (&missing);
}
