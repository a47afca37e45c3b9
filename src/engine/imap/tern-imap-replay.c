/* tern-imap-replay.c: the offline queue (pending_ops) replayed to the server.
 *
 * A queued operation names its messages by UID in the UIDVALIDITY it was
 * queued under. If the server renumbered the folder meanwhile, each message
 * is found again by Message-ID, size and date in the new numbering; when one
 * cannot be found for sure the operation is held for the user. A UID of
 * another UIDVALIDITY is never sent.
 *
 * Without UIDPLUS there is no UID EXPUNGE: a plain EXPUNGE would also remove
 * what other clients marked \Deleted, so it is sent only when every \Deleted
 * message of the folder is ours; otherwise the operation stays queued and
 * says what is left.
 */
#include <string.h>

#include "core/tern-error.h"
#include "imap/tern-imap-sync-private.h"
#include "imap/tern-imap-fetch-result.h"
#include "imap/tern-imap-uid-set.h"

typedef TernImapReplayResult ReplayResult;
#define REPLAY_DONE TERN_IMAP_REPLAY_DONE
#define REPLAY_KEPT TERN_IMAP_REPLAY_KEPT
#define REPLAY_FAILED TERN_IMAP_REPLAY_FAILED

/* One line of pending_ops.idents. */
typedef struct {
  guint32 uid;
  gint64 size;
  gint64 date;
  char *message_id;
} Ident;

static void
ident_clear (Ident *id)
{
  g_free (id->message_id);
}

static GArray *
parse_idents (const char *text)
{
  GArray *out = g_array_new (FALSE, TRUE, sizeof (Ident));
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);

  g_array_set_clear_func (out, (GDestroyNotify) ident_clear);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], " ", 4);
      Ident id = { 0 };

      if (g_strv_length (f) < 4)
        continue;
      id.uid = (guint32) g_ascii_strtoull (f[0], NULL, 10);
      id.size = g_ascii_strtoll (f[1], NULL, 10);
      id.date = g_ascii_strtoll (f[2], NULL, 10);
      id.message_id = g_strdup (g_strstrip (f[3]));
      g_array_append_val (out, id);
    }
  return out;
}

static const Ident *
ident_for (GArray *idents, guint32 uid)
{
  for (guint i = 0; i < idents->len; i++)
    if (g_array_index (idents, Ident, i).uid == uid)
      return &g_array_index (idents, Ident, i);
  return NULL;
}

static gboolean
op_uids (const TernPendingOp *op, GArray **out, GError **error)
{
  g_autoptr(GArray) uids = g_array_new (FALSE, FALSE, sizeof (guint32));

  if (!tern_imap_uid_set_parse (op->uids, uids))
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID,
                   "A queued change names messages Tern cannot read (%s).", op->uids);
      return FALSE;
    }
  *out = g_steal_pointer (&uids);
  return TRUE;
}

/* Saves @op as it is now, durably: what follows goes to the server. */
static gboolean
save_op (TernImapSync *self, const TernPendingOp *op, GError **error)
{
  if (!tern_store_begin (self->store, error))
    return FALSE;
  if (tern_store_update_op (self->store, op, error) && tern_store_commit (self->store, TRUE, error))
    return TRUE;
  tern_store_rollback (self->store);
  return FALSE;
}

static ReplayResult
hold_op (TernImapSync *self, TernPendingOp *op, const char *message, GError **error)
{
  g_message ("queued change %" G_GINT64_FORMAT " held: %s", op->id, message);
  op->held = TRUE;
  op->attempts++;
  g_free (op->last_error);
  op->last_error = g_strdup (message);
  return save_op (self, op, error) ? REPLAY_KEPT : REPLAY_FAILED;
}

/* ---- Finding messages again after a renumbering ---------------------------- */

/* The UIDs, in the selected folder, of messages whose Message-ID header
 * contains @message_id. */
static GArray *
search_message_id (TernImapSync *self, const char *message_id, GError **error)
{
  struct mailimap_search_key *key =
    mailimap_search_key_new_header (strdup ("Message-ID"), strdup (message_id));
  clist *result = NULL;
  int r = mailimap_uid_search (self->imap, NULL, key, &result);
  GArray *uids;

  mailimap_search_key_free (key);
  if (!tern_imap_sync_ok (self, r, "finding a message again", error))
    return NULL;
  uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (clistiter *it = clist_begin (result); it; it = clist_next (it))
    g_array_append_val (uids, *(uint32_t *) clist_content (it));
  mailimap_search_result_free (result);
  return uids;
}

/* The one message among @candidates with @id's size and date; 0 if none or
 * several (then nobody can tell which one the user meant). */
static gboolean
pick_candidate (TernImapSync *self, GArray *candidates, const Ident *id, guint32 *uid_out,
                GError **error)
{
  struct mailimap_set *set = tern_imap_set_from_uids ((guint32 *) candidates->data,
                                                      candidates->len);
  struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty ();
  clist *result = NULL;
  guint matches = 0;
  int r;

  mailimap_fetch_type_new_fetch_att_list_add (ft, mailimap_fetch_att_new_uid ());
  mailimap_fetch_type_new_fetch_att_list_add (ft, mailimap_fetch_att_new_rfc822_size ());
  mailimap_fetch_type_new_fetch_att_list_add (ft, mailimap_fetch_att_new_internaldate ());
  r = mailimap_uid_fetch (self->imap, set, ft, &result);
  mailimap_fetch_type_free (ft);
  mailimap_set_free (set);
  if (!tern_imap_sync_ok (self, r, "finding a message again", error))
    return FALSE;
  *uid_out = 0;
  for (clistiter *it = clist_begin (result); it; it = clist_next (it))
    {
      TernImapFetched f;

      tern_imap_fetched_parse (clist_content (it), &f);
      if (f.uid != 0 && (id->size == 0 || f.size == id->size) &&
          (id->date == 0 || f.internal_date == id->date))
        {
          matches++;
          *uid_out = f.uid;
        }
      tern_imap_fetched_clear (&f);
    }
  mailimap_fetch_list_free (result);
  if (matches != 1)
    *uid_out = 0;
  return TRUE;
}

/* The UID in the selected folder of the message @id describes, or 0 when
 * none or more than one fits. */
static gboolean
find_ident (TernImapSync *self, const Ident *id, guint32 *uid, GError **error)
{
  g_autoptr(GArray) candidates = NULL;

  *uid = 0;
  if (id == NULL || id->message_id == NULL || *id->message_id == '\0')
    return TRUE;
  candidates = search_message_id (self, id->message_id, error);
  if (candidates == NULL)
    return FALSE;
  return candidates->len == 0 || pick_candidate (self, candidates, id, uid, error);
}

/* Renames @op's messages into the selected folder's new numbering. Returns
 * FALSE on a server error; *lost counts the messages not found for sure. */
static gboolean
find_again (TernImapSync *self, TernPendingOp *op, GArray *uids, guint *lost, GError **error)
{
  g_autoptr(GArray) idents = parse_idents (op->idents);
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GString) new_idents = g_string_new (NULL);

  *lost = 0;
  for (guint i = 0; i < uids->len; i++)
    {
      const Ident *id = ident_for (idents, g_array_index (uids, guint32, i));
      guint32 uid = 0;

      if (!find_ident (self, id, &uid, error))
        return FALSE;
      if (uid == 0)
        {
          (*lost)++;
          continue;
        }
      g_array_append_val (found, uid);
      g_string_append_printf (new_idents, "%u %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %s\n",
                              uid, id->size, id->date, id->message_id);
    }
  if (*lost > 0)
    return TRUE;
  g_free (op->uids);
  op->uids = tern_imap_uid_set_to_string ((guint32 *) found->data, found->len);
  g_free (op->idents);
  op->idents = g_string_free (g_steal_pointer (&new_idents), FALSE);
  op->uidvalidity = self->sel_uidvalidity;
  g_array_set_size (uids, 0);
  g_array_append_vals (uids, found->data, found->len);
  return TRUE;
}

/* The server renumbered op's folder since it was queued: find its messages
 * again, or hold it. */
static ReplayResult
renumbered (TernImapSync *self, TernPendingOp *op, GArray *uids, GError **error)
{
  guint lost = 0;
  g_autofree char *message = NULL;

  if (!find_again (self, op, uids, &lost, error))
    return REPLAY_FAILED;
  if (lost == 0)
    {
      g_message ("queued change %" G_GINT64_FORMAT ": %s was renumbered, its %u message(s) "
                 "found again", op->id, op->folder_path, uids->len);
      return save_op (self, op, error) ? REPLAY_DONE : REPLAY_FAILED;
    }
  message = g_strdup_printf ("This change was not sent: the server renumbered the folder "
                             "“%s”, and %u of the messages it concerns could not be found "
                             "again for certain. Nothing was changed on the server; check the "
                             "folder and do it again.", op->folder_path, lost);
  return hold_op (self, op, message, error);
}

/* ---- Operations ------------------------------------------------------------ */

static gboolean
replay_store_flags (TernImapSync *self, const TernPendingOp *op, struct mailimap_set *set,
                    GError **error)
{
  struct mailimap_flag_list *flags = tern_imap_flag_list_new (op->flags);
  struct mailimap_store_att_flags *att;
  int r;

  att = op->kind == TERN_PENDING_SET_FLAGS
          ? mailimap_store_att_flags_new_add_flags_silent (flags)
          : mailimap_store_att_flags_new_remove_flags_silent (flags);
  r = mailimap_uid_store (self->imap, set, att);
  mailimap_store_att_flags_free (att);
  return tern_imap_sync_ok (self, r, "changing message flags", error);
}

/* How many of @uids are marked \Deleted, and whether any message of the
 * folder that is not ours is. */
static gboolean
deleted_in_folder (TernImapSync *self, GArray *uids, guint *ours, gboolean *others,
                   GError **error)
{
  g_autoptr(GHashTable) mine = g_hash_table_new (g_direct_hash, g_direct_equal);
  struct mailimap_search_key *key =
    mailimap_search_key_new (MAILIMAP_SEARCH_KEY_DELETED, NULL, NULL, NULL, NULL, NULL, NULL,
                             NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL,
                             NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL);
  clist *result = NULL;
  int r = mailimap_uid_search (self->imap, NULL, key, &result);

  mailimap_search_key_free (key);
  if (!tern_imap_sync_ok (self, r, "deleting messages", error))
    return FALSE;
  for (guint i = 0; i < uids->len; i++)
    g_hash_table_add (mine, GUINT_TO_POINTER (g_array_index (uids, guint32, i)));
  *ours = 0;
  *others = FALSE;
  for (clistiter *it = clist_begin (result); it; it = clist_next (it))
    {
      if (g_hash_table_contains (mine, GUINT_TO_POINTER (*(uint32_t *) clist_content (it))))
        (*ours)++;
      else
        *others = TRUE;
    }
  mailimap_search_result_free (result);
  return TRUE;
}

/* Marks @uids \Deleted and removes them: UID EXPUNGE with UIDPLUS; without
 * it a plain EXPUNGE only when no other message is marked \Deleted. *left
 * counts ours still on the server. */
static gboolean
mark_deleted_and_expunge (TernImapSync *self, GArray *uids, struct mailimap_set *set,
                          guint *left, GError **error)
{
  struct mailimap_store_att_flags *att =
    mailimap_store_att_flags_new_add_flags_silent (tern_imap_flag_list_new (TERN_FLAG_DELETED));
  int r = mailimap_uid_store (self->imap, set, att);
  gboolean others;

  mailimap_store_att_flags_free (att);
  *left = 0;
  if (!tern_imap_sync_ok (self, r, "deleting messages", error))
    return FALSE;
  if (self->has_uidplus)
    return tern_imap_sync_ok (self, mailimap_uid_expunge (self->imap, set),
                              "deleting messages", error);
  if (!deleted_in_folder (self, uids, left, &others, error))
    return FALSE;
  if (*left == 0 || others)
    return TRUE;
  /* CLOSE removes the \Deleted messages as EXPUNGE does, but without an
   * untagged EXPUNGE for each (RFC 3501 6.4.2): GNU Mailutils answers
   * EXPUNGE with "* n EXPUNGED", which libetpan cannot parse. The folder is
   * selected again by the next command that needs it. */
  g_clear_pointer (&self->selected, g_free);
  if (!tern_imap_sync_ok (self, mailimap_close (self->imap), "deleting messages", error))
    return FALSE;
  *left = 0;
  return TRUE;
}

/* The part left of a delete or move: ours are marked \Deleted but still
 * there. The operation stays queued and says so; each replay tries again. */
static ReplayResult
expunge_left (TernImapSync *self, TernPendingOp *op, guint left, GError **error)
{
  g_message ("queued change %" G_GINT64_FORMAT ": %u message(s) left marked deleted in %s",
             op->id, left, op->folder_path);
  op->kind = TERN_PENDING_EXPUNGE;
  op->attempts++;
  g_free (op->last_error);
  op->last_error = g_strdup_printf (
    "%u message(s) deleted here are still in the folder “%s” on the server, marked as "
    "deleted: this server cannot remove only Tern's messages (it lacks UIDPLUS), and other "
    "messages there are marked as deleted too. Tern removes them once those are gone; "
    "another mail program can also remove (expunge) the folder's deleted messages.",
    left, op->folder_path);
  return save_op (self, op, error) ? REPLAY_KEPT : REPLAY_FAILED;
}

static ReplayResult
replay_delete (TernImapSync *self, TernPendingOp *op, GArray *uids, struct mailimap_set *set,
               GError **error)
{
  guint left = 0;

  if (!mark_deleted_and_expunge (self, uids, set, &left, error))
    return REPLAY_FAILED;
  return left == 0 ? REPLAY_DONE : expunge_left (self, op, left, error);
}

/* Gives the local copy of a moved message its UID in the destination, so the
 * destination's sync does not fetch it again as new. Without COPYUID the
 * destination's sync finds the copy by Message-ID instead. */
static void
adopt_dest_uid (TernImapSync *self, const TernPendingOp *op, guint32 uidvalidity,
                struct mailimap_set *dest)
{
  g_autoptr(TernFolder) folder = NULL;
  struct mailimap_set_item *item;

  if (op->local_message_id == 0 || dest == NULL || clist_count (dest->set_list) != 1)
    return;
  item = clist_content (clist_begin (dest->set_list));
  if (item->set_first != item->set_last)
    return;
  folder = tern_store_get_folder_by_path (self->store, self->account_id, op->dest_path, NULL);
  /* A UID of another numbering than the one stored would name another message. */
  if (folder != NULL && folder->uidvalidity == uidvalidity)
    tern_store_move_message (self->store, op->local_message_id, folder->id, item->set_first, NULL);
}

static gboolean
copy_or_move (TernImapSync *self, const TernPendingOp *op, struct mailimap_set *set,
              gboolean move, GError **error)
{
  uint32_t uidvalidity = 0;
  struct mailimap_set *src = NULL, *dest = NULL;
  int r;

  /* COPYUID means something only from a server that announces UIDPLUS. */
  if (move && self->has_uidplus)
    r = mailimap_uidplus_uid_move (self->imap, set, op->dest_path, &uidvalidity, &src, &dest);
  else if (move)
    r = mailimap_uid_move (self->imap, set, op->dest_path);
  else if (self->has_uidplus)
    r = mailimap_uidplus_uid_copy (self->imap, set, op->dest_path, &uidvalidity, &src, &dest);
  else
    r = mailimap_uid_copy (self->imap, set, op->dest_path);
  if (!tern_imap_sync_ok (self, r, move ? "moving messages" : "copying messages", error))
    return FALSE;
  adopt_dest_uid (self, op, uidvalidity, dest);
  g_clear_pointer (&src, mailimap_set_free);
  g_clear_pointer (&dest, mailimap_set_free);
  return TRUE;
}

/* Whether every message of @op is in its destination already (an earlier
 * replay's COPY got through before a crash). Selects the source again. */
static gboolean
copied_before (TernImapSync *self, TernPendingOp *op, GArray *uids, gboolean *copied,
               GError **error)
{
  g_autoptr(GArray) idents = parse_idents (op->idents);

  *copied = TRUE;
  if (!tern_imap_sync_ensure_selected (self, op->dest_path, error))
    return FALSE;
  for (guint i = 0; *copied && i < uids->len; i++)
    {
      guint32 uid = 0;

      if (!find_ident (self, ident_for (idents, g_array_index (uids, guint32, i)), &uid, error))
        return FALSE;
      *copied = uid != 0;
    }
  if (!tern_imap_sync_ensure_selected (self, op->folder_path, error))
    return FALSE;
  if (self->sel_uidvalidity != op->uidvalidity)
    {
      /* Renumbered meanwhile: the next replay finds the messages again. */
      g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                   "The server renumbered the folder “%s” during the change.", op->folder_path);
      return FALSE;
    }
  return TRUE;
}

static ReplayResult
replay_move_or_copy (TernImapSync *self, TernPendingOp *op, GArray *uids,
                     struct mailimap_set *set, GError **error)
{
  gboolean copied = FALSE;

  /* Before a MOVE goes out the op says so: from then on Undo (which cancels
   * only what has not started, tern-mail-undo.c) leaves it alone. */
  if (op->kind == TERN_PENDING_MOVE && self->has_move && op->stage == 0)
    {
      gboolean claimed;

      if (!tern_store_claim_op (self->store, op->id, 2, &claimed, error))
        return REPLAY_FAILED;
      if (!claimed)
        return REPLAY_KEPT;   /* taken back by Undo meanwhile */
      op->stage = 2;
    }
  if (op->kind == TERN_PENDING_COPY || self->has_move)
    return copy_or_move (self, op, set, op->kind == TERN_PENDING_MOVE, error)
             ? REPLAY_DONE : REPLAY_FAILED;
  /* COPY, then delete the originals. Before the COPY the op records that
   * one may go out; a replay after a crash there looks for the copy first.
   * After it the op is only a delete, durably: a repeat never copies twice. */
  if (op->stage > 0 && !copied_before (self, op, uids, &copied, error))
    return REPLAY_FAILED;
  if (!copied)
    {
      op->stage = 1;
      if (!save_op (self, op, error) || !copy_or_move (self, op, set, FALSE, error))
        return REPLAY_FAILED;
    }
  op->kind = TERN_PENDING_EXPUNGE;
  op->stage = 0;
  if (!save_op (self, op, error))
    return REPLAY_FAILED;
  return replay_delete (self, op, uids, set, error);
}

static ReplayResult
replay_append (TernImapSync *self, const TernPendingOp *op, GError **error)
{
  uint32_t uidvalidity = 0, uid = 0;
  gsize len = 0;
  const char *data = op->data ? g_bytes_get_data (op->data, &len) : "";
  /* libetpan does not take ownership of the flag list. */
  struct mailimap_flag_list *flags = tern_imap_flag_list_new (op->flags);
  int r = mailimap_uidplus_append (self->imap, op->folder_path, flags, NULL,
                                   data, len, &uidvalidity, &uid);

  mailimap_flag_list_free (flags);

  if (!tern_imap_sync_ok (self, r, "saving a message on the server", error))
    return REPLAY_FAILED;
  /* Without APPENDUID the folder's sync finds the copy by Message-ID. */
  if (self->has_uidplus && uid != 0 && op->local_message_id != 0)
    {
      g_autoptr(TernFolder) folder =
        tern_store_get_folder_by_path (self->store, self->account_id, op->folder_path, NULL);
      if (folder != NULL && folder->uidvalidity == uidvalidity)
        tern_store_move_message (self->store, op->local_message_id, folder->id, uid, NULL);
    }
  return REPLAY_DONE;
}

static ReplayResult
replay_op (TernImapSync *self, TernPendingOp *op, GError **error)
{
  g_autoptr(GArray) uids = NULL;
  struct mailimap_set *set;
  ReplayResult result = REPLAY_FAILED;

  if (op->kind == TERN_PENDING_APPEND)
    return replay_append (self, op, error);
  if (tern_imap_is_folder_op (op))
    return tern_imap_replay_folder_op (self, op, error);
  if (!op_uids (op, &uids, error) ||
      !tern_imap_sync_ensure_selected (self, op->folder_path, error))
    return REPLAY_FAILED;
  if (op->uidvalidity != self->sel_uidvalidity)
    {
      result = renumbered (self, op, uids, error);
      if (result != REPLAY_DONE)
        return result;
    }
  if (uids->len == 0)
    return REPLAY_DONE;
  set = tern_imap_set_from_uids ((guint32 *) uids->data, uids->len);
  switch (op->kind)
    {
    case TERN_PENDING_SET_FLAGS:
    case TERN_PENDING_CLEAR_FLAGS:
      result = replay_store_flags (self, op, set, error) ? REPLAY_DONE : REPLAY_FAILED;
      break;
    case TERN_PENDING_MOVE:
    case TERN_PENDING_COPY:
      result = replay_move_or_copy (self, op, uids, set, error);
      break;
    case TERN_PENDING_DELETE:
    case TERN_PENDING_EXPUNGE:
      result = replay_delete (self, op, uids, set, error);
      break;
    case TERN_PENDING_APPEND:
    case TERN_PENDING_CREATE_FOLDER:
    case TERN_PENDING_RENAME_FOLDER:
    case TERN_PENDING_DELETE_FOLDER:
      g_assert_not_reached ();
    }
  mailimap_set_free (set);
  return result;
}

gboolean
tern_imap_sync_replay (TernImapSync *self, GCancellable *cancellable, GError **error)
{
  g_autoptr(GPtrArray) ops = tern_store_list_ops (self->store, self->account_id, error);

  if (ops == NULL)
    return FALSE;
  for (guint i = 0; i < ops->len; i++)
    {
      TernPendingOp *op = g_ptr_array_index (ops, i);
      g_autoptr(GError) local_error = NULL;
      ReplayResult result;

      if (!tern_imap_sync_check_cancel (cancellable, error))
        return FALSE;
      /* Held for the user: only the user decides what becomes of it. */
      if (op->held)
        continue;
      result = replay_op (self, op, &local_error);
      if (result == REPLAY_KEPT)
        continue;
      if (result == REPLAY_DONE)
        {
          if (!tern_store_remove_op (self->store, op->id, error))
            return FALSE;
          continue;
        }
      if (self->must_reconnect)
        {
          /* The connection died: the op may or may not have reached the
           * server. It stays queued; every op is safe to repeat. */
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_warning ("queued change %" G_GINT64_FORMAT " refused: %s", op->id, local_error->message);
      if (!tern_store_record_op_failure (self->store, op->id, local_error->message, error))
        return FALSE;
    }
  return TRUE;
}
