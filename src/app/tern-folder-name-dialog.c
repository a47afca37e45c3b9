/* tern-folder-name-dialog.c: the folder name dialog (see the header). */
#include "tern-folder-name-dialog.h"

struct _TernFolderNameDialog
{
  GtkDialog parent_instance;

  GtkLabel *prompt_label;
  GtkEntry *name_entry;
  GtkButton *accept_button;
};

G_DEFINE_FINAL_TYPE (TernFolderNameDialog, tern_folder_name_dialog, GTK_TYPE_DIALOG)

char *
tern_folder_name_dialog_get_name (TernFolderNameDialog *self)
{
  return g_strstrip (g_strdup (gtk_entry_get_text (self->name_entry)));
}

static void
on_name_changed (TernFolderNameDialog *self)
{
  g_autofree char *name = tern_folder_name_dialog_get_name (self);

  gtk_dialog_set_response_sensitive (GTK_DIALOG (self), GTK_RESPONSE_OK, *name != '\0');
}

static void
tern_folder_name_dialog_class_init (TernFolderNameDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
      "/io/github/ternmail/Tern/tern-folder-name-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TernFolderNameDialog, prompt_label);
  gtk_widget_class_bind_template_child (widget_class, TernFolderNameDialog, name_entry);
  gtk_widget_class_bind_template_child (widget_class, TernFolderNameDialog, accept_button);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);
}

static void
tern_folder_name_dialog_init (TernFolderNameDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tern_folder_name_dialog_new (GtkWindow *parent, const char *title, const char *prompt,
                             const char *accept, const char *initial)
{
  TernFolderNameDialog *self = g_object_new (TERN_TYPE_FOLDER_NAME_DIALOG, "use-header-bar", 1,
                                             "transient-for", parent, "title", title, NULL);

  gtk_label_set_text_with_mnemonic (self->prompt_label, prompt);
  gtk_button_set_label (self->accept_button, accept);
  gtk_entry_set_text (self->name_entry, initial != NULL ? initial : "");
  on_name_changed (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
  return GTK_WIDGET (self);
}
