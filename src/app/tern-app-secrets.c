/* tern-app-secrets.c: choose the password store backend. */
#include <glib/gi18n.h>

#include "tern-app-secrets.h"
#include "tern-error-bar.h"

TernSecrets *
tern_app_secrets_new (const char *data_dir)
{
  g_autoptr(GError) error = NULL;
  TernSecretsBackend backend;

  if (!tern_secrets_backend_from_env (&backend, &error))
    g_warning ("%s Using the keyring.", error->message);
  return tern_secrets_new (data_dir, backend);
}

GtkWidget *
tern_app_secrets_warning_bar (const char *data_dir)
{
  TernSecretsBackend backend;
  g_autofree char *path = NULL;
  g_autofree char *markup = NULL;
  GtkWidget *bar, *label;

  if (!tern_secrets_backend_from_env (&backend, NULL) || backend != TERN_SECRETS_FILE)
    return NULL;
  path = g_build_filename (data_dir, "passwords.ini", NULL);
  markup = g_markup_printf_escaped (_("<b>Your passwords are kept in a file, not in the "
                                      "keyring.</b>\nTERN_PASSWORD_STORE=file is set, so Tern "
                                      "keeps them in %s, readable only by you. Start Tern without "
                                      "it to use the desktop keyring."), path);
  bar = gtk_info_bar_new ();
  gtk_widget_set_name (bar, "password_store_warning");
  gtk_info_bar_set_message_type (GTK_INFO_BAR (bar), GTK_MESSAGE_WARNING);
  gtk_info_bar_set_show_close_button (GTK_INFO_BAR (bar), TRUE);
  tern_info_bar_name_close_button (GTK_INFO_BAR (bar));
  g_signal_connect (bar, "response", G_CALLBACK (gtk_widget_hide), NULL);
  label = gtk_label_new (NULL);
  gtk_label_set_markup (GTK_LABEL (label), markup);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
  gtk_container_add (GTK_CONTAINER (gtk_info_bar_get_content_area (GTK_INFO_BAR (bar))), label);
  gtk_widget_show_all (bar);
  return bar;
}

void
tern_app_secrets_add_warning_bar (GtkWidget *sibling, const char *data_dir)
{
  GtkWidget *bar = tern_app_secrets_warning_bar (data_dir);
  GtkWidget *box = gtk_widget_get_parent (sibling);
  int position = 0;

  if (bar == NULL)
    return;
  gtk_container_child_get (GTK_CONTAINER (box), sibling, "position", &position, NULL);
  gtk_box_pack_start (GTK_BOX (box), bar, FALSE, FALSE, 0);
  gtk_box_reorder_child (GTK_BOX (box), bar, position);
}
