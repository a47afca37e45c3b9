/* tern-local-archive.c: a folder's old mail, copied or moved to this computer. */
#include "core/tern-error.h"
#include "account/tern-mail-actions.h"
#include "account/tern-local-archive.h"
#include "account/tern-local-folders.h"

#define BATCH 200

static gint64
message_date (const TernMessageSummary *m)
{
  return m->date > 0 ? m->date : m->internal_date;
}

static gboolean
qualifies (const TernMessageSummary *m, gint64 before)
{
  return before <= 0 || message_date (m) < before;
}

/* Visits the folder's messages older than @before, a page at a time. */
static gboolean
for_each_page (TernStore *store, gint64 folder_id, gint64 before,
               gboolean (*page) (GPtrArray *rows, gpointer data, GError **error),
               gpointer data, GCancellable *cancellable, GError **error)
{
  g_autoptr(GArray) ids = tern_store_list_message_ids (store, folder_id, TERN_SORT_DATE,
                                                       FALSE, error);

  if (ids == NULL)
    return FALSE;
  for (guint start = 0; start < ids->len; start += BATCH)
    {
      guint n = MIN (BATCH, ids->len - start);
      g_autoptr(GPtrArray) rows = NULL;
      g_autoptr(GPtrArray) chosen = g_ptr_array_new ();

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      rows = tern_store_get_summaries (store, &g_array_index (ids, gint64, start), n, error);
      if (rows == NULL)
        return FALSE;
      for (guint i = 0; i < rows->len; i++)
        if (qualifies (g_ptr_array_index (rows, i), before))
          g_ptr_array_add (chosen, g_ptr_array_index (rows, i));
      if (chosen->len > 0 && !page (chosen, data, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
tern_local_archive_count (TernStore *store, gint64 folder_id, gint64 before,
                          TernLocalArchiveResult *out, GError **error)
{
  *out = (TernLocalArchiveResult) { 0 };
  return tern_store_count_older (store, folder_id, before, &out->total, &out->bytes, error);
}

typedef struct {
  TernStore *store;
  TernFolder *dest;
  gboolean remove;
  TernLocalArchiveProgress progress;
  gpointer user_data;
  TernLocalArchiveResult *result;
} Archive;

static gboolean
already_there (Archive *ar, const TernMessageSummary *m)
{
  g_autoptr(GArray) ids = NULL;

  if (m->message_id == NULL || *m->message_id == '\0')
    return FALSE;
  ids = tern_store_find_by_message_id (ar->store, ar->dest->account_id, m->message_id, NULL);
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    {
      g_autoptr(TernMessageSummary) s =
          tern_store_get_message (ar->store, g_array_index (ids, gint64, i), NULL);

      if (s != NULL && s->folder_id == ar->dest->id && s->size == m->size)
        return TRUE;
    }
  return FALSE;
}

static gboolean
archive_page (GPtrArray *rows, gpointer data, GError **error)
{
  Archive *ar = data;
  g_autoptr(GArray) copy = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) done = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < rows->len; i++)
    {
      TernMessageSummary *m = g_ptr_array_index (rows, i);

      ar->result->total++;
      ar->result->bytes += (guint64) m->size;
      if (m->body_state != TERN_BODY_STATE_FULL)
        ar->result->not_downloaded++;
      else if (already_there (ar, m))
        {
          /* A run that was cut off copied it: only the delete is left. */
          ar->result->already_there++;
          g_array_append_val (done, m->id);
        }
      else
        g_array_append_val (copy, m->id);
    }
  if (copy->len > 0 &&
      !tern_mail_transfer (ar->store, (gint64 *) copy->data, copy->len, ar->dest->id,
                           !ar->remove, error))
    return FALSE;
  if (ar->remove && done->len > 0 &&
      !tern_mail_delete_permanently (ar->store, (gint64 *) done->data, done->len, error))
    return FALSE;
  ar->result->archived += copy->len;
  if (ar->progress != NULL)
    ar->progress (ar->result, ar->user_data);
  return TRUE;
}

gboolean
tern_local_archive (TernStore *store, gint64 folder_id, gint64 dest_folder_id, gint64 before,
                    gboolean remove, TernLocalArchiveProgress progress, gpointer user_data,
                    GCancellable *cancellable, TernLocalArchiveResult *result, GError **error)
{
  g_autoptr(TernFolder) dest = tern_store_get_folder (store, dest_folder_id, error);
  Archive ar = { .store = store, .dest = dest, .remove = remove, .progress = progress,
                 .user_data = user_data, .result = result };

  *result = (TernLocalArchiveResult) { 0 };
  if (dest == NULL)
    return FALSE;
  if (dest_folder_id == folder_id)
    return g_set_error_literal (error, TERN_ERROR, TERN_ERROR_INVALID,
                                "A folder cannot be archived into itself."), FALSE;
  return for_each_page (store, folder_id, before, archive_page, &ar, cancellable, error);
}

typedef struct {
  TernStore *store;
  GArray *missing;
} Missing;

static gboolean
missing_page (GPtrArray *rows, gpointer data, GError **error)
{
  Missing *m = data;
  g_autoptr(GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), rows->len);
  g_autoptr(GArray) page = NULL;

  for (guint i = 0; i < rows->len; i++)
    g_array_append_val (ids, ((TernMessageSummary *) g_ptr_array_index (rows, i))->id);
  page = tern_mail_bodies_to_download (m->store, (gint64 *) ids->data, ids->len, 0, error);
  if (page == NULL)
    return FALSE;
  g_array_append_vals (m->missing, page->data, page->len);
  return TRUE;
}

GArray *
tern_local_archive_to_download (TernStore *store, gint64 folder_id, gint64 before,
                                GError **error)
{
  g_autoptr(GArray) missing = g_array_new (FALSE, FALSE, sizeof (gint64));
  Missing m = { store, missing };

  if (!for_each_page (store, folder_id, before, missing_page, &m, NULL, error))
    return NULL;
  return g_steal_pointer (&missing);
}

/* ---- a whole account ------------------------------------------------------- */

static gboolean
archived_role (TernFolderRole role)
{
  return role != TERN_FOLDER_ROLE_TRASH && role != TERN_FOLDER_ROLE_JUNK &&
         role != TERN_FOLDER_ROLE_DRAFTS && role != TERN_FOLDER_ROLE_OUTBOX;
}

GPtrArray *
tern_local_archive_account_folders (TernStore *store, gint64 account_id, GError **error)
{
  g_autoptr(TernAccountSettings) account = tern_store_get_account (store, account_id, error);
  g_autoptr(GPtrArray) all = NULL;
  GPtrArray *chosen;

  if (account == NULL)
    return NULL;
  if (account->protocol == TERN_PROTOCOL_LOCAL)
    return g_set_error_literal (error, TERN_ERROR, TERN_ERROR_INVALID,
                                "The mail on this computer is archived already."), NULL;
  if ((all = tern_store_list_folders (store, account_id, error)) == NULL)
    return NULL;
  chosen = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_folder_free);
  for (guint i = 0; i < all->len; i++)
    if (archived_role (((TernFolder *) g_ptr_array_index (all, i))->role))
      g_ptr_array_add (chosen, g_ptr_array_steal_index (all, i--));
  return chosen;
}

char *
tern_local_archive_dest_path (const char *root, const TernFolder *folder)
{
  g_autofree char *path = NULL;

  if (folder->role == TERN_FOLDER_ROLE_INBOX)
    return g_strconcat (root, "/Inbox", NULL);
  path = g_strdup (folder->path);
  if (folder->delimiter != NULL && folder->delimiter[0] != '\0' && folder->delimiter[0] != '/')
    {
      /* A "/" inside a name would nest a level deeper: keep it a name. */
      g_strdelimit (path, "/", '-');
      g_strdelimit (path, folder->delimiter, '/');
    }
  return g_strconcat (root, "/", path, NULL);
}

char *
tern_local_archive_default_root (const TernAccountSettings *account)
{
  g_autofree char *name = g_strdup (account->name);

  /* The account's name is one level, whatever it holds. */
  return g_strconcat ("Archive/", g_strdelimit (name, "/", '-'), NULL);
}

gboolean
tern_local_archive_account_count (TernStore *store, gint64 account_id, gint64 before,
                                  TernLocalArchiveResult *out, GError **error)
{
  g_autoptr(GPtrArray) folders = tern_local_archive_account_folders (store, account_id, error);

  *out = (TernLocalArchiveResult) { 0 };
  if (folders == NULL)
    return FALSE;
  for (guint i = 0; i < folders->len; i++)
    {
      TernLocalArchiveResult one;

      if (!tern_local_archive_count (store, ((TernFolder *) g_ptr_array_index (folders, i))->id,
                                     before, &one, error))
        return FALSE;
      out->total += one.total;
      out->bytes += one.bytes;
    }
  return TRUE;
}

GArray *
tern_local_archive_account_to_download (TernStore *store, gint64 account_id, gint64 before,
                                        GError **error)
{
  g_autoptr(GPtrArray) folders = tern_local_archive_account_folders (store, account_id, error);
  g_autoptr(GArray) missing = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (folders == NULL)
    return NULL;
  for (guint i = 0; i < folders->len; i++)
    {
      g_autoptr(GArray) one = tern_local_archive_to_download (
          store, ((TernFolder *) g_ptr_array_index (folders, i))->id, before, error);

      if (one == NULL)
        return NULL;
      g_array_append_vals (missing, one->data, one->len);
    }
  return g_steal_pointer (&missing);
}

typedef struct {
  TernLocalArchiveResult done;      /* the folders finished */
  TernLocalArchiveProgress progress;
  gpointer user_data;
} AccountArchive;

static void
add_result (TernLocalArchiveResult *sum, const TernLocalArchiveResult *one)
{
  sum->total += one->total;
  sum->bytes += one->bytes;
  sum->archived += one->archived;
  sum->already_there += one->already_there;
  sum->not_downloaded += one->not_downloaded;
}

static void
account_progress (const TernLocalArchiveResult *sofar, gpointer data)
{
  AccountArchive *aa = data;
  TernLocalArchiveResult all = aa->done;

  add_result (&all, sofar);
  aa->progress (&all, aa->user_data);
}

gboolean
tern_local_archive_account (TernStore *store, gint64 account_id, const char *root,
                            gint64 before, gboolean remove, TernLocalArchiveProgress progress,
                            gpointer user_data, GCancellable *cancellable,
                            TernLocalArchiveResult *result, GError **error)
{
  g_autoptr(GPtrArray) folders = tern_local_archive_account_folders (store, account_id, error);
  AccountArchive aa = { .progress = progress, .user_data = user_data };

  *result = (TernLocalArchiveResult) { 0 };
  if (folders == NULL)
    return FALSE;
  for (guint i = 0; i < folders->len; i++)
    {
      TernFolder *f = g_ptr_array_index (folders, i);
      g_autofree char *path = tern_local_archive_dest_path (root, f);
      g_autoptr(TernFolder) dest = tern_local_folder_ensure (store, path, error);
      TernLocalArchiveResult one = { 0 };
      gboolean ok = dest != NULL &&
                    tern_local_archive (store, f->id, dest->id, before, remove,
                                        progress != NULL ? account_progress : NULL, &aa,
                                        cancellable, &one, error);

      add_result (&aa.done, &one);
      *result = aa.done;
      if (!ok)
        return FALSE;
    }
  return TRUE;
}
