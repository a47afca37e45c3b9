/* The channel to a sync process and its supervision: jobs and events
 * round trip over a real socketpair (errors and certificates intact), the
 * real tern-sync reports a refused connection and stops when asked, a
 * process that never sends a heartbeat is killed and restarted, a process
 * that keeps crashing is restarted with a growing backoff and reported as
 * an incoming-mail error, and the sandbox of tern-sync holds. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "account/tern-sync-channel.h"
#include "account/tern-sync-client.h"
#include "core/tern-error.h"
#include "account/tern-secrets.h"
#include "store/tern-store.h"
#include "tern-test-loop.h"

/* Runs the main loop until *@flag or 30 s pass. */
static gboolean
wait_for (const gboolean *flag)
{
  TERN_TEST_WAIT_UNTIL (*flag, 30000);
  return *flag;
}

static void
remove_tree (const char *dir)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
  g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
}

/* ---- channel round trip ---- */

typedef struct {
  char *name;
  GVariant *params;
  gboolean got;
} Received;

static void
on_message (TernSyncChannel *channel, const char *name, GVariant *params, Received *r)
{
  g_free (r->name);
  g_clear_pointer (&r->params, g_variant_unref);
  r->name = g_strdup (name);
  r->params = g_variant_ref (params);
  r->got = TRUE;
}

static void
test_round_trip (void)
{
  int sv[2];
  g_autoptr(TernSyncChannel) app = NULL;
  g_autoptr(TernSyncChannel) sync = NULL;
  g_autoptr(GError) sent = g_error_new_literal (TERN_ERROR, TERN_ERROR_AUTH, "Wrong password");
  g_autoptr(GError) back = NULL;
  g_autoptr(GVariant) err = NULL, dict = NULL;
  g_autoptr(TernCertificateInfo) cert = g_new0 (TernCertificateInfo, 1);
  g_autoptr(TernCertificateInfo) cert_back = NULL;
  Received at_sync = { 0 }, at_app = { 0 };
  gint64 id;
  gboolean outgoing;

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
  app = tern_sync_channel_new (sv[0], TRUE);
  sync = tern_sync_channel_new (sv[1], FALSE);
  g_signal_connect (sync, "message", G_CALLBACK (on_message), &at_sync);
  g_signal_connect (app, "message", G_CALLBACK (on_message), &at_app);

  /* A job sent before the handshake is queued, not lost. */
  tern_sync_channel_send (app, TERN_SYNC_JOB_FETCH_BODY, g_variant_new ("(x)", (gint64) 42));
  g_assert_true (wait_for (&at_sync.got));
  g_assert_cmpstr (at_sync.name, ==, TERN_SYNC_JOB_FETCH_BODY);
  g_variant_get (at_sync.params, "(x)", &id);
  g_assert_cmpint (id, ==, 42);

  /* An error keeps its domain and code, so the window words it right. */
  tern_sync_channel_send (sync, TERN_SYNC_EVENT_ERROR,
                          g_variant_new ("(@(sis)b)", tern_sync_error_to_variant (sent), TRUE));
  g_assert_true (wait_for (&at_app.got));
  g_assert_cmpstr (at_app.name, ==, TERN_SYNC_EVENT_ERROR);
  g_variant_get (at_app.params, "(@(sis)b)", &err, &outgoing);
  back = tern_sync_error_from_variant (err);
  g_assert_error (back, TERN_ERROR, TERN_ERROR_AUTH);
  g_assert_cmpstr (back->message, ==, "Wrong password");
  g_assert_true (outgoing);
  g_assert_null (tern_sync_error_from_variant (tern_sync_error_to_variant (NULL)));

  /* The certificate question carries what the user must see and pin. */
  cert->host = g_strdup ("imap.example.org");
  cert->port = 993;
  cert->subject = g_strdup ("CN=imap.example.org");
  cert->issuer = g_strdup ("CN=Someone");
  cert->not_after = g_date_time_new_from_unix_utc (2000000000);
  cert->problems = TERN_CERTIFICATE_PROBLEM_SELF_SIGNED | TERN_CERTIFICATE_PROBLEM_UNTRUSTED;
  cert->description = g_strdup ("Nobody vouches for it.");
  cert->sha256 = g_strdup ("AB:CD");
  cert->pem = g_strdup ("-----BEGIN CERTIFICATE-----");
  at_app.got = FALSE;
  tern_sync_channel_send (sync, TERN_SYNC_EVENT_CERTIFICATE,
                          g_variant_new ("(@a{sv}b)", tern_sync_certificate_to_variant (cert), FALSE));
  g_assert_true (wait_for (&at_app.got));
  g_variant_get (at_app.params, "(@a{sv}b)", &dict, &outgoing);
  cert_back = tern_sync_certificate_from_variant (dict);
  g_assert_cmpstr (cert_back->host, ==, "imap.example.org");
  g_assert_cmpuint (cert_back->port, ==, 993);
  g_assert_cmpstr (cert_back->sha256, ==, "AB:CD");
  g_assert_cmpstr (cert_back->pem, ==, cert->pem);
  g_assert_cmpuint (cert_back->problems, ==, cert->problems);
  g_assert_null (cert_back->not_before);
  g_assert_cmpint (g_date_time_to_unix (cert_back->not_after), ==, 2000000000);

  g_free (at_sync.name);
  g_free (at_app.name);
  g_clear_pointer (&at_sync.params, g_variant_unref);
  g_clear_pointer (&at_app.params, g_variant_unref);
}

/* ---- a supervised process ---- */

typedef struct {
  char *data_dir;
  TernSyncClient *client;
  GError *last_error;
  gboolean got_error;
  guint unexpected_exits;
  int last_status;
  gboolean exited;
  gboolean exit_expected;
  TernWorkerState state;
} Fixture;

static void
on_error (TernSyncClient *c, GError *error, gboolean outgoing, Fixture *fx)
{
  g_assert_false (outgoing);
  g_clear_error (&fx->last_error);
  fx->last_error = g_error_copy (error);
  fx->got_error = TRUE;
}

static void
on_exited (TernSyncClient *c, int status, gboolean expected, Fixture *fx)
{
  fx->last_status = status;
  fx->exit_expected = expected;
  fx->exited = TRUE;
  if (!expected)
    fx->unexpected_exits++;
}

static void
on_state (TernSyncClient *c, int state, Fixture *fx)
{
  fx->state = state;
}

/* A data dir whose IMAP account points at a port where nothing listens. */
static gint64
make_store (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStore) store = NULL;
  g_autoptr(TernAccountSettings) a = tern_account_settings_new ();
  g_autoptr(GSocket) s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(TernSecrets) secrets = NULL;
  gint64 id;

  /* A port that was free a moment ago (bound, not listening, closed). */
  g_assert_true (g_socket_bind (s, addr, FALSE, &error));
  bound = g_socket_get_local_address (s, &error);
  fx->data_dir = g_dir_make_tmp ("tern-sync-channel-XXXXXX", NULL);
  store = tern_store_open (fx->data_dir, TERN_STORE_OPEN_WRITER, &error);
  g_assert_no_error (error);
  a->name = g_strdup ("Nowhere");
  a->email = g_strdup ("me@localhost");
  a->protocol = TERN_PROTOCOL_IMAP;
  a->incoming_host = g_strdup ("127.0.0.1");
  a->incoming_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  a->incoming_security = TERN_SECURITY_TLS;
  a->incoming_user = g_strdup ("me");
  id = tern_store_add_account (store, a, &error);
  g_assert_no_error (error);
  secrets = tern_secrets_new (fx->data_dir, TERN_SECRETS_FILE);
  g_assert_true (tern_secrets_store (secrets, "Nowhere", TERN_SECRET_INCOMING, "pw", &error));
  g_assert_no_error (error);
  return id;
}

static void
start_client (Fixture *fx, const char *helper, guint heartbeat_ms, guint min_ms, guint max_ms)
{
  gint64 id = make_store (fx);

  fx->client = tern_sync_client_new (helper, fx->data_dir, id);
  if (heartbeat_ms > 0)
    tern_sync_client_set_timing (fx->client, heartbeat_ms, min_ms, max_ms);
  g_signal_connect (fx->client, "error", G_CALLBACK (on_error), fx);
  g_signal_connect (fx->client, "process-exited", G_CALLBACK (on_exited), fx);
  g_signal_connect (fx->client, "state-changed", G_CALLBACK (on_state), fx);
  tern_sync_client_start (fx->client);
}

static void
fixture_free (Fixture *fx)
{
  /* A killed process is reaped later: its signal must not reach a fixture
   * that is gone. */
  g_signal_handlers_disconnect_by_data (fx->client, fx);
  tern_sync_client_stop (fx->client);
  tern_test_drain (100);
  g_clear_object (&fx->client);
  g_clear_error (&fx->last_error);
  remove_tree (fx->data_dir);
  g_free (fx->data_dir);
}

/* A stand-in for tern-sync, written to a script in @dir. */
static char *
write_helper (const char *dir, const char *body)
{
  g_autofree char *path = g_build_filename (dir, "fake-tern-sync", NULL);
  g_autofree char *script = g_strdup_printf ("#!/bin/sh\n%s\n", body);

  g_assert_true (g_file_set_contents (path, script, -1, NULL));
  g_assert_cmpint (chmod (path, 0700), ==, 0);
  return g_steal_pointer (&path);
}

static void
test_real_process (void)
{
  Fixture fx = { 0 };
  const char *helper = g_getenv ("TERN_SYNC_HELPER");

  g_assert_nonnull (helper);
  start_client (&fx, helper, 0, 0, 0);
  g_assert_cmpint (tern_sync_client_get_pid (fx.client), >, 0);
  /* The first sync's failure crosses the channel with its code. */
  g_assert_true (wait_for (&fx.got_error));
  g_assert_error (fx.last_error, TERN_ERROR, TERN_ERROR_CONNECTION_REFUSED);
  /* Asked to stop, it exits by itself: not a crash, no restart. */
  tern_sync_client_stop (fx.client);
  g_assert_true (wait_for (&fx.exited));
  g_assert_true (fx.exit_expected);
  g_assert_true (WIFEXITED (fx.last_status));
  g_assert_cmpuint (fx.unexpected_exits, ==, 0);
  g_assert_cmpint (tern_sync_client_get_pid (fx.client), ==, 0);
  fixture_free (&fx);
}

static void
test_heartbeat_timeout (void)
{
  Fixture fx = { 0 };
  g_autofree char *dir = g_dir_make_tmp ("tern-fake-sync-XXXXXX", NULL);
  g_autofree char *helper = write_helper (dir, "exec sleep 600");
  GPid first;

  start_client (&fx, helper, 200, 10, 10);
  first = tern_sync_client_get_pid (fx.client);
  g_assert_cmpint (first, >, 0);
  /* It never says a word: the client kills it (SIGKILL) and says so. */
  g_assert_true (wait_for (&fx.got_error));
  g_assert_error (fx.last_error, TERN_ERROR, TERN_ERROR_TIMED_OUT);
  g_assert_true (fx.exited);
  g_assert_false (fx.exit_expected);
  g_assert_true (WIFSIGNALED (fx.last_status));
  g_assert_cmpint (WTERMSIG (fx.last_status), ==, SIGKILL);
  g_assert_cmpint (fx.state, ==, TERN_WORKER_OFFLINE);
  /* ... and starts a new one. */
  fx.exited = FALSE;
  TERN_TEST_WAIT_UNTIL (tern_sync_client_get_pid (fx.client) != 0, 30000);
  g_assert_cmpint (tern_sync_client_get_pid (fx.client), >, 0);
  g_assert_cmpint (tern_sync_client_get_pid (fx.client), !=, first);
  fixture_free (&fx);
  remove_tree (dir);
}

static void
test_restart_backoff (void)
{
  Fixture fx = { 0 };
  g_autofree char *dir = g_dir_make_tmp ("tern-fake-sync-XXXXXX", NULL);
  g_autofree char *helper = write_helper (dir, "kill -SEGV $$");
  guint delays[4];

  /* The schedule: doubling from the minimum, capped. */
  g_assert_cmpuint (tern_sync_restart_delay (1, 1000, 300000), ==, 1000);
  g_assert_cmpuint (tern_sync_restart_delay (2, 1000, 300000), ==, 2000);
  g_assert_cmpuint (tern_sync_restart_delay (4, 1000, 300000), ==, 8000);
  g_assert_cmpuint (tern_sync_restart_delay (20, 1000, 300000), ==, 300000);
  g_assert_cmpuint (tern_sync_restart_delay (200, 1000, 300000), ==, 300000);

  start_client (&fx, helper, 30000, 20, 80);
  for (guint i = 0; i < G_N_ELEMENTS (delays); i++)
    {
      fx.exited = FALSE;
      g_assert_true (wait_for (&fx.exited));
      g_assert_true (WIFSIGNALED (fx.last_status));
      g_assert_cmpint (WTERMSIG (fx.last_status), ==, SIGSEGV);
      /* In plain words, about incoming mail (outgoing is asserted FALSE). */
      g_assert_error (fx.last_error, TERN_ERROR, TERN_ERROR_PROTOCOL);
      g_assert_nonnull (strstr (fx.last_error->message, "could not read"));
      g_assert_cmpuint (tern_sync_client_get_failures (fx.client), ==, i + 1);
      delays[i] = tern_sync_client_get_restart_delay (fx.client);
    }
  g_assert_cmpuint (delays[0], ==, 20);
  g_assert_cmpuint (delays[1], ==, 40);
  g_assert_cmpuint (delays[2], ==, 80);
  g_assert_cmpuint (delays[3], ==, 80);
  g_assert_cmpuint (fx.unexpected_exits, ==, 4);
  fixture_free (&fx);
  remove_tree (dir);
}

static void
test_sandbox (void)
{
  const char *helper = g_getenv ("TERN_SYNC_HELPER");
  g_autofree char *dir = g_dir_make_tmp ("tern-sandbox-XXXXXX", NULL);
  g_autofree char *out = NULL;
  g_autofree char *cmd = g_strdup_printf ("%s --check-sandbox --data-dir %s", helper, dir);
  int status;

  g_assert_true (g_spawn_command_line_sync (cmd, &out, NULL, &status, NULL));
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "write-data-dir yes"));
  g_assert_nonnull (strstr (out, "read-etc yes"));
  if (strstr (out, "landlock yes") != NULL)
    g_assert_nonnull (strstr (out, "write-home no"));
  else
    g_test_message ("Landlock is not available on this kernel");
  if (strstr (out, "seccomp yes") != NULL)
    g_assert_nonnull (strstr (out, "exec no"));
  remove_tree (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("TERN_PASSWORD_STORE", "file", TRUE);
  g_test_add_func ("/sync-channel/round-trip", test_round_trip);
  g_test_add_func ("/sync-channel/real-process", test_real_process);
  g_test_add_func ("/sync-channel/heartbeat-timeout", test_heartbeat_timeout);
  g_test_add_func ("/sync-channel/restart-backoff", test_restart_backoff);
  g_test_add_func ("/sync-channel/sandbox", test_sandbox);
  return g_test_run ();
}
