/* SIGKILL during batch writes: a helper process writes batches and reports
 * each commit; we kill it at random points, many times, then check that the
 * database is sound and every reported batch is intact. */
#include <signal.h>
#include <stdio.h>
#include <gio/gio.h>

#include "store/tern-store-private.h"
#include "store-test-util.h"

#define ROUNDS 12

/* Runs the helper until it has reported `wanted` commits, then kills it.
 * Records each reported batch's size in sizes (batch -> size). */
static void
run_and_kill (const char *dir, guint seed, guint wanted, GHashTable *sizes)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *seed_str = g_strdup_printf ("%u", seed);
  g_autoptr(GSubprocess) child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                                   STORE_CRASH_HELPER, dir, seed_str, NULL);
  g_autoptr(GDataInputStream) in = NULL;
  guint seen = 0;

  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  while (seen < wanted)
    {
      g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, &error);
      guint batch, size;

      g_assert_no_error (error);
      g_assert_nonnull (line);   /* the helper died on its own: a failure */
      g_assert_cmpint (sscanf (line, "%u %u", &batch, &size), ==, 2);
      g_hash_table_insert (sizes, GUINT_TO_POINTER (batch), GUINT_TO_POINTER (size));
      seen++;
    }
  /* The helper is already writing the next batch: kill it mid-way. */
  g_subprocess_send_signal (child, SIGKILL);
  g_subprocess_wait (child, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);
}

static void
check_batches (TernStore *store, gint64 folder, GHashTable *sizes)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, sizes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autoptr(GError) error = NULL;
      guint batch = GPOINTER_TO_UINT (key), size = GPOINTER_TO_UINT (value);
      g_autofree char *word = g_strdup_printf ("\"batch%u\"", batch);   /* exact, not prefix */
      g_autoptr(GArray) hits = tern_store_search (store, 0, folder, word, 0, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (hits->len, ==, size);
      for (guint i = 1; i <= size; i++)
        g_assert_cmpint (tern_store_find_by_uid (store, folder, batch * 1000 + i, NULL), >, 0);
    }
}

/* $TERN_TEST_SEED when set (to replay a failure), else a fresh one. */
static guint32
test_seed (void)
{
  const char *env = g_getenv ("TERN_TEST_SEED");
  guint64 seed;

  if (env != NULL && *env)
    {
      g_assert_true (g_ascii_string_to_unsigned (env, 10, 0, G_MAXUINT32, &seed, NULL));
      return (guint32) seed;
    }
  return g_random_int ();
}

static void
test_sigkill (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tern-crash-XXXXXX", &error);
  g_autoptr(TernStore) store = tern_store_open (dir, 0, &error);
  g_autoptr(TernAccountSettings) acct = store_test_account ("Work", TERN_PROTOCOL_IMAP);
  g_autoptr(GHashTable) sizes = g_hash_table_new (NULL, NULL);
  g_autoptr(GRand) rand = NULL;
  g_autoptr(TernFolder) inbox = NULL;
  guint32 seed = test_seed ();
  guint kills = 0;
  gint64 folder;

  /* Printed so that a failure can be replayed: TERN_TEST_SEED=<seed>. */
  g_test_message ("seed of the kill points: TERN_TEST_SEED=%u", seed);
  g_printerr ("test-store-crash: TERN_TEST_SEED=%u\n", seed);
  rand = g_rand_new_with_seed (seed);
  tern_store_add_account (store, acct, &error);
  folder = tern_store_upsert_folder (store, acct->id, "INBOX", "/", TERN_FOLDER_ROLE_INBOX,
                                     TRUE, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  for (guint round = 0; round < ROUNDS; round++)
    {
      run_and_kill (dir, g_rand_int (rand), g_rand_int_range (rand, 1, 6), sizes);
      kills++;
      store = tern_store_open (dir, TERN_STORE_OPEN_CHECK, &error);
      g_assert_no_error (error);
      g_assert_true (tern_store_check_integrity (store, &error));
      g_assert_cmpint (tern_store_query_int (store, "SELECT count(*) FROM pragma_integrity_check"
                                             " WHERE integrity_check != 'ok'", NULL), ==, 0);
      check_batches (store, folder, sizes);
      g_clear_object (&store);
    }
  /* run_and_kill() asserts each child really died of SIGKILL. */
  g_assert_cmpuint (kills, ==, ROUNDS);
  store = tern_store_open (dir, 0, &error);
  inbox = tern_store_get_folder (store, folder, &error);
  g_assert_no_error (error);
  /* Counts kept by triggers match the rows. */
  g_assert_cmpint (inbox->total_count, ==,
                   tern_store_query_int (store, "SELECT count(*) FROM messages", NULL));
  /* The FTS index agrees with its content table. */
  g_assert_true (tern_store_exec_for_test (store,
      "INSERT INTO message_fts (message_fts, rank) VALUES ('integrity-check', 1)", &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  store_test_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store-crash/sigkill", test_sigkill);
  return g_test_run ();
}
