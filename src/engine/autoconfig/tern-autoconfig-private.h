/* tern-autoconfig-private.h: the steps of discovery, shared between the
 * files of the autoconfig module (not for the app). */
#pragma once

#include <libsoup/soup.h>

#include "autoconfig/tern-autoconfig.h"

G_BEGIN_DECLS

/* Largest config-v1.1.xml we read; real ones are a few KiB. */
#define TERN_AUTOCONFIG_MAX_XML (1024 * 1024)
#define TERN_AUTOCONFIG_MAX_REDIRECTS 3

/* Results. */
TernDiscoveredConfig *tern_discovered_config_new (const char *email,
                                                  TernAutoconfigSource source);
TernDiscoveredServer *tern_discovered_server_new (const char *service,
                                                  const char *host,
                                                  guint16 port,
                                                  TernSecurity security,
                                                  const char *username,
                                                  gboolean username_guessed,
                                                  TernAuthMethod auth);
void tern_discovered_server_free (TernDiscoveredServer *server);
/* Adds @server to incoming or outgoing by its service; takes ownership. */
void tern_discovered_config_take_server (TernDiscoveredConfig *config,
                                         TernDiscoveredServer *server);
/* Orders both lists: IMAP before POP3, TLS before STARTTLS before none;
 * stable otherwise, so the source's own order breaks ties. */
void tern_discovered_config_sort (TernDiscoveredConfig *config);
void tern_discovered_config_add_note (TernDiscoveredConfig *config,
                                      const char *format, ...) G_GNUC_PRINTF (2, 3);
/* Sets source_description from source (and @domain for the provider). */
void tern_discovered_config_describe (TernDiscoveredConfig *config,
                                      const char *domain);
gboolean tern_autoconfig_is_valid_hostname (const char *host);
/* Marks the servers that need the user's confirmation, from
 * source_proves_domain and each host; sets needs_confirmation. */
void tern_discovered_config_mark_foreign_hosts (TernDiscoveredConfig *config);

/* HTTP GET of at most TERN_AUTOCONFIG_MAX_XML bytes, following at most
 * TERN_AUTOCONFIG_MAX_REDIRECTS redirects, never from https to http. */
void tern_autoconfig_http_get_async (SoupSession *session,
                                     const char *url,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
GBytes *tern_autoconfig_http_get_finish (GAsyncResult *result,
                                         char **final_url,
                                         GError **error);

/* DNS SRV (RFC 6186 / 8314). Fails with TERN_ERROR_NOT_FOUND when no
 * record names a server. */
void tern_autoconfig_srv_async (GResolver *resolver,
                                const char *email,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
TernDiscoveredConfig *tern_autoconfig_srv_finish (GAsyncResult *result,
                                                  GError **error);

/* Probing. */
typedef struct {
  const char *service;   /* "imap", "pop3", "smtp" (static) */
  char *host_template;   /* with {domain} */
  guint16 port;
  TernSecurity security; /* TLS or STARTTLS */
} TernProbeTarget;

void tern_probe_target_free (TernProbeTarget *target);
void tern_autoconfig_probe_async (GResolver *resolver,
                                  GPtrArray *targets,
                                  const char *email,
                                  guint timeout_ms,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
TernDiscoveredConfig *tern_autoconfig_probe_finish (GAsyncResult *result,
                                                    GError **error);

/* Returns the static string for a service name, or NULL if unknown. */
const char *tern_autoconfig_intern_service (const char *service);

G_END_DECLS

G_BEGIN_DECLS

/* A child cancellable that is cancelled when @parent is, or when
 * @timeout_ms have passed on the thread-default main context; the latter
 * turns G_IO_ERROR_CANCELLED into TERN_ERROR_TIMED_OUT in fix_error. */
typedef struct {
  GCancellable *cancellable;
  GCancellable *parent;
  gulong parent_handler;
  GSource *timer;
  gboolean expired;
} TernDeadline;

TernDeadline *tern_deadline_new (GCancellable *parent, guint timeout_ms);
void tern_deadline_free (TernDeadline *deadline);
void tern_deadline_fix_error (TernDeadline *deadline, GError **error, const char *what);

/* Maps a GIO/resolver/TLS error to a TERN_ERROR (cancellation is kept). */
void tern_autoconfig_map_error (GError **error, const char *what);

G_END_DECLS
