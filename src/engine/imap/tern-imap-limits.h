/* tern-imap-limits.h: how much of a message the IMAP sync asks for.
 *
 * The stream guard (net/tern-stream-guard.h) refuses any literal over
 * TERN_STREAM_MAX_LITERAL, whatever the server claims. So the sync never
 * asks for the body of a message the server itself says is larger: such a
 * message keeps its headers (it shows in the list), and opening it gives
 * a clear TERN_ERROR_TOO_LARGE instead of a download that would fail
 * midway every time and stop the folder's sync there. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether a message of @size bytes (RFC822.SIZE) is too large to download. */
gboolean tern_imap_message_too_large (guint64 size);

/* FALSE with TERN_ERROR_TOO_LARGE, in plain words, for such a message. */
gboolean tern_imap_check_download_size (guint64 size, GError **error);

/* What one message adds to a chunk's byte budget: its size when the whole
 * message is fetched, an estimate of its header otherwise, so header-only
 * chunks are bounded in bytes too. */
gsize tern_imap_chunk_cost (guint64 size, gboolean full);

G_END_DECLS
