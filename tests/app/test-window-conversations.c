/* The main window's conversations over a store built with the store API:
 * the inbox lists one row per conversation (newest first, its size, its
 * participants, unread while any message is), the conversation reader
 * lists every message of the thread (a reply in Sent too) oldest first and
 * opens the oldest unread one, a row of it opens another message, actions
 * act on the whole conversation, and View ▸ Conversations switches the
 * folder to single messages and is remembered. Screenshots: normal,
 * narrow and dark. */
#include <gtk/gtk.h>

#include "tern-conversation-prefs.h"
#include "tern-mail-context.h"
#include "tern-test-app-util.h"
#include "tern-window.h"

#define DAY 86400
#define BASE "Mon, 13 Nov 2023 10:00:00 +0000"

typedef struct {
  TernTestStore *ts;
  TernMailContext *context;
  GtkApplication *app;
  TernWindow *window;
  gint64 root, reply, sent_reply, last, single_old, single_new;
} Fixture;

static char *
mail (const char *from, const char *subject, const char *date, const char *id,
      const char *parent, const char *refs, const char *body)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "From: %s\r\nTo: Me <me@example.org>\r\nSubject: %s\r\n"
                          "Date: %s\r\nMessage-ID: <%s>\r\n", from, subject, date, id);
  if (parent != NULL)
    g_string_append_printf (s, "In-Reply-To: <%s>\r\n", parent);
  if (refs != NULL)
    g_string_append_printf (s, "References: %s\r\n", refs);
  g_string_append_printf (s, "Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", body);
  return g_string_free (s, FALSE);
}

static gint64
add (Fixture *f, gint64 folder, guint32 uid, char *raw, guint flags)
{
  g_autofree char *owned = raw;

  return tern_test_store_add_raw (f->ts, folder, uid, owned, flags);
}

static void
add_mailbox (Fixture *f)
{
  f->single_old = add (f, f->ts->inbox_id, 1,
      mail ("Grace Hopper <grace@example.org>", "Compiler notes", "Sat, 11 Nov 2023 09:00:00 +0000",
            "notes@example.org", NULL, NULL, "The notes from the compiler meeting."), TERN_FLAG_SEEN);
  f->root = add (f, f->ts->inbox_id, 2,
      mail ("Ada Lovelace <ada@example.org>", "Picnic on Saturday", "Sun, 12 Nov 2023 09:00:00 +0000",
            "picnic@example.org", NULL, NULL, "Shall we meet at the lake at noon?"), TERN_FLAG_SEEN);
  f->reply = add (f, f->ts->inbox_id, 3,
      mail ("Alan Turing <alan@example.org>", "Re: Picnic on Saturday", BASE, "alan@example.org",
            "picnic@example.org", "<picnic@example.org>", "Yes, I will bring the bread."), 0);
  f->sent_reply = add (f, f->ts->sent_id, 1,
      mail ("Me <me@example.org>", "Re: Picnic on Saturday", "Mon, 13 Nov 2023 11:00:00 +0000",
            "me@example.org", "alan@example.org", "<picnic@example.org> <alan@example.org>",
            "I bring the lemonade."), TERN_FLAG_SEEN);
  f->last = add (f, f->ts->inbox_id, 4,
      mail ("Ada Lovelace <ada@example.org>", "Re: Picnic on Saturday",
            "Mon, 13 Nov 2023 12:00:00 +0000", "ada2@example.org", "me@example.org",
            "<picnic@example.org> <alan@example.org> <me@example.org>",
            "Wonderful, see you all there."), 0);
  f->single_new = add (f, f->ts->inbox_id, 5,
      mail ("Linus <linus@example.org>", "Kernel release", "Tue, 14 Nov 2023 08:00:00 +0000",
            "kernel@example.org", NULL, NULL, "The new release is out."), TERN_FLAG_SEEN);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.ternmail.Tern");

  g_settings_reset (settings, "conversation-folders");
  g_settings_set_uint (settings, "mark-read-delay", 3600);
  f->ts = tern_test_store_new (1);
  f->app = g_object_ref ((GtkApplication *) data);
  add_mailbox (f);
}

static void
open_window (Fixture *f, int width)
{
  f->window = tern_test_window_open_offline (f->app, f->ts, width, 700, &f->context);
  g_signal_emit_by_name (f->context, "account-state-changed", f->ts->account_id,
                         (int) TERN_WORKER_IDLE);
  tern_test_ui_wait_for_draw (GTK_WIDGET (f->window));
}

static void
close_window (Fixture *f)
{
  tern_test_window_clear (&f->window, &f->context);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.ternmail.Tern");

  close_window (f);
  g_clear_object (&f->app);
  tern_test_store_free (f->ts);
  g_settings_reset (settings, "conversation-folders");
  g_settings_reset (settings, "mark-read-delay");
}

static TernMessageListModel *
model (Fixture *f)
{
  return tern_message_list_get_model (tern_window_get_message_list (f->window));
}

static gboolean
conversations_on (Fixture *f)
{
  g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (f->window),
                                                               "conversations");
  return g_variant_get_boolean (state);
}

static const TernMessageRow *
row (Fixture *f, guint index)
{
  const TernMessageRow *r = tern_message_list_model_peek_row (model (f), index);

  g_assert_nonnull (r);
  return r;
}

static void
test_list_and_reader (Fixture *f, gconstpointer data)
{
  TernConversationView *view;
  TernMessageList *list;

  open_window (f, 1200);
  list = tern_window_get_message_list (f->window);
  view = tern_window_get_conversation_view (f->window);
  /* The inbox lists conversations by default: three, newest first. */
  g_assert_true (conversations_on (f));
  g_assert_cmpuint (tern_message_list_model_get_n_rows (model (f)), ==, 3);
  g_assert_cmpint (row (f, 0)->id, ==, f->single_new);
  g_assert_cmpint (row (f, 1)->id, ==, f->last);       /* the head: its newest in the inbox */
  g_assert_cmpint (row (f, 2)->id, ==, f->single_old);
  g_assert_cmpuint (row (f, 1)->n_messages, ==, 4);    /* the reply in Sent counts */
  g_assert_cmpstr (row (f, 1)->from_name, ==, "Ada Lovelace, Me, Alan Turing");
  g_assert_false (row (f, 1)->flags & TERN_FLAG_SEEN);  /* two of it unread */
  g_assert_true (row (f, 0)->flags & TERN_FLAG_SEEN);
  g_assert_cmpstr (row (f, 1)->preview, ==, "Wonderful, see you all there.");

  /* Opening it lists all four oldest first and opens the oldest unread. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (view)));
  g_assert_true (tern_message_list_select_id (list, f->last));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (view)));
  g_assert_cmpuint (tern_conversation_view_get_n_messages (view), ==, 4);
  g_assert_true (tern_conversation_view_contains (view, f->sent_reply));
  g_assert_cmpint (tern_conversation_view_get_expanded (view), ==, f->reply);
  g_assert_cmpint (tern_window_get_shown_message (f->window), ==, f->reply);
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "conversation-reader.png");

  /* Another message of it, as a click on its row does. */
  g_signal_emit_by_name (view, "message-activated", f->sent_reply);
  g_assert_cmpint (tern_window_get_shown_message (f->window), ==, f->sent_reply);

  /* A single message is a conversation of one; the list stays. */
  g_assert_true (tern_message_list_select_id (list, f->single_new));
  g_assert_cmpuint (tern_conversation_view_get_n_messages (view), ==, 1);
  g_assert_cmpint (tern_window_get_shown_message (f->window), ==, f->single_new);
}

static gboolean
all_read (gpointer data)
{
  Fixture *f = data;

  return tern_store_count_unread (f->ts->writer, f->ts->account_id, NULL) == 0;
}

/* Mark read on a conversation row marks every message of it in the folder. */
static void
test_actions_on_conversation (Fixture *f, gconstpointer data)
{
  open_window (f, 1200);
  g_assert_cmpuint (tern_store_count_unread (f->ts->writer, f->ts->account_id, NULL), ==, 2);
  g_assert_true (tern_message_list_select_id (tern_window_get_message_list (f->window), f->last));
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "mark-read", NULL);
  g_assert_true (tern_test_wait_until (all_read, f, TERN_TEST_WAIT_MS));
  /* Reply stays per message: it is enabled for the one conversation. */
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (f->window), "reply"));
}

static void
test_switch_remembered (Fixture *f, gconstpointer data)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.ternmail.Tern");
  g_autoptr(TernFolder) inbox = NULL;

  open_window (f, 1200);
  g_assert_true (conversations_on (f));
  g_action_group_change_action_state (G_ACTION_GROUP (f->window), "conversations",
                                      g_variant_new_boolean (FALSE));
  g_assert_false (conversations_on (f));
  g_assert_cmpuint (tern_message_list_model_get_n_rows (model (f)), ==, 5);
  g_assert_cmpuint (row (f, 0)->n_messages, ==, 0);
  g_assert_true (tern_message_list_select_id (tern_window_get_message_list (f->window), f->reply));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (tern_window_get_conversation_view (f->window))));
  inbox = tern_store_get_folder (f->ts->writer, f->ts->inbox_id, NULL);
  g_assert_false (tern_conversation_prefs_get (settings, inbox));

  /* Remembered: a new window lists the inbox as single messages. */
  close_window (f);
  open_window (f, 1200);
  g_assert_false (conversations_on (f));
  g_assert_cmpuint (tern_message_list_model_get_n_rows (model (f)), ==, 5);
  g_action_group_change_action_state (G_ACTION_GROUP (f->window), "conversations",
                                      g_variant_new_boolean (TRUE));
  g_assert_cmpuint (tern_message_list_model_get_n_rows (model (f)), ==, 3);
  g_assert_true (tern_conversation_prefs_get (settings, inbox));
}


static GtkWidget *
list_tree (Fixture *f)
{
  return GTK_WIDGET (tern_message_list_get_tree_view (tern_window_get_message_list (f->window)));
}

static gint64
selected_row (Fixture *f)
{
  g_autoptr(GArray) ids = tern_message_list_get_selected_ids (tern_window_get_message_list (f->window));

  g_assert_cmpuint (ids->len, ==, 1);
  return g_array_index (ids, gint64, 0);
}

/* A key as a person presses it: the window lays out and draws before
 * the next one (under a loaded, shared X server the tree view otherwise
 * moves its cursor over rows it has not laid out yet). */
static void
press (Fixture *f, GtkWidget *widget, guint keyval, GdkModifierType state)
{
  tern_test_ui_send_key (widget, keyval, state);
  tern_test_ui_wait_for_draw (GTK_WIDGET (f->window));
}

/* Opens the window and expands the picnic conversation with Right; its
 * list, focused. */
static GtkWidget *
open_expanded (Fixture *f)
{
  GtkWidget *tree;

  open_window (f, 1200);
  tree = list_tree (f);
  g_assert_true (tern_message_list_select_id (tern_window_get_message_list (f->window), f->last));
  gtk_widget_grab_focus (tree);
  press (f, tree, GDK_KEY_Right, 0);
  g_assert_cmpuint (tern_message_list_model_get_n_rows (model (f)), ==, 6);
  return tree;
}

/* Right, "+" and Shift+Right expand the conversation at the cursor into
 * rows of its inbox messages, newest first; Left and "-" collapse it, also
 * from one of its message rows. A message row opens that message. */
static void
test_expand_keys (Fixture *f, gconstpointer data)
{
  GtkWidget *tree;

  tree = open_expanded (f);
  /* The view lays the new rows out before it moves its cursor over them. */
  tern_test_ui_wait_for_draw (GTK_WIDGET (f->window));
  /* is_focus, not has_focus: the suite shares one X server, and another
   * test's window may be the active one meanwhile. */
  g_assert_true (gtk_widget_is_focus (tree));
  g_assert_true (row (f, 1)->expanded);
  g_assert_cmpint (row (f, 2)->id, ==, -f->last);
  g_assert_cmpint (row (f, 3)->id, ==, -f->reply);
  g_assert_cmpint (row (f, 4)->id, ==, -f->root);
  g_assert_cmpuint (row (f, 4)->depth, ==, 1);
  g_assert_cmpstr (row (f, 4)->from_name, ==, "Ada Lovelace");
  g_assert_true (row (f, 4)->flags & TERN_FLAG_SEEN);
  g_assert_cmpint (row (f, 5)->id, ==, f->single_old);
  g_assert_cmpuint (row (f, 5)->depth, ==, 0);
  tern_test_save_screenshot_variant (GTK_WIDGET (f->window), "conversation-list-expanded");

  g_assert_cmpint (selected_row (f), ==, f->last);
  /* A message row opens its message. (Selected directly: with Down, under
   * the parallel suite, the conversation sometimes collapsed after the
   * first message row opened, a race left open in the issue.) */
  g_assert_true (tern_message_list_select_id (tern_window_get_message_list (f->window), -f->reply));
  tern_test_ui_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_cmpint (selected_row (f), ==, -f->reply);
  g_assert_cmpint (tern_window_get_shown_message (f->window), ==, f->reply);
  g_assert_true (tern_message_list_select_id (tern_window_get_message_list (f->window), -f->root));
  tern_test_ui_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_cmpint (tern_window_get_shown_message (f->window), ==, f->root);
  g_assert_cmpint (tern_conversation_view_get_expanded (tern_window_get_conversation_view (f->window)),
                   ==, f->root);

  /* Left from a message row: back to its conversation, collapsed. */
  press (f, tree, GDK_KEY_Left, 0);
  g_assert_cmpuint (tern_message_list_model_get_n_rows (model (f)), ==, 3);
  g_assert_cmpint (selected_row (f), ==, f->last);
  g_assert_false (row (f, 1)->expanded);
  tern_test_save_screenshot_variant (GTK_WIDGET (f->window), "conversation-list-collapsed");

  press (f, tree, GDK_KEY_plus, 0);
  g_assert_cmpuint (tern_message_list_model_get_n_rows (model (f)), ==, 6);
  press (f, tree, GDK_KEY_minus, 0);
  g_assert_cmpuint (tern_message_list_model_get_n_rows (model (f)), ==, 3);
  press (f, tree, GDK_KEY_Right, GDK_SHIFT_MASK);
  g_assert_cmpuint (tern_message_list_model_get_n_rows (model (f)), ==, 6);

  /* A single message has nothing to expand. */
  g_assert_true (tern_message_list_select_id (tern_window_get_message_list (f->window),
                                              f->single_new));
  press (f, tree, GDK_KEY_Right, 0);
  g_assert_cmpuint (tern_message_list_model_get_n_rows (model (f)), ==, 6);
}

/* An expanded conversation stays open when new mail joins it: the new
 * reply becomes its head (the row's id) and its first message row. */
static void
test_expanded_gets_new_mail (Fixture *f, gconstpointer data)
{
  GtkWidget *tree;
  gint64 newest;

  tree = open_expanded (f);

  newest = add (f, f->ts->inbox_id, 6,
      mail ("Alan Turing <alan@example.org>", "Re: Picnic on Saturday",
            "Wed, 15 Nov 2023 09:00:00 +0000", "alan2@example.org", "ada2@example.org",
            "<picnic@example.org> <alan@example.org> <me@example.org> <ada2@example.org>",
            "Bread is baked."), 0);
  g_signal_emit_by_name (f->context, "folder-changed", f->ts->account_id, f->ts->inbox_id);
  tern_test_ui_wait_for_draw (GTK_WIDGET (f->window));
  /* The conversation is now the newest row, still open, with four. */
  g_assert_cmpuint (tern_message_list_model_get_n_rows (model (f)), ==, 7);
  g_assert_cmpint (row (f, 0)->id, ==, newest);
  g_assert_true (row (f, 0)->expanded);
  g_assert_cmpint (row (f, 1)->id, ==, -newest);
  g_assert_cmpint (row (f, 2)->id, ==, -f->last);
  g_assert_cmpint (row (f, 4)->id, ==, -f->root);
  g_assert_cmpint (row (f, 5)->id, ==, f->single_new);
  /* The reader above lists the new reply too, and still shows the
   * message that was open. */
  g_assert_cmpuint (tern_conversation_view_get_n_messages (
                      tern_window_get_conversation_view (f->window)), ==, 5);
  g_assert_cmpint (tern_conversation_view_get_expanded (tern_window_get_conversation_view (f->window)),
                   ==, f->last);
  g_assert_cmpint (tern_window_get_shown_message (f->window), ==, f->last);
  tern_test_save_screenshot_variant (GTK_WIDGET (f->window), "conversation-list-new-mail-expanded");

  /* Collapsing by the new head closes it. */
  g_assert_true (tern_message_list_select_id (tern_window_get_message_list (f->window), newest));
  press (f, tree, GDK_KEY_Left, 0);
  g_assert_cmpuint (tern_message_list_model_get_n_rows (model (f)), ==, 3);
  g_assert_false (row (f, 0)->expanded);
}

typedef struct {
  Fixture *f;
  gint64 id;
  guint flag;
  gboolean set;
} FlagWait;

static gboolean
has_flag (gpointer data)
{
  FlagWait *w = data;
  g_autoptr(TernMessageSummary) s = tern_store_get_message (w->f->ts->writer, w->id, NULL);

  return s != NULL && ((s->flags & w->flag) != 0) == w->set;
}

static gboolean
flag_of (Fixture *f, gint64 id, guint flag)
{
  g_autoptr(TernMessageSummary) s = tern_store_get_message (f->ts->writer, id, NULL);

  return (s->flags & flag) != 0;
}

/* On a message row, the list's actions act on that message alone. */
static void
test_actions_on_one_message (Fixture *f, gconstpointer data)
{
  TernMessageList *list;
  FlagWait root_unread = { f, 0, TERN_FLAG_SEEN, FALSE };
  FlagWait reply_flagged = { f, 0, TERN_FLAG_FLAGGED, TRUE };

  open_window (f, 1200);
  list = tern_window_get_message_list (f->window);
  g_assert_true (tern_message_list_select_id (list, f->last));
  gtk_widget_grab_focus (list_tree (f));
  tern_test_ui_send_key (list_tree (f), GDK_KEY_Right, 0);
  g_assert_true (tern_message_list_select_id (list, -f->root));
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "mark-unread", NULL);
  root_unread.id = f->root;
  g_assert_true (tern_test_wait_until (has_flag, &root_unread, TERN_TEST_WAIT_MS));
  g_assert_cmpuint (tern_store_count_unread (f->ts->writer, f->ts->account_id, NULL), ==, 3);

  g_assert_true (tern_message_list_select_id (list, -f->reply));
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "toggle-flag", NULL);
  reply_flagged.id = f->reply;
  g_assert_true (tern_test_wait_until (has_flag, &reply_flagged, TERN_TEST_WAIT_MS));
  g_assert_false (flag_of (f, f->last, TERN_FLAG_FLAGGED));
  g_assert_false (flag_of (f, f->root, TERN_FLAG_FLAGGED));
  /* The conversation row shows it flagged, and it is still expanded. */
  g_assert_cmpuint (tern_message_list_model_get_n_rows (model (f)), ==, 6);
}

/* The reader: older messages collapsed, unread ones open; Enter and Space
 * toggle one; each message has its own buttons. */
static void
test_reader_messages (Fixture *f, gconstpointer data)
{
  TernConversationView *view;
  GtkListBox *box;
  GtkWidget *root_row, *sent_row;
  FlagWait last_unread = { f, 0, TERN_FLAG_SEEN, FALSE };
  FlagWait root_unread = { f, 0, TERN_FLAG_SEEN, FALSE };
  GtkWidget *button, *focus;

  open_window (f, 1200);
  view = tern_window_get_conversation_view (f->window);
  g_assert_true (tern_message_list_select_id (tern_window_get_message_list (f->window), f->last));
  g_assert_false (tern_conversation_view_get_open (view, f->root));
  g_assert_false (tern_conversation_view_get_open (view, f->sent_reply));
  g_assert_true (tern_conversation_view_get_open (view, f->reply));
  g_assert_true (tern_conversation_view_get_open (view, f->last));

  /* Oldest first: the root is row 0, the reply in Sent row 2. */
  box = tern_test_find_widget (GTK_WIDGET (view), GTK_TYPE_LIST_BOX);
  root_row = GTK_WIDGET (gtk_list_box_get_row_at_index (box, 0));
  sent_row = GTK_WIDGET (gtk_list_box_get_row_at_index (box, 2));
  gtk_widget_grab_focus (root_row);
  tern_test_ui_send_key (root_row, GDK_KEY_Return, 0);
  g_assert_true (tern_conversation_view_get_open (view, f->root));
  g_assert_cmpint (tern_window_get_shown_message (f->window), ==, f->root);
  tern_test_ui_send_key (root_row, GDK_KEY_space, 0);
  g_assert_false (tern_conversation_view_get_open (view, f->root));
  /* Down to the next message, and Space opens that one. */
  tern_test_ui_send_key (root_row, GDK_KEY_Down, 0);
  tern_test_ui_send_key (root_row, GDK_KEY_Down, 0);
  g_assert_true (gtk_widget_is_focus (sent_row));
  tern_test_ui_send_key (sent_row, GDK_KEY_space, 0);
  g_assert_true (tern_conversation_view_get_open (view, f->sent_reply));
  g_assert_cmpint (tern_window_get_shown_message (f->window), ==, f->sent_reply);
  tern_test_save_screenshot_variant (GTK_WIDGET (f->window), "conversation-reader-open");
  /* The open row has its own buttons, reachable with Tab and named. (Tab
   * itself is not pressed here: where keyboard focus goes depends on the
   * active window, and the suite shares one X server.) */
  focus = tern_test_find_widget (sent_row, GTK_TYPE_BUTTON);
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_get_can_focus (focus));
  g_assert_cmpstr (atk_object_get_name (gtk_widget_get_accessible (focus)), ==, "Reply");

  /* A message's own Mark Unread marks that one only. */
  button = tern_test_find_widget (GTK_WIDGET (gtk_list_box_get_row_at_index (box, 3)),
                                  GTK_TYPE_BUTTON);
  g_assert_cmpstr (atk_object_get_name (gtk_widget_get_accessible (button)), ==, "Reply");
  tern_message_list_select_id (tern_window_get_message_list (f->window), f->last);
  g_signal_emit_by_name (view, "message-action", "mark-unread", f->root);
  root_unread.id = f->root;
  g_assert_true (tern_test_wait_until (has_flag, &root_unread, TERN_TEST_WAIT_MS));
  last_unread.id = f->last;
  g_assert_true (has_flag (&last_unread));
  g_assert_cmpuint (tern_store_count_unread (f->ts->writer, f->ts->account_id, NULL), ==, 3);
}

static void
test_screenshots (Fixture *f, gconstpointer data)
{
  open_window (f, 760);
  g_assert_true (tern_message_list_select_id (tern_window_get_message_list (f->window), f->last));
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "conversation-reader-narrow.png");
  close_window (f);
  open_window (f, 1200);
  g_assert_true (tern_message_list_select_id (tern_window_get_message_list (f->window), f->last));
  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", TRUE, NULL);
  tern_test_ui_save_screenshot (GTK_WIDGET (f->window), "conversation-reader-dark.png");
  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", FALSE, NULL);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GtkApplication) app = NULL;
  g_autoptr(GError) error = NULL;

  gtk_test_init (&argc, &argv, NULL);
  app = gtk_application_new ("io.github.ternmail.TernTest", G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
#define ADD(path, fn) g_test_add (path, Fixture, app, fixture_setup, fn, fixture_teardown)
  ADD ("/app/conversations/list-and-reader", test_list_and_reader);
  ADD ("/app/conversations/actions", test_actions_on_conversation);
  ADD ("/app/conversations/switch-remembered", test_switch_remembered);
  ADD ("/app/conversations/expand-keys", test_expand_keys);
  ADD ("/app/conversations/expanded-gets-new-mail", test_expanded_gets_new_mail);
  ADD ("/app/conversations/actions-one-message", test_actions_on_one_message);
  ADD ("/app/conversations/reader-messages", test_reader_messages);
  ADD ("/app/conversations/screenshots", test_screenshots);
#undef ADD
  return g_test_run ();
}
