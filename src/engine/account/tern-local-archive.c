/* tern-local-archive.c: a folder's old mail, copied or moved to this computer. */
#include "core/tern-error.h"
#include "account/tern-mail-actions.h"
#include "account/tern-local-archive.h"

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
