/* tern-protocol-trace.c: the redacting line parser behind TERN_DEBUG.
 *
 * Each direction is cut into lines; a line is redacted, made printable and
 * handed to the sink. The parser knows just enough of each protocol to
 * find what must not be printed:
 *   - a command that starts an authentication (IMAP LOGIN/AUTHENTICATE,
 *     POP3 AUTH, SMTP AUTH) shows only its name and mechanism, and every
 *     line Tern sends after it is *** until the server's final answer
 *     (IMAP: a tagged line; POP3: +OK/-ERR; SMTP: a code other than 334);
 *   - POP3 PASS and APOP arguments are ***;
 *   - contents: an IMAP literal ({N} at a line end, either direction) is
 *     skipped by its byte count, and a dot-terminated body (POP3 RETR/TOP
 *     after +OK, SMTP DATA after 354) is counted up to its ".".
 * Redaction is by position, not by content, so it holds for any password.
 */
#include "net/tern-protocol-trace.h"

#include <stdlib.h>
#include <string.h>

/* Longer lines are cut (a huge FETCH response line, a hostile server). */
#define MAX_LINE 1000

typedef struct {
  GString *line;        /* the line so far (at most MAX_LINE bytes kept) */
  gsize dropped;        /* bytes of it beyond MAX_LINE */
  guint64 skip;         /* bytes of a literal still to come */
  guint64 literal;      /* size of that literal */
  gboolean secret;      /* the literal is a credential */
  gboolean body;        /* inside a dot-terminated body */
  guint64 body_bytes;
} Direction;

struct _TernProtocolTrace {
  TernTraceProtocol protocol;
  char *server;
  TernTraceFunc func;
  gpointer user_data;
  Direction out, in;
  gboolean auth;        /* an authentication exchange is under way */
  gboolean retr;        /* POP3: RETR or TOP sent, its +OK starts a body */
};

const char *
tern_protocol_trace_domain (TernTraceProtocol protocol)
{
  switch (protocol)
    {
    case TERN_TRACE_POP3: return "tern-pop3";
    case TERN_TRACE_SMTP: return "tern-smtp";
    case TERN_TRACE_IMAP:
    default: return "tern-imap";
    }
}

/* Whether TERN_DEBUG ("imap,pop3", "smtp", "all") names @protocol. */
static gboolean
tern_debug_wants (TernTraceProtocol protocol)
{
  const char *value = g_getenv ("TERN_DEBUG");
  const char *name = tern_protocol_trace_domain (protocol) + strlen ("tern-");
  g_auto(GStrv) words = NULL;

  if (value == NULL || *value == '\0')
    return FALSE;
  words = g_strsplit_set (value, ", :;", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (g_ascii_strcasecmp (words[i], name) == 0 || g_ascii_strcasecmp (words[i], "all") == 0)
      return TRUE;
  return FALSE;
}

static void
print_line (TernTraceProtocol protocol, const char *server, char direction, const char *line,
            gpointer user_data)
{
  g_printerr ("%s: %s %c: %s\n", tern_protocol_trace_domain (protocol), server, direction, line);
}

static void
log_line (TernTraceProtocol protocol, const char *server, char direction, const char *line,
          gpointer user_data)
{
  g_log (tern_protocol_trace_domain (protocol), G_LOG_LEVEL_DEBUG, "%s %c: %s", server, direction,
         line);
}

TernProtocolTrace *
tern_protocol_trace_new_with_func (TernTraceProtocol protocol, const char *host, guint16 port,
                                   TernTraceFunc func, gpointer user_data)
{
  TernProtocolTrace *trace = g_new0 (TernProtocolTrace, 1);

  trace->protocol = protocol;
  trace->server = g_strdup_printf ("%s:%u", host != NULL ? host : "?", port);
  trace->func = func;
  trace->user_data = user_data;
  trace->out.line = g_string_new (NULL);
  trace->in.line = g_string_new (NULL);
  return trace;
}

TernProtocolTrace *
tern_protocol_trace_new (TernTraceProtocol protocol, const char *host, guint16 port)
{
  if (tern_debug_wants (protocol))
    return tern_protocol_trace_new_with_func (protocol, host, port, print_line, NULL);
  if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, tern_protocol_trace_domain (protocol)))
    return tern_protocol_trace_new_with_func (protocol, host, port, log_line, NULL);
  return NULL;
}

void
tern_protocol_trace_free (TernProtocolTrace *trace)
{
  if (trace == NULL)
    return;
  g_string_free (trace->out.line, TRUE);
  g_string_free (trace->in.line, TRUE);
  g_free (trace->server);
  g_free (trace);
}

/* ---- output ---- */

/* @line as printable text: control bytes (and, if it is not UTF-8, bytes
 * above 127) as \xNN. */
static char *
printable (const char *line, gsize len)
{
  gboolean utf8 = g_utf8_validate (line, (gssize) len, NULL);
  GString *out = g_string_sized_new (len + 8);

  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) line[i];

      if ((c < 0x20 && c != '\t') || c == 0x7f || (c >= 0x80 && !utf8))
        g_string_append_printf (out, "\\x%02X", c);
      else
        g_string_append_c (out, (char) c);
    }
  return g_string_free (out, FALSE);
}

static void
emit (TernProtocolTrace *trace, char direction, const char *text)
{
  trace->func (trace->protocol, trace->server, direction, text, trace->user_data);
}

static void
emit_printf (TernProtocolTrace *trace, char direction, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static void
emit_printf (TernProtocolTrace *trace, char direction, const char *fmt, ...)
{
  g_autofree char *text = NULL;
  va_list ap;

  va_start (ap, fmt);
  text = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  emit (trace, direction, text);
}

void
tern_protocol_trace_note (TernProtocolTrace *trace, const char *what)
{
  if (trace != NULL)
    emit (trace, '*', what);
}

/* ---- parsing ---- */

/* The word of @line starting at *@pos (after spaces), as a new string;
 * *@pos moves past it. A quoted IMAP string counts as one word. */
static char *
next_word (const char *line, gsize *pos)
{
  gsize start, i = *pos;

  while (line[i] == ' ')
    i++;
  start = i;
  if (line[i] == '"')
    {
      for (i++; line[i] != '\0' && line[i] != '"'; i++)
        if (line[i] == '\\' && line[i + 1] != '\0')
          i++;
      if (line[i] == '"')
        i++;
    }
  else
    while (line[i] != '\0' && line[i] != ' ')
      i++;
  *pos = i;
  return g_strndup (line + start, i - start);
}

static gboolean
has_more (const char *line, gsize pos)
{
  while (line[pos] == ' ')
    pos++;
  return line[pos] != '\0';
}

/* The size of an IMAP literal announced at the end of @line ("{12}" or
 * "{12+}"), or -1. */
static gint64
literal_size (const char *line, gsize len)
{
  gsize i;
  guint64 n = 0;

  if (len < 3 || line[len - 1] != '}')
    return -1;
  i = len - 2;
  if (line[i] == '+')
    i--;
  if (!g_ascii_isdigit (line[i]))
    return -1;
  while (i > 0 && g_ascii_isdigit (line[i]))
    i--;
  if (line[i] != '{')
    return -1;
  for (gsize j = i + 1; g_ascii_isdigit (line[j]); j++)
    {
      n = n * 10 + (guint64) (line[j] - '0');
      if (n > G_MAXINT64 / 10)
        return -1;
    }
  return (gint64) n;
}

/* "NAME MECHANISM ***" for a command that starts an authentication. */
static char *
redact_auth (const char *prefix, const char *line, gsize pos)
{
  g_autofree char *mechanism = next_word (line, &pos);

  return g_strdup_printf ("%s %s%s", prefix, mechanism, has_more (line, pos) ? " ***" : "");
}

/* The client line as it may be shown; notes where authentication starts. */
static char *
redact_client (TernProtocolTrace *trace, const char *line)
{
  gsize pos = 0;
  g_autofree char *first = next_word (line, &pos);
  g_autofree char *second = NULL;

  switch (trace->protocol)
    {
    case TERN_TRACE_IMAP:
      second = next_word (line, &pos);
      if (g_ascii_strcasecmp (second, "LOGIN") == 0)
        {
          g_autofree char *user = next_word (line, &pos);

          trace->auth = TRUE;
          /* A user name sent as a literal comes later: hide it all. */
          if (literal_size (user, strlen (user)) >= 0)
            return g_strdup_printf ("%s LOGIN ***", first);
          return g_strdup_printf ("%s LOGIN %s ***", first, user);
        }
      if (g_ascii_strcasecmp (second, "AUTHENTICATE") == 0)
        {
          g_autofree char *prefix = g_strdup_printf ("%s AUTHENTICATE", first);

          trace->auth = TRUE;
          return redact_auth (prefix, line, pos);
        }
      break;
    case TERN_TRACE_POP3:
      if (g_ascii_strcasecmp (first, "PASS") == 0)
        return g_strdup ("PASS ***");
      if (g_ascii_strcasecmp (first, "APOP") == 0)
        {
          g_autofree char *user = next_word (line, &pos);
          return g_strdup_printf ("APOP %s ***", user);
        }
      if (g_ascii_strcasecmp (first, "RETR") == 0 || g_ascii_strcasecmp (first, "TOP") == 0)
        trace->retr = TRUE;
      G_GNUC_FALLTHROUGH;
    case TERN_TRACE_SMTP:
      /* A bare AUTH (POP3: list the mechanisms) starts nothing. */
      if (g_ascii_strcasecmp (first, "AUTH") == 0 && has_more (line, pos))
        {
          trace->auth = TRUE;
          return redact_auth ("AUTH", line, pos);
        }
      break;
    }
  return g_strdup (line);
}

/* Whether a server line ends the authentication exchange under way. */
static gboolean
ends_auth (TernProtocolTrace *trace, const char *line)
{
  switch (trace->protocol)
    {
    case TERN_TRACE_IMAP:
      return line[0] != '+' && line[0] != '*';
    case TERN_TRACE_POP3:
      return g_str_has_prefix (line, "+OK") || g_str_has_prefix (line, "-ERR");
    case TERN_TRACE_SMTP:
    default:
      return !g_str_has_prefix (line, "334");
    }
}

static void
handle_line (TernProtocolTrace *trace, char direction, Direction *d, const char *line, gsize len)
{
  g_autofree char *text = NULL;
  g_autofree char *shown = NULL;
  gint64 literal;

  if (d->body)
    {
      if (len == 1 && line[0] == '.')
        {
          emit_printf (trace, direction, "[message, %" G_GUINT64_FORMAT " bytes]", d->body_bytes);
          emit (trace, direction, ".");
          d->body = FALSE;
        }
      else
        d->body_bytes += len + 2;
      return;
    }
  text = printable (line, len);
  if (direction == 'C')
    shown = trace->auth ? g_strdup ("***") : redact_client (trace, text);
  else
    shown = g_strdup (text);
  if (d->dropped > 0 && !(direction == 'C' && trace->auth && g_str_equal (shown, "***")))
    {
      char *longer = g_strdup_printf ("%s… (%" G_GSIZE_FORMAT " more bytes)", shown, d->dropped);
      g_free (shown);
      shown = longer;
    }
  emit (trace, direction, shown);

  literal = trace->protocol == TERN_TRACE_IMAP && d->dropped == 0 ? literal_size (line, len) : -1;
  if (literal > 0)
    {
      d->skip = d->literal = (guint64) literal;
      d->secret = direction == 'C' && trace->auth;
    }
  if (direction == 'S')
    {
      if (trace->auth && ends_auth (trace, line))
        trace->auth = FALSE;
      if (trace->protocol == TERN_TRACE_POP3 && trace->retr)
        {
          d->body = g_str_has_prefix (line, "+OK");
          d->body_bytes = 0;
          trace->retr = FALSE;
        }
      if (trace->protocol == TERN_TRACE_SMTP && g_str_has_prefix (line, "354"))
        {
          trace->out.body = TRUE;
          trace->out.body_bytes = 0;
        }
    }
}

static void
feed (TernProtocolTrace *trace, char direction, Direction *d, const char *data, gsize len)
{
  while (len > 0)
    {
      const char *nl;
      gsize n;

      if (d->skip > 0)
        {
          n = (gsize) MIN ((guint64) len, d->skip);
          d->skip -= n;
          data += n;
          len -= n;
          if (d->skip == 0)
            {
              if (d->secret)
                emit (trace, direction, "***");
              else
                emit_printf (trace, direction, "[%" G_GUINT64_FORMAT " bytes]", d->literal);
            }
          continue;
        }
      nl = memchr (data, '\n', len);
      n = nl != NULL ? (gsize) (nl - data) + 1 : len;
      {
        gsize keep = nl != NULL ? n - 1 : n;

        /* The line end is CRLF: its CR is not part of the line. */
        if (nl != NULL && keep > 0 && data[keep - 1] == '\r')
          keep--;
        gsize room = MAX_LINE > d->line->len ? MAX_LINE - d->line->len : 0;

        g_string_append_len (d->line, data, (gssize) MIN (keep, room));
        d->dropped += keep > room ? keep - room : 0;
      }
      data += n;
      len -= n;
      if (nl == NULL)
        return;
      if (d->line->len > 0 && d->line->str[d->line->len - 1] == '\r' && d->dropped == 0)
        g_string_truncate (d->line, d->line->len - 1);
      handle_line (trace, direction, d, d->line->str, d->line->len);
      g_string_truncate (d->line, 0);
      d->dropped = 0;
    }
}

void
tern_protocol_trace_sent (TernProtocolTrace *trace, const void *data, gsize len)
{
  if (trace != NULL)
    feed (trace, 'C', &trace->out, data, len);
}

void
tern_protocol_trace_received (TernProtocolTrace *trace, const void *data, gsize len)
{
  if (trace != NULL)
    feed (trace, 'S', &trace->in, data, len);
}
