/* tern-large-message-view.c: see the header. */
#include <glib/gi18n.h>

#include "tern-large-message-view.h"
#include "tern-message-download.h"
#include "tern-reader-attachment.h"
#include "tern-resources.h"

struct _TernLargeMessageView
{
  GtkBox parent_instance;

  GtkLabel *info_label;
  GtkProgressBar *progress_bar;
  GtkLabel *status_label;
  GtkWidget *download_button;
  GtkWidget *cancel_button;
  GtkWidget *open_button;

  TernMailContext *context;
  gint64 message_id;
  GCancellable *cancellable;   /* of the running download */
  GFile *dest;
  const char *state;
};

G_DEFINE_FINAL_TYPE (TernLargeMessageView, tern_large_message_view, GTK_TYPE_BOX)

static void
set_status (TernLargeMessageView *self, const char *state, const char *text)
{
  gboolean downloading = g_str_equal (state, "downloading");

  self->state = state;
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), downloading);
  gtk_widget_set_visible (self->cancel_button, downloading);
  gtk_widget_set_visible (self->download_button, !downloading);
  gtk_widget_set_visible (self->open_button, g_str_equal (state, "done"));
  gtk_label_set_text (self->status_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), text != NULL);
}

static void
on_progress (guint64 done, guint64 total, gpointer data)
{
  TernLargeMessageView *self = data;
  g_autofree char *d = g_format_size (done), *t = g_format_size (total);
  g_autofree char *text = g_strdup_printf (_("%s of %s"), d, t);

  gtk_progress_bar_set_fraction (self->progress_bar, total > 0 ? MIN (1.0, (double) done / total) : 0);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
on_downloaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  TernLargeMessageView *self;
  gboolean ok = tern_message_download_finish (result, &error);
  g_autofree char *path = NULL, *text = NULL;

  self = TERN_LARGE_MESSAGE_VIEW (user_data);
  g_clear_object (&self->cancellable);
  /* Destroyed meanwhile (another message was shown): nothing to show. */
  if (self->context == NULL)
    {
      g_object_unref (self);
      return;
    }
  if (!ok)
    {
      text = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
             ? g_strdup (_("Download cancelled. Nothing was saved."))
             : g_strdup_printf (_("The message could not be downloaded from the incoming mail server: %s"),
                                error->message);
      set_status (self, "failed", text);
    }
  else
    {
      path = g_file_get_path (self->dest);
      text = g_strdup_printf (_("Saved as %s."), path);
      set_status (self, "done", text);
    }
  g_object_unref (self);
}

void
tern_large_message_view_download_to (TernLargeMessageView *self, GFile *dest)
{
  g_return_if_fail (TERN_IS_LARGE_MESSAGE_VIEW (self) && self->cancellable == NULL);
  g_set_object (&self->dest, dest);
  self->cancellable = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, _("Connecting…"));
  set_status (self, "downloading", NULL);
  /* The view's reference keeps it alive until the callback. */
  tern_message_download_async (self->context, self->message_id, dest, on_progress, self,
                               self->cancellable, on_downloaded, g_object_ref (self));
}

static void
on_save_response (GtkNativeDialog *dialog, int response, TernLargeMessageView *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_object_unref (dialog);
  if (file != NULL)
    tern_large_message_view_download_to (self, file);
}

static void
on_download_clicked (GtkButton *button, TernLargeMessageView *self)
{
  GtkWidget *top = gtk_widget_get_toplevel (GTK_WIDGET (self));
  g_autoptr(TernMessageSummary) m = tern_store_get_message (tern_mail_context_get_store (self->context),
                                                            self->message_id, NULL);
  g_autofree char *base = tern_attachment_safe_name (m != NULL && m->subject ? m->subject : _("message"));
  g_autofree char *name = g_strconcat (base, ".eml", NULL);
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new (_("Download Message"), GTK_IS_WINDOW (top) ? GTK_WINDOW (top) : NULL,
                                 GTK_FILE_CHOOSER_ACTION_SAVE, _("_Download"), _("_Cancel"));

  gtk_file_chooser_set_do_overwrite_confirmation (GTK_FILE_CHOOSER (dialog), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_signal_connect (dialog, "response", G_CALLBACK (on_save_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
on_cancel_clicked (GtkButton *button, TernLargeMessageView *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

static void
on_open_clicked (GtkButton *button, TernLargeMessageView *self)
{
  GtkWidget *top = gtk_widget_get_toplevel (GTK_WIDGET (self));

  if (self->dest != NULL)
    tern_attachment_open (GTK_IS_WINDOW (top) ? GTK_WINDOW (top) : NULL, self->dest);
}

static void
tern_large_message_view_dispose (GObject *object)
{
  TernLargeMessageView *self = TERN_LARGE_MESSAGE_VIEW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->context);
  G_OBJECT_CLASS (tern_large_message_view_parent_class)->dispose (object);
}

static void
tern_large_message_view_finalize (GObject *object)
{
  TernLargeMessageView *self = TERN_LARGE_MESSAGE_VIEW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->dest);
  G_OBJECT_CLASS (tern_large_message_view_parent_class)->finalize (object);
}

static void
tern_large_message_view_class_init (TernLargeMessageViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = tern_large_message_view_dispose;
  G_OBJECT_CLASS (klass)->finalize = tern_large_message_view_finalize;
  (void) tern_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ternmail/Tern/tern-large-message-view.ui");
  gtk_widget_class_bind_template_child (widget_class, TernLargeMessageView, info_label);
  gtk_widget_class_bind_template_child (widget_class, TernLargeMessageView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, TernLargeMessageView, status_label);
  gtk_widget_class_bind_template_child (widget_class, TernLargeMessageView, download_button);
  gtk_widget_class_bind_template_child (widget_class, TernLargeMessageView, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, TernLargeMessageView, open_button);
}

static void
tern_large_message_view_init (TernLargeMessageView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->state = "ready";
  g_signal_connect (self->download_button, "clicked", G_CALLBACK (on_download_clicked), self);
  g_signal_connect (self->cancel_button, "clicked", G_CALLBACK (on_cancel_clicked), self);
  g_signal_connect (self->open_button, "clicked", G_CALLBACK (on_open_clicked), self);
}

TernLargeMessageView *
tern_large_message_view_new (TernMailContext *context, gint64 message_id)
{
  TernLargeMessageView *self = g_object_new (TERN_TYPE_LARGE_MESSAGE_VIEW, NULL);
  g_autoptr(TernMessageSummary) m = tern_store_get_message (tern_mail_context_get_store (context),
                                                            message_id, NULL);
  g_autofree char *size = g_format_size (m != NULL ? (guint64) MAX (m->size, 0) : 0);
  g_autofree char *info = g_strdup_printf (
    _("“%s” is %s. Tern keeps only its headers here; the whole message stays on the incoming "
      "mail server. Download it to a file to read it or keep a copy."),
    m != NULL && m->subject != NULL ? m->subject : _("This message"), size);

  self->context = g_object_ref (context);
  self->message_id = message_id;
  gtk_label_set_text (self->info_label, info);
  return self;
}

gint64
tern_large_message_view_get_message (TernLargeMessageView *self)
{
  return self->message_id;
}

const char *
tern_large_message_view_get_state (TernLargeMessageView *self)
{
  return self->state;
}

const char *
tern_large_message_view_get_status (TernLargeMessageView *self)
{
  return gtk_label_get_text (self->status_label);
}

GtkWidget *
tern_large_message_view_get_button (TernLargeMessageView *self, const char *which)
{
  if (g_str_equal (which, "download"))
    return self->download_button;
  if (g_str_equal (which, "cancel"))
    return self->cancel_button;
  if (g_str_equal (which, "open"))
    return self->open_button;
  return NULL;
}
