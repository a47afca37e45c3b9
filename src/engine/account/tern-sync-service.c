/* tern-sync-service.c: jobs in, worker signals out (see the header). */
#include "account/tern-sync-service.h"

struct _TernSyncService
{
  GObject parent_instance;

  TernSyncChannel *channel;
  TernAccountWorker *worker;
  guint heartbeat;
  gboolean finished;
};

enum { SIGNAL_FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TernSyncService, tern_sync_service, G_TYPE_OBJECT)

static void
finish (TernSyncService *self)
{
  if (self->finished)
    return;
  self->finished = TRUE;
  g_clear_handle_id (&self->heartbeat, g_source_remove);
  g_signal_handlers_disconnect_by_data (self->worker, self);
  tern_account_worker_stop (self->worker);
  tern_sync_channel_flush (self->channel);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}

/* ---- jobs ---- */

static void
on_message (TernSyncChannel *channel, const char *name, GVariant *params, TernSyncService *self)
{
  TernAccountWorker *w = self->worker;

  if (g_str_equal (name, TERN_SYNC_JOB_SYNC))
    tern_account_worker_sync (w);
  else if (g_str_equal (name, TERN_SYNC_JOB_SYNC_FOLDER))
    {
      const char *path;
      g_variant_get (params, "(&s)", &path);
      tern_account_worker_sync_folder (w, path);
    }
  else if (g_str_equal (name, TERN_SYNC_JOB_FETCH_BODY))
    {
      gint64 id;
      g_variant_get (params, "(x)", &id);
      tern_account_worker_fetch_body (w, id);
    }
  else if (g_str_equal (name, TERN_SYNC_JOB_PUSH))
    tern_account_worker_push_changes (w);
  else if (g_str_equal (name, TERN_SYNC_JOB_NETWORK))
    {
      gboolean available;
      g_variant_get (params, "(b)", &available);
      tern_account_worker_network_changed (w, available);
    }
  else if (g_str_equal (name, TERN_SYNC_JOB_RETRY))
    tern_account_worker_retry (w);
  else if (g_str_equal (name, TERN_SYNC_JOB_ACCEPT_CERTIFICATE))
    {
      gboolean outgoing;
      const char *sha256;
      g_variant_get (params, "(b&s)", &outgoing, &sha256);
      if (*sha256 != '\0')
        tern_account_worker_accept_certificate (w, outgoing, sha256);
    }
  else if (g_str_equal (name, TERN_SYNC_JOB_STOP))
    finish (self);
  else
    g_debug ("Sync service: unknown job %s", name);
}

static void
on_closed (TernSyncChannel *channel, TernSyncService *self)
{
  /* The app is gone: nobody to report to. */
  finish (self);
}

/* ---- events ---- */

static void
send (TernSyncService *self, const char *name, GVariant *params)
{
  tern_sync_channel_send (self->channel, name, params);
}

static void
on_state (TernAccountWorker *w, int state, TernSyncService *self)
{
  send (self, TERN_SYNC_EVENT_STATE, g_variant_new ("(i)", state));
}

static void
on_progress (TernAccountWorker *w, const char *folder, guint done, guint total,
             TernSyncService *self)
{
  send (self, TERN_SYNC_EVENT_PROGRESS, g_variant_new ("(suu)", folder ? folder : "", done, total));
}

static void
on_folder_changed (TernAccountWorker *w, gint64 folder_id, TernSyncService *self)
{
  send (self, TERN_SYNC_EVENT_FOLDER_CHANGED, g_variant_new ("(x)", folder_id));
}

static void
on_folders_changed (TernAccountWorker *w, TernSyncService *self)
{
  send (self, TERN_SYNC_EVENT_FOLDERS_CHANGED, NULL);
}

static void
on_body_fetched (TernAccountWorker *w, gint64 id, GError *error, TernSyncService *self)
{
  send (self, TERN_SYNC_EVENT_BODY_FETCHED,
        g_variant_new ("(x@(sis))", id, tern_sync_error_to_variant (error)));
}

static void
on_error (TernAccountWorker *w, GError *error, gboolean outgoing, TernSyncService *self)
{
  send (self, TERN_SYNC_EVENT_ERROR,
        g_variant_new ("(@(sis)b)", tern_sync_error_to_variant (error), outgoing));
}

static void
on_certificate (TernAccountWorker *w, TernCertificateInfo *info, gboolean outgoing,
                TernSyncService *self)
{
  send (self, TERN_SYNC_EVENT_CERTIFICATE,
        g_variant_new ("(@a{sv}b)", tern_sync_certificate_to_variant (info), outgoing));
}

static void
on_server_said (TernAccountWorker *w, const char *words, TernSyncService *self)
{
  send (self, TERN_SYNC_EVENT_SERVER_SAID, g_variant_new ("(s)", words));
}

static void
on_outbox_changed (TernAccountWorker *w, TernSyncService *self)
{
  send (self, TERN_SYNC_EVENT_OUTBOX_CHANGED, NULL);
}

static gboolean
on_heartbeat (gpointer data)
{
  send (data, TERN_SYNC_EVENT_HEARTBEAT, NULL);
  return G_SOURCE_CONTINUE;
}

/* ---- object ---- */

gboolean
tern_sync_service_is_finished (TernSyncService *self)
{
  return self->finished;
}

static void
tern_sync_service_dispose (GObject *object)
{
  TernSyncService *self = TERN_SYNC_SERVICE (object);

  if (self->worker != NULL)
    finish (self);
  if (self->channel != NULL)
    g_signal_handlers_disconnect_by_data (self->channel, self);
  g_clear_object (&self->worker);
  g_clear_object (&self->channel);
  G_OBJECT_CLASS (tern_sync_service_parent_class)->dispose (object);
}

static void
tern_sync_service_class_init (TernSyncServiceClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tern_sync_service_dispose;
  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);
}

static void
tern_sync_service_init (TernSyncService *self)
{
}

TernSyncService *
tern_sync_service_new (TernSyncChannel *channel, TernAccountWorker *worker, guint heartbeat_ms)
{
  TernSyncService *self = g_object_new (TERN_TYPE_SYNC_SERVICE, NULL);

  self->channel = g_object_ref (channel);
  self->worker = g_object_ref (worker);
  g_signal_connect (channel, "message", G_CALLBACK (on_message), self);
  g_signal_connect (channel, "closed", G_CALLBACK (on_closed), self);
  g_signal_connect (worker, "state-changed", G_CALLBACK (on_state), self);
  g_signal_connect (worker, "progress", G_CALLBACK (on_progress), self);
  g_signal_connect (worker, "folder-changed", G_CALLBACK (on_folder_changed), self);
  g_signal_connect (worker, "folders-changed", G_CALLBACK (on_folders_changed), self);
  g_signal_connect (worker, "body-fetched", G_CALLBACK (on_body_fetched), self);
  g_signal_connect (worker, "error", G_CALLBACK (on_error), self);
  g_signal_connect (worker, "server-said", G_CALLBACK (on_server_said), self);
  g_signal_connect (worker, "certificate-needed", G_CALLBACK (on_certificate), self);
  g_signal_connect (worker, "outbox-changed", G_CALLBACK (on_outbox_changed), self);
  self->heartbeat = g_timeout_add (heartbeat_ms, on_heartbeat, self);
  /* The first heartbeat says "up" at once. */
  on_heartbeat (self);
  tern_account_worker_start (worker);
  return self;
}
