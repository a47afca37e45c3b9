/* tern-connection-test.h: "can Tern log in with these settings?"
 *
 * The wizard and the accounts dialog test an account's incoming and outgoing
 * servers before saving. Each test is one connect + login in a GTask thread
 * (the connect helpers block), then a polite logout. Failures are turned
 * into plain words that name the field to change.
 */
#pragma once

#include <gio/gio.h>

#include "core/tern-account-settings.h"
#include "net/tern-certificate-info.h"

G_BEGIN_DECLS

typedef enum {
  TERN_CONNECTION_INCOMING,  /* IMAP or POP3, per settings->protocol */
  TERN_CONNECTION_OUTGOING,  /* SMTP */
} TernConnectionSide;

/* The field a failure points at. */
typedef enum {
  TERN_CONNECTION_FIELD_NONE,
  TERN_CONNECTION_FIELD_HOST,
  TERN_CONNECTION_FIELD_PORT,
  TERN_CONNECTION_FIELD_SECURITY,
  TERN_CONNECTION_FIELD_USER,
  TERN_CONNECTION_FIELD_PASSWORD,
} TernConnectionField;

/* Tests one side of @settings (copied) with @password (copied; may be NULL
 * for an SMTP server without login). */
void tern_connection_test_async (const TernAccountSettings *settings,
                                 TernConnectionSide         side,
                                 const char                *password,
                                 GCancellable              *cancellable,
                                 GAsyncReadyCallback        callback,
                                 gpointer                   user_data);
/* TRUE when the login worked. On TERN_ERROR_CERTIFICATE, *cert_out (if
 * given) receives what the user needs to decide. */
gboolean tern_connection_test_finish (GAsyncResult         *result,
                                      TernCertificateInfo **cert_out,
                                      GError              **error);

/* One or two sentences for the user about @error, and the field to change. */
char *tern_connection_error_describe (const TernAccountSettings *settings,
                                      TernConnectionSide         side,
                                      const GError              *error,
                                      TernConnectionField       *field_out);

G_END_DECLS
