/* tern-test-servers.c: start, stop and feed the harness's Dovecot and Postfix. */
#include "tern-test-servers-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "tern-test-process.h"

#define START_TIMEOUT_S 20
#define START_ATTEMPTS 3
#define POSTFIX_MASTER "/usr/lib/postfix/sbin/master"

static const guint dovecot_services[] = {
  TERN_TEST_IMAP, TERN_TEST_IMAPS, TERN_TEST_POP3, TERN_TEST_POP3S, TERN_TEST_LMTP,
};
static const guint postfix_services[] = { TERN_TEST_SUBMISSION, TERN_TEST_SMTPS };

static void
user_free (gpointer p)
{
  TernTestUser *u = p;

  g_free (u->name);
  g_free (u->password);
  g_free (u);
}

static void
collect_ports (TernTestServers *self, const guint *services, guint n, guint16 *out)
{
  for (guint i = 0; i < n; i++)
    out[i] = self->ports[services[i]];
}

static gboolean
make_dir (TernTestServers *self, const char *path, gboolean mail_owned, GError **error)
{
  if (g_mkdir_with_parents (path, 0755) < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot create %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  /* As root, Dovecot accesses mail as the "mail" user. */
  if (mail_owned && self->is_root && chown (path, self->mail_uid, self->mail_gid) < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot chown %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static gboolean
find_program (const char *name, const char *package, char **path, GError **error)
{
  g_autofree char *found = g_find_program_in_path (name);
  g_autofree char *sbin = g_build_filename ("/usr/sbin", name, NULL);

  /* /usr/sbin is often missing from a normal user's PATH. */
  if (found == NULL && g_file_test (sbin, G_FILE_TEST_IS_EXECUTABLE))
    found = g_steal_pointer (&sbin);
  if (found == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "%s not found: install the Debian package %s", name, package);
      return FALSE;
    }
  *path = g_steal_pointer (&found);
  return TRUE;
}

/* Start Dovecot on the ports already in self->ports. */
static gboolean
spawn_dovecot (TernTestServers *self, GError **error)
{
  g_autofree char *dovecot = NULL;
  g_autofree char *conf = tern_test_path (self, "dovecot.conf");
  g_autofree char *out = tern_test_path (self, "dovecot.out");
  g_autofree char *log = tern_test_path (self, "dovecot.log");
  const char *logs[] = { out, log, NULL };
  guint16 ports[G_N_ELEMENTS (dovecot_services)];

  if (!find_program ("dovecot", "dovecot-imapd (with dovecot-pop3d and dovecot-lmtpd)",
                     &dovecot, error))
    return FALSE;
  collect_ports (self, dovecot_services, G_N_ELEMENTS (ports), ports);
  {
    const char *argv[] = { dovecot, "-F", "-c", conf, NULL };
    self->dovecot = tern_test_process_start (argv, out, "Dovecot", ports, G_N_ELEMENTS (ports),
                                             logs, START_TIMEOUT_S, error);
  }
  return self->dovecot != NULL;
}

static gboolean
spawn_postfix (TernTestServers *self, GError **error)
{
  g_autofree char *conf_dir = tern_test_path (self, "postfix");
  g_autofree char *out = tern_test_path (self, "postfix.out");
  g_autofree char *log = tern_test_path (self, "postfix.log");
  const char *logs[] = { out, log, NULL };
  const char *argv[] = { POSTFIX_MASTER, "-d", "-c", conf_dir, NULL };
  guint16 ports[G_N_ELEMENTS (postfix_services)];

  collect_ports (self, postfix_services, G_N_ELEMENTS (ports), ports);
  self->postfix = tern_test_process_start (argv, out, "Postfix", ports, G_N_ELEMENTS (ports),
                                           logs, START_TIMEOUT_S, error);
  return self->postfix != NULL;
}

/* First start: on a port conflict (another process took a port between our
 * probe and the server's bind), pick new ports and try again. */
static gboolean
start_with_retries (TernTestServers *self, const guint *services, guint n,
                    gboolean (*write_conf) (TernTestServers *, GError **),
                    gboolean (*spawn) (TernTestServers *, GError **), GError **error)
{
  for (guint attempt = 1;; attempt++)
    {
      g_autoptr(GError) local = NULL;
      guint16 ports[8];

      if (!tern_test_ports_pick (ports, n, error))
        return FALSE;
      for (guint i = 0; i < n; i++)
        {
          gboolean unused = self->opts.no_tls &&
            (services[i] == TERN_TEST_IMAPS || services[i] == TERN_TEST_POP3S ||
             services[i] == TERN_TEST_SMTPS);
          self->ports[services[i]] = unused ? 0 : ports[i];
        }
      if (write_conf (self, &local) && spawn (self, &local))
        return TRUE;
      if (attempt == START_ATTEMPTS || !tern_test_error_is_port_conflict (local))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
    }
}

static gboolean
prepare_postfix_dirs (TernTestServers *self, GError **error)
{
  static const char *const queue_dirs[] = {
    "active", "bounce", "corrupt", "defer", "deferred", "flush", "hold", "incoming",
    "maildrop", "pid", "private", "public", "saved", "trace",
  };
  struct passwd *pw = getpwnam ("postfix");
  g_autofree char *conf = tern_test_path (self, "postfix");
  g_autofree char *data = tern_test_path (self, "postfix-data");

  if (pw == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "no \"postfix\" user: install the Debian package postfix");
      return FALSE;
    }
  if (!make_dir (self, conf, FALSE, error) || !make_dir (self, data, FALSE, error))
    return FALSE;
  /* What "postfix check" would create; the daemons run as "postfix". */
  for (guint i = 0; i < G_N_ELEMENTS (queue_dirs); i++)
    {
      g_autofree char *d = g_build_filename (self->dir, "postfix-queue", queue_dirs[i], NULL);

      if (!make_dir (self, d, FALSE, error))
        return FALSE;
      if (chown (d, pw->pw_uid, (gid_t) -1) < 0)
        g_warning ("chown %s: %s", d, g_strerror (errno));
    }
  if (chown (data, pw->pw_uid, (gid_t) -1) < 0)
    g_warning ("chown %s: %s", data, g_strerror (errno));
  return TRUE;
}

static gboolean
start_postfix (TernTestServers *self, GError **error)
{
  if (!g_file_test (POSTFIX_MASTER, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "%s not found: install the Debian package postfix", POSTFIX_MASTER);
      return FALSE;
    }
  return prepare_postfix_dirs (self, error) &&
         start_with_retries (self, postfix_services, G_N_ELEMENTS (postfix_services),
                             tern_test_write_postfix_conf, spawn_postfix, error);
}

static gboolean
init_identity (TernTestServers *self, GError **error)
{
  self->is_root = geteuid () == 0;
  if (self->is_root)
    {
      struct passwd *mail = getpwnam ("mail");

      if (mail == NULL || getpwnam ("dovecot") == NULL || getpwnam ("dovenull") == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       "users mail, dovecot and dovenull are needed when running as root: "
                       "install the Debian package dovecot-core");
          return FALSE;
        }
      self->mail_uid = mail->pw_uid;
      self->mail_gid = mail->pw_gid;
    }
  else
    {
      self->mail_uid = getuid ();
      self->mail_gid = getgid ();
    }
  if (self->opts.no_smtp)
    self->smtp_skip_reason = g_strdup ("this test server instance was started without SMTP");
  else if (!self->is_root)
    self->smtp_skip_reason = g_strdup (
      "the SMTP tests need root: Postfix cannot run as a normal user (run the tests as root, "
      "e.g. in CI, to include them)");
  return TRUE;
}

static gboolean
init_dirs_and_certs (TernTestServers *self, GError **error)
{
  g_autofree char *home = NULL;
  g_autofree char *postfix = NULL;

  self->dir = g_dir_make_tmp ("tern-test-servers-XXXXXX", error);
  if (self->dir == NULL)
    return FALSE;
  /* The servers' unprivileged users must be able to walk into it. */
  g_chmod (self->dir, 0755);
  home = tern_test_path (self, "home");
  postfix = tern_test_path (self, "postfix");
  self->ca_file = tern_test_certs_ca_file (error);
  return self->ca_file != NULL && make_dir (self, home, TRUE, error) &&
         make_dir (self, postfix, FALSE, error) &&
         tern_test_certs_get (self->opts.cert, &self->cert_file, &self->key_file, error) &&
         tern_test_write_users (self, error);
}

TernTestServers *
tern_test_servers_start (const TernTestServersOptions *opts, GError **error)
{
  g_autoptr(TernTestServers) self = g_new0 (TernTestServers, 1);

  if (opts != NULL)
    self->opts = *opts;
  self->users = g_ptr_array_new_with_free_func (user_free);
  if (!init_identity (self, error) || !init_dirs_and_certs (self, error))
    return NULL;
  if (!start_with_retries (self, dovecot_services, G_N_ELEMENTS (dovecot_services),
                           tern_test_write_dovecot_conf, spawn_dovecot, error))
    return NULL;
  if (self->smtp_skip_reason == NULL && !start_postfix (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
tern_test_servers_free (TernTestServers *self)
{
  if (self == NULL)
    return;
  tern_test_process_stop (self->postfix);
  tern_test_process_stop (self->dovecot);
  g_clear_object (&self->postfix);
  g_clear_object (&self->dovecot);
  tern_test_dir_remove (self->dir);
  g_free (self->dir);
  g_free (self->smtp_skip_reason);
  g_clear_pointer (&self->users, g_ptr_array_unref);
  g_free (self);
}

guint16
tern_test_servers_port (TernTestServers *self, TernTestService which)
{
  g_return_val_if_fail (which < TERN_TEST_N_SERVICES, 0);
  if ((which == TERN_TEST_SUBMISSION || which == TERN_TEST_SMTPS) && self->postfix == NULL)
    return 0;
  if (which < TERN_TEST_SUBMISSION && self->dovecot == NULL)
    return 0;
  return self->ports[which];
}

const char *
tern_test_servers_host (TernTestServers *self)
{
  return "localhost";
}

const char *
tern_test_servers_ca_file (TernTestServers *self)
{
  return self->ca_file;
}

const char *
tern_test_servers_dir (TernTestServers *self)
{
  return self->dir;
}

gboolean
tern_test_servers_has_smtp (TernTestServers *self, const char **reason)
{
  if (reason != NULL)
    *reason = self->smtp_skip_reason;
  return self->smtp_skip_reason == NULL;
}

gboolean
tern_test_servers_require_smtp (TernTestServers *self)
{
  const char *reason;

  if (tern_test_servers_has_smtp (self, &reason))
    return TRUE;
  g_test_skip (reason);
  return FALSE;
}

static gboolean
valid_user_field (const char *what, const char *s, GError **error)
{
  if (s == NULL || *s == '\0' || strpbrk (s, ":\r\n/") != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "test %s must be non-empty and contain no ':', '/' or line break", what);
      return FALSE;
    }
  return TRUE;
}

/* Dovecot's auth process re-reads a changed passwd-file, but looks at it at
 * most once per second: a user added in the second of an earlier login would
 * stay unknown until the next second. So return only once that second is over
 * (at most one second; only while Dovecot runs). */
static void
wait_for_next_second (TernTestServers *self)
{
  gint64 second = g_get_real_time () / G_USEC_PER_SEC;

  if (self->dovecot == NULL)
    return;
  while (g_get_real_time () / G_USEC_PER_SEC == second)
    g_usleep (10 * 1000);
}

gboolean
tern_test_servers_add_user (TernTestServers *self, const char *user, const char *password,
                            GError **error)
{
  g_autofree char *home = NULL;
  TernTestUser *u = NULL;

  if (!valid_user_field ("user name", user, error) ||
      !valid_user_field ("password", password, error))
    return FALSE;
  for (guint i = 0; i < self->users->len && u == NULL; i++)
    {
      TernTestUser *candidate = g_ptr_array_index (self->users, i);
      if (g_strcmp0 (candidate->name, user) == 0)
        u = candidate;
    }
  if (u == NULL)
    {
      u = g_new0 (TernTestUser, 1);
      u->name = g_strdup (user);
      g_ptr_array_add (self->users, u);
    }
  g_free (u->password);
  u->password = g_strdup (password);
  home = tern_test_user_home (self, user);
  if (!make_dir (self, home, TRUE, error) || !tern_test_write_users (self, error))
    return FALSE;
  wait_for_next_second (self);
  return TRUE;
}

char *
tern_test_servers_user_address (TernTestServers *self, const char *user)
{
  return strchr (user, '@') ? g_strdup (user) : g_strdup_printf ("%s@localhost", user);
}

char *
tern_test_servers_maildir_path (TernTestServers *self, const char *user, const char *mailbox)
{
  g_autofree char *home = tern_test_user_home (self, user);
  g_autofree char *sub = NULL;

  if (g_ascii_strcasecmp (mailbox, "INBOX") == 0)
    return g_build_filename (home, "Maildir", NULL);
  /* Maildir++: "Lists/Tern" is the folder ".Lists.Tern". */
  sub = g_strdup_printf (".%s", mailbox);
  g_strdelimit (sub, "/", '.');
  return g_build_filename (home, "Maildir", sub, NULL);
}

gboolean
tern_test_servers_stop_imap (TernTestServers *self, GError **error)
{
  tern_test_process_stop (self->dovecot);
  g_clear_object (&self->dovecot);
  return TRUE;
}

gboolean
tern_test_servers_start_imap (TernTestServers *self, GError **error)
{
  guint16 ports[G_N_ELEMENTS (dovecot_services)];

  if (self->dovecot != NULL)
    return TRUE;
  collect_ports (self, dovecot_services, G_N_ELEMENTS (ports), ports);
  return tern_test_ports_wait_free (ports, G_N_ELEMENTS (ports), START_TIMEOUT_S, error) &&
         spawn_dovecot (self, error);
}

gboolean
tern_test_servers_set_imap_cert (TernTestServers *self, TernTestCert cert, GError **error)
{
  g_return_val_if_fail (self->dovecot == NULL, FALSE);
  self->opts.cert = cert;
  return tern_test_certs_get (cert, &self->cert_file, &self->key_file, error) &&
         tern_test_write_dovecot_conf (self, error);
}

gboolean
tern_test_servers_stop_smtp (TernTestServers *self, GError **error)
{
  tern_test_process_stop (self->postfix);
  g_clear_object (&self->postfix);
  return TRUE;
}

gboolean
tern_test_servers_start_smtp (TernTestServers *self, GError **error)
{
  guint16 ports[G_N_ELEMENTS (postfix_services)];

  if (self->postfix != NULL)
    return TRUE;
  if (self->smtp_skip_reason != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "%s", self->smtp_skip_reason);
      return FALSE;
    }
  collect_ports (self, postfix_services, G_N_ELEMENTS (ports), ports);
  return tern_test_ports_wait_free (ports, G_N_ELEMENTS (ports), START_TIMEOUT_S, error) &&
         spawn_postfix (self, error);
}
