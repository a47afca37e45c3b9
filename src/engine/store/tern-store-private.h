/* tern-store-private.h: what the store's own files share. Not for callers:
 * everything SQL stays inside tern-store*.c. */
#pragma once

#include <sqlite3.h>
#include "store/tern-store.h"
#include "core/tern-error.h"

G_BEGIN_DECLS

struct _TernStore {
  GObject parent_instance;
  sqlite3 *db;
  char *path;
  gboolean read_only;
  gboolean wal;        /* journal_mode=WAL took; else synchronous=FULL */
  GHashTable *stmts;   /* SQL text -> prepared sqlite3_stmt, reused */
  guint version;       /* the schema's, once opened (older only in upgrade tests) */
};

/* From this schema version on, a new message's folder counts and search
 * text are written without a trigger (sql/015). */
#define TERN_STORE_DIRECT_INSERT_VERSION 15

/* A cached statement borrowed for one use: g_autoptr(TernStmt) resets it
 * (releasing its read snapshot) and clears its bindings on scope exit. */
typedef sqlite3_stmt TernStmt;
void tern_stmt_release (TernStmt *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernStmt, tern_stmt_release)

/* The FTS rowid is (date / TERN_STORE_SEARCH_DAY) << 28 | id (sql/011). */
#define TERN_STORE_SEARCH_DAY 86400

/* Registers tern_pack(), tern_unpack() and tern_unpack_text() (zstd, see
 * tern-store-pack.c) on the connection. */
gboolean tern_store_add_pack_functions (TernStore *self, GError **error);
/* @data packed as tern_pack() packs it (any thread), or NULL where that is
 * not smaller: then the store tries again, in SQL, which costs little. */
GBytes *tern_store_pack_bytes (gconstpointer data, gsize size);
/* Packs the raw mail and body text stored before sql/014, in batches. */
gboolean tern_store_pack_existing (TernStore *self, GError **error);

/* The first column of every row of @stmt (GArray of gint64). */
GArray *tern_store_collect_ids (TernStore *self, TernStmt *stmt, const char *what,
                                GError **error);
/* One row per id of @ids that @stmt (with ?1 the id) finds, read by @read_row
 * in that order; ids without a row are left out. */
typedef gpointer (*TernStoreReadRow) (TernStmt *stmt);
GPtrArray *tern_store_rows_by_id (TernStore *self, TernStmt *stmt, const gint64 *ids,
                                  guint n_ids, TernStoreReadRow read_row,
                                  GDestroyNotify free_row, const char *what, GError **error);

/* The cached prepared statement for sql (a string literal). */
TernStmt *tern_store_prepare (TernStore *self, const char *sql, GError **error);
/* Sets error from the connection's last SQLite error (rc), naming what
 * failed; maps SQLITE_FULL and SQLITE_CORRUPT to TERN_ERROR codes. Returns FALSE. */
gboolean tern_store_fail (TernStore *self, int rc, const char *what, GError **error);
/* Steps a statement that returns no rows. */
gboolean tern_store_step_done (TernStore *self, TernStmt *stmt, const char *what, GError **error);
/* Steps a write that must change a row: TERN_ERROR_NOT_FOUND otherwise. */
gboolean tern_store_step_changed (TernStore *self, TernStmt *stmt, const char *what, gint64 id,
                                  GError **error);
/* Runs one or more statements without caching (schema work). */
gboolean tern_store_exec (TernStore *self, const char *sql, GError **error);

/* A write unit: its own transaction, or a savepoint inside the caller's batch. */
gboolean tern_store_tx_begin (TernStore *self, gboolean *owned, GError **error);
/* Commits (ok) or rolls back the unit; returns ok && the commit worked. */
gboolean tern_store_tx_end (TernStore *self, gboolean owned, gboolean ok, GError **error);

/* Binds s as valid UTF-8 ("" for NULL / NULL for NULL). */
void tern_store_bind_text (TernStmt *stmt, int idx, const char *s);
void tern_store_bind_text_or_null (TernStmt *stmt, int idx, const char *s);
/* s as valid UTF-8: raw 8-bit text is read as Windows-1252, stray bad bytes
 * become U+FFFD. Always a new string (NULL for NULL). */
char *tern_store_make_utf8 (const char *s);
/* A copy of a text column (NULL for SQL NULL). */
char *tern_store_column_dup (TernStmt *stmt, int col);

/* The subject as the list sorts it: reply/forward prefixes off, case-folded. */
char *tern_store_make_sort_subject (const char *subject);
/* Whether the subject starts with a reply or forward prefix ("Re:", "AW:"). */
gboolean tern_store_subject_is_reply (const char *subject);

/* A new message's conversation (tern-store-threads.c), found before its
 * row is written, so that the row is written with its thread_id: setting
 * it after (an UPDATE with the trigger folder_threads_au) made every
 * insert a statement with a statement journal (see sql/015). */
typedef struct {
  GPtrArray *keys;   /* the ids it links by */
  GArray *found;     /* of gint64: the conversations they name */
  gint64 thread;     /* the one it joins: the smallest of found, or its own id */
} TernThreadJoin;
void tern_thread_join_clear (TernThreadJoin *join);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TernThreadJoin, tern_thread_join_clear)
/* Fills @join for the message @record that is to get row id @id. */
gboolean tern_store_thread_find (TernStore *self, gint64 account_id, gint64 id,
                                 const TernMessageRecord *record, TernThreadJoin *join,
                                 GError **error);
/* Once its row is in: merges the other conversations found into
 * join->thread and records the message's ids. */
gboolean tern_store_thread_join (TernStore *self, gint64 account_id, const TernThreadJoin *join,
                                 GError **error);
/* The folder_threads rows of the (folder, conversation) pairs that new
 * messages joined, once per batch (duplicates allowed; @pairs is sorted). */
typedef struct {
  gint64 folder_id;
  gint64 thread_id;
} TernThreadPair;
gboolean tern_store_thread_count_new (TernStore *self, GArray *pairs, GError **error);

/* Error for a row that is not there. */
gboolean tern_store_not_found (GError **error, const char *what, gint64 id);

/* Test hooks. */
TernStore *tern_store_open_at_version (const char *data_dir, TernStoreOpenFlags flags,
                                       guint max_version, GError **error);
gint64 tern_store_query_int (TernStore *self, const char *sql, GError **error);
gboolean tern_store_exec_for_test (TernStore *self, const char *sql, GError **error);

G_END_DECLS
