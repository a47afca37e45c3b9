/* tern-autoconfig-deadline.c: per-request deadlines and error mapping for
 * the network steps of discovery. */
#include "tern-config.h"

#include <glib/gi18n-lib.h>

#include "autoconfig/tern-autoconfig-private.h"
#include "core/tern-error.h"

static void
on_parent_cancelled (GCancellable *parent, gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static gboolean
on_expired (gpointer user_data)
{
  TernDeadline *deadline = user_data;

  deadline->expired = TRUE;
  g_cancellable_cancel (deadline->cancellable);
  return G_SOURCE_REMOVE;
}

TernDeadline *
tern_deadline_new (GCancellable *parent, guint timeout_ms)
{
  TernDeadline *deadline = g_new0 (TernDeadline, 1);

  deadline->cancellable = g_cancellable_new ();
  if (parent != NULL)
    {
      deadline->parent = g_object_ref (parent);
      deadline->parent_handler = g_cancellable_connect (parent,
                                                        G_CALLBACK (on_parent_cancelled),
                                                        deadline->cancellable, NULL);
    }
  deadline->timer = g_timeout_source_new (timeout_ms);
  g_source_set_callback (deadline->timer, on_expired, deadline, NULL);
  g_source_set_static_name (deadline->timer, "[tern] discovery deadline");
  g_source_attach (deadline->timer, g_main_context_get_thread_default ());
  return deadline;
}

void
tern_deadline_free (TernDeadline *deadline)
{
  if (deadline == NULL)
    return;
  if (deadline->parent != NULL)
    {
      g_cancellable_disconnect (deadline->parent, deadline->parent_handler);
      g_object_unref (deadline->parent);
    }
  g_source_destroy (deadline->timer);
  g_source_unref (deadline->timer);
  g_object_unref (deadline->cancellable);
  g_free (deadline);
}

void
tern_deadline_fix_error (TernDeadline *deadline, GError **error, const char *what)
{
  if (error == NULL || *error == NULL)
    return;
  if (deadline->expired &&
      (deadline->parent == NULL || !g_cancellable_is_cancelled (deadline->parent)) &&
      g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (error);
      g_set_error (error, TERN_ERROR, TERN_ERROR_TIMED_OUT,
                   _("%s did not answer in time."), what);
      return;
    }
  tern_autoconfig_map_error (error, what);
}

void
tern_autoconfig_map_error (GError **error, const char *what)
{
  GError *e;
  TernError code = TERN_ERROR_FAILED;

  if (error == NULL || *error == NULL)
    return;
  e = *error;
  if (e->domain == TERN_ERROR || g_error_matches (e, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (e->domain == G_RESOLVER_ERROR)
    code = TERN_ERROR_HOST_NOT_FOUND;
  else if (g_error_matches (e, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    code = TERN_ERROR_CONNECTION_REFUSED;
  else if (g_error_matches (e, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    code = TERN_ERROR_TIMED_OUT;
  else if (g_error_matches (e, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND))
    code = TERN_ERROR_HOST_NOT_FOUND;
  else if (e->domain == G_TLS_ERROR && e->code == G_TLS_ERROR_BAD_CERTIFICATE)
    code = TERN_ERROR_CERTIFICATE;
  else if (e->domain == G_TLS_ERROR)
    code = TERN_ERROR_PROTOCOL;
  else if (g_error_matches (e, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
           g_error_matches (e, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
    code = TERN_ERROR_CONNECTION_LOST;

  *error = g_error_new (TERN_ERROR, code, "%s: %s", what, e->message);
  g_error_free (e);
}
