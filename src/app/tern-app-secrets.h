/* tern-app-secrets.h: the password store the desktop app uses.
 *
 * The keyring (libsecret) unless $TERN_PASSWORD_STORE=file, as for tern-cli:
 * tests and desktops without a Secret Service use the 0600 file store.
 */
#pragma once

#include <gtk/gtk.h>

#include "account/tern-secrets.h"

G_BEGIN_DECLS

TernSecrets *tern_app_secrets_new (const char *data_dir);

/* A warning bar for the main window when $TERN_PASSWORD_STORE=file chose
 * the file store (a visible choice, not a silent switch); NULL with the
 * keyring. Its widget name is "password_store_warning". */
GtkWidget *tern_app_secrets_warning_bar (const char *data_dir);
/* Puts that bar, if any, just above @sibling (a child of a GtkBox). */
void tern_app_secrets_add_warning_bar (GtkWidget *sibling, const char *data_dir);

G_END_DECLS
