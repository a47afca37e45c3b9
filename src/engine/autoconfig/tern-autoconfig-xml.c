/* tern-autoconfig-xml.c: parse Mozilla's config-v1.1.xml.
 *
 * The format: <clientConfig><emailProvider id=".."><domain>..</domain>
 * <displayName>..</displayName><incomingServer type="imap|pop3">
 * <hostname/><port/><socketType>SSL|STARTTLS|plain</socketType>
 * <username>%EMAILADDRESS%</username><authentication/>..</incomingServer>
 * <outgoingServer type="smtp">..</outgoingServer></emailProvider></clientConfig>
 *
 * Documents come from the network, so everything is checked: a config that
 * does not list the address's domain, a server without a valid host name or
 * port, or an unknown socketType rejects the whole document. Server types we
 * do not speak (exchange, ...) are skipped.
 */
#include "tern-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "autoconfig/tern-autoconfig-private.h"
#include "core/tern-error.h"

typedef struct {
  char *type;            /* NULL while outside a server element */
  gboolean outgoing;
  char *hostname;
  char *port;
  char *socket_type;
  char *username;
  GPtrArray *auth;       /* char* */
} ServerDraft;

typedef struct {
  const char *email;
  char *local_part;
  char *domain;
  TernDiscoveredConfig *config;
  gboolean in_provider;
  gboolean saw_root;
  gboolean domain_matched;
  GPtrArray *domains;    /* char*, for the error message */
  ServerDraft server;
  GString *text;
  gboolean want_text;    /* inside a leaf element whose text we use */
} ParseState;

static const char *const text_elements[] = {
  "domain", "displayName", "hostname", "port", "socketType", "username",
  "authentication", NULL,
};

static void
server_draft_clear (ServerDraft *draft)
{
  g_clear_pointer (&draft->type, g_free);
  g_clear_pointer (&draft->hostname, g_free);
  g_clear_pointer (&draft->port, g_free);
  g_clear_pointer (&draft->socket_type, g_free);
  g_clear_pointer (&draft->username, g_free);
  g_clear_pointer (&draft->auth, g_ptr_array_unref);
  draft->outgoing = FALSE;
}

static char *
substitute (ParseState *st, const char *value)
{
  g_autoptr(GString) s = g_string_new (value);

  g_string_replace (s, "%EMAILADDRESS%", st->email, 0);
  g_string_replace (s, "%EMAILLOCALPART%", st->local_part, 0);
  g_string_replace (s, "%EMAILDOMAIN%", st->domain, 0);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static TernAuthMethod
auth_from_string (const char *value)
{
  if (g_ascii_strcasecmp (value, "password-cleartext") == 0 ||
      g_ascii_strcasecmp (value, "plain") == 0)
    return TERN_AUTH_PASSWORD_CLEARTEXT;
  if (g_ascii_strcasecmp (value, "password-encrypted") == 0 ||
      g_ascii_strcasecmp (value, "secure") == 0)
    return TERN_AUTH_PASSWORD_ENCRYPTED;
  if (g_ascii_strcasecmp (value, "OAuth2") == 0)
    return TERN_AUTH_OAUTH2;
  if (g_ascii_strcasecmp (value, "none") == 0)
    return TERN_AUTH_NONE;
  return TERN_AUTH_OTHER;
}

/* The first listed method we can use with a password wins; otherwise the
 * first listed. No <authentication> means a password (Thunderbird's default). */
static TernAuthMethod
pick_auth (GPtrArray *auth)
{
  guint i;

  if (auth == NULL || auth->len == 0)
    return TERN_AUTH_PASSWORD_CLEARTEXT;
  for (i = 0; i < auth->len; i++)
    {
      TernAuthMethod m = auth_from_string (g_ptr_array_index (auth, i));
      if (m == TERN_AUTH_PASSWORD_CLEARTEXT || m == TERN_AUTH_PASSWORD_ENCRYPTED ||
          m == TERN_AUTH_NONE)
        return m;
    }
  return auth_from_string (g_ptr_array_index (auth, 0));
}

static gboolean
lists_oauth2 (GPtrArray *auth)
{
  for (guint i = 0; auth != NULL && i < auth->len; i++)
    if (auth_from_string (g_ptr_array_index (auth, i)) == TERN_AUTH_OAUTH2)
      return TRUE;
  return FALSE;
}

static gboolean
finish_server (ParseState *st, GError **error)
{
  ServerDraft *d = &st->server;
  const char *what = d->outgoing ? _("outgoing") : _("incoming");
  g_autofree char *host = NULL;
  g_autofree char *user = NULL;
  TernDiscoveredServer *server;
  TernSecurity security;
  guint64 port = 0;

  if (d->outgoing ? g_strcmp0 (d->type, "smtp") != 0
                  : (g_strcmp0 (d->type, "imap") != 0 && g_strcmp0 (d->type, "pop3") != 0))
    return TRUE;  /* a server type Tern does not speak */

  host = d->hostname ? substitute (st, d->hostname) : NULL;
  if (!tern_autoconfig_is_valid_hostname (host))
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                   _("The %s server has no valid host name."), what);
      return FALSE;
    }
  if (d->port == NULL ||
      !g_ascii_string_to_unsigned (d->port, 10, 1, 65535, &port, NULL))
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                   _("The %s server %s has no valid port number."), what, host);
      return FALSE;
    }
  if (d->socket_type == NULL || g_ascii_strcasecmp (d->socket_type, "plain") == 0)
    security = TERN_SECURITY_NONE;
  else if (g_ascii_strcasecmp (d->socket_type, "SSL") == 0 ||
           g_ascii_strcasecmp (d->socket_type, "TLS") == 0)
    security = TERN_SECURITY_TLS;
  else if (g_ascii_strcasecmp (d->socket_type, "STARTTLS") == 0)
    security = TERN_SECURITY_STARTTLS;
  else
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                   _("The %s server %s has an unknown security type “%s”."),
                   what, host, d->socket_type);
      return FALSE;
    }

  /* A placeholder we cannot fill (%REALNAME%, ...) leaves the user name to
   * the user rather than filling in something meaningless. */
  user = d->username ? substitute (st, d->username) : NULL;
  if (user != NULL && (*user == '\0' || strchr (user, '%') != NULL))
    g_clear_pointer (&user, g_free);

  server = tern_discovered_server_new (d->type, host, (guint16) port, security,
                                       user ? user : st->email, user == NULL,
                                       pick_auth (d->auth));
  server->oauth2 = lists_oauth2 (d->auth);
  tern_discovered_config_take_server (st->config, server);
  return TRUE;
}

static void
on_start (GMarkupParseContext *ctx, const char *element,
          const char **names, const char **values,
          gpointer user_data, GError **error)
{
  ParseState *st = user_data;
  const char *type = NULL;

  g_string_truncate (st->text, 0);
  st->want_text = g_strv_contains (text_elements, element);
  if (!st->saw_root)
    {
      if (!g_str_equal (element, "clientConfig"))
        g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                     _("This is not a mail configuration document (it starts with <%s>)."),
                     element);
      st->saw_root = TRUE;
      return;
    }
  if (g_str_equal (element, "emailProvider"))
    {
      st->in_provider = TRUE;
      return;
    }
  if (!st->in_provider)
    return;
  if (g_str_equal (element, "incomingServer") || g_str_equal (element, "outgoingServer"))
    {
      if (st->server.type != NULL)
        {
          g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                       _("The mail configuration has a server inside a server."));
          return;
        }
      g_markup_collect_attributes (element, names, values, NULL,
                                   G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL,
                                   "type", &type, G_MARKUP_COLLECT_INVALID);
      st->server.type = g_ascii_strdown (type ? type : "", -1);
      st->server.outgoing = element[0] == 'o';
    }
}

static void
set_once (char **field, const char *text)
{
  if (*field == NULL)
    *field = g_strdup (text);
}

static void
on_end (GMarkupParseContext *ctx, const char *element,
        gpointer user_data, GError **error)
{
  ParseState *st = user_data;
  ServerDraft *d = &st->server;
  g_autofree char *text = g_strstrip (g_strdup (st->text->str));

  g_string_truncate (st->text, 0);
  st->want_text = FALSE;
  if (!st->in_provider)
    return;
  if (g_str_equal (element, "emailProvider"))
    st->in_provider = FALSE;
  else if (d->type == NULL)
    {
      if (g_str_equal (element, "domain"))
        {
          if (g_ascii_strcasecmp (text, st->domain) == 0)
            st->domain_matched = TRUE;
          g_ptr_array_add (st->domains, g_strdup (text));
        }
      else if (g_str_equal (element, "displayName") && st->config->display_name == NULL)
        st->config->display_name = g_strdup (text);
    }
  else if (g_str_equal (element, "incomingServer") || g_str_equal (element, "outgoingServer"))
    {
      finish_server (st, error);
      server_draft_clear (d);
    }
  else if (g_str_equal (element, "hostname"))
    set_once (&d->hostname, text);
  else if (g_str_equal (element, "port"))
    set_once (&d->port, text);
  else if (g_str_equal (element, "socketType"))
    set_once (&d->socket_type, text);
  else if (g_str_equal (element, "username"))
    set_once (&d->username, text);
  else if (g_str_equal (element, "authentication"))
    {
      if (d->auth == NULL)
        d->auth = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (d->auth, g_strdup (text));
    }
}

static void
on_text (GMarkupParseContext *ctx, const char *text, gsize len,
         gpointer user_data, GError **error)
{
  ParseState *st = user_data;

  /* Only a few leaf elements carry text we use (instructions and the like
   * are skipped); cap it, as no host name or port is that long. */
  if (!st->want_text)
    return;
  if (st->text->len + len > 4096)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                   _("The mail configuration has an element with too much text."));
      return;
    }
  g_string_append_len (st->text, text, len);
}

static const GMarkupParser parser = { on_start, on_end, on_text, NULL, NULL };

static gboolean
parse (ParseState *st, const char *xml, gssize length, GError **error)
{
  g_autoptr(GMarkupParseContext) ctx = NULL;
  g_autoptr(GError) local = NULL;

  ctx = g_markup_parse_context_new (&parser, G_MARKUP_PREFIX_ERROR_POSITION, st, NULL);
  if (!g_markup_parse_context_parse (ctx, xml, length, &local) ||
      !g_markup_parse_context_end_parse (ctx, &local))
    {
      if (local->domain == TERN_ERROR)
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                     _("The mail configuration is not valid XML: %s"), local->message);
      return FALSE;
    }
  return TRUE;
}

TernDiscoveredConfig *
tern_autoconfig_parse_xml (const char *xml,
                           gssize length,
                           const char *email,
                           TernAutoconfigSource source,
                           GError **error)
{
  ParseState st = { 0 };
  TernDiscoveredConfig *result = NULL;
  gsize len = length < 0 ? strlen (xml) : (gsize) length;

  if (!tern_autoconfig_split_address (email, &st.local_part, &st.domain, error))
    return NULL;
  if (len > TERN_AUTOCONFIG_MAX_XML)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                   _("The mail configuration is too large (more than %u KiB)."),
                   TERN_AUTOCONFIG_MAX_XML / 1024);
      goto out;
    }
  if (memchr (xml, '\0', len) != NULL || !g_utf8_validate (xml, len, NULL))
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                   _("The mail configuration is not valid UTF-8 text."));
      goto out;
    }

  st.email = email;
  st.config = tern_discovered_config_new (email, source);
  st.domains = g_ptr_array_new_with_free_func (g_free);
  st.text = g_string_new (NULL);
  if (!parse (&st, xml, len, error))
    goto out;

  if (!st.saw_root)
    g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                 _("The mail configuration is empty."));
  else if (!st.domain_matched)
    {
      g_ptr_array_add (st.domains, NULL);
      g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                   _("The mail configuration is for %s, not for %s."),
                   st.domains->len > 1 ? (char *) st.domains->pdata[0] : _("no domain"),
                   st.domain);
    }
  else if (st.config->incoming->len == 0)
    g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                 _("The mail configuration names no IMAP or POP3 server."));
  else if (st.config->outgoing->len == 0)
    g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                 _("The mail configuration names no SMTP server."));
  else
    {
      tern_discovered_config_sort (st.config);
      tern_discovered_config_describe (st.config, st.domain);
      result = g_steal_pointer (&st.config);
    }

out:
  server_draft_clear (&st.server);
  g_clear_pointer (&st.config, tern_discovered_config_unref);
  g_clear_pointer (&st.domains, g_ptr_array_unref);
  if (st.text)
    g_string_free (st.text, TRUE);
  g_free (st.local_part);
  g_free (st.domain);
  return result;
}
