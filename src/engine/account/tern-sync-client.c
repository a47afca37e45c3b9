/* tern-sync-client.c: start, talk to and supervise one sync process (see
 * the header). */
#include <errno.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "account/tern-sync-channel.h"
#include "account/tern-sync-client.h"
#include "core/tern-error.h"
#include "tern-config.h"

#define STOP_WAIT_US (5 * G_USEC_PER_SEC)

struct _TernSyncClient
{
  GObject parent_instance;

  char *helper;
  char *data_dir;
  gint64 account_id;
  guint heartbeat_timeout_ms;
  guint restart_min_ms, restart_max_ms;

  GSubprocess *process;          /* the running process, or NULL */
  TernSyncChannel *channel;      /* its channel */
  gint64 last_seen;              /* monotonic time of its last message */
  gboolean killed_hung;          /* we killed it for missing heartbeats */
  guint watchdog;
  guint restart_timer;
  guint failures;
  gboolean started, stopping;
  TernWorkerState state;
  GPtrArray *backlog;            /* jobs sent while no process ran */
  GHashTable *fetching;          /* message ids (gint64 *) asked of the process */
};

G_DEFINE_FINAL_TYPE (TernSyncClient, tern_sync_client, G_TYPE_OBJECT)

/* The worker's signals, then ours. */
enum { SIGNAL_PROCESS_EXITED = TERN_WORKER_N_SIGNALS, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct {
  char *name;
  GVariant *params;
} Job;

static void
job_free (Job *job)
{
  g_free (job->name);
  g_variant_unref (job->params);
  g_free (job);
}

static void spawn (TernSyncClient *self);

/* ---- helpers ---- */

guint
tern_sync_restart_delay (guint failures, guint min_ms, guint max_ms)
{
  guint64 delay = min_ms;

  for (guint i = 1; i < failures && delay < max_ms; i++)
    delay *= 2;
  return (guint) MIN (delay, (guint64) max_ms);
}

char *
tern_sync_client_find_helper (void)
{
  const char *env = g_getenv ("TERN_SYNC_HELPER");
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = exe != NULL ? g_path_get_dirname (exe) : NULL;
  g_autofree char *built = dir != NULL ? g_build_filename (dir, "..", "sync", "tern-sync", NULL) : NULL;

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  /* Run from the build tree (src/app/tern): use the helper built with it. */
  if (built != NULL && g_file_test (built, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&built);
  return g_build_filename (TERN_LIBEXECDIR, "tern-sync", NULL);
}

static void
set_state (TernSyncClient *self, TernWorkerState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_signal_emit (self, signals[TERN_WORKER_SIGNAL_STATE_CHANGED], 0, state);
}

static void
report (TernSyncClient *self, TernError code, const char *message)
{
  g_autoptr(GError) error = g_error_new_literal (TERN_ERROR, code, message);

  g_signal_emit (self, signals[TERN_WORKER_SIGNAL_ERROR], 0, error, FALSE);
}

static void
send_job (TernSyncClient *self, const char *name, GVariant *params)
{
  Job *job;

  if (self->channel != NULL)
    {
      tern_sync_channel_send (self->channel, name, params);
      return;
    }
  /* Between processes: the next one gets it. */
  job = g_new0 (Job, 1);
  job->name = g_strdup (name);
  job->params = g_variant_ref_sink (params != NULL ? params : g_variant_new ("()"));
  g_ptr_array_add (self->backlog, job);
}

/* ---- events from the process ---- */

static void
on_body_fetched (TernSyncClient *self, GVariant *params)
{
  g_autoptr(GVariant) err = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  g_variant_get (params, "(x@(sis))", &id, &err);
  error = tern_sync_error_from_variant (err);
  g_hash_table_remove (self->fetching, &id);
  g_signal_emit (self, signals[TERN_WORKER_SIGNAL_BODY_FETCHED], 0, id, error);
}

static void
on_error_event (TernSyncClient *self, GVariant *params)
{
  g_autoptr(GVariant) err = NULL;
  g_autoptr(GError) error = NULL;
  gboolean outgoing;

  g_variant_get (params, "(@(sis)b)", &err, &outgoing);
  error = tern_sync_error_from_variant (err);
  if (error != NULL)
    g_signal_emit (self, signals[TERN_WORKER_SIGNAL_ERROR], 0, error, outgoing);
}

static void
on_certificate_event (TernSyncClient *self, GVariant *params)
{
  g_autoptr(GVariant) dict = NULL;
  g_autoptr(TernCertificateInfo) info = NULL;
  gboolean outgoing;

  g_variant_get (params, "(@a{sv}b)", &dict, &outgoing);
  info = tern_sync_certificate_from_variant (dict);
  g_signal_emit (self, signals[TERN_WORKER_SIGNAL_CERTIFICATE_NEEDED], 0, info, outgoing);
}

static gboolean
params_are (GVariant *params, const char *type)
{
  return g_variant_is_of_type (params, G_VARIANT_TYPE (type));
}

static void
on_message (TernSyncChannel *channel, const char *name, GVariant *params, TernSyncClient *self)
{
  self->last_seen = g_get_monotonic_time ();
  if (g_str_equal (name, TERN_SYNC_EVENT_STATE) && params_are (params, "(i)"))
    {
      gint32 state;
      g_variant_get (params, "(i)", &state);
      /* A sync went through: the next failure starts the backoff anew. */
      if (state == TERN_WORKER_IDLE)
        self->failures = 0;
      set_state (self, state);
    }
  else if (g_str_equal (name, TERN_SYNC_EVENT_PROGRESS) && params_are (params, "(suu)"))
    {
      const char *folder;
      guint32 done, total;
      g_variant_get (params, "(&suu)", &folder, &done, &total);
      g_signal_emit (self, signals[TERN_WORKER_SIGNAL_PROGRESS], 0, *folder ? folder : NULL, done, total);
    }
  else if (g_str_equal (name, TERN_SYNC_EVENT_FOLDER_CHANGED) && params_are (params, "(x)"))
    {
      gint64 id;
      g_variant_get (params, "(x)", &id);
      g_signal_emit (self, signals[TERN_WORKER_SIGNAL_FOLDER_CHANGED], 0, id);
    }
  else if (g_str_equal (name, TERN_SYNC_EVENT_FOLDERS_CHANGED))
    g_signal_emit (self, signals[TERN_WORKER_SIGNAL_FOLDERS_CHANGED], 0);
  else if (g_str_equal (name, TERN_SYNC_EVENT_BODY_FETCHED) && params_are (params, "(x(sis))"))
    on_body_fetched (self, params);
  else if (g_str_equal (name, TERN_SYNC_EVENT_ERROR) && params_are (params, "((sis)b)"))
    on_error_event (self, params);
  else if (g_str_equal (name, TERN_SYNC_EVENT_CERTIFICATE) && params_are (params, "(a{sv}b)"))
    on_certificate_event (self, params);
  else if (g_str_equal (name, TERN_SYNC_EVENT_OUTBOX_CHANGED))
    g_signal_emit (self, signals[TERN_WORKER_SIGNAL_OUTBOX_CHANGED], 0);
  else if (g_str_equal (name, TERN_SYNC_EVENT_SERVER_SAID) && params_are (params, "(s)"))
    {
      const char *words;
      g_variant_get (params, "(&s)", &words);
      g_signal_emit (self, signals[TERN_WORKER_SIGNAL_SERVER_SAID], 0, words);
    }
  else if (!g_str_equal (name, TERN_SYNC_EVENT_HEARTBEAT))
    g_debug ("Sync client: unexpected event %s %s", name, g_variant_get_type_string (params));
}

/* ---- supervision ---- */

static gboolean
check_heartbeat (gpointer data)
{
  TernSyncClient *self = data;

  if (self->process == NULL || self->killed_hung)
    return G_SOURCE_CONTINUE;
  if (g_get_monotonic_time () - self->last_seen > (gint64) self->heartbeat_timeout_ms * 1000)
    {
      g_message ("The sync process of account %" G_GINT64_FORMAT " stopped answering; "
                 "killing it", self->account_id);
      self->killed_hung = TRUE;
      g_subprocess_force_exit (self->process);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_restart_timer (gpointer data)
{
  TernSyncClient *self = data;

  self->restart_timer = 0;
  spawn (self);
  return G_SOURCE_REMOVE;
}

static void
drop_process (TernSyncClient *self)
{
  g_clear_handle_id (&self->watchdog, g_source_remove);
  if (self->channel != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->channel, self);
      tern_sync_channel_close (self->channel);
      g_clear_object (&self->channel);
    }
  g_clear_object (&self->process);
}

/* Bodies asked of a process that died will not come: say so, so the
 * reader does not wait forever (and a message that crashes the parser is
 * not asked for again by itself). */
static void
fail_fetches (TernSyncClient *self)
{
  g_autoptr(GList) ids = g_hash_table_get_keys (self->fetching);
  g_autoptr(GError) error =
    g_error_new_literal (TERN_ERROR, TERN_ERROR_PROTOCOL,
                         "The message could not be downloaded: the server sent something "
                         "Tern could not read.");

  for (GList *l = ids; l != NULL; l = l->next)
    {
      gint64 id = *(gint64 *) l->data;
      g_hash_table_remove (self->fetching, &id);
      g_signal_emit (self, signals[TERN_WORKER_SIGNAL_BODY_FETCHED], 0, id, error);
    }
}

static void
schedule_restart (TernSyncClient *self)
{
  self->failures++;
  self->restart_timer = g_timeout_add (tern_sync_client_get_restart_delay (self),
                                       on_restart_timer, self);
}

/* A fault in the process itself: what parsing hostile bytes leads to.
 * (Under AddressSanitizer a fault ends as SIGABRT or as exit code 1.) */
static gboolean
crashed (int status)
{
  if (WIFEXITED (status))
    return WEXITSTATUS (status) != 0;
  switch (WTERMSIG (status))
    {
    case SIGSEGV: case SIGBUS: case SIGILL: case SIGFPE: case SIGABRT: case SIGTRAP: case SIGSYS:
      return TRUE;
    default:
      return FALSE;
    }
}

static void
process_died (TernSyncClient *self, int status)
{
  gboolean hung = self->killed_hung;

  drop_process (self);
  fail_fetches (self);
  set_state (self, TERN_WORKER_OFFLINE);
  if (hung)
    report (self, TERN_ERROR_TIMED_OUT,
            "The connection to the server stopped responding, so Tern started it again.");
  else if (crashed (status))
    report (self, TERN_ERROR_PROTOCOL,
            "The server sent something Tern could not read, and the connection to it was closed.");
  else if (WIFSIGNALED (status))
    report (self, TERN_ERROR_CONNECTION_LOST,
            "The connection to the server was stopped from outside Tern; Tern starts it again.");
  schedule_restart (self);
}

static void
on_exited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernSyncClient) self = user_data;
  GSubprocess *process = G_SUBPROCESS (source);
  gboolean expected = self->stopping || process != self->process;
  int status;

  g_subprocess_wait_finish (process, result, NULL);
  status = g_subprocess_get_status (process);
  if (WIFSIGNALED (status))
    g_message ("The sync process of account %" G_GINT64_FORMAT " was killed by signal %d",
               self->account_id, WTERMSIG (status));
  g_signal_emit (self, signals[SIGNAL_PROCESS_EXITED], 0, status, expected);
  if (!expected)
    process_died (self, status);
}

static gboolean
spawn_process (TernSyncClient *self, GError **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autofree char *account = g_strdup_printf ("%" G_GINT64_FORMAT, self->account_id);
  const char *argv[] = { self->helper, "--data-dir", self->data_dir, "--account", account,
                         "--channel-fd", "3", NULL };
  int sv[2];

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_FAILED, "socketpair: %s", g_strerror (errno));
      return FALSE;
    }
  /* No display for code that parses what servers send. */
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_take_fd (launcher, sv[1], 3);
  self->process = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (self->process == NULL)
    {
      close (sv[0]);
      return FALSE;
    }
  self->channel = tern_sync_channel_new (sv[0], TRUE);
  return TRUE;
}

static void
spawn (TernSyncClient *self)
{
  g_autoptr(GError) error = NULL;

  if (!spawn_process (self, &error))
    {
      g_autofree char *message =
        g_strdup_printf ("Tern could not start checking mail for this account (%s).",
                         error->message);
      report (self, TERN_ERROR_FAILED, message);
      schedule_restart (self);
      return;
    }
  self->killed_hung = FALSE;
  self->last_seen = g_get_monotonic_time ();
  g_signal_connect (self->channel, "message", G_CALLBACK (on_message), self);
  g_subprocess_wait_async (self->process, NULL, on_exited, g_object_ref (self));
  self->watchdog = g_timeout_add (MAX (self->heartbeat_timeout_ms / 4, 10), check_heartbeat, self);
  for (guint i = 0; i < self->backlog->len; i++)
    {
      Job *job = g_ptr_array_index (self->backlog, i);
      tern_sync_channel_send (self->channel, job->name, job->params);
    }
  g_ptr_array_set_size (self->backlog, 0);
}

/* ---- public ---- */

void
tern_sync_client_start (TernSyncClient *self)
{
  g_return_if_fail (!self->started);
  self->started = TRUE;
  /* The process syncs everything when it starts. */
  spawn (self);
}

static void
wait_for_exit (GSubprocess *process)
{
  gint64 deadline = g_get_monotonic_time () + STOP_WAIT_US;

  /* GLib reaps the child on its worker thread; the identifier goes away
   * then. Like joining a thread: brief, and only at shutdown. */
  while (g_subprocess_get_identifier (process) != NULL && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  if (g_subprocess_get_identifier (process) != NULL)
    g_subprocess_force_exit (process);
}

void
tern_sync_client_stop (TernSyncClient *self)
{
  if (!self->started || self->stopping)
    return;
  self->stopping = TRUE;
  g_clear_handle_id (&self->restart_timer, g_source_remove);
  if (self->process != NULL)
    {
      g_autoptr(GSubprocess) process = g_object_ref (self->process);

      tern_sync_channel_send (self->channel, TERN_SYNC_JOB_STOP, NULL);
      tern_sync_channel_flush (self->channel);
      wait_for_exit (process);
    }
  drop_process (self);
  set_state (self, TERN_WORKER_STOPPED);
}

void
tern_sync_client_sync (TernSyncClient *self)
{
  send_job (self, TERN_SYNC_JOB_SYNC, NULL);
}

void
tern_sync_client_sync_folder (TernSyncClient *self, const char *path)
{
  send_job (self, TERN_SYNC_JOB_SYNC_FOLDER, g_variant_new ("(s)", path));
}

void
tern_sync_client_fetch_body (TernSyncClient *self, gint64 message_id)
{
  gint64 *key = g_new (gint64, 1);

  *key = message_id;
  g_hash_table_add (self->fetching, key);
  send_job (self, TERN_SYNC_JOB_FETCH_BODY, g_variant_new ("(x)", message_id));
}

void
tern_sync_client_push_changes (TernSyncClient *self)
{
  send_job (self, TERN_SYNC_JOB_PUSH, NULL);
}

void
tern_sync_client_network_changed (TernSyncClient *self, gboolean available)
{
  send_job (self, TERN_SYNC_JOB_NETWORK, g_variant_new ("(b)", available));
}

void
tern_sync_client_retry (TernSyncClient *self)
{
  /* Waiting to restart after a crash: the user says now. */
  if (self->restart_timer != 0)
    {
      g_clear_handle_id (&self->restart_timer, g_source_remove);
      spawn (self);
      return;
    }
  send_job (self, TERN_SYNC_JOB_RETRY, NULL);
}

void
tern_sync_client_accept_certificate (TernSyncClient *self, gboolean outgoing, const char *sha256)
{
  send_job (self, TERN_SYNC_JOB_ACCEPT_CERTIFICATE, g_variant_new ("(bs)", outgoing, sha256));
}

gint64
tern_sync_client_get_account_id (TernSyncClient *self)
{
  return self->account_id;
}

TernWorkerState
tern_sync_client_get_state (TernSyncClient *self)
{
  return self->state;
}

GPid
tern_sync_client_get_pid (TernSyncClient *self)
{
  const char *id = self->process != NULL ? g_subprocess_get_identifier (self->process) : NULL;

  return id != NULL ? (GPid) g_ascii_strtoll (id, NULL, 10) : 0;
}

guint
tern_sync_client_get_failures (TernSyncClient *self)
{
  return self->failures;
}

guint
tern_sync_client_get_restart_delay (TernSyncClient *self)
{
  return tern_sync_restart_delay (MAX (self->failures, 1), self->restart_min_ms,
                                  self->restart_max_ms);
}

void
tern_sync_client_set_timing (TernSyncClient *self, guint heartbeat_timeout_ms,
                             guint restart_min_ms, guint restart_max_ms)
{
  self->heartbeat_timeout_ms = heartbeat_timeout_ms;
  self->restart_min_ms = restart_min_ms;
  self->restart_max_ms = restart_max_ms;
}

static void
tern_sync_client_dispose (GObject *object)
{
  TernSyncClient *self = TERN_SYNC_CLIENT (object);

  tern_sync_client_stop (self);
  G_OBJECT_CLASS (tern_sync_client_parent_class)->dispose (object);
}

static void
tern_sync_client_finalize (GObject *object)
{
  TernSyncClient *self = TERN_SYNC_CLIENT (object);

  g_ptr_array_unref (self->backlog);
  g_hash_table_unref (self->fetching);
  g_free (self->helper);
  g_free (self->data_dir);
  G_OBJECT_CLASS (tern_sync_client_parent_class)->finalize (object);
}

static void
tern_sync_client_class_init (TernSyncClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  object_class->dispose = tern_sync_client_dispose;
  object_class->finalize = tern_sync_client_finalize;
  tern_account_worker_add_signals (type, signals);
  signals[SIGNAL_PROCESS_EXITED] = g_signal_new ("process-exited", type, G_SIGNAL_RUN_LAST, 0,
                                                 NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT,
                                                 G_TYPE_BOOLEAN);
}

static void
tern_sync_client_init (TernSyncClient *self)
{
  self->backlog = g_ptr_array_new_with_free_func ((GDestroyNotify) job_free);
  self->fetching = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->state = TERN_WORKER_CONNECTING;
  self->heartbeat_timeout_ms = TERN_SYNC_HEARTBEAT_TIMEOUT_MS;
  self->restart_min_ms = TERN_SYNC_RESTART_MIN_MS;
  self->restart_max_ms = TERN_SYNC_RESTART_MAX_MS;
}

TernSyncClient *
tern_sync_client_new (const char *helper, const char *data_dir, gint64 account_id)
{
  TernSyncClient *self = g_object_new (TERN_TYPE_SYNC_CLIENT, NULL);

  self->helper = g_strdup (helper);
  self->data_dir = g_strdup (data_dir);
  self->account_id = account_id;
  return self;
}
