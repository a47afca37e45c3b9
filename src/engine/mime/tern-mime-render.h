/* tern-mime-render.h: what the reader and `tern-cli show` display.
 *
 * Thread safety: like tern-mime-parse.h, any thread, but one
 * TernParsedMessage is used by one thread at a time. All text is UTF-8.
 */
#pragma once

#include "mime/tern-mime-parse.h"

G_BEGIN_DECLS

/* The best plain-text body: text/plain (format=flowed undone), else the HTML
 * body converted to text, else "". Never NULL. */
char *tern_mime_render_plain_body (TernParsedMessage *msg);

/* The HTML body (UTF-8), or NULL if the message has none. The reader must
 * load it with remote content blocked and scripts off. */
char *tern_mime_render_html_body (TernParsedMessage *msg);

/* The decoded bytes of the part with Content-ID @cid (with or without
 * "cid:" and <>), for serving inline images; NULL if none. *@content_type
 * (if not NULL) receives its MIME type. */
GBytes *tern_mime_lookup_cid (TernParsedMessage *msg, const char *cid, char **content_type);

/* The decoded bytes of part @part_path ("1.2"), for saving or opening an
 * attachment. TERN_ERROR_NOT_FOUND if there is no such part. */
GBytes *tern_mime_get_part_bytes (TernParsedMessage *msg, const char *part_path,
                                  char **content_type, GError **error);

/* The message as plain text, as `tern-cli show` prints it: From/To/Cc/Date/
 * Subject headers, a blank line, the body text, then the attachments. */
char *tern_mime_render_text (TernParsedMessage *msg);

G_END_DECLS
