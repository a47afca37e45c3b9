/* tern-protocol-trace.h: the conversation with a mail server, for bug reports.
 *
 * With TERN_DEBUG=imap,pop3,smtp (any of them, or "all") every line Tern
 * sends (C:) and receives (S:) on a connection of that protocol is printed
 * on stderr, prefixed with the protocol and the server:
 *
 *   tern-imap: localhost:993 S: * OK [CAPABILITY IMAP4rev1 ...] Dovecot ready.
 *   tern-imap: localhost:993 C: 1 LOGIN alice ***
 *
 * With G_MESSAGES_DEBUG naming the log domain (tern-imap, tern-pop3,
 * tern-smtp) the same lines go through GLib's log at debug level instead.
 *
 * Credentials never appear: the password of IMAP LOGIN, POP3 PASS and APOP,
 * the initial response and every continuation line of IMAP AUTHENTICATE,
 * POP3 AUTH and SMTP AUTH (whatever the mechanism, XOAUTH2 tokens
 * included) are replaced by ***. Message contents are not printed either:
 * IMAP literals, a POP3 RETR/TOP answer and the SMTP DATA body show as their
 * size. The trace reads the bytes the stream driver (tern-tls-stream.c)
 * sends and receives, so it sees exactly what went over the wire, after TLS
 * decryption.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TERN_TRACE_IMAP,
  TERN_TRACE_POP3,
  TERN_TRACE_SMTP,
} TernTraceProtocol;

typedef struct _TernProtocolTrace TernProtocolTrace;

/* Receives each trace line: @direction is 'C' (sent) or 'S' (received),
 * @line is already redacted, printable and without its line end. */
typedef void (*TernTraceFunc) (TernTraceProtocol  protocol,
                               const char        *server,
                               char               direction,
                               const char        *line,
                               gpointer           user_data);

/* A trace of one connection to @host:@port, or NULL when neither
 * TERN_DEBUG nor G_MESSAGES_DEBUG asks for @protocol (the usual case: then
 * nothing is parsed or kept). */
TernProtocolTrace *tern_protocol_trace_new (TernTraceProtocol protocol, const char *host,
                                            guint16 port);
/* The same, always on, handing lines to @func (tests). */
TernProtocolTrace *tern_protocol_trace_new_with_func (TernTraceProtocol protocol,
                                                      const char *host, guint16 port,
                                                      TernTraceFunc func, gpointer user_data);
void tern_protocol_trace_free (TernProtocolTrace *trace);

/* Bytes written to / read from the server (any chunking). */
void tern_protocol_trace_sent (TernProtocolTrace *trace, const void *data, gsize len);
void tern_protocol_trace_received (TernProtocolTrace *trace, const void *data, gsize len);
/* A line about the connection itself ("TLS started"), shown as '*'. */
void tern_protocol_trace_note (TernProtocolTrace *trace, const char *what);

/* The log domain of @protocol: "tern-imap", "tern-pop3" or "tern-smtp". */
const char *tern_protocol_trace_domain (TernTraceProtocol protocol);

G_END_DECLS
