/* tern-imap-server-words.h: what an IMAP server says to the user.
 *
 * A server speaks to people in two ways that do not fail the command: an
 * [ALERT] response code (RFC 3501 7.1: "MUST be presented to the user"), on
 * any status line, tagged or not; and an untagged NO or BAD during a
 * command that otherwise succeeds (Dovecot's "* NO Internal mailbox
 * synchronization failure" on SELECT). libetpan 1.9.4 keeps only the last
 * ALERT of a command (imap_response_info->rsp_alert, reset by the next
 * command) and drops the text of an untagged NO or BAD without a code, so
 * Tern listens to the stream itself (tern_tls_stream_listen) and keeps the
 * lines until the sync takes them after its commands.
 */
#pragma once

#include <libetpan/libetpan.h>

#include "imap/tern-imap-sync.h"

G_BEGIN_DECLS

/* The words of @line for the user ("Internal mailbox synchronization
 * failure"), without tag, status or response code, at most 300 bytes; NULL
 * for a line that is only protocol (also a tagged NO: that is the
 * command's error, reported as such). */
char *tern_imap_server_words_pick (const char *line);

/* Starts keeping what the server says on @stream; before the greeting. */
void tern_imap_server_words_listen (mailstream *stream);

/* What the server of @imap said since the last call, oldest first, each
 * once (NULL: nothing). */
GPtrArray *tern_imap_server_words_take (mailimap *imap);
/* The same for the session of @self. */
GPtrArray *tern_imap_sync_take_server_words (TernImapSync *self);

G_END_DECLS
