/* A server certificate that changes while the window syncs in the
 * background (issue 14), against real Dovecot: the main window asks with the
 * old and the new fingerprint, the account waits paused (no password goes
 * out, no connection is retried by itself), Cancel leaves it paused with a
 * line saying so, Retry asks again, Trust pins the new certificate for
 * host:port and mail flows again.
 *
 * The account reaches Dovecot through a small TCP relay in this process,
 * which counts connections; Dovecot's own log counts logins. */
#include <gtk/gtk.h>

#include "account/tern-secrets.h"
#include "net/tern-certificate-info.h"
#include "tern-certificate-dialog.h"
#include "tern-mail-context.h"
#include "tern-test-app-util.h"
#include "tern-test-messages.h"
#include "tern-test-servers.h"
#include "tern-conversation-prefs.h"
#include "tern-window.h"

#define PASSWORD "cert-change-pw"

typedef struct {
  TernTestServers *servers;
  TernTestStore *ts;
  TernMailContext *context;
  TernWindow *window;
  GSocketService *relay;
  guint16 relay_port;
  guint connections;   /* accepted by the relay */
  GPtrArray *open;     /* GSocketConnection: both ends of relayed connections */
  guint errors;        /* error signals of the context */
  const char *want_pin;
} Fixture;

/* ---- the relay ---- */

static void
on_spliced (GObject *source, GAsyncResult *result, gpointer data)
{
  g_io_stream_splice_finish (result, NULL);
}

static gboolean
on_relay_incoming (GSocketService *service, GSocketConnection *client, GObject *source, Fixture *f)
{
  g_autoptr(GSocketClient) connector = g_socket_client_new ();
  g_autoptr(GSocketConnection) server = NULL;

  f->connections++;
  server = g_socket_client_connect_to_host (connector, "127.0.0.1",
                                            tern_test_servers_port (f->servers, TERN_TEST_IMAPS),
                                            NULL, NULL);
  if (server == NULL)
    return TRUE;   /* Dovecot is down: the client sees a closed connection */
  g_ptr_array_add (f->open, g_object_ref (client));
  g_ptr_array_add (f->open, g_object_ref (server));
  g_io_stream_splice_async (G_IO_STREAM (client), G_IO_STREAM (server),
                            G_IO_STREAM_SPLICE_CLOSE_STREAM1 | G_IO_STREAM_SPLICE_CLOSE_STREAM2,
                            G_PRIORITY_DEFAULT, NULL, on_spliced, NULL);
  return TRUE;
}

static void
relay_start (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  f->open = g_ptr_array_new_with_free_func (g_object_unref);
  f->relay = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (f->relay), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  f->relay_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (f->relay, "incoming", G_CALLBACK (on_relay_incoming), f);
  g_socket_service_start (f->relay);
}

/* A restarted server drops its connections (Dovecot's own sessions may
 * outlive its master process, so the relay does it). */
static void
relay_drop_all (Fixture *f)
{
  for (guint i = 0; i < f->open->len; i++)
    g_io_stream_close (g_ptr_array_index (f->open, i), NULL, NULL);
  g_ptr_array_set_size (f->open, 0);
}

/* ---- helpers ---- */

static char *
fingerprint_of (TernTestCert which)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(TernCertificateInfo) info = NULL;
  const char *cert_file, *key_file;

  g_assert_true (tern_test_certs_get (which, &cert_file, &key_file, &error));
  cert = g_tls_certificate_new_from_file (cert_file, &error);
  g_assert_no_error (error);
  g_object_get (cert, "certificate", &der, NULL);
  info = tern_certificate_info_new_from_der (der->data, der->len, "localhost", 0);
  g_assert_nonnull (info);
  return g_strdup (info->sha256);
}

/* Logins Dovecot accepted so far (its log says "Login: user=<...>"). */
static guint
count_logins (Fixture *f)
{
  g_autofree char *path = g_build_filename (tern_test_servers_dir (f->servers), "dovecot.log", NULL);
  g_autofree char *log = NULL;
  guint n = 0;

  if (!g_file_get_contents (path, &log, NULL, NULL))
    return 0;
  for (const char *p = log; (p = strstr (p, "Login: user=<")) != NULL; p++)
    n++;
  return n;
}

static void
on_error (TernMailContext *context, gint64 account_id, GError *error, gboolean outgoing, Fixture *f)
{
  f->errors++;
  if (g_getenv ("TERN_TEST_DEBUG")) g_printerr ("error: %s\n", error->message);
}

static void
on_state (TernMailContext *context, gint64 account_id, int state, Fixture *f)
{
  if (g_getenv ("TERN_TEST_DEBUG"))
    g_printerr ("state %d (connections %u)\n", state, f->connections);
}

static char *
account_pin (Fixture *f)
{
  g_autoptr(TernAccountSettings) a = tern_store_get_account (f->ts->writer, f->ts->account_id, NULL);

  return a != NULL ? g_strdup (a->incoming_cert_sha256) : NULL;
}

/* Pinned to want_pin and syncing normally again. */
static gboolean
resumed (gpointer data)
{
  Fixture *f = data;
  g_autofree char *pin = account_pin (f);

  return pin != NULL && tern_certificate_fingerprint_equal (pin, f->want_pin) &&
         tern_mail_context_get_account_state (f->context, f->ts->account_id) == TERN_WORKER_IDLE;
}

static gboolean
inbox_listed (gpointer data)
{
  Fixture *f = data;
  TernMessageListModel *m = tern_message_list_get_model (tern_window_get_message_list (f->window));

  return m != NULL && tern_message_list_model_get_n_rows (m) == 3;
}

static gboolean
dialog_shown (gpointer data)
{
  Fixture *f = data;
  GtkWidget *d = tern_window_get_certificate_dialog (f->window);

  return d != NULL && gtk_widget_get_mapped (d);
}

static void
start (Fixture *f, GtkApplication *app, const char *good_pin)
{
  g_autoptr(GError) error = NULL;
  TernTestServersOptions opts = { .no_smtp = TRUE, .cert = TERN_TEST_CERT_GOOD };

  f->servers = tern_test_servers_start (&opts, &error);
  g_assert_no_error (error);
  g_assert_true (tern_test_servers_add_user (f->servers, "demo", PASSWORD, &error));
  g_assert_true (tern_test_messages_seed (f->servers, "demo", "INBOX", 0, 3, 7, &error));
  /* The harness's CA is not trusted here: the account works only through
   * its pin, as with a self-signed server the user trusted once. */
  g_unsetenv ("TERN_EXTRA_CA_FILE");
  g_setenv ("TERN_PASSWORD_STORE", "file", TRUE);
  relay_start (f);

  f->ts = tern_test_store_new (f->relay_port);
  tern_test_store_set_server (f->ts, "localhost", good_pin, PASSWORD);

  f->context = tern_mail_context_new (f->ts->data_dir, &error);
  g_assert_no_error (error);
  g_signal_connect (f->context, "error", G_CALLBACK (on_error), f);
  g_signal_connect (f->context, "account-state-changed", G_CALLBACK (on_state), f);
  tern_mail_context_set_online (f->context, TRUE);
  tern_mail_context_start_workers (f->context);
  tern_test_store_list_inbox_flat (f->ts);
  f->window = tern_test_window_show (app, f->context, 1000, 640);
}

static void
stop (Fixture *f)
{
  tern_test_window_close (f->window, g_steal_pointer (&f->context));
  g_socket_service_stop (f->relay);
  g_socket_listener_close (G_SOCKET_LISTENER (f->relay));
  g_clear_object (&f->relay);
  relay_drop_all (f);
  g_ptr_array_unref (f->open);
  tern_test_store_free (f->ts);
  tern_test_servers_free (f->servers);
}

static const char *
shot_name (const char *base)
{
  const char *theme = g_getenv ("GTK_THEME");

  /* Run again with GTK_THEME=Adwaita:dark for the dark pictures. */
  if (theme != NULL && strstr (theme, "dark") != NULL)
    return g_intern_string (g_strdup_printf ("%s-dark.png", base));
  return g_intern_string (g_strdup_printf ("%s.png", base));
}

/* Background syncs of the paused account, each answered by one error:
 * one connection each (no retry loop), no login, no second dialog. */
static void
sync_again (Fixture *f, guint times, GtkWidget *dialog_expected)
{
  for (guint i = 0; i < times; i++)
    {
      guint before_conn = f->connections, before_err = f->errors;

      tern_mail_context_sync_all (f->context);
      TERN_TEST_WAIT_UNTIL (f->errors > before_err &&
                            tern_mail_context_get_account_state (f->context, f->ts->account_id)
                              == TERN_WORKER_NEEDS_USER, TERN_TEST_WAIT_MS);
      g_assert_cmpuint (f->errors, ==, before_err + 1);
      g_assert_cmpuint (f->connections, ==, before_conn + 1);
      g_assert_true (tern_window_get_certificate_dialog (f->window) == dialog_expected);
    }
}

static void
test_changed_certificate (gconstpointer data)
{
  Fixture fx = { 0 }, *f = &fx;
  g_autofree char *good = fingerprint_of (TERN_TEST_CERT_GOOD);
  g_autofree char *other = fingerprint_of (TERN_TEST_CERT_SELF_SIGNED);
  g_autofree char *pin = NULL;
  g_autoptr(GError) error = NULL;
  TernCertificateDialog *dialog;
  guint logins, connections;
  const char *text;

  start (f, (GtkApplication *) data, good);
  g_assert_true (tern_test_wait_until (inbox_listed, f, TERN_TEST_WAIT_MS));
  g_assert_cmpuint (count_logins (f), >=, 1);

  /* The server gets a new certificate (and is restarted, as a renewal
   * would do); the next background sync meets it. */
  g_assert_true (tern_test_servers_stop_imap (f->servers, &error));
  g_assert_true (tern_test_servers_set_imap_cert (f->servers, TERN_TEST_CERT_SELF_SIGNED, &error));
  g_assert_true (tern_test_servers_start_imap (f->servers, &error));
  g_assert_no_error (error);
  relay_drop_all (f);
  logins = count_logins (f);
  tern_mail_context_sync_all (f->context);
  g_assert_true (tern_test_wait_until (dialog_shown, f, TERN_TEST_WAIT_MS));
  dialog = TERN_CERTIFICATE_DIALOG (tern_window_get_certificate_dialog (f->window));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (f->window));
  /* Old and new fingerprints, and the checks of the certificate dialog. */
  g_assert_cmpstr (tern_certificate_dialog_get_previous (dialog), ==, good);
  g_assert_cmpstr (tern_certificate_dialog_get_info (dialog)->sha256, ==, other);
  text = tern_certificate_dialog_get_checks (dialog);
  g_assert_nonnull (strstr (text, "Not the certificate you trusted before for localhost"));
  g_assert_nonnull (strstr (text, "Issuer: not one this computer trusts"));
  g_assert_nonnull (strstr (text, "Host name"));
  /* The event comes before the state change: the account is paused. */
  TERN_TEST_WAIT_UNTIL (tern_mail_context_get_account_state (f->context, f->ts->account_id)
                        == TERN_WORKER_NEEDS_USER, TERN_TEST_WAIT_MS);
  g_assert_cmpint (tern_mail_context_get_account_state (f->context, f->ts->account_id), ==,
                   TERN_WORKER_NEEDS_USER);
  tern_test_ui_save_screenshot (GTK_WIDGET (dialog), shot_name ("certificate-changed-dialog"));

  /* Paused: more background syncs, one connection each, no password. */
  TERN_TEST_WAIT_UNTIL (f->errors > 0, TERN_TEST_WAIT_MS);
  sync_again (f, 2, GTK_WIDGET (dialog));
  connections = f->connections;
  tern_test_run_for (2000);   /* nothing reconnects by itself */
  g_assert_cmpuint (f->connections, ==, connections);
  g_assert_cmpuint (count_logins (f), ==, logins);

  /* Cancel: still paused, a line says so, the pin is unchanged, and the
   * same certificate is not asked about again by background syncs. */
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_assert_null (tern_window_get_certificate_dialog (f->window));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (tern_window_get_error_bar (f->window))));
  text = tern_window_get_error_text (f->window);
  g_assert_nonnull (strstr (text, "Incoming mail for “Demo” is paused."));
  pin = account_pin (f);
  g_assert_cmpstr (pin, ==, good);
  g_clear_pointer (&pin, g_free);
  sync_again (f, 1, NULL);
  g_assert_cmpint (tern_mail_context_get_account_state (f->context, f->ts->account_id), ==,
                   TERN_WORKER_NEEDS_USER);
  text = tern_window_get_error_text (f->window);
  g_assert_nonnull (strstr (text, "waits for your decision"));
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), shot_name ("certificate-rejected-window"));
  g_assert_cmpuint (count_logins (f), ==, logins);

  /* Retry asks again; Trust pins the new one for host:port and resumes. */
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "retry",
                                  g_variant_new ("(xb)", f->ts->account_id, FALSE));
  g_assert_true (tern_test_wait_until (dialog_shown, f, TERN_TEST_WAIT_MS));
  g_assert_cmpuint (count_logins (f), ==, logins);
  dialog = TERN_CERTIFICATE_DIALOG (tern_window_get_certificate_dialog (f->window));
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  f->want_pin = other;
  g_assert_true (tern_test_wait_until (resumed, f, TERN_TEST_WAIT_MS));
  pin = account_pin (f);
  g_assert_nonnull (pin);
  g_assert_true (tern_certificate_fingerprint_equal (pin, other));
  g_assert_cmpuint (count_logins (f), >, logins);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (tern_window_get_error_bar (f->window))));
  stop (f);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GtkApplication) app = NULL;
  g_autoptr(GError) error = NULL;

  gtk_test_init (&argc, &argv, NULL);
  app = gtk_application_new ("io.github.ternmail.TernCertificateTest", G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_test_add_data_func ("/app/window-certificate/changed-during-sync", app, test_changed_certificate);
  return g_test_run ();
}
