/* tern-autoconfig-result.c: TernDiscoveredConfig, the result of discovery. */
#include "tern-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "autoconfig/tern-autoconfig-private.h"
#include "core/tern-error.h"

G_DEFINE_BOXED_TYPE (TernDiscoveredConfig, tern_discovered_config,
                     tern_discovered_config_ref, tern_discovered_config_unref)

TernDiscoveredConfig *
tern_discovered_config_new (const char *email, TernAutoconfigSource source)
{
  TernDiscoveredConfig *config = g_new0 (TernDiscoveredConfig, 1);

  config->ref_count = 1;
  config->source = source;
  config->email = g_strdup (email);
  config->incoming = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_discovered_server_free);
  config->outgoing = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_discovered_server_free);
  config->notes = g_ptr_array_new_with_free_func (g_free);
  return config;
}

TernDiscoveredConfig *
tern_discovered_config_ref (TernDiscoveredConfig *config)
{
  g_return_val_if_fail (config != NULL, NULL);
  g_atomic_int_inc (&config->ref_count);
  return config;
}

void
tern_discovered_config_unref (TernDiscoveredConfig *config)
{
  g_return_if_fail (config != NULL);
  if (!g_atomic_int_dec_and_test (&config->ref_count))
    return;
  g_free (config->source_description);
  g_free (config->source_url);
  g_free (config->display_name);
  g_free (config->email);
  g_ptr_array_unref (config->incoming);
  g_ptr_array_unref (config->outgoing);
  g_ptr_array_unref (config->notes);
  g_free (config);
}

const char *
tern_autoconfig_intern_service (const char *service)
{
  if (g_strcmp0 (service, "imap") == 0)
    return "imap";
  if (g_strcmp0 (service, "pop3") == 0)
    return "pop3";
  if (g_strcmp0 (service, "smtp") == 0)
    return "smtp";
  return NULL;
}

TernDiscoveredServer *
tern_discovered_server_new (const char *service,
                            const char *host,
                            guint16 port,
                            TernSecurity security,
                            const char *username,
                            gboolean username_guessed,
                            TernAuthMethod auth)
{
  TernDiscoveredServer *server = g_new0 (TernDiscoveredServer, 1);

  server->service = tern_autoconfig_intern_service (service);
  g_assert (server->service != NULL);
  server->protocol = g_str_equal (server->service, "pop3") ? TERN_PROTOCOL_POP3
                                                           : TERN_PROTOCOL_IMAP;
  server->host = g_ascii_strdown (host, -1);
  server->port = port;
  server->security = security;
  server->username = g_strdup (username);
  server->username_guessed = username_guessed;
  server->auth = auth;
  return server;
}

void
tern_discovered_server_free (TernDiscoveredServer *server)
{
  if (server == NULL)
    return;
  g_free (server->host);
  g_free (server->username);
  g_free (server);
}

void
tern_discovered_config_take_server (TernDiscoveredConfig *config,
                                    TernDiscoveredServer *server)
{
  GPtrArray *list = g_str_equal (server->service, "smtp") ? config->outgoing
                                                          : config->incoming;
  guint i;

  /* The same server twice (e.g. from two SRV names) is listed once. */
  for (i = 0; i < list->len; i++)
    {
      TernDiscoveredServer *s = g_ptr_array_index (list, i);
      if (s->service == server->service && s->port == server->port &&
          s->security == server->security && g_str_equal (s->host, server->host))
        {
          tern_discovered_server_free (server);
          return;
        }
    }
  g_ptr_array_add (list, server);
}

static int
security_rank (TernSecurity security)
{
  switch (security)
    {
    case TERN_SECURITY_TLS: return 0;
    case TERN_SECURITY_STARTTLS: return 1;
    case TERN_SECURITY_NONE: default: return 2;
    }
}

static int
compare_servers (gconstpointer a, gconstpointer b)
{
  const TernDiscoveredServer *sa = *(TernDiscoveredServer *const *) a;
  const TernDiscoveredServer *sb = *(TernDiscoveredServer *const *) b;
  int pa = g_str_equal (sa->service, "pop3");
  int pb = g_str_equal (sb->service, "pop3");

  if (pa != pb)
    return pa - pb;
  return security_rank (sa->security) - security_rank (sb->security);
}

/* Insertion sort: stable, and the lists hold a handful of entries. */
static void
stable_sort (GPtrArray *list)
{
  guint i, j;

  for (i = 1; i < list->len; i++)
    for (j = i; j > 0 && compare_servers (&list->pdata[j - 1], &list->pdata[j]) > 0; j--)
      {
        gpointer tmp = list->pdata[j];
        list->pdata[j] = list->pdata[j - 1];
        list->pdata[j - 1] = tmp;
      }
}

void
tern_discovered_config_sort (TernDiscoveredConfig *config)
{
  stable_sort (config->incoming);
  stable_sort (config->outgoing);
}

void
tern_discovered_config_add_note (TernDiscoveredConfig *config,
                                 const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (config->notes, g_strdup_vprintf (format, args));
  va_end (args);
}

void
tern_discovered_config_describe (TernDiscoveredConfig *config, const char *domain)
{
  g_free (config->source_description);
  switch (config->source)
    {
    case TERN_AUTOCONFIG_SOURCE_PROVIDER:
      config->source_description = g_strdup_printf (_("settings published by %s"), domain);
      break;
    case TERN_AUTOCONFIG_SOURCE_ISPDB:
      config->source_description = g_strdup (_("Thunderbird’s ISP database"));
      break;
    case TERN_AUTOCONFIG_SOURCE_SRV:
      config->source_description = g_strdup (_("DNS SRV records"));
      break;
    case TERN_AUTOCONFIG_SOURCE_PROBE:
    default:
      config->source_description = g_strdup (_("found by trying common server names"));
      break;
    }
}

const char *
tern_autoconfig_source_to_string (TernAutoconfigSource source)
{
  switch (source)
    {
    case TERN_AUTOCONFIG_SOURCE_PROVIDER: return "provider";
    case TERN_AUTOCONFIG_SOURCE_ISPDB: return "ispdb";
    case TERN_AUTOCONFIG_SOURCE_SRV: return "srv";
    case TERN_AUTOCONFIG_SOURCE_PROBE: return "probe";
    default: return "unknown";
    }
}

const char *
tern_auth_method_to_string (TernAuthMethod auth)
{
  switch (auth)
    {
    case TERN_AUTH_PASSWORD_CLEARTEXT: return "password-cleartext";
    case TERN_AUTH_PASSWORD_ENCRYPTED: return "password-encrypted";
    case TERN_AUTH_OAUTH2: return "oauth2";
    case TERN_AUTH_NONE: return "none";
    case TERN_AUTH_OTHER: default: return "other";
    }
}

/* Letters, digits, '-' and '.', labels of 1..63, at most 253 in all: what
 * may come from hostile XML or DNS is only ever a host name. */
gboolean
tern_autoconfig_is_valid_hostname (const char *host)
{
  gsize len, label = 0;
  const char *p;

  if (host == NULL)
    return FALSE;
  len = strlen (host);
  if (len == 0 || len > 253 || host[0] == '.' || host[0] == '-')
    return FALSE;
  for (p = host; *p; p++)
    {
      if (*p == '.')
        {
          if (label == 0)
            return FALSE;
          label = 0;
          continue;
        }
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
        return FALSE;
      if (++label > 63)
        return FALSE;
    }
  return label > 0;
}

gboolean
tern_autoconfig_split_address (const char *email,
                               char **local_part,
                               char **domain,
                               GError **error)
{
  const char *at;

  at = email ? strrchr (email, '@') : NULL;
  if (at == NULL || at == email || !tern_autoconfig_is_valid_hostname (at + 1) ||
      strchr (at + 1, '.') == NULL || strpbrk (email, " \t\r\n<>\"") != NULL)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID,
                   _("“%s” does not look like an email address (name@example.com)."),
                   email ? email : "");
      return FALSE;
    }
  if (local_part)
    *local_part = g_strndup (email, at - email);
  if (domain)
    *domain = g_ascii_strdown (at + 1, -1);
  return TRUE;
}

gboolean
tern_autoconfig_host_in_domain (const char *host, const char *domain)
{
  g_autofree char *h = NULL, *d = NULL;
  gsize hl, dl;

  if (host == NULL || domain == NULL || *domain == '\0')
    return FALSE;
  h = g_ascii_strdown (host, -1);
  d = g_ascii_strdown (domain, -1);
  hl = strlen (h);
  dl = strlen (d);
  if (hl > 0 && h[hl - 1] == '.')
    h[--hl] = '\0';
  if (dl > 0 && d[dl - 1] == '.')
    d[--dl] = '\0';
  if (dl == 0 || hl < dl)
    return FALSE;
  if (hl == dl)
    return g_str_equal (h, d);
  return h[hl - dl - 1] == '.' && g_str_equal (h + hl - dl, d);
}

static const char *
email_domain (const TernDiscoveredConfig *config)
{
  const char *at = config->email ? strrchr (config->email, '@') : NULL;

  return at ? at + 1 : "";
}

static void
mark_list (TernDiscoveredConfig *config, GPtrArray *list)
{
  guint i;

  for (i = 0; i < list->len; i++)
    {
      TernDiscoveredServer *server = g_ptr_array_index (list, i);

      server->needs_confirmation = !config->source_proves_domain
                                   && !tern_autoconfig_host_in_domain (server->host,
                                                                       email_domain (config));
      config->needs_confirmation |= server->needs_confirmation;
    }
}

void
tern_discovered_config_mark_foreign_hosts (TernDiscoveredConfig *config)
{
  config->needs_confirmation = FALSE;
  mark_list (config, config->incoming);
  mark_list (config, config->outgoing);
}

static gboolean
list_needs_confirmation (GPtrArray *list, const char *host)
{
  guint i;

  for (i = 0; i < list->len; i++)
    {
      const TernDiscoveredServer *server = g_ptr_array_index (list, i);

      if (server->needs_confirmation && g_ascii_strcasecmp (server->host, host) == 0)
        return TRUE;
    }
  return FALSE;
}

gboolean
tern_discovered_config_host_needs_confirmation (const TernDiscoveredConfig *config,
                                                const char *host)
{
  g_autofree char *h = NULL;
  gsize len;

  if (config == NULL || host == NULL || !config->needs_confirmation)
    return FALSE;
  h = g_strstrip (g_strdup (host));
  len = strlen (h);
  if (len > 0 && h[len - 1] == '.')
    h[len - 1] = '\0';
  return list_needs_confirmation (config->incoming, h)
         || list_needs_confirmation (config->outgoing, h);
}

char *
tern_discovered_config_confirmation (const TernDiscoveredConfig *config, const char *host)
{
  /* RFC 6186 section 6: name the host and the domain, say what happens. */
  return g_strdup_printf (_("Your password will be sent to %s, which is not part of %s. "
                            "Only continue if your provider told you to use this server."),
                          host, email_domain (config));
}
