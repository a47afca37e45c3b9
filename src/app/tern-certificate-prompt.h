/* tern-certificate-prompt.h: certificate decisions asked during background sync.
 *
 * An account's sync process that meets a certificate it cannot trust (an
 * unknown one, or one that differs from the pinned one) stops before any
 * password is sent, pauses the account (TERN_WORKER_NEEDS_USER) and emits
 * certificate-needed on the mail context. This object answers it in the main
 * window: one TernCertificateDialog at a time, with the fingerprint trusted
 * before beside the new one. "Trust" pins the new fingerprint for that
 * host:port and resumes the account; "Cancel" leaves it paused and emits
 * ::rejected with a line for the window to show. The same certificate, once
 * rejected, is not asked about again until tern_certificate_prompt_allow_again()
 * (the user pressed Retry), so no background event can loop on the question.
 *
 * Signals:
 *   rejected (gint64 account_id, gboolean outgoing, const char *markup)
 */
#pragma once

#include <gtk/gtk.h>

#include "tern-mail-context.h"

G_BEGIN_DECLS

#define TERN_TYPE_CERTIFICATE_PROMPT (tern_certificate_prompt_get_type ())
G_DECLARE_FINAL_TYPE (TernCertificatePrompt, tern_certificate_prompt, TERN, CERTIFICATE_PROMPT, GObject)

/* Dialogs are transient for @parent (not referenced: the window owns this). */
TernCertificatePrompt *tern_certificate_prompt_new (GtkWindow *parent, TernMailContext *context);
/* The dialog shown now, or NULL. */
GtkWidget *tern_certificate_prompt_get_dialog (TernCertificatePrompt *self);
/* The user asked to try the account again: a certificate rejected before is
 * asked about again. */
void tern_certificate_prompt_allow_again (TernCertificatePrompt *self, gint64 account_id);

G_END_DECLS
