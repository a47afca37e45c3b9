/* The SMTP matrix: sending through the outbox against every SMTP server of
 * the harness (Postfix, Exim), both delivering into a Dovecot. One message
 * to, cc and bcc three users, with a UTF-8 subject and a binary attachment,
 * is read back over IMAP by each recipient, the attachment byte for byte
 * (over SMTPS; a second one over submission with STARTTLS); a recipient the
 * server does not know fails the item with the server's reason; and AUTH is
 * offered only after STARTTLS.
 * Test paths name the server: /matrix-smtp/<server>/<check>. */
#include <signal.h>
#include <string.h>

#include "account/tern-account-connect.h"
#include "account/tern-outbox.h"
#include "imap/tern-imap-sync.h"
#include "mime/tern-mime-compose.h"
#include "mime/tern-mime-parse.h"
#include "mime/tern-mime-render.h"
#include "tern-test-mail-check.h"
#include "tern-test-matrix-account.h"

#define SUBJECT "Grüße aus Köln — 東京 ✓ Ελληνικά"
#define ATTACHMENT_NAME "Messwerte März.bin"

typedef void (*CheckFunc) (TernTestMailServer *server);

/* Every byte value, then a stretch that looks like SMTP to a careless
 * encoder: CR, LF, dots at line starts, NUL. */
static GBytes *
attachment_bytes (void)
{
  GByteArray *a = g_byte_array_new ();
  static const char tricky[] = "\r\n.\r\n..\n.\r\r\n\0end";

  for (guint round = 0; round < 8; round++)
    for (guint i = 0; i < 256; i++)
      {
        guint8 b = (guint8) (i * (round + 1));
        g_byte_array_append (a, &b, 1);
      }
  g_byte_array_append (a, (const guint8 *) tricky, sizeof tricky);
  return g_byte_array_free_to_bytes (a);
}

static TernOutboxResult
process (TernMatrixAccount *t, gboolean expect_ok)
{
  return tern_test_outbox_process (t->store, t->secrets, t->account, 0, expect_ok);
}

static GBytes *
wait_for_delivery (TernMatrixAccount *t, const char *message_id)
{
  return tern_test_wait_for_delivery (t->store, t->secrets, t->account, message_id);
}

static void
assert_received (TernMatrixAccount *t, const char *message_id, GBytes *expected,
                 const char *bcc_address)
{
  g_autoptr(GBytes) raw = wait_for_delivery (t, message_id);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernParsedMessage) parsed = tern_parsed_message_new_from_bytes (raw, &error);
  g_autoptr(GBytes) data = NULL;
  TernMimeAttachment *att;

  g_assert_no_error (error);
  g_assert_cmpstr (parsed->subject, ==, SUBJECT);
  g_assert_nonnull (strstr (parsed->body_text, "äöü €"));
  g_assert_nonnull (strstr (parsed->body_text, ".a line starting with a dot"));
  /* Bcc reaches its recipient but is written in no copy. */
  g_assert_null (strstr (parsed->bcc, bcc_address));
  g_assert_cmpuint (parsed->attachments->len, ==, 1);
  att = g_ptr_array_index (parsed->attachments, 0);
  g_assert_cmpstr (att->filename, ==, ATTACHMENT_NAME);
  data = tern_mime_get_part_bytes (parsed, att->part_path, NULL, &error);
  g_assert_no_error (error);
  if (!g_bytes_equal (data, expected))
    g_error ("%s: the attachment %s received differs from the one sent (%" G_GSIZE_FORMAT
             " bytes, sent %" G_GSIZE_FORMAT ")", tern_test_mail_server_name (t->server),
             t->user, g_bytes_get_size (data), g_bytes_get_size (expected));
}

static void
check_send (TernTestMailServer *server)
{
  g_autoptr(TernMatrixAccount) sender = tern_matrix_account_new (server, TERN_PROTOCOL_POP3);
  g_autoptr(TernMatrixAccount) to = tern_matrix_account_new (server, TERN_PROTOCOL_IMAP);
  g_autoptr(TernMatrixAccount) cc = tern_matrix_account_new (server, TERN_PROTOCOL_IMAP);
  g_autoptr(TernMatrixAccount) bcc = tern_matrix_account_new (server, TERN_PROTOCOL_IMAP);
  g_autoptr(TernOutgoingMessage) msg = tern_outgoing_message_new ();
  g_autoptr(GBytes) data = attachment_bytes ();
  g_autoptr(GError) error = NULL;
  g_autofree char *message_id = NULL;
  TernOutboxResult r;

  tern_outgoing_message_add_to (msg, "Empfänger Eins", to->account->email);
  tern_outgoing_message_add_cc (msg, "Zweiter", cc->account->email);
  tern_outgoing_message_add_bcc (msg, NULL, bcc->account->email);
  msg->subject = g_strdup (SUBJECT);
  msg->body = g_strdup ("Hallo,\n.a line starting with a dot\nnon-ASCII: äöü €\n");
  tern_outgoing_message_add_attachment_bytes (msg, data, ATTACHMENT_NAME,
                                              "application/octet-stream");
  g_assert_cmpint (tern_outbox_queue_message (sender->store, sender->account, msg, &message_id,
                                              &error), >, 0);
  g_assert_no_error (error);
  r = process (sender, TRUE);
  g_assert_cmpuint (r.sent, ==, 1);
  assert_received (to, message_id, data, bcc->account->email);
  assert_received (cc, message_id, data, bcc->account->email);
  assert_received (bcc, message_id, data, bcc->account->email);
}

static void
check_rejected_recipient (TernTestMailServer *server)
{
  g_autoptr(TernMatrixAccount) t = tern_matrix_account_new (server, TERN_PROTOCOL_POP3);
  g_autoptr(TernOutgoingMessage) msg = tern_outgoing_message_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  TernOutboxItem *item;
  TernOutboxResult r;

  tern_outgoing_message_add_to (msg, NULL, "nobody-here@localhost");
  msg->subject = g_strdup ("to nobody");
  msg->body = g_strdup ("nobody reads this\n");
  tern_outbox_queue_message (t->store, t->account, msg, NULL, &error);
  g_assert_no_error (error);
  r = process (t, FALSE);
  g_assert_cmpuint (r.failed, ==, 1);
  items = tern_store_list_outbox (t->store, t->account->id, &error);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpint (item->state, ==, TERN_OUTBOX_FAILED);
  g_test_message ("%s: %s", tern_test_mail_server_name (server), item->last_error);
  g_assert_nonnull (strstr (item->last_error, "nobody-here@localhost"));
  g_assert_nonnull (strstr (item->last_error, "55"));
}

/* Submission with STARTTLS (port 587's way) reaches the recipient too. */
static void
check_send_starttls (TernTestMailServer *server)
{
  g_autoptr(TernMatrixAccount) sender = tern_matrix_account_new (server, TERN_PROTOCOL_POP3);
  g_autoptr(TernMatrixAccount) to = tern_matrix_account_new (server, TERN_PROTOCOL_IMAP);
  g_autoptr(TernOutgoingMessage) msg = tern_outgoing_message_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *message_id = NULL;
  g_autoptr(GBytes) raw = NULL;
  TernOutboxResult r;

  sender->account->smtp_port = tern_test_mail_server_port (server, TERN_TEST_SUBMISSION);
  sender->account->smtp_security = TERN_SECURITY_STARTTLS;
  tern_matrix_account_save (sender);
  tern_outgoing_message_add_to (msg, NULL, to->account->email);
  msg->subject = g_strdup (SUBJECT);
  msg->body = g_strdup ("über STARTTLS\n");
  tern_outbox_queue_message (sender->store, sender->account, msg, &message_id, &error);
  g_assert_no_error (error);
  r = process (sender, TRUE);
  g_assert_cmpuint (r.sent, ==, 1);
  raw = wait_for_delivery (to, message_id);
  g_assert_nonnull (raw);
}

/* Before STARTTLS the submission port offers STARTTLS and no AUTH, so no
 * password can go out in clear text. */
static void
check_auth_only_under_tls (TernTestMailServer *server)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) ehlo = g_string_new (NULL);
  GOutputStream *out;
  char *line;

  conn = g_socket_client_connect_to_host (client, "127.0.0.1",
                                          tern_test_mail_server_port (server, TERN_TEST_SUBMISSION),
                                          NULL, &error);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (conn)));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  line = g_data_input_stream_read_line (in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "220"));
  g_free (line);
  g_assert_true (g_output_stream_write_all (out, "EHLO tern.test\r\n", 16, NULL, NULL, &error));
  /* Multi-line reply: "250-..." lines, then "250 ...". */
  while ((line = g_data_input_stream_read_line (in, NULL, NULL, &error)) != NULL)
    {
      gboolean last = strlen (line) < 4 || line[3] == ' ';

      g_string_append_printf (ehlo, "%s\n", line);
      g_free (line);
      if (last)
        break;
    }
  g_assert_no_error (error);
  g_test_message ("%s before TLS:\n%s", tern_test_mail_server_name (server), ehlo->str);
  g_assert_nonnull (strstr (ehlo->str, "STARTTLS"));
  g_assert_null (strstr (ehlo->str, "AUTH"));
}

static void
run_case (gconstpointer data)
{
  const TernMatrixCase *c = data;
  TernTestMailServer *server = tern_matrix_server (c->kind);

  if (server != NULL)
    ((CheckFunc) c->run) (server);
}

int
main (int argc, char *argv[])
{
  static const TernMatrixServer servers[] = {
    { TERN_TEST_SERVER_POSTFIX, "postfix" },
    { TERN_TEST_SERVER_EXIM, "exim" },
  };
  static const TernMatrixCheck checks[] = {
    { "send", check_send },
    { "send-starttls", check_send_starttls },
    { "rejected-recipient", check_rejected_recipient },
    { "auth-only-under-tls", check_auth_only_under_tls },
  };

  signal (SIGPIPE, SIG_IGN);
  g_test_init (&argc, &argv, NULL);
  tern_matrix_add_cases ("smtp", servers, G_N_ELEMENTS (servers), checks, G_N_ELEMENTS (checks),
                         run_case);
  return g_test_run ();
}
