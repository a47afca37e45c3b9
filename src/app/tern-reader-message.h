/* tern-reader-message.h: what the reader shows, already parsed.
 *
 * The MIME module fills one of these from a GMime message; the reader never
 * sees GMime. All strings are UTF-8 (the parser decodes charsets and
 * RFC 2047/2231 first). Part bytes are asked for on demand through a
 * callback, so that large attachments stay where they are until saved.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  char *part_id;        /* the parser's id for the part, e.g. "1.2" */
  char *filename;       /* may be NULL */
  char *content_type;   /* e.g. "image/png" */
  char *content_id;     /* without <>, may be NULL */
  guint64 size;         /* decoded size in bytes, 0 if unknown */
  gboolean is_inline;   /* shown in the body (cid: image), not listed */
} TernReaderPart;

/* Returns the decoded bytes of a part, or NULL with @error set. */
typedef GBytes *(*TernReaderLoadPartFunc) (const char  *part_id,
                                           gpointer     user_data,
                                           GError     **error);

typedef struct {
  /*< public >*/
  char *from;            /* display form: "Name <address>" */
  char *sender_address;  /* bare address, for "always for this sender" */
  char *to;
  char *cc;
  char *subject;
  GDateTime *date;
  char *text_plain;      /* NULL if there is none */
  char *text_html;       /* NULL if there is none */
  GPtrArray *parts;      /* TernReaderPart, attachments and inline parts */
  /* Set when the user has already allowed remote content for the sender. */
  gboolean remote_content_allowed;

  /*< private >*/
  TernReaderLoadPartFunc load_part;
  gpointer load_part_data;
  GDestroyNotify load_part_destroy;
  gatomicrefcount ref_count;
} TernReaderMessage;

#define TERN_TYPE_READER_MESSAGE (tern_reader_message_get_type ())
GType tern_reader_message_get_type (void) G_GNUC_CONST;

TernReaderMessage *tern_reader_message_new (void);
TernReaderMessage *tern_reader_message_ref (TernReaderMessage *message);
void tern_reader_message_unref (TernReaderMessage *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernReaderMessage, tern_reader_message_unref)

/* Appends a part; returns it for further tweaks. */
TernReaderPart *tern_reader_message_add_part (TernReaderMessage *message,
                                              const char        *part_id,
                                              const char        *filename,
                                              const char        *content_type,
                                              const char        *content_id,
                                              guint64            size,
                                              gboolean           is_inline);
void tern_reader_message_set_load_part_func (TernReaderMessage      *message,
                                             TernReaderLoadPartFunc  func,
                                             gpointer                user_data,
                                             GDestroyNotify          destroy);
GBytes *tern_reader_message_load_part (TernReaderMessage  *message,
                                       const char         *part_id,
                                       GError            **error);
/* The part whose Content-ID is @content_id (with or without <>). */
const TernReaderPart *tern_reader_message_find_content_id (TernReaderMessage *message,
                                                           const char        *content_id);

G_END_DECLS
