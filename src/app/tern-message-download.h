/* tern-message-download.h: one message too large for the store, to a file.
 *
 * Runs the account's tern-sync helper in download mode
 * (src/sync/tern-sync-download.h): the network session and libetpan stay
 * out of the window's process, as for every sync. The message goes to
 * "@dest.part" piece by piece and is renamed to @dest once complete and
 * synced; a cancelled or failed download leaves no file behind.
 * Cancelling @cancellable stops the helper (SIGTERM). @progress is called
 * in the caller's main context, never after @cancellable was cancelled.
 */
#pragma once

#include <gio/gio.h>

#include "tern-mail-context.h"

G_BEGIN_DECLS

typedef void (*TernMessageDownloadProgress) (guint64 done, guint64 total, gpointer user_data);

void tern_message_download_async (TernMailContext             *context,
                                  gint64                       message_id,
                                  GFile                       *dest,
                                  TernMessageDownloadProgress  progress,
                                  gpointer                     progress_data,
                                  GCancellable                *cancellable,
                                  GAsyncReadyCallback          callback,
                                  gpointer                     user_data);
gboolean tern_message_download_finish (GAsyncResult *result, GError **error);

G_END_DECLS
