/* fuzz-feed.c: a fuzz input as a server behind a Tern stream. */
#include "fuzz-feed.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/tern-tls-stream.h"

mailstream *
fuzz_feed_stream (const guint8 *data, size_t size, const TernServerConfig *cfg, int *peer)
{
  int sv[2];
  size_t done = 0;
  mailstream *stream;

  if (socketpair (AF_UNIX, SOCK_STREAM, 0, sv) != 0)
    abort ();
  fcntl (sv[1], F_SETFL, O_NONBLOCK);
  while (done < size)
    {
      ssize_t n = write (sv[1], data + done, size - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          /* Larger than the socket buffer: not worth a reader thread. */
          close (sv[0]), close (sv[1]);
          return NULL;
        }
      done += (size_t) n;
    }
  shutdown (sv[1], SHUT_WR);
  stream = tern_tls_stream_new_for_fd (sv[0], cfg);
  if (stream == NULL)
    abort ();
  *peer = sv[1];
  return stream;
}

static char *store_dir;
static TernStore *store;

static void
remove_store (void)
{
  g_autofree char *cmd = NULL;

  g_clear_object (&store);
  if (store_dir == NULL)
    return;
  cmd = g_strdup_printf ("rm -rf '%s'", store_dir);
  if (system (cmd) != 0)
    g_printerr ("could not remove %s\n", store_dir);
}

TernStore *
fuzz_feed_store (void)
{
  g_autoptr(GError) error = NULL;

  if (store != NULL)
    return store;
  store_dir = g_dir_make_tmp ("tern-fuzz-XXXXXX", &error);
  if (store_dir == NULL ||
      (store = tern_store_open (store_dir, TERN_STORE_OPEN_WRITER, &error)) == NULL)
    {
      g_printerr ("fuzz store: %s\n", error->message);
      abort ();
    }
  atexit (remove_store);
  return store;
}

TernAccountSettings *
fuzz_feed_account (TernProtocol protocol)
{
  static guint n;
  g_autoptr(GError) error = NULL;
  TernAccountSettings *a = tern_account_settings_new ();

  a->name = g_strdup_printf ("fuzz%u", ++n);
  a->email = g_strdup ("user@fuzz.example");
  a->protocol = protocol;
  a->incoming_host = g_strdup ("fuzz.example");
  a->incoming_port = 1;
  a->incoming_security = TERN_SECURITY_NONE;
  a->incoming_user = g_strdup ("user");
  a->smtp_host = g_strdup ("fuzz.example");
  a->smtp_port = 1;
  if (tern_store_add_account (fuzz_feed_store (), a, &error) <= 0)
    {
      g_printerr ("fuzz account: %s\n", error->message);
      abort ();
    }
  return a;
}

static GLogWriterOutput
quiet_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    {
      g_log_writer_standard_streams (level, fields, n_fields, data);
      abort ();
    }
  return G_LOG_WRITER_HANDLED;
}

void
fuzz_feed_init (void)
{
  signal (SIGPIPE, SIG_IGN);
  g_log_set_writer_func (quiet_writer, NULL, NULL);
}
