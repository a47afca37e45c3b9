/* tern-outbox.c: queue durably, then send what is due; see the header. */
#include "account/tern-outbox.h"

#include "account/tern-account-connect.h"
#include "core/tern-error.h"
#include "store/tern-message-import.h"
#include "smtp/tern-smtp-send.h"

#define BACKOFF_FIRST 60
#define BACKOFF_MAX 3600

struct _TernOutbox {
  GObject parent_instance;
  TernStore *store;
  TernAccountSettings *account;
  TernSecrets *secrets;
  gint64 now;
  gboolean ignore_backoff;
  mailsmtp *smtp;            /* during one run */
};

G_DEFINE_FINAL_TYPE (TernOutbox, tern_outbox, G_TYPE_OBJECT)

static void
tern_outbox_finalize (GObject *object)
{
  TernOutbox *self = TERN_OUTBOX (object);

  tern_smtp_close (g_steal_pointer (&self->smtp), TRUE);
  g_clear_object (&self->store);
  g_clear_object (&self->secrets);
  g_clear_pointer (&self->account, tern_account_settings_free);
  G_OBJECT_CLASS (tern_outbox_parent_class)->finalize (object);
}

static void
tern_outbox_class_init (TernOutboxClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_outbox_finalize;
}

static void
tern_outbox_init (TernOutbox *self)
{
}

TernOutbox *
tern_outbox_new (TernStore *store, const TernAccountSettings *account, TernSecrets *secrets)
{
  TernOutbox *self = g_object_new (TERN_TYPE_OUTBOX, NULL);

  self->store = g_object_ref (store);
  self->account = tern_account_settings_copy (account);
  self->secrets = secrets ? g_object_ref (secrets) : NULL;
  return self;
}

void
tern_outbox_set_now (TernOutbox *self, gint64 now)
{
  self->now = now;
}

void
tern_outbox_set_ignore_backoff (TernOutbox *self, gboolean ignore)
{
  self->ignore_backoff = ignore;
}

static gint64
now (TernOutbox *self)
{
  return self->now != 0 ? self->now : g_get_real_time () / G_USEC_PER_SEC;
}

gint64
tern_outbox_backoff (guint attempts)
{
  gint64 delay = BACKOFF_FIRST;

  for (guint i = 1; i < attempts && delay < BACKOFF_MAX; i++)
    delay *= 2;
  return MIN (delay, BACKOFF_MAX);
}

/* ---- Queueing ----------------------------------------------------------------- */

gint64
tern_outbox_queue_raw (TernStore *store, gint64 account_id, GBytes *raw,
                       const char *envelope_from, const char *const *recipients,
                       GError **error)
{
  gint64 id;

  if (!tern_store_begin (store, error))
    return 0;
  id = tern_store_enqueue_outbox (store, account_id, raw, envelope_from, recipients, error);
  if (id == 0)
    {
      tern_store_rollback (store);
      return 0;
    }
  /* The user was told "queued": make it true even after a power cut. */
  if (!tern_store_commit (store, TRUE, error))
    return 0;
  return id;
}

gint64
tern_outbox_queue_message (TernStore *store, const TernAccountSettings *account,
                           TernOutgoingMessage *msg, char **message_id, GError **error)
{
  g_autoptr(GPtrArray) rcpts = NULL;
  g_autoptr(GBytes) raw = NULL;

  if (msg->from_address == NULL)
    {
      msg->from_address = g_strdup (account->email);
      if (msg->from_name == NULL && account->display_name && *account->display_name)
        msg->from_name = g_strdup (account->display_name);
    }
  raw = tern_outgoing_message_build (msg, &rcpts, message_id, error);
  if (raw == NULL)
    return 0;
  if (rcpts->len == 0)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID, "The message has no recipients.");
      return 0;
    }
  g_ptr_array_add (rcpts, NULL);
  return tern_outbox_queue_raw (store, account->id, raw, msg->from_address,
                                (const char *const *) rcpts->pdata, error);
}

gboolean
tern_outbox_retry (TernStore *store, gint64 item_id, GError **error)
{
  return tern_store_record_outbox_attempt (store, item_id, TERN_OUTBOX_QUEUED, NULL, 0, error);
}

/* ---- Sending ------------------------------------------------------------------ */

/* Stores the sent message in the account's Sent folder (read), and for
 * IMAP queues the APPEND that puts it on the server; the local copy takes
 * the server's UID when the APPEND is replayed. */
static gboolean
file_in_sent (TernOutbox *self, GBytes *raw, GError **error)
{
  g_autoptr(TernFolder) sent = NULL;
  g_autoptr(TernImportedMessage) msg = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) local = NULL;
  TernMessageRecord r;

  sent = tern_store_get_folder_by_role (self->store, self->account->id, TERN_FOLDER_ROLE_SENT,
                                        &local);
  if (sent == NULL)
    {
      /* An IMAP account not synced yet: the mail went out; say why no copy. */
      g_warning ("Account “%s” has no Sent folder yet; no copy of the sent message was kept: %s",
                 self->account->name, local->message);
      return TRUE;
    }
  msg = tern_imported_message_new (raw, FALSE, NULL);
  if (msg == NULL)
    msg = tern_imported_message_new_unparseable (raw);
  r = msg->record;
  r.folder_id = sent->id;
  r.flags = TERN_FLAG_SEEN;
  r.internal_date = now (self);
  if (!tern_store_insert_messages (self->store, &r, 1, &ids, error))
    return FALSE;
  if (self->account->protocol == TERN_PROTOCOL_IMAP)
    {
      g_autoptr(TernPendingOp) op = tern_pending_op_new (TERN_PENDING_APPEND, sent->path);

      op->account_id = self->account->id;
      op->flags = TERN_FLAG_SEEN;
      op->data = g_bytes_ref (raw);
      op->local_message_id = g_array_index (ids, gint64, 0);
      if (tern_store_enqueue_op (self->store, op, error) == 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
finish_sent (TernOutbox *self, const TernOutboxItem *item, GError **error)
{
  if (!tern_store_begin (self->store, error))
    return FALSE;
  if (!tern_store_remove_outbox (self->store, item->id, error) ||
      !file_in_sent (self, item->raw, error))
    {
      tern_store_rollback (self->store);
      return FALSE;
    }
  /* Durable: a crash must not bring the item back, or it would go out twice. */
  return tern_store_commit (self->store, TRUE, error);
}

static gboolean
record (TernOutbox *self, const TernOutboxItem *item, TernOutboxState state,
        const char *message, gint64 next_attempt, gboolean durable, GError **error)
{
  if (!tern_store_begin (self->store, error))
    return FALSE;
  if (!tern_store_record_outbox_attempt (self->store, item->id, state, message, next_attempt,
                                         error))
    {
      tern_store_rollback (self->store);
      return FALSE;
    }
  return tern_store_commit (self->store, durable, error);
}

static gboolean
record_failure (TernOutbox *self, const TernOutboxItem *item, const GError *failure,
                TernOutboxResult *result, GError **error)
{
  if (tern_smtp_error_is_permanent (failure))
    {
      result->failed++;
      return record (self, item, TERN_OUTBOX_FAILED, failure->message, 0, FALSE, error);
    }
  result->deferred++;
  return record (self, item, TERN_OUTBOX_QUEUED, failure->message,
                 now (self) + tern_outbox_backoff (item->attempts + 1), FALSE, error);
}

static gboolean
is_due (TernOutbox *self, const TernOutboxItem *item)
{
  if (item->state == TERN_OUTBOX_FAILED)
    return FALSE;
  /* "sending" at the start of a run: interrupted by a crash; retry now. */
  return item->state == TERN_OUTBOX_SENDING || self->ignore_backoff ||
         item->next_attempt <= now (self);
}

static gboolean
send_one (TernOutbox *self, const TernOutboxItem *item, GError **failure)
{
  return tern_smtp_send (self->smtp, self->account->smtp_host, item->envelope_from,
                         (const char *const *) item->recipients, item->raw, failure);
}

gboolean
tern_outbox_process (TernOutbox *self, GCancellable *cancellable, TernOutboxResult *result,
                     GError **error)
{
  TernOutboxResult local_result = { 0 };
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) first = NULL;
  g_autoptr(GError) connect_error = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (TERN_IS_OUTBOX (self), FALSE);
  if (result == NULL)
    result = &local_result;
  *result = (TernOutboxResult) { 0 };
  if ((items = tern_store_list_outbox (self->store, self->account->id, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < items->len && ok; i++)
    {
      TernOutboxItem *item = g_ptr_array_index (items, i);
      g_autoptr(GError) failure = NULL;

      if (item->state == TERN_OUTBOX_FAILED)
        continue;
      if (!is_due (self, item))
        {
          result->waiting++;
          continue;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (self->smtp == NULL && connect_error == NULL)
        self->smtp = tern_account_connect_smtp (self->account, self->secrets, cancellable,
                                                NULL, &connect_error);
      if (self->smtp == NULL)
        {
          /* Offline or refused: every due item waits with the same reason. */
          ok = record_failure (self, item, connect_error, result, error);
          if (first == NULL)
            first = g_error_copy (connect_error);
          continue;
        }
      /* Durable, so that after a crash Tern knows this one may have gone out.
       * NOT_FOUND: the user deleted it or took it back to edit since the
       * list was read; it must not go out. */
      if (!record (self, item, TERN_OUTBOX_SENDING, NULL, item->next_attempt, TRUE, &failure))
        {
          if (!g_error_matches (failure, TERN_ERROR, TERN_ERROR_NOT_FOUND))
            {
              g_propagate_error (error, g_steal_pointer (&failure));
              return FALSE;
            }
          continue;
        }
      if (send_one (self, item, &failure))
        {
          result->sent++;
          ok = finish_sent (self, item, error);
          continue;
        }
      ok = record_failure (self, item, failure, result, error);
      if (first == NULL)
        first = g_steal_pointer (&failure);
      if (self->smtp != NULL && !tern_smtp_session_usable (self->smtp))
        tern_smtp_close (g_steal_pointer (&self->smtp), TRUE);
    }
  tern_smtp_close (g_steal_pointer (&self->smtp), TRUE);
  if (!ok)
    return FALSE;
  if (first != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first));
      return FALSE;
    }
  return TRUE;
}
