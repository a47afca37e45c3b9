/* The composer and the Accounts window from the keyboard only (issue 18),
 * with key events through GTK's dispatch under Xvfb: a new message opens
 * with the cursor in To, a reply in the body above the quote; Ctrl+Enter
 * sends (no newline is typed, from the body or from To); Escape closes the
 * composer and keeps the draft; Escape closes the Accounts window. */
#include <gtk/gtk.h>

#include "store/tern-message-import.h"
#include "tern-accounts-dialog.h"
#include "tern-composer.h"
#include "tern-test-ui.h"

typedef struct {
  char *dir;
  TernStore *store;
  TernStoreExecutor *executor;
  gint64 account_id;
  gint64 inbox_id;
  gint64 drafts_id;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) acc = tern_account_settings_new ();

  f->dir = g_dir_make_tmp ("tern-composer-keys-XXXXXX", &error);
  f->store = tern_store_open (f->dir, TERN_STORE_OPEN_WRITER, &error);
  g_assert_no_error (error);
  f->executor = tern_store_executor_new (f->dir);
  acc->name = g_strdup ("Work");
  acc->display_name = g_strdup ("Alice");
  acc->email = g_strdup ("alice@localhost");
  acc->incoming_host = g_strdup ("localhost");
  acc->incoming_user = g_strdup ("alice");
  acc->smtp_host = g_strdup ("localhost");
  f->account_id = tern_store_add_account (f->store, acc, &error);
  f->inbox_id = tern_store_upsert_folder (f->store, f->account_id, "INBOX", "/",
                                         TERN_FOLDER_ROLE_INBOX, TRUE, &error);
  tern_store_upsert_folder (f->store, f->account_id, "Sent", "/", TERN_FOLDER_ROLE_SENT, TRUE, &error);
  f->drafts_id = tern_store_upsert_folder (f->store, f->account_id, "Drafts", "/",
                                          TERN_FOLDER_ROLE_DRAFTS, TRUE, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

  tern_store_executor_shutdown (f->executor);
  g_clear_object (&f->executor);
  g_clear_object (&f->store);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  g_free (f->dir);
}

static void
show (GtkWidget *window)
{
  gtk_widget_show (window);
  tern_test_ui_wait_mapped (window, 200);
  g_assert_true (gtk_widget_get_mapped (window));
}

static GtkWidget *
focus_of (gpointer window)
{
  return gtk_window_get_focus (GTK_WINDOW (window));
}

/* Tab until the body has the focus (the order of the fields is the
 * template's business, not this test's). */
static void
tab_to_body (TernComposer *composer)
{
  for (guint i = 0; i < 12 && !GTK_IS_TEXT_VIEW (focus_of (composer)); i++)
    tern_test_ui_send_key (GTK_WIDGET (composer), GDK_KEY_Tab, 0);
  g_assert_true (GTK_IS_TEXT_VIEW (focus_of (composer)));
}

static GPtrArray *
outbox (Fixture *f)
{
  return tern_store_list_outbox (f->store, f->account_id, NULL);
}

static guint
drafts (Fixture *f)
{
  g_autoptr(GArray) ids = tern_store_list_message_ids (f->store, f->drafts_id, TERN_SORT_DATE, FALSE, NULL);

  return ids->len;
}

static void
test_new_ctrl_enter_sends (Fixture *f, gconstpointer data)
{
  TernComposer *composer = tern_composer_new (NULL, f->store, f->executor);
  gpointer alive = composer;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *raw = NULL;

  g_object_add_weak_pointer (G_OBJECT (composer), &alive);
  show (GTK_WIDGET (composer));
  /* A new message starts in To. */
  g_assert_true (GTK_IS_ENTRY (focus_of (composer)));
  tern_test_ui_type (GTK_WIDGET (composer), "bob@example.org");
  {
    g_autoptr(TernOutgoingMessage) m = tern_composer_get_message (composer);
    g_assert_cmpuint (m->to->len, ==, 1);
  }
  tab_to_body (composer);
  tern_test_ui_type (GTK_WIDGET (composer), "Hello Bob");
  tern_test_ui_send_key (GTK_WIDGET (composer), GDK_KEY_Return, GDK_CONTROL_MASK);
  /* Sent, not a newline: the window goes once the outbox row is committed. */
  TERN_TEST_WAIT_UNTIL (alive == NULL, 20000);
  g_assert_null (alive);
  items = outbox (f);
  g_assert_cmpuint (items->len, ==, 1);
  raw = g_strndup (g_bytes_get_data (((TernOutboxItem *) g_ptr_array_index (items, 0))->raw, NULL),
                   g_bytes_get_size (((TernOutboxItem *) g_ptr_array_index (items, 0))->raw));
  g_assert_nonnull (strstr (raw, "bob@example.org"));
  g_assert_nonnull (strstr (raw, "Hello Bob"));
  g_assert_null (strstr (raw, "Hello Bob\r\n\r\n"));
}

static void
test_ctrl_enter_from_to (Fixture *f, gconstpointer data)
{
  TernComposer *composer = tern_composer_new (NULL, f->store, f->executor);
  gpointer alive = composer;
  g_autoptr(GPtrArray) items = NULL;

  g_object_add_weak_pointer (G_OBJECT (composer), &alive);
  show (GTK_WIDGET (composer));
  tern_test_ui_type (GTK_WIDGET (composer), "carol@example.org");
  tern_test_ui_send_key (GTK_WIDGET (composer), GDK_KEY_KP_Enter, GDK_CONTROL_MASK);
  TERN_TEST_WAIT_UNTIL (alive == NULL, 20000);
  g_assert_null (alive);
  items = outbox (f);
  g_assert_cmpuint (items->len, ==, 1);
}

static void
test_escape_keeps_draft (Fixture *f, gconstpointer data)
{
  TernComposer *composer = tern_composer_new (NULL, f->store, f->executor);
  gpointer alive = composer;
  g_autoptr(GPtrArray) items = NULL;

  g_object_add_weak_pointer (G_OBJECT (composer), &alive);
  show (GTK_WIDGET (composer));
  tern_test_ui_type (GTK_WIDGET (composer), "dave@example.org");
  tab_to_body (composer);
  tern_test_ui_type (GTK_WIDGET (composer), "Words to keep");
  tern_test_ui_send_key (GTK_WIDGET (composer), GDK_KEY_Escape, 0);
  /* Hidden, then destroyed once the draft is committed. */
  TERN_TEST_WAIT_UNTIL (alive == NULL || !gtk_widget_get_visible (GTK_WIDGET (composer)), 20000);
  g_assert_true (alive == NULL || !gtk_widget_get_visible (GTK_WIDGET (composer)));
  TERN_TEST_WAIT_UNTIL (alive == NULL, 20000);
  g_assert_null (alive);
  g_assert_cmpuint (drafts (f), ==, 1);
  items = outbox (f);
  g_assert_cmpuint (items->len, ==, 0);
}

static const char original[] =
  "From: Bob <bob@example.org>\r\nTo: Alice <alice@localhost>\r\nSubject: Plans\r\n"
  "Message-ID: <plans@example.org>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\n"
  "Shall we meet?\r\n";

static void
test_reply_starts_in_body (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) raw = g_bytes_new_static (original, strlen (original));
  g_autoptr(TernImportedMessage) im = tern_imported_message_new (raw, FALSE, NULL);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernOutgoingMessage) m = NULL;
  TernComposer *composer;

  im->record.folder_id = f->inbox_id;
  im->record.uid = 1;
  im->record.body_state = TERN_BODY_STATE_FULL;
  im->record.raw = raw;
  im->record.size = (gint64) strlen (original);
  g_assert_true (tern_store_insert_messages (f->store, &im->record, 1, &ids, &error));
  composer = tern_composer_new_from_message (NULL, f->store, f->executor,
                                             g_array_index (ids, gint64, 0), TERN_COMPOSE_REPLY, &error);
  g_assert_no_error (error);
  show (GTK_WIDGET (composer));
  g_assert_true (GTK_IS_TEXT_VIEW (focus_of (composer)));
  tern_test_ui_type (GTK_WIDGET (composer), "Yes.");
  m = tern_composer_get_message (composer);
  /* Typed above the quote. */
  g_assert_true (g_str_has_prefix (m->body, "Yes."));
  g_assert_nonnull (strstr (m->body, "Shall we meet?"));
  gtk_widget_destroy (GTK_WIDGET (composer));
}

static void
test_accounts_escape (Fixture *f, gconstpointer data)
{
  TernAccountsDialog *dialog = tern_accounts_dialog_new (NULL, f->executor);
  gpointer alive = dialog;

  g_object_add_weak_pointer (G_OBJECT (dialog), &alive);
  show (GTK_WIDGET (dialog));
  tern_test_ui_send_key (GTK_WIDGET (dialog), GDK_KEY_Escape, 0);
  TERN_TEST_WAIT_UNTIL (alive == NULL || !gtk_widget_get_visible (GTK_WIDGET (dialog)), 5000);
  g_assert_true (alive == NULL || !gtk_widget_get_visible (GTK_WIDGET (dialog)));
  if (alive != NULL)
    gtk_widget_destroy (GTK_WIDGET (dialog));
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/composer/keys/new-starts-in-to-ctrl-enter-sends", test_new_ctrl_enter_sends);
  ADD ("/composer/keys/ctrl-enter-from-to", test_ctrl_enter_from_to);
  ADD ("/composer/keys/escape-keeps-draft", test_escape_keeps_draft);
  ADD ("/composer/keys/reply-starts-in-body", test_reply_starts_in_body);
  ADD ("/accounts/keys/escape-closes", test_accounts_escape);
  return g_test_run ();
}
