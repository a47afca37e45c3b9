/* Main window against real Dovecot (tests/servers): the account worker
 * syncs the inbox into the list, a user action's pending operation is
 * replayed to the server, and a wrong password shows the error bar. */
#include <gtk/gtk.h>

#include "core/tern-error.h"
#include "tern-conversation-prefs.h"
#include "tern-mail-context.h"
#include "account/tern-secrets.h"
#include "tern-test-app-util.h"
#include "tern-test-messages.h"
#include "tern-test-servers.h"
#include "tern-window.h"

#define PASSWORD "demo-password"

typedef struct {
  TernTestServers *servers;
  TernTestStore *ts;
  TernMailContext *context;
  TernWindow *window;
} Fixture;

static void
start (Fixture *f, GtkApplication *app, const char *password)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernSecrets) secrets = NULL;
  g_autoptr(TernAccountSettings) account = NULL;
  TernTestServersOptions opts = { .no_smtp = TRUE };

  f->servers = tern_test_servers_start (&opts, &error);
  g_assert_no_error (error);
  g_assert_true (tern_test_servers_add_user (f->servers, "demo", PASSWORD, &error));
  g_assert_true (tern_test_messages_seed (f->servers, "demo", "INBOX", 0, 20, 7, &error));
  g_assert_no_error (error);
  g_setenv ("TERN_EXTRA_CA_FILE", tern_test_servers_ca_file (f->servers), TRUE);
  g_setenv ("TERN_PASSWORD_STORE", "file", TRUE);

  f->ts = tern_test_store_new (tern_test_servers_port (f->servers, TERN_TEST_IMAPS));
  {
    /* Single messages: these tests count and flag the inbox's messages
     * (test-window-conversations has the conversations). */
    g_autoptr(GSettings) settings = g_settings_new ("io.github.ternmail.Tern");
    tern_conversation_prefs_set (settings, f->ts->inbox_id, FALSE);
  }
  account = tern_store_get_account (f->ts->writer, f->ts->account_id, &error);
  g_free (account->incoming_host);
  account->incoming_host = g_strdup (tern_test_servers_host (f->servers));
  g_assert_true (tern_store_update_account (f->ts->writer, account, &error));
  secrets = tern_secrets_new (f->ts->data_dir, TERN_SECRETS_FILE);
  g_assert_true (tern_secrets_store (secrets, "Demo", TERN_SECRET_INCOMING, password, &error));
  g_assert_no_error (error);

  f->context = tern_mail_context_new (f->ts->data_dir, &error);
  g_assert_no_error (error);
  tern_mail_context_set_online (f->context, TRUE);
  tern_mail_context_start_workers (f->context);
  f->window = tern_window_new_for_context (app, f->context);
  gtk_widget_show (GTK_WIDGET (f->window));
}

static void
stop (Fixture *f)
{
  gtk_widget_destroy (GTK_WIDGET (f->window));
  tern_mail_context_shutdown (f->context);
  g_clear_object (&f->context);
  tern_test_store_free (f->ts);
  tern_test_servers_free (f->servers);
}

static gboolean
inbox_listed (gpointer data)
{
  Fixture *f = data;
  TernMessageListModel *m = tern_message_list_get_model (tern_window_get_message_list (f->window));

  return m != NULL && tern_message_list_model_get_n_rows (m) == 20;
}

static gboolean
no_pending_ops (gpointer data)
{
  Fixture *f = data;
  g_autoptr(GPtrArray) ops = tern_store_list_ops (f->ts->writer, f->ts->account_id, NULL);

  return ops != NULL && ops->len == 0;
}

static gboolean
flagged_locally (gpointer data)
{
  Fixture *f = data;
  g_autoptr(GArray) ids = tern_store_search (f->ts->writer, 0, 0, "is:flagged", 0, NULL);

  return ids != NULL && ids->len == 1;
}

static void
test_sync_and_replay (gconstpointer data)
{
  Fixture fx = { 0 }, *f = &fx;
  TernMessageListModel *m;
  GtkTreeIter iter;

  start (f, (GtkApplication *) data, PASSWORD);
  /* The worker's first sync fills the list (folders-changed selects the
   * inbox, folder-changed lists it). */
  g_assert_true (tern_test_wait_until (inbox_listed, f, TERN_TEST_WAIT_MS));
  m = tern_message_list_get_model (tern_window_get_message_list (f->window));
  g_assert_true (gtk_tree_model_iter_nth_child (GTK_TREE_MODEL (m), &iter, NULL, 0));
  g_assert_true (tern_message_list_select_id (tern_window_get_message_list (f->window),
                                              tern_message_list_model_get_id (m, &iter)));
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "toggle-flag", NULL);
  g_assert_true (tern_test_wait_until (flagged_locally, f, TERN_TEST_WAIT_MS));
  /* The worker replays the operation; it is removed once Dovecot confirmed. */
  g_assert_true (tern_test_wait_until (no_pending_ops, f, TERN_TEST_WAIT_MS));
  stop (f);
}

static gboolean
error_shown (gpointer data)
{
  Fixture *f = data;

  return gtk_widget_get_visible (GTK_WIDGET (tern_window_get_error_bar (f->window)));
}

static void
test_wrong_password (gconstpointer data)
{
  Fixture fx = { 0 }, *f = &fx;
  const char *text;

  start (f, (GtkApplication *) data, "not-the-password");
  g_assert_true (tern_test_wait_until (error_shown, f, TERN_TEST_WAIT_MS));
  text = tern_window_get_error_text (f->window);
  g_assert_nonnull (strstr (text, "Incoming mail (IMAP)"));
  g_assert_nonnull (strstr (text, "password"));
  g_assert_nonnull (strstr (text, "Retry"));
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "main-window-wrong-password.png");
  stop (f);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GtkApplication) app = NULL;
  g_autoptr(GError) error = NULL;

  gtk_test_init (&argc, &argv, NULL);
  app = gtk_application_new ("io.github.ternmail.TernServersTest", G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_test_add_data_func ("/app/window-servers/sync-and-replay", app, test_sync_and_replay);
  g_test_add_data_func ("/app/window-servers/wrong-password", app, test_wrong_password);
  return g_test_run ();
}
