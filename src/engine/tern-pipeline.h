/* tern-pipeline.h: a bounded, ordered hand-off to one consumer thread.
 *
 * The IMAP sync downloads chunk N+1 while a second thread parses and stores
 * chunk N. Items are consumed strictly in push order by a single thread, so
 * a consumer that commits each item keeps the order of the commits (and
 * with it the per-chunk resume point). At most @max_queued items wait at any
 * time; a push beyond that blocks, which keeps memory bounded.
 *
 * The first consumer error stops the pipeline: later items are dropped
 * unconsumed, push returns FALSE, and finish returns that error.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef gboolean (*TernPipelineFunc) (gpointer item, gpointer user_data, GError **error);

typedef struct _TernPipeline TernPipeline;

/* Starts the consumer thread. @item_free frees an item after it was
 * consumed or dropped. */
TernPipeline *tern_pipeline_new (const char *name, guint max_queued, TernPipelineFunc func,
                                 gpointer user_data, GDestroyNotify item_free);

/* Queues @item (taking it); blocks while @max_queued items wait. FALSE
 * (and the item freed) once the consumer has failed. */
gboolean tern_pipeline_push (TernPipeline *self, gpointer item);

/* Waits until every queued item is consumed, stops the thread and frees
 * the pipeline. FALSE with the consumer's first error if it failed. */
gboolean tern_pipeline_finish (TernPipeline *self, GError **error);

G_END_DECLS
