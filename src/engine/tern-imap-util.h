/* tern-imap-util.h: translating between libetpan's IMAP structures and Tern's.
 *
 * Error mapping, UID sets, flags, FETCH results and LIST roles. Nothing here
 * talks to the network by itself; tern-imap-sync.c drives the session.
 */
#pragma once

#include <glib.h>
#include <libetpan/libetpan.h>

#include "tern-types.h"

G_BEGIN_DECLS

/* Sets a TERN_ERROR for libetpan result @r of the command @what, with the
 * server's own words when it sent any. A stream or parse error means the
 * session is unusable: *must_reconnect (may be NULL) is set to TRUE. */
void tern_imap_set_error (GError   **error,
                          mailimap  *imap,
                          int        r,
                          const char *what,
                          gboolean  *must_reconnect);

/* Builds a libetpan set from sorted or unsorted UIDs, merging runs into ranges. */
struct mailimap_set *tern_imap_set_from_uids (const guint32 *uids, guint n);

/* "1,4:7,9": the same set as text, for pending_ops rows; and back. Returns
 * FALSE on malformed text. */
char *tern_imap_uid_set_to_string (const guint32 *uids, guint n);
gboolean tern_imap_uid_set_parse (const char *text, GArray *uids_out);

/* TernFlags bits and the other keywords (space-separated) from a FETCH FLAGS
 * list of struct mailimap_flag_fetch. */
guint tern_imap_flags_from_fetch (clist *flag_fetch_list, GString *keywords);

/* A flag list for STORE with the system flags in @flags. */
struct mailimap_flag_list *tern_imap_flag_list_new (guint flags);

/* The attributes of one FETCH response, pointers borrowed from libetpan's
 * structures (valid until the fetch result is freed). */
typedef struct {
  guint32 uid;
  guint flags;
  gboolean has_flags;
  GString *keywords;          /* owned; free with tern_imap_fetched_clear */
  gint64 internal_date;       /* Unix time, 0 if not fetched */
  guint32 size;               /* RFC822.SIZE */
  guint64 modseq;             /* CONDSTORE MODSEQ, 0 if not fetched */
  const char *body;           /* BODY[] or BODY[HEADER] content */
  gsize body_len;
  gboolean body_is_header;    /* only the header block was fetched */
  gboolean has_attachments;   /* from BODYSTRUCTURE, when fetched */
} TernImapFetched;

void tern_imap_fetched_parse (struct mailimap_msg_att *att, TernImapFetched *out);
void tern_imap_fetched_clear (TernImapFetched *fetched);

/* The role of a mailbox from its special-use flags (RFC 6154, or XLIST's),
 * else from its name ("Sent Items", "Deleted Messages", ...). */
TernFolderRole tern_imap_role_from_list (struct mailimap_mailbox_list *mb);

/* Whether a LIST entry can be selected (no \Noselect / \NonExistent). */
gboolean tern_imap_list_is_selectable (struct mailimap_mailbox_list *mb);

/* Decodes IMAP's modified UTF-7 mailbox names (RFC 3501 5.1.3) to UTF-8 for
 * display; the server path itself is kept as the server sent it. */
char *tern_imap_mailbox_to_utf8 (const char *mailbox);

G_END_DECLS
