/* tern-window-private.h: what tern-window.c and tern-window-actions.c share.
 *
 * The window (tern-window.c) builds the widgets and follows the mail
 * context; its win.* actions (tern-window-actions.c) act on the selection
 * and the outbox. Both see the instance struct; nothing outside these two
 * files includes this header.
 */
#pragma once

#include "tern-certificate-prompt.h"
#include "tern-conversation-view.h"
#include "tern-error-bars.h"
#include "tern-held-ops-bar.h"
#include "tern-search-runner.h"
#include "tern-store-message-source.h"
#include "tern-undo-bar.h"
#include "tern-thread-message-source.h"
#include "tern-window.h"

G_BEGIN_DECLS

struct _TernWindow
{
  GtkApplicationWindow parent_instance;

  /* template */
  GtkHeaderBar *header_bar;
  GtkLabel *title_label;
  GtkLabel *subtitle_label;
  GtkSearchEntry *search_entry;
  GtkImage *offline_icon;
  TernErrorBars *error_bars;
  GtkInfoBar *offline_bar;
  GtkRevealer *progress_revealer;
  GtkLabel *progress_label;
  GtkProgressBar *progress_bar;
  GtkPaned *outer_paned;
  GtkPaned *inner_paned;
  GtkStack *content_stack;
  TernOutboxView *outbox_view;
  GtkStack *list_stack;
  GtkLabel *list_placeholder;
  GtkRevealer *search_scope_revealer;
  TernFolderSidebar *sidebar;
  TernMessageList *message_list;
  TernReaderView *reader;
  TernConversationView *conversation;
  GMenu *move_section;

  TernMailContext *context;
  GSettings *settings;
  TernStoreMessageSource *folder_source;
  TernStoreMessageSource *search_source;
  TernSearchRunner *search_runner;   /* searches off the main loop, streamed */
  gboolean search_new_list;    /* the next results start a new list (not a refresh) */
  TernThreadMessageSource *thread_source;
  gboolean conversations;      /* the list shows conversations */
  TernMessageListModel *model;
  gint64 folder_id;            /* listed folder; 0 while searching */
  gint64 move_account_id;      /* account the move menu lists */
  gint64 shown_id;             /* message in the reader */
  gint64 waiting_body_id;      /* body asked of the worker */
  guint mark_read_source;
  GtkWidget *confirm_dialog;   /* "Delete without sending?" */
  GtkWidget *context_menu;
  GPtrArray *pending;          /* GCancellable of running actions */
  TernCertificatePrompt *cert_prompt;  /* certificate questions of background sync */
  TernHeldOpsBar *held_bar;    /* queued changes held back, under the error bar */
  TernQuotaBar *quota_bar;     /* a mailbox almost full, under the held changes */
  TernUndoBar *undo_bar;       /* tern-window-undo.c */
};
/* tern-window.c */
TernStore *_tern_window_get_store (TernWindow *self);
/* The ids selected in the message list; for conversations, all the
 * messages of the selected ones in the folder (heads first). */
GArray *_tern_window_get_selected_ids (TernWindow *self);
/* The rows selected (for conversations, the head of each). */
GArray *_tern_window_get_selected_rows (TernWindow *self);
/* Shows message @id in the reader. */
void _tern_window_show_message (TernWindow *self, gint64 id);
/* Lists the open folder again from scratch (conversations switched). */
void _tern_window_reopen_folder (TernWindow *self);
/* Shows @markup in the window's own error line (not one account's). */
void _tern_window_show_error (TernWindow *self, gint64 account_id, const char *markup);
/* The oldest message of the account the server refused, or 0. */
gint64 _tern_window_first_failed_item (TernWindow *self, gint64 account_id);
/* Stops the timer that marks the shown message read. */
void _tern_window_cancel_mark_read (TernWindow *self);
/* Reloads the list from the store, keeping selection on rows that stay. */
void _tern_window_refresh_list (TernWindow *self);
void _tern_window_apply_reader_position (TernWindow *self, const char *position);

/* tern-window-actions.c */
/* Adds the win.* actions to @self. */
void _tern_window_actions_init (TernWindow *self);
/* Enables the actions that apply to the selection and what is shown. */
void _tern_window_actions_update (TernWindow *self);
/* Disables every action (the window has no store). */
void _tern_window_actions_disable_all (TernWindow *self);
/* The list order the sort actions hold. */
TernMessageSort _tern_window_actions_get_sort (TernWindow *self, gboolean *descending);
/* Sets and clears flags of @ids, on the writer thread. */
void _tern_window_actions_set_flags (TernWindow *self, const gint64 *ids, guint n, guint set,
                                     guint clear);
/* Deletes @ids (to Trash; asks first where there is none). */
void _tern_window_actions_delete (TernWindow *self, GArray *ids);
/* Moves @ids to folder @dest (a drop on the sidebar, Move to, Archive). */
void _tern_window_actions_move (TernWindow *self, GArray *ids, gint64 dest);

/* tern-window-undo.c: Undo after a move or a delete to Trash. */
typedef struct _TernUndoOffer TernUndoOffer;
void _tern_window_undo_init (TernWindow *self);
/* What Undo would take back of the action, read before it runs; NULL if
 * nothing (not a move or delete; a delete from Trash). */
TernUndoOffer *_tern_window_undo_prepare (TernWindow *self, TernActionKind kind,
                                          const gint64 *ids, guint n, gint64 dest_folder_id);
/* Shows the offer once the action succeeded. */
void _tern_window_undo_offer (TernWindow *self, TernUndoOffer *offer);
void _tern_undo_offer_free (TernUndoOffer *offer);

/* tern-window-folders.c: New Folder…, Rename…, Delete… of the sidebar's
 * context menu, and the Move popover's "New Folder…". */
void _tern_window_folders_init (TernWindow *self);
/* tern-window.c: Shift+F10 or the Menu key: @menu opens just under
 * @tree's cursor row (not at the pointer), its first item selected. */
void _tern_window_popup_at_cursor (GtkMenu *menu, GtkTreeView *tree);
/* Pops @model up for the sidebar: at the pointer for @event, else (keys)
 * at the cursor's row. */
void _tern_window_popup_sidebar_menu (TernWindow *self, GMenuModel *model, const GdkEvent *event);
/* tern-window-accounts.c: the menu of an account's own row in the sidebar
 * (win.account-sync, win.remove-account; the others are app's and
 * other parts'), and popping it up. */
void _tern_window_accounts_init (TernWindow *self);
GMenuModel *_tern_window_account_menu (TernWindow *self, gint64 account_id);
gboolean _tern_window_popup_account_menu (TernWindow *self, gint64 account_id,
                                          const GdkEvent *event);
/* The Move popover for the listed folder: every other folder of @account_id,
 * then New Folder…. */
void _tern_window_rebuild_move_menu (TernWindow *self, gint64 account_id);
/* tern-window-conversations.c */
/* Adds win.conversations and follows the conversation reader. */
void _tern_window_conversations_init (TernWindow *self);
/* The source that lists @folder (NULL: a search) as the folder's
 * preference says, and sets self->conversations and the action. */
TernMessageSource *_tern_window_conversations_source (TernWindow *self, const TernFolder *folder);
/* The message to show for the selected row @id: for a conversation, lists
 * it above the reader and answers the message it opens on. */
gint64 _tern_window_conversations_open (TernWindow *self, gint64 id);
/* Hides the conversation reader's list. */
void _tern_window_conversations_close (TernWindow *self);
/* Shows the open conversation again when mail came into it or left it,
 * on the message the user had open. */
void _tern_window_conversations_refresh (TernWindow *self);
/* Expands or collapses the conversation at the list's cursor (Right/+,
 * Left/-); FALSE if nothing changed. */
gboolean _tern_window_conversations_set_expanded (TernWindow *self, gboolean expanded);

G_END_DECLS
