/* tern-message-download.c: see the header. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <signal.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "account/tern-sync-client.h"
#include "core/tern-error.h"
#include "tern-message-download.h"

typedef struct {
  GSubprocess *process;
  GDataInputStream *out;
  char *part;
  char *dest;
  gboolean done;                     /* the helper said "done" */
  GError *helper_error;              /* the helper said "error ..." */
  TernMessageDownloadProgress progress;
  gpointer progress_data;
  GCancellable *cancellable;
  gulong cancel_id;
} Download;

static void
download_free (Download *d)
{
  if (d->cancel_id != 0)
    g_cancellable_disconnect (d->cancellable, d->cancel_id);
  g_clear_object (&d->cancellable);
  g_clear_object (&d->out);
  g_clear_object (&d->process);
  g_clear_error (&d->helper_error);
  g_free (d->part);
  g_free (d->dest);
  g_free (d);
}

static void
on_cancelled (GCancellable *cancellable, gpointer data)
{
  Download *d = data;

  if (d->process != NULL)
    g_subprocess_send_signal (d->process, SIGTERM);
}

/* One line of the helper's report. */
static void
parse_line (Download *d, const char *line)
{
  guint64 done = 0, total = 0;

  if (g_str_has_prefix (line, "progress ") &&
      sscanf (line + 9, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &done, &total) == 2)
    {
      if (d->progress != NULL && !g_cancellable_is_cancelled (d->cancellable))
        d->progress (done, total, d->progress_data);
    }
  else if (g_str_equal (line, "done"))
    d->done = TRUE;
  else if (g_str_has_prefix (line, "error ") && d->helper_error == NULL)
    {
      char *end = NULL;
      gint64 code = g_ascii_strtoll (line + 6, &end, 10);

      d->helper_error = g_error_new_literal (TERN_ERROR, (int) code,
                                             end != NULL && *end == ' ' ? end + 1 : line + 6);
    }
}

static void
on_exited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  g_subprocess_wait_finish (d->process, result, NULL);
  if (g_cancellable_is_cancelled (d->cancellable))
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The download was cancelled."));
  else if (d->helper_error != NULL)
    error = g_steal_pointer (&d->helper_error);
  else if (!d->done || !g_subprocess_get_if_exited (d->process) ||
           g_subprocess_get_exit_status (d->process) != 0)
    g_set_error_literal (&error, TERN_ERROR, TERN_ERROR_FAILED,
                         _("The download stopped before the end. Try again."));
  else if (g_rename (d->part, d->dest) != 0)
    g_set_error (&error, TERN_ERROR, TERN_ERROR_STORE, _("The file could not be saved as %s: %s."),
                 d->dest, g_strerror (errno));
  if (error != NULL)
    {
      g_unlink (d->part);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_line (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *d = g_task_get_task_data (task);
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (d->out, result, NULL, NULL);

  if (line == NULL)
    {
      /* End of its output: the helper is ending. */
      g_subprocess_wait_async (d->process, NULL, on_exited, g_steal_pointer (&task));
      return;
    }
  parse_line (d, line);
  g_data_input_stream_read_line_async (d->out, G_PRIORITY_DEFAULT, NULL, on_line,
                                       g_steal_pointer (&task));
}

void
tern_message_download_async (TernMailContext *context, gint64 message_id, GFile *dest,
                             TernMessageDownloadProgress progress, gpointer progress_data,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(TernMessageSummary) msg = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *helper = tern_sync_client_find_helper ();
  g_autofree char *account = NULL, *id = NULL;
  Download *d = g_new0 (Download, 1);
  int fd;

  g_task_set_source_tag (task, tern_message_download_async);
  g_task_set_task_data (task, d, (GDestroyNotify) download_free);
  d->dest = g_file_get_path (dest);
  d->part = g_strconcat (d->dest, ".part", NULL);
  d->progress = progress;
  d->progress_data = progress_data;
  d->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  msg = tern_store_get_message (tern_mail_context_get_store (context), message_id, &error);
  if (msg == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  fd = g_open (d->part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      g_task_return_new_error (task, TERN_ERROR, TERN_ERROR_STORE, _("%s cannot be written: %s."),
                               d->part, g_strerror (errno));
      return;
    }
  account = g_strdup_printf ("%" G_GINT64_FORMAT, msg->account_id);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, message_id);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_take_fd (launcher, fd, 3);
  d->process = g_subprocess_launcher_spawn (launcher, &error, helper, "--data-dir",
                                            tern_mail_context_get_data_dir (context), "--account",
                                            account, "--download", id, "--output-fd", "3", NULL);
  if (d->process == NULL)
    {
      g_unlink (d->part);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  d->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (d->process));
  d->cancel_id = g_cancellable_connect (d->cancellable, G_CALLBACK (on_cancelled), d, NULL);
  g_data_input_stream_read_line_async (d->out, G_PRIORITY_DEFAULT, NULL, on_line,
                                       g_steal_pointer (&task));
}

gboolean
tern_message_download_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
