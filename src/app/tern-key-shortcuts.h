/* tern-key-shortcuts.h: window-wide keys that must win over the focused
 * widget (GNOME's conventions: Escape closes a secondary window, Ctrl+Enter
 * sends). Each installs a key-press-event handler on the window, which runs
 * before the key reaches the focused widget, so a text view does not turn
 * Ctrl+Enter into a newline. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Escape closes @window as its close button does (gtk_window_close: the
 * window's delete-event, e.g. a composer saving its draft, still runs). */
void tern_keys_close_on_escape (GtkWindow *window);

/* Ctrl+Enter (either Enter key) activates @prefix.@action of the action
 * group @window inserted as @prefix, if it is enabled. */
void tern_keys_bind_ctrl_enter (GtkWindow *window, const char *prefix, const char *action);

G_END_DECLS
