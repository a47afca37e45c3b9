/* The SASL side of OAuth2 (issue 17): the exact bytes of OAUTHBEARER
 * (RFC 7628) and XOAUTH2 initial responses, the server's error payload read
 * into "sign in again", and XOAUTH2 over IMAP as Gmail answers a refused
 * token (a scripted server: the harness's Dovecot offers OAUTHBEARER,
 * which Tern prefers, so Gmail's XOAUTH2 refusal is played here). */
#include <string.h>

#include "core/tern-error.h"
#include "imap/tern-imap-connect.h"
#include "net/tern-oauth-sasl.h"
#include "tern-test-fake-server.h"

static char *
decoded (const char *b64, gsize *len)
{
  return (char *) g_base64_decode (b64, len);
}

static void
test_initial_responses (void)
{
  g_autofree char *bearer = tern_sasl_oauth_initial_response (
      TERN_SASL_OAUTHBEARER, "a,b=c@example.org", "imap.example.org", 993, "TOKEN");
  g_autofree char *xoauth = tern_sasl_oauth_initial_response (
      TERN_SASL_XOAUTH2, "alice@example.org", "imap.example.org", 993, "TOKEN");
  g_autofree char *b = NULL;
  g_autofree char *x = NULL;
  gsize blen, xlen;
  static const char want_b[] =
    "n,a=a=2Cb=3Dc@example.org,\001host=imap.example.org\001port=993\001auth=Bearer TOKEN\001\001";
  static const char want_x[] = "user=alice@example.org\001auth=Bearer TOKEN\001\001";

  b = decoded (bearer, &blen);
  x = decoded (xoauth, &xlen);
  g_assert_cmpmem (b, blen, want_b, sizeof want_b - 1);
  g_assert_cmpmem (x, xlen, want_x, sizeof want_x - 1);
  g_assert_cmpstr (tern_sasl_oauth_abort_response (TERN_SASL_OAUTHBEARER), ==, "AQ==");
  g_assert_cmpstr (tern_sasl_oauth_abort_response (TERN_SASL_XOAUTH2), ==, "");
}

static void
test_choose (void)
{
  g_autoptr(GError) error = NULL;
  TernSaslOAuth mech;

  g_assert_true (tern_sasl_oauth_choose (TRUE, TRUE, "h", FALSE, &mech, NULL));
  g_assert_cmpint (mech, ==, TERN_SASL_OAUTHBEARER);
  g_assert_true (tern_sasl_oauth_choose (FALSE, TRUE, "h", FALSE, &mech, NULL));
  g_assert_cmpint (mech, ==, TERN_SASL_XOAUTH2);
  g_assert_false (tern_sasl_oauth_choose (FALSE, FALSE, "smtp.example.org", TRUE, &mech, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "outgoing mail server smtp.example.org"));
}

static void
test_refused_payloads (void)
{
  static const struct { const char *json; const char *says; } cases[] = {
    { "{\"status\":\"invalid_token\",\"schemes\":\"bearer\"}", "expired or was revoked" },
    { "{\"status\":\"401\",\"schemes\":\"Bearer\"}", "expired or was revoked" },
    { "{\"status\":\"insufficient_scope\"}", "not allowed access to mail" },
    { "not json at all", "expired or was revoked" },
    { "{\"status\":12}", "expired or was revoked" },
    { "", "expired or was revoked" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *b64 = g_base64_encode ((const guchar *) cases[i].json,
                                              strlen (cases[i].json));
      g_autoptr(GError) error = NULL;

      tern_sasl_oauth_refused (b64, "imap.example.org", "alice", i % 2 == 1, &error);
      g_assert_error (error, TERN_ERROR, TERN_ERROR_SIGN_IN_AGAIN);
      g_assert_nonnull (strstr (error->message, cases[i].says));
      g_assert_nonnull (strstr (error->message, "Sign in again"));
      g_assert_nonnull (strstr (error->message, i % 2 == 1 ? "outgoing mail" : "incoming mail"));
      g_assert_null (strstr (error->message, "password"));
    }
}

/* Gmail's answer to a token it no longer takes: a JSON status in a
 * continuation, and NO after the client's empty line. */
static void
test_imap_xoauth2_refused (void)
{
  static const TernFakeStep steps[] = {
    { "CAPABILITY", "* CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2 AUTH=PLAIN\r\n{tag} OK done\r\n" },
    { "AUTHENTICATE XOAUTH2 ", "+ eyJzdGF0dXMiOiI0MDAiLCJzY2hlbWVzIjoiQmVhcmVyIiwic2NvcGUiOiJodHRw"
                              "czovL21haWwuZ29vZ2xlLmNvbS8ifQ==\r\n" },
    { "", "2 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)\r\n" },
    { NULL, NULL }
  };
  TernFakeServer *server = tern_fake_server_start ("* OK Gimap ready\r\n", steps);
  TernServerConfig cfg = {
    .host = "127.0.0.1", .port = tern_fake_server_port (server),
    .security = TERN_SECURITY_NONE, .allow_plain = TRUE, .user = "alice@gmail.com",
    .timeout_seconds = 10, .oauth2 = TRUE,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  mailimap *imap = tern_imap_connect (&cfg, "ya29.expired", NULL, NULL, &error);

  g_assert_null (imap);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_SIGN_IN_AGAIN);
  g_assert_nonnull (strstr (error->message, "incoming mail server 127.0.0.1"));
  g_assert_nonnull (strstr (error->message, "status 400"));
  lines = tern_fake_server_finish (server);
  /* The initial response on the command line (SASL-IR), then the empty
   * acknowledgement of the error challenge. */
  g_assert_true (tern_fake_lines_have (lines, "AUTHENTICATE XOAUTH2 dXNlcj1hbGljZUBnbWFpbC5jb20B"));
  g_assert_cmpstr (g_ptr_array_index (lines, lines->len - 1), ==, "");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/oauth-sasl/initial-responses", test_initial_responses);
  g_test_add_func ("/oauth-sasl/choose", test_choose);
  g_test_add_func ("/oauth-sasl/refused-payloads", test_refused_payloads);
  g_test_add_func ("/oauth-sasl/imap-xoauth2-refused", test_imap_xoauth2_refused);
  return g_test_run ();
}
