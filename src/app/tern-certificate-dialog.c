/* tern-certificate-dialog.c: the certificate decision, from its template. */
#include <glib/gi18n.h>

#include "tern-certificate-dialog.h"
#include "tern-resources.h"

struct _TernCertificateDialog
{
  GtkDialog parent_instance;

  TernCertificateInfo *info;
  GtkLabel *title_label;
  GtkLabel *intro_label;
  GtkLabel *checks_label;
  GtkLabel *problems_label;
  GtkLabel *subject_label;
  GtkLabel *issuer_label;
  GtkLabel *validity_label;
  GtkLabel *fingerprint_title_label;
  GtkLabel *fingerprint_label;
  GtkLabel *previous_title_label;
  GtkLabel *previous_label;
};

G_DEFINE_FINAL_TYPE (TernCertificateDialog, tern_certificate_dialog, GTK_TYPE_DIALOG)

static void
tern_certificate_dialog_finalize (GObject *object)
{
  TernCertificateDialog *self = TERN_CERTIFICATE_DIALOG (object);

  g_clear_pointer (&self->info, tern_certificate_info_free);
  G_OBJECT_CLASS (tern_certificate_dialog_parent_class)->finalize (object);
}

static void
tern_certificate_dialog_class_init (TernCertificateDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = tern_certificate_dialog_finalize;
  (void) tern_get_resource ();   /* the template, even before any other class */
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ternmail/Tern/tern-certificate-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TernCertificateDialog, title_label);
  gtk_widget_class_bind_template_child (widget_class, TernCertificateDialog, intro_label);
  gtk_widget_class_bind_template_child (widget_class, TernCertificateDialog, checks_label);
  gtk_widget_class_bind_template_child (widget_class, TernCertificateDialog, problems_label);
  gtk_widget_class_bind_template_child (widget_class, TernCertificateDialog, subject_label);
  gtk_widget_class_bind_template_child (widget_class, TernCertificateDialog, issuer_label);
  gtk_widget_class_bind_template_child (widget_class, TernCertificateDialog, validity_label);
  gtk_widget_class_bind_template_child (widget_class, TernCertificateDialog, fingerprint_title_label);
  gtk_widget_class_bind_template_child (widget_class, TernCertificateDialog, fingerprint_label);
  gtk_widget_class_bind_template_child (widget_class, TernCertificateDialog, previous_title_label);
  gtk_widget_class_bind_template_child (widget_class, TernCertificateDialog, previous_label);
}

static void
tern_certificate_dialog_init (TernCertificateDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_dialog_add_button (GTK_DIALOG (self), _("_Cancel"), GTK_RESPONSE_CANCEL);
  gtk_dialog_add_button (GTK_DIALOG (self), _("_Trust this certificate"), GTK_RESPONSE_ACCEPT);
  /* Trusting is the risky answer: it must never be the default. */
  gtk_dialog_set_default_response (GTK_DIALOG (self), GTK_RESPONSE_CANCEL);
}

static char *
format_date (GDateTime *date)
{
  return date != NULL ? g_date_time_format (date, "%x") : g_strdup (_("unknown"));
}

/* The host-name and date checks in plain words, passed or not: trusting
 * a certificate pins its fingerprint for this host and port, it does not
 * make these checks go away. */
static char *
describe_checks (const TernCertificateInfo *info)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *from = format_date (info->not_before);
  g_autofree char *until = format_date (info->not_after);
  TernCertificateProblems p = info->problems;

  if (p & TERN_CERTIFICATE_PROBLEM_WRONG_HOST)
    g_string_append_printf (text, _("✗ Host name: made for another server, not for %s."), info->host);
  else
    g_string_append_printf (text, _("✓ Host name: made for %s."), info->host);
  g_string_append_c (text, '\n');
  if (p & TERN_CERTIFICATE_PROBLEM_EXPIRED)
    g_string_append_printf (text, _("✗ Dates: expired on %s."), until);
  else if (p & TERN_CERTIFICATE_PROBLEM_NOT_YET_ACTIVE)
    g_string_append_printf (text, _("✗ Dates: not valid before %s."), from);
  else
    g_string_append_printf (text, _("✓ Dates: valid today, until %s."), until);
  g_string_append_c (text, '\n');
  if (p & (TERN_CERTIFICATE_PROBLEM_UNTRUSTED | TERN_CERTIFICATE_PROBLEM_SELF_SIGNED))
    g_string_append (text, _("✗ Issuer: not one this computer trusts."));
  else
    g_string_append (text, _("✓ Issuer: trusted by this computer."));
  if (p & TERN_CERTIFICATE_PROBLEM_CHANGED)
    g_string_append_printf (text, _("\n✗ Not the certificate you trusted before for %s, port %u."),
                            info->host, info->port);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

const char *
tern_certificate_dialog_get_checks (TernCertificateDialog *self)
{
  g_return_val_if_fail (TERN_IS_CERTIFICATE_DIALOG (self), NULL);
  return gtk_label_get_text (self->checks_label);
}

static void
fill (TernCertificateDialog *self)
{
  g_autofree char *checks = describe_checks (self->info);
  const TernCertificateInfo *info = self->info;
  g_autofree char *intro = NULL, *from = NULL, *until = NULL, *validity = NULL;

  intro = g_strdup_printf (_("Tern could not confirm that it is really talking to %s. Someone "
                             "could be trying to read your password and mail. Trust this "
                             "certificate only if you know why it is not recognised, for "
                             "example because your provider told you so, and its fingerprint "
                             "matches the one your provider published."), info->host);
  gtk_label_set_text (self->intro_label, intro);
  gtk_label_set_text (self->checks_label, checks);
  gtk_label_set_text (self->problems_label, info->description ? info->description : "");
  gtk_label_set_text (self->subject_label, info->subject ? info->subject : "");
  gtk_label_set_text (self->issuer_label, info->issuer ? info->issuer : "");
  from = format_date (info->not_before);
  until = format_date (info->not_after);
  validity = g_strdup_printf (_("From %s until %s"), from, until);
  gtk_label_set_text (self->validity_label, validity);
  gtk_label_set_text (self->fingerprint_label, info->sha256 ? info->sha256 : "");
}

TernCertificateDialog *
tern_certificate_dialog_new (GtkWindow *parent, const TernCertificateInfo *info)
{
  TernCertificateDialog *self;

  g_return_val_if_fail (info != NULL, NULL);
  self = g_object_new (TERN_TYPE_CERTIFICATE_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "use-header-bar", FALSE,
                       NULL);
  self->info = tern_certificate_info_copy (info);
  fill (self);
  return self;
}

const TernCertificateInfo *
tern_certificate_dialog_get_info (TernCertificateDialog *self)
{
  g_return_val_if_fail (TERN_IS_CERTIFICATE_DIALOG (self), NULL);
  return self->info;
}

void
tern_certificate_dialog_set_previous (TernCertificateDialog *self, const char *account_name,
                                      const char *sha256)
{
  const TernCertificateInfo *info;
  g_autofree char *intro = NULL;

  g_return_if_fail (TERN_IS_CERTIFICATE_DIALOG (self));
  if (sha256 == NULL || *sha256 == '\0')
    return;
  info = self->info;
  gtk_window_set_title (GTK_WINDOW (self), _("Changed Certificate"));
  gtk_label_set_text (self->title_label, _("This server's certificate has changed"));
  /* A changed certificate is normal after a provider renews it, and is also
   * what an attacker in the middle would show: the user compares. */
  intro = g_strdup_printf (_("%s, port %u, now shows a different certificate from the one you "
                             "trusted for “%s”. Mail for this account is paused, and your "
                             "password has not been sent. Trust the new certificate only if "
                             "your provider told you it changed and its fingerprint matches "
                             "the one your provider published."),
                           info->host, info->port, account_name ? account_name : info->host);
  gtk_label_set_text (self->intro_label, intro);
  gtk_label_set_text (self->fingerprint_title_label, _("New fingerprint (SHA-256)"));
  gtk_label_set_text (self->previous_label, sha256);
  gtk_widget_show (GTK_WIDGET (self->previous_title_label));
  gtk_widget_show (GTK_WIDGET (self->previous_label));
}

const char *
tern_certificate_dialog_get_previous (TernCertificateDialog *self)
{
  g_return_val_if_fail (TERN_IS_CERTIFICATE_DIALOG (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->previous_label))
         ? gtk_label_get_text (self->previous_label) : NULL;
}
