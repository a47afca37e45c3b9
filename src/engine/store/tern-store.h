/* tern-store.h: the mail store, Tern's local memory (SQLite).
 *
 * One TernStore is one database connection. Each account worker owns a
 * writer; the UI opens read-only connections (WAL gives it a consistent
 * snapshot while a worker writes). A TernStore is used from one thread at a
 * time. No SQL leaves this module: callers use the typed functions below.
 *
 * Every failure is a GError in TERN_ERROR: TERN_ERROR_DISK_FULL (nothing of
 * the failed transaction was kept, earlier commits are intact),
 * TERN_ERROR_CORRUPT (call tern_store_recover() and re-sync),
 * TERN_ERROR_NOT_FOUND, TERN_ERROR_EXISTS, TERN_ERROR_INVALID or
 * TERN_ERROR_STORE.
 *
 * Writes outside tern_store_begin()/commit() are each their own transaction;
 * inside, they join the caller's batch.
 */
#pragma once

#include <glib-object.h>
#include "core/tern-account-settings.h"
#include "store/tern-store-records.h"

G_BEGIN_DECLS

#define TERN_TYPE_STORE (tern_store_get_type ())
G_DECLARE_FINAL_TYPE (TernStore, tern_store, TERN, STORE, GObject)

typedef enum {
  TERN_STORE_OPEN_WRITER    = 0,       /* create/migrate; read and write */
  TERN_STORE_OPEN_READ_ONLY = 1 << 0,  /* for the UI; the store must exist */
  TERN_STORE_OPEN_CHECK     = 1 << 1,  /* run a quick integrity check now */
} TernStoreOpenFlags;

/* The schema version this build writes (the last migration's number). */
guint tern_store_schema_version (void);

/* Opens (creating and migrating, for a writer) the store in data_dir, which
 * is created 0700; files are 0600. A damaged database gives
 * TERN_ERROR_CORRUPT. After an unclean shutdown a writer checks integrity
 * on its own. */
TernStore *tern_store_open (const char *data_dir, TernStoreOpenFlags flags, GError **error);

/* Moves a damaged database aside (tern.db.corrupt-<time>) and creates a
 * fresh one, salvaging what it can read of accounts, folders (with their
 * sync state reset so they re-sync), pending operations and the outbox.
 * Returns the path the old file was moved to. */
char *tern_store_recover (const char *data_dir, GError **error);

/* Runs PRAGMA quick_check; TERN_ERROR_CORRUPT if the database is damaged. */
gboolean tern_store_check_integrity (TernStore *store, GError **error);

/* Path of the database file. */
const char *tern_store_get_path (TernStore *store);

/* ---- Transactions ---------------------------------------------------- */

/* Starts a batch (BEGIN IMMEDIATE); batches do not nest. */
gboolean tern_store_begin (TernStore *store, GError **error);
/* Commits the batch. durable=TRUE fsyncs before returning: use it for the
 * commit that precedes a destructive server command (POP3 DELE, EXPUNGE,
 * MOVE), so the server never deletes what only the page cache holds. */
gboolean tern_store_commit (TernStore *store, gboolean durable, GError **error);
/* Abandons the batch; never fails (errors are logged). */
void tern_store_rollback (TernStore *store);

/* ---- Accounts -------------------------------------------------------- */

/* Adds an account (name must be unique: TERN_ERROR_EXISTS) and, for POP3,
 * its local folders Inbox, Sent, Drafts, Trash and Archive. Returns the id
 * and sets settings->id. */
gint64 tern_store_add_account (TernStore *store, TernAccountSettings *settings, GError **error);
/* Saves settings->id's settings. */
gboolean tern_store_update_account (TernStore *store, const TernAccountSettings *settings, GError **error);
/* Removes an account with all its folders, mail and queues. */
gboolean tern_store_remove_account (TernStore *store, gint64 account_id, GError **error);
TernAccountSettings *tern_store_get_account (TernStore *store, gint64 account_id, GError **error);
TernAccountSettings *tern_store_get_account_by_name (TernStore *store, const char *name, GError **error);
/* All accounts with a server, by id (element type TernAccountSettings):
 * "On this computer" is not among them. */
GPtrArray *tern_store_list_accounts (TernStore *store, GError **error);

/* The name of the pseudo-account that holds the folders "On this computer". */
#define TERN_LOCAL_ACCOUNT_NAME "On this computer"
/* "On this computer" (protocol TERN_PROTOCOL_LOCAL): folders the user
 * makes, with no server behind them. Without @create and before the first
 * such folder, TERN_ERROR_NOT_FOUND. */
TernAccountSettings *tern_store_get_local_account (TernStore *store, gboolean create,
                                                   GError **error);

/* ---- Folders --------------------------------------------------------- */

/* Creates the folder or updates its delimiter, role and subscription;
 * returns its id. */
gint64 tern_store_upsert_folder (TernStore *store, gint64 account_id, const char *path,
                                 const char *delimiter, TernFolderRole role,
                                 gboolean subscribed, GError **error);
/* Saves the server state after a sync. */
gboolean tern_store_update_folder_state (TernStore *store, gint64 folder_id,
                                         guint32 uidvalidity, guint32 uidnext,
                                         guint64 highestmodseq, const char *sync_state,
                                         GError **error);
/* UIDVALIDITY changed: drops the folder's messages (pending operations
 * stay) and records the new uidvalidity with uidnext/modseq cleared. */
gboolean tern_store_reset_folder (TernStore *store, gint64 folder_id,
                                  guint32 new_uidvalidity, GError **error);
TernFolder *tern_store_get_folder (TernStore *store, gint64 folder_id, GError **error);
TernFolder *tern_store_get_folder_by_path (TernStore *store, gint64 account_id,
                                           const char *path, GError **error);
/* The first folder of the account with that role (NOT_FOUND if none). */
TernFolder *tern_store_get_folder_by_role (TernStore *store, gint64 account_id,
                                           TernFolderRole role, GError **error);
/* Folders of an account by path (element type TernFolder). */
GPtrArray *tern_store_list_folders (TernStore *store, gint64 account_id, GError **error);
/* Deletes the folder and its messages. */
gboolean tern_store_delete_folder (TernStore *store, gint64 folder_id, GError **error);
/* Renames the account's folder @old_path, and the folders below it (path,
 * delimiter, rest), to @new_path, in the store only; ids, messages and
 * counts stay. EXISTS if @new_path is taken, INVALID for a folder moved
 * into itself. */
gboolean tern_store_rename_folder (TernStore *store, gint64 account_id, const char *old_path,
                                   const char *new_path, GError **error);

/* ---- Messages -------------------------------------------------------- */

/* Inserts records in one transaction (or the caller's batch), with raw
 * bodies, attachments and the full-text index. A record whose (folder,
 * uid) is already stored is skipped: its id in out_ids is 0. out_ids
 * (optional) receives a GArray of gint64, one per record. */
gboolean tern_store_insert_messages (TernStore *store, const TernMessageRecord *records,
                                     guint n_records, GArray **out_ids, GError **error);
/* Stores the raw message (body_state becomes FULL) and its text for
 * search; attachments (may be NULL) replace the index of the message's
 * attachments. */
gboolean tern_store_set_raw (TernStore *store, gint64 message_id, GBytes *raw,
                             const char *body_text, const TernAttachmentRecord *attachments,
                             guint n_attachments, GError **error);
/* The raw message, or NULL with TERN_ERROR_NOT_FOUND if not downloaded. */
GBytes *tern_store_get_raw (TernStore *store, gint64 message_id, GError **error);
/* Sets the server's flags and keywords of one UID (keywords may be NULL:
 * unchanged). Unknown UIDs are ignored. */
gboolean tern_store_update_flags_by_uid (TernStore *store, gint64 folder_id, guint32 uid,
                                         guint flags, const char *keywords, GError **error);
/* Adds set_flags and removes clear_flags on messages by id (a user action). */
gboolean tern_store_change_flags (TernStore *store, const gint64 *ids, guint n_ids,
                                  guint set_flags, guint clear_flags, GError **error);
/* Deletes the folder's messages with those UIDs (expunged on the server). */
gboolean tern_store_delete_by_uids (TernStore *store, gint64 folder_id,
                                    const guint32 *uids, guint n_uids, GError **error);
/* Deletes messages by id. */
gboolean tern_store_delete_messages (TernStore *store, const gint64 *ids, guint n_ids,
                                     GError **error);
/* UIDs and flags of a folder, ascending (GArray of TernUidFlags). */
GArray *tern_store_list_uids (TernStore *store, gint64 folder_id, GError **error);
/* Messages of the folder stored headers only, with a UID below @below_uid,
 * arrived at @since or later (Unix time; 0: any) and of at most @max_size
 * bytes: the @limit highest UIDs, returned ascending (GArray of
 * TernUidSize). The IMAP sync downloads their bodies after the headers. */
GArray *tern_store_list_missing_bodies (TernStore *store, gint64 folder_id, gint64 since,
                                        gint64 max_size, guint32 below_uid, guint limit,
                                        GError **error);
/* Gives the folder's messages with the records' UIDs (stored headers
 * only) their bodies: raw message, attachments, list preview, and the
 * search text (a batch's text goes in last, in one FTS segment). UIDs no
 * longer stored (expunged meanwhile) are left out. */
gboolean tern_store_fill_bodies (TernStore *store, const TernMessageRecord *records,
                                 guint n_records, GError **error);
/* The largest UID stored in the folder, 0 if none. */
guint32 tern_store_get_max_uid (TernStore *store, gint64 folder_id, GError **error);
/* A message by id (NOT_FOUND if none). */
TernMessageSummary *tern_store_get_message (TernStore *store, gint64 message_id, GError **error);
/* The id of the folder's message with that UID, 0 if none (no error). */
gint64 tern_store_find_by_uid (TernStore *store, gint64 folder_id, guint32 uid, GError **error);
/* Ids of an account's messages with that Message-ID (GArray of gint64). */
GArray *tern_store_find_by_message_id (TernStore *store, gint64 account_id,
                                       const char *message_id, GError **error);
/* Moves a message locally to another folder of the same account; new_uid
 * is its UID there (0 if not known yet). Counts follow. */
gboolean tern_store_move_message (TernStore *store, gint64 message_id, gint64 dest_folder_id,
                                  guint32 new_uid, GError **error);

/* ---- Message list ---------------------------------------------------- */

/* All message ids of a folder in sort order (GArray of gint64): cheap
 * enough for 100k rows; fetch the rows with tern_store_get_summaries(). */
GArray *tern_store_list_message_ids (TernStore *store, gint64 folder_id, TernSortOrder sort,
                                     gboolean descending, GError **error);
/* The ids of the @limit newest messages of a folder, newest first: the
 * first page by date, from the index alone whatever the folder's size. */
GArray *tern_store_list_newest_ids (TernStore *store, gint64 folder_id, guint limit,
                                    GError **error);
/* Rows for ids, in the order given (element type TernMessageSummary);
 * unknown ids (deleted meanwhile) are left out. */
GPtrArray *tern_store_get_summaries (TernStore *store, const gint64 *ids, guint n_ids,
                                     GError **error);
/* How many messages of the folder are older than @before (Unix time, by
 * Date: else arrival; 0: all) and their size: one indexed query. */
gboolean tern_store_count_older (TernStore *store, gint64 folder_id, gint64 before,
                                 guint *n_messages, guint64 *bytes, GError **error);
/* Unread messages of an account (0: all accounts). */
guint tern_store_count_unread (TernStore *store, gint64 account_id, GError **error);

/* ---- Conversations ----------------------------------------------------- */

/* Conversations with messages in the folder, newest first: @offset and
 * @limit (0: all) page them (element type TernThreadSummary). */
GPtrArray *tern_store_list_threads (TernStore *store, gint64 folder_id, guint offset,
                                    guint limit, GError **error);
/* The threaded list's row ids: the newest message of each conversation in
 * the folder, newest first (GArray of gint64). */
GArray *tern_store_list_thread_heads (TernStore *store, gint64 folder_id, GError **error);
/* The conversations headed by @head_ids (see above), in that order, with
 * their participants; an id that heads nothing any more is left out. */
GPtrArray *tern_store_get_thread_summaries (TernStore *store, const gint64 *head_ids,
                                            guint n_ids, GError **error);
/* The ids of a conversation's messages in every folder, oldest first
 * (GArray of gint64). */
GArray *tern_store_list_thread_messages (TernStore *store, gint64 thread_id, GError **error);
/* Threads an account's mail (0: every account) from scratch, as after the
 * upgrade that added conversations; new mail is threaded as it arrives. */
gboolean tern_store_rebuild_threads (TernStore *store, gint64 account_id, GError **error);

/* ---- Search ---------------------------------------------------------- */

/* Message ids matching a user query, newest first, at most limit (0: no
 * limit). account_id / folder_id of 0 mean all. Query syntax: words
 * (prefix match), "quoted phrases", from:, to:, subject:, has:attachment,
 * is:unread, is:read, is:flagged, in:ROLE (in:trash, in:sent, ...) or in:all;
 * without in: a search of every folder (folder_id 0) leaves Trash and Junk
 * out. Any input is valid: nothing the user
 * types reaches FTS5 unescaped. An empty query matches nothing. */
GArray *tern_store_search (TernStore *store, gint64 account_id, gint64 folder_id,
                           const char *query, guint limit, GError **error);

/* ---- Pending operations (the offline queue) -------------------------- */

/* Appends an operation for op->account_id; returns its id (its place in
 * the replay order). */
gint64 tern_store_enqueue_op (TernStore *store, const TernPendingOp *op, GError **error);
/* An account's operations in replay order (element type TernPendingOp). */
GPtrArray *tern_store_list_ops (TernStore *store, gint64 account_id, GError **error);
/* Removes an operation once the server confirmed it. */
gboolean tern_store_remove_op (TernStore *store, gint64 op_id, GError **error);
/* Counts a failed attempt and keeps the message for the user. */
gboolean tern_store_record_op_failure (TernStore *store, gint64 op_id, const char *message,
                                       GError **error);
/* Saves what replay learnt about an operation: its kind, UIDVALIDITY, UIDs
 * and idents (its messages found again after a renumbering, or the part
 * left to do), stage, held, attempts and last_error (for the user). */
/* Marks a queued operation whose stage is 0 as started (@stage), so that
 * Undo no longer cancels it; *claimed is FALSE if it is gone (Undo took it
 * back) or started already. */
gboolean tern_store_claim_op (TernStore *store, gint64 op_id, guint stage, gboolean *claimed,
                              GError **error);
gboolean tern_store_update_op (TernStore *store, const TernPendingOp *op, GError **error);

/* ---- Outbox ---------------------------------------------------------- */

/* Queues a message for sending; returns its id. */
gint64 tern_store_enqueue_outbox (TernStore *store, gint64 account_id, GBytes *raw,
                                  const char *envelope_from, const char *const *recipients,
                                  GError **error);
/* An account's queued messages (0: all) by id (element type TernOutboxItem). */
GPtrArray *tern_store_list_outbox (TernStore *store, gint64 account_id, GError **error);
/* One queued message; TERN_ERROR_NOT_FOUND once it was sent or removed. */
TernOutboxItem *tern_store_get_outbox (TernStore *store, gint64 item_id, GError **error);
/* How many messages wait in an account's outbox (0: all accounts), and how
 * many of them failed for good. Either out pointer may be NULL. */
gboolean tern_store_count_outbox (TernStore *store, gint64 account_id, guint *n_items,
                                  guint *n_failed, GError **error);
/* Records a send attempt: error_message NULL means it is being sent now;
 * otherwise the failure, the new state and when to try again. */
gboolean tern_store_record_outbox_attempt (TernStore *store, gint64 item_id,
                                           TernOutboxState state, const char *error_message,
                                           gint64 next_attempt, GError **error);
/* Removes a message once the server accepted it. */
gboolean tern_store_remove_outbox (TernStore *store, gint64 item_id, GError **error);

/* ---- Server quota (tern-store-quota.c) ------------------------------ */

/* What the server said about the storage quota of the account's INBOX
 * (RFC 9208 STORAGE, in KiB). */
typedef struct {
  guint64 used_kib;
  guint64 limit_kib;
  gint64 checked_at;         /* Unix time */
} TernQuota;

/* Records the quota; a server that offers none clears it (has_quota FALSE). */
gboolean tern_store_set_quota (TernStore *store, gint64 account_id, gboolean has_quota,
                               const char *root, guint64 used_kib, guint64 limit_kib,
                               GError **error);
/* FALSE with TERN_ERROR_NOT_FOUND when the server offered no quota. */
gboolean tern_store_get_quota (TernStore *store, gint64 account_id, TernQuota *out,
                               GError **error);

/* "1.2 GB of 2 GB used". */
char *tern_quota_to_text (const TernQuota *quota);
/* 90% or more of the limit is used: time to warn the user. */
gboolean tern_quota_is_nearly_full (const TernQuota *quota);
#define TERN_QUOTA_WARNING \
  "Your mailbox on the server is almost full. New mail may bounce. " \
  "Archive old mail to this computer to make room."

/* ---- POP3 UIDLs ------------------------------------------------------ */

/* Records that uidl was downloaded (as local message message_id) at
 * downloaded_at. Recording an existing uidl updates it. */
gboolean tern_store_record_uidl (TernStore *store, gint64 account_id, const char *uidl,
                                 gint64 message_id, gint64 downloaded_at, GError **error);
/* Every known UIDL of an account (element type TernPop3Uidl). */
GPtrArray *tern_store_list_uidls (TernStore *store, gint64 account_id, GError **error);
/* Sets the TernPop3Marks of a UIDL. */
gboolean tern_store_mark_uidl (TernStore *store, gint64 account_id, const char *uidl,
                               guint marks, GError **error);
/* Forgets a UIDL (it was deleted from the server). */
gboolean tern_store_forget_uidl (TernStore *store, gint64 account_id, const char *uidl,
                                 GError **error);

G_END_DECLS
