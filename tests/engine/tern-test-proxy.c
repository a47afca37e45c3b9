/* tern-test-proxy.c: a cutting TCP proxy for connection-drop tests. */
#include <gio/gio.h>
#include <poll.h>

#include "tern-test-proxy.h"

struct _TernTestProxy
{
  GSocket *listener;
  guint16 port;
  guint16 target_port;
  gsize cut_after;
  gint stop;
  gsize forwarded;   /* atomic */
  GThread *thread;
};

static GSocket *
connect_target (guint16 port)
{
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, port);
  GSocket *s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);

  if (s != NULL && !g_socket_connect (s, addr, NULL, NULL))
    g_clear_object (&s);
  return s;
}

/* Copies what is readable from @from to @to; FALSE when the pair is done. */
static gboolean
pump (TernTestProxy *self, GSocket *from, GSocket *to, gboolean from_server)
{
  char buf[16384];
  gssize n = g_socket_receive (from, buf, sizeof buf, NULL, NULL);
  gsize allowed = n > 0 ? (gsize) n : 0;

  if (n <= 0)
    return FALSE;
  if (from_server && self->cut_after > 0)
    {
      gsize done = g_atomic_pointer_get (&self->forwarded);
      allowed = done >= self->cut_after ? 0 : MIN (allowed, self->cut_after - done);
    }
  if (allowed > 0 && g_socket_send (to, buf, allowed, NULL, NULL) != (gssize) allowed)
    return FALSE;
  if (from_server)
    {
      g_atomic_pointer_add (&self->forwarded, allowed);
      return allowed == (gsize) n;
    }
  return TRUE;
}

static void
serve_client (TernTestProxy *self, GSocket *client)
{
  g_autoptr(GSocket) server = connect_target (self->target_port);

  while (server != NULL && !g_atomic_int_get (&self->stop))
    {
      struct pollfd fds[2] = {
        { g_socket_get_fd (client), POLLIN, 0 },
        { g_socket_get_fd (server), POLLIN, 0 },
      };

      if (poll (fds, 2, 100) <= 0)
        continue;
      if ((fds[0].revents & (POLLIN | POLLHUP)) && !pump (self, client, server, FALSE))
        break;
      if ((fds[1].revents & (POLLIN | POLLHUP)) && !pump (self, server, client, TRUE))
        break;
    }
  g_socket_close (client, NULL);
  if (server != NULL)
    g_socket_close (server, NULL);
}

static gpointer
proxy_thread (gpointer data)
{
  TernTestProxy *self = data;

  while (!g_atomic_int_get (&self->stop))
    {
      struct pollfd fd = { g_socket_get_fd (self->listener), POLLIN, 0 };
      g_autoptr(GSocket) client = NULL;

      if (poll (&fd, 1, 100) <= 0)
        continue;
      client = g_socket_accept (self->listener, NULL, NULL);
      if (client != NULL)
        serve_client (self, client);
    }
  return NULL;
}

TernTestProxy *
tern_test_proxy_new (guint16 target_port, gsize cut_after)
{
  TernTestProxy *self = g_new0 (TernTestProxy, 1);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  self->target_port = target_port;
  self->cut_after = cut_after;
  self->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL);
  g_assert_true (g_socket_bind (self->listener, any, TRUE, NULL));
  g_assert_true (g_socket_listen (self->listener, NULL));
  bound = g_socket_get_local_address (self->listener, NULL);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  self->thread = g_thread_new ("test-proxy", proxy_thread, self);
  return self;
}

guint16
tern_test_proxy_port (TernTestProxy *self)
{
  return self->port;
}

gsize
tern_test_proxy_bytes (TernTestProxy *self)
{
  return g_atomic_pointer_get (&self->forwarded);
}

void
tern_test_proxy_free (TernTestProxy *self)
{
  g_atomic_int_set (&self->stop, 1);
  g_thread_join (self->thread);
  g_socket_close (self->listener, NULL);
  g_object_unref (self->listener);
  g_free (self);
}
