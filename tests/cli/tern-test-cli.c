/* tern-test-cli.c: running the real tern-cli from a test. */
#include "tern-test-cli.h"

int
tern_test_cli_runv (const char *data_dir, gboolean no_ca, const char *stdin_text, char **out,
                    char **err, va_list args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) p = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *o = NULL, *e = NULL;
  const char *a;

  g_ptr_array_add (argv, (gpointer) g_getenv ("TERN_CLI"));
  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, (gpointer) data_dir);
  g_ptr_array_add (argv, "--password-store=file");
  while ((a = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) a);
  g_ptr_array_add (argv, NULL);
  if (no_ca)
    g_subprocess_launcher_unsetenv (l, "TERN_EXTRA_CA_FILE");
  p = g_subprocess_launcher_spawnv (l, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, stdin_text, NULL, &o, &e, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_if_exited (p) && g_subprocess_get_exit_status (p) != 0)
    g_test_message ("tern-cli said: %s", e);
  if (out != NULL)
    *out = g_steal_pointer (&o);
  if (err != NULL)
    *err = g_steal_pointer (&e);
  /* A child killed by a signal is a failure, not an exit status. */
  if (!g_subprocess_get_if_exited (p))
    g_error ("tern-cli died of signal %d", g_subprocess_get_term_sig (p));
  return g_subprocess_get_exit_status (p);
}

int
tern_test_cli_run (const char *data_dir, const char *stdin_text, char **out, char **err, ...)
{
  va_list ap;
  int status;

  va_start (ap, err);
  status = tern_test_cli_runv (data_dir, FALSE, stdin_text, out, err, ap);
  va_end (ap);
  return status;
}

TernTestServers *
tern_test_cli_servers_start (const TernTestServersOptions *opts, const char *user,
                             const char *password)
{
  g_autoptr(GError) error = NULL;
  TernTestServers *servers = tern_test_servers_start (opts, &error);

  g_assert_no_error (error);
  g_assert_true (tern_test_servers_add_user (servers, user, password, &error));
  g_setenv ("TERN_EXTRA_CA_FILE", tern_test_servers_ca_file (servers), TRUE);
  return servers;
}

char *
tern_test_cli_data_dir_new (const char *name)
{
  g_autofree char *tmpl = g_strdup_printf ("tern-cli-%s-XXXXXX", name);
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  return dir;
}

void
tern_test_cli_data_dir_remove (const char *dir)
{
  const char *argv[] = { "rm", "-rf", dir, NULL };

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}
