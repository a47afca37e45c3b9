/* tern-error.h: the engine's error domain.
 *
 * Every failure that can reach a user is a GError in TERN_ERROR with one of
 * these codes, so the UI and tern-cli can say in plain words what went wrong
 * and which field or server it concerns. Cancellation uses G_IO_ERROR_CANCELLED.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TERN_ERROR (tern_error_quark ())

typedef enum {
  TERN_ERROR_FAILED,               /* anything without a better name */
  TERN_ERROR_AUTH,                 /* server refused user name or password */
  TERN_ERROR_HOST_NOT_FOUND,       /* DNS could not resolve the host name */
  TERN_ERROR_CONNECTION_REFUSED,   /* nothing listens on that host and port */
  TERN_ERROR_TIMED_OUT,            /* the server stopped answering */
  TERN_ERROR_CONNECTION_LOST,      /* the connection dropped mid-command */
  TERN_ERROR_CERTIFICATE,          /* certificate not trusted; needs a decision */
  TERN_ERROR_NO_STARTTLS,          /* STARTTLS chosen but the server does not offer it */
  TERN_ERROR_ENCRYPTION_REQUIRED,  /* server refuses plain-text login */
  TERN_ERROR_PROTOCOL,             /* the server said something malformed */
  TERN_ERROR_UNSUPPORTED,          /* server lacks a needed feature (e.g. UIDL) */
  TERN_ERROR_REJECTED,             /* server rejected the request for good (SMTP 5xx) */
  TERN_ERROR_TOO_LARGE,            /* message larger than the server accepts */
  TERN_ERROR_NOT_FOUND,            /* no such account, folder or message */
  TERN_ERROR_EXISTS,               /* already there (account name taken) */
  TERN_ERROR_INVALID,              /* bad argument or setting from the user */
  TERN_ERROR_STORE,                /* the local database failed */
  TERN_ERROR_DISK_FULL,            /* no space left to store mail */
  TERN_ERROR_CORRUPT,              /* the local database is damaged; re-sync */
  TERN_ERROR_OFFLINE,              /* no network; the work waits */
  TERN_ERROR_SECRETS,              /* no password store available */
  TERN_ERROR_MIME,                 /* message could not be parsed or built */
  TERN_ERROR_NEEDS_CONFIRMATION,   /* the action destroys mail: ask the user first */
  TERN_ERROR_WRONG_SECURITY,       /* the security setting does not fit the port (TLS vs STARTTLS) */
  TERN_ERROR_SIGN_IN_AGAIN,        /* OAuth2 token expired or revoked: sign in again */
} TernError;

GQuark tern_error_quark (void);

/* A short stable name for a code ("auth", "certificate", ...), for logs and
 * tern-cli's machine-readable output. */
const char *tern_error_code_name (TernError code);

G_END_DECLS
