/* tern-autoconfig.h: find an account's server settings from its address.
 *
 * Given an email address, TernAutoconfig looks for incoming (IMAP, POP3) and
 * outgoing (SMTP) server settings, in this order of trust:
 *
 *   1. settings the provider publishes itself (Mozilla autoconfig XML at
 *      autoconfig.<domain>, then <domain>/.well-known/autoconfig/),
 *   2. Thunderbird's public ISP database,
 *   3. DNS SRV records (RFC 6186, RFC 8314),
 *   4. probing common host names (imap., mail., pop., smtp.) on the standard
 *      ports, reading only greetings and CAPABILITY/CAPA/EHLO.
 *
 * Only the first two prove that the settings come from the address's
 * domain, and only when fetched over HTTPS all the way (a café network can
 * block them and answer the rest). A server from any other source whose
 * host is outside the address's domain is marked needs_confirmation: the
 * user must confirm, in plain words, before a password goes there (RFC 6186
 * section 6).
 *
 * Discovery never sends a password anywhere. Everything is asynchronous and
 * cancellable; every network endpoint (URLs, resolver, probe targets) can be
 * replaced so that tests run against loopback servers only.
 */
#pragma once

#include <gio/gio.h>

#include "core/tern-types.h"

G_BEGIN_DECLS

/* Where a discovered configuration came from. */
typedef enum {
  TERN_AUTOCONFIG_SOURCE_PROVIDER,  /* autoconfig.<domain> or .well-known */
  TERN_AUTOCONFIG_SOURCE_ISPDB,     /* Thunderbird's ISP database */
  TERN_AUTOCONFIG_SOURCE_SRV,       /* DNS SRV records */
  TERN_AUTOCONFIG_SOURCE_PROBE,     /* trying common server names */
} TernAutoconfigSource;

/* How a server wants the user to log in (config-v1.1 <authentication>). */
typedef enum {
  TERN_AUTH_PASSWORD_CLEARTEXT,  /* "password-cleartext": PLAIN/LOGIN (over TLS) */
  TERN_AUTH_PASSWORD_ENCRYPTED,  /* "password-encrypted": CRAM-MD5 and the like */
  TERN_AUTH_OAUTH2,              /* "OAuth2" */
  TERN_AUTH_NONE,                /* "none": no login (some SMTP relays) */
  TERN_AUTH_OTHER,               /* NTLM, GSSAPI, client certificate, ... */
} TernAuthMethod;

/* One server that discovery found. */
typedef struct {
  const char *service;    /* "imap", "pop3" or "smtp" (static string) */
  TernProtocol protocol;  /* incoming only: IMAP or POP3 */
  char *host;
  guint16 port;
  TernSecurity security;
  char *username;         /* never NULL; the email address when not known */
  gboolean username_guessed; /* TRUE when the source did not say (SRV, probe) */
  TernAuthMethod auth;
  /* The source lists OAuth2 among the ways to log in (ISPDB does for Gmail,
   * Outlook, Yahoo, AOL): the account signs in with OAuth2 where Tern knows
   * the provider (oauth/tern-oauth-provider.h), whatever @auth says. */
  gboolean oauth2;
  /* TRUE when the host is outside the address's domain and the source did
   * not prove the domain (SRV, probe, autoconfig over plain HTTP): ask the
   * user before sending a password (tern_discovered_config_confirmation). */
  gboolean needs_confirmation;
} TernDiscoveredServer;

/* The result of discovery. Reference counted; read the fields directly. */
typedef struct {
  TernAutoconfigSource source;
  char *source_description; /* plain words: "settings published by example.com" */
  char *source_url;         /* the URL the XML came from, or NULL */
  char *display_name;       /* the provider's name from the XML, or NULL */
  char *email;
  /* TernDiscoveredServer*, best first: IMAP before POP3, implicit TLS
   * before STARTTLS before plain text. Either array may be empty when a
   * source found only half of the settings (e.g. probing found IMAP but no
   * SMTP); the wizard then asks for the rest. */
  GPtrArray *incoming;
  GPtrArray *outgoing;
  /* char*: what each source said on the way ("autoconfig.example.com: not
   * found"), for a details expander and for debugging. */
  GPtrArray *notes;
  /* TRUE when the source proved the domain: provider autoconfig or the ISP
   * database, fetched over HTTPS from the first request on. */
  gboolean source_proves_domain;
  /* TRUE when any server above has needs_confirmation. */
  gboolean needs_confirmation;

  /*< private >*/
  gint ref_count;
} TernDiscoveredConfig;

#define TERN_TYPE_DISCOVERED_CONFIG (tern_discovered_config_get_type ())
GType tern_discovered_config_get_type (void) G_GNUC_CONST;
TernDiscoveredConfig *tern_discovered_config_ref (TernDiscoveredConfig *config);
void tern_discovered_config_unref (TernDiscoveredConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernDiscoveredConfig, tern_discovered_config_unref)

/* TRUE when @host is the address's @domain or a name under it
 * ("imap.example.org" for "example.org"; not "example.org.evil.net" nor
 * "evilexample.org"). Case-insensitive; a trailing dot is ignored. */
gboolean tern_autoconfig_host_in_domain (const char *host, const char *domain);

/* TRUE when the settings name @host (as the user is about to use it) for a
 * server that needs the user's confirmation before a password goes there. */
gboolean tern_discovered_config_host_needs_confirmation (const TernDiscoveredConfig *config,
                                                         const char *host);

/* The question to ask before logging in to @host, in plain words:
 * "Your password will be sent to mx.evil.net, which is not part of
 * victim.org. Only continue if your provider told you to use this server." */
char *tern_discovered_config_confirmation (const TernDiscoveredConfig *config,
                                           const char *host);

const char *tern_autoconfig_source_to_string (TernAutoconfigSource source);
const char *tern_auth_method_to_string (TernAuthMethod auth);

/* Parses a config-v1.1.xml document for @email. Fails with TERN_ERROR_PROTOCOL
 * and a plain message when the XML is malformed, lists no domain matching the
 * address, or has no usable incoming server. Exposed for tests and for
 * tern-cli; discovery calls it on every document it fetches. */
TernDiscoveredConfig *tern_autoconfig_parse_xml (const char *xml,
                                                 gssize length,
                                                 const char *email,
                                                 TernAutoconfigSource source,
                                                 GError **error);

/* Splits @email into local part and lower-case domain; FALSE (and
 * TERN_ERROR_INVALID) if it is not a plausible address. */
gboolean tern_autoconfig_split_address (const char *email,
                                        char **local_part,
                                        char **domain,
                                        GError **error);

#define TERN_TYPE_AUTOCONFIG (tern_autoconfig_get_type ())
G_DECLARE_FINAL_TYPE (TernAutoconfig, tern_autoconfig, TERN, AUTOCONFIG, GObject)

TernAutoconfig *tern_autoconfig_new (void);

/* URL templates: "{domain}" becomes the address's domain and "{email}" the
 * URI-escaped address. NULL skips that step. Defaults:
 *   https://autoconfig.{domain}/mail/config-v1.1.xml?emailaddress={email}
 *   https://{domain}/.well-known/autoconfig/mail/config-v1.1.xml
 *   https://autoconfig.thunderbird.net/v1.1/{domain}
 * Redirects are followed at most 3 times and never from https to http. */
void tern_autoconfig_set_urls (TernAutoconfig *self,
                               const char *provider_url,
                               const char *well_known_url,
                               const char *ispdb_url);

/* The resolver used for SRV records and for the probes' host names
 * (default: g_resolver_get_default ()). */
void tern_autoconfig_set_resolver (TernAutoconfig *self, GResolver *resolver);

/* TLS database for HTTPS (tests trust a throwaway CA); NULL = system trust. */
void tern_autoconfig_set_tls_database (TernAutoconfig *self, GTlsDatabase *database);

/* Timeouts: whole HTTP request, and one probe from connect to last reply. */
void tern_autoconfig_set_timeouts (TernAutoconfig *self,
                                   guint http_timeout_ms,
                                   guint probe_timeout_ms);

/* Probe targets. The default list tries imap./mail. on 993 and 143,
 * pop./pop3./mail. on 995 and 110, smtp./mail. on 465 and 587.
 * @host_template has "{domain}"; @service is "imap", "pop3" or "smtp";
 * @security is TLS (implicit) or STARTTLS (plain connect, STARTTLS used if
 * offered, otherwise reported as TERN_SECURITY_NONE). */
void tern_autoconfig_clear_probes (TernAutoconfig *self);
void tern_autoconfig_add_probe (TernAutoconfig *self,
                                const char *service,
                                const char *host_template,
                                guint16 port,
                                TernSecurity security);

/* Runs discovery for @email. The result is the first source (in the order
 * above) that found both incoming and outgoing servers; if none did, the
 * first that found anything. Nothing found = TERN_ERROR_NOT_FOUND. A
 * malformed address = TERN_ERROR_INVALID. Cancelled = G_IO_ERROR_CANCELLED. */
void tern_autoconfig_discover_async (TernAutoconfig *self,
                                     const char *email,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
TernDiscoveredConfig *tern_autoconfig_discover_finish (TernAutoconfig *self,
                                                       GAsyncResult *result,
                                                       GError **error);

G_END_DECLS
