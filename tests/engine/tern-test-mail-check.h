/* tern-test-mail-check.h: what the sync and send tests ask of an account
 * and of the server. The store side looks at the account's local copy; the
 * raw side is "another client": a second libetpan session that changes and
 * reads the server's mailboxes behind Tern's back. Shared by the Dovecot/Postfix
 * tests (test-imap-sync, test-outbox) and the matrix (every server). */
#pragma once

#include <libetpan/libetpan.h>

#include "core/tern-account-settings.h"
#include "account/tern-secrets.h"
#include "account/tern-outbox.h"
#include "imap/tern-imap-sync.h"
#include "store/tern-store.h"

G_BEGIN_DECLS

/* A sync of @account over a fresh connection; the test fails if it cannot
 * connect. */
TernImapSync *tern_test_imap_sync_new (TernStore *store, TernSecrets *secrets,
                                       TernAccountSettings *account);
/* One whole sync of @account; a failure ends the test with its message. */
void tern_test_imap_sync_all (TernStore *store, TernSecrets *secrets, TernAccountSettings *account);

/* The account's local folder for server path @path (it must exist). */
TernFolder *tern_test_folder (TernStore *store, TernAccountSettings *account, const char *path);
/* How many messages the local folder holds; the incremental counter and the
 * rows must agree. */
guint tern_test_local_count (TernStore *store, TernAccountSettings *account, const char *path);
TernMessageSummary *tern_test_message_by_uid (TernStore *store, TernAccountSettings *account,
                                              const char *path, guint32 uid);
/* Generated messages @first .. @first + @n - 1 (tern-test-messages, @seed)
 * are each stored exactly once in the account. */
void tern_test_assert_each_once (TernStore *store, TernAccountSettings *account, guint first,
                                 guint n, guint32 seed);

/* ---- another client ------------------------------------------------------ */
guint tern_test_raw_exists (mailimap *imap, const char *mailbox);
/* Appends generated message @index (@seed) to @mailbox. */
void tern_test_raw_append (mailimap *imap, const char *mailbox, guint index, guint32 seed);
/* Sets (@add) or clears @flag (taken) on @uid in @mailbox. */
void tern_test_raw_store (mailimap *imap, const char *mailbox, guint32 uid,
                          struct mailimap_flag *flag, gboolean add);
/* The server's flags of @uid, as TernFlags. */
guint tern_test_raw_flags (mailimap *imap, const char *mailbox, guint32 uid);

/* ---- sending -------------------------------------------------------------- */
/* One pass of @account's outbox at time @now (0: the real time); it must
 * succeed or fail as @expect_ok says. */
TernOutboxResult tern_test_outbox_process (TernStore *store, TernSecrets *secrets,
                                           TernAccountSettings *account, gint64 now,
                                           gboolean expect_ok);
/* Syncs IMAP @account until the message @message_id is in its Inbox (servers
 * deliver asynchronously; 60 s deadline), asserts it arrived once and returns
 * its raw bytes. */
GBytes *tern_test_wait_for_delivery (TernStore *store, TernSecrets *secrets,
                                     TernAccountSettings *account, const char *message_id);

G_END_DECLS
