/* tern-local-folders.c: create, rename and delete folders "On this computer". */
#include "core/tern-error.h"
#include "account/tern-local-folders.h"

#include <string.h>

#define DELIMITER "/"

static gboolean
check_path (const char *path, GError **error)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (path != NULL ? path : ""));

  if (*stripped == '\0')
    return g_set_error_literal (error, TERN_ERROR, TERN_ERROR_INVALID,
                                "A folder needs a name."), FALSE;
  if (!g_utf8_validate (path, -1, NULL))
    return g_set_error_literal (error, TERN_ERROR, TERN_ERROR_INVALID,
                                "The folder name is not valid text."), FALSE;
  parts = g_strsplit (path, DELIMITER, -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (*g_strstrip (parts[i]) == '\0')
      return g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID,
                          "“%s” has an empty part: folder names are separated by "
                          "a single “/”.", path), FALSE;
  return TRUE;
}

gboolean
tern_local_folder_is_local (TernStore *store, gint64 folder_id)
{
  g_autoptr(TernFolder) f = tern_store_get_folder (store, folder_id, NULL);
  g_autoptr(TernAccountSettings) a = f != NULL
      ? tern_store_get_account (store, f->account_id, NULL) : NULL;

  return a != NULL && a->protocol == TERN_PROTOCOL_LOCAL;
}

static gboolean
check_local (TernStore *store, gint64 folder_id, GError **error)
{
  if (tern_local_folder_is_local (store, folder_id))
    return TRUE;
  return g_set_error_literal (error, TERN_ERROR, TERN_ERROR_INVALID,
                              "That folder is not on this computer."), FALSE;
}

TernFolder *
tern_local_folder_create (TernStore *store, const char *path, GError **error)
{
  g_autoptr(TernAccountSettings) account = NULL;
  g_autoptr(TernFolder) existing = NULL;
  gint64 id;

  if (!check_path (path, error) ||
      (account = tern_store_get_local_account (store, TRUE, error)) == NULL)
    return NULL;
  existing = tern_store_get_folder_by_path (store, account->id, path, NULL);
  if (existing != NULL)
    return g_set_error (error, TERN_ERROR, TERN_ERROR_EXISTS,
                        "There is already a folder “%s” on this computer.", path), NULL;
  id = tern_store_upsert_folder (store, account->id, path, DELIMITER, TERN_FOLDER_ROLE_NONE,
                                 TRUE, error);
  return id != 0 ? tern_store_get_folder (store, id, error) : NULL;
}

TernFolder *
tern_local_folder_ensure (TernStore *store, const char *path, GError **error)
{
  g_autoptr(TernAccountSettings) account = NULL;
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) sofar = g_string_new (NULL);

  if (!check_path (path, error) ||
      (account = tern_store_get_local_account (store, TRUE, error)) == NULL)
    return NULL;
  parts = g_strsplit (path, DELIMITER, -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autoptr(TernFolder) f = NULL;

      g_string_append_printf (sofar, "%s%s", i > 0 ? DELIMITER : "", parts[i]);
      f = tern_store_get_folder_by_path (store, account->id, sofar->str, NULL);
      if (f == NULL && (f = tern_local_folder_create (store, sofar->str, error)) == NULL)
        return NULL;
      if (parts[i + 1] == NULL)
        return g_steal_pointer (&f);
    }
  return NULL;
}

gboolean
tern_local_folder_rename (TernStore *store, gint64 folder_id, const char *new_path,
                          GError **error)
{
  g_autoptr(TernFolder) f = NULL;

  if (!check_local (store, folder_id, error) || !check_path (new_path, error) ||
      (f = tern_store_get_folder (store, folder_id, error)) == NULL)
    return FALSE;
  return tern_store_rename_folder (store, f->account_id, f->path, new_path, error);
}

gboolean
tern_local_folder_delete (TernStore *store, gint64 folder_id, GError **error)
{
  g_autoptr(TernFolder) f = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *prefix = NULL;
  gboolean ok = TRUE;

  if (!check_local (store, folder_id, error) ||
      (f = tern_store_get_folder (store, folder_id, error)) == NULL ||
      (all = tern_store_list_folders (store, f->account_id, error)) == NULL)
    return FALSE;
  prefix = g_strconcat (f->path, DELIMITER, NULL);
  if (!tern_store_begin (store, error))
    return FALSE;
  for (guint i = 0; ok && i < all->len; i++)
    {
      TernFolder *child = g_ptr_array_index (all, i);

      if (child->id == f->id || g_str_has_prefix (child->path, prefix))
        ok = tern_store_delete_folder (store, child->id, error);
    }
  if (ok && tern_store_commit (store, TRUE, error))
    return TRUE;
  tern_store_rollback (store);
  return FALSE;
}
