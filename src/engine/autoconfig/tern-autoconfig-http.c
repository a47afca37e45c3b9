/* tern-autoconfig-http.c: fetch one config-v1.1.xml over HTTP(S).
 *
 * libsoup does the HTTP (chunked bodies, keep-alive, proxies, TLS through
 * GIO); this file adds what discovery needs on top: redirects followed by
 * hand so that there are at most three and none goes from https to http,
 * and a hard cap on the body size, since the document comes from anyone
 * who controls the domain or the network.
 */
#include "tern-config.h"

#include <glib/gi18n-lib.h>

#include "autoconfig/tern-autoconfig-private.h"
#include "core/tern-error.h"

typedef struct {
  SoupSession *session;
  char *url;
  guint redirects;
  gboolean seen_https;
  SoupMessage *msg;
  GInputStream *stream;
  GByteArray *body;
} HttpGet;

static void
http_get_free (HttpGet *get)
{
  g_clear_object (&get->session);
  g_free (get->url);
  g_clear_object (&get->msg);
  g_clear_object (&get->stream);
  if (get->body)
    g_byte_array_unref (get->body);
  g_free (get);
}

static void start_request (GTask *task);

static void
fail (GTask *task, GError *error)
{
  HttpGet *get = g_task_get_task_data (task);

  tern_autoconfig_map_error (&error, get->url);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
on_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  HttpGet *get = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  GError *error = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    { fail (task, error); return; }
  if (g_bytes_get_size (chunk) == 0)
    {
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&get->body)),
                             (GDestroyNotify) g_bytes_unref);
      g_object_unref (task);
      return;
    }
  if (get->body->len + g_bytes_get_size (chunk) > TERN_AUTOCONFIG_MAX_XML)
    { fail (task, g_error_new (TERN_ERROR, TERN_ERROR_PROTOCOL,
                                    _("%s: the document is larger than %u KiB."),
                                    get->url, TERN_AUTOCONFIG_MAX_XML / 1024)); return; }
  g_byte_array_append (get->body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  g_input_stream_read_bytes_async (get->stream, 64 * 1024, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), on_read, task);
}

/* Returns the absolute redirect target, or NULL with an error. */
static char *
redirect_target (HttpGet *get, GError **error)
{
  const char *location;
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  location = soup_message_headers_get_one (soup_message_get_response_headers (get->msg),
                                           "Location");
  if (location == NULL)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                   _("%s: redirect without a target."), get->url);
      return NULL;
    }
  uri = g_uri_parse_relative (soup_message_get_uri (get->msg), location,
                              SOUP_HTTP_URI_FLAGS, NULL);
  scheme = uri ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL ||
      !(g_strcmp0 (scheme, "https") == 0 ||
        (g_strcmp0 (scheme, "http") == 0 && !get->seen_https)))
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                   _("%s: refused a redirect to “%s” (only secure https redirects are followed)."),
                   get->url, location);
      return NULL;
    }
  if (++get->redirects > TERN_AUTOCONFIG_MAX_REDIRECTS)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                   _("%s: too many redirects."), get->url);
      return NULL;
    }
  return g_uri_to_string (uri);
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  HttpGet *get = g_task_get_task_data (task);
  GError *error = NULL;
  guint status;
  goffset length;

  get->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (get->stream == NULL)
    { fail (task, error); return; }

  status = soup_message_get_status (get->msg);
  if (SOUP_STATUS_IS_REDIRECTION (status) && status != SOUP_STATUS_NOT_MODIFIED)
    {
      char *target = redirect_target (get, &error);
      if (target == NULL)
        { fail (task, error); return; }
      g_debug ("autoconfig: %s redirects to %s", get->url, target);
      g_free (get->url);
      get->url = target;
      g_clear_object (&get->stream);
      g_clear_object (&get->msg);
      start_request (task);
      return;
    }
  if (status != SOUP_STATUS_OK)
    { fail (task, g_error_new (TERN_ERROR,
                                    status == SOUP_STATUS_NOT_FOUND || status == SOUP_STATUS_GONE
                                      ? TERN_ERROR_NOT_FOUND : TERN_ERROR_PROTOCOL,
                                    _("%s: the server answered %u %s."), get->url, status,
                                    soup_message_get_reason_phrase (get->msg))); return; }

  length = soup_message_headers_get_content_length (soup_message_get_response_headers (get->msg));
  if (length > TERN_AUTOCONFIG_MAX_XML)
    { fail (task, g_error_new (TERN_ERROR, TERN_ERROR_PROTOCOL,
                                    _("%s: the document is larger than %u KiB."),
                                    get->url, TERN_AUTOCONFIG_MAX_XML / 1024)); return; }
  get->body = g_byte_array_new ();
  g_input_stream_read_bytes_async (get->stream, 64 * 1024, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), on_read, task);
}

static void
start_request (GTask *task)
{
  HttpGet *get = g_task_get_task_data (task);
  g_autoptr(GUri) uri = g_uri_parse (get->url, SOUP_HTTP_URI_FLAGS, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL ||
      (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 &&
       g_strcmp0 (g_uri_get_scheme (uri), "http") != 0))
    { fail (task, g_error_new (TERN_ERROR, TERN_ERROR_INVALID,
                                    _("“%s” is not an http or https address."), get->url)); return; }
  if (g_str_equal (g_uri_get_scheme (uri), "https"))
    get->seen_https = TRUE;

  get->msg = soup_message_new_from_uri ("GET", uri);
  soup_message_add_flags (get->msg, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_replace (soup_message_get_request_headers (get->msg),
                                "Accept", "application/xml, text/xml;q=0.9, */*;q=0.1");
  soup_session_send_async (get->session, get->msg, G_PRIORITY_DEFAULT,
                           g_task_get_cancellable (task), on_sent, task);
}

void
tern_autoconfig_http_get_async (SoupSession *session,
                                const char *url,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  HttpGet *get = g_new0 (HttpGet, 1);

  g_task_set_source_tag (task, tern_autoconfig_http_get_async);
  get->session = g_object_ref (session);
  get->url = g_strdup (url);
  g_task_set_task_data (task, get, (GDestroyNotify) http_get_free);
  start_request (task);
}

GBytes *
tern_autoconfig_http_get_finish (GAsyncResult *result, char **final_url, GError **error)
{
  GTask *task = G_TASK (result);
  HttpGet *get = g_task_get_task_data (task);

  if (final_url)
    *final_url = g_strdup (get->url);
  return g_task_propagate_pointer (task, error);
}
