/* tern-test-tls.h: throwaway certificates (certtool) and gnutls-serv for
 * TLS-level tests, plus a silent listener for timeout and cancel tests. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct TernTestPki TernTestPki;

/* Makes a CA and, signed by it, certificates named "trusted" (localhost,
 * 127.0.0.1, ::1), "wrong-host", "expired", "not-yet-active", plus a
 * "self-signed" one for localhost, in a temporary directory. */
TernTestPki *tern_test_pki_new (void);
void tern_test_pki_free (TernTestPki *pki);
const char *tern_test_pki_ca_file (TernTestPki *pki);
/* SHA-256 fingerprint of a certificate, "AB:CD:..". */
char *tern_test_pki_fingerprint (TernTestPki *pki, const char *name);

typedef struct TernTestTlsServer TernTestTlsServer;

/* gnutls-serv --echo with the named certificate on a free loopback port. */
TernTestTlsServer *tern_test_tls_server_start (TernTestPki *pki, const char *name);
guint16 tern_test_tls_server_port (TernTestTlsServer *server);
void tern_test_tls_server_stop (TernTestTlsServer *server);

/* A port where nothing listens (bound, then closed). */
guint16 tern_test_closed_port (void);

/* A listening socket that never accepts or answers; returns its fd. */
int tern_test_silent_listener (guint16 *port_out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernTestPki, tern_test_pki_free)

G_END_DECLS
