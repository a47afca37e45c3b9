/* tern-types.h: small enums shared across the engine. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How the connection to a server is protected. */
typedef enum {
  TERN_SECURITY_TLS,       /* implicit TLS from the first byte (993, 995, 465) */
  TERN_SECURITY_STARTTLS,  /* plain connect, then STARTTLS/STLS; never falls back */
  TERN_SECURITY_NONE,      /* plain text; only when the user chose it explicitly */
} TernSecurity;

/* How incoming mail is read. */
typedef enum {
  TERN_PROTOCOL_IMAP,
  TERN_PROTOCOL_POP3,
  TERN_PROTOCOL_LOCAL,     /* "On this computer": folders with no server */
} TernProtocol;

/* How Tern proves who the user is to the account's servers. */
typedef enum {
  TERN_SIGN_IN_PASSWORD,  /* a password from TernSecrets */
  TERN_SIGN_IN_OAUTH2,    /* an OAuth2 bearer token from Tern's own sign-in (browser) */
  TERN_SIGN_IN_GOA,       /* an OAuth2 bearer token from GNOME Online Accounts */
} TernSignIn;

/* Special-use roles of folders (RFC 6154), plus the inbox. */
typedef enum {
  TERN_FOLDER_ROLE_NONE,
  TERN_FOLDER_ROLE_INBOX,
  TERN_FOLDER_ROLE_SENT,
  TERN_FOLDER_ROLE_DRAFTS,
  TERN_FOLDER_ROLE_TRASH,
  TERN_FOLDER_ROLE_JUNK,
  TERN_FOLDER_ROLE_ARCHIVE,
  TERN_FOLDER_ROLE_OUTBOX,   /* local only */
} TernFolderRole;

/* Message flags, as a bit set (stored as an integer). */
typedef enum {
  TERN_FLAG_SEEN     = 1 << 0,
  TERN_FLAG_ANSWERED = 1 << 1,
  TERN_FLAG_FLAGGED  = 1 << 2,
  TERN_FLAG_DELETED  = 1 << 3,
  TERN_FLAG_DRAFT    = 1 << 4,
  TERN_FLAG_FORWARDED = 1 << 5,  /* $Forwarded keyword */
  TERN_FLAG_JUNK     = 1 << 6,   /* $Junk keyword */
} TernFlags;

const char *tern_security_to_string (TernSecurity security);
gboolean tern_security_from_string (const char *str, TernSecurity *out);
const char *tern_protocol_to_string (TernProtocol protocol);
gboolean tern_protocol_from_string (const char *str, TernProtocol *out);
const char *tern_sign_in_to_string (TernSignIn method);
gboolean tern_sign_in_from_string (const char *str, TernSignIn *out);
const char *tern_folder_role_to_string (TernFolderRole role);
TernFolderRole tern_folder_role_from_string (const char *str);

/* Default ports by protocol and security: IMAP 993/143, POP3 995/110,
 * SMTP 465/587 (RFC 8314 prefers implicit TLS). */
guint16 tern_default_port (const char *service, TernSecurity security);

G_END_DECLS
