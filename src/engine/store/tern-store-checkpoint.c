/* tern-store-checkpoint.c: the writer's WAL checkpoints, on a thread of
 * their own.
 *
 * SQLite checkpoints inside the commit that grows the WAL past
 * wal_autocheckpoint: the writing thread reads every page of the log back
 * and writes it into the database, then syncs both. In a first sync that
 * thread is the bottleneck (perf: pwrite and pread were a quarter of its
 * time), and a second processor is idle. Here the writer's commits only
 * wake a thread that runs a PASSIVE checkpoint on its own connection,
 * which never blocks the writer and needs no lock of the store.
 *
 * The WAL starts again from its beginning only when a checkpoint has
 * copied all of it before the next write transaction. A writer that
 * commits back to back may never leave that moment: past LIMIT_PAGES the
 * writer checkpoints in its commit as SQLite would, which bounds the log. */
#include "store/tern-store-private.h"

/* The log length that wakes the thread. A checkpoint fsyncs the WAL and
 * the database: at SQLite's default of every 1,000 pages (4 MB) a full
 * sync of 60 MB of mail paid for dozens of them. */
#define SOON_PAGES 8192
/* A log this long is checkpointed by the writer itself. */
#define LIMIT_PAGES (8 * SOON_PAGES)

struct _TernStoreCheckpointer {
  char *path;
  int soon_pages, limit_pages;
  GMutex lock;
  GCond wake;
  gboolean due, stop;  /* guarded by lock */
  GThread *thread;     /* started at the first checkpoint due */
};

static void
checkpoint (sqlite3 *db, const char *path)
{
  int rc = sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);

  /* BUSY: another connection checkpoints at this moment. A failure here
   * loses nothing (the log keeps every commit), and the writer meets a
   * full disk in its own writes, where the user is told. */
  if (rc != SQLITE_OK && rc != SQLITE_BUSY)
    g_debug ("Checkpoint of %s: %s", path, sqlite3_errstr (rc));
}

static gpointer
checkpoint_thread (gpointer data)
{
  TernStoreCheckpointer *self = data;
  sqlite3 *db = NULL;

  /* A connection learns that the database is in WAL mode (and opens
   * the log) at its first read; until then a checkpoint does nothing. */
  if (sqlite3_open_v2 (self->path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
      sqlite3_exec (db, "PRAGMA schema_version", NULL, NULL, NULL) != SQLITE_OK)
    {
      g_debug ("No checkpoints for %s: %s", self->path, sqlite3_errmsg (db));
      g_clear_pointer (&db, sqlite3_close);
    }
  for (;;)
    {
      gboolean stop;

      g_mutex_lock (&self->lock);
      while (!self->due && !self->stop)
        g_cond_wait (&self->wake, &self->lock);
      stop = self->stop;
      self->due = FALSE;
      g_mutex_unlock (&self->lock);
      if (stop)
        break;
      if (db != NULL)
        checkpoint (db, self->path);
    }
  sqlite3_close (db);
  return NULL;
}

static void
wake (TernStoreCheckpointer *self)
{
  g_mutex_lock (&self->lock);
  self->due = TRUE;
  if (self->thread == NULL)
    self->thread = g_thread_new ("tern-checkpoint", checkpoint_thread, self);
  g_cond_signal (&self->wake);
  g_mutex_unlock (&self->lock);
}

/* sqlite3_wal_hook: after every commit of the writer, with the log's
 * length in pages. */
static int
on_commit (void *data, sqlite3 *db, const char *schema, int n_pages)
{
  TernStoreCheckpointer *self = data;

  if (n_pages >= self->limit_pages)
    checkpoint (db, self->path);
  else if (n_pages >= self->soon_pages)
    wake (self);
  (void) schema;
  return SQLITE_OK;
}

TernStoreCheckpointer *
tern_store_checkpointer_new (sqlite3 *writer, const char *path)
{
  TernStoreCheckpointer *self = g_new0 (TernStoreCheckpointer, 1);

  self->path = g_strdup (path);
  self->soon_pages = SOON_PAGES;
  self->limit_pages = LIMIT_PAGES;
  g_mutex_init (&self->lock);
  g_cond_init (&self->wake);
  /* Replaces SQLite's own hook, which wal_autocheckpoint installs. */
  sqlite3_wal_hook (writer, on_commit, self);
  return self;
}

void
tern_store_checkpointer_set_pages (TernStoreCheckpointer *self, int soon_pages, int limit_pages)
{
  self->soon_pages = soon_pages;
  self->limit_pages = limit_pages;
}

/* Before the writer's connection closes: that close is then the last one,
 * which checkpoints the whole log and removes it. */
void
tern_store_checkpointer_free (TernStoreCheckpointer *self, sqlite3 *writer)
{
  sqlite3_wal_hook (writer, NULL, NULL);
  g_mutex_lock (&self->lock);
  self->stop = TRUE;
  g_cond_signal (&self->wake);
  g_mutex_unlock (&self->lock);
  g_clear_pointer (&self->thread, g_thread_join);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->wake);
  g_free (self->path);
  g_free (self);
}
