/* tern-test-mailutils.c: GNU Mailutils 3.15 imap4d and pop3d for the matrix.
 *
 * Users are virtual (virtdomain: one passwd file per domain, crypt(3)
 * passwords), so they log in as "alice@localhost". Mailboxes are Maildirs in
 * the user's home: the default mailbox type is maildir and the personal
 * namespace is the home directory, so INBOX is ~/INBOX and "Archive" is
 * ~/Archive ("/" separator); no Trash is made, and there is no UIDPLUS. Both
 * daemons run in the foreground and log to server.out; pop3d keeps its locks
 * in a directory of its own. */
#include "tern-test-matrix-private.h"

static const TernTestService mailutils_services[] = {
  TERN_TEST_IMAP, TERN_TEST_IMAPS, TERN_TEST_POP3, TERN_TEST_POP3S,
};

static gboolean
write_passwd (TernTestMailServer *self, GError **error)
{
  g_autoptr(GString) pw = g_string_new (NULL);
  g_autofree char *hash = tern_test_mail_crypt (self->password);

  for (guint i = 0; self->users[i] != NULL; i++)
    {
      g_autofree char *home = g_strdup_printf ("home/%s", self->users[i]);
      g_autofree char *inbox = g_strdup_printf ("%s/INBOX", home);

      /* imap4d makes INBOX only when it is selected, not for an APPEND. */
      if (!tern_test_mail_make_maildir (self, inbox, error))
        return FALSE;
      g_string_append_printf (pw, "%s:%s:%u:%u::%s/%s:/bin/false\n", self->users[i], hash,
                              (guint) self->uid, (guint) self->gid, self->dir, home);
    }
  return tern_test_mail_mkdir (self, "virtual", error) &&
         tern_test_mail_write (self, "virtual/localhost", pw->str, 0600, error);
}

/* What imap4d and pop3d share: users, mailboxes, TLS, logging. */
static char *
common_conf (TernTestMailServer *self)
{
  return g_strdup_printf (
    "# Written by the Tern test harness.\n"
    "logging { syslog false; };\n"
    "auth { authentication generic; authorization virtdomain; };\n"
    "virtdomain { passwd-dir \"%1$s/virtual\"; };\n"
    /* A virtual user's INBOX is ~/INBOX; as a Maildir, not an mbox file,
     * only with maildir as the default type (a mailbox-pattern with
     * ${user} would see "user@domain"). */
    "mailbox { mailbox-type maildir; };\n"
    "tls-file-checks { key-file none; cert-file none; ca-file none; };\n"
    "tls { ssl-certificate-file \"%2$s\"; ssl-key-file \"%3$s\"; };\n"
    "mode daemon;\nforeground true;\nmax-children 100;\n",
    self->dir, self->cert_file, self->key_file);
}

static gboolean
mailutils_configure (TernTestMailServer *self, GError **error)
{
  g_autofree char *common = common_conf (self);
  g_autofree char *imap = g_strdup_printf (
    "%1$s"
    "pidfile \"%2$s/imap4d.pid\";\n"
    "namespace personal { prefix \"\" { directory \"$home\"; delimiter \"/\"; "
    "mailbox-type maildir; }; };\n"
    "server 127.0.0.1:%3$u { tls-mode ondemand; };\n"
    "server 127.0.0.1:%4$u { tls-mode connection; };\n",
    common, self->dir, self->ports[TERN_TEST_IMAP], self->ports[TERN_TEST_IMAPS]);
  g_autofree char *pop = g_strdup_printf (
    "%1$s"
    "pidfile \"%2$s/pop3d.pid\";\n"
    "mandatory-locking { enable true; lock-directory \"%2$s/pop3-locks\"; };\n"
    "server 127.0.0.1:%3$u { tls-mode ondemand; };\n"
    "server 127.0.0.1:%4$u { tls-mode connection; };\n",
    common, self->dir, self->ports[TERN_TEST_POP3], self->ports[TERN_TEST_POP3S]);

  return write_passwd (self, error) && tern_test_mail_mkdir (self, "pop3-locks", error) &&
         tern_test_mail_write (self, "imap4d.conf", imap, 0644, error) &&
         tern_test_mail_write (self, "pop3d.conf", pop, 0644, error);
}

static char *
mailutils_script (TernTestMailServer *self)
{
  g_autofree char *libs = tern_test_mail_lib_path (self);

  return g_strdup_printf (
    "export LD_LIBRARY_PATH='%1$s'\n"
    "'%2$s/usr/sbin/imap4d' --config-file='%3$s/imap4d.conf' &\n"
    "imap=$!\n"
    "'%2$s/usr/sbin/pop3d' --config-file='%3$s/pop3d.conf' &\n"
    "pop=$!\n"
    "trap 'kill $imap $pop 2>/dev/null; exit 0' TERM INT\n"
    "wait\n",
    libs, self->root, self->dir);
}

const TernTestMailDriver tern_test_mailutils_driver = {
  .dir_name = "mailutils",
  .probe = "usr/sbin/imap4d",
  .services = mailutils_services,
  .n_services = G_N_ELEMENTS (mailutils_services),
  .needs_root = TRUE,
  .needs_namespace = FALSE,
  .root_reason = "pop3d and imap4d switch to the mail group at start",
  .configure = mailutils_configure,
  .script = mailutils_script,
};
