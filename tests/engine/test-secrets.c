/* Passwords: the explicit file store, and the real keyring (gnome-keyring on
 * a private D-Bus session, started by tests/engine/with-keyring.sh). */
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "core/tern-error.h"
#include "account/tern-secrets.h"

static void
test_file_store (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tern-secrets-XXXXXX", NULL);
  g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
  g_autofree char *path = g_build_filename (data_dir, "passwords.ini", NULL);
  g_autoptr(TernSecrets) secrets = tern_secrets_new (data_dir, TERN_SECRETS_FILE);
  g_autoptr(GError) error = NULL;
  g_autofree char *pw = NULL;
  struct stat st;

  g_assert_true (tern_secrets_store (secrets, "Work", TERN_SECRET_INCOMING, "s3cret;=[x]", &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (data_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  pw = tern_secrets_lookup (secrets, "Work", TERN_SECRET_INCOMING, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pw, ==, "s3cret;=[x]");

  g_assert_null (tern_secrets_lookup (secrets, "Work", TERN_SECRET_OUTGOING, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (tern_secrets_clear (secrets, "Work", &error));
  g_assert_null (tern_secrets_lookup (secrets, "Work", TERN_SECRET_INCOMING, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_remove (path);
  g_rmdir (data_dir);
  g_rmdir (dir);
}

static void
test_keyring (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(TernSecrets) secrets = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pw = NULL;
  g_autofree char *file = NULL;

  if (g_getenv ("TERN_TEST_KEYRING") == NULL)
    {
      g_test_skip ("no private keyring was started (run through with-keyring.sh)");
      return;
    }
  dir = g_dir_make_tmp ("tern-secrets-XXXXXX", NULL);
  secrets = tern_secrets_new (dir, TERN_SECRETS_KEYRING);
  g_assert_true (tern_secrets_store (secrets, "Home", TERN_SECRET_OUTGOING, "pässword", &error));
  g_assert_no_error (error);
  pw = tern_secrets_lookup (secrets, "Home", TERN_SECRET_OUTGOING, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pw, ==, "pässword");
  /* The keyring, not a file, holds it. */
  file = g_build_filename (dir, "passwords.ini", NULL);
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  g_assert_true (tern_secrets_clear (secrets, "Home", &error));
  g_assert_no_error (error);
  g_assert_null (tern_secrets_lookup (secrets, "Home", TERN_SECRET_OUTGOING, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/secrets/file-store", test_file_store);
  g_test_add_func ("/secrets/keyring", test_keyring);
  return g_test_run ();
}
