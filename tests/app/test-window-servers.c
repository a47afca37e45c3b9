/* Main window against real Dovecot (tests/servers): the account worker
 * syncs the inbox into the list, a user action's pending operation is
 * replayed to the server, and a wrong password shows the error bar. */
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "core/tern-error.h"
#include "tern-conversation-prefs.h"
#include "tern-mail-context.h"
#include "account/tern-secrets.h"
#include "tern-test-app-util.h"
#include "tern-test-messages.h"
#include "tern-test-proxy.h"
#include "tern-test-servers.h"
#include "tern-window.h"
#include "account/tern-local-folders.h"
#include "tern-folder-menu.h"
#include "tern-folder-sidebar.h"
#include "tern-test-ui.h"

#define PASSWORD "demo-password"

typedef struct {
  TernTestProxy *proxy;        /* between the account and Dovecot, or NULL */
  TernTestServers *servers;
  TernTestStore *ts;
  TernMailContext *context;
  TernWindow *window;
} Fixture;

typedef void (*Prepare) (Fixture *f);

static void
start_prepared (Fixture *f, GtkApplication *app, const char *password, Prepare prepare)
{
  g_autoptr(GError) error = NULL;
  TernTestServersOptions opts = { .no_smtp = TRUE };

  f->servers = tern_test_servers_start (&opts, &error);
  g_assert_no_error (error);
  g_assert_true (tern_test_servers_add_user (f->servers, "demo", PASSWORD, &error));
  g_assert_true (tern_test_messages_seed (f->servers, "demo", "INBOX", 0, 20, 7, &error));
  g_assert_no_error (error);
  g_setenv ("TERN_EXTRA_CA_FILE", tern_test_servers_ca_file (f->servers), TRUE);
  g_setenv ("TERN_PASSWORD_STORE", "file", TRUE);

  f->ts = tern_test_store_new (tern_test_servers_port (f->servers, TERN_TEST_IMAPS));
  /* Single messages: these tests count and flag the inbox's messages. */
  tern_test_store_list_inbox_flat (f->ts);
  tern_test_store_set_server (f->ts, tern_test_servers_host (f->servers), NULL, password);
  if (prepare != NULL)
    prepare (f);
  f->context = tern_test_mail_context_start (f->ts);
  f->window = tern_test_window_show (app, f->context, -1, -1);
}

static void
start (Fixture *f, GtkApplication *app, const char *password)
{
  start_prepared (f, app, password, NULL);
}

static void
stop (Fixture *f)
{
  tern_test_window_close (f->window, g_steal_pointer (&f->context));
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
  g_assert_nonnull (strstr (text, "Incoming mail for "));
  g_assert_nonnull (strstr (text, "password"));
  {
    /* The bar leads to the fix: a new password, for this account. */
    TernErrorBar *bar = tern_error_bars_lookup (tern_window_get_error_bars (f->window), f->ts->account_id, FALSE);
    GtkWidget *password = tern_error_bar_get_button (bar, TERN_ERROR_OFFER_PASSWORD);
    g_autoptr(GVariant) target = NULL;

    g_assert_true (gtk_widget_get_visible (password));
    g_assert_true (gtk_widget_get_visible (tern_error_bar_get_button (bar, TERN_ERROR_OFFER_RETRY)));
    g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (password)), ==, "app.enter-password");
    target = g_variant_ref (gtk_actionable_get_action_target_value (GTK_ACTIONABLE (password)));
    g_assert_cmpint (g_variant_get_int64 (target), ==, f->ts->account_id);
    g_assert_nonnull (strstr (gtk_button_get_label (GTK_BUTTON (password)), "New Password"));
  }
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "main-window-wrong-password.png");
  stop (f);
}

static gboolean
incoming_error_shown (gpointer data)
{
  Fixture *f = data;
  TernErrorBar *bar = tern_error_bars_lookup (tern_window_get_error_bars (f->window), f->ts->account_id, FALSE);

  return bar != NULL && gtk_widget_get_visible (GTK_WIDGET (bar));
}

/* A server that worked a moment ago and stops answering is not a wrong
 * setting: the line says it isn't answering right now, not "check the port";
 * once it is back, Retry brings the mail and the line goes. */
static void
through_proxy (Fixture *f)
{
  g_autoptr(TernAccountSettings) account = tern_store_get_account (f->ts->writer, f->ts->account_id, NULL);
  g_autoptr(GError) error = NULL;

  f->proxy = tern_test_proxy_new (tern_test_servers_port (f->servers, TERN_TEST_IMAPS), 0);
  account->incoming_port = tern_test_proxy_port (f->proxy);
  g_assert_true (tern_store_update_account (f->ts->writer, account, &error));
  g_assert_no_error (error);
}

static void
test_not_answering (gconstpointer data)
{
  Fixture fx = { 0 }, *f = &fx;
  const char *text;

  start_prepared (f, (GtkApplication *) data, PASSWORD, through_proxy);
  g_assert_true (tern_test_wait_until (inbox_listed, f, TERN_TEST_WAIT_MS));
  /* The server goes away: the connection drops and nothing listens. */
  g_clear_pointer (&f->proxy, tern_test_proxy_free);
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "sync", NULL);
  g_assert_true (tern_test_wait_until (incoming_error_shown, f, TERN_TEST_WAIT_MS));
  text = tern_error_bar_get_text (tern_error_bars_lookup (tern_window_get_error_bars (f->window),
                                                          f->ts->account_id, FALSE));
  g_test_message ("bar: %s", text);
  g_assert_nonnull (strstr (text, "Incoming mail for Demo"));
  g_assert_nonnull (strstr (text, "isn’t answering right now"));
  g_assert_null (strstr (text, "port"));
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "main-window-not-answering.png");
  stop (f);
}

/* Dovecot cannot read the inbox: SELECT fails with the server's own words. */
static void
lock_inbox (Fixture *f)
{
  g_autofree char *maildir = tern_test_servers_maildir_path (f->servers, "demo", "INBOX");
  g_autofree char *cur = g_build_filename (maildir, "cur", NULL);
  g_autofree char *new_dir = g_build_filename (maildir, "new", NULL);

  g_assert_cmpint (g_chmod (cur, 0), ==, 0);
  g_assert_cmpint (g_chmod (new_dir, 0), ==, 0);
}

static void
unlock_inbox (Fixture *f)
{
  g_autofree char *maildir = tern_test_servers_maildir_path (f->servers, "demo", "INBOX");
  g_autofree char *cur = g_build_filename (maildir, "cur", NULL);
  g_autofree char *new_dir = g_build_filename (maildir, "new", NULL);

  g_chmod (cur, 0700);
  g_chmod (new_dir, 0700);
}

/* The server's own words reach the user, and the empty list does not say
 * "This folder is empty" meanwhile. */
static void
test_server_words (gconstpointer data)
{
  Fixture fx = { 0 }, *f = &fx;
  GtkStack *stack;
  GtkLabel *placeholder;
  const char *text;

  start_prepared (f, (GtkApplication *) data, PASSWORD, lock_inbox);
  g_assert_true (tern_test_wait_until (incoming_error_shown, f, TERN_TEST_WAIT_MS));
  text = tern_window_get_error_text (f->window);
  g_test_message ("bar: %s", text);
  g_assert_nonnull (strstr (text, "Incoming mail for Demo"));
  /* Dovecot's words, after the engine's "refused opening a folder:". */
  g_assert_nonnull (strstr (text, "refused opening a folder: "));
  g_assert_cmpuint (strlen (strstr (text, "refused opening a folder: ")), >, strlen ("refused opening a folder: ") + 5);
  stack = GTK_STACK (gtk_widget_get_parent (GTK_WIDGET (tern_window_get_message_list (f->window))));
  placeholder = GTK_LABEL (gtk_stack_get_child_by_name (stack, "empty"));
  if (g_strcmp0 (gtk_stack_get_visible_child_name (stack), "empty") == 0)
    g_assert_null (strstr (gtk_label_get_text (placeholder), "empty"));
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "main-window-server-refused-select.png");
  unlock_inbox (f);
  stop (f);
}


/* Moving IMAP mail whose body stayed on the server into "On this computer":
 * the sync process downloads the body first, then the move copies the
 * exact bytes and deletes the server copy. */
static gint64 kept_folder_id;

static void
headers_only (Fixture *f)
{
  g_autoptr(TernAccountSettings) account = tern_store_get_account (f->ts->writer, f->ts->account_id, NULL);
  g_autoptr(TernFolder) kept = NULL;
  g_autoptr(GError) error = NULL;

  /* The seeded mail is older than a day: the sync keeps its headers only. */
  account->offline_days = 1;
  g_assert_true (tern_store_update_account (f->ts->writer, account, &error));
  kept = tern_local_folder_create (f->ts->writer, "Kept", &error);
  g_assert_no_error (error);
  kept_folder_id = kept->id;
  /* Through the proxy, so that the server can go away later. */
  through_proxy (f);
}

static gboolean
kept_locally (gpointer data)
{
  Fixture *f = data;
  g_autoptr(GArray) ids = tern_store_list_message_ids (f->ts->writer, kept_folder_id,
                                                       TERN_SORT_DATE, FALSE, NULL);

  return ids != NULL && ids->len == 1;
}

/* @m is stored whole, with the exact bytes the seed gave the server. */
static void
assert_seeded_bytes (Fixture *f, const TernMessageSummary *m)
{
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GBytes) expected = NULL;
  g_autoptr(GError) error = NULL;
  guint index = G_MAXUINT;

  g_assert_cmpint (m->body_state, ==, TERN_BODY_STATE_FULL);
  raw = tern_store_get_raw (f->ts->writer, m->id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 40 && index == G_MAXUINT; i++)
    {
      g_autofree char *mid = tern_test_message_id (i, 7);
      if (strstr (m->message_id, mid) != NULL)
        index = i;
    }
  g_assert_cmpuint (index, <, 40);
  expected = tern_test_message_generate (index, 7);
  g_assert_true (g_bytes_equal (raw, expected));
}

static gboolean
server_has_19 (gpointer data)
{
  Fixture *f = data;

  return tern_test_servers_count_files (f->servers, "demo", "INBOX") == 19;
}

typedef struct {
  gboolean done;
  GError *error;
} MoveResult;

static void
on_move_done (GObject *source, GAsyncResult *result, gpointer data)
{
  MoveResult *r = data;

  tern_mail_context_run_action_finish (TERN_MAIL_CONTEXT (source), result, &r->error);
  r->done = TRUE;
}

static gboolean
move_done (gpointer data)
{
  return ((MoveResult *) data)->done;
}

static void
test_move_headers_only (gconstpointer data)
{
  Fixture fx = { 0 }, *f = &fx;
  TernMessageListModel *m;
  GtkTreeIter iter;
  g_autoptr(TernMessageSummary) before = NULL;
  g_autoptr(TernMessageSummary) after = NULL;
  g_autoptr(GArray) kept = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  start_prepared (f, (GtkApplication *) data, PASSWORD, headers_only);
  g_assert_true (tern_test_wait_until (inbox_listed, f, TERN_TEST_WAIT_MS));
  m = tern_message_list_get_model (tern_window_get_message_list (f->window));
  g_assert_true (gtk_tree_model_iter_nth_child (GTK_TREE_MODEL (m), &iter, NULL, 0));
  id = tern_message_list_model_get_id (m, &iter);
  before = tern_store_get_message (f->ts->writer, id, &error);
  g_assert_cmpint (before->body_state, ==, TERN_BODY_STATE_HEADERS);
  /* Not selected, so the reader does not download it: the move must. */
  tern_mail_context_run_action (f->context, TERN_ACTION_MOVE, &id, 1, 0, 0, kept_folder_id,
                                NULL, NULL, NULL);
  g_assert_true (tern_test_wait_until (kept_locally, f, TERN_TEST_WAIT_MS));
  kept = tern_store_list_message_ids (f->ts->writer, kept_folder_id, TERN_SORT_DATE, FALSE, NULL);
  after = tern_store_get_message (f->ts->writer, g_array_index (kept, gint64, 0), &error);
  g_assert_cmpint (after->body_state, ==, TERN_BODY_STATE_FULL);
  g_assert_cmpstr (after->message_id, ==, before->message_id);
  assert_seeded_bytes (f, after);
  /* The server copy goes only after the local one is stored. */
  g_assert_true (tern_test_wait_until (no_pending_ops, f, TERN_TEST_WAIT_MS));
  g_assert_true (tern_test_wait_until (server_has_19, f, TERN_TEST_WAIT_MS));

  /* The server gone: the download fails, nothing moves, the user is told. */
  {
    MoveResult r = { 0 };
    g_autoptr(TernMessageSummary) other = NULL;

    g_autoptr(GArray) inbox = tern_store_list_message_ids (f->ts->writer, f->ts->inbox_id,
                                                           TERN_SORT_DATE, FALSE, &error);

    /* The connection drops and nothing listens any more. */
    g_clear_pointer (&f->proxy, tern_test_proxy_free);
    g_assert_cmpuint (inbox->len, ==, 19);
    id = g_array_index (inbox, gint64, 0);
    other = tern_store_get_message (f->ts->writer, id, &error);
    g_assert_cmpint (other->body_state, ==, TERN_BODY_STATE_HEADERS);
    tern_mail_context_run_action (f->context, TERN_ACTION_MOVE, &id, 1, 0, 0, kept_folder_id,
                                  NULL, on_move_done, &r);
    g_assert_true (tern_test_wait_until (move_done, &r, TERN_TEST_WAIT_MS));
    g_assert_nonnull (r.error);
    g_test_message ("offline move: %s", r.error->message);
    g_assert_nonnull (strstr (r.error->message, "Incoming mail"));
    g_assert_nonnull (strstr (r.error->message, "nothing was moved"));
    g_clear_error (&r.error);
    g_assert_true (kept_locally (f));
    g_clear_pointer (&other, tern_message_summary_free);
    other = tern_store_get_message (f->ts->writer, id, &error);
    g_assert_no_error (error);
    g_assert_cmpint (other->folder_id, ==, f->ts->inbox_id);
  }
  stop (f);
}

/* "Archive to this computer…" from the window: the sync process downloads
 * the bodies that stayed on the server first, then the archive copies the
 * exact bytes and deletes the server copies. Offline, what is here is
 * archived and the summary says how many stayed on the server, and why. */
static gboolean
server_empty (gpointer data)
{
  return tern_test_servers_count_files (((Fixture *) data)->servers, "demo", "INBOX") == 0;
}

static gboolean
inbox_has_3 (gpointer data)
{
  Fixture *f = data;
  g_autoptr(GArray) ids = tern_store_list_message_ids (f->ts->writer, f->ts->inbox_id,
                                                       TERN_SORT_DATE, FALSE, NULL);

  return ids != NULL && ids->len == 3;
}

static TernTransferDialog *
archive_finished (TernTransferDialog *dialog)
{
  g_object_ref_sink (dialog);
  TERN_TEST_WAIT_UNTIL (tern_transfer_dialog_is_finished (dialog), TERN_TEST_WAIT_MS);
  g_assert_true (tern_transfer_dialog_is_finished (dialog));
  g_test_message ("archive: %s", tern_transfer_dialog_get_text (dialog));
  return dialog;
}

static void
test_archive_headers_only (gconstpointer data)
{
  Fixture fx = { 0 }, *f = &fx;
  TernFolderMenu *menu;
  g_autoptr(TernAccountSettings) local = NULL;
  g_autoptr(TernFolder) archived = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  TernTransferDialog *dialog;

  start_prepared (f, (GtkApplication *) data, PASSWORD, headers_only);
  g_assert_true (tern_test_wait_until (inbox_listed, f, TERN_TEST_WAIT_MS));
  menu = g_object_get_data (G_OBJECT (tern_window_get_sidebar (f->window)), "tern-folder-menu");
  g_assert_nonnull (menu);
  ids = tern_store_list_message_ids (f->ts->writer, f->ts->inbox_id, TERN_SORT_DATE, FALSE,
                                     &error);
  g_assert_cmpuint (ids->len, ==, 20);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(TernMessageSummary) m = tern_store_get_message (f->ts->writer,
                                                                g_array_index (ids, gint64, i),
                                                                &error);
      g_assert_cmpint (m->body_state, ==, TERN_BODY_STATE_HEADERS);
    }

  /* Stopped while the bodies download: nothing archived, nothing deleted. */
  dialog = tern_folder_menu_archive (menu, f->ts->inbox_id, "Archive/Demo/Inbox", 0, TRUE);
  g_cancellable_cancel (tern_transfer_dialog_get_cancellable (dialog));
  dialog = archive_finished (dialog);
  g_assert_cmpstr (tern_transfer_dialog_get_text (dialog), ==, "Stopped. Nothing was archived.");
  gtk_widget_destroy (GTK_WIDGET (dialog));
  g_object_unref (dialog);
  g_assert_cmpuint (tern_test_servers_count_files (f->servers, "demo", "INBOX"), ==, 20);

  /* Online: all 20 archived, whole, and deleted on the server. */
  dialog = archive_finished (tern_folder_menu_archive (menu, f->ts->inbox_id,
                                                       "Archive/Demo/Inbox", 0, TRUE));
  g_assert_nonnull (strstr (tern_transfer_dialog_get_text (dialog), "Archived 20 of 20"));
  g_assert_null (strstr (tern_transfer_dialog_get_text (dialog), "server:"));
  gtk_widget_destroy (GTK_WIDGET (dialog));
  g_object_unref (dialog);
  local = tern_store_get_local_account (f->ts->writer, FALSE, &error);
  g_assert_no_error (error);
  archived = tern_store_get_folder_by_path (f->ts->writer, local->id, "Archive/Demo/Inbox",
                                            &error);
  g_assert_no_error (error);
  g_clear_pointer (&ids, g_array_unref);
  ids = tern_store_list_message_ids (f->ts->writer, archived->id, TERN_SORT_DATE, FALSE, &error);
  g_assert_cmpuint (ids->len, ==, 20);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(TernMessageSummary) m = tern_store_get_message (f->ts->writer,
                                                                g_array_index (ids, gint64, i),
                                                                &error);
      assert_seeded_bytes (f, m);
    }
  g_assert_true (tern_test_wait_until (no_pending_ops, f, TERN_TEST_WAIT_MS));
  g_assert_true (tern_test_wait_until (server_empty, f, TERN_TEST_WAIT_MS));

  /* Three more, headers only; then the server goes away and the whole
   * account (win.archive-account) is archived. */
  g_assert_true (tern_test_messages_seed (f->servers, "demo", "INBOX", 20, 3, 7, &error));
  g_assert_no_error (error);
  tern_mail_context_sync_all (f->context);
  g_assert_true (tern_test_wait_until (inbox_has_3, f, TERN_TEST_WAIT_MS));
  g_clear_pointer (&f->proxy, tern_test_proxy_free);
  dialog = archive_finished (tern_folder_menu_archive_account (menu, f->ts->account_id, 0,
                                                               TRUE));
  g_assert_nonnull (strstr (tern_transfer_dialog_get_text (dialog), "Archived 0 of 3"));
  g_assert_nonnull (strstr (tern_transfer_dialog_get_text (dialog),
                            "3 messages stayed on the server"));
  g_assert_null (strstr (tern_transfer_dialog_get_text (dialog), "deleted on the server"));
  g_assert_nonnull (strstr (tern_transfer_dialog_get_text (dialog), "back online"));
  tern_test_ui_wait_mapped (GTK_WIDGET (dialog), 200);
  tern_test_ui_save_screenshot (GTK_WIDGET (dialog), "window-servers-archive-offline.png");
  gtk_widget_destroy (GTK_WIDGET (dialog));
  g_object_unref (dialog);
  g_assert_true (inbox_has_3 (f));
  g_assert_cmpuint (tern_test_servers_count_files (f->servers, "demo", "INBOX"), ==, 3);
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
  g_test_add_data_func ("/app/window-servers/not-answering", app, test_not_answering);
  g_test_add_data_func ("/app/window-servers/server-words", app, test_server_words);
  g_test_add_data_func ("/app/window-servers/move-headers-only", app, test_move_headers_only);
  g_test_add_data_func ("/app/window-servers/archive-headers-only", app,
                        test_archive_headers_only);
  return g_test_run ();
}
