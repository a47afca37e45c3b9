/* The main window for keyboard and screen-reader users, and what it shows
 * at a glance (issue 18), over a store built with the store API: account
 * names and states not cut off in the sidebar, the window title, new mail
 * at the top of a list scrolled to the top, Shift+F10 and the Menu key
 * opening the context menu at the selected row, accessible names (the ⋮
 * menu, an info bar's close button, the Shortcuts window) and the
 * remote-content bar in a narrow reader. Screenshot names carry -dark and
 * -hidpi when run with GTK_THEME=Adwaita:dark or GDK_SCALE=2. */
#include <gtk/gtk.h>

#include "tern-conversation-prefs.h"
#include "core/tern-error.h"
#include "tern-mail-context.h"
#include "tern-test-app-util.h"
#include "tern-window.h"

#define BASE_TIME 1700000000

typedef struct {
  TernTestStore *ts;
  TernMailContext *context;
  GtkApplication *app;
  TernWindow *window;
} Fixture;

static const char remote_msg[] =
  "From: Shop <news@shop.example>\r\nTo: demo@localhost\r\nSubject: HTML with a tracker\r\n"
  "Date: Tue, 14 Nov 2023 11:00:00 +0000\r\nMessage-ID: <html@x>\r\nMIME-Version: 1.0\r\n"
  "Content-Type: text/html; charset=utf-8\r\n\r\n"
  "<html><body><p>Big sale</p><img src=\"http://127.0.0.1:1/track.png\"></body></html>\r\n";

static void
screenshot (Fixture *f, const char *name)
{
  tern_test_save_screenshot_variant (GTK_WIDGET (f->window), name);
}

static void
rename_account (Fixture *f, const char *name)
{
  g_autoptr(TernAccountSettings) a = tern_store_get_account (f->ts->writer, f->ts->account_id, NULL);
  g_autoptr(GError) error = NULL;

  g_free (a->name);
  a->name = g_strdup (name);
  g_assert_true (tern_store_update_account (f->ts->writer, a, &error));
  g_assert_no_error (error);
}

static void
open_window (Fixture *f, int width, int height)
{
  f->window = tern_test_window_open_offline (f->app, f->ts, width, height, &f->context);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.ternmail.Tern");

  g_settings_reset (settings, "sidebar-width");
  g_settings_reset (settings, "list-size");
  g_settings_reset (settings, "reader-position");
  f->ts = tern_test_store_new (1);
  f->app = g_object_ref ((GtkApplication *) data);
  /* Rows of single messages (test-window-conversations has conversations). */
  tern_conversation_prefs_set (settings, f->ts->inbox_id, FALSE);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  tern_test_window_clear (&f->window, &f->context);
  g_clear_object (&f->app);
  tern_test_store_free (f->ts);
}

static void
set_state (Fixture *f, TernWorkerState state)
{
  g_signal_emit_by_name (f->context, "account-state-changed", f->ts->account_id, (int) state);
  tern_test_ui_wait_for_draw (GTK_WIDGET (f->window));
}

/* Pixel width of each line of @markup as the sidebar's name cell draws it. */
static void
assert_lines_fit (GtkWidget *widget, const char *markup, int width)
{
  g_auto(GStrv) lines = NULL;
  g_autofree char *text = NULL;

  g_assert_true (pango_parse_markup (markup, -1, 0, NULL, &text, NULL, NULL));
  lines = g_strsplit (markup, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);
      int w, h;

      pango_layout_set_markup (layout, lines[i], -1);
      pango_layout_get_pixel_size (layout, &w, &h);
      g_test_message ("line \"%s\": %d px of %d", lines[i], w, width);
      g_assert_cmpint (w, <=, width);
    }
}

/* "alice@example.com" and its state fit a sidebar of the usual width, in
 * every state. */
static void
test_sidebar_states (Fixture *f, gconstpointer data)
{
  static const TernWorkerState states[] = { TERN_WORKER_OFFLINE, TERN_WORKER_NEEDS_USER,
                                            TERN_WORKER_CONNECTING, TERN_WORKER_SYNCING };
  GtkTreeView *tree;
  GtkTreeModel *model;
  GtkTreeViewColumn *column;
  g_autoptr(GList) cells = NULL;
  GtkTreeIter account;

  rename_account (f, "alice@example.com");
  open_window (f, 1100, 700);
  tree = tern_folder_sidebar_get_tree_view (tern_window_get_sidebar (f->window));
  model = gtk_tree_view_get_model (tree);
  column = gtk_tree_view_get_column (tree, 0);
  cells = gtk_cell_layout_get_cells (GTK_CELL_LAYOUT (column));
  g_assert_true (gtk_tree_model_get_iter_first (model, &account));
  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      g_autofree char *markup = NULL, *tooltip = NULL;
      int start = 0, width = 0;

      set_state (f, states[i]);
      gtk_tree_model_get (model, &account, 7 /* COL_MARKUP */, &markup, -1);
      g_assert_nonnull (strstr (markup, "alice@example.com"));
      gtk_tree_view_column_cell_set_cell_data (column, model, &account, FALSE, FALSE);
      g_assert_true (gtk_tree_view_column_cell_get_position (column, g_list_nth_data (cells, 1), &start, &width));
      g_test_message ("sidebar %d px, tree %d px, column %d px, name cell at %d",
                      gtk_widget_get_allocated_width (GTK_WIDGET (tern_window_get_sidebar (f->window))),
                      gtk_widget_get_allocated_width (GTK_WIDGET (tree)), gtk_tree_view_column_get_width (column), start);
      assert_lines_fit (GTK_WIDGET (tree), markup, width);
      if (states[i] == TERN_WORKER_OFFLINE)
        screenshot (f, "main-window-sidebar-offline");
    }
  set_state (f, TERN_WORKER_IDLE);
}

static void
test_title (Fixture *f, gconstpointer data)
{
  rename_account (f, "Work");
  open_window (f, 1100, 700);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (f->window)), ==, "Inbox — Work — Tern");
  g_assert_true (tern_window_show_folder (f->window, f->ts->archive_id));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (f->window)), ==, "Archive — Work — Tern");
  tern_test_window_search (f->window, "lunch");
  g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (f->window)), "Search — "));
}

static gint64
top_visible_id (Fixture *f)
{
  GtkTreeView *tree = tern_message_list_get_tree_view (tern_window_get_message_list (f->window));
  g_autoptr(GtkTreePath) start = NULL;
  g_autoptr(GtkTreePath) end = NULL;
  GtkTreeIter iter;

  g_assert_true (gtk_tree_view_get_visible_range (tree, &start, &end));
  g_assert_true (gtk_tree_model_get_iter (gtk_tree_view_get_model (tree), &iter, start));
  return tern_message_list_model_get_id (TERN_MESSAGE_LIST_MODEL (gtk_tree_view_get_model (tree)), &iter);
}

/* New mail arriving while the list is at the top shows at the top at once;
 * a list the user scrolled down stays where it was. */
static void
test_new_mail_at_top (Fixture *f, gconstpointer data)
{
  GtkTreeView *tree;
  GtkAdjustment *adj;
  gint64 newest, before;

  tern_test_store_add_rows (f->ts, f->ts->inbox_id, 1, 100, BASE_TIME);
  open_window (f, 1100, 700);
  tree = tern_message_list_get_tree_view (tern_window_get_message_list (f->window));
  adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (tree));
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, 0);
  before = top_visible_id (f);

  tern_test_store_add_rows (f->ts, f->ts->inbox_id, 101, 1, BASE_TIME + 1000);
  newest = tern_store_find_by_uid (f->ts->writer, f->ts->inbox_id, 101, NULL);
  g_assert_cmpint (newest, !=, before);
  g_signal_emit_by_name (f->context, "folder-changed", f->ts->account_id, f->ts->inbox_id);
  tern_test_ui_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_cmpuint (tern_message_list_model_get_n_rows (tern_message_list_get_model (tern_window_get_message_list (f->window))), ==, 101);
  g_assert_cmpint (top_visible_id (f), ==, newest);
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, 0);
  screenshot (f, "main-window-new-mail-at-top");

  /* Scrolled down: the list does not jump to the top under the reader. */
  gtk_adjustment_set_value (adj, 20 * 40);
  tern_test_ui_wait_for_draw (GTK_WIDGET (f->window));
  tern_test_store_add_rows (f->ts, f->ts->inbox_id, 102, 1, BASE_TIME + 2000);
  newest = tern_store_find_by_uid (f->ts->writer, f->ts->inbox_id, 102, NULL);
  g_signal_emit_by_name (f->context, "folder-changed", f->ts->account_id, f->ts->inbox_id);
  tern_test_ui_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_cmpint (top_visible_id (f), !=, newest);
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), >, 0);
}

/* The menu's top edge in root coordinates, once it shows. */
static gboolean
menu_shown (gpointer data)
{
  GtkWidget *menu = tern_window_get_context_menu (data);

  return menu != NULL && gtk_widget_get_mapped (menu);
}

/* @menu shows just under @tree's row @path (menus keep a small shadow
 * margin), near its start. */
static void
assert_menu_under_row (GtkWidget *menu, GtkTreeView *tree, GtkTreePath *path)
{
  GdkRectangle rect;
  int bx, by, mx, my;

  tern_test_ui_wait_for_draw (gtk_widget_get_toplevel (menu));
  gtk_tree_view_get_cell_area (tree, path, NULL, &rect);
  gdk_window_get_origin (gtk_tree_view_get_bin_window (tree), &bx, &by);
  gdk_window_get_origin (gtk_widget_get_window (gtk_widget_get_toplevel (menu)), &mx, &my);
  g_test_message ("row %d..%d, menu at %d,%d", by + rect.y, by + rect.y + rect.height, mx, my);
  g_assert_cmpint (ABS (my - (by + rect.y + rect.height)), <=, 40);
  g_assert_cmpint (ABS (mx - bx), <=, 80);
}

static void
assert_menu_at_row (Fixture *f, GtkTreeView *tree, GtkTreePath *path)
{
  GtkWidget *menu = tern_window_get_context_menu (f->window);

  g_assert_true (tern_test_wait_until (menu_shown, f->window, TERN_TEST_WAIT_MS));
  assert_menu_under_row (menu, tree, path);
  gtk_menu_shell_deactivate (GTK_MENU_SHELL (menu));
}

/* Shift+F10 and the Menu key open the list's menu at the selected row, far
 * from the pointer. */
static void
test_context_menu_keys (Fixture *f, gconstpointer data)
{
  GtkTreeView *tree;
  g_autoptr(GtkTreePath) path = gtk_tree_path_new_from_indices (6, -1);
  GdkDisplay *display;
  GdkSeat *seat;

  tern_test_store_add_rows (f->ts, f->ts->inbox_id, 1, 40, BASE_TIME);
  open_window (f, 1100, 700);
  tree = tern_message_list_get_tree_view (tern_window_get_message_list (f->window));
  gtk_tree_view_set_cursor (tree, path, NULL, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (tree));
  display = gtk_widget_get_display (GTK_WIDGET (tree));
  seat = gdk_display_get_default_seat (display);
  /* The pointer in the screen's far corner. */
  gdk_device_warp (gdk_seat_get_pointer (seat), gdk_display_get_default_screen (display), 1270, 1010);
  tern_test_ui_wait_for_draw (GTK_WIDGET (f->window));

  g_assert_true (gtk_bindings_activate (G_OBJECT (tree), GDK_KEY_F10, GDK_SHIFT_MASK));
  assert_menu_at_row (f, tree, path);
  screenshot (f, "main-window-context-menu-keys");
  g_assert_true (gtk_bindings_activate (G_OBJECT (tree), GDK_KEY_Menu, 0));
  assert_menu_at_row (f, tree, path);
}

static void
collect_menu_button_names (GtkWidget *widget, gpointer data)
{
  if (GTK_IS_MENU_BUTTON (widget))
    g_ptr_array_add (data, (gpointer) atk_object_get_name (gtk_widget_get_accessible (widget)));
  else if (GTK_IS_CONTAINER (widget))
    gtk_container_foreach (GTK_CONTAINER (widget), collect_menu_button_names, data);
}

static GtkWidget *
find_close_button (GtkInfoBar *bar)
{
  GtkWidget *box = gtk_widget_get_parent (gtk_info_bar_get_action_area (bar));
  g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (box));

  for (GList *l = children; l != NULL; l = l->next)
    g_test_message ("info bar child %s visible %d", G_OBJECT_TYPE_NAME (l->data), gtk_widget_get_visible (l->data));
  for (GList *l = children; l != NULL; l = l->next)
    if (GTK_IS_BUTTON (l->data))
      return l->data;
  return NULL;
}

/* What a screen reader announces. */
static void
test_names (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GError) error = g_error_new_literal (TERN_ERROR, TERN_ERROR_AUTH, "The server refused the password.");
  g_autoptr(GtkBuilder) builder = NULL;
  GtkWidget *close, *shortcuts;

  open_window (f, 1100, 700);
  collect_menu_button_names (gtk_window_get_titlebar (GTK_WINDOW (f->window)), names);
  g_assert_true (g_ptr_array_find_with_equal_func (names, "Main menu", g_str_equal, NULL));
  g_assert_false (g_ptr_array_find_with_equal_func (names, "Sort and view", g_str_equal, NULL));

  g_signal_emit_by_name (f->context, "error", f->ts->account_id, error, FALSE);
  close = find_close_button (tern_window_get_error_bar (f->window));
  g_assert_nonnull (close);
  g_assert_true (gtk_widget_get_visible (close));
  g_assert_cmpstr (atk_object_get_name (gtk_widget_get_accessible (close)), ==, "Close");

  builder = gtk_builder_new_from_resource ("/io/github/ternmail/Tern/gtk/help-overlay.ui");
  shortcuts = GTK_WIDGET (gtk_builder_get_object (builder, "help_overlay"));
  g_assert_nonnull (shortcuts);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (shortcuts)), ==, "Keyboard Shortcuts");
  g_assert_cmpstr (atk_object_get_name (gtk_widget_get_accessible (shortcuts)), ==, "Keyboard Shortcuts");
  gtk_widget_destroy (shortcuts);
}

typedef struct {
  int loads;
} HtmlWait;

static void
on_html_loaded (TernReaderView *reader, HtmlWait *w)
{
  w->loads++;
}

static gboolean
html_loaded (gpointer data)
{
  return ((HtmlWait *) data)->loads > 0;
}

/* In a narrow reader the remote-content bar keeps its text on one line
 * (not one word a line) and its two choices beside each other. */
static void
test_remote_bar_narrow (Fixture *f, gconstpointer data)
{
  HtmlWait wait = { 0 };
  TernReaderView *reader;
  GtkInfoBar *bar;
  GtkWidget *always, *label;
  g_autoptr(GList) content = NULL;
  gint64 id;
  int line_height;

  id = tern_test_store_add_raw (f->ts, f->ts->inbox_id, 1, remote_msg, 0);
  open_window (f, 760, 640);
  reader = tern_window_get_reader (f->window);
  g_signal_connect (reader, "html-loaded", G_CALLBACK (on_html_loaded), &wait);
  g_assert_true (tern_message_list_select_id (tern_window_get_message_list (f->window), id));
  g_assert_true (tern_test_wait_until (html_loaded, &wait, TERN_TEST_WAIT_MS));
  bar = tern_reader_view_get_remote_bar (reader);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (bar)));
  tern_test_ui_wait_for_draw (GTK_WIDGET (f->window));
  g_test_message ("reader %d px wide", gtk_widget_get_allocated_width (GTK_WIDGET (reader)));
  g_assert_cmpint (gtk_widget_get_allocated_width (GTK_WIDGET (reader)), <, 420);
  screenshot (f, "main-window-remote-bar-narrow");

  content = gtk_container_get_children (GTK_CONTAINER (gtk_info_bar_get_content_area (bar)));
  label = NULL;
  for (GList *l = content; l != NULL && label == NULL; l = l->next)
    if (GTK_IS_LABEL (l->data))
      label = l->data;
  g_assert_nonnull (label);
  {
    g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (label, "Xy");
    pango_layout_get_pixel_size (layout, NULL, &line_height);
  }
  g_test_message ("label: %d line(s)", pango_layout_get_line_count (gtk_label_get_layout (GTK_LABEL (label))));
  g_assert_cmpint (pango_layout_get_line_count (gtk_label_get_layout (GTK_LABEL (label))), ==, 1);
  /* Short, with the whole sentence (and the address) in its tooltip. */
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (label), "news@shop.example was blocked"));
  {
    PangoRectangle ink, logical;
    pango_layout_get_pixel_extents (gtk_label_get_layout (GTK_LABEL (label)), &ink, &logical);
    g_assert_cmpint (logical.width, <=, gtk_widget_get_allocated_width (label));   /* not cut */
  }
  /* The choices on the same row as the text. */
  always = tern_reader_view_get_always_button (reader);
  {
    int lx, ly, ax, ay;
    g_assert_true (gtk_widget_translate_coordinates (label, GTK_WIDGET (bar), 0, 0, &lx, &ly));
    g_assert_true (gtk_widget_translate_coordinates (always, GTK_WIDGET (bar), 0, 0, &ax, &ay));
    g_assert_cmpint (ABS (ly - ay), <, line_height);
    g_assert_cmpint (ax, >, lx);
  }
}

static guint
n_listed (Fixture *f)
{
  return tern_message_list_model_get_n_rows (tern_message_list_get_model (tern_window_get_message_list (f->window)));
}

/* Trash and Junk are left out of a search unless the user asks: a check
 * button under the search shows which, re-runs the search when changed,
 * has a mnemonic and a name for screen readers, and goes with the search. */
static void
test_search_include_trash (Fixture *f, gconstpointer data)
{
  GtkRevealer *revealer;
  GtkWidget *check;
  guint n_without;

  tern_test_store_add_rows (f->ts, f->ts->inbox_id, 1, 3, BASE_TIME);
  tern_test_store_add_rows (f->ts, f->ts->trash_id, 1, 3, BASE_TIME);
  open_window (f, 1100, 700);
  revealer = GTK_REVEALER (gtk_widget_get_template_child (GTK_WIDGET (f->window), TERN_TYPE_WINDOW,
                                                          "search_scope_revealer"));
  check = gtk_bin_get_child (GTK_BIN (revealer));
  g_assert_false (gtk_revealer_get_reveal_child (revealer));
  g_assert_cmpstr (atk_object_get_name (gtk_widget_get_accessible (check)), ==, "Include Trash and Junk");
  g_assert_true (gtk_widget_get_can_focus (check));
  g_assert_cmpuint (gtk_label_get_mnemonic_keyval (GTK_LABEL (gtk_bin_get_child (GTK_BIN (check)))), ==, GDK_KEY_t);

  tern_test_window_search (f->window, "lunch");
  g_assert_true (gtk_revealer_get_reveal_child (revealer));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (check)));
  n_without = n_listed (f);
  g_assert_cmpuint (n_without, >, 0);

  /* Checked: the same search again, with the message in Trash. */
  gtk_button_clicked (GTK_BUTTON (check));
  tern_test_window_wait_for_search (f->window);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (check)));
  g_assert_cmpuint (n_listed (f), ==, n_without + 1);
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (gtk_widget_get_template_child (GTK_WIDGET (f->window), TERN_TYPE_WINDOW,
                                                                                  "search_entry"))), ==, "lunch");
  tern_test_run_for (400);   /* the revealer's slide */
  tern_test_ui_wait_for_draw (GTK_WIDGET (f->window));
  screenshot (f, "main-window-search-include-trash");
  /* The query's own place still wins over the check button. */
  tern_test_window_search (f->window, "lunch in:inbox");
  g_assert_cmpuint (n_listed (f), ==, n_without);
  tern_test_window_search (f->window, "lunch");
  g_assert_cmpuint (n_listed (f), ==, n_without + 1);

  /* Unchecked: back to the search without them. */
  gtk_button_clicked (GTK_BUTTON (check));
  tern_test_window_wait_for_search (f->window);
  g_assert_cmpuint (n_listed (f), ==, n_without);
  /* No search, no check button. */
  tern_window_search (f->window, "");
  g_assert_false (gtk_revealer_get_reveal_child (revealer));
}

/* The menu popped up for the sidebar, or NULL. */
static GtkWidget *
sidebar_menu (GtkTreeView *tree)
{
  GList *menus = gtk_menu_get_for_attach_widget (GTK_WIDGET (tree));

  return menus != NULL ? g_list_last (menus)->data : NULL;
}

static gboolean
sidebar_menu_shown (gpointer data)
{
  GtkWidget *menu = sidebar_menu (data);

  return menu != NULL && gtk_widget_get_mapped (menu);
}

/* "label=sensitive" of each item, separators left out, joined by "|". */
static char *
describe_menu (GtkWidget *menu)
{
  g_autoptr(GList) items = gtk_container_get_children (GTK_CONTAINER (menu));
  GString *s = g_string_new (NULL);

  for (GList *l = items; l != NULL; l = l->next)
    if (GTK_IS_MENU_ITEM (l->data) && !GTK_IS_SEPARATOR_MENU_ITEM (l->data))
      g_string_append_printf (s, "%s%s=%d", s->len > 0 ? "|" : "",
                              gtk_menu_item_get_label (l->data), gtk_widget_get_sensitive (l->data));
  return g_string_free (s, FALSE);
}

/* The keyboard's menu shows just under the cursor's row. */
static void
assert_sidebar_menu_at_row (GtkTreeView *tree, GtkTreePath *path)
{
  g_assert_true (tern_test_wait_until (sidebar_menu_shown, tree, TERN_TEST_WAIT_MS));
  assert_menu_under_row (sidebar_menu (tree), tree, path);
}

static GtkWidget *
visible_message_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (GTK_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static gboolean
account_gone (gpointer data)
{
  Fixture *f = data;
  g_autoptr(TernAccountSettings) a = tern_store_get_account (f->ts->writer, f->ts->account_id, NULL);

  return a == NULL;
}

/* Gone from the store and from the sidebar (its inbox no longer listed). */
static gboolean
account_gone_everywhere (gpointer data)
{
  Fixture *f = data;

  return account_gone (f) &&
         tern_folder_sidebar_get_selected_folder (tern_window_get_sidebar (f->window)) != f->ts->inbox_id;
}

#define ACCOUNT_ITEMS(password) \
  "_Sync Now=1|" password "=0|_Archive to This Computer…=1|_New Folder…=1|_Remove Account…=1"

/* The account's own row has a menu: Shift+F10 and the Menu key open it at
 * the row, a right click at the pointer. Actions other parts add
 * (app.enter-password and app.sign-in-again are the application's) are
 * insensitive while they are not there; an OAuth2 account offers "Sign In
 * Again…" instead of a password. Remove Account… asks first. */
static void
test_account_menu (Fixture *f, gconstpointer data)
{
  g_autoptr(GtkTreePath) path = gtk_tree_path_new_first ();
  TernFolderSidebar *sidebar;
  GtkTreeView *tree;
  GdkDisplay *display;
  GdkSeat *seat;
  g_autofree char *keys = NULL, *menu_key = NULL, *clicked = NULL, *oauth = NULL;

  open_window (f, 1100, 700);
  sidebar = tern_window_get_sidebar (f->window);
  tree = tern_folder_sidebar_get_tree_view (sidebar);
  g_assert_true (tern_folder_sidebar_select_folder (sidebar, f->ts->inbox_id));
  gtk_tree_view_set_cursor (tree, path, NULL, FALSE);
  g_assert_cmpint (tern_folder_sidebar_get_cursor_account (sidebar), ==, f->ts->account_id);
  /* Account rows are not selected: the list still shows the inbox. */
  g_assert_cmpint (tern_folder_sidebar_get_selected_folder (sidebar), ==, f->ts->inbox_id);
  gtk_widget_grab_focus (GTK_WIDGET (tree));
  display = gtk_widget_get_display (GTK_WIDGET (tree));
  seat = gdk_display_get_default_seat (display);
  gdk_device_warp (gdk_seat_get_pointer (seat), gdk_display_get_default_screen (display), 1270, 1010);
  tern_test_ui_wait_for_draw (GTK_WIDGET (f->window));

  g_assert_true (gtk_bindings_activate (G_OBJECT (tree), GDK_KEY_F10, GDK_SHIFT_MASK));
  assert_sidebar_menu_at_row (tree, path);
  keys = describe_menu (sidebar_menu (tree));
  g_test_message ("menu: %s", keys);
  g_assert_cmpstr (keys, ==, ACCOUNT_ITEMS ("Enter New _Password…"));
  tern_test_ui_save_screenshot (gtk_widget_get_toplevel (sidebar_menu (tree)), "main-window-account-menu.png");
  gtk_menu_shell_deactivate (GTK_MENU_SHELL (sidebar_menu (tree)));
  tern_test_run_for (200);

  g_assert_true (gtk_bindings_activate (G_OBJECT (tree), GDK_KEY_Menu, 0));
  assert_sidebar_menu_at_row (tree, path);
  menu_key = describe_menu (sidebar_menu (tree));
  g_assert_cmpstr (menu_key, ==, keys);
  gtk_menu_shell_deactivate (GTK_MENU_SHELL (sidebar_menu (tree)));
  tern_test_run_for (200);

  /* A right click on the row. */
  g_assert_true (tern_test_right_click_cursor (tree));
  g_assert_nonnull (sidebar_menu (tree));
  clicked = describe_menu (sidebar_menu (tree));
  g_assert_cmpstr (clicked, ==, keys);
  gtk_menu_shell_deactivate (GTK_MENU_SHELL (sidebar_menu (tree)));
  tern_test_run_for (200);

  /* OAuth2: sign in again, with the account as target. */
  {
    g_autoptr(TernAccountSettings) a = tern_store_get_account (f->ts->writer, f->ts->account_id, NULL);
    g_autoptr(GError) error = NULL;

    a->sign_in = TERN_SIGN_IN_OAUTH2;
    a->oauth2_provider = g_strdup ("google");
    tern_store_update_account (f->ts->writer, a, &error);
    g_assert_no_error (error);
    g_assert_true (gtk_bindings_activate (G_OBJECT (tree), GDK_KEY_Menu, 0));
    g_assert_true (tern_test_wait_until (sidebar_menu_shown, tree, TERN_TEST_WAIT_MS));
    oauth = describe_menu (sidebar_menu (tree));
    g_assert_cmpstr (oauth, ==, ACCOUNT_ITEMS ("Sign _In Again…"));
    gtk_menu_shell_deactivate (GTK_MENU_SHELL (sidebar_menu (tree)));
    tern_test_run_for (200);
  }

  /* Remove Account… asks; Cancel keeps it, Remove Account removes it. */
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "remove-account",
                                  g_variant_new_int64 (f->ts->account_id));
  g_assert_nonnull (visible_message_dialog ());
  tern_test_ui_wait_mapped (visible_message_dialog (), 200);
  tern_test_ui_save_screenshot (visible_message_dialog (), "main-window-remove-account.png");
  gtk_dialog_response (GTK_DIALOG (visible_message_dialog ()), GTK_RESPONSE_CANCEL);
  tern_test_run_for (200);
  g_assert_false (account_gone (f));
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "remove-account",
                                  g_variant_new_int64 (f->ts->account_id));
  gtk_dialog_response (GTK_DIALOG (visible_message_dialog ()), GTK_RESPONSE_ACCEPT);
  g_assert_true (tern_test_wait_until (account_gone_everywhere, f, TERN_TEST_WAIT_MS));
}

int
main (int argc, char *argv[])
{
  g_autoptr(GtkApplication) app = NULL;
  g_autoptr(GError) error = NULL;

  gtk_test_init (&argc, &argv, NULL);
  app = gtk_application_new ("io.github.ternmail.TernAccessTest", G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
#define ADD(path, fn) g_test_add (path, Fixture, app, fixture_setup, fn, fixture_teardown)
  ADD ("/app/window-access/sidebar-states", test_sidebar_states);
  ADD ("/app/window-access/title", test_title);
  ADD ("/app/window-access/new-mail-at-top", test_new_mail_at_top);
  ADD ("/app/window-access/context-menu-keys", test_context_menu_keys);
  ADD ("/app/window-access/names", test_names);
  ADD ("/app/window-access/remote-bar-narrow", test_remote_bar_narrow);
  ADD ("/app/window-access/search-include-trash", test_search_include_trash);
  ADD ("/app/window-access/account-menu", test_account_menu);
  return g_test_run ();
}
