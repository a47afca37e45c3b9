/* tern-test-ui.h: what the GTK tests share. */
#pragma once

#include <gtk/gtk.h>

#include "tern-test-loop.h"

G_BEGIN_DECLS

/* Lets pending redraws happen, then writes what @widget's window shows to $G_TEST_BUILDDIR/screenshots/@name
 * (PNG), for a person to look at. */
void tern_test_ui_save_screenshot (GtkWidget *widget, const char *name);

/* Iterates the main loop until @widget is mapped (at most 5 s), then for
 * another @settle_ms so layout and the first frames happen. */
void tern_test_ui_wait_mapped (GtkWidget *widget, guint settle_ms);

/* Waits until @widget is mapped, then lets pending redraws happen. */
void tern_test_ui_wait_for_draw (GtkWidget *widget);

/* A key press and release through GTK's own dispatch, to @widget's toplevel
 * (which hands it to its focus widget): under Xvfb without a window manager
 * the window never gets X focus, so XTest keys would go nowhere. */
void tern_test_ui_send_key (GtkWidget *widget, guint keyval, GdkModifierType state);
/* Types @text (ASCII) key by key with tern_test_ui_send_key(). */
void tern_test_ui_type (GtkWidget *widget, const char *text);

G_END_DECLS
