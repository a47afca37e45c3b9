/* Hostile-server tests for the IMAP, POP3 and SMTP connect helpers, against
 * a scripted fake server: STARTTLS injection (the server answers OK and
 * appends plain-text bytes), STARTTLS not offered, PREAUTH downgrade, and
 * plain-text login refusals. In every case no credential may be sent. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "core/tern-error.h"
#include "imap/tern-imap-connect.h"
#include "pop3/tern-pop3-connect.h"
#include "smtp/tern-smtp-connect.h"
#include "tern-test-fake-server.h"

static TernServerConfig
config_for (TernFakeServer *server, TernSecurity security)
{
  TernServerConfig cfg = {
    .host = "127.0.0.1",
    .port = tern_fake_server_port (server),
    .security = security,
    .user = "alice",
    .timeout_seconds = 10,
  };
  return cfg;
}

static void
assert_no_credentials (GPtrArray *lines)
{
  g_assert_false (tern_fake_lines_have (lines, "LOGIN"));
  g_assert_false (tern_fake_lines_have (lines, "AUTHENTICATE"));
  g_assert_false (tern_fake_lines_have (lines, "AUTH"));
  g_assert_false (tern_fake_lines_have (lines, "USER"));
  g_assert_false (tern_fake_lines_have (lines, "PASS"));
  g_assert_false (tern_fake_lines_have (lines, "APOP"));
  for (guint i = 0; i < lines->len; i++)
    g_assert_null (strstr (g_ptr_array_index (lines, i), "secret"));
}

/* Runs one IMAP connect against a script and checks the error. */
static void
imap_case (const char *greeting, const TernFakeStep *steps, TernSecurity security,
           gboolean allow_plain, int expected_code)
{
  TernFakeServer *server = tern_fake_server_start (greeting, steps);
  TernServerConfig cfg = config_for (server, security);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  mailimap *imap;

  cfg.allow_plain = allow_plain;
  imap = tern_imap_connect (&cfg, "secret", NULL, NULL, &error);
  g_assert_null (imap);
  g_assert_error (error, TERN_ERROR, expected_code);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  lines = tern_fake_server_finish (server);
  assert_no_credentials (lines);
}

static void
test_imap_injection (void)
{
  static const TernFakeStep steps[] = {
    { "CAPABILITY", "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n{tag} OK done\r\n" },
    { "STARTTLS", "{tag} OK begin TLS now\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n" },
    { NULL, NULL }
  };
  imap_case ("* OK fake IMAP\r\n", steps, TERN_SECURITY_STARTTLS, FALSE, TERN_ERROR_PROTOCOL);
}

static void
test_imap_not_offered (void)
{
  static const TernFakeStep steps[] = {
    { "CAPABILITY", "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n" },
    { NULL, NULL }
  };
  imap_case ("* OK fake IMAP\r\n", steps, TERN_SECURITY_STARTTLS, FALSE, TERN_ERROR_NO_STARTTLS);
}

static void
test_imap_preauth_downgrade (void)
{
  static const TernFakeStep steps[] = { { NULL, NULL } };
  imap_case ("* PREAUTH welcome, no need for TLS\r\n", steps, TERN_SECURITY_STARTTLS, FALSE,
             TERN_ERROR_NO_STARTTLS);
}

static void
test_imap_logindisabled_plain (void)
{
  static const TernFakeStep steps[] = {
    { "CAPABILITY", "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n{tag} OK done\r\n" },
    { NULL, NULL }
  };
  imap_case ("* OK fake IMAP\r\n", steps, TERN_SECURITY_NONE, TRUE,
             TERN_ERROR_ENCRYPTION_REQUIRED);
}

static void
test_imap_plain_not_allowed (void)
{
  static const TernFakeStep steps[] = {
    { "CAPABILITY", "* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n" },
    { NULL, NULL }
  };
  imap_case ("* OK fake IMAP\r\n", steps, TERN_SECURITY_NONE, FALSE,
             TERN_ERROR_ENCRYPTION_REQUIRED);
}

static void
pop3_case (const TernFakeStep *steps, int expected_code)
{
  TernFakeServer *server = tern_fake_server_start ("+OK fake POP3 <1.2@fake>\r\n", steps);
  TernServerConfig cfg = config_for (server, TERN_SECURITY_STARTTLS);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = NULL;

  cfg.use_apop = TRUE;  /* even APOP must wait for TLS */
  g_assert_null (tern_pop3_connect (&cfg, "secret", NULL, NULL, &error));
  g_assert_error (error, TERN_ERROR, expected_code);
  lines = tern_fake_server_finish (server);
  assert_no_credentials (lines);
}

static void
test_pop3_injection (void)
{
  static const TernFakeStep steps[] = {
    { "CAPA", "+OK caps\r\nUSER\r\nSTLS\r\n.\r\n" },
    { "STLS", "+OK begin TLS\r\n+OK injected\r\n" },
    { NULL, NULL }
  };
  pop3_case (steps, TERN_ERROR_PROTOCOL);
}

static void
test_pop3_not_offered (void)
{
  static const TernFakeStep steps[] = {
    { "CAPA", "+OK caps\r\nUSER\r\nUIDL\r\n.\r\n" },
    { NULL, NULL }
  };
  pop3_case (steps, TERN_ERROR_NO_STARTTLS);
}

static void
smtp_case (const TernFakeStep *steps, int expected_code)
{
  TernFakeServer *server = tern_fake_server_start ("220 fake ESMTP\r\n", steps);
  TernServerConfig cfg = config_for (server, TERN_SECURITY_STARTTLS);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = NULL;

  g_assert_null (tern_smtp_connect (&cfg, "secret", NULL, NULL, &error));
  g_assert_error (error, TERN_ERROR, expected_code);
  lines = tern_fake_server_finish (server);
  assert_no_credentials (lines);
}

static void
test_smtp_injection (void)
{
  static const TernFakeStep steps[] = {
    { "EHLO", "250-fake\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 1000\r\n" },
    { "STARTTLS", "220 go ahead\r\n250-injected\r\n250 AUTH PLAIN\r\n" },
    { NULL, NULL }
  };
  smtp_case (steps, TERN_ERROR_PROTOCOL);
}

static void
test_smtp_not_offered (void)
{
  static const TernFakeStep steps[] = {
    { "EHLO", "250-fake\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 1000\r\n" },
    { NULL, NULL }
  };
  smtp_case (steps, TERN_ERROR_NO_STARTTLS);
}

/* A server that agrees to STARTTLS and hangs up: GnuTLS's reason sits in
 * our sentence without a doubled full stop. */
static void
test_imap_handshake_closed (void)
{
  static const TernFakeStep steps[] = {
    { "CAPABILITY", "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n{tag} OK done\r\n" },
    { "STARTTLS", "{tag} OK begin TLS now\r\n{close}" },
    { NULL, NULL }
  };
  TernFakeServer *server = tern_fake_server_start ("* OK fake IMAP\r\n", steps);
  TernServerConfig cfg = config_for (server, TERN_SECURITY_STARTTLS);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = NULL;

  g_assert_null (tern_imap_connect (&cfg, "secret", NULL, NULL, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == TERN_ERROR);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_assert_null (strstr (error->message, ".."));
  lines = tern_fake_server_finish (server);
  assert_no_credentials (lines);
}

/* A TLS record where the greeting belongs (security STARTTLS on a port
 * that speaks TLS at once): said at once, not after a timeout. */
static void
test_imap_tls_record_greeting (void)
{
  static const TernFakeStep steps[] = { { NULL, NULL } };
  TernFakeServer *server = tern_fake_server_start ("\x16\x03\x01\x00\x02\x02\x28", steps);
  TernServerConfig cfg = config_for (server, TERN_SECURITY_STARTTLS);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = NULL;

  g_assert_null (tern_imap_connect (&cfg, "secret", NULL, NULL, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_WRONG_SECURITY);
  g_assert_nonnull (strstr (error->message, "This port expects an encrypted connection from the "
                                            "start: choose TLS"));
  lines = tern_fake_server_finish (server);
  assert_no_credentials (lines);
}

/* "-ERR" without words: the sentence ends, no dangling colon. */
static void
test_pop3_refusing_greeting (void)
{
  static const TernFakeStep steps[] = { { NULL, NULL } };
  TernFakeServer *server = tern_fake_server_start ("-ERR\r\n", steps);
  TernServerConfig cfg = config_for (server, TERN_SECURITY_STARTTLS);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = NULL;

  g_assert_null (tern_pop3_connect (&cfg, "secret", NULL, NULL, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_CONNECTION_REFUSED);
  g_assert_true (g_str_has_suffix (error->message, "does not accept connections right now."));
  lines = tern_fake_server_finish (server);
  assert_no_credentials (lines);
}

/* EHLO names the loopback address, never this machine's host name (which
 * would end up in the Received header of every mail sent). */
static void
test_smtp_ehlo_anonymous (void)
{
  static const TernFakeStep steps[] = {
    { "EHLO", "250-fake\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 1000\r\n" },
    { NULL, NULL }
  };
  TernFakeServer *server = tern_fake_server_start ("220 fake ESMTP\r\n", steps);
  TernServerConfig cfg = config_for (server, TERN_SECURITY_STARTTLS);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  char hostname[256] = "";
  g_autofree char *ehlo_host = NULL;

  g_assert_null (tern_smtp_connect (&cfg, "secret", NULL, NULL, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NO_STARTTLS);
  lines = tern_fake_server_finish (server);
  g_assert_cmpuint (lines->len, >=, 1);
  g_assert_cmpstr (g_ptr_array_index (lines, 0), ==, "EHLO [127.0.0.1]");
  g_assert_cmpint (gethostname (hostname, sizeof hostname - 1), ==, 0);
  ehlo_host = g_strconcat ("EHLO ", hostname, NULL);
  g_assert_false (tern_fake_lines_have (lines, ehlo_host));
}

int
main (int argc, char *argv[])
{
  signal (SIGPIPE, SIG_IGN);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/starttls/imap/injection", test_imap_injection);
  g_test_add_func ("/starttls/imap/not-offered", test_imap_not_offered);
  g_test_add_func ("/starttls/imap/preauth-downgrade", test_imap_preauth_downgrade);
  g_test_add_func ("/starttls/imap/logindisabled-plain", test_imap_logindisabled_plain);
  g_test_add_func ("/starttls/imap/plain-not-allowed", test_imap_plain_not_allowed);
  g_test_add_func ("/starttls/pop3/injection", test_pop3_injection);
  g_test_add_func ("/starttls/pop3/not-offered", test_pop3_not_offered);
  g_test_add_func ("/starttls/smtp/injection", test_smtp_injection);
  g_test_add_func ("/starttls/smtp/not-offered", test_smtp_not_offered);
  g_test_add_func ("/starttls/imap/handshake-closed", test_imap_handshake_closed);
  g_test_add_func ("/starttls/imap/tls-record-greeting", test_imap_tls_record_greeting);
  g_test_add_func ("/starttls/pop3/refusing-greeting", test_pop3_refusing_greeting);
  g_test_add_func ("/smtp/ehlo-names-no-host", test_smtp_ehlo_anonymous);
  return g_test_run ();
}
