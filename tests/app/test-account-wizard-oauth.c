/* The account wizard at a provider that signs in on its own page (OAuth2,
 * issue 17), against the harness: its authorization server
 * (tern-test-oauth-server.py, playing Google's part: the real providers
 * need the internet), Dovecot's passdb oauth2 and Postfix through Dovecot
 * SASL. Discovery reads the ISPDB XML the authorization server serves (it
 * says <authentication>OAuth2</authentication>); the test plays the
 * browser by following the authorization URL.
 *
 * Cases: sign-in in place of the password, a redirect with a wrong state
 * refused, the connection test with the token, save (refresh token in the
 * keyring, sign_in = oauth2), the saved account logging in again from the
 * keyring alone; no token in SQLite or the log; a provider without a
 * client id saying how to configure one; editing it (the sign-in stays,
 * a new name takes the refresh token along); removing it in the Accounts
 * window revokes the refresh token; the offer of an account GNOME
 * Online Accounts has, against goa-standin (tests/engine/goa-standin.c) on
 * a private session bus: the real GOA signs in at Google over the
 * internet, which tests do not have. Screenshots:
 * <builddir>/screenshots/wizard-oauth-*.png (GTK_THEME=Adwaita:dark adds
 * "-dark" to the names). */
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "tern-account-wizard.h"
#include "tern-accounts-dialog.h"
#include "tern-test-wizard.h"
#include "tern-app-secrets.h"
#include "account/tern-account-connect.h"
#include "account/tern-account-token.h"
#include "store/tern-store.h"
#include "tern-test-oauth.h"
#include "tern-test-servers.h"
#include "tern-test-ui.h"

#define EMAIL "dana@oauth.test"
#define WAIT_MS 60000

#define WAIT_UNTIL(cond)                                         \
  G_STMT_START {                                                 \
    TERN_TEST_WAIT_UNTIL (cond, WAIT_MS);                        \
    if (!(cond))                                                 \
      g_error ("timed out waiting for %s", #cond);               \
  } G_STMT_END

static TernTestOAuth *oauth;
static TernTestServers *servers;
static GString *logs;   /* everything the engine and the app logged */

/* ---- Finding and driving widgets ------------------------------------------ */

static const char *
page (TernAccountWizard *wizard)
{
  return tern_account_wizard_get_page (wizard);
}

static void
screenshot (GtkWidget *widget, const char *name)
{
  const char *theme = g_getenv ("GTK_THEME");
  g_autofree char *file = g_strdup_printf ("wizard-oauth-%s%s.png", name,
                                           theme != NULL && strstr (theme, "dark") ? "-dark" : "");

  tern_test_ui_wait_for_draw (widget);
  tern_test_run_for (300);   /* the last state change's redraw, too */
  tern_test_ui_save_screenshot (widget, file);
}

/* ---- One wizard ----------------------------------------------------------------- */

typedef struct {
  char *data_dir;
  TernStoreExecutor *executor;
  TernAccountWizard *wizard;
  gint64 added_id;
  gboolean destroyed;
  char *browser_uri;   /* what the wizard asked the browser to open */
} Run;

static void
on_added (TernAccountWizard *wizard, gint64 id, Run *run)
{
  run->added_id = id;
}

static void
on_destroyed (GtkWidget *widget, Run *run)
{
  run->destroyed = TRUE;
}

/* The test is the system browser: the wizard's URI opener is replaced. */
static gboolean
on_open_browser (GtkWidget *sign_in, const char *uri, Run *run)
{
  g_free (run->browser_uri);
  run->browser_uri = g_strdup (uri);
  return TRUE;
}

static void
run_start (Run *run)
{
  g_autoptr(TernAutoconfig) ac = tern_autoconfig_new ();
  g_autofree char *url = g_strdup_printf ("%s/autoconfig", tern_test_oauth_url (oauth));

  tern_autoconfig_set_urls (ac, url, NULL, NULL);
  tern_autoconfig_clear_probes (ac);
  tern_autoconfig_set_timeouts (ac, 5000, 2000);
  run->data_dir = g_dir_make_tmp ("tern-wizard-oauth-XXXXXX", NULL);
  g_assert_nonnull (run->data_dir);
  run->executor = tern_store_executor_new (run->data_dir);
  run->wizard = tern_account_wizard_new (NULL, run->executor);
  g_object_ref_sink (run->wizard);
  tern_account_wizard_set_autoconfig (run->wizard, ac);
  g_signal_connect (run->wizard, "account-added", G_CALLBACK (on_added), run);
  g_signal_connect (run->wizard, "destroy", G_CALLBACK (on_destroyed), run);
  g_signal_connect (tern_test_find (run->wizard, "oauth_sign_in"), "open-browser",
                    G_CALLBACK (on_open_browser), run);
  gtk_window_set_default_size (GTK_WINDOW (run->wizard), 640, -1);
  gtk_widget_show (GTK_WIDGET (run->wizard));
  tern_test_ui_wait_mapped (GTK_WIDGET (run->wizard), 100);
}

static void
run_finish (Run *run)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", run->data_dir);

  if (!run->destroyed)
    gtk_widget_destroy (GTK_WIDGET (run->wizard));
  tern_test_run_for (300);
  g_object_unref (run->wizard);
  tern_store_executor_shutdown (run->executor);
  g_clear_object (&run->executor);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (run->data_dir);
  g_free (run->browser_uri);
}

/* The browser's part, a wrong state first: refused, no code exchanged. */
static void
play_browser (Run *run)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *redirect = NULL;
  g_autofree char *forged = NULL;
  gint64 exchanges = tern_test_oauth_stat (oauth, "exchanges");

  g_assert_nonnull (run->browser_uri);
  g_assert_true (g_str_has_prefix (run->browser_uri, tern_test_oauth_url (oauth)));
  g_assert_nonnull (strstr (run->browser_uri, "code_challenge_method=S256"));
  g_assert_cmpuint (tern_test_http_get (run->browser_uri, &redirect, &error), ==, 302);
  g_assert_no_error (error);
  forged = tern_test_oauth_forge_state (redirect);
  g_assert_cmpuint (tern_test_http_get (forged, NULL, &error), ==, 400);
  g_assert_no_error (error);
  tern_test_run_for (300);
  g_assert_cmpint (tern_test_oauth_stat (oauth, "exchanges"), ==, exchanges);
  g_assert_false (gtk_widget_is_sensitive (tern_test_find (run->wizard, "next_button")));
  g_assert_cmpuint (tern_test_http_get (redirect, NULL, &error), ==, 200);
  g_assert_no_error (error);
  WAIT_UNTIL (gtk_widget_is_sensitive (tern_test_find (run->wizard, "next_button")));
  g_assert_cmpint (tern_test_oauth_stat (oauth, "exchanges"), ==, exchanges + 1);
}

static void
assert_no_token_in (const char *what, const char *text, gsize len, char **tokens)
{
  for (guint i = 0; tokens[i] != NULL; i++)
    if (*tokens[i] != '\0' && g_strstr_len (text, (gssize) len, tokens[i]) != NULL)
      g_error ("a token appears in %s", what);
}

/* Not in the log; not in the database or its WAL (byte for byte); the
 * file password store (the keyring's stand-in) holds no access token. */
static void
assert_no_token_leaks (const char *data_dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *list = tern_test_oauth_control (oauth, "tokens", &error);
  g_auto(GStrv) tokens = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_assert_no_error (error);
  tokens = g_strsplit (list, "\n", -1);
  g_assert_cmpuint (g_strv_length (tokens), >=, 2);
  assert_no_token_in ("the log", logs->str, logs->len, tokens);
  dir = g_dir_open (data_dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (data_dir, name, NULL);
      g_autofree char *data = NULL;
      gsize len = 0;

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) || !g_file_get_contents (path, &data, &len, NULL))
        continue;
      if (g_str_equal (name, "passwords.ini"))
        {
          for (guint i = 0; tokens[i] != NULL; i++)
            if (g_str_has_prefix (tokens[i], "at-"))
              g_assert_null (strstr (data, tokens[i]));
          continue;
        }
      assert_no_token_in (name, data, len, tokens);
    }
}

/* On the test page: both sides log in; then the last page, and save. The
 * saved account, as the store has it. */
static TernAccountSettings *
pass_test_and_save (Run *run, const char *shot)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStore) store = NULL;
  TernAccountSettings *account;

  WAIT_UNTIL (!tern_test_wizard_test_state_is (run->wizard, "incoming", "busy")
              && !tern_test_wizard_test_state_is (run->wizard, "outgoing", "busy"));
  g_test_message ("incoming: %s",
                  gtk_label_get_text (GTK_LABEL (tern_test_find (run->wizard, "incoming_test_label"))));
  g_test_message ("outgoing: %s",
                  gtk_label_get_text (GTK_LABEL (tern_test_find (run->wizard, "outgoing_test_label"))));
  g_assert_true (tern_test_wizard_test_state_is (run->wizard, "incoming", "ok"));
  g_assert_true (tern_test_wizard_test_state_is (run->wizard, "outgoing", "ok"));
  if (shot != NULL)
    screenshot (GTK_WIDGET (run->wizard), shot);
  tern_test_wizard_next (run->wizard);
  g_assert_cmpstr (page (run->wizard), ==, "finish");
  tern_test_wizard_next (run->wizard);
  WAIT_UNTIL (run->destroyed);
  g_assert_cmpint (run->added_id, >, 0);
  store = tern_store_open (run->data_dir, TERN_STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  account = tern_store_get_account (store, run->added_id, &error);
  g_assert_no_error (error);
  return account;
}

static void
on_changed (TernAccountWizard *wizard, gint64 id, gboolean *flag)
{
  *flag = TRUE;
}

/* Editing the signed-in account: the sign-in stays (nothing to type), the
 * test logs in with the account's own token, and a new name takes the
 * refresh token along. */
static void
edit_keeps_sign_in (Run *run, const TernAccountSettings *account)
{
  g_autoptr(TernAccountWizard) edit = tern_account_wizard_new_for_account (NULL, run->executor,
                                                                           account);
  g_autoptr(TernSecrets) secrets = tern_app_secrets_new (run->data_dir);
  g_autoptr(TernAccountSettings) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *refresh = NULL;
  gboolean changed = FALSE;

  g_object_ref_sink (edit);
  g_signal_connect (edit, "account-changed", G_CALLBACK (on_changed), &changed);
  gtk_widget_show (GTK_WIDGET (edit));
  g_assert_false (gtk_widget_get_visible (tern_test_find (edit, "password_entry")));
  g_assert_false (gtk_widget_get_visible (tern_test_find (edit, "oauth_sign_in")));
  while (g_strcmp0 (page (edit), "test") != 0)
    tern_test_wizard_next (edit);
  WAIT_UNTIL (tern_test_wizard_test_state_is (edit, "incoming", "ok")
              && tern_test_wizard_test_state_is (edit, "outgoing", "ok"));
  screenshot (GTK_WIDGET (edit), "7-edit-test-ok");
  tern_test_wizard_next (edit);
  gtk_entry_set_text (GTK_ENTRY (tern_test_find (edit, "account_name_entry")), "Dana at work");
  tern_test_wizard_next (edit);
  WAIT_UNTIL (changed);
  {
    g_autoptr(TernStore) store = tern_store_open (run->data_dir, TERN_STORE_OPEN_READ_ONLY, &error);

    g_assert_no_error (error);
    saved = tern_store_get_account (store, account->id, &error);
    g_assert_no_error (error);
  }
  g_assert_cmpstr (saved->name, ==, "Dana at work");
  g_assert_cmpint (saved->sign_in, ==, TERN_SIGN_IN_OAUTH2);
  refresh = tern_secrets_lookup (secrets, "Dana at work", TERN_SECRET_OAUTH2_REFRESH, &error);
  g_assert_no_error (error);
  g_assert_nonnull (refresh);
  g_assert_null (tern_secrets_lookup (secrets, account->name, TERN_SECRET_OAUTH2_REFRESH, NULL));
}

static gboolean
secret_gone (gpointer data)
{
  Run *run = data;
  g_autoptr(TernSecrets) secrets = tern_app_secrets_new (run->data_dir);
  g_autofree char *refresh = tern_secrets_lookup (secrets, "Dana at work",
                                                  TERN_SECRET_OAUTH2_REFRESH, NULL);

  return refresh == NULL;
}

/* Removing it in the Accounts window revokes the refresh token at the
 * provider (RFC 7009, in the background) and deletes it. */
static void
remove_revokes (Run *run)
{
  TernAccountsDialog *dialog = tern_accounts_dialog_new (NULL, run->executor);
  gint64 revocations = tern_test_oauth_stat (oauth, "revocations");
  GtkListBox *list;

  gtk_widget_show (GTK_WIDGET (dialog));
  list = GTK_LIST_BOX (tern_test_find (dialog, "account_list"));
  WAIT_UNTIL (gtk_list_box_get_row_at_index (list, 0) != NULL);
  gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, 0));
  gtk_button_clicked (GTK_BUTTON (tern_test_find (dialog, "remove_button")));
  g_assert_nonnull (tern_test_find_message_dialog ());
  gtk_dialog_response (GTK_DIALOG (tern_test_find_message_dialog ()), GTK_RESPONSE_ACCEPT);
  WAIT_UNTIL (gtk_list_box_get_row_at_index (list, 0) == NULL);
  WAIT_UNTIL (tern_test_oauth_stat (oauth, "revocations") == revocations + 1);
  g_assert_true (tern_test_wait_until (secret_gone, run, WAIT_MS));
  g_assert_null (strstr (logs->str, "could not be revoked"));   /* the empty 200 is a yes */
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

/* ---- Tests ---------------------------------------------------------------------- */

static void
test_sign_in_test_save (void)
{
  Run run = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *what = g_strdup_printf ("autoconfig?imap=%u&smtp=%u",
      tern_test_servers_port (servers, TERN_TEST_IMAPS),
      tern_test_servers_port (servers, TERN_TEST_SUBMISSION));
  g_autoptr(TernAccountSettings) account = NULL;
  g_autoptr(TernSecrets) secrets = NULL;
  g_autofree char *refresh = NULL;
  GtkMessageDialog *ask;
  gint64 refreshes;

  if (!tern_test_servers_require_smtp (servers))
    return;
  g_free (tern_test_oauth_control (oauth, what, &error));
  g_assert_no_error (error);
  run_start (&run);
  gtk_entry_set_text (GTK_ENTRY (tern_test_find (run.wizard, "name_entry")), "Dana");
  gtk_entry_set_text (GTK_ENTRY (tern_test_find (run.wizard, "email_entry")), EMAIL);
  /* The password gives way to the sign-in, with its reason. */
  g_assert_false (gtk_widget_get_visible (tern_test_find (run.wizard, "password_entry")));
  g_assert_true (gtk_widget_get_visible (tern_test_find (run.wizard, "oauth_sign_in")));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (tern_test_find (run.wizard, "sign_in_button"))), ==,
                   "Sign in with Tern Test Provider");
  g_assert_false (gtk_widget_is_sensitive (tern_test_find (run.wizard, "next_button")));
  screenshot (GTK_WIDGET (run.wizard), "1-sign-in");

  gtk_button_clicked (GTK_BUTTON (tern_test_find (run.wizard, "sign_in_button")));
  screenshot (GTK_WIDGET (run.wizard), "2-waiting");
  play_browser (&run);
  screenshot (GTK_WIDGET (run.wizard), "3-signed-in");

  tern_test_wizard_next (run.wizard);
  g_assert_cmpstr (page (run.wizard), ==, "discovery");
  WAIT_UNTIL (gtk_widget_is_sensitive (tern_test_find (run.wizard, "next_button")));
  tern_test_wizard_next (run.wizard);
  g_assert_cmpstr (page (run.wizard), ==, "protocol");
  tern_test_wizard_next (run.wizard);
  g_assert_cmpstr (page (run.wizard), ==, "incoming");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (tern_test_find (run.wizard, "incoming_host_entry"))), ==,
                   "localhost");
  g_assert_false (gtk_widget_get_visible (tern_test_find (run.wizard, "incoming_password_entry")));
  tern_test_wizard_next (run.wizard);
  g_assert_cmpstr (page (run.wizard), ==, "outgoing");
  tern_test_wizard_next (run.wizard);
  g_assert_cmpstr (page (run.wizard), ==, "test");
  /* The XML came over plain http and names localhost, outside oauth.test. */
  WAIT_UNTIL (tern_test_find_message_dialog () != NULL);
  ask = tern_test_find_message_dialog ();
  gtk_dialog_response (GTK_DIALOG (ask), GTK_RESPONSE_ACCEPT);
  account = pass_test_and_save (&run, "4-test-ok");
  g_assert_cmpint (account->sign_in, ==, TERN_SIGN_IN_OAUTH2);
  g_assert_cmpstr (account->oauth2_provider, ==, TERN_TEST_OAUTH_PROVIDER);
  secrets = tern_app_secrets_new (run.data_dir);
  refresh = tern_secrets_lookup (secrets, account->name, TERN_SECRET_OAUTH2_REFRESH, &error);
  g_assert_no_error (error);
  g_assert_nonnull (refresh);
  g_assert_null (tern_secrets_lookup (secrets, account->name, TERN_SECRET_INCOMING, NULL));

  /* The saved account logs in from the keyring alone (a fresh TernSecrets
   * has no access token in memory: it refreshes), as its first sync does. */
  refreshes = tern_test_oauth_stat (oauth, "refreshes");
  {
    mailimap *imap = tern_account_connect_imap (account, secrets, NULL, NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (imap);
    tern_imap_close (imap, TRUE);
  }
  g_assert_cmpint (tern_test_oauth_stat (oauth, "refreshes"), ==, refreshes + 1);
  edit_keeps_sign_in (&run, account);
  assert_no_token_leaks (run.data_dir);
  remove_revokes (&run);
  run_finish (&run);
}

/* An address at a domain the provider data does not name, whose servers
 * ISPDB says sign in with OAuth2 at a provider Tern knows (hotmail.co.uk
 * at Microsoft, a company's domain at Google): the password typed first is
 * dropped, and the sign-in shows below the lookup's result. The harness's
 * provider once more, as "Tern Hosted", running the servers on localhost;
 * oauth.test is nobody's domain in this providers file. */
#define HOSTED_USER "erin@oauth.test"

static char *
hosted_providers_file (void)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "tern-hosted-providers.ini", NULL);
  g_autofree char *base = NULL;
  g_autofree char *ini = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (tern_test_oauth_providers_file (oauth), &base, NULL, &error));
  /* oauth.test (which the ISPDB XML names) is no provider's domain here. */
  g_assert_nonnull (strstr (base, "oauth.test;"));
  memset (strstr (base, "oauth.test;"), ' ', strlen ("oauth.test;"));
  ini = g_strdup_printf ("%1$s\n[tern-hosted]\nname=Tern Hosted\nauth_url=%2$s/authorize\n"
                         "token_url=%2$s/token\nscopes=mail offline_access\n"
                         "client_id=" TERN_TEST_OAUTH_CLIENT_ID "\n"
                         "imap=localhost:993:tls\nsmtp=localhost:587:starttls\n"
                         "domains=hosted.invalid;\n", base, tern_test_oauth_url (oauth));
  g_assert_true (g_file_set_contents (path, ini, -1, &error));
  return g_steal_pointer (&path);
}

static void
test_sign_in_after_lookup (void)
{
  g_autofree char *providers = NULL;
  g_autofree char *what = g_strdup_printf ("autoconfig?imap=%u&smtp=%u",
      tern_test_servers_port (servers, TERN_TEST_IMAPS),
      tern_test_servers_port (servers, TERN_TEST_SUBMISSION));
  g_autoptr(TernAccountSettings) account = NULL;
  g_autoptr(TernSecrets) secrets = NULL;
  g_autoptr(GError) error = NULL;
  Run run = { 0 };

  if (!tern_test_servers_require_smtp (servers))
    return;
  g_free (tern_test_oauth_control (oauth, what, &error));
  g_assert_no_error (error);
  g_assert_true (tern_test_servers_add_user (servers, HOSTED_USER, "unused", &error));
  providers = hosted_providers_file ();
  g_setenv ("TERN_TEST_OAUTH2_PROVIDERS", providers, TRUE);
  run_start (&run);
  gtk_entry_set_text (GTK_ENTRY (tern_test_find (run.wizard, "name_entry")), "Erin");
  gtk_entry_set_text (GTK_ENTRY (tern_test_find (run.wizard, "email_entry")), HOSTED_USER);
  g_assert_true (gtk_widget_get_visible (tern_test_find (run.wizard, "password_entry")));
  gtk_entry_set_text (GTK_ENTRY (tern_test_find (run.wizard, "password_entry")), "typed-first");
  tern_test_wizard_next (run.wizard);
  g_assert_cmpstr (page (run.wizard), ==, "discovery");
  WAIT_UNTIL (gtk_widget_get_mapped (tern_test_find (run.wizard, "sign_in_button")));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (tern_test_find (run.wizard, "sign_in_button"))),
                   ==, "Sign in with Tern Hosted");
  g_assert_false (gtk_widget_is_sensitive (tern_test_find (run.wizard, "next_button")));
  screenshot (GTK_WIDGET (run.wizard), "8-sign-in-after-lookup");
  gtk_button_clicked (GTK_BUTTON (tern_test_find (run.wizard, "sign_in_button")));
  play_browser (&run);
  while (g_strcmp0 (page (run.wizard), "test") != 0)
    tern_test_wizard_next (run.wizard);
  WAIT_UNTIL (tern_test_find_message_dialog () != NULL);
  gtk_dialog_response (GTK_DIALOG (tern_test_find_message_dialog ()), GTK_RESPONSE_ACCEPT);
  account = pass_test_and_save (&run, NULL);
  g_assert_cmpint (account->sign_in, ==, TERN_SIGN_IN_OAUTH2);
  g_assert_cmpstr (account->oauth2_provider, ==, "tern-hosted");
  secrets = tern_app_secrets_new (run.data_dir);
  g_assert_null (tern_secrets_lookup (secrets, account->name, TERN_SECRET_INCOMING, NULL));
  run_finish (&run);
  g_setenv ("TERN_TEST_OAUTH2_PROVIDERS", tern_test_oauth_providers_file (oauth), TRUE);
  g_unlink (providers);
}

/* Google, without a client id in this build: a plain line on what to
 * configure, and no browser. */
static void
test_no_client_id (void)
{
  Run run = { 0 };
  const char *status;

  run_start (&run);
  gtk_entry_set_text (GTK_ENTRY (tern_test_find (run.wizard, "email_entry")), "alice@gmail.com");
  g_assert_true (gtk_widget_get_visible (tern_test_find (run.wizard, "oauth_sign_in")));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (tern_test_find (run.wizard, "sign_in_button"))), ==,
                   "Sign in with Google");
  gtk_button_clicked (GTK_BUTTON (tern_test_find (run.wizard, "sign_in_button")));
  g_assert_null (run.browser_uri);
  status = gtk_label_get_text (GTK_LABEL (tern_test_find (run.wizard, "status_label")));
  g_test_message ("status: %s", status);
  g_assert_nonnull (strstr (status, "oauth2-clients"));
  g_assert_false (gtk_widget_is_sensitive (tern_test_find (run.wizard, "next_button")));
  screenshot (GTK_WIDGET (run.wizard), "5-no-client-id");
  /* Back to a password provider: the password field returns. */
  gtk_entry_set_text (GTK_ENTRY (tern_test_find (run.wizard, "email_entry")), "alice@example.com");
  g_assert_true (gtk_widget_get_visible (tern_test_find (run.wizard, "password_entry")));
  g_assert_false (gtk_widget_get_visible (tern_test_find (run.wizard, "oauth_sign_in")));
  run_finish (&run);
}

/* GOA has a Google account for GOA_USER: the first page offers it; taking
 * it goes to the test with GOA's token, and saves a sign_in = goa account
 * with nothing in the keyring. */
#define GOA_USER "gina@localhost"
#define GOA_ID "account_1700000000_0"   /* goa-standin's */

static gboolean
goa_offered (gpointer data)
{
  Run *run = data;

  return gtk_widget_get_visible (tern_test_find (run->wizard, "goa_box"));
}

static GtkButton *
first_button (GtkWidget *box)
{
  g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (box));

  for (GList *l = children; l != NULL; l = l->next)
    if (GTK_IS_BUTTON (l->data))
      return l->data;
  g_assert_not_reached ();
}

static void
test_goa_offer (void)
{
  g_autoptr(GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) standin = NULL;
  g_autoptr(TernAccountSettings) account = NULL;
  g_autoptr(TernSecrets) secrets = NULL;
  g_autofree char *token = tern_test_oauth_control (oauth, "mint-access?user=" GOA_USER, &error);
  g_autofree char *imap = g_strdup_printf ("localhost:%u", tern_test_servers_port (servers, TERN_TEST_IMAPS));
  g_autofree char *smtp = g_strdup_printf ("localhost:%u",
                                           tern_test_servers_port (servers, TERN_TEST_SUBMISSION));
  GtkButton *use;
  Run run = { 0 };

  if (!tern_test_servers_require_smtp (servers))
    return;
  g_assert_no_error (error);
  g_assert_true (tern_test_servers_add_user (servers, GOA_USER, "unused", &error));
  g_test_dbus_up (bus);
  standin = tern_test_goa_standin_start (GOA_STANDIN, GOA_USER, imap, smtp, token, &error);
  g_assert_no_error (error);

  run_start (&run);
  g_assert_true (tern_test_wait_until (goa_offered, &run, WAIT_MS));
  use = first_button (tern_test_find (run.wizard, "goa_box"));
  g_assert_cmpstr (gtk_button_get_label (use), ==,
                   "Use your Google account " GOA_USER " from Settings");
  screenshot (GTK_WIDGET (run.wizard), "6-goa-offer");
  gtk_button_clicked (use);
  WAIT_UNTIL (g_strcmp0 (page (run.wizard), "test") == 0);
  g_assert_false (gtk_widget_get_visible (tern_test_find (run.wizard, "oauth_sign_in")));
  account = pass_test_and_save (&run, NULL);
  g_assert_cmpint (account->sign_in, ==, TERN_SIGN_IN_GOA);
  g_assert_cmpstr (account->oauth2_provider, ==, GOA_ID);
  g_assert_cmpstr (account->email, ==, GOA_USER);
  secrets = tern_app_secrets_new (run.data_dir);
  g_assert_null (tern_secrets_lookup (secrets, account->name, TERN_SECRET_INCOMING, NULL));
  g_assert_null (tern_secrets_lookup (secrets, account->name, TERN_SECRET_OAUTH2_REFRESH, NULL));
  run_finish (&run);
  g_subprocess_force_exit (standin);
  g_subprocess_wait (standin, NULL, NULL);
  g_test_dbus_down (bus);
}

static GLogWriterOutput
keep_log (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE"))
      {
        g_string_append_len (logs, fields[i].value, fields[i].length);
        g_string_append_c (logs, '\n');
      }
  if (level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO))
    return G_LOG_WRITER_HANDLED;   /* kept, not printed into the TAP output */
  return g_log_writer_default (level, fields, n_fields, user_data);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  TernTestServersOptions opts = { 0 };
  int status;

  g_setenv ("TERN_PASSWORD_STORE", "file", TRUE);   /* the keyring's stand-in: passwords.ini */
  gtk_test_init (&argc, &argv, NULL);
  {
    /* The application's stylesheet, as TernApplication loads it. */
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/io/github/ternmail/Tern/tern.css");
    gtk_style_context_add_provider_for_screen (gdk_screen_get_default (), GTK_STYLE_PROVIDER (css),
                                               GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  logs = g_string_new (NULL);
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  g_setenv ("TERN_DEBUG", "all", TRUE);
  g_log_set_writer_func (keep_log, NULL, NULL);
  oauth = tern_test_oauth_start (&error);
  g_assert_no_error (error);
  opts.oauth2_introspection_url = tern_test_oauth_introspection_url (oauth);
  servers = tern_test_servers_start (&opts, &error);
  g_assert_no_error (error);
  g_assert_true (tern_test_servers_add_user (servers, EMAIL, "unused", &error));
  g_setenv ("TERN_EXTRA_CA_FILE", tern_test_servers_ca_file (servers), TRUE);
  g_setenv ("TERN_TEST_OAUTH2_PROVIDERS", tern_test_oauth_providers_file (oauth), TRUE);

  g_test_add_func ("/app/wizard-oauth/sign-in-test-save", test_sign_in_test_save);
  g_test_add_func ("/app/wizard-oauth/no-client-id", test_no_client_id);
  g_test_add_func ("/app/wizard-oauth/sign-in-after-lookup", test_sign_in_after_lookup);
  /* Last: it brings up a session bus of its own. */
  g_test_add_func ("/app/wizard-oauth/goa-offer", test_goa_offer);
  status = g_test_run ();
  tern_test_servers_free (servers);
  tern_test_oauth_free (oauth);
  g_string_free (logs, TRUE);
  return status;
}
