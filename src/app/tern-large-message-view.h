/* tern-large-message-view.h: the reader's page for a message too large to
 * keep in the store (over the IMAP download limit, tern-imap-limits.h).
 *
 * Says so with the message's size, and offers "Download to File…": a save
 * dialog, then TernMessageDownload with a progress bar and Cancel; once the
 * file is complete, "Open" opens it like an attachment. Destroying the view
 * cancels a download still running (nothing is left half-written).
 */
#pragma once

#include <gtk/gtk.h>

#include "tern-mail-context.h"

G_BEGIN_DECLS

#define TERN_TYPE_LARGE_MESSAGE_VIEW (tern_large_message_view_get_type ())
G_DECLARE_FINAL_TYPE (TernLargeMessageView, tern_large_message_view, TERN, LARGE_MESSAGE_VIEW, GtkBox)

TernLargeMessageView *tern_large_message_view_new (TernMailContext *context, gint64 message_id);
gint64 tern_large_message_view_get_message (TernLargeMessageView *self);
/* Starts the download into @dest, as the save dialog does. */
void tern_large_message_view_download_to (TernLargeMessageView *self, GFile *dest);

/* For tests: "ready", "downloading", "done" or "failed"; the status line;
 * the buttons. */
const char *tern_large_message_view_get_state (TernLargeMessageView *self);
const char *tern_large_message_view_get_status (TernLargeMessageView *self);
GtkWidget *tern_large_message_view_get_button (TernLargeMessageView *self, const char *which);

G_END_DECLS
