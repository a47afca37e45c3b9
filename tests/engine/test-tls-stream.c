/* TLS-level tests for tern-tls-stream against gnutls-serv and certificates
 * made with certtool: trust, every certificate problem, pins, timeouts,
 * cancellation from another thread, refused and unknown hosts. */
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "core/tern-error.h"
#include "tern-test-tls.h"
#include "tern-test-fake-server.h"
#include "net/tern-tls-stream.h"

typedef struct {
  TernTestPki *pki;
} Fixture;

static Fixture fx;

static TernServerConfig
config_for (guint16 port, TernSecurity security)
{
  TernServerConfig cfg = {
    .host = "localhost",
    .port = port,
    .security = security,
    .timeout_seconds = 10,
  };
  return cfg;
}

/* Opens a TLS stream to gnutls-serv serving the named certificate. */
static mailstream *
open_against (const char *cert_name, const char *pin,
              TernCertificateInfo **info, GError **error)
{
  TernTestTlsServer *server = tern_test_tls_server_start (fx.pki, cert_name);
  TernServerConfig cfg = config_for (tern_test_tls_server_port (server), TERN_SECURITY_TLS);
  mailstream *s;

  cfg.pinned_sha256 = pin;
  s = tern_tls_stream_open (&cfg, NULL, info, error);
  tern_test_tls_server_stop (server);
  return s;
}

static void
assert_echo (mailstream *s)
{
  MMAPString *line = mmap_string_new ("");
  const char *got;

  g_assert_cmpint (mailstream_write (s, "hello tern\r\n", 12), ==, 12);
  g_assert_cmpint (mailstream_flush (s), ==, 0);
  got = mailstream_read_line_remove_eol (s, line);
  g_assert_cmpstr (got, ==, "hello tern");
  mmap_string_free (line);
}

static void
test_trusted (void)
{
  TernTestTlsServer *server = tern_test_tls_server_start (fx.pki, "trusted");
  TernServerConfig cfg = config_for (tern_test_tls_server_port (server), TERN_SECURITY_TLS);
  g_autoptr(GError) error = NULL;
  TernCertificateInfo *info = NULL;
  mailstream *s = tern_tls_stream_open (&cfg, NULL, &info, &error);

  g_assert_no_error (error);
  g_assert_nonnull (s);
  g_assert_null (info);
  g_assert_true (tern_tls_stream_is_encrypted (s));
  assert_echo (s);
  g_assert_false (tern_tls_stream_get_failure (s, NULL));
  mailstream_close (s);
  tern_test_tls_server_stop (server);
}

/* End of stream is a failed read (-1), never 0: libetpan 1.9.4's literal
 * loop only stops on -1, so a server closing inside a literal spun the CPU.
 * The failure names no TLS error: the server just hung up. */
static void
assert_end_of_stream (mailstream *s)
{
  g_autoptr(GError) error = NULL;
  char buf[64];

  for (guint i = 0; i < 3; i++)   /* and stays so */
    g_assert_cmpint (mailstream_read (s, buf, sizeof buf), ==, -1);
  tern_tls_stream_propagate_failure (s, "localhost", "a test", &error);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_CONNECTION_LOST);
  g_assert_nonnull (strstr (error->message, "closed by the server"));
  g_assert_null (strstr (error->message, "encrypted"));
}

static void
test_tls_end_of_stream (void)
{
  TernTestTlsServer *server = tern_test_tls_server_start (fx.pki, "trusted");
  TernServerConfig cfg = config_for (tern_test_tls_server_port (server), TERN_SECURITY_TLS);
  g_autoptr(GError) error = NULL;
  mailstream *s = tern_tls_stream_open (&cfg, NULL, NULL, &error);

  g_assert_no_error (error);
  assert_echo (s);
  tern_test_tls_server_stop (server);   /* hangs up without close_notify */
  assert_end_of_stream (s);
  mailstream_close (s);
}

static void
test_plain_end_of_stream (void)
{
  static const TernFakeStep steps[] = { { NULL, NULL } };
  TernFakeServer *server = tern_fake_server_start ("hello\r\n{close}", steps);
  TernServerConfig cfg = config_for (tern_fake_server_port (server), TERN_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  mailstream *s = tern_tls_stream_open (&cfg, NULL, NULL, &error);
  char buf[7] = "";

  g_assert_no_error (error);
  g_assert_cmpint (mailstream_read (s, buf, 7), ==, 7);
  g_assert_cmpmem (buf, 7, "hello\r\n", 7);
  lines = tern_fake_server_finish (server);
  assert_end_of_stream (s);
  mailstream_close (s);
}

static TernCertificateInfo *
expect_certificate_error (const char *cert_name, const char *pin)
{
  g_autoptr(GError) error = NULL;
  TernCertificateInfo *info = NULL;
  mailstream *s = open_against (cert_name, pin, &info, &error);

  g_assert_null (s);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_CERTIFICATE);
  g_assert_nonnull (info);
  g_assert_cmpstr (info->host, ==, "localhost");
  g_assert_cmpuint (strlen (info->sha256), ==, 32 * 3 - 1);
  g_assert_true (g_str_has_prefix (info->pem, "-----BEGIN CERTIFICATE-----"));
  g_assert_nonnull (info->not_before);
  g_assert_nonnull (info->not_after);
  g_assert_cmpstr (info->description, !=, "");
  g_assert_nonnull (strstr (error->message, info->description));
  {
    g_autofree char *fp = tern_test_pki_fingerprint (fx.pki, cert_name);
    g_assert_cmpstr (info->sha256, ==, fp);
  }
  return info;
}

static void
test_self_signed (void)
{
  g_autoptr(TernCertificateInfo) info = expect_certificate_error ("self-signed", NULL);
  g_autoptr(TernCertificateInfo) copy = NULL;
  GValue v = G_VALUE_INIT;

  g_assert_cmpuint (info->problems, ==,
                    TERN_CERTIFICATE_PROBLEM_SELF_SIGNED | TERN_CERTIFICATE_PROBLEM_UNTRUSTED);
  g_assert_nonnull (strstr (info->subject, "localhost"));
  g_assert_cmpstr (info->subject, ==, info->issuer);
  g_assert_nonnull (strstr (info->description, "self-signed"));

  /* The boxed type copies deeply. */
  g_value_init (&v, TERN_TYPE_CERTIFICATE_INFO);
  g_value_set_boxed (&v, info);
  copy = g_value_dup_boxed (&v);
  g_value_unset (&v);
  g_assert_cmpstr (copy->sha256, ==, info->sha256);
  g_assert_true (copy->sha256 != info->sha256);
}

static void
test_wrong_host (void)
{
  g_autoptr(TernCertificateInfo) info = expect_certificate_error ("wrong-host", NULL);

  g_assert_cmpuint (info->problems, ==, TERN_CERTIFICATE_PROBLEM_WRONG_HOST);
  g_assert_nonnull (strstr (info->description, "wrong.example"));
  g_assert_nonnull (strstr (info->issuer, "Tern Test CA"));
}

static void
test_expired (void)
{
  g_autoptr(TernCertificateInfo) info = expect_certificate_error ("expired", NULL);

  g_assert_cmpuint (info->problems, ==, TERN_CERTIFICATE_PROBLEM_EXPIRED);
  g_assert_cmpint (g_date_time_get_year (info->not_after), ==, 2020);
}

static void
test_not_yet_active (void)
{
  g_autoptr(TernCertificateInfo) info = expect_certificate_error ("not-yet-active", NULL);

  g_assert_cmpuint (info->problems, ==, TERN_CERTIFICATE_PROBLEM_NOT_YET_ACTIVE);
}

static void
test_pinned_accepted (void)
{
  g_autofree char *fp = tern_test_pki_fingerprint (fx.pki, "self-signed");
  g_autofree char *lower = g_ascii_strdown (fp, -1);
  g_autoptr(GError) error = NULL;
  TernCertificateInfo *info = NULL;
  mailstream *s;

  /* The pin is compared without regard to case. */
  s = open_against ("self-signed", lower, &info, &error);
  g_assert_no_error (error);
  g_assert_nonnull (s);
  g_assert_null (info);
  mailstream_close (s);
}

static void
test_pin_mismatch (void)
{
  g_autofree char *other = tern_test_pki_fingerprint (fx.pki, "trusted");
  g_autoptr(TernCertificateInfo) info = expect_certificate_error ("self-signed", other);

  g_assert_true (info->problems & TERN_CERTIFICATE_PROBLEM_CHANGED);
  g_assert_true (info->problems & TERN_CERTIFICATE_PROBLEM_SELF_SIGNED);
  g_assert_nonnull (strstr (info->description, "not the one you accepted"));
}

static void
test_pin_stale_but_valid (void)
{
  /* A pinned host that moved to a certificate that verifies is accepted. */
  g_autofree char *old = tern_test_pki_fingerprint (fx.pki, "self-signed");
  g_autoptr(GError) error = NULL;
  mailstream *s = open_against ("trusted", old, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (s);
  mailstream_close (s);
}

static void
test_pin_does_not_excuse_other_certs (void)
{
  /* An empty or partial pin never matches anything. */
  g_assert_false (tern_certificate_fingerprint_equal ("", ""));
  g_assert_false (tern_certificate_fingerprint_equal ("AB:CD", "abcd"));
}

static void
test_timeout (void)
{
  guint16 port;
  int listener = tern_test_silent_listener (&port);
  TernServerConfig cfg = config_for (port, TERN_SECURITY_TLS);
  g_autoptr(GError) error = NULL;
  mailstream *s;

  cfg.host = "127.0.0.1";
  cfg.timeout_seconds = 1;
  s = tern_tls_stream_open (&cfg, NULL, NULL, &error);
  g_assert_null (s);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  close (listener);
}

static void
test_plain_read_timeout (void)
{
  guint16 port;
  int listener = tern_test_silent_listener (&port);
  TernServerConfig cfg = config_for (port, TERN_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  char buf[16];
  mailstream *s;

  cfg.host = "127.0.0.1";
  s = tern_tls_stream_open (&cfg, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (tern_tls_stream_is_encrypted (s));
  tern_tls_stream_set_timeout (s, 1);
  g_assert_cmpint (mailstream_read (s, buf, sizeof buf), ==, -1);
  g_assert_true (tern_tls_stream_get_failure (s, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_TIMED_OUT);
  mailstream_close (s);
  close (listener);
}

typedef struct {
  int listener;
  mailstream *stream;
  GCancellable *cancellable;
} CancelJob;

/* Waits (bounded) until the client's connection reached the listener,
 * then cancels: the client is then blocked in, or about to block in, a
 * read that only the cancel can end. */
static gpointer
cancel_thread (gpointer data)
{
  CancelJob *job = data;
  struct pollfd pfd = { job->listener, POLLIN, 0 };

  g_assert_cmpint (poll (&pfd, 1, 30 * 1000), ==, 1);
  if (job->stream)
    mailstream_cancel (job->stream);
  else
    g_cancellable_cancel (job->cancellable);
  return NULL;
}

static void
test_cancel_read_from_thread (void)
{
  guint16 port;
  CancelJob job = { tern_test_silent_listener (&port), NULL, NULL };
  TernServerConfig cfg = config_for (port, TERN_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  GThread *thread;
  char buf[16];

  cfg.host = "127.0.0.1";
  cfg.timeout_seconds = 120;  /* only the cancel can end the read in time */
  job.stream = tern_tls_stream_open (&cfg, NULL, NULL, &error);
  g_assert_no_error (error);
  thread = g_thread_new ("cancel", cancel_thread, &job);
  g_assert_cmpint (mailstream_read (job.stream, buf, sizeof buf), ==, -1);
  g_thread_join (thread);
  g_assert_true (tern_tls_stream_get_failure (job.stream, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* Cancellation is permanent. */
  g_assert_cmpint (mailstream_write (job.stream, "x", 1), ==, 1);
  g_assert_cmpint (mailstream_flush (job.stream), ==, -1);
  mailstream_close (job.stream);
  close (job.listener);
}

static void
test_cancel_handshake_from_thread (void)
{
  guint16 port;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CancelJob job = { tern_test_silent_listener (&port), NULL, cancellable };
  TernServerConfig cfg = config_for (port, TERN_SECURITY_TLS);
  g_autoptr(GError) error = NULL;
  GThread *thread = g_thread_new ("cancel", cancel_thread, &job);
  mailstream *s;

  cfg.host = "127.0.0.1";
  cfg.timeout_seconds = 120;
  s = tern_tls_stream_open (&cfg, cancellable, NULL, &error);
  g_thread_join (thread);
  g_assert_null (s);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  close (job.listener);
}

static void
test_connection_refused (void)
{
  guint16 port = tern_test_closed_port ();
  TernServerConfig cfg = config_for (port, TERN_SECURITY_TLS);
  g_autoptr(GError) error = NULL;
  g_autofree char *port_str = g_strdup_printf ("%u", port);

  cfg.host = "127.0.0.1";
  g_assert_null (tern_tls_stream_open (&cfg, NULL, NULL, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_CONNECTION_REFUSED);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_assert_nonnull (strstr (error->message, port_str));
}

static void
test_host_not_found (void)
{
  TernServerConfig cfg = config_for (993, TERN_SECURITY_TLS);
  g_autoptr(GError) error = NULL;

  cfg.host = "no-such-host.invalid";
  g_assert_null (tern_tls_stream_open (&cfg, NULL, NULL, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_HOST_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no-such-host.invalid"));
}

typedef struct {
  mailstream *stream;
} IdleJob;

static gpointer
interrupt_thread (gpointer data)
{
  mailstream_interrupt_idle (((IdleJob *) data)->stream);
  return NULL;
}

static void
test_wait_idle (void)
{
  TernTestTlsServer *server = tern_test_tls_server_start (fx.pki, "trusted");
  TernServerConfig cfg = config_for (tern_test_tls_server_port (server), TERN_SECURITY_TLS);
  g_autoptr(GError) error = NULL;
  IdleJob job = { tern_tls_stream_open (&cfg, NULL, NULL, &error) };
  MMAPString *line = mmap_string_new ("");
  GThread *thread;

  g_assert_no_error (error);
  g_assert_cmpint (mailstream_setup_idle (job.stream), ==, 0);

  /* Interrupted from another thread. */
  thread = g_thread_new ("interrupt", interrupt_thread, &job);
  g_thread_join (thread);
  g_assert_cmpint (tern_tls_stream_wait_idle (job.stream, 30), ==, MAILSTREAM_IDLE_INTERRUPTED);
  /* TLS 1.3 session tickets made the socket readable; that is no data. */
  g_assert_cmpint (tern_tls_stream_wait_idle (job.stream, 0), ==, MAILSTREAM_IDLE_TIMEOUT);

  /* Data from the server wakes it; libetpan's own wait works on our driver. */
  g_assert_cmpint (mailstream_write (job.stream, "one\r\ntwo\r\n", 10), ==, 10);
  g_assert_cmpint (mailstream_flush (job.stream), ==, 0);
  g_assert_cmpint (mailstream_wait_idle (job.stream, 30), ==, MAILSTREAM_IDLE_HASDATA);
  g_assert_cmpstr (mailstream_read_line_remove_eol (job.stream, line), ==, "one");
  /* "two" may sit in libetpan's buffer where poll() cannot see it. */
  if (job.stream->read_buffer_len > 0)
    g_assert_cmpint (tern_tls_stream_wait_idle (job.stream, 30), ==, MAILSTREAM_IDLE_HASDATA);
  g_assert_cmpstr (mailstream_read_line_remove_eol (job.stream, line), ==, "two");
  g_assert_cmpint (tern_tls_stream_wait_idle (job.stream, 0), ==, MAILSTREAM_IDLE_TIMEOUT);

  /* A cancel ends the idle wait and stays. */
  mailstream_cancel (job.stream);
  g_assert_cmpint (tern_tls_stream_wait_idle (job.stream, 30), ==, MAILSTREAM_IDLE_CANCELLED);
  g_assert_cmpint (tern_tls_stream_wait_idle (job.stream, 30), ==, MAILSTREAM_IDLE_CANCELLED);

  mailstream_unsetup_idle (job.stream);
  mmap_string_free (line);
  mailstream_close (job.stream);
  tern_test_tls_server_stop (server);
}

int
main (int argc, char *argv[])
{
  int r;

  signal (SIGPIPE, SIG_IGN);
  g_test_init (&argc, &argv, NULL);
  fx.pki = tern_test_pki_new ();
  g_setenv ("TERN_EXTRA_CA_FILE", tern_test_pki_ca_file (fx.pki), TRUE);

  g_test_add_func ("/tls/trusted", test_trusted);
  g_test_add_func ("/tls/self-signed", test_self_signed);
  g_test_add_func ("/tls/wrong-host", test_wrong_host);
  g_test_add_func ("/tls/expired", test_expired);
  g_test_add_func ("/tls/not-yet-active", test_not_yet_active);
  g_test_add_func ("/tls/pinned-accepted", test_pinned_accepted);
  g_test_add_func ("/tls/pin-mismatch", test_pin_mismatch);
  g_test_add_func ("/tls/pin-stale-but-valid", test_pin_stale_but_valid);
  g_test_add_func ("/tls/pin-partial", test_pin_does_not_excuse_other_certs);
  g_test_add_func ("/tls/timeout", test_timeout);
  g_test_add_func ("/tls/plain-read-timeout", test_plain_read_timeout);
  g_test_add_func ("/tls/cancel-read-from-thread", test_cancel_read_from_thread);
  g_test_add_func ("/tls/cancel-handshake-from-thread", test_cancel_handshake_from_thread);
  g_test_add_func ("/tls/connection-refused", test_connection_refused);
  g_test_add_func ("/tls/host-not-found", test_host_not_found);
  g_test_add_func ("/tls/wait-idle", test_wait_idle);
  g_test_add_func ("/tls/end-of-stream", test_tls_end_of_stream);
  g_test_add_func ("/tls/plain-end-of-stream", test_plain_end_of_stream);
  r = g_test_run ();
  tern_test_pki_free (fx.pki);
  return r;
}
