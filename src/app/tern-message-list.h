/* tern-message-list.h: the message list widget (a tree view in
 * fixed-height mode over a TernMessageListModel). */
#pragma once

#include <gtk/gtk.h>

#include "tern-message-list-model.h"

G_BEGIN_DECLS

#define TERN_TYPE_MESSAGE_LIST (tern_message_list_get_type ())
G_DECLARE_FINAL_TYPE (TernMessageList, tern_message_list, TERN, MESSAGE_LIST, GtkBin)

GtkWidget *tern_message_list_new (void);

/* Shows @model (NULL for none). Opening another folder is a new model: the
 * view rebuilds its row tree once, in O(rows), without measuring rows. */
void tern_message_list_set_model (TernMessageList      *self,
                                  TernMessageListModel *model);
TernMessageListModel *tern_message_list_get_model (TernMessageList *self);

/* The selected ids, in list order (a GArray of gint64). */
GArray *tern_message_list_get_selected_ids (TernMessageList *self);
/* Selects only @id, moves the cursor there and scrolls to it. */
gboolean tern_message_list_select_id (TernMessageList *self,
                                      gint64           id);
GtkTreeView *tern_message_list_get_tree_view (TernMessageList *self);

G_END_DECLS
