/* tern-test-certs.h: a throwaway CA and server certificates for the test servers.
 *
 * The CA and every certificate are made once per process with certtool
 * (gnutls-bin) and cached: tests that start many server instances share them.
 * The files live in a private temp dir removed at exit (kept when TERN_TEST_KEEP=1).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TERN_TEST_CERT_GOOD,         /* signed by the test CA, for localhost and 127.0.0.1 */
  TERN_TEST_CERT_SELF_SIGNED,  /* self-signed, for localhost: "unknown issuer" */
  TERN_TEST_CERT_WRONG_HOST,   /* signed by the CA, for wrong.example.invalid only */
  TERN_TEST_CERT_EXPIRED,      /* signed by the CA, for localhost, expired in 2020 */
  TERN_TEST_CERT_N_VARIANTS
} TernTestCert;

/* Path of the test CA certificate (PEM); NULL and @error set if certtool failed. */
const char *tern_test_certs_ca_file (GError **error);

/* Paths of the certificate (PEM, without the CA) and private key of @variant. */
gboolean tern_test_certs_get (TernTestCert  variant,
                              const char  **cert_file,
                              const char  **key_file,
                              GError      **error);

G_END_DECLS
