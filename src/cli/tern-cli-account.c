/* tern-cli-account.c: tern-cli account add|list|test|remove. */
#include <stdio.h>
#include <string.h>

#include "account/tern-account-connect.h"
#include "account/tern-account-token.h"
#include "smtp/tern-smtp-send.h"
#include "tern-cli-context.h"
#include "tern-cli-oauth.h"

#define ADD_USAGE \
  "account add NAME --email A (--protocol imap|pop3 --host H [--port P] | --discover [--trust-host H])\n" \
  "         [--security tls|starttls|none] [--user U] (--password-stdin | --oauth2 PROVIDER [--oauth2-token-stdin])\n" \
  "         [--smtp-host H --smtp-port P --smtp-security S] [--smtp-user U] [--smtp-auth password|none]\n" \
  "         [--offline all|days:N] [--accept-cert SHA256] [--accept-smtp-cert SHA256]\n" \
  "         [--leave-on-server yes|no] [--delete-after-days N] [--delete-when-deleted-here yes|no]"

typedef struct {
  char *email, *display_name, *protocol, *host, *security, *user;
  char *smtp_host, *smtp_security, *smtp_user, *smtp_auth, *offline;
  char *accept_cert, *accept_smtp_cert, *leave_on_server, *delete_here, *oauth2;
  char **trust_hosts;
  int port, smtp_port, delete_after_days;
  gboolean password_stdin, discover, oauth2_token_stdin;
} AddOptions;

static void
add_options_clear (AddOptions *o)
{
  char **strings[] = { &o->email, &o->display_name, &o->protocol, &o->host, &o->security,
                       &o->user, &o->smtp_host, &o->smtp_security, &o->smtp_user,
                       &o->smtp_auth, &o->offline, &o->accept_cert, &o->accept_smtp_cert,
                       &o->leave_on_server, &o->delete_here, &o->oauth2 };
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    g_clear_pointer (strings[i], g_free);
  g_clear_pointer (&o->trust_hosts, g_strfreev);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AddOptions, add_options_clear)

static gboolean
parse_yes_no (const char *text, gboolean *out, GError **error)
{
  if (text == NULL)
    return TRUE;
  if (g_ascii_strcasecmp (text, "yes") == 0)
    *out = TRUE;
  else if (g_ascii_strcasecmp (text, "no") == 0)
    *out = FALSE;
  else
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID, "Expected yes or no, not “%s”.", text);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_offline (const char *text, guint *days, GError **error)
{
  guint64 n;

  if (text == NULL || g_str_equal (text, "all"))
    {
      *days = 0;
      return TRUE;
    }
  if (g_str_has_prefix (text, "days:") &&
      g_ascii_string_to_unsigned (text + 5, 10, 1, 100000, &n, NULL))
    {
      *days = (guint) n;
      return TRUE;
    }
  g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID,
               "--offline takes “all” or “days:N”, not “%s”.", text);
  return FALSE;
}

static gboolean
parse_security (const char *text, TernSecurity *out, GError **error)
{
  if (text == NULL)
    return TRUE;
  if (tern_security_from_string (text, out))
    return TRUE;
  g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID,
               "Security must be tls, starttls or none, not “%s”.", text);
  return FALSE;
}

static char *
read_password_stdin (GError **error)
{
  char buf[4096];
  gsize len;

  if (fgets (buf, sizeof buf, stdin) == NULL)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID, "No password on standard input.");
      return NULL;
    }
  len = strlen (buf);
  while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
    buf[--len] = '\0';
  {
    char *pw = g_strdup (buf);
    memset (buf, 0, sizeof buf);
    return pw;
  }
}

static void
take_default (char **where, const char *value)
{
  if (*where == NULL)
    *where = g_strdup (value);
}

/* --discover: what the lookup found fills every setting not given, and a
 * password goes to a server it cannot vouch for only with --trust-host. */
static gboolean
fill_from_discovery (AddOptions *o, GError **error)
{
  g_autoptr(TernDiscoveredConfig) config = NULL;
  const TernDiscoveredServer *in, *out = NULL;

  if (o->email == NULL)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID, "--discover needs --email.");
      return FALSE;
    }
  config = tern_cli_discover (o->email, error);
  if (config == NULL)
    return FALSE;
  if (config->incoming->len == 0)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND,
                   "No incoming mail server was found for %s: give --protocol and --host.",
                   o->email);
      return FALSE;
    }
  in = g_ptr_array_index (config->incoming, 0);
  if (config->outgoing->len > 0)
    out = g_ptr_array_index (config->outgoing, 0);
  if (o->host == NULL)
    {
      take_default (&o->protocol, tern_protocol_to_string (in->protocol));
      take_default (&o->host, in->host);
      take_default (&o->security, tern_security_to_string (in->security));
      if (o->port <= 0)
        o->port = in->port;
      if (!in->username_guessed)
        take_default (&o->user, in->username);
    }
  if (o->smtp_host == NULL && out != NULL)
    {
      take_default (&o->smtp_host, out->host);
      take_default (&o->smtp_security, tern_security_to_string (out->security));
      if (o->smtp_port <= 0)
        o->smtp_port = out->port;
      if (out->auth == TERN_AUTH_NONE)
        take_default (&o->smtp_auth, "none");
    }
  /* ISPDB's <authentication>OAuth2</authentication>, at a provider Tern knows. */
  if (o->oauth2 == NULL && !o->password_stdin && in->oauth2)
    o->oauth2 = tern_oauth_provider_for_email (o->email);
  fprintf (stderr, "tern-cli: from %s: %s %s:%d%s%s\n", config->source_description,
           o->protocol, o->host, o->port, o->smtp_host ? ", SMTP " : "",
           o->smtp_host ? o->smtp_host : "");
  return tern_cli_host_is_trusted (config, o->host, o->trust_hosts, error)
         && (o->smtp_host == NULL || g_strcmp0 (o->smtp_auth, "none") == 0
             || tern_cli_host_is_trusted (config, o->smtp_host, o->trust_hosts, error));
}

/* --oauth2 PROVIDER: the provider's servers fill what was not given. */
static gboolean
fill_from_provider (AddOptions *o, TernAccountSettings *s, GError **error)
{
  g_autoptr(TernOAuthProvider) provider = tern_oauth_provider_lookup (o->oauth2, error);

  if (provider == NULL)
    return FALSE;
  if (o->protocol == NULL)
    o->protocol = g_strdup ("imap");
  tern_protocol_from_string (o->protocol, &s->protocol);
  tern_cli_oauth_fill_servers (provider, s, &o->host, &o->security, &o->port,
                               &o->smtp_host, &o->smtp_security, &o->smtp_port);
  s->sign_in = TERN_SIGN_IN_OAUTH2;
  s->oauth2_provider = g_strdup (provider->id);
  return TRUE;
}

static gboolean
fill_settings (const char *name, AddOptions *o, TernAccountSettings *s, GError **error)
{
  if (o->discover && !fill_from_discovery (o, error))
    return FALSE;
  if (o->oauth2 != NULL && !fill_from_provider (o, s, error))
    return FALSE;
  if (o->email == NULL || o->host == NULL || o->protocol == NULL)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID,
                   "--email, --protocol and --host are required.");
      return FALSE;
    }
  if (!tern_protocol_from_string (o->protocol, &s->protocol) ||
      s->protocol == TERN_PROTOCOL_LOCAL)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID,
                   "--protocol must be imap or pop3, not “%s”.", o->protocol);
      return FALSE;
    }
  if (!parse_security (o->security, &s->incoming_security, error) ||
      !parse_security (o->smtp_security, &s->smtp_security, error) ||
      !parse_offline (o->offline, &s->offline_days, error) ||
      !parse_yes_no (o->leave_on_server, &s->pop3_leave_on_server, error) ||
      !parse_yes_no (o->delete_here, &s->pop3_delete_when_deleted_here, error))
    return FALSE;
  if (o->smtp_auth != NULL && !tern_smtp_auth_from_string (o->smtp_auth, &s->smtp_auth))
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID, "--smtp-auth must be password or none.");
      return FALSE;
    }
  s->name = g_strdup (name);
  s->email = g_strdup (o->email);
  s->display_name = g_strdup (o->display_name ? o->display_name : "");
  s->incoming_host = g_strdup (o->host);
  s->incoming_port = o->port > 0 ? o->port
                     : tern_default_port (tern_protocol_to_string (s->protocol), s->incoming_security);
  s->incoming_user = g_strdup (o->user ? o->user : o->email);
  s->incoming_cert_sha256 = g_strdup (o->accept_cert);
  s->smtp_host = g_strdup (o->smtp_host ? o->smtp_host : "");
  s->smtp_port = o->smtp_port > 0 ? o->smtp_port : tern_default_port ("smtp", s->smtp_security);
  s->smtp_user = g_strdup (o->smtp_user ? o->smtp_user : "");
  s->smtp_cert_sha256 = g_strdup (o->accept_smtp_cert);
  if (o->delete_after_days >= 0)
    s->pop3_delete_after_days = o->delete_after_days;
  return tern_account_settings_validate (s, error);
}

/* Signs in first (the browser may take a while), then adds the account. */
static int
add_oauth2_account (TernAccountSettings *s, gboolean token_stdin)
{
  g_autoptr(GError) error = NULL;
  TernStore *store = tern_cli_store (&error);
  g_autoptr(TernAccountSettings) existing = NULL;

  if (store == NULL)
    return tern_cli_fail (error, NULL);
  existing = tern_store_get_account_by_name (store, s->name, NULL);
  if (existing != NULL)
    {
      g_set_error (&error, TERN_ERROR, TERN_ERROR_EXISTS,
                   "An account named “%s” already exists", s->name);
      return tern_cli_fail (error, NULL);
    }
  if (!tern_cli_oauth_sign_in (s, token_stdin, &error))
    return tern_cli_fail (error, NULL);
  if (tern_store_add_account (store, s, &error) == 0)
    {
      tern_secrets_clear (tern_cli_secrets (), s->name, NULL);
      return tern_cli_fail (error, NULL);
    }
  printf ("Added account %s (%s), signed in with %s.\n", s->name, s->email, s->oauth2_provider);
  return TERN_EXIT_OK;
}

/* account sign-in NAME: a new sign-in for an OAuth2 account whose sign-in
 * expired or was revoked. */
static int
account_sign_in (int argc, char **argv)
{
  gboolean token_stdin = FALSE;
  GOptionEntry entries[] = {
    { "oauth2-token-stdin", 0, 0, G_OPTION_ARG_NONE, &token_stdin,
      "Read a refresh token from stdin instead of opening the browser", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("NAME");
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc != 2)
    return tern_cli_usage ("account sign-in NAME [--oauth2-token-stdin]");
  if ((a = tern_cli_account (argv[1], &error)) == NULL)
    return tern_cli_fail (error, NULL);
  if (a->sign_in != TERN_SIGN_IN_OAUTH2)
    {
      g_set_error (&error, TERN_ERROR, TERN_ERROR_INVALID,
                   "Account “%s” does not sign in with OAuth2.", a->name);
      return tern_cli_fail (error, NULL);
    }
  if (!tern_cli_oauth_sign_in (a, token_stdin, &error))
    return tern_cli_fail (error, NULL);
  printf ("Signed in to account %s.\n", a->name);
  return TERN_EXIT_OK;
}

static int
account_add (int argc, char **argv)
{
  g_auto(AddOptions) o = { .delete_after_days = -1 };
  GOptionEntry entries[] = {
    { "email", 0, 0, G_OPTION_ARG_STRING, &o.email, "Email address", "A" },
    { "display-name", 0, 0, G_OPTION_ARG_STRING, &o.display_name, "Your name", "N" },
    { "protocol", 0, 0, G_OPTION_ARG_STRING, &o.protocol, "imap or pop3", "P" },
    { "host", 0, 0, G_OPTION_ARG_STRING, &o.host, "Incoming server", "H" },
    { "port", 0, 0, G_OPTION_ARG_INT, &o.port, "Incoming port", "P" },
    { "security", 0, 0, G_OPTION_ARG_STRING, &o.security, "tls, starttls or none", "S" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &o.user, "Login name (default: email)", "U" },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &o.password_stdin, "Read the password from stdin", NULL },
    { "oauth2", 0, 0, G_OPTION_ARG_STRING, &o.oauth2,
      "Sign in with OAuth2 at PROVIDER (google, microsoft, yahoo, aol) in the browser", "PROVIDER" },
    { "oauth2-token-stdin", 0, 0, G_OPTION_ARG_NONE, &o.oauth2_token_stdin,
      "With --oauth2: read a refresh token from stdin instead of opening the browser", NULL },
    { "smtp-host", 0, 0, G_OPTION_ARG_STRING, &o.smtp_host, "Outgoing server", "H" },
    { "smtp-port", 0, 0, G_OPTION_ARG_INT, &o.smtp_port, "Outgoing port", "P" },
    { "smtp-security", 0, 0, G_OPTION_ARG_STRING, &o.smtp_security, "tls, starttls or none", "S" },
    { "smtp-user", 0, 0, G_OPTION_ARG_STRING, &o.smtp_user, "SMTP login (default: incoming)", "U" },
    { "smtp-auth", 0, 0, G_OPTION_ARG_STRING, &o.smtp_auth, "password or none", "A" },
    { "offline", 0, 0, G_OPTION_ARG_STRING, &o.offline, "all or days:N", "O" },
    { "accept-cert", 0, 0, G_OPTION_ARG_STRING, &o.accept_cert, "Trust this incoming certificate", "SHA256" },
    { "accept-smtp-cert", 0, 0, G_OPTION_ARG_STRING, &o.accept_smtp_cert, "Trust this SMTP certificate", "SHA256" },
    { "leave-on-server", 0, 0, G_OPTION_ARG_STRING, &o.leave_on_server, "POP3: yes or no", "Y" },
    { "delete-after-days", 0, 0, G_OPTION_ARG_INT, &o.delete_after_days, "POP3: days, 0 = never", "N" },
    { "delete-when-deleted-here", 0, 0, G_OPTION_ARG_STRING, &o.delete_here, "POP3: yes or no", "Y" },
    { "discover", 0, 0, G_OPTION_ARG_NONE, &o.discover, "Look up the servers from the address", NULL },
    { "trust-host", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.trust_hosts,
      "Send the password to this server although it is outside the address's domain", "H" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("NAME");
  g_autoptr(TernAccountSettings) s = tern_account_settings_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  TernStore *store;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc != 2)
    {
      if (error != NULL)
        fprintf (stderr, "tern-cli: %s\n", error->message);
      return tern_cli_usage (ADD_USAGE);
    }
  if (!fill_settings (argv[1], &o, s, &error))
    return tern_cli_fail (error, NULL);
  if (o.oauth2 != NULL)
    return add_oauth2_account (s, o.oauth2_token_stdin);
  if (!o.password_stdin)
    return tern_cli_usage (ADD_USAGE);
  password = read_password_stdin (&error);
  if (password == NULL || (store = tern_cli_store (&error)) == NULL)
    return tern_cli_fail (error, NULL);
  if (tern_store_add_account (store, s, &error) == 0)
    return tern_cli_fail (error, NULL);
  if (!tern_secrets_store (tern_cli_secrets (), s->name, TERN_SECRET_INCOMING, password, &error))
    {
      /* No account without its password: take it back. */
      tern_store_remove_account (store, s->id, NULL);
      return tern_cli_fail (error, NULL);
    }
  if (tern_cli_get ()->secrets_backend == TERN_SECRETS_FILE)
    fprintf (stderr, "tern-cli: warning: the password is kept in a file (%s/passwords.ini, "
             "readable only by you), not in a keyring.\n", tern_cli_get ()->data_dir);
  printf ("Added account %s (%s).\n", s->name, s->email);
  return TERN_EXIT_OK;
}

static void
add_account_json (JsonBuilder *json, const TernAccountSettings *a)
{
  TernQuota q = { 0 };

  json_builder_begin_object (json);
  tern_cli_json_string (json, "name", a->name);
  tern_cli_json_string (json, "email", a->email);
  tern_cli_json_string (json, "protocol", tern_protocol_to_string (a->protocol));
  tern_cli_json_string (json, "host", a->incoming_host);
  tern_cli_json_int (json, "port", a->incoming_port);
  tern_cli_json_string (json, "security", tern_security_to_string (a->incoming_security));
  if (tern_store_get_quota (tern_cli_get ()->store, a->id, &q, NULL))
    {
      tern_cli_json_int (json, "quota_used_kib", (gint64) q.used_kib);
      tern_cli_json_int (json, "quota_limit_kib", (gint64) q.limit_kib);
    }
  json_builder_end_object (json);
}

static int
account_list (void)
{
  g_autoptr(GError) error = NULL;
  TernStore *store = tern_cli_store (&error);
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(JsonBuilder) json = NULL;

  if (store == NULL || (accounts = tern_store_list_accounts (store, &error)) == NULL)
    return tern_cli_fail (error, NULL);
  if (!tern_cli_get ()->json)
    {
      for (guint i = 0; i < accounts->len; i++)
        {
          const TernAccountSettings *a = g_ptr_array_index (accounts, i);
          printf ("%s\t%s\t%s\t%s:%u\n", a->name, a->email, tern_protocol_to_string (a->protocol),
                  a->incoming_host, a->incoming_port);
        }
      return TERN_EXIT_OK;
    }
  json = json_builder_new ();
  json_builder_begin_array (json);
  for (guint i = 0; i < accounts->len; i++)
    add_account_json (json, g_ptr_array_index (accounts, i));
  json_builder_end_array (json);
  tern_cli_print_json (json_builder_get_root (json));
  return TERN_EXIT_OK;
}

/* One account's settings, and what its server said about the quota. */
static int
account_show (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = tern_cli_account (name, &error);
  g_autofree char *quota = NULL;
  TernQuota q = { 0 };

  if (a == NULL)
    return tern_cli_fail (error, NULL);
  if (tern_store_get_quota (tern_cli_get ()->store, a->id, &q, NULL))
    quota = tern_quota_to_text (&q);
  if (tern_cli_get ()->json)
    {
      g_autoptr(JsonBuilder) json = json_builder_new ();

      add_account_json (json, a);
      tern_cli_print_json (json_builder_get_root (json));
      return TERN_EXIT_OK;
    }
  printf ("Name:\t%s\nEmail:\t%s\nIncoming:\t%s %s:%u (%s)\nOutgoing:\tsmtp %s:%u (%s)\n"
          "Quota:\t%s\n", a->name, a->email, tern_protocol_to_string (a->protocol),
          a->incoming_host, a->incoming_port, tern_security_to_string (a->incoming_security),
          a->smtp_host, a->smtp_port, tern_security_to_string (a->smtp_security),
          quota != NULL ? quota : "not offered by the server");
  if (quota != NULL && tern_quota_is_nearly_full (&q))
    printf ("%s\n", TERN_QUOTA_WARNING);
  return TERN_EXIT_OK;
}

/* Logs in to one server of the account with its stored password. */
static gboolean
test_server (TernAccountSettings *a, gboolean outgoing, TernCertificateInfo **cert,
             GError **error)
{
  g_autofree char *password = tern_account_lookup_password (a, tern_cli_secrets (), outgoing, error);

  return password != NULL &&
         tern_account_test_login (a, outgoing, password, 0, NULL, cert, error);
}

/* One line per server, each followed by what went wrong, so a user sees
 * at once whether incoming or outgoing mail is the problem. Returns the
 * exit code for that server. */
static int
report_test (const char *label, const char *host, guint port, gboolean ok,
             const GError *error, const TernCertificateInfo *cert)
{
  int status = TERN_EXIT_OK;

  if (host == NULL || *host == '\0')
    printf ("%s: not set up\n", label);
  else
    printf ("%s %s:%u: %s\n", label, host, port, ok ? "OK" : "failed");
  fflush (stdout);
  if (!ok)
    status = tern_cli_fail (error, cert);
  fflush (stderr);
  return status;
}

static int
account_test (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) smtp_error = NULL;
  g_autoptr(TernAccountSettings) a = tern_cli_account (name, &error);
  g_autoptr(TernCertificateInfo) cert = NULL;
  g_autoptr(TernCertificateInfo) smtp_cert = NULL;
  gboolean in_ok, out_ok;
  int in_status, out_status;

  if (a == NULL)
    return tern_cli_fail (error, NULL);
  in_ok = test_server (a, FALSE, &cert, &error);
  in_status = report_test (a->protocol == TERN_PROTOCOL_IMAP ? "Incoming mail (IMAP)"
                                                             : "Incoming mail (POP3)",
                           a->incoming_host, a->incoming_port, in_ok, error, cert);
  out_ok = test_server (a, TRUE, &smtp_cert, &smtp_error);
  out_status = report_test ("Outgoing mail (SMTP)", a->smtp_host, a->smtp_port, out_ok,
                            smtp_error, smtp_cert);
  /* Incoming first: it is what the account is for. */
  return in_status != TERN_EXIT_OK ? in_status : out_status;
}

static int
account_remove (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = tern_cli_account (name, &error);

  if (a == NULL || !tern_store_remove_account (tern_cli_get ()->store, a->id, &error))
    return tern_cli_fail (error, NULL);
  tern_account_revoke_sign_in (a, tern_cli_secrets (), NULL);
  if (!tern_secrets_clear (tern_cli_secrets (), a->name, &error))
    return tern_cli_fail (error, NULL);
  printf ("Removed account %s and its local mail.\n", a->name);
  return TERN_EXIT_OK;
}

int
tern_cli_account_main (int argc, char **argv)
{
  const char *usage = "account add|list|show|test|remove|sign-in [NAME]";

  if (argc < 2)
    return tern_cli_usage (usage);
  if (g_str_equal (argv[1], "add"))
    return account_add (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "sign-in"))
    return account_sign_in (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "list") && argc == 2)
    return account_list ();
  if (g_str_equal (argv[1], "show") && argc == 3)
    return account_show (argv[2]);
  if (g_str_equal (argv[1], "test") && argc == 3)
    return account_test (argv[2]);
  if (g_str_equal (argv[1], "remove") && argc == 3)
    return account_remove (argv[2]);
  return tern_cli_usage (usage);
}
