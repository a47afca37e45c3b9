/* tern-test-proxy.h: a loopback TCP proxy that can cut the connection.
 *
 * Forwards one client at a time to 127.0.0.1:target_port and, once the
 * server has sent @cut_after bytes to the client (0: never), closes both
 * sides: a server dropping the connection in the middle of a FETCH. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TernTestProxy TernTestProxy;

TernTestProxy *tern_test_proxy_new (guint16 target_port, gsize cut_after);
guint16 tern_test_proxy_port (TernTestProxy *proxy);
/* Bytes the server sent through the proxy so far. */
gsize tern_test_proxy_bytes (TernTestProxy *proxy);
void tern_test_proxy_free (TernTestProxy *proxy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernTestProxy, tern_test_proxy_free)

G_END_DECLS
