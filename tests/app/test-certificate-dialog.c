/* The certificate dialog says what was checked, passed or not: the host
 * name and the dates are shown even for a certificate that is only
 * untrusted, and a changed certificate says so with its host and port. */
#include <gtk/gtk.h>
#include <string.h>

#include "tern-certificate-dialog.h"
#include "tern-test-ui.h"

static TernCertificateInfo *
make_info (TernCertificateProblems problems)
{
  TernCertificateInfo *info = g_new0 (TernCertificateInfo, 1);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  info->host = g_strdup ("mail.example.org");
  info->port = 993;
  info->subject = g_strdup ("CN=mail.example.org");
  info->issuer = g_strdup ("CN=Example CA");
  info->not_before = g_date_time_new (utc, 2026, 1, 1, 0, 0, 0);
  info->not_after = g_date_time_new (utc, 2026, 3, 1, 0, 0, 0);
  info->sha256 = g_strdup ("AB:CD");
  tern_certificate_info_set_problems (info, problems);
  return info;
}

static void
test_checks (void)
{
  static const struct {
    TernCertificateProblems problems;
    const char *expect[4];
  } cases[] = {
    { TERN_CERTIFICATE_PROBLEM_UNTRUSTED,
      { "✓ Host name: made for mail.example.org.", "✓ Dates: valid today",
        "✗ Issuer: not one this computer trusts.", NULL } },
    { TERN_CERTIFICATE_PROBLEM_WRONG_HOST | TERN_CERTIFICATE_PROBLEM_EXPIRED,
      { "✗ Host name: made for another server, not for mail.example.org.",
        "✗ Dates: expired on", "✓ Issuer", NULL } },
    { TERN_CERTIFICATE_PROBLEM_CHANGED | TERN_CERTIFICATE_PROBLEM_NOT_YET_ACTIVE,
      { "✗ Dates: not valid before",
        "✗ Not the certificate you trusted before for mail.example.org, port 993.", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TernCertificateInfo) info = make_info (cases[i].problems);
      TernCertificateDialog *dialog = tern_certificate_dialog_new (NULL, info);
      const char *checks = tern_certificate_dialog_get_checks (dialog);

      g_test_message ("%s", checks);
      for (guint j = 0; cases[i].expect[j] != NULL; j++)
        g_assert_nonnull (strstr (checks, cases[i].expect[j]));
      if (i == 1)
        {
          gtk_widget_show (GTK_WIDGET (dialog));
          tern_test_ui_save_screenshot (GTK_WIDGET (dialog), "certificate-checks.png");
        }
      gtk_widget_destroy (GTK_WIDGET (dialog));
    }
}

int
main (int argc, char *argv[])
{
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/certificate-dialog/checks", test_checks);
  return g_test_run ();
}
