/* tern-message-cell-renderer.h: the two-line cell of the message list.
 *
 * Sender and date on top, subject and preview below, bold and a dot when
 * unread, flag and attachment icons. It derives from GtkCellRendererText
 * so that the "text" property (set to a one-line summary) is what screen
 * readers read for the row. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TERN_TYPE_MESSAGE_CELL_RENDERER (tern_message_cell_renderer_get_type ())
G_DECLARE_FINAL_TYPE (TernMessageCellRenderer, tern_message_cell_renderer,
                      TERN, MESSAGE_CELL_RENDERER, GtkCellRendererText)

GtkCellRenderer *tern_message_cell_renderer_new (void);

G_END_DECLS
