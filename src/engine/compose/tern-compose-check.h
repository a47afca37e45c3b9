/* tern-compose-check.h: checks the composer runs before sending. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Size limit when the SMTP server announced none (EHLO SIZE). */
#define TERN_COMPOSE_DEFAULT_SIZE_LIMIT (25u * 1000 * 1000)

/* Whether @body (the user's own text: quoted "> " lines and everything
 * after a "-- " signature line are skipped) mentions an attachment: attach,
 * attached, attachment, enclosed, anbei, Anhang, pièce jointe, adjunto,
 * allegato, bijlage ... as whole words, case- and accent-insensitive. */
gboolean tern_compose_mentions_attachment (const char *body);

/* The encoded size of attachments totalling @bytes: base64 grows data by
 * 4/3 plus line ends. */
guint64 tern_compose_encoded_size (guint64 bytes);

G_END_DECLS
