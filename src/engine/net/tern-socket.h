/* tern-socket.h: TCP connect and bounded, cancellable waits on a socket.
 *
 * The stream drivers never block in a system call without a deadline: every
 * wait is a poll() on the socket, a cancel pipe and a GCancellable, so a dead
 * server times out and another thread can always stop a blocked call.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  TERN_SOCKET_READY,
  TERN_SOCKET_TIMED_OUT,
  TERN_SOCKET_CANCELLED,
  TERN_SOCKET_FAILED,
} TernSocketWait;

/* Waits until fd is ready for events (POLLIN/POLLOUT), for at most
 * timeout_ms, or until cancel_fd becomes readable or cancellable fires.
 * cancel_fd may be -1 and cancellable NULL. */
TernSocketWait tern_socket_wait (int           fd,
                                 short         events,
                                 int           timeout_ms,
                                 int           cancel_fd,
                                 GCancellable *cancellable);

/* Resolves host, tries every address in turn, and returns a connected
 * non-blocking socket, or -1 with TERN_ERROR_HOST_NOT_FOUND,
 * TERN_ERROR_CONNECTION_REFUSED, TERN_ERROR_TIMED_OUT, TERN_ERROR_OFFLINE
 * or G_IO_ERROR_CANCELLED. */
int tern_socket_connect (const char   *host,
                         guint16       port,
                         guint         timeout_seconds,
                         GCancellable *cancellable,
                         GError      **error);

G_END_DECLS
