/* tern-mbox.h: mbox files, read and written one message at a time.
 *
 * Written as mboxrd: a "From sender date" line before each message, one
 * more '>' on every line that matches ^>*From , and a blank line after it,
 * so the bytes read back are the bytes written (a message that lacks a
 * final line break gains one).
 *
 * Read liberally: mboxrd and mboxo (whose bodies may hold unescaped "From "
 * lines: one counts as a separator only after a blank line and when it
 * looks like "From addr Www Mmm dd hh:mm:ss yyyy"), LF and CRLF, Thunderbird's
 * "From - date" lines. A file that does not start like an mbox is refused;
 * a file cut off in the middle of a message yields what is there and says
 * so. Memory stays at one message however large the file: a message over
 * TERN_MBOX_MAX_MESSAGE is skipped and counted.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TERN_MBOX_MAX_MESSAGE (100 * 1024 * 1024)

typedef struct _TernMboxReader TernMboxReader;

TernMboxReader *tern_mbox_reader_new (GInputStream *in);
void tern_mbox_reader_free (TernMboxReader *reader);

/* The next message, or NULL: at the end of the file (no error) or on an
 * error (TERN_ERROR_INVALID for a file that is not an mbox, or the stream's
 * own error). *date_out (may be NULL) receives the separator line's date as
 * Unix time, 0 if it had none readable. */
GBytes *tern_mbox_reader_next (TernMboxReader *reader,
                               gint64         *date_out,
                               GCancellable   *cancellable,
                               GError        **error);

/* Bytes consumed so far, for progress. */
guint64 tern_mbox_reader_get_offset (TernMboxReader *reader);
/* Messages skipped because they were larger than TERN_MBOX_MAX_MESSAGE. */
guint tern_mbox_reader_get_skipped (TernMboxReader *reader);
/* TRUE once the file ended in the middle of a line of the last message. */
gboolean tern_mbox_reader_was_truncated (TernMboxReader *reader);

/* Appends @raw to @out as one mboxrd entry. @sender is the envelope sender
 * for the separator line (any spaces are dropped; NULL or empty gives
 * MAILER-DAEMON); @date is Unix time. */
gboolean tern_mbox_write_message (GOutputStream *out,
                                  GBytes        *raw,
                                  const char    *sender,
                                  gint64         date,
                                  GCancellable  *cancellable,
                                  GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernMboxReader, tern_mbox_reader_free)

G_END_DECLS
