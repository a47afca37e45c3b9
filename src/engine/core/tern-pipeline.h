/* tern-pipeline.h: a bounded, ordered hand-off to one consumer thread.
 *
 * The IMAP sync downloads chunk N+1 while a second thread parses and stores
 * chunk N. Items are consumed strictly in push order by a single thread, so
 * a consumer that commits each item keeps the order of the commits (and
 * with it the per-chunk resume point). At most @max_in_flight items are in
 * the pipeline (waiting or being consumed); a push beyond that blocks, which
 * keeps memory bounded. Pipelines chain: a consumer may push to the next.
 *
 * The first consumer error stops the pipeline: later items are dropped
 * unconsumed, push returns FALSE, and finish returns that error.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Consumes @item: owns it from here on (frees it, or pushes it on). */
typedef gboolean (*TernPipelineFunc) (gpointer item, gpointer user_data, GError **error);

typedef struct _TernPipeline TernPipeline;

/* Starts the consumer thread. @item_free frees the items that are dropped
 * unconsumed (after a failure, or when a push fails). */
TernPipeline *tern_pipeline_new (const char *name, guint max_in_flight, TernPipelineFunc func,
                                 gpointer user_data, GDestroyNotify item_free);

/* Queues @item (taking it); blocks while @max_in_flight items are in. FALSE
 * (and the item freed) once the consumer has failed. */
gboolean tern_pipeline_push (TernPipeline *self, gpointer item);

/* Waits until every queued item is consumed, stops the thread and frees
 * the pipeline. FALSE with the consumer's first error if it failed. */
gboolean tern_pipeline_finish (TernPipeline *self, GError **error);

G_END_DECLS

G_BEGIN_DECLS

typedef void (*TernParallelFunc) (guint index, gpointer user_data);

/* Calls @func for every index in [0, @n), on the calling thread and up to
 * @max_threads - 1 short-lived helper threads, and returns when all calls
 * are done. Indices are handed out one at a time, so uneven costs balance;
 * @func must be safe to run concurrently for different indices. */
void tern_parallel_for (guint n, guint max_threads, TernParallelFunc func, gpointer user_data);

G_END_DECLS
