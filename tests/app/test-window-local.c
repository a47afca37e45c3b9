/* The main window's "On this computer" and quota (issue 16), over a store
 * built with the store API: the sidebar lists the local folders below the
 * accounts and the quota under the account ("1.2 GB of 2 GB used", and at 90%
 * the warning); the folder menu creates, renames and deletes local folders
 * and exports, imports and archives with progress, off the main loop.
 * Screenshots: normal, narrow, dark, nearly full, and the progress dialog. */
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <gtk/gtk.h>
#include <string.h>

#include "account/tern-local-folders.h"
#include "account/tern-mail-actions.h"
#include "tern-folder-menu.h"
#include "tern-folder-sidebar.h"
#include "tern-mail-context.h"
#include "tern-message-drag.h"
#include "tern-test-app-util.h"
#include "tern-test-messages.h"
#include "tern-window.h"

typedef struct {
  TernTestStore *ts;
  TernMailContext *context;
  GtkApplication *app;
  TernWindow *window;
  gint64 old_mail_id;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.ternmail.Tern");
  g_autoptr(GError) error = NULL;
  g_autoptr(TernFolder) receipts = NULL, year = NULL, old = NULL;
  g_autoptr(GArray) ids = NULL;

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  g_settings_reset (settings, "sidebar-width");
  f->ts = tern_test_store_new (1);
  f->app = g_object_ref ((GtkApplication *) data);
  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(GBytes) raw = tern_test_message_generate (i, 9);
      g_autofree char *text = g_strndup (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
      tern_test_store_add_raw (f->ts, f->ts->inbox_id, i + 1, text, i % 3 ? TERN_FLAG_SEEN : 0);
    }
  receipts = tern_local_folder_create (f->ts->writer, "Receipts", &error);
  year = tern_local_folder_create (f->ts->writer, "Receipts/2024", &error);
  old = tern_local_folder_create (f->ts->writer, "Old mail", &error);
  g_assert_no_error (error);
  f->old_mail_id = old->id;
  ids = tern_store_list_message_ids (f->ts->writer, f->ts->inbox_id, TERN_SORT_DATE, FALSE, &error);
  g_assert_true (tern_mail_move (f->ts->writer, (gint64 *) ids->data, 5, old->id, &error));
  g_assert_no_error (error);
  /* 1.2 GB of 2 GB, as the server would say it in KiB. */
  g_assert_true (tern_store_set_quota (f->ts->writer, f->ts->account_id, TRUE, "User quota",
                                       1171875, 1953125, &error));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  tern_test_window_clear (&f->window, &f->context);
  g_clear_object (&f->app);
  tern_test_store_free (f->ts);
}

static void
open_window (Fixture *f, int width, int height)
{
  f->window = tern_test_window_open_offline (f->app, f->ts, width, height, &f->context);
  g_signal_emit_by_name (f->context, "account-state-changed", f->ts->account_id,
                         (int) TERN_WORKER_IDLE);
  tern_test_ui_wait_for_draw (GTK_WIDGET (f->window));
}

/* The sidebar's text of the row whose plain name is @name, or NULL. */
typedef struct { const char *name; char *markup; char *tooltip; gboolean found; } Find;

static gboolean
find_name (GtkTreeModel *model, GtkTreePath *path, GtkTreeIter *iter, gpointer data)
{
  Find *fd = data;
  g_autofree char *name = NULL;

  /* Columns: 3 name, 7 markup, 9 tooltip (tern-folder-sidebar.c). */
  gtk_tree_model_get (model, iter, 3, &name, -1);
  if (g_strcmp0 (name, fd->name) != 0)
    return FALSE;
  gtk_tree_model_get (model, iter, 7, &fd->markup, 9, &fd->tooltip, -1);
  fd->found = TRUE;
  return TRUE;
}

static gboolean
sidebar_row (Fixture *f, const char *name, char **markup, char **tooltip)
{
  GtkTreeView *view = tern_folder_sidebar_get_tree_view (tern_window_get_sidebar (f->window));
  Find fd = { name, NULL, NULL, FALSE };

  gtk_tree_model_foreach (gtk_tree_view_get_model (view), find_name, &fd);
  if (markup != NULL)
    *markup = g_steal_pointer (&fd.markup);
  if (tooltip != NULL)
    *tooltip = g_steal_pointer (&fd.tooltip);
  g_free (fd.markup);
  g_free (fd.tooltip);
  return fd.found;
}

static TernFolderMenu *
folder_menu (Fixture *f)
{
  return g_object_get_data (G_OBJECT (tern_window_get_sidebar (f->window)), "tern-folder-menu");
}

static void
test_sidebar (Fixture *f, gconstpointer data)
{
  g_autofree char *account = NULL, *local = NULL, *tooltip = NULL;
  g_autoptr(GError) error = NULL;

  open_window (f, 1200, 760);
  g_assert_true (sidebar_row (f, "Demo", &account, NULL));
  g_assert_nonnull (strstr (account, "1.2\u00a0GB of 2\u00a0GB used"));
  g_assert_null (strstr (account, "Almost full"));
  g_assert_true (sidebar_row (f, "On this computer", &local, NULL));
  g_assert_true (sidebar_row (f, "Receipts", NULL, NULL));
  g_assert_true (sidebar_row (f, "2024", NULL, NULL));
  g_assert_true (sidebar_row (f, "Old mail", NULL, NULL));
  g_assert_true (tern_window_show_folder (f->window, f->old_mail_id));
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "local-folders.png");

  gtk_window_resize (GTK_WINDOW (f->window), 720, 560);
  tern_test_ui_wait_mapped (GTK_WIDGET (f->window), 200);
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "local-folders-narrow.png");
  gtk_window_resize (GTK_WINDOW (f->window), 1200, 760);

  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", TRUE, NULL);
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "local-folders-dark.png");
  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", FALSE, NULL);

  /* At 90% it warns, in plain words in the tooltip. */
  g_assert_true (tern_store_set_quota (f->ts->writer, f->ts->account_id, TRUE, "User quota",
                                       1800000, 1953125, &error));
  g_signal_emit_by_name (f->context, "account-state-changed", f->ts->account_id,
                         (int) TERN_WORKER_IDLE);
  g_clear_pointer (&account, g_free);
  g_assert_true (sidebar_row (f, "Demo", &account, &tooltip));
  g_assert_nonnull (strstr (account, "Almost full"));
  g_assert_nonnull (strstr (tooltip, "New mail may bounce"));
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "local-folders-quota-warning.png");
}

static void
test_menu (Fixture *f, gconstpointer data)
{
  TernFolderMenu *menu;
  g_autoptr(GMenuModel) model = NULL;
  g_autoptr(GMenuModel) local = NULL;
  g_autoptr(GMenu) targets = g_menu_new ();
  g_autofree char *label = NULL;
  g_autofree char *target = NULL;

  open_window (f, 1200, 760);
  menu = folder_menu (f);
  g_assert_nonnull (menu);
  /* A server folder: archive, export, import. */
  tern_folder_menu_set_target (menu, f->ts->inbox_id, FALSE);
  model = tern_folder_menu_build (menu);
  g_assert_cmpint (g_menu_model_get_n_items (model), ==, 2);
  g_assert_true (g_menu_model_get_item_attribute (model, 0, "label", "s", &label));
  g_assert_cmpstr (label, ==, "Archive to This Computer…");
  /* A local folder: new subfolder, rename, delete; then export, import. */
  tern_folder_menu_set_target (menu, f->old_mail_id, TRUE);
  local = tern_folder_menu_build (menu);
  g_assert_cmpint (g_menu_model_get_n_items (local), ==, 2);
  /* "Move to" offers the folders on this computer to a server account's mail. */
  tern_folder_menu_add_local_targets (targets, f->ts->writer, f->ts->account_id);
  g_assert_cmpint (g_menu_model_get_n_items (G_MENU_MODEL (targets)), ==, 3);
  g_assert_true (g_menu_model_get_item_attribute (G_MENU_MODEL (targets), 0, "label", "s",
                                                  &target));
  g_assert_cmpstr (target, ==, "On this computer › Old mail");

  tern_folder_menu_create_local (menu, "Letters");
  TERN_TEST_WAIT_UNTIL (sidebar_row (f, "Letters", NULL, NULL), TERN_TEST_WAIT_MS);
  g_assert_true (sidebar_row (f, "Letters", NULL, NULL));
  tern_folder_menu_rename_local (menu, f->old_mail_id, "Older mail");
  TERN_TEST_WAIT_UNTIL (sidebar_row (f, "Older mail", NULL, NULL), TERN_TEST_WAIT_MS);
  g_assert_false (sidebar_row (f, "Old mail", NULL, NULL));
  tern_folder_menu_delete_local (menu, f->old_mail_id);
  TERN_TEST_WAIT_UNTIL (!sidebar_row (f, "Older mail", NULL, NULL), TERN_TEST_WAIT_MS);
  g_assert_false (sidebar_row (f, "Older mail", NULL, NULL));
}

static guint
dropped_count (Fixture *f, gint64 folder_id)
{
  g_autoptr(TernFolder) folder = tern_store_get_folder (f->ts->writer, folder_id, NULL);

  return folder != NULL ? folder->total_count : 0;
}

static void
wait_finished (TernTransferDialog *dialog)
{
  TERN_TEST_WAIT_UNTIL (tern_transfer_dialog_is_finished (dialog), TERN_TEST_WAIT_MS);
  g_assert_true (tern_transfer_dialog_is_finished (dialog));
}

static void
test_export_import_archive (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_dir_make_tmp ("tern-window-local-XXXXXX", NULL);
  g_autofree char *mbox = g_build_filename (dir, "inbox.mbox", NULL);
  const char *paths[] = { mbox, NULL };
  g_autoptr(TernFolder) letters = NULL;
  g_autoptr(TernFolder) archived = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) local = NULL;
  TernTransferDialog *dialog;
  TernFolderMenu *menu;
  GtkWidget *keep;

  open_window (f, 1200, 760);
  menu = folder_menu (f);
  /* Export runs on a thread: the main loop turns meanwhile (this wait is
   * the main loop). */
  dialog = tern_folder_menu_export (menu, f->ts->inbox_id, TERN_ARCHIVE_MBOX, mbox);
  wait_finished (dialog);
  g_assert_nonnull (strstr (tern_transfer_dialog_get_text (dialog), "Exported 35 messages"));
  g_assert_true (g_file_test (mbox, G_FILE_TEST_IS_REGULAR));
  gtk_widget_destroy (GTK_WIDGET (dialog));

  letters = tern_local_folder_create (f->ts->writer, "Letters", &error);
  g_assert_no_error (error);
  dialog = tern_folder_menu_import (menu, letters->id, paths);
  wait_finished (dialog);
  g_assert_nonnull (strstr (tern_transfer_dialog_get_text (dialog), "Imported 35 messages"));
  keep = GTK_WIDGET (dialog);
  tern_test_ui_save_screenshot (keep, "local-import-done.png");
  gtk_widget_destroy (keep);

  /* An mbox dropped on a folder from Files is imported into it. */
  {
    g_autoptr(TernFolder) dropped = tern_local_folder_create (f->ts->writer, "Dropped", &error);
    guint n = 0;

    g_assert_no_error (error);
    g_signal_emit_by_name (tern_window_get_sidebar (f->window), "files-dropped", dropped->id,
                           paths);
    TERN_TEST_WAIT_UNTIL ((n = dropped_count (f, dropped->id)) == 35, TERN_TEST_WAIT_MS);
    g_assert_cmpuint (n, ==, 35);
  }

  /* Archive to this computer, the server's copies kept. */
  dialog = tern_folder_menu_archive (menu, f->ts->inbox_id, "Archive/Demo/Inbox", 0, FALSE);
  wait_finished (dialog);
  g_assert_nonnull (strstr (tern_transfer_dialog_get_text (dialog), "Archived 35 of 35"));
  gtk_widget_destroy (GTK_WIDGET (dialog));
  local = tern_store_get_local_account (f->ts->writer, FALSE, &error);
  archived = tern_store_get_folder_by_path (f->ts->writer, local->id, "Archive/Demo/Inbox", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (archived->total_count, ==, 35);
  TERN_TEST_WAIT_UNTIL (sidebar_row (f, "Inbox", NULL, NULL), TERN_TEST_WAIT_MS);
  g_unlink (mbox);
  g_rmdir (dir);
}

/* The open message dialog, if any (the questions are not modal loops). */
static GtkDialog *
open_question (void)
{
  g_autoptr(GList) all = gtk_window_list_toplevels ();

  for (GList *l = all; l != NULL; l = l->next)
    if (GTK_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static TernTransferDialog *
open_transfer (void)
{
  g_autoptr(GList) all = gtk_window_list_toplevels ();

  for (GList *l = all; l != NULL; l = l->next)
    if (TERN_IS_TRANSFER_DIALOG (l->data))
      return l->data;
  return NULL;
}

static void
set_all_messages (GtkDialog *dialog)
{
  g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (
      gtk_message_dialog_get_message_area (GTK_MESSAGE_DIALOG (dialog))));

  for (GList *l = children; l != NULL; l = l->next)
    if (GTK_IS_COMBO_BOX (l->data))
      gtk_combo_box_set_active_id (l->data, "0");
}

/* The menu's "Archive to This Computer…": a question, the count, then the
 * work; each answered by a response while the main loop runs. */
static void
test_archive_dialogs (Fixture *f, gconstpointer data)
{
  TernFolderMenu *menu;
  GActionGroup *group;
  GtkDialog *dialog;
  TernTransferDialog *transfer;
  g_autofree char *text = NULL;

  open_window (f, 1200, 760);
  menu = folder_menu (f);
  tern_folder_menu_set_target (menu, f->ts->inbox_id, FALSE);
  group = gtk_widget_get_action_group (GTK_WIDGET (tern_window_get_sidebar (f->window)), "folder");
  g_action_group_activate_action (group, "archive", NULL);
  TERN_TEST_WAIT_UNTIL ((dialog = open_question ()) != NULL, TERN_TEST_WAIT_MS);
  g_assert_nonnull (dialog);
  tern_test_ui_save_screenshot (GTK_WIDGET (dialog), "local-archive-question.png");
  gtk_dialog_response (dialog, GTK_RESPONSE_ACCEPT);
  /* "Older than a year" is the default; the count comes before anything
   * happens. Cancelled, then again for all of it. */
  TERN_TEST_WAIT_UNTIL ((dialog = open_question ()) != NULL, TERN_TEST_WAIT_MS);
  g_object_get (dialog, "text", &text, NULL);
  g_assert_true (g_str_has_prefix (text, "Archive "));
  gtk_dialog_response (dialog, GTK_RESPONSE_CANCEL);
  g_action_group_activate_action (group, "archive", NULL);
  TERN_TEST_WAIT_UNTIL ((dialog = open_question ()) != NULL, TERN_TEST_WAIT_MS);
  set_all_messages (dialog);
  gtk_dialog_response (dialog, GTK_RESPONSE_ACCEPT);
  TERN_TEST_WAIT_UNTIL ((dialog = open_question ()) != NULL, TERN_TEST_WAIT_MS);
  g_clear_pointer (&text, g_free);
  g_object_get (dialog, "text", &text, NULL);
  g_assert_true (g_str_has_prefix (text, "Archive 35 messages ("));
  tern_test_ui_save_screenshot (GTK_WIDGET (dialog), "local-archive-confirm.png");
  gtk_dialog_response (dialog, GTK_RESPONSE_OK);
  TERN_TEST_WAIT_UNTIL ((transfer = open_transfer ()) != NULL &&
                        tern_transfer_dialog_is_finished (transfer), TERN_TEST_WAIT_MS);
  g_assert_nonnull (transfer);
  g_assert_nonnull (strstr (tern_transfer_dialog_get_text (transfer), "Archived 35 of 35"));
  tern_test_ui_save_screenshot (GTK_WIDGET (transfer), "local-archive-done.png");
  gtk_widget_destroy (GTK_WIDGET (transfer));
  TERN_TEST_WAIT_UNTIL (sidebar_row (f, "Demo", NULL, NULL), TERN_TEST_WAIT_MS);
  g_assert_true (sidebar_row (f, "Demo", NULL, NULL));
}


static guint
local_total (Fixture *f, const char *path)
{
  g_autoptr(TernAccountSettings) local = tern_store_get_local_account (f->ts->writer, FALSE, NULL);
  g_autoptr(TernFolder) folder = local != NULL
      ? tern_store_get_folder_by_path (f->ts->writer, local->id, path, NULL) : NULL;

  return folder != NULL ? folder->total_count : G_MAXUINT;
}

/* win.archive-account (x, the account id): every folder but Trash, Junk
 * and Drafts, the count and size first, then one local folder each. */
static void
test_archive_account (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) raw = tern_test_message_generate (90, 9);
  g_autofree char *text = g_strndup (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  g_autofree char *question = NULL;
  GtkDialog *dialog;
  TernTransferDialog *transfer;

  tern_test_store_add_raw (f->ts, f->ts->lists_id, 1, text, TERN_FLAG_SEEN);
  tern_test_store_add_raw (f->ts, f->ts->trash_id, 1, text, TERN_FLAG_SEEN);
  open_window (f, 1200, 760);
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "archive-account",
                                  g_variant_new_int64 (f->ts->account_id));
  TERN_TEST_WAIT_UNTIL ((dialog = open_question ()) != NULL, TERN_TEST_WAIT_MS);
  g_assert_nonnull (dialog);
  g_object_get (dialog, "text", &question, NULL);
  g_assert_cmpstr (question, ==, "Archive “Demo” to this computer");
  {
    /* An account is archived to make room: deleting on the server is ticked. */
    g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (
        gtk_message_dialog_get_message_area (GTK_MESSAGE_DIALOG (dialog))));
    gboolean ticked = FALSE;

    for (GList *l = children; l != NULL; l = l->next)
      ticked |= GTK_IS_CHECK_BUTTON (l->data) &&
                gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (l->data));
    g_assert_true (ticked);
  }
  /* The check mark animates in: let it finish before the picture. */
  tern_test_ui_wait_mapped (GTK_WIDGET (dialog), 400);
  tern_test_ui_save_screenshot (GTK_WIDGET (dialog), "local-archive-account-question.png");
  set_all_messages (dialog);
  gtk_dialog_response (dialog, GTK_RESPONSE_ACCEPT);
  TERN_TEST_WAIT_UNTIL ((dialog = open_question ()) != NULL, TERN_TEST_WAIT_MS);
  g_clear_pointer (&question, g_free);
  g_object_get (dialog, "text", &question, NULL);
  /* Inbox 35 and Lists 1; not the one in Trash. */
  g_assert_true (g_str_has_prefix (question, "Archive 36 messages ("));
  tern_test_ui_save_screenshot (GTK_WIDGET (dialog), "local-archive-account-confirm.png");
  gtk_dialog_response (dialog, GTK_RESPONSE_OK);
  TERN_TEST_WAIT_UNTIL ((transfer = open_transfer ()) != NULL &&
                        tern_transfer_dialog_is_finished (transfer), TERN_TEST_WAIT_MS);
  g_assert_nonnull (transfer);
  g_assert_nonnull (strstr (tern_transfer_dialog_get_text (transfer), "Archived 36 of 36"));
  g_assert_nonnull (strstr (tern_transfer_dialog_get_text (transfer), "deleted on the server"));
  tern_test_ui_save_screenshot (GTK_WIDGET (transfer), "local-archive-account-done.png");
  gtk_widget_destroy (GTK_WIDGET (transfer));
  g_assert_cmpuint (local_total (f, "Archive/Demo/Inbox"), ==, 35);
  g_assert_cmpuint (local_total (f, "Archive/Demo/Lists"), ==, 1);
  g_assert_cmpuint (local_total (f, "Archive/Demo/Trash"), ==, G_MAXUINT);
  g_assert_cmpuint (dropped_count (f, f->ts->inbox_id), ==, 0);
  g_assert_cmpuint (dropped_count (f, f->ts->trash_id), ==, 1);
}


static void
set_quota (Fixture *f, guint64 used_kib)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_store_set_quota (f->ts->writer, f->ts->account_id, TRUE, "User quota",
                                       used_kib, 1953125, &error));
  g_assert_no_error (error);
  /* The end of a sync, when the quota was read again. */
  g_signal_emit_by_name (f->context, "account-state-changed", f->ts->account_id,
                         (int) TERN_WORKER_IDLE);
}

/* At 90% a line in the window says it, with Archive Old Mail… for the
 * account and a close button; once per crossing of 90%. */
static void
test_quota_bar (Fixture *f, gconstpointer data)
{
  TernQuotaBar *bar;
  GtkWidget *archive;
  GtkDialog *dialog;
  g_autoptr(GVariant) target = NULL;
  g_autofree char *question = NULL;

  open_window (f, 1200, 760);
  bar = tern_window_get_quota_bar (f->window);
  g_assert_nonnull (bar);
  /* 60%: nothing. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (bar)));
  set_quota (f, 1800000);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (bar)));
  g_assert_cmpint (tern_quota_bar_get_account_id (bar), ==, f->ts->account_id);
  g_assert_nonnull (strstr (tern_quota_bar_get_text (bar), "Your mailbox on the server is "
                            "almost full. New mail may bounce. Archive old mail to this "
                            "computer to make room."));
  g_assert_nonnull (strstr (tern_quota_bar_get_text (bar), "Demo"));
  archive = tern_quota_bar_get_archive_button (bar);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (archive)), ==, "_Archive Old Mail…");
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (archive)), ==,
                   "win.archive-account");
  target = g_variant_ref (gtk_actionable_get_action_target_value (GTK_ACTIONABLE (archive)));
  g_assert_cmpint (g_variant_get_int64 (target), ==, f->ts->account_id);
  {
    /* The close button shows, and is named for screen readers. */
    GtkWidget *box = gtk_widget_get_parent (gtk_info_bar_get_action_area (GTK_INFO_BAR (bar)));
    g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (box));
    gboolean close_named = FALSE;

    for (GList *l = children; l != NULL; l = l->next)
      close_named |= GTK_IS_BUTTON (l->data) && gtk_widget_get_visible (l->data) &&
                     g_strcmp0 (atk_object_get_name (gtk_widget_get_accessible (l->data)),
                                "Close") == 0;
    g_assert_true (close_named);
  }
  tern_test_ui_wait_for_draw (GTK_WIDGET (f->window));
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "local-quota-bar.png");

  /* Closed: it stays away while the mailbox stays full. */
  gtk_info_bar_response (GTK_INFO_BAR (bar), GTK_RESPONSE_CLOSE);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (bar)));
  set_quota (f, 1850000);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (bar)));
  /* Below 90%, then over again: a new warning. */
  set_quota (f, 1000000);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (bar)));
  set_quota (f, 1900000);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (bar)));

  /* The button opens the account's archive. */
  gtk_button_clicked (GTK_BUTTON (archive));
  TERN_TEST_WAIT_UNTIL ((dialog = open_question ()) != NULL, TERN_TEST_WAIT_MS);
  g_assert_nonnull (dialog);
  g_object_get (dialog, "text", &question, NULL);
  g_assert_cmpstr (question, ==, "Archive “Demo” to this computer");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (bar)));
  gtk_dialog_response (dialog, GTK_RESPONSE_CANCEL);
}


static void
clipboard_get (GtkClipboard *clipboard, GtkSelectionData *data, guint info, gpointer owner)
{
  const char *none[] = { NULL };

  gtk_selection_data_set_uris (data, (char **) none);
}

/* A GtkSelectionData for text/uri-list, as a drop target would ask: there is
 * no public constructor, so it comes from a clipboard this test owns. */
static GtkSelectionData *
uri_list_selection (void)
{
  static const GtkTargetEntry uri_list[] = { { (char *) "text/uri-list", 0, 0 } };
  GtkClipboard *clipboard = gtk_clipboard_get (gdk_atom_intern_static_string ("TERN_TEST_DRAG"));

  g_assert_true (gtk_clipboard_set_with_data (clipboard, uri_list, 1, clipboard_get, NULL, NULL));
  return gtk_clipboard_wait_for_contents (clipboard,
                                          gdk_atom_intern_static_string ("text/uri-list"));
}

/* Messages dragged out to Files: .eml files of the exact stored bytes, in a
 * private directory, named after the subject. */
static void
test_drag_out (Fixture *f, gconstpointer data)
{
  GtkWidget *tree;
  GtkTargetList *targets;
  guint info = 0;
  GtkSelectionData *selection;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) uris = NULL;
  gint64 pair[2];

  tern_test_store_list_inbox_flat (f->ts);
  open_window (f, 1200, 760);
  tree = GTK_WIDGET (tern_message_list_get_tree_view (tern_window_get_message_list (f->window)));
  targets = gtk_drag_source_get_target_list (tree);
  g_assert_true (gtk_target_list_find (targets, gdk_atom_intern_static_string ("text/uri-list"),
                                       &info));
  ids = tern_store_list_message_ids (f->ts->writer, f->ts->inbox_id, TERN_SORT_DATE, FALSE,
                                     &error);
  g_assert_no_error (error);
  pair[0] = pair[1] = g_array_index (ids, gint64, 0);
  /* The window's drag-data-get, as Files would ask for the selection. */
  g_assert_true (tern_message_list_select_id (tern_window_get_message_list (f->window), pair[0]));
  selection = uri_list_selection ();
  g_assert_nonnull (selection);
  g_signal_emit_by_name (tree, "drag-data-get", NULL, selection, info, (guint) 0);
  uris = gtk_selection_data_get_uris (selection);
  gtk_selection_data_free (selection);
  g_assert_nonnull (uris);
  g_assert_cmpuint (g_strv_length (uris), ==, 1);
  {
    g_autofree char *path = g_filename_from_uri (uris[0], NULL, &error);
    g_autofree char *dir = g_path_get_dirname (path);
    g_autofree char *base = g_path_get_basename (path);
    g_autoptr(TernMessageSummary) m = tern_store_get_message (f->ts->writer, pair[0], &error);
    g_autoptr(GBytes) stored = tern_store_get_raw (f->ts->writer, pair[0], &error);
    g_autofree char *contents = NULL;
    g_autofree char *expected = g_strconcat (m->subject, ".eml", NULL);
    gsize length;
    GStatBuf st;

    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (path, &contents, &length, &error));
    g_assert_cmpmem (contents, length, g_bytes_get_data (stored, NULL), g_bytes_get_size (stored));
    g_assert_cmpstr (base, ==, expected);
    g_assert_cmpint (g_stat (dir, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0700);
    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }
  /* The same message twice: two files, the second named "… (2).eml". */
  g_clear_pointer (&uris, g_strfreev);
  uris = tern_message_drag_write (f->ts->writer, pair, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (uris), ==, 2);
  g_assert_true (g_str_has_suffix (uris[1], "%20(2).eml"));
}

int
main (int argc, char *argv[])
{
  g_autoptr(GtkApplication) app = NULL;
  g_autoptr(GError) error = NULL;

  gtk_test_init (&argc, &argv, NULL);
  app = gtk_application_new ("io.github.ternmail.TernTestLocal", G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
#define ADD(path, fn) g_test_add (path, Fixture, app, fixture_setup, fn, fixture_teardown)
  ADD ("/app/window-local/sidebar", test_sidebar);
  ADD ("/app/window-local/menu", test_menu);
  ADD ("/app/window-local/export-import-archive", test_export_import_archive);
  ADD ("/app/window-local/archive-dialogs", test_archive_dialogs);
  ADD ("/app/window-local/archive-account", test_archive_account);
  ADD ("/app/window-local/quota-bar", test_quota_bar);
  ADD ("/app/window-local/drag-out", test_drag_out);
#undef ADD
  return g_test_run ();
}
