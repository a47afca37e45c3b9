/* A certificate decision across the channel: the sync process meets a
 * certificate this computer does not trust (the harness's CA is not
 * given to it), sends certificate-needed with the details the user must
 * see, stops before any password goes out, and after the app's answer
 * (accept: pin the SHA-256) pins it and syncs. */
#include "account/tern-secrets.h"
#include "account/tern-sync-client.h"
#include "core/tern-error.h"
#include "net/tern-certificate-info.h"
#include "store/tern-store.h"
#include "tern-test-loop.h"
#include "tern-test-messages.h"
#include "tern-test-servers.h"

#define PASSWORD "cert-pw"

typedef struct {
  TernCertificateInfo *cert;
  gboolean outgoing;
  TernWorkerState state;
  guint errors;
} Seen;

static void
on_certificate (TernSyncClient *c, TernCertificateInfo *info, gboolean outgoing, Seen *seen)
{
  g_clear_pointer (&seen->cert, tern_certificate_info_free);
  seen->cert = tern_certificate_info_copy (info);
  seen->outgoing = outgoing;
}

static void
on_state (TernSyncClient *c, int state, Seen *seen)
{
  seen->state = state;
}

static void
on_error (TernSyncClient *c, GError *error, gboolean outgoing, Seen *seen)
{
  seen->errors++;
  g_test_message ("error: %s", error->message);
}

static gboolean
wait_for (gboolean (*done) (Seen *, TernStore *, gint64), Seen *seen, TernStore *store, gint64 id)
{
  TERN_TEST_WAIT_UNTIL (done (seen, store, id), 60000);
  return done (seen, store, id);
}

static gboolean
asked (Seen *seen, TernStore *store, gint64 id)
{
  return seen->cert != NULL && seen->state == TERN_WORKER_NEEDS_USER;
}

static gboolean
synced (Seen *seen, TernStore *store, gint64 id)
{
  g_autoptr(TernFolder) inbox = tern_store_get_folder_by_role (store, id, TERN_FOLDER_ROLE_INBOX, NULL);

  return inbox != NULL && inbox->total_count == 3 && seen->state == TERN_WORKER_IDLE;
}

static void
test_accept_certificate (void)
{
  g_autoptr(GError) error = NULL;
  TernTestServersOptions opts = { .no_smtp = TRUE };
  TernTestServers *servers = tern_test_servers_start (&opts, &error);
  g_autofree char *dir = g_dir_make_tmp ("tern-sync-cert-XXXXXX", NULL);
  g_autoptr(TernStore) store = NULL;
  g_autoptr(TernSecrets) secrets = NULL;
  g_autoptr(TernAccountSettings) a = tern_account_settings_new ();
  g_autoptr(TernAccountSettings) after = NULL;
  g_autoptr(TernSyncClient) client = NULL;
  g_autofree char *helper = tern_sync_client_find_helper ();
  Seen seen = { 0 };

  g_assert_no_error (error);
  g_assert_true (tern_test_servers_add_user (servers, "cert", PASSWORD, &error));
  g_assert_true (tern_test_messages_seed (servers, "cert", "INBOX", 0, 3, 5, &error));
  /* The sync process trusts only the system's CAs: the harness's is not one. */
  g_unsetenv ("TERN_EXTRA_CA_FILE");
  g_setenv ("TERN_PASSWORD_STORE", "file", TRUE);
  store = tern_store_open (dir, TERN_STORE_OPEN_WRITER, &error);
  g_assert_no_error (error);
  a->name = g_strdup ("Cert");
  a->email = g_strdup ("cert@localhost");
  a->protocol = TERN_PROTOCOL_IMAP;
  a->incoming_host = g_strdup (tern_test_servers_host (servers));
  a->incoming_port = tern_test_servers_port (servers, TERN_TEST_IMAPS);
  a->incoming_security = TERN_SECURITY_TLS;
  a->incoming_user = g_strdup ("cert");
  a->id = tern_store_add_account (store, a, &error);
  g_assert_no_error (error);
  secrets = tern_secrets_new (dir, TERN_SECRETS_FILE);
  g_assert_true (tern_secrets_store (secrets, "Cert", TERN_SECRET_INCOMING, PASSWORD, &error));

  client = tern_sync_client_new (helper, dir, a->id);
  g_signal_connect (client, "certificate-needed", G_CALLBACK (on_certificate), &seen);
  g_signal_connect (client, "state-changed", G_CALLBACK (on_state), &seen);
  g_signal_connect (client, "error", G_CALLBACK (on_error), &seen);
  tern_sync_client_start (client);
  g_assert_true (wait_for (asked, &seen, store, a->id));
  /* What the certificate dialog shows came across intact. */
  g_assert_false (seen.outgoing);
  g_assert_cmpuint (seen.cert->port, ==, a->incoming_port);
  g_assert_nonnull (seen.cert->sha256);
  g_assert_nonnull (seen.cert->pem);
  g_assert_nonnull (seen.cert->subject);
  g_assert_nonnull (seen.cert->not_after);
  g_assert_true (seen.cert->problems & TERN_CERTIFICATE_PROBLEM_UNTRUSTED);
  g_assert_cmpuint (seen.errors, >=, 1);

  /* The user trusts it: the sync process pins it and goes on. */
  tern_sync_client_accept_certificate (client, FALSE, seen.cert->sha256);
  g_assert_true (wait_for (synced, &seen, store, a->id));
  after = tern_store_get_account (store, a->id, &error);
  g_assert_true (tern_certificate_fingerprint_equal (after->incoming_cert_sha256, seen.cert->sha256));

  tern_sync_client_stop (client);
  tern_test_drain (100);
  g_clear_pointer (&seen.cert, tern_certificate_info_free);
  tern_test_servers_free (servers);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sync-process/accept-certificate", test_accept_certificate);
  return g_test_run ();
}
