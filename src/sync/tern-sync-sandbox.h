/* tern-sync-sandbox.h: what the sync process may do once it runs.
 *
 * The sync process parses bytes from mail servers with libetpan, whose
 * parsers have known memory bugs. Before it reads any, it gives up what
 * it does not need, so that a parser bug that runs code gets little:
 *
 *  - no new privileges (PR_SET_NO_NEW_PRIVS);
 *  - Landlock (when the kernel has it): files only in the data directory
 *    (read and write), and read-only in the system directories it needs
 *    (libraries, /etc for DNS and CA certificates, locale data, SASL
 *    modules, /proc, /dev; /app in the Flatpak) plus $TERN_EXTRA_CA_FILE;
 *    nothing in $HOME but the data directory. Network access is not
 *    limited (it must reach the servers; the D-Bus session socket for the
 *    keyring is a socket connect, which Landlock leaves alone);
 *  - seccomp: no execve (no shell for an exploit), no ptrace or
 *    process_vm_*, no mount, namespaces, modules, BPF or keyrings.
 *
 * Each layer is best effort: a kernel without it runs the process
 * unconfined by that layer (said at debug level). TERN_SYNC_NO_SANDBOX=1
 * turns all of it off, for debugging with gdb.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What was applied, for logs and tests. */
typedef enum {
  TERN_SANDBOX_NO_NEW_PRIVS = 1 << 0,
  TERN_SANDBOX_LANDLOCK     = 1 << 1,
  TERN_SANDBOX_SECCOMP      = 1 << 2,
} TernSandboxLayers;

TernSandboxLayers tern_sync_sandbox_apply (const char *data_dir);

G_END_DECLS
