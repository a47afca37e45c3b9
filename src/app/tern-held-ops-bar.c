/* tern-held-ops-bar.c: see the header. */
#include <glib/gi18n.h>

#include "account/tern-mail-actions.h"
#include "tern-held-ops-bar.h"
#include "tern-resources.h"

struct _TernHeldOpsBar
{
  GtkInfoBar parent_instance;

  GtkBox *rows;
  TernMailContext *context;
  GHashTable *buttons;        /* account id (gint64 *) -> GtkWidget * (not referenced) */
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (TernHeldOpsBar, tern_held_ops_bar, GTK_TYPE_INFO_BAR)

typedef struct {
  gint64 account_id;
  GArray *op_ids;
} DiscardJob;

static void
discard_job_free (gpointer data)
{
  DiscardJob *job = data;

  g_array_unref (job->op_ids);
  g_free (job);
}

static gboolean
discard_job (TernStore *store, gpointer data, GError **error)
{
  DiscardJob *job = data;

  for (guint i = 0; i < job->op_ids->len; i++)
    if (!tern_mail_discard_held (store, job->account_id, g_array_index (job->op_ids, gint64, i), error))
      return FALSE;
  return TRUE;
}

typedef struct {
  TernHeldOpsBar *bar;        /* weak: the bar may be gone */
  gint64 account_id;
} DiscardDone;

static void
on_discarded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree DiscardDone *done = user_data;
  g_autoptr(GError) error = NULL;
  TernHeldOpsBar *self = done->bar;
  gboolean ok;

  if (self == NULL)
    return;
  g_object_remove_weak_pointer (G_OBJECT (self), (gpointer *) &done->bar);
  ok = tern_store_executor_run_finish (tern_mail_context_get_executor (self->context), result, &error);
  tern_held_ops_bar_refresh (self);
  if (!ok && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      GtkWidget *label = gtk_label_new (error->message);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
      gtk_container_add (GTK_CONTAINER (self->rows), label);
      gtk_widget_show (label);
      gtk_widget_show (GTK_WIDGET (self));
      return;
    }
  /* The worker sends what is still queued and brings the folders up to date. */
  tern_mail_context_push_changes (self->context, done->account_id);
}

static void
on_discard_clicked (GtkButton *button, TernHeldOpsBar *self)
{
  gint64 account_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "account-id"));
  g_autoptr(GPtrArray) ops = NULL;
  DiscardJob *job = g_new0 (DiscardJob, 1);
  DiscardDone *done = g_new0 (DiscardDone, 1);

  tern_mail_count_held (tern_mail_context_get_store (self->context), account_id, NULL, &ops);
  job->account_id = account_id;
  job->op_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; ops != NULL && i < ops->len; i++)
    {
      TernPendingOp *op = g_ptr_array_index (ops, i);
      if (op->held)
        g_array_append_val (job->op_ids, op->id);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  done->bar = self;
  done->account_id = account_id;
  g_object_add_weak_pointer (G_OBJECT (self), (gpointer *) &done->bar);
  tern_store_executor_run_async (tern_mail_context_get_executor (self->context), discard_job, job,
                                 discard_job_free, self->cancellable, on_discarded, done);
}

static void
add_row (TernHeldOpsBar *self, const TernAccountSettings *a, guint n, const char *reason)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *button = gtk_button_new_with_mnemonic (n == 1 ? _("_Discard Change") : _("_Discard Changes"));
  g_autofree char *what = g_strdup_printf (g_dngettext (NULL, "%u change could not be sent to the server",
                                                        "%u changes could not be sent to the server", n), n);
  g_autofree char *markup = g_markup_printf_escaped ("<b>%s — %s:</b> %s\n<small>%s</small>", a->name, what,
                                                     reason != NULL ? reason : "",
                                                     _("Discarding changes nothing on the server: the "
                                                       "messages stay where the server has them."));
  gint64 *key = g_new (gint64, 1);

  gtk_label_set_markup (GTK_LABEL (label), markup);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_object_set_data (G_OBJECT (button), "account-id", GSIZE_TO_POINTER ((gsize) a->id));
  g_signal_connect (button, "clicked", G_CALLBACK (on_discard_clicked), self);
  gtk_container_add (GTK_CONTAINER (row), label);
  gtk_container_add (GTK_CONTAINER (row), button);
  gtk_container_add (GTK_CONTAINER (self->rows), row);
  gtk_widget_show_all (row);
  *key = a->id;
  g_hash_table_insert (self->buttons, key, button);
}

void
tern_held_ops_bar_refresh (TernHeldOpsBar *self)
{
  TernStore *store = tern_mail_context_get_store (self->context);
  g_autoptr(GPtrArray) accounts = tern_store_list_accounts (store, NULL);
  g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (self->rows));

  g_hash_table_remove_all (self->buttons);
  for (GList *l = children; l != NULL; l = l->next)
    gtk_widget_destroy (l->data);
  for (guint i = 0; accounts != NULL && i < accounts->len; i++)
    {
      TernAccountSettings *a = g_ptr_array_index (accounts, i);
      const char *reason = NULL;
      guint n = tern_mail_count_held (store, a->id, &reason, NULL);

      if (n > 0)
        add_row (self, a, n, reason);
    }
  gtk_widget_set_visible (GTK_WIDGET (self), g_hash_table_size (self->buttons) > 0);
}

static void
on_folders_changed (TernMailContext *context, gint64 account_id, TernHeldOpsBar *self)
{
  tern_held_ops_bar_refresh (self);
}

char *
tern_held_ops_bar_get_text (TernHeldOpsBar *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GList) rows = gtk_container_get_children (GTK_CONTAINER (self->rows));

  if (!gtk_widget_get_visible (GTK_WIDGET (self)))
    return g_strdup ("");
  for (GList *l = rows; l != NULL; l = l->next)
    {
      GtkWidget *first = GTK_IS_BOX (l->data) ? NULL : l->data;
      g_autoptr(GList) parts = GTK_IS_BOX (l->data) ? gtk_container_get_children (l->data) : NULL;

      if (parts != NULL)
        first = parts->data;
      if (GTK_IS_LABEL (first))
        g_string_append_printf (text, "%s\n", gtk_label_get_text (GTK_LABEL (first)));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

GtkWidget *
tern_held_ops_bar_get_discard_button (TernHeldOpsBar *self, gint64 account_id)
{
  return g_hash_table_lookup (self->buttons, &account_id);
}

static void
tern_held_ops_bar_dispose (GObject *object)
{
  TernHeldOpsBar *self = TERN_HELD_OPS_BAR (object);

  g_cancellable_cancel (self->cancellable);
  if (self->context != NULL)
    g_signal_handlers_disconnect_by_data (self->context, self);
  g_clear_object (&self->context);
  G_OBJECT_CLASS (tern_held_ops_bar_parent_class)->dispose (object);
}

static void
tern_held_ops_bar_finalize (GObject *object)
{
  TernHeldOpsBar *self = TERN_HELD_OPS_BAR (object);

  g_hash_table_unref (self->buttons);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (tern_held_ops_bar_parent_class)->finalize (object);
}

static void
tern_held_ops_bar_class_init (TernHeldOpsBarClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = tern_held_ops_bar_dispose;
  G_OBJECT_CLASS (klass)->finalize = tern_held_ops_bar_finalize;
  (void) tern_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ternmail/Tern/tern-held-ops-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, TernHeldOpsBar, rows);
}

static void
tern_held_ops_bar_init (TernHeldOpsBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->buttons = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
}

TernHeldOpsBar *
tern_held_ops_bar_new (TernMailContext *context)
{
  TernHeldOpsBar *self = g_object_new (TERN_TYPE_HELD_OPS_BAR, NULL);

  self->context = g_object_ref (context);
  g_signal_connect (context, "folders-changed", G_CALLBACK (on_folders_changed), self);
  tern_held_ops_bar_refresh (self);
  return self;
}
