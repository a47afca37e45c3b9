/* tern-certificate-dialog.h: "should Tern trust this server's certificate?"
 *
 * Shows who the certificate names, who issued it, when it is valid, what is
 * wrong with it and its SHA-256 fingerprint (to compare with what the
 * provider publishes). Responses: GTK_RESPONSE_ACCEPT for "Trust this
 * certificate", GTK_RESPONSE_CANCEL otherwise. Non-blocking: connect to
 * "response" and show it.
 */
#pragma once

#include <gtk/gtk.h>

#include "net/tern-certificate-info.h"

G_BEGIN_DECLS

#define TERN_TYPE_CERTIFICATE_DIALOG (tern_certificate_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TernCertificateDialog, tern_certificate_dialog, TERN, CERTIFICATE_DIALOG, GtkDialog)

TernCertificateDialog *tern_certificate_dialog_new (GtkWindow                 *parent,
                                                    const TernCertificateInfo *info);
const TernCertificateInfo *tern_certificate_dialog_get_info (TernCertificateDialog *self);
/* The "Checks" lines as shown: host name, dates, issuer, change. */
const char *tern_certificate_dialog_get_checks (TernCertificateDialog *self);

/* For a certificate that differs from the pinned one: shows the fingerprint
 * trusted before beside the new one, and says that mail of @account_name is
 * paused until the user decides. */
void tern_certificate_dialog_set_previous (TernCertificateDialog *self, const char *account_name,
                                           const char *sha256);
/* The fingerprint trusted before as shown, or NULL. */
const char *tern_certificate_dialog_get_previous (TernCertificateDialog *self);

G_END_DECLS
