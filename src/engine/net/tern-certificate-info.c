/* tern-certificate-info.c: certificate details for a trust decision. */
#include "net/tern-certificate-info.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

G_DEFINE_BOXED_TYPE (TernCertificateInfo, tern_certificate_info,
                     tern_certificate_info_copy, tern_certificate_info_free)

static char *
dn_string (gnutls_x509_crt_t crt, gboolean issuer)
{
  gnutls_datum_t dn = { NULL, 0 };
  int r = issuer ? gnutls_x509_crt_get_issuer_dn3 (crt, &dn, 0)
                 : gnutls_x509_crt_get_dn3 (crt, &dn, 0);
  char *out;

  if (r < 0)
    return g_strdup ("");
  out = g_strndup ((const char *) dn.data, dn.size);
  gnutls_free (dn.data);
  return out;
}

static GDateTime *
date_or_null (time_t t)
{
  return t == (time_t) -1 ? NULL : g_date_time_new_from_unix_utc (t);
}

static char *
sha256_hex (gnutls_x509_crt_t crt)
{
  guint8 digest[32];
  size_t size = sizeof digest;
  GString *hex;

  if (gnutls_x509_crt_get_fingerprint (crt, GNUTLS_DIG_SHA256, digest, &size) < 0)
    return g_strdup ("");
  hex = g_string_sized_new (size * 3);
  for (size_t i = 0; i < size; i++)
    g_string_append_printf (hex, i ? ":%02X" : "%02X", digest[i]);
  return g_string_free (hex, FALSE);
}

static char *
pem_string (gnutls_x509_crt_t crt)
{
  gnutls_datum_t pem = { NULL, 0 };
  char *out;

  if (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &pem) < 0)
    return g_strdup ("");
  out = g_strndup ((const char *) pem.data, pem.size);
  gnutls_free (pem.data);
  return out;
}

TernCertificateInfo *
tern_certificate_info_new_from_der (const guint8 *der,
                                    gsize         der_len,
                                    const char   *host,
                                    guint16       port)
{
  gnutls_x509_crt_t crt;
  gnutls_datum_t datum = { (unsigned char *) der, (unsigned int) der_len };
  TernCertificateInfo *info;

  if (gnutls_x509_crt_init (&crt) < 0)
    return NULL;
  if (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER) < 0)
    {
      gnutls_x509_crt_deinit (crt);
      return NULL;
    }

  info = g_new0 (TernCertificateInfo, 1);
  info->host = g_strdup (host);
  info->port = port;
  info->subject = dn_string (crt, FALSE);
  info->issuer = dn_string (crt, TRUE);
  info->not_before = date_or_null (gnutls_x509_crt_get_activation_time (crt));
  info->not_after = date_or_null (gnutls_x509_crt_get_expiration_time (crt));
  info->sha256 = sha256_hex (crt);
  info->pem = pem_string (crt);
  info->description = g_strdup ("");
  gnutls_x509_crt_deinit (crt);
  return info;
}

void
tern_certificate_info_set_problems (TernCertificateInfo    *info,
                                    TernCertificateProblems problems)
{
  info->problems = problems;
  g_free (info->description);
  info->description = tern_certificate_problems_describe (problems, info->host,
                                                          info->subject);
}

char *
tern_certificate_problems_describe (TernCertificateProblems problems,
                                    const char             *host,
                                    const char             *subject)
{
  GString *s = g_string_new (NULL);

  if (problems & TERN_CERTIFICATE_PROBLEM_CHANGED)
    g_string_append_printf (s, "The certificate of %s is not the one you accepted "
                            "before, and it cannot be verified. Someone may be "
                            "intercepting the connection. ", host);
  if (problems & TERN_CERTIFICATE_PROBLEM_SELF_SIGNED)
    g_string_append (s, "The certificate is self-signed: nobody vouches for it. ");
  else if (problems & TERN_CERTIFICATE_PROBLEM_UNTRUSTED)
    g_string_append (s, "The certificate was not issued by an authority this "
                     "computer trusts. ");
  if (problems & TERN_CERTIFICATE_PROBLEM_WRONG_HOST)
    g_string_append_printf (s, "The certificate was made for %s, not for %s. ",
                            subject && *subject ? subject : "another server", host);
  if (problems & TERN_CERTIFICATE_PROBLEM_EXPIRED)
    g_string_append (s, "The certificate has expired. ");
  if (problems & TERN_CERTIFICATE_PROBLEM_NOT_YET_ACTIVE)
    g_string_append (s, "The certificate is not valid yet (check this computer's clock). ");
  if (problems & TERN_CERTIFICATE_PROBLEM_OTHER)
    g_string_append (s, "The certificate is revoked or uses insecure algorithms. ");
  if (s->len == 0)
    g_string_append_printf (s, "The certificate of %s is valid.", host);
  else
    g_string_truncate (s, s->len - 1);
  return g_string_free (s, FALSE);
}

static char *
normalize_fingerprint (const char *fp)
{
  GString *s = g_string_new (NULL);

  for (const char *p = fp; *p; p++)
    if (g_ascii_isxdigit (*p))
      g_string_append_c (s, g_ascii_toupper (*p));
  return g_string_free (s, FALSE);
}

gboolean
tern_certificate_fingerprint_equal (const char *a, const char *b)
{
  g_autofree char *na = NULL;
  g_autofree char *nb = NULL;

  if (a == NULL || b == NULL)
    return FALSE;
  na = normalize_fingerprint (a);
  nb = normalize_fingerprint (b);
  /* A SHA-256 fingerprint is 64 hex digits; anything shorter never matches,
   * so an empty or truncated pin cannot accept a certificate. */
  return strlen (na) == 64 && g_str_equal (na, nb);
}

TernCertificateInfo *
tern_certificate_info_copy (const TernCertificateInfo *info)
{
  TernCertificateInfo *copy = g_new0 (TernCertificateInfo, 1);

  copy->host = g_strdup (info->host);
  copy->port = info->port;
  copy->subject = g_strdup (info->subject);
  copy->issuer = g_strdup (info->issuer);
  copy->not_before = info->not_before ? g_date_time_ref (info->not_before) : NULL;
  copy->not_after = info->not_after ? g_date_time_ref (info->not_after) : NULL;
  copy->problems = info->problems;
  copy->description = g_strdup (info->description);
  copy->sha256 = g_strdup (info->sha256);
  copy->pem = g_strdup (info->pem);
  return copy;
}

void
tern_certificate_info_free (TernCertificateInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->host);
  g_free (info->subject);
  g_free (info->issuer);
  g_clear_pointer (&info->not_before, g_date_time_unref);
  g_clear_pointer (&info->not_after, g_date_time_unref);
  g_free (info->description);
  g_free (info->sha256);
  g_free (info->pem);
  g_free (info);
}
