/* tern-account-settings.h: the settings of one mail account.
 *
 * A plain boxed struct, stored by TernStore. It never holds a password:
 * secrets live in libsecret, keyed by the account name.
 */
#pragma once

#include <glib-object.h>
#include "core/tern-types.h"

G_BEGIN_DECLS

/* How Tern authenticates to the SMTP server. */
typedef enum {
  TERN_SMTP_AUTH_PASSWORD,   /* SASL PLAIN/LOGIN with the stored password */
  TERN_SMTP_AUTH_NONE,       /* no authentication (local relay) */
} TernSmtpAuth;

#define TERN_TYPE_ACCOUNT_SETTINGS (tern_account_settings_get_type ())

typedef struct {
  gint64 id;                       /* store id; 0 until added */
  char *name;                      /* unique, user-chosen ("Work") */
  char *display_name;              /* "Ada Lovelace" */
  char *email;                     /* "ada@example.org" */
  TernProtocol protocol;

  char *incoming_host;
  guint16 incoming_port;
  TernSecurity incoming_security;
  char *incoming_user;
  char *incoming_cert_sha256;      /* pinned certificate (hex), or NULL */

  char *smtp_host;
  guint16 smtp_port;
  TernSecurity smtp_security;
  char *smtp_user;
  TernSmtpAuth smtp_auth;
  char *smtp_cert_sha256;          /* pinned certificate (hex), or NULL */

  /* Password or OAuth2. For OAUTH2 @oauth2_provider names the provider
   * ("google", see oauth/tern-oauth-provider.h); for GOA it is the GNOME
   * Online Accounts account id. NULL for passwords. */
  TernSignIn sign_in;
  char *oauth2_provider;

  /* POP3 retention. */
  gboolean pop3_leave_on_server;
  guint pop3_delete_after_days;    /* 0: never (while leave_on_server) */
  gboolean pop3_delete_when_deleted_here;

  /* IMAP offline scope: bodies of the last N days; 0 means all mail. */
  guint offline_days;
} TernAccountSettings;

GType tern_account_settings_get_type (void) G_GNUC_CONST;

/* New settings with defaults: IMAP, TLS, default ports, leave on server. */
TernAccountSettings *tern_account_settings_new (void);
TernAccountSettings *tern_account_settings_copy (const TernAccountSettings *settings);
void tern_account_settings_free (TernAccountSettings *settings);

/* Checks the settings a store needs (name, protocol, ports); TERN_ERROR_INVALID. */
gboolean tern_account_settings_validate (const TernAccountSettings *settings, GError **error);

const char *tern_smtp_auth_to_string (TernSmtpAuth auth);
gboolean tern_smtp_auth_from_string (const char *str, TernSmtpAuth *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernAccountSettings, tern_account_settings_free)

G_END_DECLS
