/* tern-cli-context.c: shared state and error reporting of tern-cli. */
#include "tern-cli-context.h"

#include "imap/tern-imap-mailbox.h"

static TernCli cli_state;

TernCli *
tern_cli_get (void)
{
  return &cli_state;
}

TernStore *
tern_cli_store (GError **error)
{
  TernCli *cli = tern_cli_get ();

  if (cli->store == NULL)
    cli->store = tern_store_open (cli->data_dir, TERN_STORE_OPEN_WRITER, error);
  return cli->store;
}

TernSecrets *
tern_cli_secrets (void)
{
  TernCli *cli = tern_cli_get ();

  if (cli->secrets == NULL)
    cli->secrets = tern_secrets_new (cli->data_dir, cli->secrets_backend);
  return cli->secrets;
}

TernAccountSettings *
tern_cli_account (const char *name, GError **error)
{
  TernStore *store = tern_cli_store (error);

  g_autoptr(GError) local = NULL;
  TernAccountSettings *a;

  if (store == NULL)
    return NULL;
  a = tern_store_get_account_by_name (store, name, &local);
  /* "local" names the folders on this computer, unless an account has it. */
  if (a == NULL && g_error_matches (local, TERN_ERROR, TERN_ERROR_NOT_FOUND) &&
      g_ascii_strcasecmp (name, TERN_CLI_LOCAL) == 0)
    return tern_store_get_local_account (store, TRUE, error);
  if (a == NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  return a;
}

static int
exit_code_for (const GError *error)
{
  if (error->domain != TERN_ERROR)
    return TERN_EXIT_FAILED;
  switch ((TernError) error->code)
    {
    case TERN_ERROR_AUTH: return TERN_EXIT_AUTH;
    case TERN_ERROR_SIGN_IN_AGAIN: return TERN_EXIT_SIGN_IN;
    case TERN_ERROR_HOST_NOT_FOUND: return TERN_EXIT_HOST;
    case TERN_ERROR_CONNECTION_REFUSED:
    case TERN_ERROR_TIMED_OUT:
    case TERN_ERROR_CONNECTION_LOST:
    case TERN_ERROR_OFFLINE: return TERN_EXIT_CONNECT;
    case TERN_ERROR_CERTIFICATE: return TERN_EXIT_CERTIFICATE;
    case TERN_ERROR_NO_STARTTLS:
    case TERN_ERROR_ENCRYPTION_REQUIRED:
    case TERN_ERROR_WRONG_SECURITY:
    case TERN_ERROR_PROTOCOL:
    case TERN_ERROR_UNSUPPORTED: return TERN_EXIT_PROTOCOL;
    case TERN_ERROR_NOT_FOUND: return TERN_EXIT_NOT_FOUND;
    case TERN_ERROR_STORE:
    case TERN_ERROR_DISK_FULL:
    case TERN_ERROR_CORRUPT: return TERN_EXIT_STORE;
    case TERN_ERROR_REJECTED:
    case TERN_ERROR_TOO_LARGE: return TERN_EXIT_REJECTED;
    case TERN_ERROR_INVALID: return TERN_EXIT_USAGE;
    default: return TERN_EXIT_FAILED;
    }
}

int
tern_cli_fail (const GError *error, const TernCertificateInfo *cert)
{
  fprintf (stderr, "tern-cli: %s\n", error->message);
  if (cert != NULL)
    {
      g_autofree char *from = cert->not_before ? g_date_time_format (cert->not_before, "%F") : NULL;
      g_autofree char *until = cert->not_after ? g_date_time_format (cert->not_after, "%F") : NULL;

      fprintf (stderr,
               "Certificate of %s:%u\n  subject: %s\n  issuer:  %s\n  valid:   %s to %s\n"
               "  problem: %s\n  SHA-256: %s\n"
               "If you are sure this is your server's certificate, trust it with "
               "--accept-cert %s\n",
               cert->host, cert->port, cert->subject, cert->issuer,
               from ? from : "?", until ? until : "?", cert->description, cert->sha256,
               cert->sha256);
    }
  return exit_code_for (error);
}

int
tern_cli_usage (const char *usage)
{
  fprintf (stderr, "Usage: tern-cli %s\n", usage);
  return TERN_EXIT_USAGE;
}

gboolean
tern_cli_parse_id (const char *text, gint64 *out)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &v, NULL))
    return FALSE;
  *out = (gint64) v;
  return TRUE;
}

void
tern_cli_print_json (JsonNode *root)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  json_node_unref (root);
  puts (text);
}

void
tern_cli_json_string (JsonBuilder *json, const char *name, const char *value)
{
  json_builder_set_member_name (json, name);
  if (value != NULL)
    json_builder_add_string_value (json, value);
  else
    json_builder_add_null_value (json);
}

void
tern_cli_json_int (JsonBuilder *json, const char *name, gint64 value)
{
  json_builder_set_member_name (json, name);
  json_builder_add_int_value (json, value);
}

char *
tern_cli_folder_name (const TernAccountSettings *account, const TernFolder *folder)
{
  /* POP3 folders are local and named in UTF-8 already. */
  if (account->protocol != TERN_PROTOCOL_IMAP)
    return g_strdup (folder->path);
  return tern_imap_mailbox_to_utf8 (folder->path);
}

TernFolder *
tern_cli_folder (const TernAccountSettings *account, const char *name, GError **error)
{
  g_autoptr(GPtrArray) folders = tern_store_list_folders (tern_cli_get ()->store, account->id,
                                                          error);
  TernFolderRole role = tern_folder_role_from_string (name);
  const TernFolder *by_name = NULL, *by_role = NULL;

  if (folders == NULL)
    return NULL;
  for (guint i = 0; i < folders->len; i++)
    {
      const TernFolder *f = g_ptr_array_index (folders, i);
      g_autofree char *shown = NULL;

      if (g_str_equal (f->path, name))
        return tern_folder_copy (f);
      shown = tern_cli_folder_name (account, f);
      if (by_name == NULL && g_str_equal (shown, name))
        by_name = f;
      if (by_role == NULL && role != TERN_FOLDER_ROLE_NONE && f->role == role)
        by_role = f;
    }
  if (by_name != NULL || by_role != NULL)
    return tern_folder_copy (by_name != NULL ? by_name : by_role);
  if (account->protocol == TERN_PROTOCOL_LOCAL)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND,
                   "There is no folder “%s” on this computer (tern-cli local create “%s” "
                   "makes one).", name, name);
      return NULL;
    }
  if (folders->len == 0)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND,
                   "Account “%s” has no folders yet, so no folder “%s”: run tern-cli sync %s "
                   "first.", account->name, name, account->name);
      return NULL;
    }
  g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND,
               "Account “%s” has no folder “%s” (tern-cli folders %s lists them).",
               account->name, name, account->name);
  return NULL;
}
