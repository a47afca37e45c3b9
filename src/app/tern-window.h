/* tern-window.h: the main window (folders, message list, reader). */
#pragma once

#include <gtk/gtk.h>

#include "tern-application.h"

G_BEGIN_DECLS

#define TERN_TYPE_WINDOW (tern_window_get_type ())
G_DECLARE_FINAL_TYPE (TernWindow, tern_window, TERN, WINDOW, GtkApplicationWindow)

TernWindow *tern_window_new (TernApplication *app);

G_END_DECLS
