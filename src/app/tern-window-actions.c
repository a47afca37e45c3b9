/* tern-window-actions.c: the main window's win.* actions.
 *
 * Reading, flagging, moving, archiving and deleting the selected messages,
 * marking a folder read, sync and Retry, the outbox's Retry/Edit/Delete,
 * New message, Reply, Reply all and Forward (through the composer
 * launcher), search, sort and where the reader sits. A change to mail runs
 * on the mail context's writer thread (tern_mail_context_run_action) and
 * comes back here; the window shows its outcome. Which actions are enabled
 * follows the selection (_tern_window_actions_update).
 */
#include <glib/gi18n.h>

#include "tern-composer-launcher.h"
#include "tern-folder-menu.h"
#include "tern-window-private.h"

static void run_outbox_action (TernWindow *self, TernActionKind kind, const gint64 *ids, guint n);

/* ---- which actions apply ---- */

static void
enable (TernWindow *self, const char *name, gboolean enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  if (action != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

void
_tern_window_actions_update (TernWindow *self)
{
  g_autoptr(GArray) ids = _tern_window_get_selected_rows (self);
  gboolean any = ids->len > 0, one = ids->len == 1;

  enable (self, "reply", one);
  enable (self, "reply-all", one);
  enable (self, "forward", one);
  enable (self, "toggle-read", any);
  enable (self, "mark-read", any);
  enable (self, "mark-unread", any);
  enable (self, "toggle-flag", any);
  enable (self, "delete", any);
  enable (self, "archive", any);
  enable (self, "move-to", any);
  enable (self, "mark-all-read", self->folder_id != 0);
  {
    TernOutboxState state;
    gboolean outbox = g_str_equal (gtk_stack_get_visible_child_name (self->content_stack), "outbox");
    gint64 item = outbox ? tern_outbox_view_get_selected (self->outbox_view, &state) : 0;
    /* A message being sent cannot be stopped any more. */
    gboolean usable = item != 0 && state != TERN_OUTBOX_SENDING;

    enable (self, "outbox-retry", usable);
    enable (self, "outbox-edit", usable);
    enable (self, "outbox-delete", usable);
  }
}

TernMessageSort
_tern_window_actions_get_sort (TernWindow *self, gboolean *descending)
{
  GAction *sort = g_action_map_lookup_action (G_ACTION_MAP (self), "sort");
  GAction *desc = g_action_map_lookup_action (G_ACTION_MAP (self), "sort-descending");
  g_autoptr(GVariant) s = g_action_get_state (sort);
  g_autoptr(GVariant) d = g_action_get_state (desc);
  const char *name = g_variant_get_string (s, NULL);

  *descending = g_variant_get_boolean (d);
  if (g_str_equal (name, "sender"))
    return TERN_MESSAGE_SORT_SENDER;
  if (g_str_equal (name, "subject"))
    return TERN_MESSAGE_SORT_SUBJECT;
  return TERN_MESSAGE_SORT_DATE;
}

/* ---- user actions ---- */

typedef struct {
  TernWindow *window;   /* weak: NULL when the window went away */
  GCancellable *cancellable;
  guint select_index;   /* a move or delete selects the row now there */
  gboolean reselect;
  TernUndoOffer *undo;  /* what Undo takes back, once it succeeded */
} ActionData;

static void
action_finished (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ActionData *data = user_data;
  TernWindow *self = data->window;
  g_autoptr(GError) error = NULL;
  gboolean ok = tern_mail_context_run_action_finish (TERN_MAIL_CONTEXT (source), result, &error);

  if (self != NULL)
    {
      g_ptr_array_remove (self->pending, data->cancellable);
      g_object_remove_weak_pointer (G_OBJECT (self), (gpointer *) &data->window);
      if (!ok)
        {
          g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>\n%s",
                                                             _("Your change could not be saved."),
                                                             error->message);
          _tern_window_show_error (self, 0, markup);
        }
      else if (data->undo != NULL)
        _tern_window_undo_offer (self, data->undo);
      _tern_window_refresh_list (self);
      if (data->reselect && self->model != NULL)
        {
          guint n = tern_message_list_model_get_n_rows (self->model);
          if (n > 0)
            {
              GtkTreeIter iter;
              guint index = MIN (data->select_index, n - 1);
              if (gtk_tree_model_iter_nth_child (GTK_TREE_MODEL (self->model), &iter, NULL, (int) index))
                tern_message_list_select_id (self->message_list,
                                             tern_message_list_model_get_id (self->model, &iter));
            }
        }
      tern_folder_sidebar_reload (self->sidebar, _tern_window_get_store (self));
    }
  g_object_unref (data->cancellable);
  _tern_undo_offer_free (data->undo);
  g_free (data);
}

static void
run_action (TernWindow *self, TernActionKind kind, const gint64 *ids, guint n, guint set,
            guint clear, gint64 folder_id, gboolean reselect)
{
  ActionData *data = g_new0 (ActionData, 1);

  data->window = self;
  g_object_add_weak_pointer (G_OBJECT (self), (gpointer *) &data->window);
  data->cancellable = g_cancellable_new ();
  data->reselect = reselect;
  if (reselect && n > 0 && self->model != NULL)
    {
      GtkTreeIter iter;
      /* A message row of an expanded conversation has the message's id negated. */
      if (tern_message_list_model_get_iter_for_id (self->model, ids[0], &iter) ||
          tern_message_list_model_get_iter_for_id (self->model, -ids[0], &iter))
        {
          g_autoptr(GtkTreePath) path = gtk_tree_model_get_path (GTK_TREE_MODEL (self->model), &iter);
          data->select_index = (guint) gtk_tree_path_get_indices (path)[0];
        }
    }
  data->undo = _tern_window_undo_prepare (self, kind, ids, n, folder_id);
  g_ptr_array_add (self->pending, g_object_ref (data->cancellable));
  tern_mail_context_run_action (self->context, kind, ids, n, set, clear, folder_id,
                                data->cancellable, action_finished, data);
}

void
_tern_window_actions_set_flags (TernWindow *self, const gint64 *ids, guint n, guint set, guint clear)
{
  run_action (self, TERN_ACTION_CHANGE_FLAGS, ids, n, set, clear, 0, FALSE);
}

/* Whether every selected message has @flag (from the cached rows). */
static gboolean
all_have_flag (TernWindow *self, GArray *ids, guint flag)
{
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(TernMessageSummary) s = tern_store_get_message (_tern_window_get_store (self), g_array_index (ids, gint64, i), NULL);
      if (s != NULL && !(s->flags & flag))
        return FALSE;
    }
  return TRUE;
}

static void
flag_selection (TernWindow *self, guint flag, int mode /* 1 set, 0 clear, -1 toggle */)
{
  g_autoptr(GArray) ids = _tern_window_get_selected_ids (self);

  if (ids->len == 0)
    return;
  if (mode < 0)
    mode = all_have_flag (self, ids, flag) ? 0 : 1;
  if (flag == TERN_FLAG_SEEN)
    _tern_window_cancel_mark_read (self);
  _tern_window_actions_set_flags (self, (gint64 *) ids->data, ids->len, mode ? flag : 0, mode ? 0 : flag);
}

static void
activate_mark_read (GSimpleAction *a, GVariant *p, gpointer w)
{
  flag_selection (w, TERN_FLAG_SEEN, 1);
}

static void
activate_mark_unread (GSimpleAction *a, GVariant *p, gpointer w)
{
  flag_selection (w, TERN_FLAG_SEEN, 0);
}

static void
activate_toggle_read (GSimpleAction *a, GVariant *p, gpointer w)
{
  flag_selection (w, TERN_FLAG_SEEN, -1);
}

static void
activate_toggle_flag (GSimpleAction *a, GVariant *p, gpointer w)
{
  flag_selection (w, TERN_FLAG_FLAGGED, -1);
}

static void
on_delete_confirmed (GtkDialog *dialog, int response, TernWindow *self)
{
  GArray *ids = g_object_get_data (G_OBJECT (dialog), "ids");

  if (response == GTK_RESPONSE_ACCEPT)
    run_action (self, TERN_ACTION_DELETE_PERMANENTLY, (gint64 *) ids->data, ids->len, 0, 0, 0,
                TRUE);
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

/* Without a Trash a delete destroys the messages: ask first (the engine
 * refuses an unconfirmed one anyway). */
static gboolean
delete_needs_confirmation (TernWindow *self, GArray *ids)
{
  TernStore *store = _tern_window_get_store (self);
  g_autoptr(TernMessageSummary) first =
    tern_store_get_message (store, g_array_index (ids, gint64, 0), NULL);
  g_autoptr(TernFolder) trash = NULL;

  if (first == NULL)
    return FALSE;
  trash = tern_store_get_folder_by_role (store, first->account_id, TERN_FOLDER_ROLE_TRASH, NULL);
  return trash == NULL;
}

static void
confirm_permanent_delete (TernWindow *self, GArray *ids)
{
  GtkWidget *dialog = gtk_message_dialog_new (GTK_WINDOW (self),
                                              GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                              GTK_MESSAGE_WARNING, GTK_BUTTONS_NONE,
                                              ngettext ("Delete this message for good?",
                                                        "Delete these messages for good?",
                                                        ids->len));
  GtkWidget *button;

  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s",
    _("This account has no Trash folder: what is deleted cannot be restored, here or on "
      "the server. Tern creates a Trash folder at the next sync where the server allows it."));
  gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL);
  button = gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Delete for Good"), GTK_RESPONSE_ACCEPT);
  gtk_style_context_add_class (gtk_widget_get_style_context (button), "destructive-action");
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_object_set_data_full (G_OBJECT (dialog), "ids", g_array_ref (ids),
                          (GDestroyNotify) g_array_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_confirmed), self, 0);
  gtk_widget_show (dialog);
}

void
_tern_window_actions_delete (TernWindow *self, GArray *ids)
{
  if (ids->len == 0)
    return;
  if (delete_needs_confirmation (self, ids))
    confirm_permanent_delete (self, ids);
  else
    run_action (self, TERN_ACTION_DELETE, (gint64 *) ids->data, ids->len, 0, 0, 0, TRUE);
}

static void
activate_delete (GSimpleAction *a, GVariant *p, gpointer w)
{
  g_autoptr(GArray) ids = _tern_window_get_selected_ids (w);

  _tern_window_actions_delete (w, ids);
}

void
_tern_window_actions_move (TernWindow *self, GArray *ids, gint64 dest)
{
  if (ids->len > 0 && dest != 0 && dest != self->folder_id)
    run_action (self, TERN_ACTION_MOVE, (gint64 *) ids->data, ids->len, 0, 0, dest, TRUE);
}

static void
activate_move_to (GSimpleAction *a, GVariant *p, gpointer w)
{
  g_autoptr(GArray) ids = _tern_window_get_selected_ids (w);

  _tern_window_actions_move (w, ids, g_variant_get_int64 (p));
}

static void
activate_archive (GSimpleAction *a, GVariant *p, gpointer w)
{
  TernWindow *self = w;
  g_autoptr(GArray) ids = _tern_window_get_selected_ids (self);
  g_autoptr(TernMessageSummary) s = NULL;
  g_autoptr(TernFolder) archive = NULL;

  if (ids->len == 0)
    return;
  s = tern_store_get_message (_tern_window_get_store (self), g_array_index (ids, gint64, 0), NULL);
  if (s != NULL)
    archive = tern_store_get_folder_by_role (_tern_window_get_store (self), s->account_id, TERN_FOLDER_ROLE_ARCHIVE, NULL);
  if (archive == NULL)
    {
      _tern_window_show_error (self, 0, _("<b>This account has no Archive folder.</b>\nUse Move to folder instead."));
      return;
    }
  _tern_window_actions_move (self, ids, archive->id);
}

static void
activate_mark_all_read (GSimpleAction *a, GVariant *p, gpointer w)
{
  TernWindow *self = w;

  if (self->folder_id != 0)
    run_action (self, TERN_ACTION_MARK_FOLDER_READ, NULL, 0, 0, 0, self->folder_id, FALSE);
}

static void
activate_sync (GSimpleAction *a, GVariant *p, gpointer w)
{
  tern_mail_context_sync_all (TERN_WINDOW (w)->context);
}

/* "Archive to This Computer…" on an account (its id, x): the sidebar's
 * account menu and the quota warning's Archive Old Mail… */
static void
activate_archive_account (GSimpleAction *a, GVariant *p, gpointer w)
{
  TernFolderMenu *menu = g_object_get_data (G_OBJECT (TERN_WINDOW (w)->sidebar),
                                            "tern-folder-menu");

  if (menu != NULL)
    tern_folder_menu_ask_archive_account (menu, g_variant_get_int64 (p));
}

/* An error line's Retry: its account and direction, (xb). */
static void
activate_retry (GSimpleAction *a, GVariant *p, gpointer w)
{
  TernWindow *self = w;
  gint64 account_id = 0;
  gboolean outgoing = FALSE;
  gint64 failed;

  if (p != NULL)
    g_variant_get (p, "(xb)", &account_id, &outgoing);
  failed = outgoing ? _tern_window_first_failed_item (self, account_id) : 0;
  /* A refused message waits for the user: Retry queues it again (and the
   * worker is told to push); any other error is the worker's to retry. */
  if (failed != 0)
    {
      g_autoptr(GPtrArray) items = tern_store_list_outbox (_tern_window_get_store (self), account_id, NULL);
      g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      for (guint i = 0; items != NULL && i < items->len; i++)
        {
          TernOutboxItem *item = g_ptr_array_index (items, i);
          if (item->state == TERN_OUTBOX_FAILED)
            g_array_append_val (ids, item->id);
        }
      run_outbox_action (self, TERN_ACTION_OUTBOX_RETRY, (gint64 *) ids->data, ids->len);
    }
  else if (account_id != 0)
    {
      /* Retry is also the user asking to see a refused certificate again. */
      if (self->cert_prompt != NULL)
        tern_certificate_prompt_allow_again (self->cert_prompt, account_id);
      tern_mail_context_retry (self->context, account_id);
    }
  else
    tern_mail_context_sync_all (self->context);
  tern_error_bars_hide (self->error_bars, account_id, outgoing);
}

/* ---- outbox actions: on the writer thread like the others ---- */

typedef struct {
  TernWindow *window;   /* weak */
  TernActionKind kind;
} OutboxActionData;

static void
outbox_action_finished (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OutboxActionData *data = user_data;
  TernWindow *self = data->window;
  g_autoptr(GError) error = NULL;
  gint64 id = tern_mail_context_run_action_finish_id (TERN_MAIL_CONTEXT (source), result, &error);

  if (self != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self), (gpointer *) &data->window);
      if (error != NULL)
        {
          const char *what = data->kind == TERN_ACTION_OUTBOX_EDIT ? _("The message could not be opened for editing.")
                             : data->kind == TERN_ACTION_OUTBOX_DELETE ? _("The message could not be deleted.")
                             : _("The message could not be queued again.");
          g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>\n%s", what,
                                                             _("It is still in the Outbox. Try again; if it keeps failing, the log says why."));
          /* The store's own words are for the log, not the window. */
          g_message ("%s %s", what, error->message);
          _tern_window_show_error (self, 0, markup);
        }
      else if (data->kind == TERN_ACTION_OUTBOX_EDIT)
        /* The draft is in the store now: edit it like any draft (the
         * outbox-changed that follows updates the error line). */
        tern_composer_launcher_edit_draft (GTK_WINDOW (self), id);
    }
  g_free (data);
}

static void
run_outbox_action (TernWindow *self, TernActionKind kind, const gint64 *ids, guint n)
{
  OutboxActionData *data = g_new0 (OutboxActionData, 1);

  data->window = self;
  data->kind = kind;
  g_object_add_weak_pointer (G_OBJECT (self), (gpointer *) &data->window);
  tern_mail_context_run_action (self->context, kind, ids, n, 0, 0, 0, NULL,
                                outbox_action_finished, data);
}

static void
activate_outbox_retry (GSimpleAction *a, GVariant *p, gpointer w)
{
  TernWindow *self = w;
  gint64 id = tern_outbox_view_get_selected (self->outbox_view, NULL);

  if (id != 0)
    run_outbox_action (self, TERN_ACTION_OUTBOX_RETRY, &id, 1);
}

static void
activate_outbox_edit (GSimpleAction *a, GVariant *p, gpointer w)
{
  TernWindow *self = w;
  gint64 id = tern_outbox_view_get_selected (self->outbox_view, NULL);

  if (id != 0)
    run_outbox_action (self, TERN_ACTION_OUTBOX_EDIT, &id, 1);
}

static void
on_confirm_delete (GtkDialog *dialog, int response, TernWindow *self)
{
  gint64 *id = g_object_get_data (G_OBJECT (dialog), "tern-item-id");

  if (response == GTK_RESPONSE_ACCEPT && id != NULL)
    run_outbox_action (self, TERN_ACTION_OUTBOX_DELETE, id, 1);
  self->confirm_dialog = NULL;
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
activate_outbox_delete (GSimpleAction *a, GVariant *p, gpointer w)
{
  TernWindow *self = w;
  gint64 id = tern_outbox_view_get_selected (self->outbox_view, NULL);
  GtkWidget *dialog;

  if (id == 0 || self->confirm_dialog != NULL)
    return;
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, "%s",
                                   _("Delete this message without sending it?"));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s",
                                            _("It is removed from the outbox and cannot be brought back. "
                                              "To change it instead, use Edit."));
  gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL);
  gtk_style_context_add_class (gtk_widget_get_style_context (
                                 gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Delete"), GTK_RESPONSE_ACCEPT)),
                               "destructive-action");
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_object_set_data_full (G_OBJECT (dialog), "tern-item-id", g_memdup2 (&id, sizeof id), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_confirm_delete), self);
  self->confirm_dialog = dialog;
  gtk_widget_show (dialog);
}

/* The error bar's Edit: the account's first refused message. */
static void
activate_error_edit (GSimpleAction *a, GVariant *p, gpointer w)
{
  TernWindow *self = w;
  gint64 id = p != NULL ? _tern_window_first_failed_item (self, g_variant_get_int64 (p)) : 0;

  if (id != 0)
    run_outbox_action (self, TERN_ACTION_OUTBOX_EDIT, &id, 1);
}

static void
compose (TernWindow *self, TernComposerLaunchKind kind)
{
  g_autoptr(GArray) ids = _tern_window_get_selected_rows (self);
  gint64 id = kind != TERN_COMPOSER_LAUNCH_NEW && ids->len == 1
              ? tern_thread_message_source_row_message (g_array_index (ids, gint64, 0)) : 0;

  /* In a conversation, the reply goes to the message open in the reader. */
  if (id != 0 && self->conversations && self->shown_id != 0)
    id = self->shown_id;

  if (kind != TERN_COMPOSER_LAUNCH_NEW && id == 0)
    return;
  tern_composer_launcher_compose (GTK_WINDOW (self), kind, _tern_window_get_store (self), id);
}

static void
activate_compose (GSimpleAction *a, GVariant *p, gpointer w)
{
  compose (w, TERN_COMPOSER_LAUNCH_NEW);
}

static void
activate_reply (GSimpleAction *a, GVariant *p, gpointer w)
{
  compose (w, TERN_COMPOSER_LAUNCH_REPLY);
}

static void
activate_reply_all (GSimpleAction *a, GVariant *p, gpointer w)
{
  compose (w, TERN_COMPOSER_LAUNCH_REPLY_ALL);
}

static void
activate_forward (GSimpleAction *a, GVariant *p, gpointer w)
{
  compose (w, TERN_COMPOSER_LAUNCH_FORWARD);
}

static void
activate_search (GSimpleAction *a, GVariant *p, gpointer w)
{
  gtk_widget_grab_focus (GTK_WIDGET (TERN_WINDOW (w)->search_entry));
}

static void
activate_move_menu (GSimpleAction *a, GVariant *p, gpointer w)
{
  TernWindow *self = w;
  GtkWidget *button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (self), TERN_TYPE_WINDOW, "move_button"));

  if (button != NULL && gtk_widget_is_sensitive (button))
    gtk_button_clicked (GTK_BUTTON (button));
}

static void
change_sort (GSimpleAction *action, GVariant *value, gpointer w)
{
  TernWindow *self = w;
  gboolean descending;
  TernMessageSort sort;
  g_autoptr(GError) error = NULL;

  g_simple_action_set_state (action, value);
  sort = _tern_window_actions_get_sort (self, &descending);
  if (self->model != NULL && !tern_message_list_model_set_sort (self->model, sort, descending, &error))
    g_warning ("Could not sort the list: %s", error->message);
}

static void
change_reader_position (GSimpleAction *action, GVariant *value, gpointer w)
{
  TernWindow *self = w;

  g_simple_action_set_state (action, value);
  g_settings_set_string (self->settings, "reader-position", g_variant_get_string (value, NULL));
  _tern_window_apply_reader_position (self, g_variant_get_string (value, NULL));
}

/* "Include Trash and Junk": the search runs again with or without them. */
static void
change_search_everywhere (GSimpleAction *action, GVariant *value, gpointer w)
{
  TernWindow *self = w;

  g_simple_action_set_state (action, value);
  tern_window_search (self, gtk_entry_get_text (GTK_ENTRY (self->search_entry)));
}

static void
activate_add_account (GSimpleAction *a, GVariant *p, gpointer w)
{
  tern_application_open_account_wizard (TERN_APPLICATION (gtk_window_get_application (w)), w);
}

static const GActionEntry win_entries[] = {
  { "compose", activate_compose, NULL, NULL, NULL },
  { "add-account", activate_add_account, NULL, NULL, NULL },
  { "reply", activate_reply, NULL, NULL, NULL },
  { "reply-all", activate_reply_all, NULL, NULL, NULL },
  { "forward", activate_forward, NULL, NULL, NULL },
  { "mark-read", activate_mark_read, NULL, NULL, NULL },
  { "mark-unread", activate_mark_unread, NULL, NULL, NULL },
  { "toggle-read", activate_toggle_read, NULL, NULL, NULL },
  { "toggle-flag", activate_toggle_flag, NULL, NULL, NULL },
  { "delete", activate_delete, NULL, NULL, NULL },
  { "archive", activate_archive, NULL, NULL, NULL },
  { "move-to", activate_move_to, "x", NULL, NULL },
  { "move-menu", activate_move_menu, NULL, NULL, NULL },
  { "mark-all-read", activate_mark_all_read, NULL, NULL, NULL },
  { "sync", activate_sync, NULL, NULL, NULL },
  { "archive-account", activate_archive_account, "x", NULL, NULL },
  { "retry", activate_retry, "(xb)", NULL, NULL },
  { "error-edit", activate_error_edit, "x", NULL, NULL },
  { "outbox-retry", activate_outbox_retry, NULL, NULL, NULL },
  { "outbox-edit", activate_outbox_edit, NULL, NULL, NULL },
  { "outbox-delete", activate_outbox_delete, NULL, NULL, NULL },
  { "search", activate_search, NULL, NULL, NULL },
  { "search-everywhere", NULL, NULL, "false", change_search_everywhere },
  { "sort", NULL, "s", "'date'", change_sort },
  { "sort-descending", NULL, NULL, "true", change_sort },
  { "reader-position", NULL, "s", "'right'", change_reader_position },
};

void
_tern_window_actions_init (TernWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries, G_N_ELEMENTS (win_entries), self);
}

void
_tern_window_actions_disable_all (TernWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (win_entries); i++)
    enable (self, win_entries[i].name, FALSE);
}
