/* tern-imap-folder-ops.c: queued folder changes (create, rename, delete)
 * replayed to the server, and what the folder list must not undo before
 * they are.
 *
 * Each replay is safe to repeat: a sync killed after the server's CREATE,
 * RENAME or DELETE but before the queue row went away finds, on its next
 * try, that the server refuses the command, and LIST shows the end state
 * is there already: the operation is done. A DELETE goes out only for a
 * folder that is empty on the server (its messages were moved to Trash by
 * the operations queued before it); a folder that still holds mail stays,
 * and shows again at the next folder list with its mail.
 */
#include <string.h>

#include "imap/tern-imap-sync-private.h"

/* Whether the server lists @path. */
static gboolean
server_lists (TernImapSync *self, const char *path, gboolean *listed, GError **error)
{
  clist *result = NULL;

  *listed = FALSE;
  if (!tern_imap_sync_ok (self, mailimap_list (self->imap, "", path, &result),
                          "listing folders", error))
    return FALSE;
  for (clistiter *it = clist_begin (result); it != NULL; it = clist_next (it))
    {
      struct mailimap_mailbox_list *mb = clist_content (it);
      if (g_strcmp0 (mb->mb_name, path) == 0 && tern_imap_list_is_selectable (mb))
        *listed = TRUE;
    }
  mailimap_list_result_free (result);
  return TRUE;
}

/* Servers drop the connection when the selected folder is renamed or
 * deleted ("Selected mailbox was deleted, have to disconnect"): select the
 * inbox first when @path (or a folder below it) is selected. */
static gboolean
leave_folder (TernImapSync *self, const char *path, GError **error)
{
  gsize len = strlen (path);

  if (self->selected == NULL || strncmp (self->selected, path, len) != 0 ||
      (self->selected[len] != '\0' && g_ascii_isalnum (self->selected[len])))
    return TRUE;
  return tern_imap_sync_ensure_selected (self, "INBOX", error);
}

/* The command failed without breaking the connection: done after all if the
 * server is in the end state already (an earlier replay was cut off). */
static TernImapReplayResult
done_if (TernImapSync *self, const char *must_exist, const char *must_not_exist,
         GError **refused, GError **error)
{
  gboolean a = TRUE, b = FALSE;

  if ((must_exist != NULL && !server_lists (self, must_exist, &a, error)) ||
      (must_not_exist != NULL && !server_lists (self, must_not_exist, &b, error)))
    return TERN_IMAP_REPLAY_FAILED;
  if (a && !b)
    return TERN_IMAP_REPLAY_DONE;
  g_propagate_error (error, g_steal_pointer (refused));
  return TERN_IMAP_REPLAY_FAILED;
}

static gboolean server_status (TernImapSync *self, const char *path, int att, guint *count,
                               GError **error);

/* The new folder's UIDVALIDITY, so that messages moved into it before its
 * first sync take their UIDs from COPYUID (and can be moved on again). */
static gboolean
record_uidvalidity (TernImapSync *self, const char *path, GError **error)
{
  g_autoptr(TernFolder) folder =
    tern_store_get_folder_by_path (self->store, self->account_id, path, NULL);
  guint uidvalidity;

  if (folder == NULL || folder->uidvalidity != 0)
    return TRUE;
  if (!server_status (self, path, MAILIMAP_STATUS_ATT_UIDVALIDITY, &uidvalidity, error))
    return FALSE;
  if (uidvalidity == 0 || uidvalidity == G_MAXUINT)
    return TRUE;
  return tern_store_update_folder_state (self->store, folder->id, uidvalidity, 0, 0, NULL, error);
}

static TernImapReplayResult
replay_create (TernImapSync *self, const TernPendingOp *op, GError **error)
{
  g_autoptr(GError) refused = NULL;

  if (!tern_imap_sync_ok (self, mailimap_create (self->imap, op->folder_path),
                          "creating a folder", &refused))
    {
      if (self->must_reconnect)
        return g_propagate_error (error, g_steal_pointer (&refused)), TERN_IMAP_REPLAY_FAILED;
      return done_if (self, op->folder_path, NULL, &refused, error);
    }
  mailimap_subscribe (self->imap, op->folder_path);
  return record_uidvalidity (self, op->folder_path, error) ? TERN_IMAP_REPLAY_DONE
                                                          : TERN_IMAP_REPLAY_FAILED;
}

static TernImapReplayResult
replay_rename (TernImapSync *self, const TernPendingOp *op, GError **error)
{
  g_autoptr(GError) refused = NULL;
  TernImapReplayResult result = TERN_IMAP_REPLAY_DONE;

  if (!leave_folder (self, op->folder_path, error))
    return TERN_IMAP_REPLAY_FAILED;
  if (!tern_imap_sync_ok (self, mailimap_rename (self->imap, op->folder_path, op->dest_path),
                          "renaming a folder", &refused))
    {
      if (self->must_reconnect)
        return g_propagate_error (error, g_steal_pointer (&refused)), TERN_IMAP_REPLAY_FAILED;
      result = done_if (self, op->dest_path, op->folder_path, &refused, error);
    }
  if (result == TERN_IMAP_REPLAY_DONE)
    {
      mailimap_unsubscribe (self->imap, op->folder_path);
      mailimap_subscribe (self->imap, op->dest_path);
    }
  return result;
}

/* STATUS @att of @path on the server; G_MAXUINT if the folder is gone. */
static gboolean
server_status (TernImapSync *self, const char *path, int att, guint *count, GError **error)
{
  struct mailimap_status_att_list *atts = mailimap_status_att_list_new_empty ();
  struct mailimap_mailbox_data_status *status = NULL;
  g_autoptr(GError) refused = NULL;
  int r;

  *count = G_MAXUINT;
  mailimap_status_att_list_add (atts, att);
  r = mailimap_status (self->imap, path, atts, &status);
  mailimap_status_att_list_free (atts);
  if (!tern_imap_sync_ok (self, r, "reading a folder's size", &refused))
    {
      gboolean listed;

      if (self->must_reconnect)
        return g_propagate_error (error, g_steal_pointer (&refused)), FALSE;
      /* Refused: gone already, or a real refusal. */
      if (!server_lists (self, path, &listed, error))
        return FALSE;
      if (listed)
        return g_propagate_error (error, g_steal_pointer (&refused)), FALSE;
      return TRUE;
    }
  for (clistiter *it = status->st_info_list ? clist_begin (status->st_info_list) : NULL;
       it != NULL; it = clist_next (it))
    {
      struct mailimap_status_info *info = clist_content (it);
      if (info->st_att == att)
        *count = info->st_value;
    }
  mailimap_mailbox_data_status_free (status);
  if (*count == G_MAXUINT)
    *count = 0;
  return TRUE;
}

static TernImapReplayResult
replay_delete (TernImapSync *self, const TernPendingOp *op, GError **error)
{
  g_autoptr(GError) refused = NULL;
  guint count;

  if (!server_status (self, op->folder_path, MAILIMAP_STATUS_ATT_MESSAGES, &count, error))
    return TERN_IMAP_REPLAY_FAILED;
  if (count == G_MAXUINT)
    return TERN_IMAP_REPLAY_DONE;   /* gone already */
  if (count > 0)
    {
      /* Mail arrived there meanwhile, or a move out of it did not go
       * through: the folder stays, and the next folder list shows it. */
      g_message ("the folder %s holds %u messages on the server: not deleted",
                 op->folder_path, count);
      return TERN_IMAP_REPLAY_DONE;
    }
  if (!leave_folder (self, op->folder_path, error))
    return TERN_IMAP_REPLAY_FAILED;
  if (!tern_imap_sync_ok (self, mailimap_delete (self->imap, op->folder_path),
                          "deleting a folder", &refused))
    {
      if (self->must_reconnect)
        return g_propagate_error (error, g_steal_pointer (&refused)), TERN_IMAP_REPLAY_FAILED;
      return done_if (self, NULL, op->folder_path, &refused, error);
    }
  mailimap_unsubscribe (self->imap, op->folder_path);
  return TERN_IMAP_REPLAY_DONE;
}

gboolean
tern_imap_is_folder_op (const TernPendingOp *op)
{
  return op->kind == TERN_PENDING_CREATE_FOLDER || op->kind == TERN_PENDING_RENAME_FOLDER ||
         op->kind == TERN_PENDING_DELETE_FOLDER;
}

TernImapReplayResult
tern_imap_replay_folder_op (TernImapSync *self, const TernPendingOp *op, GError **error)
{
  switch (op->kind)
    {
    case TERN_PENDING_CREATE_FOLDER:
      return replay_create (self, op, error);
    case TERN_PENDING_RENAME_FOLDER:
      return replay_rename (self, op, error);
    case TERN_PENDING_DELETE_FOLDER:
      return replay_delete (self, op, error);
    default:
      g_assert_not_reached ();
    }
}

/* ---- What the folder list must leave alone ------------------------------------ */

static gboolean
at_or_below (GHashTable *set, const char *path, const char *delim)
{
  GHashTableIter it;
  gpointer key;

  if (g_hash_table_contains (set, path))
    return TRUE;
  g_hash_table_iter_init (&it, set);
  while (g_hash_table_iter_next (&it, &key, NULL))
    if (*delim != '\0' && g_str_has_prefix (path, key) &&
        strncmp (path + strlen (key), delim, strlen (delim)) == 0)
      return TRUE;
  return FALSE;
}

TernImapQueuedFolders *
tern_imap_queued_folders_new (TernImapSync *self, GError **error)
{
  g_autoptr(GPtrArray) ops = tern_store_list_ops (self->store, self->account_id, error);
  TernImapQueuedFolders *q;

  if (ops == NULL)
    return NULL;
  q = g_new0 (TernImapQueuedFolders, 1);
  q->local_only = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  q->gone_here = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < ops->len; i++)
    {
      TernPendingOp *op = g_ptr_array_index (ops, i);
      const char *added = op->kind == TERN_PENDING_CREATE_FOLDER ? op->folder_path
                          : op->kind == TERN_PENDING_RENAME_FOLDER ? op->dest_path : NULL;
      const char *removed = op->kind == TERN_PENDING_RENAME_FOLDER ||
                            op->kind == TERN_PENDING_DELETE_FOLDER ? op->folder_path : NULL;

      if (added != NULL)
        {
          g_hash_table_remove (q->gone_here, added);
          g_hash_table_add (q->local_only, g_strdup (added));
        }
      if (removed != NULL)
        {
          g_hash_table_remove (q->local_only, removed);
          g_hash_table_add (q->gone_here, g_strdup (removed));
        }
    }
  return q;
}

gboolean
tern_imap_queued_folders_keeps (TernImapQueuedFolders *q, const char *path, const char *delim)
{
  return at_or_below (q->local_only, path, delim);
}

gboolean
tern_imap_queued_folders_hides (TernImapQueuedFolders *q, const char *path, const char *delim)
{
  return at_or_below (q->gone_here, path, delim);
}

void
tern_imap_queued_folders_free (TernImapQueuedFolders *q)
{
  if (q == NULL)
    return;
  g_hash_table_unref (q->local_only);
  g_hash_table_unref (q->gone_here);
  g_free (q);
}
