/* bench-pop3: POP3 download of N generated messages (default 10,000, about
 * 55 MB) over TLS from the harness's Dovecot, three ways in the same run:
 *
 *   raw       our TLS stream, USER/PASS, then RETR of every message pipelined
 *             in windows of 100, bytes counted and thrown away: the floor;
 *   tern      tern_pop3_fetch into a fresh store (leave on server: parse,
 *             insert with full-text index, UIDL rows, batched commits);
 *   fetchmail fetchmail --keep --fetchall into a BSMTP file (no MDA).
 *
 * Each contender runs REPEATS times (default 3), interleaved, from a fresh
 * store / fetchmail home; prints the medians (all runs in brackets), tern's
 * CPU time (user + system of this process while tern ran, all threads) and
 * the ratios tern/fetchmail and tern/raw.
 * Usage: bench-pop3 [N] [REPEATS]
 */
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

#include "account/tern-account-connect.h"
#include "pop3/tern-pop3-fetch.h"
#include "tern-test-messages.h"
#include "tern-test-servers.h"
#include "net/tern-tls-stream.h"

#define USER "bench"
#define PASSWORD "secret"
#define WINDOW 100

static void
die (const char *what, GError *error)
{
  g_printerr ("bench-pop3: %s: %s\n", what, error ? error->message : "failed");
  exit (1);
}

/* Counts "\r\n.\r\n" (ends of multi-line replies) across chunk edges. */
typedef struct {
  char tail[5];
  guint64 bytes;
  guint ends;
} Scanner;

static void
scan (Scanner *s, const char *buf, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      memmove (s->tail, s->tail + 1, 4);
      s->tail[4] = buf[i];
      if (memcmp (s->tail, "\r\n.\r\n", 5) == 0)
        s->ends++;
    }
  s->bytes += n;
}

static void
read_line (mailstream *stream)
{
  char c;
  /* Status lines are short; byte-wise reads from the stream's buffer. */
  do
    if (mailstream_read (stream, &c, 1) != 1)
      die ("raw read", NULL);
  while (c != '\n');
}

static void
send_cmd (mailstream *stream, const char *cmd)
{
  if (mailstream_write (stream, cmd, strlen (cmd)) < 0 || mailstream_flush (stream) != 0)
    die ("raw write", NULL);
}

static double
run_raw (TernTestServers *s, guint n, guint64 *bytes)
{
  TernServerConfig cfg = {
    .host = tern_test_servers_host (s), .port = tern_test_servers_port (s, TERN_TEST_POP3S),
    .security = TERN_SECURITY_TLS, .user = USER, .timeout_seconds = 60,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  mailstream *stream = tern_tls_stream_open (&cfg, NULL, NULL, &error);
  Scanner sc = { { 0 }, 0, 0 };
  char buf[65536];

  if (stream == NULL)
    die ("raw connect", error);
  read_line (stream);
  send_cmd (stream, "USER " USER "\r\n");
  read_line (stream);
  send_cmd (stream, "PASS " PASSWORD "\r\n");
  read_line (stream);
  for (guint first = 1; first <= n; first += WINDOW)
    {
      guint last = MIN (n, first + WINDOW - 1);
      g_autoptr(GString) cmds = g_string_new (NULL);

      for (guint i = first; i <= last; i++)
        g_string_append_printf (cmds, "RETR %u\r\n", i);
      send_cmd (stream, cmds->str);
      while (sc.ends < last)
        {
          ssize_t got = mailstream_read (stream, buf, sizeof buf);
          if (got <= 0)
            die ("raw read", NULL);
          scan (&sc, buf, (gsize) got);
        }
    }
  send_cmd (stream, "QUIT\r\n");
  mailstream_close (stream);
  *bytes = sc.bytes;
  return g_timer_elapsed (timer, NULL);
}

static double
cpu_seconds (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static double last_tern_cpu_s;

static double
run_tern (TernTestServers *s, const char *dir, guint *downloaded)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStore) store = tern_store_open (dir, TERN_STORE_OPEN_WRITER, &error);
  g_autoptr(TernAccountSettings) a = tern_account_settings_new ();
  g_autoptr(TernPop3Fetch) fetch = NULL;
  g_autoptr(GTimer) timer = NULL;
  TernServerConfig cfg;
  TernPop3FetchResult r;
  mailpop3 *pop3;

  if (store == NULL)
    die ("store", error);
  a->name = g_strdup ("bench");
  a->protocol = TERN_PROTOCOL_POP3;
  a->incoming_host = g_strdup (tern_test_servers_host (s));
  a->incoming_port = tern_test_servers_port (s, TERN_TEST_POP3S);
  a->incoming_security = TERN_SECURITY_TLS;
  a->incoming_user = g_strdup (USER);
  a->smtp_host = g_strdup ("localhost");
  a->smtp_port = 465;
  a->pop3_leave_on_server = TRUE;
  if (tern_store_add_account (store, a, &error) == 0)
    die ("account", error);
  timer = g_timer_new ();
  last_tern_cpu_s = cpu_seconds ();
  tern_account_incoming_config (a, &cfg);
  if ((pop3 = tern_pop3_connect (&cfg, PASSWORD, NULL, NULL, &error)) == NULL)
    die ("tern connect", error);
  fetch = tern_pop3_fetch_new (store, a);
  if (!tern_pop3_fetch_run (fetch, pop3, NULL, &r, &error))
    die ("tern fetch", error);
  *downloaded = r.downloaded;
  last_tern_cpu_s = cpu_seconds () - last_tern_cpu_s;
  return g_timer_elapsed (timer, NULL);
}

static double
run_fetchmail (TernTestServers *s, const char *dir, gint64 *out_size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *rc = g_build_filename (dir, "fetchmailrc", NULL);
  g_autofree char *out = g_build_filename (dir, "mail.bsmtp", NULL);
  g_autofree char *port = g_strdup_printf ("%u", tern_test_servers_port (s, TERN_TEST_POP3S));
  g_autofree char *text = g_strdup_printf (
      "poll %s service %s protocol pop3 user \"%s\" password \"%s\" keep fetchall "
      "ssl sslcertck sslcertfile \"%s\"\n", tern_test_servers_host (s), port, USER, PASSWORD,
      tern_test_servers_ca_file (s));
  g_autoptr(GTimer) timer = NULL;
  g_autofree char *err = NULL;
  int status;
  GStatBuf st;
  const char *argv[] = { "fetchmail", "--fetchmailrc", rc, "--bsmtp", out, "--nosyslog",
                         "--silent", "--pidfile", NULL, NULL };
  g_autofree char *pidfile = g_build_filename (dir, "fetchmail.pid", NULL);
  g_auto(GStrv) env = g_get_environ ();

  argv[8] = pidfile;
  env = g_environ_setenv (env, "FETCHMAILHOME", dir, TRUE);
  env = g_environ_setenv (env, "HOME", dir, TRUE);
  if (!g_file_set_contents (rc, text, -1, &error))
    die ("fetchmailrc", error);
  g_chmod (rc, 0600);
  timer = g_timer_new ();
  if (!g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, &err,
                     &status, &error))
    die ("fetchmail", error);
  if (!g_spawn_check_wait_status (status, &error))
    {
      g_printerr ("%s", err);
      die ("fetchmail", error);
    }
  *out_size = g_stat (out, &st) == 0 ? st.st_size : -1;
  return g_timer_elapsed (timer, NULL);
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (GArray *a)
{
  g_autoptr(GArray) sorted = g_array_copy (a);

  g_array_sort (sorted, cmp_double);
  return g_array_index (sorted, double, sorted->len / 2);
}

static void
print_row (const char *label, GArray *runs, const char *extra)
{
  g_autoptr(GString) all = g_string_new (NULL);

  for (guint i = 0; i < runs->len; i++)
    g_string_append_printf (all, "%s%.2f", i ? " " : "", g_array_index (runs, double, i));
  printf ("  %-22s %7.2f s  [%s]%s\n", label, median (runs), all->str, extra);
}

int
main (int argc, char **argv)
{
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 10000;
  guint repeats = argc > 2 ? MAX ((guint) g_ascii_strtoull (argv[2], NULL, 10), 1) : 3;
  TernTestServersOptions opts = { .no_smtp = TRUE };
  g_autoptr(GError) error = NULL;
  g_autoptr(TernTestServers) s = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tern-bench-XXXXXX", NULL);
  g_autoptr(GArray) t_raw = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) t_tern = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) t_fm = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpu_tern = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *fm_extra = NULL;
  guint64 raw_bytes = 0;
  gint64 fm_size = 0;
  double raw, tern, fm;

  signal (SIGPIPE, SIG_IGN);
  if ((s = tern_test_servers_start (&opts, &error)) == NULL)
    die ("servers", error);
  g_setenv ("TERN_EXTRA_CA_FILE", tern_test_servers_ca_file (s), TRUE);
  if (!tern_test_servers_add_user (s, USER, PASSWORD, &error) ||
      !tern_test_messages_seed (s, USER, "INBOX", 0, n, 42, &error))
    die ("seed", error);

  run_raw (s, n, &raw_bytes);                       /* warms Dovecot's index, untimed */
  for (guint r = 0; r < repeats; r++)
    {
      g_autofree char *store_dir = g_strdup_printf ("%s/store-%u", dir, r);
      g_autofree char *fm_dir = g_strdup_printf ("%s/fetchmail-%u", dir, r);
      guint downloaded = 0;
      double t;

      g_mkdir (fm_dir, 0700);
      sync ();
      t = run_raw (s, n, &raw_bytes);
      g_array_append_val (t_raw, t);
      sync ();
      t = run_tern (s, store_dir, &downloaded);
      g_array_append_val (t_tern, t);
      g_array_append_val (cpu_tern, last_tern_cpu_s);
      if (downloaded != n)
        g_printerr ("bench-pop3: tern downloaded %u of %u\n", downloaded, n);
      sync ();
      t = run_fetchmail (s, fm_dir, &fm_size);
      g_array_append_val (t_fm, t);
    }
  raw = median (t_raw);
  tern = median (t_tern);
  fm = median (t_fm);
  fm_extra = g_strdup_printf ("  (%.1f MB written)", fm_size / 1e6);

  printf ("POP3 download over TLS of %u messages (%.1f MB on the wire); median of %u runs "
          "(all runs in brackets)\n", n, raw_bytes / 1e6, repeats);
  print_row ("raw pipelined RETR", t_raw, "");
  print_row ("tern (store + FTS)", t_tern, "");
  print_row ("fetchmail (bsmtp)", t_fm, fm_extra);
  print_row ("tern CPU (user+sys)", cpu_tern, "");
  printf ("  processors             %7u\n", g_get_num_processors ());
  printf ("  tern / fetchmail       %7.2f   (target <= 0.5)\n", tern / fm);
  printf ("  tern / raw             %7.2f   (target <= 1.5)\n", tern / raw);
  if (g_getenv ("TERN_BENCH_KEEP") == NULL)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
      if (system (cmd) != 0)
        g_printerr ("bench-pop3: could not remove %s\n", dir);
    }
  return 0;
}
