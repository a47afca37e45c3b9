/* tern-mail-actions.h: what the user does to messages, offline-safe.
 *
 * Each action changes the store at once (the UI shows it immediately) and,
 * for IMAP accounts, queues the matching server operation in pending_ops,
 * in the same durable transaction. The account worker replays the queue when
 * it is online; nothing here touches the network. For POP3 accounts folders
 * are local, so only deletions can reach the server (as a DELE mark, when the
 * account says "delete from the server when I delete it here").
 */
#pragma once

#include "store/tern-store.h"

G_BEGIN_DECLS

/* Adds @set and removes @clear (TernFlags) on the messages. */
gboolean tern_mail_change_flags (TernStore *store, const gint64 *ids, guint n_ids,
                                 guint set, guint clear, GError **error);

/* Moves messages to another folder: of the same account, or of another
 * (as tern_mail_transfer() without keeping the originals). */
gboolean tern_mail_move (TernStore *store, const gint64 *ids, guint n_ids,
                         gint64 dest_folder_id, GError **error);

/* Deletes messages: to Trash, or for good when they are in Trash already.
 * Where the account has no Trash (some servers make none; Tern creates one
 * at the next sync) nothing is done and the error is
 * TERN_ERROR_NEEDS_CONFIRMATION: ask the user, then call
 * tern_mail_delete_permanently(). */
gboolean tern_mail_delete (TernStore *store, const gint64 *ids, guint n_ids, GError **error);

/* Deletes messages for good, Trash or not: the user confirmed it. */
gboolean tern_mail_delete_permanently (TernStore *store, const gint64 *ids, guint n_ids,
                                       GError **error);

/* Marks every message of a folder read. */
gboolean tern_mail_mark_folder_read (TernStore *store, gint64 folder_id, GError **error);

/* A queued change the replay held back for the user (the server renumbered
 * its folder and its messages could not be found again for certain) is
 * dropped, as the user asked. Nothing on the server changes, and no mail is
 * lost: the server's message stays where the server has it, and a held
 * move's local copy is removed only once the server's copy is stored in the
 * source folder again. TERN_ERROR_INVALID for a change that is not held. */
gboolean tern_mail_discard_held (TernStore *store, gint64 account_id, gint64 op_id,
                                 GError **error);
/* How many of the account's queued changes are held; the first one's reason
 * (interned) and, if @ops_out, every queued change (TernPendingOp). */
guint tern_mail_count_held (TernStore *store, gint64 account_id, const char **first_reason,
                            GPtrArray **ops_out);

/* Copies messages (their exact bytes, flags and dates) to a folder of
 * another account, such as "On this computer", and unless @keep_source
 * deletes the originals. Copies and deletions are one durable transaction,
 * so the server delete (a pending op) cannot go out before the copy is on
 * disk, and a crash leaves either both or neither. A copy into an IMAP
 * folder is queued for APPEND. A message whose body is not downloaded
 * fails the whole transfer with TERN_ERROR_NOT_FOUND. */
gboolean tern_mail_transfer (TernStore *store, const gint64 *ids, guint n_ids,
                             gint64 dest_folder_id, gboolean keep_source, GError **error);

/* Which of @ids must be downloaded before tern_mail_transfer() can copy
 * them: IMAP mail whose body is not on this computer. With @dest_folder_id
 * (0: any other account) in the messages' own account a move needs no
 * bytes, and nothing is listed. The CLI fetches them on its session
 * (tern_account_sync_fetch_bodies), the window through the sync process. */
GArray *tern_mail_bodies_to_download (TernStore *store, const gint64 *ids, guint n_ids,
                                      gint64 dest_folder_id, GError **error);

/* Stores @record with @raw as a new message of @dest (uid, size and body
 * state are set here) and, for an IMAP account, queues its APPEND. Joins
 * the caller's transaction. */
gboolean tern_mail_add_record (TernStore *store, const TernFolder *dest,
                               const TernAccountSettings *dest_account,
                               TernMessageRecord *record, GBytes *raw, GError **error);

G_END_DECLS
