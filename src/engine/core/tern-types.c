/* tern-types.c: names and defaults for the shared enums. */
#include "core/tern-types.h"

static const char *const security_names[] = { "tls", "starttls", "none" };
static const char *const protocol_names[] = { "imap", "pop3", "local" };
static const char *const role_names[] = {
  "none", "inbox", "sent", "drafts", "trash", "junk", "archive", "outbox",
};

static gboolean
lookup_name (const char *const *names, guint n, const char *str, guint *out)
{
  for (guint i = 0; str != NULL && i < n; i++)
    if (g_ascii_strcasecmp (names[i], str) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

const char *
tern_security_to_string (TernSecurity security)
{
  g_return_val_if_fail ((guint) security < G_N_ELEMENTS (security_names), "tls");
  return security_names[security];
}

gboolean
tern_security_from_string (const char *str, TernSecurity *out)
{
  guint v;

  if (!lookup_name (security_names, G_N_ELEMENTS (security_names), str, &v))
    return FALSE;
  *out = v;
  return TRUE;
}

const char *
tern_protocol_to_string (TernProtocol protocol)
{
  g_return_val_if_fail ((guint) protocol < G_N_ELEMENTS (protocol_names), "imap");
  return protocol_names[protocol];
}

gboolean
tern_protocol_from_string (const char *str, TernProtocol *out)
{
  guint v;

  if (!lookup_name (protocol_names, G_N_ELEMENTS (protocol_names), str, &v))
    return FALSE;
  *out = v;
  return TRUE;
}

static const char *const sign_in_names[] = { "password", "oauth2", "goa" };

const char *
tern_sign_in_to_string (TernSignIn method)
{
  g_return_val_if_fail ((guint) method < G_N_ELEMENTS (sign_in_names), "password");
  return sign_in_names[method];
}

gboolean
tern_sign_in_from_string (const char *str, TernSignIn *out)
{
  guint v;

  if (!lookup_name (sign_in_names, G_N_ELEMENTS (sign_in_names), str, &v))
    return FALSE;
  *out = v;
  return TRUE;
}

const char *
tern_folder_role_to_string (TernFolderRole role)
{
  if ((guint) role >= G_N_ELEMENTS (role_names))
    return "none";
  return role_names[role];
}

TernFolderRole
tern_folder_role_from_string (const char *str)
{
  guint v;

  if (!lookup_name (role_names, G_N_ELEMENTS (role_names), str, &v))
    return TERN_FOLDER_ROLE_NONE;
  return v;
}

guint16
tern_default_port (const char *service, TernSecurity security)
{
  gboolean tls = security == TERN_SECURITY_TLS;

  if (g_ascii_strcasecmp (service, "imap") == 0)
    return tls ? 993 : 143;
  if (g_ascii_strcasecmp (service, "pop3") == 0)
    return tls ? 995 : 110;
  if (g_ascii_strcasecmp (service, "smtp") == 0)
    return tls ? 465 : 587;
  g_return_val_if_reached (0);
}
