/* tern-mime-reply.h: subjects, recipients, threading headers and quoted
 * text for replies and forwards, producing TernOutgoingMessage drafts.
 *
 * Thread safety: any thread; one TernParsedMessage per thread at a time.
 */
#pragma once

#include "mime/tern-mime-parse.h"
#include "mime/tern-mime-compose.h"

G_BEGIN_DECLS

/* The subject without leading reply/forward prefixes (Re:, Fwd:, AW:, SV:,
 * Antw:, WG:, Re[2]: ...), for threading and sorting. */
char *tern_mime_subject_base (const char *subject);
/* "Re: " + subject without its reply prefixes: never "Re: Re:". */
char *tern_mime_reply_subject (const char *subject);
/* "Fwd: " + subject without its forward prefixes. */
char *tern_mime_forward_subject (const char *subject);

/* Recipients of a reply to @orig, as new arrays of TernAddress. Reply goes
 * to Reply-To if set, else From (to the original To if I sent @orig).
 * Reply-all adds the other To and Cc recipients. Addresses in @my_addresses
 * (NULL-terminated, compared case-insensitively) and duplicates are dropped. */
void tern_mime_reply_recipients (TernParsedMessage *orig, const char *const *my_addresses,
                                 gboolean reply_all, GPtrArray **to, GPtrArray **cc);
/* References for a reply: the original's References (or In-Reply-To) plus
 * its Message-ID, as char * without <>. */
GPtrArray *tern_mime_reply_references (TernParsedMessage *orig);
/* "On DATE, NAME wrote:" followed by the body with "> " before each line. */
char *tern_mime_quote_body (TernParsedMessage *orig);

/* A ready-to-edit reply (subject, recipients, threading headers, quote). */
TernOutgoingMessage *tern_outgoing_message_new_reply (TernParsedMessage *orig, const char *from_name,
                                                      const char *from_address,
                                                      const char *const *my_addresses, gboolean reply_all);
/* A forward: inline (header block + body + the original attachments) or
 * the whole original attached as message/rfc822. */
TernOutgoingMessage *tern_outgoing_message_new_forward (TernParsedMessage *orig, const char *from_name,
                                                        const char *from_address, gboolean as_attachment);

G_END_DECLS
