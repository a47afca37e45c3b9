/* tern-test-fake-server.c: a scripted line server on loopback. */
#include "tern-test-fake-server.h"

#include <gio/gio.h>
#include <string.h>

struct TernFakeServer {
  GSocketListener *listener;
  guint16 port;
  char *greeting;
  const TernFakeStep *steps;
  GPtrArray *lines;
  GThread *thread;
};

static gboolean
line_is (const char *line, const char *command)
{
  const char *space = strchr (line, ' ');
  gsize n = strlen (command);

  if (g_ascii_strncasecmp (line, command, n) == 0)
    return TRUE;
  return space && g_ascii_strncasecmp (space + 1, command, n) == 0;
}

gboolean
tern_fake_lines_have (GPtrArray *lines, const char *command)
{
  for (guint i = 0; i < lines->len; i++)
    if (line_is (g_ptr_array_index (lines, i), command))
      return TRUE;
  return FALSE;
}

static char *
reply_for (TernFakeServer *server, const char *line)
{
  g_autofree char *tag = g_strndup (line, strcspn (line, " "));

  for (const TernFakeStep *s = server->steps; s->command; s++)
    if (line_is (line, s->command))
      {
        g_auto(GStrv) parts = g_strsplit (s->reply, "{tag}", -1);
        return g_strjoinv (tag, parts);
      }
  return NULL;
}

/* Writes @reply; one that starts with "{trickle}" goes out a byte every
 * 300 ms (a server too slow for any deadline but the per-reply one). */
static gboolean
send_reply (GOutputStream *out, const char *reply)
{
  if (!g_str_has_prefix (reply, "{trickle}"))
    return g_output_stream_write_all (out, reply, strlen (reply), NULL, NULL, NULL);
  for (const char *p = reply + strlen ("{trickle}"); *p; p++)
    {
      if (!g_output_stream_write_all (out, p, 1, NULL, NULL, NULL) ||
          !g_output_stream_flush (out, NULL, NULL))
        return FALSE;
      g_usleep (300 * 1000);
    }
  return TRUE;
}

static gpointer
serve (gpointer data)
{
  TernFakeServer *server = data;
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  GOutputStream *out;
  char *line;

  conn = g_socket_listener_accept (server->listener, NULL, NULL, NULL);
  g_assert_nonnull (conn);
  /* Bounded: a stuck client cannot hang the test forever. */
  g_socket_set_timeout (g_socket_connection_get_socket (conn), 30);
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (conn)));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  if (g_str_has_suffix (server->greeting, "{close}"))
    {
      server->greeting[strlen (server->greeting) - strlen ("{close}")] = '\0';
      send_reply (out, server->greeting);
      g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
      return NULL;
    }
  send_reply (out, server->greeting);

  while ((line = g_data_input_stream_read_line (in, NULL, NULL, NULL)) != NULL)
    {
      g_autofree char *reply = reply_for (server, line);
      gboolean close_after = reply != NULL && g_str_has_suffix (reply, "{close}");

      g_ptr_array_add (server->lines, line);
      if (close_after)
        reply[strlen (reply) - strlen ("{close}")] = '\0';
      /* One write, so the extra bytes of an injection test arrive in the
       * same segment as the answer. */
      if (reply == NULL || !send_reply (out, reply) || close_after)
        break;
    }
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  return NULL;
}

TernFakeServer *
tern_fake_server_start (const char *greeting, const TernFakeStep *steps)
{
  TernFakeServer *server = g_new0 (TernFakeServer, 1);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  server->listener = g_socket_listener_new ();
  g_assert_true (g_socket_listener_add_address (server->listener, addr, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error));
  g_assert_no_error (error);
  server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  server->greeting = g_strdup (greeting);
  server->steps = steps;
  server->lines = g_ptr_array_new_with_free_func (g_free);
  server->thread = g_thread_new ("fake-server", serve, server);
  return server;
}

guint16
tern_fake_server_port (TernFakeServer *server)
{
  return server->port;
}

GPtrArray *
tern_fake_server_finish (TernFakeServer *server)
{
  GPtrArray *lines;

  g_thread_join (server->thread);
  g_socket_listener_close (server->listener);
  g_object_unref (server->listener);
  g_free (server->greeting);
  lines = server->lines;
  g_free (server);
  return lines;
}
