/* tern-oauth-provider.c: provider data from the GResource, client ids from
 * GSettings or the build. */
#include "oauth/tern-oauth-provider.h"

#include <gio/gio.h>
#include <string.h>

#include "core/tern-error.h"
#include "tern-config.h"
#include "tern-oauth-resources.h"

#define PROVIDERS_RESOURCE "/io/github/ternmail/Tern/oauth/providers.ini"
#define SETTINGS_SCHEMA TERN_APP_ID

static GKeyFile *
load_shipped (void)
{
  /* From the resource itself: a static link may leave out the object that
   * would register it globally. */
  g_autoptr(GBytes) bytes = g_resource_lookup_data (tern_oauth_get_resource (),
                                                    PROVIDERS_RESOURCE, 0, NULL);
  GKeyFile *kf = g_key_file_new ();

  /* Compiled in and tested: a failure here is a build bug. */
  if (bytes == NULL ||
      !g_key_file_load_from_bytes (kf, bytes, G_KEY_FILE_NONE, NULL))
    g_warning ("The OAuth2 provider list is missing from this build");
  return kf;
}

/* The test build's extra providers (the harness's authorization server). */
static GKeyFile *
load_test (void)
{
#if TERN_TEST_HOOKS
  const char *path = g_getenv ("TERN_TEST_OAUTH2_PROVIDERS");
  GKeyFile *kf;

  if (path == NULL || *path == '\0')
    return NULL;
  kf = g_key_file_new ();
  if (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL))
    return kf;
  g_key_file_unref (kf);
#endif
  return NULL;
}

/* The key file that has group @id (a reference), or NULL. */
static GKeyFile *
file_with (const char *id)
{
  GKeyFile *kf = load_test ();

  if (kf != NULL && g_key_file_has_group (kf, id))
    return kf;
  g_clear_pointer (&kf, g_key_file_unref);
  kf = load_shipped ();
  if (g_key_file_has_group (kf, id))
    return kf;
  g_key_file_unref (kf);
  return NULL;
}

static void
parse_server (GKeyFile *kf, const char *id, const char *key, TernOAuthServer *out)
{
  g_autofree char *value = g_key_file_get_string (kf, id, key, NULL);
  g_auto(GStrv) parts = value != NULL ? g_strsplit (value, ":", 3) : NULL;

  if (parts == NULL || g_strv_length (parts) != 3)
    return;
  out->host = g_strdup (parts[0]);
  out->port = (guint16) g_ascii_strtoull (parts[1], NULL, 10);
  if (!tern_security_from_string (parts[2], &out->security))
    out->security = TERN_SECURITY_TLS;
}

/* "provider=id[:secret];..." from the build option. */
static gboolean
client_from_build (const char *id, char **client_id, char **client_secret)
{
  g_auto(GStrv) entries = g_strsplit (TERN_OAUTH2_CLIENTS, ";", -1);
  gsize id_len = strlen (id);

  for (guint i = 0; entries[i] != NULL; i++)
    {
      const char *e = g_strstrip (entries[i]);
      const char *colon;

      if (strncmp (e, id, id_len) != 0 || e[id_len] != '=')
        continue;
      e += id_len + 1;
      colon = strchr (e, ':');
      *client_id = colon ? g_strndup (e, (gsize) (colon - e)) : g_strdup (e);
      *client_secret = colon && colon[1] ? g_strdup (colon + 1) : NULL;
      return **client_id != '\0';
    }
  return FALSE;
}

/* The GSettings key oauth2-clients, where the schema is installed (tern-cli
 * may run without it). */
static gboolean
client_from_settings (const char *id, char **client_id, char **client_secret)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GVariant) clients = NULL;
  const char *cid = NULL, *secret = NULL;

  if (source == NULL ||
      (schema = g_settings_schema_source_lookup (source, SETTINGS_SCHEMA, TRUE)) == NULL ||
      !g_settings_schema_has_key (schema, "oauth2-clients"))
    return FALSE;
  settings = g_settings_new (SETTINGS_SCHEMA);
  clients = g_settings_get_value (settings, "oauth2-clients");
  if (!g_variant_lookup (clients, id, "(&s&s)", &cid, &secret) || *cid == '\0')
    return FALSE;
  *client_id = g_strdup (cid);
  *client_secret = *secret != '\0' ? g_strdup (secret) : NULL;
  return TRUE;
}

TernOAuthProvider *
tern_oauth_provider_lookup (const char *id, GError **error)
{
  g_autoptr(GKeyFile) kf = id != NULL ? file_with (id) : NULL;
  TernOAuthProvider *p;

  if (kf == NULL)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND,
                   "Tern does not know how to sign in to “%s”. Known providers: "
                   "google, microsoft, yahoo, aol.", id != NULL ? id : "");
      return NULL;
    }
  p = g_new0 (TernOAuthProvider, 1);
  p->id = g_strdup (id);
  p->name = g_key_file_get_string (kf, id, "name", NULL);
  p->auth_url = g_key_file_get_string (kf, id, "auth_url", NULL);
  p->token_url = g_key_file_get_string (kf, id, "token_url", NULL);
  p->revoke_url = g_key_file_get_string (kf, id, "revoke_url", NULL);
  p->scopes = g_key_file_get_string (kf, id, "scopes", NULL);
  p->extra_params = g_key_file_get_string (kf, id, "extra_params", NULL);
  p->domains = g_key_file_get_string_list (kf, id, "domains", NULL, NULL);
  parse_server (kf, id, "imap", &p->imap);
  parse_server (kf, id, "pop3", &p->pop3);
  parse_server (kf, id, "smtp", &p->smtp);
  if (!client_from_settings (id, &p->client_id, &p->client_secret) &&
      !client_from_build (id, &p->client_id, &p->client_secret))
    {
      /* Only a test provider file names its client (the harness's). */
      p->client_id = g_key_file_get_string (kf, id, "client_id", NULL);
      p->client_secret = g_key_file_get_string (kf, id, "client_secret", NULL);
    }
  if (p->name == NULL)
    p->name = g_strdup (id);
  if (p->auth_url == NULL || p->token_url == NULL || p->scopes == NULL)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID,
                   "The sign-in data for “%s” is incomplete.", id);
      tern_oauth_provider_free (p);
      return NULL;
    }
  return p;
}

TernOAuthProvider *
tern_oauth_provider_lookup_configured (const char *id, GError **error)
{
  TernOAuthProvider *p = tern_oauth_provider_lookup (id, error);

  if (p != NULL && (p->client_id == NULL || *p->client_id == '\0'))
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_UNSUPPORTED,
                   "This build of Tern has no client id for %s, so it cannot sign in "
                   "there. Register Tern as a desktop application with %s and set its "
                   "client id in the GSettings key oauth2-clients (see the README, "
                   "“Signing in with OAuth2”).", p->name, p->name);
      g_clear_pointer (&p, tern_oauth_provider_free);
    }
  return p;
}

static gboolean
serves_domain (GKeyFile *kf, const char *group, const char *domain)
{
  g_auto(GStrv) domains = g_key_file_get_string_list (kf, group, "domains", NULL, NULL);

  for (guint i = 0; domains != NULL && domains[i] != NULL; i++)
    if (g_ascii_strcasecmp (domains[i], domain) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
serves_host (GKeyFile *kf, const char *group, const char *host)
{
  static const char *const keys[] = { "imap", "pop3", "smtp" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      TernOAuthServer server = { 0 };
      gboolean same;

      parse_server (kf, group, keys[i], &server);
      same = server.host != NULL && g_ascii_strcasecmp (server.host, host) == 0;
      g_free (server.host);
      if (same)
        return TRUE;
    }
  return FALSE;
}

/* The first provider (test ones first) @serves @what. */
static char *
find_provider (gboolean (*serves) (GKeyFile *kf, const char *group, const char *what),
               const char *what)
{
  GKeyFile *files[2] = { load_test (), load_shipped () };
  char *found = NULL;

  for (guint f = 0; what != NULL && f < G_N_ELEMENTS (files) && found == NULL; f++)
    {
      g_auto(GStrv) groups = files[f] ? g_key_file_get_groups (files[f], NULL) : NULL;

      for (guint i = 0; groups != NULL && groups[i] != NULL && found == NULL; i++)
        if (serves (files[f], groups[i], what))
          found = g_strdup (groups[i]);
    }
  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    g_clear_pointer (&files[f], g_key_file_unref);
  return found;
}

char *
tern_oauth_provider_for_email (const char *email)
{
  const char *at = email != NULL ? strrchr (email, '@') : NULL;

  return find_provider (serves_domain, at != NULL ? at + 1 : NULL);
}

char *
tern_oauth_provider_for_host (const char *host)
{
  return find_provider (serves_host, host);
}

static gint
compare_names (gconstpointer a, gconstpointer b, gpointer unused)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

char **
tern_oauth_provider_list (void)
{
  g_autoptr(GKeyFile) kf = load_shipped ();
  char **groups = g_key_file_get_groups (kf, NULL);

  g_qsort_with_data (groups, (gint) g_strv_length (groups), sizeof (char *),
                     compare_names, NULL);
  return groups;
}

static gboolean
is_loopback (const char *host)
{
  return g_strcmp0 (host, "127.0.0.1") == 0 || g_strcmp0 (host, "localhost") == 0 ||
         g_strcmp0 (host, "::1") == 0 || g_strcmp0 (host, "[::1]") == 0;
}

gboolean
tern_oauth_url_allowed (const char *url, GError **error)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;

  if (uri != NULL && g_strcmp0 (g_uri_get_scheme (uri), "https") == 0)
    return TRUE;
#if TERN_TEST_HOOKS
  if (uri != NULL && g_strcmp0 (g_uri_get_scheme (uri), "http") == 0 &&
      is_loopback (g_uri_get_host (uri)))
    return TRUE;
#else
  (void) is_loopback;
#endif
  g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID,
               "Tern signs in only over HTTPS, not at “%s”.", url != NULL ? url : "");
  return FALSE;
}

static void
clear_server (TernOAuthServer *s)
{
  g_free (s->host);
}

void
tern_oauth_provider_free (TernOAuthProvider *p)
{
  if (p == NULL)
    return;
  g_free (p->id);
  g_free (p->name);
  g_free (p->auth_url);
  g_free (p->token_url);
  g_free (p->revoke_url);
  g_free (p->scopes);
  g_free (p->extra_params);
  g_free (p->client_id);
  if (p->client_secret != NULL)
    memset (p->client_secret, 0, strlen (p->client_secret));
  g_free (p->client_secret);
  clear_server (&p->imap);
  clear_server (&p->pop3);
  clear_server (&p->smtp);
  g_strfreev (p->domains);
  g_free (p);
}
