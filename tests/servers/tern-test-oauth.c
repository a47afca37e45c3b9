/* tern-test-oauth.c: runs tern-test-oauth-server.py and talks to it. */
#include "tern-test-oauth.h"

#include <gio/gio.h>
#include <string.h>

#include "tern-test-process.h"

#define START_TIMEOUT_S 20

struct _TernTestOAuth {
  char *dir;
  GSubprocess *server;
  guint16 port;
  char *url;
  char *introspection_url;
  char *providers_file;
};

static gboolean
wait_for_port (TernTestOAuth *self, const char *port_file, GError **error)
{
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_S * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *text = NULL;

      if (g_file_get_contents (port_file, &text, NULL, NULL))
        {
          self->port = (guint16) g_ascii_strtoull (text, NULL, 10);
          return self->port != 0;
        }
      if (g_subprocess_get_identifier (self->server) == NULL)  /* it exited */
        break;
      g_usleep (20 * 1000);
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               "the OAuth2 test server (python3 %s) did not start", TERN_TEST_OAUTH_SERVER);
  return FALSE;
}

static gboolean
write_providers (TernTestOAuth *self, GError **error)
{
  g_autofree char *ini = g_strdup_printf (
      "[" TERN_TEST_OAUTH_PROVIDER "]\n"
      "name=Tern Test Provider\n"
      "auth_url=%1$s/authorize\n"
      "token_url=%1$s/token\n"
      "revoke_url=%1$s/revoke\n"
      "scopes=mail offline_access\n"
      "client_id=" TERN_TEST_OAUTH_CLIENT_ID "\n"
      "domains=localhost;oauth.test;\n", self->url);

  self->providers_file = g_build_filename (self->dir, "providers.ini", NULL);
  return g_file_set_contents (self->providers_file, ini, -1, error);
}

TernTestOAuth *
tern_test_oauth_start (GError **error)
{
  g_autoptr(TernTestOAuth) self = g_new0 (TernTestOAuth, 1);
  g_autofree char *port_file = NULL;
  g_autofree char *python = g_find_program_in_path ("python3");

  if (python == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "python3 not found: install the Debian package python3");
      return NULL;
    }
  self->dir = g_dir_make_tmp ("tern-test-oauth-XXXXXX", error);
  if (self->dir == NULL)
    return NULL;
  port_file = g_build_filename (self->dir, "port", NULL);
  {
    /* Its output goes to a file: a server left behind by a crashed test
     * must not hold the test's stdout open. */
    g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
    g_autofree char *log = g_build_filename (self->dir, "server.log", NULL);

    g_subprocess_launcher_set_stdout_file_path (l, log);
    g_subprocess_launcher_set_stderr_file_path (l, log);
    self->server = g_subprocess_launcher_spawn (l, error, python, TERN_TEST_OAUTH_SERVER,
                                                port_file, NULL);
  }
  if (self->server == NULL || !wait_for_port (self, port_file, error))
    return NULL;
  self->url = g_strdup_printf ("http://127.0.0.1:%u", self->port);
  self->introspection_url = g_strdup_printf ("%s/introspect", self->url);
  if (!write_providers (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
tern_test_oauth_free (TernTestOAuth *self)
{
  if (self == NULL)
    return;
  tern_test_process_stop (self->server);
  g_clear_object (&self->server);
  if (self->dir != NULL)
    tern_test_dir_remove (self->dir);
  g_free (self->dir);
  g_free (self->url);
  g_free (self->introspection_url);
  g_free (self->providers_file);
  g_free (self);
}

const char *
tern_test_oauth_url (TernTestOAuth *self)
{
  return self->url;
}

const char *
tern_test_oauth_introspection_url (TernTestOAuth *self)
{
  return self->introspection_url;
}

const char *
tern_test_oauth_providers_file (TernTestOAuth *self)
{
  return self->providers_file;
}

/* One HTTP/1.0 exchange with 127.0.0.1:@port; the whole answer. */
static char *
http_exchange (guint16 port, const char *request, GError **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GByteArray) answer = g_byte_array_new ();
  GInputStream *in;
  guint8 buf[4096];
  gssize n;

  g_socket_client_set_timeout (client, 20);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, error);
  if (conn == NULL ||
      !g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
                                  request, strlen (request), NULL, NULL, error))
    return NULL;
  in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  while ((n = g_input_stream_read (in, buf, sizeof buf, NULL, error)) > 0)
    g_byte_array_append (answer, buf, (guint) n);
  if (n < 0)
    return NULL;
  g_byte_array_append (answer, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (g_steal_pointer (&answer), FALSE);
}

static guint
status_of (const char *answer)
{
  const char *sp = answer != NULL ? strchr (answer, ' ') : NULL;

  return sp != NULL ? (guint) g_ascii_strtoull (sp + 1, NULL, 10) : 0;
}

char *
tern_test_oauth_control (TernTestOAuth *self, const char *what, GError **error)
{
  g_autofree char *request = g_strdup_printf (
      "POST /control/%s HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n", what);
  g_autofree char *answer = http_exchange (self->port, request, error);
  const char *body;

  if (answer == NULL)
    return NULL;
  body = strstr (answer, "\r\n\r\n");
  if (status_of (answer) != 200 || body == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "control %s failed: %s", what, answer);
      return NULL;
    }
  return g_strdup (body + 4);
}

gint64
tern_test_oauth_stat (TernTestOAuth *self, const char *name)
{
  g_autofree char *json = tern_test_oauth_control (self, "stats", NULL);
  g_autofree char *key = g_strdup_printf ("\"%s\": ", name);
  const char *at = json != NULL ? strstr (json, key) : NULL;

  return at != NULL ? g_ascii_strtoll (at + strlen (key), NULL, 10) : -1;
}

guint
tern_test_http_get (const char *url, char **location, GError **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, error);
  g_autofree char *request = NULL;
  g_autofree char *answer = NULL;
  const char *query;

  if (uri == NULL)
    return 0;
  query = g_uri_get_query (uri);
  request = g_strdup_printf ("GET %s%s%s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n",
                             *g_uri_get_path (uri) ? g_uri_get_path (uri) : "/",
                             query ? "?" : "", query ? query : "");
  answer = http_exchange ((guint16) g_uri_get_port (uri), request, error);
  if (answer == NULL)
    return 0;
  if (location != NULL)
    {
      const char *l = strstr (answer, "\r\nLocation: ");
      const char *end = l != NULL ? strstr (l + 2, "\r\n") : NULL;

      *location = end != NULL ? g_strndup (l + 12, (gsize) (end - l - 12)) : NULL;
    }
  return status_of (answer);
}

char *
tern_test_oauth_forge_state (const char *redirect)
{
  g_autoptr(GString) s = g_string_new (redirect);
  const char *state = strstr (s->str, "state=");

  g_assert_nonnull (state);
  g_string_truncate (s, (gsize) (state - s->str));
  g_string_append (s, "state=forged-by-another-page");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

GSubprocess *
tern_test_goa_standin_start (const char *standin, const char *email, const char *imap,
                             const char *smtp, const char *access_token, GError **error)
{
  g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new (
      G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autofree char *token_line = g_strdup_printf ("%s\n", access_token);
  g_autoptr(GSubprocess) p = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  /* Its stdout says "ready" and nothing else. */
  g_subprocess_launcher_unsetenv (l, "G_MESSAGES_DEBUG");
  p = g_subprocess_launcher_spawn (l, error, standin, email, imap, smtp, NULL);
  if (p == NULL)
    return NULL;
  /* The token goes through a pipe, never the command line. */
  if (!g_output_stream_write_all (g_subprocess_get_stdin_pipe (p), token_line,
                                  strlen (token_line), NULL, NULL, error) ||
      !g_output_stream_close (g_subprocess_get_stdin_pipe (p), NULL, error))
    return NULL;
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (p));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, error);
  if (g_strcmp0 (line, "ready") != 0)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "goa-standin did not start (%s)",
                     line != NULL ? line : "no output");
      g_subprocess_force_exit (p);
      return NULL;
    }
  return g_steal_pointer (&p);
}
