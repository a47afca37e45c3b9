/* tern-cli-discover.c: account add --discover: the wizard's lookup on the
 * command line, with the same rule before any password leaves: a server
 * outside the address's domain that discovery cannot vouch for is used only
 * when --trust-host names it (RFC 6186 section 6). */
#include "tern-config.h"

#include "autoconfig/tern-autoconfig.h"
#include "tern-cli-context.h"

typedef struct {
  gboolean done;
  TernDiscoveredConfig *config;
  GError *error;
} Lookup;

static void
on_discovered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Lookup *lookup = user_data;

  lookup->config = tern_autoconfig_discover_finish (TERN_AUTOCONFIG (source), result,
                                                    &lookup->error);
  lookup->done = TRUE;
}

static TernAutoconfig *
make_autoconfig (void)
{
  TernAutoconfig *ac = tern_autoconfig_new ();
#if TERN_TEST_HOOKS
  /* Tests serve the provider's XML locally and switch the rest off. */
  const char *url = g_getenv ("TERN_TEST_AUTOCONFIG_URL");

  if (url != NULL)
    {
      tern_autoconfig_set_urls (ac, url, NULL, NULL);
      tern_autoconfig_clear_probes (ac);
    }
#endif
  return ac;
}

TernDiscoveredConfig *
tern_cli_discover (const char *email, GError **error)
{
  g_autoptr(TernAutoconfig) ac = make_autoconfig ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  Lookup lookup = { 0 };

  /* tern-cli has no main loop of its own: run this one until done. */
  g_main_context_push_thread_default (context);
  tern_autoconfig_discover_async (ac, email, NULL, on_discovered, &lookup);
  while (!lookup.done)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
  if (lookup.error != NULL)
    g_propagate_error (error, lookup.error);
  return lookup.config;
}

gboolean
tern_cli_host_is_trusted (const TernDiscoveredConfig *config,
                          const char *host,
                          char **trust_hosts,
                          GError **error)
{
  g_autofree char *question = NULL;

  if (!tern_discovered_config_host_needs_confirmation (config, host))
    return TRUE;
  for (guint i = 0; trust_hosts != NULL && trust_hosts[i] != NULL; i++)
    if (g_ascii_strcasecmp (trust_hosts[i], host) == 0)
      return TRUE;
  question = tern_discovered_config_confirmation (config, host);
  g_set_error (error, TERN_ERROR, TERN_ERROR_CERTIFICATE,
               "%s The account was not added. To continue, run again with --trust-host %s.",
               question, host);
  return FALSE;
}
