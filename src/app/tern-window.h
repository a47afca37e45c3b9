/* tern-window.h: the main window (folders, message list, reader). */
#pragma once

#include <gtk/gtk.h>

#include "tern-application.h"
#include "tern-error-bars.h"
#include "tern-folder-sidebar.h"
#include "tern-held-ops-bar.h"
#include "tern-quota-bar.h"
#include "tern-mail-context.h"
#include "tern-message-list.h"
#include "tern-outbox-view.h"
#include "tern-conversation-view.h"
#include "tern-reader-view.h"
#include "tern-search-runner.h"

G_BEGIN_DECLS

#define TERN_TYPE_WINDOW (tern_window_get_type ())
G_DECLARE_FINAL_TYPE (TernWindow, tern_window, TERN, WINDOW, GtkApplicationWindow)

/* A window over the application's mail context. */
TernWindow *tern_window_new (TernApplication *app);
/* A window over @context (tests; @context may have no workers). */
TernWindow *tern_window_new_for_context (GtkApplication *app, TernMailContext *context);

/* Selects @folder_id in the sidebar and lists it. */
gboolean tern_window_show_folder (TernWindow *self, gint64 folder_id);
/* Shows the message's folder and selects the message (a notification was
 * clicked). */
gboolean tern_window_show_message (TernWindow *self, gint64 message_id);
/* Searches as if @query were typed in the search entry ("" ends it). */
void tern_window_search (TernWindow *self, const char *query);
/* What runs the searches (tests wait for it, or slow it down). */
TernSearchRunner *tern_window_get_search_runner (TernWindow *self);

/* For tests. */
TernFolderSidebar *tern_window_get_sidebar (TernWindow *self);
TernMessageList *tern_window_get_message_list (TernWindow *self);
TernReaderView *tern_window_get_reader (TernWindow *self);
/* The conversation reader's list above the reader (hidden for single messages). */
TernConversationView *tern_window_get_conversation_view (TernWindow *self);
GtkInfoBar *tern_window_get_error_bar (TernWindow *self);
const char *tern_window_get_error_text (TernWindow *self);
/* Every error line (one per account and direction). */
TernErrorBars *tern_window_get_error_bars (TernWindow *self);
GtkWidget *tern_window_get_progress (TernWindow *self);
TernOutboxView *tern_window_get_outbox_view (TernWindow *self);
/* Whether the outbox, not a folder, fills the window. */
gboolean tern_window_is_showing_outbox (TernWindow *self);
/* Queued changes held back for the user (hidden when there are none). */
TernHeldOpsBar *tern_window_get_held_ops_bar (TernWindow *self);
/* The warning of a mailbox almost full (hidden when none is). */
TernQuotaBar *tern_window_get_quota_bar (TernWindow *self);
/* The open certificate question of a background sync, or NULL. */
GtkWidget *tern_window_get_certificate_dialog (TernWindow *self);
/* The open "Delete without sending?" question, or NULL. */
GtkWidget *tern_window_get_confirm_dialog (TernWindow *self);
gint64 tern_window_get_shown_message (TernWindow *self);
/* The message list's context menu, once it was opened (else NULL). */
GtkWidget *tern_window_get_context_menu (TernWindow *self);

G_END_DECLS
