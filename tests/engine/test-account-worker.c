/* The account worker against real servers: first sync in the background,
 * new mail pushed through IDLE, a user action replayed, a wrong password
 * and a revoked OAuth2 sign-in reported as needing the user (paused, no
 * retry), a POP3 account downloading, and the outbox
 * sent after a sync. Everything is observed through the worker's signals in
 * this (main) thread, as the GTK app sees it. */
#include <signal.h>
#include <string.h>

#include "account/tern-account-worker.h"
#include "account/tern-account-connect.h"
#include "core/tern-error.h"
#include "account/tern-mail-actions.h"
#include "account/tern-outbox.h"
#include "tern-test-loop.h"
#include "tern-test-messages.h"
#include "tern-test-oauth.h"
#include "tern-test-proxy.h"
#include "tern-test-servers.h"

#define SEED 99
#define PASSWORD "worker-pw"

typedef struct {
  TernTestOAuth *oauth;        /* only for the OAuth2 case */
  TernTestServers *servers;
  char *data_dir;
  TernStore *store;            /* the test's own connection */
  TernSecrets *secrets;
  gint64 account_id;
  TernAccountWorker *worker;
  /* What the signals told us. */
  TernWorkerState state;
  guint folder_changes;
  guint errors;
  gboolean last_error_outgoing;
  GError *last_error;
} Fixture;

static void
remove_tree (const char *dir)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
  g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
}

static void
on_state (TernAccountWorker *w, int state, Fixture *fx)
{
  fx->state = state;
}

static void
on_folder_changed (TernAccountWorker *w, gint64 folder_id, Fixture *fx)
{
  fx->folder_changes++;
}

static void
on_error (TernAccountWorker *w, GError *error, gboolean outgoing, Fixture *fx)
{
  fx->errors++;
  fx->last_error_outgoing = outgoing;
  g_clear_error (&fx->last_error);
  fx->last_error = g_error_copy (error);
  g_test_message ("worker error (%s): %s", outgoing ? "outgoing" : "incoming", error->message);
}

static void
setup (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  TernTestServersOptions opts = { 0 };

  if (data != NULL)
    {
      fx->oauth = tern_test_oauth_start (&error);
      g_assert_no_error (error);
      opts.oauth2_introspection_url = tern_test_oauth_introspection_url (fx->oauth);
      g_setenv ("TERN_TEST_OAUTH2_PROVIDERS", tern_test_oauth_providers_file (fx->oauth), TRUE);
    }
  fx->servers = tern_test_servers_start (&opts, &error);
  g_assert_no_error (error);
  g_assert_true (tern_test_servers_add_user (fx->servers, "wendy", PASSWORD, &error));
  g_setenv ("TERN_EXTRA_CA_FILE", tern_test_servers_ca_file (fx->servers), TRUE);
  fx->data_dir = g_dir_make_tmp ("tern-worker-XXXXXX", NULL);
  fx->store = tern_store_open (fx->data_dir, TERN_STORE_OPEN_WRITER, &error);
  g_assert_no_error (error);
  fx->secrets = tern_secrets_new (fx->data_dir, TERN_SECRETS_FILE);
}

static gint64
add_account (Fixture *fx, TernProtocol protocol, const char *password)
{
  g_autoptr(TernAccountSettings) a = tern_account_settings_new ();
  g_autoptr(GError) error = NULL;
  gboolean pop3 = protocol == TERN_PROTOCOL_POP3;

  a->name = g_strdup ("W");
  a->email = g_strdup ("wendy@localhost");
  a->protocol = protocol;
  a->incoming_host = g_strdup ("localhost");
  a->incoming_port = tern_test_servers_port (fx->servers, pop3 ? TERN_TEST_POP3S : TERN_TEST_IMAPS);
  a->incoming_security = TERN_SECURITY_TLS;
  a->incoming_user = g_strdup ("wendy");
  a->pop3_leave_on_server = FALSE;
  if (tern_test_servers_has_smtp (fx->servers, NULL))
    {
      a->smtp_host = g_strdup ("localhost");
      a->smtp_port = tern_test_servers_port (fx->servers, TERN_TEST_SMTPS);
      a->smtp_security = TERN_SECURITY_TLS;
    }
  fx->account_id = tern_store_add_account (fx->store, a, &error);
  g_assert_no_error (error);
  g_assert_true (tern_secrets_store (fx->secrets, "W", TERN_SECRET_INCOMING, password, &error));
  return fx->account_id;
}

static void
start_worker (Fixture *fx)
{
  fx->worker = tern_account_worker_new (fx->data_dir, fx->account_id, fx->secrets);
  g_signal_connect (fx->worker, "state-changed", G_CALLBACK (on_state), fx);
  g_signal_connect (fx->worker, "folder-changed", G_CALLBACK (on_folder_changed), fx);
  g_signal_connect (fx->worker, "error", G_CALLBACK (on_error), fx);
  tern_account_worker_start (fx->worker);
}

static void
teardown (Fixture *fx, gconstpointer data)
{
  if (fx->worker != NULL)
    {
      tern_account_worker_stop (fx->worker);
      g_clear_object (&fx->worker);
    }
  /* Signals queued by the stopped worker still hold references. */
  tern_test_drain (10000);
  g_clear_error (&fx->last_error);
  g_clear_object (&fx->store);
  g_clear_object (&fx->secrets);
  g_clear_pointer (&fx->servers, tern_test_servers_free);
  g_clear_pointer (&fx->oauth, tern_test_oauth_free);
  remove_tree (fx->data_dir);
  g_free (fx->data_dir);
}

/* Runs the main loop until @done is TRUE or @seconds pass. */
static gboolean
wait_until (gboolean (*done) (Fixture *), Fixture *fx, guint seconds)
{
  TERN_TEST_WAIT_UNTIL (done (fx), seconds * 1000);
  return done (fx);
}

static guint
count_in (Fixture *fx, TernFolderRole role)
{
  g_autoptr(TernFolder) f = tern_store_get_folder_by_role (fx->store, fx->account_id, role, NULL);
  return f != NULL ? f->total_count : 0;
}

static gboolean inbox_has_10 (Fixture *fx) { return count_in (fx, TERN_FOLDER_ROLE_INBOX) == 10; }
static gboolean inbox_has_11 (Fixture *fx) { return count_in (fx, TERN_FOLDER_ROLE_INBOX) == 11; }
static gboolean is_idle (Fixture *fx) { return fx->state == TERN_WORKER_IDLE; }
static gboolean needs_user (Fixture *fx) { return fx->state == TERN_WORKER_NEEDS_USER; }

static gboolean
no_pending_ops (Fixture *fx)
{
  g_autoptr(GPtrArray) ops = tern_store_list_ops (fx->store, fx->account_id, NULL);
  return ops != NULL && ops->len == 0;
}

static void
append_raw (Fixture *fx, guint index)
{
  g_autoptr(TernAccountSettings) a = tern_store_get_account (fx->store, fx->account_id, NULL);
  g_autoptr(GBytes) msg = tern_test_message_generate (index, SEED);
  g_autoptr(GError) error = NULL;
  mailimap *imap = tern_account_connect_imap (a, fx->secrets, NULL, NULL, &error);
  gsize len;
  const char *bytes = g_bytes_get_data (msg, &len);

  g_assert_no_error (error);
  g_assert_cmpint (mailimap_append (imap, "INBOX", NULL, NULL, bytes, len), ==, MAILIMAP_NO_ERROR);
  tern_imap_close (imap, TRUE);
}

static void
test_imap_background (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernFolder) inbox = NULL;
  g_autoptr(GArray) ids = NULL;

  g_assert_true (tern_test_messages_seed (fx->servers, "wendy", "INBOX", 0, 10, SEED, &error));
  add_account (fx, TERN_PROTOCOL_IMAP, PASSWORD);
  start_worker (fx);
  g_assert_true (wait_until (inbox_has_10, fx, 30));
  g_assert_true (wait_until (is_idle, fx, 30));
  g_assert_cmpuint (fx->folder_changes, >, 0);
  g_assert_cmpuint (fx->errors, ==, 0);

  /* New mail arrives while the worker sits in IDLE: no job asked for it. */
  append_raw (fx, 500);
  g_assert_true (wait_until (inbox_has_11, fx, 30));

  /* A user action reaches the server when pushed. */
  inbox = tern_store_get_folder_by_role (fx->store, fx->account_id, TERN_FOLDER_ROLE_INBOX, NULL);
  ids = tern_store_list_message_ids (fx->store, inbox->id, TERN_SORT_DATE, TRUE, NULL);
  g_assert_true (tern_mail_change_flags (fx->store, (gint64 *) ids->data, 1, TERN_FLAG_FLAGGED, 0, &error));
  g_assert_false (no_pending_ops (fx));
  tern_account_worker_push_changes (fx->worker);
  g_assert_true (wait_until (no_pending_ops, fx, 30));
}

static void
test_wrong_password (Fixture *fx, gconstpointer data)
{
  add_account (fx, TERN_PROTOCOL_IMAP, "not-the-password");
  start_worker (fx);
  g_assert_true (wait_until (needs_user, fx, 30));
  g_assert_error (fx->last_error, TERN_ERROR, TERN_ERROR_AUTH);
  g_assert_false (fx->last_error_outgoing);
}

/* A refresh token the provider revoked: the account pauses with "sign in
 * again" and the worker does not ask the provider again by itself. */
static void
test_oauth2_revoked (Fixture *fx, gconstpointer data)
{
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *refresh = NULL;

  add_account (fx, TERN_PROTOCOL_IMAP, PASSWORD);
  a = tern_store_get_account (fx->store, fx->account_id, &error);
  a->sign_in = TERN_SIGN_IN_OAUTH2;
  a->oauth2_provider = g_strdup (TERN_TEST_OAUTH_PROVIDER);
  g_clear_pointer (&a->smtp_host, g_free);
  a->smtp_host = g_strdup ("");
  g_assert_true (tern_store_update_account (fx->store, a, &error));
  refresh = tern_test_oauth_control (fx->oauth, "mint?user=wendy", &error);
  g_assert_no_error (error);
  g_assert_true (tern_secrets_store (fx->secrets, "W", TERN_SECRET_OAUTH2_REFRESH, refresh,
                                     &error));
  g_free (tern_test_oauth_control (fx->oauth, "revoke-all", &error));
  g_assert_no_error (error);

  start_worker (fx);
  g_assert_true (wait_until (needs_user, fx, 30));
  g_assert_error (fx->last_error, TERN_ERROR, TERN_ERROR_SIGN_IN_AGAIN);
  g_assert_false (fx->last_error_outgoing);
  /* Paused: whatever runs in the next moment asks the provider no more. */
  tern_test_run_for (500);
  g_assert_cmpint (tern_test_oauth_stat (fx->oauth, "refused_refreshes"), ==, 1);
  g_assert_true (needs_user (fx));
}

static gboolean
outbox_empty (Fixture *fx)
{
  g_autoptr(GPtrArray) items = tern_store_list_outbox (fx->store, fx->account_id, NULL);
  return items != NULL && items->len == 0;
}

static void
test_pop3_and_outbox (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(TernOutgoingMessage) msg = tern_outgoing_message_new ();

  if (!tern_test_servers_require_smtp (fx->servers))
    return;
  g_assert_true (tern_test_messages_seed (fx->servers, "wendy", "INBOX", 0, 10, SEED, &error));
  add_account (fx, TERN_PROTOCOL_POP3, PASSWORD);
  a = tern_store_get_account (fx->store, fx->account_id, NULL);
  msg->from_address = g_strdup ("wendy@localhost");
  msg->subject = g_strdup ("Sent by the worker");
  msg->body = g_strdup ("Hello from the outbox.");
  tern_outgoing_message_add_to (msg, NULL, "wendy@localhost");
  g_assert_cmpint (tern_outbox_queue_message (fx->store, a, msg, NULL, &error), >, 0);
  g_assert_no_error (error);

  start_worker (fx);
  g_assert_true (wait_until (inbox_has_10, fx, 30));
  g_assert_true (wait_until (outbox_empty, fx, 30));
  g_assert_cmpuint (count_in (fx, TERN_FOLDER_ROLE_SENT), ==, 1);
  /* It was delivered: the next download brings it into the inbox. */
  tern_account_worker_sync (fx->worker);
  g_assert_true (wait_until (inbox_has_11, fx, 30));
  g_assert_cmpuint (fx->errors, ==, 0);
}

static gboolean
outgoing_error (Fixture *fx)
{
  return fx->last_error != NULL && fx->last_error_outgoing;
}

static void
queue_message (Fixture *fx, const char *subject)
{
  g_autoptr(TernAccountSettings) a = tern_store_get_account (fx->store, fx->account_id, NULL);
  g_autoptr(TernOutgoingMessage) msg = tern_outgoing_message_new ();
  g_autoptr(GError) error = NULL;

  msg->from_address = g_strdup ("wendy@localhost");
  msg->subject = g_strdup (subject);
  msg->body = g_strdup ("Hello from the outbox.");
  tern_outgoing_message_add_to (msg, NULL, "wendy@localhost");
  g_assert_cmpint (tern_outbox_queue_message (fx->store, a, msg, NULL, &error), >, 0);
  g_assert_no_error (error);
}

/* The outgoing server sent a message a moment ago and now nothing answers:
 * the settings are right, so the words say it isn't answering right now,
 * not to check the port; the message waits in the outbox. */
static void
test_smtp_not_answering (Fixture *fx, gconstpointer data)
{
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(GError) error = NULL;
  TernTestProxy *proxy;

  if (!tern_test_servers_require_smtp (fx->servers))
    return;
  add_account (fx, TERN_PROTOCOL_IMAP, PASSWORD);
  proxy = tern_test_proxy_new (tern_test_servers_port (fx->servers, TERN_TEST_SMTPS), 0);
  a = tern_store_get_account (fx->store, fx->account_id, NULL);
  a->smtp_port = tern_test_proxy_port (proxy);
  g_assert_true (tern_store_update_account (fx->store, a, &error));
  g_assert_no_error (error);
  queue_message (fx, "Goes out");
  start_worker (fx);
  g_assert_true (wait_until (outbox_empty, fx, 30));
  g_assert_true (wait_until (is_idle, fx, 30));
  g_assert_null (fx->last_error);

  /* The server goes away; the next message finds nothing listening. */
  tern_test_proxy_free (proxy);
  queue_message (fx, "Waits");
  tern_account_worker_push_changes (fx->worker);
  g_assert_true (wait_until (outgoing_error, fx, 60));
  g_assert_true (fx->last_error->domain == TERN_ERROR &&
                 (fx->last_error->code == TERN_ERROR_CONNECTION_REFUSED ||
                  fx->last_error->code == TERN_ERROR_TIMED_OUT ||
                  fx->last_error->code == TERN_ERROR_CONNECTION_LOST));
  g_assert_nonnull (strstr (fx->last_error->message, "The outgoing mail server localhost isn’t answering right now"));
  g_assert_null (strstr (fx->last_error->message, "port"));
  g_assert_false (outbox_empty (fx));
}

int
main (int argc, char *argv[])
{
  signal (SIGPIPE, SIG_IGN);
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/account-worker/imap-background", Fixture, NULL, setup, test_imap_background, teardown);
  g_test_add ("/account-worker/wrong-password", Fixture, NULL, setup, test_wrong_password, teardown);
  g_test_add ("/account-worker/oauth2-revoked", Fixture, "oauth2", setup, test_oauth2_revoked,
              teardown);
  g_test_add ("/account-worker/pop3-and-outbox", Fixture, NULL, setup, test_pop3_and_outbox, teardown);
  g_test_add ("/account-worker/smtp-not-answering", Fixture, NULL, setup, test_smtp_not_answering,
              teardown);
  return g_test_run ();
}
