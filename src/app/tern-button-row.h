/* tern-button-row.h: a row of header bar buttons that leaves out the less
 * used ones when the window is narrow.
 *
 * A horizontal GtkBox whose children with the style class "tern-optional"
 * do not count in its minimum width: when the row gets less than all its
 * children want, the optional ones are left out (not drawn, not focusable),
 * the last first, until the rest fits. What they do stays reachable by
 * keyboard shortcut and context menu. Their visibility is not touched, so
 * no resize loop: the choice is made anew at each allocation.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TERN_TYPE_BUTTON_ROW (tern_button_row_get_type ())
G_DECLARE_FINAL_TYPE (TernButtonRow, tern_button_row, TERN, BUTTON_ROW, GtkBox)

GtkWidget *tern_button_row_new (void);

/* Whether @child (a child of @self) is shown after the last allocation. */
gboolean tern_button_row_child_shown (TernButtonRow *self, GtkWidget *child);

G_END_DECLS
