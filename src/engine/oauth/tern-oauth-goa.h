/* tern-oauth-goa.h: OAuth2 tokens from GNOME Online Accounts (libgoa).
 *
 * Where the user already added a Google or Microsoft account in Settings,
 * Tern uses it: it lists GOA's accounts that offer mail over OAuth2 and,
 * like Geary, asks GOA for an access token each time it connects
 * (GOA refreshes it; Tern never stores it). Blocking: worker threads and
 * the CLI. Without a GOA service on the session bus every call fails with
 * TERN_ERROR_UNSUPPORTED.
 */
#pragma once

#include <gio/gio.h>

#include "core/tern-types.h"

G_BEGIN_DECLS

typedef struct {
  char *id;             /* GOA's account id, stored as the account's oauth2_provider */
  char *provider_name;  /* "Google" */
  char *email;
  char *imap_host;      /* may be NULL when GOA does not offer IMAP */
  guint16 imap_port;    /* from "host:port", else the default for the security */
  char *imap_user;
  TernSecurity imap_security;
  char *smtp_host;
  guint16 smtp_port;
  char *smtp_user;
  TernSecurity smtp_security;
} TernOAuthGoaAccount;

void tern_oauth_goa_account_free (TernOAuthGoaAccount *account);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernOAuthGoaAccount, tern_oauth_goa_account_free)

/* GOA's accounts with mail and OAuth2 ("Use your Google account alice@gmail.com
 * from Settings"), as TernOAuthGoaAccount. */
GPtrArray *tern_oauth_goa_list_mail_accounts (GCancellable *cancellable, GError **error);

/* A fresh access token of GOA account @id, and its lifetime in seconds.
 * TERN_ERROR_SIGN_IN_AGAIN when GOA says the account needs attention
 * (sign in again in Settings). */
char *tern_oauth_goa_access_token (const char *id, gint *expires_in,
                                   GCancellable *cancellable, GError **error);

G_END_DECLS
