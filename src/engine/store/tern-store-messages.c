/* tern-store-messages.c: messages, raw bodies, attachments, flags and the
 * paged message list. */
#include "store/tern-store-private.h"

#define SUMMARY_COLUMNS \
  "id, account_id, folder_id, uid, uidl, message_id, in_reply_to, refs, subject," \
  " from_name, from_addr, to_display, to_addrs, cc_display, cc_addrs, date," \
  " internal_date, size, flags, keywords, has_attachments, preview, body_state, thread_id"

static TernMessageSummary *
read_summary (TernStmt *stmt)
{
  TernMessageSummary *s = g_new0 (TernMessageSummary, 1);

  s->id = sqlite3_column_int64 (stmt, 0);
  s->account_id = sqlite3_column_int64 (stmt, 1);
  s->folder_id = sqlite3_column_int64 (stmt, 2);
  s->uid = (guint32) sqlite3_column_int64 (stmt, 3);
  s->uidl = tern_store_column_dup (stmt, 4);
  s->message_id = tern_store_column_dup (stmt, 5);
  s->in_reply_to = tern_store_column_dup (stmt, 6);
  s->references = tern_store_column_dup (stmt, 7);
  s->subject = tern_store_column_dup (stmt, 8);
  s->from_name = tern_store_column_dup (stmt, 9);
  s->from_address = tern_store_column_dup (stmt, 10);
  s->to_display = tern_store_column_dup (stmt, 11);
  s->to_addresses = tern_store_column_dup (stmt, 12);
  s->cc_display = tern_store_column_dup (stmt, 13);
  s->cc_addresses = tern_store_column_dup (stmt, 14);
  s->date = sqlite3_column_int64 (stmt, 15);
  s->internal_date = sqlite3_column_int64 (stmt, 16);
  s->size = sqlite3_column_int64 (stmt, 17);
  s->flags = sqlite3_column_int (stmt, 18);
  s->keywords = tern_store_column_dup (stmt, 19);
  s->has_attachments = sqlite3_column_int (stmt, 20) != 0;
  s->preview = tern_store_column_dup (stmt, 21);
  s->body_state = sqlite3_column_int (stmt, 22);
  s->thread_id = sqlite3_column_int64 (stmt, 23);
  return s;
}

/* ---- sort keys --------------------------------------------------------- */

/* Past the leading reply/forward prefixes ("Re: Fwd: "), and the spaces
 * around them. */
static const char *
skip_reply_prefixes (const char *subject, gboolean *had_prefix)
{
  static const char *const prefixes[] = { "re:", "fwd:", "fw:", "aw:", "wg:", "sv:", "vs:" };
  const char *p = subject;
  gboolean stripped = TRUE;

  *had_prefix = FALSE;
  while (stripped)
    {
      stripped = FALSE;
      while (g_ascii_isspace (*p))
        p++;
      for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
        if (g_ascii_strncasecmp (p, prefixes[i], strlen (prefixes[i])) == 0)
          {
            p += strlen (prefixes[i]);
            stripped = *had_prefix = TRUE;
          }
    }
  return p;
}

gboolean
tern_store_subject_is_reply (const char *subject)
{
  gboolean had_prefix;

  skip_reply_prefixes (subject != NULL ? subject : "", &had_prefix);
  return had_prefix;
}

/* The subject without reply/forward prefixes, case-folded, so a thread's
 * messages sort together. */
char *
tern_store_make_sort_subject (const char *subject)
{
  g_autofree char *valid = tern_store_make_utf8 (subject != NULL ? subject : "");
  gboolean had_prefix;

  return g_utf8_casefold (skip_reply_prefixes (valid, &had_prefix), -1);
}

static char *
make_sort_sender (const char *name, const char *address)
{
  const char *s = name != NULL && *name != '\0' ? name : address;
  g_autofree char *valid = tern_store_make_utf8 (s != NULL ? s : "");

  return g_utf8_casefold (valid, -1);
}

/* ---- insert ------------------------------------------------------------ */

static gint64
folder_account (TernStore *self, gint64 folder_id, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT account_id FROM folders WHERE id = ?", error);
  int rc;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  if (rc == SQLITE_DONE)
    return tern_store_not_found (error, "folder", folder_id), 0;
  return tern_store_fail (self, rc, "Reading the folder", error), 0;
}

/* The date the list sorts by: undated mail is dated when the server got it. */
static gint64
stored_date (const TernMessageRecord *r)
{
  return r->date > 0 ? r->date : r->internal_date;
}

static void
bind_envelope (TernStmt *stmt, gint64 account_id, const TernMessageRecord *r)
{
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_int64 (stmt, 2, r->folder_id);
  if (r->uid != 0)
    sqlite3_bind_int64 (stmt, 3, r->uid);
  tern_store_bind_text_or_null (stmt, 4, r->uidl);
  tern_store_bind_text_or_null (stmt, 5, r->message_id);
  tern_store_bind_text_or_null (stmt, 6, r->in_reply_to);
  tern_store_bind_text_or_null (stmt, 7, r->references);
  tern_store_bind_text (stmt, 8, r->subject);
  sqlite3_bind_text (stmt, 9, tern_store_make_sort_subject (r->subject), -1, g_free);
  tern_store_bind_text (stmt, 10, r->from_name);
  tern_store_bind_text (stmt, 11, r->from_address);
  sqlite3_bind_text (stmt, 12, make_sort_sender (r->from_name, r->from_address), -1, g_free);
  tern_store_bind_text (stmt, 13, r->to_display);
  tern_store_bind_text (stmt, 14, r->to_addresses);
  tern_store_bind_text (stmt, 15, r->cc_display);
  tern_store_bind_text (stmt, 16, r->cc_addresses);
  /* No Date header, or one that cannot be read (or reads as 1970 or
   * before): the message is dated when the server got it (IMAP
   * INTERNALDATE) or when it was downloaded (POP3), so it never shows as
   * 1970 and sorts where the user expects. */
  sqlite3_bind_int64 (stmt, 17, stored_date (r));
  sqlite3_bind_int64 (stmt, 18, r->internal_date);
  sqlite3_bind_int64 (stmt, 19, r->size);
  sqlite3_bind_int (stmt, 20, r->flags);
  tern_store_bind_text (stmt, 21, r->keywords);
  sqlite3_bind_int (stmt, 22, r->has_attachments || r->n_attachments > 0);
  tern_store_bind_text (stmt, 23, r->preview);
  sqlite3_bind_int (stmt, 24, r->body_state);
}

static char *
join_nonempty (const char *const *parts, guint n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    if (parts[i] != NULL && *parts[i] != '\0')
      {
        if (s->len > 0)
          g_string_append_c (s, ' ');
        g_string_append (s, parts[i]);
      }
  return g_string_free (s, FALSE);
}

static char *
attachment_names (const TernAttachmentRecord *a, guint n)
{
  g_autofree const char **names = g_new0 (const char *, n + 1);

  for (guint i = 0; i < n; i++)
    names[i] = a[i].name;
  return join_nonempty (names, n);
}

/* The FTS rowid of a message: its day, then its id (sql/011), so that the
 * index walks matches newest day first. A day rather than the second
 * keeps the deltas between rowids in FTS5's doclists small: with the whole
 * date they took 6 bytes each, doubled the index and cost a quarter of the
 * insert rate. tern_store_search() puts each day's matches in date order. */
static gint64
search_key (gint64 date, gint64 id)
{
  return ((CLAMP (date, 0, (G_GINT64_CONSTANT (1) << 35) - 1) / TERN_STORE_SEARCH_DAY) << 28) |
         (id & ((G_GINT64_CONSTANT (1) << 28) - 1));
}

/* The searchable text of a new message: its message_text row (@fts FALSE)
 * or, from the same values, its FTS row (see sql/004: no trigger, so that
 * a batch's terms reach the index as one segment). */
static gboolean
insert_text (TernStore *self, gint64 id, const TernMessageRecord *r, gboolean fts,
             GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self, fts
      ? "INSERT INTO message_fts (rowid, subject, sender, recipients, body, attachments)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
      /* Into the table, not through the view message_text (sql/014): its
       * trigger would make this a statement with a statement journal
       * (see sql/015). */
      : self->version >= TERN_STORE_DIRECT_INSERT_VERSION
      ? "INSERT INTO message_text_packed (id, subject, sender, recipients, body, attachments,"
        " msg) VALUES (?1, ?2, ?3, ?4, tern_pack (?5), ?6, ?7)"
      : "INSERT INTO message_text (id, subject, sender, recipients, body, attachments, msg)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
  const char *sender_parts[] = { r->from_name, r->from_address };
  const char *recipient_parts[] = { r->to_display, r->to_addresses, r->cc_display, r->cc_addresses };
  g_autofree char *sender = join_nonempty (sender_parts, 2);
  g_autofree char *recipients = join_nonempty (recipient_parts, 4);
  g_autofree char *names = attachment_names (r->attachments, r->n_attachments);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, search_key (stored_date (r), id));
  if (!fts)
    sqlite3_bind_int64 (stmt, 7, id);
  tern_store_bind_text (stmt, 2, r->subject);
  sqlite3_bind_text (stmt, 3, sender, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, recipients, -1, SQLITE_STATIC);
  /* Packed already on the parsing thread: tern_pack() leaves it so. */
  if (!fts && r->packed_body_text != NULL && self->version >= TERN_STORE_DIRECT_INSERT_VERSION)
    sqlite3_bind_blob64 (stmt, 5, g_bytes_get_data (r->packed_body_text, NULL),
                         g_bytes_get_size (r->packed_body_text), SQLITE_STATIC);
  else
    tern_store_bind_text (stmt, 5, r->body_text);
  sqlite3_bind_text (stmt, 6, names, -1, SQLITE_STATIC);
  return tern_store_step_done (self, stmt, "Indexing the message", error);
}

static gboolean
insert_attachments (TernStore *self, gint64 id, const TernAttachmentRecord *a, guint n,
                    GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "INSERT INTO attachments (message_id, part_path, name, mime_type, size)"
      " VALUES (?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, id);
      tern_store_bind_text (stmt, 2, a[i].part_path);
      tern_store_bind_text (stmt, 3, a[i].name);
      tern_store_bind_text (stmt, 4, a[i].mime_type != NULL ? a[i].mime_type
                                                          : "application/octet-stream");
      sqlite3_bind_int64 (stmt, 5, a[i].size);
      if (!tern_store_step_done (self, stmt, "Storing an attachment", error))
        return FALSE;
    }
  return TRUE;
}

/* @packed: @raw packed already (tern_store_pack_bytes), or NULL. */
static gboolean
store_raw (TernStore *self, gint64 id, GBytes *raw, GBytes *packed, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      /* An upsert, not OR REPLACE: a REPLACE may delete a row with a
       * foreign key, which needs a statement journal (see sql/015). */
      "INSERT INTO bodies (message_id, raw) VALUES (?, tern_pack (?))"
      " ON CONFLICT (message_id) DO UPDATE SET raw = excluded.raw", error);
  gsize size;
  /* tern_pack() leaves a packed value as it is. */
  gconstpointer data = g_bytes_get_data (packed != NULL ? packed : raw, &size);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_blob64 (stmt, 2, data != NULL ? data : "", size, SQLITE_STATIC);
  return tern_store_step_done (self, stmt, "Storing the message", error);
}

typedef struct {
  gint64 key;
  guint index;
} TextOrder;

static gint
compare_text_order (gconstpointer a, gconstpointer b)
{
  const TextOrder *x = a, *y = b;

  return x->key < y->key ? -1 : x->key > y->key;
}

/* The batch's FTS rows in rowid order: FTS5 flushes its pending terms as a
 * new segment whenever a rowid is lower than the one before, so mail that
 * comes newest first (or dated out of order) would otherwise make one
 * segment per day. The message_text rows go first: in a store older than
 * sql/015 each is written by the view's trigger (sql/014), and a statement
 * with a trigger makes FTS5 flush too (sql/004). @ids are the new ids (0:
 * not inserted). */
static gboolean
insert_texts (TernStore *self, const TernMessageRecord *records, GArray *ids, GError **error)
{
  g_autoptr(GArray) order = g_array_sized_new (FALSE, FALSE, sizeof (TextOrder), ids->len);

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      TextOrder o = { search_key (stored_date (&records[i]), id), i };

      if (id != 0 && !records[i].text_later)
        g_array_append_val (order, o);
    }
  g_array_sort (order, compare_text_order);
  for (guint fts = 0; fts < 2; fts++)
    for (guint i = 0; i < order->len; i++)
      {
        guint k = g_array_index (order, TextOrder, i).index;

        if (!insert_text (self, g_array_index (ids, gint64, k), &records[k], fts, error))
          return FALSE;
      }
  return TRUE;
}

static gboolean query_id (TernStore *self, TernStmt *stmt, gint64 *value, GError **error);

/* The rowid SQLite would give the next message. */
static gboolean
first_free_id (TernStore *self, gint64 *id, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT coalesce (max (id), 0) + 1 FROM messages", error);

  *id = 1;
  return stmt != NULL && query_id (self, stmt, id, error);
}

/* Inserts one record with row id *next_id (moved on if it went in) and
 * its conversation; *id is 0 when the UID was already there. @pairs gains
 * its (folder, conversation) for tern_store_thread_count_new(). */
static gboolean
insert_one (TernStore *self, gint64 account_id, const TernMessageRecord *r, gint64 *next_id,
            GArray *pairs, gint64 *id, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "INSERT INTO messages (account_id, folder_id, uid, uidl, message_id, in_reply_to,"
      " refs, subject, sort_subject, from_name, from_addr, sort_sender, to_display,"
      " to_addrs, cc_display, cc_addrs, date, internal_date, size, flags, keywords,"
      " has_attachments, preview, body_state, id, thread_id) VALUES (?1, ?2, ?3, ?4, ?5,"
      " ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22,"
      " ?23, ?24, ?25, ?26)"
      " ON CONFLICT (folder_id, uid) WHERE uid IS NOT NULL DO NOTHING", error);
  g_auto(TernThreadJoin) join = { 0 };
  TernThreadPair pair;

  *id = 0;
  if (stmt == NULL || !tern_store_thread_find (self, account_id, *next_id, r, &join, error))
    return FALSE;
  bind_envelope (stmt, account_id, r);
  sqlite3_bind_int64 (stmt, 25, *next_id);
  sqlite3_bind_int64 (stmt, 26, join.thread);
  if (!tern_store_step_done (self, stmt, "Storing the message", error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return TRUE;
  *id = (*next_id)++;
  pair = (TernThreadPair) { r->folder_id, join.thread };
  g_array_append_val (pairs, pair);
  return (r->raw == NULL || store_raw (self, *id, r->raw, r->packed_raw, error))
         && insert_attachments (self, *id, r->attachments, r->n_attachments, error)
         && tern_store_thread_join (self, account_id, &join, error);
}

/* The counts of folder @folder_id grown by the @total new messages of a
 * batch, @unread of them unread: once per folder and batch, where a
 * trigger per message used to (see sql/015). */
static gboolean
count_new (TernStore *self, gint64 folder_id, gint64 total, gint64 unread, GError **error)
{
  g_autoptr(TernStmt) stmt = NULL;

  /* An older schema (an upgrade test) still counts by its trigger. */
  if (total == 0 || self->version < TERN_STORE_DIRECT_INSERT_VERSION)
    return TRUE;
  stmt = tern_store_prepare (self,
      "UPDATE folders SET total_count = total_count + ?2, unread_count = unread_count + ?3"
      " WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, total);
  sqlite3_bind_int64 (stmt, 3, unread);
  return tern_store_step_done (self, stmt, "Counting the messages", error);
}

gboolean
tern_store_insert_messages (TernStore *self, const TernMessageRecord *records,
                            guint n_records, GArray **out_ids, GError **error)
{
  g_autoptr(GArray) ids = g_array_sized_new (FALSE, TRUE, sizeof (gint64), n_records);
  g_autoptr(GArray) pairs = g_array_sized_new (FALSE, FALSE, sizeof (TernThreadPair), n_records);
  gint64 folder_id = 0, account_id = 0, n_new = 0, n_unread = 0, next_id;
  gboolean owned, ok = TRUE;

  if (!tern_store_tx_begin (self, &owned, error))
    return FALSE;
  /* The rowid SQLite would pick, chosen here so that the conversation
   * (whose id may be the message's own) is known before the row is
   * written. Nothing else inserts messages inside this transaction. */
  ok = first_free_id (self, &next_id, error);
  for (guint i = 0; ok && i < n_records; i++)
    {
      gint64 id = 0;

      if (records[i].folder_id != folder_id)
        {
          ok = count_new (self, folder_id, n_new, n_unread, error);
          n_new = n_unread = 0;
          folder_id = records[i].folder_id;
          account_id = ok ? folder_account (self, folder_id, error) : 0;
          ok = account_id != 0;
        }
      ok = ok && insert_one (self, account_id, &records[i], &next_id, pairs, &id, error);
      if (id != 0)
        {
          n_new++;
          n_unread += (records[i].flags & (TERN_FLAG_SEEN | TERN_FLAG_DELETED)) == 0;
        }
      g_array_append_val (ids, id);
    }
  ok = ok && count_new (self, folder_id, n_new, n_unread, error) &&
       tern_store_thread_count_new (self, pairs, error);
  /* Text last: after the first FTS write, every statement that needs a
   * statement journal makes FTS5 flush a segment (see sql/004). */
  ok = ok && insert_texts (self, records, ids, error);
  if (!tern_store_tx_end (self, owned, ok, error))
    return FALSE;
  if (out_ids != NULL)
    *out_ids = g_steal_pointer (&ids);
  return TRUE;
}

/* ---- bodies ------------------------------------------------------------ */

static gboolean
update_text (TernStore *self, gint64 id, const char *body_text,
             const TernAttachmentRecord *attachments, guint n_attachments, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "UPDATE message_text SET body = ?2, attachments = coalesce (?3, attachments)"
      " WHERE msg = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  tern_store_bind_text (stmt, 2, body_text);
  if (attachments != NULL)
    sqlite3_bind_text (stmt, 3, attachment_names (attachments, n_attachments), -1, g_free);
  return tern_store_step_done (self, stmt, "Indexing the message", error);
}

static gboolean
replace_attachments (TernStore *self, gint64 id, const TernAttachmentRecord *attachments,
                     guint n_attachments, GError **error)
{
  g_autoptr(TernStmt) clear = tern_store_prepare (self,
      "DELETE FROM attachments WHERE message_id = ?", error);
  g_autoptr(TernStmt) mark = clear == NULL ? NULL : tern_store_prepare (self,
      "UPDATE messages SET has_attachments = ?2 WHERE id = ?1", error);

  if (mark == NULL)
    return FALSE;
  sqlite3_bind_int64 (clear, 1, id);
  sqlite3_bind_int64 (mark, 1, id);
  sqlite3_bind_int (mark, 2, n_attachments > 0);
  return tern_store_step_done (self, clear, "Storing attachments", error)
         && tern_store_step_done (self, mark, "Storing attachments", error)
         && insert_attachments (self, id, attachments, n_attachments, error);
}

gboolean
tern_store_set_raw (TernStore *self, gint64 message_id, GBytes *raw, const char *body_text,
                    const TernAttachmentRecord *attachments, guint n_attachments,
                    GError **error)
{
  g_autoptr(TernStmt) state = tern_store_prepare (self,
      "UPDATE messages SET body_state = 2 WHERE id = ?", error);
  gboolean owned, ok;

  g_return_val_if_fail (raw != NULL, FALSE);
  if (state == NULL || !tern_store_tx_begin (self, &owned, error))
    return FALSE;
  sqlite3_bind_int64 (state, 1, message_id);
  ok = tern_store_step_done (self, state, "Storing the message", error);
  if (ok && sqlite3_changes (self->db) == 0)
    ok = tern_store_not_found (error, "message", message_id);
  ok = ok && store_raw (self, message_id, raw, NULL, error)
       && update_text (self, message_id, body_text, attachments, n_attachments, error)
       && (attachments == NULL
           || replace_attachments (self, message_id, attachments, n_attachments, error));
  return tern_store_tx_end (self, owned, ok, error);
}

GBytes *
tern_store_get_raw (TernStore *self, gint64 message_id, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT tern_unpack (raw) FROM bodies WHERE message_id = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, message_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  if (rc == SQLITE_DONE)
    g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND,
                 "Message %" G_GINT64_FORMAT " is not downloaded", message_id);
  else
    tern_store_fail (self, rc, "Reading the message", error);
  return NULL;
}

/* ---- flags, deletion, moves -------------------------------------------- */

gboolean
tern_store_update_flags_by_uid (TernStore *self, gint64 folder_id, guint32 uid, guint flags,
                                const char *keywords, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "UPDATE messages SET flags = ?3, keywords = coalesce (?4, keywords)"
      " WHERE folder_id = ?1 AND uid = ?2", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, uid);
  sqlite3_bind_int (stmt, 3, flags);
  tern_store_bind_text_or_null (stmt, 4, keywords);
  return tern_store_step_done (self, stmt, "Saving flags", error);
}

/* Runs stmt once per id (bound to ?1) in one write unit. */
static gboolean
for_each_id (TernStore *self, TernStmt *stmt, const gint64 *ids, guint n_ids,
             const char *what, GError **error)
{
  gboolean owned, ok = TRUE;

  if (!tern_store_tx_begin (self, &owned, error))
    return FALSE;
  for (guint i = 0; ok && i < n_ids; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, ids[i]);
      ok = tern_store_step_done (self, stmt, what, error);
    }
  return tern_store_tx_end (self, owned, ok, error);
}

gboolean
tern_store_change_flags (TernStore *self, const gint64 *ids, guint n_ids, guint set_flags,
                         guint clear_flags, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "UPDATE messages SET flags = (flags | ?2) & ~?3 WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 2, set_flags);
  sqlite3_bind_int (stmt, 3, clear_flags);
  return for_each_id (self, stmt, ids, n_ids, "Saving flags", error);
}

gboolean
tern_store_delete_messages (TernStore *self, const gint64 *ids, guint n_ids, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self, "DELETE FROM messages WHERE id = ?",
                                                 error);

  return stmt != NULL && for_each_id (self, stmt, ids, n_ids, "Deleting messages", error);
}

gboolean
tern_store_delete_by_uids (TernStore *self, gint64 folder_id, const guint32 *uids,
                           guint n_uids, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "DELETE FROM messages WHERE uid = ?1 AND folder_id = ?2", error);
  g_autoptr(GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_uids);

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < n_uids; i++)
    {
      gint64 uid = uids[i];
      g_array_append_val (ids, uid);
    }
  sqlite3_bind_int64 (stmt, 2, folder_id);
  return for_each_id (self, stmt, (gint64 *) (void *) ids->data, ids->len,
                      "Deleting messages", error);
}

GArray *
tern_store_list_uids (TernStore *self, gint64 folder_id, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT uid, flags FROM messages WHERE folder_id = ? AND uid IS NOT NULL"
      " ORDER BY uid", error);
  g_autoptr(GArray) list = g_array_new (FALSE, FALSE, sizeof (TernUidFlags));
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TernUidFlags u = { (guint32) sqlite3_column_int64 (stmt, 0), sqlite3_column_int (stmt, 1) };
      g_array_append_val (list, u);
    }
  if (rc != SQLITE_DONE)
    return tern_store_fail (self, rc, "Listing UIDs", error), NULL;
  return g_steal_pointer (&list);
}

GArray *
tern_store_list_missing_bodies (TernStore *self, gint64 folder_id, gint64 since, gint64 max_size,
                                guint32 below_uid, guint limit, GError **error)
{
  /* Walks the (folder_id, uid) index down from @below_uid. */
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT uid, size, internal_date FROM messages"
      " WHERE folder_id = ?1 AND uid < ?2 AND body_state = 1"
      " AND internal_date >= ?3 AND size <= ?4 ORDER BY uid DESC LIMIT ?5", error);
  g_autoptr(GArray) list = g_array_new (FALSE, FALSE, sizeof (TernUidSize));
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, below_uid);
  sqlite3_bind_int64 (stmt, 3, since);
  sqlite3_bind_int64 (stmt, 4, max_size);
  sqlite3_bind_int64 (stmt, 5, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TernUidSize u = { (guint32) sqlite3_column_int64 (stmt, 0),
                        (guint32) MIN (sqlite3_column_int64 (stmt, 1), G_MAXUINT32),
                        sqlite3_column_int64 (stmt, 2) };
      g_array_append_val (list, u);
    }
  if (rc != SQLITE_DONE)
    return tern_store_fail (self, rc, "Listing messages to download", error), NULL;
  for (guint i = 0; i < list->len / 2; i++)
    {
      TernUidSize t = g_array_index (list, TernUidSize, i);

      g_array_index (list, TernUidSize, i) = g_array_index (list, TernUidSize, list->len - 1 - i);
      g_array_index (list, TernUidSize, list->len - 1 - i) = t;
    }
  return g_steal_pointer (&list);
}

/* Whether message @id has its search text row (a headers-only message
 * inserted with text_later has none). */
static gboolean
has_text (TernStore *self, gint64 id, gboolean *found, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT count (*) FROM message_text WHERE msg = ?", error);
  gint64 n = 0;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!query_id (self, stmt, &n, error))
    return FALSE;
  *found = n > 0;
  return TRUE;
}

/* Body, attachments, state and preview of stored message @id: every write
 * but the search text. */
static gboolean
fill_one (TernStore *self, gint64 id, const TernMessageRecord *r, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "UPDATE messages SET body_state = 2, preview = ?2 WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  tern_store_bind_text (stmt, 2, r->preview != NULL ? r->preview : "");
  return tern_store_step_done (self, stmt, "Storing the message", error) &&
         store_raw (self, id, r->raw, r->packed_raw, error) &&
         replace_attachments (self, id, r->attachments, r->n_attachments, error);
}

gboolean
tern_store_fill_bodies (TernStore *self, const TernMessageRecord *records, guint n_records,
                        GError **error)
{
  g_autoptr(GArray) new_text = g_array_sized_new (FALSE, TRUE, sizeof (gint64), n_records);
  gboolean owned, ok = TRUE;

  for (guint i = 0; i < n_records; i++)
    g_return_val_if_fail (records[i].raw != NULL, FALSE);
  if (!tern_store_tx_begin (self, &owned, error))
    return FALSE;
  for (guint i = 0; ok && i < n_records; i++)
    {
      const TernMessageRecord *r = &records[i];
      gint64 id = tern_store_find_by_uid (self, r->folder_id, r->uid, error);
      gboolean indexed = FALSE;
      gint64 text_id;

      ok = (error == NULL || *error == NULL) &&
           (id == 0 || (fill_one (self, id, r, error) && has_text (self, id, &indexed, error)));
      /* Indexed with its headers already: its row is updated in place. */
      if (ok && indexed)
        ok = update_text (self, id, r->body_text, r->attachments, r->n_attachments, error);
      text_id = indexed ? 0 : id;
      g_array_append_val (new_text, text_id);
    }
  /* Text last, in rowid order, as for new messages (see sql/004). */
  ok = ok && insert_texts (self, records, new_text, error);
  return tern_store_tx_end (self, owned, ok, error);
}

/* Runs a one-integer query with ?1 bound; *value stays as is when no row. */
static gboolean
query_id (TernStore *self, TernStmt *stmt, gint64 *value, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    *value = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    return tern_store_fail (self, rc, "Reading messages", error);
  return TRUE;
}

guint32
tern_store_get_max_uid (TernStore *self, gint64 folder_id, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT coalesce (max (uid), 0) FROM messages WHERE folder_id = ?", error);
  gint64 uid = 0;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  query_id (self, stmt, &uid, error);
  return (guint32) uid;
}

gint64
tern_store_find_by_uid (TernStore *self, gint64 folder_id, guint32 uid, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT id FROM messages WHERE folder_id = ? AND uid = ?", error);
  gint64 id = 0;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, uid);
  query_id (self, stmt, &id, error);
  return id;
}

GArray *
tern_store_collect_ids (TernStore *self, TernStmt *stmt, const char *what, GError **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    return tern_store_fail (self, rc, what, error), NULL;
  return g_steal_pointer (&ids);
}

GArray *
tern_store_find_by_message_id (TernStore *self, gint64 account_id, const char *message_id,
                               GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT id FROM messages WHERE account_id = ? AND message_id = ? ORDER BY id", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  tern_store_bind_text (stmt, 2, message_id);
  return tern_store_collect_ids (self, stmt, "Finding the message", error);
}

TernMessageSummary *
tern_store_get_message (TernStore *self, gint64 message_id, GError **error)
{
  g_autoptr(GPtrArray) rows = tern_store_get_summaries (self, &message_id, 1, error);

  if (rows == NULL)
    return NULL;
  if (rows->len == 0)
    return tern_store_not_found (error, "message", message_id), NULL;
  return g_ptr_array_steal_index (rows, 0);
}

gboolean
tern_store_move_message (TernStore *self, gint64 message_id, gint64 dest_folder_id,
                         guint32 new_uid, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "UPDATE messages SET folder_id = ?2, uid = ?3 WHERE id = ?1"
      " AND account_id = (SELECT account_id FROM folders WHERE id = ?2)", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_int64 (stmt, 2, dest_folder_id);
  if (new_uid != 0)
    sqlite3_bind_int64 (stmt, 3, new_uid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    return g_set_error (error, TERN_ERROR, TERN_ERROR_EXISTS,
                        "UID %u is already in the destination folder", new_uid), FALSE;
  if (rc != SQLITE_DONE)
    return tern_store_fail (self, rc, "Moving the message", error);
  if (sqlite3_changes (self->db) == 0)
    return g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND,
                        "No message %" G_GINT64_FORMAT " or no folder %" G_GINT64_FORMAT
                        " in its account", message_id, dest_folder_id), FALSE;
  return TRUE;
}

/* ---- the message list -------------------------------------------------- */

GArray *
tern_store_list_message_ids (TernStore *self, gint64 folder_id, TernSortOrder sort,
                             gboolean descending, GError **error)
{
  /* One literal per order, so each is a cached statement walking its index. */
  static const char *const queries[3][2] = {
    { "SELECT id FROM messages WHERE folder_id = ? ORDER BY date, id",
      "SELECT id FROM messages WHERE folder_id = ? ORDER BY date DESC, id DESC" },
    { "SELECT id FROM messages WHERE folder_id = ? ORDER BY sort_sender, date, id",
      "SELECT id FROM messages WHERE folder_id = ?"
      " ORDER BY sort_sender DESC, date DESC, id DESC" },
    { "SELECT id FROM messages WHERE folder_id = ? ORDER BY sort_subject, date, id",
      "SELECT id FROM messages WHERE folder_id = ?"
      " ORDER BY sort_subject DESC, date DESC, id DESC" },
  };
  g_autoptr(TernStmt) stmt = NULL;

  if ((guint) sort > TERN_SORT_SUBJECT)
    return g_set_error_literal (error, TERN_ERROR, TERN_ERROR_INVALID,
                                "Unknown sort order"), NULL;
  stmt = tern_store_prepare (self, queries[sort][descending != FALSE], error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  return tern_store_collect_ids (self, stmt, "Listing messages", error);
}

GArray *
tern_store_list_newest_ids (TernStore *self, gint64 folder_id, guint limit, GError **error)
{
  /* The order of tern_store_list_message_ids(), on messages_folder_date. */
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT id FROM messages WHERE folder_id = ?1 ORDER BY date DESC, id DESC LIMIT ?2",
      error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, limit);
  return tern_store_collect_ids (self, stmt, "Listing messages", error);
}

GPtrArray *
tern_store_get_summaries (TernStore *self, const gint64 *ids, guint n_ids, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT " SUMMARY_COLUMNS " FROM messages WHERE id = ?", error);

  if (stmt == NULL)
    return NULL;
  return tern_store_rows_by_id (self, stmt, ids, n_ids, (TernStoreReadRow) read_summary,
                                (GDestroyNotify) tern_message_summary_free, "Reading messages",
                                error);
}

GPtrArray *
tern_store_rows_by_id (TernStore *self, TernStmt *stmt, const gint64 *ids, guint n_ids,
                       TernStoreReadRow read_row, GDestroyNotify free_row, const char *what,
                       GError **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_full (n_ids, free_row);

  for (guint i = 0; i < n_ids; i++)
    {
      int rc;

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, ids[i]);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        g_ptr_array_add (rows, read_row (stmt));
      else if (rc != SQLITE_DONE)
        return tern_store_fail (self, rc, what, error), NULL;
    }
  return g_steal_pointer (&rows);
}

guint
tern_store_count_unread (TernStore *self, gint64 account_id, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT coalesce (sum (unread_count), 0) FROM folders"
      " WHERE ?1 = 0 OR account_id = ?1", error);
  gint64 n = 0;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, account_id);
  query_id (self, stmt, &n, error);
  return (guint) n;
}

gboolean
tern_store_count_older (TernStore *self, gint64 folder_id, gint64 before, guint *n_messages,
                        guint64 *bytes, GError **error)
{
  /* The same date the list sorts by: Date:, else the server's arrival. */
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT count(*), coalesce (sum (size), 0) FROM messages WHERE folder_id = ?1"
      " AND (?2 <= 0 OR (CASE WHEN date > 0 THEN date ELSE internal_date END) < ?2)", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, before);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return tern_store_fail (self, rc, "Counting messages", error);
  *n_messages = (guint) sqlite3_column_int64 (stmt, 0);
  *bytes = (guint64) sqlite3_column_int64 (stmt, 1);
  return TRUE;
}
