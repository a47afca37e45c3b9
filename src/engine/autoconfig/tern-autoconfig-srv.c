/* tern-autoconfig-srv.c: discovery from DNS SRV records (RFC 6186, 8314).
 *
 * All six names are looked up at once. Within a name, records are used in
 * priority order (lowest first) and, for equal priority, by weight (highest
 * first): the wizard shows one choice, so we want the same answer every time
 * rather than RFC 2782's weighted random pick. A record whose target is "."
 * says the service is decidedly not offered (RFC 2782, RFC 6186 3.4); that
 * name then contributes nothing.
 */
#include "tern-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "autoconfig/tern-autoconfig-private.h"
#include "core/tern-error.h"

typedef struct {
  const char *label;
  const char *service;
  TernSecurity security;
} SrvName;

/* RFC 8314 order: implicit TLS first. */
static const SrvName srv_names[] = {
  { "_imaps._tcp", "imap", TERN_SECURITY_TLS },
  { "_imap._tcp", "imap", TERN_SECURITY_STARTTLS },
  { "_pop3s._tcp", "pop3", TERN_SECURITY_TLS },
  { "_pop3._tcp", "pop3", TERN_SECURITY_STARTTLS },
  { "_submissions._tcp", "smtp", TERN_SECURITY_TLS },
  { "_submission._tcp", "smtp", TERN_SECURITY_STARTTLS },
};
#define N_SRV_NAMES G_N_ELEMENTS (srv_names)

typedef struct {
  char *email;
  char *domain;
  guint pending;
  GList *records[N_SRV_NAMES];   /* GVariant* (qqqs) */
  GError *errors[N_SRV_NAMES];
} SrvLookup;

typedef struct {
  GTask *task;
  guint index;
} SrvCall;

static void
srv_lookup_free (SrvLookup *lookup)
{
  guint i;

  for (i = 0; i < N_SRV_NAMES; i++)
    {
      g_list_free_full (lookup->records[i], (GDestroyNotify) g_variant_unref);
      g_clear_error (&lookup->errors[i]);
    }
  g_free (lookup->email);
  g_free (lookup->domain);
  g_free (lookup);
}

static gint
compare_records (gconstpointer a, gconstpointer b)
{
  guint16 pa, wa, pb, wb;

  g_variant_get ((GVariant *) a, "(qqq&s)", &pa, &wa, NULL, NULL);
  g_variant_get ((GVariant *) b, "(qqq&s)", &pb, &wb, NULL, NULL);
  if (pa != pb)
    return pa < pb ? -1 : 1;
  if (wa != wb)
    return wa > wb ? -1 : 1;
  return 0;
}

static gboolean
is_dot_target (const char *target)
{
  return target[0] == '\0' || g_str_equal (target, ".");
}

/* Adds the servers of one SRV name to @config, in preference order. */
static void
add_records (TernDiscoveredConfig *config, const SrvName *name, GList *records,
             const char *domain)
{
  GList *sorted, *l;

  for (l = records; l; l = l->next)
    {
      const char *target;
      g_variant_get (l->data, "(qqq&s)", NULL, NULL, NULL, &target);
      if (is_dot_target (target))
        {
          tern_discovered_config_add_note (config, _("%s.%s: the domain says it offers no such service"),
                                           name->label, domain);
          return;
        }
    }

  sorted = g_list_sort (g_list_copy (records), compare_records);
  for (l = sorted; l; l = l->next)
    {
      guint16 port;
      const char *target;
      g_autofree char *host = NULL;
      gsize len;

      g_variant_get (l->data, "(qqq&s)", NULL, NULL, &port, &target);
      host = g_strdup (target);
      len = strlen (host);
      if (len > 0 && host[len - 1] == '.')
        host[len - 1] = '\0';
      if (port == 0 || !tern_autoconfig_is_valid_hostname (host))
        {
          tern_discovered_config_add_note (config, _("%s.%s: ignored an invalid record"),
                                           name->label, domain);
          continue;
        }
      tern_discovered_config_take_server (
          config, tern_discovered_server_new (name->service, host, port, name->security,
                                              config->email, TRUE,
                                              TERN_AUTH_PASSWORD_CLEARTEXT));
    }
  g_list_free (sorted);
}

static void
srv_complete (GTask *task)
{
  SrvLookup *lookup = g_task_get_task_data (task);
  g_autoptr(TernDiscoveredConfig) config = NULL;
  GError *error = NULL;
  guint i;

  if (g_task_return_error_if_cancelled (task))
    return;

  config = tern_discovered_config_new (lookup->email, TERN_AUTOCONFIG_SOURCE_SRV);
  tern_discovered_config_describe (config, lookup->domain);
  for (i = 0; i < N_SRV_NAMES; i++)
    {
      if (lookup->errors[i] != NULL &&
          !g_error_matches (lookup->errors[i], G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND))
        tern_discovered_config_add_note (config, "%s.%s: %s", srv_names[i].label,
                                         lookup->domain, lookup->errors[i]->message);
      add_records (config, &srv_names[i], lookup->records[i], lookup->domain);
    }
  tern_discovered_config_sort (config);

  if (config->incoming->len == 0 && config->outgoing->len == 0)
    {
      error = g_error_new (TERN_ERROR, TERN_ERROR_NOT_FOUND,
                           _("%s publishes no mail server SRV records."), lookup->domain);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&config),
                         (GDestroyNotify) tern_discovered_config_unref);
}

static void
on_records (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SrvCall *call = user_data;
  GTask *task = call->task;
  SrvLookup *lookup = g_task_get_task_data (task);

  lookup->records[call->index] =
      g_resolver_lookup_records_finish (G_RESOLVER (source), result,
                                        &lookup->errors[call->index]);
  g_free (call);
  if (--lookup->pending == 0)
    srv_complete (task);
  g_object_unref (task);
}

void
tern_autoconfig_srv_async (GResolver *resolver,
                           const char *email,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  SrvLookup *lookup = g_new0 (SrvLookup, 1);
  GError *error = NULL;
  guint i;

  g_task_set_source_tag (task, tern_autoconfig_srv_async);
  g_task_set_task_data (task, lookup, (GDestroyNotify) srv_lookup_free);
  if (!tern_autoconfig_split_address (email, NULL, &lookup->domain, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  lookup->email = g_strdup (email);
  lookup->pending = N_SRV_NAMES;
  for (i = 0; i < N_SRV_NAMES; i++)
    {
      g_autofree char *name = g_strconcat (srv_names[i].label, ".", lookup->domain, NULL);
      SrvCall *call = g_new0 (SrvCall, 1);

      call->task = g_object_ref (task);
      call->index = i;
      g_resolver_lookup_records_async (resolver, name, G_RESOLVER_RECORD_SRV,
                                       cancellable, on_records, call);
    }
}

TernDiscoveredConfig *
tern_autoconfig_srv_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
