/* tern-mail-context.c: the store, the accounts' sync processes and the
 * action queue shared by the windows (see the header for the threading
 * rules). */
#include <glib/gi18n.h>

#include "compose/tern-drafts.h"
#include "core/tern-error.h"
#include "account/tern-mail-actions.h"
#include "account/tern-outbox.h"
#include "account/tern-sync-client.h"
#include "net/tern-certificate-info.h"
#include "tern-app-secrets.h"
#include "tern-mail-context.h"
#include "store/tern-store-executor.h"

struct _TernMailContext
{
  GObject parent_instance;

  char *data_dir;
  TernStore *store;            /* read-only, main thread */
  TernSecrets *secrets;
  char *sync_helper;           /* the tern-sync program */
  GHashTable *workers;         /* account id (gint64 *) -> TernSyncClient */
  GHashTable *inbox_max_uid;   /* folder id (gint64 *) -> guint32 (as pointer) */
  GList *prefetches;           /* downloads waiting for their bodies (GTask *) */

  /* User actions (and the composer's writes) run here, one at a time, on
   * the executor's own writer connection: never on the main loop. */
  TernStoreExecutor *executor;

  GNetworkMonitor *monitor;
  gboolean online;
  gboolean online_forced;
};

enum {
  SIGNAL_ACCOUNT_STATE_CHANGED,
  SIGNAL_PROGRESS,
  SIGNAL_FOLDER_CHANGED,
  SIGNAL_FOLDERS_CHANGED,
  SIGNAL_BODY_FETCHED,
  SIGNAL_ERROR,
  SIGNAL_NEW_MAIL,
  SIGNAL_ONLINE_CHANGED,
  SIGNAL_OUTBOX_CHANGED,
  SIGNAL_SERVER_SAID,
  SIGNAL_CERTIFICATE_NEEDED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TernMailContext, tern_mail_context, G_TYPE_OBJECT)

typedef struct {
  TernActionKind kind;
  GArray *ids;
  guint set_flags;
  guint clear_flags;
  gint64 folder_id;
  gint64 account_id;           /* found by the executor thread */
  gint64 source_account_id;    /* MOVE to another account: the messages' own */
  gint64 result_id;            /* OUTBOX_EDIT: the new draft */
} Action;

static void
action_free (Action *action)
{
  g_array_unref (action->ids);
  g_free (action);
}

/* ---- sync process signals -> context signals ---- */

static void
remember_inbox (TernMailContext *self, gint64 folder_id, guint32 max_uid)
{
  gint64 *key = g_new (gint64, 1);

  *key = folder_id;
  g_hash_table_replace (self->inbox_max_uid, key, GUINT_TO_POINTER (max_uid));
}

/* New mail: the inbox's largest UID grew since we last looked. The first
 * look at a folder (initial sync) only records it. */
static void
check_new_mail (TernMailContext *self, gint64 account_id, gint64 folder_id)
{
  g_autoptr(TernFolder) folder = tern_store_get_folder (self->store, folder_id, NULL);
  gpointer old_max;
  guint32 max_uid;
  gint64 message_id;
  g_autoptr(TernMessageSummary) summary = NULL;

  if (folder == NULL || folder->role != TERN_FOLDER_ROLE_INBOX)
    return;
  max_uid = tern_store_get_max_uid (self->store, folder_id, NULL);
  if (!g_hash_table_lookup_extended (self->inbox_max_uid, &folder_id, NULL, &old_max))
    {
      remember_inbox (self, folder_id, max_uid);
      return;
    }
  if (max_uid <= GPOINTER_TO_UINT (old_max))
    return;
  remember_inbox (self, folder_id, max_uid);
  message_id = tern_store_find_by_uid (self->store, folder_id, max_uid, NULL);
  if (message_id <= 0)
    return;
  summary = tern_store_get_message (self->store, message_id, NULL);
  if (summary == NULL || (summary->flags & TERN_FLAG_SEEN))
    return;
  g_signal_emit (self, signals[SIGNAL_NEW_MAIL], 0, account_id, message_id,
                 max_uid - GPOINTER_TO_UINT (old_max));
}

static void
on_worker_state (TernSyncClient *worker, int state, TernMailContext *self)
{
  gint64 account_id = tern_sync_client_get_account_id (worker);

  g_signal_emit (self, signals[SIGNAL_ACCOUNT_STATE_CHANGED], 0, account_id, state);
  /* The worker runs the outbox at the end of each sync or push. */
  if (state == TERN_WORKER_IDLE)
    g_signal_emit (self, signals[SIGNAL_OUTBOX_CHANGED], 0, account_id);
}

static void
on_worker_progress (TernSyncClient *worker, const char *folder, guint done, guint total,
                    TernMailContext *self)
{
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0,
                 tern_sync_client_get_account_id (worker), folder, done, total);
}

static void
on_worker_folder_changed (TernSyncClient *worker, gint64 folder_id, TernMailContext *self)
{
  gint64 account_id = tern_sync_client_get_account_id (worker);

  g_signal_emit (self, signals[SIGNAL_FOLDER_CHANGED], 0, account_id, folder_id);
  check_new_mail (self, account_id, folder_id);
}

static void
on_worker_folders_changed (TernSyncClient *worker, TernMailContext *self)
{
  gint64 account_id = tern_sync_client_get_account_id (worker);

  g_signal_emit (self, signals[SIGNAL_FOLDERS_CHANGED], 0, account_id);
  /* Sent mail is filed in Sent and announced this way. */
  g_signal_emit (self, signals[SIGNAL_OUTBOX_CHANGED], 0, account_id);
}

static void
on_worker_body_fetched (TernSyncClient *worker, gint64 message_id, GError *error,
                        TernMailContext *self)
{
  g_signal_emit (self, signals[SIGNAL_BODY_FETCHED], 0, message_id, error);
}

static void
on_worker_certificate (TernSyncClient *worker, TernCertificateInfo *info, gboolean outgoing,
                       TernMailContext *self)
{
  g_signal_emit (self, signals[SIGNAL_CERTIFICATE_NEEDED], 0,
                 tern_sync_client_get_account_id (worker), info, outgoing);
}

static void
on_worker_outbox_changed (TernSyncClient *worker, TernMailContext *self)
{
  g_signal_emit (self, signals[SIGNAL_OUTBOX_CHANGED], 0, tern_sync_client_get_account_id (worker));
}

static void
on_worker_error (TernSyncClient *worker, GError *error, gboolean outgoing,
                 TernMailContext *self)
{
  gint64 account_id = tern_sync_client_get_account_id (worker);

  if (outgoing)
    g_signal_emit (self, signals[SIGNAL_OUTBOX_CHANGED], 0, account_id);
  g_signal_emit (self, signals[SIGNAL_ERROR], 0, account_id, error, outgoing);
}

static void
on_worker_server_said (TernSyncClient *worker, const char *words, TernMailContext *self)
{
  g_signal_emit (self, signals[SIGNAL_SERVER_SAID], 0, tern_sync_client_get_account_id (worker), words);
}

/* ---- network ---- */

static void
set_online_internal (TernMailContext *self, gboolean online)
{
  GHashTableIter it;
  gpointer worker;

  if (self->online == online)
    return;
  self->online = online;
  g_hash_table_iter_init (&it, self->workers);
  while (g_hash_table_iter_next (&it, NULL, &worker))
    tern_sync_client_network_changed (worker, online);
  g_signal_emit (self, signals[SIGNAL_ONLINE_CHANGED], 0, online);
}

static void
on_network_changed (GNetworkMonitor *monitor, gboolean available, TernMailContext *self)
{
  if (!self->online_forced)
    set_online_internal (self, available);
}

/* ---- user actions, on the executor ---- */

static gboolean
is_outbox_action (TernActionKind kind)
{
  return kind == TERN_ACTION_OUTBOX_RETRY || kind == TERN_ACTION_OUTBOX_EDIT ||
         kind == TERN_ACTION_OUTBOX_DELETE;
}

static gint64
action_account (TernStore *store, Action *action, GError **error)
{
  if (is_outbox_action (action->kind) && action->ids->len > 0)
    {
      g_autoptr(TernOutboxItem) item =
        tern_store_get_outbox (store, g_array_index (action->ids, gint64, 0), error);
      return item != NULL ? item->account_id : 0;
    }
  if (action->kind == TERN_ACTION_MARK_FOLDER_READ || action->kind == TERN_ACTION_MOVE)
    {
      g_autoptr(TernFolder) folder = tern_store_get_folder (store, action->folder_id, error);
      return folder != NULL ? folder->account_id : 0;
    }
  if (action->ids->len > 0)
    {
      g_autoptr(TernMessageSummary) s =
        tern_store_get_message (store, g_array_index (action->ids, gint64, 0), error);
      return s != NULL ? s->account_id : 0;
    }
  return 0;
}

static gboolean
run_action (TernStore *store, Action *action, GError **error)
{
  const gint64 *ids = (const gint64 *) action->ids->data;
  guint n = action->ids->len;

  action->account_id = action_account (store, action, error);
  if (action->account_id == 0)
    return FALSE;
  switch (action->kind)
    {
    case TERN_ACTION_CHANGE_FLAGS:
      return tern_mail_change_flags (store, ids, n, action->set_flags, action->clear_flags, error);
    case TERN_ACTION_MOVE:
      {
        /* Into another account ("On this computer"): the source account's
         * worker has a delete to send too. */
        g_autoptr(TernMessageSummary) s = n > 0 ? tern_store_get_message (store, ids[0], NULL)
                                                : NULL;
        action->source_account_id = s != NULL ? s->account_id : 0;
      }
      return tern_mail_move (store, ids, n, action->folder_id, error);
    case TERN_ACTION_DELETE:
      return tern_mail_delete (store, ids, n, error);
    case TERN_ACTION_DELETE_PERMANENTLY:
      return tern_mail_delete_permanently (store, ids, n, error);
    case TERN_ACTION_MARK_FOLDER_READ:
      return tern_mail_mark_folder_read (store, action->folder_id, error);
    case TERN_ACTION_OUTBOX_RETRY:
      for (guint i = 0; i < n; i++)
        if (!tern_outbox_retry (store, ids[i], error))
          return FALSE;
      return TRUE;
    case TERN_ACTION_OUTBOX_DELETE:
      for (guint i = 0; i < n; i++)
        if (!tern_outbox_item_discard (store, ids[i], error))
          return FALSE;
      return TRUE;
    case TERN_ACTION_OUTBOX_EDIT:
      if (n != 1)
        break;
      action->result_id = tern_outbox_item_to_draft (store, ids[0], error);
      return action->result_id != 0;
    }
  g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID, "Unknown action");
  return FALSE;
}

static gboolean
action_job (TernStore *store, gpointer data, GError **error)
{
  return run_action (store, data, error);
}

static void
action_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) outer = user_data;
  TernMailContext *self = g_task_get_source_object (outer);
  Action *action = g_task_get_task_data (outer);
  g_autoptr(GError) error = NULL;
  TernSyncClient *worker;

  if (!tern_store_executor_run_finish (self->executor, result, &error))
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }
  worker = tern_mail_context_get_worker (self, action->account_id);
  if (worker != NULL)
    tern_sync_client_push_changes (worker);
  if (action->source_account_id != 0 && action->source_account_id != action->account_id)
    {
      tern_mail_context_push_changes (self, action->source_account_id);
      g_signal_emit (self, signals[SIGNAL_FOLDERS_CHANGED], 0, action->account_id);
    }
  if (is_outbox_action (action->kind))
    g_signal_emit (self, signals[SIGNAL_OUTBOX_CHANGED], 0, action->account_id);
  g_task_return_boolean (outer, TRUE);
}

static void
queue_action (GTask *outer)
{
  TernMailContext *self = g_task_get_source_object (outer);

  tern_store_executor_run_async (self->executor, action_job, g_task_get_task_data (outer), NULL,
                                 NULL, action_done, outer);
}

/* ---- bodies first: a move into another account copies the bytes ---- */

typedef struct {
  GHashTable *waiting;         /* message ids (gint64 *) not answered yet */
  gulong handler, cancel_handler;
  GCancellable *cancellable;
  TernBodiesFetched result;
} Fetch;

static void
fetch_free (Fetch *f)
{
  g_hash_table_unref (f->waiting);
  g_clear_object (&f->cancellable);
  g_clear_error (&f->result.error);
  g_free (f);
}

/* Every body answered, the user cancelled or Tern is closing (@error):
 * stops listening. */
static void
fetch_end (GTask *task, GError *error)
{
  TernMailContext *self = g_task_get_source_object (task);
  Fetch *f = g_task_get_task_data (task);

  g_signal_handler_disconnect (self, f->handler);
  if (f->cancel_handler != 0)
    g_signal_handler_disconnect (f->cancellable, f->cancel_handler);
  self->prefetches = g_list_remove (self->prefetches, task);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, f->result.failed == 0);
  g_object_unref (task);
}

static void
on_fetch_body (TernMailContext *self, gint64 message_id, GError *error, GTask *task)
{
  Fetch *f = g_task_get_task_data (task);

  if (!g_hash_table_remove (f->waiting, &message_id))
    return;   /* the reader's, or another action's */
  if (error != NULL && f->result.failed++ == 0)
    {
      f->result.failed_id = message_id;
      f->result.error = g_error_copy (error);
    }
  if (g_hash_table_size (f->waiting) == 0)
    fetch_end (task, NULL);
}

static void
on_fetch_cancelled (GCancellable *cancellable, GTask *task)
{
  fetch_end (task, NULL);   /* GTask returns the cancellation */
}

void
tern_mail_context_fetch_bodies_async (TernMailContext *self, gint64 account_id,
                                      const GArray *ids, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  TernSyncClient *worker = tern_mail_context_get_worker (self, account_id);
  Fetch *f;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (worker == NULL || ids->len == 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "%s",
                               _("Incoming mail: Tern is not connected to this account's "
                                 "server."));
      g_object_unref (task);
      return;
    }
  f = g_new0 (Fetch, 1);
  f->waiting = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < ids->len; i++)
    g_hash_table_add (f->waiting, g_memdup2 (&g_array_index (ids, gint64, i), sizeof (gint64)));
  g_task_set_task_data (task, f, (GDestroyNotify) fetch_free);
  f->handler = g_signal_connect (self, "body-fetched", G_CALLBACK (on_fetch_body), task);
  if (cancellable != NULL)
    {
      f->cancellable = g_object_ref (cancellable);
      f->cancel_handler = g_signal_connect (cancellable, "cancelled",
                                            G_CALLBACK (on_fetch_cancelled), task);
    }
  self->prefetches = g_list_prepend (self->prefetches, task);
  for (guint i = 0; i < ids->len; i++)
    tern_sync_client_fetch_body (worker, g_array_index (ids, gint64, i));
}

gboolean
tern_mail_context_fetch_bodies_finish (TernMailContext *self, GAsyncResult *result,
                                       TernBodiesFetched *out, GError **error)
{
  Fetch *f = g_task_get_task_data (G_TASK (result));
  GError *local = NULL;

  *out = (TernBodiesFetched) { 0 };
  if (!g_task_propagate_boolean (G_TASK (result), &local) && local != NULL)
    {
      g_propagate_error (error, local);   /* cancelled or not connected */
      return FALSE;
    }
  *out = f->result;
  f->result.error = NULL;   /* now the caller's */
  return out->failed == 0;
}

static void
prefetched (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *outer = data;
  TernMailContext *self = TERN_MAIL_CONTEXT (source);
  g_autoptr(GError) error = NULL;
  TernBodiesFetched got;

  if (tern_mail_context_fetch_bodies_finish (self, result, &got, &error))
    {
      queue_action (outer);
      return;
    }
  if (error == NULL)
    {
      g_autoptr(TernMessageSummary) s = tern_store_get_message (self->store, got.failed_id, NULL);
      const char *subject = s != NULL && s->subject != NULL && *s->subject ? s->subject
                                                                            : _("A message");

      /* Nothing was moved: the user can try again once online. */
      error = g_error_new (got.error->domain, got.error->code,
                           _("Incoming mail: “%s” could not be downloaded from the server, so "
                             "nothing was moved. %s Try again once the account is back "
                             "online."), subject, got.error->message);
    }
  g_clear_error (&got.error);
  g_task_return_error (outer, g_steal_pointer (&error));
  g_object_unref (outer);
}

/* Mail whose body stayed on the server is downloaded by its account's sync
 * process first (the window never touches the network); the move is
 * queued once every body is stored. Without a running sync process the
 * move goes ahead and fails in plain words (tern_mail_transfer). */
static gboolean
prefetch_bodies (TernMailContext *self, GTask *outer, Action *action)
{
  g_autoptr(GArray) missing = tern_mail_bodies_to_download (self->store,
                                                           (gint64 *) action->ids->data,
                                                           action->ids->len, action->folder_id,
                                                           NULL);
  g_autoptr(TernMessageSummary) first = NULL;

  if (missing == NULL || missing->len == 0)
    return FALSE;
  first = tern_store_get_message (self->store, g_array_index (missing, gint64, 0), NULL);
  if (first == NULL || tern_mail_context_get_worker (self, first->account_id) == NULL)
    return FALSE;
  tern_mail_context_fetch_bodies_async (self, first->account_id, missing,
                                        g_task_get_cancellable (outer), prefetched, outer);
  return TRUE;
}

void
tern_mail_context_run_action (TernMailContext *self, TernActionKind kind, const gint64 *ids,
                              guint n_ids, guint set_flags, guint clear_flags, gint64 folder_id,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  GTask *outer = g_task_new (self, cancellable, callback, user_data);
  Action *action = g_new0 (Action, 1);

  g_task_set_source_tag (outer, tern_mail_context_run_action);
  action->kind = kind;
  action->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_ids);
  g_array_append_vals (action->ids, ids, n_ids);
  action->set_flags = set_flags;
  action->clear_flags = clear_flags;
  action->folder_id = folder_id;
  /* The action lives with the outer task: the job fills it in on the
   * executor's thread, action_done reads it back on this one. */
  g_task_set_task_data (outer, action, (GDestroyNotify) action_free);
  if (kind == TERN_ACTION_MOVE && prefetch_bodies (self, outer, action))
    return;
  queue_action (outer);
}

gboolean
tern_mail_context_run_action_finish (TernMailContext *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gint64
tern_mail_context_run_action_finish_id (TernMailContext *self, GAsyncResult *result,
                                        GError **error)
{
  Action *action;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return 0;
  action = g_task_get_task_data (G_TASK (result));
  return action->result_id;
}

void
tern_mail_context_outbox_changed (TernMailContext *self, gint64 account_id)
{
  g_signal_emit (self, signals[SIGNAL_OUTBOX_CHANGED], 0, account_id);
}

/* ---- lifecycle ---- */

static TernStore *
open_read_store (const char *data_dir, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  TernStore *store = tern_store_open (data_dir, TERN_STORE_OPEN_READ_ONLY, &local_error);

  if (store != NULL)
    return store;
  /* First start: create the store (a writer creates and migrates it). */
  {
    g_autoptr(TernStore) writer = tern_store_open (data_dir, TERN_STORE_OPEN_WRITER, error);
    if (writer == NULL)
      return NULL;
  }
  return tern_store_open (data_dir, TERN_STORE_OPEN_READ_ONLY, error);
}

TernMailContext *
tern_mail_context_new (const char *data_dir, GError **error)
{
  g_autoptr(TernMailContext) self = g_object_new (TERN_TYPE_MAIL_CONTEXT, NULL);

  self->data_dir = g_strdup (data_dir);
  self->store = open_read_store (data_dir, error);
  if (self->store == NULL)
    return NULL;
  self->secrets = tern_app_secrets_new (data_dir);
  self->executor = tern_store_executor_new (data_dir);
  self->sync_helper = tern_sync_client_find_helper ();
  self->monitor = g_network_monitor_get_default ();
  self->online = g_network_monitor_get_network_available (self->monitor);
  g_signal_connect_object (self->monitor, "network-changed", G_CALLBACK (on_network_changed),
                           self, 0);
  return g_steal_pointer (&self);
}

static void
record_inboxes (TernMailContext *self, gint64 account_id)
{
  g_autoptr(GPtrArray) folders = tern_store_list_folders (self->store, account_id, NULL);

  for (guint i = 0; folders != NULL && i < folders->len; i++)
    {
      TernFolder *f = g_ptr_array_index (folders, i);
      if (f->role == TERN_FOLDER_ROLE_INBOX)
        remember_inbox (self, f->id, tern_store_get_max_uid (self->store, f->id, NULL));
    }
}

void
tern_mail_context_start_workers (TernMailContext *self)
{
  g_autoptr(GPtrArray) accounts = tern_store_list_accounts (self->store, NULL);

  for (guint i = 0; accounts != NULL && i < accounts->len; i++)
    {
      TernAccountSettings *a = g_ptr_array_index (accounts, i);
      TernSyncClient *worker;
      gint64 *key;

      if (g_hash_table_contains (self->workers, &a->id))
        continue;
      record_inboxes (self, a->id);
      /* Each account syncs in a process of its own: a crash in protocol
       * code costs that account's sync, not the window. */
      worker = tern_sync_client_new (self->sync_helper, self->data_dir, a->id);
      g_signal_connect (worker, "state-changed", G_CALLBACK (on_worker_state), self);
      g_signal_connect (worker, "progress", G_CALLBACK (on_worker_progress), self);
      g_signal_connect (worker, "folder-changed", G_CALLBACK (on_worker_folder_changed), self);
      g_signal_connect (worker, "folders-changed", G_CALLBACK (on_worker_folders_changed), self);
      g_signal_connect (worker, "body-fetched", G_CALLBACK (on_worker_body_fetched), self);
      g_signal_connect (worker, "error", G_CALLBACK (on_worker_error), self);
      g_signal_connect (worker, "server-said", G_CALLBACK (on_worker_server_said), self);
      g_signal_connect (worker, "outbox-changed", G_CALLBACK (on_worker_outbox_changed), self);
      g_signal_connect (worker, "certificate-needed", G_CALLBACK (on_worker_certificate), self);
      key = g_new (gint64, 1);
      *key = a->id;
      g_hash_table_insert (self->workers, key, worker);
      tern_sync_client_start (worker);
      if (!self->online)
        tern_sync_client_network_changed (worker, FALSE);
    }
}

void
tern_mail_context_shutdown (TernMailContext *self)
{
  GHashTableIter it;
  gpointer worker;

  g_return_if_fail (TERN_IS_MAIL_CONTEXT (self));
  /* A stopped sync process answers no more downloads. */
  while (self->prefetches != NULL)
    fetch_end (self->prefetches->data,
                  g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                       _("Tern was closing, so nothing was moved.")));
  g_hash_table_iter_init (&it, self->workers);
  while (g_hash_table_iter_next (&it, NULL, &worker))
    {
      g_signal_handlers_disconnect_by_data (worker, self);
      tern_sync_client_stop (worker);
    }
  g_hash_table_remove_all (self->workers);
  /* Queued actions are the user's: let them finish. */
  if (self->executor != NULL)
    tern_store_executor_shutdown (self->executor);
}

static void
tern_mail_context_dispose (GObject *object)
{
  TernMailContext *self = TERN_MAIL_CONTEXT (object);

  if (self->workers != NULL)
    tern_mail_context_shutdown (self);
  G_OBJECT_CLASS (tern_mail_context_parent_class)->dispose (object);
}

static void
tern_mail_context_finalize (GObject *object)
{
  TernMailContext *self = TERN_MAIL_CONTEXT (object);

  g_hash_table_unref (self->workers);
  g_hash_table_unref (self->inbox_max_uid);
  g_clear_object (&self->store);
  g_clear_object (&self->secrets);
  g_clear_object (&self->executor);
  g_free (self->sync_helper);
  g_free (self->data_dir);
  G_OBJECT_CLASS (tern_mail_context_parent_class)->finalize (object);
}

static void
tern_mail_context_class_init (TernMailContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  object_class->dispose = tern_mail_context_dispose;
  object_class->finalize = tern_mail_context_finalize;
  signals[SIGNAL_ACCOUNT_STATE_CHANGED] =
    g_signal_new ("account-state-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT);
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_INT64, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_UINT);
  signals[SIGNAL_FOLDER_CHANGED] =
    g_signal_new ("folder-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT64);
  signals[SIGNAL_FOLDERS_CHANGED] =
    g_signal_new ("folders-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[SIGNAL_BODY_FETCHED] =
    g_signal_new ("body-fetched", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_ERROR);
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_ERROR, G_TYPE_BOOLEAN);
  signals[SIGNAL_NEW_MAIL] =
    g_signal_new ("new-mail", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_INT64, G_TYPE_UINT);
  signals[SIGNAL_ONLINE_CHANGED] =
    g_signal_new ("online-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  signals[SIGNAL_CERTIFICATE_NEEDED] =
    g_signal_new ("certificate-needed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_INT64, TERN_TYPE_CERTIFICATE_INFO, G_TYPE_BOOLEAN);
  signals[SIGNAL_OUTBOX_CHANGED] =
    g_signal_new ("outbox-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[SIGNAL_SERVER_SAID] =
    g_signal_new ("server-said", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_STRING);
}

static void
tern_mail_context_init (TernMailContext *self)
{
  self->workers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->inbox_max_uid = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->online = TRUE;
}

const char *
tern_mail_context_get_data_dir (TernMailContext *self)
{
  return self->data_dir;
}

TernStore *
tern_mail_context_get_store (TernMailContext *self)
{
  return self->store;
}

TernSyncClient *
tern_mail_context_get_worker (TernMailContext *self, gint64 account_id)
{
  return g_hash_table_lookup (self->workers, &account_id);
}

TernWorkerState
tern_mail_context_get_account_state (TernMailContext *self, gint64 account_id)
{
  TernSyncClient *worker = tern_mail_context_get_worker (self, account_id);

  return worker != NULL ? tern_sync_client_get_state (worker) : TERN_WORKER_OFFLINE;
}

gboolean
tern_mail_context_get_online (TernMailContext *self)
{
  return self->online;
}

void
tern_mail_context_set_online (TernMailContext *self, gboolean online)
{
  self->online_forced = TRUE;
  set_online_internal (self, online);
}

void
tern_mail_context_sync_all (TernMailContext *self)
{
  GHashTableIter it;
  gpointer worker;

  g_hash_table_iter_init (&it, self->workers);
  while (g_hash_table_iter_next (&it, NULL, &worker))
    tern_sync_client_sync (worker);
}

void
tern_mail_context_push_changes (TernMailContext *self, gint64 account_id)
{
  TernSyncClient *worker = tern_mail_context_get_worker (self, account_id);

  if (worker != NULL)
    tern_sync_client_push_changes (worker);
}

void
tern_mail_context_fetch_body (TernMailContext *self, gint64 message_id)
{
  g_autoptr(TernMessageSummary) s = tern_store_get_message (self->store, message_id, NULL);
  TernSyncClient *worker = s != NULL ? tern_mail_context_get_worker (self, s->account_id) : NULL;

  if (worker != NULL)
    tern_sync_client_fetch_body (worker, message_id);
}

void
tern_mail_context_accept_certificate (TernMailContext *self, gint64 account_id, gboolean outgoing,
                                      const char *sha256)
{
  TernSyncClient *worker = tern_mail_context_get_worker (self, account_id);

  if (worker != NULL)
    tern_sync_client_accept_certificate (worker, outgoing, sha256);
}

void
tern_mail_context_retry (TernMailContext *self, gint64 account_id)
{
  TernSyncClient *worker = tern_mail_context_get_worker (self, account_id);

  if (worker != NULL)
    tern_sync_client_retry (worker);
}

TernStoreExecutor *
tern_mail_context_get_executor (TernMailContext *self)
{
  g_return_val_if_fail (TERN_IS_MAIL_CONTEXT (self), NULL);
  return self->executor;
}
