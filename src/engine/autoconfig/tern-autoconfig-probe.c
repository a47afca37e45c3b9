/* tern-autoconfig-probe.c: discovery by trying common server names.
 *
 * Every target (imap.<domain>:993, smtp.<domain>:587, ...) is tried at once,
 * each with its own deadline. A probe resolves the name with the injected
 * resolver, connects (with TLS on implicit-TLS ports), reads the greeting and
 * asks for capabilities (IMAP CAPABILITY, POP3 CAPA, SMTP EHLO) to learn
 * whether STARTTLS is offered, then hangs up. It never logs in and never
 * sends a password. On TLS ports any certificate is accepted, because only
 * the greeting is read: whether the certificate is trusted is decided later
 * by the connection test, which the user sees.
 */
#include "tern-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "autoconfig/tern-autoconfig-private.h"
#include "core/tern-error.h"

/* Greeting plus capabilities fit in a few KiB; more means not a mail server. */
#define MAX_PROBE_BYTES (64 * 1024)

typedef enum { STEP_MORE, STEP_SEND, STEP_DONE, STEP_FAIL } Step;

typedef struct {
  GTask *run;                 /* the whole probing run (ref) */
  guint index;                /* target index */
  const TernProbeTarget *target;
  char *host;
  char *what;                 /* "imap.example.com:993", for messages */
  TernDeadline *deadline;
  GList *addresses;           /* GInetAddress* */
  GList *next_address;
  GSocketClient *client;
  GIOStream *io;
  GByteArray *buf;
  guint8 chunk[4096];
  gsize total;
  int state;
  const char *reply;          /* STEP_SEND: command to send (static) */
  gboolean starttls;
} Probe;

typedef struct {
  char *email;
  char *domain;
  GPtrArray *targets;         /* TernProbeTarget* (ref) */
  GResolver *resolver;
  guint timeout_ms;
  guint pending;
  gboolean *ok;               /* per target */
  gboolean *starttls;
  GError **errors;
} ProbeRun;

static void
probe_run_free (ProbeRun *run)
{
  guint i;

  for (i = 0; i < run->targets->len; i++)
    g_clear_error (&run->errors[i]);
  g_free (run->errors);
  g_free (run->ok);
  g_free (run->starttls);
  g_ptr_array_unref (run->targets);
  g_object_unref (run->resolver);
  g_free (run->email);
  g_free (run->domain);
  g_free (run);
}

void
tern_probe_target_free (TernProbeTarget *target)
{
  if (target == NULL)
    return;
  g_free (target->host_template);
  g_free (target);
}

static void
probe_free (Probe *probe)
{
  g_free (probe->host);
  g_free (probe->what);
  tern_deadline_free (probe->deadline);
  g_list_free_full (probe->addresses, g_object_unref);
  g_clear_object (&probe->client);
  g_clear_object (&probe->io);
  if (probe->buf)
    g_byte_array_unref (probe->buf);
  g_object_unref (probe->run);
  g_free (probe);
}

static void run_probe_done (GTask *run);

static void
probe_finish (Probe *probe, GError *error)
{
  ProbeRun *run = g_task_get_task_data (probe->run);

  if (error != NULL)
    {
      tern_deadline_fix_error (probe->deadline, &error, probe->what);
      g_debug ("autoconfig: probe %s: %s", probe->what, error->message);
      run->errors[probe->index] = error;
    }
  else
    {
      g_debug ("autoconfig: probe %s: found %s%s", probe->what, probe->target->service,
               probe->starttls ? " with STARTTLS" : "");
      run->ok[probe->index] = TRUE;
      run->starttls[probe->index] = probe->starttls;
    }
  if (--run->pending == 0)
    run_probe_done (probe->run);
  probe_free (probe);
}

/* --- the three conversations: one line in, what to do next out --- */

static gboolean
has_prefix_ci (const char *s, const char *prefix)
{
  return g_ascii_strncasecmp (s, prefix, strlen (prefix)) == 0;
}

/* Sets probe->starttls if @word appears as a token of @caps. */
static void
scan_caps (Probe *probe, const char *caps, const char *word)
{
  g_auto(GStrv) tokens = g_strsplit_set (caps, " []", -1);
  guint i;

  for (i = 0; tokens[i]; i++)
    if (g_ascii_strcasecmp (tokens[i], word) == 0)
      probe->starttls = TRUE;
}

static Step
imap_line (Probe *probe, const char *line, GError **error)
{
  const char *caps;

  switch (probe->state)
    {
    case 0:
      if (!has_prefix_ci (line, "* OK") && !has_prefix_ci (line, "* PREAUTH"))
        {
          g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                       _("%s does not greet like an IMAP server."), probe->what);
          return STEP_FAIL;
        }
      caps = strstr (line, "[CAPABILITY ");
      if (caps == NULL)
        caps = strstr (line, "[capability ");
      if (caps != NULL)
        {
          scan_caps (probe, caps, "STARTTLS");
          return STEP_DONE;
        }
      probe->state = 1;
      probe->reply = "T1 CAPABILITY\r\n";
      return STEP_SEND;
    default:
      if (has_prefix_ci (line, "* CAPABILITY "))
        scan_caps (probe, line, "STARTTLS");
      else if (has_prefix_ci (line, "T1 "))
        return STEP_DONE;
      return STEP_MORE;
    }
}

static Step
pop3_line (Probe *probe, const char *line, GError **error)
{
  switch (probe->state)
    {
    case 0:
      if (!has_prefix_ci (line, "+OK"))
        {
          g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                       _("%s does not greet like a POP3 server."), probe->what);
          return STEP_FAIL;
        }
      probe->state = 1;
      probe->reply = "CAPA\r\n";
      return STEP_SEND;
    case 1:
      /* -ERR: an old server without CAPA, so without STLS either. */
      if (!has_prefix_ci (line, "+OK"))
        return STEP_DONE;
      probe->state = 2;
      return STEP_MORE;
    default:
      if (g_str_equal (line, "."))
        return STEP_DONE;
      scan_caps (probe, line, "STLS");
      return STEP_MORE;
    }
}

static gboolean
smtp_reply_line (const char *line, const char *code, gboolean *last)
{
  if (strncmp (line, code, 3) != 0 || (line[3] != ' ' && line[3] != '-' && line[3] != '\0'))
    return FALSE;
  *last = line[3] != '-';
  return TRUE;
}

static Step
smtp_line (Probe *probe, const char *line, GError **error)
{
  gboolean last = TRUE;

  switch (probe->state)
    {
    case 0:
      if (!smtp_reply_line (line, "220", &last))
        {
          g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                       _("%s does not greet like an SMTP server."), probe->what);
          return STEP_FAIL;
        }
      if (!last)
        return STEP_MORE;
      probe->state = 1;
      probe->reply = "EHLO localhost\r\n";
      return STEP_SEND;
    default:
      /* A server that refuses EHLO is still SMTP, just without STARTTLS. */
      if (!smtp_reply_line (line, "250", &last))
        return STEP_DONE;
      scan_caps (probe, line + MIN (strlen (line), 4), "STARTTLS");
      return last ? STEP_DONE : STEP_MORE;
    }
}

static Step
probe_line (Probe *probe, const char *line, GError **error)
{
  if (g_str_equal (probe->target->service, "imap"))
    return imap_line (probe, line, error);
  if (g_str_equal (probe->target->service, "pop3"))
    return pop3_line (probe, line, error);
  return smtp_line (probe, line, error);
}

/* --- I/O --- */

static void read_more (Probe *probe);

static void
on_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Probe *probe = user_data;
  GError *error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      probe_finish (probe, error);
      return;
    }
  read_more (probe);
}

/* Feeds complete lines to the conversation; TRUE if the probe ended or
 * a command went out (and reading resumes after the write). */
static gboolean
process_lines (Probe *probe)
{
  guint8 *nl;

  while ((nl = memchr (probe->buf->data, '\n', probe->buf->len)) != NULL)
    {
      gsize len = nl - probe->buf->data;
      g_autofree char *line = g_strndup ((char *) probe->buf->data, len);
      GError *error = NULL;
      Step step;

      g_strchomp (line);
      g_byte_array_remove_range (probe->buf, 0, len + 1);
      step = probe_line (probe, line, &error);
      if (step == STEP_FAIL)
        {
          probe_finish (probe, error);
          return TRUE;
        }
      if (step == STEP_DONE)
        {
          probe_finish (probe, NULL);
          return TRUE;
        }
      if (step == STEP_SEND)
        {
          g_output_stream_write_all_async (g_io_stream_get_output_stream (probe->io),
                                           probe->reply, strlen (probe->reply),
                                           G_PRIORITY_DEFAULT,
                                           probe->deadline->cancellable, on_written, probe);
          return TRUE;
        }
    }
  return FALSE;
}

static void
on_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Probe *probe = user_data;
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n < 0)
    {
      probe_finish (probe, error);
      return;
    }
  if (n == 0)
    {
      probe_finish (probe, g_error_new (TERN_ERROR, TERN_ERROR_CONNECTION_LOST,
                                        _("%s closed the connection."), probe->what));
      return;
    }
  probe->total += n;
  if (probe->total > MAX_PROBE_BYTES)
    {
      probe_finish (probe, g_error_new (TERN_ERROR, TERN_ERROR_PROTOCOL,
                                        _("%s sent too much data."), probe->what));
      return;
    }
  g_byte_array_append (probe->buf, probe->chunk, n);
  if (!process_lines (probe))
    read_more (probe);
}

static void
read_more (Probe *probe)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (probe->io),
                             probe->chunk, sizeof probe->chunk, G_PRIORITY_DEFAULT,
                             probe->deadline->cancellable, on_read, probe);
}

static gboolean
accept_any_certificate (GTlsConnection *conn, GTlsCertificate *cert,
                        GTlsCertificateFlags errors, gpointer user_data)
{
  return TRUE;  /* only the greeting is read; see the comment at the top */
}

static void
on_handshake (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Probe *probe = user_data;
  GError *error = NULL;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    {
      probe_finish (probe, error);
      return;
    }
  read_more (probe);
}

static void connect_next (Probe *probe, GError *last_error);

static void
on_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Probe *probe = user_data;
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;
  GError *error = NULL;
  GIOStream *tls;

  conn = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (conn == NULL)
    {
      connect_next (probe, error);
      return;
    }
  probe->buf = g_byte_array_new ();
  if (probe->target->security != TERN_SECURITY_TLS)
    {
      probe->io = G_IO_STREAM (g_steal_pointer (&conn));
      read_more (probe);
      return;
    }
  identity = g_network_address_new (probe->host, probe->target->port);
  tls = g_tls_client_connection_new (G_IO_STREAM (conn), identity, &error);
  if (tls == NULL)
    {
      probe_finish (probe, error);
      return;
    }
  probe->io = tls;
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (accept_any_certificate), NULL);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT,
                                    probe->deadline->cancellable, on_handshake, probe);
}

/* Tries the next resolved address; the first error is the one reported. */
static void
connect_next (Probe *probe, GError *last_error)
{
  g_autoptr(GSocketAddress) address = NULL;

  if (probe->next_address == NULL ||
      g_cancellable_is_cancelled (probe->deadline->cancellable))
    {
      probe_finish (probe, last_error);
      return;
    }
  g_clear_error (&last_error);
  address = g_inet_socket_address_new (probe->next_address->data, probe->target->port);
  probe->next_address = probe->next_address->next;
  g_socket_client_connect_async (probe->client, G_SOCKET_CONNECTABLE (address),
                                 probe->deadline->cancellable, on_connected, probe);
}

static void
on_resolved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Probe *probe = user_data;
  GError *error = NULL;

  probe->addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);
  if (probe->addresses == NULL)
    {
      probe_finish (probe, error ? error
                                 : g_error_new (TERN_ERROR, TERN_ERROR_HOST_NOT_FOUND,
                                                _("%s has no address."), probe->host));
      return;
    }
  probe->next_address = probe->addresses;
  probe->client = g_socket_client_new ();
  connect_next (probe, g_error_new (TERN_ERROR, TERN_ERROR_CONNECTION_REFUSED,
                                    _("Could not connect to %s."), probe->what));
}

static void
start_probe (GTask *run_task, guint index)
{
  ProbeRun *run = g_task_get_task_data (run_task);
  Probe *probe = g_new0 (Probe, 1);
  g_autoptr(GString) host = NULL;

  probe->run = g_object_ref (run_task);
  probe->index = index;
  probe->target = g_ptr_array_index (run->targets, index);
  host = g_string_new (probe->target->host_template);
  g_string_replace (host, "{domain}", run->domain, 0);
  probe->host = g_string_free (g_steal_pointer (&host), FALSE);
  probe->what = g_strdup_printf ("%s:%u", probe->host, probe->target->port);
  probe->deadline = tern_deadline_new (g_task_get_cancellable (run_task), run->timeout_ms);
  g_resolver_lookup_by_name_async (run->resolver, probe->host, probe->deadline->cancellable,
                                   on_resolved, probe);
}

static void
run_probe_done (GTask *task)
{
  ProbeRun *run = g_task_get_task_data (task);
  g_autoptr(TernDiscoveredConfig) config = NULL;
  guint i;

  if (g_task_return_error_if_cancelled (task))
    return;
  config = tern_discovered_config_new (run->email, TERN_AUTOCONFIG_SOURCE_PROBE);
  tern_discovered_config_describe (config, run->domain);
  for (i = 0; i < run->targets->len; i++)
    {
      const TernProbeTarget *target = g_ptr_array_index (run->targets, i);
      g_autoptr(GString) host = g_string_new (target->host_template);
      TernSecurity security = target->security;

      g_string_replace (host, "{domain}", run->domain, 0);
      if (!run->ok[i])
        {
          if (run->errors[i] != NULL)
            tern_discovered_config_add_note (config, "%s", run->errors[i]->message);
          continue;
        }
      if (security != TERN_SECURITY_TLS && !run->starttls[i])
        security = TERN_SECURITY_NONE;
      tern_discovered_config_take_server (
          config, tern_discovered_server_new (target->service, host->str, target->port,
                                              security, run->email, TRUE,
                                              TERN_AUTH_PASSWORD_CLEARTEXT));
    }
  tern_discovered_config_sort (config);
  if (config->incoming->len == 0 && config->outgoing->len == 0)
    {
      g_task_return_new_error (task, TERN_ERROR, TERN_ERROR_NOT_FOUND,
                               _("No mail server answered at the usual names for %s."),
                               run->domain);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&config),
                         (GDestroyNotify) tern_discovered_config_unref);
}

void
tern_autoconfig_probe_async (GResolver *resolver,
                             GPtrArray *targets,
                             const char *email,
                             guint timeout_ms,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  ProbeRun *run = g_new0 (ProbeRun, 1);
  GError *error = NULL;
  guint i;

  g_task_set_source_tag (task, tern_autoconfig_probe_async);
  run->targets = g_ptr_array_ref (targets);
  run->resolver = g_object_ref (resolver);
  run->timeout_ms = timeout_ms;
  run->ok = g_new0 (gboolean, targets->len);
  run->starttls = g_new0 (gboolean, targets->len);
  run->errors = g_new0 (GError *, targets->len);
  g_task_set_task_data (task, run, (GDestroyNotify) probe_run_free);
  if (!tern_autoconfig_split_address (email, NULL, &run->domain, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  run->email = g_strdup (email);
  if (targets->len == 0)
    {
      run_probe_done (task);
      return;
    }
  run->pending = targets->len;
  for (i = 0; i < targets->len; i++)
    start_probe (task, i);
}

TernDiscoveredConfig *
tern_autoconfig_probe_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
