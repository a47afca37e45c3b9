/* tern-socket.c: TCP connect and bounded, cancellable waits on a socket. */
#include "net/tern-socket.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/tern-error.h"

TernSocketWait
tern_socket_wait (int           fd,
                  short         events,
                  int           timeout_ms,
                  int           cancel_fd,
                  GCancellable *cancellable)
{
  struct pollfd pfd[3] = { { fd, events, 0 } };
  GPollFD gcancel = { -1, 0, 0 };
  nfds_t n = 1;
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  TernSocketWait result = TERN_SOCKET_FAILED;

  if (cancel_fd >= 0)
    pfd[n++] = (struct pollfd) { cancel_fd, POLLIN, 0 };
  if (cancellable && g_cancellable_make_pollfd (cancellable, &gcancel))
    pfd[n++] = (struct pollfd) { gcancel.fd, POLLIN, 0 };

  for (;;)
    {
      gint64 left_ms = (deadline - g_get_monotonic_time () + 999) / 1000;
      int r;

      if (g_cancellable_is_cancelled (cancellable))
        { result = TERN_SOCKET_CANCELLED; break; }
      if (left_ms <= 0)
        { result = TERN_SOCKET_TIMED_OUT; break; }
      r = poll (pfd, n, (int) MIN (left_ms, G_MAXINT));
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        break;
      if (r == 0)
        continue;  /* the deadline check above decides */
      if (n > 1 && (pfd[1].revents || (n > 2 && pfd[2].revents)))
        { result = TERN_SOCKET_CANCELLED; break; }
      /* POLLERR/POLLHUP count as ready: the next recv/send reports why. */
      result = TERN_SOCKET_READY;
      break;
    }

  if (gcancel.fd >= 0)
    g_cancellable_release_fd (cancellable);
  return result;
}

/* Which failure to report when several addresses failed: the most telling
 * one wins (a refusal proves the host is there, a timeout suggests a
 * firewall, unreachable networks suggest being offline). */
static int
failure_rank (int code)
{
  switch (code)
    {
    case TERN_ERROR_CONNECTION_REFUSED: return 3;
    case TERN_ERROR_TIMED_OUT: return 2;
    case TERN_ERROR_OFFLINE: return 1;
    default: return 0;
    }
}

static int
errno_to_code (int err)
{
  switch (err)
    {
    case ECONNREFUSED: return TERN_ERROR_CONNECTION_REFUSED;
    case ETIMEDOUT: return TERN_ERROR_TIMED_OUT;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ENETDOWN: return TERN_ERROR_OFFLINE;
    default: return TERN_ERROR_FAILED;
    }
}

/* Connects to one address; returns the fd, or -1 and sets *code and *err
 * (an errno or 0), or -2 when cancelled. */
static int
connect_one (GInetSocketAddress *addr, guint timeout_seconds,
             GCancellable *cancellable, int *code, int *err)
{
  struct sockaddr_storage ss;
  GSocketAddress *sa = G_SOCKET_ADDRESS (addr);
  int fd, so_error = 0;
  socklen_t len = sizeof so_error;

  if (!g_socket_address_to_native (sa, &ss, sizeof ss, NULL))
    { *code = TERN_ERROR_FAILED; *err = 0; return -1; }
  fd = socket (ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    { *code = errno_to_code (errno); *err = errno; return -1; }

  if (connect (fd, (struct sockaddr *) &ss, g_socket_address_get_native_size (sa)) == 0)
    return fd;
  if (errno != EINPROGRESS)
    { *err = errno; goto fail; }

  switch (tern_socket_wait (fd, POLLOUT, (int) timeout_seconds * 1000, -1, cancellable))
    {
    case TERN_SOCKET_READY:
      break;
    case TERN_SOCKET_CANCELLED:
      close (fd);
      return -2;
    case TERN_SOCKET_TIMED_OUT:
      *err = ETIMEDOUT;
      goto fail;
    default:
      *err = errno;
      goto fail;
    }
  if (getsockopt (fd, SOL_SOCKET, SO_ERROR, &so_error, &len) < 0)
    so_error = errno;
  if (so_error == 0)
    return fd;
  *err = so_error;

fail:
  *code = errno_to_code (*err);
  close (fd);
  return -1;
}

static GList *
resolve (const char *host, GCancellable *cancellable, guint16 port, GError **error)
{
  g_autoptr(GResolver) resolver = g_resolver_get_default ();
  g_autoptr(GError) local = NULL;
  GList *addrs = g_resolver_lookup_by_name (resolver, host, cancellable, &local);

  if (addrs != NULL)
    return addrs;
  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_steal_pointer (&local));
  else
    g_set_error (error, TERN_ERROR, TERN_ERROR_HOST_NOT_FOUND,
                 "The server name %s could not be found (%s). Check the spelling "
                 "and your network connection.", host, local ? local->message : "no address");
  return NULL;
}

int
tern_socket_connect (const char   *host,
                     guint16       port,
                     guint         timeout_seconds,
                     GCancellable *cancellable,
                     GError      **error)
{
  GList *addrs = resolve (host, cancellable, port, error);
  int best_code = -1, best_err = 0, fd = -1;

  if (addrs == NULL)
    return -1;

  for (GList *l = addrs; l != NULL && fd < 0; l = l->next)
    {
      g_autoptr(GSocketAddress) sa = g_inet_socket_address_new (l->data, port);
      int code = TERN_ERROR_FAILED, err = 0;

      fd = connect_one (G_INET_SOCKET_ADDRESS (sa), timeout_seconds, cancellable, &code, &err);
      if (fd == -2)
        {
          g_resolver_free_addresses (addrs);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Connecting to %s was cancelled.", host);
          return -1;
        }
      if (fd < 0 && (best_code < 0 || failure_rank (code) > failure_rank (best_code)))
        { best_code = code; best_err = err; }
    }
  g_resolver_free_addresses (addrs);
  if (fd >= 0)
    return fd;

  switch (best_code)
    {
    case TERN_ERROR_CONNECTION_REFUSED:
      g_set_error (error, TERN_ERROR, best_code,
                   "The server %s refused the connection on port %u. Check the port "
                   "number and that the server is running.", host, port);
      break;
    case TERN_ERROR_TIMED_OUT:
      g_set_error (error, TERN_ERROR, best_code,
                   "The server %s did not answer on port %u within %u seconds.",
                   host, port, timeout_seconds);
      break;
    case TERN_ERROR_OFFLINE:
      g_set_error (error, TERN_ERROR, best_code,
                   "The server %s (port %u) cannot be reached: %s. Are you online?",
                   host, port, g_strerror (best_err));
      break;
    default:
      g_set_error (error, TERN_ERROR, TERN_ERROR_FAILED,
                   "Could not connect to %s on port %u: %s.", host, port,
                   best_err ? g_strerror (best_err) : "unknown error");
    }
  return -1;
}
