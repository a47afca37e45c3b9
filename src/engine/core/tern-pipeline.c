/* tern-pipeline.c: a bounded, ordered hand-off to one consumer thread. */
#include "core/tern-error.h"
#include "core/tern-pipeline.h"

struct _TernPipeline
{
  GMutex lock;
  GCond changed;          /* signalled on push, on consume and on close */
  GQueue queue;
  gboolean busy;          /* the consumer holds an item */
  guint max_in_flight;
  gboolean closed;        /* no more pushes */
  GError *error;          /* the consumer's first error */
  TernPipelineFunc func;
  gpointer user_data;
  GDestroyNotify item_free;
  GThread *thread;
};

static gpointer
consumer_thread (gpointer data)
{
  TernPipeline *self = data;

  g_mutex_lock (&self->lock);
  for (;;)
    {
      gpointer item;
      GError *error = NULL;
      gboolean ok;

      while (g_queue_is_empty (&self->queue) && !self->closed)
        g_cond_wait (&self->changed, &self->lock);
      if (g_queue_is_empty (&self->queue))
        break;
      item = g_queue_pop_head (&self->queue);
      self->busy = TRUE;
      if (self->error != NULL)
        {
          /* Failed already: drop what is left, in order, unconsumed. */
          g_mutex_unlock (&self->lock);
          self->item_free (item);
          g_mutex_lock (&self->lock);
          self->busy = FALSE;
          g_cond_broadcast (&self->changed);
          continue;
        }
      g_mutex_unlock (&self->lock);
      ok = self->func (item, self->user_data, &error);   /* takes the item */
      g_mutex_lock (&self->lock);
      self->busy = FALSE;
      g_cond_broadcast (&self->changed);
      if (!ok)
        {
          if (error == NULL)
            g_set_error_literal (&error, TERN_ERROR, TERN_ERROR_FAILED, "Processing failed");
          self->error = error;
          g_cond_broadcast (&self->changed);
        }
    }
  g_mutex_unlock (&self->lock);
  return NULL;
}

TernPipeline *
tern_pipeline_new (const char *name, guint max_in_flight, TernPipelineFunc func,
                   gpointer user_data, GDestroyNotify item_free)
{
  TernPipeline *self = g_new0 (TernPipeline, 1);

  g_mutex_init (&self->lock);
  g_cond_init (&self->changed);
  g_queue_init (&self->queue);
  self->max_in_flight = MAX (max_in_flight, 1);
  self->func = func;
  self->user_data = user_data;
  self->item_free = item_free;
  self->thread = g_thread_new (name, consumer_thread, self);
  return self;
}

gboolean
tern_pipeline_push (TernPipeline *self, gpointer item)
{
  gboolean failed;

  g_mutex_lock (&self->lock);
  while (self->error == NULL && self->queue.length + self->busy >= self->max_in_flight)
    g_cond_wait (&self->changed, &self->lock);
  failed = self->error != NULL;
  if (!failed)
    {
      g_queue_push_tail (&self->queue, item);
      g_cond_broadcast (&self->changed);
    }
  g_mutex_unlock (&self->lock);
  if (failed)
    self->item_free (item);
  return !failed;
}

gboolean
tern_pipeline_finish (TernPipeline *self, GError **error)
{
  gboolean ok;

  g_mutex_lock (&self->lock);
  self->closed = TRUE;
  g_cond_broadcast (&self->changed);
  g_mutex_unlock (&self->lock);
  g_thread_join (self->thread);
  ok = self->error == NULL;
  if (!ok)
    g_propagate_error (error, self->error);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->changed);
  g_free (self);
  return ok;
}

/* ---- parallel for ------------------------------------------------------ */

typedef struct {
  gint next;              /* next index to hand out (atomic) */
  guint n;
  TernParallelFunc func;
  gpointer user_data;
} ParallelFor;

static gpointer
parallel_worker (gpointer data)
{
  ParallelFor *pf = data;

  for (;;)
    {
      guint i = (guint) g_atomic_int_add (&pf->next, 1);
      if (i >= pf->n)
        break;
      pf->func (i, pf->user_data);
    }
  return NULL;
}

void
tern_parallel_for (guint n, guint max_threads, TernParallelFunc func, gpointer user_data)
{
  ParallelFor pf = { 0, n, func, user_data };
  guint extra = MIN (MAX (max_threads, 1) - 1, n > 0 ? n - 1 : 0);
  g_autofree GThread **threads = g_new0 (GThread *, extra + 1);

  g_return_if_fail (n < G_MAXINT);
  for (guint t = 0; t < extra; t++)
    threads[t] = g_thread_new ("tern-parallel", parallel_worker, &pf);
  parallel_worker (&pf);
  for (guint t = 0; t < extra; t++)
    g_thread_join (threads[t]);
}
