/* tern-undo-bar.h: the in-app notification that offers Undo.
 *
 * "2 messages moved to Archive  [Undo] [×]", shown at the top of the window
 * for a few seconds after a move or a delete to Trash. It keeps which
 * messages went from where; "undo" asks the window to put them back.
 * A new offer replaces the last one (only the newest action can be undone).
 *
 * Signals:
 *   undo ()   the user chose Undo; read the ids and folders, the bar hides
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TERN_TYPE_UNDO_BAR (tern_undo_bar_get_type ())
G_DECLARE_FINAL_TYPE (TernUndoBar, tern_undo_bar, TERN, UNDO_BAR, GtkRevealer)

/* How long Undo is offered. */
#define TERN_UNDO_SECONDS 6

GtkWidget *tern_undo_bar_new (void);

/* Shows @message with Undo for messages @ids (gint64) that came from
 * @from_folders (gint64, the same length). Takes references. */
void tern_undo_bar_offer (TernUndoBar *self, const char *message, GArray *ids,
                          GArray *from_folders);
/* Hides it; what it offered can no longer be undone. */
void tern_undo_bar_dismiss (TernUndoBar *self);
gboolean tern_undo_bar_is_offering (TernUndoBar *self);

GArray *tern_undo_bar_get_ids (TernUndoBar *self);
GArray *tern_undo_bar_get_from_folders (TernUndoBar *self);
const char *tern_undo_bar_get_message (TernUndoBar *self);

G_END_DECLS
