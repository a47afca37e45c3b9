/* tern-account-worker.c: the background thread of one account: a job queue
 * in front of TernAccountSync, which holds the sync sequence itself. */
#include "account/tern-account-sync.h"
#include "account/tern-account-worker.h"
#include "core/tern-error.h"
#include "store/tern-store.h"

#define IDLE_SECONDS (25 * 60)        /* RFC 2177: renew before 29 minutes */
#define POLL_SECONDS (5 * 60)         /* POP3, or IMAP without IDLE */
#define BACKOFF_MIN_SECONDS 5
#define BACKOFF_MAX_SECONDS (5 * 60)
#define PROGRESS_INTERVAL_US (G_USEC_PER_SEC / 10)

typedef enum {
  JOB_SYNC,
  JOB_SYNC_FOLDER,
  JOB_FETCH_BODY,
  JOB_PUSH,
  JOB_WAKE,        /* retry now (network back, user fixed settings) */
  JOB_ACCEPT_CERTIFICATE,   /* pin path (a SHA-256), then sync */
  JOB_STOP,
} JobKind;

typedef struct {
  JobKind kind;
  char *path;
  gint64 message_id;
  gboolean outgoing;
} Job;

typedef enum {
  EVENT_STATE,
  EVENT_PROGRESS,
  EVENT_FOLDER_CHANGED,
  EVENT_FOLDERS_CHANGED,
  EVENT_BODY_FETCHED,
  EVENT_ERROR,
  EVENT_SERVER_SAID,
  EVENT_CERTIFICATE,
  EVENT_OUTBOX_CHANGED,
} EventKind;

typedef struct {
  TernAccountWorker *worker;   /* owned ref */
  EventKind kind;
  TernWorkerState state;
  char *folder;
  char *words;                 /* EVENT_SERVER_SAID */
  guint done, total;
  gint64 id;
  GError *error;
  TernCertificateInfo *cert;
  gboolean outgoing;
} Event;

struct _TernAccountWorker
{
  GObject parent_instance;

  char *data_dir;
  gint64 account_id;
  TernSecrets *secrets;
  GMainContext *context;
  GThread *thread;
  GAsyncQueue *jobs;
  GCancellable *cancellable;         /* the whole worker */
  GMutex lock;
  GCancellable *wait_cancellable;    /* the current IDLE wait; under lock */
  volatile gint state;

  /* Worker thread only. */
  TernStore *store;
  TernAccountSync *session;
  guint backoff;
  gint64 last_progress;
  gboolean incoming_worked;   /* a job succeeded: the settings are right */
  gboolean outgoing_worked;   /* a message went out: the SMTP settings are right */
};

G_DEFINE_FINAL_TYPE (TernAccountWorker, tern_account_worker, G_TYPE_OBJECT)

static guint signals[TERN_WORKER_N_SIGNALS];

/* ---- Events to the main context --------------------------------------------- */

static void
event_free (Event *ev)
{
  g_object_unref (ev->worker);
  g_free (ev->folder);
  g_free (ev->words);
  g_clear_error (&ev->error);
  g_clear_pointer (&ev->cert, tern_certificate_info_free);
  g_free (ev);
}

static gboolean
dispatch_event (gpointer data)
{
  Event *ev = data;
  TernAccountWorker *self = ev->worker;

  switch (ev->kind)
    {
    case EVENT_STATE:
      g_signal_emit (self, signals[TERN_WORKER_SIGNAL_STATE_CHANGED], 0, ev->state);
      break;
    case EVENT_PROGRESS:
      g_signal_emit (self, signals[TERN_WORKER_SIGNAL_PROGRESS], 0, ev->folder, ev->done, ev->total);
      break;
    case EVENT_FOLDER_CHANGED:
      g_signal_emit (self, signals[TERN_WORKER_SIGNAL_FOLDER_CHANGED], 0, ev->id);
      break;
    case EVENT_FOLDERS_CHANGED:
      g_signal_emit (self, signals[TERN_WORKER_SIGNAL_FOLDERS_CHANGED], 0);
      break;
    case EVENT_BODY_FETCHED:
      g_signal_emit (self, signals[TERN_WORKER_SIGNAL_BODY_FETCHED], 0, ev->id, ev->error);
      break;
    case EVENT_ERROR:
      g_signal_emit (self, signals[TERN_WORKER_SIGNAL_ERROR], 0, ev->error, ev->outgoing);
      break;
    case EVENT_SERVER_SAID:
      g_signal_emit (self, signals[TERN_WORKER_SIGNAL_SERVER_SAID], 0, ev->words);
      break;
    case EVENT_CERTIFICATE:
      g_signal_emit (self, signals[TERN_WORKER_SIGNAL_CERTIFICATE_NEEDED], 0, ev->cert, ev->outgoing);
      break;
    case EVENT_OUTBOX_CHANGED:
      g_signal_emit (self, signals[TERN_WORKER_SIGNAL_OUTBOX_CHANGED], 0);
      break;
    }
  return G_SOURCE_REMOVE;
}

static Event *
event_new (TernAccountWorker *self, EventKind kind)
{
  Event *ev = g_new0 (Event, 1);

  ev->worker = g_object_ref (self);
  ev->kind = kind;
  return ev;
}

static void
post (Event *ev)
{
  g_main_context_invoke_full (ev->worker->context, G_PRIORITY_DEFAULT, dispatch_event, ev,
                              (GDestroyNotify) event_free);
}

static void
set_state (TernAccountWorker *self, TernWorkerState state)
{
  Event *ev;

  if (g_atomic_int_get (&self->state) == (gint) state)
    return;
  g_atomic_int_set (&self->state, state);
  ev = event_new (self, EVENT_STATE);
  ev->state = state;
  post (ev);
}

/* A connection failure of a server that worked before in this process:
 * the settings are right, so the words must not send the user to check the
 * port; they say it isn't answering right now. The original goes to the log. */
static GError *
reword_connection_error (TernAccountWorker *self, const GError *error, gboolean outgoing)
{
  const TernAccountSettings *a = self->session != NULL ? tern_account_sync_get_account (self->session) : NULL;
  const char *host = a == NULL ? NULL : outgoing ? a->smtp_host : a->incoming_host;

  if (!(outgoing ? self->outgoing_worked : self->incoming_worked) || error->domain != TERN_ERROR ||
      (error->code != TERN_ERROR_CONNECTION_REFUSED && error->code != TERN_ERROR_TIMED_OUT &&
       error->code != TERN_ERROR_CONNECTION_LOST && error->code != TERN_ERROR_HOST_NOT_FOUND))
    return g_error_copy (error);
  g_message ("account %" G_GINT64_FORMAT ": %s", self->account_id, error->message);
  return g_error_new (TERN_ERROR, error->code,
                      outgoing ? "The outgoing mail server %s isn’t answering right now. It worked before, "
                                 "so the settings are fine."
                               : "The incoming mail server %s isn’t answering right now. It worked before, "
                                 "so the settings are fine.", host != NULL ? host : "");
}

static void
post_error (TernAccountWorker *self, const GError *error, gboolean outgoing)
{
  Event *ev = event_new (self, EVENT_ERROR);

  ev->error = reword_connection_error (self, error, outgoing);
  ev->outgoing = outgoing;
  post (ev);
}

/* What the server said to the user during the job (an ALERT, an untagged
 * NO): news, not a failure, so the state stays as it is. */
static void
post_server_words (TernAccountWorker *self)
{
  g_autoptr(GPtrArray) words = tern_account_sync_take_server_words (self->session);

  for (guint i = 0; words != NULL && i < words->len; i++)
    {
      Event *ev = event_new (self, EVENT_SERVER_SAID);

      ev->words = g_strdup (g_ptr_array_index (words, i));
      post (ev);
    }
}

static void
post_certificate (TernAccountWorker *self, TernCertificateInfo *cert, gboolean outgoing)
{
  Event *ev = event_new (self, EVENT_CERTIFICATE);

  ev->cert = cert;
  ev->outgoing = outgoing;
  post (ev);
}

static void
post_id (TernAccountWorker *self, EventKind kind, gint64 id, const GError *error)
{
  Event *ev = event_new (self, kind);

  ev->id = id;
  ev->error = error ? g_error_copy (error) : NULL;
  post (ev);
}

static void
on_sync_progress (const TernSyncProgress *p, gpointer user_data)
{
  TernAccountWorker *self = user_data;
  gint64 now = g_get_monotonic_time ();
  Event *ev;

  /* A big first sync reports thousands of steps: a few a second is enough. */
  if (p->done != p->total && now - self->last_progress < PROGRESS_INTERVAL_US)
    return;
  self->last_progress = now;
  ev = event_new (self, EVENT_PROGRESS);
  ev->folder = g_strdup (p->folder_path);
  ev->done = p->done;
  ev->total = p->total;
  post (ev);
}

/* ---- Jobs -------------------------------------------------------------------- */

static void
job_free (Job *job)
{
  g_free (job->path);
  g_free (job);
}

static void
interrupt_wait (TernAccountWorker *self)
{
  g_mutex_lock (&self->lock);
  if (self->wait_cancellable != NULL)
    g_cancellable_cancel (self->wait_cancellable);
  g_mutex_unlock (&self->lock);
}

static void
push_job_full (TernAccountWorker *self, JobKind kind, const char *path, gint64 message_id,
               gboolean outgoing)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  job->path = g_strdup (path);
  job->message_id = message_id;
  job->outgoing = outgoing;
  g_async_queue_push (self->jobs, job);
  interrupt_wait (self);
}

static void
push_job (TernAccountWorker *self, JobKind kind, const char *path, gint64 message_id)
{
  push_job_full (self, kind, path, message_id, FALSE);
}

/* ---- Session (worker thread) -------------------------------------------------- */

static gboolean
is_imap (TernAccountWorker *self)
{
  const TernAccountSettings *a = tern_account_sync_get_account (self->session);

  return a != NULL && a->protocol == TERN_PROTOCOL_IMAP;
}

/* Wrong password, a lost OAuth2 sign-in or an untrusted certificate:
 * retrying cannot help until the user acts. */
static gboolean
needs_user (const GError *error)
{
  return g_error_matches (error, TERN_ERROR, TERN_ERROR_AUTH) ||
         g_error_matches (error, TERN_ERROR, TERN_ERROR_SIGN_IN_AGAIN) ||
         g_error_matches (error, TERN_ERROR, TERN_ERROR_CERTIFICATE) ||
         g_error_matches (error, TERN_ERROR, TERN_ERROR_NO_STARTTLS) ||
         g_error_matches (error, TERN_ERROR, TERN_ERROR_ENCRYPTION_REQUIRED) ||
         g_error_matches (error, TERN_ERROR, TERN_ERROR_WRONG_SECURITY) ||
         g_error_matches (error, TERN_ERROR, TERN_ERROR_SECRETS);
}

static void
notify_folders (TernAccountWorker *self)
{
  g_autoptr(GPtrArray) folders = tern_store_list_folders (self->store, self->account_id, NULL);

  post (event_new (self, EVENT_FOLDERS_CHANGED));
  for (guint i = 0; folders != NULL && i < folders->len; i++)
    post_id (self, EVENT_FOLDER_CHANGED, ((TernFolder *) g_ptr_array_index (folders, i))->id, NULL);
}

static void
notify_folder (TernAccountWorker *self, const char *path)
{
  g_autoptr(TernFolder) f = tern_store_get_folder_by_path (self->store, self->account_id, path, NULL);

  if (f != NULL)
    post_id (self, EVENT_FOLDER_CHANGED, f->id, NULL);
}

/* The user trusted the certificate shown: pin it (this process is the
 * account's writer), then connect again. */
static gboolean
pin_certificate (TernAccountWorker *self, Job *job, GError **error)
{
  g_autoptr(TernAccountSettings) a = tern_store_get_account (self->store, self->account_id, error);
  char **pin;

  if (a == NULL)
    return FALSE;
  pin = job->outgoing ? &a->smtp_cert_sha256 : &a->incoming_cert_sha256;
  g_free (*pin);
  *pin = g_strdup (job->path);
  tern_account_sync_drop_session (self->session);
  return tern_store_update_account (self->store, a, error);
}

/* Outbox failures are about outgoing mail and never stop incoming sync:
 * they are reported, and the outbox keeps its own backoff per message. */
static void
report_outbox (TernAccountWorker *self, const TernAccountSyncResult *result)
{
  const TernOutboxResult *o = &result->outbox;

  /* Before the error: a message that just went out means the server works,
   * so a later failure to connect is "not answering right now". */
  if (o->sent > 0)
    self->outgoing_worked = TRUE;
  if (result->outbox_error != NULL)
    post_error (self, result->outbox_error, TRUE);
  if (o->sent > 0)
    notify_folders (self);
  if (o->sent > 0 || o->failed > 0 || o->deferred > 0 || result->outbox_error != NULL)
    post (event_new (self, EVENT_OUTBOX_CHANGED));
}

static gboolean
run_job (TernAccountWorker *self, Job *job, GError **error)
{
  g_auto(TernAccountSyncResult) result = { 0 };
  g_autoptr(TernCertificateInfo) cert = NULL;
  gboolean ok;

  if (job->kind == JOB_ACCEPT_CERTIFICATE && !pin_certificate (self, job, error))
    return FALSE;
  if (!tern_account_sync_has_session (self->session))
    set_state (self, TERN_WORKER_CONNECTING);
  if (!tern_account_sync_connect (self->session, self->cancellable, &cert, error))
    {
      if (cert != NULL)
        post_certificate (self, g_steal_pointer (&cert), job->outgoing);
      /* The reader waits for an answer either way. */
      if (job->kind == JOB_FETCH_BODY)
        post_id (self, EVENT_BODY_FETCHED, job->message_id, *error);
      return FALSE;
    }
  self->backoff = 0;
  set_state (self, TERN_WORKER_SYNCING);
  switch (job->kind)
    {
    case JOB_FETCH_BODY:
      ok = tern_account_sync_fetch_body (self->session, job->message_id, self->cancellable, error);
      post_id (self, EVENT_BODY_FETCHED, job->message_id, ok ? NULL : *error);
      return ok;
    case JOB_SYNC_FOLDER:
      if (is_imap (self))
        {
          ok = tern_account_sync_folder (self->session, job->path, self->cancellable, error);
          notify_folder (self, job->path);
          return ok;
        }
      break;
    case JOB_PUSH:
      if (is_imap (self))
        {
          ok = tern_account_sync_replay (self->session, self->cancellable, NULL, error);
          notify_folders (self);
          if (ok)
            {
              tern_account_sync_send_outbox (self->session, self->cancellable, &result);
              report_outbox (self, &result);
            }
          return ok;
        }
      break;
    case JOB_SYNC:
    case JOB_WAKE:
    case JOB_ACCEPT_CERTIFICATE:
    case JOB_STOP:
      break;
    }
  /* A full sync; POP3 downloads for every kind of job. */
  ok = tern_account_sync_run (self->session, NULL, self->cancellable, &result, &cert, error);
  if (cert != NULL)
    post_certificate (self, g_steal_pointer (&cert), FALSE);
  notify_folders (self);
  if (ok)
    report_outbox (self, &result);
  return ok;
}

/* Waits for the next job for at most @seconds; NULL on timeout. */
static Job *
wait_for_job (TernAccountWorker *self, guint seconds)
{
  return g_async_queue_timeout_pop (self->jobs, (guint64) seconds * G_USEC_PER_SEC);
}

/* Between jobs: IDLE on the inbox, so new mail arrives within seconds. */
static void
idle_until_job (TernAccountWorker *self)
{
  g_autoptr(GCancellable) wait = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  TernIdleResult r;

  g_mutex_lock (&self->lock);
  self->wait_cancellable = g_object_ref (wait);
  g_mutex_unlock (&self->lock);
  /* A job pushed before the cancellable existed must not be slept through. */
  if (g_async_queue_length (self->jobs) == 0)
    {
      set_state (self, TERN_WORKER_IDLE);
      r = tern_account_sync_idle (self->session, "INBOX", IDLE_SECONDS, wait, &error);
      if (r == TERN_IDLE_CHANGED)
        push_job (self, JOB_SYNC_FOLDER, "INBOX", 0);
      else if (r == TERN_IDLE_FAILED)
        tern_account_sync_drop_session (self->session);
    }
  g_mutex_lock (&self->lock);
  g_clear_object (&self->wait_cancellable);
  g_mutex_unlock (&self->lock);
}

static void
handle_failure (TernAccountWorker *self, Job *job, const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  post_error (self, error, FALSE);
  if (needs_user (error))
    {
      tern_account_sync_drop_session (self->session);
      set_state (self, TERN_WORKER_NEEDS_USER);
      return;
    }
  if (!tern_account_sync_has_session (self->session) || !is_imap (self))
    {
      tern_account_sync_drop_session (self->session);
      set_state (self, TERN_WORKER_OFFLINE);
      self->backoff = CLAMP (self->backoff * 2, BACKOFF_MIN_SECONDS, BACKOFF_MAX_SECONDS);
    }
}

static void
worker_loop (TernAccountWorker *self)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      Job *job = g_async_queue_try_pop (self->jobs);
      TernWorkerState state = g_atomic_int_get (&self->state);
      gboolean ok;

      if (job == NULL)
        {
          if (state == TERN_WORKER_NEEDS_USER)
            job = g_async_queue_pop (self->jobs);
          else if (state == TERN_WORKER_OFFLINE)
            job = wait_for_job (self, self->backoff);
          else if (tern_account_sync_has_session (self->session))
            {
              idle_until_job (self);
              continue;
            }
          else
            job = wait_for_job (self, POLL_SECONDS);
          if (job == NULL)
            job = g_new0 (Job, 1);   /* timed out: a full sync (JOB_SYNC) */
        }
      if (job->kind == JOB_STOP)
        {
          job_free (job);
          return;
        }
      ok = run_job (self, job, &error);
      post_server_words (self);
      if (!ok)
        handle_failure (self, job, error);
      else
        {
          self->incoming_worked = TRUE;
          if (g_async_queue_length (self->jobs) == 0)
            set_state (self, TERN_WORKER_IDLE);
        }
      job_free (job);
    }
}

static gpointer
worker_thread (gpointer data)
{
  TernAccountWorker *self = data;
  g_autoptr(GError) error = NULL;

  self->store = tern_store_open (self->data_dir, TERN_STORE_OPEN_WRITER, &error);
  if (self->store == NULL)
    {
      post_error (self, error, FALSE);
      set_state (self, TERN_WORKER_STOPPED);
      return NULL;
    }
  self->session = tern_account_sync_new (self->store, self->account_id, self->secrets);
  tern_account_sync_set_progress_func (self->session, on_sync_progress, self);
  worker_loop (self);
  g_clear_object (&self->session);
  g_clear_object (&self->store);
  set_state (self, TERN_WORKER_STOPPED);
  return NULL;
}

/* ---- Public --------------------------------------------------------------------- */

void
tern_account_worker_start (TernAccountWorker *self)
{
  g_return_if_fail (self->thread == NULL);
  push_job (self, JOB_SYNC, NULL, 0);
  self->thread = g_thread_new ("tern-account", worker_thread, g_object_ref (self));
}

void
tern_account_worker_stop (TernAccountWorker *self)
{
  if (self->thread == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  push_job (self, JOB_STOP, NULL, 0);
  g_thread_join (self->thread);
  self->thread = NULL;
  g_object_unref (self);   /* the thread's reference */
}

void
tern_account_worker_sync (TernAccountWorker *self)
{
  push_job (self, JOB_SYNC, NULL, 0);
}

void
tern_account_worker_sync_folder (TernAccountWorker *self, const char *path)
{
  push_job (self, JOB_SYNC_FOLDER, path, 0);
}

void
tern_account_worker_fetch_body (TernAccountWorker *self, gint64 message_id)
{
  push_job (self, JOB_FETCH_BODY, NULL, message_id);
}

void
tern_account_worker_push_changes (TernAccountWorker *self)
{
  push_job (self, JOB_PUSH, NULL, 0);
}

void
tern_account_worker_network_changed (TernAccountWorker *self, gboolean available)
{
  if (available)
    push_job (self, JOB_WAKE, NULL, 0);
}

void
tern_account_worker_retry (TernAccountWorker *self)
{
  push_job (self, JOB_WAKE, NULL, 0);
}

void
tern_account_worker_accept_certificate (TernAccountWorker *self, gboolean outgoing,
                                        const char *sha256)
{
  g_return_if_fail (sha256 != NULL && *sha256 != '\0');
  push_job_full (self, JOB_ACCEPT_CERTIFICATE, sha256, 0, outgoing);
}

gint64
tern_account_worker_get_account_id (TernAccountWorker *self)
{
  return self->account_id;
}

TernWorkerState
tern_account_worker_get_state (TernAccountWorker *self)
{
  return g_atomic_int_get (&self->state);
}

static void
tern_account_worker_finalize (GObject *object)
{
  TernAccountWorker *self = TERN_ACCOUNT_WORKER (object);

  g_async_queue_unref (self->jobs);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->secrets);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  g_free (self->data_dir);
  G_OBJECT_CLASS (tern_account_worker_parent_class)->finalize (object);
}

/* The worker's signals, also on TernSyncClient (same surface). */
void
tern_account_worker_add_signals (GType type, guint ids[TERN_WORKER_N_SIGNALS])
{
  ids[TERN_WORKER_SIGNAL_STATE_CHANGED] =
    g_signal_new ("state-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT);
  ids[TERN_WORKER_SIGNAL_PROGRESS] =
    g_signal_new ("progress", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_UINT);
  ids[TERN_WORKER_SIGNAL_FOLDER_CHANGED] =
    g_signal_new ("folder-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);
  ids[TERN_WORKER_SIGNAL_FOLDERS_CHANGED] =
    g_signal_new ("folders-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  ids[TERN_WORKER_SIGNAL_BODY_FETCHED] =
    g_signal_new ("body-fetched", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_ERROR);
  ids[TERN_WORKER_SIGNAL_ERROR] =
    g_signal_new ("error", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_ERROR, G_TYPE_BOOLEAN);
  ids[TERN_WORKER_SIGNAL_CERTIFICATE_NEEDED] =
    g_signal_new ("certificate-needed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, TERN_TYPE_CERTIFICATE_INFO, G_TYPE_BOOLEAN);
  ids[TERN_WORKER_SIGNAL_SERVER_SAID] =
    g_signal_new ("server-said", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  ids[TERN_WORKER_SIGNAL_OUTBOX_CHANGED] =
    g_signal_new ("outbox-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
tern_account_worker_class_init (TernAccountWorkerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  object_class->finalize = tern_account_worker_finalize;
  tern_account_worker_add_signals (type, signals);
}

static void
tern_account_worker_init (TernAccountWorker *self)
{
  self->jobs = g_async_queue_new_full ((GDestroyNotify) job_free);
  self->cancellable = g_cancellable_new ();
  g_mutex_init (&self->lock);
  self->state = TERN_WORKER_CONNECTING;
}

TernAccountWorker *
tern_account_worker_new (const char *data_dir, gint64 account_id, TernSecrets *secrets)
{
  TernAccountWorker *self = g_object_new (TERN_TYPE_ACCOUNT_WORKER, NULL);

  self->data_dir = g_strdup (data_dir);
  self->account_id = account_id;
  self->secrets = g_object_ref (secrets);
  self->context = g_main_context_ref_thread_default ();
  return self;
}
