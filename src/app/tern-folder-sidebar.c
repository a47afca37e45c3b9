/* tern-folder-sidebar.c: the folder tree (see the header). */
#include <glib/gi18n.h>

#include "tern-a11y.h"
#include "tern-folder-sidebar.h"
#include "imap/tern-imap-mailbox.h"

enum {
  COL_IS_ACCOUNT,   /* gboolean */
  COL_ID,           /* gint64: account id or folder id */
  COL_ACCOUNT_ID,   /* gint64 */
  COL_NAME,         /* string */
  COL_ICON,         /* string: icon name */
  COL_BADGE,        /* string: unread count, or the account state */
  COL_WEIGHT,       /* int: bold when unread */
  COL_MARKUP,       /* string: what is shown as the name */
  COL_IS_OUTBOX,    /* gboolean: the account's outbox (COL_ID is the account) */
  COL_TOOLTIP,      /* string or NULL */
  COL_IS_LOCAL,     /* gboolean: "On this computer" or one of its folders */
  N_COLS
};

struct _TernFolderSidebar
{
  GtkBin parent_instance;
  GtkTreeView *tree_view;
  GtkTreeStore *tree;
  GHashTable *states;        /* account id -> TernWorkerState + 1 */
  GHashTable *progress;      /* account id -> "Downloading 12,400 of 100,000" while syncing */
  TernStore *store;          /* of the last reload: the quota lines read it */
  gboolean reloading;
};

enum { SIGNAL_FOLDER_SELECTED, SIGNAL_MESSAGES_DROPPED, SIGNAL_OUTBOX_SELECTED,
       SIGNAL_FILES_DROPPED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TernFolderSidebar, tern_folder_sidebar, GTK_TYPE_BIN)

const char *
tern_folder_icon_name (TernFolderRole role)
{
  switch (role)
    {
    case TERN_FOLDER_ROLE_INBOX: return "mail-unread-symbolic";
    case TERN_FOLDER_ROLE_SENT: return "mail-send-symbolic";
    case TERN_FOLDER_ROLE_DRAFTS: return "document-edit-symbolic";
    case TERN_FOLDER_ROLE_TRASH: return "user-trash-symbolic";
    case TERN_FOLDER_ROLE_JUNK: return "mail-mark-junk-symbolic";
    case TERN_FOLDER_ROLE_ARCHIVE: return "folder-documents-symbolic";
    case TERN_FOLDER_ROLE_OUTBOX: return "mail-send-receive-symbolic";
    case TERN_FOLDER_ROLE_NONE:
    default: return "folder-symbolic";
    }
}

/* Special folders in the order people look for them. */
static int
role_rank (TernFolderRole role)
{
  switch (role)
    {
    case TERN_FOLDER_ROLE_INBOX: return 0;
    case TERN_FOLDER_ROLE_DRAFTS: return 1;
    case TERN_FOLDER_ROLE_SENT: return 2;
    case TERN_FOLDER_ROLE_OUTBOX: return 3;
    case TERN_FOLDER_ROLE_ARCHIVE: return 4;
    case TERN_FOLDER_ROLE_JUNK: return 5;
    case TERN_FOLDER_ROLE_TRASH: return 6;
    case TERN_FOLDER_ROLE_NONE:
    default: return 100;
    }
}

static const char *
last_component (const TernFolder *folder)
{
  const char *delim = folder->delimiter != NULL && *folder->delimiter ? folder->delimiter : "/";
  const char *last = g_strrstr (folder->path, delim);

  return last != NULL ? last + strlen (delim) : folder->path;
}

char *
tern_folder_display_name (const TernFolder *folder)
{
  switch (folder->role)
    {
    case TERN_FOLDER_ROLE_INBOX: return g_strdup (_("Inbox"));
    case TERN_FOLDER_ROLE_SENT: return g_strdup (_("Sent"));
    case TERN_FOLDER_ROLE_DRAFTS: return g_strdup (_("Drafts"));
    case TERN_FOLDER_ROLE_TRASH: return g_strdup (_("Trash"));
    case TERN_FOLDER_ROLE_JUNK: return g_strdup (_("Junk"));
    case TERN_FOLDER_ROLE_ARCHIVE: return g_strdup (_("Archive"));
    case TERN_FOLDER_ROLE_OUTBOX: return g_strdup (_("Outbox"));
    case TERN_FOLDER_ROLE_NONE:
    default:
      /* IMAP names folders in modified UTF-7 ("Entw&APw-rfe"). */
      return tern_imap_mailbox_to_utf8 (last_component (folder));
    }
}

static const char *
state_text (TernWorkerState state)
{
  switch (state)
    {
    case TERN_WORKER_CONNECTING: return _("Connecting…");
    case TERN_WORKER_SYNCING: return _("Syncing…");
    case TERN_WORKER_OFFLINE: return _("Offline");
    case TERN_WORKER_NEEDS_USER: return _("Needs attention");
    case TERN_WORKER_STOPPED: return _("Stopped");
    case TERN_WORKER_IDLE:
    default: return "";
    }
}

static const char *
state_icon (TernWorkerState state)
{
  switch (state)
    {
    case TERN_WORKER_CONNECTING:
    case TERN_WORKER_SYNCING: return "emblem-synchronizing-symbolic";
    case TERN_WORKER_OFFLINE: return "network-offline-symbolic";
    case TERN_WORKER_NEEDS_USER: return "dialog-warning-symbolic";
    case TERN_WORKER_STOPPED:
    case TERN_WORKER_IDLE:
    default: return "mail-read-symbolic";
    }
}

static int
compare_folders (gconstpointer a, gconstpointer b)
{
  const TernFolder *fa = *(TernFolder * const *) a;
  const TernFolder *fb = *(TernFolder * const *) b;
  int ra = role_rank (fa->role), rb = role_rank (fb->role);

  if (ra != rb)
    return ra - rb;
  return g_utf8_collate (fa->path, fb->path);
}

static void
set_folder_row (TernFolderSidebar *self, GtkTreeIter *iter, const TernFolder *f)
{
  g_autofree char *name = tern_folder_display_name (f);
  g_autofree char *badge = f->unread_count > 0 ? g_strdup_printf ("%u", f->unread_count) : NULL;
  g_autofree char *markup = g_markup_escape_text (name, -1);

  gtk_tree_store_set (self->tree, iter,
                      COL_IS_ACCOUNT, FALSE, COL_ID, f->id, COL_ACCOUNT_ID, f->account_id,
                      COL_NAME, name, COL_ICON, tern_folder_icon_name (f->role),
                      COL_BADGE, badge, COL_MARKUP, markup,
                      COL_WEIGHT, f->unread_count > 0 ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL,
                      -1);
}

/* The account's outbox: how many messages wait, and in plain words how
 * many of them the server refused. */
static void
set_outbox_row (TernFolderSidebar *self, GtkTreeIter *iter, gint64 account_id, guint n,
                guint n_failed)
{
  g_autofree char *badge = n > 0 ? g_strdup_printf ("%u", n) : NULL;
  g_autofree char *markup = g_markup_escape_text (_("Outbox"), -1);
  g_autofree char *tooltip = NULL;

  /* The sidebar is narrow: the refusal shows as the warning icon, and in
   * words in the tooltip and the outbox itself. */
  if (n_failed > 0)
    tooltip = g_strdup_printf (ngettext ("%u message was not sent: the outgoing mail server (SMTP) refused it.",
                                         "%u messages were not sent: the outgoing mail server (SMTP) refused them.",
                                         n_failed), n_failed);
  else if (n > 0)
    tooltip = g_strdup_printf (ngettext ("%u message waiting to be sent", "%u messages waiting to be sent", n), n);
  gtk_tree_store_set (self->tree, iter,
                      COL_IS_ACCOUNT, FALSE, COL_IS_OUTBOX, TRUE, COL_ID, account_id,
                      COL_ACCOUNT_ID, account_id, COL_NAME, _("Outbox"),
                      COL_ICON, n_failed > 0 ? "dialog-warning-symbolic"
                                             : tern_folder_icon_name (TERN_FOLDER_ROLE_OUTBOX),
                      COL_BADGE, badge, COL_MARKUP, markup, COL_TOOLTIP, tooltip,
                      COL_WEIGHT, n > 0 ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL, -1);
}

static void
add_outbox (TernFolderSidebar *self, GtkTreeIter *account_iter, TernStore *store,
            gint64 account_id)
{
  guint n = 0, n_failed = 0;
  g_autoptr(GError) error = NULL;
  GtkTreeIter iter;

  if (!tern_store_count_outbox (store, account_id, &n, &n_failed, &error))
    g_warning ("Could not count the outbox: %s", error->message);
  gtk_tree_store_append (self->tree, &iter, account_iter);
  set_outbox_row (self, &iter, account_id, n, n_failed);
}

/* The parent row of a plain folder: the row of its path's parent, when
 * that parent is a plain folder too; else the account. The account's
 * outbox goes after Inbox, Drafts and Sent. */
static void
add_folders (TernFolderSidebar *self, GtkTreeIter *account_iter, GPtrArray *folders,
             TernStore *store, gint64 account_id, gboolean is_local)
{
  /* Folders on this computer send nothing: they have no outbox. */
  gboolean outbox_added = is_local;

  g_autoptr(GHashTable) by_path = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_ptr_array_sort (folders, compare_folders);
  for (guint i = 0; i < folders->len; i++)
    {
      TernFolder *f = g_ptr_array_index (folders, i);
      GtkTreeIter iter, *parent = account_iter;
      const char *delim = f->delimiter != NULL && *f->delimiter ? f->delimiter : NULL;
      g_autofree char *parent_path = NULL;

      if (f->role == TERN_FOLDER_ROLE_OUTBOX)
        continue;   /* the store's outbox is shown instead */
      if (!outbox_added && role_rank (f->role) > role_rank (TERN_FOLDER_ROLE_OUTBOX))
        {
          add_outbox (self, account_iter, store, account_id);
          outbox_added = TRUE;
        }
      if (f->role == TERN_FOLDER_ROLE_NONE && delim != NULL)
        {
          const char *last = g_strrstr (f->path, delim);
          if (last != NULL)
            {
              parent_path = g_strndup (f->path, last - f->path);
              GtkTreeIter *p = g_hash_table_lookup (by_path, parent_path);
              if (p != NULL)
                parent = p;
            }
        }
      gtk_tree_store_append (self->tree, &iter, parent);
      set_folder_row (self, &iter, f);
      gtk_tree_store_set (self->tree, &iter, COL_IS_LOCAL, is_local, -1);
      if (f->role == TERN_FOLDER_ROLE_NONE)
        g_hash_table_insert (by_path, f->path, g_memdup2 (&iter, sizeof iter));
    }
  if (!outbox_added)
    add_outbox (self, account_iter, store, account_id);
}

static TernWorkerState
account_state (TernFolderSidebar *self, gint64 account_id)
{
  gpointer v = g_hash_table_lookup (self->states, &account_id);

  return v != NULL ? (TernWorkerState) (GPOINTER_TO_INT (v) - 1) : TERN_WORKER_CONNECTING;
}

static void
set_account_row (TernFolderSidebar *self, GtkTreeIter *iter, gint64 account_id)
{
  TernWorkerState state = account_state (self, account_id);

  g_autofree char *name = NULL;
  g_autofree char *markup = NULL;
  const char *progress = g_hash_table_lookup (self->progress, &account_id);
  const char *text = state == TERN_WORKER_SYNCING && progress != NULL ? progress
                                                                      : state_text (state);

  g_autofree char *tooltip = NULL;

  /* The state goes under the name, not beside it or in the badge column:
   * a column's cells share one width, and "alice@example.com · Offline"
   * would be cut off in a sidebar of usual width. */
  gtk_tree_model_get (GTK_TREE_MODEL (self->tree), iter, COL_NAME, &name, -1);
  markup = *text != '\0' ? g_markup_printf_escaped ("<b>%s</b>\n<small>%s</small>", name, text)
                         : g_markup_printf_escaped ("<b>%s</b>", name);
  tooltip = *text != '\0' ? g_markup_printf_escaped ("%s — %s", name, text) : g_markup_escape_text (name, -1);
  gtk_tree_store_set (self->tree, iter, COL_ICON, state_icon (state), COL_MARKUP, markup,
                      COL_TOOLTIP, tooltip, -1);
  tern_folder_sidebar_quota_line (self->tree, iter, self->store, account_id, COL_MARKUP,
                                  COL_ICON, COL_TOOLTIP);
}

/* "On this computer", below the accounts, even before its first folder:
 * its row is where the user makes one (COL_ID 0 until then). */
static void
add_local (TernFolderSidebar *self, TernStore *store)
{
  g_autoptr(TernAccountSettings) local = tern_store_get_local_account (store, FALSE, NULL);
  g_autoptr(GPtrArray) folders = local != NULL ? tern_store_list_folders (store, local->id, NULL)
                                               : NULL;
  g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>", _("On this computer"));
  gint64 id = local != NULL ? local->id : 0;
  GtkTreeIter iter;

  gtk_tree_store_append (self->tree, &iter, NULL);
  gtk_tree_store_set (self->tree, &iter, COL_IS_ACCOUNT, TRUE, COL_ID, id, COL_ACCOUNT_ID, id,
                      COL_NAME, _("On this computer"), COL_ICON, "computer-symbolic",
                      COL_MARKUP, markup, COL_WEIGHT, PANGO_WEIGHT_BOLD, COL_IS_LOCAL, TRUE,
                      COL_TOOLTIP, _("Mail kept only on this computer, in folders you make"),
                      -1);
  if (folders != NULL)
    add_folders (self, &iter, folders, store, id, TRUE);
}

void
tern_folder_sidebar_reload (TernFolderSidebar *self, TernStore *store)
{
  g_autoptr(GPtrArray) accounts = tern_store_list_accounts (store, NULL);
  gint64 selected = tern_folder_sidebar_get_selected_folder (self);
  gint64 selected_outbox = tern_folder_sidebar_get_selected_outbox (self);

  self->reloading = TRUE;
  g_set_object (&self->store, store);
  gtk_tree_store_clear (self->tree);
  for (guint i = 0; accounts != NULL && i < accounts->len; i++)
    {
      TernAccountSettings *a = g_ptr_array_index (accounts, i);
      g_autoptr(GPtrArray) folders = tern_store_list_folders (store, a->id, NULL);
      GtkTreeIter iter;

      gtk_tree_store_append (self->tree, &iter, NULL);
      gtk_tree_store_set (self->tree, &iter, COL_IS_ACCOUNT, TRUE, COL_ID, a->id,
                          COL_ACCOUNT_ID, a->id, COL_NAME, a->name,
                          COL_WEIGHT, PANGO_WEIGHT_BOLD, -1);
      set_account_row (self, &iter, a->id);
      if (folders == NULL)
        folders = g_ptr_array_new ();
      add_folders (self, &iter, folders, store, a->id, FALSE);
    }
  add_local (self, store);
  gtk_tree_view_expand_all (self->tree_view);
  /* The same folder selected again is no change for the window: its list
   * and selection stay. */
  if (selected != 0)
    tern_folder_sidebar_select_folder (self, selected);
  else if (selected_outbox != 0)
    tern_folder_sidebar_select_outbox (self, selected_outbox);
  self->reloading = FALSE;
  if (selected_outbox != 0 && tern_folder_sidebar_get_selected_outbox (self) == 0)
    g_signal_emit (self, signals[SIGNAL_FOLDER_SELECTED], 0, tern_folder_sidebar_get_selected_folder (self));
  else if (selected_outbox == 0 && tern_folder_sidebar_get_selected_folder (self) != selected)
    g_signal_emit (self, signals[SIGNAL_FOLDER_SELECTED], 0, tern_folder_sidebar_get_selected_folder (self));
}

typedef enum { ROW_FOLDER, ROW_ACCOUNT, ROW_OUTBOX } RowKind;

static RowKind
row_kind (GtkTreeModel *model, GtkTreeIter *iter, gint64 *id)
{
  gboolean is_account = FALSE, is_outbox = FALSE;

  gtk_tree_model_get (model, iter, COL_IS_ACCOUNT, &is_account, COL_IS_OUTBOX, &is_outbox,
                      COL_ID, id, -1);
  return is_account ? ROW_ACCOUNT : is_outbox ? ROW_OUTBOX : ROW_FOLDER;
}

typedef struct {
  RowKind kind;
  gint64 id;
  GtkTreeIter iter;
  gboolean found;
} FindData;

static gboolean
find_row (GtkTreeModel *model, GtkTreePath *path, GtkTreeIter *iter, gpointer data)
{
  FindData *fd = data;
  gint64 id;

  if (row_kind (model, iter, &id) == fd->kind && id == fd->id)
    {
      fd->iter = *iter;
      fd->found = TRUE;
    }
  return fd->found;
}

static gboolean
lookup (TernFolderSidebar *self, RowKind kind, gint64 id, GtkTreeIter *iter)
{
  FindData fd = { kind, id, { 0 }, FALSE };

  gtk_tree_model_foreach (GTK_TREE_MODEL (self->tree), find_row, &fd);
  if (fd.found)
    *iter = fd.iter;
  return fd.found;
}

void
tern_folder_sidebar_update_folder (TernFolderSidebar *self, TernStore *store, gint64 folder_id)
{
  g_autoptr(TernFolder) folder = tern_store_get_folder (store, folder_id, NULL);
  GtkTreeIter iter;

  if (folder != NULL && lookup (self, ROW_FOLDER, folder_id, &iter))
    set_folder_row (self, &iter, folder);
}

void
tern_folder_sidebar_set_account_state (TernFolderSidebar *self, gint64 account_id,
                                       TernWorkerState state)
{
  gint64 *key = g_new (gint64, 1);
  GtkTreeIter iter;

  *key = account_id;
  g_hash_table_replace (self->states, key, GINT_TO_POINTER ((int) state + 1));
  if (state != TERN_WORKER_SYNCING)
    g_hash_table_remove (self->progress, &account_id);
  if (lookup (self, ROW_ACCOUNT, account_id, &iter))
    set_account_row (self, &iter, account_id);
}

void
tern_folder_sidebar_set_account_progress (TernFolderSidebar *self, gint64 account_id,
                                          guint done, guint total)
{
  GtkTreeIter iter;

  if (total == 0 || done >= total)
    g_hash_table_remove (self->progress, &account_id);
  else
    /* %'u groups the digits as the user's locale does. */
    g_hash_table_replace (self->progress, g_memdup2 (&account_id, sizeof account_id),
                          g_strdup_printf (_("Downloading %'u of %'u"), done, total));
  if (lookup (self, ROW_ACCOUNT, account_id, &iter))
    set_account_row (self, &iter, account_id);
}

char *
tern_folder_sidebar_get_account_text (TernFolderSidebar *self, gint64 account_id)
{
  GtkTreeIter iter;
  char *markup = NULL;

  if (lookup (self, ROW_ACCOUNT, account_id, &iter))
    gtk_tree_model_get (GTK_TREE_MODEL (self->tree), &iter, COL_MARKUP, &markup, -1);
  return markup;
}

void
tern_folder_sidebar_update_outbox (TernFolderSidebar *self, TernStore *store, gint64 account_id)
{
  guint n = 0, n_failed = 0;
  g_autoptr(GError) error = NULL;
  GtkTreeIter iter;

  if (!lookup (self, ROW_OUTBOX, account_id, &iter))
    return;
  if (!tern_store_count_outbox (store, account_id, &n, &n_failed, &error))
    {
      g_warning ("Could not count the outbox: %s", error->message);
      return;
    }
  set_outbox_row (self, &iter, account_id, n, n_failed);
}

guint
tern_folder_sidebar_get_outbox_count (TernFolderSidebar *self, gint64 account_id)
{
  g_autofree char *badge = NULL;
  GtkTreeIter iter;

  if (!lookup (self, ROW_OUTBOX, account_id, &iter))
    return 0;
  gtk_tree_model_get (GTK_TREE_MODEL (self->tree), &iter, COL_BADGE, &badge, -1);
  return badge != NULL ? (guint) g_ascii_strtoull (badge, NULL, 10) : 0;
}

static gboolean
select_row (TernFolderSidebar *self, RowKind kind, gint64 id)
{
  GtkTreeIter iter;
  g_autoptr(GtkTreePath) path = NULL;

  if (!lookup (self, kind, id, &iter))
    return FALSE;
  path = gtk_tree_model_get_path (GTK_TREE_MODEL (self->tree), &iter);
  gtk_tree_view_expand_to_path (self->tree_view, path);
  gtk_tree_view_set_cursor (self->tree_view, path, NULL, FALSE);
  return TRUE;
}

gboolean
tern_folder_sidebar_select_outbox (TernFolderSidebar *self, gint64 account_id)
{
  return select_row (self, ROW_OUTBOX, account_id);
}

static gint64
selected_of_kind (TernFolderSidebar *self, RowKind kind)
{
  GtkTreeSelection *selection = gtk_tree_view_get_selection (self->tree_view);
  GtkTreeModel *model;
  GtkTreeIter iter;
  gint64 id;

  if (!gtk_tree_selection_get_selected (selection, &model, &iter))
    return 0;
  return row_kind (model, &iter, &id) == kind ? id : 0;
}

gint64
tern_folder_sidebar_get_selected_outbox (TernFolderSidebar *self)
{
  return selected_of_kind (self, ROW_OUTBOX);
}

gboolean
tern_folder_sidebar_select_folder (TernFolderSidebar *self, gint64 folder_id)
{
  return select_row (self, ROW_FOLDER, folder_id);
}

gint64
tern_folder_sidebar_get_selected_folder (TernFolderSidebar *self)
{
  return selected_of_kind (self, ROW_FOLDER);
}

gboolean
tern_folder_sidebar_row_at (TernFolderSidebar *self, int x, int y, gint64 *folder_id,
                            gint64 *account_id, gboolean *is_local)
{
  g_autoptr(GtkTreePath) path = NULL;
  GtkTreeIter iter;
  gint64 id = 0, account = 0;
  gboolean local = FALSE;

  if (!gtk_tree_view_get_path_at_pos (self->tree_view, x, y, &path, NULL, NULL, NULL) ||
      !gtk_tree_model_get_iter (GTK_TREE_MODEL (self->tree), &iter, path))
    return FALSE;
  gtk_tree_model_get (GTK_TREE_MODEL (self->tree), &iter, COL_ACCOUNT_ID, &account,
                      COL_IS_LOCAL, &local, -1);
  *folder_id = row_kind (GTK_TREE_MODEL (self->tree), &iter, &id) == ROW_FOLDER ? id : 0;
  *account_id = account;
  *is_local = local;
  return TRUE;
}

gint64
tern_folder_sidebar_get_cursor_account (TernFolderSidebar *self)
{
  g_autoptr(GtkTreePath) path = NULL;
  GtkTreeIter iter;
  gboolean local = FALSE;
  gint64 id = 0;

  gtk_tree_view_get_cursor (self->tree_view, &path, NULL);
  if (path == NULL || !gtk_tree_model_get_iter (GTK_TREE_MODEL (self->tree), &iter, path) ||
      row_kind (GTK_TREE_MODEL (self->tree), &iter, &id) != ROW_ACCOUNT)
    return 0;
  gtk_tree_model_get (GTK_TREE_MODEL (self->tree), &iter, COL_IS_LOCAL, &local, -1);
  return local ? 0 : id;
}

GtkTreeView *
tern_folder_sidebar_get_tree_view (TernFolderSidebar *self)
{
  return self->tree_view;
}

static void
on_selection_changed (GtkTreeSelection *selection, TernFolderSidebar *self)
{
  gint64 outbox;

  if (self->reloading)
    return;
  outbox = tern_folder_sidebar_get_selected_outbox (self);
  if (outbox != 0)
    g_signal_emit (self, signals[SIGNAL_OUTBOX_SELECTED], 0, outbox);
  else
    g_signal_emit (self, signals[SIGNAL_FOLDER_SELECTED], 0,
                   tern_folder_sidebar_get_selected_folder (self));
}

/* Only folders can be selected; a click on an account row folds it. */
static gboolean
select_func (GtkTreeSelection *selection, GtkTreeModel *model, GtkTreePath *path,
             gboolean selected, gpointer data)
{
  GtkTreeIter iter;
  gboolean is_account = FALSE;

  if (gtk_tree_model_get_iter (model, &iter, path))
    gtk_tree_model_get (model, &iter, COL_IS_ACCOUNT, &is_account, -1);
  return !is_account;
}

/* ---- drag and drop of messages onto folders ---- */

static gint64
folder_at (TernFolderSidebar *self, int x, int y)
{
  g_autoptr(GtkTreePath) path = NULL;
  GtkTreeIter iter;
  gint64 id = 0;
  int bx, by;

  gtk_tree_view_convert_widget_to_bin_window_coords (self->tree_view, x, y, &bx, &by);
  if (!gtk_tree_view_get_path_at_pos (self->tree_view, bx, by, &path, NULL, NULL, NULL) ||
      !gtk_tree_model_get_iter (GTK_TREE_MODEL (self->tree), &iter, path))
    return 0;
  /* Messages go into folders only, never into an account or its outbox. */
  if (row_kind (GTK_TREE_MODEL (self->tree), &iter, &id) != ROW_FOLDER)
    return 0;
  gtk_tree_view_set_drag_dest_row (self->tree_view, path, GTK_TREE_VIEW_DROP_INTO_OR_AFTER);
  return id;
}

static gboolean
on_drag_motion (GtkWidget *widget, GdkDragContext *context, int x, int y, guint time,
                TernFolderSidebar *self)
{
  gboolean ok = folder_at (self, x, y) != 0;
  /* Files from another program are imported (copied); messages move. */
  gboolean files = gtk_drag_dest_find_target (widget, context, NULL) ==
                   gdk_atom_intern_static_string ("text/uri-list");

  if (!ok)
    gtk_tree_view_set_drag_dest_row (self->tree_view, NULL, 0);
  gdk_drag_status (context, ok ? (files ? GDK_ACTION_COPY : GDK_ACTION_MOVE) : 0, time);
  return TRUE;
}

static void
on_drag_leave (GtkWidget *widget, GdkDragContext *context, guint time, TernFolderSidebar *self)
{
  gtk_tree_view_set_drag_dest_row (self->tree_view, NULL, 0);
}

static gboolean
on_drag_drop (GtkWidget *widget, GdkDragContext *context, int x, int y, guint time,
              TernFolderSidebar *self)
{
  GdkAtom target = gtk_drag_dest_find_target (widget, context, NULL);

  if (target == GDK_NONE || folder_at (self, x, y) == 0)
    return FALSE;
  gtk_drag_get_data (widget, context, target, time);
  return TRUE;
}

static void
on_drag_data_received (GtkWidget *widget, GdkDragContext *context, int x, int y,
                       GtkSelectionData *data, guint info, guint time, TernFolderSidebar *self)
{
  gint64 folder_id = folder_at (self, x, y);
  const char *text = (const char *) gtk_selection_data_get_data (data);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_auto(GStrv) parts = NULL;

  g_auto(GStrv) uris = gtk_selection_data_get_uris (data);

  gtk_tree_view_set_drag_dest_row (self->tree_view, NULL, 0);
  if (folder_id != 0 && uris != NULL)
    {
      g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; uris[i] != NULL; i++)
        {
          char *path = g_filename_from_uri (uris[i], NULL, NULL);
          if (path != NULL)
            g_ptr_array_add (paths, path);
        }
      g_ptr_array_add (paths, NULL);
      if (paths->len > 1)
        g_signal_emit (self, signals[SIGNAL_FILES_DROPPED], 0, folder_id, paths->pdata);
      gtk_drag_finish (context, paths->len > 1, FALSE, time);
      return;
    }
  if (folder_id == 0 || text == NULL || gtk_selection_data_get_length (data) <= 0)
    {
      gtk_drag_finish (context, FALSE, FALSE, time);
      return;
    }
  parts = g_strsplit (text, " ", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      gint64 id = g_ascii_strtoll (parts[i], NULL, 10);
      if (id > 0)
        g_array_append_val (ids, id);
    }
  if (ids->len > 0)
    g_signal_emit (self, signals[SIGNAL_MESSAGES_DROPPED], 0, folder_id, ids);
  gtk_drag_finish (context, ids->len > 0, FALSE, time);
}

/* ---- construction ---- */

static void
tern_folder_sidebar_finalize (GObject *object)
{
  TernFolderSidebar *self = TERN_FOLDER_SIDEBAR (object);

  g_hash_table_unref (self->states);
  g_hash_table_unref (self->progress);
  g_clear_object (&self->store);
  g_clear_object (&self->tree);
  G_OBJECT_CLASS (tern_folder_sidebar_parent_class)->finalize (object);
}

static void
tern_folder_sidebar_class_init (TernFolderSidebarClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_folder_sidebar_finalize;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "ternfoldersidebar");
  signals[SIGNAL_FOLDER_SELECTED] =
    g_signal_new ("folder-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[SIGNAL_MESSAGES_DROPPED] =
    g_signal_new ("messages-dropped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_ARRAY);
  signals[SIGNAL_FILES_DROPPED] =
    g_signal_new ("files-dropped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_STRV);
  signals[SIGNAL_OUTBOX_SELECTED] =
    g_signal_new ("outbox-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

/* Folder names may be cut short (their tooltip has them whole); account
 * names are not: the sidebar is never narrower than the longest of them. */
static void
name_cell_data (GtkTreeViewColumn *column, GtkCellRenderer *cell, GtkTreeModel *model,
                GtkTreeIter *iter, gpointer data)
{
  gboolean is_account = FALSE;

  gtk_tree_model_get (model, iter, COL_IS_ACCOUNT, &is_account, -1);
  /* Both: a renderer with width-chars asks only for that many characters. */
  g_object_set (cell, "ellipsize", is_account ? PANGO_ELLIPSIZE_NONE : PANGO_ELLIPSIZE_END,
                "width-chars", is_account ? -1 : 8, NULL);
}

static void
add_columns (TernFolderSidebar *self)
{
  GtkTreeViewColumn *column = gtk_tree_view_column_new ();
  GtkCellRenderer *icon = gtk_cell_renderer_pixbuf_new ();
  GtkCellRenderer *name = gtk_cell_renderer_text_new ();
  GtkCellRenderer *badge = gtk_cell_renderer_text_new ();

  g_object_set (name, "ellipsize", PANGO_ELLIPSIZE_END, "width-chars", 8, NULL);
  g_object_set (badge, "xalign", 1.0, "xpad", 6, "scale", 0.85, NULL);
  gtk_tree_view_column_pack_start (column, icon, FALSE);
  gtk_tree_view_column_pack_start (column, name, TRUE);
  gtk_tree_view_column_pack_end (column, badge, FALSE);
  gtk_tree_view_column_add_attribute (column, icon, "icon-name", COL_ICON);
  gtk_tree_view_column_add_attribute (column, name, "markup", COL_MARKUP);
  gtk_tree_view_column_add_attribute (column, name, "weight", COL_WEIGHT);
  gtk_tree_view_column_add_attribute (column, badge, "text", COL_BADGE);
  gtk_tree_view_column_set_cell_data_func (column, name, name_cell_data, NULL, NULL);
  gtk_tree_view_column_set_expand (column, TRUE);
  gtk_tree_view_append_column (self->tree_view, column);
}

static void
tern_folder_sidebar_init (TernFolderSidebar *self)
{
  static const GtkTargetEntry targets[] = {
    { (char *) TERN_MESSAGE_IDS_TARGET, GTK_TARGET_SAME_APP, 0 },
    { (char *) "text/uri-list", GTK_TARGET_OTHER_APP, 1 },
  };
  GtkWidget *scroller = gtk_scrolled_window_new (NULL, NULL);
  GtkTreeSelection *selection;

  tern_a11y_set_name (scroller, _("Folders"));   /* GTK leaves scroll panes nameless */
  self->states = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->progress = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->tree = gtk_tree_store_new (N_COLS, G_TYPE_BOOLEAN, G_TYPE_INT64, G_TYPE_INT64,
                                   G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_INT,
                                   G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_STRING, G_TYPE_BOOLEAN);
  self->tree_view = GTK_TREE_VIEW (gtk_tree_view_new_with_model (GTK_TREE_MODEL (self->tree)));
  gtk_tree_view_set_headers_visible (self->tree_view, FALSE);
  gtk_tree_view_set_tooltip_column (self->tree_view, COL_TOOLTIP);
  gtk_tree_view_set_enable_search (self->tree_view, FALSE);
  atk_object_set_name (gtk_widget_get_accessible (GTK_WIDGET (self->tree_view)), _("Folders"));
  add_columns (self);
  selection = gtk_tree_view_get_selection (self->tree_view);
  gtk_tree_selection_set_select_function (selection, select_func, NULL, NULL);
  g_signal_connect (selection, "changed", G_CALLBACK (on_selection_changed), self);

  gtk_drag_dest_set (GTK_WIDGET (self->tree_view), 0, targets, G_N_ELEMENTS (targets),
                     GDK_ACTION_MOVE | GDK_ACTION_COPY);
  g_signal_connect (self->tree_view, "drag-motion", G_CALLBACK (on_drag_motion), self);
  g_signal_connect (self->tree_view, "drag-leave", G_CALLBACK (on_drag_leave), self);
  g_signal_connect (self->tree_view, "drag-drop", G_CALLBACK (on_drag_drop), self);
  g_signal_connect (self->tree_view, "drag-data-received", G_CALLBACK (on_drag_data_received),
                    self);

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_container_add (GTK_CONTAINER (scroller), GTK_WIDGET (self->tree_view));
  gtk_container_add (GTK_CONTAINER (self), scroller);
  gtk_widget_show_all (scroller);
}

GtkWidget *
tern_folder_sidebar_new (void)
{
  return g_object_new (TERN_TYPE_FOLDER_SIDEBAR, NULL);
}
