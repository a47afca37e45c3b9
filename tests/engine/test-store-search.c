/* Tests for full-text search (every operator, hostile input) and for the
 * paged message list (every sort order). */
#include "store/tern-store-private.h"
#include "store-test-util.h"

typedef struct {
  char *dir;
  TernStore *store;
  gint64 account;
  gint64 inbox;
  gint64 other;
  GArray *ids;          /* ids of the corpus, in insertion order */
} Fixture;

typedef struct {
  const char *subject, *from, *to, *body, *attachment;
  guint flags;
  gint64 folder;        /* 0: inbox, 1: other */
} Mail;

static const Mail corpus[] = {
  /* 0 */ { "Quarterly budget review", "alice", "Team <team@example.org>",
            "The budget for Q3 is attached. Please review before Friday.", "budget-q3.xlsx",
            TERN_FLAG_SEEN, 0 },
  /* 1 */ { "Lunch on Friday?", "bob", "Alice <alice@example.org>",
            "Shall we try the new café near the station?", NULL, 0, 0 },
  /* 2 */ { "Re: Quarterly budget review", "carol", "Team <team@example.org>",
            "Numbers look fine and the forecast is conservative.", NULL,
            TERN_FLAG_SEEN | TERN_FLAG_FLAGGED, 0 },
  /* 3 */ { "Holiday photos", "dave", "Family <family@example.org>",
            "Pictures from the trip to Zürich, with \"quotes\" and NEAR(things).",
            "zurich-lake.jpg", TERN_FLAG_FLAGGED, 0 },
  /* 4 */ { "Invoice 2024-17", "billing", "Alice <alice@example.org>",
            "Your invoice AND receipt are attached; OR pay online.", "invoice.pdf", 0, 1 },
  /* 5 */ { "Meeting notes", "alice", "Bob <bob@example.org>",
            "Budgetary concerns were raised by the committee.", NULL, TERN_FLAG_SEEN, 1 },
};

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) acct = store_test_account ("Work", TERN_PROTOCOL_IMAP);
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func
      ((GDestroyNotify) store_test_message_free);
  TernMessageRecord records[G_N_ELEMENTS (corpus)];
  TernAttachmentRecord atts[G_N_ELEMENTS (corpus)];

  f->dir = g_dir_make_tmp ("tern-search-XXXXXX", &error);
  f->store = tern_store_open (f->dir, 0, &error);
  g_assert_no_error (error);
  f->account = tern_store_add_account (f->store, acct, &error);
  f->inbox = tern_store_upsert_folder (f->store, f->account, "INBOX", "/",
                                      TERN_FOLDER_ROLE_INBOX, TRUE, &error);
  f->other = tern_store_upsert_folder (f->store, f->account, "Other", "/",
                                      TERN_FOLDER_ROLE_NONE, TRUE, &error);
  for (guint i = 0; i < G_N_ELEMENTS (corpus); i++)
    {
      const Mail *c = &corpus[i];
      StoreTestMessage *m = store_test_message (c->folder ? f->other : f->inbox, i + 1,
                                                c->subject, c->from, 1000 + i, c->body);

      m->record.to_display = c->to;
      m->record.flags = c->flags;
      atts[i] = (TernAttachmentRecord) { "2", c->attachment, "application/octet-stream", 10 };
      m->record.attachments = &atts[i];
      m->record.n_attachments = c->attachment != NULL;
      records[i] = m->record;
      g_ptr_array_add (keep, m);
    }
  g_assert_true (tern_store_insert_messages (f->store, records, G_N_ELEMENTS (corpus),
                                             &f->ids, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  g_clear_pointer (&f->ids, g_array_unref);
  store_test_rmdir (f->dir);
  g_free (f->dir);
}

/* The corpus indexes a query finds, as a bit set. */
static guint
found (Fixture *f, gint64 folder, const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) hits = tern_store_search (f->store, f->account, folder, query, 0, &error);
  guint bits = 0;

  g_assert_no_error (error);
  g_assert_nonnull (hits);
  for (guint i = 0; i < hits->len; i++)
    for (guint j = 0; j < f->ids->len; j++)
      if (g_array_index (f->ids, gint64, j) == g_array_index (hits, gint64, i))
        bits |= 1u << j;
  return bits;
}

#define B(n) (1u << (n))

static void
test_operators (Fixture *f, gconstpointer data)
{
  g_assert_cmpuint (found (f, 0, "budget"), ==, B (0) | B (2) | B (5));   /* prefix */
  g_assert_cmpuint (found (f, 0, "BUDG"), ==, B (0) | B (2) | B (5));
  g_assert_cmpuint (found (f, 0, "\"budget review\""), ==, B (0) | B (2));
  g_assert_cmpuint (found (f, 0, "\"budget rev\""), ==, 0);               /* phrases are exact */
  g_assert_cmpuint (found (f, 0, "budget friday"), ==, B (0));            /* AND */
  g_assert_cmpuint (found (f, 0, "from:alice"), ==, B (0) | B (5));
  g_assert_cmpuint (found (f, 0, "from:ali budget"), ==, B (0) | B (5));
  g_assert_cmpuint (found (f, 0, "to:alice"), ==, B (1) | B (4));
  g_assert_cmpuint (found (f, 0, "to:\"team\""), ==, B (0) | B (2));
  g_assert_cmpuint (found (f, 0, "subject:budget"), ==, B (0) | B (2));
  g_assert_cmpuint (found (f, 0, "subject:\"quarterly budget\""), ==, B (0) | B (2));
  g_assert_cmpuint (found (f, 0, "has:attachment"), ==, B (0) | B (3) | B (4));
  g_assert_cmpuint (found (f, 0, "has:attachment budget"), ==, B (0));
  g_assert_cmpuint (found (f, 0, "is:unread"), ==, B (1) | B (3) | B (4));
  g_assert_cmpuint (found (f, 0, "is:flagged"), ==, B (2) | B (3));
  g_assert_cmpuint (found (f, 0, "is:read budget"), ==, B (0) | B (2) | B (5));
  g_assert_cmpuint (found (f, 0, "is:unread is:flagged"), ==, B (3));
  g_assert_cmpuint (found (f, 0, "zurich"), ==, B (3));                   /* diacritics */
  g_assert_cmpuint (found (f, 0, "Zürich"), ==, B (3));
  g_assert_cmpuint (found (f, 0, "cafe"), ==, B (1));
  g_assert_cmpuint (found (f, 0, "lake"), ==, B (3));                     /* attachment name */
  g_assert_cmpuint (found (f, f->other, "budget"), ==, B (5));            /* folder scope */
  g_assert_cmpuint (found (f, 0, "FROM:Alice SUBJECT:meeting"), ==, B (5));
  g_assert_cmpuint (found (f, 0, ""), ==, 0);
  g_assert_cmpuint (found (f, 0, "   "), ==, 0);
  g_assert_cmpuint (found (f, 0, "nothinglikethis"), ==, 0);
}

static gint64
add_body (Fixture *f, guint32 uid, const char *body)
{
  g_autoptr(StoreTestMessage) m = store_test_message (f->inbox, uid, "terms", "erin",
                                                      1700000000 + uid, body);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_store_insert_messages (f->store, &m->record, 1, &ids, &error));
  g_assert_no_error (error);
  return g_array_index (ids, gint64, 0);
}

static guint
n_found (Fixture *f, const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) hits = tern_store_search (f->store, 0, 0, query, 0, &error);

  g_assert_no_error (error);
  return hits->len;
}

/* A word is a prefix whether it starts a few terms (the store writes their
 * OR) or many (FTS5's own prefix query): the same mail either way. */
static void
test_prefix_terms (Fixture *f, gconstpointer data)
{
  g_autoptr(GString) many = g_string_new ("qqq");

  for (guint i = 0; i < 40; i++)
    g_string_append_printf (many, " qqq%u", i);
  add_body (f, 100, many->str);
  add_body (f, 101, "qqq alone");
  add_body (f, 102, "qqq7x and the wal-rus");
  add_body (f, 103, "walrus");
  g_assert_cmpuint (n_found (f, "qqq"), ==, 3);      /* 41 terms: FTS5's prefix query */
  g_assert_cmpuint (n_found (f, "qqq7"), ==, 2);     /* qqq7, qqq7x */
  g_assert_cmpuint (n_found (f, "qqq7x"), ==, 1);
  g_assert_cmpuint (n_found (f, "QQQ39"), ==, 1);
  g_assert_cmpuint (n_found (f, "wal-ru"), ==, 1);   /* a phrase whose last term is a prefix */
  g_assert_cmpuint (n_found (f, "wal"), ==, 2);
  g_assert_cmpuint (n_found (f, "from:eri qqq7"), ==, 2);
  g_assert_cmpuint (n_found (f, "from:eri \"qqq7\""), ==, 1);
}

/* Searching every folder leaves Trash and Junk out unless the query says
 * in:trash, in:junk or in:all; a search inside a folder is that folder. */
static void
test_trash_left_out (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (tern_store_upsert_folder (f->store, f->account, "Other", "/",
                                             TERN_FOLDER_ROLE_TRASH, TRUE, &error), ==, f->other);
  g_assert_cmpuint (found (f, 0, "budget"), ==, B (0) | B (2));
  g_assert_cmpuint (found (f, 0, "budget in:trash"), ==, B (5));
  g_assert_cmpuint (found (f, 0, "budget IN:ALL"), ==, B (0) | B (2) | B (5));
  g_assert_cmpuint (found (f, 0, "in:anywhere budget"), ==, B (0) | B (2) | B (5));
  g_assert_cmpuint (found (f, 0, "in:trash"), ==, B (4) | B (5));
  g_assert_cmpuint (found (f, 0, "in:inbox is:flagged"), ==, B (2) | B (3));
  g_assert_cmpuint (found (f, 0, "budget in:junk"), ==, 0);
  g_assert_cmpuint (found (f, f->other, "budget"), ==, B (5));
  /* Not a place: an ordinary word. */
  g_assert_cmpuint (found (f, 0, "in:nowhere"), ==, 0);
  g_assert_cmpuint (tern_store_upsert_folder (f->store, f->account, "Other", "/",
                                             TERN_FOLDER_ROLE_JUNK, TRUE, &error), ==, f->other);
  g_assert_cmpuint (found (f, 0, "budget"), ==, B (0) | B (2));
  g_assert_cmpuint (found (f, 0, "budget in:junk"), ==, B (5));
}

/* FTS5 operators and syntax typed by a user are only words. */
static void
test_hostile (Fixture *f, gconstpointer data)
{
  static const char *const inputs[] = {
    "\"", "\"\"", "\"\"\"", "*", "**", "* budget", "budget*", "NEAR(", "NEAR(budget review, 2)",
    "AND", "OR", "NOT", "budget AND", "AND budget", "NOT budget", "budget OR", "(", ")",
    "(budget", "{subject}: x", "subject:", "from:", "from:\"", "to:\"\"", "subject:*",
    "-budget", "+budget", "^budget", "budget:", ":", "a:b:c", "'", "''", "\\", "\\\"",
    "col : \"x\"", "subject : budget", "\xff\xfe\xfd", "bud\x01get", "%", "_", "; DROP TABLE messages; --",
    "\"unterminated phrase", "is:", "has:", "is:nonsense", "NEAR", "near(a b)", "\t\n",
    "💥", "日本語", "x\"y\"z", "\"a\" \"", "*\"*\"*",
  };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    found (f, 0, inputs[i]);   /* asserts no error */
  /* Operator words are searched as words. */
  g_assert_cmpuint (found (f, 0, "AND"), ==, B (2) | B (3) | B (4));
  g_assert_cmpuint (found (f, 0, "\"OR\""), ==, B (4));   /* exact word */
  g_assert_cmpuint (found (f, 0, "NEAR(things"), ==, B (3));
  g_assert_cmpuint (found (f, 0, "\"quotes\""), ==, B (3));
  g_assert_cmpuint (found (f, 0, "2024-17"), ==, B (4));
  {
    g_autofree char *huge = g_strnfill (20000, '(');
    found (f, 0, huge);
  }
}

static void
test_limit_and_order (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) hits = tern_store_search (f->store, 0, 0, "budget", 2, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 2);
  /* Newest first. */
  g_assert_cmpint (g_array_index (hits, gint64, 0), ==, g_array_index (f->ids, gint64, 5));
  g_assert_cmpint (g_array_index (hits, gint64, 1), ==, g_array_index (f->ids, gint64, 2));
}

/* ---- paging ------------------------------------------------------------ */

typedef struct {
  gint64 id;
  gint64 date;
  char *sender_key;
  char *subject_key;
} Row;

static TernSortOrder current_sort;

static int
compare_rows (gconstpointer pa, gconstpointer pb)
{
  const Row *a = pa, *b = pb;
  int c = 0;

  if (current_sort == TERN_SORT_SENDER)
    c = strcmp (a->sender_key, b->sender_key);
  else if (current_sort == TERN_SORT_SUBJECT)
    c = strcmp (a->subject_key, b->subject_key);
  if (c == 0)
    c = (a->date > b->date) - (a->date < b->date);
  if (c == 0)
    c = (a->id > b->id) - (a->id < b->id);
  return c;
}

static void
test_paging (void)
{
  static const char *const names[] = { "Zoe", "adam", "Émile", "bob", "", "Carl" };
  static const char *const subjects[] = { "Re: hello", "hello", "FWD: Agenda", "agenda",
                                          "zebra", "Re: Re: apple", "" };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tern-page-XXXXXX", &error);
  g_autoptr(TernStore) store = tern_store_open (dir, 0, &error);
  g_autoptr(TernAccountSettings) acct = store_test_account ("Work", TERN_PROTOCOL_IMAP);
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func
      ((GDestroyNotify) store_test_message_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  const guint n = 600;
  g_autofree TernMessageRecord *records = g_new0 (TernMessageRecord, n);
  g_autofree Row *rows = g_new0 (Row, n);
  g_autoptr(GArray) ids = NULL;
  gint64 folder, other;

  tern_store_add_account (store, acct, &error);
  folder = tern_store_upsert_folder (store, acct->id, "INBOX", "/", TERN_FOLDER_ROLE_INBOX,
                                     TRUE, &error);
  other = tern_store_upsert_folder (store, acct->id, "Other", "/", 0, TRUE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      const char *name = names[g_rand_int_range (rand, 0, G_N_ELEMENTS (names))];
      const char *subject = subjects[g_rand_int_range (rand, 0, G_N_ELEMENTS (subjects))];
      StoreTestMessage *m = store_test_message (i % 7 == 0 ? other : folder, i + 1, subject,
                                                name, g_rand_int_range (rand, 0, 50), "x");
      g_ptr_array_add (keep, m);
      records[i] = m->record;
    }
  g_assert_true (tern_store_insert_messages (store, records, n, &ids, &error));
  g_assert_no_error (error);

  for (TernSortOrder sort = TERN_SORT_DATE; sort <= TERN_SORT_SUBJECT; sort++)
    for (int desc = 0; desc <= 1; desc++)
      {
        g_autoptr(GArray) listed = tern_store_list_message_ids (store, folder, sort, desc,
                                                                &error);
        g_autoptr(GPtrArray) page = NULL;
        guint m = 0;

        g_assert_no_error (error);
        /* The expected order, computed independently from the summaries. */
        for (guint i = 0; i < n; i++)
          {
            g_autoptr(TernMessageSummary) s = NULL;
            g_autofree char *folded = NULL;
            const char *subj;

            if (records[i].folder_id != folder)
              continue;
            s = tern_store_get_message (store, g_array_index (ids, gint64, i), &error);
            subj = s->subject;
            while (g_str_has_prefix (subj, "Re: ") || g_str_has_prefix (subj, "FWD: "))
              subj = strchr (subj, ' ') + 1;
            rows[m].id = s->id;
            rows[m].date = s->date;
            rows[m].sender_key = g_utf8_casefold (*s->from_name ? s->from_name
                                                                : s->from_address, -1);
            rows[m].subject_key = g_utf8_casefold (subj, -1);
            m++;
          }
        current_sort = sort;
        qsort (rows, m, sizeof (Row), compare_rows);
        g_assert_cmpuint (listed->len, ==, m);
        for (guint i = 0; i < m; i++)
          g_assert_cmpint (g_array_index (listed, gint64, i), ==,
                           rows[desc ? m - 1 - i : i].id);
        /* A page of rows, in the order asked. */
        page = tern_store_get_summaries (store, &g_array_index (listed, gint64, 100), 50, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (page->len, ==, 50);
        for (guint i = 0; i < 50; i++)
          g_assert_cmpint (((TernMessageSummary *) page->pdata[i])->id, ==,
                           g_array_index (listed, gint64, 100 + i));
        for (guint i = 0; i < m; i++)
          {
            g_free (rows[i].sender_key);
            g_free (rows[i].subject_key);
          }
      }
  {
    /* Rows deleted since the id list was taken are skipped. */
    gint64 probe[] = { g_array_index (ids, gint64, 1), 999999 };
    g_autoptr(GPtrArray) page = tern_store_get_summaries (store, probe, 2, &error);
    g_assert_cmpuint (page->len, ==, 1);
  }
  g_clear_object (&store);
  store_test_rmdir (dir);
}

/* ---- newest first, across and within days (sql/011) -------------------- */

typedef struct {
  gint64 id, date;
} Dated;

static int
compare_newest (gconstpointer pa, gconstpointer pb)
{
  const Dated *a = pa, *b = pb;

  if (a->date != b->date)
    return a->date > b->date ? -1 : 1;
  return (a->id < b->id) - (a->id > b->id);
}

/* Every limit gives exactly the first rows of the whole order by date,
 * whatever order the mail arrived in and however many share a day. */
static void
check_newest_first (TernStore *store, const Dated *expected, guint n)
{
  static const guint limits[] = { 1, 2, 7, 50, 149, 0 };

  for (guint l = 0; l < G_N_ELEMENTS (limits); l++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) hits = tern_store_search (store, 0, 0, "common", limits[l], &error);
      guint want = limits[l] > 0 ? MIN (limits[l], n) : n;

      g_assert_no_error (error);
      g_assert_cmpuint (hits->len, ==, want);
      for (guint i = 0; i < want; i++)
        g_assert_cmpint (g_array_index (hits, gint64, i), ==, expected[i].id);
    }
}

static void
test_newest_first_by_day (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tern-newest-XXXXXX", &error);
  g_autoptr(TernStore) store = tern_store_open (dir, 0, &error);
  g_autoptr(TernAccountSettings) acct = store_test_account ("Work", TERN_PROTOCOL_IMAP);
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func
      ((GDestroyNotify) store_test_message_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  const guint n = 300;
  g_autofree TernMessageRecord *records = g_new0 (TernMessageRecord, n);
  g_autofree Dated *expected = g_new0 (Dated, n);
  g_autoptr(GArray) ids = NULL;
  gint64 folder;

  tern_store_add_account (store, acct, &error);
  folder = tern_store_upsert_folder (store, acct->id, "INBOX", "/", TERN_FOLDER_ROLE_INBOX,
                                     TRUE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      /* Random arrival order over five days, many on the same day and
       * some in the same second; a few undated or before 1970. */
      gint64 date = 1700000000 + g_rand_int_range (rand, 0, 5) * 86400
                    + g_rand_int_range (rand, 0, 40) * 1800;
      StoreTestMessage *m;

      if (i % 37 == 0)
        date = (i % 2) ? 0 : -86400 * 3;
      m = store_test_message (folder, i + 1, "common subject", "sam", date, "common words");
      g_ptr_array_add (keep, m);
      records[i] = m->record;
    }
  g_assert_true (tern_store_insert_messages (store, records, n, &ids, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    expected[i] = (Dated) { g_array_index (ids, gint64, i),
                           records[i].date > 0 ? records[i].date : records[i].internal_date };
  qsort (expected, n, sizeof (Dated), compare_newest);
  check_newest_first (store, expected, n);
  g_clear_object (&store);
  store_test_rmdir (dir);
}

/* A store written by version 8 (the FTS rowid was the date in seconds)
 * is rekeyed by day, and searches as before. */
static void
test_upgrade_rekeys_by_day (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tern-rekey-XXXXXX", &error);
  g_autoptr(TernStore) store = tern_store_open_at_version (dir, 0, 8, &error);
  Dated expected[40];

  g_assert_no_error (error);
  tern_store_exec_for_test (store,
      "INSERT INTO accounts (id, name, protocol) VALUES (1, 'Old', 'imap');"
      "INSERT INTO folders (id, account_id, path, uidvalidity) VALUES (1, 1, 'INBOX', 77);",
      &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      gint64 id = i + 1, date = 1700000000 + (gint64) ((i * 7919) % 40) * 7200;
      g_autofree char *sql = g_strdup_printf (
          "INSERT INTO messages (id, account_id, folder_id, uid, subject, date, internal_date)"
          " VALUES (%" G_GINT64_FORMAT ", 1, 1, %u, 'common', %" G_GINT64_FORMAT ", 0);"
          "INSERT INTO message_text (id, msg, subject, body) VALUES (%" G_GINT64_FORMAT
          ", %" G_GINT64_FORMAT ", 'common', 'common');"
          "INSERT INTO message_fts (rowid, subject, body) VALUES (%" G_GINT64_FORMAT
          ", 'common', 'common');", id, i + 1, date, (date << 28) | id, id, (date << 28) | id);

      tern_store_exec_for_test (store, sql, &error);
      g_assert_no_error (error);
      expected[i] = (Dated) { id, date };
    }
  g_clear_object (&store);

  store = tern_store_open (dir, TERN_STORE_OPEN_WRITER, &error);
  g_assert_no_error (error);
  g_assert_true (tern_store_check_integrity (store, &error));
  g_assert_cmpint (tern_store_query_int (store,
      "SELECT count(*) FROM message_text t JOIN messages m ON m.id = t.msg"
      " WHERE t.id = ((m.date / 86400) << 28) | m.id", NULL), ==, G_N_ELEMENTS (expected));
  tern_store_exec_for_test (store,
      "INSERT INTO message_fts (message_fts, rank) VALUES ('integrity-check', 1)", &error);
  g_assert_no_error (error);
  qsort (expected, G_N_ELEMENTS (expected), sizeof (Dated), compare_newest);
  check_newest_first (store, expected, G_N_ELEMENTS (expected));
  g_clear_object (&store);
  store_test_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/store-search/operators", Fixture, NULL, fixture_setup, test_operators,
              fixture_teardown);
  g_test_add ("/store-search/trash-left-out", Fixture, NULL, fixture_setup, test_trash_left_out,
              fixture_teardown);
  g_test_add ("/store-search/hostile", Fixture, NULL, fixture_setup, test_hostile,
              fixture_teardown);
  g_test_add ("/store-search/limit-order", Fixture, NULL, fixture_setup, test_limit_and_order,
              fixture_teardown);
  g_test_add ("/store-search/prefix-terms", Fixture, NULL, fixture_setup, test_prefix_terms,
              fixture_teardown);
  g_test_add_func ("/store-search/paging", test_paging);
  g_test_add_func ("/store-search/newest-first-by-day", test_newest_first_by_day);
  g_test_add_func ("/store-search/upgrade-rekeys-by-day", test_upgrade_rekeys_by_day);
  return g_test_run ();
}
