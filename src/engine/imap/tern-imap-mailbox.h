/* tern-imap-mailbox.h: LIST entries (roles, selectability) and modified UTF-7 names.
 *
 * Nothing here talks to the network; tern-imap-sync.c drives the session.
 */
#pragma once

#include <glib.h>
#include <libetpan/libetpan.h>

#include "core/tern-types.h"

G_BEGIN_DECLS

/* The role of a mailbox from its special-use flags (RFC 6154, or XLIST's),
 * else from its name ("Sent Items", "Deleted Messages", ...). */
TernFolderRole tern_imap_role_from_list (struct mailimap_mailbox_list *mb);

/* Whether a LIST entry can be selected (no \Noselect / \NonExistent). */
gboolean tern_imap_list_is_selectable (struct mailimap_mailbox_list *mb);

/* Decodes IMAP's modified UTF-7 mailbox names (RFC 3501 5.1.3) to UTF-8 for
 * display; the server path itself is kept as the server sent it. */
char *tern_imap_mailbox_to_utf8 (const char *mailbox);

/* Encodes a UTF-8 folder name in modified UTF-7, for a folder Tern creates
 * or renames on the server. */
char *tern_imap_mailbox_from_utf8 (const char *utf8);

G_END_DECLS
