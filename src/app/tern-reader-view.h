/* tern-reader-view.h: shows one message: headers, body, attachments. */
#pragma once

#include <gtk/gtk.h>

#include "tern-reader-message.h"

G_BEGIN_DECLS

#define TERN_TYPE_READER_VIEW (tern_reader_view_get_type ())
G_DECLARE_FINAL_TYPE (TernReaderView, tern_reader_view, TERN, READER_VIEW, GtkBin)

GtkWidget *tern_reader_view_new (void);

/* The states of the view. */
void tern_reader_view_show_message (TernReaderView    *self,
                                    TernReaderMessage *message);
void tern_reader_view_show_loading (TernReaderView *self);   /* body being fetched */
void tern_reader_view_show_offline (TernReaderView *self);   /* not cached, offline */
void tern_reader_view_clear (TernReaderView *self);          /* nothing selected */
/* "empty", "loading", "offline" or "message". */
const char *tern_reader_view_get_state (TernReaderView *self);
/* "plain" or "html": which body is shown. */
const char *tern_reader_view_get_body_kind (TernReaderView *self);

/* Show the plain text part of multipart/alternative mail (default FALSE). */
void tern_reader_view_set_prefer_plain (TernReaderView *self,
                                        gboolean        prefer_plain);

/* Remote content: blocked unless the message says the sender is allowed. */
gboolean tern_reader_view_get_remote_content_blocked (TernReaderView *self);
/* What "Show" (this message) does. */
void tern_reader_view_allow_remote_content (TernReaderView *self);

/* Writes an attachment's bytes to @file (what the Save and Open buttons
 * do), without blocking the main loop on the disk. */
void tern_reader_view_save_part_async (TernReaderView      *self,
                                       const char          *part_id,
                                       GFile               *file,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
gboolean tern_reader_view_save_part_finish (TernReaderView  *self,
                                            GAsyncResult    *result,
                                            GError         **error);

/* Widgets, for tests and for the window's focus chain. */
GtkTextView *tern_reader_view_get_text_view (TernReaderView *self);
/* The WebKitWebView; NULL until the first HTML message was shown (it is
 * created then, to keep WebKit out of memory for plain-text mail). */
GtkWidget *tern_reader_view_get_web_view (TernReaderView *self);
GtkInfoBar *tern_reader_view_get_remote_bar (TernReaderView *self);
/* "Always for <address>" in the bar; hidden when the sender's address is
 * not shown unambiguously. */
GtkWidget *tern_reader_view_get_always_button (TernReaderView *self);
GtkContainer *tern_reader_view_get_attachments_box (TernReaderView *self);

/* Signals:
 *   gboolean activate-link (const char *uri): a link was clicked; return
 *     TRUE if handled (mailto: to the composer), else it opens in the
 *     browser.
 *   void allow-sender (const char *address): "Always for this sender";
 *     the integrator records it and sets remote_content_allowed next time.
 *   void html-loaded (void): the HTML body finished loading (for tests).
 */

G_END_DECLS
