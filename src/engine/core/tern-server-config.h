/* tern-server-config.h: where and how to reach one mail server.
 *
 * A plain view filled from an account just before connecting: every string
 * is borrowed from the caller and must outlive the call it is passed to.
 */
#pragma once

#include <glib.h>

#include "core/tern-types.h"

G_BEGIN_DECLS

/* Seconds a connection may stay silent before it counts as dead. */
#define TERN_SERVER_DEFAULT_TIMEOUT 60

typedef struct {
  const char  *host;           /* DNS name or IP literal */
  guint16      port;
  TernSecurity security;
  const char  *user;           /* NULL or "": connect without logging in (SMTP) */
  const char  *pinned_sha256;  /* certificate the user accepted, "AB:CD:..", or NULL */
  guint        timeout_seconds;/* 0 means TERN_SERVER_DEFAULT_TIMEOUT */
  gboolean     allow_plain;    /* must be TRUE for security NONE to send a password */
  gboolean     use_apop;       /* POP3: use APOP when the greeting offers it */
  gboolean     oauth2;         /* the "password" is an OAuth2 bearer token:
                                * OAUTHBEARER or XOAUTH2 instead of a login */
} TernServerConfig;

G_END_DECLS
