/* tern-secrets.h: where account passwords live.
 *
 * Passwords go to the desktop keyring through libsecret (Secret Service).
 * Where none is running (a server, CI), the caller may choose the file store
 * explicitly: a 0600 key file in the data directory, with a warning. Passwords
 * never go into SQLite or logs.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  TERN_SECRETS_KEYRING,  /* libsecret; fails with TERN_ERROR_SECRETS if none runs */
  TERN_SECRETS_FILE,     /* <data_dir>/passwords.ini, mode 0600 */
} TernSecretsBackend;

/* Which password of an account. */
typedef enum {
  TERN_SECRET_INCOMING,  /* IMAP or POP3 */
  TERN_SECRET_OUTGOING,  /* SMTP, when it has its own login */
  TERN_SECRET_OAUTH2_REFRESH,  /* the OAuth2 refresh token of the account */
} TernSecretKind;

#define TERN_TYPE_SECRETS (tern_secrets_get_type ())
G_DECLARE_FINAL_TYPE (TernSecrets, tern_secrets, TERN, SECRETS, GObject)

TernSecrets *tern_secrets_new (const char *data_dir, TernSecretsBackend backend);

/* "keyring" or "file" (a --password-store= value); FALSE for anything else. */
gboolean tern_secrets_backend_parse (const char *name, TernSecretsBackend *out);

/* The backend $TERN_PASSWORD_STORE names, the keyring when it is unset. The
 * one place that reads it: TERN_ERROR_INVALID, and the keyring in *out, when
 * it names neither. */
gboolean tern_secrets_backend_from_env (TernSecretsBackend *out, GError **error);

/* Stores (replaces) the password. Blocking: call from a worker thread or the CLI. */
gboolean tern_secrets_store (TernSecrets *self, const char *account, TernSecretKind kind,
                             const char *password, GError **error);

/* Looks the password up in the chosen store only: the file store reads
 * passwords.ini, the keyring store never does (it moves a file left by
 * file mode into the keyring first, once). NULL with TERN_ERROR_NOT_FOUND
 * when the store has none. Blocking. */
char *tern_secrets_lookup (TernSecrets *self, const char *account, TernSecretKind kind,
                           GError **error);

/* Forgets every password of the account in the chosen store. */
gboolean tern_secrets_clear (TernSecrets *self, const char *account, GError **error);

/* OAuth2 access tokens, in this process's memory only (never in a store,
 * a file or a log): remembered until @expires_at (monotonic time, µs).
 * recall returns a copy while the token stays valid at least @margin_seconds
 * more, else NULL. Thread-safe. */
void tern_secrets_remember_access_token (TernSecrets *self, const char *account,
                                         const char *token, gint64 expires_at);
char *tern_secrets_recall_access_token (TernSecrets *self, const char *account,
                                        guint margin_seconds);
void tern_secrets_forget_access_token (TernSecrets *self, const char *account);

G_END_DECLS
