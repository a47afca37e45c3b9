/* tern-window-folders.c: folders the user makes, renames and deletes from
 * the window: the sidebar's context menu (right click, Shift+F10 or the
 * Menu key on a folder) and the Move popover's "New Folder…", which makes
 * a folder and moves the selection there.
 *
 * The work is tern-folder-actions.c's, on the writer thread: the store
 * changes at once and the server hears of it through the queue; the
 * account's worker is told, as for any change.
 */
#include <glib/gi18n.h>

#include "account/tern-folder-actions.h"
#include "account/tern-mail-actions.h"
#include "tern-folder-name-dialog.h"
#include "tern-window-private.h"

typedef enum { FOLDER_CREATE, FOLDER_RENAME, FOLDER_DELETE } FolderJobKind;

typedef struct {
  FolderJobKind kind;
  gint64 account_id;
  gint64 folder_id;          /* CREATE: the parent (0: top); else the folder */
  char *name;
  GArray *move_ids;          /* CREATE: messages to move into the new folder */
  gint64 created_id;
} FolderJob;

static void
folder_job_free (FolderJob *job)
{
  g_free (job->name);
  g_clear_pointer (&job->move_ids, g_array_unref);
  g_free (job);
}

static gboolean
folder_job (TernStore *store, gpointer data, GError **error)
{
  FolderJob *job = data;

  switch (job->kind)
    {
    case FOLDER_CREATE:
      job->created_id = tern_folder_create (store, job->account_id, job->folder_id, job->name,
                                            error);
      if (job->created_id == 0)
        return FALSE;
      return job->move_ids == NULL || job->move_ids->len == 0 ||
             tern_mail_move (store, (gint64 *) job->move_ids->data, job->move_ids->len,
                             job->created_id, error);
    case FOLDER_RENAME:
      return tern_folder_rename (store, job->folder_id, job->name, error);
    case FOLDER_DELETE:
      return tern_folder_delete (store, job->folder_id, error);
    }
  return FALSE;
}

typedef struct {
  TernWindow *window;        /* strong */
  FolderJob *job;            /* borrowed: owned by the executor's run */
  FolderJobKind kind;
  gint64 account_id;
} FolderJobDone;

static void
folder_job_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FolderJobDone *done = user_data;
  TernWindow *self = done->window;
  g_autoptr(GError) error = NULL;
  TernSyncClient *worker;

  if (!tern_store_executor_run_finish (tern_mail_context_get_executor (self->context), result,
                                       &error))
    {
      const char *what = done->kind == FOLDER_CREATE ? _("The folder could not be made.")
                         : done->kind == FOLDER_RENAME ? _("The folder could not be renamed.")
                         : _("The folder was not deleted.");
      g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>\n%s", what, error->message);
      _tern_window_show_error (self, 0, markup);
    }
  else if ((worker = tern_mail_context_get_worker (self->context, done->account_id)) != NULL)
    tern_sync_client_push_changes (worker);
  tern_folder_sidebar_reload (self->sidebar, _tern_window_get_store (self));
  self->move_account_id = 0;
  _tern_window_rebuild_move_menu (self, done->account_id);
  _tern_window_refresh_list (self);
  g_object_unref (done->window);
  g_free (done);
}

static void
run_folder_job (TernWindow *self, FolderJob *job)
{
  FolderJobDone *done = g_new0 (FolderJobDone, 1);

  done->window = g_object_ref (self);
  done->kind = job->kind;
  done->account_id = job->account_id;
  tern_store_executor_run_async (tern_mail_context_get_executor (self->context), folder_job, job,
                                 (GDestroyNotify) folder_job_free, NULL, folder_job_done, done);
}

/* ---- asking for a name ---- */

typedef struct {
  TernWindow *window;
  FolderJob *job;            /* name filled in from the dialog */
} NameRequest;

static void
on_name_response (GtkDialog *dialog, int response, NameRequest *req)
{
  if (response == GTK_RESPONSE_OK)
    {
      req->job->name = tern_folder_name_dialog_get_name (TERN_FOLDER_NAME_DIALOG (dialog));
      run_folder_job (req->window, g_steal_pointer (&req->job));
    }
  g_clear_pointer (&req->job, folder_job_free);
  g_object_unref (req->window);
  g_free (req);
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
ask_name (TernWindow *self, FolderJob *job, const char *title, const char *prompt,
          const char *accept, const char *initial)
{
  GtkWidget *dialog = tern_folder_name_dialog_new (GTK_WINDOW (self), title, prompt, accept,
                                                   initial);
  NameRequest *req = g_new0 (NameRequest, 1);

  req->window = g_object_ref (self);
  req->job = job;
  g_signal_connect (dialog, "response", G_CALLBACK (on_name_response), req);
  gtk_widget_show (dialog);
}

static TernFolder *
folder_of (TernWindow *self, GVariant *p)
{
  return tern_store_get_folder (_tern_window_get_store (self), g_variant_get_int64 (p), NULL);
}

/* On a folder of the user's, a folder inside it; on Inbox, Sent, ... one
 * at the top of the account. */
static void
activate_folder_new (GSimpleAction *a, GVariant *p, gpointer w)
{
  g_autoptr(TernFolder) f = folder_of (w, p);
  FolderJob *job;

  if (f == NULL)
    return;
  job = g_new0 (FolderJob, 1);
  job->kind = FOLDER_CREATE;
  job->account_id = f->account_id;
  job->folder_id = f->role == TERN_FOLDER_ROLE_NONE ? f->id : 0;
  ask_name (w, job, _("New Folder"), _("_Name of the new folder"), _("_Create"), NULL);
}

static void
activate_folder_rename (GSimpleAction *a, GVariant *p, gpointer w)
{
  g_autoptr(TernFolder) f = folder_of (w, p);
  g_autofree char *name = NULL;
  FolderJob *job;

  if (f == NULL)
    return;
  name = tern_folder_display_name (f);
  job = g_new0 (FolderJob, 1);
  job->kind = FOLDER_RENAME;
  job->account_id = f->account_id;
  job->folder_id = f->id;
  ask_name (w, job, _("Rename Folder"), _("_New name"), _("_Rename"), name);
}

static void
on_delete_response (GtkDialog *dialog, int response, gpointer data)
{
  FolderJob *job = g_object_steal_data (G_OBJECT (dialog), "tern-job");
  TernWindow *self = TERN_WINDOW (gtk_window_get_transient_for (GTK_WINDOW (dialog)));

  if (response == GTK_RESPONSE_ACCEPT && job != NULL)
    run_folder_job (self, job);
  else if (job != NULL)
    folder_job_free (job);
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

/* Asks first, and says where the mail goes: nothing is destroyed. */
static void
activate_folder_delete (GSimpleAction *a, GVariant *p, gpointer w)
{
  g_autoptr(TernFolder) f = folder_of (w, p);
  g_autofree char *name = NULL;
  GtkWidget *dialog, *button;
  FolderJob *job;

  if (f == NULL)
    return;
  name = tern_folder_display_name (f);
  dialog = gtk_message_dialog_new (GTK_WINDOW (w), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   _("Delete the folder “%s”?"), name);
  if (f->total_count > 0)
    gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
        g_dngettext (NULL, "Its message goes to Trash.", "Its %u messages go to Trash.",
                     f->total_count), f->total_count);
  else
    gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                              _("The folder is empty."));
  gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL);
  button = gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Delete Folder"), GTK_RESPONSE_ACCEPT);
  gtk_style_context_add_class (gtk_widget_get_style_context (button), "destructive-action");
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  job = g_new0 (FolderJob, 1);
  job->kind = FOLDER_DELETE;
  job->account_id = f->account_id;
  job->folder_id = f->id;
  g_object_set_data (G_OBJECT (dialog), "tern-job", job);
  g_signal_connect (dialog, "response", G_CALLBACK (on_delete_response), NULL);
  gtk_widget_show (dialog);
}

/* The Move popover's New Folder…: a folder at the top of the account, and
 * the selection moved into it. */
static void
activate_move_to_new_folder (GSimpleAction *a, GVariant *p, gpointer w)
{
  TernWindow *self = w;
  FolderJob *job = g_new0 (FolderJob, 1);

  job->kind = FOLDER_CREATE;
  job->account_id = g_variant_get_int64 (p);
  job->move_ids = _tern_window_get_selected_ids (self);
  ask_name (self, job, _("Move to a New Folder"), _("_Name of the new folder"),
            _("_Create and Move"), NULL);
}

/* ---- the sidebar's context menu ---- */

static GMenuModel *
folder_menu (TernFolder *f)
{
  GMenu *menu = g_menu_new ();
  GVariant *target = g_variant_new_int64 (f->id);
  g_autoptr(GMenuItem) add = g_menu_item_new (_("_New Folder…"), NULL);

  g_menu_item_set_action_and_target_value (add, "win.folder-new", target);
  g_menu_append_item (menu, add);
  /* Inbox, Sent, Trash, ... keep their names and stay. */
  if (f->role == TERN_FOLDER_ROLE_NONE)
    {
      g_autoptr(GMenuItem) rename = g_menu_item_new (_("_Rename…"), NULL);
      g_autoptr(GMenuItem) del = g_menu_item_new (_("_Delete…"), NULL);

      g_menu_item_set_action_and_target_value (rename, "win.folder-rename",
                                               g_variant_new_int64 (f->id));
      g_menu_item_set_action_and_target_value (del, "win.folder-delete",
                                               g_variant_new_int64 (f->id));
      g_menu_append_item (menu, rename);
      g_menu_append_item (menu, del);
    }
  return G_MENU_MODEL (menu);
}

void
_tern_window_popup_sidebar_menu (TernWindow *self, GMenuModel *model, const GdkEvent *event)
{
  GtkTreeView *tree = tern_folder_sidebar_get_tree_view (self->sidebar);
  GtkWidget *menu = gtk_menu_new_from_model (model);

  gtk_style_context_add_class (gtk_widget_get_style_context (menu), "context-menu");
  gtk_menu_attach_to_widget (GTK_MENU (menu), GTK_WIDGET (tree), NULL);
  g_signal_connect (menu, "deactivate", G_CALLBACK (gtk_widget_destroy), NULL);
  if (event != NULL)
    gtk_menu_popup_at_pointer (GTK_MENU (menu), event);
  else
    _tern_window_popup_at_cursor (GTK_MENU (menu), tree);
}

static gboolean
popup_folder_menu (TernWindow *self, const GdkEvent *event)
{
  g_autoptr(TernFolder) f = NULL;
  g_autoptr(GMenuModel) model = NULL;
  gint64 account_id = tern_folder_sidebar_get_cursor_account (self->sidebar);

  /* On an account's own row: the account's menu (the selection stays on
   * a folder, so the cursor says which row the user means). */
  if (account_id != 0)
    return _tern_window_popup_account_menu (self, account_id, event);
  f = tern_store_get_folder (_tern_window_get_store (self),
                             tern_folder_sidebar_get_selected_folder (self->sidebar), NULL);
  if (f == NULL)
    return FALSE;
  model = folder_menu (f);
  _tern_window_popup_sidebar_menu (self, model, event);
  return TRUE;
}

static gboolean
on_sidebar_button_press (GtkWidget *tree, GdkEventButton *event, TernWindow *self)
{
  GtkTreePath *path = NULL;

  if (!gdk_event_triggers_context_menu ((GdkEvent *) event))
    return FALSE;
  /* The menu is about the row under the pointer: select it first. */
  if (!gtk_tree_view_get_path_at_pos (GTK_TREE_VIEW (tree), (int) event->x, (int) event->y, &path,
                                      NULL, NULL, NULL))
    return FALSE;
  gtk_tree_view_set_cursor (GTK_TREE_VIEW (tree), path, NULL, FALSE);
  gtk_tree_path_free (path);
  return popup_folder_menu (self, (GdkEvent *) event);
}

static gboolean
on_sidebar_popup_menu (GtkWidget *tree, TernWindow *self)
{
  return popup_folder_menu (self, NULL);
}

static const GActionEntry folder_entries[] = {
  { "folder-new", activate_folder_new, "x", NULL, NULL },
  { "folder-rename", activate_folder_rename, "x", NULL, NULL },
  { "folder-delete", activate_folder_delete, "x", NULL, NULL },
  { "move-to-new-folder", activate_move_to_new_folder, "x", NULL, NULL },
};

void
_tern_window_folders_init (TernWindow *self)
{
  GtkTreeView *tree = tern_folder_sidebar_get_tree_view (self->sidebar);

  g_action_map_add_action_entries (G_ACTION_MAP (self), folder_entries,
                                   G_N_ELEMENTS (folder_entries), self);
  g_signal_connect (tree, "button-press-event", G_CALLBACK (on_sidebar_button_press), self);
  g_signal_connect (tree, "popup-menu", G_CALLBACK (on_sidebar_popup_menu), self);
}
