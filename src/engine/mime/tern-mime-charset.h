/* tern-mime-charset.h: GMime setup, charset repair and RFC 2047 header decoding.
 *
 * Every string that leaves this module is valid UTF-8 without NUL bytes.
 * Mail lies about its charsets all the time, so decoding is best effort:
 * bytes that are valid UTF-8 are taken as UTF-8, then the declared charset is
 * tried, and windows-1252 (which maps every byte) is the last resort, so the
 * result is never mojibake where a fallback can avoid it and never fails.
 *
 * Thread safety: every function here is thread-safe. tern_mime_init() may be
 * called from any thread, any number of times; it initialises GMime once.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Initialise GMime once per process. Every tern-mime-* entry point calls it,
 * so callers only need it before using GMime directly. Thread-safe. */
void tern_mime_init (void);

/* Convert @len bytes of text in @declared_charset (may be NULL or bogus) to
 * valid UTF-8, with the fallbacks described above. Never returns NULL. */
char *tern_mime_text_to_utf8 (const char *data, gssize len, const char *declared_charset);

/* Decode a raw header value (IMAP ENVELOPE strings, Subject lines): RFC 2047
 * encoded words, raw 8-bit bytes, folded lines. Returns valid UTF-8; NULL
 * only when @raw is NULL. */
char *tern_mime_decode_header (const char *raw);

/* Rewrite the encoded words and 8-bit bytes of a raw structured header (an
 * address list) so that GMime can parse it without charset guessing: each
 * run of encoded words becomes one UTF-8 encoded word, raw bytes become
 * UTF-8. The structure (commas, quotes, angle brackets) is untouched. */
char *tern_mime_normalize_header (const char *raw);

/* Make @str valid UTF-8 in place semantics: returns a new string where
 * invalid sequences are U+FFFD and control characters other than tab and
 * newline are dropped when @single_line is FALSE, or turned to spaces when
 * TRUE (for one-line fields such as subjects). */
char *tern_mime_sanitize_utf8 (const char *str, gssize len, gboolean single_line);

G_END_DECLS
