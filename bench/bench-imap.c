/* bench-imap: full IMAP sync of 10,000 messages against local Dovecot (issue 4).
 *
 * Usage: bench-imap [N_MESSAGES] [REPEATS]
 * Starts the harness's Dovecot, seeds N messages (default 10,000, ~60 MB)
 * into INBOX, warms Dovecot's index with one untimed fetch, then measures,
 * each from a cold local state (fresh data dir / Maildir) and REPEATS times
 * (default 3, the median is printed):
 *   raw       a pipelined `UID FETCH 1:* BODY.PEEK[]` over TLS, data discarded
 *   mbsync    isync pulling INBOX over TLS into a Maildir
 *   tern      tern_account_connect_imap + tern_imap_sync_all, in process; also
 *             the time until a reader lists the 50 newest messages (issue 15)
 *   tern-cli  `tern-cli sync` in a child (its ru_maxrss is the peak RSS);
 *             $TERN_CLI_BEFORE names another tern-cli (an older build) run
 *             the same way in the same rounds, to compare
 *   headers   the same sync with offline_days = 1 (headers only, nearly all)
 *   resync    a second tern_imap_sync_all on the synced store, no change
 *   app       the app's first sync of the account, start to "idle" through
 *             signals: a TernAccountWorker thread in process (the app before
 *             issue 11) and a TernSyncClient with its tern-sync process (now)
 * $BENCH_IMAP_SKIP (e.g. "mbsync,headers,app") leaves contenders out.
 * CPU time (user + system, all threads) is printed beside wall time: the
 * machine may be shared.
 * Not a test: targets are printed next to the figures, never asserted. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>

#include "account/tern-account-connect.h"
#include "account/tern-account-worker.h"
#include "account/tern-sync-client.h"
#include "imap/tern-imap-sync.h"
#include "tern-test-messages.h"
#include "tern-test-servers.h"

#define USER "bench"
#define PASSWORD "bench-pw"
#define ACCOUNT "bench"
#define SEED 20240

typedef struct {
  TernTestServers *servers;
  guint16 port;
  const char *ca_file;
  const char *cli;
  const char *helper;         /* tern-sync */
  char *tmp;              /* scratch dir for data dirs and Maildirs */
  guint64 mailbox_bytes;  /* sum of the literal sizes seen by the raw fetch */
  guint n_messages;
} Bench;

static double
now_s (void)
{
  return (double) g_get_monotonic_time () / G_USEC_PER_SEC;
}

/* User + system seconds of this process so far, all threads. */
static double
self_cpu_s (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static gboolean
skipped (const char *contender)
{
  g_auto(GStrv) names = g_strsplit (g_getenv ("BENCH_IMAP_SKIP") ? g_getenv ("BENCH_IMAP_SKIP") : "",
                                    ",", -1);

  return g_strv_contains ((const char *const *) names, contender);
}

static void
die (const char *what, GError *error)
{
  g_printerr ("bench-imap: %s: %s\n", what, error != NULL ? error->message : "failed");
  exit (1);
}

static void
remove_tree (const char *dir)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
  g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
}

static char *
fresh_dir (Bench *b, const char *name)
{
  char *dir = g_build_filename (b->tmp, name, NULL);

  remove_tree (dir);
  g_mkdir_with_parents (dir, 0700);
  return dir;
}

/* ---- raw pipelined fetch over GnuTLS ----------------------------------- */

typedef struct {
  gnutls_session_t tls;
  char buf[1 << 16];
  gsize start, end;
} Raw;

static gboolean
raw_fill (Raw *r)
{
  ssize_t n;

  if (r->start > 0 && r->start == r->end)
    r->start = r->end = 0;
  if (r->end == sizeof r->buf)
    {
      memmove (r->buf, r->buf + r->start, r->end - r->start);
      r->end -= r->start;
      r->start = 0;
    }
  do
    n = gnutls_record_recv (r->tls, r->buf + r->end, sizeof r->buf - r->end);
  while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
  if (n <= 0)
    return FALSE;
  r->end += n;
  return TRUE;
}

/* Reads one line (without CRLF) into @line. */
static gboolean
raw_line (Raw *r, GString *line)
{
  g_string_truncate (line, 0);
  for (;;)
    {
      char *nl = memchr (r->buf + r->start, '\n', r->end - r->start);
      gsize take = nl ? (gsize) (nl - (r->buf + r->start)) + 1 : r->end - r->start;

      g_string_append_len (line, r->buf + r->start, take);
      r->start += take;
      if (nl != NULL)
        {
          while (line->len > 0 && (line->str[line->len - 1] == '\n' || line->str[line->len - 1] == '\r'))
            g_string_truncate (line, line->len - 1);
          return TRUE;
        }
      if (!raw_fill (r))
        return FALSE;
    }
}

static gboolean
raw_skip (Raw *r, guint64 n)
{
  while (n > 0)
    {
      gsize have = MIN (n, r->end - r->start);

      r->start += have;
      n -= have;
      if (n > 0 && !raw_fill (r))
        return FALSE;
    }
  return TRUE;
}

static void
raw_send (Raw *r, const char *cmd)
{
  gsize len = strlen (cmd), off = 0;

  while (off < len)
    {
      ssize_t n = gnutls_record_send (r->tls, cmd + off, len - off);
      if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
        continue;
      if (n < 0)
        die ("raw send", NULL);
      off += n;
    }
}

/* Reads responses until the tagged one; literals ({N}) are skipped unread
 * and their sizes summed. */
static guint64
raw_until_tagged (Raw *r, const char *tag)
{
  g_autoptr(GString) line = g_string_new (NULL);
  guint64 literal_bytes = 0;
  gsize tag_len = strlen (tag);

  for (;;)
    {
      if (!raw_line (r, line))
        die ("raw fetch: connection closed", NULL);
      if (line->len > 2 && line->str[line->len - 1] == '}')
        {
          char *brace = strrchr (line->str, '{');
          guint64 n = brace ? g_ascii_strtoull (brace + 1, NULL, 10) : 0;

          literal_bytes += n;
          if (!raw_skip (r, n))
            die ("raw fetch: connection closed in a literal", NULL);
          continue;
        }
      if (strncmp (line->str, tag, tag_len) == 0 && line->str[tag_len] == ' ')
        {
          if (strncmp (line->str + tag_len + 1, "OK", 2) != 0)
            {
              g_printerr ("bench-imap: raw: %s\n", line->str);
              exit (1);
            }
          return literal_bytes;
        }
    }
}

static guint64
raw_fetch_all (Bench *b)
{
  gnutls_certificate_credentials_t cred;
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons (b->port) };
  g_autofree Raw *r = g_new0 (Raw, 1);
  int fd = socket (AF_INET, SOCK_STREAM, 0), one = 1, rc;
  guint64 bytes;

  inet_pton (AF_INET, "127.0.0.1", &sa.sin_addr);
  if (connect (fd, (struct sockaddr *) &sa, sizeof sa) != 0)
    die ("raw connect", NULL);
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  gnutls_certificate_allocate_credentials (&cred);
  gnutls_certificate_set_x509_trust_file (cred, b->ca_file, GNUTLS_X509_FMT_PEM);
  gnutls_init (&r->tls, GNUTLS_CLIENT);
  gnutls_server_name_set (r->tls, GNUTLS_NAME_DNS, "localhost", strlen ("localhost"));
  gnutls_set_default_priority (r->tls);
  gnutls_credentials_set (r->tls, GNUTLS_CRD_CERTIFICATE, cred);
  gnutls_session_set_verify_cert (r->tls, "localhost", 0);
  gnutls_transport_set_int (r->tls, fd);
  do
    rc = gnutls_handshake (r->tls);
  while (rc < 0 && !gnutls_error_is_fatal (rc));
  if (rc < 0)
    die (gnutls_strerror (rc), NULL);

  raw_until_tagged (r, "*");   /* greeting: "* OK" matches the "*" tag */
  raw_send (r, "a LOGIN " USER " " PASSWORD "\r\n");
  raw_until_tagged (r, "a");
  raw_send (r, "b SELECT INBOX\r\n");
  raw_until_tagged (r, "b");
  raw_send (r, "c UID FETCH 1:* BODY.PEEK[]\r\n");
  bytes = raw_until_tagged (r, "c");
  raw_send (r, "d LOGOUT\r\n");
  gnutls_bye (r->tls, GNUTLS_SHUT_RDWR);
  gnutls_deinit (r->tls);
  gnutls_certificate_free_credentials (cred);
  close (fd);
  return bytes;
}

static double
run_raw (Bench *b)
{
  double t0 = now_s ();
  guint64 bytes = raw_fetch_all (b);

  b->mailbox_bytes = bytes;
  return now_s () - t0;
}

/* ---- child processes ----------------------------------------------------- */

/* Runs @argv (stdin from @input if given), waits, returns seconds; the
 * child's peak RSS in KiB goes to @maxrss_kb. */
static double last_child_cpu_s;   /* user + system seconds of the last child */

static double
run_child (const char *const *argv, const char *input, long *maxrss_kb)
{
  int in[2];
  struct rusage ru;
  int status;
  double t0;
  pid_t pid;

  if (pipe (in) != 0)
    die ("pipe", NULL);
  t0 = now_s ();
  pid = fork ();
  if (pid == 0)
    {
      int devnull = open ("/dev/null", O_WRONLY);
      dup2 (in[0], 0);
      dup2 (devnull, 1);
      close (in[1]);
      execvp (argv[0], (char **) argv);
      _exit (127);
    }
  close (in[0]);
  if (input != NULL && write (in[1], input, strlen (input)) < 0)
    die ("write to child", NULL);
  close (in[1]);
  if (wait4 (pid, &status, 0, &ru) != pid)
    die ("wait4", NULL);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      g_printerr ("bench-imap: %s failed (status %d)\n", argv[0], status);
      exit (1);
    }
  if (maxrss_kb != NULL)
    *maxrss_kb = ru.ru_maxrss;
  last_child_cpu_s = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
                     (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  return now_s () - t0;
}

static double
run_mbsync (Bench *b)
{
  g_autofree char *dir = fresh_dir (b, "mbsync");
  g_autofree char *rc = g_build_filename (dir, "mbsyncrc", NULL);
  g_autofree char *maildir = g_build_filename (dir, "Mail", NULL);
  g_autofree char *conf = g_strdup_printf (
      "IMAPAccount bench\nHost localhost\nPort %u\nSSLType IMAPS\nCertificateFile %s\n"
      "User " USER "\nPass " PASSWORD "\n\n"
      "IMAPStore remote\nAccount bench\n\n"
      "MaildirStore local\nPath %s/\nInbox %s/INBOX\n\n"
      "Channel pull\nFar :remote:\nNear :local:\nPatterns INBOX\nCreate Near\nSync Pull\n"
      "SyncState *\n",
      b->port, b->ca_file, maildir, maildir);
  const char *argv[] = { "mbsync", "-q", "-c", rc, "pull", NULL };

  g_mkdir_with_parents (maildir, 0700);
  if (!g_file_set_contents (rc, conf, -1, NULL))
    die ("writing mbsyncrc", NULL);
  return run_child (argv, NULL, NULL);
}

static char *
cli_add_account (Bench *b, const char *name)
{
  char *dir = fresh_dir (b, name);
  g_autofree char *port = g_strdup_printf ("%u", b->port);
  const char *argv[] = { b->cli, "--data-dir", dir, "--password-store=file", "account", "add",
                         ACCOUNT, "--email", USER "@localhost", "--protocol", "imap",
                         "--host", "localhost", "--port", port, "--security", "tls",
                         "--user", USER, "--password-stdin", NULL };

  run_child (argv, PASSWORD "\n", NULL);
  return dir;
}

static double
run_cli (Bench *b, const char *cli, long *maxrss_kb)
{
  g_autofree char *dir = cli_add_account (b, "tern-cli");
  const char *argv[] = { cli, "--data-dir", dir, "--password-store=file", "sync", ACCOUNT,
                         NULL };

  return run_child (argv, NULL, maxrss_kb);
}

/* ---- Tern in process ----------------------------------------------------- */

typedef struct {
  char *dir;
  TernStore *store;
  TernSecrets *secrets;
  TernAccountSettings *account;
} Local;

static void
local_open (Bench *b, Local *l, guint offline_days)
{
  g_autoptr(GError) error = NULL;

  l->dir = fresh_dir (b, "tern");
  l->store = tern_store_open (l->dir, TERN_STORE_OPEN_WRITER, &error);
  if (l->store == NULL)
    die ("opening the store", error);
  l->secrets = tern_secrets_new (l->dir, TERN_SECRETS_FILE);
  l->account = tern_account_settings_new ();
  l->account->name = g_strdup (ACCOUNT);
  l->account->email = g_strdup (USER "@localhost");
  l->account->protocol = TERN_PROTOCOL_IMAP;
  l->account->incoming_host = g_strdup ("localhost");
  l->account->incoming_port = b->port;
  l->account->incoming_security = TERN_SECURITY_TLS;
  l->account->incoming_user = g_strdup (USER);
  l->account->offline_days = offline_days;
  if (tern_store_add_account (l->store, l->account, &error) <= 0 ||
      !tern_secrets_store (l->secrets, ACCOUNT, TERN_SECRET_INCOMING, PASSWORD, &error))
    die ("adding the account", error);
}

static void
local_close (Local *l)
{
  g_clear_object (&l->store);
  g_clear_object (&l->secrets);
  g_clear_pointer (&l->account, tern_account_settings_free);
  g_clear_pointer (&l->dir, g_free);
}

static TernImapSync *
local_connect (Local *l)
{
  g_autoptr(GError) error = NULL;
  mailimap *imap = tern_account_connect_imap (l->account, l->secrets, NULL, NULL, &error);

  if (imap == NULL)
    die ("connecting", error);
  return tern_imap_sync_new (imap, l->store, l->account->id);
}

static void
local_sync (TernImapSync *sync)
{
  g_autoptr(GError) error = NULL;

  if (!tern_imap_sync_all (sync, NULL, &error))
    die ("syncing", error);
}

static guint
local_count (Local *l)
{
  g_autoptr(TernFolder) f = tern_store_get_folder_by_path (l->store, l->account->id, "INBOX", NULL);
  return f != NULL ? f->total_count : 0;
}

static gpointer
connect_and_sync (gpointer data)
{
  g_autoptr(TernImapSync) sync = local_connect (data);

  local_sync (sync);
  return NULL;
}

/* Whether a reader finds the 50 newest messages (UIDs n - 49 to n) stored,
 * and lists the folder's first 50 rows as the message list would. */
static gboolean
newest_listed (Bench *b, Local *l, TernStore *reader)
{
  g_autoptr(TernFolder) f = tern_store_get_folder_by_path (reader, l->account->id, "INBOX", NULL);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  if (f == NULL || b->n_messages < 50)
    return FALSE;
  for (guint32 uid = b->n_messages - 49; uid <= b->n_messages; uid++)
    if (tern_store_find_by_uid (reader, f->id, uid, NULL) == 0)
      return FALSE;
  ids = tern_store_list_message_ids (reader, f->id, TERN_SORT_DATE, TRUE, NULL);
  rows = ids != NULL ? tern_store_get_summaries (reader, (gint64 *) ids->data, MIN (ids->len, 50), NULL)
                     : NULL;
  return rows != NULL && rows->len == 50;
}

/* Connect + full sync (in a thread; this one polls a reader for the
 * newest 50, @first50); then (if @resync) a second sync_all on a new
 * connection, timed without the connect. @cpu: user + system seconds of
 * the process during the sync. */
static double
run_tern (Bench *b, guint offline_days, double *resync, double *first50, double *cpu)
{
  Local l = { 0 };
  double t0, t, c0 = self_cpu_s ();
  GThread *thread;

  local_open (b, &l, offline_days);
  t0 = now_s ();
  thread = g_thread_new ("bench-sync", connect_and_sync, &l);
  if (first50 != NULL)
    {
      g_autoptr(TernStore) reader = tern_store_open (l.dir, 0, NULL);

      *first50 = -1;
      while (*first50 < 0 && reader != NULL && now_s () - t0 < 600)
        {
          if (newest_listed (b, &l, reader))
            *first50 = now_s () - t0;
          else
            g_usleep (5000);
        }
    }
  g_thread_join (thread);
  t = now_s () - t0;
  if (cpu != NULL)
    *cpu = self_cpu_s () - c0;
  if (local_count (&l) != b->n_messages)
    {
      g_printerr ("bench-imap: Tern stored %u of %u messages\n", local_count (&l), b->n_messages);
      exit (1);
    }
  if (resync != NULL)
    {
      g_autoptr(TernImapSync) sync = local_connect (&l);
      double t1 = now_s ();
      local_sync (sync);
      *resync = now_s () - t1;
    }
  local_close (&l);
  return t;
}

/* ---- the app's two ways: a worker thread (before issue 11), a sync process -- */

static void
on_app_state (GObject *worker, int state, gboolean *idle)
{
  if (state == TERN_WORKER_IDLE)
    *idle = TRUE;
}

/* From starting the account's worker (thread) or sync process to its first
 * "idle" (first full sync done), as the app sees it through signals. */
static double
run_app (Bench *b, gboolean process)
{
  Local l = { 0 };
  gboolean idle = FALSE;
  g_autoptr(GObject) worker = NULL;
  double t0, t;

  local_open (b, &l, 0);
  t0 = now_s ();
  if (process)
    worker = G_OBJECT (tern_sync_client_new (b->helper, l.dir, l.account->id));
  else
    worker = G_OBJECT (tern_account_worker_new (l.dir, l.account->id, l.secrets));
  g_signal_connect (worker, "state-changed", G_CALLBACK (on_app_state), &idle);
  if (process)
    tern_sync_client_start (TERN_SYNC_CLIENT (worker));
  else
    tern_account_worker_start (TERN_ACCOUNT_WORKER (worker));
  while (!idle)
    g_main_context_iteration (NULL, TRUE);
  t = now_s () - t0;
  if (process)
    tern_sync_client_stop (TERN_SYNC_CLIENT (worker));
  else
    tern_account_worker_stop (TERN_ACCOUNT_WORKER (worker));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  if (local_count (&l) != b->n_messages)
    {
      g_printerr ("bench-imap: the app's sync stored %u of %u messages\n", local_count (&l),
                  b->n_messages);
      exit (1);
    }
  local_close (&l);
  return t;
}

/* ---- report ---------------------------------------------------------------- */

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (GArray *a)
{
  g_array_sort (a, cmp_double);
  return g_array_index (a, double, a->len / 2);
}

static void
print_row (Bench *b, const char *name, GArray *times, gboolean mbps)
{
  double m;
  g_autoptr(GString) all = g_string_new (NULL);

  if (times->len == 0)
    return;
  m = median (times);
  for (guint i = 0; i < times->len; i++)
    g_string_append_printf (all, "%s%.3f", i ? " " : "", g_array_index (times, double, i));
  if (mbps)
    g_print ("  %-28s %9.3f s %8.1f MB/s   [%s]\n", name, m,
             b->mailbox_bytes / 1e6 / m, all->str);
  else
    g_print ("  %-28s %9.3f s %8s        [%s]\n", name, m, "", all->str);
}

int
main (int argc, char **argv)
{
  Bench b = { 0 };
  TernTestServersOptions opts = { .no_smtp = TRUE };
  g_autoptr(GError) error = NULL;
  guint repeats;
  GArray *t_raw, *t_mbsync, *t_tern, *t_cli, *t_headers, *t_resync, *cpu_cli;
  GArray *t_thread, *t_process, *t_first50, *cpu_raw, *cpu_tern, *t_before, *cpu_before;
  long maxrss_kb = 0, maxrss_before_kb = 0;
  double m_raw, m_mbsync = 0, m_tern, m_resync, t0;
  const char *cli_before = g_getenv ("TERN_CLI_BEFORE");
  g_autofree char *cmd = g_strjoinv (" ", argv);

  b.n_messages = argc > 1 ? (guint) atoi (argv[1]) : 10000;
  repeats = argc > 2 ? (guint) MAX (atoi (argv[2]), 1) : 3;
  b.cli = g_getenv ("TERN_CLI") != NULL ? g_getenv ("TERN_CLI") : TERN_CLI_PATH;
  b.helper = g_getenv ("TERN_SYNC_HELPER") != NULL ? g_getenv ("TERN_SYNC_HELPER") : TERN_SYNC_PATH;
  /* The sync process reads the password where local_open put it. */
  g_setenv ("TERN_PASSWORD_STORE", "file", TRUE);
  signal (SIGPIPE, SIG_IGN);

  b.servers = tern_test_servers_start (&opts, &error);
  if (b.servers == NULL || !tern_test_servers_add_user (b.servers, USER, PASSWORD, &error))
    die ("starting Dovecot", error);
  b.port = tern_test_servers_port (b.servers, TERN_TEST_IMAPS);
  b.ca_file = tern_test_servers_ca_file (b.servers);
  g_setenv ("TERN_EXTRA_CA_FILE", b.ca_file, TRUE);
  b.tmp = g_dir_make_tmp ("tern-bench-imap-XXXXXX", NULL);

  t0 = now_s ();
  if (!tern_test_messages_seed (b.servers, USER, "INBOX", 0, b.n_messages, SEED, &error))
    die ("seeding", error);
  g_print ("seeded %u messages in %.2f s\n", b.n_messages, now_s () - t0);
  /* Warm Dovecot's index and the page cache once, untimed. */
  t0 = now_s ();
  raw_fetch_all (&b);
  g_print ("warm-up fetch (Dovecot builds its index): %.2f s\n", now_s () - t0);

#define NEW_TIMES() g_array_new (FALSE, FALSE, sizeof (double))
  t_raw = NEW_TIMES ();
  t_mbsync = NEW_TIMES ();
  t_tern = NEW_TIMES ();
  t_cli = NEW_TIMES ();
  t_headers = NEW_TIMES ();
  t_resync = NEW_TIMES ();
  cpu_cli = NEW_TIMES ();
  t_thread = NEW_TIMES ();
  t_process = NEW_TIMES ();
  t_first50 = NEW_TIMES ();
  cpu_raw = NEW_TIMES ();
  cpu_tern = NEW_TIMES ();
  t_before = NEW_TIMES ();
  cpu_before = NEW_TIMES ();
#undef NEW_TIMES
  /* Contenders interleave, so load changes on the machine hit them alike. */
  for (guint i = 0; i < repeats; i++)
    {
      double t, c, resync = 0, first50 = 0;
      long rss = 0;

      /* Each contender starts with no dirty pages of the previous one. */
      sync ();
      c = self_cpu_s ();
      t = run_raw (&b);
      c = self_cpu_s () - c;
      g_array_append_val (t_raw, t);
      g_array_append_val (cpu_raw, c);
      if (!skipped ("mbsync"))
        {
          sync ();
          t = run_mbsync (&b);
          g_array_append_val (t_mbsync, t);
        }
      sync ();
      t = run_tern (&b, 0, &resync, &first50, &c);
      g_array_append_val (t_tern, t);
      g_array_append_val (t_resync, resync);
      g_array_append_val (t_first50, first50);
      g_array_append_val (cpu_tern, c);
      sync ();
      t = run_cli (&b, b.cli, &rss);
      g_array_append_val (t_cli, t);
      g_array_append_val (cpu_cli, last_child_cpu_s);
      maxrss_kb = MAX (maxrss_kb, rss);
      if (cli_before != NULL)
        {
          sync ();
          t = run_cli (&b, cli_before, &rss);
          g_array_append_val (t_before, t);
          g_array_append_val (cpu_before, last_child_cpu_s);
          maxrss_before_kb = MAX (maxrss_before_kb, rss);
        }
      if (!skipped ("headers"))
        {
          sync ();
          t = run_tern (&b, 1, NULL, NULL, NULL);
          g_array_append_val (t_headers, t);
        }
      if (!skipped ("app"))
        {
          sync ();
          t = run_app (&b, FALSE);
          g_array_append_val (t_thread, t);
          sync ();
          t = run_app (&b, TRUE);
          g_array_append_val (t_process, t);
        }
      g_print ("round %u done\n", i + 1);
    }

  m_raw = median (t_raw);
  if (t_mbsync->len > 0)
    m_mbsync = median (t_mbsync);
  m_tern = median (t_tern);
  m_resync = median (t_resync);
  g_print ("\n$ %s\n%u messages, %.1f MB in INBOX; median of %u runs (all runs in brackets)\n",
           cmd, b.n_messages, b.mailbox_bytes / 1e6, repeats);
  print_row (&b, "raw UID FETCH 1:* BODY[]", t_raw, TRUE);
  print_row (&b, "mbsync (isync 1.4)", t_mbsync, TRUE);
  print_row (&b, "Tern full sync (in process)", t_tern, TRUE);
  print_row (&b, "Tern: newest 50 listed", t_first50, FALSE);
  print_row (&b, "Tern full sync (tern-cli)", t_cli, TRUE);
  print_row (&b, "tern-cli of TERN_CLI_BEFORE", t_before, TRUE);
  print_row (&b, "app: worker thread (old)", t_thread, TRUE);
  print_row (&b, "app: sync process (issue 11)", t_process, TRUE);
  print_row (&b, "Tern headers-only sync", t_headers, FALSE);
  print_row (&b, "Tern no-change re-sync", t_resync, FALSE);
  g_print ("\n  CPU time (user + sys, all threads), median: raw %.2f s, Tern in process %.2f s, "
           "tern-cli %.2f s", median (cpu_raw), median (cpu_tern), median (cpu_cli));
  if (cpu_before->len > 0)
    g_print (", TERN_CLI_BEFORE %.2f s", median (cpu_before));
  g_print (" (%u processors)\n", g_get_num_processors ());
  if (m_mbsync > 0)
    g_print ("  Tern / mbsync   %6.2f   (target <= 0.5)  %s\n", m_tern / m_mbsync,
             m_tern / m_mbsync <= 0.5 ? "met" : "MISSED");
  g_print ("  Tern / raw      %6.2f wall, %.2f CPU   (issue 15 target <= 3)  %s\n",
           m_tern / m_raw, median (cpu_tern) / MAX (median (cpu_raw), 1e-3),
           m_tern / m_raw <= 3 ? "met" : "MISSED");
  g_print ("  newest 50 listed %5.0f ms (issue 15 target < 1 s)  %s\n", median (t_first50) * 1000,
           median (t_first50) >= 0 && median (t_first50) < 1 ? "met" : "MISSED");
  g_print ("  no-change sync  %6.0f ms (target < 150 ms) %s\n", m_resync * 1000,
           m_resync < 0.150 ? "met" : "MISSED");
  g_print ("  peak RSS (tern-cli sync) %ld MB (issue 15 target < 150 MB) %s\n", maxrss_kb / 1024,
           maxrss_kb / 1024 < 150 ? "met" : "MISSED");
  if (t_before->len > 0)
    g_print ("  TERN_CLI_BEFORE: peak RSS %ld MB; wall %.2f, CPU %.2f times this tern-cli's\n",
             maxrss_before_kb / 1024, median (t_before) / median (t_cli),
             median (cpu_before) / median (cpu_cli));
  if (t_process->len > 0)
    g_print ("  sync process / worker thread %5.3f   (target <= 1.05)  %s\n",
             median (t_process) / median (t_thread),
             median (t_process) / median (t_thread) <= 1.05 ? "met" : "MISSED");

  g_array_unref (t_raw);
  g_array_unref (t_mbsync);
  g_array_unref (t_tern);
  g_array_unref (t_cli);
  g_array_unref (t_headers);
  g_array_unref (t_resync);
  g_array_unref (cpu_cli);
  g_array_unref (t_thread);
  g_array_unref (t_process);
  g_array_unref (t_first50);
  g_array_unref (cpu_raw);
  g_array_unref (cpu_tern);
  g_array_unref (t_before);
  g_array_unref (cpu_before);
  remove_tree (b.tmp);
  g_free (b.tmp);
  tern_test_servers_free (b.servers);
  return 0;
}
