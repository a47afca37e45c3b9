/* tern-maildir.h: Maildir folders, written and read one message at a time.
 *
 * Writing follows the Maildir rules so that another program may read the
 * folder while Tern writes: each message goes to tmp/, is flushed to disk,
 * then renamed into cur/ with its flags in the ":2," suffix (D draft,
 * F flagged, P passed, R replied, S seen, T trashed). The file's time is the
 * message's date. Reading takes new/ and cur/ in name order; a file over
 * TERN_MAILDIR_MAX_MESSAGE is skipped and counted.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TERN_MAILDIR_MAX_MESSAGE (100 * 1024 * 1024)

/* Creates @path with tmp/, new/ and cur/ (mode 0700) where missing. */
gboolean tern_maildir_create (const char *path, GError **error);

/* TRUE when @path holds cur/ and new/. */
gboolean tern_maildir_is_maildir (const char *path);

/* Writes @raw into the Maildir at @path with TernFlags @flags. */
gboolean tern_maildir_add (const char *path, GBytes *raw, guint flags, gint64 date,
                           GError **error);

typedef struct _TernMaildirReader TernMaildirReader;

TernMaildirReader *tern_maildir_reader_new (const char *path, GError **error);
void tern_maildir_reader_free (TernMaildirReader *reader);

/* The next message and its TernFlags, or NULL at the end (no error) or on
 * an error reading a file (TERN_ERROR_STORE naming the file; the next call
 * goes on with the next file). */
GBytes *tern_maildir_reader_next (TernMaildirReader *reader, guint *flags_out,
                                  GError **error);
guint tern_maildir_reader_get_skipped (TernMaildirReader *reader);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernMaildirReader, tern_maildir_reader_free)

G_END_DECLS
