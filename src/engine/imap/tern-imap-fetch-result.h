/* tern-imap-fetch-result.h: flags and FETCH responses from libetpan's structures to Tern's.
 *
 * Nothing here talks to the network; tern-imap-sync.c drives the session.
 */
#pragma once

#include <glib.h>
#include <libetpan/libetpan.h>

#include "core/tern-types.h"

G_BEGIN_DECLS

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

G_END_DECLS
