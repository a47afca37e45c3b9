/* Attachment names, the warning before opening, and the cache of files
 * saved for opening (tern-reader-attachment.c). */
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <utime.h>

#include "tern-reader-attachment.h"

static void
test_safe_name (void)
{
  static const struct { const char *in, *out; } cases[] = {
    /* Bidi override: shown as "invoiceexe.pdf" before. */
    { "invoice\u202Efdp.exe", "invoicefdp.exe" },
    { "\u2067report\u2069.pdf", "report.pdf" },
    { "zero\u200Bwidth\uFEFF.txt", "zerowidth.txt" },
    { "soft\u00ADhyphen.doc", "softhyphen.doc" },
    { "tab\there\n.txt", "tabhere.txt" },
    { "../../etc/passwd", "passwd" },
    { "/etc/shadow", "shadow" },
    { "C:\\Windows\\evil.bat", "evil.bat" },
    { ".bashrc", "attachment.bashrc" },
    { "..", "attachment.." },
    { "", "attachment" },
    { NULL, "attachment" },
    { "\u202E", "attachment" },
    { "Grüße.pdf", "Grüße.pdf" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *safe = tern_attachment_safe_name (cases[i].in);

      g_assert_cmpstr (safe, ==, cases[i].out);
    }
}

static void
test_risky (void)
{
  static const char *const risky[] = {
    "setup.exe", "Setup.EXE", "invoice\u202Efdp.exe", "update.msi", "tool.jar", "app.desktop",
    "org.example.App.flatpakref", "install.sh", "Tool.AppImage", "disk.iso", "script.ps1",
    "open.lnk", "page.html",
  };
  g_autofree char *reason = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (risky); i++)
    {
      g_test_message ("%s", risky[i]);
      g_assert_true (tern_attachment_is_risky (risky[i], "application/octet-stream", NULL));
      g_assert_true (tern_attachment_is_risky (risky[i], "application/pdf", NULL));
    }
  g_assert_true (tern_attachment_is_risky ("invoice\u202Efdp.exe", "application/pdf", &reason));
  g_assert_nonnull (strstr (reason, "“invoicefdp.exe”"));
  g_clear_pointer (&reason, g_free);
  /* The name says another type than the message. */
  g_assert_true (tern_attachment_is_risky ("report.zip", "application/pdf", &reason));
  g_assert_nonnull (strstr (reason, "report.zip"));

  g_assert_false (tern_attachment_is_risky ("report.pdf", "application/pdf", NULL));
  g_assert_false (tern_attachment_is_risky ("photo.jpg", "image/jpeg", NULL));
  g_assert_false (tern_attachment_is_risky ("photo.jpg", "application/octet-stream", NULL));
  g_assert_false (tern_attachment_is_risky ("notes.txt", "text/plain", NULL));
  g_assert_false (tern_attachment_is_risky ("notes", "text/plain", NULL));
}

static void
make_entry (const char *top, const char *name, gint64 age_seconds)
{
  g_autofree char *dir = g_build_filename (top, name, NULL);
  g_autofree char *file = g_build_filename (dir, "a.pdf", NULL);
  struct utimbuf times;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  times.actime = times.modtime = (time_t) (g_get_real_time () / G_USEC_PER_SEC - age_seconds);
  g_assert_cmpint (g_utime (dir, &times), ==, 0);
}

static void
test_cache_clean (void)
{
  g_autofree char *top = tern_attachment_cache_dir ();
  g_autofree char *old = g_build_filename (top, "old", NULL);
  g_autofree char *fresh = g_build_filename (top, "fresh", NULL);
  GStatBuf st;

  g_assert_cmpint (g_stat (top, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  make_entry (top, "old", 2 * 24 * 3600);
  make_entry (top, "fresh", 60);
  tern_attachment_cache_clean (24 * 3600);
  g_assert_false (g_file_test (old, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (fresh, G_FILE_TEST_IS_DIR));
  /* At start, everything goes. */
  tern_attachment_cache_clean (0);
  g_assert_false (g_file_test (fresh, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (top, G_FILE_TEST_IS_DIR));
}

int
main (int argc, char *argv[])
{
  g_autofree char *cache = g_dir_make_tmp ("tern-test-cache-XXXXXX", NULL);

  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/attachment/safe-name", test_safe_name);
  g_test_add_func ("/app/attachment/risky", test_risky);
  g_test_add_func ("/app/attachment/cache-clean", test_cache_clean);
  return g_test_run ();
}
