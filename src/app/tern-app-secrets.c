/* tern-app-secrets.c: choose the password store backend. */
#include "tern-app-secrets.h"

TernSecrets *
tern_app_secrets_new (const char *data_dir)
{
  g_autoptr(GError) error = NULL;
  TernSecretsBackend backend;

  if (!tern_secrets_backend_from_env (&backend, &error))
    g_warning ("%s Using the keyring.", error->message);
  return tern_secrets_new (data_dir, backend);
}
