/* tern-store-search.c: the user's search syntax, translated to FTS5.
 *
 * Every word or phrase the user typed becomes an FTS5 string ("..." with
 * inner quotes doubled), so no input can produce an FTS5 syntax error or
 * reach FTS5 operators (AND, OR, NOT, NEAR, *, ^, column filters). */
#include <string.h>

#include "store/tern-store-private.h"

typedef struct {
  TernStore *store;          /* for the terms of a prefix; NULL: leave prefixes to FTS5 */
  GString *match;            /* FTS5 expression, "" if only filters */
  gboolean has_attachment;
  gboolean unread;
  gboolean read;
  gboolean flagged;
  char *in;                  /* "in:" a folder role, "all", or NULL (not Trash or Junk) */
} Query;

/* Whether the unicode61 tokenizer finds a token in s: an empty phrase is
 * best left out of the expression. */
static gboolean
has_token (const char *s)
{
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_isalnum (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

/* ---- prefixes -------------------------------------------------------------- */

/* A word the user typed matches every term it starts ("lazy" finds
 * "lazybones"). FTS5 3.40 answers a prefix query by merging the doclists
 * of all those terms before it returns the first row: 226 ms for a word in
 * 60% of 1,000,000 messages, however small the page. The same set is the OR
 * of the terms themselves, which FTS5 walks newest first and stops after
 * the page (0.2 ms): so the store asks the index's vocabulary which terms
 * there are, and falls back to the prefix query when they are many. */
#define MAX_PREFIX_TERMS 16

static int
collect_token (void *tokens, int flags, const char *token, int n, int start, int end)
{
  if ((flags & FTS5_TOKEN_COLOCATED) == 0)
    g_ptr_array_add (tokens, g_strndup (token, n));
  return SQLITE_OK;
}

/* The terms FTS5 makes of @text, with the tokenizer of the index (sql/002:
 * unicode61 remove_diacritics 2); NULL if it cannot be had. */
static GPtrArray *
index_tokens (TernStore *self, const char *text)
{
  static const char *const args[] = { "remove_diacritics", "2" };
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;
  fts5_api *api = NULL;
  fts5_tokenizer tokenizer;
  Fts5Tokenizer *t = NULL;
  void *user_data = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, "SELECT fts5 (?1)", -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_pointer (stmt, 1, &api, "fts5_api_ptr", NULL);
      sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (api == NULL ||
      api->xFindTokenizer (api, "unicode61", &user_data, &tokenizer) != SQLITE_OK ||
      tokenizer.xCreate (user_data, (const char **) args, G_N_ELEMENTS (args), &t) != SQLITE_OK)
    return NULL;
  rc = tokenizer.xTokenize (t, tokens, FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, text,
                            (int) strlen (text), collect_token);
  tokenizer.xDelete (t);
  return rc == SQLITE_OK && tokens->len > 0 ? g_steal_pointer (&tokens) : NULL;
}

/* The terms of the index that start with @prefix, other than itself; NULL
 * when there are more than MAX_PREFIX_TERMS or the vocabulary cannot be
 * read. */
static GPtrArray *
longer_terms (TernStore *self, const char *prefix)
{
  g_autoptr(GPtrArray) terms = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(TernStmt) stmt = NULL;
  g_autofree char *after = g_strconcat (prefix, "\001", NULL);
  g_autofree char *beyond = g_strconcat (prefix, "\365", NULL);   /* above any UTF-8 */
  int rc;

  /* A temporary table: a read-only connection can make it too. */
  if (!tern_store_exec (self, "CREATE VIRTUAL TABLE IF NOT EXISTS temp.message_fts_terms"
                        " USING fts5vocab (main, message_fts, row)", NULL))
    return NULL;
  /* From just after @prefix: the vocabulary counts each term's rows. */
  stmt = tern_store_prepare (self, "SELECT term FROM temp.message_fts_terms"
                             " WHERE term >= ?1 AND term < ?2 LIMIT ?3", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, after, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, beyond, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, MAX_PREFIX_TERMS + 1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (terms, tern_store_column_dup (stmt, 0));
  if (rc != SQLITE_DONE || terms->len > MAX_PREFIX_TERMS)
    return NULL;
  return g_steal_pointer (&terms);
}

static void
append_quoted (GString *s, const char *text)
{
  g_string_append_c (s, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (s, '"');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
}

/* @text as a prefix, "a b" * (the last term a prefix), written as
 * ("a b" OR "a bc" OR ...); FALSE if it is best left as a prefix query. */
static gboolean
add_expanded_prefix (Query *q, const char *text)
{
  g_autoptr(GPtrArray) tokens = q->store != NULL ? index_tokens (q->store, text) : NULL;
  const char *last = tokens != NULL ? g_ptr_array_index (tokens, tokens->len - 1) : NULL;
  g_autoptr(GPtrArray) others = last != NULL ? longer_terms (q->store, last) : NULL;
  g_autoptr(GString) head = g_string_new (NULL);

  if (others == NULL)
    return FALSE;
  for (guint i = 0; i + 1 < tokens->len; i++)
    g_string_append_printf (head, "%s ", (const char *) g_ptr_array_index (tokens, i));
  g_ptr_array_insert (others, 0, g_strdup (last));
  g_string_append_c (q->match, '(');
  for (guint i = 0; i < others->len; i++)
    {
      g_autofree char *phrase = g_strconcat (head->str, g_ptr_array_index (others, i), NULL);

      if (i > 0)
        g_string_append (q->match, " OR ");
      append_quoted (q->match, phrase);
    }
  g_string_append_c (q->match, ')');
  return TRUE;
}

/* Adds [column :] "text" [*] to the expression. */
static void
add_term (Query *q, const char *column, const char *text, gboolean prefix)
{
  if (!has_token (text))
    return;
  if (q->match->len > 0)
    g_string_append (q->match, " AND ");
  if (column != NULL)
    g_string_append_printf (q->match, "%s : ", column);
  if (prefix && add_expanded_prefix (q, text))
    return;
  append_quoted (q->match, text);
  if (prefix)
    g_string_append (q->match, " *");
}

/* A value after "field:" or alone: "quoted" is a phrase, else a prefix word. */
static void
add_value (Query *q, const char *column, const char *value)
{
  gsize len = strlen (value);

  if (value[0] == '"')
    {
      g_autofree char *inner = g_strndup (value + 1,
                                          len > 1 && value[len - 1] == '"' ? len - 2 : len - 1);
      add_term (q, column, inner, FALSE);
    }
  else
    add_term (q, column, value, TRUE);
}

static gboolean
is_filter (Query *q, const char *token)
{
  static const struct { const char *word; gsize offset; } filters[] = {
    { "has:attachment", G_STRUCT_OFFSET (Query, has_attachment) },
    { "has:attachments", G_STRUCT_OFFSET (Query, has_attachment) },
    { "is:unread", G_STRUCT_OFFSET (Query, unread) },
    { "is:read", G_STRUCT_OFFSET (Query, read) },
    { "is:flagged", G_STRUCT_OFFSET (Query, flagged) },
    { "is:starred", G_STRUCT_OFFSET (Query, flagged) },
  };

  for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
    if (g_ascii_strcasecmp (token, filters[i].word) == 0)
      {
        G_STRUCT_MEMBER (gboolean, q, filters[i].offset) = TRUE;
        return TRUE;
      }
  return FALSE;
}

/* in:trash, in:junk, in:sent, ... (the folder roles), in:all or in:anywhere. */
static gboolean
is_place (const char *word)
{
  return g_ascii_strcasecmp (word, "all") == 0 || g_ascii_strcasecmp (word, "anywhere") == 0 ||
         (tern_folder_role_from_string (word) != TERN_FOLDER_ROLE_NONE);
}

static void
add_token (Query *q, const char *token)
{
  static const struct { const char *prefix; const char *column; } fields[] = {
    { "from:", "sender" },
    { "to:", "recipients" },
    { "subject:", "subject" },
  };

  if (is_filter (q, token))
    return;
  if (g_ascii_strncasecmp (token, "in:", 3) == 0 && is_place (token + 3))
    {
      g_free (q->in);
      q->in = g_ascii_strdown (token + 3, -1);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_ascii_strncasecmp (token, fields[i].prefix, strlen (fields[i].prefix)) == 0)
      {
        add_value (q, fields[i].column, token + strlen (fields[i].prefix));
        return;
      }
  add_value (q, NULL, token);
}

/* Splits at white space outside quotes: «from:"Ann Lee" budget "q3 plan"». */
static void
parse_query (Query *q, const char *text)
{
  const char *p = text;

  while (*p != '\0')
    {
      const char *start;
      gboolean quoted = FALSE;

      while (g_ascii_isspace (*p))
        p++;
      start = p;
      while (*p != '\0' && (quoted || !g_ascii_isspace (*p)))
        {
          if (*p == '"')
            quoted = !quoted;
          p++;
        }
      if (p > start)
        {
          g_autofree char *token = g_strndup (start, p - start);
          add_token (q, token);
        }
    }
}

/* Where to look (?9): a search of all folders leaves Trash and Junk out,
 * as people expect, unless it says in:trash, in:junk or in:all. */
#define PLACE_SQL \
  "(CASE WHEN ?9 IS NULL THEN ?3 <> 0 OR m.folder_id NOT IN" \
  " (SELECT id FROM folders WHERE role IN ('trash', 'junk'))" \
  " WHEN ?9 IN ('all', 'anywhere') THEN 1" \
  " ELSE m.folder_id IN (SELECT id FROM folders WHERE role = ?9) END)"

typedef struct {
  gint64 id;
  gint64 date;
} Hit;

static gint
compare_hits_newest_first (gconstpointer a, gconstpointer b)
{
  const Hit *x = a, *y = b;

  if (x->date != y->date)
    return x->date > y->date ? -1 : 1;
  return x->id > y->id ? -1 : (x->id < y->id);
}

/* Steps the FTS query, whose rows come newest day first (sql/011), until
 * the day after the one that fills the page, and puts them in date order. */
static GArray *
collect_newest (TernStore *self, TernStmt *stmt, guint limit, GError **error)
{
  g_autoptr(GArray) hits = g_array_new (FALSE, FALSE, sizeof (Hit));
  GArray *ids;
  gint64 last_day = G_MAXINT64;
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Hit hit = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1) };
      gint64 day = sqlite3_column_int64 (stmt, 2);

      if (limit > 0 && hits->len >= limit && day < last_day)
        break;
      last_day = day;
      g_array_append_val (hits, hit);
    }
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return tern_store_fail (self, rc, "Searching", error), NULL;
  g_array_sort (hits, compare_hits_newest_first);
  if (limit > 0 && hits->len > limit)
    g_array_set_size (hits, limit);
  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), hits->len);
  for (guint i = 0; i < hits->len; i++)
    g_array_append_val (ids, g_array_index (hits, Hit, i).id);
  return ids;
}

GArray *
tern_store_search (TernStore *self, gint64 account_id, gint64 folder_id, const char *query,
                   guint limit, GError **error)
{
  /* The FTS rowid starts with the day (sql/011): FTS5 hands the matches
   * over newest day first and collect_newest() stops after the page,
   * however common the word. */
  static const char fts_sql[] =
    "SELECT m.id, m.date, message_fts.rowid >> 28 FROM message_fts"
    " JOIN message_text t ON t.id = message_fts.rowid"
    " JOIN messages m ON m.id = t.msg"
    " WHERE message_fts MATCH ?1 AND (?2 = 0 OR m.account_id = ?2)"
    " AND (?3 = 0 OR m.folder_id = ?3) AND (?4 = 0 OR m.has_attachments)"
    " AND (?5 = 0 OR (m.flags & 9) = 0) AND (?6 = 0 OR (m.flags & 1) != 0)"
    " AND (?7 = 0 OR (m.flags & 4) != 0) AND " PLACE_SQL
    " ORDER BY message_fts.rowid DESC";
  static const char filter_sql[] =
    "SELECT m.id FROM messages m WHERE ?1 IS NULL AND (?2 = 0 OR m.account_id = ?2)"
    " AND (?3 = 0 OR m.folder_id = ?3) AND (?4 = 0 OR m.has_attachments)"
    " AND (?5 = 0 OR (m.flags & 9) = 0) AND (?6 = 0 OR (m.flags & 1) != 0)"
    " AND (?7 = 0 OR (m.flags & 4) != 0) AND " PLACE_SQL
    " ORDER BY m.date DESC, m.id DESC LIMIT ?8";
  g_autofree char *text = tern_store_make_utf8 (query != NULL ? query : "");
  g_autoptr(GString) match = g_string_new (NULL);
  Query q = { .store = self, .match = match };
  g_autoptr(TernStmt) stmt = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autofree char *in = NULL;
  int rc;

  parse_query (&q, text);
  if (match->len == 0 && !q.has_attachment && !q.unread && !q.read && !q.flagged && q.in == NULL)
    return g_array_new (FALSE, FALSE, sizeof (gint64));
  in = g_steal_pointer (&q.in);
  stmt = tern_store_prepare (self, match->len > 0 ? fts_sql : filter_sql, error);
  if (stmt == NULL)
    return NULL;
  if (match->len > 0)
    sqlite3_bind_text (stmt, 1, match->str, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, account_id);
  sqlite3_bind_int64 (stmt, 3, folder_id);
  sqlite3_bind_int (stmt, 4, q.has_attachment);
  sqlite3_bind_int (stmt, 5, q.unread);
  sqlite3_bind_int (stmt, 6, q.read);
  sqlite3_bind_int (stmt, 7, q.flagged);
  tern_store_bind_text_or_null (stmt, 9, in);
  if (match->len > 0)
    return collect_newest (self, stmt, limit, error);
  sqlite3_bind_int64 (stmt, 8, limit > 0 ? (gint64) limit : -1);
  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    return tern_store_fail (self, rc, "Searching", error), NULL;
  return g_steal_pointer (&ids);
}
