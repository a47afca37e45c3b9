/* tern-test-matrix-account.h: the matrix tests' fixture: one server of each
 * kind per test process (started at first use, with a pool of users), a fresh
 * user, store and account per check, and a raw IMAP session for changes "by
 * another client" and for looking at what the server holds. */
#pragma once

#include <libetpan/libetpan.h>

#include "core/tern-account-settings.h"
#include "account/tern-secrets.h"
#include "store/tern-store.h"
#include "tern-test-matrix.h"

G_BEGIN_DECLS

#define TERN_MATRIX_SEED 1313

typedef struct {
  TernTestMailServer *server;   /* borrowed: shared per kind */
  char *user;
  char *dir;
  TernStore *store;
  TernSecrets *secrets;
  TernAccountSettings *account;
} TernMatrixAccount;

/* The server of @kind, started once per process; NULL after g_test_skip()
 * (it cannot run here: the reason is printed too) or g_test_fail() (it did not
 * start), so a check just returns. */
TernTestMailServer *tern_matrix_server (TernTestServerKind kind);

/* One cell of the matrix: a server and a check. @run is the check's function
 * (the test program knows its type). */
typedef struct {
  TernTestServerKind kind;
  const char *check;
  gpointer run;
} TernMatrixCase;

typedef struct {
  TernTestServerKind kind;
  const char *slug;            /* in test paths: "cyrus" */
} TernMatrixServer;

typedef struct {
  const char *name;
  gpointer run;
} TernMatrixCheck;

/* Adds /matrix-@proto/<slug>/<check> for every server and check, each run by
 * @run_case with its TernMatrixCase. */
void tern_matrix_add_cases (const char *proto, const TernMatrixServer *servers, guint n_servers,
                            const TernMatrixCheck *checks, guint n_checks,
                            GTestDataFunc run_case);

/* A fresh user of @server with an account of @protocol (implicit TLS) in a
 * fresh store. */
TernMatrixAccount *tern_matrix_account_new (TernTestMailServer *server, TernProtocol protocol);
void tern_matrix_account_free (TernMatrixAccount *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernMatrixAccount, tern_matrix_account_free)
void tern_matrix_account_save (TernMatrixAccount *t);

/* A check that is known to fail on this server because of an engine bug
 * being fixed elsewhere: marks it incomplete with @why and returns TRUE,
 * unless TERN_MATRIX_RUN_KNOWN=1, which runs it anyway. */
gboolean tern_matrix_known_failure (TernMatrixAccount *t, const char *why);

/* The IMAP name of personal folder @name on this server ("INBOX.Archive"). */
char *tern_matrix_folder (TernMatrixAccount *t, const char *name);

/* A raw IMAP session as the account's user (IMAPS; the IMAP side of a POP3
 * account's server too). */
mailimap *tern_matrix_imap (TernMatrixAccount *t);
void tern_matrix_imap_close (mailimap *imap);
void tern_matrix_imap_append (mailimap *imap, const char *mailbox, guint index);
void tern_matrix_imap_create (mailimap *imap, const char *mailbox);
guint tern_matrix_imap_exists (mailimap *imap, const char *mailbox);
/* Message-IDs in @mailbox (id -> count). */
GHashTable *tern_matrix_imap_message_ids (mailimap *imap, const char *mailbox);
/* Append generated messages @first .. @first + @n - 1 to @mailbox. */
void tern_matrix_seed (TernMatrixAccount *t, const char *mailbox, guint first, guint n);

G_END_DECLS
