/* tern-test-certs.c: certtool-made CA and certificates, cached per process. */
#include "tern-test-certs.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>

/* Making keys and signing costs a few certtool runs; every server instance in a
 * test binary reuses them, so they are cached in a process-wide table (the one
 * piece of global state in the harness, guarded by a lock). */
typedef struct {
  char *dir;
  char *ca_cert;
  char *ca_key;
  char *cert[TERN_TEST_CERT_N_VARIANTS];
  char *key[TERN_TEST_CERT_N_VARIANTS];
} CertCache;

static CertCache cache;
G_LOCK_DEFINE_STATIC (cache);

static const char *const variant_names[TERN_TEST_CERT_N_VARIANTS] = {
  "good", "self-signed", "wrong-host", "expired",
};

static void
remove_cache_dir (void)
{
  const char *keep = g_getenv ("TERN_TEST_KEEP");
  g_autoptr(GDir) d = NULL;
  const char *name;

  if (cache.dir == NULL || (keep != NULL && g_strcmp0 (keep, "0") != 0))
    return;
  d = g_dir_open (cache.dir, 0, NULL);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (cache.dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (cache.dir);
}

static gboolean
run_certtool (GError **error, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *out = NULL;
  va_list ap;
  const char *a;
  g_autofree char *certtool = g_find_program_in_path ("certtool");

  if (certtool == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "certtool not found: install the Debian package gnutls-bin");
      return FALSE;
    }
  g_ptr_array_add (argv, (gpointer) "certtool");
  va_start (ap, error);
  while ((a = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char *const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE,
                            error);
  if (proc == NULL || !g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, error))
    return FALSE;
  if (!g_subprocess_get_successful (proc))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "certtool %s failed: %s",
                   (const char *) argv->pdata[1], out ? out : "");
      return FALSE;
    }
  return TRUE;
}

static gboolean
make_key (const char *path, GError **error)
{
  /* ECDSA P-256: generated in milliseconds, accepted by GnuTLS and OpenSSL. */
  return run_certtool (error, "--generate-privkey", "--key-type=ecdsa", "--curve=secp256r1",
                       "--outfile", path, NULL);
}

static char *
write_template (const char *name, const char *text, GError **error)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.tmpl", cache.dir, name);

  if (!g_file_set_contents (path, text, -1, error))
    return NULL;
  return g_steal_pointer (&path);
}

static gboolean
make_ca (GError **error)
{
  /* The CA is valid from 2019 so that it covers the expired certificate's
   * validity period: that one must fail for being expired, nothing else. */
  static const char tmpl_text[] =
    "cn = \"Tern Test CA\"\n"
    "organization = \"Tern test suite\"\n"
    "ca\n"
    "cert_signing_key\n"
    "crl_signing_key\n"
    "activation_date = \"2019-01-01 00:00:00\"\n"
    "expiration_days = 3650\n";
  g_autofree char *tmpl = write_template ("ca", tmpl_text, error);

  cache.ca_key = g_build_filename (cache.dir, "ca.key", NULL);
  cache.ca_cert = g_build_filename (cache.dir, "ca.pem", NULL);
  return tmpl != NULL && make_key (cache.ca_key, error) &&
         run_certtool (error, "--generate-self-signed", "--load-privkey", cache.ca_key,
                       "--template", tmpl, "--outfile", cache.ca_cert, NULL);
}

static const char *
variant_template (TernTestCert variant)
{
  switch (variant)
    {
    case TERN_TEST_CERT_WRONG_HOST:
      return "cn = \"wrong.example.invalid\"\n"
             "dns_name = \"wrong.example.invalid\"\n"
             "tls_www_server\nsigning_key\nencryption_key\n"
             "expiration_days = 3650\n";
    case TERN_TEST_CERT_EXPIRED:
      return "cn = \"localhost\"\n"
             "dns_name = \"localhost\"\nip_address = \"127.0.0.1\"\n"
             "tls_www_server\nsigning_key\nencryption_key\n"
             "activation_date = \"2020-01-01 00:00:00\"\n"
             "expiration_date = \"2020-02-01 00:00:00\"\n";
    case TERN_TEST_CERT_GOOD:
    case TERN_TEST_CERT_SELF_SIGNED:
    case TERN_TEST_CERT_N_VARIANTS:
    default:
      return "cn = \"localhost\"\n"
             "dns_name = \"localhost\"\nip_address = \"127.0.0.1\"\n"
             "tls_www_server\nsigning_key\nencryption_key\n"
             "expiration_days = 3650\n";
    }
}

static gboolean
make_variant (TernTestCert variant, GError **error)
{
  const char *name = variant_names[variant];
  g_autofree char *tmpl = write_template (name, variant_template (variant), error);
  g_autofree char *key = g_strdup_printf ("%s/%s.key", cache.dir, name);
  g_autofree char *cert = g_strdup_printf ("%s/%s.pem", cache.dir, name);

  if (tmpl == NULL || !make_key (key, error))
    return FALSE;
  if (variant == TERN_TEST_CERT_SELF_SIGNED)
    {
      if (!run_certtool (error, "--generate-self-signed", "--load-privkey", key,
                         "--template", tmpl, "--outfile", cert, NULL))
        return FALSE;
    }
  else if (!run_certtool (error, "--generate-certificate", "--load-privkey", key,
                          "--load-ca-certificate", cache.ca_cert,
                          "--load-ca-privkey", cache.ca_key,
                          "--template", tmpl, "--outfile", cert, NULL))
    return FALSE;
  /* Servers may read the key after dropping privileges (Dovecot's config
   * process does not, Postfix's smtpd does not, but be lenient): the dir is
   * private to this test run anyway. */
  g_chmod (key, 0644);
  cache.key[variant] = g_steal_pointer (&key);
  cache.cert[variant] = g_steal_pointer (&cert);
  return TRUE;
}

static gboolean
ensure_cache_locked (GError **error)
{
  if (cache.ca_cert != NULL)
    return TRUE;
  if (cache.dir == NULL)
    {
      cache.dir = g_dir_make_tmp ("tern-test-certs-XXXXXX", error);
      if (cache.dir == NULL)
        return FALSE;
      g_chmod (cache.dir, 0755);
      atexit (remove_cache_dir);
    }
  if (!make_ca (error))
    {
      g_clear_pointer (&cache.ca_cert, g_free);
      return FALSE;
    }
  return TRUE;
}

const char *
tern_test_certs_ca_file (GError **error)
{
  const char *ret = NULL;

  G_LOCK (cache);
  if (ensure_cache_locked (error))
    ret = cache.ca_cert;
  G_UNLOCK (cache);
  return ret;
}

gboolean
tern_test_certs_get (TernTestCert variant, const char **cert_file, const char **key_file,
                     GError **error)
{
  gboolean ok;

  g_return_val_if_fail (variant < TERN_TEST_CERT_N_VARIANTS, FALSE);
  G_LOCK (cache);
  ok = ensure_cache_locked (error) &&
       (cache.cert[variant] != NULL || make_variant (variant, error));
  if (ok)
    {
      *cert_file = cache.cert[variant];
      *key_file = cache.key[variant];
    }
  G_UNLOCK (cache);
  return ok;
}
