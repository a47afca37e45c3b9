/* tern-store-executor.h: store writes off the caller's thread, one at a time.
 *
 * A TernStoreExecutor owns a writer TernStore on a data directory and one
 * thread (a GThreadPool of one) that runs jobs on it in the order they were
 * submitted. The GTK main loop uses it for every write that must not block
 * it (a durable commit is an fsync): a job runs on the executor thread and
 * its result comes back through a GTask in the thread-default main context
 * of the caller.
 *
 * The store is opened by the executor thread on the first job (opening a
 * writer may migrate or check the database); if that fails, the job fails
 * with the error and the next job tries again.
 *
 * A job must touch only the store it is given and its own data: no GTK, no
 * objects that must be finalized on the main thread (the job's data may be
 * freed on the executor thread).
 */
#pragma once

#include <gio/gio.h>

#include "store/tern-store.h"

G_BEGIN_DECLS

#define TERN_TYPE_STORE_EXECUTOR (tern_store_executor_get_type ())
G_DECLARE_FINAL_TYPE (TernStoreExecutor, tern_store_executor, TERN, STORE_EXECUTOR, GObject)

/* A job: runs on the executor thread with its writer store. */
typedef gboolean (*TernStoreJobFunc) (TernStore *store, gpointer data, GError **error);

/* An executor for the store in @data_dir; nothing is opened yet. */
TernStoreExecutor *tern_store_executor_new (const char *data_dir);
const char *tern_store_executor_get_data_dir (TernStoreExecutor *self);

/* Queues @func (@data is freed with @data_free once the job is done and its
 * callback has run, possibly on the executor thread). @callback runs in the
 * caller's thread-default main context; read the outcome with
 * tern_store_executor_run_finish(). A job cancelled before it starts is not
 * run (G_IO_ERROR_CANCELLED). The result's source object is NULL: a job in
 * flight does not keep the executor alive, but finalizing the executor waits
 * for queued jobs. */
void tern_store_executor_run_async (TernStoreExecutor   *self,
                                    TernStoreJobFunc     func,
                                    gpointer             data,
                                    GDestroyNotify       data_free,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
gboolean tern_store_executor_run_finish (TernStoreExecutor  *self,
                                         GAsyncResult       *result,
                                         GError            **error);

/* Queues @func behind every job already queued and blocks until it has run.
 * It blocks the calling thread on the disk: for tests, tools and shutdown
 * only, never from the GTK main loop in normal operation, and never from a
 * job (that deadlocks). @data stays the caller's. */
gboolean tern_store_executor_run_sync (TernStoreExecutor  *self,
                                       TernStoreJobFunc    func,
                                       gpointer            data,
                                       GError            **error);

/* Runs every queued job to its end, then closes the store. Blocking (for
 * application shutdown). Jobs submitted afterwards start a new thread. */
void tern_store_executor_shutdown (TernStoreExecutor *self);

G_END_DECLS
