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

static char *
data_dir_with_file (const char *account, const char *password)
{
  g_autofree char *dir = g_dir_make_tmp ("tern-secrets-XXXXXX", NULL);
  char *data_dir = g_build_filename (dir, "data", NULL);
  g_autoptr(TernSecrets) file = tern_secrets_new (data_dir, TERN_SECRETS_FILE);
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_secrets_store (file, account, TERN_SECRET_INCOMING, password, &error));
  g_assert_no_error (error);
  return data_dir;
}

/* Keyring mode with no keyring running: the password file that file mode
 * left is not read (the keyring's error comes back), nor removed. */
static void
test_keyring_never_reads_file_child (void)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(TernSecrets) secrets = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pw = NULL;

  /* Before libsecret's first use: no session bus to find a keyring on. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/tern-test-bus", TRUE);
  data_dir = data_dir_with_file ("Work", "from-the-file");
  path = g_build_filename (data_dir, "passwords.ini", NULL);
  secrets = tern_secrets_new (data_dir, TERN_SECRETS_KEYRING);
  pw = tern_secrets_lookup (secrets, "Work", TERN_SECRET_INCOMING, &error);
  g_assert_null (pw);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_SECRETS);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_keyring_never_reads_file (void)
{
  g_test_trap_subprocess ("/secrets/keyring-never-reads-file/subprocess", 0,
                          G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* With a keyring: a file left by file mode moves into it once, and the
 * file is gone; a password already in the keyring is kept. */
static void
test_keyring_migrates_file (void)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(TernSecrets) secrets = NULL;
  g_autoptr(TernSecrets) again = NULL;
  g_autoptr(TernSecrets) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pw = NULL, *kept = NULL, *later = NULL;

  if (g_getenv ("TERN_TEST_KEYRING") == NULL)
    {
      g_test_skip ("no private keyring was started (run through with-keyring.sh)");
      return;
    }
  data_dir = data_dir_with_file ("Moved", "from-the-file");
  path = g_build_filename (data_dir, "passwords.ini", NULL);
  file = tern_secrets_new (data_dir, TERN_SECRETS_FILE);
  g_assert_true (tern_secrets_store (file, "Both", TERN_SECRET_INCOMING, "stale", &error));
  secrets = tern_secrets_new (data_dir, TERN_SECRETS_KEYRING);
  g_assert_true (tern_secrets_store (secrets, "Both", TERN_SECRET_INCOMING, "current", &error));
  g_assert_no_error (error);
  /* That store moved the file already (once per object, before anything). */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  pw = tern_secrets_lookup (secrets, "Moved", TERN_SECRET_INCOMING, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pw, ==, "from-the-file");
  /* The file's "stale" went in with the move; the later store replaced
   * it. A new object finds both in the keyring, and no file. */
  again = tern_secrets_new (data_dir, TERN_SECRETS_KEYRING);
  kept = tern_secrets_lookup (again, "Both", TERN_SECRET_INCOMING, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kept, ==, "current");
  later = tern_secrets_lookup (again, "Moved", TERN_SECRET_INCOMING, &error);
  g_assert_cmpstr (later, ==, "from-the-file");
  g_assert_true (tern_secrets_clear (again, "Moved", &error));
  g_assert_true (tern_secrets_clear (again, "Both", &error));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/secrets/keyring-never-reads-file", test_keyring_never_reads_file);
  g_test_add_func ("/secrets/keyring-never-reads-file/subprocess",
                   test_keyring_never_reads_file_child);
  g_test_add_func ("/secrets/keyring-migrates-file", test_keyring_migrates_file);
  g_test_add_func ("/secrets/file-store", test_file_store);
  g_test_add_func ("/secrets/keyring", test_keyring);
  return g_test_run ();
}
