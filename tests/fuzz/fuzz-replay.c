/* fuzz-replay: runs a fuzz target's entry point over files, in the normal
 * (gcc, ASan/UBSan) build: the seed corpus and every crash the fuzzers ever
 * found (tests/fuzz/<target>/regression-*) stay in the everyday suite.
 * Usage: fuzz-replay-<target> DIR-OR-FILE...; prints TAP. */
#include <glib.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static guint n_files;

static void
replay_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len;

  if (!g_file_get_contents (path, &data, &len, &error))
    {
      printf ("not ok %u %s: %s\n", ++n_files, path, error->message);
      return;
    }
  LLVMFuzzerTestOneInput ((const guint8 *) data, len);
  printf ("ok %u %s\n", ++n_files, path);
  fflush (stdout);
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

static void
replay (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    {
      replay_file (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, compare_paths);   /* a fixed order */
  for (guint i = 0; i < names->len; i++)
    replay_file (g_ptr_array_index (names, i));
}

int
main (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    replay (argv[i]);
  printf ("1..%u\n", n_files);
  return n_files > 0 ? 0 : 1;
}
