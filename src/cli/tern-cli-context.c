/* tern-cli-context.c: shared state and error reporting of tern-cli. */
#include "tern-cli-context.h"

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

  if (store == NULL)
    return NULL;
  return tern_store_get_account_by_name (store, name, error);
}

static int
exit_code_for (const GError *error)
{
  if (error->domain != TERN_ERROR)
    return TERN_EXIT_FAILED;
  switch ((TernError) error->code)
    {
    case TERN_ERROR_AUTH: return TERN_EXIT_AUTH;
    case TERN_ERROR_HOST_NOT_FOUND: return TERN_EXIT_HOST;
    case TERN_ERROR_CONNECTION_REFUSED:
    case TERN_ERROR_TIMED_OUT:
    case TERN_ERROR_CONNECTION_LOST:
    case TERN_ERROR_OFFLINE: return TERN_EXIT_CONNECT;
    case TERN_ERROR_CERTIFICATE: return TERN_EXIT_CERTIFICATE;
    case TERN_ERROR_NO_STARTTLS:
    case TERN_ERROR_ENCRYPTION_REQUIRED:
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
tern_cli_json_string (FILE *out, const char *s)
{
  fputc ('"', out);
  for (const char *p = s ? s : ""; *p; p++)
    {
      unsigned char c = (unsigned char) *p;
      if (c == '"' || c == '\\')
        fprintf (out, "\\%c", c);
      else if (c == '\n')
        fputs ("\\n", out);
      else if (c == '\t')
        fputs ("\\t", out);
      else if (c < 0x20)
        fprintf (out, "\\u%04x", c);
      else
        fputc (c, out);
    }
  fputc ('"', out);
}
