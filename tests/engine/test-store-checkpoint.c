/* test-store-checkpoint: the writer's WAL checkpoints (tern-store-checkpoint.c).
 * Its commits wake a thread that copies the log into the database while
 * the writer goes on; a log past the limit is checkpointed by the writer
 * itself, so that the log stays bounded under commits back to back. */
#include <sys/stat.h>

#include "store-test-util.h"
#include "store/tern-store-private.h"

/* One commit of @n rows of 3,000 random bytes (about one page each). */
static void
write_rows (TernStore *store, guint n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = g_strdup_printf (
      "WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < %u)"
      " INSERT INTO filler (x) SELECT randomblob (3000) FROM c", n);

  g_assert_true (tern_store_exec_for_test (store, sql, &error));
  g_assert_no_error (error);
}

static gint64
file_size (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gint64) st.st_size : -1;
}

typedef struct {
  char *dir;
  TernStore *store;
  gint64 db_size;   /* before the test's writes */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("tern-checkpoint-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = tern_store_open (f->dir, TERN_STORE_OPEN_WRITER, &error);
  g_assert_no_error (error);
  g_assert_true (tern_store_exec_for_test (f->store, "CREATE TABLE filler (x BLOB)", &error));
  g_assert_true (tern_store_exec_for_test (f->store, "PRAGMA wal_checkpoint (TRUNCATE)", &error));
  g_assert_no_error (error);
  f->db_size = file_size (f->dir, "tern.db");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&f->store);
  /* Every row is there, in a sound database. */
  f->store = tern_store_open (f->dir, TERN_STORE_OPEN_WRITER | TERN_STORE_OPEN_CHECK, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tern_store_query_int (f->store, "SELECT count (*) FROM filler", NULL), ==,
                   GPOINTER_TO_INT (data));
  g_clear_object (&f->store);
  store_test_rmdir (f->dir);
  g_free (f->dir);
}

/* The writer commits and goes on; the log reaches the database without
 * it: its own commits never checkpoint here (the limit is out of reach). */
static void
test_in_background (Fixture *f, gconstpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  tern_store_set_checkpoint_pages (f->store, 100, G_MAXINT);
  for (guint i = 0; i < 4; i++)
    write_rows (f->store, 150);
  while (file_size (f->dir, "tern.db") < f->db_size + 500 * 3000 &&
         g_get_monotonic_time () < deadline)
    g_usleep (10000);
  g_assert_cmpint (file_size (f->dir, "tern.db"), >=, f->db_size + 500 * 3000);
}

/* The thread never wakes (its size is out of reach): the writer's
 * commits checkpoint past the limit, and the log starts over, so that it
 * never holds much more than the limit and one commit. */
static void
test_limit (Fixture *f, gconstpointer data)
{
  const gint64 frame = 4096 + 24, limit = 300, commit = 120;

  tern_store_set_checkpoint_pages (f->store, G_MAXINT, limit);
  for (guint i = 0; i < 30; i++)
    {
      write_rows (f->store, commit);
      g_assert_cmpint (file_size (f->dir, "tern.db-wal"), <=, (limit + 2 * commit) * frame);
    }
  /* What was checkpointed is in the database file. */
  g_assert_cmpint (file_size (f->dir, "tern.db"), >=, f->db_size + 20 * commit * 3000);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/store-checkpoint/in-background", Fixture, GINT_TO_POINTER (600), fixture_setup,
              test_in_background, fixture_teardown);
  g_test_add ("/store-checkpoint/limit", Fixture, GINT_TO_POINTER (30 * 120), fixture_setup,
              test_limit, fixture_teardown);
  return g_test_run ();
}
