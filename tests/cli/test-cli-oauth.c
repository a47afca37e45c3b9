/* OAuth2 sign-in end to end (issue 17), against real servers and no
 * internet: the harness's Dovecot checks XOAUTH2/OAUTHBEARER tokens with
 * passdb oauth2 (introspection_mode = post) at the harness's own
 * authorization server (tern-test-oauth-server.py), and Postfix submission
 * authenticates through Dovecot. The test plays the browser: it follows
 * the authorization URL tern-cli prints to that server and lets it redirect
 * to tern-cli's loopback port.
 *
 * Cases: sign-in, sync and send; a wrong `state` refused; the access token
 * expiring mid-session (the server refuses the cached one: refreshed once)
 * and a token near its expiry refreshed before use; POP3 and SMTP sign-in;
 * a revoked refresh token gives "sign in again" (exit code 11) until
 * `account sign-in`; discovery's <authentication>OAuth2</authentication>
 * making an account OAuth2; and no token in tern-cli's logs, the protocol
 * trace, SQLite or argv. */
#include <gio/gio.h>
#include <signal.h>
#include <string.h>

#include "account/tern-account-connect.h"
#include "core/tern-error.h"
#include "store/tern-store.h"
#include "tern-test-cli.h"
#include "tern-test-messages.h"
#include "tern-test-oauth.h"
#include "tern-test-servers.h"

#define USER "alice@localhost"
/* Discovery wants a domain with a dot; the harness serves it too. */
#define FOUND_USER "dana@oauth.test"
#define ACCOUNT "Gmail"

typedef struct {
  TernTestOAuth *oauth;
  TernTestServers *servers;
  char *data_dir;
  GString *logs;        /* every stderr of tern-cli, with TERN_DEBUG=all */
  GPtrArray *argvs;     /* every command line the test ran */
} Fixture;

static Fixture fx;

static void
remember_argv (const char *const *argv)
{
  g_ptr_array_add (fx.argvs, g_strjoinv (" ", (char **) argv));
}

/* tern-cli with the harness's providers, full tracing, errors kept. */
static int
cli (const char *stdin_text, char **out, char **err, ...)
{
  g_autofree char *e = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;
  int status;
  const char *a;

  va_start (ap, err);
  while ((a = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  remember_argv ((const char *const *) args->pdata);
  va_start (ap, err);
  status = tern_test_cli_runv (fx.data_dir, FALSE, stdin_text, out, &e, ap);
  va_end (ap);
  g_string_append (fx.logs, e);
  if (err != NULL)
    *err = g_steal_pointer (&e);
  return status;
}

static char *
port_of (TernTestService s)
{
  return g_strdup_printf ("%u", tern_test_servers_port (fx.servers, s));
}

/* Starts `tern-cli account add|sign-in ...` without waiting for it. */
static GSubprocess *
spawn_cli (const char *const *args, GDataInputStream **out)
{
  g_autoptr(GSubprocessLauncher) l =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *p;

  g_ptr_array_add (argv, (gpointer) g_getenv ("TERN_CLI"));
  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, fx.data_dir);
  g_ptr_array_add (argv, "--password-store=file");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  remember_argv ((const char *const *) argv->pdata);
  p = g_subprocess_launcher_spawnv (l, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  *out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (p));
  return p;
}

/* Reads tern-cli's output up to the authorization URL it prints. */
static char *
read_authorization_url (GDataInputStream *out)
{
  g_autoptr(GError) error = NULL;
  char *line;

  while ((line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error)) != NULL)
    {
      g_autofree char *l = line;
      const char *url = strstr (l, "http://127.0.0.1:");

      g_string_append_printf (fx.logs, "%s\n", l);
      if (url != NULL && strstr (l, "/authorize?") != NULL)
        return g_strdup (g_strstrip ((char *) url));
    }
  g_assert_no_error (error);
  g_assert_not_reached ();
}

/* The browser's part: GET the authorization URL, follow its redirect to
 * tern-cli's loopback port. With @forge_first, a redirect with a wrong state
 * is sent first and must be refused (400) without a code exchange. */
static void
play_browser (GSubprocess *p, GDataInputStream *out, gboolean forge_first)
{
  g_autofree char *url = read_authorization_url (out);
  g_autofree char *redirect = NULL;
  g_autofree char *rest = NULL;
  g_autoptr(GError) error = NULL;
  gint64 exchanges = tern_test_oauth_stat (fx.oauth, "exchanges");

  g_assert_true (g_str_has_prefix (url, tern_test_oauth_url (fx.oauth)));
  g_assert_nonnull (strstr (url, "code_challenge_method=S256"));
  g_assert_cmpuint (tern_test_http_get (url, &redirect, &error), ==, 302);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (redirect, "http://127.0.0.1:"));
  if (forge_first)
    {
      g_autofree char *forged = tern_test_oauth_forge_state (redirect);

      g_assert_cmpuint (tern_test_http_get (forged, NULL, &error), ==, 400);
      g_assert_no_error (error);
      g_assert_cmpint (tern_test_oauth_stat (fx.oauth, "exchanges"), ==, exchanges);
    }
  g_assert_cmpuint (tern_test_http_get (redirect, NULL, &error), ==, 200);
  g_assert_no_error (error);
  g_subprocess_wait (p, NULL, &error);
  g_assert_no_error (error);
  rest = g_data_input_stream_read_upto (out, "", 0, NULL, NULL, NULL);
  g_string_append (fx.logs, rest != NULL ? rest : "");
  g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 0);
  g_assert_cmpint (tern_test_oauth_stat (fx.oauth, "exchanges"), ==, exchanges + 1);
}

static void
seed_inbox (guint n)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_test_messages_seed (fx.servers, USER, "INBOX", 0, n, 17, &error));
  g_assert_no_error (error);
}

static void
test_sign_in_sync_send (void)
{
  g_autofree char *imaps = port_of (TERN_TEST_IMAPS);
  g_autofree char *submission = port_of (TERN_TEST_SUBMISSION);
  const char *args[] = { "account", "add", ACCOUNT, "--email", USER,
                         "--oauth2", TERN_TEST_OAUTH_PROVIDER, "--host", "localhost",
                         "--port", imaps, "--security", "tls", "--smtp-host", "localhost",
                         "--smtp-port", submission, "--smtp-security", "starttls", NULL };
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GSubprocess) p = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *sent = NULL;

  if (!tern_test_servers_require_smtp (fx.servers))
    return;
  seed_inbox (3);
  p = spawn_cli (args, &out);
  /* The wrong state first: a page that sends the browser to the loopback
   * port must not sign the user in to its own account. */
  play_browser (p, out, TRUE);

  g_assert_cmpint (cli (NULL, NULL, NULL, "account", "test", ACCOUNT, NULL), ==, 0);
  g_assert_cmpint (cli (NULL, NULL, NULL, "sync", ACCOUNT, NULL), ==, 0);
  g_assert_cmpint (cli (NULL, &listing, NULL, "list", ACCOUNT, "INBOX", NULL), ==, 0);
  g_assert_nonnull (strchr (listing, '\n'));
  g_assert_cmpint (cli ("Signed in with OAuth2.\n", NULL, NULL, "send", ACCOUNT, "--to", USER,
                        "--subject", "OAuth2 send", NULL), ==, 0);
  g_assert_cmpint (cli (NULL, NULL, NULL, "sync", ACCOUNT, NULL), ==, 0);
  g_assert_cmpint (cli (NULL, &sent, NULL, "list", ACCOUNT, "INBOX", NULL), ==, 0);
  g_assert_nonnull (strstr (sent, "OAuth2 send"));
}

/* The account as the engine sees it, with tern-cli's store and secrets. */
static void
open_account (TernStore **store, TernSecrets **secrets, TernAccountSettings **account)
{
  g_autoptr(GError) error = NULL;

  *store = tern_store_open (fx.data_dir, 0, &error);
  g_assert_no_error (error);
  *secrets = tern_secrets_new (fx.data_dir, TERN_SECRETS_FILE);
  *account = tern_store_get_account_by_name (*store, ACCOUNT, &error);
  g_assert_no_error (error);
  g_assert_cmpint ((*account)->sign_in, ==, TERN_SIGN_IN_OAUTH2);
}

static void
test_expires_mid_session (void)
{
  g_autoptr(TernStore) store = NULL;
  g_autoptr(TernSecrets) secrets = NULL;
  g_autoptr(TernAccountSettings) account = NULL;
  g_autoptr(GError) error = NULL;
  gint64 refreshes = tern_test_oauth_stat (fx.oauth, "refreshes");
  mailimap *imap;
  mailsmtp *smtp;

  if (!tern_test_servers_require_smtp (fx.servers))
    return;
  open_account (&store, &secrets, &account);
  imap = tern_account_connect_imap (account, secrets, NULL, NULL, &error);
  g_assert_no_error (error);
  tern_imap_close (imap, TRUE);
  g_assert_cmpint (tern_test_oauth_stat (fx.oauth, "refreshes"), ==, refreshes + 1);

  /* The provider ends the access token early: the server refuses the one
   * Tern keeps in memory, Tern refreshes it once and signs in. */
  g_free (tern_test_oauth_control (fx.oauth, "expire-access", &error));
  g_assert_no_error (error);
  imap = tern_account_connect_imap (account, secrets, NULL, NULL, &error);
  g_assert_no_error (error);
  tern_imap_close (imap, TRUE);
  g_assert_cmpint (tern_test_oauth_stat (fx.oauth, "refreshes"), ==, refreshes + 2);

  g_free (tern_test_oauth_control (fx.oauth, "expire-access", &error));
  smtp = tern_account_connect_smtp (account, secrets, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (tern_smtp_logged_in (smtp));
  tern_smtp_close (smtp, TRUE);
  g_assert_cmpint (tern_test_oauth_stat (fx.oauth, "refreshes"), ==, refreshes + 3);

  /* The same account over POP3: AUTH with the same token, no refresh. */
  account->protocol = TERN_PROTOCOL_POP3;
  account->incoming_port = tern_test_servers_port (fx.servers, TERN_TEST_POP3S);
  {
    mailpop3 *pop3 = tern_account_connect_pop3 (account, secrets, NULL, NULL, &error);

    g_assert_no_error (error);
    tern_pop3_close (pop3, TRUE);
  }
  g_assert_cmpint (tern_test_oauth_stat (fx.oauth, "refreshes"), ==, refreshes + 3);
}

static void
test_refresh_before_expiry (void)
{
  g_autoptr(GError) error = NULL;
  gint64 refreshes = tern_test_oauth_stat (fx.oauth, "refreshes");

  if (!tern_test_servers_require_smtp (fx.servers))
    return;
  /* Tokens that live less than Tern's margin are refreshed before each use:
   * one refresh for the incoming and one for the outgoing login. */
  g_free (tern_test_oauth_control (fx.oauth, "expires-in?seconds=60", &error));
  g_assert_no_error (error);
  g_assert_cmpint (cli (NULL, NULL, NULL, "account", "test", ACCOUNT, NULL), ==, 0);
  g_assert_cmpint (tern_test_oauth_stat (fx.oauth, "refreshes"), ==, refreshes + 2);
  g_free (tern_test_oauth_control (fx.oauth, "expires-in?seconds=3600", &error));
}

static void
test_revoked (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *test_out = NULL;
  gint64 refused = tern_test_oauth_stat (fx.oauth, "refused_refreshes");
  const char *args[] = { "account", "sign-in", ACCOUNT, NULL };
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GSubprocess) p = NULL;

  if (!tern_test_servers_require_smtp (fx.servers))
    return;
  g_free (tern_test_oauth_control (fx.oauth, "revoke-all", &error));
  g_assert_no_error (error);
  g_assert_cmpint (cli (NULL, NULL, &err, "sync", ACCOUNT, NULL), ==, 11);
  g_assert_nonnull (strstr (err, "Sign in again"));
  g_assert_null (strstr (err, "password"));
  /* One refused refresh, no loop. */
  g_assert_cmpint (tern_test_oauth_stat (fx.oauth, "refused_refreshes"), ==, refused + 1);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli (NULL, &test_out, &err, "account", "test", ACCOUNT, NULL), ==, 11);
  g_assert_nonnull (strstr (test_out, "Incoming mail (IMAP)"));
  g_assert_nonnull (strstr (err, "expired or was revoked"));

  p = spawn_cli (args, &out);
  play_browser (p, out, FALSE);
  g_assert_cmpint (cli (NULL, NULL, NULL, "sync", ACCOUNT, NULL), ==, 0);
}

/* Discovery: settings that list <authentication>OAuth2</authentication>
 * for a provider Tern knows make the account an OAuth2 one. */
static void
test_discover_marks_oauth2 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStore) store = NULL;
  g_autoptr(TernAccountSettings) account = NULL;
  g_autofree char *what = g_strdup_printf ("autoconfig?imap=%u&smtp=%u",
      tern_test_servers_port (fx.servers, TERN_TEST_IMAPS),
      tern_test_servers_port (fx.servers, TERN_TEST_SUBMISSION));
  g_autofree char *url = g_strdup_printf ("%s/autoconfig", tern_test_oauth_url (fx.oauth));
  g_autofree char *refresh = NULL;
  g_autofree char *refresh_line = NULL;

  if (!tern_test_servers_require_smtp (fx.servers))
    return;
  g_free (tern_test_oauth_control (fx.oauth, what, &error));
  g_assert_no_error (error);
  g_assert_true (tern_test_servers_add_user (fx.servers, FOUND_USER, "unused", &error));
  refresh = tern_test_oauth_control (fx.oauth, "mint?user=" FOUND_USER, &error);
  g_assert_no_error (error);
  refresh_line = g_strdup_printf ("%s\n", refresh);
  g_setenv ("TERN_TEST_AUTOCONFIG_URL", url, TRUE);
  /* The servers are "localhost", outside oauth.test: trusted by hand. */
  g_assert_cmpint (cli (refresh_line, NULL, NULL, "account", "add", "Found", "--email",
                        FOUND_USER, "--discover", "--trust-host", "localhost",
                        "--oauth2-token-stdin", NULL), ==, 0);
  g_unsetenv ("TERN_TEST_AUTOCONFIG_URL");
  g_assert_cmpint (cli (NULL, NULL, NULL, "account", "test", "Found", NULL), ==, 0);

  store = tern_store_open (fx.data_dir, 0, &error);
  g_assert_no_error (error);
  account = tern_store_get_account_by_name (store, "Found", &error);
  g_assert_no_error (error);
  g_assert_cmpint (account->sign_in, ==, TERN_SIGN_IN_OAUTH2);
  g_assert_cmpstr (account->oauth2_provider, ==, TERN_TEST_OAUTH_PROVIDER);
}

static void
assert_no_token_in (const char *what, const char *text, char **tokens)
{
  for (guint i = 0; tokens[i] != NULL; i++)
    if (*tokens[i] != '\0' && strstr (text, tokens[i]) != NULL)
      g_error ("a token appears in %s", what);
}

static void
test_no_token_leaks (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *list = tern_test_oauth_control (fx.oauth, "tokens", &error);
  g_auto(GStrv) tokens = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_assert_no_error (error);
  tokens = g_strsplit (list, "\n", -1);
  g_assert_cmpuint (g_strv_length (tokens), >=, 4);
  /* stderr of every run: GLib's debug log and the protocol trace. */
  g_assert_nonnull (strstr (fx.logs->str, "AUTHENTICATE"));
  assert_no_token_in ("tern-cli's log or protocol trace", fx.logs->str, tokens);
  for (guint i = 0; i < fx.argvs->len; i++)
    assert_no_token_in ("a command line", g_ptr_array_index (fx.argvs, i), tokens);
  /* The database and its WAL, byte for byte. The file password store (the
   * keyring's stand-in here) holds the refresh token, and nothing else may. */
  dir = g_dir_open (fx.data_dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fx.data_dir, name, NULL);
      g_autofree char *data = NULL;
      gsize len = 0;

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) ||
          !g_file_get_contents (path, &data, &len, NULL))
        continue;
      for (gsize k = 0; k < len; k++)
        if (data[k] == '\0')
          data[k] = '\n';
      if (g_str_equal (name, "passwords.ini"))
        {
          for (guint i = 0; tokens[i] != NULL; i++)
            if (g_str_has_prefix (tokens[i], "at-"))
              g_assert_null (strstr (data, tokens[i]));
          continue;
        }
      assert_no_token_in (name, data, tokens);
    }
}

/* Removing an account revokes its refresh token at the provider (RFC 7009)
 * and deletes the secret; the removal never waits on that. */
static void
test_remove_revokes (void)
{
  g_autoptr(TernSecrets) secrets = tern_secrets_new (fx.data_dir, TERN_SECRETS_FILE);
  gint64 revocations = tern_test_oauth_stat (fx.oauth, "revocations");

  if (!tern_test_servers_require_smtp (fx.servers))
    return;
  g_assert_cmpint (cli (NULL, NULL, NULL, "account", "remove", "Found", NULL), ==, 0);
  g_assert_cmpint (tern_test_oauth_stat (fx.oauth, "revocations"), ==, revocations + 1);
  g_assert_null (tern_secrets_lookup (secrets, "Found", TERN_SECRET_OAUTH2_REFRESH, NULL));
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  TernTestServersOptions opts = { 0 };
  int status;

  signal (SIGPIPE, SIG_IGN);
  g_test_init (&argc, &argv, NULL);
  /* The engine runs in this process too: its debug log must not go into
   * the TAP output on stdout. */
  g_log_writer_default_set_use_stderr (TRUE);
  fx.oauth = tern_test_oauth_start (&error);
  g_assert_no_error (error);
  opts.oauth2_introspection_url = tern_test_oauth_introspection_url (fx.oauth);
  fx.servers = tern_test_cli_servers_start (&opts, USER, "unused-password");
  g_setenv ("TERN_TEST_OAUTH2_PROVIDERS", tern_test_oauth_providers_file (fx.oauth), TRUE);
  g_setenv ("TERN_DEBUG", "all", TRUE);
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  fx.data_dir = tern_test_cli_data_dir_new ("oauth");
  fx.logs = g_string_new (NULL);
  fx.argvs = g_ptr_array_new_with_free_func (g_free);

  /* In order: each case goes on from the account the one before signed in. */
  g_test_add_func ("/cli/oauth/sign-in-sync-send-wrong-state", test_sign_in_sync_send);
  g_test_add_func ("/cli/oauth/expires-mid-session", test_expires_mid_session);
  g_test_add_func ("/cli/oauth/refresh-before-expiry", test_refresh_before_expiry);
  g_test_add_func ("/cli/oauth/revoked-sign-in-again", test_revoked);
  g_test_add_func ("/cli/oauth/discover-marks-oauth2", test_discover_marks_oauth2);
  g_test_add_func ("/cli/oauth/no-token-leaks", test_no_token_leaks);
  g_test_add_func ("/cli/oauth/remove-revokes", test_remove_revokes);
  status = g_test_run ();

  tern_test_servers_free (fx.servers);
  tern_test_oauth_free (fx.oauth);
  tern_test_cli_data_dir_remove (fx.data_dir);
  g_free (fx.data_dir);
  g_string_free (fx.logs, TRUE);
  g_ptr_array_unref (fx.argvs);
  return status;
}
