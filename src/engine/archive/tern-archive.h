/* tern-archive.h: mail from the store to files on this computer and back.
 *
 * Export writes a folder as one mbox file (mboxrd) or as a Maildir, and a
 * message as an .eml file, with the bytes exactly as the server sent them.
 * Import reads mbox files (a Thunderbird profile's extension-less files
 * beside their .msf included), Maildirs and .eml files into a folder: the
 * messages are stored in batches, each durable before the next, and for an
 * IMAP account each is queued for APPEND to the server like any other
 * offline change. A message already in the folder (same Message-ID and
 * size) is skipped and counted, so an import that was cancelled or cut off
 * can simply be run again.
 *
 * Blocking: call from a worker thread or the CLI, with the account's
 * writer connection.
 */
#pragma once

#include <gio/gio.h>

#include "store/tern-store.h"

G_BEGIN_DECLS

typedef enum {
  TERN_ARCHIVE_MBOX,
  TERN_ARCHIVE_MAILDIR,
} TernArchiveFormat;

typedef struct {
  guint done;             /* messages written or read so far */
  guint total;            /* messages to export; 0 on import (unknown) */
  guint64 bytes_done;     /* import: bytes of the current file read */
  guint64 bytes_total;    /* import: size of the current file */
} TernArchiveProgress;

typedef void (*TernArchiveProgressFunc) (const TernArchiveProgress *progress,
                                         gpointer                   user_data);

/* What happened, for the summary the user reads at the end. */
typedef struct {
  guint exported;
  guint imported;
  guint duplicates;       /* import: already in the folder */
  guint not_downloaded;   /* export: only the headers are on this computer */
  guint too_large;        /* import: over the size limit, left out */
  guint unreadable;       /* import: files or entries that could not be read */
  guint files;            /* import: mailbox files and folders read */
  gboolean truncated;     /* import: an mbox ended in the middle of a message */
} TernArchiveResult;

/* Writes folder @folder_id to @path: a new mbox file, or a Maildir (created
 * if missing). An mbox is written beside @path and renamed into place at
 * the end, so a cancelled export leaves no half file. */
gboolean tern_archive_export_folder (TernStore               *store,
                                     gint64                   folder_id,
                                     TernArchiveFormat        format,
                                     const char              *path,
                                     TernArchiveProgressFunc  progress,
                                     gpointer                 user_data,
                                     GCancellable            *cancellable,
                                     TernArchiveResult       *result,
                                     GError                 **error);

/* Writes one stored message to @path as it came from the server (.eml). */
gboolean tern_archive_export_message (TernStore   *store,
                                      gint64       message_id,
                                      const char  *path,
                                      GError     **error);

/* Imports @path (an mbox file, a Maildir, an .eml file, or a folder of
 * those, such as a Thunderbird profile's Mail/ folder) into @folder_id.
 * TERN_ERROR_INVALID when @path holds no mail at all; a file that is
 * partly broken imports what can be read and counts the rest. */
gboolean tern_archive_import (TernStore               *store,
                              gint64                   folder_id,
                              const char              *path,
                              TernArchiveProgressFunc  progress,
                              gpointer                 user_data,
                              GCancellable            *cancellable,
                              TernArchiveResult       *result,
                              GError                 **error);

G_END_DECLS
