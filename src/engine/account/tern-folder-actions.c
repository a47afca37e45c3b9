/* tern-folder-actions.c: folder create/rename/delete -> store + pending ops. */
#include <string.h>

#include "core/tern-error.h"
#include "imap/tern-imap-mailbox.h"
#include "account/tern-folder-actions.h"
#include "account/tern-mail-actions.h"

char *
tern_folder_leaf_name (const TernFolder *folder)
{
  const char *leaf = folder->path;
  const char *sep = folder->delimiter != NULL && *folder->delimiter != '\0'
                    ? strrchr (folder->path, *folder->delimiter) : NULL;

  if (sep != NULL)
    leaf = sep + 1;
  return tern_imap_mailbox_to_utf8 (leaf);
}

static gboolean
check_name (const char *name, const char *delim, GError **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (name != NULL ? name : ""));

  if (*stripped == '\0' || !g_utf8_validate (name, -1, NULL))
    return g_set_error_literal (error, TERN_ERROR, TERN_ERROR_INVALID,
                                "A folder needs a name."), FALSE;
  if (strcmp (stripped, name) != 0)
    return g_set_error_literal (error, TERN_ERROR, TERN_ERROR_INVALID,
                                "A folder name cannot start or end with a space."), FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f || *p == '*' || *p == '%' ||
        (*delim != '\0' && *p == *delim))
      return g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID,
                          "A folder name cannot contain “%s”.",
                          *p == *delim ? delim : (*p == '*' ? "*" : (*p == '%' ? "%" :
                          "control characters"))), FALSE;
  return TRUE;
}

static gboolean
is_imap (const TernAccountSettings *account)
{
  return account->protocol == TERN_PROTOCOL_IMAP;
}

/* The delimiter new folders use: the inbox's (IMAP), "/" for local ones. */
static char *
account_delimiter (TernStore *store, const TernAccountSettings *account)
{
  g_autoptr(TernFolder) inbox =
    tern_store_get_folder_by_role (store, account->id, TERN_FOLDER_ROLE_INBOX, NULL);

  if (!is_imap (account) || inbox == NULL || inbox->delimiter == NULL)
    return g_strdup ("/");
  return g_strdup (inbox->delimiter);
}

/* Where top-level folders go: "" for most servers, "INBOX." where the
 * account's own folders live below the inbox (Courier's namespace), as
 * its Trash or Sent shows. */
static char *
top_prefix (TernStore *store, const TernAccountSettings *account, const char *delim)
{
  static const TernFolderRole roles[] = { TERN_FOLDER_ROLE_TRASH, TERN_FOLDER_ROLE_SENT };

  if (!is_imap (account) || *delim == '\0')
    return g_strdup ("");
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      g_autoptr(TernFolder) f = tern_store_get_folder_by_role (store, account->id, roles[i], NULL);
      g_autofree char *below = g_strconcat ("INBOX", delim, NULL);

      if (f != NULL && g_str_has_prefix (f->path, below))
        return g_steal_pointer (&below);
    }
  return g_strdup ("");
}

static char *
encode_name (const TernAccountSettings *account, const char *name)
{
  return is_imap (account) ? tern_imap_mailbox_from_utf8 (name) : g_strdup (name);
}

static gboolean
queue_folder_op (TernStore *store, const TernAccountSettings *account, TernPendingOpKind kind,
                 const char *path, const char *dest_path, GError **error)
{
  g_autoptr(TernPendingOp) op = NULL;

  if (!is_imap (account))
    return TRUE;
  op = tern_pending_op_new (kind, path);
  op->account_id = account->id;
  op->dest_path = g_strdup (dest_path);
  return tern_store_enqueue_op (store, op, error) != 0;
}

static gboolean
finish (TernStore *store, gboolean ok, GError **error)
{
  /* Durable: the queued operation must survive a crash before it is sent. */
  if (ok && tern_store_commit (store, TRUE, error))
    return TRUE;
  tern_store_rollback (store);
  return FALSE;
}

static gboolean
check_free (TernStore *store, gint64 account_id, const char *path, const char *name,
            GError **error)
{
  g_autoptr(TernFolder) taken = tern_store_get_folder_by_path (store, account_id, path, NULL);

  if (taken == NULL)
    return TRUE;
  return g_set_error (error, TERN_ERROR, TERN_ERROR_EXISTS,
                      "There is a folder called “%s” there already.", name), FALSE;
}

gint64
tern_folder_create (TernStore *store, gint64 account_id, gint64 parent_id, const char *name,
                    GError **error)
{
  g_autoptr(TernAccountSettings) account = tern_store_get_account (store, account_id, error);
  g_autoptr(TernFolder) parent = NULL;
  g_autofree char *delim = NULL, *prefix = NULL, *leaf = NULL, *path = NULL;
  gint64 id;

  if (account == NULL)
    return 0;
  delim = account_delimiter (store, account);
  if (!check_name (name, delim, error))
    return 0;
  if (parent_id != 0 && (parent = tern_store_get_folder (store, parent_id, error)) == NULL)
    return 0;
  if (parent != NULL && parent->account_id != account_id)
    return g_set_error_literal (error, TERN_ERROR, TERN_ERROR_INVALID,
                                "A folder can only be made inside its own account."), 0;
  prefix = parent != NULL ? g_strconcat (parent->path, delim, NULL)
                          : top_prefix (store, account, delim);
  leaf = encode_name (account, name);
  path = g_strconcat (prefix, leaf, NULL);
  if (!check_free (store, account_id, path, name, error) || !tern_store_begin (store, error))
    return 0;
  id = tern_store_upsert_folder (store, account_id, path, delim, TERN_FOLDER_ROLE_NONE, TRUE,
                                 error);
  if (!finish (store, id != 0 && queue_folder_op (store, account, TERN_PENDING_CREATE_FOLDER,
                                                  path, NULL, error), error))
    return 0;
  return id;
}

static TernAccountSettings *
folder_account (TernStore *store, TernFolder *folder, GError **error)
{
  return tern_store_get_account (store, folder->account_id, error);
}

gboolean
tern_folder_rename (TernStore *store, gint64 folder_id, const char *new_name, GError **error)
{
  g_autoptr(TernFolder) folder = tern_store_get_folder (store, folder_id, error);
  g_autoptr(TernAccountSettings) account = NULL;
  g_autofree char *leaf = NULL, *path = NULL, *parent = NULL;
  const char *sep;
  gboolean ok;

  if (folder == NULL || (account = folder_account (store, folder, error)) == NULL ||
      !check_name (new_name, folder->delimiter, error))
    return FALSE;
  if (folder->role == TERN_FOLDER_ROLE_INBOX || folder->role == TERN_FOLDER_ROLE_OUTBOX)
    return g_set_error_literal (error, TERN_ERROR, TERN_ERROR_INVALID,
                                "The inbox keeps its name."), FALSE;
  sep = *folder->delimiter != '\0' ? strrchr (folder->path, *folder->delimiter) : NULL;
  leaf = encode_name (account, new_name);
  parent = g_strndup (folder->path, sep != NULL ? (gsize) (sep + 1 - folder->path) : 0);
  path = g_strconcat (parent, leaf, NULL);
  if (g_strcmp0 (path, folder->path) == 0)
    return TRUE;
  if (!check_free (store, account->id, path, new_name, error) || !tern_store_begin (store, error))
    return FALSE;
  ok = tern_store_rename_folder (store, account->id, folder->path, path, error) &&
       queue_folder_op (store, account, TERN_PENDING_RENAME_FOLDER, folder->path, path, error);
  return finish (store, ok, error);
}

static gboolean
has_children (TernStore *store, const TernFolder *folder, GError **error)
{
  g_autoptr(GPtrArray) all = tern_store_list_folders (store, folder->account_id, error);
  g_autofree char *below = g_strconcat (folder->path, folder->delimiter, NULL);

  for (guint i = 0; all != NULL && *folder->delimiter != '\0' && i < all->len; i++)
    if (g_str_has_prefix (((TernFolder *) g_ptr_array_index (all, i))->path, below))
      return TRUE;
  return FALSE;
}

/* Moves the folder's messages to Trash (queued moves, committed durably). */
static gboolean
empty_to_trash (TernStore *store, const TernFolder *folder, GError **error)
{
  g_autoptr(GArray) ids = tern_store_list_message_ids (store, folder->id, TERN_SORT_DATE, FALSE,
                                                       error);
  g_autoptr(TernFolder) trash = NULL;
  g_autofree char *name = tern_folder_leaf_name (folder);

  if (ids == NULL)
    return FALSE;
  if (ids->len == 0)
    return TRUE;
  trash = tern_store_get_folder_by_role (store, folder->account_id, TERN_FOLDER_ROLE_TRASH, NULL);
  if (trash == NULL)
    return g_set_error (error, TERN_ERROR, TERN_ERROR_NEEDS_CONFIRMATION,
                        "The folder “%s” holds %u message%s and the account has no Trash: "
                        "move them to another folder first.", name, ids->len,
                        ids->len == 1 ? "" : "s"), FALSE;
  return tern_mail_move (store, (gint64 *) ids->data, ids->len, trash->id, error);
}

gboolean
tern_folder_delete (TernStore *store, gint64 folder_id, GError **error)
{
  g_autoptr(TernFolder) folder = tern_store_get_folder (store, folder_id, error);
  g_autoptr(TernAccountSettings) account = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;
  gboolean ok;

  if (folder == NULL || (account = folder_account (store, folder, error)) == NULL)
    return FALSE;
  name = tern_folder_leaf_name (folder);
  if (folder->role != TERN_FOLDER_ROLE_NONE)
    return g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID,
                        "“%s” is one of the account's own folders and stays.", name), FALSE;
  if (has_children (store, folder, &local_error) || local_error != NULL)
    {
      if (local_error != NULL)
        return g_propagate_error (error, g_steal_pointer (&local_error)), FALSE;
      return g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID,
                          "“%s” has folders inside it: delete or move those first.",
                          name), FALSE;
    }
  /* Two durable steps: a crash between them leaves the mail in Trash and
   * the folder in place, never the other way round. */
  if (!empty_to_trash (store, folder, error) || !tern_store_begin (store, error))
    return FALSE;
  ok = queue_folder_op (store, account, TERN_PENDING_DELETE_FOLDER, folder->path, NULL, error) &&
       tern_store_delete_folder (store, folder->id, error);
  return finish (store, ok, error);
}
