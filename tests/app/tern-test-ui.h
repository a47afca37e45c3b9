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

G_END_DECLS
