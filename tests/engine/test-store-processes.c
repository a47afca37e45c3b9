/* Several processes share tern.db (the app, sync processes, tern-cli). This
 * test plays the app: a read-only and a writer connection in this process,
 * writing all the time, while real tern-cli processes open, read, write and
 * close the same store. Closing any descriptor of the database file would
 * drop this process's POSIX locks, and tern-cli's last close would then
 * delete our live WAL ("tern.db-wal (deleted)" in /proc/self/fd), losing
 * every later write. */
#include <gio/gio.h>
#include <string.h>

#include "store-test-util.h"
#include "store/tern-store-private.h"

#define ROUNDS 12

/* TRUE when a descriptor of this process points at a deleted store file. */
static gboolean
holds_deleted_store_file (const char *data_dir, char **which)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *link = g_build_filename ("/proc/self/fd", name, NULL);
      g_autofree char *target = g_file_read_link (link, NULL);

      if (target != NULL && g_str_has_prefix (target, data_dir) &&
          g_str_has_suffix (target, " (deleted)"))
        {
          *which = g_steal_pointer (&target);
          return TRUE;
        }
    }
  return FALSE;
}

/* Runs tern-cli on @data_dir; its stdin is @input (or empty). */
static void
run_cli (const char *data_dir, const char *input, const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("TERN_CLI"));
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, (gpointer) data_dir);
  g_ptr_array_add (argv, (gpointer) "--password-store=file");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char *const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                            G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input ? input : "", NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (proc) != 0)
    g_error ("tern-cli %s failed: %s", args[0], err);
}

static void
insert_row (TernStore *writer, int i)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = g_strdup_printf ("INSERT INTO scratch (n) VALUES (%d)", i);

  g_assert_true (tern_store_begin (writer, &error));
  g_assert_true (tern_store_exec (writer, sql, &error));
  g_assert_true (tern_store_commit (writer, FALSE, &error));
  g_assert_no_error (error);
}

static void
test_cli_beside_app (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tern-procs-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStore) reader = NULL;
  g_autoptr(TernStore) writer = NULL;
  g_autoptr(TernStore) check = NULL;
  g_autofree char *deleted = NULL;

  g_assert_nonnull (g_getenv ("TERN_CLI"));
  /* As the app starts: a writer creates the store, the windows read it. */
  writer = tern_store_open (dir, TERN_STORE_OPEN_WRITER, &error);
  g_assert_no_error (error);
  g_assert_true (tern_store_exec (writer, "CREATE TABLE scratch (n INTEGER)", &error));
  reader = tern_store_open (dir, TERN_STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);

  for (int i = 0; i < ROUNDS; i++)
    {
      g_autofree char *name = g_strdup_printf ("Acct%d", i);

      insert_row (writer, i);
      /* A second writer of ours, as the executor opens one beside the
       * worker's: the moment the old code closed a descriptor of tern.db. */
      {
        g_autoptr(TernStore) second = tern_store_open (dir, TERN_STORE_OPEN_WRITER, &error);
        g_assert_no_error (error);
      }
      if (i % 2 == 0)
        run_cli (dir, NULL, (const char *[]) { "account", "list", NULL });
      else
        run_cli (dir, "secret\n", (const char *[]) { "account", "add", name, "--email",
                 "a@example.org", "--protocol", "imap", "--host", "imap.example.org",
                 "--password-stdin", NULL });
      if (holds_deleted_store_file (dir, &deleted))
        g_error ("round %d: this process still writes to %s", i, deleted);
      g_assert_cmpint (tern_store_query_int (reader, "SELECT count(*) FROM scratch", &error),
                       ==, i + 1);
    }
  g_clear_object (&reader);
  g_clear_object (&writer);

  /* Everything both sides wrote is in the file, and the file is sound. */
  check = tern_store_open (dir, TERN_STORE_OPEN_WRITER | TERN_STORE_OPEN_CHECK, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tern_store_query_int (check, "SELECT count(*) FROM scratch", &error), ==,
                   ROUNDS);
  g_assert_cmpint (tern_store_query_int (check, "SELECT count(*) FROM accounts", &error), ==,
                   ROUNDS / 2);
  g_assert_no_error (error);
  g_clear_object (&check);
  store_test_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/processes/cli-beside-app", test_cli_beside_app);
  return g_test_run ();
}
