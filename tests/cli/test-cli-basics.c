/* tern-cli: --version, --help and usage errors. */
#include <gio/gio.h>

static char *
run_cli (const char *const *args, int *exit_status, char **err_out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("TERN_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char *const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, err_out, &error);
  g_assert_no_error (error);
  *exit_status = g_subprocess_get_exit_status (proc);
  return out;
}

static void
test_version (void)
{
  int status;
  g_autofree char *err = NULL;
  g_autofree char *out = run_cli ((const char *[]) { "--version", NULL }, &status, &err);

  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_str_has_prefix (out, "tern-cli "));
}

static void
test_help (void)
{
  int status;
  g_autofree char *err = NULL;
  g_autofree char *out = run_cli ((const char *[]) { "--help", NULL }, &status, &err);

  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "Usage: tern-cli"));
}

static void
test_unknown_command (void)
{
  int status;
  g_autofree char *err = NULL;
  g_autofree char *out = run_cli ((const char *[]) { "frobnicate", NULL }, &status, &err);

  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "unknown command"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/version", test_version);
  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/unknown-command", test_unknown_command);
  return g_test_run ();
}
