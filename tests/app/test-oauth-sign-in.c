/* The wizard's OAuth2 sign-in widget (issue 17): "Sign in with ..." in place
 * of the password field, with its one line on why; the browser step played
 * by the test against the harness's authorization server (the real
 * providers need the internet); the tokens there after "signed-in"; and a
 * provider without a client id saying so. Screenshots:
 * <builddir>/screenshots/oauth-sign-in-*.png. */
#include <string.h>

#include "tern-oauth-sign-in.h"
#include "tern-test-oauth.h"
#include "tern-test-ui.h"

typedef struct {
  char *uri;
  gboolean signed_in;
} Seen;

static gboolean
on_open_browser (TernOAuthSignIn *w, const char *uri, Seen *seen)
{
  g_free (seen->uri);
  seen->uri = g_strdup (uri);
  return TRUE;  /* the test is the browser */
}

static void
on_signed_in (TernOAuthSignIn *w, Seen *seen)
{
  seen->signed_in = TRUE;
}

static GtkWidget *
window_with (GtkWidget *child)
{
  GtkWidget *window = gtk_window_new (GTK_WINDOW_TOPLEVEL);

  gtk_container_set_border_width (GTK_CONTAINER (window), 18);
  gtk_window_set_default_size (GTK_WINDOW (window), 480, -1);
  gtk_container_add (GTK_CONTAINER (window), child);
  gtk_widget_show_all (window);
  tern_test_ui_wait_mapped (window, 100);
  return window;
}

static GtkButton *
find_button (GtkWidget *w)
{
  g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (w));

  for (GList *l = children; l != NULL; l = l->next)
    if (GTK_IS_BUTTON (l->data))
      return l->data;
  g_assert_not_reached ();
}

static void
test_sign_in (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernTestOAuth) oauth = tern_test_oauth_start (&error);
  g_autofree char *redirect = NULL;
  GtkWidget *sign_in, *window;
  Seen seen = { 0 };
  const TernOAuthTokens *tokens;

  g_assert_no_error (error);
  g_setenv ("TERN_TEST_OAUTH2_PROVIDERS", tern_test_oauth_providers_file (oauth), TRUE);
  sign_in = tern_oauth_sign_in_new ();
  g_signal_connect (sign_in, "open-browser", G_CALLBACK (on_open_browser), &seen);
  g_signal_connect (sign_in, "signed-in", G_CALLBACK (on_signed_in), &seen);
  tern_oauth_sign_in_set_provider (TERN_OAUTH_SIGN_IN (sign_in), TERN_TEST_OAUTH_PROVIDER,
                                   "alice@localhost");
  window = window_with (sign_in);
  g_assert_cmpstr (gtk_button_get_label (find_button (sign_in)), ==,
                   "Sign in with Tern Test Provider");
  tern_test_ui_save_screenshot (window, "oauth-sign-in-button.png");

  gtk_button_clicked (find_button (sign_in));
  g_assert_nonnull (seen.uri);
  g_assert_true (g_str_has_prefix (seen.uri, tern_test_oauth_url (oauth)));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (find_button (sign_in))));
  tern_test_ui_wait_for_draw (window);
  tern_test_ui_save_screenshot (window, "oauth-sign-in-waiting.png");
  g_assert_cmpuint (tern_test_http_get (seen.uri, &redirect, &error), ==, 302);
  g_assert_cmpuint (tern_test_http_get (redirect, NULL, &error), ==, 200);
  g_assert_no_error (error);
  TERN_TEST_WAIT_UNTIL (seen.signed_in, 20000);
  g_assert_true (seen.signed_in);
  tokens = tern_oauth_sign_in_get_tokens (TERN_OAUTH_SIGN_IN (sign_in));
  g_assert_nonnull (tokens);
  g_assert_nonnull (tokens->refresh_token);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (find_button (sign_in))));
  tern_test_ui_save_screenshot (window, "oauth-sign-in-done.png");

  gtk_widget_destroy (window);
  g_free (seen.uri);
  g_unsetenv ("TERN_TEST_OAUTH2_PROVIDERS");
}

/* Google without a registered client id: the reason, not a crash. */
static void
test_no_client_id (void)
{
  GtkWidget *sign_in = tern_oauth_sign_in_new ();
  GtkWidget *window;
  Seen seen = { 0 };

  g_signal_connect (sign_in, "open-browser", G_CALLBACK (on_open_browser), &seen);
  tern_oauth_sign_in_set_provider (TERN_OAUTH_SIGN_IN (sign_in), "google", "alice@gmail.com");
  window = window_with (sign_in);
  g_assert_cmpstr (gtk_button_get_label (find_button (sign_in)), ==, "Sign in with Google");
  gtk_button_clicked (find_button (sign_in));
  g_assert_null (seen.uri);
  tern_test_ui_save_screenshot (window, "oauth-sign-in-no-client-id.png");
  gtk_widget_destroy (window);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/oauth-sign-in/browser", test_sign_in);
  g_test_add_func ("/oauth-sign-in/no-client-id", test_no_client_id);
  return g_test_run ();
}
