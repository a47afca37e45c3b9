/* tern-store-threads.c: conversations.
 *
 * A conversation is the set of an account's messages linked by Message-ID,
 * In-Reply-To and References: JWZ's threading without his tree, since Tern
 * shows a conversation's messages by date and needs only the sets. Every id
 * an account has seen, a message's own or one it refers to (a missing
 * parent is JWZ's empty container), maps to a conversation in thread_ids.
 * A new message joins every conversation its ids name, which merges them;
 * the smallest thread id wins. Sets cannot loop, so a References loop or a
 * message that refers to itself cannot hang it.
 *
 * Only a message with neither In-Reply-To nor References whose subject says
 * it is a reply ("Re: …") falls back to the subject: it joins the newest
 * conversation of the account with the same subject within 60 days.
 */
#include <string.h>

#include "store/tern-store-private.h"

/* A hostile References header must not make one insert cost thousands of
 * queries: JWZ, too, only needs the nearest ancestors. */
#define MAX_KEYS 64
#define SUBJECT_WINDOW_SECONDS (60 * 24 * 3600)

/* The ids a message links by: its own first, then In-Reply-To, then the
 * References from the nearest ancestor back; unique, at most MAX_KEYS. */
static GPtrArray *
link_keys (const char *message_id, const char *in_reply_to, const char *references)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) refs = g_strsplit_set (references != NULL ? references : "", " \t\r\n", -1);
  guint n = g_strv_length (refs);
  const char *candidates[2] = { message_id, in_reply_to };

  for (guint i = 0; i < G_N_ELEMENTS (candidates) + n && keys->len < MAX_KEYS; i++)
    {
      const char *k = i < 2 ? candidates[i] : refs[n - 1 - (i - 2)];
      gboolean seen = FALSE;

      if (k == NULL || *k == '\0')
        continue;
      for (guint j = 0; j < keys->len && !seen; j++)
        seen = g_str_equal (g_ptr_array_index (keys, j), k);
      if (!seen)
        g_ptr_array_add (keys, tern_store_make_utf8 (k));
    }
  return keys;
}

static gboolean
has_links (const char *in_reply_to, const char *references)
{
  return (in_reply_to != NULL && *in_reply_to != '\0') ||
         (references != NULL && strspn (references, " \t\r\n") < strlen (references));
}

/* The newest conversation with the same subject, for a reply that names no
 * parent; 0 if none. */
static gint64
thread_by_subject (TernStore *self, gint64 account_id, gint64 id, const char *subject,
                   gint64 date, GError **error)
{
  g_autoptr(TernStmt) stmt = NULL;
  g_autofree char *sort_subject = NULL;
  int rc;

  if (!tern_store_subject_is_reply (subject))
    return 0;
  sort_subject = tern_store_make_sort_subject (subject);
  if (*sort_subject == '\0')
    return 0;
  stmt = tern_store_prepare (self,
      "SELECT thread_id FROM messages WHERE account_id = ?1 AND sort_subject = ?2"
      " AND id != ?3 AND thread_id != 0 AND date BETWEEN ?4 AND ?5"
      " ORDER BY date DESC LIMIT 1", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, account_id);
  tern_store_bind_text (stmt, 2, sort_subject);
  sqlite3_bind_int64 (stmt, 3, id);
  sqlite3_bind_int64 (stmt, 4, date - SUBJECT_WINDOW_SECONDS);
  sqlite3_bind_int64 (stmt, 5, date + SUBJECT_WINDOW_SECONDS);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  if (rc != SQLITE_DONE)
    return tern_store_fail (self, rc, "Finding the conversation", error), -1;
  return 0;
}

static gboolean
lookup_threads (TernStore *self, gint64 account_id, GPtrArray *keys, GArray *found,
                GError **error)
{
  for (guint i = 0; i < keys->len; i++)
    {
      g_autoptr(TernStmt) stmt = tern_store_prepare (self,
          "SELECT thread_id FROM thread_ids WHERE account_id = ?1 AND message_id = ?2", error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, account_id);
      tern_store_bind_text (stmt, 2, g_ptr_array_index (keys, i));
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          gint64 t = sqlite3_column_int64 (stmt, 0);
          g_array_append_val (found, t);
        }
      else if (rc != SQLITE_DONE)
        return tern_store_fail (self, rc, "Finding the conversation", error);
    }
  return TRUE;
}

/* Every message and id of conversation @from now belongs to @into. */
static gboolean
merge_thread (TernStore *self, gint64 from, gint64 into, GError **error)
{
  g_autoptr(TernStmt) ids = tern_store_prepare (self,
      "UPDATE thread_ids SET thread_id = ?2 WHERE thread_id = ?1", error);
  g_autoptr(TernStmt) msgs = NULL;

  if (ids == NULL)
    return FALSE;
  sqlite3_bind_int64 (ids, 1, from);
  sqlite3_bind_int64 (ids, 2, into);
  if (!tern_store_step_done (self, ids, "Joining conversations", error))
    return FALSE;
  msgs = tern_store_prepare (self, "UPDATE messages SET thread_id = ?2 WHERE thread_id = ?1",
                             error);
  if (msgs == NULL)
    return FALSE;
  sqlite3_bind_int64 (msgs, 1, from);
  sqlite3_bind_int64 (msgs, 2, into);
  return tern_store_step_done (self, msgs, "Joining conversations", error);
}

static gboolean
record_key (TernStore *self, gint64 account_id, const char *key, gint64 thread,
            GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "INSERT INTO thread_ids (account_id, message_id, thread_id) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (account_id, message_id) DO UPDATE SET thread_id = excluded.thread_id",
      error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  tern_store_bind_text (stmt, 2, key);
  sqlite3_bind_int64 (stmt, 3, thread);
  return tern_store_step_done (self, stmt, "Recording the conversation", error);
}

static gboolean
record_keys (TernStore *self, gint64 account_id, GPtrArray *keys, gint64 thread,
             GError **error)
{
  for (guint i = 0; i < keys->len; i++)
    if (!record_key (self, account_id, g_ptr_array_index (keys, i), thread, error))
      return FALSE;
  return TRUE;
}

void
tern_thread_join_clear (TernThreadJoin *join)
{
  g_clear_pointer (&join->keys, g_ptr_array_unref);
  g_clear_pointer (&join->found, g_array_unref);
}

gboolean
tern_store_thread_find (TernStore *self, gint64 account_id, gint64 id,
                        const TernMessageRecord *r, TernThreadJoin *join, GError **error)
{
  join->keys = link_keys (r->message_id, r->in_reply_to, r->references);
  join->found = g_array_new (FALSE, FALSE, sizeof (gint64));
  join->thread = id;
  if (!lookup_threads (self, account_id, join->keys, join->found, error))
    return FALSE;
  if (join->found->len == 0 && !has_links (r->in_reply_to, r->references))
    {
      gint64 t = thread_by_subject (self, account_id, id, r->subject, r->date, error);
      if (t < 0)
        return FALSE;
      if (t > 0)
        g_array_append_val (join->found, t);
    }
  for (guint i = 0; i < join->found->len; i++)
    join->thread = MIN (join->thread, g_array_index (join->found, gint64, i));
  return TRUE;
}

gboolean
tern_store_thread_join (TernStore *self, gint64 account_id, const TernThreadJoin *join,
                        GError **error)
{
  for (guint i = 0; i < join->found->len; i++)
    {
      gint64 t = g_array_index (join->found, gint64, i);
      if (t != join->thread && !merge_thread (self, t, join->thread, error))
        return FALSE;
    }
  return record_keys (self, account_id, join->keys, join->thread, error);
}

static gint
compare_pairs (gconstpointer a, gconstpointer b)
{
  const TernThreadPair *x = a, *y = b;

  if (x->folder_id != y->folder_id)
    return x->folder_id < y->folder_id ? -1 : 1;
  return x->thread_id < y->thread_id ? -1 : x->thread_id > y->thread_id;
}

/* The folder_threads row of one (folder, conversation) made again from its
 * messages, as the trigger folder_threads_au does (sql/007), but with
 * statements that each write one row. */
static gboolean
recount_pair (TernStore *self, const TernThreadPair *pair, GError **error)
{
  g_autoptr(TernStmt) clear = tern_store_prepare (self,
      "DELETE FROM folder_threads WHERE folder_id = ?1 AND thread_id = ?2", error);
  g_autoptr(TernStmt) count = NULL;
  g_autoptr(TernStmt) fill = NULL;
  int rc;

  if (clear == NULL)
    return FALSE;
  sqlite3_bind_int64 (clear, 1, pair->folder_id);
  sqlite3_bind_int64 (clear, 2, pair->thread_id);
  if (!tern_store_step_done (self, clear, "Counting the conversations", error))
    return FALSE;
  /* With one aggregate, SQLite takes id from the row of max(date). */
  count = tern_store_prepare (self,
      "SELECT max(date), id, count(*), sum((flags & 9) = 0), sum((flags & 4) != 0)"
      " FROM messages WHERE thread_id = ?2 AND folder_id = ?1", error);
  if (count == NULL)
    return FALSE;
  sqlite3_bind_int64 (count, 1, pair->folder_id);
  sqlite3_bind_int64 (count, 2, pair->thread_id);
  rc = sqlite3_step (count);
  if (rc != SQLITE_ROW)
    return tern_store_fail (self, rc, "Counting the conversations", error);
  if (sqlite3_column_int64 (count, 2) == 0)
    return TRUE;   /* merged into another meanwhile */
  fill = tern_store_prepare (self,
      "INSERT INTO folder_threads (folder_id, thread_id, newest_date, newest_id, n_messages,"
      " n_unread, n_flagged) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
  if (fill == NULL)
    return FALSE;
  sqlite3_bind_int64 (fill, 1, pair->folder_id);
  sqlite3_bind_int64 (fill, 2, pair->thread_id);
  for (int col = 0; col < 5; col++)
    sqlite3_bind_int64 (fill, 3 + col, sqlite3_column_int64 (count, col));
  return tern_store_step_done (self, fill, "Counting the conversations", error);
}

gboolean
tern_store_thread_count_new (TernStore *self, GArray *pairs, GError **error)
{
  g_array_sort (pairs, compare_pairs);
  for (guint i = 0; i < pairs->len; i++)
    {
      const TernThreadPair *pair = &g_array_index (pairs, TernThreadPair, i);

      if ((i == 0 || compare_pairs (pair, pair - 1) != 0) && !recount_pair (self, pair, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- threading from scratch ---------------------------------------------- */

/* Union-find over the link ids of an account's messages, and over the ids
 * thread_ids held before the rebuild, so that only what changed is written:
 * on a threaded store a rebuild rewrites almost nothing. */
typedef struct {
  GHashTable *index;   /* id string (owned by keys) -> node + 1 */
  GArray *parent;      /* of guint */
  GPtrArray *keys;     /* node -> id string, or NULL for a message without ids */
  GArray *stored;      /* node -> its thread in thread_ids before the rebuild, 0 if none */
} Forest;

/* The node of @key (taken), a new one if the id is new; a node of its own
 * for NULL. */
static guint
forest_node (Forest *f, char *key)
{
  guint node = f->parent->len;
  gint64 none = 0;

  if (key != NULL)
    {
      gpointer hit = g_hash_table_lookup (f->index, key);
      if (hit != NULL)
        {
          g_free (key);
          return GPOINTER_TO_UINT (hit) - 1;
        }
      g_hash_table_insert (f->index, key, GUINT_TO_POINTER (node + 1));
    }
  g_array_append_val (f->parent, node);
  g_array_append_val (f->stored, none);
  g_ptr_array_add (f->keys, key);
  return node;
}

static guint
forest_find (Forest *f, guint node)
{
  guint *parent = (guint *) f->parent->data;

  while (parent[node] != node)
    {
      parent[node] = parent[parent[node]];   /* path halving */
      node = parent[node];
    }
  return node;
}

static void
forest_union (Forest *f, guint a, guint b)
{
  guint ra = forest_find (f, a), rb = forest_find (f, b);

  if (ra != rb)
    g_array_index (f->parent, guint, MAX (ra, rb)) = MIN (ra, rb);
}

typedef struct {
  gint64 id;
  gint64 date;
  gint64 old_thread;   /* as stored before this rebuild */
  guint node;          /* the message's own node */
  char *sort_subject;  /* set only for a reply that names no parent */
} Row;

/* The ids thread_ids holds for the account, each a node of the forest. */
static gboolean
load_stored_keys (TernStore *self, gint64 account_id, Forest *f, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT message_id, thread_id FROM thread_ids WHERE account_id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint node = forest_node (f, tern_store_column_dup (stmt, 0));
      g_array_index (f->stored, gint64, node) = sqlite3_column_int64 (stmt, 1);
    }
  return rc == SQLITE_DONE || tern_store_fail (self, rc, "Reading the conversations", error);
}

/* A scan of the table, in its order: by an index on account_id, each row
 * would be a page read of its own (seconds at 100,000 messages). */
static gboolean
load_rows (TernStore *self, gint64 account_id, Forest *f, GArray *rows, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT id, message_id, in_reply_to, refs, subject, date, thread_id"
      " FROM messages NOT INDEXED WHERE account_id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *irt = (const char *) sqlite3_column_text (stmt, 2);
      const char *refs = (const char *) sqlite3_column_text (stmt, 3);
      const char *subject = (const char *) sqlite3_column_text (stmt, 4);
      g_autoptr(GPtrArray) keys = link_keys ((const char *) sqlite3_column_text (stmt, 1),
                                             irt, refs);
      Row row = { .id = sqlite3_column_int64 (stmt, 0), .date = sqlite3_column_int64 (stmt, 5),
                  .old_thread = sqlite3_column_int64 (stmt, 6) };

      /* The message's own node: its first key (its Message-ID when it has
       * one), or a node of its own. The forest takes the keys. */
      row.node = forest_node (f, keys->len > 0 ? g_ptr_array_steal_index (keys, 0) : NULL);
      for (guint i = 0; i < keys->len; i++)
        forest_union (f, row.node, forest_node (f, keys->pdata[i]));
      g_ptr_array_set_free_func (keys, NULL);
      if (!has_links (irt, refs) && tern_store_subject_is_reply (subject))
        row.sort_subject = tern_store_make_sort_subject (subject);
      g_array_append_val (rows, row);
    }
  return rc == SQLITE_DONE || tern_store_fail (self, rc, "Reading the messages", error);
}

static int
compare_row_dates (gconstpointer a, gconstpointer b)
{
  const Row *x = a, *y = b;

  if (x->date != y->date)
    return (x->date > y->date) - (x->date < y->date);
  return (x->id > y->id) - (x->id < y->id);
}

/* Replies without parents join the newest earlier conversation with the
 * same subject, as tern_store_thread_find() does when they arrive.
 * Sorts @rows by date. */
static void
link_by_subject (Forest *f, GArray *rows)
{
  g_autoptr(GHashTable) latest = g_hash_table_new (g_str_hash, g_str_equal);   /* -> Row* */

  g_array_sort (rows, compare_row_dates);
  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = &g_array_index (rows, Row, i);
      Row *prev;

      if (row->sort_subject == NULL || *row->sort_subject == '\0')
        continue;
      prev = g_hash_table_lookup (latest, row->sort_subject);
      if (prev != NULL && row->date - prev->date <= SUBJECT_WINDOW_SECONDS)
        forest_union (f, row->node, prev->node);
      g_hash_table_insert (latest, row->sort_subject, row);
    }
}

static int
compare_row_ids (gconstpointer a, gconstpointer b)
{
  const Row *x = a, *y = b;

  return (x->id > y->id) - (x->id < y->id);
}

/* Sets thread_id on the messages whose conversation changed, in id order
 * (the order of the table); adds each one's old and new conversation to
 * @touched. */
static gboolean
write_message_threads (TernStore *self, Forest *f, GArray *rows, const gint64 *thread_of_root,
                       GHashTable *touched, GError **error)
{
  g_array_sort (rows, compare_row_ids);
  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = &g_array_index (rows, Row, i);
      gint64 t = thread_of_root[forest_find (f, row->node)];
      g_autoptr(TernStmt) set = NULL;

      if (t == row->old_thread)
        continue;
      set = tern_store_prepare (self, "UPDATE messages SET thread_id = ?2 WHERE id = ?1", error);
      if (set == NULL)
        return FALSE;
      sqlite3_bind_int64 (set, 1, row->id);
      sqlite3_bind_int64 (set, 2, t);
      if (!tern_store_step_done (self, set, "Threading the messages", error))
        return FALSE;
      g_hash_table_add (touched, g_memdup2 (&row->old_thread, sizeof (gint64)));
      g_hash_table_add (touched, g_memdup2 (&t, sizeof (gint64)));
    }
  return TRUE;
}

/* The definition of index @name, to make it again after a bulk write. */
static char *
index_sql (TernStore *self, const char *name, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return tern_store_column_dup (stmt, 0);
  tern_store_fail (self, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, "Threading the messages", error);
  return NULL;
}

/* write_message_threads() with messages_thread made again at the end
 * rather than kept row by row: when most messages change (a first
 * threading), one sort is cheaper than 100,000 index updates. */
static gboolean
write_many_message_threads (TernStore *self, Forest *f, GArray *rows,
                            const gint64 *thread_of_root, GHashTable *touched, GError **error)
{
  g_autofree char *sql = index_sql (self, "messages_thread", error);

  return sql != NULL && tern_store_exec (self, "DROP INDEX messages_thread", error) &&
         write_message_threads (self, f, rows, thread_of_root, touched, error) &&
         tern_store_exec (self, sql, error);
}

static gboolean
forget_key (TernStore *self, gint64 account_id, const char *key, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "DELETE FROM thread_ids WHERE account_id = ?1 AND message_id = ?2", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, key, -1, SQLITE_STATIC);
  return tern_store_step_done (self, stmt, "Threading the messages", error);
}

static int
compare_node_keys (gconstpointer a, gconstpointer b, gpointer keys)
{
  return strcmp (g_ptr_array_index ((GPtrArray *) keys, *(const guint *) a),
                 g_ptr_array_index ((GPtrArray *) keys, *(const guint *) b));
}

/* thread_ids: every id a message names maps to its conversation; an id no
 * message names any more goes. Only changed rows are written, in key order
 * (the table's), so that a first threading appends rather than splits. */
static gboolean
write_keys (TernStore *self, gint64 account_id, Forest *f, const gint64 *thread_of_root,
            GError **error)
{
  g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint node = 0; node < f->keys->len; node++)
    if (g_ptr_array_index (f->keys, node) != NULL &&
        thread_of_root[forest_find (f, node)] != g_array_index (f->stored, gint64, node))
      g_array_append_val (changed, node);
  g_array_sort_with_data (changed, compare_node_keys, f->keys);
  for (guint i = 0; i < changed->len; i++)
    {
      guint node = g_array_index (changed, guint, i);
      const char *key = g_ptr_array_index (f->keys, node);
      gint64 t = thread_of_root[forest_find (f, node)];

      if (!(t == 0 ? forget_key (self, account_id, key, error)
                   : record_key (self, account_id, key, t, error)))
        return FALSE;
    }
  return TRUE;
}

/* The folder_threads rows of conversation @thread of the account, or of
 * all of them for 0: then by a scan of the table (as load_rows() reads it)
 * and a sort in memory, else by messages_thread. */
static gboolean
recount_folder_threads (TernStore *self, gint64 account_id, gint64 thread, GError **error)
{
  g_autoptr(TernStmt) clear = tern_store_prepare (self, thread == 0
      ? "DELETE FROM folder_threads WHERE folder_id IN"
        " (SELECT id FROM folders WHERE account_id = ?1)"
      : "DELETE FROM folder_threads WHERE thread_id = ?2 AND folder_id IN"
        " (SELECT id FROM folders WHERE account_id = ?1)", error);
  g_autoptr(TernStmt) fill = NULL;

  if (clear == NULL)
    return FALSE;
  sqlite3_bind_int64 (clear, 1, account_id);
  sqlite3_bind_int64 (clear, 2, thread);   /* SQLITE_RANGE for 0: no ?2 */
  if (!tern_store_step_done (self, clear, "Counting the conversations", error))
    return FALSE;
  fill = tern_store_prepare (self, thread == 0
      ? "INSERT INTO folder_threads SELECT folder_id, thread_id, max(date), id, count(*),"
        " sum((flags & 9) = 0), sum((flags & 4) != 0) FROM messages NOT INDEXED"
        " WHERE account_id = ?1 AND thread_id != 0 GROUP BY folder_id, thread_id"
      : "INSERT INTO folder_threads SELECT folder_id, thread_id, max(date), id, count(*),"
        " sum((flags & 9) = 0), sum((flags & 4) != 0) FROM messages"
        " WHERE thread_id = ?2 AND account_id = ?1 GROUP BY folder_id, thread_id", error);
  if (fill == NULL)
    return FALSE;
  sqlite3_bind_int64 (fill, 1, account_id);
  sqlite3_bind_int64 (fill, 2, thread);
  return tern_store_step_done (self, fill, "Counting the conversations", error);
}

/* The rows of the conversations that changed: one by one when they are
 * few, else the whole account in one statement. */
static gboolean
recount_touched (TernStore *self, gint64 account_id, GHashTable *touched, guint n_rows,
                 GError **error)
{
  GHashTableIter iter;
  gpointer key;

  if (g_hash_table_size (touched) > n_rows / 16)
    return recount_folder_threads (self, account_id, 0, error);
  g_hash_table_iter_init (&iter, touched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (*(gint64 *) key != 0 &&
        !recount_folder_threads (self, account_id, *(gint64 *) key, error))
      return FALSE;
  return TRUE;
}

static gboolean
write_threads (TernStore *self, gint64 account_id, Forest *f, GArray *rows, GError **error)
{
  /* A conversation's id is its smallest message id: per root node. */
  g_autofree gint64 *thread_of_root = g_new0 (gint64, f->parent->len);
  g_autoptr(GHashTable) touched = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                         NULL);
  guint n_changed = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = &g_array_index (rows, Row, i);
      guint root = forest_find (f, row->node);

      if (thread_of_root[root] == 0 || thread_of_root[root] > row->id)
        thread_of_root[root] = row->id;
    }
  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = &g_array_index (rows, Row, i);
      n_changed += thread_of_root[forest_find (f, row->node)] != row->old_thread;
    }
  return (n_changed > rows->len / 16
          ? write_many_message_threads (self, f, rows, thread_of_root, touched, error)
          : write_message_threads (self, f, rows, thread_of_root, touched, error)) &&
         write_keys (self, account_id, f, thread_of_root, error) &&
         recount_touched (self, account_id, touched, rows->len, error);
}

static gboolean
set_rebuilding (TernStore *self, gboolean on, GError **error)
{
  return tern_store_exec (self, on ? "UPDATE thread_state SET rebuilding = 1"
                                   : "UPDATE thread_state SET rebuilding = 0", error);
}

static gboolean
rebuild_account (TernStore *self, gint64 account_id, GError **error)
{
  Forest f = {
    .index = g_hash_table_new (g_str_hash, g_str_equal),
    .parent = g_array_new (FALSE, FALSE, sizeof (guint)),
    .keys = g_ptr_array_new_with_free_func (g_free),
    .stored = g_array_new (FALSE, FALSE, sizeof (gint64)),
  };
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (Row));
  gboolean ok = load_stored_keys (self, account_id, &f, error) &&
                load_rows (self, account_id, &f, rows, error);

  if (ok)
    {
      link_by_subject (&f, rows);
      /* Row-by-row trigger work off while every message changes. */
      ok = set_rebuilding (self, TRUE, error) &&
           write_threads (self, account_id, &f, rows, error) &&
           set_rebuilding (self, FALSE, error);
    }
  for (guint i = 0; i < rows->len; i++)
    g_free (g_array_index (rows, Row, i).sort_subject);
  g_hash_table_unref (f.index);
  g_array_unref (f.parent);
  g_ptr_array_unref (f.keys);
  g_array_unref (f.stored);
  return ok;
}

gboolean
tern_store_rebuild_threads (TernStore *self, gint64 account_id, GError **error)
{
  g_autoptr(GArray) accounts = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(TernStmt) list = NULL;
  gboolean owned, ok = TRUE;
  int rc;

  if (account_id != 0)
    g_array_append_val (accounts, account_id);
  else
    {
      list = tern_store_prepare (self, "SELECT id FROM accounts ORDER BY id", error);
      if (list == NULL)
        return FALSE;
      while ((rc = sqlite3_step (list)) == SQLITE_ROW)
        {
          gint64 id = sqlite3_column_int64 (list, 0);
          g_array_append_val (accounts, id);
        }
      if (rc != SQLITE_DONE)
        return tern_store_fail (self, rc, "Listing the accounts", error);
    }
  if (!tern_store_tx_begin (self, &owned, error))
    return FALSE;
  for (guint i = 0; ok && i < accounts->len; i++)
    ok = rebuild_account (self, g_array_index (accounts, gint64, i), error);
  return tern_store_tx_end (self, owned, ok, error);
}

/* ---- listing ---------------------------------------------------------------- */

/* The whole conversation's size and senders, newest first, each once. */
static gboolean
fill_participants (TernStore *self, TernThreadSummary *t, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT from_name, from_addr FROM messages WHERE thread_id = ?1 ORDER BY date DESC, id DESC",
      error);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, t->thread_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);
      const char *addr = (const char *) sqlite3_column_text (stmt, 1);
      const char *who = name != NULL && *name ? name : addr;

      t->n_messages++;
      if (who == NULL || *who == '\0' || g_hash_table_contains (seen, addr ? addr : who))
        continue;
      g_hash_table_add (seen, g_strdup (addr ? addr : who));
      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, who);
    }
  t->participants = g_string_free (g_steal_pointer (&names), FALSE);
  return rc == SQLITE_DONE || tern_store_fail (self, rc, "Reading the conversation", error);
}

#define THREAD_COLUMNS \
  "SELECT t.thread_id, t.newest_date, t.newest_id, m.subject, t.n_messages, t.n_unread," \
  " t.n_flagged > 0, m.preview"

static TernThreadSummary *
read_thread (TernStmt *stmt)
{
  TernThreadSummary *t = g_new0 (TernThreadSummary, 1);

  t->thread_id = sqlite3_column_int64 (stmt, 0);
  t->newest_date = sqlite3_column_int64 (stmt, 1);
  t->newest_id = sqlite3_column_int64 (stmt, 2);
  t->subject = tern_store_column_dup (stmt, 3);
  t->n_in_folder = (guint) sqlite3_column_int (stmt, 4);
  t->n_unread = (guint) sqlite3_column_int (stmt, 5);
  t->flagged = sqlite3_column_int (stmt, 6) != 0;
  t->preview = tern_store_column_dup (stmt, 7);
  return t;
}

static gboolean
fill_all_participants (TernStore *self, GPtrArray *threads, GError **error)
{
  for (guint i = 0; i < threads->len; i++)
    if (!fill_participants (self, g_ptr_array_index (threads, i), error))
      return FALSE;
  return TRUE;
}

GPtrArray *
tern_store_list_threads (TernStore *self, gint64 folder_id, guint offset, guint limit,
                         GError **error)
{
  /* folder_threads is kept by triggers (sql/007): the page comes straight
   * from its index, whatever the size of the folder. */
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      THREAD_COLUMNS " FROM folder_threads t JOIN messages m ON m.id = t.newest_id"
      " WHERE t.folder_id = ?1 ORDER BY t.newest_date DESC, t.thread_id DESC"
      " LIMIT ?2 OFFSET ?3", error);
  g_autoptr(GPtrArray) threads = g_ptr_array_new_with_free_func (
      (GDestroyNotify) tern_thread_summary_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64) limit : -1);
  sqlite3_bind_int64 (stmt, 3, offset);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (threads, read_thread (stmt));
  if (rc != SQLITE_DONE)
    return tern_store_fail (self, rc, "Listing the conversations", error), NULL;
  /* After the page is read: its statement must be reset before others run. */
  g_clear_pointer (&stmt, tern_stmt_release);
  return fill_all_participants (self, threads, error) ? g_steal_pointer (&threads) : NULL;
}

GArray *
tern_store_list_thread_heads (TernStore *self, gint64 folder_id, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT newest_id FROM folder_threads WHERE folder_id = ?1"
      " ORDER BY newest_date DESC, thread_id DESC", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  return tern_store_collect_ids (self, stmt, "Listing the conversations", error);
}

GPtrArray *
tern_store_get_thread_summaries (TernStore *self, const gint64 *head_ids, guint n_ids,
                                 GError **error)
{
  /* A head is the newest message of its conversation in its folder; one
   * that is no longer (a newer reply came, or it moved) is left out. */
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      THREAD_COLUMNS " FROM messages m JOIN folder_threads t"
      " ON t.folder_id = m.folder_id AND t.thread_id = m.thread_id"
      " WHERE m.id = ?1 AND t.newest_id = m.id", error);
  g_autoptr(GPtrArray) threads = NULL;

  if (stmt == NULL)
    return NULL;
  threads = tern_store_rows_by_id (self, stmt, head_ids, n_ids, (TernStoreReadRow) read_thread,
                                   (GDestroyNotify) tern_thread_summary_free,
                                   "Listing the conversations", error);
  g_clear_pointer (&stmt, tern_stmt_release);
  return threads != NULL && fill_all_participants (self, threads, error)
         ? g_steal_pointer (&threads) : NULL;
}

GArray *
tern_store_list_thread_messages (TernStore *self, gint64 thread_id, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT id FROM messages WHERE thread_id = ?1 ORDER BY date, id", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, thread_id);
  return tern_store_collect_ids (self, stmt, "Reading the conversation", error);
}
