/* Compose round trips (build -> parse -> same fields) and reply/forward. */
#include "mime/tern-mime-compose.h"
#include "mime/tern-mime-reply.h"
#include "mime/tern-mime-render.h"
#include "core/tern-error.h"

#include <glib/gstdio.h>
#include <string.h>

static TernParsedMessage *
parse_or_die (GBytes *raw)
{
  g_autoptr(GError) error = NULL;
  TernParsedMessage *msg = tern_parsed_message_new_from_bytes (raw, &error);

  g_assert_no_error (error);
  g_assert_nonnull (msg);
  return msg;
}

static TernParsedMessage *
parse_string (const char *text)
{
  g_autoptr(GBytes) raw = g_bytes_new (text, strlen (text));
  return parse_or_die (raw);
}

static char *
raw_text (GBytes *raw)
{
  return g_strndup (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
}

static void
test_round_trip (void)
{
  g_autoptr(TernOutgoingMessage) out = tern_outgoing_message_new ();
  g_autoptr(GBytes) data = g_bytes_new_static ("\x00\x01binary\xff", 9);
  g_autoptr(GPtrArray) rcpts = NULL;
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GBytes) back = NULL;
  g_autoptr(TernParsedMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  TernMimeAttachment *att;

  out->from_name = g_strdup ("Zoë Müller");
  out->from_address = g_strdup ("zoe@example.de");
  tern_outgoing_message_add_to (out, "Bob, Jr.", "bob@example.net");
  tern_outgoing_message_add_cc (out, "Ça va", "cava@example.fr");
  tern_outgoing_message_add_bcc (out, "Secret", "hidden@example.org");
  tern_outgoing_message_add_bcc (out, NULL, "BOB@example.net");   /* duplicate in envelope */
  out->subject = g_strdup ("Grüße — a very long subject line that certainly needs folding because it is long 日本語");
  out->body = g_strdup ("Hallo Bob,\n\nhier ist die Datei. Ünïcödé and a line with = sign\nand trailing space \n");
  out->in_reply_to = g_strdup ("parent@example.net");
  g_ptr_array_add (out->references, g_strdup ("root@example.net"));
  g_ptr_array_add (out->references, g_strdup ("parent@example.net"));
  tern_outgoing_message_add_attachment_bytes (out, data, "Übersicht März 2024 — final version with a long name.bin",
                                              "application/octet-stream");
  tern_outgoing_message_add_header (out, "X-Mailer", "Tern");
  out->date = 1700000000;

  raw = tern_outgoing_message_build (out, &rcpts, &id, &error);
  g_assert_no_error (error);
  text = raw_text (raw);
  /* Bcc is never in the message, but in the envelope. */
  g_assert_null (strstr (text, "hidden@example.org"));
  g_assert_null (g_strstr_len (text, -1, "\nBcc:"));
  g_assert_cmpuint (rcpts->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (rcpts, 2), ==, "hidden@example.org");
  /* CRLF, 7-bit headers (RFC 2047), RFC 2231 name, QP text. */
  g_assert_nonnull (strstr (text, "\r\n"));
  g_assert_nonnull (strstr (text, "filename*"));
  g_assert_nonnull (strstr (text, "quoted-printable"));
  g_assert_nonnull (strstr (text, "charset=utf-8"));
  g_assert_nonnull (strstr (text, "=C3=9Cn=C3=AFc=C3=B6d=C3=A9"));   /* UTF-8 QP, not Latin-1 */
  g_assert_nonnull (strstr (text, "Subject: =?"));
  g_assert_true (g_str_has_suffix (id, "@example.de"));
  for (const char *p = text; *p && !(p[0] == '\r' && p[1] == '\n' && p[2] == '\r'); p++)
    g_assert_cmpint ((guchar) *p, <, 0x80);

  msg = parse_or_die (raw);
  g_assert_cmpstr (msg->subject, ==, out->subject);
  g_assert_cmpstr (msg->from_name, ==, "Zoë Müller");
  g_assert_cmpstr (msg->from_address, ==, "zoe@example.de");
  g_assert_cmpstr (msg->to, ==, "\"Bob, Jr.\" <bob@example.net>");
  {
    /* Display strings parse back to the same list. */
    g_autoptr(GPtrArray) again = tern_address_list_parse (msg->to);
    g_assert_cmpuint (again->len, ==, 1);
    g_assert_cmpstr (((TernAddress *) g_ptr_array_index (again, 0))->name, ==, "Bob, Jr.");
  }
  g_assert_cmpstr (msg->cc, ==, "Ça va <cava@example.fr>");
  g_assert_cmpstr (msg->bcc, ==, "");
  g_assert_cmpint (msg->date, ==, 1700000000);
  g_assert_cmpstr (msg->message_id, ==, id);
  g_assert_cmpstr (msg->in_reply_to, ==, "parent@example.net");
  g_assert_cmpuint (msg->references->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (msg->references, 0), ==, "root@example.net");
  g_assert_true (msg->has_attachments);
  g_assert_cmpuint (msg->attachments->len, ==, 1);
  att = g_ptr_array_index (msg->attachments, 0);
  g_assert_cmpstr (att->filename, ==, "Übersicht März 2024 — final version with a long name.bin");
  g_assert_cmpstr (att->content_type, ==, "application/octet-stream");
  g_assert_cmpuint (att->size, ==, 9);
  back = tern_mime_get_part_bytes (msg, att->part_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (back, data));
  body = tern_mime_render_plain_body (msg);
  g_assert_cmpstr (body, ==, out->body);
}

static void
test_build_errors (void)
{
  g_autoptr(TernOutgoingMessage) out = tern_outgoing_message_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = NULL;

  out->from_address = g_strdup ("nobody");
  raw = tern_outgoing_message_build (out, NULL, NULL, &error);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_INVALID);
  g_clear_error (&error);

  g_free (out->from_address);
  out->from_address = g_strdup ("me@example.com");
  tern_outgoing_message_add_header (out, "Content-Type", "text/html");
  raw = tern_outgoing_message_build (out, NULL, NULL, &error);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_INVALID);
  g_clear_error (&error);

  g_ptr_array_set_size (out->extra_headers, 0);
  tern_outgoing_message_add_attachment_file (out, "/nonexistent/tern-test-file", NULL, NULL);
  raw = tern_outgoing_message_build (out, NULL, NULL, &error);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND);
  g_assert_null (raw);
}

static void
test_header_injection (void)
{
  g_autoptr(TernOutgoingMessage) out = tern_outgoing_message_new ();
  g_autoptr(GBytes) raw = NULL;
  g_autofree char *text = NULL;
  g_autoptr(TernParsedMessage) msg = NULL;

  out->from_address = g_strdup ("me@example.com");
  out->subject = g_strdup ("hi\r\nBcc: victim@example.org");
  tern_outgoing_message_add_to (out, "x\r\nBcc: v2@example.org", "a@example.com");
  tern_outgoing_message_add_header (out, "X-Test", "v\r\nBcc: v3@example.org");
  raw = tern_outgoing_message_build (out, NULL, NULL, NULL);
  g_assert_nonnull (raw);
  text = raw_text (raw);
  g_assert_null (strstr (text, "\nBcc:"));
  msg = parse_or_die (raw);
  g_assert_cmpstr (msg->bcc, ==, "");
  g_assert_cmpuint (msg->to_list->len, ==, 1);
}

static void
test_file_attachment (void)
{
  g_autoptr(TernOutgoingMessage) out = tern_outgoing_message_new ();
  g_autofree char *dir = g_dir_make_tmp ("tern-mime-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "notes.txt", NULL);
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(TernParsedMessage) msg = NULL;
  TernMimeAttachment *att;

  g_assert_true (g_file_set_contents (path, "some notes\n", -1, NULL));
  out->from_address = g_strdup ("me@example.com");
  tern_outgoing_message_add_to (out, NULL, "you@example.com");
  out->body = g_strdup ("see file");
  tern_outgoing_message_add_attachment_file (out, path, NULL, NULL);
  raw = tern_outgoing_message_build (out, NULL, NULL, NULL);
  g_assert_nonnull (raw);
  msg = parse_or_die (raw);
  g_assert_cmpuint (msg->attachments->len, ==, 1);
  att = g_ptr_array_index (msg->attachments, 0);
  g_assert_cmpstr (att->filename, ==, "notes.txt");
  g_assert_cmpstr (att->content_type, ==, "text/plain");
  g_assert_cmpstr (msg->body_text, ==, "see file");
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_subjects (void)
{
  static const struct { const char *in, *reply, *fwd, *base; } cases[] = {
    { "Hello", "Re: Hello", "Fwd: Hello", "Hello" },
    { "Re: Hello", "Re: Hello", "Fwd: Re: Hello", "Hello" },
    { "RE: re: Re:Hello", "Re: Hello", "Fwd: RE: re: Re:Hello", "Hello" },
    { "AW: SV: Antw: Hallo", "Re: Hallo", "Fwd: AW: SV: Antw: Hallo", "Hallo" },
    { "Re[2]: x", "Re: x", "Fwd: Re[2]: x", "x" },
    { "Fwd: FW: WG: doc", "Re: Fwd: FW: WG: doc", "Fwd: doc", "doc" },
    { "Re: Fwd: Re: mixed", "Re: Fwd: Re: mixed", "Fwd: Re: Fwd: Re: mixed", "mixed" },
    { "", "Re: ", "Fwd: ", "" },
    { "Regarding: not a prefix", "Re: Regarding: not a prefix", "Fwd: Regarding: not a prefix", "Regarding: not a prefix" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *r = tern_mime_reply_subject (cases[i].in);
      g_autofree char *f = tern_mime_forward_subject (cases[i].in);
      g_autofree char *b = tern_mime_subject_base (cases[i].in);
      g_assert_cmpstr (r, ==, cases[i].reply);
      g_assert_cmpstr (f, ==, cases[i].fwd);
      g_assert_cmpstr (b, ==, cases[i].base);
    }
  {
    g_autofree char *null_subject = tern_mime_reply_subject (NULL);
    g_assert_cmpstr (null_subject, ==, "Re: ");
  }
}

static const char *original =
  "From: Alice <alice@example.org>\r\n"
  "To: Me <me@example.com>, Bob <bob@example.net>\r\n"
  "Cc: Carol <carol@example.com>, ME@example.com, bob@example.net\r\n"
  "Subject: Plans\r\n"
  "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
  "Message-ID: <orig@example.org>\r\n"
  "References: <root@example.org> <mid@example.org>\r\n"
  "In-Reply-To: <mid@example.org>\r\n"
  "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
  "--b\r\nContent-Type: text/plain\r\n\r\nLet's meet.\r\n> old quote\r\n\r\n-- \r\nAlice sig\r\n"
  "--b\r\nContent-Type: application/pdf; name=plan.pdf\r\nContent-Disposition: attachment\r\n\r\n%PDF\r\n--b--\r\n";

static const char *const mine[] = { "me@example.com", "me@other.example", NULL };

static void
assert_addresses (GPtrArray *list, const char *want)
{
  g_autofree char *got = tern_address_list_to_display (list);
  g_assert_cmpstr (got, ==, want);
}

static void
test_reply_recipients (void)
{
  g_autoptr(TernParsedMessage) orig = parse_string (original);
  g_autoptr(GPtrArray) to = NULL, cc = NULL;

  tern_mime_reply_recipients (orig, mine, FALSE, &to, &cc);
  assert_addresses (to, "Alice <alice@example.org>");
  assert_addresses (cc, "");
  g_clear_pointer (&to, g_ptr_array_unref);
  g_clear_pointer (&cc, g_ptr_array_unref);

  tern_mime_reply_recipients (orig, mine, TRUE, &to, &cc);
  assert_addresses (to, "Alice <alice@example.org>, Bob <bob@example.net>");
  assert_addresses (cc, "Carol <carol@example.com>");
  g_clear_pointer (&to, g_ptr_array_unref);
  g_clear_pointer (&cc, g_ptr_array_unref);

  {
    g_autoptr(TernParsedMessage) list = parse_string (
      "From: Alice <alice@example.org>\r\nReply-To: List <list@example.org>\r\nTo: list@example.org\r\n"
      "Subject: x\r\n\r\nbody\r\n");
    tern_mime_reply_recipients (list, mine, FALSE, &to, &cc);
    assert_addresses (to, "List <list@example.org>");
    g_clear_pointer (&to, g_ptr_array_unref);
    g_clear_pointer (&cc, g_ptr_array_unref);
    tern_mime_reply_recipients (list, mine, TRUE, &to, &cc);
    assert_addresses (to, "List <list@example.org>");
    g_clear_pointer (&to, g_ptr_array_unref);
    g_clear_pointer (&cc, g_ptr_array_unref);
  }
  {
    g_autoptr(TernParsedMessage) sent = parse_string (
      "From: Me <me@example.com>\r\nTo: Dan <dan@example.org>\r\nSubject: x\r\n\r\nbody\r\n");
    tern_mime_reply_recipients (sent, mine, FALSE, &to, &cc);
    assert_addresses (to, "Dan <dan@example.org>");
  }
}

static void
test_reply_message (void)
{
  g_autoptr(TernParsedMessage) orig = parse_string (original);
  g_autoptr(TernOutgoingMessage) reply = tern_outgoing_message_new_reply (orig, "Me", "me@example.com", mine, TRUE);
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(TernParsedMessage) back = NULL;

  g_assert_cmpstr (reply->subject, ==, "Re: Plans");
  g_assert_cmpstr (reply->in_reply_to, ==, "orig@example.org");
  g_assert_cmpuint (reply->references->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (reply->references, 2), ==, "orig@example.org");
  g_assert_nonnull (strstr (reply->body, ", Alice wrote:\n> Let's meet.\n>> old quote\n"));
  g_assert_true (g_str_has_prefix (strstr (reply->body, "\nOn ") + 1, "On "));
  g_assert_null (strstr (reply->body, "Alice sig"));

  raw = tern_outgoing_message_build (reply, NULL, NULL, NULL);
  back = parse_or_die (raw);
  g_assert_cmpstr (back->in_reply_to, ==, "orig@example.org");
  g_assert_cmpuint (back->references->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (back->references, 0), ==, "root@example.org");
  g_assert_cmpstr (back->subject, ==, "Re: Plans");
}

static void
test_forward (void)
{
  g_autoptr(TernParsedMessage) orig = parse_string (original);
  g_autoptr(TernOutgoingMessage) inline_fwd = tern_outgoing_message_new_forward (orig, NULL, "me@example.com", FALSE);
  g_autoptr(TernOutgoingMessage) att_fwd = tern_outgoing_message_new_forward (orig, NULL, "me@example.com", TRUE);
  g_autoptr(GBytes) raw1 = NULL, raw2 = NULL, inner = NULL;
  g_autoptr(TernParsedMessage) back1 = NULL, back2 = NULL, inner_msg = NULL;
  g_autofree char *text2 = NULL;
  TernMimeAttachment *att;

  g_assert_cmpstr (inline_fwd->subject, ==, "Fwd: Plans");
  g_assert_nonnull (strstr (inline_fwd->body, "-------- Forwarded Message --------\nSubject: Plans\n"));
  g_assert_nonnull (strstr (inline_fwd->body, "From: Alice <alice@example.org>\n"));
  g_assert_nonnull (strstr (inline_fwd->body, "Let's meet."));
  tern_outgoing_message_add_to (inline_fwd, NULL, "x@example.org");
  raw1 = tern_outgoing_message_build (inline_fwd, NULL, NULL, NULL);
  back1 = parse_or_die (raw1);
  g_assert_cmpuint (back1->attachments->len, ==, 1);
  g_assert_cmpstr (((TernMimeAttachment *) g_ptr_array_index (back1->attachments, 0))->filename, ==, "plan.pdf");

  raw2 = tern_outgoing_message_build (att_fwd, NULL, NULL, NULL);
  text2 = raw_text (raw2);
  g_assert_null (strstr (text2, "base64"));   /* message/rfc822 is never encoded */
  back2 = parse_or_die (raw2);
  g_assert_cmpuint (back2->attachments->len, ==, 1);
  att = g_ptr_array_index (back2->attachments, 0);
  g_assert_cmpstr (att->content_type, ==, "message/rfc822");
  g_assert_cmpstr (att->filename, ==, "Plans.eml");
  inner = tern_mime_get_part_bytes (back2, att->part_path, NULL, NULL);
  inner_msg = parse_or_die (inner);
  g_assert_cmpstr (inner_msg->message_id, ==, "orig@example.org");
  g_assert_cmpstr (inner_msg->subject, ==, "Plans");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mime/compose/round-trip", test_round_trip);
  g_test_add_func ("/mime/compose/errors", test_build_errors);
  g_test_add_func ("/mime/compose/header-injection", test_header_injection);
  g_test_add_func ("/mime/compose/file-attachment", test_file_attachment);
  g_test_add_func ("/mime/reply/subjects", test_subjects);
  g_test_add_func ("/mime/reply/recipients", test_reply_recipients);
  g_test_add_func ("/mime/reply/message", test_reply_message);
  g_test_add_func ("/mime/forward", test_forward);
  return g_test_run ();
}
