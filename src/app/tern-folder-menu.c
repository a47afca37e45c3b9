/* tern-folder-menu.c: the sidebar's context menu of a folder (see the header). */
#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "account/tern-local-archive.h"
#include "account/tern-local-folders.h"
#include "tern-folder-menu.h"

struct _TernFolderMenu
{
  GObject parent_instance;
  TernFolderSidebar *sidebar;     /* owns us */
  TernMailContext *context;
  GtkWindow *window;              /* weak */
  GSimpleActionGroup *actions;
  gint64 folder_id;               /* target; 0: the "On this computer" row */
  gboolean is_local;
};

G_DEFINE_FINAL_TYPE (TernFolderMenu, tern_folder_menu, G_TYPE_OBJECT)

/* ---- progress, shared with the thread doing the work ------------------------ */

/* Counters the work updates and a main-loop timer shows: no GTK object is
 * touched, or kept alive, off the main thread. */
typedef struct {
  GMutex lock;
  guint done, total;
  guint64 bytes_done, bytes_total;
} Progress;

static void
progress_clear (gpointer data)
{
  g_mutex_clear (&((Progress *) data)->lock);
}

static Progress *
progress_new (void)
{
  Progress *p = g_atomic_rc_box_new0 (Progress);

  g_mutex_init (&p->lock);
  return p;
}

static void
progress_unref (Progress *p)
{
  g_atomic_rc_box_release_full (p, progress_clear);
}

static void
progress_set (Progress *p, guint done, guint total, guint64 bytes_done, guint64 bytes_total)
{
  g_mutex_lock (&p->lock);
  p->done = done;
  p->total = total;
  p->bytes_done = bytes_done;
  p->bytes_total = bytes_total;
  g_mutex_unlock (&p->lock);
}

/* What the main loop needs to show and finish one piece of work. */
typedef struct {
  TernFolderMenu *menu;
  TernTransferDialog *dialog;   /* weak pointer: the user may close it */
  Progress *progress;
  guint timer;
  const char *verb;             /* "Exported", for the progress line */
  char *note;                   /* instead of it while bodies download */
} Watch;

static gboolean
show_progress (gpointer data)
{
  Watch *w = data;
  g_autofree char *text = NULL;
  double fraction;

  if (w->dialog == NULL)
    return G_SOURCE_CONTINUE;
  g_mutex_lock (&w->progress->lock);
  fraction = w->progress->total > 0 ? (double) w->progress->done / w->progress->total
             : w->progress->bytes_total > 0
               ? (double) w->progress->bytes_done / (double) w->progress->bytes_total : -1;
  text = w->note != NULL ? g_strdup (w->note)
         : g_strdup_printf (ngettext ("%s %u message…", "%s %u messages…", w->progress->done),
                            w->verb, w->progress->done);
  g_mutex_unlock (&w->progress->lock);
  if (w->note != NULL)
    fraction = -1;
  tern_transfer_dialog_set_progress (w->dialog, fraction, text);
  return G_SOURCE_CONTINUE;
}

static Watch *
watch_new (TernFolderMenu *self, const char *heading, const char *verb)
{
  Watch *w = g_new0 (Watch, 1);

  w->menu = g_object_ref (self);
  w->dialog = tern_transfer_dialog_new (self->window, heading);
  g_object_add_weak_pointer (G_OBJECT (w->dialog), (gpointer *) &w->dialog);
  w->progress = progress_new ();
  w->verb = verb;
  w->timer = g_timeout_add (200, show_progress, w);
  gtk_widget_show (GTK_WIDGET (w->dialog));
  return w;
}

/* The end of the work: its summary in the dialog, the sidebar reloaded. */
static void
watch_finish (Watch *w, const char *summary, const GError *error, gint64 changed_account)
{
  g_source_remove (w->timer);
  if (w->dialog != NULL)
    {
      tern_transfer_dialog_finish (w->dialog, summary, error);
      g_object_remove_weak_pointer (G_OBJECT (w->dialog), (gpointer *) &w->dialog);
    }
  if (changed_account >= 0)
    g_signal_emit_by_name (w->menu->context, "folders-changed", changed_account);
  progress_unref (w->progress);
  g_object_unref (w->menu);
  g_free (w->note);
  g_free (w);
}

static GCancellable *
watch_cancellable (Watch *w)
{
  return tern_transfer_dialog_get_cancellable (w->dialog);
}

/* ---- export: a thread with its own read-only store ------------------------------ */

typedef struct {
  char *data_dir;
  gint64 folder_id;
  TernArchiveFormat format;
  char *path;
  Progress *progress;
  TernArchiveResult result;
} ExportJob;

static void
export_job_free (gpointer data)
{
  ExportJob *job = data;

  g_free (job->data_dir);
  g_free (job->path);
  progress_unref (job->progress);
  g_free (job);
}

static void
archive_progress (const TernArchiveProgress *p, gpointer data)
{
  progress_set (data, p->done, p->total, p->bytes_done, p->bytes_total);
}

static void
export_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ExportJob *job = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStore) store = tern_store_open (job->data_dir, TERN_STORE_OPEN_READ_ONLY, &error);

  if (store == NULL ||
      !tern_archive_export_folder (store, job->folder_id, job->format, job->path,
                                   archive_progress, job->progress, cancellable, &job->result,
                                   &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
export_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Watch *w = data;
  ExportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) summary = g_string_new (NULL);

  g_task_propagate_boolean (G_TASK (result), &error);
  g_string_printf (summary, ngettext ("Exported %u message to %s.", "Exported %u messages to %s.",
                                      job->result.exported), job->result.exported, job->path);
  if (job->result.not_downloaded > 0)
    g_string_append_printf (summary, " ");
  if (job->result.not_downloaded > 0)
    g_string_append_printf (summary,
        ngettext ("%u message was left out: only its headers are on this computer.",
                  "%u messages were left out: only their headers are on this computer.",
                  job->result.not_downloaded), job->result.not_downloaded);
  watch_finish (w, summary->str, error, -1);
}

TernTransferDialog *
tern_folder_menu_export (TernFolderMenu *self, gint64 folder_id, TernArchiveFormat format,
                         const char *path)
{
  Watch *w = watch_new (self, _("Exporting the folder"), _("Exported"));
  ExportJob *job = g_new0 (ExportJob, 1);
  g_autoptr(GTask) task = g_task_new (NULL, watch_cancellable (w), export_done, w);
  TernTransferDialog *dialog = w->dialog;

  job->data_dir = g_strdup (tern_mail_context_get_data_dir (self->context));
  job->folder_id = folder_id;
  job->format = format;
  job->path = g_strdup (path);
  job->progress = g_atomic_rc_box_acquire (w->progress);
  g_task_set_task_data (task, job, export_job_free);
  g_task_run_in_thread (task, export_thread);
  return dialog;
}

/* ---- import and archive: the store's writer thread --------------------------------- */

typedef struct {
  gint64 folder_id;
  GStrv paths;                  /* import */
  char *local_path;             /* archive: the folder on this computer */
  gint64 account_id;            /* archive: a whole account (folder_id 0) */
  guint expected;               /* archive: the count the user confirmed */
  gint64 before;
  gboolean remove;
  GCancellable *cancellable;
  Progress *progress;
  TernArchiveResult imported;
  TernLocalArchiveResult archived;
  gint64 source_account;
  gint64 local_account;
  GArray *missing;              /* archive: bodies still on the server */
  GError *download_error;       /* archive: why some of them stayed there */
} WriteJob;

static void
write_job_free (gpointer data)
{
  WriteJob *job = data;

  g_strfreev (job->paths);
  g_free (job->local_path);
  g_clear_object (&job->cancellable);
  g_clear_pointer (&job->missing, g_array_unref);
  g_clear_error (&job->download_error);
  progress_unref (job->progress);
  g_free (job);
}

typedef struct {
  Watch *watch;
  WriteJob *job;                /* valid until the callback returns */
  TernStoreExecutor *executor;
} WriteFinish;

static gboolean
import_job (TernStore *store, gpointer data, GError **error)
{
  WriteJob *job = data;
  g_autoptr(TernFolder) folder = tern_store_get_folder (store, job->folder_id, error);

  if (folder == NULL)
    return FALSE;
  job->source_account = folder->account_id;
  for (guint i = 0; job->paths[i] != NULL; i++)
    {
      TernArchiveResult one;
      gboolean ok = tern_archive_import (store, job->folder_id, job->paths[i], archive_progress,
                                         job->progress, job->cancellable, &one, error);

      job->imported.imported += one.imported;
      job->imported.duplicates += one.duplicates;
      job->imported.too_large += one.too_large;
      job->imported.unreadable += one.unreadable;
      job->imported.truncated |= one.truncated;
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static void
import_done (GObject *source, GAsyncResult *result, gpointer data)
{
  WriteFinish *f = data;
  WriteJob *job = f->job;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) s = g_string_new (NULL);

  tern_store_executor_run_finish (f->executor, result, &error);
  g_string_printf (s, ngettext ("Imported %u message.", "Imported %u messages.",
                                job->imported.imported), job->imported.imported);
  if (job->imported.duplicates > 0)
    g_string_append_printf (s, _(" %u were already in the folder and were skipped."),
                            job->imported.duplicates);
  if (job->imported.too_large + job->imported.unreadable > 0)
    g_string_append_printf (s, _(" %u could not be read or were too large."),
                            job->imported.too_large + job->imported.unreadable);
  if (job->imported.truncated)
    g_string_append (s, _(" A file ended in the middle of a message; what was there was kept."));
  if (job->source_account != 0)
    tern_mail_context_push_changes (f->watch->menu->context, job->source_account);
  watch_finish (f->watch, s->str, error, job->source_account);
  g_object_unref (f->executor);
  g_free (f);
}

static void
archive_counts (const TernLocalArchiveResult *r, gpointer data)
{
  WriteJob *job = data;

  progress_set (job->progress, r->archived + r->already_there + r->not_downloaded,
                job->expected, 0, 0);
}

static gboolean
archive_job (TernStore *store, gpointer data, GError **error)
{
  WriteJob *job = data;
  g_autoptr(TernFolder) folder = tern_store_get_folder (store, job->folder_id, error);
  g_autoptr(TernAccountSettings) local = NULL;
  g_autoptr(TernFolder) dest = NULL;

  if (folder == NULL || (local = tern_store_get_local_account (store, TRUE, error)) == NULL)
    return FALSE;
  job->source_account = folder->account_id;
  job->local_account = local->id;
  dest = tern_store_get_folder_by_path (store, local->id, job->local_path, NULL);
  if (dest == NULL && (dest = tern_local_folder_create (store, job->local_path, error)) == NULL)
    return FALSE;
  return tern_local_archive (store, job->folder_id, dest->id, job->before, job->remove,
                             archive_counts, job, job->cancellable, &job->archived, error);
}

static gboolean
archive_account_job (TernStore *store, gpointer data, GError **error)
{
  WriteJob *job = data;
  g_autoptr(TernAccountSettings) local = tern_store_get_local_account (store, TRUE, error);

  if (local == NULL)
    return FALSE;
  job->source_account = job->account_id;
  job->local_account = local->id;
  return tern_local_archive_account (store, job->account_id, job->local_path, job->before,
                                     job->remove, archive_counts, job, job->cancellable,
                                     &job->archived, error);
}

static void
archive_done (GObject *source, GAsyncResult *result, gpointer data)
{
  WriteFinish *f = data;
  WriteJob *job = f->job;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *size = g_format_size (job->archived.bytes);

  tern_store_executor_run_finish (f->executor, result, &error);
  g_string_printf (s, _("Archived %u of %u messages (%s) to “%s” on this computer."),
                   job->archived.archived, job->archived.total, size, job->local_path);
  if (job->archived.already_there > 0)
    g_string_append_printf (s, _(" %u were there already."), job->archived.already_there);
  if (job->archived.not_downloaded > 0 && job->download_error != NULL)
    g_string_append_printf (s, ngettext (" %u message stayed on the server: incoming mail "
                                         "could not download it. %s Archive again once the "
                                         "account is back online.",
                                         " %u messages stayed on the server: incoming mail "
                                         "could not download them. %s Archive again once the "
                                         "account is back online.",
                                         job->archived.not_downloaded),
                            job->archived.not_downloaded, job->download_error->message);
  else if (job->archived.not_downloaded > 0)
    g_string_append_printf (s, _(" %u were left on the server: only their headers are on "
                                 "this computer."), job->archived.not_downloaded);
  if (job->remove)
    {
      if (job->archived.archived > 0)
        g_string_append (s, _(" They are deleted on the server now that they are safe here."));
      tern_mail_context_push_changes (f->watch->menu->context, job->source_account);
    }
  if (job->folder_id != 0)
    g_signal_emit_by_name (f->watch->menu->context, "folder-changed", job->source_account,
                           job->folder_id);
  else
    g_signal_emit_by_name (f->watch->menu->context, "folders-changed", job->source_account);
  watch_finish (f->watch, s->str, error, job->local_account);
  g_object_unref (f->executor);
  g_free (f);
}

static WriteFinish *
write_new (TernFolderMenu *self, WriteJob *job, const char *heading, const char *verb)
{
  Watch *w = watch_new (self, heading, verb);
  WriteFinish *f = g_new0 (WriteFinish, 1);

  job->cancellable = g_object_ref (watch_cancellable (w));
  job->progress = g_atomic_rc_box_acquire (w->progress);
  f->watch = w;
  f->job = job;
  f->executor = g_object_ref (tern_mail_context_get_executor (self->context));
  return f;
}

static TernTransferDialog *
run_write (TernFolderMenu *self, WriteJob *job, TernStoreJobFunc func, GAsyncReadyCallback done,
           const char *heading, const char *verb)
{
  WriteFinish *f = write_new (self, job, heading, verb);
  TernTransferDialog *dialog = f->watch->dialog;

  tern_store_executor_run_async (f->executor, func, job, write_job_free, NULL, done, f);
  return dialog;
}

/* ---- archive: bodies still on the server are downloaded first --------------------- */

/* Which of the messages to archive have only their headers here (the
 * engine's rule, as for tern-cli archive). */
static gboolean
archive_list_job (TernStore *store, gpointer data, GError **error)
{
  WriteJob *job = data;
  g_autoptr(TernFolder) folder = NULL;

  if (job->folder_id == 0)
    {
      job->source_account = job->account_id;
      job->missing = tern_local_archive_account_to_download (store, job->account_id,
                                                             job->before, error);
    }
  else if ((folder = tern_store_get_folder (store, job->folder_id, error)) != NULL)
    {
      job->source_account = folder->account_id;
      job->missing = tern_local_archive_to_download (store, job->folder_id, job->before, error);
    }
  return job->missing != NULL;
}

static void
archive_stop (WriteFinish *f, const GError *error)
{
  watch_finish (f->watch, _("Nothing was archived."), error, -1);
  write_job_free (f->job);
  g_object_unref (f->executor);
  g_free (f);
}

static void
archive_run (WriteFinish *f)
{
  g_clear_pointer (&f->watch->note, g_free);
  tern_store_executor_run_async (f->executor,
                                 f->job->folder_id != 0 ? archive_job : archive_account_job,
                                 f->job, write_job_free, NULL, archive_done, f);
}

static void
archive_fetched (GObject *source, GAsyncResult *result, gpointer data)
{
  WriteFinish *f = data;
  g_autoptr(GError) error = NULL;
  TernBodiesFetched got;

  if (!tern_mail_context_fetch_bodies_finish (TERN_MAIL_CONTEXT (source), result, &got, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          archive_stop (f, error);
          return;
        }
      /* Offline or refused: what is here is archived all the same. */
      f->job->download_error = error != NULL ? g_steal_pointer (&error) : got.error;
    }
  archive_run (f);
}

static void
archive_listed (GObject *source, GAsyncResult *result, gpointer data)
{
  WriteFinish *f = data;
  WriteJob *job = f->job;
  g_autoptr(GError) error = NULL;

  if (!tern_store_executor_run_finish (f->executor, result, &error))
    {
      archive_stop (f, error);
      return;
    }
  if (job->missing->len == 0)
    {
      archive_run (f);
      return;
    }
  f->watch->note = g_strdup_printf (ngettext ("Downloading %u message from the server…",
                                              "Downloading %u messages from the server…",
                                              job->missing->len), job->missing->len);
  tern_mail_context_fetch_bodies_async (f->watch->menu->context, job->source_account,
                                        job->missing, job->cancellable, archive_fetched, f);
}

static TernTransferDialog *
run_archive (TernFolderMenu *self, WriteJob *job)
{
  WriteFinish *f = write_new (self, job, _("Archiving to this computer"), _("Archived"));
  TernTransferDialog *dialog = f->watch->dialog;

  tern_store_executor_run_async (f->executor, archive_list_job, job, NULL, NULL, archive_listed,
                                 f);
  return dialog;
}

TernTransferDialog *
tern_folder_menu_import (TernFolderMenu *self, gint64 folder_id, const char *const *paths)
{
  WriteJob *job = g_new0 (WriteJob, 1);

  job->folder_id = folder_id;
  job->paths = g_strdupv ((char **) paths);
  return run_write (self, job, import_job, import_done, _("Importing mail"), _("Imported"));
}

TernTransferDialog *
tern_folder_menu_archive (TernFolderMenu *self, gint64 folder_id, const char *local_path,
                          gint64 before, gboolean remove)
{
  WriteJob *job = g_new0 (WriteJob, 1);

  job->folder_id = folder_id;
  job->local_path = g_strdup (local_path);
  job->before = before;
  job->remove = remove;
  return run_archive (self, job);
}

TernTransferDialog *
tern_folder_menu_archive_account (TernFolderMenu *self, gint64 account_id, gint64 before,
                                  gboolean remove)
{
  TernStore *store = tern_mail_context_get_store (self->context);
  g_autoptr(TernAccountSettings) account = tern_store_get_account (store, account_id, NULL);
  TernLocalArchiveResult count = { 0 };
  WriteJob *job;

  if (account == NULL)
    return NULL;
  job = g_new0 (WriteJob, 1);
  job->account_id = account_id;
  job->local_path = tern_local_archive_default_root (account);
  job->before = before;
  job->remove = remove;
  /* For the bar: the count the user just saw (a quick query). */
  if (tern_local_archive_account_count (store, account_id, before, &count, NULL))
    job->expected = count.total;
  return run_archive (self, job);
}

/* ---- local folders ------------------------------------------------------------ */

typedef struct {
  char *path;
  gint64 folder_id;
  enum { LOCAL_CREATE, LOCAL_RENAME, LOCAL_DELETE } op;
} LocalJob;

static void
local_job_free (gpointer data)
{
  LocalJob *job = data;

  g_free (job->path);
  g_free (job);
}

static gboolean
local_job (TernStore *store, gpointer data, GError **error)
{
  LocalJob *job = data;
  g_autoptr(TernFolder) made = NULL;

  switch (job->op)
    {
    case LOCAL_CREATE:
      made = tern_local_folder_create (store, job->path, error);
      return made != NULL;
    case LOCAL_RENAME:
      return tern_local_folder_rename (store, job->folder_id, job->path, error);
    case LOCAL_DELETE:
    default:
      return tern_local_folder_delete (store, job->folder_id, error);
    }
}

static void
local_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(TernFolderMenu) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) local = NULL;

  if (!tern_store_executor_run_finish (tern_mail_context_get_executor (self->context), result,
                                       &error))
    {
      GtkWidget *dialog = gtk_message_dialog_new (self->window, GTK_DIALOG_DESTROY_WITH_PARENT,
                                                  GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s",
                                                  error->message);
      g_signal_connect (dialog, "response", G_CALLBACK (gtk_widget_destroy), NULL);
      gtk_widget_show (dialog);
      return;
    }
  local = tern_store_get_local_account (tern_mail_context_get_store (self->context), FALSE, NULL);
  g_signal_emit_by_name (self->context, "folders-changed", local != NULL ? local->id : 0);
}

static void
run_local (TernFolderMenu *self, LocalJob *job)
{
  tern_store_executor_run_async (tern_mail_context_get_executor (self->context), local_job, job,
                                 local_job_free, NULL, local_done, g_object_ref (self));
}

void
tern_folder_menu_create_local (TernFolderMenu *self, const char *path)
{
  LocalJob *job = g_new0 (LocalJob, 1);

  job->op = LOCAL_CREATE;
  job->path = g_strdup (path);
  run_local (self, job);
}

void
tern_folder_menu_rename_local (TernFolderMenu *self, gint64 folder_id, const char *path)
{
  LocalJob *job = g_new0 (LocalJob, 1);

  job->op = LOCAL_RENAME;
  job->folder_id = folder_id;
  job->path = g_strdup (path);
  run_local (self, job);
}

void
tern_folder_menu_delete_local (TernFolderMenu *self, gint64 folder_id)
{
  LocalJob *job = g_new0 (LocalJob, 1);

  job->op = LOCAL_DELETE;
  job->folder_id = folder_id;
  run_local (self, job);
}


/* ---- what the user picks: dialogs and file choosers ------------------------------ */

/* Every question is answered in its "response" handler: no nested main
 * loop (gtk_dialog_run), the window keeps drawing and syncing meanwhile. */

static TernFolder *
target_folder (TernFolderMenu *self)
{
  return self->folder_id != 0
         ? tern_store_get_folder (tern_mail_context_get_store (self->context), self->folder_id, NULL)
         : NULL;
}

static GtkWidget *
question (TernFolderMenu *self, GtkMessageType type, const char *text, const char *detail)
{
  GtkWidget *dialog = gtk_message_dialog_new (self->window, GTK_DIALOG_MODAL |
                                              GTK_DIALOG_DESTROY_WITH_PARENT, type,
                                              GTK_BUTTONS_NONE, "%s", text);

  if (detail != NULL)
    gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", detail);
  return dialog;
}

/* A folder name asked for: for a new folder (parent @folder_id, 0 at the
 * top) or a new name of folder @folder_id. */
typedef struct {
  TernFolderMenu *menu;
  GtkEntry *entry;
  gint64 folder_id;
  gboolean rename;
} NameQuestion;

static void
name_question_free (gpointer data)
{
  NameQuestion *q = data;

  g_object_unref (q->menu);
  g_free (q);
}

static void
on_name_response (GtkDialog *dialog, int response, NameQuestion *q)
{
  const char *name = gtk_entry_get_text (q->entry);
  g_autoptr(TernFolder) f = q->folder_id != 0
      ? tern_store_get_folder (tern_mail_context_get_store (q->menu->context), q->folder_id, NULL)
      : NULL;
  const char *slash = f != NULL ? strrchr (f->path, '/') : NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_OK && *name != '\0')
    {
      if (!q->rename)
        path = f != NULL ? g_strconcat (f->path, "/", name, NULL) : g_strdup (name);
      else
        path = slash != NULL ? g_strdup_printf ("%.*s/%s", (int) (slash - f->path), f->path, name)
                             : g_strdup (name);
      if (q->rename && f != NULL)
        tern_folder_menu_rename_local (q->menu, f->id, path);
      else if (!q->rename)
        tern_folder_menu_create_local (q->menu, path);
    }
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
ask_name (TernFolderMenu *self, const char *title, const char *initial, gboolean rename)
{
  GtkWidget *dialog = question (self, GTK_MESSAGE_QUESTION, title, NULL);
  GtkWidget *entry = gtk_entry_new ();
  NameQuestion *q = g_new0 (NameQuestion, 1);

  q->menu = g_object_ref (self);
  q->entry = GTK_ENTRY (entry);
  q->folder_id = self->folder_id;
  q->rename = rename;
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL,
                          rename ? _("_Rename") : _("C_reate"), GTK_RESPONSE_OK, NULL);
  gtk_entry_set_text (q->entry, initial != NULL ? initial : "");
  gtk_entry_set_activates_default (q->entry, TRUE);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_OK);
  gtk_container_add (GTK_CONTAINER (gtk_message_dialog_get_message_area (GTK_MESSAGE_DIALOG (dialog))),
                     entry);
  gtk_widget_show (entry);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_name_response), q,
                         (GClosureNotify) (void (*) (void)) name_question_free, 0);
  gtk_widget_show (dialog);
}

static void
activate_new (GSimpleAction *a, GVariant *p, gpointer data)
{
  ask_name (data, _("New folder on this computer"), "", FALSE);
}

static void
activate_rename (GSimpleAction *a, GVariant *p, gpointer data)
{
  TernFolderMenu *self = data;
  g_autoptr(TernFolder) f = target_folder (self);
  g_autofree char *name = f != NULL ? tern_folder_display_name (f) : NULL;

  if (f != NULL)
    ask_name (self, _("Rename the folder"), name, TRUE);
}

typedef struct {
  TernFolderMenu *menu;
  gint64 folder_id;
  gint64 account_id;            /* archive of a whole account (folder_id 0) */
  gint64 before;
  gboolean remove;
  char *dest;
  GtkComboBox *age;
  GtkToggleButton *remove_button;
} Question;

static Question *
question_new (TernFolderMenu *self)
{
  Question *q = g_new0 (Question, 1);

  q->menu = g_object_ref (self);
  q->folder_id = self->folder_id;
  return q;
}

static void
question_free (gpointer data)
{
  Question *q = data;

  g_object_unref (q->menu);
  g_free (q->dest);
  g_free (q);
}

static void
connect_response (GtkWidget *dialog, GCallback callback, Question *q)
{
  g_signal_connect_data (dialog, "response", callback, q,
                         (GClosureNotify) (void (*) (void)) question_free, 0);
  gtk_widget_show (dialog);
}

static void
on_delete_response (GtkDialog *dialog, int response, Question *q)
{
  if (response == GTK_RESPONSE_ACCEPT)
    tern_folder_menu_delete_local (q->menu, q->folder_id);
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
activate_delete (GSimpleAction *a, GVariant *p, gpointer data)
{
  TernFolderMenu *self = data;
  g_autoptr(TernFolder) f = target_folder (self);
  g_autofree char *name = f != NULL ? tern_folder_display_name (f) : NULL;
  g_autofree char *text = NULL;
  GtkWidget *dialog;

  if (f == NULL)
    return;
  /* This mail is nowhere else: say so before it is gone. */
  text = g_strdup_printf (_("Delete “%s” and its %u messages?"), name, f->total_count);
  dialog = question (self, GTK_MESSAGE_WARNING, text,
      _("They are only on this computer, with the folders inside it. This cannot be undone."));
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL,
                          _("_Delete"), GTK_RESPONSE_ACCEPT, NULL);
  connect_response (dialog, G_CALLBACK (on_delete_response), question_new (self));
}

static void
on_export_response (GtkNativeDialog *chooser, int response, Question *q)
{
  const char *format = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (chooser), "format");
  g_autofree char *path = gtk_file_chooser_get_filename (GTK_FILE_CHOOSER (chooser));

  if (response == GTK_RESPONSE_ACCEPT && path != NULL)
    tern_folder_menu_export (q->menu, q->folder_id, g_strcmp0 (format, "maildir") == 0
                             ? TERN_ARCHIVE_MAILDIR : TERN_ARCHIVE_MBOX, path);
  question_free (q);
  g_object_unref (chooser);
}

static void
activate_export (GSimpleAction *a, GVariant *p, gpointer data)
{
  TernFolderMenu *self = data;
  g_autoptr(TernFolder) f = target_folder (self);
  g_autofree char *name = f != NULL ? tern_folder_display_name (f) : NULL;
  g_autofree char *file_name = NULL;
  GtkFileChooserNative *chooser;

  if (f == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Export the folder"), self->window,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), NULL);
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (chooser), "format", _("Format"),
                               (const char *[]) { "mbox", "maildir", NULL },
                               (const char *[]) { _("mbox (one file)"), _("Maildir (a folder)"),
                                                  NULL });
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (chooser), "format", "mbox");
  gtk_file_chooser_set_do_overwrite_confirmation (GTK_FILE_CHOOSER (chooser), TRUE);
  file_name = g_strconcat (name, ".mbox", NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), file_name);
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_response), question_new (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_import_response (GtkNativeDialog *chooser, int response, Question *q)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  GSList *files = response == GTK_RESPONSE_ACCEPT
                  ? gtk_file_chooser_get_filenames (GTK_FILE_CHOOSER (chooser)) : NULL;

  for (GSList *l = files; l != NULL; l = l->next)
    g_ptr_array_add (paths, l->data);
  g_slist_free (files);
  g_ptr_array_add (paths, NULL);
  if (paths->len > 1)
    tern_folder_menu_import (q->menu, q->folder_id, (const char *const *) paths->pdata);
  question_free (q);
  g_object_unref (chooser);
}

static void
activate_import (GSimpleAction *a, GVariant *p, gpointer data)
{
  TernFolderMenu *self = data;
  GtkFileChooserNative *chooser;

  if (self->folder_id == 0)
    return;
  chooser = gtk_file_chooser_native_new (_("Import mail into the folder"), self->window,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), NULL);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_import_response), question_new (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* "Archive to this computer…": how old, and whether the server keeps a
 * copy; then the count and size before anything happens. */
static void
on_archive_confirm (GtkDialog *dialog, int response, Question *q)
{
  if (response == GTK_RESPONSE_OK && q->account_id != 0)
    tern_folder_menu_archive_account (q->menu, q->account_id, q->before, q->remove);
  else if (response == GTK_RESPONSE_OK)
    tern_folder_menu_archive (q->menu, q->folder_id, q->dest, q->before, q->remove);
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
on_archive_choice (GtkDialog *dialog, int response, Question *q)
{
  TernStore *store = tern_mail_context_get_store (q->menu->context);
  int months = atoi (gtk_combo_box_get_active_id (q->age));
  TernLocalArchiveResult count;
  g_autofree char *size = NULL;
  g_autofree char *text = NULL;
  GtkWidget *confirm;
  Question *next;

  q->remove = gtk_widget_get_visible (GTK_WIDGET (q->remove_button)) &&
              gtk_toggle_button_get_active (q->remove_button);
  /* Destroying the dialog frees @q: that comes last. */
  if (response != GTK_RESPONSE_ACCEPT)
    {
      gtk_widget_destroy (GTK_WIDGET (dialog));
      return;
    }
  q->before = months > 0 ? g_get_real_time () / G_USEC_PER_SEC - (gint64) months * 30 * 86400
                         : 0;
  if (q->account_id != 0
      ? !tern_local_archive_account_count (store, q->account_id, q->before, &count, NULL)
      : !tern_local_archive_count (store, q->folder_id, q->before, &count, NULL))
    {
      gtk_widget_destroy (GTK_WIDGET (dialog));
      return;
    }
  size = g_format_size (count.bytes);
  text = g_strdup_printf (ngettext ("Archive %u message (%s)?", "Archive %u messages (%s)?",
                                    count.total), count.total, size);
  confirm = question (q->menu, GTK_MESSAGE_QUESTION, text, q->remove
      ? _("Each batch is saved on this computer before it is deleted on the server.") : NULL);
  gtk_dialog_add_buttons (GTK_DIALOG (confirm), _("_Cancel"), GTK_RESPONSE_CANCEL,
                          _("_Archive"), GTK_RESPONSE_OK, NULL);
  gtk_dialog_set_response_sensitive (GTK_DIALOG (confirm), GTK_RESPONSE_OK, count.total > 0);
  next = question_new (q->menu);
  next->folder_id = q->folder_id;
  next->account_id = q->account_id;
  next->before = q->before;
  next->remove = q->remove;
  next->dest = g_strdup (q->dest);
  gtk_widget_destroy (GTK_WIDGET (dialog));
  connect_response (confirm, G_CALLBACK (on_archive_confirm), next);
}

/* The first question: how old, and whether the server keeps them. */
static void
ask_archive (TernFolderMenu *self, Question *q, const char *text, const char *detail,
             gboolean imap)
{
  GtkWidget *dialog = question (self, GTK_MESSAGE_QUESTION, text, detail);
  GtkWidget *area = gtk_message_dialog_get_message_area (GTK_MESSAGE_DIALOG (dialog));
  GtkWidget *age = gtk_combo_box_text_new ();
  GtkWidget *remove;

  gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (age), "0", _("All messages"));
  gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (age), "3", _("Older than 3 months"));
  gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (age), "6", _("Older than 6 months"));
  gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (age), "12", _("Older than a year"));
  gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (age), "24", _("Older than two years"));
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (age), "12");
  remove = gtk_check_button_new_with_mnemonic (_("_Delete them on the server once they are "
                                                 "safe on this computer"));
  gtk_container_add (GTK_CONTAINER (area), age);
  gtk_container_add (GTK_CONTAINER (area), remove);
  gtk_widget_show (age);
  /* POP3 mail is on this computer already; only IMAP can free server room. */
  gtk_widget_set_visible (remove, imap);
  q->age = GTK_COMBO_BOX (age);
  q->remove_button = GTK_TOGGLE_BUTTON (remove);
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL,
                          _("_Continue"), GTK_RESPONSE_ACCEPT, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  connect_response (dialog, G_CALLBACK (on_archive_choice), q);
}

static void
activate_archive (GSimpleAction *a, GVariant *p, gpointer data)
{
  TernFolderMenu *self = data;
  g_autoptr(TernFolder) f = target_folder (self);
  g_autoptr(TernAccountSettings) account = NULL;
  g_autofree char *name = NULL, *text = NULL, *detail = NULL;
  Question *q;

  if (f == NULL ||
      (account = tern_store_get_account (tern_mail_context_get_store (self->context),
                                         f->account_id, NULL)) == NULL)
    return;
  name = tern_folder_display_name (f);
  q = question_new (self);
  q->dest = g_strdup_printf ("Archive/%s/%s", account->name, name);
  text = g_strdup_printf (_("Archive “%s” to this computer"), name);
  detail = g_strdup_printf (_("The messages are copied into “%s” under On this computer, where "
                              "they stay whatever happens to the account."), q->dest);
  ask_archive (self, q, text, detail, account->protocol == TERN_PROTOCOL_IMAP);
}

void
tern_folder_menu_ask_archive_account (TernFolderMenu *self, gint64 account_id)
{
  g_autoptr(TernAccountSettings) account =
    tern_store_get_account (tern_mail_context_get_store (self->context), account_id, NULL);
  g_autofree char *root = NULL, *text = NULL, *detail = NULL;
  Question *q;

  if (account == NULL || account->protocol == TERN_PROTOCOL_LOCAL)
    return;
  root = tern_local_archive_default_root (account);
  q = question_new (self);
  q->folder_id = 0;
  q->account_id = account_id;
  text = g_strdup_printf (_("Archive “%s” to this computer"), account->name);
  detail = g_strdup_printf (_("Every folder except Trash, Junk and Drafts is copied into a "
                              "folder of its own under “%s” on this computer, where the "
                              "messages stay whatever happens to the account."), root);
  ask_archive (self, q, text, detail, account->protocol == TERN_PROTOCOL_IMAP);
  /* An account is archived to make room on the server: deleting is the point. */
  gtk_toggle_button_set_active (q->remove_button, account->protocol == TERN_PROTOCOL_IMAP);
}

/* ---- the menu ------------------------------------------------------------------------ */

void
tern_folder_menu_set_target (TernFolderMenu *self, gint64 folder_id, gboolean is_local)
{
  static const char *const folder_only[] = { "archive", "export", "import" };
  static const char *const local_folder_only[] = { "rename", "delete" };

  self->folder_id = folder_id;
  self->is_local = is_local;
  for (guint i = 0; i < G_N_ELEMENTS (folder_only); i++)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (
        G_ACTION_MAP (self->actions), folder_only[i])), folder_id != 0);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (
      G_ACTION_MAP (self->actions), "archive")), folder_id != 0 && !is_local);
  for (guint i = 0; i < G_N_ELEMENTS (local_folder_only); i++)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (
        G_ACTION_MAP (self->actions), local_folder_only[i])), folder_id != 0 && is_local);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (
      G_ACTION_MAP (self->actions), "new")), is_local);
}

GMenuModel *
tern_folder_menu_build (TernFolderMenu *self)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) local = g_menu_new ();
  g_autoptr(GMenu) files = g_menu_new ();

  if (self->is_local)
    {
      g_menu_append (local, self->folder_id != 0 ? _("New Subfolder…") : _("New Folder…"),
                     "folder.new");
      if (self->folder_id != 0)
        {
          g_menu_append (local, _("Rename…"), "folder.rename");
          g_menu_append (local, _("Delete"), "folder.delete");
        }
      g_menu_append_section (menu, NULL, G_MENU_MODEL (local));
    }
  else if (self->folder_id != 0)
    g_menu_append (menu, _("Archive to This Computer…"), "folder.archive");
  if (self->folder_id != 0)
    {
      g_menu_append (files, _("Export…"), "folder.export");
      g_menu_append (files, _("Import…"), "folder.import");
      g_menu_append_section (menu, NULL, G_MENU_MODEL (files));
    }
  return G_MENU_MODEL (menu);
}

static gboolean
on_button_press (GtkWidget *tree_view, GdkEventButton *event, TernFolderMenu *self)
{
  g_autoptr(GMenuModel) model = NULL;
  gint64 folder_id = 0, account_id = 0;
  gboolean is_local = FALSE;
  GtkWidget *menu;

  if (!gdk_event_triggers_context_menu ((GdkEvent *) event) ||
      !tern_folder_sidebar_row_at (self->sidebar, (int) event->x, (int) event->y, &folder_id,
                                   &account_id, &is_local) ||
      (folder_id == 0 && !is_local))
    return FALSE;
  tern_folder_menu_set_target (self, folder_id, is_local);
  model = tern_folder_menu_build (self);
  menu = gtk_menu_new_from_model (model);
  gtk_menu_attach_to_widget (GTK_MENU (menu), tree_view, NULL);
  g_signal_connect (menu, "deactivate", G_CALLBACK (gtk_widget_destroy), NULL);
  gtk_menu_popup_at_pointer (GTK_MENU (menu), (GdkEvent *) event);
  return TRUE;
}

/* An mbox or .eml file dropped on a folder from Files: imported into it. */
static void
on_files_dropped (TernFolderSidebar *sidebar, gint64 folder_id, GStrv paths, TernFolderMenu *self)
{
  tern_folder_menu_import (self, folder_id, (const char *const *) paths);
}

static void
tern_folder_menu_finalize (GObject *object)
{
  TernFolderMenu *self = TERN_FOLDER_MENU (object);

  g_clear_object (&self->actions);
  g_clear_object (&self->context);
  g_clear_weak_pointer (&self->window);
  G_OBJECT_CLASS (tern_folder_menu_parent_class)->finalize (object);
}

static void
tern_folder_menu_class_init (TernFolderMenuClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_folder_menu_finalize;
}

static void
tern_folder_menu_init (TernFolderMenu *self)
{
  const GActionEntry entries[] = {
    { "new", activate_new }, { "rename", activate_rename }, { "delete", activate_delete },
    { "archive", activate_archive }, { "export", activate_export },
    { "import", activate_import },
  };

  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), entries, G_N_ELEMENTS (entries),
                                   self);
}

TernFolderMenu *
tern_folder_menu_attach (TernFolderSidebar *sidebar, TernMailContext *context, GtkWindow *window)
{
  TernFolderMenu *self = g_object_new (TERN_TYPE_FOLDER_MENU, NULL);

  self->sidebar = sidebar;
  self->context = g_object_ref (context);
  g_set_weak_pointer (&self->window, window);
  gtk_widget_insert_action_group (GTK_WIDGET (sidebar), "folder", G_ACTION_GROUP (self->actions));
  g_signal_connect_object (tern_folder_sidebar_get_tree_view (sidebar), "button-press-event",
                           G_CALLBACK (on_button_press), self, 0);
  g_signal_connect_object (sidebar, "files-dropped", G_CALLBACK (on_files_dropped), self, 0);
  g_object_set_data_full (G_OBJECT (sidebar), "tern-folder-menu", self, g_object_unref);
  return self;
}

/* ---- the message list's "Move to" ------------------------------------------------ */

gboolean
tern_folder_menu_is_local_account (TernStore *store, gint64 account_id)
{
  g_autoptr(TernAccountSettings) local = tern_store_get_local_account (store, FALSE, NULL);

  return local != NULL && local->id == account_id;
}

void
tern_folder_menu_add_local_targets (GMenu *menu, TernStore *store, gint64 account_id)
{
  g_autoptr(TernAccountSettings) local = tern_store_get_local_account (store, FALSE, NULL);
  g_autoptr(GPtrArray) folders = NULL;

  if (local == NULL || local->id == account_id ||
      (folders = tern_store_list_folders (store, local->id, NULL)) == NULL)
    return;
  for (guint i = 0; i < folders->len; i++)
    {
      TernFolder *f = g_ptr_array_index (folders, i);
      g_autofree char *label = g_strdup_printf (_("On this computer › %s"), f->path);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "win.move-to", g_variant_new_int64 (f->id));
      g_menu_append_item (menu, item);
    }
}
