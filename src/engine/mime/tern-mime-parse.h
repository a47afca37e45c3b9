/* tern-mime-parse.h: parse a raw RFC 5322 message with GMime into what the
 * store, the message list and full-text search need.
 *
 * All strings in TernParsedMessage are valid UTF-8 (never NULL unless noted).
 * Malformed mail parses best effort; only input that is not a message at all
 * (empty, no header) fails, with TERN_ERROR_MIME.
 *
 * Thread safety: the functions here may be called from any thread at the same
 * time, but one TernParsedMessage (it owns GMime objects) must be used by one
 * thread at a time and is not to be shared while in use.
 */
#pragma once

#include <glib.h>
#include "mime/tern-mime-charset.h"

G_BEGIN_DECLS

/* One mailbox: display name (may be "") and address (may be "" for groups
 * or garbage). */
typedef struct {
  char *name;
  char *address;
} TernAddress;

TernAddress *tern_address_new (const char *name, const char *address);
TernAddress *tern_address_copy (const TernAddress *addr);
void tern_address_free (TernAddress *addr);
/* "Name <address>", or the bare address when there is no name. */
char *tern_address_to_display (const TernAddress *addr);
/* Parse an address list ("A <a@x>, b@y") into a GPtrArray of TernAddress. */
GPtrArray *tern_address_list_parse (const char *text);
/* Join a GPtrArray of TernAddress as "A <a@x>, b@y". */
char *tern_address_list_to_display (GPtrArray *list);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernAddress, tern_address_free)

/* A non-body part: attachment, inline image, attached message. */
typedef struct {
  char *part_path;      /* IMAP part number: "2", "1.2" */
  char *filename;       /* RFC 2231/2047 decoded; "" if none given */
  char *content_type;   /* "image/png", lower case */
  char *content_id;     /* without <>; NULL if none */
  char *disposition;    /* "attachment" or "inline" */
  gsize size;           /* decoded size in bytes */
  gboolean is_inline_image; /* referenced inline (cid:), not a real attachment */
} TernMimeAttachment;

void tern_mime_attachment_free (TernMimeAttachment *att);

typedef struct {
  char *subject;
  char *from_name;
  char *from_address;
  char *to;             /* display strings: "A <a@x>, b@y" */
  char *cc;
  char *bcc;
  char *reply_to;
  GPtrArray *to_list;   /* of TernAddress */
  GPtrArray *cc_list;
  GPtrArray *bcc_list;
  GPtrArray *reply_to_list;
  gint64 date;          /* unix time; 0 if missing or unparseable */
  char *message_id;     /* without <>; NULL if none */
  char *in_reply_to;    /* without <>; NULL if none */
  GPtrArray *references; /* of char *, without <>, oldest first */
  gboolean has_attachments;
  GPtrArray *attachments; /* of TernMimeAttachment, in part order */
  char *preview;        /* ~200 chars of body text, one line; "" if none */
  char *body_text;      /* text for full-text search; "" if none */
  gboolean headers_only; /* parsed from a header block; no body known */

  /*< private >*/
  gpointer gmime_message; /* GMimeMessage * */
  GBytes *raw;
} TernParsedMessage;

/* Parse a whole message. */
TernParsedMessage *tern_parsed_message_new_from_bytes (GBytes *raw, GError **error);
/* Parse only a header block (as from IMAP BODY[HEADER]): body fields are
 * empty and has_attachments is guessed from Content-Type. */
TernParsedMessage *tern_parsed_message_new_from_headers (GBytes *headers, GError **error);
void tern_parsed_message_free (TernParsedMessage *msg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernParsedMessage, tern_parsed_message_free)

/* Frees the GMime tree and the raw reference, keeping the extracted
 * fields: for importers, which need the fields and not the rendering
 * functions (those need the tree). Frees the message's biggest part early. */
void tern_parsed_message_drop_mime (TernParsedMessage *msg);
/* The raw bytes this message was parsed from. */
GBytes *tern_parsed_message_get_raw (TernParsedMessage *msg);
/* The value of header @name, RFC 2047 words decoded; NULL when absent or
 * after tern_parsed_message_drop_mime(). */
char *tern_parsed_message_get_header (TernParsedMessage *msg, const char *name);

/* Make the preview line from body text: quoted lines, attribution lines and
 * the signature skipped, whitespace collapsed, at most @max_chars characters. */
char *tern_mime_make_preview (const char *body_text, gsize max_chars);

/* Undo format=flowed (RFC 3676) on UTF-8 text. */
char *tern_mime_unflow (const char *text, gboolean delsp);

/* Maximum multipart nesting that is walked; deeper parts are ignored. */
#define TERN_MIME_MAX_DEPTH 32

G_END_DECLS
