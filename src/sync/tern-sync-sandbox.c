/* tern-sync-sandbox.c: no_new_privs, Landlock and seccomp for the sync
 * process (see the header for the policy and why). */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tern-sync-sandbox.h"

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

#define FS_READ (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | \
                 LANDLOCK_ACCESS_FS_READ_DIR)
#define FS_FILE_RIGHTS (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
                        LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE)

/* ---- Landlock ---- */

static guint64
handled_rights (int abi)
{
  guint64 rights = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;   /* ABI 1: bits 0-12 */

  if (abi >= 2)
    rights |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3)
    rights |= LANDLOCK_ACCESS_FS_TRUNCATE;
  return rights;
}

static void
allow_path (int ruleset, const char *path, guint64 rights, guint64 handled)
{
  struct landlock_path_beneath_attr rule = { 0 };
  struct stat st;
  int fd;

  if (path == NULL || (fd = open (path, O_PATH | O_CLOEXEC)) < 0)
    return;
  /* A rule on a file may only name rights that apply to files. */
  if (fstat (fd, &st) == 0 && !S_ISDIR (st.st_mode))
    rights &= FS_FILE_RIGHTS;
  rule.allowed_access = rights & handled;
  rule.parent_fd = fd;
  if (syscall (SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) != 0)
    g_debug ("Landlock: no rule for %s: %s", path, g_strerror (errno));
  close (fd);
}

static gboolean
apply_landlock (const char *data_dir)
{
  static const char *const system_dirs[] = {
    "/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc", "/proc", "/sys", "/run",
    "/var/lib/ca-certificates", "/var/lib/dbus", "/app", "/nix/store",
  };
  int abi = (int) syscall (SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
  struct landlock_ruleset_attr attr = { 0 };
  guint64 handled;
  int ruleset;
  gboolean ok;

  if (abi < 1)
    {
      g_debug ("Landlock is not available (%s)", g_strerror (errno));
      return FALSE;
    }
  handled = handled_rights (abi);
  attr.handled_access_fs = handled;
  ruleset = (int) syscall (SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
  if (ruleset < 0)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (system_dirs); i++)
    allow_path (ruleset, system_dirs[i], FS_READ, handled);
  /* /dev/null and friends are opened for writing too. */
  allow_path (ruleset, "/dev", FS_READ | LANDLOCK_ACCESS_FS_WRITE_FILE, handled);
  allow_path (ruleset, g_getenv ("TERN_EXTRA_CA_FILE"), FS_READ, handled);
  allow_path (ruleset, g_getenv ("TERN_TEST_OAUTH2_PROVIDERS"), FS_READ, handled);
  allow_path (ruleset, data_dir, handled, handled);
  ok = syscall (SYS_landlock_restrict_self, ruleset, 0) == 0;
  if (!ok)
    g_debug ("Landlock: restrict_self failed: %s", g_strerror (errno));
  close (ruleset);
  return ok;
}

/* ---- seccomp ---- */

#if defined(__x86_64__)
#define SANDBOX_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SANDBOX_ARCH AUDIT_ARCH_AARCH64
#endif

#ifdef SANDBOX_ARCH
#define DENY(nr) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
                 BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM)

static gboolean
apply_seccomp (void)
{
  struct sock_filter filter[] = {
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SANDBOX_ARCH, 1, 0),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),   /* another ABI: nothing */
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
#ifdef __x86_64__
    /* x32 system calls reuse the numbers with a high bit. */
    BPF_JUMP (BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
#endif
    DENY (SYS_execve), DENY (SYS_execveat), DENY (SYS_ptrace),
    DENY (SYS_process_vm_readv), DENY (SYS_process_vm_writev),
    DENY (SYS_mount), DENY (SYS_umount2), DENY (SYS_pivot_root), DENY (SYS_chroot),
    DENY (SYS_unshare), DENY (SYS_setns), DENY (SYS_init_module), DENY (SYS_finit_module),
    DENY (SYS_delete_module), DENY (SYS_kexec_load), DENY (SYS_bpf),
    DENY (SYS_perf_event_open), DENY (SYS_keyctl), DENY (SYS_add_key),
    DENY (SYS_request_key), DENY (SYS_userfaultfd),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { .len = G_N_ELEMENTS (filter), .filter = filter };

  if (prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0)
    {
      g_debug ("seccomp is not available (%s)", g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}
#else
static gboolean
apply_seccomp (void)
{
  return FALSE;
}
#endif

TernSandboxLayers
tern_sync_sandbox_apply (const char *data_dir)
{
  TernSandboxLayers layers = 0;

  if (g_strcmp0 (g_getenv ("TERN_SYNC_NO_SANDBOX"), "1") == 0)
    return 0;
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    {
      g_debug ("no_new_privs failed: %s", g_strerror (errno));
      return 0;
    }
  layers |= TERN_SANDBOX_NO_NEW_PRIVS;
  if (apply_landlock (data_dir))
    layers |= TERN_SANDBOX_LANDLOCK;
  if (apply_seccomp ())
    layers |= TERN_SANDBOX_SECCOMP;
  return layers;
}
