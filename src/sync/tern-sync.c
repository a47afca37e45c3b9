/* tern-sync.c: the sync process of one account (libexec/tern-sync).
 *
 * The app starts one per account (TernSyncClient) with the data directory,
 * the account id and one end of a socketpair as --channel-fd. The process
 * gives up what it does not need (tern-sync-sandbox.h), then runs the
 * account's TernAccountWorker behind a TernSyncService: jobs come in over
 * the channel, events and heartbeats go out. It is the writer of its
 * account's rows in the store (SQLite WAL, shared with the app's readers).
 * It exits when the app says Stop or goes away.
 *
 * --download ID --output-fd N writes one large message to a file instead
 * (tern-sync-download.h). --check-sandbox applies the sandbox and prints
 * what it allows, for tests.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "account/tern-sync-service.h"
#include "tern-sync-download.h"
#include "tern-sync-sandbox.h"

static void
on_finished (TernSyncService *service, GMainLoop *loop)
{
  g_main_loop_quit (loop);
}

/* Prints one line per probe: what a sandboxed process can still do. */
static int
check_sandbox (const char *data_dir)
{
  TernSandboxLayers layers = tern_sync_sandbox_apply (data_dir);
  g_autofree char *inside = g_build_filename (data_dir, "sandbox-probe", NULL);
  g_autofree char *outside = g_build_filename (g_get_home_dir (), ".tern-sandbox-probe", NULL);
  const char *argv[] = { "/bin/true", NULL };
  int fd;

  printf ("landlock %s\n", layers & TERN_SANDBOX_LANDLOCK ? "yes" : "no");
  printf ("seccomp %s\n", layers & TERN_SANDBOX_SECCOMP ? "yes" : "no");
  fd = open (inside, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
  printf ("write-data-dir %s\n", fd >= 0 ? "yes" : "no");
  if (fd >= 0)
    {
      close (fd);
      unlink (inside);
    }
  fd = open (outside, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
  printf ("write-home %s\n", fd >= 0 ? "yes" : "no");
  if (fd >= 0)
    {
      close (fd);
      unlink (outside);
    }
  fd = open ("/etc/hosts", O_RDONLY | O_CLOEXEC);
  printf ("read-etc %s\n", fd >= 0 ? "yes" : "no");
  if (fd >= 0)
    close (fd);
  fflush (stdout);
  execv (argv[0], (char **) argv);
  printf ("exec no\n");
  fflush (stdout);
  return 0;
}

int
main (int argc, char **argv)
{
  g_autofree char *data_dir = NULL;
  gint64 account_id = 0;
  int channel_fd = -1;
  gint64 download_id = 0;
  int output_fd = -1;
  gboolean sandbox_check = FALSE, download;
  GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Tern's data directory", "DIR" },
    { "account", 0, 0, G_OPTION_ARG_INT64, &account_id, "The account's id", "ID" },
    { "channel-fd", 0, 0, G_OPTION_ARG_INT, &channel_fd, "The app's socket", "FD" },
    { "download", 0, 0, G_OPTION_ARG_INT64, &download_id, "Write this message to --output-fd", "ID" },
    { "output-fd", 0, 0, G_OPTION_ARG_INT, &output_fd, "A file open for writing", "FD" },
    { "check-sandbox", 0, 0, G_OPTION_ARG_NONE, &sandbox_check, "Print what the sandbox allows", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernSecrets) secrets = NULL;
  g_autoptr(TernAccountWorker) worker = NULL;
  g_autoptr(TernSyncChannel) channel = NULL;
  g_autoptr(TernSyncService) service = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  TernSecretsBackend backend;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || data_dir == NULL)
    {
      g_printerr ("tern-sync: %s\n", error ? error->message : "--data-dir is required");
      return 2;
    }
  if (sandbox_check)
    return check_sandbox (data_dir);
  download = download_id > 0 && output_fd >= 0;
  if (account_id <= 0 || (!download && channel_fd < 0))
    {
      g_printerr ("tern-sync: --account and --channel-fd (or --download and --output-fd) are "
                  "required (the app starts this)\n");
      return 2;
    }
  /* libetpan writes with plain send(). */
  signal (SIGPIPE, SIG_IGN);
  fcntl (download ? output_fd : channel_fd, F_SETFD, FD_CLOEXEC);
  /* SQLite's temp files (a big transaction's statement journal) go to the
   * data directory: the sandbox allows no other place to write, and mail
   * is better there (0700) than in /tmp. Set while this process has one
   * thread, before SQLite first looks. */
  g_setenv ("SQLITE_TMPDIR", data_dir, TRUE);
  g_debug ("Sandbox layers: %u", tern_sync_sandbox_apply (data_dir));
  if (!tern_secrets_backend_from_env (&backend, &error))
    g_warning ("%s Using the keyring.", error->message);
  secrets = tern_secrets_new (data_dir, backend);
  if (download)
    return tern_sync_download_main (data_dir, account_id, download_id, output_fd, secrets);
  worker = tern_account_worker_new (data_dir, account_id, secrets);
  channel = tern_sync_channel_new (channel_fd, FALSE);
  loop = g_main_loop_new (NULL, FALSE);
  service = tern_sync_service_new (channel, worker, TERN_SYNC_HEARTBEAT_MS);
  g_signal_connect (service, "finished", G_CALLBACK (on_finished), loop);
  if (!tern_sync_service_is_finished (service))
    g_main_loop_run (loop);
  return 0;
}
