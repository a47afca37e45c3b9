/* tern-test-server-config.c: Dovecot and Postfix configuration for the harness.
 *
 * Everything lives under the instance's temp dir; nothing in /etc or /var is
 * read or written except the packages' own programs and Postfix's
 * dynamicmaps.cf. Root and non-root runs differ only in the users the servers
 * switch to (see dovecot_users()). */
#include "tern-test-servers-private.h"

#include <grp.h>
#include <string.h>
#include <pwd.h>
#include <unistd.h>

char *
tern_test_path (TernTestServers *self, const char *name)
{
  return g_build_filename (self->dir, name, NULL);
}

char *
tern_test_user_home (TernTestServers *self, const char *user)
{
  g_autofree char *homes = tern_test_path (self, "home");

  return g_build_filename (homes, user, NULL);
}

static void
dovecot_users (TernTestServers *self, GString *c)
{
  if (self->is_root)
    {
      /* Dovecot refuses to run login processes or to access mail as root.
       * Debian's dovecot-core provides the "dovecot" and "dovenull" users; mail
       * belongs to the system "mail" user (self->mail_uid). */
      g_string_append_printf (c,
        "default_internal_user = dovecot\n"
        "default_login_user = dovenull\n"
        "mail_uid = %u\nmail_gid = %u\n",
        (guint) self->mail_uid, (guint) self->mail_gid);
    }
  else
    {
      /* Unprivileged: every process runs as us, and nothing may chroot or
       * chown to another user or group. */
      struct passwd *pw = getpwuid (getuid ());
      struct group *gr = getgrgid (getgid ());

      g_string_append_printf (c,
        "default_internal_user = %s\n"
        "default_login_user = %s\n"
        "default_internal_group = %s\n",
        pw ? pw->pw_name : "nobody", pw ? pw->pw_name : "nobody",
        gr ? gr->gr_name : "nogroup");
    }
  g_string_append (c, "first_valid_uid = 1\nfirst_valid_gid = 0\n");
}

static void
dovecot_listeners (TernTestServers *self, GString *c)
{
  const guint16 *p = self->ports;
  gboolean tls = !self->opts.no_tls;

  g_string_append_printf (c,
    "service imap-login {\n  chroot =\n"
    "  inet_listener imap {\n    address = 127.0.0.1\n    port = %u\n  }\n", p[TERN_TEST_IMAP]);
  if (tls)
    g_string_append_printf (c,
      "  inet_listener imaps {\n    address = 127.0.0.1\n    port = %u\n    ssl = yes\n  }\n",
      p[TERN_TEST_IMAPS]);
  g_string_append_printf (c, "}\n"
    "service pop3-login {\n  chroot =\n"
    "  inet_listener pop3 {\n    address = 127.0.0.1\n    port = %u\n  }\n", p[TERN_TEST_POP3]);
  if (tls)
    g_string_append_printf (c,
      "  inet_listener pop3s {\n    address = 127.0.0.1\n    port = %u\n    ssl = yes\n  }\n",
      p[TERN_TEST_POP3S]);
  g_string_append_printf (c, "}\n"
    "service lmtp {\n"
    "  inet_listener lmtp {\n    address = 127.0.0.1\n    port = %u\n  }\n}\n",
    p[TERN_TEST_LMTP]);
}

static void
dovecot_namespace (TernTestServers *self, GString *c)
{
  static const char *const boxes[][2] = {
    { "Sent", "\\Sent" }, { "Drafts", "\\Drafts" }, { "Trash", "\\Trash" },
    { "Junk", "\\Junk" }, { "Archive", "\\Archive" },
  };

  g_string_append (c, "namespace inbox {\n  inbox = yes\n  separator = /\n");
  for (guint i = 0; !self->opts.no_special_folders && i < G_N_ELEMENTS (boxes); i++)
    g_string_append_printf (c,
      "  mailbox %s {\n    special_use = %s\n    auto = subscribe\n  }\n",
      boxes[i][0], boxes[i][1]);
  g_string_append (c, "}\n");
}

/* passdb oauth2 (Dovecot 2.3): tokens of XOAUTH2/OAUTHBEARER are checked
 * by POSTing them to the harness's introspection endpoint. */
static gboolean
write_dovecot_oauth2 (TernTestServers *self, GString *c, GError **error)
{
  g_autofree char *path = tern_test_path (self, "dovecot-oauth2.conf.ext");
  g_autofree char *conf = g_strdup_printf (
    "introspection_mode = post\n"
    "introspection_url = %s\n"
    "username_attribute = username\n"
    "active_attribute = active\n"
    "active_value = true\n"
    "force_introspection = yes\n", self->opts.oauth2_introspection_url);

  g_string_append_printf (c,
    "passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = %s\n}\n",
    path);
  return g_file_set_contents (path, conf, -1, error);
}

gboolean
tern_test_write_dovecot_conf (TernTestServers *self, GError **error)
{
  g_autoptr(GString) c = g_string_new ("# Written by the Tern test harness.\n");
  g_autofree char *path = tern_test_path (self, "dovecot.conf");
  g_autofree char *base = g_path_get_basename (self->dir);
  gboolean tls = !self->opts.no_tls;

  g_string_append_printf (c,
    "protocols = imap pop3 lmtp\n"
    "base_dir = %1$s/dovecot-run\n"
    "state_dir = %1$s/dovecot-state\n"
    "instance_name = %2$s\n"
    "log_path = %1$s/dovecot.log\n"
    "listen = 127.0.0.1\n"
    "login_greeting = Tern test Dovecot ready.\n"
    "mail_location = maildir:~/Maildir\n"
    "mail_fsync = never\n"
    "auth_mechanisms = plain login%5$s\n"
    /* A failed login answers at once, not after Dovecot's usual 2 s. */
    "auth_failure_delay = 0\n"
    "auth_verbose = yes\n"
    /* A million-message Maildir (bench-imap 1000000) maps more index than
     * the 256 MB a Dovecot process may have by default: it was killed in
     * the first FETCH. */
    "default_vsz_limit = 4G\n"
    "disable_plaintext_auth = %3$s\n"
    "ssl = %4$s\n",
    self->dir, base, tls ? "yes" : "no", tls ? "yes" : "no",
    self->opts.oauth2_introspection_url != NULL ? " xoauth2 oauthbearer" : "");
  if (tls)
    g_string_append_printf (c, "ssl_cert = <%s\nssl_key = <%s\n",
                            self->cert_file, self->key_file);
  dovecot_users (self, c);
  g_string_append_printf (c,
    "passdb {\n  driver = passwd-file\n  args = scheme=PLAIN %1$s/users.passwd\n%2$s}\n"
    "userdb {\n  driver = passwd-file\n  args = %1$s/users.passwd\n}\n"
    "protocol imap {\n  mail_max_userip_connections = 200\n}\n"
    "protocol pop3 {\n  mail_max_userip_connections = 200\n}\n"
    /* Postfix authenticates SMTP clients through this socket. */
    "service auth {\n  unix_listener %1$s/auth-postfix {\n    mode = 0666\n  }\n}\n"
    "service anvil {\n  chroot =\n}\n",
    self->dir,
    /* With OAuth2 on, a token is never checked as a password. */
    self->opts.oauth2_introspection_url != NULL ? "  mechanisms = plain login\n" : "");
  if (self->opts.oauth2_introspection_url != NULL && !write_dovecot_oauth2 (self, c, error))
    return FALSE;
  if (self->opts.imap_capability != NULL)
    g_string_append_printf (c, "protocol imap {\n  imap_capability = %s\n}\n",
                            self->opts.imap_capability);
  if (self->opts.quota_storage_kib > 0)
    /* The count backend reads sizes from Dovecot's index, so mail seeded
     * straight into the Maildir counts too (it needs virtual sizes). */
    g_string_append_printf (c,
      "mail_plugins = $mail_plugins quota\n"
      "protocol imap {\n  mail_plugins = $mail_plugins imap_quota\n}\n"
      "plugin {\n  quota = count:User quota\n  quota_vsizes = yes\n"
      "  quota_rule = *:storage=%" G_GUINT64_FORMAT "K\n}\n",
      self->opts.quota_storage_kib);
  dovecot_namespace (self, c);
  dovecot_listeners (self, c);
  return g_file_set_contents (path, c->str, (gssize) c->len, error);
}

static const char *
user_domain (const char *name)
{
  const char *at = strchr (name, '@');

  return at ? at + 1 : "localhost";
}

static gboolean
write_postfix_mailboxes (TernTestServers *self, GError **error)
{
  g_autoptr(GString) c = g_string_new (NULL);
  g_autofree char *path = tern_test_path (self, "postfix/virtual-mailboxes");

  for (guint i = 0; i < self->users->len; i++)
    {
      TernTestUser *u = g_ptr_array_index (self->users, i);

      g_string_append_printf (c, "%s%s OK\n", u->name,
                              strchr (u->name, '@') ? "" : "@localhost");
    }
  return g_file_set_contents (path, c->str, (gssize) c->len, error);
}

gboolean
tern_test_write_users (TernTestServers *self, GError **error)
{
  g_autoptr(GString) c = g_string_new (NULL);
  g_autofree char *path = tern_test_path (self, "users.passwd");

  for (guint i = 0; i < self->users->len; i++)
    {
      TernTestUser *u = g_ptr_array_index (self->users, i);
      g_autofree char *home = tern_test_user_home (self, u->name);

      /* user:password:uid:gid:gecos:home:shell:extra; uid/gid come from
       * mail_uid or the process. A bare name also logs in (and receives LMTP
       * mail) as name@localhost, with the same home. */
      g_string_append_printf (c, "%s:%s::::%s::\n", u->name, u->password, home);
      if (strchr (u->name, '@') == NULL)
        g_string_append_printf (c, "%s@localhost:%s::::%s::\n", u->name, u->password, home);
    }
  if (!g_file_set_contents (path, c->str, (gssize) c->len, error))
    return FALSE;
  return self->smtp_skip_reason != NULL || self->opts.no_smtp ||
         write_postfix_mailboxes (self, error);
}

static char *
postfix_domains (TernTestServers *self)
{
  g_autoptr(GString) s = g_string_new ("localhost");

  for (guint i = 0; i < self->users->len; i++)
    {
      TernTestUser *u = g_ptr_array_index (self->users, i);
      const char *d = user_domain (u->name);
      g_autofree char *needle = g_strdup_printf (" %s,", d);
      g_autofree char *hay = g_strdup_printf (" %s,", s->str);

      if (strstr (hay, needle) == NULL)
        g_string_append_printf (s, ", %s", d);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static gboolean
write_postfix_main_cf (TernTestServers *self, GError **error)
{
  g_autoptr(GString) c = g_string_new ("# Written by the Tern test harness.\n");
  g_autofree char *path = tern_test_path (self, "postfix/main.cf");
  g_autofree char *domains = postfix_domains (self);
  gboolean tls = !self->opts.no_tls;
  guint64 limit = self->opts.message_size_limit ? self->opts.message_size_limit : 10240000;

  g_string_append_printf (c,
    "compatibility_level = 3.6\n"
    "queue_directory = %1$s/postfix-queue\n"
    "data_directory = %1$s/postfix-data\n"
    "mail_owner = postfix\n"
    "setgid_group = postdrop\n"
    "maillog_file = %1$s/postfix.log\n"
    "maillog_file_prefixes = %1$s\n"
    "myhostname = localhost\nmydomain = localhost\nmyorigin = localhost\n"
    "mydestination =\nrelay_domains =\n"
    "inet_interfaces = loopback-only\ninet_protocols = ipv4\n"
    "mynetworks = 127.0.0.0/8\n"
    "alias_maps =\nalias_database =\nlocal_recipient_maps =\n"
    "biff = no\nappend_dot_mydomain = no\n"
    /* Every accepted message for a harness user goes into Dovecot over LMTP;
     * any other address at these domains is refused with 550 at RCPT TO. */
    "virtual_mailbox_domains = %2$s\n"
    "virtual_mailbox_maps = texthash:%1$s/postfix/virtual-mailboxes\n"
    "virtual_transport = lmtp:inet:[127.0.0.1]:%3$u\n"
    "smtpd_sasl_type = dovecot\n"
    "smtpd_sasl_path = %1$s/auth-postfix\n"
    "smtpd_sasl_auth_enable = yes\n"
    "smtpd_relay_restrictions = permit_sasl_authenticated, reject\n"
    "smtpd_recipient_restrictions = reject_unlisted_recipient, permit_sasl_authenticated, reject\n"
    "message_size_limit = %4$" G_GUINT64_FORMAT "\n"
    "mailbox_size_limit = 0\nvirtual_mailbox_limit = 0\n",
    self->dir, domains, self->ports[TERN_TEST_LMTP], limit);
  if (tls)
    g_string_append_printf (c,
      "smtpd_tls_cert_file = %s\nsmtpd_tls_key_file = %s\n"
      "smtpd_tls_security_level = encrypt\n"
      "smtpd_tls_auth_only = yes\n",
      self->cert_file, self->key_file);
  else
    g_string_append (c, "smtpd_tls_security_level = none\nsmtpd_tls_auth_only = no\n");
  return g_file_set_contents (path, c->str, (gssize) c->len, error);
}

static gboolean
write_postfix_master_cf (TernTestServers *self, GError **error)
{
  /* No chroot (column 5 = n). max_use=1 gives each SMTP session a fresh smtpd,
   * which re-reads virtual-mailboxes: users added while running can receive. */
  static const char daemons[] =
    "cleanup   unix  n - n -    0 cleanup\n"
    "qmgr      unix  n - n 300  1 qmgr\n"
    "tlsmgr    unix  - - n 1000? 1 tlsmgr\n"
    "rewrite   unix  - - n -    - trivial-rewrite\n"
    "bounce    unix  - - n -    0 bounce\n"
    "defer     unix  - - n -    0 bounce\n"
    "trace     unix  - - n -    0 bounce\n"
    "verify    unix  - - n -    1 verify\n"
    "flush     unix  n - n 1000? 0 flush\n"
    "proxymap  unix  - - n -    - proxymap\n"
    "smtp      unix  - - n -    - smtp\n"
    "showq     unix  n - n -    - showq\n"
    "error     unix  - - n -    - error\n"
    "retry     unix  - - n -    - error\n"
    "discard   unix  - - n -    - discard\n"
    "lmtp      unix  - - n -    - lmtp\n"
    "anvil     unix  - - n -    1 anvil\n"
    "scache    unix  - - n -    1 scache\n"
    "postlog   unix-dgram n - n - 1 postlogd\n";
  g_autoptr(GString) c = g_string_new ("# Written by the Tern test harness.\n");
  g_autofree char *path = tern_test_path (self, "postfix/master.cf");

  g_string_append_printf (c, "127.0.0.1:%u inet n - n - - smtpd -o max_use=1\n",
                          self->ports[TERN_TEST_SUBMISSION]);
  if (!self->opts.no_tls)
    g_string_append_printf (c,
      "127.0.0.1:%u inet n - n - - smtpd -o max_use=1 -o smtpd_tls_wrappermode=yes\n",
      self->ports[TERN_TEST_SMTPS]);
  g_string_append (c, daemons);
  return g_file_set_contents (path, c->str, (gssize) c->len, error);
}

gboolean
tern_test_write_postfix_conf (TernTestServers *self, GError **error)
{
  return write_postfix_main_cf (self, error) && write_postfix_master_cf (self, error) &&
         write_postfix_mailboxes (self, error);
}
