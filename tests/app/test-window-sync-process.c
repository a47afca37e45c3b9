/* The main window while an account's sync process dies under it:
 *  - SIGKILL in the middle of a big download (real Dovecot): the window
 *    stays up, the process comes back, and the inbox ends complete, each
 *    message exactly once, and a flag change queued just before the kill
 *    is replayed;
 *  - a scripted server greets with `* OK [PERMANENTFLAGS (] x`, which makes
 *    libetpan 1.9.4 dereference NULL: the window stays up and says that
 *    incoming mail for the account failed, with Retry, and another
 *    account keeps syncing. */
#include <gtk/gtk.h>
#include <signal.h>
#include <sys/wait.h>

#include "core/tern-error.h"
#include "account/tern-mail-actions.h"
#include "account/tern-secrets.h"
#include "tern-mail-context.h"
#include "tern-test-app-util.h"
#include "tern-test-fake-server.h"
#include "tern-test-loop.h"
#include "tern-test-messages.h"
#include "tern-test-servers.h"
#include "tern-window.h"

#define PASSWORD "sync-process-pw"
#define N_MESSAGES 3000
#define SEED 11

typedef struct {
  TernTestServers *servers;
  TernTestStore *ts;
  TernMailContext *context;
  TernWindow *window;
  TernSyncClient *client;
  /* What the sync client told us. */
  guint progress_events;
  guint killed_at;              /* messages downloaded when we killed it */
  GPid killed_pid;
  gint64 flagged_id;            /* flagged (a pending op) just before the kill */
  gboolean exited;
  int exit_status;
  gboolean exit_expected;
  char *error_text;             /* the error bar when the crash was reported */
} Fixture;

/* Runs the main loop until @done or @seconds pass (downloads under ASan
 * on a busy machine take a while; no timing is asserted). */
static gboolean
wait_long (gboolean (*done) (Fixture *), Fixture *f, guint seconds)
{
  TERN_TEST_WAIT_UNTIL (done (f), seconds * 1000);
  return done (f);
}

static void
on_exited (TernSyncClient *client, int status, gboolean expected, Fixture *f)
{
  f->exited = TRUE;
  f->exit_status = status;
  f->exit_expected = expected;
}

static void
on_context_error (TernMailContext *context, gint64 account_id, GError *error,
                  gboolean outgoing, Fixture *f)
{
  /* Connected after the window: its error bar already shows this one. */
  if (f->error_text == NULL && !outgoing && g_error_matches (error, TERN_ERROR, TERN_ERROR_PROTOCOL))
    f->error_text = g_strdup (tern_window_get_error_text (f->window));
}

static void
set_account (Fixture *f, guint16 port, TernSecurity security, const char *host)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) account = NULL;
  g_autoptr(TernSecrets) secrets = NULL;

  account = tern_store_get_account (f->ts->writer, f->ts->account_id, &error);
  g_assert_no_error (error);
  g_free (account->incoming_host);
  account->incoming_host = g_strdup (host);
  account->incoming_port = port;
  account->incoming_security = security;
  g_assert_true (tern_store_update_account (f->ts->writer, account, &error));
  secrets = tern_secrets_new (f->ts->data_dir, TERN_SECRETS_FILE);
  g_assert_true (tern_secrets_store (secrets, "Demo", TERN_SECRET_INCOMING, PASSWORD, &error));
  g_assert_no_error (error);
}

static void
open_window (Fixture *f, GtkApplication *app)
{
  g_autoptr(GError) error = NULL;

  g_setenv ("TERN_PASSWORD_STORE", "file", TRUE);
  f->context = tern_mail_context_new (f->ts->data_dir, &error);
  g_assert_no_error (error);
  tern_mail_context_set_online (f->context, TRUE);
  f->window = tern_window_new_for_context (app, f->context);
  gtk_widget_show (GTK_WIDGET (f->window));
  g_signal_connect (f->context, "error", G_CALLBACK (on_context_error), f);
  tern_mail_context_start_workers (f->context);
  f->client = tern_mail_context_get_worker (f->context, f->ts->account_id);
  g_assert_nonnull (f->client);
  g_signal_connect (f->client, "process-exited", G_CALLBACK (on_exited), f);
}

static void
close_window (Fixture *f)
{
  g_signal_handlers_disconnect_by_data (f->client, f);
  g_signal_handlers_disconnect_by_data (f->context, f);
  gtk_widget_destroy (GTK_WIDGET (f->window));
  tern_mail_context_shutdown (f->context);
  g_clear_object (&f->context);
  tern_test_store_free (f->ts);
  g_clear_pointer (&f->servers, tern_test_servers_free);
  g_free (f->error_text);
}

/* ---- SIGKILL mid-download ---- */

static guint
inbox_count (Fixture *f)
{
  g_autoptr(GArray) uids = tern_store_list_uids (f->ts->writer, f->ts->inbox_id, NULL);

  return uids != NULL ? uids->len : 0;
}

static void
on_progress (TernSyncClient *client, const char *folder, guint done, guint total, Fixture *f)
{
  GPid pid = tern_sync_client_get_pid (client);
  guint stored;

  f->progress_events++;
  if (f->killed_pid != 0 || g_strcmp0 (folder, "INBOX") != 0 || pid == 0)
    return;
  /* Mid-download: some of the inbox is there to read, most is not (its
   * newest headers may all be stored already: they come first). */
  stored = inbox_count (f);
  if (stored == 0 || done == 0 || done >= total / 2)
    return;
  f->killed_at = done;
  f->killed_pid = pid;
  /* A user action queued for the server just before the crash. */
  {
    g_autoptr(GArray) ids = tern_store_list_message_ids (f->ts->writer, f->ts->inbox_id,
                                                         TERN_SORT_DATE, TRUE, NULL);
    f->flagged_id = g_array_index (ids, gint64, 0);
    g_assert_true (tern_mail_change_flags (f->ts->writer, &f->flagged_id, 1, TERN_FLAG_FLAGGED, 0,
                                           NULL));
  }
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
}

static gboolean
was_killed (Fixture *f)
{
  return f->exited;
}

static gboolean
came_back (Fixture *f)
{
  GPid pid = tern_sync_client_get_pid (f->client);

  return pid != 0 && pid != f->killed_pid;
}

static gboolean
inbox_complete (Fixture *f)
{
  return inbox_count (f) >= N_MESSAGES;
}

static gboolean
bodies_complete (Fixture *f)
{
  g_autoptr(GArray) missing = tern_store_list_missing_bodies (f->ts->writer, f->ts->inbox_id, 0,
                                                              G_MAXINT64, G_MAXUINT32, 10, NULL);

  return missing != NULL && missing->len == 0;
}

static gboolean
no_pending_ops (Fixture *f)
{
  g_autoptr(GPtrArray) ops = tern_store_list_ops (f->ts->writer, f->ts->account_id, NULL);

  return ops != NULL && ops->len == 0;
}

static void
assert_each_once (Fixture *f)
{
  g_autoptr(GArray) ids = tern_store_list_message_ids (f->ts->writer, f->ts->inbox_id,
                                                       TERN_SORT_DATE, TRUE, NULL);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_nonnull (ids);
  g_assert_cmpuint (ids->len, ==, N_MESSAGES);
  rows = tern_store_get_summaries (f->ts->writer, (gint64 *) ids->data, ids->len, NULL);
  g_assert_nonnull (rows);
  for (guint i = 0; i < rows->len; i++)
    {
      TernMessageSummary *m = g_ptr_array_index (rows, i);
      g_assert_nonnull (m->message_id);
      g_assert_true (g_hash_table_add (seen, g_strdup (m->message_id)));
    }
  /* Every generated message is there. */
  for (guint i = 0; i < N_MESSAGES; i += 97)
    {
      g_autofree char *id = tern_test_message_id (i, SEED);
      g_assert_true (g_hash_table_contains (seen, id));
    }
}

static void
test_kill_mid_download (gconstpointer data)
{
  Fixture fx = { 0 }, *f = &fx;
  g_autoptr(GError) error = NULL;
  TernTestServersOptions opts = { .no_smtp = TRUE };

  f->servers = tern_test_servers_start (&opts, &error);
  g_assert_no_error (error);
  g_assert_true (tern_test_servers_add_user (f->servers, "demo", PASSWORD, &error));
  g_assert_true (tern_test_messages_seed (f->servers, "demo", "INBOX", 0, N_MESSAGES, SEED, &error));
  g_assert_no_error (error);
  g_setenv ("TERN_EXTRA_CA_FILE", tern_test_servers_ca_file (f->servers), TRUE);
  f->ts = tern_test_store_new (tern_test_servers_port (f->servers, TERN_TEST_IMAPS));
  set_account (f, tern_test_servers_port (f->servers, TERN_TEST_IMAPS), TERN_SECURITY_TLS,
               tern_test_servers_host (f->servers));

  open_window (f, (GtkApplication *) data);
  g_signal_connect (f->client, "progress", G_CALLBACK (on_progress), f);
  g_assert_true (wait_long (was_killed, f, 240));
  /* It really was our SIGKILL, in the middle of the download. */
  g_assert_cmpint (f->killed_pid, >, 0);
  g_assert_false (f->exit_expected);
  g_assert_true (WIFSIGNALED (f->exit_status));
  g_assert_cmpint (WTERMSIG (f->exit_status), ==, SIGKILL);
  g_assert_cmpint (kill (f->killed_pid, 0), !=, 0);
  g_test_message ("killed pid %d with %u of %u messages downloaded", (int) f->killed_pid,
                  f->killed_at, N_MESSAGES);
  g_assert_cmpuint (f->killed_at, <, N_MESSAGES);

  /* The window is still there, and a new process takes over. */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->window)));
  g_assert_true (wait_long (came_back, f, 60));
  g_assert_true (wait_long (inbox_complete, f, 240));
  g_assert_true (wait_long (bodies_complete, f, 240));
  assert_each_once (f);
  /* The pending operation survived the crash and reached the server. */
  g_assert_true (wait_long (no_pending_ops, f, 120));
  {
    g_autoptr(TernMessageSummary) m = tern_store_get_message (f->ts->writer, f->flagged_id, NULL);
    g_assert_nonnull (m);
    g_assert_true (m->flags & TERN_FLAG_FLAGGED);
  }
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->window)));
  close_window (f);
}

/* ---- a greeting libetpan cannot parse ---- */

/* A second account on the real Dovecot, which must keep syncing. */
static gint64
add_good_account (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = tern_account_settings_new ();
  g_autoptr(TernSecrets) secrets = tern_secrets_new (f->ts->data_dir, TERN_SECRETS_FILE);
  TernTestServersOptions opts = { .no_smtp = TRUE };
  gint64 id;

  f->servers = tern_test_servers_start (&opts, &error);
  g_assert_no_error (error);
  g_assert_true (tern_test_servers_add_user (f->servers, "good", PASSWORD, &error));
  g_assert_true (tern_test_messages_seed (f->servers, "good", "INBOX", 0, 5, SEED, &error));
  g_setenv ("TERN_EXTRA_CA_FILE", tern_test_servers_ca_file (f->servers), TRUE);
  a->name = g_strdup ("Good");
  a->email = g_strdup ("good@localhost");
  a->protocol = TERN_PROTOCOL_IMAP;
  a->incoming_host = g_strdup (tern_test_servers_host (f->servers));
  a->incoming_port = tern_test_servers_port (f->servers, TERN_TEST_IMAPS);
  a->incoming_security = TERN_SECURITY_TLS;
  a->incoming_user = g_strdup ("good");
  id = tern_store_add_account (f->ts->writer, a, &error);
  g_assert_no_error (error);
  g_assert_true (tern_secrets_store (secrets, "Good", TERN_SECRET_INCOMING, PASSWORD, &error));
  return id;
}

static gint64 good_account;

static gboolean
good_synced (Fixture *f)
{
  g_autoptr(TernFolder) inbox = tern_store_get_folder_by_role (f->ts->writer, good_account,
                                                               TERN_FOLDER_ROLE_INBOX, NULL);

  return inbox != NULL && inbox->total_count == 5;
}

static gboolean
crash_reported (Fixture *f)
{
  return f->error_text != NULL || (f->exited && !f->exit_expected &&
                                   gtk_widget_get_visible (GTK_WIDGET (tern_window_get_error_bar (f->window))));
}

static void
test_hostile_greeting (gconstpointer data)
{
  Fixture fx = { 0 }, *f = &fx;
  static const TernFakeStep steps[] = { { NULL, NULL } };
  TernFakeServer *server = tern_fake_server_start ("* OK [PERMANENTFLAGS (] x\r\n", steps);
  const char *text;

  /* STARTTLS: the greeting comes in plain text, before any TLS, so anyone
   * on the network path can send it. */
  f->ts = tern_test_store_new (tern_fake_server_port (server));
  set_account (f, tern_fake_server_port (server), TERN_SECURITY_STARTTLS, "127.0.0.1");
  good_account = add_good_account (f);
  open_window (f, (GtkApplication *) data);
  g_assert_true (wait_long (crash_reported, f, 60));
  text = f->error_text != NULL ? f->error_text : tern_window_get_error_text (f->window);
  g_test_message ("error bar: %s", text);
  /* The window survived and says, in plain words, what failed. */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->window)));
  g_assert_nonnull (strstr (text, "Incoming mail for "));
  g_assert_nonnull (strstr (text, "Retry"));
  if (f->exited)
    {
      /* The sync process died (libetpan's NULL dereference), not the app. */
      g_assert_false (f->exit_expected);
      g_assert_false (WIFEXITED (f->exit_status) && WEXITSTATUS (f->exit_status) == 0);
      g_assert_nonnull (strstr (text, "could not read"));
    }
  /* The other account's process is untouched by the crash. */
  g_assert_true (wait_long (good_synced, f, 120));
  g_assert_cmpint (tern_sync_client_get_pid (tern_mail_context_get_worker (f->context, good_account)),
                   >, 0);
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "main-window-sync-process-crashed.png");
  close_window (f);
  g_ptr_array_unref (tern_fake_server_finish (server));
}

/* ---- the server's own words, through the sync process ---- */

#define WORDS_LIST "* LIST (\\HasNoChildren) \"/\" INBOX\r\n" \
                   "* LIST (\\HasNoChildren \\Trash) \"/\" Trash\r\n" \
                   "* LIST (\\HasNoChildren \\Sent) \"/\" Sent\r\n" \
                   "* LIST (\\HasNoChildren \\Drafts) \"/\" Drafts\r\n{tag} OK done\r\n"

static gboolean
server_said_shown (Fixture *f)
{
  TernErrorBar *bar = tern_error_bars_lookup (tern_window_get_error_bars (f->window), f->ts->account_id, FALSE);

  return bar != NULL && gtk_widget_get_visible (GTK_WIDGET (bar)) &&
         strstr (tern_error_bar_get_text (bar), "synchronization failure") != NULL;
}

/* A server that says something to the user on a SELECT that succeeds: the
 * words go from the sync process to the window's incoming line. */
static void
test_server_said (gconstpointer data)
{
  Fixture fx = { 0 }, *f = &fx;
  static const TernFakeStep steps[] = {
    { "CAPABILITY", "* CAPABILITY IMAP4rev1 LITERAL+ UIDPLUS\r\n{tag} OK done\r\n" },
    { "LOGIN", "{tag} OK logged in\r\n" },
    { "LIST", WORDS_LIST }, { "LSUB", WORDS_LIST },
    { "SELECT", "* NO Internal mailbox synchronization failure\r\n* 0 EXISTS\r\n"
                "* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 1] ok\r\n{tag} OK [READ-WRITE] selected\r\n" },
    { "UID FETCH", "{tag} OK done\r\n" },
    { "UID SEARCH", "* SEARCH\r\n{tag} OK done\r\n" },
    { "STATUS", "{tag} OK done\r\n" },
    { "NOOP", "{tag} OK done\r\n" },
    { "LOGOUT", "* BYE bye\r\n{tag} OK done\r\n{close}" },
    { NULL, NULL }
  };
  TernFakeServer *server = tern_fake_server_start ("* OK fake IMAP\r\n", steps);
  g_autoptr(GPtrArray) lines = NULL;
  const char *text;

  f->ts = tern_test_store_new (tern_fake_server_port (server));
  set_account (f, tern_fake_server_port (server), TERN_SECURITY_NONE, "127.0.0.1");
  open_window (f, (GtkApplication *) data);
  g_assert_true (wait_long (server_said_shown, f, 60));
  text = tern_window_get_error_text (f->window);
  g_test_message ("bar: %s", text);
  g_assert_nonnull (strstr (text, "The server Demo says: “Internal mailbox synchronization failure”"));
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "main-window-sync-process-server-said.png");
  close_window (f);
  lines = tern_fake_server_finish (server);
  for (guint i = 0; i < lines->len; i++)
    g_test_message ("C: %s", (char *) g_ptr_array_index (lines, i));
}

int
main (int argc, char *argv[])
{
  g_autoptr(GtkApplication) app = NULL;
  g_autoptr(GError) error = NULL;

  gtk_test_init (&argc, &argv, NULL);
  app = gtk_application_new ("io.github.ternmail.TernSyncProcessTest", G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_test_add_data_func ("/app/sync-process/hostile-greeting", app, test_hostile_greeting);
  g_test_add_data_func ("/app/sync-process/kill-mid-download", app, test_kill_mid_download);
  g_test_add_data_func ("/app/sync-process/server-said", app, test_server_said);
  return g_test_run ();
}
