/* tern-autoconfig.c: TernAutoconfig, the discovery run.
 *
 * The three XML sources and the SRV lookup start together; the answer is
 * taken in order of trust (provider, well-known, ISP database, SRV) as soon
 * as every more trusted source has finished, and the slower ones are
 * cancelled. Probing, which opens connections to guessed host names, only
 * starts when none of them produced complete settings.
 */
#include "tern-config.h"

#include <glib/gi18n-lib.h>

#include "autoconfig/tern-autoconfig-private.h"
#include "core/tern-error.h"

#define DEFAULT_HTTP_TIMEOUT_MS 10000
#define DEFAULT_PROBE_TIMEOUT_MS 5000

enum { URL_PROVIDER, URL_WELL_KNOWN, URL_ISPDB, N_URLS };

struct _TernAutoconfig {
  GObject parent_instance;
  char *urls[N_URLS];
  GResolver *resolver;
  GTlsDatabase *tls_database;
  guint http_timeout_ms;
  guint probe_timeout_ms;
  GPtrArray *probes;  /* TernProbeTarget* */
};

G_DEFINE_FINAL_TYPE (TernAutoconfig, tern_autoconfig, G_TYPE_OBJECT)

static void
tern_autoconfig_finalize (GObject *object)
{
  TernAutoconfig *self = TERN_AUTOCONFIG (object);
  guint i;

  for (i = 0; i < N_URLS; i++)
    g_free (self->urls[i]);
  g_clear_object (&self->resolver);
  g_clear_object (&self->tls_database);
  g_ptr_array_unref (self->probes);
  G_OBJECT_CLASS (tern_autoconfig_parent_class)->finalize (object);
}

static void
tern_autoconfig_class_init (TernAutoconfigClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_autoconfig_finalize;
}

static void
add_default_probes (TernAutoconfig *self)
{
  static const struct {
    const char *service, *host;
    guint16 port;
    TernSecurity security;
  } defaults[] = {
    { "imap", "imap.{domain}", 993, TERN_SECURITY_TLS },
    { "imap", "mail.{domain}", 993, TERN_SECURITY_TLS },
    { "imap", "imap.{domain}", 143, TERN_SECURITY_STARTTLS },
    { "imap", "mail.{domain}", 143, TERN_SECURITY_STARTTLS },
    { "pop3", "pop.{domain}", 995, TERN_SECURITY_TLS },
    { "pop3", "pop3.{domain}", 995, TERN_SECURITY_TLS },
    { "pop3", "mail.{domain}", 995, TERN_SECURITY_TLS },
    { "pop3", "pop.{domain}", 110, TERN_SECURITY_STARTTLS },
    { "pop3", "pop3.{domain}", 110, TERN_SECURITY_STARTTLS },
    { "pop3", "mail.{domain}", 110, TERN_SECURITY_STARTTLS },
    { "smtp", "smtp.{domain}", 465, TERN_SECURITY_TLS },
    { "smtp", "mail.{domain}", 465, TERN_SECURITY_TLS },
    { "smtp", "smtp.{domain}", 587, TERN_SECURITY_STARTTLS },
    { "smtp", "mail.{domain}", 587, TERN_SECURITY_STARTTLS },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (defaults); i++)
    tern_autoconfig_add_probe (self, defaults[i].service, defaults[i].host,
                               defaults[i].port, defaults[i].security);
}

static void
tern_autoconfig_init (TernAutoconfig *self)
{
  self->urls[URL_PROVIDER] =
      g_strdup ("https://autoconfig.{domain}/mail/config-v1.1.xml?emailaddress={email}");
  self->urls[URL_WELL_KNOWN] =
      g_strdup ("https://{domain}/.well-known/autoconfig/mail/config-v1.1.xml");
  self->urls[URL_ISPDB] = g_strdup ("https://autoconfig.thunderbird.net/v1.1/{domain}");
  self->resolver = g_resolver_get_default ();
  self->http_timeout_ms = DEFAULT_HTTP_TIMEOUT_MS;
  self->probe_timeout_ms = DEFAULT_PROBE_TIMEOUT_MS;
  self->probes = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_probe_target_free);
  add_default_probes (self);
}

TernAutoconfig *
tern_autoconfig_new (void)
{
  return g_object_new (TERN_TYPE_AUTOCONFIG, NULL);
}

void
tern_autoconfig_set_urls (TernAutoconfig *self,
                          const char *provider_url,
                          const char *well_known_url,
                          const char *ispdb_url)
{
  g_return_if_fail (TERN_IS_AUTOCONFIG (self));
  g_free (self->urls[URL_PROVIDER]);
  g_free (self->urls[URL_WELL_KNOWN]);
  g_free (self->urls[URL_ISPDB]);
  self->urls[URL_PROVIDER] = g_strdup (provider_url);
  self->urls[URL_WELL_KNOWN] = g_strdup (well_known_url);
  self->urls[URL_ISPDB] = g_strdup (ispdb_url);
}

void
tern_autoconfig_set_resolver (TernAutoconfig *self, GResolver *resolver)
{
  g_return_if_fail (TERN_IS_AUTOCONFIG (self));
  g_return_if_fail (G_IS_RESOLVER (resolver));
  g_set_object (&self->resolver, resolver);
}

void
tern_autoconfig_set_tls_database (TernAutoconfig *self, GTlsDatabase *database)
{
  g_return_if_fail (TERN_IS_AUTOCONFIG (self));
  g_set_object (&self->tls_database, database);
}

void
tern_autoconfig_set_timeouts (TernAutoconfig *self,
                              guint http_timeout_ms,
                              guint probe_timeout_ms)
{
  g_return_if_fail (TERN_IS_AUTOCONFIG (self));
  self->http_timeout_ms = MAX (http_timeout_ms, 1);
  self->probe_timeout_ms = MAX (probe_timeout_ms, 1);
}

void
tern_autoconfig_clear_probes (TernAutoconfig *self)
{
  g_return_if_fail (TERN_IS_AUTOCONFIG (self));
  g_ptr_array_set_size (self->probes, 0);
}

void
tern_autoconfig_add_probe (TernAutoconfig *self,
                           const char *service,
                           const char *host_template,
                           guint16 port,
                           TernSecurity security)
{
  TernProbeTarget *target;

  g_return_if_fail (TERN_IS_AUTOCONFIG (self));
  g_return_if_fail (tern_autoconfig_intern_service (service) != NULL);
  g_return_if_fail (host_template != NULL && port != 0);
  g_return_if_fail (security == TERN_SECURITY_TLS || security == TERN_SECURITY_STARTTLS);

  target = g_new0 (TernProbeTarget, 1);
  target->service = tern_autoconfig_intern_service (service);
  target->host_template = g_strdup (host_template);
  target->port = port;
  target->security = security;
  g_ptr_array_add (self->probes, target);
}

/* --- one discovery run --- */

enum { SLOT_PROVIDER, SLOT_WELL_KNOWN, SLOT_ISPDB, SLOT_SRV, SLOT_PROBE, N_SLOTS };

typedef struct {
  TernAutoconfig *self;
  char *email;
  char *domain;
  SoupSession *session;
  GCancellable *cancellable;  /* ours: cancelled by the caller's or when done */
  GCancellable *caller_cancellable;
  gulong caller_handler;
  gboolean started[N_SLOTS];
  gboolean done[N_SLOTS];
  TernDiscoveredConfig *configs[N_SLOTS];
  GPtrArray *notes;           /* char* */
  gboolean returned;
} Discover;

typedef struct {
  GTask *task;
  guint slot;
  TernDeadline *deadline;
  gboolean https;   /* the first request was https (and so every hop) */
} StepCall;

static void
discover_free (Discover *d)
{
  guint i;

  if (d->caller_cancellable)
    {
      g_cancellable_disconnect (d->caller_cancellable, d->caller_handler);
      g_object_unref (d->caller_cancellable);
    }
  for (i = 0; i < N_SLOTS; i++)
    g_clear_pointer (&d->configs[i], tern_discovered_config_unref);
  g_clear_object (&d->session);
  g_object_unref (d->cancellable);
  g_ptr_array_unref (d->notes);
  g_object_unref (d->self);
  g_free (d->email);
  g_free (d->domain);
  g_free (d);
}

static gboolean
is_complete (TernDiscoveredConfig *config)
{
  return config != NULL && config->incoming->len > 0 && config->outgoing->len > 0;
}

static void
return_config (GTask *task, guint slot)
{
  Discover *d = g_task_get_task_data (task);
  TernDiscoveredConfig *config = tern_discovered_config_ref (d->configs[slot]);
  guint i;

  /* Decided here, in one place, for whichever source won. */
  tern_discovered_config_mark_foreign_hosts (config);
  /* What the more trusted sources said comes first in the notes. */
  for (i = 0; i < d->notes->len; i++)
    g_ptr_array_insert (config->notes, i, g_strdup (g_ptr_array_index (d->notes, i)));
  d->returned = TRUE;
  g_cancellable_cancel (d->cancellable);
  g_task_return_pointer (task, config, (GDestroyNotify) tern_discovered_config_unref);
}

static void start_probe (GTask *task);

/* Called whenever a step finishes: returns the best settings once no more
 * trusted source is still running. */
static void
evaluate (GTask *task)
{
  Discover *d = g_task_get_task_data (task);
  guint i;

  if (d->returned)
    return;
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      d->returned = TRUE;
      g_cancellable_cancel (d->cancellable);
      g_task_return_error_if_cancelled (task);
      return;
    }
  for (i = 0; i < N_SLOTS; i++)
    {
      if (!d->started[i] && i == SLOT_PROBE)
        {
          start_probe (task);
          return;
        }
      if (!d->done[i])
        return;
      if (is_complete (d->configs[i]))
        {
          return_config (task, i);
          return;
        }
    }
  for (i = 0; i < N_SLOTS; i++)
    if (d->configs[i] != NULL)
      {
        return_config (task, i);
        return;
      }
  d->returned = TRUE;
  g_cancellable_cancel (d->cancellable);
  g_task_return_new_error (task, TERN_ERROR, TERN_ERROR_NOT_FOUND,
                           _("No settings were found for %s. Please enter the server settings by hand."),
                           d->domain);
}

static StepCall *
step_call_new (GTask *task, guint slot)
{
  Discover *d = g_task_get_task_data (task);
  StepCall *call = g_new0 (StepCall, 1);

  call->task = g_object_ref (task);
  call->slot = slot;
  d->started[slot] = TRUE;
  return call;
}

/* Records what a step produced and re-evaluates; frees @call. */
static void
step_done (StepCall *call, TernDiscoveredConfig *config, GError *error)
{
  GTask *task = call->task;
  Discover *d = g_task_get_task_data (task);

  d->done[call->slot] = TRUE;
  d->configs[call->slot] = config;
  if (error != NULL)
    {
      if (!d->returned && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("autoconfig: %s", error->message);
          g_ptr_array_add (d->notes, g_strdup (error->message));
        }
      g_error_free (error);
    }
  evaluate (task);
  tern_deadline_free (call->deadline);
  g_free (call);
  g_object_unref (task);
}

static void
on_xml (GObject *source, GAsyncResult *result, gpointer user_data)
{
  StepCall *call = user_data;
  Discover *d = g_task_get_task_data (call->task);
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;
  TernDiscoveredConfig *config = NULL;
  GError *error = NULL;

  body = tern_autoconfig_http_get_finish (result, &url, &error);
  tern_deadline_fix_error (call->deadline, &error, url);
  if (body != NULL)
    {
      gsize len;
      const char *data = g_bytes_get_data (body, &len);

      config = tern_autoconfig_parse_xml (data ? data : "", len, d->email,
                                          call->slot == SLOT_ISPDB ? TERN_AUTOCONFIG_SOURCE_ISPDB
                                                                   : TERN_AUTOCONFIG_SOURCE_PROVIDER,
                                          &error);
      if (config != NULL)
        {
          config->source_url = g_strdup (url);
          /* Redirects from https to http are refused, so a first request
           * over https means the document came over https all the way.
           * Plain http proves nothing: the network may have answered. */
          config->source_proves_domain = call->https && g_str_has_prefix (url, "https://");
        }
      else
        g_prefix_error (&error, "%s: ", url);
    }
  step_done (call, config, error);
}

static char *
expand_url (const char *tmpl, const char *domain, const char *email)
{
  g_autoptr(GString) s = g_string_new (tmpl);
  g_autofree char *escaped = g_uri_escape_string (email, NULL, FALSE);

  g_string_replace (s, "{domain}", domain, 0);
  g_string_replace (s, "{email}", escaped, 0);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
start_xml (GTask *task, guint slot, const char *tmpl)
{
  Discover *d = g_task_get_task_data (task);
  g_autofree char *url = NULL;
  StepCall *call;

  if (tmpl == NULL)
    {
      d->started[slot] = d->done[slot] = TRUE;
      return;
    }
  url = expand_url (tmpl, d->domain, d->email);
  call = step_call_new (task, slot);
  call->https = g_str_has_prefix (url, "https://");
  call->deadline = tern_deadline_new (d->cancellable, d->self->http_timeout_ms);
  tern_autoconfig_http_get_async (d->session, url, call->deadline->cancellable, on_xml, call);
}

static void
on_srv (GObject *source, GAsyncResult *result, gpointer user_data)
{
  StepCall *call = user_data;
  GError *error = NULL;
  TernDiscoveredConfig *config = tern_autoconfig_srv_finish (result, &error);

  step_done (call, config, error);
}

static void
on_probed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  StepCall *call = user_data;
  GError *error = NULL;
  TernDiscoveredConfig *config = tern_autoconfig_probe_finish (result, &error);

  step_done (call, config, error);
}

static void
start_probe (GTask *task)
{
  Discover *d = g_task_get_task_data (task);
  StepCall *call = step_call_new (task, SLOT_PROBE);

  tern_autoconfig_probe_async (d->self->resolver, d->self->probes, d->email,
                               d->self->probe_timeout_ms, d->cancellable, on_probed, call);
}

static void
on_caller_cancelled (GCancellable *caller, gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static SoupSession *
make_session (TernAutoconfig *self)
{
  g_autofree char *agent = g_strdup_printf ("Tern/%s", TERN_VERSION);
  SoupSession *session = soup_session_new_with_options (
      "timeout", MAX (1u, (self->http_timeout_ms + 999) / 1000),
      "user-agent", agent,
      "max-conns-per-host", 2,
      NULL);

  if (self->tls_database != NULL)
    soup_session_set_tls_database (session, self->tls_database);
  return session;
}

void
tern_autoconfig_discover_async (TernAutoconfig *self,
                                const char *email,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  Discover *d;
  GError *error = NULL;

  g_return_if_fail (TERN_IS_AUTOCONFIG (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tern_autoconfig_discover_async);
  d = g_new0 (Discover, 1);
  d->self = g_object_ref (self);
  d->cancellable = g_cancellable_new ();
  d->notes = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, d, (GDestroyNotify) discover_free);

  d->email = g_strstrip (g_strdup (email ? email : ""));
  if (!tern_autoconfig_split_address (d->email, NULL, &d->domain, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (cancellable != NULL)
    {
      d->caller_cancellable = g_object_ref (cancellable);
      d->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                 d->cancellable, NULL);
    }
  d->session = make_session (self);

  start_xml (task, SLOT_PROVIDER, self->urls[URL_PROVIDER]);
  start_xml (task, SLOT_WELL_KNOWN, self->urls[URL_WELL_KNOWN]);
  start_xml (task, SLOT_ISPDB, self->urls[URL_ISPDB]);
  tern_autoconfig_srv_async (self->resolver, d->email, d->cancellable, on_srv,
                             step_call_new (task, SLOT_SRV));
}

TernDiscoveredConfig *
tern_autoconfig_discover_finish (TernAutoconfig *self,
                                 GAsyncResult *result,
                                 GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
