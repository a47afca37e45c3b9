/* tern-test-matrix.c: start, stop and describe the matrix's mail servers.
 *
 * Dovecot and Postfix come from tern-test-servers.c. The others run from the
 * Debian packages unpacked under _build/mail-servers/ (build-aux/install-deps),
 * each under /bin/sh in a private mount namespace (unshare -m) where that is
 * needed to put the instance's files on paths built into the programs
 * (Courier's /etc/courier and /run/courier, Exim's /usr/sbin/exim4 and its
 * Debian-exim user), so that nothing on the machine changes. */
#include "tern-test-matrix-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "tern-test-process.h"

#define START_TIMEOUT_S 30
#define START_ATTEMPTS 3

#ifndef TERN_TEST_SERVERS_ROOT
#define TERN_TEST_SERVERS_ROOT "_build/mail-servers"
#endif

static const char *const kind_names[] = {
  "Dovecot", "Cyrus IMAP", "Courier", "GNU Mailutils", "Postfix", "Exim",
  "Cyrus IMAP (altnamespace)",
};

const char *
tern_test_server_kind_name (TernTestServerKind kind)
{
  g_return_val_if_fail (kind < TERN_TEST_N_SERVER_KINDS, "?");
  return kind_names[kind];
}

static const TernTestMailDriver *
driver_of (TernTestServerKind kind)
{
  switch (kind)
    {
    case TERN_TEST_SERVER_CYRUS:
    case TERN_TEST_SERVER_CYRUS_ALTNS: return &tern_test_cyrus_driver;
    case TERN_TEST_SERVER_COURIER: return &tern_test_courier_driver;
    case TERN_TEST_SERVER_MAILUTILS: return &tern_test_mailutils_driver;
    case TERN_TEST_SERVER_EXIM: return &tern_test_exim_driver;
    default: return NULL;
    }
}

gboolean
tern_test_mail_server_unavailable (const GError *error)
{
  return error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

static gboolean
unavailable (GError **error, const char *name, const char *why)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "%s cannot run here: %s", name, why);
  return FALSE;
}

/* ---- helpers for the drivers ---------------------------------------------- */

char *
tern_test_mail_path (TernTestMailServer *self, const char *name)
{
  return g_build_filename (self->dir, name, NULL);
}

static gboolean
errno_error (GError **error, const char *what, const char *path)
{
  int saved = errno;

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s %s: %s", what, path,
               g_strerror (saved));
  return FALSE;
}

static gboolean
give (TernTestMailServer *self, const char *path, GError **error)
{
  if (self->is_root && chown (path, self->uid, self->gid) < 0)
    return errno_error (error, "cannot chown", path);
  return TRUE;
}

gboolean
tern_test_mail_write (TernTestMailServer *self, const char *name, const char *contents,
                      int mode, GError **error)
{
  g_autofree char *path = tern_test_mail_path (self, name);

  if (!g_file_set_contents (path, contents, -1, error))
    return FALSE;
  if (g_chmod (path, mode) < 0)
    return errno_error (error, "cannot chmod", path);
  return give (self, path, error);
}

gboolean
tern_test_mail_mkdir (TernTestMailServer *self, const char *name, GError **error)
{
  g_auto(GStrv) parts = g_strsplit (name, "/", -1);
  g_autoptr(GString) path = g_string_new (self->dir);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*parts[i] == '\0')
        continue;
      g_string_append_printf (path, "/%s", parts[i]);
      if (g_mkdir (path->str, 0755) < 0 && errno != EEXIST)
        return errno_error (error, "cannot create", path->str);
      if (!give (self, path->str, error))
        return FALSE;
    }
  return TRUE;
}

static void
md5_digest (GChecksum *c, guint8 out[16])
{
  gsize len = 16;

  g_checksum_get_digest (c, out, &len);
  g_checksum_free (c);
}

static void
to64 (GString *out, guint v, int n)
{
  static const char itoa64[] =
    "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  while (n-- > 0)
    {
      g_string_append_c (out, itoa64[v & 0x3f]);
      v >>= 6;
    }
}

/* MD5-crypt ("$1$"), as crypt(3) computes it. Written out because crypt_r()
 * under AddressSanitizer needs libcrypt linked into every test program. */
gboolean
tern_test_mail_make_maildir (TernTestMailServer *self, const char *name, GError **error)
{
  static const char *const subs[] = { "cur", "new", "tmp" };

  for (guint i = 0; i < G_N_ELEMENTS (subs); i++)
    {
      g_autofree char *sub = g_strdup_printf ("%s/%s", name, subs[i]);
      if (!tern_test_mail_mkdir (self, sub, error))
        return FALSE;
    }
  return TRUE;
}

char *
tern_test_mail_crypt (const char *password)
{
  static const char salt[] = "terntest";
  static const guint8 order[5][3] = { {0, 6, 12}, {1, 7, 13}, {2, 8, 14}, {3, 9, 15}, {4, 10, 5} };
  gssize pl = (gssize) strlen (password);
  GChecksum *ctx = g_checksum_new (G_CHECKSUM_MD5);
  GChecksum *alt = g_checksum_new (G_CHECKSUM_MD5);
  guint8 fin[16];
  GString *out;

  g_checksum_update (ctx, (const guchar *) password, pl);
  g_checksum_update (ctx, (const guchar *) "$1$", 3);
  g_checksum_update (ctx, (const guchar *) salt, 8);
  g_checksum_update (alt, (const guchar *) password, pl);
  g_checksum_update (alt, (const guchar *) salt, 8);
  g_checksum_update (alt, (const guchar *) password, pl);
  md5_digest (alt, fin);
  for (gssize n = pl; n > 0; n -= 16)
    g_checksum_update (ctx, fin, MIN (n, 16));
  for (gssize i = pl; i > 0; i >>= 1)
    g_checksum_update (ctx, (i & 1) ? (const guchar *) "" : (const guchar *) password, 1);
  md5_digest (ctx, fin);
  for (int i = 0; i < 1000; i++)
    {
      GChecksum *c = g_checksum_new (G_CHECKSUM_MD5);
      guint8 prev[16];

      memcpy (prev, fin, 16);
      if (i & 1)
        g_checksum_update (c, (const guchar *) password, pl);
      else
        g_checksum_update (c, prev, 16);
      if (i % 3)
        g_checksum_update (c, (const guchar *) salt, 8);
      if (i % 7)
        g_checksum_update (c, (const guchar *) password, pl);
      if (i & 1)
        g_checksum_update (c, prev, 16);
      else
        g_checksum_update (c, (const guchar *) password, pl);
      md5_digest (c, fin);
    }
  out = g_string_new ("$1$terntest$");
  for (guint i = 0; i < 5; i++)
    to64 (out, ((guint) fin[order[i][0]] << 16) | ((guint) fin[order[i][1]] << 8) |
               fin[order[i][2]], 4);
  to64 (out, fin[11], 2);
  return g_string_free (out, FALSE);
}

char *
tern_test_sh_quote (const char *s)
{
  return g_shell_quote (s);
}

char *
tern_test_mail_lib_path (TernTestMailServer *self)
{
  return g_strdup_printf ("%1$s/usr/lib/x86_64-linux-gnu:%1$s/usr/lib", self->root);
}

/* ---- start and stop ---------------------------------------------------------- */

static char *
servers_root (void)
{
  const char *env = g_getenv ("TERN_TEST_SERVERS_ROOT");

  return g_strdup (env != NULL && *env != '\0' ? env : TERN_TEST_SERVERS_ROOT);
}

static gboolean
init_identity (TernTestMailServer *self, GError **error)
{
  struct passwd *pw;

  self->is_root = geteuid () == 0;
  pw = self->is_root ? getpwnam ("mail") : getpwuid (getuid ());
  if (pw == NULL)
    return unavailable (error, kind_names[self->kind],
                        self->is_root ? "there is no \"mail\" user" : "our user has no name");
  self->uid = pw->pw_uid;
  self->gid = pw->pw_gid;
  self->user_name = g_strdup (pw->pw_name);
  return TRUE;
}

/* Copies of the harness certificate that the server's user can read. */
static gboolean
copy_certs (TernTestMailServer *self, GError **error)
{
  const char *cert, *key;
  g_autofree char *cert_pem = NULL, *key_pem = NULL;

  self->ca_file = tern_test_certs_ca_file (error);
  if (self->ca_file == NULL || !tern_test_certs_get (TERN_TEST_CERT_GOOD, &cert, &key, error) ||
      !g_file_get_contents (cert, &cert_pem, NULL, error) ||
      !g_file_get_contents (key, &key_pem, NULL, error) ||
      !tern_test_mail_write (self, "cert.pem", cert_pem, 0644, error) ||
      !tern_test_mail_write (self, "key.pem", key_pem, 0600, error))
    return FALSE;
  self->cert_file = tern_test_mail_path (self, "cert.pem");
  self->key_file = tern_test_mail_path (self, "key.pem");
  return TRUE;
}

static gboolean
spawn (TernTestMailServer *self, const TernTestMailDriver *d, GError **error)
{
  g_autofree char *script = d->script (self);
  g_autofree char *out = tern_test_mail_path (self, "server.out");
  g_autofree char *log = tern_test_mail_path (self, "log/mainlog");
  g_autofree char *panic = tern_test_mail_path (self, "log/paniclog");
  const char *logs[] = { out, log, panic, NULL };
  const char *argv_ns[] = { "unshare", "--mount", "/bin/sh", "-ec", script, NULL };
  const char *argv_sh[] = { "/bin/sh", "-ec", script, NULL };
  guint16 ports[8];

  for (guint i = 0; i < d->n_services; i++)
    ports[i] = self->ports[d->services[i]];
  self->proc = tern_test_process_start (d->needs_namespace ? argv_ns : argv_sh, out,
                                        kind_names[self->kind], ports, d->n_services, logs,
                                        START_TIMEOUT_S, error);
  return self->proc != NULL;
}

static gboolean
start_with_retries (TernTestMailServer *self, const TernTestMailDriver *d, GError **error)
{
  for (guint attempt = 1;; attempt++)
    {
      g_autoptr(GError) local = NULL;
      guint16 ports[8];

      if (!tern_test_ports_pick (ports, d->n_services, error))
        return FALSE;
      for (guint i = 0; i < d->n_services; i++)
        self->ports[d->services[i]] = ports[i];
      if (d->configure (self, &local) && spawn (self, d, &local))
        return TRUE;
      if (attempt == START_ATTEMPTS || !tern_test_error_is_port_conflict (local))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
    }
}

static gboolean
check_runnable (TernTestMailServer *self, const TernTestMailDriver *d, GError **error)
{
  g_autofree char *base = servers_root ();
  g_autofree char *probe = NULL;

  self->root = g_build_filename (base, d->dir_name, NULL);
  probe = g_build_filename (self->root, d->probe, NULL);
  if (!g_file_test (probe, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_autofree char *why = g_strdup_printf ("%s is missing: run build-aux/install-deps, which "
                                              "unpacks it (build-aux/deps-unpacked.txt)", probe);
      return unavailable (error, kind_names[self->kind], why);
    }
  if (d->needs_root && !self->is_root)
    {
      g_autofree char *why = g_strdup_printf ("it needs root (%s); run the tests as root, as CI "
                                              "does", d->root_reason);
      return unavailable (error, kind_names[self->kind], why);
    }
  if (d->needs_namespace && !g_spawn_command_line_sync ("unshare --mount true", NULL, NULL, NULL, NULL))
    return unavailable (error, kind_names[self->kind], "unshare --mount does not work here");
  return TRUE;
}

static gboolean
start_dovecot (TernTestMailServer *self, GError **error)
{
  TernTestServersOptions opts = { .no_smtp = self->kind != TERN_TEST_SERVER_POSTFIX };

  self->dovecot = tern_test_servers_start (&opts, error);
  if (self->dovecot == NULL)
    return FALSE;
  if (self->kind == TERN_TEST_SERVER_POSTFIX)
    {
      const char *reason = NULL;

      if (!tern_test_servers_has_smtp (self->dovecot, &reason))
        return unavailable (error, "Postfix", reason);
    }
  for (guint i = 0; self->users[i] != NULL; i++)
    if (!tern_test_servers_add_user (self->dovecot, self->users[i], self->password, error))
      return FALSE;
  self->ca_file = tern_test_servers_ca_file (self->dovecot);
  return TRUE;
}

TernTestMailServer *
tern_test_mail_server_start (TernTestServerKind kind, const char *const *users,
                             const char *password, GError **error)
{
  g_autoptr(TernTestMailServer) self = g_new0 (TernTestMailServer, 1);
  const TernTestMailDriver *d = driver_of (kind);

  self->kind = kind;
  self->users = g_strdupv ((char **) users);
  self->password = g_strdup (password);
  if (!init_identity (self, error))
    return NULL;
  if (d != NULL && !check_runnable (self, d, error))
    return NULL;
  /* Dovecot, and Postfix's and Exim's Dovecot, which they deliver into. */
  if ((d == NULL || kind == TERN_TEST_SERVER_EXIM) && !start_dovecot (self, error))
    return NULL;
  if (d == NULL)
    return g_steal_pointer (&self);
  self->dir = g_dir_make_tmp ("tern-test-mail-XXXXXX", error);
  if (self->dir == NULL)
    return NULL;
  /* The servers' unprivileged users must be able to walk into it. */
  g_chmod (self->dir, 0755);
  if (!copy_certs (self, error) || !start_with_retries (self, d, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
tern_test_mail_server_free (TernTestMailServer *self)
{
  if (self == NULL)
    return;
  tern_test_process_stop (self->proc);
  g_clear_object (&self->proc);
  g_clear_pointer (&self->dovecot, tern_test_servers_free);
  tern_test_dir_remove (self->dir);
  g_free (self->dir);
  g_free (self->root);
  g_free (self->cert_file);
  g_free (self->key_file);
  g_strfreev (self->users);
  g_free (self->password);
  g_free (self->user_name);
  g_free (self);
}

/* ---- what the tests ask ------------------------------------------------------ */

TernTestServerKind
tern_test_mail_server_kind (TernTestMailServer *self)
{
  return self->kind;
}

const char *
tern_test_mail_server_name (TernTestMailServer *self)
{
  return kind_names[self->kind];
}

guint16
tern_test_mail_server_port (TernTestMailServer *self, TernTestService which)
{
  gboolean smtp = which == TERN_TEST_SUBMISSION || which == TERN_TEST_SMTPS;

  g_return_val_if_fail (which < TERN_TEST_N_SERVICES, 0);
  switch (self->kind)
    {
    case TERN_TEST_SERVER_DOVECOT:
      return smtp ? 0 : tern_test_servers_port (self->dovecot, which);
    case TERN_TEST_SERVER_POSTFIX:
      return tern_test_servers_port (self->dovecot, which);
    case TERN_TEST_SERVER_EXIM:
      return smtp ? self->ports[which] : tern_test_servers_port (self->dovecot, which);
    default:
      return smtp || which == TERN_TEST_LMTP ? 0 : self->ports[which];
    }
}

const char *
tern_test_mail_server_ca_file (TernTestMailServer *self)
{
  return self->ca_file;
}

char *
tern_test_mail_server_login (TernTestMailServer *self, const char *user)
{
  /* Mailutils' virtual domains know users only with their domain. */
  if (self->kind == TERN_TEST_SERVER_MAILUTILS)
    return tern_test_mail_server_address (self, user);
  return g_strdup (user);
}

char *
tern_test_mail_server_address (TernTestMailServer *self, const char *user)
{
  return g_strdup_printf ("%s@localhost", user);
}

char *
tern_test_mail_server_folder (TernTestMailServer *self, const char *name)
{
  if (self->kind == TERN_TEST_SERVER_CYRUS || self->kind == TERN_TEST_SERVER_COURIER)
    return g_strdup_printf ("INBOX.%s", name);
  return g_strdup (name);
}

TernTestServers *
tern_test_mail_server_dovecot (TernTestMailServer *self)
{
  return self->dovecot;
}
