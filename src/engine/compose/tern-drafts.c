/* tern-drafts.c: replies, forwards, drafts and sending, in the store. */
#include <string.h>

#include "compose/tern-drafts.h"
#include "core/tern-error.h"
#include "imap/tern-imap-uid-set.h"
#include "account/tern-mail-actions.h"
#include "store/tern-message-import.h"
#include "mime/tern-mime-render.h"
#include "mime/tern-mime-reply.h"

#define HEADER_BCC "X-Tern-Bcc"
#define HEADER_ORIGIN "X-Tern-Origin"

void
tern_compose_origin_free (TernComposeOrigin *origin)
{
  if (origin == NULL)
    return;
  g_free (origin->message_id);
  g_free (origin);
}

static TernComposeOrigin *
origin_new (const char *message_id, gboolean forward)
{
  TernComposeOrigin *o;

  if (message_id == NULL || *message_id == '\0')
    return NULL;
  o = g_new0 (TernComposeOrigin, 1);
  o->message_id = g_strdup (message_id);
  o->forward = forward;
  return o;
}

/* The raw message of a stored row, or a NOT_FOUND that says why. */
static TernParsedMessage *
load_parsed (TernStore *store, gint64 message_id, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GBytes) raw = tern_store_get_raw (store, message_id, &local);

  if (raw == NULL)
    {
      if (g_error_matches (local, TERN_ERROR, TERN_ERROR_NOT_FOUND))
        g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND,
                     "This message has not been downloaded yet; open it once while online, then try again.");
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return tern_parsed_message_new_from_bytes (raw, error);
}

TernOutgoingMessage *
tern_compose_new_from_message (TernStore *store, gint64 message_id,
                               const TernAccountSettings *account, TernComposeMode mode,
                               TernComposeOrigin **origin_out, GError **error)
{
  g_autoptr(TernParsedMessage) orig = load_parsed (store, message_id, error);
  const char *mine[] = { account->email, NULL };
  TernOutgoingMessage *msg = NULL;

  if (orig == NULL)
    return NULL;
  switch (mode)
    {
    case TERN_COMPOSE_REPLY:
    case TERN_COMPOSE_REPLY_ALL:
      msg = tern_outgoing_message_new_reply (orig, account->display_name, account->email, mine,
                                             mode == TERN_COMPOSE_REPLY_ALL);
      break;
    case TERN_COMPOSE_FORWARD_INLINE:
    case TERN_COMPOSE_FORWARD_ATTACHMENT:
      msg = tern_outgoing_message_new_forward (orig, account->display_name, account->email,
                                               mode == TERN_COMPOSE_FORWARD_ATTACHMENT);
      break;
    case TERN_COMPOSE_NEW:
      msg = tern_outgoing_message_new ();
      msg->from_name = g_strdup (account->display_name);
      msg->from_address = g_strdup (account->email);
      break;
    }
  if (origin_out != NULL)
    *origin_out = mode == TERN_COMPOSE_NEW ? NULL
                  : origin_new (orig->message_id, mode == TERN_COMPOSE_FORWARD_INLINE ||
                                                  mode == TERN_COMPOSE_FORWARD_ATTACHMENT);
  return msg;
}

/* ---- Drafts ---- */

static void
remove_header (TernOutgoingMessage *msg, const char *name)
{
  for (guint i = 0; i + 1 < msg->extra_headers->len;)
    if (g_ascii_strcasecmp (g_ptr_array_index (msg->extra_headers, i), name) == 0)
      g_ptr_array_remove_range (msg->extra_headers, i, 2);
    else
      i += 2;
}

GBytes *
tern_draft_build (TernOutgoingMessage *msg, const TernComposeOrigin *origin, GError **error)
{
  GBytes *raw;

  remove_header (msg, HEADER_BCC);
  remove_header (msg, HEADER_ORIGIN);
  if (msg->bcc->len > 0)
    {
      g_autofree char *bcc = tern_address_list_to_display (msg->bcc);
      tern_outgoing_message_add_header (msg, HEADER_BCC, bcc);
    }
  if (origin != NULL)
    {
      g_autofree char *value = g_strdup_printf ("%s <%s>", origin->forward ? "forward" : "reply",
                                                origin->message_id);
      tern_outgoing_message_add_header (msg, HEADER_ORIGIN, value);
    }
  /* A draft may lack a sender (no account chosen yet is impossible in the
   * composer, but keep the store safe) and recipients. */
  raw = tern_outgoing_message_build (msg, NULL, NULL, error);
  remove_header (msg, HEADER_BCC);
  remove_header (msg, HEADER_ORIGIN);
  return raw;
}

/* Removes the queued APPEND of a draft that never reached the server. */
static gboolean
drop_queued_append (TernStore *store, gint64 account_id, gint64 draft_id, GError **error)
{
  g_autoptr(GPtrArray) ops = tern_store_list_ops (store, account_id, error);

  if (ops == NULL)
    return FALSE;
  for (guint i = 0; i < ops->len; i++)
    {
      TernPendingOp *op = g_ptr_array_index (ops, i);
      if (op->kind == TERN_PENDING_APPEND && op->local_message_id == draft_id &&
          !tern_store_remove_op (store, op->id, error))
        return FALSE;
    }
  return TRUE;
}

/* Inside the caller's transaction. */
static gboolean
discard_in_batch (TernStore *store, gint64 draft_id, GError **error)
{
  g_autoptr(TernMessageSummary) m = tern_store_get_message (store, draft_id, error);
  g_autoptr(TernAccountSettings) account = NULL;

  if (m == NULL)
    return FALSE;
  account = tern_store_get_account (store, m->account_id, error);
  if (account == NULL)
    return FALSE;
  if (account->protocol == TERN_PROTOCOL_IMAP)
    {
      if (m->uid != 0)
        {
          /* DELETE replays as \Deleted + UID EXPUNGE: the old version is
           * gone for good, not moved to Trash. */
          g_autoptr(TernFolder) folder = tern_store_get_folder (store, m->folder_id, error);
          g_autoptr(TernPendingOp) op = NULL;

          if (folder == NULL)
            return FALSE;
          op = tern_pending_op_new (TERN_PENDING_DELETE, folder->path);
          op->account_id = account->id;
          op->uids = tern_imap_uid_set_to_string (&m->uid, 1);
          if (tern_store_enqueue_op (store, op, error) == 0)
            return FALSE;
        }
      else if (!drop_queued_append (store, account->id, draft_id, error))
        return FALSE;
    }
  return tern_store_delete_messages (store, &draft_id, 1, error);
}

gboolean
tern_draft_discard (TernStore *store, gint64 draft_id, GError **error)
{
  if (!tern_store_begin (store, error))
    return FALSE;
  if (discard_in_batch (store, draft_id, error) && tern_store_commit (store, TRUE, error))
    return TRUE;
  tern_store_rollback (store);
  return FALSE;
}

static gint64
insert_draft (TernStore *store, gint64 folder_id, GBytes *raw, GError **error)
{
  g_autoptr(TernImportedMessage) imported = tern_imported_message_new (raw, FALSE, error);
  g_autoptr(GArray) ids = NULL;
  TernMessageRecord *rec;

  if (imported == NULL)
    return 0;
  rec = &imported->record;
  rec->folder_id = folder_id;
  rec->uid = 0;
  rec->flags = TERN_FLAG_DRAFT | TERN_FLAG_SEEN;
  rec->internal_date = g_get_real_time () / G_USEC_PER_SEC;
  if (rec->date == 0)
    rec->date = rec->internal_date;
  rec->size = g_bytes_get_size (raw);
  rec->body_state = TERN_BODY_STATE_FULL;
  rec->raw = raw;
  if (!tern_store_insert_messages (store, rec, 1, &ids, error))
    return 0;
  return g_array_index (ids, gint64, 0);
}

static gint64
save_in_batch (TernStore *store, TernAccountSettings *account, GBytes *raw,
               gint64 previous_draft_id, GError **error)
{
  g_autoptr(TernFolder) drafts = tern_store_get_folder_by_role (store, account->id,
                                                                TERN_FOLDER_ROLE_DRAFTS, error);
  gint64 id;

  if (drafts == NULL)
    return 0;
  id = insert_draft (store, drafts->id, raw, error);
  if (id == 0)
    return 0;
  if (account->protocol == TERN_PROTOCOL_IMAP)
    {
      g_autoptr(TernPendingOp) op = tern_pending_op_new (TERN_PENDING_APPEND, drafts->path);

      op->account_id = account->id;
      op->flags = TERN_FLAG_DRAFT | TERN_FLAG_SEEN;
      op->data = g_bytes_ref (raw);
      op->local_message_id = id;
      if (tern_store_enqueue_op (store, op, error) == 0)
        return 0;
    }
  if (previous_draft_id != 0 && !discard_in_batch (store, previous_draft_id, error))
    return 0;
  return id;
}

gint64
tern_draft_save (TernStore *store, gint64 account_id, TernOutgoingMessage *msg,
                 const TernComposeOrigin *origin, gint64 previous_draft_id, GError **error)
{
  g_autoptr(TernAccountSettings) account = tern_store_get_account (store, account_id, error);
  g_autoptr(GBytes) raw = NULL;
  gint64 id;

  if (account == NULL)
    return 0;
  raw = tern_draft_build (msg, origin, error);
  if (raw == NULL || !tern_store_begin (store, error))
    return 0;
  id = save_in_batch (store, account, raw, previous_draft_id, error);
  if (id != 0 && tern_store_commit (store, TRUE, error))
    return id;
  tern_store_rollback (store);
  return 0;
}

static void
copy_addresses (GPtrArray *dest, GPtrArray *src)
{
  for (guint i = 0; src != NULL && i < src->len; i++)
    g_ptr_array_add (dest, tern_address_copy (g_ptr_array_index (src, i)));
}

static void
load_attachments (TernOutgoingMessage *msg, TernParsedMessage *parsed)
{
  for (guint i = 0; i < parsed->attachments->len; i++)
    {
      TernMimeAttachment *att = g_ptr_array_index (parsed->attachments, i);
      g_autoptr(GBytes) data = tern_mime_get_part_bytes (parsed, att->part_path, NULL, NULL);

      if (data == NULL)
        continue;
      tern_outgoing_message_add_attachment_bytes (msg, data, att->filename, att->content_type);
    }
}

static TernComposeOrigin *
parse_origin (const char *value)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *id = NULL;

  if (value == NULL)
    return NULL;
  parts = g_strsplit (g_strstrip ((char *) value), " ", 2);
  if (parts[0] == NULL || parts[1] == NULL)
    return NULL;
  id = g_strdup (g_strstrip (parts[1]));
  if (g_str_has_prefix (id, "<") && g_str_has_suffix (id, ">"))
    {
      id[strlen (id) - 1] = '\0';
      memmove (id, id + 1, strlen (id));
    }
  return origin_new (id, g_strcmp0 (parts[0], "forward") == 0);
}

/* The editable message of a parsed one: addresses, subject, text,
 * attachments and threading headers. */
static TernOutgoingMessage *
outgoing_from_parsed (TernParsedMessage *parsed)
{
  TernOutgoingMessage *msg = tern_outgoing_message_new ();

  msg->from_name = g_strdup (parsed->from_name);
  msg->from_address = g_strdup (parsed->from_address);
  copy_addresses (msg->to, parsed->to_list);
  copy_addresses (msg->cc, parsed->cc_list);
  msg->subject = g_strdup (parsed->subject);
  msg->body = g_strdup (parsed->body_text);
  msg->in_reply_to = g_strdup (parsed->in_reply_to);
  for (guint i = 0; parsed->references != NULL && i < parsed->references->len; i++)
    g_ptr_array_add (msg->references, g_strdup (g_ptr_array_index (parsed->references, i)));
  load_attachments (msg, parsed);
  return msg;
}

TernOutgoingMessage *
tern_draft_load (TernStore *store, gint64 draft_id, TernComposeOrigin **origin_out,
                 GError **error)
{
  g_autoptr(TernParsedMessage) parsed = load_parsed (store, draft_id, error);
  g_autoptr(TernOutgoingMessage) msg = NULL;
  g_autofree char *bcc = NULL;
  g_autofree char *origin = NULL;

  if (parsed == NULL)
    return NULL;
  msg = outgoing_from_parsed (parsed);
  bcc = tern_parsed_message_get_header (parsed, HEADER_BCC);
  if (bcc != NULL)
    {
      g_autoptr(GPtrArray) list = tern_address_list_parse (bcc);
      copy_addresses (msg->bcc, list);
    }
  origin = tern_parsed_message_get_header (parsed, HEADER_ORIGIN);
  if (origin_out != NULL)
    *origin_out = parse_origin (origin);
  return g_steal_pointer (&msg);
}

/* ---- Back from the outbox ---- */

static gboolean
has_address (GPtrArray *list, const char *address)
{
  for (guint i = 0; i < list->len; i++)
    {
      TernAddress *a = g_ptr_array_index (list, i);
      if (a->address != NULL && g_ascii_strcasecmp (a->address, address) == 0)
        return TRUE;
    }
  return FALSE;
}

TernOutgoingMessage *
tern_outbox_item_to_message (const TernOutboxItem *item, GError **error)
{
  g_autoptr(TernParsedMessage) parsed = tern_parsed_message_new_from_bytes (item->raw, error);
  TernOutgoingMessage *msg;

  if (parsed == NULL)
    return NULL;
  msg = outgoing_from_parsed (parsed);
  /* Bcc is never written into the message: it is the envelope recipients
   * that are neither in To nor in Cc. */
  for (guint i = 0; item->recipients != NULL && item->recipients[i] != NULL; i++)
    {
      const char *rcpt = item->recipients[i];
      if (*rcpt != '\0' && !has_address (msg->to, rcpt) && !has_address (msg->cc, rcpt) &&
          !has_address (msg->bcc, rcpt))
        tern_outgoing_message_add_bcc (msg, NULL, rcpt);
    }
  return msg;
}

gint64
tern_outbox_item_to_draft (TernStore *store, gint64 item_id, GError **error)
{
  g_autoptr(TernOutboxItem) item = NULL;
  g_autoptr(TernOutgoingMessage) msg = NULL;
  g_autoptr(TernAccountSettings) account = NULL;
  g_autoptr(GBytes) raw = NULL;
  gint64 id;

  if (!tern_store_begin (store, error))
    return 0;
  /* Read inside the write transaction: the worker cannot start sending it
   * between this check and the removal. */
  item = tern_store_get_outbox (store, item_id, error);
  if (item != NULL && item->state == TERN_OUTBOX_SENDING)
    g_set_error_literal (error, TERN_ERROR, TERN_ERROR_INVALID,
                         "This message is being sent right now. Wait a moment, then try again.");
  else if (item != NULL)
    account = tern_store_get_account (store, item->account_id, error);
  if (account != NULL)
    msg = tern_outbox_item_to_message (item, error);
  if (msg != NULL)
    raw = tern_draft_build (msg, NULL, error);
  id = raw != NULL ? save_in_batch (store, account, raw, 0, error) : 0;
  if (id != 0 && tern_store_remove_outbox (store, item_id, error) &&
      tern_store_commit (store, TRUE, error))
    return id;
  tern_store_rollback (store);
  return 0;
}

/* Removes a queued message for good, unless it is being sent right now. */
gboolean
tern_outbox_item_discard (TernStore *store, gint64 item_id, GError **error)
{
  g_autoptr(TernOutboxItem) item = NULL;

  if (!tern_store_begin (store, error))
    return FALSE;
  item = tern_store_get_outbox (store, item_id, error);
  if (item != NULL && item->state == TERN_OUTBOX_SENDING)
    g_set_error_literal (error, TERN_ERROR, TERN_ERROR_INVALID,
                         "This message is being sent right now and can no longer be stopped.");
  else if (item != NULL && tern_store_remove_outbox (store, item_id, error) &&
           tern_store_commit (store, TRUE, error))
    return TRUE;
  tern_store_rollback (store);
  return FALSE;
}

/* ---- Sending ---- */

static gboolean
flag_origin (TernStore *store, gint64 account_id, const TernComposeOrigin *origin,
             GError **error)
{
  g_autoptr(GArray) ids = tern_store_find_by_message_id (store, account_id, origin->message_id,
                                                         error);

  if (ids == NULL)
    return FALSE;
  if (ids->len == 0)
    return TRUE;   /* the original was deleted meanwhile */
  return tern_mail_change_flags (store, (gint64 *) ids->data, ids->len,
                                 origin->forward ? TERN_FLAG_FORWARDED : TERN_FLAG_ANSWERED, 0,
                                 error);
}

static gint64
enqueue_outbox (TernStore *store, gint64 account_id, GBytes *raw, const char *from,
                GPtrArray *rcpts, GError **error)
{
  gint64 id;

  g_ptr_array_add (rcpts, NULL);
  if (!tern_store_begin (store, error))
    return 0;
  id = tern_store_enqueue_outbox (store, account_id, raw, from,
                                  (const char *const *) rcpts->pdata, error);
  /* Durable: once the window closes, the user trusts the message is kept. */
  if (id != 0 && tern_store_commit (store, TRUE, error))
    return id;
  tern_store_rollback (store);
  return 0;
}

gint64
tern_compose_queue_send (TernStore *store, gint64 account_id, TernOutgoingMessage *msg,
                         const TernComposeOrigin *origin, gint64 draft_id, GError **error)
{
  g_autoptr(GPtrArray) rcpts = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GError) local = NULL;
  gint64 id;

  if (msg->to->len + msg->cc->len + msg->bcc->len == 0)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID, "Add at least one recipient.");
      return 0;
    }
  raw = tern_outgoing_message_build (msg, &rcpts, NULL, error);
  if (raw == NULL)
    return 0;
  id = enqueue_outbox (store, account_id, raw, msg->from_address, rcpts, error);
  if (id == 0)
    return 0;
  /* The message is safe in the outbox; what follows is bookkeeping whose
   * failure must not make the user send it twice. */
  if (origin != NULL && !flag_origin (store, account_id, origin, &local))
    {
      g_warning ("Could not flag the original message: %s", local->message);
      g_clear_error (&local);
    }
  if (draft_id != 0 && !tern_draft_discard (store, draft_id, &local))
    g_warning ("Could not remove the draft: %s", local->message);
  return id;
}
