/* tern-message-import.h: a downloaded message turned into a store record.
 *
 * IMAP and POP3 both receive raw RFC 5322 bytes; this parses them with GMime
 * (tern-mime-parse) and fills a TernMessageRecord whose strings live as long
 * as the TernImportedMessage.
 */
#pragma once

#include "mime/tern-mime-parse.h"
#include "store/tern-store-records.h"

G_BEGIN_DECLS

typedef struct {
  TernMessageRecord record;   /* borrows from the fields below */
  /*< private >*/
  TernParsedMessage *parsed;
  GBytes *raw;                /* record.raw points here (NULL for headers) */
  GBytes *packed_raw;         /* record.packed_raw, packed_body_text */
  GBytes *packed_body_text;
  char *to_addresses;
  char *cc_addresses;
  char *references;
  char *keywords;             /* set with tern_imported_message_set_keywords */
  GArray *attachments;        /* of TernAttachmentRecord */
} TernImportedMessage;

/* Parses @raw: a whole message, or only its header block when
 * @headers_only. The record's folder, uid, uidl, flags, dates and size are
 * left for the caller. Malformed mail imports best effort; only bytes that
 * are no message at all fail (TERN_ERROR_MIME). */
TernImportedMessage *tern_imported_message_new (GBytes *raw, gboolean headers_only,
                                                GError **error);
void tern_imported_message_free (TernImportedMessage *msg);

/* Copies @keywords into the message and points the record at the copy. */
void tern_imported_message_set_keywords (TernImportedMessage *msg, const char *keywords);

/* A record for a message that could not be parsed at all, so that it is
 * still listed (with its raw bytes kept) rather than silently dropped. */
TernImportedMessage *tern_imported_message_new_unparseable (GBytes *raw);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernImportedMessage, tern_imported_message_free)

G_END_DECLS
