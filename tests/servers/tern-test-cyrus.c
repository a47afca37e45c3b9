/* tern-test-cyrus.c: Cyrus IMAP 3.6 (imapd, pop3d) for the matrix.
 *
 * TERN_TEST_SERVER_CYRUS has Debian's defaults: "." separator, folders below
 * INBOX (no altnamespace); TERN_TEST_SERVER_CYRUS_ALTNS has folders beside
 * INBOX (altnamespace) and the "/" separator. Neither has a Trash or other
 * special folders. Users are in a private sasldb (auxprop,
 * realm = servername); a user's INBOX is created at the first login
 * (autocreate_quota), as a Cyrus admin would with "cm user.alice". `master -D`
 * runs in the foreground and starts imapd and pop3d for each connection; as
 * root every Cyrus process runs as the "mail" user (cyrus_user). Cyrus logs to
 * syslog only, so server.out holds what little it prints itself. */
#include "tern-test-matrix-private.h"

#include <string.h>

static const TernTestService cyrus_services[] = {
  TERN_TEST_IMAP, TERN_TEST_IMAPS, TERN_TEST_POP3, TERN_TEST_POP3S,
};

static gboolean
write_imapd_conf (TernTestMailServer *self, GError **error)
{
  g_autofree char *conf = g_strdup_printf (
    "# Written by the Tern test harness.\n"
    "configdirectory: %1$s/conf\n"
    "proc_path: %1$s/run/proc\n"
    "mboxname_lockpath: %1$s/run/lock\n"
    "defaultpartition: default\n"
    "partition-default: %1$s/spool\n"
    "lmtpsocket: %1$s/run/socket/lmtp\n"
    "idlesocket: %1$s/run/socket/idle\n"
    "notifysocket: %1$s/run/socket/notify\n"
    "servername: localhost\n"
    "cyrus_user: %2$s\n"
    "altnamespace: %5$s\n"
    "unixhierarchysep: %5$s\n"
    "virtdomains: off\n"
    /* The INBOX appears at the first login (0: no quota). */
    "autocreate_quota: 0\n"
    /* POP3 tests log in many times a minute; Debian's default is 1 minute. */
    "popminpoll: 0\n"
    /* Without idled, imapd looks for new mail in IDLE this often (seconds). */
    "imapidlepoll: 1\n"
    "allowplaintext: yes\n"
    "sasl_pwcheck_method: auxprop\n"
    "sasl_auxprop_plugin: sasldb\n"
    "sasl_sasldb_path: %1$s/sasldb2\n"
    "sasl_mech_list: PLAIN LOGIN\n"
    "tls_server_cert: %3$s\n"
    "tls_server_key: %4$s\n"
    "syslog_prefix: tern-test-cyrus\n",
    self->dir, self->user_name, self->cert_file, self->key_file,
    self->kind == TERN_TEST_SERVER_CYRUS_ALTNS ? "yes" : "no");

  return tern_test_mail_write (self, "imapd.conf", conf, 0644, error);
}

static gboolean
write_cyrus_conf (TernTestMailServer *self, GError **error)
{
  g_autofree char *bin = g_build_filename (self->root, "usr/lib/cyrus/bin", NULL);
  g_autofree char *conf_path = tern_test_mail_path (self, "imapd.conf");
  /* master gives its -C to no child: each command names the file itself. */
  g_autofree char *conf = g_strdup_printf (
    "START {\n"
    "  recover cmd=\"%1$s/ctl_cyrusdb -C %2$s -r\"\n"
    "}\n"
    "SERVICES {\n"
    "  imap cmd=\"%1$s/imapd -C %2$s\" listen=\"127.0.0.1:%3$u\" prefork=0\n"
    "  imaps cmd=\"%1$s/imapd -C %2$s -s\" listen=\"127.0.0.1:%4$u\" prefork=0\n"
    "  pop3 cmd=\"%1$s/pop3d -C %2$s\" listen=\"127.0.0.1:%5$u\" prefork=0\n"
    "  pop3s cmd=\"%1$s/pop3d -C %2$s -s\" listen=\"127.0.0.1:%6$u\" prefork=0\n"
    "}\n"
    "EVENTS {\n"
    "}\n",
    bin, conf_path, self->ports[TERN_TEST_IMAP], self->ports[TERN_TEST_IMAPS],
    self->ports[TERN_TEST_POP3], self->ports[TERN_TEST_POP3S]);

  return tern_test_mail_write (self, "cyrus.conf", conf, 0644, error);
}

/* saslpasswd2 (sasl2-bin) reads the password from stdin with -p. */
static gboolean
add_sasl_user (TernTestMailServer *self, const char *user, GError **error)
{
  g_autofree char *db = tern_test_mail_path (self, "sasldb2");
  const char *argv[] = { "/usr/sbin/saslpasswd2", "-p", "-c", "-f", db, "-u", "localhost",
                         user, NULL };
  g_autoptr(GSubprocess) p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                      G_SUBPROCESS_FLAGS_STDERR_PIPE, error);
  g_autofree char *err = NULL;

  if (p == NULL || !g_subprocess_communicate_utf8 (p, self->password, NULL, NULL, &err, error))
    return FALSE;
  if (!g_subprocess_get_if_exited (p) || g_subprocess_get_exit_status (p) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "saslpasswd2 failed for %s: %s",
                   user, err ? err : "");
      return FALSE;
    }
  return TRUE;
}

static gboolean
cyrus_configure (TernTestMailServer *self, GError **error)
{
  static const char *const dirs[] = { "conf", "spool", "run/proc", "run/lock", "run/socket" };
  g_autofree char *db = tern_test_mail_path (self, "sasldb2");

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    if (!tern_test_mail_mkdir (self, dirs[i], error))
      return FALSE;
  if (!g_file_test (db, G_FILE_TEST_EXISTS))
    {
      for (guint i = 0; self->users[i] != NULL; i++)
        if (!add_sasl_user (self, self->users[i], error))
          return FALSE;
      if (self->is_root && chown (db, self->uid, self->gid) < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot chown %s", db);
          return FALSE;
        }
    }
  return write_imapd_conf (self, error) && write_cyrus_conf (self, error);
}

static char *
cyrus_script (TernTestMailServer *self)
{
  g_autofree char *libs = tern_test_mail_lib_path (self);

  return g_strdup_printf (
    "export LD_LIBRARY_PATH='%1$s'\n"
    "exec '%2$s/usr/lib/cyrus/bin/master' -C '%3$s/imapd.conf' -M '%3$s/cyrus.conf' "
    "-p '%3$s/run/master.pid' -D\n",
    libs, self->root, self->dir);
}

const TernTestMailDriver tern_test_cyrus_driver = {
  .dir_name = "cyrus",
  .probe = "usr/lib/cyrus/bin/master",
  .services = cyrus_services,
  .n_services = G_N_ELEMENTS (cyrus_services),
  .needs_root = FALSE,
  .needs_namespace = FALSE,
  .configure = cyrus_configure,
  .script = cyrus_script,
};
