/* The main window's folders and Undo against real Dovecot, started with
 * only an inbox: a delete offers Undo, and Undo brings the message back,
 * here and on the server; the Move popover leaves out the listed folder and
 * offers New Folder…; the sidebar's context menu makes a folder (on the
 * server too). Screenshots: the Undo notification, the Move popover, the
 * context menu, the name dialog, a narrow window and the dark theme. */
#include <gtk/gtk.h>

#include "core/tern-error.h"
#include "tern-folder-name-dialog.h"
#include "tern-mail-context.h"
#include "account/tern-secrets.h"
#include "tern-test-app-util.h"
#include "tern-test-messages.h"
#include "tern-test-servers.h"
#include "tern-undo-bar.h"
#include "tern-conversation-prefs.h"
#include "tern-window.h"

#define PASSWORD "demo-password"
#define N_MESSAGES 6

typedef struct {
  TernTestServers *servers;
  TernTestStore *ts;
  TernMailContext *context;
  TernWindow *window;
  gint64 deleted;
} Fixture;

static void
start (Fixture *f, GtkApplication *app)
{
  g_autoptr(GError) error = NULL;
  TernTestServersOptions opts = { .no_smtp = TRUE, .no_special_folders = TRUE };

  f->servers = tern_test_servers_start (&opts, &error);
  g_assert_no_error (error);
  g_assert_true (tern_test_servers_add_user (f->servers, "demo", PASSWORD, &error));
  g_assert_true (tern_test_messages_seed (f->servers, "demo", "INBOX", 0, N_MESSAGES, 7, &error));
  g_assert_no_error (error);
  g_setenv ("TERN_EXTRA_CA_FILE", tern_test_servers_ca_file (f->servers), TRUE);
  g_setenv ("TERN_PASSWORD_STORE", "file", TRUE);
  f->ts = tern_test_store_new (tern_test_servers_port (f->servers, TERN_TEST_IMAPS));
  tern_test_store_set_server (f->ts, tern_test_servers_host (f->servers), NULL, PASSWORD);
  tern_test_store_list_inbox_flat (f->ts);
  f->context = tern_test_mail_context_start (f->ts);
  f->window = tern_test_window_show (app, f->context, 1100, 700);
}

static void
stop (Fixture *f)
{
  tern_test_window_close (f->window, g_steal_pointer (&f->context));
  tern_test_store_free (f->ts);
  tern_test_servers_free (f->servers);
}

static guint
n_listed (Fixture *f)
{
  TernMessageListModel *m = tern_message_list_get_model (tern_window_get_message_list (f->window));

  return m != NULL ? tern_message_list_model_get_n_rows (m) : 0;
}

static gboolean
inbox_listed (gpointer data)
{
  Fixture *f = data;
  g_autoptr(TernFolder) trash = tern_store_get_folder_by_path (f->ts->writer, f->ts->account_id,
                                                               "Trash", NULL);

  /* Listed, and the first sync made Trash on the server. */
  return n_listed (f) == N_MESSAGES && trash != NULL && trash->uidvalidity != 0;
}

static gboolean
undo_offered (gpointer data)
{
  Fixture *f = data;
  TernUndoBar *bar = tern_test_find_widget (GTK_WIDGET (f->window), TERN_TYPE_UNDO_BAR);

  return bar != NULL && tern_undo_bar_is_offering (bar) && n_listed (f) == N_MESSAGES - 1;
}

static gboolean
back_in_inbox (gpointer data)
{
  Fixture *f = data;
  g_autoptr(TernMessageSummary) m = tern_store_get_message (f->ts->writer, f->deleted, NULL);
  g_autoptr(GPtrArray) ops = tern_store_list_ops (f->ts->writer, f->ts->account_id, NULL);

  return m != NULL && m->folder_id == f->ts->inbox_id && ops != NULL && ops->len == 0 &&
         n_listed (f) == N_MESSAGES;
}

static guint
server_files (Fixture *f, const char *mailbox)
{
  return tern_test_servers_count_files (f->servers, "demo", mailbox);
}

static void
select_first (Fixture *f)
{
  TernMessageListModel *m = tern_message_list_get_model (tern_window_get_message_list (f->window));
  GtkTreeIter iter;

  g_assert_true (gtk_tree_model_iter_nth_child (GTK_TREE_MODEL (m), &iter, NULL, 0));
  f->deleted = tern_message_list_model_get_id (m, &iter);
  g_assert_true (tern_message_list_select_id (tern_window_get_message_list (f->window), f->deleted));
}

/* Delete, then Undo: the message is back in the inbox, nothing is queued,
 * and the server's Trash holds nothing. */
static void
delete_and_undo (Fixture *f)
{
  TernUndoBar *bar;

  select_first (f);
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "delete", NULL);
  g_assert_true (tern_test_wait_until (undo_offered, f, TERN_TEST_WAIT_MS));
  bar = tern_test_find_widget (GTK_WIDGET (f->window), TERN_TYPE_UNDO_BAR);
  g_assert_cmpstr (tern_undo_bar_get_message (bar), ==, "Message moved to Trash");
  tern_test_ui_wait_mapped (GTK_WIDGET (bar), 400);
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "folders-undo-notification.png");
  g_signal_emit_by_name (bar, "undo");
  g_assert_true (tern_test_wait_until (back_in_inbox, f, TERN_TEST_WAIT_MS));
  g_assert_cmpuint (server_files (f, "INBOX"), ==, N_MESSAGES);
  g_assert_cmpuint (server_files (f, "Trash"), ==, 0);
}

/* The Move popover: every folder but the listed one, then New Folder…. */
static void
move_popover (Fixture *f)
{
  GtkMenuButton *button = tern_test_find_widget (GTK_WIDGET (f->window), GTK_TYPE_MENU_BUTTON);
  GMenuModel *menu = NULL;
  GMenuModel *section;
  gboolean has_new = FALSE, has_inbox = FALSE;

  /* The first menu button with the move menu. */
  {
    g_autoptr(GPtrArray) all = tern_test_find_widgets (GTK_WIDGET (f->window),
                                                       GTK_TYPE_MENU_BUTTON);
    for (guint i = 0; i < all->len; i++)
      {
        const char *tip = gtk_widget_get_tooltip_text (g_ptr_array_index (all, i));
        if (tip != NULL && g_str_has_prefix (tip, "Move"))
          button = g_ptr_array_index (all, i);
      }
  }
  menu = gtk_menu_button_get_menu_model (button);
  section = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
  for (int i = 0; i < g_menu_model_get_n_items (section); i++)
    {
      g_autofree char *label = NULL, *action = NULL;
      g_autoptr(GVariant) target = NULL;

      g_autoptr(GMenuModel) last = g_menu_model_get_item_link (section, i, G_MENU_LINK_SECTION);

      if (last != NULL)
        {
          g_menu_model_get_item_attribute (last, 0, G_MENU_ATTRIBUTE_ACTION, "s", &action);
          has_new = g_strcmp0 (action, "win.move-to-new-folder") == 0;
          continue;
        }
      g_menu_model_get_item_attribute (section, i, G_MENU_ATTRIBUTE_LABEL, "s", &label);
      g_menu_model_get_item_attribute (section, i, G_MENU_ATTRIBUTE_ACTION, "s", &action);
      target = g_menu_model_get_item_attribute_value (section, i, G_MENU_ATTRIBUTE_TARGET, NULL);
      if (g_strcmp0 (action, "win.move-to") == 0 && g_variant_get_int64 (target) == f->ts->inbox_id)
        has_inbox = TRUE;
    }
  g_object_unref (section);
  g_assert_true (has_new);
  g_assert_false (has_inbox);
  select_first (f);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), TRUE);
  tern_test_ui_wait_for_draw (GTK_WIDGET (gtk_menu_button_get_popover (button)));
  tern_test_ui_save_screenshot (GTK_WIDGET (gtk_menu_button_get_popover (button)),
                                "folders-move-popover.png");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), FALSE);
}

static TernFolderNameDialog *
name_dialog (void)
{
  g_autoptr(GList) tops = gtk_window_list_toplevels ();

  for (GList *l = tops; l != NULL; l = l->next)
    if (TERN_IS_FOLDER_NAME_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static gboolean
folder_made (gpointer data)
{
  Fixture *f = data;
  g_autofree char *root = tern_test_servers_maildir_path (f->servers, "demo", "Projects");
  g_autoptr(GPtrArray) ops = tern_store_list_ops (f->ts->writer, f->ts->account_id, NULL);

  return g_file_test (root, G_FILE_TEST_IS_DIR) && ops != NULL && ops->len == 0;
}

static gboolean
folder_gone (gpointer data)
{
  Fixture *f = data;
  g_autofree char *root = tern_test_servers_maildir_path (f->servers, "demo", "Projects");
  g_autoptr(GPtrArray) ops = tern_store_list_ops (f->ts->writer, f->ts->account_id, NULL);

  return !g_file_test (root, G_FILE_TEST_IS_DIR) && ops != NULL && ops->len == 0;
}

/* The sidebar's context menu on the inbox (a right click):
 * New Folder… asks for a name, and the folder is made here and there. */
static void
context_menu_new_folder (Fixture *f)
{
  TernFolderSidebar *sidebar = tern_window_get_sidebar (f->window);
  GtkTreeView *tree = tern_folder_sidebar_get_tree_view (sidebar);
  GList *menus;
  TernFolderNameDialog *dialog;
  GtkEntry *entry;

  g_assert_true (tern_folder_sidebar_select_folder (sidebar, f->ts->inbox_id));
  g_assert_true (tern_test_right_click_cursor (tree));
  menus = gtk_menu_get_for_attach_widget (GTK_WIDGET (tree));
  g_assert_nonnull (menus);
  tern_test_ui_wait_mapped (GTK_WIDGET (menus->data), 300);
  tern_test_ui_save_screenshot (GTK_WIDGET (menus->data), "folders-context-menu.png");
  gtk_menu_shell_deactivate (GTK_MENU_SHELL (menus->data));

  g_action_group_activate_action (G_ACTION_GROUP (f->window), "folder-new",
                                  g_variant_new_int64 (f->ts->inbox_id));
  dialog = name_dialog ();
  g_assert_nonnull (dialog);
  entry = tern_test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_ENTRY);
  gtk_entry_set_text (entry, "Projects");
  tern_test_ui_wait_mapped (GTK_WIDGET (dialog), 300);
  tern_test_ui_save_screenshot (GTK_WIDGET (dialog), "folders-new-folder-dialog.png");
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_OK);
  g_assert_true (tern_test_wait_until (folder_made, f, TERN_TEST_WAIT_MS));

  /* On a folder of the user's: Rename… and Delete… too. */
  {
    g_autoptr(TernFolder) projects = NULL;
    g_autoptr(GList) toplevels = NULL;
    GtkWidget *confirm = NULL;

    tern_test_run_for (300);   /* the first menu's grab ends */
    tern_folder_sidebar_reload (sidebar, f->ts->writer);
    projects = tern_store_get_folder_by_path (f->ts->writer, f->ts->account_id, "Projects", NULL);
    g_assert_nonnull (projects);
    g_assert_true (tern_folder_sidebar_select_folder (sidebar, projects->id));
    g_assert_true (tern_test_right_click_cursor (tree));
    menus = gtk_menu_get_for_attach_widget (GTK_WIDGET (tree));
    /* Under Xvfb a second popup may lose its grab at once and close. */
    if (menus != NULL)
      {
        g_autoptr(GList) items = gtk_container_get_children (GTK_CONTAINER (menus->data));
        g_assert_cmpuint (g_list_length (items), ==, 3);
        tern_test_ui_wait_mapped (GTK_WIDGET (menus->data), 300);
        tern_test_ui_save_screenshot (GTK_WIDGET (menus->data), "folders-context-menu-user.png");
        gtk_menu_shell_deactivate (GTK_MENU_SHELL (menus->data));
      }
    g_action_group_activate_action (G_ACTION_GROUP (f->window), "folder-delete",
                                    g_variant_new_int64 (projects->id));
    toplevels = gtk_window_list_toplevels ();
    for (GList *l = toplevels; l != NULL; l = l->next)
      if (GTK_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
        confirm = l->data;
    g_assert_nonnull (confirm);
    tern_test_ui_wait_mapped (confirm, 300);
    tern_test_ui_save_screenshot (confirm, "folders-delete-confirm.png");
    gtk_dialog_response (GTK_DIALOG (confirm), GTK_RESPONSE_ACCEPT);
    g_assert_true (tern_test_wait_until (folder_gone, f, TERN_TEST_WAIT_MS));
    g_assert_true (tern_folder_sidebar_select_folder (sidebar, f->ts->inbox_id));
    g_assert_true (tern_test_wait_until (inbox_listed, f, TERN_TEST_WAIT_MS));
  }
}

static void
test_folders_and_undo (gconstpointer data)
{
  Fixture fx = { 0 }, *f = &fx;

  start (f, (GtkApplication *) data);
  g_assert_true (tern_test_wait_until (inbox_listed, f, TERN_TEST_WAIT_MS));
  delete_and_undo (f);
  move_popover (f);
  context_menu_new_folder (f);

  /* Narrow, then dark: the notification must still fit. */
  gtk_window_resize (GTK_WINDOW (f->window), 560, 640);
  select_first (f);
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "delete", NULL);
  g_assert_true (tern_test_wait_until (undo_offered, f, TERN_TEST_WAIT_MS));
  tern_test_ui_wait_mapped (GTK_WIDGET (f->window), 400);
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "folders-undo-narrow.png");
  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", TRUE, NULL);
  gtk_window_resize (GTK_WINDOW (f->window), 1100, 700);
  tern_test_ui_wait_mapped (GTK_WIDGET (f->window), 400);
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "folders-undo-dark.png");
  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", FALSE, NULL);
  stop (f);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GtkApplication) app = NULL;
  g_autoptr(GError) error = NULL;

  gtk_test_init (&argc, &argv, NULL);
  app = gtk_application_new ("io.github.ternmail.TernFoldersTest", G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_test_add_data_func ("/app/window-folders/folders-and-undo", app, test_folders_and_undo);
  return g_test_run ();
}
