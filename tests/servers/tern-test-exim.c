/* tern-test-exim.c: Exim 4.96 (exim4-daemon-light) for the matrix.
 *
 * Like the harness's Postfix: submission with STARTTLS and SMTPS
 * (tls_on_connect_ports), AUTH PLAIN/LOGIN offered only under TLS, mail for
 * the harness users delivered over LMTP into a Dovecot (so the tests read it
 * back over IMAP), 550 for anyone else, relaying refused.
 *
 * Exim looks up its built-in user Debian-exim at start, and re-executes
 * itself as /usr/sbin/exim4 for deliveries; neither exists with the package
 * only unpacked. So it runs in a private mount namespace where the instance's
 * copies of /etc/passwd and /etc/group (with Debian-exim as the mail user)
 * are mounted over the machine's, and a tmpfs over /usr/sbin holds a link to
 * the unpacked exim4. With -C, Exim drops root and runs as that user. */
#include "tern-test-matrix-private.h"

#include <pwd.h>

static const TernTestService exim_services[] = { TERN_TEST_SUBMISSION, TERN_TEST_SMTPS };

static gboolean
write_identity (TernTestMailServer *self, GError **error)
{
  g_autofree char *passwd = NULL, *group = NULL, *p2 = NULL, *g2 = NULL;

  if (!g_file_get_contents ("/etc/passwd", &passwd, NULL, error) ||
      !g_file_get_contents ("/etc/group", &group, NULL, error))
    return FALSE;
  p2 = g_strdup_printf ("%sDebian-exim:x:%u:%u:Exim:/nonexistent:/usr/sbin/nologin\n", passwd,
                        (guint) self->uid, (guint) self->gid);
  g2 = g_strdup_printf ("%sDebian-exim:x:%u:\n", group, (guint) self->gid);
  return tern_test_mail_write (self, "passwd", p2, 0644, error) &&
         tern_test_mail_write (self, "group", g2, 0644, error);
}

static gboolean
write_users (TernTestMailServer *self, GError **error)
{
  g_autoptr(GString) pw = g_string_new (NULL);
  g_autoptr(GString) local = g_string_new (NULL);

  for (guint i = 0; self->users[i] != NULL; i++)
    {
      /* Logins as "alice" and "alice@localhost", as with Postfix and Dovecot. */
      g_string_append_printf (pw, "%1$s: %2$s\n%1$s@localhost: %2$s\n", self->users[i],
                              self->password);
      g_string_append_printf (local, "%s\n", self->users[i]);
    }
  return tern_test_mail_write (self, "auth-users", pw->str, 0600, error) &&
         tern_test_mail_write (self, "local-parts", local->str, 0644, error);
}

static gboolean
write_conf (TernTestMailServer *self, GError **error)
{
  guint16 sub = self->ports[TERN_TEST_SUBMISSION], smtps = self->ports[TERN_TEST_SMTPS];
  g_autofree char *conf = g_strdup_printf (
    "# Written by the Tern test harness.\n"
    "primary_hostname = localhost\n"
    "exim_user = Debian-exim\nexim_group = Debian-exim\n"
    "spool_directory = %1$s/spool\n"
    "log_file_path = %1$s/log/%%slog\n"
    "pid_file_path = %1$s/log/exim.pid\n"
    "keep_environment =\n"
    "daemon_smtp_ports = %2$u : %3$u\n"
    "local_interfaces = 127.0.0.1\n"
    "tls_on_connect_ports = %3$u\n"
    "tls_certificate = %4$s\n"
    "tls_privatekey = %5$s\n"
    "tls_advertise_hosts = *\n"
    /* AUTH only inside TLS. */
    "auth_advertise_hosts = ${if eq{$tls_in_cipher}{}{}{*}}\n"
    "message_size_limit = 10M\n"
    "host_lookup =\nrfc1413_hosts =\n"
    "domainlist local_domains = localhost\n"
    "acl_smtp_rcpt = acl_check_rcpt\n"
    "begin acl\n"
    "acl_check_rcpt:\n"
    "  deny message = authentication required\n"
    "       !authenticated = *\n"
    "  deny message = no such user here\n"
    "       domains = +local_domains\n"
    "       !local_parts = lsearch;%1$s/local-parts\n"
    "  accept domains = +local_domains\n"
    "  deny message = relay not permitted\n"
    "begin routers\n"
    "harness_users:\n"
    "  driver = accept\n"
    "  domains = +local_domains\n"
    "  transport = dovecot_lmtp\n"
    "begin transports\n"
    "dovecot_lmtp:\n"
    "  driver = smtp\n"
    "  protocol = lmtp\n"
    "  hosts = 127.0.0.1\n"
    "  port = %6$u\n"
    "  allow_localhost\n"
    "  hosts_override\n"
    "begin retry\n"
    "* * F,10m,5s\n"
    "begin authenticators\n"
    "plain:\n"
    "  driver = plaintext\n"
    "  public_name = PLAIN\n"
    "  server_prompts = :\n"
    "  server_condition = ${if and{{!eq{$auth2}{}}"
    "{eq{$auth3}{${lookup{$auth2}lsearch{%1$s/auth-users}}}}}}\n"
    "  server_set_id = $auth2\n"
    "login:\n"
    "  driver = plaintext\n"
    "  public_name = LOGIN\n"
    "  server_prompts = Username:: : Password::\n"
    "  server_condition = ${if and{{!eq{$auth1}{}}"
    "{eq{$auth2}{${lookup{$auth1}lsearch{%1$s/auth-users}}}}}}\n"
    "  server_set_id = $auth1\n",
    self->dir, sub, smtps, self->cert_file, self->key_file,
    tern_test_servers_port (self->dovecot, TERN_TEST_LMTP));

  g_autofree char *path = tern_test_mail_path (self, "exim.conf");

  /* Exim reads a configuration only when root owns it (Configure owner: 0). */
  return g_file_set_contents (path, conf, -1, error);
}

static gboolean
exim_configure (TernTestMailServer *self, GError **error)
{
  return tern_test_mail_mkdir (self, "spool", error) && tern_test_mail_mkdir (self, "log", error) &&
         write_identity (self, error) && write_users (self, error) && write_conf (self, error);
}

static char *
exim_script (TernTestMailServer *self)
{
  return g_strdup_printf (
    "mount --bind %1$s/passwd /etc/passwd\n"
    "mount --bind %1$s/group /etc/group\n"
    "mount -t tmpfs tmpfs /usr/sbin\n"
    "ln -s %2$s/usr/sbin/exim4 /usr/sbin/exim4\n"
    /* -bdf: daemon in the foreground; -q5s: retry a deferred delivery soon. */
    "exec /usr/sbin/exim4 -C %1$s/exim.conf -bdf -q5s\n",
    self->dir, self->root);
}

const TernTestMailDriver tern_test_exim_driver = {
  .dir_name = "exim",
  .probe = "usr/sbin/exim4",
  .services = exim_services,
  .n_services = G_N_ELEMENTS (exim_services),
  .needs_root = TRUE,
  .needs_namespace = TRUE,
  .root_reason = "a private mount namespace gives Exim its built-in user and path",
  .configure = exim_configure,
  .script = exim_script,
};
