/* tern-sync-download.h: tern-sync --download, one large message to a file.
 *
 * The app (TernMessageDownload) starts tern-sync with --download MESSAGE_ID
 * and --output-fd N (a file it opened for writing) for a message too large
 * to keep in the store. Like a sync, the network session runs here and not
 * in the window's process. On stdout, one line each:
 *   progress DONE TOTAL     after each piece, in bytes
 *   done                    the file is complete and synced
 *   error CODE TEXT         a TernError code and its plain words
 * Exit status 0 when done, 1 on an error. SIGTERM cancels. */
#pragma once

#include <glib.h>

#include "account/tern-secrets.h"

G_BEGIN_DECLS

int tern_sync_download_main (const char *data_dir, gint64 account_id, gint64 message_id,
                             int output_fd, TernSecrets *secrets);

G_END_DECLS
