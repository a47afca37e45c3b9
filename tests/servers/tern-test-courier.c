/* tern-test-courier.c: Courier-IMAP 5.0 and Courier POP3 for the matrix.
 *
 * Courier's login programs ask authdaemond (courier-authlib, installed from
 * deps.txt: it conflicts with nothing) over a socket whose path is built in,
 * /run/courier/authdaemon/socket, and authdaemond reads /etc/courier. So the
 * whole server runs in a private mount namespace in which this instance's
 * etc/ and run/ are mounted over /etc/courier and /run: its
 * authdaemonrc, its userdb (authuserdb; made with makeuserdb), nothing else
 * of the machine's. couriertcpd listens on each port (the rc files' ADDRESS
 * is 127.0.0.1) and runs imaplogin or courierpop3login, which run imapd or
 * courierpop3d as the mail user; couriertls wraps the implicit-TLS ports and
 * serves STARTTLS, with the certificate and key in one PEM and a dhparams
 * file. Folders are below INBOX ("." separator); no Trash is made. */
#include "tern-test-matrix-private.h"

#include <string.h>

static const TernTestService courier_services[] = {
  TERN_TEST_IMAP, TERN_TEST_IMAPS, TERN_TEST_POP3, TERN_TEST_POP3S,
};

/* Environment of imapd (from Debian's /etc/courier/imapd and imapd-ssl). */
static const char imapd_rc[] =
  "IMAP_CAPABILITY=\"IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT "
  "THREAD=REFERENCES SORT QUOTA IDLE\"\n"
  "IMAP_CAPABILITY_TLS=\"$IMAP_CAPABILITY AUTH=PLAIN\"\n"
  "IMAP_KEYWORDS=1\nIMAP_ACL=1\nIMAP_PROXY=0\n"
  "IMAP_IDLE_TIMEOUT=5\n"
  "IMAP_MAILBOX_SANITY_CHECK=1\nIMAP_DISABLETHREADSORT=0\nIMAP_CHECK_ALL_FOLDERS=0\n"
  "IMAP_OBSOLETE_CLIENT=0\nIMAP_UMASK=022\nIMAP_USELOCKS=1\nIMAP_ENHANCEDIDLE=0\n"
  "IMAP_TRASHFOLDERNAME=Trash\nIMAP_EMPTYTRASH=Trash:7\nIMAP_MOVE_EXPUNGE_TO_TRASH=0\n"
  "IMAP_STARTTLS=YES\nIMAP_TLS_REQUIRED=0\n";

static const char pop3d_rc[] =
  "POP3AUTH=\"\"\nPOP3AUTH_TLS=\"LOGIN PLAIN\"\nPOP3_PROXY=0\n"
  "POP3_STARTTLS=YES\nPOP3_TLS_REQUIRED=0\n"
  "MIME_UNICODE_MESSAGE_TYPE=\"message/global\"\n";

static gboolean
write_rc (TernTestMailServer *self, const char *name, const char *body, GError **error)
{
  g_autofree char *rc = g_strdup_printf (
    "# Written by the Tern test harness.\n%s"
    "MAILDIRPATH=Maildir\n"
    "ADDRESS=127.0.0.1\n"
    "COURIERTLS=%s/usr/bin/couriertls\n"
    "TLS_CERTFILE=%s/combined.pem\n"
    "TLS_DHPARAMS=%s/dhparams.pem\n"
    "TLS_VERIFYPEER=NONE\n",
    body, self->root, self->dir, self->dir);

  return tern_test_mail_write (self, name, rc, 0644, error);
}

/* couriertls wants the key and the certificate in one file, and DH
 * parameters: certtool prints a fixed RFC 7919 group at once. */
static gboolean
write_tls_files (TernTestMailServer *self, GError **error)
{
  g_autofree char *cert = NULL, *key = NULL, *combined = NULL, *dh = NULL, *err = NULL;
  const char *argv[] = { "certtool", "--get-dh-params", NULL };
  g_autoptr(GSubprocess) p = NULL;
  const char *pem;

  if (!g_file_get_contents (self->cert_file, &cert, NULL, error) ||
      !g_file_get_contents (self->key_file, &key, NULL, error))
    return FALSE;
  combined = g_strconcat (key, cert, NULL);
  p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                         error);
  if (p == NULL || !g_subprocess_communicate_utf8 (p, NULL, NULL, &dh, &err, error))
    return FALSE;
  pem = dh != NULL ? strstr (dh, "-----BEGIN DH PARAMETERS-----") : NULL;
  if (pem == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "certtool --get-dh-params gave no DH parameters: %s", err ? err : "");
      return FALSE;
    }
  return tern_test_mail_write (self, "combined.pem", combined, 0600, error) &&
         tern_test_mail_write (self, "dhparams.pem", pem, 0644, error);
}

static gboolean
write_userdb (TernTestMailServer *self, GError **error)
{
  g_autoptr(GString) db = g_string_new (NULL);
  g_autofree char *hash = tern_test_mail_crypt (self->password);
  g_autofree char *path = tern_test_mail_path (self, "etc/userdb");
  const char *argv[] = { "/usr/sbin/makeuserdb", "-f", path, NULL };
  g_autoptr(GSubprocess) p = NULL;

  for (guint i = 0; self->users[i] != NULL; i++)
    {
      g_autofree char *maildir = g_strdup_printf ("home/%s/Maildir", self->users[i]);

      if (!tern_test_mail_make_maildir (self, maildir, error))
        return FALSE;
      g_string_append_printf (db, "%s\tuid=%u|gid=%u|home=%s/home/%s|mail=%s/%s|systempw=%s\n",
                              self->users[i], (guint) self->uid, (guint) self->gid, self->dir,
                              self->users[i], self->dir, maildir, hash);
    }
  /* makeuserdb refuses a userdb that others may read. */
  if (!tern_test_mail_write (self, "etc/userdb", db->str, 0600, error))
    return FALSE;
  p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDERR_MERGE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                         error);
  if (p == NULL || !g_subprocess_wait_check (p, NULL, error))
    {
      g_prefix_error (error, "makeuserdb (courier-authlib-userdb): ");
      return FALSE;
    }
  return TRUE;
}

static gboolean
courier_configure (TernTestMailServer *self, GError **error)
{
  static const char authdaemonrc[] =
    "authmodulelist=\"authuserdb\"\n"
    "authmodulelistorig=\"authuserdb\"\n"
    "daemons=2\n"
    "authdaemonvar=/run/courier/authdaemon\n"
    "DEBUG_LOGIN=0\nDEFAULTOPTIONS=\"\"\nLOGGEROPTS=\"\"\n";
  g_autofree char *userdb = tern_test_mail_path (self, "etc/userdb.dat");

  if (!tern_test_mail_mkdir (self, "etc", error) || !tern_test_mail_mkdir (self, "run", error) ||
      !tern_test_mail_write (self, "etc/authdaemonrc", authdaemonrc, 0644, error) ||
      !write_rc (self, "imapd.rc", imapd_rc, error) ||
      !write_rc (self, "pop3d.rc", pop3d_rc, error))
    return FALSE;
  if (g_file_test (userdb, G_FILE_TEST_EXISTS))
    return TRUE;
  return write_tls_files (self, error) && write_userdb (self, error);
}

/* One couriertcpd: @tls wraps the connection in couriertls from the start. */
static void
append_listener (GString *s, TernTestMailServer *self, const char *rc, const char *tls_var,
                 guint16 port, gboolean tls, const char *login, const char *daemon)
{
  g_string_append_printf (s,
    "env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH=\"$LD_LIBRARY_PATH\" /bin/sh -c "
    "'set -a; . %1$s/%2$s; %3$s exec %4$s/usr/sbin/couriertcpd -address=127.0.0.1 "
    "-nodnslookup -noidentlookup -maxprocs=100 -maxperip=100 %5$u %6$s "
    "%4$s/usr/lib/courier/courier/%7$s %4$s/%8$s Maildir' &\n"
    "pids=\"$pids $!\"\n",
    self->dir, rc, tls ? tls_var : "", self->root, port,
    tls ? "$COURIERTLS -server -tcpd" : "", login, daemon);
}

static char *
courier_script (TernTestMailServer *self)
{
  g_autofree char *libs = tern_test_mail_lib_path (self);
  GString *s = g_string_new (NULL);

  g_string_append_printf (s,
    "pids=\n"
    "trap 'kill $pids 2>/dev/null; exit 0' TERM INT\n"
    "mount --bind %1$s/etc /etc/courier\n"
    /* All of /run: /run/courier may be gone after a reboot (tmpfs). */
    "mount --bind %1$s/run /run\n"
    "mkdir -p /run/courier/authdaemon\n"
    "export LD_LIBRARY_PATH='%2$s'\n"
    "COURIERTLS=%3$s/usr/bin/couriertls\n"
    "/usr/lib/courier/courier-authlib/authdaemond &\n"
    "pids=\"$pids $!\"\n"
    /* A login before the socket exists would fail. */
    "while [ ! -S /run/courier/authdaemon/socket ]; do sleep 0.05; done\n",
    self->dir, libs, self->root);
  append_listener (s, self, "imapd.rc", "IMAP_TLS=1;", self->ports[TERN_TEST_IMAP], FALSE,
                   "imaplogin", "usr/bin/imapd");
  append_listener (s, self, "imapd.rc", "IMAP_TLS=1;", self->ports[TERN_TEST_IMAPS], TRUE,
                   "imaplogin", "usr/bin/imapd");
  append_listener (s, self, "pop3d.rc", "POP3_TLS=1;", self->ports[TERN_TEST_POP3], FALSE,
                   "courierpop3login", "usr/lib/courier/courier/courierpop3d");
  append_listener (s, self, "pop3d.rc", "POP3_TLS=1;", self->ports[TERN_TEST_POP3S], TRUE,
                   "courierpop3login", "usr/lib/courier/courier/courierpop3d");
  g_string_append (s, "wait\n");
  return g_string_free (s, FALSE);
}

const TernTestMailDriver tern_test_courier_driver = {
  .dir_name = "courier",
  .probe = "usr/sbin/couriertcpd",
  .services = courier_services,
  .n_services = G_N_ELEMENTS (courier_services),
  .needs_root = TRUE,
  .needs_namespace = TRUE,
  .root_reason = "a private mount namespace puts its files on the paths built into Courier",
  .configure = courier_configure,
  .script = courier_script,
};
