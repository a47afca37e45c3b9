/* tern-test-matrix.h: every mail server the harness runs, behind one API, for
 * the matrix tests (tests/engine/test-matrix-*.c).
 *
 * Besides Dovecot and Postfix (tern-test-servers.h) these are Cyrus IMAP 3.6,
 * Courier-IMAP/POP 5.0, GNU Mailutils 3.15 (imap4d, pop3d) and Exim 4.96, run
 * from Debian packages that build-aux/install-deps unpacked (not installed:
 * they conflict with Dovecot and Postfix) into _build/mail-servers/. Each one
 * listens on free loopback ports with a certificate of the harness CA, has the
 * users given at start, and is stopped by tern_test_mail_server_free().
 *
 *   g_autoptr(TernTestMailServer) s =
 *     tern_test_mail_server_start (TERN_TEST_SERVER_CYRUS, users, "secret", &error);
 *   if (s == NULL && tern_test_mail_server_unavailable (error))
 *     g_test_skip (error->message);        (says why, e.g. "needs root")
 */
#pragma once

#include <glib.h>

#include "tern-test-servers.h"

G_BEGIN_DECLS

typedef enum {
  TERN_TEST_SERVER_DOVECOT,     /* IMAP, POP3 */
  TERN_TEST_SERVER_CYRUS,       /* IMAP, POP3 */
  TERN_TEST_SERVER_COURIER,     /* IMAP, POP3 */
  TERN_TEST_SERVER_MAILUTILS,   /* IMAP, POP3 */
  TERN_TEST_SERVER_POSTFIX,     /* SMTP, delivering into a Dovecot (IMAP ports: that Dovecot's) */
  TERN_TEST_SERVER_EXIM,        /* SMTP, delivering into a Dovecot (IMAP ports: that Dovecot's) */
  TERN_TEST_SERVER_CYRUS_ALTNS, /* Cyrus with altnamespace and the "/" separator */
  TERN_TEST_N_SERVER_KINDS
} TernTestServerKind;

typedef struct _TernTestMailServer TernTestMailServer;

/* "Dovecot", "Cyrus IMAP", "Courier", "GNU Mailutils", "Postfix", "Exim",
 * "Cyrus IMAP (altnamespace)". */
const char *tern_test_server_kind_name (TernTestServerKind kind);

/* Start @kind with @users (NULL-terminated bare names, "alice"), all with
 * @password. Fails with G_IO_ERROR_NOT_SUPPORTED when the server cannot run
 * here (not unpacked, not root, ...; see tern_test_mail_server_unavailable),
 * or with another error quoting the server's log when it did not come up. */
TernTestMailServer *tern_test_mail_server_start (TernTestServerKind  kind,
                                                 const char *const  *users,
                                                 const char         *password,
                                                 GError            **error);
void tern_test_mail_server_free (TernTestMailServer *self);

/* TRUE for a start error that means "cannot run here" (skip), not "broken". */
gboolean tern_test_mail_server_unavailable (const GError *error);

TernTestServerKind tern_test_mail_server_kind (TernTestMailServer *self);
const char *tern_test_mail_server_name (TernTestMailServer *self);
/* 0 when @which is not offered. TERN_TEST_SUBMISSION and TERN_TEST_SMTPS are
 * Postfix's or Exim's; the IMAP/POP3 ports of those two are their Dovecot's. */
guint16 tern_test_mail_server_port (TernTestMailServer *self, TernTestService which);
const char *tern_test_mail_server_ca_file (TernTestMailServer *self);
/* The name @user logs in with ("alice", or "alice@localhost" for Mailutils). */
char *tern_test_mail_server_login (TernTestMailServer *self, const char *user);
/* The e-mail address of @user ("alice@localhost"). */
char *tern_test_mail_server_address (TernTestMailServer *self, const char *user);
/* The IMAP name of a personal folder: "Archive", or "INBOX.Archive" where
 * folders live below INBOX (Cyrus, Courier). */
char *tern_test_mail_server_folder (TernTestMailServer *self, const char *name);
/* The Dovecot behind Dovecot, Postfix and Exim; NULL for the others. */
TernTestServers *tern_test_mail_server_dovecot (TernTestMailServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernTestMailServer, tern_test_mail_server_free)

G_END_DECLS
