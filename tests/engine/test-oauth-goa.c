/* Tokens from GNOME Online Accounts (issue 17).
 *
 * The real GOA needs the internet (it signs in at Google or Microsoft and
 * refreshes the tokens there), which tests do not have. So this test runs
 * goa-standin, a stand-in for the GOA D-Bus interfaces Tern uses (object
 * manager, Account, OAuth2Based, Mail; built from libgoa's own skeletons),
 * on a private session bus of its own (GTestDBus), and checks that Tern
 * lists the account and signs in to the harness's real Dovecot with the
 * access token GOA hands out, asking GOA again on every connect. */
#include <gio/gio.h>
#include <signal.h>
#include <string.h>

#include "account/tern-account-connect.h"
#include "core/tern-error.h"
#include "oauth/tern-oauth-goa.h"
#include "tern-test-oauth.h"
#include "tern-test-process.h"
#include "tern-test-servers.h"

#define USER "gina@localhost"

static void
test_goa_account (void)
{
  g_autoptr(GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernTestOAuth) oauth = NULL;
  g_autoptr(TernTestServers) servers = NULL;
  g_autoptr(GSubprocess) standin = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(TernAccountSettings) settings = tern_account_settings_new ();
  g_autoptr(TernSecrets) secrets = NULL;
  g_autofree char *token = NULL;
  g_autofree char *imap = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tern-goa-XXXXXX", NULL);
  TernTestServersOptions opts = { .no_smtp = TRUE };
  const TernOAuthGoaAccount *goa;
  mailimap *session;

  oauth = tern_test_oauth_start (&error);
  g_assert_no_error (error);
  opts.oauth2_introspection_url = tern_test_oauth_introspection_url (oauth);
  servers = tern_test_servers_start (&opts, &error);
  g_assert_no_error (error);
  g_assert_true (tern_test_servers_add_user (servers, USER, "unused", &error));
  g_setenv ("TERN_EXTRA_CA_FILE", tern_test_servers_ca_file (servers), TRUE);
  token = tern_test_oauth_control (oauth, "mint-access?user=" USER, &error);
  g_assert_no_error (error);

  g_test_dbus_up (bus);
  imap = g_strdup_printf ("localhost:%u", tern_test_servers_port (servers, TERN_TEST_IMAPS));
  standin = tern_test_goa_standin_start (GOA_STANDIN, USER, imap, "localhost:587", token,
                                         &error);
  g_assert_no_error (error);

  accounts = tern_oauth_goa_list_mail_accounts (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 1);
  goa = g_ptr_array_index (accounts, 0);
  g_assert_cmpstr (goa->email, ==, USER);
  g_assert_cmpstr (goa->provider_name, ==, "Google");
  g_assert_cmpstr (goa->imap_host, ==, "localhost");
  g_assert_cmpuint (goa->imap_port, ==, tern_test_servers_port (servers, TERN_TEST_IMAPS));
  g_assert_cmpint (goa->imap_security, ==, TERN_SECURITY_TLS);

  settings->name = g_strdup ("From Settings");
  settings->email = g_strdup (goa->email);
  settings->sign_in = TERN_SIGN_IN_GOA;
  settings->oauth2_provider = g_strdup (goa->id);
  settings->incoming_host = g_strdup (goa->imap_host);
  settings->incoming_port = goa->imap_port;
  settings->incoming_security = goa->imap_security;
  settings->incoming_user = g_strdup (goa->imap_user);
  secrets = tern_secrets_new (dir, TERN_SECRETS_FILE);
  /* Twice: GOA is asked each time, nothing is refreshed by Tern itself. */
  for (guint i = 0; i < 2; i++)
    {
      session = tern_account_connect_imap (settings, secrets, NULL, NULL, &error);
      g_assert_no_error (error);
      tern_imap_close (session, TRUE);
    }
  g_assert_cmpint (tern_test_oauth_stat (oauth, "refreshes"), ==, 0);
  {
    /* Nothing of GOA's is kept: no password store was even created. */
    g_autofree char *store = g_build_filename (dir, "passwords.ini", NULL);
    g_assert_false (g_file_test (store, G_FILE_TEST_EXISTS));
  }

  /* GOA revoked: the token it hands out is refused, and that is "sign in
   * again", not "wrong password". */
  g_free (tern_test_oauth_control (oauth, "expire-access", &error));
  session = tern_account_connect_imap (settings, secrets, NULL, NULL, &error);
  g_assert_null (session);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_SIGN_IN_AGAIN);

  g_subprocess_force_exit (standin);
  g_subprocess_wait (standin, NULL, NULL);
  g_test_dbus_down (bus);
  tern_test_dir_remove (dir);
}

int
main (int argc, char *argv[])
{
  signal (SIGPIPE, SIG_IGN);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/oauth/goa/stand-in-account", test_goa_account);
  return g_test_run ();
}
