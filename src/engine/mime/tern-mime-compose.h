/* tern-mime-compose.h: build outgoing RFC 5322 messages with GMime, and the
 * composer's data model. Reply/forward helpers: tern-mime-reply.h.
 *
 * Thread safety: every function may run on any thread; a TernOutgoingMessage
 * or TernParsedMessage is used by one thread at a time.
 */
#pragma once

#include "mime/tern-mime-parse.h"

G_BEGIN_DECLS

typedef struct {
  char *filename;      /* shown name; RFC 2231 encoded when written */
  char *content_type;  /* NULL: guessed from name and content */
  char *path;          /* read at build time, or ... */
  GBytes *data;        /* ... the bytes themselves */
  char *content_id;    /* optional, without <>: an inline part */
} TernOutgoingAttachment;

typedef struct {
  char *from_name;
  char *from_address;
  GPtrArray *to;           /* of TernAddress */
  GPtrArray *cc;
  GPtrArray *bcc;          /* never written into the message */
  char *subject;
  char *body;              /* plain text, UTF-8 */
  GPtrArray *attachments;  /* of TernOutgoingAttachment */
  char *in_reply_to;       /* message id without <>, or NULL */
  GPtrArray *references;   /* of char *, without <>, oldest first */
  GPtrArray *extra_headers; /* of char *, alternating name, value */
  gint64 date;             /* unix time; 0: now */
  char *message_id;        /* NULL: generated with the sender's domain */
} TernOutgoingMessage;

TernOutgoingMessage *tern_outgoing_message_new (void);
void tern_outgoing_message_free (TernOutgoingMessage *msg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernOutgoingMessage, tern_outgoing_message_free)

void tern_outgoing_message_add_to (TernOutgoingMessage *msg, const char *name, const char *address);
void tern_outgoing_message_add_cc (TernOutgoingMessage *msg, const char *name, const char *address);
void tern_outgoing_message_add_bcc (TernOutgoingMessage *msg, const char *name, const char *address);
void tern_outgoing_message_add_attachment_file (TernOutgoingMessage *msg, const char *path,
                                                const char *filename, const char *content_type);
void tern_outgoing_message_add_attachment_bytes (TernOutgoingMessage *msg, GBytes *data,
                                                 const char *filename, const char *content_type);
/* Extra header such as "X-Mailer" or "Auto-Submitted". Headers the builder
 * writes itself (From, To, Subject, Content-*, ...) are refused at build. */
void tern_outgoing_message_add_header (TernOutgoingMessage *msg, const char *name, const char *value);

/* Build the message: CRLF line ends, RFC 2047 headers, RFC 2231 file names,
 * text as UTF-8 quoted-printable, multipart/mixed when there are attachments.
 * Bcc is not written. @envelope_rcpts (optional) receives the SMTP envelope
 * recipients (To+Cc+Bcc addresses, deduplicated) as char *; @message_id
 * (optional) the Message-ID used, without <>. Errors: TERN_ERROR_INVALID
 * (no sender, bad header), TERN_ERROR_NOT_FOUND (attachment file unreadable). */
GBytes *tern_outgoing_message_build (TernOutgoingMessage *msg, GPtrArray **envelope_rcpts,
                                     char **message_id, GError **error);

G_END_DECLS
