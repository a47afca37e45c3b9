/* tern-imap-download.h: a whole message streamed to a file, in pieces.
 *
 * A message over the download limit (tern-imap-limits.h) keeps only its
 * headers in the store. When the user asks for it, it is written to a file
 * in partial fetches, UID FETCH n BODY.PEEK[]<offset.TERN_IMAP_DOWNLOAD_PIECE>:
 * each reply holds one piece, which is written out before the next is asked
 * for, so memory stays at a piece or two whatever the message's size (and
 * each literal stays under the stream guard's limit). */
#pragma once

#include <gio/gio.h>

#include "imap/tern-imap-sync.h"

G_BEGIN_DECLS

#define TERN_IMAP_DOWNLOAD_PIECE ((guint32) 4 * 1024 * 1024)

/* Called after each piece: bytes written so far, and the size the server
 * gave for the message (RFC822.SIZE; 0 if unknown). */
typedef void (*TernDownloadProgressFunc) (guint64 done, guint64 total, gpointer user_data);

/* Writes message @message_id (a row of this account's store) to @fd, which
 * is synced before returning. FALSE with TERN_ERROR_NOT_FOUND when the
 * message is no longer on the server, G_IO_ERROR_CANCELLED when cancelled,
 * or the write or server error. */
gboolean tern_imap_sync_download (TernImapSync             *self,
                                  gint64                    message_id,
                                  int                       fd,
                                  TernDownloadProgressFunc  progress,
                                  gpointer                  progress_data,
                                  GCancellable             *cancellable,
                                  GError                  **error);

G_END_DECLS
