/* tern-message-list.c: the message list.
 *
 * A GtkTreeView in fixed-height mode with a single column drawn by
 * TernMessageCellRenderer. Signals:
 *   selection-changed (GArray *ids)   the selected ids, in list order
 *   message-activated (gint64 id)     Enter or double click on a row
 * Keyboard navigation is the tree view's own: arrows, Page Up/Down,
 * Home/End, Shift and Ctrl to extend the selection, Ctrl+A for all.
 */
#include <glib/gi18n.h>

#include "core/tern-types.h"
#include "tern-message-cell-renderer.h"
#include "tern-message-list.h"
#include "tern-resources.h"

struct _TernMessageList
{
  GtkBin parent_instance;

  GtkScrolledWindow *scroller;
  GtkTreeView *tree_view;
  GtkTreeSelection *selection;
  GtkCellRenderer *renderer;
  TernMessageListModel *model;   /* weak: the tree view holds it */
};

G_DEFINE_FINAL_TYPE (TernMessageList, tern_message_list, GTK_TYPE_BIN)

enum {
  SIGNAL_SELECTION_CHANGED,
  SIGNAL_MESSAGE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
cell_data (GtkTreeViewColumn *column,
           GtkCellRenderer   *cell,
           GtkTreeModel      *model,
           GtkTreeIter       *iter,
           gpointer           user_data)
{
  g_autofree char *sender = NULL, *subject = NULL, *preview = NULL, *date = NULL;
  g_autofree char *summary = NULL, *folder = NULL, *where = NULL, *conversation = NULL;
  gboolean unread, flagged, attachment, expanded;
  guint flags, count, depth;

  gtk_tree_model_get (model, iter,
                      TERN_MESSAGE_LIST_COLUMN_SENDER, &sender,
                      TERN_MESSAGE_LIST_COLUMN_SUBJECT, &subject,
                      TERN_MESSAGE_LIST_COLUMN_PREVIEW, &preview,
                      TERN_MESSAGE_LIST_COLUMN_DATE, &date,
                      TERN_MESSAGE_LIST_COLUMN_UNREAD, &unread,
                      TERN_MESSAGE_LIST_COLUMN_FLAGGED, &flagged,
                      TERN_MESSAGE_LIST_COLUMN_HAS_ATTACHMENT, &attachment,
                      TERN_MESSAGE_LIST_COLUMN_FLAGS, &flags,
                      TERN_MESSAGE_LIST_COLUMN_FOLDER, &folder,
                      TERN_MESSAGE_LIST_COLUMN_COUNT, &count,
                      TERN_MESSAGE_LIST_COLUMN_DEPTH, &depth,
                      TERN_MESSAGE_LIST_COLUMN_EXPANDED, &expanded,
                      -1);
  /* TRANSLATORS: a search result's folder, for the screen reader. */
  where = folder != NULL ? g_strdup_printf (_(", in %s"), folder) : g_strdup ("");
  conversation = count > 1 ? g_strdup_printf (expanded ? ngettext ("Conversation of %u message, expanded, ",
                                                                  "Conversation of %u messages, expanded, ",
                                                                  count)
                                                        : ngettext ("Conversation of %u message, ",
                                                                  "Conversation of %u messages, ", count),
                                             count)
                 : depth > 0 ? g_strdup (_("In the conversation, "))
                 : g_strdup ("");
  /* What a screen reader says for the row. */
  summary = g_strdup_printf ("%s%s%s%s%s%s, %s, %s%s",
                             conversation,
                             unread ? _("Unread, ") : "",
                             flagged ? _("Flagged, ") : "",
                             attachment ? _("With attachment, ") : "",
                             (flags & TERN_FLAG_FORWARDED) ? _("Forwarded, ")
                             : (flags & TERN_FLAG_ANSWERED) ? _("Replied, ") : "",
                             sender != NULL ? sender : "",
                             subject != NULL ? subject : "",
                             date != NULL ? date : "", where);
  g_object_set (cell,
                "text", summary,
                "sender", sender,
                "subject", subject,
                "preview", preview,
                "date", date,
                "unread", unread,
                "flagged", flagged,
                "has-attachment", attachment,
                "flags", flags,
                "folder", folder,
                "count", count,
                "depth", depth,
                "expanded", expanded,
                NULL);
}

GArray *
tern_message_list_get_selected_ids (TernMessageList *self)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GtkTreeModel *model = NULL;
  GList *rows;

  g_return_val_if_fail (TERN_IS_MESSAGE_LIST (self), ids);
  rows = gtk_tree_selection_get_selected_rows (self->selection, &model);
  for (GList *l = rows; l != NULL; l = l->next)
    {
      GtkTreeIter iter;
      if (gtk_tree_model_get_iter (model, &iter, l->data))
        {
          gint64 id = tern_message_list_model_get_id (TERN_MESSAGE_LIST_MODEL (model), &iter);
          g_array_append_val (ids, id);
        }
    }
  g_list_free_full (rows, (GDestroyNotify) gtk_tree_path_free);
  return ids;
}

static void
on_selection_changed (GtkTreeSelection *selection, TernMessageList *self)
{
  g_autoptr(GArray) ids = tern_message_list_get_selected_ids (self);

  g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0, ids);
}

static void
on_row_activated (GtkTreeView       *tree_view,
                  GtkTreePath       *path,
                  GtkTreeViewColumn *column,
                  TernMessageList   *self)
{
  GtkTreeModel *model = gtk_tree_view_get_model (tree_view);
  GtkTreeIter iter;

  if (model == NULL || !gtk_tree_model_get_iter (model, &iter, path))
    return;
  g_signal_emit (self, signals[SIGNAL_MESSAGE_ACTIVATED], 0,
                 tern_message_list_model_get_id (TERN_MESSAGE_LIST_MODEL (model), &iter));
}

/* New mail goes to the top. A tree view keeps its first visible row in
 * place when rows are inserted above it, so a list at the top would hide
 * the new message above the view until a scroll: keep such a list at the
 * top instead. A list scrolled down stays where the user put it. */
static void
on_row_inserted (GtkTreeModel *model, GtkTreePath *path, GtkTreeIter *iter, TernMessageList *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);
  g_autoptr(GtkTreePath) top = NULL;

  if (gtk_tree_path_get_indices (path)[0] != 0 ||
      gtk_adjustment_get_value (adj) > gtk_adjustment_get_lower (adj))
    return;
  top = gtk_tree_path_new_first ();
  gtk_tree_view_scroll_to_cell (self->tree_view, top, NULL, TRUE, 0.0, 0.0);
}

static void
forget_model (gpointer data, GObject *where_the_model_was)
{
  TERN_MESSAGE_LIST (data)->model = NULL;
}

static void
follow_model (TernMessageList *self, TernMessageListModel *model)
{
  if (self->model != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->model, on_row_inserted, self);
      g_object_weak_unref (G_OBJECT (self->model), forget_model, self);
    }
  self->model = model;
  if (model != NULL)
    {
      g_signal_connect (model, "row-inserted", G_CALLBACK (on_row_inserted), self);
      g_object_weak_ref (G_OBJECT (model), forget_model, self);
    }
}

void
tern_message_list_set_model (TernMessageList *self, TernMessageListModel *model)
{
  g_return_if_fail (TERN_IS_MESSAGE_LIST (self));
  g_return_if_fail (model == NULL || TERN_IS_MESSAGE_LIST_MODEL (model));
  gtk_tree_view_set_model (self->tree_view, GTK_TREE_MODEL (model));
  follow_model (self, model);
}

TernMessageListModel *
tern_message_list_get_model (TernMessageList *self)
{
  g_return_val_if_fail (TERN_IS_MESSAGE_LIST (self), NULL);
  return (TernMessageListModel *) gtk_tree_view_get_model (self->tree_view);
}

gboolean
tern_message_list_select_id (TernMessageList *self, gint64 id)
{
  TernMessageListModel *model = tern_message_list_get_model (self);
  g_autoptr(GtkTreePath) path = NULL;
  GtkTreeIter iter;

  if (model == NULL || !tern_message_list_model_get_iter_for_id (model, id, &iter))
    return FALSE;
  path = gtk_tree_model_get_path (GTK_TREE_MODEL (model), &iter);
  gtk_tree_view_set_cursor (self->tree_view, path, NULL, FALSE);
  gtk_tree_view_scroll_to_cell (self->tree_view, path, NULL, FALSE, 0, 0);
  return TRUE;
}

GtkTreeView *
tern_message_list_get_tree_view (TernMessageList *self)
{
  g_return_val_if_fail (TERN_IS_MESSAGE_LIST (self), NULL);
  return self->tree_view;
}

static void
tern_message_list_dispose (GObject *object)
{
  follow_model (TERN_MESSAGE_LIST (object), NULL);
  G_OBJECT_CLASS (tern_message_list_parent_class)->dispose (object);
}

static void
tern_message_list_class_init (TernMessageListClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = tern_message_list_dispose;
  (void) tern_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ternmail/Tern/tern-message-list.ui");
  gtk_widget_class_bind_template_child (widget_class, TernMessageList, scroller);
  gtk_widget_class_bind_template_child (widget_class, TernMessageList, tree_view);
  gtk_widget_class_bind_template_child (widget_class, TernMessageList, selection);
  gtk_widget_class_set_css_name (widget_class, "ternmessagelist");

  signals[SIGNAL_SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ARRAY);
  signals[SIGNAL_MESSAGE_ACTIVATED] =
    g_signal_new ("message-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
tern_message_list_init (TernMessageList *self)
{
  GtkTreeViewColumn *column;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->renderer = tern_message_cell_renderer_new ();
  column = gtk_tree_view_column_new ();
  gtk_tree_view_column_set_title (column, _("Message"));
  /* Fixed-height mode needs fixed-width columns. */
  gtk_tree_view_column_set_sizing (column, GTK_TREE_VIEW_COLUMN_FIXED);
  gtk_tree_view_column_set_expand (column, TRUE);
  gtk_tree_view_column_pack_start (column, self->renderer, TRUE);
  gtk_tree_view_column_set_cell_data_func (column, self->renderer, cell_data, NULL, NULL);
  gtk_tree_view_append_column (self->tree_view, column);

  g_signal_connect (self->selection, "changed", G_CALLBACK (on_selection_changed), self);
  g_signal_connect (self->tree_view, "row-activated", G_CALLBACK (on_row_activated), self);
}

GtkWidget *
tern_message_list_new (void)
{
  return g_object_new (TERN_TYPE_MESSAGE_LIST, NULL);
}
