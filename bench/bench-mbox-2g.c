/* bench-mbox-2g: a mbox over 2 GB streamed through import (issue 16).
 *
 *   ./_build/bench/bench/bench-mbox-2g [MB=2300] [KB per message=512]
 *
 * Writes an mbox of MB megabytes (messages of KB kilobytes: a short text
 * part and a base64 attachment, each with its own Message-ID), then
 * imports it into a folder "On this computer" of a fresh store and prints
 * the time, the rate and the peak RSS of the process. The file is larger
 * than 2^31 bytes, so any 32-bit offset or length would break; memory must
 * stay near one message plus SQLite's cache, whatever the file size. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "account/tern-local-folders.h"
#include "archive/tern-archive.h"
#include "archive/tern-mbox.h"

static void
die (const GError *error)
{
  g_printerr ("bench-mbox-2g: %s\n", error->message);
  exit (1);
}

static long
peak_rss_kb (void)
{
  struct rusage self;

  getrusage (RUSAGE_SELF, &self);
  return self.ru_maxrss;
}

/* Message @i: the attachment is base64 of pseudo-random bytes, so that
 * neither the store nor the file system can make it small. */
static GBytes *
make_message (guint i, gsize kb, GRand *rand)
{
  GString *s = g_string_sized_new (kb * 1024 + 1024);
  gsize raw_len = kb * 1024 * 3 / 4;
  g_autofree guchar *raw = g_malloc (raw_len);
  g_autofree char *b64 = NULL;

  for (gsize k = 0; k < raw_len; k++)
    raw[k] = (guchar) g_rand_int (rand);
  b64 = g_base64_encode (raw, raw_len);
  g_string_append_printf (s,
    "From: Bench <bench@example.org>\r\nTo: ada@example.org\r\n"
    "Subject: Big mailbox message %u\r\nMessage-ID: <big-%u@bench.example.org>\r\n"
    "Date: Tue, 14 Nov 2023 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"b%u\"\r\n\r\n"
    "--b%u\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAttached: data %u.\r\n"
    "--b%u\r\nContent-Type: application/octet-stream; name=\"d%u.bin\"\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\n", i, i, i, i, i, i, i);
  for (gsize off = 0, len = strlen (b64); off < len; off += 76)
    {
      g_string_append_len (s, b64 + off, MIN (76, len - off));
      g_string_append (s, "\r\n");
    }
  g_string_append_printf (s, "--b%u--\r\n", i);
  return g_string_free_to_bytes (s);
}

static guint
write_mbox (const char *path, guint64 bytes, gsize kb)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileOutputStream) out = g_file_replace (file, NULL, FALSE, 0, NULL, &error);
  g_autoptr(GRand) rand = g_rand_new_with_seed (16);
  guint64 written = 0;
  guint n = 0;

  if (out == NULL)
    die (error);
  while (written < bytes)
    {
      g_autoptr(GBytes) raw = make_message (n, kb, rand);

      if (!tern_mbox_write_message (G_OUTPUT_STREAM (out), raw, "bench@example.org",
                                    1700000000 + n, NULL, &error))
        die (error);
      written += g_bytes_get_size (raw) + 60;
      n++;
    }
  if (!g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error))
    die (error);
  return n;
}

static void
progress (const TernArchiveProgress *p, gpointer user_data)
{
  guint *last = user_data;
  guint tenth = p->bytes_total > 0 ? (guint) (p->bytes_done * 10 / p->bytes_total) : 0;

  if (tenth != *last)
    {
      *last = tenth;
      g_print ("  %u%% (%u messages, RSS %ld MB)\n", tenth * 10, p->done, peak_rss_kb () / 1024);
    }
}

int
main (int argc, char *argv[])
{
  guint64 mb = argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 2300;
  gsize kb = argc > 2 ? g_ascii_strtoull (argv[2], NULL, 10) : 512;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-mbox-2g-XXXXXX", &error);
  g_autofree char *mbox = g_build_filename (dir, "big.mbox", NULL);
  g_autoptr(TernStore) store = NULL;
  g_autoptr(TernFolder) folder = NULL;
  TernArchiveResult result;
  GStatBuf st;
  guint n, last = 0;
  long rss_before;
  gint64 t0;
  double seconds;

  if (dir == NULL)
    die (error);
  n = write_mbox (mbox, mb * 1000 * 1000, kb);
  g_stat (mbox, &st);
  g_print ("mbox: %u messages, %.2f GB (%s 2^31 bytes)\n", n, st.st_size / 1e9,
           (guint64) st.st_size > G_MAXINT32 ? "over" : "NOT over");
  store = tern_store_open (dir, TERN_STORE_OPEN_WRITER, &error);
  if (store == NULL || (folder = tern_local_folder_create (store, "Big", &error)) == NULL)
    die (error);
  rss_before = peak_rss_kb ();
  t0 = g_get_monotonic_time ();
  if (!tern_archive_import (store, folder->id, mbox, progress, &last, NULL, &result, &error))
    die (error);
  seconds = (g_get_monotonic_time () - t0) / 1e6;
  g_print ("import: %u of %u messages in %.1f s: %.0f msg/s, %.1f MB/s; peak RSS %ld MB "
           "(%ld MB before the import); truncated %s, too large %u\n",
           result.imported, n, seconds, result.imported / seconds, st.st_size / 1e6 / seconds,
           peak_rss_kb () / 1024, rss_before / 1024, result.truncated ? "yes" : "no",
           result.too_large);
  g_clear_object (&store);
  if (g_getenv ("BENCH_KEEP") == NULL)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
      g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
    }
  return result.imported == n && !result.truncated ? 0 : 1;
}
