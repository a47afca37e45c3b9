/* tern-secrets.c: account passwords in libsecret, or in an explicit file store.
 *
 * The two never mix: the keyring backend never reads passwords.ini. A file
 * left there by file mode is moved into the keyring once (every entry
 * stored, then the file overwritten with zeros, synced and removed), and
 * stays untouched while the keyring cannot take it.
 *
 * Copies of a password are wiped where Tern owns them: the file's bytes as
 * read, the serialized file before it is freed. GKeyFile's own copies, and
 * the buffers libetpan keeps while it sends a login (its stream buffer, its
 * SASL state), are freed without wiping: they are out of Tern's reach.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/tern-error.h"
#include "account/tern-secrets.h"

struct _TernSecrets
{
  GObject parent_instance;
  char *data_dir;
  TernSecretsBackend backend;
  gboolean migrated;     /* keyring: passwords.ini looked at once */
  GMutex tokens_lock;
  GHashTable *tokens;    /* account -> AccessToken, memory only */
};

typedef struct {
  char *token;
  gint64 expires_at;     /* g_get_monotonic_time() scale */
} AccessToken;

static void
access_token_free (gpointer data)
{
  AccessToken *t = data;

  memset (t->token, 0, strlen (t->token));
  g_free (t->token);
  g_free (t);
}

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
  switch (kind)
    {
    case TERN_SECRET_OUTGOING:
      return "outgoing";
    case TERN_SECRET_OAUTH2_REFRESH:
      return "oauth2-refresh";
    case TERN_SECRET_INCOMING:
    default:
      return "incoming";
    }
}

static char *
file_path (TernSecrets *self)
{
  return g_build_filename (self->data_dir, "passwords.ini", NULL);
}

/* Overwrites @len bytes of @data before it is freed: a password copy. */
static void
wipe (char *data, gsize len)
{
  if (data != NULL)
    explicit_bzero (data, len);
}

static GKeyFile *
load_file (TernSecrets *self, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *path = file_path (self);
  g_autoptr(GError) local_error = NULL;
  char *data = NULL;
  gsize len = 0;
  gboolean ok;

  if (!g_file_get_contents (path, &data, &len, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&kf);
      g_set_error (error, TERN_ERROR, TERN_ERROR_SECRETS,
                   "Cannot read the password file %s: %s", path, local_error->message);
      return NULL;
    }
  ok = g_key_file_load_from_data (kf, data, len, G_KEY_FILE_NONE, &local_error);
  wipe (data, len);
  g_free (data);
  if (!ok)
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
  gsize len = 0;
  g_autofree char *data = g_key_file_to_data (kf, &len, NULL);
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  if (g_mkdir_with_parents (self->data_dir, 0700) != 0)
    {
      wipe (data, len);
      g_set_error (error, TERN_ERROR, TERN_ERROR_SECRETS, "Cannot create %s: %s",
                   self->data_dir, g_strerror (errno));
      return FALSE;
    }
  /* g_file_set_contents_full writes a temp file, fsyncs and renames, with
   * the mode set before any byte of a password is written. */
  ok = g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 &local_error);
  wipe (data, len);
  if (!ok)
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

/* Overwrites the file with zeros, syncs, then removes it: the passwords
 * are not left in the freed blocks of a plain unlink. */
static gboolean
remove_securely (const char *path, GError **error)
{
  struct stat st;
  char zeros[4096] = { 0 };
  int fd = g_open (path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0);
  gboolean ok = fd >= 0 && fstat (fd, &st) == 0;

  if (fd < 0 && errno == ENOENT)
    return TRUE;   /* another TernSecrets of this process got there first */

  for (off_t done = 0; ok && done < st.st_size; )
    {
      ssize_t n = write (fd, zeros, (size_t) MIN ((off_t) sizeof zeros, st.st_size - done));

      if (n < 0 && errno == EINTR)
        continue;
      ok = n > 0;
      done += MAX (n, 0);
    }
  ok = ok && fsync (fd) == 0;
  if (fd >= 0)
    close (fd);
  if (!ok || g_unlink (path) != 0)
    return g_set_error (error, TERN_ERROR, TERN_ERROR_SECRETS,
                        "Cannot remove the old password file %s: %s", path,
                        g_strerror (errno)), FALSE;
  return TRUE;
}

static gboolean
keyring_store (const char *account, const char *kind, const char *password, GError **error)
{
  return secret_password_store_sync (tern_secret_schema (), SECRET_COLLECTION_DEFAULT,
                                     account, password, NULL, error,
                                     "account", account, "kind", kind, NULL);
}

/* Keyring mode: moves what file mode left in passwords.ini into the
 * keyring, once; the file goes only when every entry is in the keyring.
 * A password already in the keyring wins over the file's. */
static gboolean
migrate_file (TernSecrets *self, GError **error)
{
  g_autofree char *path = file_path (self);
  g_autoptr(GKeyFile) kf = NULL;
  g_auto(GStrv) groups = NULL;
  g_autoptr(GError) local_error = NULL;

  if (self->migrated)
    return TRUE;
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return self->migrated = TRUE;
  if ((kf = load_file (self, error)) == NULL)
    return FALSE;
  groups = g_key_file_get_groups (kf, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    for (TernSecretKind kind = TERN_SECRET_INCOMING; kind <= TERN_SECRET_OAUTH2_REFRESH; kind++)
      {
        char *password = g_key_file_get_string (kf, groups[i], kind_name (kind), NULL);
        char *existing = NULL;
        gboolean ok = TRUE;

        if (password == NULL)
          continue;
        existing = secret_password_lookup_sync (tern_secret_schema (), NULL, &local_error,
                                                "account", groups[i],
                                                "kind", kind_name (kind), NULL);
        if (local_error == NULL && existing == NULL)
          ok = keyring_store (groups[i], kind_name (kind), password, &local_error);
        if (existing != NULL)
          secret_password_free (existing);
        wipe (password, strlen (password));
        g_free (password);
        if (!ok || local_error != NULL)
          {
            keyring_error (error, local_error);
            return FALSE;
          }
      }
  if (!remove_securely (path, error))
    return FALSE;
  g_message ("Moved the passwords of %s into the keyring and removed the file.", path);
  return self->migrated = TRUE;
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

  if (!migrate_file (self, error))
    return FALSE;
  if (!keyring_store (account, kind_name (kind), password, &local_error))
    {
      keyring_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

static char *
file_lookup (TernSecrets *self, const char *account, TernSecretKind kind, GError **error)
{
  g_autoptr(GKeyFile) kf = load_file (self, error);

  return kf != NULL ? g_key_file_get_string (kf, account, kind_name (kind), NULL) : NULL;
}

static char *
keyring_lookup (const char *account, TernSecretKind kind, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  char *password = secret_password_lookup_sync (tern_secret_schema (), NULL, &local_error,
                                                "account", account,
                                                "kind", kind_name (kind), NULL);
  char *copy;

  if (local_error != NULL)
    {
      keyring_error (error, local_error);
      return NULL;
    }
  if (password == NULL)
    return NULL;
  /* Hand back ordinary heap memory, and wipe libsecret's copy. */
  copy = g_strdup (password);
  secret_password_free (password);
  return copy;
}

char *
tern_secrets_lookup (TernSecrets *self, const char *account, TernSecretKind kind,
                     GError **error)
{
  GError *local_error = NULL;
  char *password;

  g_return_val_if_fail (TERN_IS_SECRETS (self), NULL);
  if (self->backend == TERN_SECRETS_FILE)
    password = file_lookup (self, account, kind, &local_error);
  else if (migrate_file (self, &local_error))
    password = keyring_lookup (account, kind, &local_error);
  else
    password = NULL;
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (password != NULL)
    return password;
  g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND,
               "No %s password is stored for account “%s”.", kind_name (kind), account);
  return NULL;
}

gboolean
tern_secrets_clear (TernSecrets *self, const char *account, GError **error)
{
  g_autoptr(GError) local_error = NULL;

  if (self->backend == TERN_SECRETS_FILE)
    {
      g_autoptr(GKeyFile) kf = load_file (self, error);

      if (kf == NULL)
        return FALSE;
      if (!g_key_file_has_group (kf, account))
        return TRUE;
      g_key_file_remove_group (kf, account, NULL);
      return save_file (self, kf, error);
    }
  if (!migrate_file (self, error))
    return FALSE;
  if (!secret_password_clear_sync (tern_secret_schema (), NULL, &local_error,
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
  g_hash_table_unref (self->tokens);
  g_mutex_clear (&self->tokens_lock);
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
  g_mutex_init (&self->tokens_lock);
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, access_token_free);
}

void
tern_secrets_remember_access_token (TernSecrets *self, const char *account,
                                    const char *token, gint64 expires_at)
{
  AccessToken *t = g_new0 (AccessToken, 1);

  t->token = g_strdup (token);
  t->expires_at = expires_at;
  g_mutex_lock (&self->tokens_lock);
  g_hash_table_replace (self->tokens, g_strdup (account), t);
  g_mutex_unlock (&self->tokens_lock);
}

char *
tern_secrets_recall_access_token (TernSecrets *self, const char *account, guint margin_seconds)
{
  char *copy = NULL;
  AccessToken *t;

  g_mutex_lock (&self->tokens_lock);
  t = g_hash_table_lookup (self->tokens, account);
  if (t != NULL &&
      t->expires_at - (gint64) margin_seconds * G_USEC_PER_SEC > g_get_monotonic_time ())
    copy = g_strdup (t->token);
  g_mutex_unlock (&self->tokens_lock);
  return copy;
}

void
tern_secrets_forget_access_token (TernSecrets *self, const char *account)
{
  g_mutex_lock (&self->tokens_lock);
  g_hash_table_remove (self->tokens, account);
  g_mutex_unlock (&self->tokens_lock);
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
