/* tern-test-mail-account.h: a store, a file password store and a POP3 or
 * IMAP account on the harness's real servers, for the POP3/SMTP/outbox tests. */
#pragma once

#include "core/tern-account-settings.h"
#include "account/tern-secrets.h"
#include "store/tern-store.h"
#include "tern-test-servers.h"

G_BEGIN_DECLS

typedef struct {
  TernTestServers *servers;   /* borrowed */
  char *dir;                  /* temp data dir */
  TernStore *store;
  TernSecrets *secrets;
  TernAccountSettings *account;
  char *user;
} TernTestAccount;

/* Starts the harness once per process (SMTP when @with_smtp) and points the
 * TLS layer at its CA. */
TernTestServers *tern_test_shared_servers (gboolean with_smtp);
/* The same with other options (the first call's options win). */
TernTestServers *tern_test_shared_servers_with (const TernTestServersOptions *opts);

/* A fresh user on the servers and an account for it in a fresh store. */
TernTestAccount *tern_test_account_new (TernTestServers *servers, TernProtocol protocol);
void tern_test_account_free (TernTestAccount *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernTestAccount, tern_test_account_free)

/* Saves changed retention settings. */
void tern_test_account_save (TernTestAccount *t);

/* Message-IDs of the messages in @user's server INBOX (Maildir files), and
 * in the account's local folder of @role, as multisets (id -> count). */
GHashTable *tern_test_server_message_ids (TernTestServers *servers, const char *user);
GHashTable *tern_test_local_message_ids (TernStore *store, gint64 account_id, TernFolderRole role);
guint tern_test_count_total (GHashTable *ids);

G_END_DECLS
