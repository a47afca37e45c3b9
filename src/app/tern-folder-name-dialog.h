/* tern-folder-name-dialog.h: asks for a folder's name (New Folder…,
 * Rename…). Responds GTK_RESPONSE_OK with a name that is not empty. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TERN_TYPE_FOLDER_NAME_DIALOG (tern_folder_name_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TernFolderNameDialog, tern_folder_name_dialog, TERN, FOLDER_NAME_DIALOG,
                      GtkDialog)

/* @title: "New Folder"; @prompt: the label above the entry (with a
 * mnemonic); @accept: "_Create" or "_Rename"; @initial: the entry's text. */
GtkWidget *tern_folder_name_dialog_new (GtkWindow *parent, const char *title,
                                        const char *prompt, const char *accept,
                                        const char *initial);
/* The name typed, without spaces around it. */
char *tern_folder_name_dialog_get_name (TernFolderNameDialog *self);

G_END_DECLS
