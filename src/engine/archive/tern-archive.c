/* tern-archive.c: export folders and messages to files, import them back. */
#include "archive/tern-archive.h"

#include <errno.h>
#include <gio/gfiledescriptorbased.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "archive/tern-archive-private.h"
#include "archive/tern-maildir.h"
#include "archive/tern-mbox.h"
#include "account/tern-mail-actions.h"
#include "core/tern-error.h"
#include "store/tern-message-import.h"

/* Messages per transaction on import, and per page on export: large
 * enough that commits stay cheap, small enough that memory stays bounded. */
#define BATCH 200

static void
report (TernArchiveProgressFunc progress, gpointer user_data, const TernArchiveProgress *p)
{
  if (progress != NULL)
    progress (p, user_data);
}

/* ---- export --------------------------------------------------------------- */

static gboolean
sync_and_rename (GFileOutputStream *out, const char *tmp, const char *path,
                 GCancellable *cancellable, GError **error)
{
  int fd = g_file_descriptor_based_get_fd (G_FILE_DESCRIPTOR_BASED (out));

  if (fsync (fd) != 0)
    return g_set_error (error, TERN_ERROR, errno == ENOSPC ? TERN_ERROR_DISK_FULL
                        : TERN_ERROR_STORE, "Cannot write %s: %s", path,
                        g_strerror (errno)), FALSE;
  if (!g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, error))
    return FALSE;
  if (g_rename (tmp, path) != 0)
    return g_set_error (error, TERN_ERROR, TERN_ERROR_STORE, "Cannot create %s: %s", path,
                        g_strerror (errno)), FALSE;
  return TRUE;
}

static GFileOutputStream *
create_private (const char *path, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                         NULL, error);
}

/* Writes one message of the export; FALSE only on a write error. */
static gboolean
export_one (TernStore *store, const TernMessageSummary *s, TernArchiveFormat format,
            GOutputStream *mbox, const char *maildir, GCancellable *cancellable,
            TernArchiveResult *result, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GBytes) raw = tern_store_get_raw (store, s->id, &local);
  gint64 date = s->date > 0 ? s->date : s->internal_date;

  if (raw == NULL)
    {
      if (!g_error_matches (local, TERN_ERROR, TERN_ERROR_NOT_FOUND))
        return g_propagate_error (error, g_steal_pointer (&local)), FALSE;
      result->not_downloaded++;
      return TRUE;
    }
  if (format == TERN_ARCHIVE_MBOX
      ? !tern_mbox_write_message (mbox, raw, s->from_address, date, cancellable, error)
      : !tern_maildir_add (maildir, raw, s->flags, date, error))
    return FALSE;
  result->exported++;
  return TRUE;
}

static gboolean
export_ids (TernStore *store, GArray *ids, TernArchiveFormat format, GOutputStream *mbox,
            const char *maildir, TernArchiveProgressFunc progress, gpointer user_data,
            GCancellable *cancellable, TernArchiveResult *result, GError **error)
{
  TernArchiveProgress p = { .total = ids->len };

  for (guint start = 0; start < ids->len; start += BATCH)
    {
      guint n = MIN (BATCH, ids->len - start);
      g_autoptr(GPtrArray) rows = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      rows = tern_store_get_summaries (store, &g_array_index (ids, gint64, start), n, error);
      if (rows == NULL)
        return FALSE;
      for (guint i = 0; i < rows->len; i++)
        if (!export_one (store, g_ptr_array_index (rows, i), format, mbox, maildir,
                         cancellable, result, error))
          return FALSE;
      p.done = start + n;
      report (progress, user_data, &p);
    }
  return TRUE;
}

gboolean
tern_archive_export_folder (TernStore *store, gint64 folder_id, TernArchiveFormat format,
                            const char *path, TernArchiveProgressFunc progress,
                            gpointer user_data, GCancellable *cancellable,
                            TernArchiveResult *result, GError **error)
{
  g_autoptr(GArray) ids = tern_store_list_message_ids (store, folder_id, TERN_SORT_DATE,
                                                       FALSE, error);
  g_autofree char *tmp = g_strconcat (path, ".part", NULL);
  g_autoptr(GFileOutputStream) out = NULL;

  *result = (TernArchiveResult) { 0 };
  if (ids == NULL)
    return FALSE;
  if (format == TERN_ARCHIVE_MAILDIR)
    return tern_maildir_create (path, error) &&
           export_ids (store, ids, format, NULL, path, progress, user_data, cancellable,
                       result, error);
  out = create_private (tmp, error);
  if (out == NULL)
    return FALSE;
  if (!export_ids (store, ids, format, G_OUTPUT_STREAM (out), NULL, progress, user_data,
                   cancellable, result, error) ||
      !sync_and_rename (out, tmp, path, cancellable, error))
    {
      g_output_stream_close (G_OUTPUT_STREAM (out), NULL, NULL);
      g_unlink (tmp);
      return FALSE;
    }
  return TRUE;
}

gboolean
tern_archive_export_message (TernStore *store, gint64 message_id, const char *path,
                             GError **error)
{
  g_autoptr(GBytes) raw = tern_store_get_raw (store, message_id, error);
  g_autofree char *tmp = g_strconcat (path, ".part", NULL);
  g_autoptr(GFileOutputStream) out = NULL;
  gsize len;
  const void *data;

  if (raw == NULL)
    return FALSE;
  data = g_bytes_get_data (raw, &len);
  out = create_private (tmp, error);
  if (out == NULL)
    return FALSE;
  if (!g_output_stream_write_all (G_OUTPUT_STREAM (out), data, len, NULL, NULL, error) ||
      !sync_and_rename (out, tmp, path, NULL, error))
    {
      g_output_stream_close (G_OUTPUT_STREAM (out), NULL, NULL);
      g_unlink (tmp);
      return FALSE;
    }
  return TRUE;
}

/* ---- import --------------------------------------------------------------- */

typedef struct {
  TernStore *store;
  TernFolder *folder;
  TernAccountSettings *account;
  TernArchiveProgressFunc progress;
  gpointer user_data;
  GCancellable *cancellable;
  TernArchiveResult *result;
  TernArchiveProgress p;
  guint in_batch;           /* messages stored since the last commit */
} Import;

static gboolean
is_duplicate (Import *im, const char *message_id, gint64 size, GError **error)
{
  g_autoptr(GArray) ids = NULL;

  if (message_id == NULL || *message_id == '\0')
    return FALSE;
  ids = tern_store_find_by_message_id (im->store, im->folder->account_id, message_id, error);
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    {
      g_autoptr(TernMessageSummary) s = tern_store_get_message (im->store,
                                                                g_array_index (ids, gint64, i),
                                                                NULL);
      if (s != NULL && s->folder_id == im->folder->id && s->size == size)
        return TRUE;
    }
  return FALSE;
}

static gboolean
commit_batch (Import *im, GError **error)
{
  if (im->in_batch == 0)
    return TRUE;
  im->in_batch = 0;
  /* Durable: what the summary says was imported must survive a crash. */
  if (!tern_store_commit (im->store, TRUE, error))
    return FALSE;
  report (im->progress, im->user_data, &im->p);
  return TRUE;
}

/* Stores one message read from a file. FALSE only on a store error. */
static gboolean
import_one (Import *im, GBytes *raw, guint flags, gint64 file_date, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(TernImportedMessage) msg = tern_imported_message_new (raw, FALSE, &local);
  TernMessageRecord *rec;

  if (msg == NULL)
    msg = tern_imported_message_new_unparseable (raw);
  rec = &msg->record;
  rec->size = (gint64) g_bytes_get_size (raw);
  if (!is_duplicate (im, rec->message_id, rec->size, &local) && local == NULL)
    {
      if (im->in_batch == 0 && !tern_store_begin (im->store, error))
        return FALSE;
      rec->flags = flags;
      rec->internal_date = file_date > 0 ? file_date : g_get_real_time () / G_USEC_PER_SEC;
      if (rec->date == 0)
        rec->date = rec->internal_date;
      if (!tern_mail_add_record (im->store, im->folder, im->account, rec, raw, error))
        {
          /* The open batch is gone with the rollback; so is its count. */
          tern_store_rollback (im->store);
          im->result->imported -= im->in_batch;
          im->in_batch = 0;
          return FALSE;
        }
      im->result->imported++;
      im->in_batch++;
    }
  else if (local != NULL)
    return g_propagate_error (error, g_steal_pointer (&local)), FALSE;
  else
    im->result->duplicates++;
  im->p.done++;
  return im->in_batch < BATCH || commit_batch (im, error);
}

static gboolean
import_mbox (Import *im, const char *path, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = g_file_read (file, im->cancellable, error);
  g_autoptr(TernMboxReader) reader = NULL;
  g_autoptr(GFileInfo) info = NULL;
  GBytes *raw;
  gint64 date = 0;
  GError *local = NULL;

  if (in == NULL)
    return FALSE;
  info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, NULL);
  im->p.bytes_total = info != NULL ? (guint64) g_file_info_get_size (info) : 0;
  reader = tern_mbox_reader_new (G_INPUT_STREAM (in));
  while ((raw = tern_mbox_reader_next (reader, &date, im->cancellable, &local)) != NULL)
    {
      g_autoptr(GBytes) owned = raw;

      im->p.bytes_done = tern_mbox_reader_get_offset (reader);
      if (!import_one (im, owned, TERN_FLAG_SEEN, date, error))
        return FALSE;
    }
  im->result->too_large += tern_mbox_reader_get_skipped (reader);
  im->result->truncated |= tern_mbox_reader_was_truncated (reader);
  if (local != NULL)
    return g_propagate_error (error, local), FALSE;
  im->result->files++;
  return TRUE;
}

static gboolean
import_maildir (Import *im, const char *path, GError **error)
{
  g_autoptr(TernMaildirReader) reader = tern_maildir_reader_new (path, error);

  if (reader == NULL)
    return FALSE;
  for (;;)
    {
      g_autoptr(GError) local = NULL;
      guint flags = 0;
      g_autoptr(GBytes) raw = tern_maildir_reader_next (reader, &flags, &local);

      if (raw == NULL && local == NULL)
        break;
      if (raw == NULL)
        {
          g_message ("Import: %s", local->message);
          im->result->unreadable++;
          continue;
        }
      if (g_cancellable_set_error_if_cancelled (im->cancellable, error) ||
          !import_one (im, raw, flags, 0, error))
        return FALSE;
    }
  im->result->too_large += tern_maildir_reader_get_skipped (reader);
  im->result->files++;
  return TRUE;
}

/* What a file holds, from its first bytes: an mbox starts with "From ",
 * a single message with a header line ("Name: value"). */
typedef enum { FILE_OTHER, FILE_MBOX, FILE_MESSAGE } FileKind;

static FileKind
sniff (const char *path)
{
  char head[256] = { 0 };
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  ssize_t n = fd >= 0 ? read (fd, head, sizeof head - 1) : -1;
  const char *colon;

  if (fd >= 0)
    close (fd);
  if (n <= 0)
    return FILE_OTHER;
  head[n] = '\0';
  if (g_str_has_prefix (head, "From "))
    return FILE_MBOX;
  colon = strchr (head, ':');
  if (colon == NULL || colon == head || memchr (head, '\n', (gsize) (colon - head)) != NULL)
    return FILE_OTHER;
  for (const char *p = head; p < colon; p++)
    if ((guchar) *p <= ' ' || (guchar) *p >= 0x7f)
      return FILE_OTHER;
  return FILE_MESSAGE;
}

static gboolean
import_eml (Import *im, const char *path, GError **error)
{
  char *data = NULL;
  gsize len;
  g_autoptr(GBytes) raw = NULL;
  GStatBuf st;

  if (g_stat (path, &st) == 0 && st.st_size > TERN_MBOX_MAX_MESSAGE)
    return im->result->too_large++, TRUE;
  if (!g_file_get_contents (path, &data, &len, error))
    return FALSE;
  raw = g_bytes_new_take (data, len);
  im->result->files++;
  return import_one (im, raw, TERN_FLAG_SEEN, 0, error);
}

static gboolean import_path (Import *im, const char *path, guint depth, GError **error);

/* A folder that is not a Maildir: every mailbox in it, as Thunderbird
 * keeps them (files without extension beside .msf indexes, subfolders in
 * .sbd folders) or as other programs leave .mbox and .eml files. */
static gboolean
import_tree (Import *im, const char *path, guint depth, GError **error)
{
  g_autoptr(GPtrArray) names = tern_archive_sorted_names (path);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (!g_str_has_suffix (name, ".msf") && !import_path (im, child, depth + 1, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
import_path (Import *im, const char *path, guint depth, GError **error)
{
  /* A bound on nesting: a link loop must not recurse for ever. */
  if (depth > 16)
    return TRUE;
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    return tern_maildir_is_maildir (path) ? import_maildir (im, path, error)
                                          : import_tree (im, path, depth, error);
  switch (sniff (path))
    {
    case FILE_MBOX:
      return import_mbox (im, path, error);
    case FILE_MESSAGE:
      return import_eml (im, path, error);
    case FILE_OTHER:
    default:
      /* Inside a folder, other files (indexes, settings) are not mail. */
      if (depth == 0)
        return g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID,
                            "%s holds no mail Tern can read: it is neither an mbox file, "
                            "a Maildir nor a message (.eml).", path), FALSE;
      return TRUE;
    }
}

gboolean
tern_archive_import (TernStore *store, gint64 folder_id, const char *path,
                     TernArchiveProgressFunc progress, gpointer user_data,
                     GCancellable *cancellable, TernArchiveResult *result, GError **error)
{
  g_autoptr(TernFolder) folder = tern_store_get_folder (store, folder_id, error);
  g_autoptr(TernAccountSettings) account = NULL;
  Import im = { 0 };
  gboolean ok;

  *result = (TernArchiveResult) { 0 };
  if (folder == NULL ||
      (account = tern_store_get_account (store, folder->account_id, error)) == NULL)
    return FALSE;
  im = (Import) { .store = store, .folder = folder, .account = account, .progress = progress,
                  .user_data = user_data, .cancellable = cancellable, .result = result };
  ok = import_path (&im, path, 0, error) && commit_batch (&im, error);
  if (!ok && im.in_batch > 0)
    {
      /* Keep what was read before the failure: it is mail the user has. */
      g_autoptr(GError) ignored = NULL;
      if (!commit_batch (&im, &ignored))
        tern_store_rollback (store);
    }
  if (ok && result->files == 0 && result->imported == 0 && result->duplicates == 0)
    return g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID,
                        "No mail was found in %s.", path), FALSE;
  return ok;
}
