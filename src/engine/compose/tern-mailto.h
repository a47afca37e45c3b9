/* tern-mailto.h: RFC 6068 mailto: URIs -> what the composer pre-fills.
 *
 * Keys are case-insensitive; to/cc/bcc may repeat and hold comma-separated
 * lists; values are percent-decoded UTF-8 ('+' stays '+'). A URI with NUL
 * bytes, or longer than TERN_MAILTO_MAX_LENGTH, is refused with
 * TERN_ERROR_INVALID. Keys that could act on the user's behalf (attach,
 * attachment, from, ...) are ignored on purpose.
 * Thread-safe (no shared state).
 */
#pragma once

#include "mime/tern-mime-parse.h"

G_BEGIN_DECLS

#define TERN_MAILTO_MAX_LENGTH (256 * 1024)
#define TERN_MAILTO_MAX_ADDRESSES 100

typedef struct {
  GPtrArray *to;        /* of TernAddress */
  GPtrArray *cc;
  GPtrArray *bcc;
  char *subject;        /* one line, or NULL */
  char *body;           /* LF line ends, or NULL */
  char *in_reply_to;    /* message id without <>, or NULL */
} TernMailto;

TernMailto *tern_mailto_parse (const char *uri, GError **error);
void tern_mailto_free (TernMailto *mailto);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernMailto, tern_mailto_free)

G_END_DECLS
