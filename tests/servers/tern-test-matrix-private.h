/* tern-test-matrix-private.h: shared by the matrix servers' files. */
#pragma once

#include <gio/gio.h>
#include <sys/types.h>

#include "tern-test-matrix.h"

struct _TernTestMailServer {
  TernTestServerKind kind;
  TernTestServers *dovecot;     /* Dovecot itself, or Postfix's / Exim's delivery target */
  char *dir;                    /* this server's own files */
  char *root;                   /* its unpacked packages (_build/mail-servers/<name>) */
  char *cert_file;              /* copies of the harness certificate, readable by @uid */
  char *key_file;
  const char *ca_file;
  guint16 ports[TERN_TEST_N_SERVICES];
  char **users;
  char *password;
  gboolean is_root;
  uid_t uid;                    /* the user that owns the mail ("mail" as root) */
  gid_t gid;
  char *user_name;              /* name of @uid */
  GSubprocess *proc;
};

/* One server program family: which services it runs, and how. */
typedef struct {
  const char *dir_name;         /* below _build/mail-servers/ */
  const char *probe;            /* a program below the root that must exist */
  const TernTestService *services;
  guint n_services;
  gboolean needs_root;
  gboolean needs_namespace;     /* runs in a private mount namespace (unshare -m) */
  const char *root_reason;      /* why it needs root, for the skip message */
  /* Write the configuration for the ports in self->ports (called again with
   * new ports when one was taken meanwhile). */
  gboolean (*configure) (TernTestMailServer *self, GError **error);
  /* The /bin/sh script that runs the server in the foreground (newly allocated). */
  char *(*script) (TernTestMailServer *self);
} TernTestMailDriver;

extern const TernTestMailDriver tern_test_cyrus_driver;
extern const TernTestMailDriver tern_test_courier_driver;
extern const TernTestMailDriver tern_test_mailutils_driver;
extern const TernTestMailDriver tern_test_exim_driver;

/* Helpers (tern-test-matrix.c). */
char *tern_test_mail_path (TernTestMailServer *self, const char *name);
/* Write @contents to @name below self->dir, mode @mode, owned by self->uid. */
gboolean tern_test_mail_write (TernTestMailServer *self, const char *name,
                               const char *contents, int mode, GError **error);
/* Make @name (and parents) below self->dir, owned by self->uid. */
gboolean tern_test_mail_mkdir (TernTestMailServer *self, const char *name, GError **error);
/* Make the Maildir @name (cur, new, tmp) below self->dir, owned by self->uid. */
gboolean tern_test_mail_make_maildir (TernTestMailServer *self, const char *name, GError **error);
/* A crypt(3) MD5 hash ("$1$") of @password (what Mailutils and Courier compare with). */
char *tern_test_mail_crypt (const char *password);
/* @s quoted for /bin/sh. */
char *tern_test_sh_quote (const char *s);
/* LD_LIBRARY_PATH for the unpacked libraries. */
char *tern_test_mail_lib_path (TernTestMailServer *self);
