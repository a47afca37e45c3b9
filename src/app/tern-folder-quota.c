/* tern-folder-quota.c: the quota line under an account in the sidebar. */
#include <glib/gi18n.h>

#include "tern-folder-sidebar.h"

void
tern_folder_sidebar_quota_line (GtkTreeStore *tree, GtkTreeIter *iter, TernStore *store,
                                gint64 account_id, int markup_col, int icon_col,
                                int tooltip_col)
{
  g_autofree char *markup = NULL;
  g_autofree char *text = NULL;
  g_autofree char *line = NULL;
  g_autofree char *escaped = NULL;
  TernQuota q = { 0 };
  gboolean full;

  if (store == NULL || !tern_store_get_quota (store, account_id, &q, NULL))
    return;
  full = tern_quota_is_nearly_full (&q);
  text = tern_quota_to_text (&q);
  gtk_tree_model_get (GTK_TREE_MODEL (tree), iter, markup_col, &markup, -1);
  /* A second line in the same cell: the sidebar is narrow, and the words
   * matter more than a bar. At 90% it says so; the tooltip says what to do. */
  escaped = g_markup_escape_text (text, -1);
  line = full ? g_strdup_printf ("%s\n<small><span weight=\"normal\">%s</span>\n%s</small>",
                                 markup, escaped, _("Almost full"))
              : g_strdup_printf ("%s\n<small><span weight=\"normal\">%s</span></small>",
                                 markup, escaped);
  gtk_tree_store_set (tree, iter, markup_col, line, -1);
  if (full)
    gtk_tree_store_set (tree, iter, icon_col, "dialog-warning-symbolic",
                        tooltip_col,
                        _("Your mailbox on the server is almost full. New mail may bounce. "
                          "Archive old mail to this computer to make room."), -1);
}
