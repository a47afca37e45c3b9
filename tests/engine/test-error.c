/* Unit tests for the error domain. */
#include "core/tern-error.h"

static void
test_error_names (void)
{
  g_assert_cmpstr (tern_error_code_name (TERN_ERROR_AUTH), ==, "auth");
  g_assert_cmpstr (tern_error_code_name (TERN_ERROR_CERTIFICATE), ==, "certificate");
  g_assert_cmpstr (tern_error_code_name (TERN_ERROR_MIME), ==, "mime");
  /* An unknown code falls back instead of reading past the table. */
  g_assert_cmpstr (tern_error_code_name ((TernError) 9999), ==, "failed");
}

static void
test_error_domain (void)
{
  g_autoptr(GError) error = g_error_new (TERN_ERROR, TERN_ERROR_AUTH, "nope");

  g_assert_error (error, TERN_ERROR, TERN_ERROR_AUTH);
  g_assert_cmpstr (g_quark_to_string (TERN_ERROR), ==, "tern-error-quark");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/error/names", test_error_names);
  g_test_add_func ("/error/domain", test_error_domain);
  return g_test_run ();
}
