/* Composer tests under Xvfb: a mailto: link opening a composer, the
 * attachment warning, reply threading, drafts saved/replaced/reopened, and
 * sending for real through the harness's Postfix, read back over IMAP from
 * Dovecot. What is tested end to end is: composer -> outbox row -> the
 * outbox processor -> SMTP -> IMAP. mailto: parsing, the attachment check
 * and the address book are engine code, tested without GTK in
 * tests/engine (test-mailto, test-compose-check, test-address-book). */
#include <gtk/gtk.h>

#include "tern-test-ui.h"
#include <libetpan/libetpan.h>
#include <string.h>

#include "tern-application.h"
#include "tern-composer-launcher.h"
#include "core/tern-error.h"
#include "imap/tern-imap-connect.h"
#include "account/tern-outbox.h"
#include "account/tern-secrets.h"
#include "store/tern-message-import.h"
#include "tern-test-servers.h"

typedef struct {
  char *dir;
  TernStore *store;
  TernStoreExecutor *executor;   /* the composers' writes, as the application's */
  gint64 account_id;
  gint64 inbox_id, sent_id, drafts_id;
} Fixture;

static TernTestServers *servers;   /* started once, for the end-to-end tests */
static const char *servers_skip;

/* ---- helpers ---- */

static void
show_and_draw (GtkWidget *widget)
{
  gtk_widget_show (widget);
  /* Let layout and the first frames happen (not an assertion on time). */
  tern_test_ui_wait_mapped (widget, 500);
  g_assert_true (gtk_widget_get_mapped (widget));
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) acc = tern_account_settings_new ();

  f->dir = g_dir_make_tmp ("tern-composer-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = tern_store_open (f->dir, TERN_STORE_OPEN_WRITER, &error);
  g_assert_no_error (error);
  f->executor = tern_store_executor_new (f->dir);
  acc->name = g_strdup ("Work");
  acc->display_name = g_strdup ("Alice Ändersson");
  acc->email = g_strdup ("alice@localhost");
  acc->incoming_host = g_strdup ("localhost");
  acc->incoming_user = g_strdup ("alice");
  acc->smtp_host = g_strdup ("localhost");
  acc->smtp_user = g_strdup ("alice");
  f->account_id = tern_store_add_account (f->store, acc, &error);
  g_assert_no_error (error);
  f->inbox_id = tern_store_upsert_folder (f->store, f->account_id, "INBOX", "/",
                                         TERN_FOLDER_ROLE_INBOX, TRUE, &error);
  f->sent_id = tern_store_upsert_folder (f->store, f->account_id, "Sent", "/",
                                        TERN_FOLDER_ROLE_SENT, TRUE, &error);
  f->drafts_id = tern_store_upsert_folder (f->store, f->account_id, "Drafts", "/",
                                          TERN_FOLDER_ROLE_DRAFTS, TRUE, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

  if (f->executor != NULL)
    tern_store_executor_shutdown (f->executor);
  g_clear_object (&f->executor);
  g_clear_object (&f->store);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  g_free (f->dir);
}

static gint64
insert_message (Fixture *f, gint64 folder_id, guint32 uid, const char *raw_text)
{
  g_autoptr(GBytes) raw = g_bytes_new (raw_text, strlen (raw_text));
  g_autoptr(GError) error = NULL;
  g_autoptr(TernImportedMessage) im = tern_imported_message_new (raw, FALSE, &error);
  g_autoptr(GArray) ids = NULL;

  g_assert_no_error (error);
  im->record.folder_id = folder_id;
  im->record.uid = uid;
  im->record.body_state = TERN_BODY_STATE_FULL;
  im->record.raw = raw;
  im->record.size = g_bytes_get_size (raw);
  tern_store_insert_messages (f->store, &im->record, 1, &ids, &error);
  g_assert_no_error (error);
  return g_array_index (ids, gint64, 0);
}

static TernComposer *
new_composer (Fixture *f)
{
  return tern_composer_new (NULL, f->store, f->executor);
}

static char *
outbox_text (Fixture *f, TernOutboxItem **item_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = tern_store_list_outbox (f->store, f->account_id, &error);
  TernOutboxItem *item;

  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  item = g_ptr_array_index (items, 0);
  if (item_out)
    *item_out = tern_outbox_item_copy (item);
  return g_strndup (g_bytes_get_data (item->raw, NULL), g_bytes_get_size (item->raw));
}

static guint
count_ops (Fixture *f, TernPendingOpKind kind)
{
  g_autoptr(GPtrArray) ops = tern_store_list_ops (f->store, f->account_id, NULL);
  guint n = 0;

  for (guint i = 0; i < ops->len; i++)
    n += ((TernPendingOp *) g_ptr_array_index (ops, i))->kind == kind;
  return n;
}

static guint
count_folder (Fixture *f, gint64 folder_id)
{
  g_autoptr(GArray) ids = tern_store_list_message_ids (f->store, folder_id, TERN_SORT_DATE,
                                                       FALSE, NULL);
  return ids->len;
}

/* ---- mailto: (parsing is tested in tests/engine/test-mailto.c) ---- */

static void
test_mailto_opens_composer (Fixture *f, gconstpointer data)
{
  g_autoptr(TernApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernOutgoingMessage) msg = NULL;
  TernComposer *composer;

  g_setenv ("TERN_DATA_DIR", f->dir, TRUE);
  app = tern_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  composer = tern_composer_launcher_open_mailto (app, "mailto:zoe@example.org?subject=Hello%20%F0%9F%91%8B"
                                                "&body=Gr%C3%BC%C3%9Fe");
  g_assert_nonnull (composer);
  msg = tern_composer_get_message (composer);
  g_assert_cmpstr (msg->from_address, ==, "alice@localhost");
  g_assert_cmpuint (msg->to->len, ==, 1);
  g_assert_cmpstr (msg->subject, ==, "Hello 👋");
  g_assert_cmpstr (msg->body, ==, "Grüße");
  g_assert_null (tern_composer_launcher_open_mailto (app, "https://example.org/"));
  gtk_widget_destroy (GTK_WIDGET (composer));
}

/* ---- checks ---- */

static void
test_attachment_warning (Fixture *f, gconstpointer data)
{
  TernComposer *composer = new_composer (f);
  g_autoptr(TernOutgoingMessage) msg = tern_outgoing_message_new ();
  g_autofree char *path = g_build_filename (f->dir, "big.bin", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  tern_outgoing_message_add_to (msg, "Bob", "bob@example.org");
  msg->subject = g_strdup ("The report");
  msg->body = g_strdup ("Hi Bob,\n\nthe report is attached.\n\nAlice");
  tern_composer_set_message (composer, msg);
  show_and_draw (GTK_WIDGET (composer));
  tern_test_ui_save_screenshot (GTK_WIDGET (composer), "composer-new.png");

  g_object_ref (composer);
  g_assert_false (tern_composer_send (composer));
  g_assert_true (tern_composer_is_attachment_warning_shown (composer));
  show_and_draw (GTK_WIDGET (composer));
  tern_test_ui_save_screenshot (GTK_WIDGET (composer), "composer-attachment-warning.png");
  tern_composer_respond_attachment_warning (composer, FALSE);
  g_assert_false (tern_composer_is_attachment_warning_shown (composer));
  g_assert_cmpint (tern_composer_get_outbox_id (composer), ==, 0);

  /* A large file: the size warning; removing it hides the warning. */
  g_file_set_contents (path, "x", 1, &error);
  g_assert_no_error (error);
  tern_composer_set_size_limit (composer, 100);
  {
    g_autoptr(GFileOutputStream) out = g_file_replace (file, NULL, FALSE, 0, NULL, &error);
    g_autofree char *chunk = g_malloc0 (4096);
    g_assert_no_error (error);
    g_output_stream_write_all (G_OUTPUT_STREAM (out), chunk, 4096, NULL, NULL, &error);
    g_assert_no_error (error);
  }
  tern_composer_add_attachment (composer, file);
  g_assert_cmpuint (tern_composer_get_n_attachments (composer), ==, 1);
  g_assert_true (tern_composer_is_size_warning_shown (composer));
  tern_composer_set_size_limit (composer, 0);
  g_assert_false (tern_composer_is_size_warning_shown (composer));

  /* With the attachment there is no question: it goes to the outbox. */
  g_assert_true (tern_composer_send (composer));
  g_assert_cmpint (tern_composer_get_outbox_id (composer), >, 0);
  g_object_unref (composer);
  {
    g_autofree char *text = outbox_text (f, NULL);
    g_assert_nonnull (strstr (text, "filename=big.bin"));
  }
}

/* ---- reply ---- */

static const char original[] =
  "From: Bob Builder <bob@example.org>\r\n"
  "To: Alice <alice@localhost>, Carol <carol@example.org>\r\n"
  "Cc: dave@example.org\r\n"
  "Subject: Re: Plans for Friday\r\n"
  "Date: Mon, 3 Jun 2024 10:00:00 +0000\r\n"
  "Message-ID: <orig-2@example.org>\r\n"
  "References: <orig-1@example.org>\r\n"
  "In-Reply-To: <orig-1@example.org>\r\n"
  "\r\n"
  "Shall we meet at noon?\r\n"
  "Bob\r\n";

static void
test_reply_threading (Fixture *f, gconstpointer data)
{
  gint64 orig_id = insert_message (f, f->inbox_id, 42, original);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernOutgoingMessage) msg = NULL;
  g_autoptr(TernMessageSummary) after = NULL;
  g_autoptr(TernOutboxItem) item = NULL;
  g_autofree char *text = NULL;
  TernComposer *composer;

  composer = tern_composer_new_from_message (NULL, f->store, f->executor, orig_id, TERN_COMPOSE_REPLY_ALL,
                                             &error);
  g_assert_no_error (error);
  msg = tern_composer_get_message (composer);
  g_assert_cmpstr (msg->subject, ==, "Re: Plans for Friday");
  g_assert_cmpuint (msg->to->len, ==, 2);  /* Bob and Carol, not me */
  g_assert_cmpuint (msg->cc->len, ==, 1);
  g_assert_nonnull (strstr (msg->body, "> Shall we meet at noon?"));
  show_and_draw (GTK_WIDGET (composer));
  tern_test_ui_save_screenshot (GTK_WIDGET (composer), "composer-reply.png");

  g_assert_true (tern_composer_send (composer));
  text = outbox_text (f, &item);
  g_assert_nonnull (strstr (text, "In-Reply-To: <orig-2@example.org>"));
  g_assert_nonnull (strstr (text, "References: <orig-1@example.org> <orig-2@example.org>"));
  g_assert_nonnull (strstr (text, "Subject: Re: Plans for Friday"));
  g_assert_true (g_strv_contains ((const char *const *) item->recipients, "dave@example.org"));

  /* The original is answered at once, and the server learns it later. */
  after = tern_store_get_message (f->store, orig_id, &error);
  g_assert_no_error (error);
  g_assert_true (after->flags & TERN_FLAG_ANSWERED);
  g_assert_cmpuint (count_ops (f, TERN_PENDING_SET_FLAGS), ==, 1);
}

static void
test_reply_not_downloaded (Fixture *f, gconstpointer data)
{
  TernMessageRecord rec = { .folder_id = f->inbox_id, .uid = 7, .subject = "x",
                            .message_id = "nd@x", .body_state = TERN_BODY_STATE_HEADERS };
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  TernComposer *composer;

  tern_store_insert_messages (f->store, &rec, 1, &ids, &error);
  g_assert_no_error (error);
  composer = tern_composer_new_from_message (NULL, f->store, f->executor, g_array_index (ids, gint64, 0),
                                             TERN_COMPOSE_FORWARD_INLINE, &error);
  g_assert_null (composer);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "downloaded"));
}

static void
test_forward_flags (Fixture *f, gconstpointer data)
{
  gint64 orig_id = insert_message (f, f->inbox_id, 43, original);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernMessageSummary) after = NULL;
  g_autofree char *text = NULL;
  TernComposer *composer;

  composer = tern_composer_new_from_message (NULL, f->store, f->executor, orig_id,
                                             TERN_COMPOSE_FORWARD_ATTACHMENT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tern_composer_get_n_attachments (composer), ==, 1);
  {
    g_autoptr(TernOutgoingMessage) cur = tern_composer_get_message (composer);
    tern_outgoing_message_add_to (cur, NULL, "erin@example.org");
    tern_composer_set_message (composer, cur);
  }
  g_assert_true (tern_composer_send (composer));
  text = outbox_text (f, NULL);
  g_assert_nonnull (strstr (text, "Subject: Fwd: Re: Plans for Friday"));
  g_assert_nonnull (strstr (text, "message/rfc822"));
  after = tern_store_get_message (f->store, orig_id, &error);
  g_assert_true (after->flags & TERN_FLAG_FORWARDED);
}

/* ---- drafts ---- */

static void
wait_for_autosave (TernComposer *composer)
{
  TERN_TEST_WAIT_UNTIL (!tern_composer_has_pending_save (composer), 20000);
  g_assert_false (tern_composer_has_pending_save (composer));
}

static void
test_draft_save_and_reopen (Fixture *f, gconstpointer data)
{
  TernComposer *composer = new_composer (f);
  g_autoptr(TernOutgoingMessage) msg = tern_outgoing_message_new ();
  g_autoptr(TernOutgoingMessage) back = NULL;
  g_autoptr(GBytes) pdf = g_bytes_new_static ("%PDF-1.4 fake", 13);
  g_autoptr(GError) error = NULL;
  gint64 first, second, third;
  TernComposer *reopened;

  g_assert_cmpint (tern_composer_save_draft (composer, &error), ==, 0);  /* empty: no draft */
  tern_outgoing_message_add_to (msg, "Bob", "bob@example.org");
  tern_outgoing_message_add_bcc (msg, NULL, "secret@example.org");
  msg->subject = g_strdup ("Draft ünïcode");
  msg->body = g_strdup ("First version");
  tern_outgoing_message_add_attachment_bytes (msg, pdf, "plan.pdf", "application/pdf");
  tern_composer_set_message (composer, msg);

  /* The change armed the autosave timer. */
  g_assert_true (tern_composer_has_pending_save (composer));
  wait_for_autosave (composer);
  first = tern_composer_get_draft_id (composer);
  g_assert_cmpint (first, >, 0);
  g_assert_cmpuint (count_folder (f, f->drafts_id), ==, 1);
  g_assert_cmpuint (count_ops (f, TERN_PENDING_APPEND), ==, 1);

  /* A new version replaces the old; the old APPEND never reached the
   * server, so it is dropped rather than deleted there. */
  g_free (msg->body);
  msg->body = g_strdup ("Second version");
  tern_composer_set_message (composer, msg);
  second = tern_composer_save_draft (composer, &error);
  g_assert_no_error (error);
  g_assert_cmpint (second, >, first);
  g_assert_cmpuint (count_folder (f, f->drafts_id), ==, 1);
  g_assert_cmpuint (count_ops (f, TERN_PENDING_APPEND), ==, 1);

  /* Now pretend the worker appended it (UID 77): replacing it must delete
   * UID 77 on the server for good. */
  tern_store_move_message (f->store, second, f->drafts_id, 77, &error);
  g_assert_no_error (error);
  g_free (msg->body);
  msg->body = g_strdup ("Third version");
  tern_composer_set_message (composer, msg);
  show_and_draw (GTK_WIDGET (composer));
  {
    gpointer alive = composer;

    g_object_add_weak_pointer (G_OBJECT (composer), &alive);
    gtk_window_close (GTK_WINDOW (composer));   /* closing saves */
    TERN_TEST_WAIT_UNTIL (alive == NULL, 10000);
    g_assert_null (alive);
  }
  {
    g_autoptr(GPtrArray) ops = tern_store_list_ops (f->store, f->account_id, NULL);
    guint deletes = 0;
    for (guint i = 0; i < ops->len; i++)
      {
        TernPendingOp *op = g_ptr_array_index (ops, i);
        if (op->kind == TERN_PENDING_DELETE)
          {
            deletes++;
            g_assert_cmpstr (op->uids, ==, "77");
            g_assert_cmpstr (op->folder_path, ==, "Drafts");
          }
      }
    g_assert_cmpuint (deletes, ==, 1);
  }
  g_assert_cmpuint (count_folder (f, f->drafts_id), ==, 1);
  {
    g_autoptr(GArray) ids = tern_store_list_message_ids (f->store, f->drafts_id, TERN_SORT_DATE,
                                                         FALSE, NULL);
    third = g_array_index (ids, gint64, 0);
  }

  reopened = tern_composer_new_for_draft (NULL, f->store, f->executor, third, &error);
  g_assert_no_error (error);
  back = tern_composer_get_message (reopened);
  g_assert_cmpstr (back->subject, ==, "Draft ünïcode");
  g_assert_nonnull (strstr (back->body, "Third version"));
  g_assert_cmpuint (back->to->len, ==, 1);
  g_assert_cmpuint (back->bcc->len, ==, 1);
  g_assert_cmpstr (((TernAddress *) g_ptr_array_index (back->bcc, 0))->address, ==,
                   "secret@example.org");
  g_assert_cmpuint (back->attachments->len, ==, 1);
  g_assert_cmpuint (g_bytes_get_size (((TernOutgoingAttachment *)
                                       g_ptr_array_index (back->attachments, 0))->data), ==, 13);
  g_assert_cmpint (tern_composer_get_draft_id (reopened), ==, third);

  /* Sending the continued draft removes it and never leaks X-Tern-Bcc. */
  g_assert_true (tern_composer_send (reopened));
  g_assert_cmpuint (count_folder (f, f->drafts_id), ==, 0);
  {
    g_autoptr(TernOutboxItem) item = NULL;
    g_autofree char *text = outbox_text (f, &item);
    g_assert_null (strstr (text, "X-Tern"));
    g_assert_null (strstr (text, "secret@"));
    g_assert_true (g_strv_contains ((const char *const *) item->recipients, "secret@example.org"));
  }
}

/* ---- the main loop never waits for the disk ---- */

/* A job that holds the composer's executor thread until released: stands
 * in for a slow disk (an fsync that takes its time). */
typedef struct {
  GMutex lock;
  GCond cond;
  gboolean entered;
  gboolean released;
} Gate;

static gboolean
gate_job (TernStore *store, gpointer data, GError **error)
{
  Gate *gate = data;

  g_mutex_lock (&gate->lock);
  gate->entered = TRUE;
  g_cond_broadcast (&gate->cond);
  while (!gate->released)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
  return TRUE;
}

static void
gate_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_assert_true (tern_store_executor_run_finish (NULL, result, NULL));
  *(gboolean *) user_data = TRUE;
}

/* Blocks @executor's thread; returns once the gate job is running. */
static void
gate_close (Gate *gate, TernStoreExecutor *executor, gboolean *done)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_mutex_init (&gate->lock);
  g_cond_init (&gate->cond);
  tern_store_executor_run_async (executor, gate_job, gate, NULL, NULL, gate_done, done);
  g_mutex_lock (&gate->lock);
  while (!gate->entered && g_cond_wait_until (&gate->cond, &gate->lock, end))
    ;
  g_assert_true (gate->entered);
  g_mutex_unlock (&gate->lock);
}

static void
gate_open (Gate *gate)
{
  g_mutex_lock (&gate->lock);
  gate->released = TRUE;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);
}

static void
gate_clear (Gate *gate)
{
  g_mutex_clear (&gate->lock);
  g_cond_clear (&gate->cond);
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until *flag (bounded). */
static void
iterate_until (gboolean *flag)
{
  TERN_TEST_WAIT_UNTIL (*flag, 20000);
  g_assert_true (*flag);
}

/* Runs what is ready now, without waiting (bounded). */
static void
iterate_ready (void)
{
  tern_test_drain (1000);
}

static char *
draft_text (Fixture *f, gint64 draft_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = tern_store_get_raw (f->store, draft_id, &error);

  g_assert_no_error (error);
  return g_strndup (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
}

static gint64
only_draft (Fixture *f)
{
  g_autoptr(GArray) ids = tern_store_list_message_ids (f->store, f->drafts_id, TERN_SORT_DATE,
                                                       FALSE, NULL);
  g_assert_cmpuint (ids->len, ==, 1);
  return g_array_index (ids, gint64, 0);
}

static void
test_autosave_off_main_loop (Fixture *f, gconstpointer data)
{
  TernComposer *composer = new_composer (f);
  g_autoptr(TernOutgoingMessage) msg = tern_outgoing_message_new ();
  g_autofree char *text = NULL;
  gboolean gate_finished = FALSE;
  gboolean ticked = FALSE;
  Gate gate = { 0 };

  /* The executor is stuck (a slow disk) before the user even types. */
  gate_close (&gate, tern_composer_get_store_executor (composer), &gate_finished);
  tern_outgoing_message_add_to (msg, "Bob", "bob@example.org");
  msg->subject = g_strdup ("Slow disk");
  msg->body = g_strdup ("First version");
  tern_composer_set_message (composer, msg);

  /* The autosave timer fires and hands the save to the executor... */
  TERN_TEST_WAIT_UNTIL (tern_composer_is_busy (composer) || !tern_composer_has_pending_save (composer),
                        20000);
  g_assert_true (tern_composer_is_busy (composer));
  /* ...and the main loop goes on: a timeout fires while the save waits. */
  g_timeout_add (10, set_flag, &ticked);
  iterate_until (&ticked);
  g_assert_true (tern_composer_has_pending_save (composer));
  g_assert_cmpint (tern_composer_get_draft_id (composer), ==, 0);
  g_assert_cmpuint (count_folder (f, f->drafts_id), ==, 0);

  /* The user goes on typing; the newer save waits for the first. */
  g_free (msg->body);
  msg->body = g_strdup ("Second version");
  tern_composer_set_message (composer, msg);
  tern_composer_save_draft_async (composer);
  iterate_ready ();
  g_assert_cmpuint (count_folder (f, f->drafts_id), ==, 0);

  gate_open (&gate);
  iterate_until (&gate_finished);
  TERN_TEST_WAIT_UNTIL (!tern_composer_has_pending_save (composer), 20000);
  g_assert_false (tern_composer_has_pending_save (composer));
  g_assert_null (tern_composer_get_error (composer));
  /* One draft, the newest text; the first was replaced, not duplicated. */
  g_assert_cmpint (tern_composer_get_draft_id (composer), ==, only_draft (f));
  g_assert_cmpuint (count_ops (f, TERN_PENDING_APPEND), ==, 1);
  text = draft_text (f, tern_composer_get_draft_id (composer));
  g_assert_nonnull (strstr (text, "Second version"));
  gtk_widget_destroy (GTK_WIDGET (composer));
  gate_clear (&gate);
}

static void
test_close_saves_once (Fixture *f, gconstpointer data)
{
  TernComposer *composer = new_composer (f);
  g_autoptr(TernOutgoingMessage) msg = tern_outgoing_message_new ();
  g_autofree char *text = NULL;
  gpointer alive = composer;
  gboolean gate_finished = FALSE;
  Gate gate = { 0 };

  tern_outgoing_message_add_to (msg, NULL, "carol@example.org");
  msg->subject = g_strdup ("Closing");
  msg->body = g_strdup ("Unsaved words");
  tern_composer_set_message (composer, msg);
  g_assert_true (tern_composer_has_pending_save (composer));   /* the timer, not yet fired */
  show_and_draw (GTK_WIDGET (composer));
  g_object_add_weak_pointer (G_OBJECT (composer), &alive);

  gate_close (&gate, tern_composer_get_store_executor (composer), &gate_finished);
  gtk_window_close (GTK_WINDOW (composer));
  iterate_ready ();
  /* Gone from the screen at once, alive until the draft is kept. */
  g_assert_nonnull (alive);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (composer)));
  g_assert_true (tern_composer_is_busy (composer));
  /* Closing again (quit while it saves) starts no second save. */
  gtk_window_close (GTK_WINDOW (composer));
  iterate_ready ();
  g_assert_nonnull (alive);

  gate_open (&gate);
  iterate_until (&gate_finished);
  TERN_TEST_WAIT_UNTIL (alive == NULL, 20000);
  g_assert_null (alive);
  iterate_ready ();
  g_assert_cmpuint (count_folder (f, f->drafts_id), ==, 1);
  g_assert_cmpuint (count_ops (f, TERN_PENDING_APPEND), ==, 1);
  text = draft_text (f, only_draft (f));
  g_assert_nonnull (strstr (text, "Unsaved words"));
  gate_clear (&gate);
}

/* A close whose save fails brings the window back with the error: the
 * words are not thrown away. */
static void
test_close_save_fails_keeps_window (Fixture *f, gconstpointer data)
{
  TernComposer *composer = new_composer (f);
  g_autoptr(TernOutgoingMessage) msg = tern_outgoing_message_new ();
  g_autoptr(GError) error = NULL;

  msg->subject = g_strdup ("Nowhere to go");
  msg->body = g_strdup ("Precious words");
  tern_composer_set_message (composer, msg);
  show_and_draw (GTK_WIDGET (composer));
  /* No Drafts folder: tern_draft_save says NOT_FOUND. */
  g_assert_true (tern_store_delete_folder (f->store, f->drafts_id, &error));
  g_assert_no_error (error);

  g_object_ref (composer);
  gtk_window_close (GTK_WINDOW (composer));
  iterate_ready ();
  TERN_TEST_WAIT_UNTIL (tern_composer_get_error (composer) != NULL, 20000);
  g_assert_nonnull (tern_composer_get_error (composer));
  g_assert_nonnull (strstr (tern_composer_get_error (composer), "stays open"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (composer)));
  g_assert_false (tern_composer_is_busy (composer));
  {
    g_autoptr(TernOutgoingMessage) back = tern_composer_get_message (composer);
    g_assert_cmpstr (back->body, ==, "Precious words");
  }
  gtk_widget_destroy (GTK_WIDGET (composer));
  g_object_unref (composer);
}

static void
test_send_async_closes_after_commit (Fixture *f, gconstpointer data)
{
  TernComposer *composer = new_composer (f);
  g_autoptr(TernOutgoingMessage) msg = tern_outgoing_message_new ();
  gpointer alive = composer;
  gboolean gate_finished = FALSE;
  gboolean ticked = FALSE;
  Gate gate = { 0 };

  tern_outgoing_message_add_to (msg, NULL, "dave@example.org");
  msg->subject = g_strdup ("Queued later");
  msg->body = g_strdup ("Hello");
  tern_composer_set_message (composer, msg);
  tern_composer_save_draft_async (composer);   /* a draft exists: send must remove it */
  wait_for_autosave (composer);
  show_and_draw (GTK_WIDGET (composer));
  g_assert_cmpuint (count_folder (f, f->drafts_id), ==, 1);
  g_object_add_weak_pointer (G_OBJECT (composer), &alive);

  gate_close (&gate, tern_composer_get_store_executor (composer), &gate_finished);
  g_assert_true (tern_composer_send_async (composer));
  g_timeout_add (10, set_flag, &ticked);
  iterate_until (&ticked);
  /* Not committed yet: the window stays, nothing in the outbox. */
  g_assert_nonnull (alive);
  g_assert_cmpint (tern_composer_get_outbox_id (composer), ==, 0);
  g_assert_cmpuint (tern_store_list_outbox (f->store, f->account_id, NULL)->len, ==, 0);
  g_assert_false (tern_composer_send_async (composer));   /* no second send */

  gate_open (&gate);
  iterate_until (&gate_finished);
  TERN_TEST_WAIT_UNTIL (alive == NULL, 20000);
  g_assert_null (alive);
  {
    g_autofree char *text = outbox_text (f, NULL);
    g_assert_nonnull (strstr (text, "Queued later"));
  }
  g_assert_cmpuint (count_folder (f, f->drafts_id), ==, 0);
  gate_clear (&gate);
}

static void
test_completion_ranked_in_thread (Fixture *f, gconstpointer data)
{
  TernComposer *composer;

  insert_message (f, f->sent_id, 1, "From: alice@localhost\r\nTo: Zoë <zoe@example.org>\r\n"
                  "Subject: a\r\nMessage-ID: <c1@x>\r\n\r\nhi\r\n");
  composer = new_composer (f);
  TERN_TEST_WAIT_UNTIL (tern_composer_get_n_completions (composer) > 0, 20000);
  g_assert_cmpuint (tern_composer_get_n_completions (composer), ==, 1);
  gtk_widget_destroy (GTK_WIDGET (composer));
}

/* ---- end to end, with the harness ---- */

static gboolean
need_servers (void)
{
  g_autoptr(GError) error = NULL;

  if (servers == NULL && servers_skip == NULL)
    {
      servers = tern_test_servers_start (NULL, &error);
      if (servers == NULL)
        servers_skip = g_strdup (error->message);
      else
        {
          tern_test_servers_add_user (servers, "alice", "alice-pw", &error);
          g_assert_no_error (error);
          tern_test_servers_add_user (servers, "bob", "bob-pw", &error);
          g_assert_no_error (error);
          g_setenv ("TERN_EXTRA_CA_FILE", tern_test_servers_ca_file (servers), TRUE);
        }
    }
  if (servers == NULL)
    {
      g_test_skip (servers_skip);
      return FALSE;
    }
  return tern_test_servers_require_smtp (servers);
}

/* Stand-in for the outbox processor (branch pop3smtp): sends every queued
 * item once; returns how many went out. A failed connect leaves them. */
/* Sends what the composer queued, with the real outbox processor, as the
 * account worker does after a sync; returns how many went out. */
static guint
drain_outbox (Fixture *f)
{
  g_autoptr(TernAccountSettings) acc = tern_store_get_account (f->store, f->account_id, NULL);
  g_autoptr(TernSecrets) secrets = tern_secrets_new (f->dir, TERN_SECRETS_FILE);
  g_autoptr(TernOutbox) outbox = NULL;
  g_autoptr(GError) error = NULL;
  TernOutboxResult result = { 0 };

  acc->smtp_port = tern_test_servers_port (servers, TERN_TEST_SMTPS);
  acc->smtp_security = TERN_SECURITY_TLS;
  g_assert_true (tern_secrets_store (secrets, acc->name, TERN_SECRET_INCOMING, "alice-pw", &error));
  outbox = tern_outbox_new (f->store, acc, secrets);
  tern_outbox_set_ignore_backoff (outbox, TRUE);
  if (!tern_outbox_process (outbox, NULL, &result, &error))
    g_test_message ("send failed (expected when offline): %s", error->message);
  return result.sent;
}

/* Every message in bob's INBOX over IMAP (GBytes). */
static GPtrArray *
fetch_bob_inbox (void)
{
  TernServerConfig cfg = { .host = "localhost",
                           .port = tern_test_servers_port (servers, TERN_TEST_IMAPS),
                           .security = TERN_SECURITY_TLS, .user = "bob" };
  g_autoptr(GError) error = NULL;
  mailimap *imap = tern_imap_connect (&cfg, "bob-pw", NULL, NULL, &error);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  struct mailimap_fetch_type *type;
  struct mailimap_set *set;
  clist *result = NULL;
  int r;

  g_assert_no_error (error);
  r = mailimap_examine (imap, "INBOX");
  g_assert_cmpint (r, ==, MAILIMAP_NO_ERROR);
  if (imap->imap_selection_info != NULL && imap->imap_selection_info->sel_exists == 0)
    goto done;
  set = mailimap_set_new_interval (1, 0);
  type = mailimap_fetch_type_new_fetch_att (mailimap_fetch_att_new_rfc822 ());
  r = mailimap_fetch (imap, set, type, &result);
  mailimap_set_free (set);
  mailimap_fetch_type_free (type);
  g_assert_cmpint (r, ==, MAILIMAP_NO_ERROR);
  for (clistiter *it = clist_begin (result); it != NULL; it = clist_next (it))
    {
      struct mailimap_msg_att *att = clist_content (it);
      for (clistiter *a = clist_begin (att->att_list); a != NULL; a = clist_next (a))
        {
          struct mailimap_msg_att_item *item = clist_content (a);
          if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
              item->att_data.att_static->att_type == MAILIMAP_MSG_ATT_RFC822)
            g_ptr_array_add (out, g_bytes_new (item->att_data.att_static->att_data.att_rfc822.att_content,
                                               item->att_data.att_static->att_data.att_rfc822.att_length));
        }
    }
  mailimap_fetch_list_free (result);
done:
  tern_imap_close (imap, TRUE);
  return out;
}

/* Polls bob's INBOX until @n messages whose Subject contains @subject are
 * there (bounded); returns the last one's parse. */
static TernParsedMessage *
wait_for_message (const char *subject, guint n)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  TernParsedMessage *found = NULL;
  guint count = 0;

  do
    {
      g_autoptr(GPtrArray) msgs = fetch_bob_inbox ();

      count = 0;
      g_clear_pointer (&found, tern_parsed_message_free);
      for (guint i = 0; i < msgs->len; i++)
        {
          TernParsedMessage *p = tern_parsed_message_new_from_bytes (g_ptr_array_index (msgs, i), NULL);
          if (p != NULL && strstr (p->subject, subject) != NULL)
            {
              count++;
              g_clear_pointer (&found, tern_parsed_message_free);
              found = p;
            }
          else if (p != NULL)
            tern_parsed_message_free (p);
        }
      if (count >= n)
        break;
      g_usleep (G_USEC_PER_SEC / 10);   /* polling a server, not waiting out a race */
    }
  while (g_get_monotonic_time () < end);
  g_assert_cmpuint (count, ==, n);
  return found;
}

static void
test_send_end_to_end (Fixture *f, gconstpointer data)
{
  TernComposer *composer;
  g_autoptr(TernOutgoingMessage) msg = tern_outgoing_message_new ();
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernParsedMessage) got = NULL;
  g_autofree char *bob = NULL;

  if (!need_servers ())
    return;
  bob = tern_test_servers_user_address (servers, "bob");
  path = g_build_filename (f->dir, "Résumé 2024.txt", NULL);
  g_file_set_contents (path, "curriculum vitae\n", -1, &error);
  g_assert_no_error (error);
  file = g_file_new_for_path (path);

  composer = new_composer (f);
  tern_outgoing_message_add_to (msg, "Bob", bob);
  msg->subject = g_strdup ("Grüße aus Köln e2e");
  msg->body = g_strdup ("Hallo Bob,\n\nanbei mein Lebenslauf. Ça va? €100\n\nAlice");
  tern_composer_set_message (composer, msg);
  tern_composer_add_attachment (composer, file);
  show_and_draw (GTK_WIDGET (composer));
  tern_test_ui_save_screenshot (GTK_WIDGET (composer), "composer-new-with-attachment.png");
  g_assert_true (tern_composer_send (composer));
  g_assert_cmpuint (drain_outbox (f), ==, 1);

  got = wait_for_message ("e2e", 1);
  g_assert_cmpstr (got->subject, ==, "Grüße aus Köln e2e");
  g_assert_cmpstr (got->from_name, ==, "Alice Ändersson");
  {
    g_autofree char *alice = tern_test_servers_user_address (servers, "alice");
    g_assert_cmpstr (got->from_address, ==, alice);
  }
  g_assert_nonnull (strstr (got->body_text, "Ça va? €100"));
  g_assert_nonnull (got->message_id);
  g_assert_cmpuint (got->attachments->len, ==, 1);
  g_assert_cmpstr (((TernMimeAttachment *) g_ptr_array_index (got->attachments, 0))->filename, ==,
                   "Résumé 2024.txt");
  {
    gsize len;
    const char *raw = g_bytes_get_data (tern_parsed_message_get_raw (got), &len);
    g_autofree char *text = g_ascii_strdown (raw, len);
    g_assert_nonnull (strstr (text, "subject: =?utf-8?"));   /* RFC 2047 */
    g_assert_nonnull (strstr (text, "charset=utf-8"));
    g_assert_nonnull (strstr (text, "filename*"));            /* RFC 2231 */
  }
}

static void
test_offline_send (Fixture *f, gconstpointer data)
{
  TernComposer *composer;
  g_autoptr(TernOutgoingMessage) msg = tern_outgoing_message_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TernParsedMessage) got = NULL;
  g_autofree char *bob = NULL;

  if (!need_servers ())
    return;
  bob = tern_test_servers_user_address (servers, "bob");
  tern_test_servers_stop_smtp (servers, &error);
  g_assert_no_error (error);

  composer = new_composer (f);
  tern_outgoing_message_add_to (msg, NULL, bob);
  msg->subject = g_strdup ("offline-once");
  msg->body = g_strdup ("Written on a train.");
  tern_composer_set_message (composer, msg);
  g_assert_true (tern_composer_send (composer));

  /* Offline: nothing goes, the row stays. */
  g_assert_cmpuint (drain_outbox (f), ==, 0);
  g_assert_cmpuint (tern_store_list_outbox (f->store, f->account_id, NULL)->len, ==, 1);

  tern_test_servers_start_smtp (servers, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (drain_outbox (f), ==, 1);
  g_assert_cmpuint (drain_outbox (f), ==, 0);   /* once, not twice */
  got = wait_for_message ("offline-once", 1);
  g_assert_nonnull (strstr (got->body_text, "train"));
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/composer/mailto/opens-composer", test_mailto_opens_composer);
  ADD ("/composer/attachment-warning", test_attachment_warning);
  ADD ("/composer/reply/threading", test_reply_threading);
  ADD ("/composer/reply/not-downloaded", test_reply_not_downloaded);
  ADD ("/composer/forward/flags", test_forward_flags);
  ADD ("/composer/draft/save-and-reopen", test_draft_save_and_reopen);
  ADD ("/composer/draft/autosave-off-main-loop", test_autosave_off_main_loop);
  ADD ("/composer/draft/close-saves-once", test_close_saves_once);
  ADD ("/composer/draft/close-save-fails", test_close_save_fails_keeps_window);
  ADD ("/composer/send/async-closes-after-commit", test_send_async_closes_after_commit);
  ADD ("/composer/completion/ranked-in-thread", test_completion_ranked_in_thread);
  ADD ("/composer/send/end-to-end", test_send_end_to_end);
  ADD ("/composer/send/offline", test_offline_send);
  ret = g_test_run ();
  g_clear_pointer (&servers, tern_test_servers_free);
  (void) servers_skip;
  return ret;
}
