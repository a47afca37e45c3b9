/* tern-server-reply.c: a server's own words, made fit to quote in an error. */
#include "net/tern-server-reply.h"

#include <string.h>

#include "core/tern-error.h"
#include "core/tern-types.h"

/* Longest piece of an unknown greeting quoted back to the user. */
#define QUOTE_MAX_CHARS 60

char *
tern_server_reply_clean (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  GString *out = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p++)
    {
      if (*p == '\r' || *p == '\n' || *p == '\t')
        {
          /* One space for any run of line breaks, none at the ends. */
          if (out->len > 0 && out->str[out->len - 1] != ' ')
            g_string_append_c (out, ' ');
          continue;
        }
      if ((guchar) *p < 0x20 || *p == 0x7f)
        continue;   /* other control bytes would garble a terminal */
      g_string_append_c (out, *p);
    }
  g_strchomp (out->str);
  return g_string_free (out, FALSE);
}

char *
tern_server_reply_quote (const char *text)
{
  g_autofree char *clean = tern_server_reply_clean (text);

  return *clean != '\0' ? g_strdup_printf (": %s", clean) : g_strdup (".");
}

static gboolean
is_smtp_reply (const char *line)
{
  return g_ascii_isdigit (line[0]) && g_ascii_isdigit (line[1]) && g_ascii_isdigit (line[2]) &&
         (line[3] == ' ' || line[3] == '-' || line[3] == '\0' || line[3] == '\r');
}

const char *
tern_server_reply_kind (const char *line)
{
  if (line == NULL || *line == '\0')
    return NULL;
  /* A TLS record: handshake (0x16) or alert (0x15), version 3.x. */
  if ((line[0] == 0x16 || line[0] == 0x15) && line[1] == 0x03)
    return "an encrypted (TLS) service";
  if (g_str_has_prefix (line, "+OK") || g_str_has_prefix (line, "-ERR"))
    return "a POP3 server";
  if (g_str_has_prefix (line, "* OK") || g_str_has_prefix (line, "* PREAUTH") ||
      g_str_has_prefix (line, "* BYE"))
    return "an IMAP server";
  if (is_smtp_reply (line))
    return "an SMTP server";
  if (g_str_has_prefix (line, "HTTP/"))
    return "a web server";
  if (g_str_has_prefix (line, "SSH-"))
    return "an SSH server";
  return NULL;
}

char *
tern_server_reply_describe_greeting (const char *line)
{
  const char *kind = tern_server_reply_kind (line);
  g_autofree char *clean = NULL;

  if (kind != NULL)
    return g_strdup_printf ("%s answered", kind);
  clean = tern_server_reply_clean (line);
  if (*clean == '\0')
    return g_strdup ("it sent nothing");
  if (g_utf8_strlen (clean, -1) > QUOTE_MAX_CHARS)
    {
      *g_utf8_offset_to_pointer (clean, QUOTE_MAX_CHARS) = '\0';
      return g_strdup_printf ("it answered “%s…”", clean);
    }
  return g_strdup_printf ("it answered “%s”", clean);
}

gboolean
tern_server_reply_wrong_service (const char *greeting, const char *protocol, const char *host,
                                 guint16 port, GError **error)
{
  g_autofree char *service = g_ascii_strdown (protocol, -1);
  /* "an IMAP server", "a POP3 server", "an SMTP server" */
  g_autofree char *expected = g_strdup_printf ("%s %s server",
                                               protocol[0] == 'P' ? "a" : "an", protocol);
  const char *kind = tern_server_reply_kind (greeting);
  g_autofree char *what = NULL;

  if (kind != NULL && g_str_equal (kind, expected))
    return FALSE;
  what = tern_server_reply_describe_greeting (greeting);
  g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
               "The server %s on port %u is not %s: %s. Check the port: %s uses %u with "
               "TLS and %u with STARTTLS.", host, port, expected, what, protocol,
               tern_default_port (service, TERN_SECURITY_TLS),
               tern_default_port (service, TERN_SECURITY_STARTTLS));
  return TRUE;
}
