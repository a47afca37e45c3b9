/* The protocol trace (TERN_DEBUG=imap,pop3,smtp): what it shows and, above
 * all, what it never shows.
 *
 * The parser on its own first (chunking, literals, bodies), then the real
 * thing: Tern's connect code against the harness's Dovecot and Postfix with
 * TERN_DEBUG set and stderr captured, for IMAP LOGIN, IMAP AUTHENTICATE
 * PLAIN, POP3 USER/PASS, SMTP AUTH PLAIN and SMTP AUTH LOGIN. The password
 * must appear nowhere, neither plain nor in the base64 forms the SASL
 * mechanisms send. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "imap/tern-imap-connect.h"
#include "net/tern-protocol-trace.h"
#include "net/tern-tls-stream.h"
#include "pop3/tern-pop3-connect.h"
#include "smtp/tern-smtp-connect.h"
#include "tern-test-servers.h"

#define PASSWORD "Tr4ce-pw\"with quote"

/* ---- the parser ---- */

static void
collect (TernTraceProtocol protocol, const char *server, char direction, const char *line,
         gpointer user_data)
{
  g_string_append_printf (user_data, "%c: %s\n", direction, line);
}

/* Feeds @script (lines starting "C:" or "S:", CRLF added) one byte at a
 * time, so every line is cut across writes, and returns the trace. */
static char *
trace_script (TernTraceProtocol protocol, const char *const *script)
{
  GString *out = g_string_new (NULL);
  TernProtocolTrace *trace = tern_protocol_trace_new_with_func (protocol, "example.org", 1,
                                                                collect, out);

  for (guint i = 0; script[i] != NULL; i++)
    {
      g_autofree char *bytes = g_strconcat (script[i] + 2, "\r\n", NULL);

      for (gsize j = 0; bytes[j] != '\0'; j++)
        {
          if (script[i][0] == 'C')
            tern_protocol_trace_sent (trace, bytes + j, 1);
          else
            tern_protocol_trace_received (trace, bytes + j, 1);
        }
    }
  tern_protocol_trace_free (trace);
  return g_string_free (out, FALSE);
}

static void
test_imap_redaction (void)
{
  static const char *const script[] = {
    "S:* OK ready",
    "C:1 LOGIN alice \"s3cret\\\"pw\"",
    "S:1 OK logged in",
    "C:2 AUTHENTICATE PLAIN",
    "S:+ ",
    "C:AGFsaWNlAHMzY3JldA==",
    "S:2 OK done",
    "C:3 LOGIN {5}",
    "S:+ go on",
    "C:alice {6}",
    "S:+ go on",
    "C:s3cret",
    "S:3 NO no",
    "C:4 SELECT INBOX",
    "S:4 OK selected",
    NULL,
  };
  g_autofree char *out = trace_script (TERN_TRACE_IMAP, script);

  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "C: 1 LOGIN alice ***\n"));
  g_assert_nonnull (strstr (out, "C: 2 AUTHENTICATE PLAIN\nS: + \nC: ***\nS: 2 OK done\n"));
  g_assert_nonnull (strstr (out, "C: 3 LOGIN ***\n"));
  g_assert_nonnull (strstr (out, "C: 4 SELECT INBOX\n"));
  g_assert_null (strstr (out, "s3cret"));
  g_assert_null (strstr (out, "AGFsaWNl"));
}

static void
test_imap_literal (void)
{
  static const char *const script[] = {
    "C:5 UID FETCH 1 BODY.PEEK[]",
    "S:* 1 FETCH (UID 1 BODY[] {13}",
    "S:Hello World",      /* with its CRLF, the 13 bytes of the literal */
    "S:)",
    "S:5 OK done",
    NULL,
  };
  g_autofree char *out = trace_script (TERN_TRACE_IMAP, script);

  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "S: * 1 FETCH (UID 1 BODY[] {13}\nS: [13 bytes]\nS: )\nS: 5 OK done\n"));
  g_assert_null (strstr (out, "Hello"));
}

static void
test_pop3_redaction (void)
{
  static const char *const script[] = {
    "S:+OK ready",
    "C:USER alice",
    "S:+OK",
    "C:PASS s3cret",
    "S:+OK logged in",
    "C:AUTH PLAIN AGFsaWNlAHMzY3JldA==",
    "S:-ERR already",
    "C:RETR 1",
    "S:+OK 20 octets",
    "S:Subject: private",
    "S:",
    "S:..dot-stuffed",
    "S:.",
    "C:QUIT",
    NULL,
  };
  g_autofree char *out = trace_script (TERN_TRACE_POP3, script);

  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "C: USER alice\n"));
  g_assert_nonnull (strstr (out, "C: PASS ***\n"));
  g_assert_nonnull (strstr (out, "C: AUTH PLAIN ***\n"));
  g_assert_nonnull (strstr (out, "S: +OK 20 octets\nS: [message, 35 bytes]\nS: .\nC: QUIT\n"));
  g_assert_null (strstr (out, "s3cret"));
  g_assert_null (strstr (out, "private"));
}

static void
test_smtp_redaction (void)
{
  static const char *const script[] = {
    "S:220 ready",
    "C:AUTH LOGIN",
    "S:334 VXNlcm5hbWU6",
    "C:YWxpY2U=",
    "S:334 UGFzc3dvcmQ6",
    "C:czNjcmV0",
    "S:235 2.7.0 Authentication successful",
    "C:DATA",
    "S:354 go ahead",
    "C:Subject: private",
    "C:",
    "C:.",
    "S:250 queued",
    NULL,
  };
  g_autofree char *out = trace_script (TERN_TRACE_SMTP, script);

  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "C: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\nC: ***\nS: 334 UGFzc3dvcmQ6\n"
                                 "C: ***\nS: 235"));
  g_assert_nonnull (strstr (out, "C: [message, 20 bytes]\nC: .\nS: 250 queued\n"));
  g_assert_null (strstr (out, "czNjcmV0"));
  g_assert_null (strstr (out, "private"));
}

/* Control bytes and endless lines from a hostile server stay readable. */
static void
test_hostile_lines (void)
{
  g_autoptr(GString) out = g_string_new (NULL);
  TernProtocolTrace *trace = tern_protocol_trace_new_with_func (TERN_TRACE_IMAP, "h", 1, collect, out);
  g_autofree char *huge = g_strnfill (100000, 'x');
  static const char colours[] = "* OK \033[31m\0red\r\n";

  tern_protocol_trace_received (trace, colours, sizeof colours - 1);
  tern_protocol_trace_received (trace, huge, 100000);
  tern_protocol_trace_received (trace, "\r\n", 2);
  tern_protocol_trace_free (trace);
  g_test_message ("%.200s", out->str);
  g_assert_nonnull (strstr (out->str, "S: * OK \\x1B[31m\\x00red\n"));
  g_assert_nonnull (strstr (out->str, "… (99000 more bytes)\n"));
  g_assert_cmpuint (out->len, <, 2000);
}

/* Off unless asked for: TERN_DEBUG names the protocol, or G_MESSAGES_DEBUG
 * its log domain. */
static void
test_enabled_by_env (void)
{
  g_autofree char *saved = g_strdup (g_getenv ("G_MESSAGES_DEBUG"));
  TernProtocolTrace *t;

  g_unsetenv ("TERN_DEBUG");
  g_unsetenv ("G_MESSAGES_DEBUG");
  g_assert_null (tern_protocol_trace_new (TERN_TRACE_IMAP, "h", 1));
  g_setenv ("TERN_DEBUG", "pop3, SMTP", TRUE);
  g_assert_null (tern_protocol_trace_new (TERN_TRACE_IMAP, "h", 1));
  t = tern_protocol_trace_new (TERN_TRACE_SMTP, "h", 1);
  g_assert_nonnull (t);
  tern_protocol_trace_free (t);
  g_setenv ("TERN_DEBUG", "all", TRUE);
  t = tern_protocol_trace_new (TERN_TRACE_IMAP, "h", 1);
  g_assert_nonnull (t);
  tern_protocol_trace_free (t);
  g_unsetenv ("TERN_DEBUG");
  g_setenv ("G_MESSAGES_DEBUG", "tern-store tern-pop3", TRUE);
  g_assert_null (tern_protocol_trace_new (TERN_TRACE_IMAP, "h", 1));
  t = tern_protocol_trace_new (TERN_TRACE_POP3, "h", 1);
  g_assert_nonnull (t);
  tern_protocol_trace_free (t);
  if (saved != NULL)
    g_setenv ("G_MESSAGES_DEBUG", saved, TRUE);
  else
    g_unsetenv ("G_MESSAGES_DEBUG");
}

/* ---- against the real servers ---- */

static TernTestServers *servers;

typedef struct {
  int saved;
  char *path;
} Capture;

/* Sends stderr (where TERN_DEBUG prints) to a file until capture_end(). */
static void
capture_begin (Capture *c)
{
  int fd = g_file_open_tmp ("tern-trace-XXXXXX", &c->path, NULL);

  g_assert_cmpint (fd, >=, 0);
  fflush (stderr);
  c->saved = dup (STDERR_FILENO);
  g_assert_cmpint (dup2 (fd, STDERR_FILENO), ==, STDERR_FILENO);
  close (fd);
  g_setenv ("TERN_DEBUG", "imap,pop3,smtp", TRUE);
}

static char *
capture_end (Capture *c)
{
  char *text = NULL;

  g_unsetenv ("TERN_DEBUG");
  fflush (stderr);
  dup2 (c->saved, STDERR_FILENO);
  close (c->saved);
  g_assert_true (g_file_get_contents (c->path, &text, NULL, NULL));
  g_unlink (c->path);
  g_free (c->path);
  g_test_message ("%s", text);
  return text;
}

/* Neither the password nor any base64 form a mechanism could send of it. */
static void
assert_no_password (const char *trace)
{
  g_autofree char *b64_password = g_base64_encode ((const guchar *) PASSWORD, strlen (PASSWORD));
  static const char plain[] = "alice\0alice\0" PASSWORD;
  static const char plain_short[] = "\0alice\0" PASSWORD;
  g_autofree char *b64_plain = g_base64_encode ((const guchar *) plain, sizeof plain - 1);
  g_autofree char *b64_plain_short = g_base64_encode ((const guchar *) plain_short,
                                                      sizeof plain_short - 1);
  g_autofree char *b64_head = g_strndup (b64_password, 12);

  g_assert_null (strstr (trace, "Tr4ce-pw"));
  g_assert_null (strstr (trace, b64_password));
  g_assert_null (strstr (trace, b64_plain));
  g_assert_null (strstr (trace, b64_plain_short));
  /* Part of it: the first 12 characters of the password's own encoding. */
  g_assert_null (strstr (trace, b64_head));
}

static TernServerConfig
config (TernTestService which)
{
  TernServerConfig cfg = { 0 };

  cfg.host = tern_test_servers_host (servers);
  cfg.port = tern_test_servers_port (servers, which);
  cfg.security = TERN_SECURITY_TLS;
  cfg.user = "alice";
  return cfg;
}

static gboolean
have_servers (void)
{
  if (servers == NULL)
    {
      g_test_skip ("the test servers did not start");
      return FALSE;
    }
  return TRUE;
}

static void
test_imap_login (void)
{
  TernServerConfig cfg;
  g_autoptr(GError) error = NULL;
  g_autofree char *trace = NULL;
  Capture c;
  mailimap *imap;

  if (!have_servers ())
    return;
  cfg = config (TERN_TEST_IMAPS);
  capture_begin (&c);
  imap = tern_imap_connect (&cfg, PASSWORD, NULL, NULL, &error);
  tern_imap_close (imap, TRUE);
  trace = capture_end (&c);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (trace, "tern-imap: localhost:"));
  g_assert_nonnull (strstr (trace, "*: connected with TLS"));
  g_assert_nonnull (strstr (trace, " S: * OK "));
  g_assert_nonnull (strstr (trace, " LOGIN alice ***\n"));
  g_assert_nonnull (strstr (trace, " LOGOUT\n"));
  assert_no_password (trace);
}

/* STARTTLS on the plain port, then AUTHENTICATE PLAIN, the way log_in()
 * does it when a server has no LOGIN. */
static void
test_imap_authenticate_plain (void)
{
  TernServerConfig cfg;
  g_autoptr(GError) error = NULL;
  g_autofree char *trace = NULL;
  mailstream *stream;
  mailimap *imap;
  Capture c;
  int r;

  if (!have_servers ())
    return;
  cfg = config (TERN_TEST_IMAPS);
  capture_begin (&c);
  stream = tern_tls_stream_open (&cfg, NULL, NULL, &error);
  g_assert_nonnull (stream);
  tern_tls_stream_trace (stream, TERN_TRACE_IMAP);
  imap = mailimap_new (0, NULL);
  r = mailimap_connect (imap, stream);
  g_assert_cmpint (r, ==, MAILIMAP_NO_ERROR_NON_AUTHENTICATED);
  r = mailimap_authenticate (imap, "PLAIN", cfg.host, NULL, NULL, "alice", "alice", PASSWORD, NULL);
  tern_imap_close (imap, TRUE);
  trace = capture_end (&c);
  g_assert_cmpint (r, ==, MAILIMAP_NO_ERROR);
  g_assert_nonnull (strstr (trace, " AUTHENTICATE PLAIN"));
  g_assert_nonnull (strstr (trace, " C: ***\n"));
  g_assert_nonnull (strstr (trace, " OK "));
  assert_no_password (trace);
}

static void
test_pop3_user_pass (void)
{
  TernServerConfig cfg;
  g_autoptr(GError) error = NULL;
  g_autofree char *trace = NULL;
  Capture c;
  mailpop3 *pop3;

  if (!have_servers ())
    return;
  cfg = config (TERN_TEST_POP3S);
  capture_begin (&c);
  pop3 = tern_pop3_connect (&cfg, PASSWORD, NULL, NULL, &error);
  tern_pop3_close (pop3, TRUE);
  trace = capture_end (&c);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (trace, "tern-pop3: localhost:"));
  g_assert_nonnull (strstr (trace, " S: +OK"));
  g_assert_nonnull (strstr (trace, " C: USER alice\n"));
  g_assert_nonnull (strstr (trace, " C: PASS ***\n"));
  g_assert_nonnull (strstr (trace, " C: QUIT\n"));
  assert_no_password (trace);
}

/* AUTH PLAIN through tern_smtp_connect, AUTH LOGIN by hand on a session
 * that has not logged in. */
static void
test_smtp_auth (gconstpointer data)
{
  gboolean login = GPOINTER_TO_INT (data);
  TernServerConfig cfg;
  g_autoptr(GError) error = NULL;
  g_autofree char *trace = NULL;
  mailsmtp *smtp;
  Capture c;
  int r = MAILSMTP_NO_ERROR;

  if (!have_servers () || !tern_test_servers_require_smtp (servers))
    return;
  cfg = config (TERN_TEST_SMTPS);
  if (login)
    cfg.user = NULL;
  capture_begin (&c);
  smtp = tern_smtp_connect (&cfg, PASSWORD, NULL, NULL, &error);
  if (smtp != NULL && login)
    r = mailsmtp_auth_type (smtp, "alice", PASSWORD, MAILSMTP_AUTH_LOGIN);
  tern_smtp_close (smtp, TRUE);
  trace = capture_end (&c);
  g_assert_no_error (error);
  g_assert_cmpint (r, ==, MAILSMTP_NO_ERROR);
  g_assert_nonnull (strstr (trace, "tern-smtp: localhost:"));
  g_assert_nonnull (strstr (trace, " S: 220 "));
  g_assert_nonnull (strstr (trace, " C: EHLO "));
  g_assert_nonnull (strstr (trace, login ? " C: AUTH LOGIN" : " C: AUTH PLAIN"));
  g_assert_nonnull (strstr (trace, " S: 235 "));
  assert_no_password (trace);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/trace/imap/redaction", test_imap_redaction);
  g_test_add_func ("/trace/imap/literal", test_imap_literal);
  g_test_add_func ("/trace/pop3/redaction", test_pop3_redaction);
  g_test_add_func ("/trace/smtp/redaction", test_smtp_redaction);
  g_test_add_func ("/trace/hostile-lines", test_hostile_lines);
  g_test_add_func ("/trace/enabled-by-env", test_enabled_by_env);
  g_test_add_func ("/trace/servers/imap-login", test_imap_login);
  g_test_add_func ("/trace/servers/imap-authenticate-plain", test_imap_authenticate_plain);
  g_test_add_func ("/trace/servers/pop3-user-pass", test_pop3_user_pass);
  g_test_add_data_func ("/trace/servers/smtp-auth-plain", GINT_TO_POINTER (FALSE), test_smtp_auth);
  g_test_add_data_func ("/trace/servers/smtp-auth-login", GINT_TO_POINTER (TRUE), test_smtp_auth);

  servers = tern_test_servers_start (NULL, &error);
  if (servers == NULL)
    g_test_message ("No test servers: %s", error->message);
  else
    {
      g_assert_true (tern_test_servers_add_user (servers, "alice", PASSWORD, &error));
      g_setenv ("TERN_EXTRA_CA_FILE", tern_test_servers_ca_file (servers), TRUE);
    }
  status = g_test_run ();
  g_clear_pointer (&servers, tern_test_servers_free);
  return status;
}
