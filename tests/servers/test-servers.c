/* test-servers.c: the test server harness, tested with raw protocol sessions
 * over GIO TLS (trusting only the harness's CA). */
#include <gio/gio.h>
#include <gmime/gmime.h>
#include <stdlib.h>
#include <string.h>

#include "tern-test-messages.h"
#include "tern-test-servers.h"

#define USER "alice"
#define PASSWORD "wonder land"
#define SIZE_LIMIT 2000000
#define DEADLINE_S 20

/* One server set shared by the tests that do not need their own. */
static TernTestServers *shared;

typedef struct {
  GSocketConnection *tcp;
  GIOStream *stream;          /* tcp or the TLS connection over it */
  GDataInputStream *in;
  GTlsCertificateFlags cert_errors;
} Conn;

static void
conn_free (Conn *c)
{
  if (c->stream != NULL)
    g_io_stream_close (c->stream, NULL, NULL);
  g_clear_object (&c->in);
  g_clear_object (&c->stream);
  g_clear_object (&c->tcp);
  g_free (c);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Conn, conn_free)

static void
conn_set_stream (Conn *c, GIOStream *stream)
{
  g_clear_object (&c->in);
  g_set_object (&c->stream, stream);
  c->in = g_data_input_stream_new (g_io_stream_get_input_stream (stream));
  /* Dropping the plain reader at STARTTLS must not close the socket. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (c->in), FALSE);
  g_data_input_stream_set_newline_type (c->in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
}

static gboolean
record_cert_errors (GTlsConnection *tls, GTlsCertificate *cert, GTlsCertificateFlags errors,
                    gpointer data)
{
  ((Conn *) data)->cert_errors = errors;
  return FALSE;
}

/* TLS over the current stream, verifying against the harness CA as "localhost". */
static gboolean
conn_start_tls (Conn *c, TernTestServers *s, guint16 port, GError **error)
{
  g_autoptr(GTlsDatabase) db = g_tls_file_database_new (tern_test_servers_ca_file (s), error);
  g_autoptr(GSocketConnectable) id = g_network_address_new ("localhost", port);
  g_autoptr(GIOStream) tls = NULL;

  if (db == NULL)
    return FALSE;
  tls = g_tls_client_connection_new (G_IO_STREAM (c->tcp), id, error);
  if (tls == NULL)
    return FALSE;
  g_tls_connection_set_database (G_TLS_CONNECTION (tls), db);
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (record_cert_errors), c);
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, error))
    return FALSE;
  conn_set_stream (c, tls);
  return TRUE;
}

static Conn *
conn_open (TernTestServers *s, TernTestService which, gboolean tls, GError **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(Conn) c = g_new0 (Conn, 1);
  guint16 port = tern_test_servers_port (s, which);

  g_socket_client_set_timeout (client, DEADLINE_S);
  c->tcp = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, error);
  if (c->tcp == NULL)
    return NULL;
  conn_set_stream (c, G_IO_STREAM (c->tcp));
  if (tls && !conn_start_tls (c, s, port, error))
    return NULL;
  return g_steal_pointer (&c);
}

static char *
conn_read_line (Conn *c)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line (c->in, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (line);
  return line;
}

static void
conn_send (Conn *c, const char *text)
{
  g_autoptr(GError) error = NULL;
  GOutputStream *out = g_io_stream_get_output_stream (c->stream);

  g_output_stream_write_all (out, text, strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
}

/* IMAP: send "<tag> <command>" and return every line up to the tagged reply. */
static char *
imap_cmd (Conn *c, const char *tag, const char *command)
{
  g_autofree char *text = g_strdup_printf ("%s %s\r\n", tag, command);
  g_autofree char *prefix = g_strconcat (tag, " ", NULL);
  GString *all = g_string_new (NULL);

  conn_send (c, text);
  for (guint i = 0; i < 100000; i++)
    {
      g_autofree char *line = conn_read_line (c);

      g_string_append_printf (all, "%s\n", line);
      if (g_str_has_prefix (line, prefix))
        break;
    }
  return g_string_free (all, FALSE);
}

static char *
imap_greeting (Conn *c)
{
  /* Skip "* OK Waiting for authentication process to respond.." lines. */
  for (guint i = 0; i < 10; i++)
    {
      char *line = conn_read_line (c);
      if (strstr (line, "Waiting for") == NULL)
        return line;
      g_free (line);
    }
  g_assert_not_reached ();
}

static void
imap_login (Conn *c)
{
  g_autofree char *greeting = imap_greeting (c);
  g_autofree char *reply = imap_cmd (c, "a1", "LOGIN " USER " \"" PASSWORD "\"");

  g_assert_true (g_str_has_prefix (greeting, "* OK"));
  g_assert_nonnull (strstr (reply, "a1 OK"));
}

/* SMTP: read a (multi-line) reply; return its text and code. */
static char *
smtp_reply (Conn *c, int *code)
{
  GString *all = g_string_new (NULL);

  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *line = conn_read_line (c);

      g_string_append_printf (all, "%s\n", line);
      if (strlen (line) < 4 || line[3] != '-')
        {
          *code = atoi (line);
          break;
        }
    }
  return g_string_free (all, FALSE);
}

static char *
smtp_cmd (Conn *c, const char *command, int expected)
{
  g_autofree char *text = g_strdup_printf ("%s\r\n", command);
  char *reply;
  int code = 0;

  conn_send (c, text);
  reply = smtp_reply (c, &code);
  if (code != expected)
    g_error ("SMTP %s: expected %d, got: %s", command, expected, reply);
  return reply;
}

static char *
auth_plain_arg (void)
{
  static const char raw[] = "\0" USER "\0" PASSWORD;

  return g_base64_encode ((const guchar *) raw, sizeof raw - 1);
}

static void
smtp_auth (Conn *c)
{
  g_autofree char *b64 = auth_plain_arg ();
  g_autofree char *cmd = g_strconcat ("AUTH PLAIN ", b64, NULL);
  g_autofree char *reply = smtp_cmd (c, cmd, 235);
}

static void
test_imaps_login (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Conn) c = conn_open (shared, TERN_TEST_IMAPS, TRUE, &error);

  g_assert_no_error (error);
  imap_login (c);
}

static void
test_imap_starttls (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Conn) c = conn_open (shared, TERN_TEST_IMAP, FALSE, &error);
  g_autofree char *greeting = NULL;
  g_autofree char *caps = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *login = NULL;

  g_assert_no_error (error);
  greeting = imap_greeting (c);
  caps = imap_cmd (c, "a0", "CAPABILITY");
  g_assert_nonnull (strstr (caps, "STARTTLS"));
  /* No LOGINDISABLED: Dovecot counts a connection whose remote address equals
   * its local one (loopback) as secure, and allows plain-text login on it. */
  reply = imap_cmd (c, "a1", "STARTTLS");
  g_assert_nonnull (strstr (reply, "a1 OK"));
  conn_start_tls (c, shared, tern_test_servers_port (shared, TERN_TEST_IMAP), &error);
  g_assert_no_error (error);
  login = imap_cmd (c, "a2", "LOGIN " USER " \"" PASSWORD "\"");
  g_assert_nonnull (strstr (login, "a2 OK"));
}

static void
pop3_expect_ok (Conn *c, const char *command)
{
  g_autofree char *line = NULL;

  if (command != NULL)
    {
      g_autofree char *text = g_strdup_printf ("%s\r\n", command);
      conn_send (c, text);
    }
  line = conn_read_line (c);
  if (!g_str_has_prefix (line, "+OK"))
    g_error ("POP3 %s: %s", command ? command : "greeting", line);
}

static void
pop3_login (Conn *c)
{
  pop3_expect_ok (c, "USER " USER);
  pop3_expect_ok (c, "PASS " PASSWORD);
  pop3_expect_ok (c, "QUIT");
}

static void
test_pop3s_login (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Conn) c = conn_open (shared, TERN_TEST_POP3S, TRUE, &error);

  g_assert_no_error (error);
  pop3_expect_ok (c, NULL);
  pop3_login (c);
}

static void
test_pop3_stls (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Conn) c = conn_open (shared, TERN_TEST_POP3, FALSE, &error);

  g_assert_no_error (error);
  pop3_expect_ok (c, NULL);
  pop3_expect_ok (c, "STLS");
  conn_start_tls (c, shared, tern_test_servers_port (shared, TERN_TEST_POP3), &error);
  g_assert_no_error (error);
  pop3_login (c);
}

static void
smtp_greeting (Conn *c)
{
  int code = 0;
  g_autofree char *greeting = smtp_reply (c, &code);

  g_assert_cmpint (code, ==, 220);
}

static void
test_smtps_auth (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Conn) c = NULL;
  g_autofree char *ehlo = NULL;

  if (!tern_test_servers_require_smtp (shared))
    return;
  c = conn_open (shared, TERN_TEST_SMTPS, TRUE, &error);
  g_assert_no_error (error);
  smtp_greeting (c);
  ehlo = smtp_cmd (c, "EHLO client.test", 250);
  g_assert_nonnull (strstr (ehlo, "AUTH PLAIN LOGIN"));
  smtp_auth (c);
}

static void
test_submission_starttls (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Conn) c = NULL;
  g_autofree char *ehlo = NULL;
  g_autofree char *tls = NULL;
  g_autofree char *ehlo2 = NULL;
  g_autofree char *size = g_strdup_printf ("SIZE %u", SIZE_LIMIT);

  if (!tern_test_servers_require_smtp (shared))
    return;
  c = conn_open (shared, TERN_TEST_SUBMISSION, FALSE, &error);
  g_assert_no_error (error);
  smtp_greeting (c);
  ehlo = smtp_cmd (c, "EHLO client.test", 250);
  g_assert_nonnull (strstr (ehlo, "STARTTLS"));
  g_assert_null (strstr (ehlo, "AUTH"));   /* no AUTH before TLS */
  tls = smtp_cmd (c, "STARTTLS", 220);
  conn_start_tls (c, shared, tern_test_servers_port (shared, TERN_TEST_SUBMISSION), &error);
  g_assert_no_error (error);
  ehlo2 = smtp_cmd (c, "EHLO client.test", 250);
  g_assert_nonnull (strstr (ehlo2, "AUTH PLAIN LOGIN"));
  g_assert_nonnull (strstr (ehlo2, size));
  smtp_auth (c);
}

static gboolean
imap_search_subject (const char *subject)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Conn) c = conn_open (shared, TERN_TEST_IMAPS, TRUE, &error);
  g_autofree char *sel = NULL;
  g_autofree char *cmd = g_strdup_printf ("SEARCH SUBJECT \"%s\"", subject);
  g_autofree char *found = NULL;

  g_assert_no_error (error);
  imap_login (c);
  sel = imap_cmd (c, "a2", "SELECT INBOX");
  found = imap_cmd (c, "a3", cmd);
  /* "* SEARCH" followed by at least one number. */
  return strstr (found, "* SEARCH ") != NULL;
}

static void
test_send_and_fetch (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Conn) c = NULL;
  g_autofree char *subject = g_strdup_printf ("LMTP proof %" G_GINT64_FORMAT, g_get_real_time ());
  g_autofree char *data = NULL;
  gint64 deadline;
  gboolean found = FALSE;

  if (!tern_test_servers_require_smtp (shared))
    return;
  c = conn_open (shared, TERN_TEST_SMTPS, TRUE, &error);
  g_assert_no_error (error);
  smtp_greeting (c);
  g_free (smtp_cmd (c, "EHLO client.test", 250));
  smtp_auth (c);
  g_free (smtp_cmd (c, "MAIL FROM:<" USER "@localhost>", 250));
  g_free (smtp_cmd (c, "RCPT TO:<nobody-here@localhost>", 550));
  g_free (smtp_cmd (c, "RCPT TO:<" USER "@localhost>", 250));
  g_free (smtp_cmd (c, "DATA", 354));
  data = g_strdup_printf ("From: <" USER "@localhost>\r\nTo: <" USER "@localhost>\r\n"
                          "Subject: %s\r\n\r\nHello through Postfix and LMTP.\r\n.", subject);
  g_free (smtp_cmd (c, data, 250));
  g_free (smtp_cmd (c, "QUIT", 221));

  /* Delivery is asynchronous: poll IMAP, bounded by a deadline. */
  deadline = g_get_monotonic_time () + DEADLINE_S * G_USEC_PER_SEC;
  while (!found && g_get_monotonic_time () < deadline)
    {
      found = imap_search_subject (subject);
      if (!found)
        g_usleep (50 * 1000);
    }
  g_assert_true (found);
}

static void
check_cert_flags (TernTestCert variant, GTlsCertificateFlags expected)
{
  TernTestServersOptions opts = { .cert = variant, .no_smtp = TRUE };
  g_autoptr(GError) error = NULL;
  g_autoptr(TernTestServers) s = tern_test_servers_start (&opts, &error);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  Conn c = { 0 };
  guint16 port;

  g_assert_no_error (error);
  port = tern_test_servers_port (s, TERN_TEST_IMAPS);
  c.tcp = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (conn_start_tls (&c, s, port, &error));
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_assert_cmpuint (c.cert_errors & expected, ==, expected);
  /* Exactly the one problem: the other variants are otherwise valid. */
  g_assert_cmpuint (c.cert_errors, ==, expected);
  g_clear_object (&c.in);
  g_clear_object (&c.stream);
  g_clear_object (&c.tcp);
}

static void
test_cert_self_signed (void)
{
  check_cert_flags (TERN_TEST_CERT_SELF_SIGNED, G_TLS_CERTIFICATE_UNKNOWN_CA);
}

static void
test_cert_wrong_host (void)
{
  check_cert_flags (TERN_TEST_CERT_WRONG_HOST, G_TLS_CERTIFICATE_BAD_IDENTITY);
}

static void
test_cert_expired (void)
{
  check_cert_flags (TERN_TEST_CERT_EXPIRED, G_TLS_CERTIFICATE_EXPIRED);
}

static void
test_no_tls (void)
{
  TernTestServersOptions opts = { .no_tls = TRUE, .no_smtp = TRUE };
  g_autoptr(GError) error = NULL;
  g_autoptr(TernTestServers) s = tern_test_servers_start (&opts, &error);
  g_autoptr(Conn) imap = NULL;
  g_autoptr(Conn) pop = NULL;
  g_autofree char *greeting = NULL;
  g_autofree char *caps = NULL;
  g_autofree char *refused = NULL;
  g_autofree char *capa = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (tern_test_servers_port (s, TERN_TEST_IMAPS), ==, 0);
  imap = conn_open (s, TERN_TEST_IMAP, FALSE, &error);
  g_assert_no_error (error);
  greeting = imap_greeting (imap);
  caps = imap_cmd (imap, "a0", "CAPABILITY");
  g_assert_null (strstr (caps, "STARTTLS"));
  refused = imap_cmd (imap, "a1", "STARTTLS");
  g_assert_null (strstr (refused, "a1 OK"));

  pop = conn_open (s, TERN_TEST_POP3, FALSE, &error);
  g_assert_no_error (error);
  pop3_expect_ok (pop, NULL);
  pop3_expect_ok (pop, "CAPA");
  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *line = conn_read_line (pop);
      g_assert_cmpstr (line, !=, "STLS");
      if (g_strcmp0 (line, ".") == 0)
        break;
    }
}

static guint
imap_exists (TernTestServers *s, const char *mailbox)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Conn) c = conn_open (s, TERN_TEST_IMAPS, TRUE, &error);
  g_autofree char *cmd = g_strdup_printf ("EXAMINE \"%s\"", mailbox);
  g_autofree char *reply = NULL;
  const char *p;

  g_assert_no_error (error);
  imap_login (c);
  reply = imap_cmd (c, "a2", cmd);
  g_assert_nonnull (strstr (reply, "a2 OK"));
  for (p = reply; p != NULL; p = strstr (p, "\n"))
    {
      guint n;
      if (*p == '\n')
        p++;
      if (sscanf (p, "* %u EXISTS", &n) == 1)
        return n;
    }
  g_assert_not_reached ();
}

static void
test_seed_and_special_use (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Conn) c = NULL;
  g_autofree char *list = NULL;
  static const char *const uses[] = { "\\Sent", "\\Drafts", "\\Trash", "\\Junk", "\\Archive" };

  tern_test_servers_add_user (shared, "bob@localhost", "builder", &error);
  g_assert_no_error (error);
  tern_test_messages_seed (shared, "bob@localhost", "INBOX", 0, 300, 7, &error);
  g_assert_no_error (error);
  tern_test_messages_seed (shared, "bob@localhost", "Archive", 300, 20, 7, &error);
  g_assert_no_error (error);

  c = conn_open (shared, TERN_TEST_IMAPS, TRUE, &error);
  g_assert_no_error (error);
  g_free (imap_greeting (c));
  g_free (imap_cmd (c, "a1", "LOGIN bob@localhost builder"));
  list = imap_cmd (c, "a2", "LIST \"\" \"*\"");

  for (guint i = 0; i < G_N_ELEMENTS (uses); i++)
    g_assert_nonnull (strstr (list, uses[i]));
  g_clear_pointer (&c, conn_free);
}

static void
test_stop_restart (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernTestServers) s = tern_test_servers_start (NULL, &error);
  g_autoptr(GPtrArray) msgs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  guint16 imaps, smtps;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) refused = NULL;

  g_assert_no_error (error);
  tern_test_servers_add_user (s, USER, PASSWORD, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 25; i++)
    g_ptr_array_add (msgs, tern_test_message_generate (i, 99));
  tern_test_servers_seed_maildir (s, USER, "INBOX", msgs, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (imap_exists (s, "INBOX"), ==, 25);

  imaps = tern_test_servers_port (s, TERN_TEST_IMAPS);
  smtps = tern_test_servers_port (s, TERN_TEST_SMTPS);
  tern_test_servers_stop_imap (s, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tern_test_servers_port (s, TERN_TEST_IMAPS), ==, 0);
  refused = g_socket_client_connect_to_host (client, "127.0.0.1", imaps, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_clear_error (&error);

  tern_test_servers_start_imap (s, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tern_test_servers_port (s, TERN_TEST_IMAPS), ==, imaps);
  g_assert_cmpuint (imap_exists (s, "INBOX"), ==, 25);

  if (!tern_test_servers_has_smtp (s, NULL))
    return;
  tern_test_servers_stop_smtp (s, &error);
  g_assert_no_error (error);
  tern_test_servers_start_smtp (s, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tern_test_servers_port (s, TERN_TEST_SMTPS), ==, smtps);
}

static void
test_generator (void)
{
  const guint n = 1000;
  guint64 total = 0;
  guint attachments = 0, replies = 0;
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GBytes) again = tern_test_message_generate (17, 1);
  g_autoptr(GBytes) first = tern_test_message_generate (17, 1);

  g_assert_true (g_bytes_equal (again, first));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GBytes) raw = tern_test_message_generate (i, 1);
      gsize len;
      const char *data = g_bytes_get_data (raw, &len);
      /* GMime 3.2 has no g_autoptr support. */
      GMimeStream *stream = g_mime_stream_mem_new_with_buffer (data, len);
      GMimeParser *parser = g_mime_parser_new_with_stream (stream);
      GMimeMessage *msg = g_mime_parser_construct_message (parser, NULL);
      const char *id;

      g_assert_nonnull (msg);
      id = g_mime_message_get_message_id (msg);
      g_assert_nonnull (id);
      g_assert_true (g_hash_table_add (ids, g_strdup (id)));
      g_assert_nonnull (g_mime_message_get_subject (msg));
      g_assert_nonnull (g_mime_message_get_date (msg));
      g_assert_nonnull (g_mime_message_get_body (msg));
      if (GMIME_IS_MULTIPART (g_mime_message_get_mime_part (msg)))
        {
          GMimeObject *top = g_mime_message_get_mime_part (msg);
          if (g_mime_content_type_is_type (g_mime_object_get_content_type (top), "multipart", "mixed"))
            attachments++;
        }
      if (g_mime_object_get_header (GMIME_OBJECT (msg), "In-Reply-To") != NULL)
        replies++;
      total += len;
      g_object_unref (msg);
      g_object_unref (parser);
      g_object_unref (stream);
    }
  g_test_message ("average %" G_GUINT64_FORMAT " bytes, %u with attachments, %u replies",
                  total / n, attachments, replies);
  g_assert_cmpuint (total / n, >, 4500);
  g_assert_cmpuint (total / n, <, 6500);
  g_assert_cmpuint (attachments, >, n / 20);
  g_assert_cmpuint (attachments, <, n / 6);
  g_assert_cmpuint (replies, >, n / 10);
}

int
main (int argc, char **argv)
{
  TernTestServersOptions opts = { .message_size_limit = SIZE_LIMIT };
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_mime_init ();
  shared = tern_test_servers_start (&opts, &error);
  g_assert_no_error (error);
  tern_test_servers_add_user (shared, USER, PASSWORD, &error);
  g_assert_no_error (error);

  g_test_add_func ("/servers/generator", test_generator);
  g_test_add_func ("/servers/imaps-login", test_imaps_login);
  g_test_add_func ("/servers/imap-starttls", test_imap_starttls);
  g_test_add_func ("/servers/pop3s-login", test_pop3s_login);
  g_test_add_func ("/servers/pop3-stls", test_pop3_stls);
  g_test_add_func ("/servers/smtps-auth", test_smtps_auth);
  g_test_add_func ("/servers/submission-starttls", test_submission_starttls);
  g_test_add_func ("/servers/send-and-fetch", test_send_and_fetch);
  g_test_add_func ("/servers/seed-and-special-use", test_seed_and_special_use);
  g_test_add_func ("/servers/cert/self-signed", test_cert_self_signed);
  g_test_add_func ("/servers/cert/wrong-host", test_cert_wrong_host);
  g_test_add_func ("/servers/cert/expired", test_cert_expired);
  g_test_add_func ("/servers/no-tls", test_no_tls);
  g_test_add_func ("/servers/stop-restart", test_stop_restart);
  ret = g_test_run ();
  tern_test_servers_free (shared);
  g_mime_shutdown ();
  return ret;
}
