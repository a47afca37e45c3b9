/* tern-window-undo.c: the window's Undo of moves and deletes to Trash.
 *
 * After a move or delete has been written (and queued for the server, see
 * tern-mail-undo.h for why that is done at once rather than delayed), the
 * TernUndoBar offers Undo for a few seconds, over the top of the window's
 * content. Undo (the button or Ctrl+Z) runs tern_mail_undo_move() on the
 * writer thread and tells the account's worker, as any change does.
 */
#include <glib/gi18n.h>

#include "account/tern-mail-undo.h"
#include "tern-undo-bar.h"
#include "tern-window-private.h"

struct _TernUndoOffer
{
  GArray *ids;            /* gint64 */
  GArray *from;           /* gint64, their folders before the action */
  gint64 account_id;
  char *message;
};

void
_tern_undo_offer_free (TernUndoOffer *offer)
{
  if (offer == NULL)
    return;
  g_array_unref (offer->ids);
  g_array_unref (offer->from);
  g_free (offer->message);
  g_free (offer);
}

TernUndoOffer *
_tern_window_undo_prepare (TernWindow *self, TernActionKind kind, const gint64 *ids, guint n,
                           gint64 dest_folder_id)
{
  TernStore *store = _tern_window_get_store (self);
  TernUndoOffer *offer;
  g_autoptr(TernFolder) dest = NULL;
  g_autofree char *dest_name = NULL;

  if ((kind != TERN_ACTION_MOVE && kind != TERN_ACTION_DELETE) || n == 0)
    return NULL;
  offer = g_new0 (TernUndoOffer, 1);
  offer->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  offer->from = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TernMessageSummary) m = tern_store_get_message (store, ids[i], NULL);
      g_autoptr(TernFolder) from = m != NULL ? tern_store_get_folder (store, m->folder_id, NULL)
                                             : NULL;

      /* Deleted from Trash is deleted for good: nothing to bring back. */
      if (from == NULL || (kind == TERN_ACTION_DELETE && from->role == TERN_FOLDER_ROLE_TRASH) ||
          from->id == dest_folder_id)
        continue;
      g_array_append_val (offer->ids, m->id);
      g_array_append_val (offer->from, from->id);
      offer->account_id = m->account_id;
    }
  if (offer->ids->len == 0)
    return _tern_undo_offer_free (offer), NULL;
  if (kind == TERN_ACTION_DELETE)
    offer->message = offer->ids->len == 1
                     ? g_strdup (_("Message moved to Trash"))
                     : g_strdup_printf (g_dngettext (NULL, "%u message moved to Trash",
                                                     "%u messages moved to Trash",
                                                     offer->ids->len), offer->ids->len);
  else
    {
      dest = tern_store_get_folder (store, dest_folder_id, NULL);
      dest_name = dest != NULL ? tern_folder_display_name (dest) : g_strdup ("");
      /* Both forms name both values: glibc refuses "%2$s" without "%1$". */
      offer->message = g_strdup_printf (g_dngettext (NULL, "%1$u message moved to “%2$s”",
                                                     "%1$u messages moved to “%2$s”",
                                                     offer->ids->len), offer->ids->len,
                                        dest_name);
    }
  return offer;
}

void
_tern_window_undo_offer (TernWindow *self, TernUndoOffer *offer)
{
  g_object_set_data (G_OBJECT (self->undo_bar), "tern-account-id",
                     GINT_TO_POINTER ((int) offer->account_id));
  tern_undo_bar_offer (self->undo_bar, offer->message, offer->ids, offer->from);
}

/* ---- running the undo ---- */

typedef struct {
  GArray *ids, *from;
} UndoJob;

static void
undo_job_free (UndoJob *job)
{
  g_array_unref (job->ids);
  g_array_unref (job->from);
  g_free (job);
}

static gboolean
undo_job (TernStore *store, gpointer data, GError **error)
{
  UndoJob *job = data;

  return tern_mail_undo_move (store, (gint64 *) job->ids->data, (gint64 *) job->from->data,
                              job->ids->len, error);
}

static void
undo_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 account_id = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (self->undo_bar),
                                                          "tern-account-id"));
  TernSyncClient *worker = tern_mail_context_get_worker (self->context, account_id);

  if (!tern_store_executor_run_finish (tern_mail_context_get_executor (self->context), result,
                                       &error))
    {
      g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>\n%s",
                                                         _("The change could not be undone."),
                                                         error->message);
      _tern_window_show_error (self, 0, markup);
    }
  else if (worker != NULL)
    tern_sync_client_push_changes (worker);
  _tern_window_refresh_list (self);
  tern_folder_sidebar_reload (self->sidebar, _tern_window_get_store (self));
}

static void
on_undo (TernUndoBar *bar, TernWindow *self)
{
  UndoJob *job = g_new0 (UndoJob, 1);

  job->ids = g_array_ref (tern_undo_bar_get_ids (bar));
  job->from = g_array_ref (tern_undo_bar_get_from_folders (bar));
  tern_store_executor_run_async (tern_mail_context_get_executor (self->context), undo_job, job,
                                 (GDestroyNotify) undo_job_free, NULL, undo_done,
                                 g_object_ref (self));
}

static gboolean
on_undo_key (GtkAccelGroup *group, GObject *window, guint key, GdkModifierType mods,
             gpointer data)
{
  TernWindow *self = TERN_WINDOW (window);

  if (!tern_undo_bar_is_offering (self->undo_bar))
    return FALSE;
  g_signal_emit_by_name (self->undo_bar, "undo");
  tern_undo_bar_dismiss (self->undo_bar);
  return TRUE;
}

void
_tern_window_undo_init (TernWindow *self)
{
  GtkWidget *content = gtk_bin_get_child (GTK_BIN (self));
  GtkWidget *overlay = gtk_overlay_new ();
  GtkAccelGroup *accels = gtk_accel_group_new ();

  /* The notification floats over the content, below the header bar. */
  g_object_ref (content);
  gtk_container_remove (GTK_CONTAINER (self), content);
  gtk_container_add (GTK_CONTAINER (overlay), content);
  g_object_unref (content);
  self->undo_bar = TERN_UNDO_BAR (tern_undo_bar_new ());
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), GTK_WIDGET (self->undo_bar));
  gtk_widget_show (overlay);
  gtk_container_add (GTK_CONTAINER (self), overlay);
  g_signal_connect (self->undo_bar, "undo", G_CALLBACK (on_undo), self);
  gtk_accel_group_connect (accels, GDK_KEY_z, GDK_CONTROL_MASK, 0,
                           g_cclosure_new (G_CALLBACK (on_undo_key), NULL, NULL));
  gtk_window_add_accel_group (GTK_WINDOW (self), accels);
  g_object_unref (accels);
}
