/* tern-window-actions.c: the main window's link to the composer.
 *
 * Until the composer is built into this tree, the window says so plainly
 * instead of doing nothing: the integrator replaces the body of
 * tern_window_actions_compose() with the TernComposer constructors
 * (new, reply, reply all, forward).
 */
#include <glib/gi18n.h>

#include "tern-window-actions.h"

void
tern_window_actions_compose (GtkWindow *parent, TernComposeKind kind, TernStore *store,
                             gint64 account_id, gint64 message_id)
{
  GtkWidget *dialog = gtk_message_dialog_new (parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                              GTK_MESSAGE_INFO, GTK_BUTTONS_CLOSE, "%s",
                                              _("The composer is not available yet"));

  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s",
                                            _("Writing, replying to and forwarding mail come "
                                              "with the composer."));
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_widget_destroy), NULL);
  gtk_widget_show (dialog);
}
