/* SMTP sending and the outbox against the harness's real Postfix (which
 * delivers into Dovecot): attachment + non-ASCII subject fetched back over
 * IMAP; Postfix down then up: sent exactly once; 5xx rejections stop with
 * the reason; POP3 accounts file a copy in the local Sent folder. */
#include <signal.h>
#include <string.h>

#include "account/tern-account-connect.h"
#include "core/tern-error.h"
#include "imap/tern-imap-sync.h"
#include "mime/tern-mime-parse.h"
#include "account/tern-outbox.h"
#include "smtp/tern-smtp-send.h"
#include "tern-test-mail-account.h"
#include "tern-test-mail-check.h"

#define SUBJECT "Grüße aus Köln — 東京 ✓"
#define ATTACHMENT_NAME "Übersicht März.txt"

static TernOutgoingMessage *
make_message (TernTestAccount *t, const char *to, gboolean attach)
{
  TernOutgoingMessage *msg = tern_outgoing_message_new ();

  tern_outgoing_message_add_to (msg, "Empfänger", to);
  msg->subject = g_strdup (SUBJECT);
  msg->body = g_strdup ("Hallo,\n.a line starting with a dot\nnon-ASCII: äöü €\n");
  if (attach)
    {
      g_autoptr(GBytes) data = g_bytes_new_static ("attached bytes\n\x01\x02\xff", 18);
      tern_outgoing_message_add_attachment_bytes (msg, data, ATTACHMENT_NAME, "application/octet-stream");
    }
  return msg;
}

static TernOutboxResult
process (TernTestAccount *t, gint64 now, gboolean expect_ok)
{
  return tern_test_outbox_process (t->store, t->secrets, t->account, now, expect_ok);
}

static GBytes *
wait_for_delivery (TernTestAccount *t, const char *message_id)
{
  return tern_test_wait_for_delivery (t->store, t->secrets, t->account, message_id);
}

static guint
inbox_count (TernTestAccount *t, const char *message_id)
{
  g_autoptr(GHashTable) server = tern_test_server_message_ids (t->servers, t->user);
  return GPOINTER_TO_UINT (g_hash_table_lookup (server, message_id));
}

static void
test_send_attachment_imap (void)
{
  TernTestServers *s = tern_test_shared_servers (TRUE);
  g_autoptr(TernTestAccount) t = NULL;
  g_autoptr(TernOutgoingMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message_id = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(TernParsedMessage) parsed = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  TernOutboxResult r;

  if (!tern_test_servers_require_smtp (s))
    return;
  t = tern_test_account_new (s, TERN_PROTOCOL_IMAP);
  /* Learn the folders first, so Sent (special-use) is known. */
  {
    mailimap *imap = tern_account_connect_imap (t->account, t->secrets, NULL, NULL, &error);
    g_autoptr(TernImapSync) sync = tern_imap_sync_new (imap, t->store, t->account->id);
    g_assert_true (tern_imap_sync_folder_list (sync, NULL, &error));
    g_assert_no_error (error);
  }
  msg = make_message (t, t->account->email, TRUE);
  g_assert_cmpint (tern_outbox_queue_message (t->store, t->account, msg, &message_id, &error), >, 0);
  g_assert_no_error (error);
  r = process (t, 0, TRUE);
  g_assert_cmpuint (r.sent, ==, 1);
  ops = tern_store_list_ops (t->store, t->account->id, &error);
  g_assert_cmpuint (ops->len, ==, 1);   /* the APPEND to Sent */
  g_assert_cmpint (((TernPendingOp *) g_ptr_array_index (ops, 0))->kind, ==, TERN_PENDING_APPEND);

  raw = wait_for_delivery (t, message_id);
  parsed = tern_parsed_message_new_from_bytes (raw, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parsed->subject, ==, SUBJECT);
  g_assert_nonnull (strstr (parsed->body_text, ".a line starting with a dot"));
  g_assert_nonnull (strstr (parsed->body_text, "äöü €"));
  g_assert_cmpuint (parsed->attachments->len, ==, 1);
  g_assert_cmpstr (((TernMimeAttachment *) g_ptr_array_index (parsed->attachments, 0))->filename,
                   ==, ATTACHMENT_NAME);
  g_assert_cmpuint (((TernMimeAttachment *) g_ptr_array_index (parsed->attachments, 0))->size, ==, 18);
  /* The sync replayed the APPEND: the copy is on the server's Sent. */
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = tern_store_list_ops (t->store, t->account->id, &error);
  g_assert_cmpuint (ops->len, ==, 0);
  {
    g_autofree char *sent = tern_test_servers_maildir_path (s, t->user, "Sent");
    g_assert_true (g_file_test (sent, G_FILE_TEST_IS_DIR));
  }
}

static void
test_offline_then_once (void)
{
  TernTestServers *s = tern_test_shared_servers (TRUE);
  g_autoptr(TernTestAccount) t = NULL;
  g_autoptr(TernOutgoingMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message_id = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GHashTable) sent = NULL;
  gint64 t0 = g_get_real_time () / G_USEC_PER_SEC;
  TernOutboxResult r;
  gint64 deadline;

  if (!tern_test_servers_require_smtp (s))
    return;
  t = tern_test_account_new (s, TERN_PROTOCOL_POP3);
  msg = make_message (t, t->account->email, FALSE);
  g_assert_true (tern_test_servers_stop_smtp (s, &error));
  g_assert_no_error (error);
  tern_outbox_queue_message (t->store, t->account, msg, &message_id, &error);
  g_assert_no_error (error);

  r = process (t, t0, FALSE);
  g_assert_cmpuint (r.deferred, ==, 1);
  items = tern_store_list_outbox (t->store, t->account->id, &error);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpint (((TernOutboxItem *) g_ptr_array_index (items, 0))->state, ==, TERN_OUTBOX_QUEUED);
  g_assert_cmpuint (((TernOutboxItem *) g_ptr_array_index (items, 0))->attempts, ==, 1);
  g_assert_nonnull (((TernOutboxItem *) g_ptr_array_index (items, 0))->last_error);
  g_assert_cmpint (((TernOutboxItem *) g_ptr_array_index (items, 0))->next_attempt, ==,
                   t0 + tern_outbox_backoff (1));

  g_assert_true (tern_test_servers_start_smtp (s, &error));
  g_assert_no_error (error);
  r = process (t, t0 + 1, TRUE);          /* not due yet: untouched */
  g_assert_cmpuint (r.waiting, ==, 1);
  g_assert_cmpuint (r.sent, ==, 0);
  r = process (t, t0 + tern_outbox_backoff (1), TRUE);
  g_assert_cmpuint (r.sent, ==, 1);
  r = process (t, t0 + 100000, TRUE);     /* nothing left to send */
  g_assert_cmpuint (r.sent + r.waiting + r.deferred, ==, 0);

  /* POP3: the copy is in the local Sent folder. */
  sent = tern_test_local_message_ids (t->store, t->account->id, TERN_FOLDER_ROLE_SENT);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (sent, message_id)), ==, 1);
  /* Delivered exactly once. */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (inbox_count (t, message_id) == 0 && g_get_monotonic_time () < deadline)
    g_usleep (100 * 1000);
  g_assert_cmpuint (inbox_count (t, message_id), ==, 1);
}

static void
test_rejected_recipient (void)
{
  TernTestServers *s = tern_test_shared_servers (TRUE);
  g_autoptr(TernTestAccount) t = NULL;
  g_autoptr(TernOutgoingMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  TernOutboxItem *item;
  TernOutboxResult r;

  if (!tern_test_servers_require_smtp (s))
    return;
  t = tern_test_account_new (s, TERN_PROTOCOL_POP3);
  msg = make_message (t, "nobody-here@localhost", FALSE);
  tern_outgoing_message_add_cc (msg, NULL, t->account->email);
  tern_outbox_queue_message (t->store, t->account, msg, NULL, &error);
  g_assert_no_error (error);
  r = process (t, 0, FALSE);
  g_assert_cmpuint (r.failed, ==, 1);
  items = tern_store_list_outbox (t->store, t->account->id, &error);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpint (item->state, ==, TERN_OUTBOX_FAILED);
  g_test_message ("%s", item->last_error);
  g_assert_nonnull (strstr (item->last_error, "nobody-here@localhost"));
  g_assert_nonnull (strstr (item->last_error, "55"));
  /* Never resent automatically. */
  r = process (t, G_MAXINT32, TRUE);
  g_assert_cmpuint (r.sent + r.failed + r.deferred, ==, 0);
}

static void
test_too_large (void)
{
  TernTestServers *s = tern_test_shared_servers (TRUE);
  g_autoptr(TernTestAccount) t = NULL;
  g_autoptr(TernOutgoingMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GBytes) big = NULL;
  mailsmtp *smtp;
  gsize limit;

  if (!tern_test_servers_require_smtp (s))
    return;
  t = tern_test_account_new (s, TERN_PROTOCOL_POP3);
  smtp = tern_account_connect_smtp (t->account, t->secrets, NULL, NULL, &error);
  g_assert_no_error (error);
  limit = tern_smtp_size_limit (smtp);
  tern_smtp_close (smtp, TRUE);
  g_assert_cmpuint (limit, >, 0);
  msg = make_message (t, t->account->email, FALSE);
  big = g_bytes_new_take (g_malloc0 (limit + 1), limit + 1);
  tern_outgoing_message_add_attachment_bytes (msg, big, "big.bin", "application/octet-stream");
  tern_outbox_queue_message (t->store, t->account, msg, NULL, &error);
  g_assert_no_error (error);
  process (t, 0, FALSE);
  items = tern_store_list_outbox (t->store, t->account->id, &error);
  g_assert_cmpint (((TernOutboxItem *) g_ptr_array_index (items, 0))->state, ==, TERN_OUTBOX_FAILED);
  g_test_message ("%s", ((TernOutboxItem *) g_ptr_array_index (items, 0))->last_error);
  g_assert_nonnull (strstr (((TernOutboxItem *) g_ptr_array_index (items, 0))->last_error,
                            "accepts at most"));
}

static void
test_crash_while_sending (void)
{
  TernTestServers *s = tern_test_shared_servers (TRUE);
  g_autoptr(TernTestAccount) t = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernOutgoingMessage) msg = NULL;
  gint64 id;
  TernOutboxResult r;

  if (!tern_test_servers_require_smtp (s))
    return;
  t = tern_test_account_new (s, TERN_PROTOCOL_POP3);
  msg = make_message (t, t->account->email, FALSE);
  id = tern_outbox_queue_message (t->store, t->account, msg, NULL, &error);
  /* As a crash mid-send leaves it, with a next attempt far away. */
  tern_store_record_outbox_attempt (t->store, id, TERN_OUTBOX_SENDING, NULL, G_MAXINT32, &error);
  g_assert_no_error (error);
  r = process (t, 0, TRUE);
  g_assert_cmpuint (r.sent, ==, 1);
}

int
main (int argc, char **argv)
{
  signal (SIGPIPE, SIG_IGN);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/outbox/send-attachment-imap", test_send_attachment_imap);
  g_test_add_func ("/outbox/offline-then-once", test_offline_then_once);
  g_test_add_func ("/outbox/rejected-recipient", test_rejected_recipient);
  g_test_add_func ("/outbox/too-large", test_too_large);
  g_test_add_func ("/outbox/crash-while-sending", test_crash_while_sending);
  return g_test_run ();
}
