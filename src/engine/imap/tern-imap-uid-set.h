/* tern-imap-uid-set.h: UID sets: libetpan sets and the text form kept in pending_ops.
 *
 * Nothing here talks to the network; tern-imap-sync.c drives the session.
 */
#pragma once

#include <glib.h>
#include <libetpan/libetpan.h>

#include "core/tern-types.h"

G_BEGIN_DECLS

/* Builds a libetpan set from sorted or unsorted UIDs, merging runs into ranges. */
struct mailimap_set *tern_imap_set_from_uids (const guint32 *uids, guint n);

/* "1,4:7,9": the same set as text, for pending_ops rows; and back. Returns
 * FALSE on malformed text. */
char *tern_imap_uid_set_to_string (const guint32 *uids, guint n);
gboolean tern_imap_uid_set_parse (const char *text, GArray *uids_out);

G_END_DECLS
