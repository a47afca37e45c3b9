/* tern-window.c: the main window.
 *
 * Accounts and folders on the left (TernFolderSidebar), the message list in
 * the middle (a paged model over the store, TernMessageList), the reader on
 * the right or below (TernReaderView). Everything the user does goes
 * through the mail context: reads from its read-only store on this thread,
 * actions on its writer thread, network work through the account workers.
 * The win.* actions are in tern-window-actions.c; the instance struct and
 * the helpers both files use are in tern-window-private.h.
 */
#include <glib/gi18n.h>

#include "tern-config.h"
#include "core/tern-error.h"
#include "tern-button-row.h"
#include "tern-error-bars.h"
#include "imap/tern-imap-limits.h"
#include "tern-large-message-view.h"
#include "tern-message-drag.h"
#include "tern-outbox-view.h"
#include "tern-reader-loader.h"
#include "tern-resources.h"
#include "tern-store-message-source.h"
#include "tern-window-private.h"
#include "tern-folder-menu.h"
#include "tern-app-secrets.h"

G_DEFINE_FINAL_TYPE (TernWindow, tern_window, GTK_TYPE_APPLICATION_WINDOW)

TernStore *
_tern_window_get_store (TernWindow *self)
{
  return tern_mail_context_get_store (self->context);
}

static void update_list_placeholder (TernWindow *self);

/* ---- status: errors, progress, offline ---- */

void
_tern_window_show_error (TernWindow *self, gint64 account_id, const char *markup)
{
  tern_error_bars_show (self->error_bars, 0, FALSE, markup,
                        self->context != NULL ? TERN_ERROR_OFFER_RETRY : 0);
}

static void
on_context_error (TernMailContext *context, gint64 account_id, GError *error, gboolean outgoing,
                  TernWindow *self)
{
  tern_error_bars_show_error (self->error_bars, _tern_window_get_store (self), account_id, error, outgoing);
  /* A refused message can be corrected from the bar: the outbox says
   * which, and the server's reason for each. */
  if (outgoing && (tern_error_bar_get_offer (tern_error_bars_lookup (self->error_bars, account_id, TRUE)) &
                   TERN_ERROR_OFFER_EDIT))
    tern_error_bars_update_outbox (self->error_bars, _tern_window_get_store (self), account_id);
  update_list_placeholder (self);
}

/* The server spoke to the user (an ALERT, an untagged NO): its words, in
 * the account's incoming line; sync went on. */
static void
on_server_said (TernMailContext *context, gint64 account_id, const char *words, TernWindow *self)
{
  tern_error_bars_show_server_said (self->error_bars, _tern_window_get_store (self), account_id, words);
  update_list_placeholder (self);
}

/* The user refused a certificate: the account stays paused, and says so. */
static void
on_certificate_rejected (TernCertificatePrompt *prompt, gint64 account_id, gboolean outgoing,
                         const char *markup, TernWindow *self)
{
  tern_error_bars_show (self->error_bars, account_id, outgoing, markup, TERN_ERROR_OFFER_RETRY);
}

static void
on_account_state (TernMailContext *context, gint64 account_id, int state, TernWindow *self)
{
  tern_folder_sidebar_set_account_state (self->sidebar, account_id, state);
  if (state == TERN_WORKER_IDLE || state == TERN_WORKER_OFFLINE || state == TERN_WORKER_NEEDS_USER)
    gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  /* Up to date after a new try: the incoming line no longer stands. */
  tern_error_bars_account_state (self->error_bars, account_id, state);
  if (state == TERN_WORKER_IDLE)
    update_list_placeholder (self);
}

static void
on_progress (TernMailContext *context, gint64 account_id, const char *folder, guint done,
             guint total, TernWindow *self)
{
  g_autofree char *text = NULL;

  tern_folder_sidebar_set_account_progress (self->sidebar, account_id, done, total);
  if (total == 0 || done >= total)
    {
      gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
      return;
    }
  text = g_strdup_printf (_("Downloading %s: %u of %u messages"), folder, done, total);
  gtk_label_set_text (self->progress_label, text);
  gtk_progress_bar_set_fraction (self->progress_bar, (double) done / total);
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
}

static void
update_online (TernWindow *self)
{
  gboolean online = tern_mail_context_get_online (self->context);

  gtk_widget_set_visible (GTK_WIDGET (self->offline_icon), !online);
  gtk_widget_set_visible (GTK_WIDGET (self->offline_bar), !online);
}

static void
on_online_changed (TernMailContext *context, gboolean online, TernWindow *self)
{
  update_online (self);
  /* A message waiting for its body: say plainly that it cannot come now. */
  if (!online && self->waiting_body_id != 0)
    tern_reader_view_show_offline (self->reader);
}

/* ---- the selection ---- */

GArray *
_tern_window_get_selected_rows (TernWindow *self)
{
  return tern_message_list_get_selected_ids (self->message_list);
}

GArray *
_tern_window_get_selected_ids (TernWindow *self)
{
  g_autoptr(GArray) rows = _tern_window_get_selected_rows (self);
  GArray *all;

  if (!self->conversations)
    return g_steal_pointer (&rows);
  all = tern_thread_message_source_expand (self->thread_source, (const gint64 *) rows->data,
                                           rows->len, NULL);
  return all != NULL ? all : g_steal_pointer (&rows);
}

/* ---- the reader ---- */

void
_tern_window_cancel_mark_read (TernWindow *self)
{
  g_clear_handle_id (&self->mark_read_source, g_source_remove);
}

static gboolean
mark_read_timeout (gpointer data)
{
  TernWindow *self = data;

  self->mark_read_source = 0;
  if (self->shown_id != 0)
    _tern_window_actions_set_flags (self, &self->shown_id, 1, TERN_FLAG_SEEN, 0);
  return G_SOURCE_REMOVE;
}

static gboolean
sender_allowed (TernWindow *self, const char *address)
{
  g_auto(GStrv) senders = g_settings_get_strv (self->settings, "remote-content-senders");

  return address != NULL && *address != '\0' && g_strv_contains ((const char * const *) senders, address);
}

static void
on_allow_sender (TernReaderView *reader, const char *address, TernWindow *self)
{
  g_auto(GStrv) senders = g_settings_get_strv (self->settings, "remote-content-senders");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;

  if (address == NULL || g_strv_contains ((const char * const *) senders, address))
    return;
  g_strv_builder_addv (builder, (const char **) senders);
  g_strv_builder_add (builder, address);
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "remote-content-senders", (const char * const *) updated);
}

/* Shows @id: from the store when its body is cached, else asks the worker
 * (spinner) or says it is offline. */
static void
show_message (TernWindow *self, gint64 id)
{
  g_autoptr(TernMessageSummary) summary = tern_store_get_message (_tern_window_get_store (self), id, NULL);
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernReaderMessage) message = NULL;

  _tern_window_cancel_mark_read (self);
  self->shown_id = id;
  self->waiting_body_id = 0;
  if (summary == NULL)
    {
      tern_reader_view_clear (self->reader);
      return;
    }
  raw = tern_store_get_raw (_tern_window_get_store (self), id, &error);
  if (raw == NULL && tern_imap_message_too_large ((guint64) MAX (summary->size, 0)))
    {
      /* Never downloaded into the store: offer it as a file. */
      tern_reader_view_show_page (self->reader,
                                  GTK_WIDGET (tern_large_message_view_new (self->context, id)));
      return;
    }
  if (raw == NULL)
    {
      TernWorkerState state = tern_mail_context_get_account_state (self->context, summary->account_id);

      if (!tern_mail_context_get_online (self->context) || state == TERN_WORKER_OFFLINE ||
          tern_mail_context_get_worker (self->context, summary->account_id) == NULL)
        {
          tern_reader_view_show_offline (self->reader);
          return;
        }
      self->waiting_body_id = id;
      tern_reader_view_show_loading (self->reader);
      tern_mail_context_fetch_body (self->context, id);
      return;
    }
  message = tern_reader_message_new_from_raw (raw, &error);
  if (message == NULL)
    {
      g_warning ("Could not read message %" G_GINT64_FORMAT ": %s", id, error->message);
      tern_reader_view_clear (self->reader);
      return;
    }
  message->remote_content_allowed = sender_allowed (self, message->sender_address);
  tern_reader_view_show_message (self->reader, message);
  if (!(summary->flags & TERN_FLAG_SEEN))
    self->mark_read_source = g_timeout_add_seconds (g_settings_get_uint (self->settings,
                                                                         "mark-read-delay"),
                                                    mark_read_timeout, self);
}

void
_tern_window_show_message (TernWindow *self, gint64 id)
{
  show_message (self, id);
}

static void
on_body_fetched (TernMailContext *context, gint64 message_id, GError *error, TernWindow *self)
{
  if (message_id != self->waiting_body_id)
    return;
  self->waiting_body_id = 0;
  if (error != NULL)
    {
      tern_reader_view_show_offline (self->reader);
      return;
    }
  show_message (self, message_id);
}

static void
on_list_selection_changed (TernMessageList *list, GArray *ids, TernWindow *self)
{
  _tern_window_actions_update (self);
  if (ids->len == 1)
    {
      gint64 id = _tern_window_conversations_open (self, g_array_index (ids, gint64, 0));
      if (id != self->shown_id)
        show_message (self, id);
      return;
    }
  _tern_window_conversations_close (self);
  _tern_window_cancel_mark_read (self);
  self->shown_id = 0;
  self->waiting_body_id = 0;
  tern_reader_view_clear (self->reader);
}

/* ---- the list ---- */

/* An empty folder whose account shows an incoming error may not be empty
 * at all: the server's words are in the error line, and the list must not
 * say "empty" meanwhile. */
static gboolean
folder_unchecked (TernWindow *self, gboolean *server_said)
{
  g_autoptr(TernFolder) folder = NULL;
  TernErrorBar *bar;

  if (self->folder_id == 0 || self->model == NULL)
    return FALSE;
  folder = tern_store_get_folder (_tern_window_get_store (self), self->folder_id, NULL);
  bar = folder != NULL ? tern_error_bars_lookup (self->error_bars, folder->account_id, FALSE) : NULL;
  *server_said = folder != NULL && tern_error_bars_shows_server_said (self->error_bars, folder->account_id);
  return bar != NULL && gtk_widget_get_visible (GTK_WIDGET (bar));
}

static void
update_list_placeholder (TernWindow *self)
{
  guint n = self->model != NULL ? tern_message_list_model_get_n_rows (self->model) : 0;
  gboolean server_said = FALSE;

  if (n > 0)
    {
      gtk_stack_set_visible_child_name (self->list_stack, "list");
      return;
    }
  gtk_label_set_text (self->list_placeholder,
                      self->folder_id == 0 && self->model != NULL ? _("No messages match your search")
                      : folder_unchecked (self, &server_said)
                      ? (server_said ? _("This folder is empty here.\nThe server’s message above may say why.")
                                     : _("Tern could not check this folder yet.\nThe message above says why."))
                      : self->model != NULL ? _("This folder is empty")
                      : _("Choose a folder"));
  gtk_stack_set_visible_child_name (self->list_stack, "empty");
}

/* The header bar shows what is listed and whose; the window's title (the
 * task switcher, screen readers) says the same: "Inbox — Work — Tern". */
static void
set_titles (TernWindow *self, const char *title, const char *subtitle)
{
  g_autofree char *own = g_strdup (title);   /* @title may be the header bar's */
  g_autofree char *window_title = NULL;

  if (own == NULL || g_strcmp0 (own, _("Tern")) == 0)
    window_title = g_strdup (_("Tern"));
  else if (subtitle == NULL || *subtitle == '\0')
    window_title = g_strdup_printf (_("%s — Tern"), own);
  else
    window_title = g_strdup_printf (_("%s — %s — Tern"), own, subtitle);
  gtk_window_set_title (GTK_WINDOW (self), window_title);
  gtk_label_set_text (self->title_label, own != NULL ? own : _("Tern"));
  gtk_label_set_text (self->subtitle_label, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), subtitle != NULL && *subtitle != '\0');
}

static void
set_model (TernWindow *self, TernMessageSource *source, gint64 folder_id)
{
  g_autoptr(GError) error = NULL;
  gboolean descending;
  TernMessageSort sort = _tern_window_actions_get_sort (self, &descending);

  g_clear_object (&self->model);
  self->model = tern_message_list_model_new (source, folder_id);
  if (source == TERN_MESSAGE_SOURCE (self->thread_source))
    tern_message_list_model_set_page_size (self->model, TERN_THREAD_MESSAGE_SOURCE_PAGE_SIZE);
  if (!tern_message_list_model_set_sort (self->model, sort, descending, &error))
    g_warning ("Could not list the folder: %s", error->message);
  tern_message_list_set_model (self->message_list, self->model);
  update_list_placeholder (self);
  _tern_window_actions_update (self);
}

void
_tern_window_rebuild_move_menu (TernWindow *self, gint64 account_id)
{
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GMenuItem) add = NULL;
  g_autoptr(GMenu) last = NULL;

  if (account_id == self->move_account_id)
    return;
  self->move_account_id = account_id;
  g_menu_remove_all (self->move_section);
  folders = tern_store_list_folders (_tern_window_get_store (self), account_id, NULL);
  for (guint i = 0; folders != NULL && i < folders->len; i++)
    {
      TernFolder *f = g_ptr_array_index (folders, i);
      g_autofree char *name = NULL;
      g_autoptr(GMenuItem) item = NULL;

      /* Moving to where the messages are does nothing. */
      if (f->id == self->folder_id)
        continue;
      name = tern_folder_display_name (f);
      item = g_menu_item_new (name, NULL);
      g_menu_item_set_action_and_target_value (item, "win.move-to", g_variant_new_int64 (f->id));
      g_menu_append_item (self->move_section, item);
    }
  tern_folder_menu_add_local_targets (self->move_section, _tern_window_get_store (self),
                                      account_id);
  /* Below a separator: makes a folder, then moves there. */
  add = g_menu_item_new (_("_New Folder…"), NULL);
  g_menu_item_set_action_and_target_value (add, "win.move-to-new-folder",
                                           g_variant_new_int64 (account_id));
  last = g_menu_new ();
  g_menu_append_item (last, add);
  g_menu_append_section (self->move_section, NULL, G_MENU_MODEL (last));
}

static void open_folder (TernWindow *self, gint64 folder_id);

void
_tern_window_reopen_folder (TernWindow *self)
{
  if (self->folder_id != 0)
    open_folder (self, self->folder_id);
}

static void
open_folder (TernWindow *self, gint64 folder_id)
{
  g_autoptr(TernFolder) folder = folder_id != 0 ? tern_store_get_folder (_tern_window_get_store (self), folder_id, NULL) : NULL;
  g_autoptr(TernAccountSettings) account = NULL;
  g_autofree char *name = NULL;

  self->folder_id = folder != NULL ? folder_id : 0;
  if (folder == NULL)
    {
      g_clear_object (&self->model);
      tern_message_list_set_model (self->message_list, NULL);
      set_titles (self, gtk_label_get_text (self->title_label), NULL);
      update_list_placeholder (self);
      _tern_window_actions_update (self);
      return;
    }
  set_model (self, _tern_window_conversations_source (self, folder), folder_id);
  account = tern_store_get_account (_tern_window_get_store (self), folder->account_id, NULL);
  name = tern_folder_display_name (folder);
  set_titles (self, name, account != NULL ? account->name : NULL);
  self->move_account_id = 0;
  _tern_window_rebuild_move_menu (self, folder->account_id);
}

static void clear_search (TernWindow *self);

static void
on_folder_selected (TernFolderSidebar *sidebar, gint64 folder_id, TernWindow *self)
{
  clear_search (self);
  gtk_stack_set_visible_child_name (self->content_stack, "mail");
  open_folder (self, folder_id);
}

static void
on_messages_dropped (TernFolderSidebar *sidebar, gint64 folder_id, GArray *ids, TernWindow *self)
{
  _tern_window_actions_move (self, ids, folder_id);
}

/* ---- the outbox ---- */

static void
on_outbox_selected (TernFolderSidebar *sidebar, gint64 account_id, TernWindow *self)
{
  g_autoptr(TernAccountSettings) account = tern_store_get_account (_tern_window_get_store (self), account_id, NULL);

  clear_search (self);
  open_folder (self, 0);
  _tern_window_cancel_mark_read (self);
  self->shown_id = 0;
  self->waiting_body_id = 0;
  tern_outbox_view_load (self->outbox_view, _tern_window_get_store (self), account_id);
  gtk_stack_set_visible_child_name (self->content_stack, "outbox");
  set_titles (self, _("Outbox"), account != NULL ? account->name : NULL);
  _tern_window_actions_update (self);
}

static gboolean
showing_outbox (TernWindow *self, gint64 account_id)
{
  return g_str_equal (gtk_stack_get_visible_child_name (self->content_stack), "outbox") &&
         tern_outbox_view_get_account_id (self->outbox_view) == account_id;
}

static void
on_outbox_changed (TernMailContext *context, gint64 account_id, TernWindow *self)
{
  tern_folder_sidebar_update_outbox (self->sidebar, _tern_window_get_store (self), account_id);
  if (showing_outbox (self, account_id))
    tern_outbox_view_load (self->outbox_view, _tern_window_get_store (self), account_id);
  /* Sent after all (or removed): the line goes; refused: it says why. */
  tern_error_bars_update_outbox (self->error_bars, _tern_window_get_store (self), account_id);
}

static void
on_outbox_view_selection_changed (TernOutboxView *view, TernWindow *self)
{
  _tern_window_actions_update (self);
}

/* The oldest message of the account the server refused, or 0. */
gint64
_tern_window_first_failed_item (TernWindow *self, gint64 account_id)
{
  g_autoptr(GPtrArray) items = tern_store_list_outbox (_tern_window_get_store (self), account_id, NULL);

  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      TernOutboxItem *item = g_ptr_array_index (items, i);
      if (item->state == TERN_OUTBOX_FAILED)
        return item->id;
    }
  return 0;
}

/* The store changed under the list: new ids, and flags of cached rows. The
 * model keeps selection and cursor on rows that stay. */
static void refresh_search (TernWindow *self);

void
_tern_window_refresh_list (TernWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (self->model == NULL)
    return;
  if (self->folder_id == 0 && tern_store_message_source_get_search (self->search_source) != NULL)
    {
      refresh_search (self);
      return;
    }
  if (!tern_message_list_model_reload (self->model, &error))
    g_warning ("Could not list the folder: %s", error->message);
  tern_message_list_model_refresh_cached (self->model);
  update_list_placeholder (self);
}

static void
on_folder_changed (TernMailContext *context, gint64 account_id, gint64 folder_id, TernWindow *self)
{
  tern_folder_sidebar_update_folder (self->sidebar, _tern_window_get_store (self), folder_id);
  if (self->model != NULL && (folder_id == self->folder_id || self->folder_id == 0))
    _tern_window_refresh_list (self);
  /* A reply may have come into the open conversation from any folder. */
  _tern_window_conversations_refresh (self);
}

static void
select_first_inbox (TernWindow *self)
{
  g_autoptr(GPtrArray) accounts = tern_store_list_accounts (_tern_window_get_store (self), NULL);

  for (guint i = 0; accounts != NULL && i < accounts->len; i++)
    {
      TernAccountSettings *a = g_ptr_array_index (accounts, i);
      g_autoptr(TernFolder) inbox = tern_store_get_folder_by_role (_tern_window_get_store (self), a->id,
                                                                   TERN_FOLDER_ROLE_INBOX, NULL);
      if (inbox != NULL && tern_folder_sidebar_select_folder (self->sidebar, inbox->id))
        return;
    }
}

static void
on_folders_changed (TernMailContext *context, gint64 account_id, TernWindow *self)
{
  tern_folder_sidebar_reload (self->sidebar, _tern_window_get_store (self));
  /* The move menu lists the folders on this computer too. */
  if (account_id == self->move_account_id || tern_folder_menu_is_local_account (
          _tern_window_get_store (self), account_id))
    {
      self->move_account_id = 0;
      if (self->folder_id != 0)
        {
          g_autoptr(TernFolder) f = tern_store_get_folder (_tern_window_get_store (self), self->folder_id, NULL);
          if (f != NULL)
            _tern_window_rebuild_move_menu (self, f->account_id);
        }
    }
  if (tern_folder_sidebar_get_selected_folder (self->sidebar) == 0 && self->folder_id == 0 &&
      gtk_entry_get_text_length (GTK_ENTRY (self->search_entry)) == 0)
    select_first_inbox (self);
}

/* ---- search ---- */

static void on_search_changed (GtkSearchEntry *entry, TernWindow *self);

/* Empties the entry without listing anything (a folder is being opened). */
static void
clear_search (TernWindow *self)
{
  g_signal_handlers_block_by_func (self->search_entry, on_search_changed, self);
  gtk_entry_set_text (GTK_ENTRY (self->search_entry), "");
  g_signal_handlers_unblock_by_func (self->search_entry, on_search_changed, self);
  tern_store_message_source_set_search (self->search_source, NULL);
  if (self->search_runner != NULL)
    tern_search_runner_cancel (self->search_runner);
  gtk_revealer_set_reveal_child (self->search_scope_revealer, FALSE);
}

static void
set_search_titles (TernWindow *self, guint n, gboolean done)
{
  g_autofree char *subtitle = done ? g_strdup_printf (ngettext ("%u message found",
                                                                "%u messages found", n), n)
                                   : g_strdup_printf (ngettext ("%u message found so far",
                                                                "%u messages found so far", n), n);

  set_titles (self, _("Search"), subtitle);
}

/* A page of the latest search (older ones never come here): the first of
 * a new query lists it afresh, the later ones, and a refresh of the same
 * query, update the list in place so that the selection stays. */
static void
on_search_results (TernSearchRunner *runner, guint generation, GArray *ids, gboolean done,
                   TernWindow *self)
{
  tern_store_message_source_set_results (self->search_source, ids);
  if (self->search_new_list || self->model == NULL ||
      tern_message_list_model_get_source (self->model) != TERN_MESSAGE_SOURCE (self->search_source))
    set_model (self, TERN_MESSAGE_SOURCE (self->search_source), 0);
  else
    {
      tern_message_list_model_set_ids (self->model, (const gint64 *) (void *) ids->data, ids->len);
      tern_message_list_model_refresh_cached (self->model);
      update_list_placeholder (self);
      _tern_window_actions_update (self);
    }
  self->search_new_list = FALSE;
  set_search_titles (self, ids->len, done);
}

static void
on_search_failed (TernSearchRunner *runner, guint generation, GError *error, TernWindow *self)
{
  g_autoptr(GArray) none = g_array_new (FALSE, FALSE, sizeof (gint64));

  on_search_results (runner, generation, none, TRUE, self);
}

/* Searches the entry's text again (the store changed under the results). */
static void
refresh_search (TernWindow *self)
{
  const char *query = tern_store_message_source_get_search (self->search_source);

  if (query != NULL)
    tern_search_runner_start (self->search_runner, query);
}

void
tern_window_search (TernWindow *self, const char *query)
{
  const char *text = query != NULL ? query : "";

  if (g_strcmp0 (gtk_entry_get_text (GTK_ENTRY (self->search_entry)), text) != 0)
    {
      /* The entry would search again after its typing delay: not needed. */
      g_signal_handlers_block_by_func (self->search_entry, on_search_changed, self);
      gtk_entry_set_text (GTK_ENTRY (self->search_entry), text);
      g_signal_handlers_unblock_by_func (self->search_entry, on_search_changed, self);
    }
  gtk_revealer_set_reveal_child (self->search_scope_revealer, *text != '\0');
  if (*text == '\0')
    {
      clear_search (self);
      open_folder (self, tern_folder_sidebar_get_selected_folder (self->sidebar));
      return;
    }
  {
    /* in:all first: a place the query names itself comes later and wins.
     * The search runs on its own thread; its pages come to
     * on_search_results(). Until the first, the list keeps what it shows. */
    g_autoptr(GVariant) everywhere = g_action_group_get_action_state (G_ACTION_GROUP (self), "search-everywhere");
    g_autofree char *scoped = everywhere != NULL && g_variant_get_boolean (everywhere)
                             ? g_strconcat ("in:all ", text, NULL) : g_strdup (text);

    tern_store_message_source_set_search (self->search_source, scoped);
    self->folder_id = 0;
    _tern_window_conversations_source (self, NULL);
    self->search_new_list = TRUE;
    tern_search_runner_start (self->search_runner, scoped);
  }
  set_titles (self, _("Search"), _("Searching…"));
}

TernSearchRunner *
tern_window_get_search_runner (TernWindow *self)
{
  g_return_val_if_fail (TERN_IS_WINDOW (self), NULL);
  return self->search_runner;
}

static void
on_search_changed (GtkSearchEntry *entry, TernWindow *self)
{
  const char *text = gtk_entry_get_text (GTK_ENTRY (entry));

  /* After the entry's own short delay (its debounce). The delay also
   * follows tern_window_search() setting the text: that search runs already. */
  if (*text != '\0' && g_strcmp0 (text, tern_store_message_source_get_search (self->search_source)) == 0)
    return;
  tern_window_search (self, text);
}

static void
on_stop_search (GtkSearchEntry *entry, TernWindow *self)
{
  tern_window_search (self, "");
}

/* ---- list: context menu, keys, drag source ---- */

static GMenuModel *
context_menu_model (TernWindow *self)
{
  GMenu *menu = g_menu_new ();
  GMenu *first = g_menu_new (), *second = g_menu_new (), *third = g_menu_new ();

  g_menu_append (first, _("_Reply"), "win.reply");
  g_menu_append (first, _("Reply to _all"), "win.reply-all");
  g_menu_append (first, _("_Forward"), "win.forward");
  g_menu_append (second, _("Mark as _read"), "win.mark-read");
  g_menu_append (second, _("Mark as _unread"), "win.mark-unread");
  g_menu_append (second, _("F_lag or unflag"), "win.toggle-flag");
  g_menu_append (third, _("Ar_chive"), "win.archive");
  g_menu_append_submenu (third, _("_Move to"), G_MENU_MODEL (self->move_section));
  g_menu_append (third, _("_Delete"), "win.delete");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (first));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (second));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (third));
  g_object_unref (first);
  g_object_unref (second);
  g_object_unref (third);
  return G_MENU_MODEL (menu);
}

static GtkMenu *
ensure_context_menu (TernWindow *self)
{
  if (self->context_menu == NULL)
    {
      g_autoptr(GMenuModel) model = context_menu_model (self);
      self->context_menu = gtk_menu_new_from_model (model);
      gtk_menu_attach_to_widget (GTK_MENU (self->context_menu), GTK_WIDGET (self->message_list), NULL);
    }
  return GTK_MENU (self->context_menu);
}

static void
popup_context_menu (TernWindow *self, const GdkEvent *event)
{
  gtk_menu_popup_at_pointer (ensure_context_menu (self), event);
}

/* Shift+F10 or the Menu key: the menu opens under the row the keys are on
 * (the cursor row), not wherever the pointer happens to be. */
/* The key press that asked for the menu; a keyboard event of our own when
 * the signal came without one (an accessibility tool, a test). */
static GdkEvent *
menu_trigger (GtkTreeView *tree)
{
  GdkEvent *event = gtk_get_current_event ();
  GdkSeat *seat = gdk_display_get_default_seat (gtk_widget_get_display (GTK_WIDGET (tree)));

  if (event != NULL)
    return event;
  event = gdk_event_new (GDK_KEY_PRESS);
  event->key.window = g_object_ref (gtk_widget_get_window (GTK_WIDGET (tree)));
  event->key.time = GDK_CURRENT_TIME;
  gdk_event_set_device (event, gdk_seat_get_keyboard (seat));
  return event;
}

void
_tern_window_popup_at_cursor (GtkMenu *menu, GtkTreeView *tree)
{
  g_autoptr(GtkTreePath) path = NULL;
  g_autoptr(GdkEvent) trigger = NULL;
  GdkRectangle rect;
  int width = gtk_widget_get_allocated_width (GTK_WIDGET (tree));

  if (!gtk_widget_get_realized (GTK_WIDGET (tree)))
    return;
  trigger = menu_trigger (tree);

  gtk_tree_view_get_cursor (tree, &path, NULL);
  if (path == NULL || gtk_tree_view_get_bin_window (tree) == NULL)
    {
      /* No row: the menu's actions are all off; show it at the list's top. */
      GdkRectangle top = { 0, 0, width, 1 };
      gtk_menu_popup_at_rect (menu, gtk_widget_get_window (GTK_WIDGET (tree)), &top,
                              GDK_GRAVITY_NORTH_WEST, GDK_GRAVITY_NORTH_WEST, trigger);
      return;
    }
  gtk_tree_view_scroll_to_cell (tree, path, NULL, FALSE, 0, 0);
  gtk_tree_view_get_cell_area (tree, path, NULL, &rect);
  rect.x = 0;
  rect.width = MIN (width, 48);
  gtk_menu_popup_at_rect (menu, gtk_tree_view_get_bin_window (tree), &rect,
                          GDK_GRAVITY_SOUTH_WEST, GDK_GRAVITY_NORTH_WEST, trigger);
  gtk_menu_shell_select_first (GTK_MENU_SHELL (menu), FALSE);
}

static void
popup_context_menu_at_cursor (TernWindow *self, GtkTreeView *tree)
{
  _tern_window_popup_at_cursor (ensure_context_menu (self), tree);
}

static gboolean
on_list_button_press (GtkWidget *tree, GdkEventButton *event, TernWindow *self)
{
  g_autoptr(GtkTreePath) path = NULL;
  GtkTreeSelection *selection;

  if (!gdk_event_triggers_context_menu ((GdkEvent *) event))
    return FALSE;
  selection = gtk_tree_view_get_selection (GTK_TREE_VIEW (tree));
  if (gtk_tree_view_get_path_at_pos (GTK_TREE_VIEW (tree), event->x, event->y, &path, NULL, NULL, NULL) &&
      !gtk_tree_selection_path_is_selected (selection, path))
    gtk_tree_view_set_cursor (GTK_TREE_VIEW (tree), path, NULL, FALSE);
  popup_context_menu (self, (GdkEvent *) event);
  return TRUE;
}

static gboolean
on_list_popup_menu (GtkWidget *tree, TernWindow *self)
{
  popup_context_menu_at_cursor (self, GTK_TREE_VIEW (tree));
  return TRUE;
}

/* Single keys work in the list only, so they never steal typing from the
 * search entry. */
static gboolean
on_list_key_press (GtkWidget *tree, GdkEventKey *event, TernWindow *self)
{
  GdkModifierType mods = event->state & gtk_accelerator_get_default_mod_mask ();
  const char *action = NULL;

  if (mods != 0)
    return FALSE;
  switch (event->keyval)
    {
    case GDK_KEY_Delete:
    case GDK_KEY_KP_Delete: action = "delete"; break;
    case GDK_KEY_a: action = "archive"; break;
    case GDK_KEY_s: action = "toggle-flag"; break;
    case GDK_KEY_m: action = "toggle-read"; break;
    default: return FALSE;
    }
  g_action_group_activate_action (G_ACTION_GROUP (self), action, NULL);
  return TRUE;
}

/* The list's drag targets (their info numbers). */
enum { TERN_DRAG_MESSAGE_IDS, TERN_DRAG_URI_LIST };

static void
on_list_drag_data_get (GtkWidget *tree, GdkDragContext *context, GtkSelectionData *data,
                       guint info, guint time, TernWindow *self)
{
  g_autoptr(GArray) ids = _tern_window_get_selected_ids (self);
  g_autoptr(GString) text = g_string_new (NULL);

  if (info == TERN_DRAG_URI_LIST)
    {
      /* Out to Files or the desktop: .eml files of the exact bytes. */
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) uris = tern_message_drag_write (_tern_window_get_store (self),
                                                    (gint64 *) ids->data, ids->len, &error);

      if (uris == NULL)
        g_warning ("%s", error->message);
      else
        gtk_selection_data_set_uris (data, uris);
      return;
    }
  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i ? " " : "", g_array_index (ids, gint64, i));
  gtk_selection_data_set (data, gtk_selection_data_get_target (data), 8,
                          (const guchar *) text->str, (int) text->len);
}

static void
setup_list (TernWindow *self)
{
  static const GtkTargetEntry targets[] = {
    { (char *) TERN_MESSAGE_IDS_TARGET, GTK_TARGET_SAME_APP, TERN_DRAG_MESSAGE_IDS },
    { (char *) "text/uri-list", GTK_TARGET_OTHER_APP, TERN_DRAG_URI_LIST },
  };
  GtkWidget *tree = GTK_WIDGET (tern_message_list_get_tree_view (self->message_list));

  g_signal_connect (tree, "button-press-event", G_CALLBACK (on_list_button_press), self);
  g_signal_connect (tree, "popup-menu", G_CALLBACK (on_list_popup_menu), self);
  g_signal_connect (tree, "key-press-event", G_CALLBACK (on_list_key_press), self);
  gtk_drag_source_set (tree, GDK_BUTTON1_MASK, targets, G_N_ELEMENTS (targets),
                       GDK_ACTION_MOVE | GDK_ACTION_COPY);
  gtk_drag_source_set_icon_name (tree, "mail-unread-symbolic");
  g_signal_connect (tree, "drag-data-get", G_CALLBACK (on_list_drag_data_get), self);
  g_signal_connect (self->message_list, "selection-changed", G_CALLBACK (on_list_selection_changed), self);
}

/* ---- window state ---- */

static void
save_window_state (TernWindow *self)
{
  GdkWindowState state = 0;
  int width, height;

  if (gtk_widget_get_window (GTK_WIDGET (self)) != NULL)
    state = gdk_window_get_state (gtk_widget_get_window (GTK_WIDGET (self)));
  g_settings_set_boolean (self->settings, "window-maximized", (state & GDK_WINDOW_STATE_MAXIMIZED) != 0);
  if (!(state & (GDK_WINDOW_STATE_MAXIMIZED | GDK_WINDOW_STATE_FULLSCREEN | GDK_WINDOW_STATE_TILED)))
    {
      gtk_window_get_size (GTK_WINDOW (self), &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
}

void
_tern_window_apply_reader_position (TernWindow *self, const char *position)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->inner_paned),
                                  g_str_equal (position, "below") ? GTK_ORIENTATION_VERTICAL
                                                                  : GTK_ORIENTATION_HORIZONTAL);
}

static void
restore_window_state (TernWindow *self)
{
  g_autofree char *position = g_settings_get_string (self->settings, "reader-position");
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "reader-position");

  gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  g_settings_bind (self->settings, "sidebar-width", self->outer_paned, "position", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "list-size", self->inner_paned, "position", G_SETTINGS_BIND_DEFAULT);
  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (position));
  _tern_window_apply_reader_position (self, position);
}

static gboolean
on_delete_event (GtkWidget *widget, GdkEvent *event, gpointer data)
{
  save_window_state (TERN_WINDOW (widget));
  return GDK_EVENT_PROPAGATE;
}

/* ---- construction ---- */

static void
tern_window_dispose (GObject *object)
{
  TernWindow *self = TERN_WINDOW (object);

  _tern_window_cancel_mark_read (self);
  if (self->context != NULL)
    g_signal_handlers_disconnect_by_data (self->context, self);
  /* A search page in flight must not reach a window being destroyed. */
  if (self->search_runner != NULL)
    {
      tern_search_runner_cancel (self->search_runner);
      g_signal_handlers_disconnect_by_data (self->search_runner, self);
    }
  if (self->context_menu != NULL)
    {
      gtk_widget_destroy (self->context_menu);
      self->context_menu = NULL;
    }
  if (self->confirm_dialog != NULL)
    {
      gtk_widget_destroy (self->confirm_dialog);
      self->confirm_dialog = NULL;
    }
  g_clear_object (&self->model);
  g_clear_object (&self->cert_prompt);
  G_OBJECT_CLASS (tern_window_parent_class)->dispose (object);
}

static void
tern_window_finalize (GObject *object)
{
  TernWindow *self = TERN_WINDOW (object);

  g_clear_object (&self->folder_source);
  g_clear_object (&self->search_source);
  g_clear_object (&self->search_runner);
  g_clear_object (&self->thread_source);
  g_clear_object (&self->context);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  G_OBJECT_CLASS (tern_window_parent_class)->finalize (object);
}

static void
tern_window_class_init (TernWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tern_window_dispose;
  object_class->finalize = tern_window_finalize;
  /* The resources live in a static library; naming them here makes the
   * linker keep them (and their auto-registering constructor). */
  (void) tern_get_resource ();
  g_type_ensure (TERN_TYPE_FOLDER_SIDEBAR);
  g_type_ensure (TERN_TYPE_MESSAGE_LIST);
  g_type_ensure (TERN_TYPE_READER_VIEW);
  g_type_ensure (TERN_TYPE_CONVERSATION_VIEW);
  g_type_ensure (TERN_TYPE_OUTBOX_VIEW);
  g_type_ensure (TERN_TYPE_ERROR_BARS);
  g_type_ensure (TERN_TYPE_BUTTON_ROW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ternmail/Tern/tern-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, TernWindow, name)
  BIND (header_bar);
  BIND (title_label);
  BIND (subtitle_label);
  BIND (search_entry);
  BIND (search_scope_revealer);
  BIND (offline_icon);
  BIND (error_bars);
  BIND (offline_bar);
  BIND (progress_revealer);
  BIND (progress_label);
  BIND (progress_bar);
  BIND (outer_paned);
  BIND (inner_paned);
  BIND (content_stack);
  BIND (outbox_view);
  BIND (list_stack);
  BIND (list_placeholder);
  BIND (sidebar);
  BIND (message_list);
  BIND (reader);
  BIND (conversation);
  BIND (move_section);
#undef BIND
  gtk_widget_class_bind_template_child_full (widget_class, "move_button", FALSE, 0);
}

static void
tern_window_init (TernWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  tern_info_bar_name_close_button (self->offline_bar);   /* GTK leaves it nameless */
  self->settings = g_settings_new (TERN_APP_ID);
  self->pending = g_ptr_array_new_with_free_func (g_object_unref);
  _tern_window_actions_init (self);
  _tern_window_undo_init (self);
  _tern_window_folders_init (self);
  _tern_window_accounts_init (self);
  _tern_window_conversations_init (self);
  restore_window_state (self);
  setup_list (self);
  g_signal_connect (self->sidebar, "folder-selected", G_CALLBACK (on_folder_selected), self);
  g_signal_connect (self->sidebar, "messages-dropped", G_CALLBACK (on_messages_dropped), self);
  g_signal_connect (self->sidebar, "outbox-selected", G_CALLBACK (on_outbox_selected), self);
  g_signal_connect (self->outbox_view, "selection-changed",
                    G_CALLBACK (on_outbox_view_selection_changed), self);
  g_signal_connect (self->search_entry, "search-changed", G_CALLBACK (on_search_changed), self);
  g_signal_connect (self->search_entry, "stop-search", G_CALLBACK (on_stop_search), self);
  g_signal_connect (self->reader, "allow-sender", G_CALLBACK (on_allow_sender), self);
  g_signal_connect (self, "delete-event", G_CALLBACK (on_delete_event), NULL);
  _tern_window_actions_update (self);
}

/* Below the error lines, in the same box. */
static void
add_held_ops_bar (TernWindow *self, TernMailContext *context)
{
  GtkWidget *box = gtk_widget_get_parent (GTK_WIDGET (self->error_bars));
  int position = 0;

  self->held_bar = tern_held_ops_bar_new (context);
  gtk_container_child_get (GTK_CONTAINER (box), GTK_WIDGET (self->error_bars), "position", &position, NULL);
  gtk_box_pack_start (GTK_BOX (box), GTK_WIDGET (self->held_bar), FALSE, FALSE, 0);
  gtk_box_reorder_child (GTK_BOX (box), GTK_WIDGET (self->held_bar), position + 1);
  /* Then the quota warning. */
  self->quota_bar = tern_quota_bar_new (context);
  gtk_box_pack_start (GTK_BOX (box), GTK_WIDGET (self->quota_bar), FALSE, FALSE, 0);
  gtk_box_reorder_child (GTK_BOX (box), GTK_WIDGET (self->quota_bar), position + 2);
}

static void
attach_context (TernWindow *self, TernMailContext *context)
{
  self->context = g_object_ref (context);
  self->folder_source = tern_store_message_source_new (_tern_window_get_store (self));
  self->search_source = tern_store_message_source_new (_tern_window_get_store (self));
  self->search_runner = tern_search_runner_new (tern_mail_context_get_data_dir (context));
  g_signal_connect (self->search_runner, "results", G_CALLBACK (on_search_results), self);
  g_signal_connect (self->search_runner, "failed", G_CALLBACK (on_search_failed), self);
  self->thread_source = tern_thread_message_source_new (_tern_window_get_store (self));
  g_signal_connect (context, "account-state-changed", G_CALLBACK (on_account_state), self);
  g_signal_connect (context, "progress", G_CALLBACK (on_progress), self);
  g_signal_connect (context, "folder-changed", G_CALLBACK (on_folder_changed), self);
  g_signal_connect (context, "folders-changed", G_CALLBACK (on_folders_changed), self);
  g_signal_connect (context, "body-fetched", G_CALLBACK (on_body_fetched), self);
  g_signal_connect (context, "error", G_CALLBACK (on_context_error), self);
  g_signal_connect (context, "server-said", G_CALLBACK (on_server_said), self);
  g_signal_connect (context, "online-changed", G_CALLBACK (on_online_changed), self);
  g_signal_connect (context, "outbox-changed", G_CALLBACK (on_outbox_changed), self);
  self->cert_prompt = tern_certificate_prompt_new (GTK_WINDOW (self), context);
  g_signal_connect (self->cert_prompt, "rejected", G_CALLBACK (on_certificate_rejected), self);
  add_held_ops_bar (self, context);
  update_online (self);
  tern_folder_menu_attach (self->sidebar, context, GTK_WINDOW (self));
  tern_folder_sidebar_reload (self->sidebar, _tern_window_get_store (self));
  {
    g_autoptr(GPtrArray) accounts = tern_store_list_accounts (_tern_window_get_store (self), NULL);
    for (guint i = 0; accounts != NULL && i < accounts->len; i++)
      {
        TernAccountSettings *a = g_ptr_array_index (accounts, i);
        /* Mail the server refused before this window opened says so now. */
        tern_error_bars_update_outbox (self->error_bars, _tern_window_get_store (self), a->id);
        if (tern_mail_context_get_worker (context, a->id) != NULL)
          tern_folder_sidebar_set_account_state (self->sidebar, a->id,
                                                 tern_mail_context_get_account_state (context, a->id));
      }
  }
  select_first_inbox (self);
  update_list_placeholder (self);
}

TernWindow *
tern_window_new_for_context (GtkApplication *app, TernMailContext *context)
{
  TernWindow *self = g_object_new (TERN_TYPE_WINDOW, "application", app, NULL);

  if (context == NULL)
    {
      /* The application logged why; say it plainly and offer nothing that
       * would need the store. */
      _tern_window_show_error (self, 0, _("<b>Tern could not open its mail store.</b>\n"
                                    "Check that the data directory is readable and the disk is not full, then start Tern again."));
      _tern_window_actions_disable_all (self);
      return self;
    }
  attach_context (self, context);
  tern_app_secrets_add_warning_bar (GTK_WIDGET (self->error_bars),
                                    tern_mail_context_get_data_dir (context));
  return self;
}

TernWindow *
tern_window_new (TernApplication *app)
{
  return tern_window_new_for_context (GTK_APPLICATION (app), tern_application_get_mail_context (app));
}

gboolean
tern_window_show_folder (TernWindow *self, gint64 folder_id)
{
  if (gtk_entry_get_text_length (GTK_ENTRY (self->search_entry)) > 0)
    tern_window_search (self, "");
  if (tern_folder_sidebar_get_selected_folder (self->sidebar) == folder_id)
    return TRUE;
  return tern_folder_sidebar_select_folder (self->sidebar, folder_id);
}

gboolean
tern_window_show_message (TernWindow *self, gint64 message_id)
{
  g_autoptr(TernMessageSummary) s = tern_store_get_message (_tern_window_get_store (self), message_id, NULL);

  if (s == NULL || !tern_window_show_folder (self, s->folder_id))
    return FALSE;
  return tern_message_list_select_id (self->message_list, message_id);
}

TernFolderSidebar *
tern_window_get_sidebar (TernWindow *self)
{
  return self->sidebar;
}

TernMessageList *
tern_window_get_message_list (TernWindow *self)
{
  return self->message_list;
}

TernConversationView *
tern_window_get_conversation_view (TernWindow *self)
{
  return self->conversation;
}

TernReaderView *
tern_window_get_reader (TernWindow *self)
{
  return self->reader;
}

GtkInfoBar *
tern_window_get_error_bar (TernWindow *self)
{
  return GTK_INFO_BAR (tern_error_bars_get_latest (self->error_bars));
}

const char *
tern_window_get_error_text (TernWindow *self)
{
  return tern_error_bar_get_text (tern_error_bars_get_latest (self->error_bars));
}

TernErrorBars *
tern_window_get_error_bars (TernWindow *self)
{
  return self->error_bars;
}

TernOutboxView *
tern_window_get_outbox_view (TernWindow *self)
{
  return self->outbox_view;
}

gboolean
tern_window_is_showing_outbox (TernWindow *self)
{
  return g_str_equal (gtk_stack_get_visible_child_name (self->content_stack), "outbox");
}

TernHeldOpsBar *
tern_window_get_held_ops_bar (TernWindow *self)
{
  return self->held_bar;
}

TernQuotaBar *
tern_window_get_quota_bar (TernWindow *self)
{
  return self->quota_bar;
}

GtkWidget *
tern_window_get_certificate_dialog (TernWindow *self)
{
  return self->cert_prompt != NULL ? tern_certificate_prompt_get_dialog (self->cert_prompt) : NULL;
}

GtkWidget *
tern_window_get_confirm_dialog (TernWindow *self)
{
  return self->confirm_dialog;
}

GtkWidget *
tern_window_get_context_menu (TernWindow *self)
{
  return self->context_menu;
}

GtkWidget *
tern_window_get_progress (TernWindow *self)
{
  return GTK_WIDGET (self->progress_revealer);
}

gint64
tern_window_get_shown_message (TernWindow *self)
{
  return self->shown_id;
}
