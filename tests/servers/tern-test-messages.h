/* tern-test-messages.h: a deterministic generator of realistic test messages.
 *
 * Message @index with @seed is always the same bytes (for a given UTC day:
 * dates are spread over the year before the start of the current day). The mix:
 * plain text, HTML only, multipart/alternative; ~10% with attachments (base64,
 * 2 KB to 100 KB, some RFC 2231 non-ASCII file names); RFC 2047 subjects and
 * names in UTF-8 and ISO-8859-1; bodies in UTF-8 8bit, UTF-8 and latin1
 * quoted-printable; threads (In-Reply-To/References); distinct Message-IDs.
 * Average size is about 5.5 KB. Lines end in CRLF.
 */
#pragma once

#include <glib.h>

#include "tern-test-servers.h"

G_BEGIN_DECLS

GBytes *tern_test_message_generate (guint index, guint32 seed);

/* The Message-ID (without angle brackets) that message @index will carry. */
char *tern_test_message_id (guint index, guint32 seed);

/* Generate messages first_index .. first_index + n - 1 into @user's @mailbox
 * of @servers (in batches, so memory stays small for 10,000 messages). */
gboolean tern_test_messages_seed (TernTestServers *servers,
                                  const char      *user,
                                  const char      *mailbox,
                                  guint            first_index,
                                  guint            n,
                                  guint32          seed,
                                  GError         **error);

G_END_DECLS
