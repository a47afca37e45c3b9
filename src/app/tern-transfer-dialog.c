/* tern-transfer-dialog.c: progress of a long export, import or archive. */
#include <glib/gi18n.h>

#include "tern-transfer-dialog.h"

struct _TernTransferDialog
{
  GtkDialog parent_instance;
  GtkLabel *heading;
  GtkProgressBar *progress;
  GtkLabel *detail;
  GtkButton *button;
  GCancellable *cancellable;
  gboolean finished;
};

G_DEFINE_FINAL_TYPE (TernTransferDialog, tern_transfer_dialog, GTK_TYPE_DIALOG)

static void
on_response (GtkDialog *dialog, int response, gpointer data)
{
  TernTransferDialog *self = TERN_TRANSFER_DIALOG (dialog);

  if (!self->finished)
    {
      /* The work stops at its next batch and finish() says what was done. */
      g_cancellable_cancel (self->cancellable);
      gtk_widget_set_sensitive (GTK_WIDGET (self->button), FALSE);
      return;
    }
  gtk_widget_destroy (GTK_WIDGET (self));
}

static gboolean
on_delete (GtkWidget *widget, GdkEvent *event, gpointer data)
{
  TernTransferDialog *self = TERN_TRANSFER_DIALOG (widget);

  if (self->finished)
    return FALSE;
  g_cancellable_cancel (self->cancellable);
  return TRUE;
}

static void
tern_transfer_dialog_finalize (GObject *object)
{
  g_clear_object (&TERN_TRANSFER_DIALOG (object)->cancellable);
  G_OBJECT_CLASS (tern_transfer_dialog_parent_class)->finalize (object);
}

static void
tern_transfer_dialog_class_init (TernTransferDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = tern_transfer_dialog_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ternmail/Tern/tern-transfer-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TernTransferDialog, heading);
  gtk_widget_class_bind_template_child (widget_class, TernTransferDialog, progress);
  gtk_widget_class_bind_template_child (widget_class, TernTransferDialog, detail);
  gtk_widget_class_bind_template_child (widget_class, TernTransferDialog, button);
}

static void
tern_transfer_dialog_init (TernTransferDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_signal_connect (self, "response", G_CALLBACK (on_response), NULL);
  g_signal_connect (self, "delete-event", G_CALLBACK (on_delete), NULL);
}

TernTransferDialog *
tern_transfer_dialog_new (GtkWindow *parent, const char *heading)
{
  TernTransferDialog *self = g_object_new (TERN_TYPE_TRANSFER_DIALOG, "transient-for", parent,
                                           "use-header-bar", FALSE, NULL);

  gtk_window_set_title (GTK_WINDOW (self), heading);
  gtk_label_set_text (self->heading, heading);
  return self;
}

GCancellable *
tern_transfer_dialog_get_cancellable (TernTransferDialog *self)
{
  return self->cancellable;
}

void
tern_transfer_dialog_set_progress (TernTransferDialog *self, double fraction, const char *text)
{
  if (fraction < 0)
    gtk_progress_bar_pulse (self->progress);
  else
    gtk_progress_bar_set_fraction (self->progress, CLAMP (fraction, 0, 1));
  gtk_label_set_text (self->detail, text != NULL ? text : "");
}

void
tern_transfer_dialog_finish (TernTransferDialog *self, const char *summary, const GError *error)
{
  g_autofree char *text = NULL;

  self->finished = TRUE;
  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    text = g_strdup_printf (_("Stopped. %s"), summary != NULL ? summary : "");
  else if (error != NULL)
    text = summary != NULL ? g_strdup_printf ("%s\n%s", error->message, summary)
                           : g_strdup (error->message);
  else
    text = g_strdup (summary);
  gtk_progress_bar_set_fraction (self->progress, error == NULL ? 1.0 : 0.0);
  gtk_label_set_text (self->detail, text);
  gtk_button_set_label (self->button, _("_Close"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->button), TRUE);
}

gboolean
tern_transfer_dialog_is_finished (TernTransferDialog *self)
{
  return self->finished;
}

const char *
tern_transfer_dialog_get_text (TernTransferDialog *self)
{
  return gtk_label_get_text (self->detail);
}
