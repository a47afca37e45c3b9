/* tern-store-records.h: the values that go in and out of TernStore.
 *
 * Input records (TernMessageRecord, TernAttachmentRecord) borrow their
 * strings from the caller. Output records (TernFolder, TernMessageSummary,
 * TernPendingOp, TernOutboxItem, TernPop3Uidl) own theirs and are boxed
 * types with a _free function and g_autoptr support.
 */
#pragma once

#include <glib-object.h>
#include "core/tern-types.h"

G_BEGIN_DECLS

/* How much of a message the store holds. */
typedef enum {
  TERN_BODY_STATE_NONE,      /* row known (e.g. from a UID list) */
  TERN_BODY_STATE_HEADERS,   /* envelope fields only */
  TERN_BODY_STATE_FULL,      /* raw message stored */
} TernBodyState;

/* Sort orders of the message list; ties are broken by date, then id. */
typedef enum {
  TERN_SORT_DATE,
  TERN_SORT_SENDER,          /* from name, else address; case-folded */
  TERN_SORT_SUBJECT,         /* without Re:/Fwd: prefixes; case-folded */
} TernSortOrder;

/* One attachment of a message being stored. */
typedef struct {
  const char *part_path;     /* MIME part path, e.g. "2.1" */
  const char *name;          /* file name, decoded */
  const char *mime_type;
  gint64 size;
} TernAttachmentRecord;

/* A message to insert: every parsed field, borrowed from the caller.
 * Strings may be NULL; invalid UTF-8 is repaired on the way in. */
typedef struct {
  gint64 folder_id;
  guint32 uid;               /* IMAP UID, 0 for none (POP3, local) */
  const char *uidl;          /* POP3 UIDL, or NULL */
  const char *message_id;    /* without angle brackets */
  const char *in_reply_to;
  const char *references;    /* space-separated Message-IDs */
  const char *subject;       /* decoded */
  const char *from_name;
  const char *from_address;
  const char *to_display;    /* "Ann <a@x>, Bob <b@y>" for the list */
  const char *to_addresses;  /* "a@x, b@y" */
  const char *cc_display;
  const char *cc_addresses;
  gint64 date;               /* Date: header, Unix time */
  gint64 internal_date;      /* server arrival time, Unix time */
  gint64 size;               /* RFC822.SIZE */
  guint flags;               /* TernFlags bits */
  const char *keywords;      /* other IMAP keywords, space-separated */
  gboolean has_attachments;
  const char *preview;       /* first lines of the text, for the list */
  TernBodyState body_state;
  gboolean text_later;       /* headers only, body due soon: no search text until
                              * tern_store_fill_bodies brings it (one FTS write) */
  GBytes *raw;               /* optional raw message */
  const char *body_text;     /* optional plain text for full-text search */
  /* Optional: raw and body_text packed already (tern-message-import.c, on
   * the parsing thread), stored as they are; NULL: the store packs. */
  GBytes *packed_raw;
  GBytes *packed_body_text;
  const TernAttachmentRecord *attachments;
  guint n_attachments;
} TernMessageRecord;

/* A stored message's envelope: one row of the message list, or the header
 * of the reader. */
typedef struct {
  gint64 id;
  gint64 account_id;
  gint64 folder_id;
  guint32 uid;
  char *uidl;
  char *message_id;
  char *in_reply_to;
  char *references;
  char *subject;
  char *from_name;
  char *from_address;
  char *to_display;
  char *to_addresses;
  char *cc_display;
  char *cc_addresses;
  gint64 date;
  gint64 internal_date;
  gint64 size;
  guint flags;
  char *keywords;
  gboolean has_attachments;
  char *preview;
  TernBodyState body_state;
  gint64 thread_id;          /* its conversation (tern_store_list_threads) */
} TernMessageSummary;

/* One conversation as a folder's list shows it. */
typedef struct {
  gint64 thread_id;
  gint64 newest_id;          /* the newest of its messages in the folder */
  gint64 newest_date;
  char *subject;             /* of that message */
  guint n_in_folder;         /* its messages in this folder */
  guint n_messages;          /* in every folder of the account (a reply in Sent) */
  guint n_unread;            /* in this folder */
  gboolean flagged;          /* any flagged in this folder */
  char *participants;        /* senders, newest first, each once, ", " between */
  char *preview;             /* of the newest message in the folder; may be NULL */
} TernThreadSummary;

/* A folder of an account. */
typedef struct {
  gint64 id;
  gint64 account_id;
  char *path;                /* server path ("INBOX", "Lists/gtk") */
  char *delimiter;           /* hierarchy delimiter, "/" or "." */
  TernFolderRole role;
  guint32 uidvalidity;
  guint32 uidnext;
  guint64 highestmodseq;
  guint unread_count;
  guint total_count;
  gboolean subscribed;
  char *sync_state;          /* opaque to the store; owned by the sync engine */
  gint64 last_sync;
} TernFolder;

/* A UID and its flags, for the expunge and flag diff of a folder. */
typedef struct {
  guint32 uid;
  guint flags;
} TernUidFlags;

/* A UID with its size and arrival time: what the IMAP sync needs to plan
 * a download (tern_store_list_missing_bodies). */
typedef struct {
  guint32 uid;
  guint32 size;              /* RFC822.SIZE */
  gint64 internal_date;      /* Unix time */
} TernUidSize;

typedef enum {
  TERN_PENDING_SET_FLAGS,    /* add flags/keywords to uids in folder_path */
  TERN_PENDING_CLEAR_FLAGS,  /* remove flags/keywords */
  TERN_PENDING_MOVE,         /* uids from folder_path to dest_path */
  TERN_PENDING_COPY,
  TERN_PENDING_DELETE,       /* mark \Deleted (IMAP) or DELE (POP3, by uidl) */
  TERN_PENDING_EXPUNGE,      /* UID EXPUNGE of uids, or all \Deleted if none */
  TERN_PENDING_APPEND,       /* data appended to folder_path with flags */
  TERN_PENDING_CREATE_FOLDER,  /* CREATE folder_path */
  TERN_PENDING_RENAME_FOLDER,  /* RENAME folder_path to dest_path */
  TERN_PENDING_DELETE_FOLDER,  /* DELETE folder_path, only once it is empty */
} TernPendingOpKind;

/* One queued user action, replayed to the server in id order. */
typedef struct {
  gint64 id;                 /* order of replay; set by the store */
  gint64 account_id;
  TernPendingOpKind kind;
  char *folder_path;
  char *dest_path;
  char *uids;                /* IMAP sequence set ("1,4:7") or POP3 UIDLs */
  guint flags;
  char *keywords;
  gint64 local_message_id;   /* the local message concerned, or 0 */
  GBytes *data;              /* APPEND: the raw message */
  gint64 created_at;
  guint attempts;
  char *last_error;
  guint32 uidvalidity;       /* of folder_path when uids were taken (0: APPEND) */
  char *idents;              /* per uid, to find it again after a renumbering:
                              * "uid size internal-date message-id" lines */
  gboolean held;             /* not replayed: it could not be done safely;
                              * last_error says why, for the user */
  guint stage;               /* how far a replay got (1: a COPY may have gone out;
                              * 2: a MOVE may have gone out) */
} TernPendingOp;

typedef enum {
  TERN_OUTBOX_QUEUED,        /* waits for next_attempt */
  TERN_OUTBOX_SENDING,       /* a worker took it */
  TERN_OUTBOX_FAILED,        /* rejected for good; the user must act */
} TernOutboxState;

/* One queued outgoing message. */
typedef struct {
  gint64 id;
  gint64 account_id;
  GBytes *raw;
  char *envelope_from;
  GStrv recipients;
  gint64 created_at;
  guint attempts;
  gint64 next_attempt;
  char *last_error;
  TernOutboxState state;
} TernOutboxItem;

/* Per-UIDL marks of POP3 mail. */
typedef enum {
  TERN_POP3_MARK_KEEP   = 1 << 0,   /* never delete from the server */
  TERN_POP3_MARK_DELETE = 1 << 1,   /* delete from the server at next fetch */
} TernPop3Marks;

/* What Tern knows of one message on a POP3 server. */
typedef struct {
  char *uidl;
  gint64 downloaded_at;
  gint64 message_id;         /* local message, 0 once deleted here */
  guint marks;               /* TernPop3Marks */
} TernPop3Uidl;

#define TERN_TYPE_MESSAGE_SUMMARY (tern_message_summary_get_type ())
#define TERN_TYPE_FOLDER (tern_folder_get_type ())
#define TERN_TYPE_PENDING_OP (tern_pending_op_get_type ())
#define TERN_TYPE_OUTBOX_ITEM (tern_outbox_item_get_type ())
#define TERN_TYPE_POP3_UIDL (tern_pop3_uidl_get_type ())

GType tern_message_summary_get_type (void) G_GNUC_CONST;
GType tern_folder_get_type (void) G_GNUC_CONST;
GType tern_pending_op_get_type (void) G_GNUC_CONST;
GType tern_outbox_item_get_type (void) G_GNUC_CONST;
GType tern_pop3_uidl_get_type (void) G_GNUC_CONST;

TernMessageSummary *tern_message_summary_copy (const TernMessageSummary *s);
void tern_message_summary_free (TernMessageSummary *s);
void tern_thread_summary_free (TernThreadSummary *t);
TernFolder *tern_folder_copy (const TernFolder *f);
void tern_folder_free (TernFolder *f);
TernPendingOp *tern_pending_op_new (TernPendingOpKind kind, const char *folder_path);
TernPendingOp *tern_pending_op_copy (const TernPendingOp *op);
void tern_pending_op_free (TernPendingOp *op);
TernOutboxItem *tern_outbox_item_copy (const TernOutboxItem *item);
void tern_outbox_item_free (TernOutboxItem *item);
TernPop3Uidl *tern_pop3_uidl_copy (const TernPop3Uidl *u);
void tern_pop3_uidl_free (TernPop3Uidl *u);

const char *tern_pending_op_kind_to_string (TernPendingOpKind kind);
gboolean tern_pending_op_kind_from_string (const char *str, TernPendingOpKind *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernMessageSummary, tern_message_summary_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernThreadSummary, tern_thread_summary_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernFolder, tern_folder_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernPendingOp, tern_pending_op_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernOutboxItem, tern_outbox_item_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernPop3Uidl, tern_pop3_uidl_free)

G_END_DECLS
