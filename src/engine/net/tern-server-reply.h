/* tern-server-reply.h: a server's own words, made fit to quote in an error.
 *
 * Error messages quote what a server said ("Incorrect authentication data")
 * and, when a server of the wrong kind answered (a POP3 account pointed at
 * an IMAP port), name what answered. Nothing here touches the network.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @text (may be NULL) as one line of valid UTF-8: line breaks of a
 * multi-line reply joined with spaces, no trailing space. Never NULL. */
char *tern_server_reply_clean (const char *text);

/* The server's words to end an error sentence: ": words" (cleaned as
 * above), or "." when it said nothing. Never NULL. */
char *tern_server_reply_quote (const char *text);

/* What kind of server sends @line as its greeting: "an IMAP server",
 * "a POP3 server", "an SMTP server", "an encrypted (TLS) service", ...;
 * NULL when unknown or empty. */
const char *tern_server_reply_kind (const char *line);

/* For "The server x is not a POP3 server: %s": "an IMAP server answered",
 * or "it answered “…”" (shortened), or "it sent nothing". */
char *tern_server_reply_describe_greeting (const char *line);

/* When @greeting is not the greeting of @protocol ("IMAP", "POP3" or
 * "SMTP"), sets TERN_ERROR_PROTOCOL ("The server H on port P is not a POP3
 * server: an IMAP server answered. Check the port: ...") and returns TRUE;
 * else FALSE and leaves @error alone. */
gboolean tern_server_reply_wrong_service (const char *greeting,
                                          const char *protocol,
                                          const char *host,
                                          guint16     port,
                                          GError    **error);

G_END_DECLS
