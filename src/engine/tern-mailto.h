/* tern-mailto.h: parse mailto: URIs (RFC 6068) into a message to edit.
 *
 * A mailto: link comes from anywhere (a web page, another program), so the
 * input is hostile: only To, Cc, Bcc, Subject, Body and In-Reply-To are taken
 * (never From, Sender or other headers a page could use to spoof), lengths
 * are bounded, control characters other than line breaks in the body are
 * dropped, and text that is not UTF-8 after percent-decoding is repaired.
 */
#pragma once

#include "tern-mime-compose.h"

G_BEGIN_DECLS

/* Longest mailto: URI accepted, in bytes. */
#define TERN_MAILTO_MAX_LENGTH (256 * 1024)

/* A TernOutgoingMessage with to/cc/bcc/subject/body/in_reply_to set from
 * @uri (no sender). TERN_ERROR_INVALID when @uri is not a mailto: URI or is
 * longer than TERN_MAILTO_MAX_LENGTH. */
TernOutgoingMessage *tern_mailto_parse (const char *uri, GError **error);

G_END_DECLS
