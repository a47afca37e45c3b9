/* tern-stream-guard.h: watches the bytes an IMAP server sends, before
 * libetpan sees them.
 *
 * libetpan 1.9.4 allocates whatever literal size a server claims and grows
 * a line buffer without end, so a hostile server could make Tern allocate
 * any amount of memory. The guard runs a small IMAP lexer over every byte
 * read from the server (literal claims {N}, line ends, literal contents it
 * skips, quoted strings) and stops the stream before libetpan reads a line that claims a
 * literal over the limit, a line over the limit, or a reply (all bytes
 * since the last command) over the limit, or a number longer than 20
 * digits (libetpan 1.9.4 silently wraps numbers to 32 bits; nothing in IMAP
 * is longer than a 64-bit MODSEQ), or a reply libetpan 1.9.4 is known to
 * crash on (an empty "* CAPABILITY" list). It also keeps the words of a
 * `* BYE`, so a closed connection can say what the server said.
 *
 * Plain data, no I/O: tern-tls-stream.c feeds it, the fuzz targets too. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The defaults for IMAP. A message larger than the literal limit keeps its
 * headers and is marked too large (see imap/tern-imap-limits.h). */
#define TERN_STREAM_MAX_LITERAL  ((guint64) 100 * 1024 * 1024)
#define TERN_STREAM_MAX_LINE     ((guint64) 64 * 1024 * 1024)
#define TERN_STREAM_MAX_REPLY    ((guint64) 256 * 1024 * 1024)
#define TERN_STREAM_MAX_BYE      200

typedef struct {
  guint64 max_literal;
  guint64 max_line;       /* bytes between line ends, literals not counted */
  guint64 max_reply;      /* bytes since tern_stream_guard_new_command() */

  /* Lexer state. */
  int brace;              /* where a literal claim stands */
  gboolean in_literal;
  gboolean in_quote, quote_escaped;
  guint64 number;         /* digits of a literal claim so far */
  guint64 literal_left;   /* bytes of literal still to skip */
  guint64 line_len;
  guint64 reply_len;
  guint digits;           /* of the number being read, outside quotes */
  gboolean in_number;     /* the current word may still be a number */
  char head[16];          /* a line's first bytes */
  guint head_len;
  guint bye_match;        /* how much of "* BYE " matched at a line start */
  gboolean in_bye;
  char bye[TERN_STREAM_MAX_BYE + 1];
  guint bye_len;
  gboolean bye_seen;
} TernStreamGuard;

/* Kinds of trouble tern_stream_guard_scan() reports. */
typedef enum {
  TERN_STREAM_GUARD_OK,
  TERN_STREAM_GUARD_LITERAL_TOO_LARGE,
  TERN_STREAM_GUARD_LINE_TOO_LONG,
  TERN_STREAM_GUARD_REPLY_TOO_LARGE,
  TERN_STREAM_GUARD_NUMBER_TOO_LONG,   /* more digits than any IMAP number has */
  TERN_STREAM_GUARD_EMPTY_CAPABILITY,  /* "* CAPABILITY" alone: crashes libetpan 1.9.4 */
} TernStreamGuardResult;

/* The IMAP defaults above. */
void tern_stream_guard_init (TernStreamGuard *guard);

/* Scans @len bytes; *passed is how many of them may reach libetpan (all of
 * them unless the result is not OK: then the stream must fail after those). */
TernStreamGuardResult tern_stream_guard_scan (TernStreamGuard *guard, const char *buf,
                                              gsize len, gsize *passed);

/* A new command went out: the reply count starts again. */
void tern_stream_guard_new_command (TernStreamGuard *guard);

/* The text of the last `* BYE` line (printable ASCII, cut to 200 bytes),
 * or NULL if the server said none. */
const char *tern_stream_guard_bye (const TernStreamGuard *guard);

/* A plain-words reason for a result that is not OK. */
char *tern_stream_guard_describe (const TernStreamGuard *guard, TernStreamGuardResult result,
                                  const char *host);

G_END_DECLS
