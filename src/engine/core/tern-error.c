/* tern-error.c: the engine's error domain. */
#include "core/tern-error.h"

G_DEFINE_QUARK (tern-error-quark, tern_error)

const char *
tern_error_code_name (TernError code)
{
  static const char *const names[] = {
    [TERN_ERROR_FAILED] = "failed",
    [TERN_ERROR_AUTH] = "auth",
    [TERN_ERROR_HOST_NOT_FOUND] = "host-not-found",
    [TERN_ERROR_CONNECTION_REFUSED] = "connection-refused",
    [TERN_ERROR_TIMED_OUT] = "timed-out",
    [TERN_ERROR_CONNECTION_LOST] = "connection-lost",
    [TERN_ERROR_CERTIFICATE] = "certificate",
    [TERN_ERROR_NO_STARTTLS] = "no-starttls",
    [TERN_ERROR_ENCRYPTION_REQUIRED] = "encryption-required",
    [TERN_ERROR_PROTOCOL] = "protocol",
    [TERN_ERROR_UNSUPPORTED] = "unsupported",
    [TERN_ERROR_REJECTED] = "rejected",
    [TERN_ERROR_TOO_LARGE] = "too-large",
    [TERN_ERROR_NOT_FOUND] = "not-found",
    [TERN_ERROR_EXISTS] = "exists",
    [TERN_ERROR_INVALID] = "invalid",
    [TERN_ERROR_STORE] = "store",
    [TERN_ERROR_DISK_FULL] = "disk-full",
    [TERN_ERROR_CORRUPT] = "corrupt",
    [TERN_ERROR_OFFLINE] = "offline",
    [TERN_ERROR_SECRETS] = "secrets",
    [TERN_ERROR_MIME] = "mime",
    [TERN_ERROR_NEEDS_CONFIRMATION] = "needs-confirmation",
    [TERN_ERROR_WRONG_SECURITY] = "wrong-security",
    [TERN_ERROR_SIGN_IN_AGAIN] = "sign-in-again",
  };

  if ((guint) code < G_N_ELEMENTS (names) && names[code] != NULL)
    return names[code];
  return "failed";
}
