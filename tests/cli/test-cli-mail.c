/* tern-cli end to end against the harness's real servers: account add/test,
 * sync, folders, list, show, search, flag, move, delete, send, outbox, and
 * the exit codes that say what failed (authentication 3, host not found 4,
 * connection 5, certificate 6, protocol/no STARTTLS 7). */
#include <gio/gio.h>
#include <signal.h>

#include "tern-test-messages.h"
#include "tern-test-servers.h"

#define SEED 31

typedef struct {
  TernTestServers *servers;
  char *data_dir;
} Fixture;

/* Runs tern-cli with @args; returns the exit status, output in *out. */
static int
cli (Fixture *fx, const char *stdin_text, char **out, char **err, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) p = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *o = NULL, *e = NULL;
  va_list ap;
  const char *a;

  g_ptr_array_add (argv, (gpointer) g_getenv ("TERN_CLI"));
  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, fx->data_dir);
  g_ptr_array_add (argv, "--password-store=file");
  va_start (ap, err);
  while ((a = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  p = g_subprocess_launcher_spawnv (l, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, stdin_text, NULL, &o, &e, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (p) != 0)
    g_test_message ("tern-cli said: %s", e);
  if (out != NULL)
    *out = g_steal_pointer (&o);
  if (err != NULL)
    *err = g_steal_pointer (&e);
  return g_subprocess_get_exit_status (p);
}

static char *
port_of (Fixture *fx, TernTestService s)
{
  return g_strdup_printf ("%u", tern_test_servers_port (fx->servers, s));
}

static int
add_account (Fixture *fx, const char *name, const char *password, guint16 port,
             const char *security, const char *extra)
{
  g_autofree char *p = g_strdup_printf ("%u", port);
  g_autofree char *smtp = port_of (fx, TERN_TEST_SMTPS);
  g_autofree char *pw = g_strdup_printf ("%s\n", password);

  return cli (fx, pw, NULL, NULL, "account", "add", name, "--email", "carol@localhost",
              "--protocol", "imap", "--host", "localhost", "--port", p, "--security", security,
              "--user", "carol", "--password-stdin", "--smtp-host", "localhost", "--smtp-port",
              smtp, "--smtp-security", "tls", extra, NULL);
}

static void
setup (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  fx->servers = tern_test_servers_start (NULL, &error);
  g_assert_no_error (error);
  g_assert_true (tern_test_servers_add_user (fx->servers, "carol", "pw-carol", &error));
  g_setenv ("TERN_EXTRA_CA_FILE", tern_test_servers_ca_file (fx->servers), TRUE);
  fx->data_dir = g_dir_make_tmp ("tern-cli-XXXXXX", NULL);
}

static void
teardown (Fixture *fx, gconstpointer data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", fx->data_dir);

  g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
  g_free (fx->data_dir);
  g_clear_pointer (&fx->servers, tern_test_servers_free);
}

/* The id (first column) of the first line of `list` output containing @needle. */
static char *
id_of (const char *listing, const char *needle)
{
  g_auto(GStrv) lines = g_strsplit (listing, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], needle) != NULL)
      return g_strndup (lines[i], strcspn (lines[i], "\t"));
  return NULL;
}

static void
test_mail_commands (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *listing = NULL, *shown = NULL, *found = NULL;
  g_autofree char *folders = NULL, *json = NULL, *id = NULL;
  guint16 imaps = tern_test_servers_port (fx->servers, TERN_TEST_IMAPS);

  g_assert_true (tern_test_messages_seed (fx->servers, "carol", "INBOX", 0, 25, SEED, &error));
  g_assert_cmpint (add_account (fx, "Home", "pw-carol", imaps, "tls", "--offline=all"), ==, 0);
  g_assert_cmpint (cli (fx, NULL, &out, NULL, "account", "test", "Home", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Incoming mail (IMAP)"));
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "sync", "Home", NULL), ==, 0);

  g_assert_cmpint (cli (fx, NULL, &folders, NULL, "folders", "Home", NULL), ==, 0);
  g_assert_nonnull (strstr (folders, "INBOX\tinbox\t25 unread\t25 total"));
  g_assert_nonnull (strstr (folders, "Trash\ttrash"));
  g_assert_cmpint (cli (fx, NULL, &json, NULL, "--json", "list", "Home", "INBOX", "--limit", "3", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (json, "[{\"id\": "));
  g_assert_cmpint (cli (fx, NULL, &listing, NULL, "list", "Home", "INBOX", "--limit", "0", NULL), ==, 0);
  g_assert_cmpuint (g_strv_length (g_strsplit (listing, "\n", -1)), ==, 26);

  /* show prints the message as the reader renders it. */
  id = id_of (listing, "\t");
  g_assert_cmpint (cli (fx, NULL, &shown, NULL, "show", "Home", id, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (shown, "From: "));
  g_assert_nonnull (strstr (shown, "Subject: "));

  g_assert_cmpint (cli (fx, NULL, &found, NULL, "search", "Home", "has:attachment", NULL), ==, 0);
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "flag", "Home", id, "+flagged", "+seen", NULL), ==, 0);
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "move", "Home", id, "Archive", NULL), ==, 0);
  g_clear_pointer (&folders, g_free);
  g_assert_cmpint (cli (fx, NULL, &folders, NULL, "folders", "Home", NULL), ==, 0);
  g_assert_nonnull (strstr (folders, "Archive\tarchive\t0 unread\t1 total"));
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "delete", "Home", id, NULL), ==, 0);
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "sync", "Home", NULL), ==, 0);
  g_clear_pointer (&folders, g_free);
  g_assert_cmpint (cli (fx, NULL, &folders, NULL, "folders", "Home", NULL), ==, 0);
  g_assert_nonnull (strstr (folders, "INBOX\tinbox\t24 unread\t24 total"));
  g_assert_nonnull (strstr (folders, "Trash\ttrash\t0 unread\t1 total"));

  /* Bad ids and names say so. */
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "show", "Home", "999999", NULL), ==, 8);
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "show", "Home", "x", NULL), ==, 2);
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "sync", "Nobody", NULL), ==, 8);

  if (!tern_test_servers_require_smtp (fx->servers))
    return;
  {
    g_autofree char *outbox = NULL;
    g_autofree char *after = NULL;

    g_assert_cmpint (cli (fx, "Body text.\n", NULL, NULL, "send", "Home", "--to", "carol@localhost",
                          "--subject", "Grüße from the CLI", NULL), ==, 0);
    g_assert_cmpint (cli (fx, NULL, &outbox, NULL, "outbox", "Home", NULL), ==, 0);
    g_assert_cmpint (cli (fx, NULL, NULL, NULL, "sync", "Home", NULL), ==, 0);
    g_assert_cmpint (cli (fx, NULL, &after, NULL, "search", "Home", "subject:Grüße", NULL), ==, 0);
    g_assert_nonnull (strstr (after, "Grüße from the CLI"));
  }
}

static void
test_exit_codes (Fixture *fx, gconstpointer data)
{
  g_autofree char *err = NULL;
  guint16 imaps = tern_test_servers_port (fx->servers, TERN_TEST_IMAPS);

  g_assert_cmpint (add_account (fx, "Bad", "wrong-password", imaps, "tls", "--offline=all"), ==, 0);
  g_assert_cmpint (cli (fx, NULL, NULL, &err, "sync", "Bad", NULL), ==, 3);
  g_assert_nonnull (strstr (err, "password"));

  g_assert_cmpint (cli (fx, "pw\n", NULL, NULL, "account", "add", "Nowhere", "--email", "a@b.invalid",
                        "--protocol", "imap", "--host", "mail.tern-test.invalid", "--password-stdin",
                        NULL), ==, 0);
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "sync", "Nowhere", NULL), ==, 4);

  /* A closed port: connection refused. */
  g_assert_cmpint (add_account (fx, "Closed", "pw-carol", 1, "tls", "--offline=all"), ==, 0);
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "sync", "Closed", NULL), ==, 5);

  /* The plain IMAP port with implicit TLS: a protocol failure, not a hang. */
  g_assert_cmpint (add_account (fx, "Mixed", "pw-carol", tern_test_servers_port (fx->servers, TERN_TEST_IMAP),
                                "tls", "--offline=all"), ==, 0);
  {
    int status = cli (fx, NULL, NULL, NULL, "sync", "Mixed", NULL);
    g_assert_true (status == 5 || status == 7);
  }

  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "account", "add", NULL), ==, 2);
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "account", "remove", "Bad", NULL), ==, 0);
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "sync", "Bad", NULL), ==, 8);
}

static void
test_certificate_pinning (void)
{
  Fixture fx = { 0 };
  TernTestServersOptions opts = { .cert = TERN_TEST_CERT_SELF_SIGNED, .no_smtp = TRUE };
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *pin = NULL;
  g_autofree char *pin_opt = NULL;
  const char *at;

  fx.servers = tern_test_servers_start (&opts, &error);
  g_assert_no_error (error);
  g_assert_true (tern_test_servers_add_user (fx.servers, "carol", "pw-carol", &error));
  g_setenv ("TERN_EXTRA_CA_FILE", tern_test_servers_ca_file (fx.servers), TRUE);
  fx.data_dir = g_dir_make_tmp ("tern-cli-XXXXXX", NULL);

  g_assert_cmpint (add_account (&fx, "Self", "pw-carol", tern_test_servers_port (fx.servers, TERN_TEST_IMAPS),
                                "tls", "--offline=all"), ==, 0);
  g_assert_cmpint (cli (&fx, NULL, NULL, &err, "account", "test", "Self", NULL), ==, 6);
  at = strstr (err, "--accept-cert ");
  g_assert_nonnull (at);
  pin = g_strndup (at + strlen ("--accept-cert "), strcspn (at + strlen ("--accept-cert "), "\n"));
  g_assert_cmpuint (strlen (pin), ==, 95);   /* 32 bytes as AB:CD:... */

  pin_opt = g_strdup_printf ("--accept-cert=%s", pin);
  g_assert_cmpint (add_account (&fx, "Pinned", "pw-carol", tern_test_servers_port (fx.servers, TERN_TEST_IMAPS),
                                "tls", pin_opt), ==, 0);
  g_assert_cmpint (cli (&fx, NULL, NULL, NULL, "sync", "Pinned", NULL), ==, 0);
  teardown (&fx, NULL);
}

int
main (int argc, char *argv[])
{
  signal (SIGPIPE, SIG_IGN);
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cli/mail-commands", Fixture, NULL, setup, test_mail_commands, teardown);
  g_test_add ("/cli/exit-codes", Fixture, NULL, setup, test_exit_codes, teardown);
  g_test_add_func ("/cli/certificate-pinning", test_certificate_pinning);
  return g_test_run ();
}
