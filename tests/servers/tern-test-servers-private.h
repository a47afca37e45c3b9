/* tern-test-servers-private.h: shared between the harness's own files. */
#pragma once

#include <gio/gio.h>
#include <sys/types.h>

#include "tern-test-servers.h"

typedef struct {
  char *name;      /* as given: "alice" or "alice@example.org" */
  char *password;
} TernTestUser;

struct _TernTestServers {
  TernTestServersOptions opts;
  char *dir;
  const char *ca_file;
  const char *cert_file;
  const char *key_file;
  guint16 ports[TERN_TEST_N_SERVICES];
  gboolean is_root;
  uid_t mail_uid;           /* owner of the Maildirs */
  gid_t mail_gid;
  char *smtp_skip_reason;   /* non-NULL when Postfix cannot run */
  GPtrArray *users;         /* of TernTestUser */
  GSubprocess *dovecot;
  GSubprocess *postfix;
  guint seq;                /* unique part of seeded Maildir file names */
};

/* tern-test-server-config.c: write the servers' configuration files. */
gboolean tern_test_write_dovecot_conf (TernTestServers *self, GError **error);
gboolean tern_test_write_users (TernTestServers *self, GError **error);
gboolean tern_test_write_postfix_conf (TernTestServers *self, GError **error);
char *tern_test_user_home (TernTestServers *self, const char *user);
char *tern_test_path (TernTestServers *self, const char *name);
