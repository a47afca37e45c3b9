/* tern-connection-test.c: one connect + login in a thread, plain-words errors. */
#include <glib/gi18n.h>
#include <string.h>

#include "account/tern-account-connect.h"
#include "tern-connection-test.h"
#include "core/tern-error.h"

/* A test should not hang the wizard for a minute on a silent server. */
#define TEST_TIMEOUT_SECONDS 20

typedef struct {
  TernAccountSettings *settings;
  TernConnectionSide side;
  char *password;
  TernCertificateInfo *cert;
} TestData;

static void
test_data_free (TestData *data)
{
  tern_account_settings_free (data->settings);
  if (data->password != NULL)
    {
      memset (data->password, 0, strlen (data->password));
      g_free (data->password);
    }
  g_clear_pointer (&data->cert, tern_certificate_info_free);
  g_free (data);
}

static void
test_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  TestData *data = task_data;
  GError *error = NULL;
  gboolean ok;

  ok = tern_account_test_login (data->settings, data->side != TERN_CONNECTION_INCOMING,
                                data->password, TEST_TIMEOUT_SECONDS, cancellable,
                                &data->cert, &error);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
tern_connection_test_async (const TernAccountSettings *settings,
                            TernConnectionSide         side,
                            const char                *password,
                            GCancellable              *cancellable,
                            GAsyncReadyCallback        callback,
                            gpointer                   user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  TestData *data = g_new0 (TestData, 1);

  data->settings = tern_account_settings_copy (settings);
  data->side = side;
  data->password = g_strdup (password);
  g_task_set_source_tag (task, tern_connection_test_async);
  g_task_set_task_data (task, data, (GDestroyNotify) test_data_free);
  g_task_run_in_thread (task, test_thread);
}

gboolean
tern_connection_test_finish (GAsyncResult         *result,
                             TernCertificateInfo **cert_out,
                             GError              **error)
{
  GTask *task = G_TASK (result);
  TestData *data = g_task_get_task_data (task);

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  if (cert_out != NULL && data->cert != NULL)
    *cert_out = tern_certificate_info_copy (data->cert);
  return g_task_propagate_boolean (task, error);
}

char *
tern_connection_error_describe (const TernAccountSettings *settings,
                                TernConnectionSide         side,
                                const GError              *error,
                                TernConnectionField       *field_out)
{
  gboolean in = side == TERN_CONNECTION_INCOMING;
  const char *host = in ? settings->incoming_host : settings->smtp_host;
  guint port = in ? settings->incoming_port : settings->smtp_port;
  TernConnectionField field = TERN_CONNECTION_FIELD_NONE;
  char *text;

  if (error->domain != TERN_ERROR)
    text = g_strdup (error->message);
  else
    switch ((TernError) error->code)
      {
      case TERN_ERROR_AUTH:
        field = TERN_CONNECTION_FIELD_PASSWORD;
        text = g_strdup_printf (_("The server did not accept the user name or the password. "
                                  "Check your password (capital letters count) and the user name."));
        break;
      case TERN_ERROR_SIGN_IN_AGAIN:
        field = TERN_CONNECTION_FIELD_PASSWORD;
        text = g_strdup_printf (_("The server %s did not accept your sign-in: it expired or was "
                                  "revoked. Sign in again."), host);
        break;
      case TERN_ERROR_HOST_NOT_FOUND:
        field = TERN_CONNECTION_FIELD_HOST;
        text = g_strdup_printf (_("There is no server called “%s”. Check the server name for typing "
                                  "mistakes."), host);
        break;
      case TERN_ERROR_CONNECTION_REFUSED:
        field = TERN_CONNECTION_FIELD_PORT;
        text = g_strdup_printf (_("The server %s refused the connection on port %u. Check the port "
                                  "and the security setting."), host, port);
        break;
      case TERN_ERROR_TIMED_OUT:
        field = TERN_CONNECTION_FIELD_PORT;
        text = g_strdup_printf (_("The server %s did not answer on port %u. Check the server name, "
                                  "the port and your internet connection."), host, port);
        break;
      case TERN_ERROR_NO_STARTTLS:
        field = TERN_CONNECTION_FIELD_SECURITY;
        text = g_strdup_printf (_("The server %s does not offer to encrypt the connection "
                                  "(STARTTLS). Choose another security setting."), host);
        break;
      case TERN_ERROR_ENCRYPTION_REQUIRED:
        field = TERN_CONNECTION_FIELD_SECURITY;
        text = g_strdup_printf (_("The server %s only accepts encrypted connections. Choose an "
                                  "encrypted security setting."), host);
        break;
      case TERN_ERROR_WRONG_SECURITY:
        /* The engine's words name the setting and the usual port. */
        field = TERN_CONNECTION_FIELD_SECURITY;
        text = g_strdup (error->message);
        break;
      case TERN_ERROR_CERTIFICATE:
        field = TERN_CONNECTION_FIELD_SECURITY;
        text = g_strdup_printf (_("The identity of %s could not be confirmed: its certificate is "
                                  "not trusted."), host);
        break;
      default:
        text = g_strdup (error->message);
        break;
      }
  if (field_out != NULL)
    *field_out = field;
  return text;
}
