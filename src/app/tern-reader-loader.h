/* tern-reader-loader.h: turns a stored raw message into what the reader
 * shows, through the MIME module (tern-mime-parse.h, tern-mime-render.h). */
#pragma once

#include "tern-reader-message.h"

G_BEGIN_DECLS

/* Parses @raw; attachments and cid: parts are decoded on demand. NULL with
 * TERN_ERROR_MIME if @raw is not a message at all. */
TernReaderMessage *tern_reader_message_new_from_raw (GBytes *raw, GError **error);

G_END_DECLS
