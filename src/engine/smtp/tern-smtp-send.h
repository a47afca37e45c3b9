/* tern-smtp-send.h: hand one message to an SMTP server.
 *
 * Over a session from tern_smtp_connect() (implicit TLS or STARTTLS, EHLO
 * again after STARTTLS, AUTH PLAIN/LOGIN). Blocking: worker threads and
 * tern-cli only. The message is all-or-nothing: if the server refuses any
 * recipient, Tern resets the transaction and sends to nobody, so a retry
 * can never deliver twice to the recipients that were accepted.
 *
 * Errors say whether trying again can help:
 * - permanent (tern_smtp_error_is_permanent()): TERN_ERROR_REJECTED (a 5xx
 *   reply: which recipient or step, and the server's words),
 *   TERN_ERROR_TOO_LARGE (over the server's SIZE), TERN_ERROR_INVALID (an
 *   address Tern will not put on the wire);
 * - transient: 4xx replies (TERN_ERROR_FAILED, with the server's words),
 *   connection errors from the TLS layer, TERN_ERROR_PROTOCOL.
 */
#pragma once

#include <gio/gio.h>
#include <libetpan/libetpan.h>

G_BEGIN_DECLS

/* Sends @raw (RFC 5322, CRLF line ends; dot-stuffed on the way) from
 * @envelope_from to @recipients (NULL-terminated, at least one). @host
 * names the server in messages. After a failure the session may be
 * unusable (check tern_smtp_session_usable()). */
gboolean tern_smtp_send (mailsmtp            *smtp,
                         const char          *host,
                         const char          *envelope_from,
                         const char *const   *recipients,
                         GBytes              *raw,
                         GError             **error);

/* Whether a failed send may not be retried as is. */
gboolean tern_smtp_error_is_permanent (const GError *error);

/* FALSE once the stream broke; reconnect before the next message. */
gboolean tern_smtp_session_usable (mailsmtp *smtp);

G_END_DECLS
