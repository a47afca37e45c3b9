/* tern-store-executor.c: a writer store and the one thread that uses it. */
#include "store/tern-store-executor.h"

struct _TernStoreExecutor
{
  GObject parent_instance;

  char *data_dir;
  GMutex lock;          /* guards pool (submitters may be on any thread) */
  GThreadPool *pool;    /* max_threads 1: jobs run in order, one at a time */
  TernStore *store;     /* touched only by the pool's thread (and shutdown) */
};

G_DEFINE_FINAL_TYPE (TernStoreExecutor, tern_store_executor, G_TYPE_OBJECT)

/* A caller of run_sync waits on this. */
typedef struct {
  GMutex lock;
  GCond cond;
  gboolean done;
  gboolean ok;
  GError *error;
} SyncWait;

typedef struct {
  TernStoreJobFunc func;
  gpointer data;
  GTask *task;          /* async: owns data through its task data */
  SyncWait *wait;       /* sync: the caller owns data and wait */
} Job;

static gboolean
run_job (TernStoreExecutor *self, Job *job, GError **error)
{
  if (self->store == NULL)
    self->store = tern_store_open (self->data_dir, TERN_STORE_OPEN_WRITER, error);
  if (self->store == NULL)
    return FALSE;
  return job->func (self->store, job->data, error);
}

static void
pool_func (gpointer item, gpointer user_data)
{
  Job *job = item;
  TernStoreExecutor *self = user_data;
  GError *error = NULL;
  gboolean ok;

  if (job->task != NULL)
    {
      if (!g_task_return_error_if_cancelled (job->task))
        {
          if (run_job (self, job, &error))
            g_task_return_boolean (job->task, TRUE);
          else
            g_task_return_error (job->task, error);
        }
      /* The last reference may go here, on this thread: the task has no
       * source object and its data is thread-safe by contract. */
      g_object_unref (job->task);
      g_free (job);
      return;
    }
  ok = run_job (self, job, &error);
  g_mutex_lock (&job->wait->lock);
  job->wait->ok = ok;
  job->wait->error = error;
  job->wait->done = TRUE;
  g_cond_signal (&job->wait->cond);
  g_mutex_unlock (&job->wait->lock);
  g_free (job);
}

static void
push (TernStoreExecutor *self, Job *job)
{
  g_mutex_lock (&self->lock);
  if (self->pool == NULL)
    /* Non-exclusive with max 1: the thread comes from GLib's shared pool
     * and is returned when idle, but never two jobs at once. */
    self->pool = g_thread_pool_new (pool_func, self, 1, FALSE, NULL);
  g_thread_pool_push (self->pool, job, NULL);
  g_mutex_unlock (&self->lock);
}

void
tern_store_executor_run_async (TernStoreExecutor *self, TernStoreJobFunc func, gpointer data,
                               GDestroyNotify data_free, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  Job *job = g_new0 (Job, 1);

  g_return_if_fail (TERN_IS_STORE_EXECUTOR (self));
  job->func = func;
  job->data = data;
  job->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, tern_store_executor_run_async);
  g_task_set_task_data (job->task, data, data_free);
  push (self, job);
}

gboolean
tern_store_executor_run_finish (TernStoreExecutor *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tern_store_executor_run_async,
                        FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
tern_store_executor_run_sync (TernStoreExecutor *self, TernStoreJobFunc func, gpointer data,
                              GError **error)
{
  SyncWait wait = { 0 };
  Job *job = g_new0 (Job, 1);

  g_return_val_if_fail (TERN_IS_STORE_EXECUTOR (self), FALSE);
  g_mutex_init (&wait.lock);
  g_cond_init (&wait.cond);
  job->func = func;
  job->data = data;
  job->wait = &wait;
  push (self, job);
  g_mutex_lock (&wait.lock);
  while (!wait.done)
    g_cond_wait (&wait.cond, &wait.lock);
  g_mutex_unlock (&wait.lock);
  g_mutex_clear (&wait.lock);
  g_cond_clear (&wait.cond);
  if (!wait.ok)
    g_propagate_error (error, wait.error);
  return wait.ok;
}

void
tern_store_executor_shutdown (TernStoreExecutor *self)
{
  GThreadPool *pool;

  g_return_if_fail (TERN_IS_STORE_EXECUTOR (self));
  g_mutex_lock (&self->lock);
  pool = g_steal_pointer (&self->pool);
  g_mutex_unlock (&self->lock);
  /* Queued jobs are the user's work (a draft, a message to send): let
   * them finish. The pool's thread is gone afterwards, so the store is
   * ours to close. */
  if (pool != NULL)
    g_thread_pool_free (pool, FALSE, TRUE);
  g_clear_object (&self->store);
}

const char *
tern_store_executor_get_data_dir (TernStoreExecutor *self)
{
  g_return_val_if_fail (TERN_IS_STORE_EXECUTOR (self), NULL);
  return self->data_dir;
}

static void
tern_store_executor_finalize (GObject *object)
{
  TernStoreExecutor *self = TERN_STORE_EXECUTOR (object);

  tern_store_executor_shutdown (self);
  g_mutex_clear (&self->lock);
  g_free (self->data_dir);
  G_OBJECT_CLASS (tern_store_executor_parent_class)->finalize (object);
}

static void
tern_store_executor_class_init (TernStoreExecutorClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_store_executor_finalize;
}

static void
tern_store_executor_init (TernStoreExecutor *self)
{
  g_mutex_init (&self->lock);
}

TernStoreExecutor *
tern_store_executor_new (const char *data_dir)
{
  TernStoreExecutor *self;

  g_return_val_if_fail (data_dir != NULL, NULL);
  self = g_object_new (TERN_TYPE_STORE_EXECUTOR, NULL);
  self->data_dir = g_strdup (data_dir);
  return self;
}
