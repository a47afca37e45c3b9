/* tern-certificate-info.h: what the user needs to decide about a certificate.
 *
 * When a server's certificate cannot be verified, the connection stops before
 * any credential is sent and the caller gets one of these: who the certificate
 * names, who issued it, when it is valid, what is wrong with it in flags and
 * in plain words, and its SHA-256 fingerprint, which is what a "trust this
 * certificate" decision pins (per host and port).
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  TERN_CERTIFICATE_PROBLEM_NONE           = 0,
  TERN_CERTIFICATE_PROBLEM_UNTRUSTED      = 1 << 0, /* issuer not trusted by this computer */
  TERN_CERTIFICATE_PROBLEM_WRONG_HOST     = 1 << 1, /* made for another host name */
  TERN_CERTIFICATE_PROBLEM_EXPIRED        = 1 << 2,
  TERN_CERTIFICATE_PROBLEM_NOT_YET_ACTIVE = 1 << 3,
  TERN_CERTIFICATE_PROBLEM_SELF_SIGNED    = 1 << 4,
  TERN_CERTIFICATE_PROBLEM_CHANGED        = 1 << 5, /* differs from the pinned one */
  TERN_CERTIFICATE_PROBLEM_OTHER          = 1 << 6, /* revoked, weak algorithm, ... */
} TernCertificateProblems;

typedef struct {
  char *host;                       /* the host we wanted to reach */
  guint16 port;
  char *subject;                    /* RFC 4514 distinguished names */
  char *issuer;
  GDateTime *not_before;
  GDateTime *not_after;
  TernCertificateProblems problems;
  char *description;                /* plain words, one or more sentences */
  char *sha256;                     /* "AB:CD:...", upper-case hex with colons */
  char *pem;                        /* the server's certificate */
} TernCertificateInfo;

#define TERN_TYPE_CERTIFICATE_INFO (tern_certificate_info_get_type ())
GType tern_certificate_info_get_type (void);

/* Parses a DER certificate and fills every field but problems/description,
 * which tern_certificate_info_set_problems() fills. NULL if unparsable. */
TernCertificateInfo *tern_certificate_info_new_from_der (const guint8 *der,
                                                         gsize         der_len,
                                                         const char   *host,
                                                         guint16       port);
void tern_certificate_info_set_problems (TernCertificateInfo    *info,
                                         TernCertificateProblems problems);
TernCertificateInfo *tern_certificate_info_copy (const TernCertificateInfo *info);
void tern_certificate_info_free (TernCertificateInfo *info);

/* Plain-words sentences for a set of problems, e.g. for tern-cli. */
char *tern_certificate_problems_describe (TernCertificateProblems problems,
                                          const char             *host,
                                          const char             *subject);

/* Two fingerprints are equal ignoring case, colons and spaces, so a pin typed
 * by the user ("abcd..." or "AB:CD:...") matches. */
gboolean tern_certificate_fingerprint_equal (const char *a, const char *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernCertificateInfo, tern_certificate_info_free)

G_END_DECLS
