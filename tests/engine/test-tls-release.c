/* TERN_EXTRA_CA_FILE is a test hook: the TLS code built as a release build
 * builds it (-DTERN_TEST_HOOKS=0, linked whole into this test ahead of the
 * engine's own copy) trusts only the system, whatever the variable says.
 * The same server, certificate and variable that test-tls-stream trusts
 * must give a certificate error here. */
#include <signal.h>

#include "core/tern-error.h"
#include "net/tern-tls-stream.h"
#include "tern-test-tls.h"

static void
test_extra_ca_ignored (void)
{
  g_autoptr(TernTestPki) pki = tern_test_pki_new ();
  TernTestTlsServer *server = NULL;
  TernServerConfig cfg = { .host = "localhost", .security = TERN_SECURITY_TLS,
                           .timeout_seconds = 10 };
  g_autoptr(GError) error = NULL;
  TernCertificateInfo *info = NULL;
  mailstream *s;

  g_setenv ("TERN_EXTRA_CA_FILE", tern_test_pki_ca_file (pki), TRUE);
  server = tern_test_tls_server_start (pki, "trusted");
  cfg.port = tern_test_tls_server_port (server);
  s = tern_tls_stream_open (&cfg, NULL, &info, &error);
  g_assert_null (s);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_CERTIFICATE);
  g_assert_nonnull (info);
  g_assert_true (info->problems & TERN_CERTIFICATE_PROBLEM_UNTRUSTED);
  tern_certificate_info_free (info);
  tern_test_tls_server_stop (server);
}

int
main (int argc, char *argv[])
{
  signal (SIGPIPE, SIG_IGN);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tls/release/extra-ca-ignored", test_extra_ca_ignored);
  return g_test_run ();
}
