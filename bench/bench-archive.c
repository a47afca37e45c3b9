/* bench-archive: mbox import and export of N generated messages (issue 16).
 *
 *   ./_build/bench/bench/bench-archive [N=10000]
 *
 * Writes N messages of the test generator (~5.5 KB each, 65 MB for 10,000)
 * as an mbox, then in child processes of its own (so each has its own peak
 * RSS): imports it into a fresh store's local folder, exports that folder to
 * a new mbox, and compares the two files. Python's mailbox module converts
 * the same mbox to a Maildir in the same run (what mb2md does), as a peer.
 * Prints messages per second, peak RSS and the ratios. No store lives in
 * the parent while the children run. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "archive/tern-archive.h"
#include "archive/tern-mbox.h"
#include "core/tern-error.h"
#include "tern-test-messages.h"

#define SEED 5
#define ROUNDS 2

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

static void
die (const GError *error)
{
  g_printerr ("bench-archive: %s\n", error->message);
  exit (1);
}

static void
write_source (const char *path, guint n)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileOutputStream) out = g_file_replace (file, NULL, FALSE, 0, NULL, &error);

  if (out == NULL)
    die (error);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GBytes) raw = tern_test_message_generate (i, SEED);
      if (!tern_mbox_write_message (G_OUTPUT_STREAM (out), raw, "bench@example.org",
                                    1700000000 + i, NULL, &error))
        die (error);
    }
  g_output_stream_close (G_OUTPUT_STREAM (out), NULL, NULL);
}

/* Child: one phase in a fresh process; prints "seconds messages". */
static int
run_phase (const char *phase, const char *dir, const char *mbox)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStore) store = tern_store_open (dir, TERN_STORE_OPEN_WRITER, &error);
  g_autoptr(TernAccountSettings) account = NULL;
  g_autoptr(TernFolder) folder = NULL;
  TernArchiveResult result;
  double t0;
  gboolean ok;

  if (store == NULL)
    die (error);
  account = tern_store_get_account_by_name (store, "Bench", NULL);
  if (account == NULL)
    {
      account = tern_account_settings_new ();
      account->name = g_strdup ("Bench");
      account->email = g_strdup ("bench@example.org");
      account->protocol = TERN_PROTOCOL_POP3;
      account->incoming_host = g_strdup ("pop.example.org");
      if (tern_store_add_account (store, account, &error) == 0)
        die (error);
    }
  folder = tern_store_get_folder_by_role (store, account->id, TERN_FOLDER_ROLE_ARCHIVE, &error);
  if (folder == NULL)
    die (error);
  t0 = now_s ();
  ok = g_str_equal (phase, "import")
       ? tern_archive_import (store, folder->id, mbox, NULL, NULL, NULL, &result, &error)
       : tern_archive_export_folder (store, folder->id, TERN_ARCHIVE_MBOX, mbox, NULL, NULL,
                                     NULL, &result, &error);
  if (!ok)
    die (error);
  {
    struct rusage self;
    getrusage (RUSAGE_SELF, &self);
    printf ("%.3f %u %ld %.3f\n", now_s () - t0, result.imported + result.exported,
            self.ru_maxrss, self.ru_utime.tv_sec + self.ru_utime.tv_usec / 1e6 +
                            self.ru_stime.tv_sec + self.ru_stime.tv_usec / 1e6);
  }
  return 0;
}

typedef struct {
  double seconds;
  guint messages;
  long max_rss_kb;
  double cpu_seconds;         /* user + system, the whole child process */
} Figure;

static Figure
child (const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status;
  Figure f = { 0 };

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL,
                     &status, &error) || !g_spawn_check_wait_status (status, &error))
    die (error);
  if (out == NULL || sscanf (out, "%lf %u %ld %lf", &f.seconds, &f.messages, &f.max_rss_kb,
                             &f.cpu_seconds) != 4)
    {
      /* A phase of ours ("--phase import") or the python peer. */
      g_printerr ("bench-archive: %s printed no figures\n",
                  g_str_equal (argv[1], "--phase") ? argv[2] : argv[0]);
      exit (1);
    }
  return f;
}

static GHashTable *
read_all (const char *path)
{
  GHashTable *set = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                           (GDestroyNotify) g_bytes_unref, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, &error);
  g_autoptr(TernMboxReader) reader = NULL;
  GBytes *raw;

  if (in == NULL)
    die (error);
  reader = tern_mbox_reader_new (G_INPUT_STREAM (in));
  while ((raw = tern_mbox_reader_next (reader, NULL, NULL, &error)) != NULL)
    g_hash_table_add (set, raw);
  if (error != NULL)
    die (error);
  return set;
}

static gboolean
same_messages (const char *a, const char *b)
{
  g_autoptr(GHashTable) sa = read_all (a);
  g_autoptr(GHashTable) sb = read_all (b);
  GHashTableIter it;
  gpointer key;

  if (g_hash_table_size (sa) != g_hash_table_size (sb))
    return FALSE;
  g_hash_table_iter_init (&it, sa);
  while (g_hash_table_iter_next (&it, &key, NULL))
    if (!g_hash_table_contains (sb, key))
      return FALSE;
  return TRUE;
}

/* Prints the same figures as a phase: seconds, messages, peak RSS (KiB)
 * and CPU seconds of its own process. */
static const char python_peer[] =
  "import mailbox, resource, sys, time\n"
  "t0 = time.monotonic()\n"
  "src = mailbox.mbox(sys.argv[1])\n"
  "dst = mailbox.Maildir(sys.argv[2], create=True)\n"
  "n = 0\n"
  "for m in src:\n"
  "    dst.add(m); n += 1\n"
  "r = resource.getrusage(resource.RUSAGE_SELF)\n"
  "print('%.3f %d %d %.3f' % (time.monotonic() - t0, n, r.ru_maxrss, r.ru_utime + r.ru_stime))\n";

static void
print_figure (const char *what, const Figure *f)
{
  printf ("  %-30s %6u msgs  %6.2f s  %7.0f msg/s  CPU %6.2f s  peak RSS %ld MB\n", what,
          f->messages, f->seconds, f->messages / f->seconds, f->cpu_seconds,
          f->max_rss_kb / 1024);
}

int
main (int argc, char *argv[])
{
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 10000;
  g_autofree char *dir = NULL, *store_dir = NULL, *source = NULL, *exported = NULL;
  g_autofree char *maildir = NULL;
  Figure imp = { 0 }, exp = { 0 }, py = { 0 };
  GStatBuf st;

  if (argc == 5 && g_str_equal (argv[1], "--phase"))
    return run_phase (argv[2], argv[3], argv[4]);
  dir = g_dir_make_tmp ("tern-bench-archive-XXXXXX", NULL);
  store_dir = g_build_filename (dir, "store", NULL);
  source = g_build_filename (dir, "source.mbox", NULL);
  exported = g_build_filename (dir, "exported.mbox", NULL);
  maildir = g_build_filename (dir, "python-maildir", NULL);
  write_source (source, n);
  g_stat (source, &st);
  printf ("bench-archive: %u messages, %.1f MB mbox\n", n, st.st_size / 1e6);

  /* Interleaved rounds on the loaded machine: the best of each contender. */
  for (guint round = 0; round < ROUNDS; round++)
    {
      g_autofree char *store_round = g_strdup_printf ("%s-%u", store_dir, round);
      g_autofree char *maildir_round = g_strdup_printf ("%s-%u", maildir, round);
      Figure a = child ((const char *[]) { argv[0], "--phase", "import", store_round, source,
                                           NULL });
      Figure b = child ((const char *[]) { argv[0], "--phase", "export", store_round, exported,
                                           NULL });
      Figure c = child ((const char *[]) { "python3", "-c", python_peer, source, maildir_round,
                                           NULL });

      printf ("  round %u: import %.2f s (%.2f s CPU), export %.2f s (%.2f s CPU), "
              "python %.2f s (%.2f s CPU)\n", round + 1, a.seconds, a.cpu_seconds, b.seconds,
              b.cpu_seconds, c.seconds, c.cpu_seconds);
      if (round == 0 || a.seconds < imp.seconds)
        imp = a;
      if (round == 0 || b.seconds < exp.seconds)
        exp = b;
      if (round == 0 || c.seconds < py.seconds)
        py = c;
    }
  print_figure ("import", &imp);
  print_figure ("export", &exp);
  print_figure ("python mailbox mbox->Maildir", &py);
  printf ("  ratios to python: import %.2f (CPU %.2f), export %.2f (CPU %.2f) (lower is "
          "faster)\n", imp.seconds / py.seconds, imp.cpu_seconds / py.cpu_seconds,
          exp.seconds / py.seconds, exp.cpu_seconds / py.cpu_seconds);
  /* The export is in date order with each message's own sender on its
   * separator line: compare the messages, not the files. */
  printf ("  round trip: %s\n", same_messages (source, exported) ? "every message byte for byte"
                                                                 : "DIFFERENT");
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
  }
  return 0;
}
