/* tern-app-secrets.c: choose the password store backend. */
#include "tern-app-secrets.h"

TernSecrets *
tern_app_secrets_new (const char *data_dir)
{
  const char *choice = g_getenv ("TERN_PASSWORD_STORE");
  TernSecretsBackend backend = TERN_SECRETS_KEYRING;

  if (g_strcmp0 (choice, "file") == 0)
    backend = TERN_SECRETS_FILE;
  return tern_secrets_new (data_dir, backend);
}
