/* tern-transfer-dialog.h: progress of a long export, import or archive.
 *
 * Not modal: the main window stays usable while the work runs on another
 * thread. Cancel (or closing the dialog) cancels get_cancellable(); when
 * the work ends, finish() shows its summary or its error in plain words
 * and the button becomes Close.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TERN_TYPE_TRANSFER_DIALOG (tern_transfer_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TernTransferDialog, tern_transfer_dialog, TERN, TRANSFER_DIALOG, GtkDialog)

TernTransferDialog *tern_transfer_dialog_new (GtkWindow *parent, const char *heading);
GCancellable *tern_transfer_dialog_get_cancellable (TernTransferDialog *self);
/* @fraction in 0..1, or < 0 to pulse; @text under the bar. */
void tern_transfer_dialog_set_progress (TernTransferDialog *self, double fraction,
                                        const char *text);
/* The end: @summary, or @error (then @summary, if any, says what was done). */
void tern_transfer_dialog_finish (TernTransferDialog *self, const char *summary,
                                  const GError *error);
gboolean tern_transfer_dialog_is_finished (TernTransferDialog *self);
/* The text under the bar (the summary once finished). */
const char *tern_transfer_dialog_get_text (TernTransferDialog *self);

G_END_DECLS
