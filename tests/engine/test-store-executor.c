/* TernStoreExecutor: jobs run off the calling thread, in order, one at a
 * time; results come back in the caller's main context; sync jobs queue
 * behind async ones; an unopenable store is an error, not a crash. */
#include <glib/gstdio.h>

#include "core/tern-error.h"
#include "store/tern-store-executor.h"
#include "tern-test-loop.h"

typedef struct {
  GMutex lock;
  GCond cond;
  gboolean entered;
  gboolean released;
} Gate;

typedef struct {
  GThread *main_thread;
  GMutex lock;
  GArray *order;        /* job numbers as they ran */
  guint running;        /* jobs inside their function now */
  guint max_running;
  guint callbacks;
  Gate gate;
} Fixture;

typedef struct {
  Fixture *f;
  guint number;
  gboolean block;       /* wait for the gate */
} JobData;

static gboolean
record_job (TernStore *store, gpointer data, GError **error)
{
  JobData *job = data;
  Fixture *f = job->f;

  g_assert_nonnull (store);
  g_assert_true (g_thread_self () != f->main_thread);
  g_mutex_lock (&f->lock);
  f->running++;
  f->max_running = MAX (f->max_running, f->running);
  g_mutex_unlock (&f->lock);
  if (job->block)
    {
      g_mutex_lock (&f->gate.lock);
      f->gate.entered = TRUE;
      g_cond_broadcast (&f->gate.cond);
      while (!f->gate.released)
        g_cond_wait (&f->gate.cond, &f->gate.lock);
      g_mutex_unlock (&f->gate.lock);
    }
  /* A durable commit, as the composer makes, from this thread. */
  if (!tern_store_begin (store, error) || !tern_store_commit (store, TRUE, error))
    return FALSE;
  g_mutex_lock (&f->lock);
  g_array_append_val (f->order, job->number);
  f->running--;
  g_mutex_unlock (&f->lock);
  if (job->number == 99)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID, "job 99 fails");
      return FALSE;
    }
  return TRUE;
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  JobData *job = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = tern_store_executor_run_finish (NULL, result, &error);

  g_assert_null (source);
  g_assert_true (g_thread_self () == job->f->main_thread);
  if (job->number == 99)
    g_assert_error (error, TERN_ERROR, TERN_ERROR_INVALID);
  else
    {
      g_assert_no_error (error);
      g_assert_true (ok);
    }
  job->f->callbacks++;
}

static JobData *
job_new (Fixture *f, guint number, gboolean block)
{
  JobData *job = g_new0 (JobData, 1);

  job->f = f;
  job->number = number;
  job->block = block;
  return job;
}

static void
test_order_and_results (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tern-executor-XXXXXX", NULL);
  g_autoptr(TernStoreExecutor) executor = tern_store_executor_new (dir);
  g_autoptr(GError) error = NULL;
  Fixture f = { 0 };
  JobData *jobs[5];
  JobData sync_job = { &f, 10, FALSE };
  gint64 end;

  f.main_thread = g_thread_self ();
  f.order = g_array_new (FALSE, FALSE, sizeof (guint));
  g_mutex_init (&f.lock);
  g_mutex_init (&f.gate.lock);
  g_cond_init (&f.gate.cond);

  /* Job 0 blocks the thread; the others queue behind it. */
  for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
    {
      jobs[i] = job_new (&f, i == 4 ? 99 : i, i == 0);
      tern_store_executor_run_async (executor, record_job, jobs[i], g_free, NULL, on_done, jobs[i]);
    }
  g_mutex_lock (&f.gate.lock);
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!f.gate.entered && g_cond_wait_until (&f.gate.cond, &f.gate.lock, end))
    ;
  g_assert_true (f.gate.entered);
  /* The caller is free while the executor is busy. */
  g_assert_cmpuint (f.order->len, ==, 0);
  f.gate.released = TRUE;
  g_cond_broadcast (&f.gate.cond);
  g_mutex_unlock (&f.gate.lock);

  /* A sync job runs after everything queued before it. */
  g_assert_true (tern_store_executor_run_sync (executor, record_job, &sync_job, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f.order->len, ==, 6);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (g_array_index (f.order, guint, i), ==, i);
  g_assert_cmpuint (g_array_index (f.order, guint, 4), ==, 99);
  g_assert_cmpuint (g_array_index (f.order, guint, 5), ==, 10);
  g_assert_cmpuint (f.max_running, ==, 1);

  /* Callbacks come through the main context. */
  TERN_TEST_WAIT_UNTIL (f.callbacks >= G_N_ELEMENTS (jobs), 10000);
  g_assert_cmpuint (f.callbacks, ==, G_N_ELEMENTS (jobs));

  tern_store_executor_shutdown (executor);
  /* Usable again after shutdown. */
  sync_job.number = 11;
  g_assert_true (tern_store_executor_run_sync (executor, record_job, &sync_job, &error));
  g_assert_cmpuint (g_array_index (f.order, guint, 6), ==, 11);
  g_clear_object (&executor);

  g_array_unref (f.order);
  g_mutex_clear (&f.lock);
  g_mutex_clear (&f.gate.lock);
  g_cond_clear (&f.gate.cond);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  }
}

static gboolean
never_runs (TernStore *store, gpointer data, GError **error)
{
  g_assert_not_reached ();
  return FALSE;
}

static void
on_failed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError **out = user_data;

  g_assert_false (tern_store_executor_run_finish (NULL, result, out));
  g_assert_nonnull (*out);
}

static void
test_errors (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tern-executor-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "not-a-dir", NULL);
  g_autoptr(TernStoreExecutor) bad = NULL;
  g_autoptr(TernStoreExecutor) good = tern_store_executor_new (dir);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GError *async_error = NULL;

  /* A data directory that is a file: the store cannot be opened. */
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  bad = tern_store_executor_new (file);
  g_assert_false (tern_store_executor_run_sync (bad, never_runs, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* Cancelled before it starts: not run. */
  g_cancellable_cancel (cancellable);
  tern_store_executor_run_async (good, never_runs, NULL, NULL, cancellable, on_failed,
                                 &async_error);
  TERN_TEST_WAIT_UNTIL (async_error != NULL, 10000);
  g_assert_error (async_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&async_error);
  g_clear_object (&good);
  g_clear_object (&bad);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store-executor/order-and-results", test_order_and_results);
  g_test_add_func ("/store-executor/errors", test_errors);
  return g_test_run ();
}
