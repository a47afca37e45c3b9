/* tern-tls-stream.h: libetpan streams over our own TCP and GnuTLS.
 *
 * libetpan's own TLS verifies nothing, so Tern connects the socket itself,
 * runs a GnuTLS client session (system trust, plus $TERN_EXTRA_CA_FILE in
 * builds configured with -Dtest_hooks=true; SNI,
 * host-name check, TLS 1.2 or later) and hands the result to libetpan as a
 * custom mailstream_low driver. The certificate is checked right after the
 * handshake, before the protocol layer can send any credential.
 *
 * Every read and write waits with a per-stream deadline (not the process-wide
 * mailstream_network_delay); each reply as a whole also has one (four
 * per-read timeouts plus a second per 16 KiB received), so a server that
 * trickles bytes is dropped too. End of stream is a failed read (-1), never
 * 0, which libetpan's literal loop needs. Waits wake up when the stream is
 * cancelled, either
 * with mailstream_cancel() from any thread (permanent: reconnect afterwards)
 * or through the GCancellable set on the stream.
 *
 * After a failed libetpan call, tern_tls_stream_get_failure() tells why the
 * stream broke (timed out, cancelled, connection lost) as a TERN_ERROR.
 */
#pragma once

#include <gio/gio.h>
#include <libetpan/libetpan.h>

#include "net/tern-certificate-info.h"
#include "net/tern-protocol-trace.h"
#include "core/tern-server-config.h"

G_BEGIN_DECLS

/* Connects to cfg->host:cfg->port. With TERN_SECURITY_TLS the TLS handshake
 * and certificate check are done before returning; with STARTTLS or NONE the
 * stream is plain text (call tern_tls_stream_starttls() after the protocol's
 * STARTTLS/STLS answer). A certificate that cannot be verified and does not
 * match cfg->pinned_sha256 gives TERN_ERROR_CERTIFICATE and, if cert_out is
 * not NULL, its details. cancellable stays attached to the stream. */
mailstream *tern_tls_stream_open (const TernServerConfig *cfg,
                                  GCancellable           *cancellable,
                                  TernCertificateInfo   **cert_out,
                                  GError                **error);

/* Upgrades a plain stream after the server accepted STARTTLS/STLS. Refuses
 * (TERN_ERROR_PROTOCOL) when the server sent bytes after its answer, which
 * would otherwise be read as if they came over TLS (STARTTLS injection).
 * On failure the stream is unusable; close it. */
gboolean tern_tls_stream_starttls (mailstream             *stream,
                                   const TernServerConfig *cfg,
                                   TernCertificateInfo   **cert_out,
                                   GError                **error);

/* A plain-text stream over a connected socket the stream then owns (for
 * tests and fuzz targets, which feed it from the other end of a
 * socketpair). Uses cfg->host in messages and cfg->timeout_seconds. */
mailstream *tern_tls_stream_new_for_fd (int fd, const TernServerConfig *cfg);

/* Puts an IMAP guard on the stream (see net/tern-stream-guard.h): literals,
 * lines and replies over their limits stop the stream with
 * TERN_ERROR_TOO_LARGE before libetpan allocates them, and a `* BYE`
 * before the server hangs up becomes the error's reason: "The server ...
 * closed the connection: <its words>". Call it before mailimap_connect(). */
void tern_tls_stream_watch_imap (mailstream *stream);

/* Call on a plain stream before reading the server's greeting. A port that
 * waits for TLS from the first byte (security STARTTLS or none chosen on
 * 993, 995 or 465) sends no greeting, so the read would only time out: when
 * the first bytes are a TLS record, or nothing came within two seconds and a
 * second connection to the port answers a TLS hello, this fails with
 * TERN_ERROR_PROTOCOL saying to choose TLS or the STARTTLS port. Else TRUE,
 * also when the wait failed (the greeting's read then says why). */
gboolean tern_tls_stream_expect_greeting (mailstream             *stream,
                                          const TernServerConfig *cfg,
                                          GError                **error);

/* Traces the conversation on @stream as @protocol when TERN_DEBUG or
 * G_MESSAGES_DEBUG asks for it (tern-protocol-trace.h); call right after
 * tern_tls_stream_open(), before the greeting is read. */
void tern_tls_stream_trace (mailstream *stream, TernTraceProtocol protocol);

/* Returns what of a server @line the user should read (a new string), or
 * NULL for a line that is only protocol. */
typedef char *(*TernHeardFunc) (const char *line);

/* Keeps the server lines @pick chooses, cut into lines as the trace does
 * (literals skipped, a line cut at 1,000 bytes, made printable), at most 16
 * until taken. Always on, whatever TERN_DEBUG says; call before the
 * greeting is read. */
void tern_tls_stream_listen (mailstream *stream, TernTraceProtocol protocol, TernHeardFunc pick);
/* What was kept since the last call, oldest first (NULL: nothing). */
GPtrArray *tern_tls_stream_take_heard (mailstream *stream);

/* TRUE if stream is one of ours and runs over TLS. */
gboolean tern_tls_stream_is_encrypted (mailstream *stream);

/* Seconds a read or write may wait for the server (0: the default). */
void tern_tls_stream_set_timeout (mailstream *stream, guint seconds);

/* Replaces the GCancellable polled by reads and writes (NULL for none), for
 * a worker that gives every job its own cancellable. */
void tern_tls_stream_set_cancellable (mailstream *stream, GCancellable *cancellable);

/* Whether a goodbye (LOGOUT, QUIT) may still be said on @stream: it is
 * there, nothing failed on it and it is not cancelled. Then it also shortens
 * the stream's timeout, so a goodbye never holds up a close for long. */
gboolean tern_tls_stream_prepare_goodbye (mailstream *stream);

/* Why the last read or write failed, as a new GError; FALSE if it did not. */
gboolean tern_tls_stream_get_failure (mailstream *stream, GError **error);

/* For protocol code after libetpan reported a stream error: sets error to
 * the recorded failure, or to TERN_ERROR_CONNECTION_LOST naming host and
 * what was going on ("the greeting", "login", ...). */
void tern_tls_stream_propagate_failure (mailstream *stream,
                                        const char *host,
                                        const char *during,
                                        GError    **error);

/* TRUE when a password may go over this stream: it is encrypted, or the
 * account explicitly allows plain text. Else TERN_ERROR_ENCRYPTION_REQUIRED. */
gboolean tern_tls_stream_may_send_password (mailstream             *stream,
                                            const TernServerConfig *cfg,
                                            GError                **error);

/* Like mailstream_wait_idle() (use it in IMAP IDLE after
 * mailstream_setup_idle() and mailimap_idle()), but it also sees data
 * already buffered by libetpan or GnuTLS, which a poll() on the socket
 * misses, and it wakes up on the stream's GCancellable and on
 * mailstream_cancel(). Returns a MAILSTREAM_IDLE_* code. */
int tern_tls_stream_wait_idle (mailstream *stream, int max_idle_seconds);

G_END_DECLS
