/* tern-search-runner.c: the search entry's searches, off the main loop
 * (see the header). */
#include "core/tern-error.h"
#include "tern-message-list-model.h"
#include "tern-search-runner.h"
#include "tern-store-message-source.h"

struct _TernSearchRunner
{
  GObject parent_instance;

  char *data_dir;
  GMutex lock;            /* held by the search using the store */
  TernStore *store;       /* read-only; opened by the first search */

  guint generation;       /* the latest search's */
  gboolean done;          /* its last page came (or it failed) */
  GCancellable *cancellable;
  guint n_dropped;
  guint test_delay_ms;
};

G_DEFINE_FINAL_TYPE (TernSearchRunner, tern_search_runner, G_TYPE_OBJECT)

enum {
  SIGNAL_RESULTS,
  SIGNAL_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Each page a longer list than the one before: the first fills the list's
 * first page, the last is as many as the list shows. */
static const guint page_limits[] = { TERN_MESSAGE_LIST_PAGE_SIZE, 1000, TERN_SEARCH_LIMIT };

typedef struct {
  char *query;
  guint generation;
  guint delay_ms;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->query);
  g_free (job);
}

typedef struct {
  TernSearchRunner *runner;
  guint generation;
  GArray *ids;
  gboolean done;
} Page;

static void
page_free (gpointer data)
{
  Page *page = data;

  g_object_unref (page->runner);
  g_array_unref (page->ids);
  g_free (page);
}

/* On the main context: hands @ids on if they are the latest search's. */
static void
deliver (TernSearchRunner *self, guint generation, GArray *ids, gboolean done)
{
  if (generation != self->generation || self->done)
    {
      self->n_dropped++;
      return;
    }
  self->done = done;
  g_signal_emit (self, signals[SIGNAL_RESULTS], 0, generation, ids, done);
}

static gboolean
deliver_page (gpointer data)
{
  Page *page = data;

  deliver (page->runner, page->generation, page->ids, page->done);
  return G_SOURCE_REMOVE;
}

/* Search thread: sends a page that is not the last to the main context. */
static void
post_page (GTask *task, Job *job, GArray *ids)
{
  Page *page = g_new0 (Page, 1);

  page->runner = g_object_ref (g_task_get_source_object (task));
  page->generation = job->generation;
  page->ids = g_array_ref (ids);
  g_main_context_invoke_full (g_task_get_context (task), G_PRIORITY_DEFAULT, deliver_page, page,
                              page_free);
}

/* Search thread: the test hook's slow disk (ends early once cancelled). */
static void
test_delay (guint ms, GCancellable *cancellable)
{
  for (guint waited = 0; waited < ms && !g_cancellable_is_cancelled (cancellable); waited += 10)
    g_usleep (10 * G_TIME_SPAN_MILLISECOND);
}

/* Search thread, store locked: the pages of one search; the last is returned. */
static GArray *
search_pages (TernSearchRunner *self, GTask *task, Job *job, GCancellable *cancellable,
              GError **error)
{
  if (self->store == NULL &&
      (self->store = tern_store_open (self->data_dir, TERN_STORE_OPEN_READ_ONLY, error)) == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (page_limits); i++)
    {
      g_autoptr(GArray) ids = NULL;

      /* A newer search waits for this one's store: stop between pages. */
      test_delay (job->delay_ms, cancellable);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      ids = tern_store_search (self->store, 0, 0, job->query, page_limits[i], error);
      if (ids == NULL)
        return NULL;
      if (i + 1 == G_N_ELEMENTS (page_limits) || ids->len < page_limits[i])
        return g_steal_pointer (&ids);
      post_page (task, job, ids);
    }
  g_assert_not_reached ();
}

static void
run_search (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  TernSearchRunner *self = source;
  g_autoptr(GError) error = NULL;
  GArray *ids;

  g_mutex_lock (&self->lock);
  ids = search_pages (self, task, data, cancellable, &error);
  g_mutex_unlock (&self->lock);
  if (ids == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, ids, (GDestroyNotify) g_array_unref);
}

static void
search_finished (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TernSearchRunner *self = TERN_SEARCH_RUNNER (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = g_task_propagate_pointer (G_TASK (result), &error);

  if (job->generation != self->generation || self->done)
    {
      /* Superseded or cancelled: nobody waits for it. */
      self->n_dropped++;
      return;
    }
  if (ids != NULL)
    {
      deliver (self, job->generation, ids, TRUE);
      return;
    }
  self->done = TRUE;
  g_warning ("Search failed: %s", error->message);
  g_signal_emit (self, signals[SIGNAL_FAILED], 0, job->generation, error);
}

guint
tern_search_runner_start (TernSearchRunner *self, const char *query)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_val_if_fail (TERN_IS_SEARCH_RUNNER (self), 0);
  g_return_val_if_fail (query != NULL, 0);
  tern_search_runner_cancel (self);
  self->generation++;
  self->done = FALSE;
  self->cancellable = g_cancellable_new ();
  job = g_new0 (Job, 1);
  job->query = g_strdup (query);
  job->generation = self->generation;
  job->delay_ms = self->test_delay_ms;
  task = g_task_new (self, self->cancellable, search_finished, NULL);
  g_task_set_source_tag (task, tern_search_runner_start);
  g_task_set_task_data (task, job, job_free);
  g_task_run_in_thread (task, run_search);
  return self->generation;
}

void
tern_search_runner_cancel (TernSearchRunner *self)
{
  g_return_if_fail (TERN_IS_SEARCH_RUNNER (self));
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  /* Whatever of it still arrives is dropped. */
  self->done = TRUE;
}

guint
tern_search_runner_get_generation (TernSearchRunner *self)
{
  g_return_val_if_fail (TERN_IS_SEARCH_RUNNER (self), 0);
  return self->generation;
}

gboolean
tern_search_runner_is_done (TernSearchRunner *self)
{
  g_return_val_if_fail (TERN_IS_SEARCH_RUNNER (self), TRUE);
  return self->done;
}

guint
tern_search_runner_get_n_dropped (TernSearchRunner *self)
{
  g_return_val_if_fail (TERN_IS_SEARCH_RUNNER (self), 0);
  return self->n_dropped;
}

#if TERN_TEST_HOOKS
void
tern_search_runner_set_test_delay (TernSearchRunner *self, guint ms)
{
  g_return_if_fail (TERN_IS_SEARCH_RUNNER (self));
  self->test_delay_ms = ms;
}
#endif

static void
tern_search_runner_finalize (GObject *object)
{
  TernSearchRunner *self = TERN_SEARCH_RUNNER (object);

  /* Every task holds a reference: none is running any more. */
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_mutex_clear (&self->lock);
  g_free (self->data_dir);
  G_OBJECT_CLASS (tern_search_runner_parent_class)->finalize (object);
}

static void
tern_search_runner_class_init (TernSearchRunnerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_search_runner_finalize;
  signals[SIGNAL_RESULTS] =
    g_signal_new ("results", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_ARRAY, G_TYPE_BOOLEAN);
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_ERROR);
}

static void
tern_search_runner_init (TernSearchRunner *self)
{
  g_mutex_init (&self->lock);
  self->done = TRUE;
}

TernSearchRunner *
tern_search_runner_new (const char *data_dir)
{
  TernSearchRunner *self = g_object_new (TERN_TYPE_SEARCH_RUNNER, NULL);

  g_return_val_if_fail (data_dir != NULL, self);
  self->data_dir = g_strdup (data_dir);
  return self;
}
