/* tern-stream-guard.c: an IMAP lexer just good enough to bound memory. */
#include "net/tern-stream-guard.h"

#include <string.h>

/* Where a literal claim "{N}" CRLF stands; tracked inside quoted strings
 * too, so a quote the lexer misreads can never hide a claim. */
enum {
  B_NONE,
  B_DIGITS,      /* after "{", reading the claimed size */
  B_END,         /* after "{N}" */
  B_CR,          /* after "{N}\r" */
};

/* 2^64 has 20 digits. */
#define MAX_DIGITS 20

#define BYE_PREFIX "* BYE "
#define BYE_DEAD (sizeof BYE_PREFIX)   /* this line is not a BYE */

void
tern_stream_guard_init (TernStreamGuard *guard)
{
  memset (guard, 0, sizeof *guard);
  guard->max_literal = TERN_STREAM_MAX_LITERAL;
  guard->max_line = TERN_STREAM_MAX_LINE;
  guard->max_reply = TERN_STREAM_MAX_REPLY;
  guard->in_number = TRUE;
}

void
tern_stream_guard_new_command (TernStreamGuard *guard)
{
  guard->reply_len = 0;
}

const char *
tern_stream_guard_bye (const TernStreamGuard *guard)
{
  return guard->bye_seen || guard->in_bye ? guard->bye : NULL;
}

/* Keeps the words after "* BYE " (printable ASCII only: they go into a
 * message for the user). */
static void
watch_bye (TernStreamGuard *g, char c)
{
  if (g->in_bye)
    {
      if (g->bye_len < TERN_STREAM_MAX_BYE && c > (g->bye_len == 0 ? 0x20 : 0x1f) && c < 0x7f)
        {
          g->bye[g->bye_len++] = c;
          g->bye[g->bye_len] = '\0';
        }
      return;
    }
  if (g->bye_match >= BYE_DEAD - 1)
    return;
  if (g_ascii_toupper (c) == BYE_PREFIX[g->bye_match])
    {
      if (++g->bye_match == BYE_DEAD - 1)
        {
          g->in_bye = TRUE;
          g->bye_seen = FALSE;
          g->bye_len = 0;
          g->bye[0] = '\0';
        }
    }
  else
    g->bye_match = BYE_DEAD;
  g->in_number = TRUE;
  g->digits = 0;
}

/* Counts the digits of words that are numbers ("123", not "a123"). */
static gboolean
number_ok (TernStreamGuard *g, char c)
{
  if (g_ascii_isdigit (c))
    {
      if (g->in_number && ++g->digits > MAX_DIGITS)
        return FALSE;
      return TRUE;
    }
  g->in_number = c == ' ' || c == '(' || c == '[' || c == ':' || c == ',' || c == '*';
  g->digits = 0;
  return TRUE;
}

/* libetpan 1.9.4 dereferences NULL in mailimap_capability() after a
 * CAPABILITY response that lists nothing (found by fuzz-imap). */
static gboolean
is_empty_capability (const TernStreamGuard *g)
{
  guint n = g->head_len;

  while (n > 0 && (g->head[n - 1] == '\r' || g->head[n - 1] == ' '))
    n--;
  return n == strlen ("* CAPABILITY") && g_ascii_strncasecmp (g->head, "* CAPABILITY", n) == 0;
}

static void
line_end (TernStreamGuard *g)
{
  g->head_len = 0;
  g->in_number = TRUE;
  g->digits = 0;
  if (g->in_bye)
    g->bye_seen = TRUE;
  g->in_bye = FALSE;
  g->bye_match = 0;
  g->line_len = 0;
}

static void
literal_start (TernStreamGuard *g)
{
  g->literal_left = g->number;
  g->head_len = sizeof g->head;   /* the head is complete: no CAPABILITY line */
  g->in_literal = g->number > 0;
  g->line_len = 0;
  g->in_bye = FALSE;
  g->bye_match = BYE_DEAD;
}

/* Quoted strings: their digits are no numbers. */
static void
track_quotes (TernStreamGuard *g, char c)
{
  if (g->quote_escaped)
    g->quote_escaped = FALSE;
  else if (g->in_quote && c == '\\')
    g->quote_escaped = TRUE;
  else if (c == '"')
    {
      g->in_quote = !g->in_quote;
      g->in_number = FALSE;
      g->digits = 0;
    }
}

/* One byte outside a literal. */
static TernStreamGuardResult
lex (TernStreamGuard *g, char c)
{
  int brace = g->brace;

  if (c == '\n')
    {
      if (brace == B_END || brace == B_CR)
        literal_start (g);
      else if (is_empty_capability (g))
        return TERN_STREAM_GUARD_EMPTY_CAPABILITY;
      else
        line_end (g);
      g->brace = B_NONE;
      g->in_quote = g->quote_escaped = FALSE;
      return TERN_STREAM_GUARD_OK;
    }
  if (++g->line_len > g->max_line)
    return TERN_STREAM_GUARD_LINE_TOO_LONG;
  watch_bye (g, c);
  if (g->head_len < sizeof g->head && g->line_len == g->head_len + 1)
    g->head[g->head_len++] = c;

  g->brace = B_NONE;
  if (brace == B_DIGITS && g_ascii_isdigit (c))
    {
      /* Refuse as soon as the claim is too large: libetpan only acts on it
       * after the line end, which then never reaches it. */
      g->number = g->number * 10 + (guint64) (c - '0');
      if (g->number > g->max_literal)
        return TERN_STREAM_GUARD_LITERAL_TOO_LARGE;
      g->brace = B_DIGITS;
    }
  else if (brace == B_DIGITS && c == '}')
    g->brace = B_END;
  else if (brace == B_END && c == '\r')
    g->brace = B_CR;
  else if (c == '{')
    {
      g->brace = B_DIGITS;
      g->number = 0;
    }

  track_quotes (g, c);
  if (!g->in_quote && !number_ok (g, c))
    return TERN_STREAM_GUARD_NUMBER_TOO_LONG;
  return TERN_STREAM_GUARD_OK;
}

TernStreamGuardResult
tern_stream_guard_scan (TernStreamGuard *g, const char *buf, gsize len, gsize *passed)
{
  gsize i = 0;

  while (i < len)
    {
      TernStreamGuardResult r;

      if (g->in_literal)
        {
          /* Skip the literal's bytes in one step. */
          guint64 take = MIN ((guint64) (len - i), g->literal_left);

          if (g->reply_len + take > g->max_reply)
            {
              *passed = i + (gsize) (g->max_reply - g->reply_len);
              return TERN_STREAM_GUARD_REPLY_TOO_LARGE;
            }
          g->reply_len += take;
          g->literal_left -= take;
          i += (gsize) take;
          if (g->literal_left == 0)
            g->in_literal = FALSE;
          continue;
        }
      if (g->reply_len + 1 > g->max_reply)
        {
          *passed = i;
          return TERN_STREAM_GUARD_REPLY_TOO_LARGE;
        }
      if ((r = lex (g, buf[i])) != TERN_STREAM_GUARD_OK)
        {
          *passed = i;
          return r;
        }
      g->reply_len++;
      i++;
    }
  *passed = len;
  return TERN_STREAM_GUARD_OK;
}

static char *
format_size (guint64 bytes)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT " MB", bytes / (1024 * 1024));
}

char *
tern_stream_guard_describe (const TernStreamGuard *g, TernStreamGuardResult result,
                            const char *host)
{
  g_autofree char *size = NULL;

  switch (result)
    {
    case TERN_STREAM_GUARD_LITERAL_TOO_LARGE:
      size = format_size (g->max_literal);
      return g_strdup_printf ("The incoming mail server %s announced a message or message part "
                              "larger than %s, more than Tern downloads at once, so Tern "
                              "closed the connection.", host, size);
    case TERN_STREAM_GUARD_LINE_TOO_LONG:
      size = format_size (g->max_line);
      return g_strdup_printf ("The incoming mail server %s sent a reply line longer than %s, "
                              "so Tern closed the connection.", host, size);
    case TERN_STREAM_GUARD_REPLY_TOO_LARGE:
      size = format_size (g->max_reply);
      return g_strdup_printf ("The incoming mail server %s sent more than %s in answer to one "
                              "request, so Tern closed the connection.", host, size);
    case TERN_STREAM_GUARD_NUMBER_TOO_LONG:
      return g_strdup_printf ("The incoming mail server %s sent a number too large to be "
                              "true, so Tern closed the connection.", host);
    case TERN_STREAM_GUARD_EMPTY_CAPABILITY:
      return g_strdup_printf ("The incoming mail server %s sent a malformed reply (an empty "
                              "list of capabilities), so Tern closed the connection.", host);
    case TERN_STREAM_GUARD_OK:
    default:
      return g_strdup ("");
    }
}
