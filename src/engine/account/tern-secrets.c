/* tern-secrets.c: account passwords in libsecret, or in an explicit file store. */
#include <errno.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "core/tern-error.h"
#include "account/tern-secrets.h"

struct _TernSecrets
{
  GObject parent_instance;
  char *data_dir;
  TernSecretsBackend backend;
};

G_DEFINE_FINAL_TYPE (TernSecrets, tern_secrets, G_TYPE_OBJECT)

static const SecretSchema *
tern_secret_schema (void)
{
  static const SecretSchema schema = {
    "io.github.ternmail.Tern.Password", SECRET_SCHEMA_NONE,
    {
      { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };
  return &schema;
}

static const char *
kind_name (TernSecretKind kind)
{
  return kind == TERN_SECRET_OUTGOING ? "outgoing" : "incoming";
}

static char *
file_path (TernSecrets *self)
{
  return g_build_filename (self->data_dir, "passwords.ini", NULL);
}

static GKeyFile *
load_file (TernSecrets *self, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *path = file_path (self);
  g_autoptr(GError) local_error = NULL;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local_error) &&
      !g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_SECRETS,
                   "Cannot read the password file %s: %s", path, local_error->message);
      return NULL;
    }
  return g_steal_pointer (&kf);
}

static gboolean
save_file (TernSecrets *self, GKeyFile *kf, GError **error)
{
  g_autofree char *path = file_path (self);
  g_autofree char *data = g_key_file_to_data (kf, NULL, NULL);
  g_autoptr(GError) local_error = NULL;

  if (g_mkdir_with_parents (self->data_dir, 0700) != 0)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_SECRETS, "Cannot create %s: %s",
                   self->data_dir, g_strerror (errno));
      return FALSE;
    }
  /* g_file_set_contents_full writes a temp file, fsyncs and renames, with
   * the mode set before any byte of a password is written. */
  if (!g_file_set_contents_full (path, data, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error))
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_SECRETS,
                   "Cannot write the password file %s: %s", path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static void
keyring_error (GError **error, GError *cause)
{
  g_set_error (error, TERN_ERROR, TERN_ERROR_SECRETS,
               "The desktop keyring (Secret Service) is not available: %s. "
               "Start a keyring, or choose the password file store "
               "(tern-cli --password-store=file).", cause->message);
}

gboolean
tern_secrets_store (TernSecrets *self, const char *account, TernSecretKind kind,
                    const char *password, GError **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (TERN_IS_SECRETS (self), FALSE);
  if (self->backend == TERN_SECRETS_FILE)
    {
      g_autoptr(GKeyFile) kf = load_file (self, error);

      if (kf == NULL)
        return FALSE;
      g_key_file_set_string (kf, account, kind_name (kind), password);
      return save_file (self, kf, error);
    }

  if (!secret_password_store_sync (tern_secret_schema (), SECRET_COLLECTION_DEFAULT,
                                   account, password, NULL, &local_error,
                                   "account", account, "kind", kind_name (kind), NULL))
    {
      keyring_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

char *
tern_secrets_lookup (TernSecrets *self, const char *account, TernSecretKind kind,
                     GError **error)
{
  g_autoptr(GKeyFile) kf = NULL;
  g_autoptr(GError) local_error = NULL;
  char *password;

  g_return_val_if_fail (TERN_IS_SECRETS (self), NULL);
  kf = load_file (self, error);
  if (kf == NULL)
    return NULL;
  password = g_key_file_get_string (kf, account, kind_name (kind), NULL);
  if (password != NULL)
    return password;
  if (self->backend == TERN_SECRETS_KEYRING)
    {
      password = secret_password_lookup_sync (tern_secret_schema (), NULL, &local_error,
                                              "account", account,
                                              "kind", kind_name (kind), NULL);
      if (local_error != NULL)
        {
          keyring_error (error, local_error);
          return NULL;
        }
      if (password != NULL)
        {
          /* Hand back ordinary heap memory, and wipe libsecret's copy. */
          char *copy = g_strdup (password);
          secret_password_free (password);
          return copy;
        }
    }
  g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND,
               "No %s password is stored for account “%s”.", kind_name (kind), account);
  return NULL;
}

gboolean
tern_secrets_clear (TernSecrets *self, const char *account, GError **error)
{
  g_autoptr(GKeyFile) kf = load_file (self, error);
  g_autoptr(GError) local_error = NULL;

  if (kf == NULL)
    return FALSE;
  if (g_key_file_has_group (kf, account))
    {
      g_key_file_remove_group (kf, account, NULL);
      if (!save_file (self, kf, error))
        return FALSE;
    }
  if (self->backend == TERN_SECRETS_KEYRING &&
      !secret_password_clear_sync (tern_secret_schema (), NULL, &local_error,
                                   "account", account, NULL) &&
      local_error != NULL)
    {
      keyring_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

static void
tern_secrets_finalize (GObject *object)
{
  TernSecrets *self = TERN_SECRETS (object);

  g_free (self->data_dir);
  G_OBJECT_CLASS (tern_secrets_parent_class)->finalize (object);
}

static void
tern_secrets_class_init (TernSecretsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_secrets_finalize;
}

static void
tern_secrets_init (TernSecrets *self)
{
}

TernSecrets *
tern_secrets_new (const char *data_dir, TernSecretsBackend backend)
{
  TernSecrets *self = g_object_new (TERN_TYPE_SECRETS, NULL);

  self->data_dir = g_strdup (data_dir);
  self->backend = backend;
  return self;
}

gboolean
tern_secrets_backend_parse (const char *name, TernSecretsBackend *out)
{
  if (g_strcmp0 (name, "file") == 0)
    *out = TERN_SECRETS_FILE;
  else if (g_strcmp0 (name, "keyring") == 0)
    *out = TERN_SECRETS_KEYRING;
  else
    return FALSE;
  return TRUE;
}

gboolean
tern_secrets_backend_from_env (TernSecretsBackend *out, GError **error)
{
  const char *value = g_getenv ("TERN_PASSWORD_STORE");

  *out = TERN_SECRETS_KEYRING;
  if (value == NULL || tern_secrets_backend_parse (value, out))
    return TRUE;
  return g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID,
                      "TERN_PASSWORD_STORE must be keyring or file, not “%s”.", value), FALSE;
}
