/* tern-a11y.h: small helpers for screen readers (ATK, exposed over AT-SPI).
 *
 * GTK 3 relates a field to its mnemonic label (LABELLED_BY) but leaves the
 * field's accessible name empty; some screen readers and the AT-SPI audit
 * test read only the name. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Names every field under @root that has a mnemonic label and no name of
 * its own after that label's text. Call once the template is built. */
void tern_a11y_name_from_labels (GtkWidget *root);

/* Makes @label's text the accessible description of @widget, with the
 * DESCRIBED_BY / DESCRIPTION_FOR relations (the text under a choice). */
void tern_a11y_describe_with (GtkWidget *widget, GtkLabel *label);

/* Sets @widget's accessible name. */
void tern_a11y_set_name (GtkWidget *widget, const char *name);

G_END_DECLS
