/* tern-test-servers.h: real Dovecot and Postfix on loopback for Tern's tests.
 *
 * One TernTestServers is a temp dir with a Dovecot (IMAP, IMAPS, POP3, POP3S,
 * LMTP) and, when running as root, a Postfix (submission with STARTTLS, SMTPS)
 * that authenticates through Dovecot and delivers into it over LMTP. Every port
 * is a free one on 127.0.0.1; every certificate is signed by a throwaway CA
 * (tern_test_servers_ca_file()). All calls are synchronous and meant for the
 * test's main thread.
 *
 *   g_autoptr(TernTestServers) s = tern_test_servers_start (NULL, &error);
 *   g_assert_no_error (error);
 *   tern_test_servers_add_user (s, "alice", "secret", &error);
 *   ... connect to 127.0.0.1:tern_test_servers_port (s, TERN_TEST_IMAPS) ...
 */
#pragma once

#include <glib.h>

#include "tern-test-certs.h"

G_BEGIN_DECLS

typedef enum {
  TERN_TEST_IMAP,        /* plain, STARTTLS offered (LOGINDISABLED before it) */
  TERN_TEST_IMAPS,       /* implicit TLS */
  TERN_TEST_POP3,        /* plain, STLS offered */
  TERN_TEST_POP3S,       /* implicit TLS */
  TERN_TEST_LMTP,        /* Dovecot LMTP, plain */
  TERN_TEST_SUBMISSION,  /* Postfix, STARTTLS required before AUTH */
  TERN_TEST_SMTPS,       /* Postfix, implicit TLS */
  TERN_TEST_N_SERVICES
} TernTestService;

typedef struct {
  /* Which certificate the TLS listeners present (default: GOOD). */
  TernTestCert cert;
  /* No TLS at all: the plain IMAP/POP3/submission listeners offer no
   * STARTTLS/STLS (and allow plain-text login); IMAPS, POP3S and SMTPS are not
   * started (their port is 0). For testing "STARTTLS refused". */
  gboolean no_tls;
  /* Do not start Postfix (faster; IMAP/POP3-only tests). */
  gboolean no_smtp;
  /* Postfix message_size_limit in bytes, announced in EHLO SIZE; 0 = 10 MB. */
  guint64 message_size_limit;
  /* Replaces Dovecot's IMAP capability list after login (imap_capability),
   * e.g. without UIDPLUS and MOVE like GNU Mailutils imap4d; NULL: Dovecot's. */
  const char *imap_capability;
  /* No Sent, Drafts, Trash, Junk or Archive made by the server, as on Cyrus,
   * Courier and Mailutils by default. */
  gboolean no_special_folders;
  /* Dovecot's quota plugin with this STORAGE limit per user in KiB (IMAP
   * QUOTA, GETQUOTAROOT); 0: no quota. */
  guint64 quota_storage_kib;
  /* OAuth2 (issue 17): Dovecot also offers XOAUTH2 and OAUTHBEARER, checked
   * by its passdb oauth2 against this RFC 7662 introspection endpoint
   * (introspection_mode = post; see tern-test-oauth.h). Postfix submission
   * authenticates through Dovecot, so it offers them too. NULL: passwords only. */
  const char *oauth2_introspection_url;
} TernTestServersOptions;

typedef struct _TernTestServers TernTestServers;

/* Start the servers (NULL @opts = defaults). Fails with a GError naming the
 * Debian package when a program is missing, or quoting the server's log when it
 * did not come up. When not root, Postfix is not started (see has_smtp()). */
TernTestServers *tern_test_servers_start (const TernTestServersOptions *opts,
                                          GError                      **error);
/* Stop every server and remove the temp dir (kept when TERN_TEST_KEEP=1). */
void tern_test_servers_free (TernTestServers *self);

/* 0 when the service is not running or not offered by this instance. */
guint16 tern_test_servers_port (TernTestServers *self, TernTestService which);
const char *tern_test_servers_host (TernTestServers *self);   /* "localhost" */
const char *tern_test_servers_ca_file (TernTestServers *self);
const char *tern_test_servers_dir (TernTestServers *self);

/* Whether Postfix runs. If not, *reason (if given) says why, in plain words. */
gboolean tern_test_servers_has_smtp (TernTestServers *self, const char **reason);
/* For GLib tests: if there is no SMTP server, g_test_skip() with the reason and
 * return FALSE. */
gboolean tern_test_servers_require_smtp (TernTestServers *self);

/* Add (or change the password of) a user. @user is a login name ("alice") or an
 * address ("alice@localhost"); a bare name can log in both as "alice" and as
 * "alice@localhost", and receives mail for alice@localhost. Works while running. */
gboolean tern_test_servers_add_user (TernTestServers *self,
                                     const char      *user,
                                     const char      *password,
                                     GError         **error);
/* The e-mail address of @user (newly allocated). */
char *tern_test_servers_user_address (TernTestServers *self, const char *user);

/* Write @raw_messages (GBytes, RFC 5322 with CRLF or LF) straight into the
 * Maildir of @user's @mailbox ("INBOX", "Sent", "Archive", ...) as unseen
 * messages, with the file time set from each Date: header (Dovecot's
 * INTERNALDATE). Fast: 10,000 messages take well under a second. */
gboolean tern_test_servers_seed_maildir (TernTestServers *self,
                                         const char      *user,
                                         const char      *mailbox,
                                         GPtrArray       *raw_messages,
                                         GError         **error);
/* Writes one plain-text message of about @body_bytes (at least) into
 * @mailbox, streamed to disk (never in memory), with @message_id (without
 * <>). Its exact size and SHA-256 (hex) come back for comparison. */
gboolean tern_test_servers_seed_large (TernTestServers *self, const char *user,
                                       const char *mailbox, guint64 body_bytes,
                                       const char *message_id, guint64 *size_out,
                                       char **sha256_out, GError **error);
/* SHA-256 (hex) and size of a file, read in pieces; NULL if unreadable. */
char *tern_test_file_sha256 (const char *path, guint64 *size);
/* This process's peak resident memory so far (VmHWM in /proc/self/status),
 * in KiB: what a test of bounded memory compares before and after. */
guint64 tern_test_peak_memory_kib (void);
/* The Maildir folder of @user's @mailbox (newly allocated; may not exist yet). */
char *tern_test_servers_maildir_path (TernTestServers *self,
                                      const char      *user,
                                      const char      *mailbox);
/* How many message files @user's @mailbox holds (its Maildir's cur and new),
 * read without opening them. */
guint tern_test_servers_count_files (TernTestServers *self, const char *user,
                                     const char *mailbox);

/* Stop Dovecot / Postfix and start them again on the same ports with the same
 * data (for offline and reconnect tests). Postfix authenticates through
 * Dovecot, so SMTP AUTH fails while IMAP is stopped. */
gboolean tern_test_servers_stop_imap (TernTestServers *self, GError **error);
gboolean tern_test_servers_start_imap (TernTestServers *self, GError **error);
/* While IMAP is stopped: the certificate Dovecot presents once started again
 * (a server whose certificate changed). Postfix keeps its own until restarted. */
gboolean tern_test_servers_set_imap_cert (TernTestServers *self, TernTestCert cert,
                                          GError **error);
gboolean tern_test_servers_stop_smtp (TernTestServers *self, GError **error);
gboolean tern_test_servers_start_smtp (TernTestServers *self, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernTestServers, tern_test_servers_free)

G_END_DECLS
