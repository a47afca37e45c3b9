/* tern-test-process.c: ports and processes for the test harness. */
#include "tern-test-process.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Poll interval while waiting for a server: short, and bounded by a deadline. */
#define POLL_INTERVAL_US (20 * 1000)

static int
bind_loopback (guint16 port, guint16 *bound_port)
{
  struct sockaddr_in sa = { 0 };
  socklen_t len = sizeof sa;
  int one = 1;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0)
    return -1;
  /* Servers set SO_REUSEADDR too, so TIME_WAIT leftovers do not count. */
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  sa.sin_port = htons (port);
  if (bind (fd, (struct sockaddr *) &sa, sizeof sa) < 0 ||
      getsockname (fd, (struct sockaddr *) &sa, &len) < 0)
    {
      close (fd);
      return -1;
    }
  if (bound_port != NULL)
    *bound_port = ntohs (sa.sin_port);
  return fd;
}

gboolean
tern_test_ports_pick (guint16 *ports, guint n, GError **error)
{
  int fds[32];
  gboolean ok = TRUE;
  guint i, opened = 0;

  g_return_val_if_fail (n <= G_N_ELEMENTS (fds), FALSE);
  for (i = 0; i < n && ok; i++)
    {
      fds[i] = bind_loopback (0, &ports[i]);
      if (fds[i] < 0)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "cannot bind a free port on 127.0.0.1: %s", g_strerror (saved));
          ok = FALSE;
        }
      else
        opened++;
    }
  for (i = 0; i < opened; i++)
    close (fds[i]);
  return ok;
}

/* The servers run under a small shell guard, so that they never outlive the
 * test process, even when it is killed or aborts on a failed assertion before
 * any teardown (prctl's PDEATHSIG does not survive Dovecot's credential
 * changes). The guard starts the server, stops it with SIGTERM when it gets
 * SIGTERM itself or when its stdin (a pipe from the test process) reaches EOF,
 * and exits when the server exits. */
static const char guard_script[] =
  "exec 3<&0\n"
  "\"$@\" </dev/null &\n"
  "srv=$!\n"
  "trap 'kill -TERM $srv 2>/dev/null' TERM INT\n"
  "{ read _ <&3; kill -TERM $srv 2>/dev/null; } &\n"
  "watch=$!\n"
  "exec 3<&-\n"
  "while kill -0 $srv 2>/dev/null; do wait $srv; done\n"
  "kill $watch 2>/dev/null\n";

GSubprocess *
tern_test_process_spawn (const char *const *argv, const char *out_path, GError **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  g_ptr_array_add (args, (gpointer) "/bin/sh");
  g_ptr_array_add (args, (gpointer) "-c");
  g_ptr_array_add (args, (gpointer) guard_script);
  g_ptr_array_add (args, (gpointer) "tern-test-server-guard");
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);
  /* Both streams into one file: servers write early start-up errors there. */
  g_subprocess_launcher_set_stdout_file_path (launcher, out_path);
  g_subprocess_launcher_set_stderr_file_path (launcher, out_path);
  return g_subprocess_launcher_spawnv (launcher, (const char *const *) args->pdata, error);
}

static gboolean
port_accepts (guint16 port)
{
  struct sockaddr_in sa = { 0 };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  sa.sin_port = htons (port);
  /* Loopback: connect() answers at once, refused or accepted. */
  ok = connect (fd, (struct sockaddr *) &sa, sizeof sa) == 0;
  close (fd);
  return ok;
}

static gboolean
process_running (GSubprocess *proc)
{
  /* GSubprocess reaps its child from GLib's worker thread, after which it has
   * no identifier any more: no main loop needed here. */
  return g_subprocess_get_identifier (proc) != NULL;
}

char *
tern_test_logs_tail (const char *const *logs, gsize max)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; logs != NULL && logs[i] != NULL; i++)
    {
      g_autofree char *text = NULL;
      gsize len = 0;

      if (!g_file_get_contents (logs[i], &text, &len, NULL) || len == 0)
        continue;
      g_string_append_printf (out, "\n--- tail of %s ---\n", logs[i]);
      g_string_append (out, len > max ? text + len - max : text);
    }
  return g_string_free (out, FALSE);
}

gboolean
tern_test_process_wait_ready (GSubprocess *proc, const char *name, const guint16 *ports,
                              guint n_ports, const char *const *logs, guint timeout_s,
                              GError **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;
  const char *why = NULL;
  guint i = 0;

  while (why == NULL)
    {
      while (i < n_ports && (ports[i] == 0 || port_accepts (ports[i])))
        i++;
      if (i == n_ports)
        return TRUE;
      if (!process_running (proc))
        why = "exited during start-up";
      else if (g_get_monotonic_time () > deadline)
        why = "did not open its ports in time";
      else
        g_usleep (POLL_INTERVAL_US);
    }
  {
    g_autofree char *tail = tern_test_logs_tail (logs, 3000);
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s %s (waiting for port %u)%s",
                 name, why, ports[i], tail);
  }
  return FALSE;
}

GSubprocess *
tern_test_process_start (const char *const *argv, const char *out_path, const char *name,
                         const guint16 *ports, guint n_ports, const char *const *logs,
                         guint timeout_s, GError **error)
{
  g_autoptr(GSubprocess) proc = tern_test_process_spawn (argv, out_path, error);

  if (proc == NULL)
    return NULL;
  if (!tern_test_process_wait_ready (proc, name, ports, n_ports, logs, timeout_s, error))
    {
      tern_test_process_stop (proc);
      return NULL;
    }
  return g_steal_pointer (&proc);
}

gboolean
tern_test_error_is_port_conflict (const GError *error)
{
  return strstr (error->message, "in use") != NULL;
}

gboolean
tern_test_ports_wait_free (const guint16 *ports, guint n_ports, guint timeout_s,
                           GError **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;

  for (guint i = 0; i < n_ports; i++)
    {
      int fd;

      if (ports[i] == 0)
        continue;
      while ((fd = bind_loopback (ports[i], NULL)) < 0)
        {
          if (g_get_monotonic_time () > deadline)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                           "port %u on 127.0.0.1 is still in use", ports[i]);
              return FALSE;
            }
          g_usleep (POLL_INTERVAL_US);
        }
      close (fd);
    }
  return TRUE;
}

void
tern_test_process_stop (GSubprocess *proc)
{
  gint64 deadline;

  if (proc == NULL || !process_running (proc))
    return;
  g_subprocess_send_signal (proc, SIGTERM);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (process_running (proc) && g_get_monotonic_time () < deadline)
    g_usleep (POLL_INTERVAL_US);
  if (process_running (proc))
    g_subprocess_force_exit (proc);
  g_subprocess_wait (proc, NULL, NULL);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) en =
    g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;

  while (en != NULL && (info = g_file_enumerator_next_file (en, NULL, NULL)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        remove_tree (child);
      else
        g_unlink (child);
      g_object_unref (info);
    }
  g_rmdir (path);
}

void
tern_test_dir_remove (const char *path)
{
  const char *keep = g_getenv ("TERN_TEST_KEEP");

  if (path == NULL)
    return;
  if (keep != NULL && g_strcmp0 (keep, "0") != 0)
    g_printerr ("# TERN_TEST_KEEP: kept %s\n", path);
  else
    remove_tree (path);
}
