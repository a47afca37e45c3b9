/* tern-test-process.h: free ports and server processes for the test harness
 * (private to tests/servers). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Fill @ports[0..n) with distinct free TCP ports on 127.0.0.1 (bound together,
 * then released, so another process may still take one: callers retry). */
gboolean tern_test_ports_pick (guint16 *ports, guint n, GError **error);

/* Start @argv with stdout and stderr appended to @out_path. */
GSubprocess *tern_test_process_spawn (const char *const *argv,
                                      const char         *out_path,
                                      GError            **error);

/* Wait until every non-zero port in @ports accepts a connection. Fails early
 * when @proc exits, and after @timeout_s; the error quotes the tail of each
 * file in the NULL-terminated @logs. */
gboolean tern_test_process_wait_ready (GSubprocess        *proc,
                                       const char         *name,
                                       const guint16      *ports,
                                       guint               n_ports,
                                       const char *const  *logs,
                                       guint               timeout_s,
                                       GError            **error);

/* tern_test_process_spawn() then tern_test_process_wait_ready(): the running
 * server, or NULL (stopped again) when it did not come up. */
GSubprocess *tern_test_process_start (const char *const *argv,
                                      const char         *out_path,
                                      const char         *name,
                                      const guint16      *ports,
                                      guint               n_ports,
                                      const char *const  *logs,
                                      guint               timeout_s,
                                      GError            **error);

/* Whether a start failed because another process took one of its ports
 * between tern_test_ports_pick() and the server's bind (then pick again). */
gboolean tern_test_error_is_port_conflict (const GError *error);

/* Wait until every non-zero port can be bound again (a stopped server's
 * children may hold the listening sockets for a moment). */
gboolean tern_test_ports_wait_free (const guint16 *ports, guint n_ports,
                                    guint timeout_s, GError **error);

/* SIGTERM, wait (bounded), then SIGKILL. Safe on an exited process. */
void tern_test_process_stop (GSubprocess *proc);

/* Remove the directory tree @path (NULL: nothing), or with TERN_TEST_KEEP=1
 * keep it and say where it is. */
void tern_test_dir_remove (const char *path);

/* The last @max bytes of each file in @logs, with a header per file. */
char *tern_test_logs_tail (const char *const *logs, gsize max);

G_END_DECLS
