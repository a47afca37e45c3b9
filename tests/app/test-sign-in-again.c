/* "Sign In Again…" from the main window's error bar (issue 17), against
 * the harness: its authorization server (the real providers need the
 * internet) and Dovecot's passdb oauth2. An OAuth2 account whose refresh
 * token the provider revoked: its sync stops with TERN_ERROR_SIGN_IN_AGAIN,
 * the bar offers "Sign In Again…" (not the password), nothing retries by
 * itself; app.sign-in-again opens the sign-in dialog, the test plays the
 * browser, the new refresh token is kept and the account syncs again.
 * Screenshots: <builddir>/screenshots/sign-in-again-*.png. */
#include <gtk/gtk.h>
#include <string.h>

#include "core/tern-error.h"
#include "account/tern-secrets.h"
#include "tern-application.h"
#include "tern-error-bars.h"
#include "tern-mail-context.h"
#include "tern-sign-in-dialog.h"
#include "tern-test-app-util.h"
#include "tern-test-oauth.h"
#include "tern-test-servers.h"
#include "tern-window.h"

#define USER "alice@localhost"

typedef struct {
  TernTestOAuth *oauth;
  TernTestServers *servers;
  TernTestStore *ts;
  TernMailContext *context;
  TernWindow *window;
  char *browser_uri;
} Fixture;

static TernErrorBar *
incoming_bar (Fixture *f)
{
  return tern_error_bars_lookup (tern_window_get_error_bars (f->window), f->ts->account_id, FALSE);
}

static gboolean
bar_offers_sign_in (gpointer data)
{
  TernErrorBar *bar = incoming_bar (data);

  return bar != NULL && gtk_widget_get_visible (GTK_WIDGET (bar))
         && (tern_error_bar_get_offer (bar) & TERN_ERROR_OFFER_SIGN_IN);
}

static gboolean
bar_gone (gpointer data)
{
  TernErrorBar *bar = incoming_bar (data);

  return bar == NULL || !gtk_widget_get_visible (GTK_WIDGET (bar));
}

static TernSignInDialog *
find_sign_in_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (TERN_IS_SIGN_IN_DIALOG (l->data))
      return l->data;
  return NULL;
}

static gboolean
no_sign_in_dialog (gpointer data)
{
  return find_sign_in_dialog () == NULL;
}

static gboolean
on_open_browser (GtkWidget *sign_in, const char *uri, Fixture *f)
{
  g_free (f->browser_uri);
  f->browser_uri = g_strdup (uri);
  return TRUE;   /* the test is the browser */
}

/* The sign-in widget's button (the template child "sign_in_button"). */
static void
find_button_cb (GtkWidget *widget, gpointer data)
{
  GtkWidget **found = data;

  if (*found != NULL)
    return;
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_buildable_get_name (GTK_BUILDABLE (widget)),
                                           "sign_in_button") == 0)
    *found = widget;
  else if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), find_button_cb, data);
}

static GtkWidget *
sign_in_button (gpointer root)
{
  GtkWidget *found = NULL;

  gtk_container_forall (GTK_CONTAINER (root), find_button_cb, &found);
  g_assert_nonnull (found);
  return found;
}

/* An OAuth2 account at the harness, with a refresh token the provider has
 * since revoked. */
static void
prepare_account (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) account = tern_store_get_account (f->ts->writer, f->ts->account_id,
                                                                   &error);
  g_autoptr(TernSecrets) secrets = tern_secrets_new (f->ts->data_dir, TERN_SECRETS_FILE);
  g_autofree char *refresh = tern_test_oauth_control (f->oauth, "mint?user=" USER, &error);

  g_assert_no_error (error);
  g_free (account->incoming_host);
  account->incoming_host = g_strdup (tern_test_servers_host (f->servers));
  g_free (account->incoming_user);
  account->incoming_user = g_strdup (USER);
  g_free (account->email);
  account->email = g_strdup (USER);   /* the login hint: who the provider signs in */
  account->sign_in = TERN_SIGN_IN_OAUTH2;
  g_free (account->oauth2_provider);
  account->oauth2_provider = g_strdup (TERN_TEST_OAUTH_PROVIDER);
  g_assert_true (tern_store_update_account (f->ts->writer, account, &error));
  g_assert_true (tern_secrets_store (secrets, account->name, TERN_SECRET_OAUTH2_REFRESH,
                                     g_strstrip (refresh), &error));
  g_free (tern_test_oauth_control (f->oauth, "revoke-all", &error));
  g_assert_no_error (error);
}

static void
test_sign_in_again (void)
{
  g_autoptr(TernApplication) app = NULL;
  Fixture fx = { 0 }, *f = &fx;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernSecrets) secrets = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *redirect = NULL;
  TernErrorBar *bar;
  TernSignInDialog *dialog;
  gint64 refused, refreshes;

  f->oauth = tern_test_oauth_start (&error);
  g_assert_no_error (error);
  {
    TernTestServersOptions opts = { .no_smtp = TRUE,
                                    .oauth2_introspection_url = tern_test_oauth_introspection_url (f->oauth) };

    f->servers = tern_test_servers_start (&opts, &error);
  }
  g_assert_no_error (error);
  g_assert_true (tern_test_servers_add_user (f->servers, USER, "unused", &error));
  g_setenv ("TERN_EXTRA_CA_FILE", tern_test_servers_ca_file (f->servers), TRUE);
  g_setenv ("TERN_TEST_OAUTH2_PROVIDERS", tern_test_oauth_providers_file (f->oauth), TRUE);
  f->ts = tern_test_store_new (tern_test_servers_port (f->servers, TERN_TEST_IMAPS));
  prepare_account (f);
  refused = tern_test_oauth_stat (f->oauth, "refused_refreshes");

  /* The application (its actions), over the store the account is in. */
  g_setenv ("TERN_DATA_DIR", f->ts->data_dir, TRUE);
  app = tern_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  f->context = g_object_ref (tern_application_get_mail_context (app));
  tern_mail_context_set_online (f->context, TRUE);
  f->window = tern_test_window_show (GTK_APPLICATION (app), f->context, 1000, 600);

  /* The provider refuses the refresh: the account pauses, the bar offers
   * the sign-in (not a new password). */
  g_assert_true (tern_test_wait_until (bar_offers_sign_in, f, TERN_TEST_WAIT_MS));
  bar = incoming_bar (f);
  g_test_message ("bar: %s", tern_error_bar_get_text (bar));
  g_assert_nonnull (strstr (tern_error_bar_get_text (bar), "Sign In Again"));
  g_assert_false (gtk_widget_get_visible (tern_error_bar_get_button (bar, TERN_ERROR_OFFER_PASSWORD)));
  g_assert_true (gtk_widget_get_visible (tern_error_bar_get_button (bar, TERN_ERROR_OFFER_SIGN_IN)));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (tern_error_bar_get_button (bar, TERN_ERROR_OFFER_SIGN_IN))),
                   ==, "_Sign In Again…");
  tern_test_save_screenshot_variant (GTK_WIDGET (f->window), "sign-in-again-bar");
  /* Paused: no retry loop while the user has not signed in. */
  tern_test_run_for (1500);
  g_assert_cmpint (tern_test_oauth_stat (f->oauth, "refused_refreshes"), ==, refused + 1);

  gtk_button_clicked (GTK_BUTTON (tern_error_bar_get_button (bar, TERN_ERROR_OFFER_SIGN_IN)));
  dialog = find_sign_in_dialog ();
  g_assert_nonnull (dialog);
  g_signal_connect (tern_sign_in_dialog_get_sign_in (dialog), "open-browser",
                    G_CALLBACK (on_open_browser), f);
  tern_test_ui_wait_for_draw (GTK_WIDGET (dialog));
  tern_test_save_screenshot_variant (GTK_WIDGET (dialog), "sign-in-again-dialog");
  gtk_button_clicked (GTK_BUTTON (sign_in_button (dialog)));
  g_assert_nonnull (f->browser_uri);
  g_assert_nonnull (strstr (f->browser_uri, "login_hint="));
  refreshes = tern_test_oauth_stat (f->oauth, "refreshes");
  g_assert_cmpuint (tern_test_http_get (f->browser_uri, &redirect, &error), ==, 302);
  g_assert_cmpuint (tern_test_http_get (redirect, NULL, &error), ==, 200);
  g_assert_no_error (error);
  g_assert_true (tern_test_wait_until (no_sign_in_dialog, NULL, TERN_TEST_WAIT_MS));

  /* The new refresh token is kept; the account syncs again at once. */
  secrets = tern_secrets_new (f->ts->data_dir, TERN_SECRETS_FILE);
  refresh = tern_secrets_lookup (secrets, "Demo", TERN_SECRET_OAUTH2_REFRESH, &error);
  g_assert_no_error (error);
  g_assert_nonnull (refresh);
  g_assert_true (tern_test_wait_until (bar_gone, f, TERN_TEST_WAIT_MS));
  g_assert_cmpint (tern_test_oauth_stat (f->oauth, "refused_refreshes"), ==, refused + 1);
  g_assert_cmpint (tern_test_oauth_stat (f->oauth, "refreshes"), >=, refreshes);

  tern_test_window_close (f->window, g_steal_pointer (&f->context));
  tern_test_store_free (f->ts);
  tern_test_servers_free (f->servers);
  tern_test_oauth_free (f->oauth);
  g_free (f->browser_uri);
}

int
main (int argc, char *argv[])
{
  g_setenv ("TERN_PASSWORD_STORE", "file", TRUE);
  g_setenv ("TERN_NO_WIZARD", "1", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/sign-in-again/error-bar", test_sign_in_again);
  return g_test_run ();
}
