/* Conversations: threading by Message-ID, In-Reply-To and References in any
 * arrival order, merges, loops that must not hang, the subject fallback,
 * conversations across folders, threading from scratch (same answer as
 * incremental), the upgrade of an existing store, and the list. */
#include <string.h>

#include "store-test-util.h"
#include "store/tern-store-private.h"

typedef struct {
  char *dir;
  TernStore *store;
  gint64 account_id;
  gint64 inbox;
  gint64 sent;
  guint32 next_uid;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) account = store_test_account ("Work", TERN_PROTOCOL_IMAP);

  f->dir = g_dir_make_tmp ("tern-threads-XXXXXX", NULL);
  f->store = tern_store_open (f->dir, TERN_STORE_OPEN_WRITER, &error);
  g_assert_no_error (error);
  f->account_id = tern_store_add_account (f->store, account, &error);
  f->inbox = tern_store_upsert_folder (f->store, f->account_id, "INBOX", "/",
                                      TERN_FOLDER_ROLE_INBOX, TRUE, &error);
  f->sent = tern_store_upsert_folder (f->store, f->account_id, "Sent", "/",
                                     TERN_FOLDER_ROLE_SENT, TRUE, &error);
  g_assert_no_error (error);
  f->next_uid = 1;
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  store_test_rmdir (f->dir);
  g_free (f->dir);
}

/* Inserts a message; returns its id. */
static gint64
add (Fixture *f, gint64 folder, const char *msgid, const char *irt, const char *refs,
     const char *subject, gint64 date)
{
  g_autoptr(StoreTestMessage) m = store_test_message (folder, f->next_uid++, subject, "ann",
                                                      date, "text");
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;

  m->record.message_id = msgid;
  m->record.in_reply_to = irt;
  m->record.references = refs;
  g_assert_true (tern_store_insert_messages (f->store, &m->record, 1, &ids, &error));
  g_assert_no_error (error);
  return g_array_index (ids, gint64, 0);
}

static gint64
thread_of (Fixture *f, gint64 id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernMessageSummary) s = tern_store_get_message (f->store, id, &error);

  g_assert_no_error (error);
  g_assert_cmpint (s->thread_id, !=, 0);
  return s->thread_id;
}

static void
test_in_order_and_out_of_order (Fixture *f, gconstpointer data)
{
  gint64 a = add (f, f->inbox, "a@x", NULL, NULL, "Plans", 1000);
  gint64 b = add (f, f->inbox, "b@x", "a@x", "a@x", "Re: Plans", 2000);
  gint64 c = add (f, f->inbox, "c@x", "b@x", "a@x b@x", "Re: Plans", 3000);
  gint64 d = add (f, f->inbox, "d@x", NULL, NULL, "Lunch?", 3500);
  /* A grandchild first, then its ancestors: one conversation all the same. */
  gint64 z = add (f, f->inbox, "z@x", "y@x", "x@x y@x", "Re: Trip", 6000);
  gint64 x = add (f, f->inbox, "x@x", NULL, NULL, "Trip", 4000);
  gint64 y = add (f, f->inbox, "y@x", "x@x", "x@x", "Re: Trip", 5000);

  g_assert_cmpint (thread_of (f, b), ==, thread_of (f, a));
  g_assert_cmpint (thread_of (f, c), ==, thread_of (f, a));
  g_assert_cmpint (thread_of (f, d), !=, thread_of (f, a));
  g_assert_cmpint (thread_of (f, x), ==, thread_of (f, z));
  g_assert_cmpint (thread_of (f, y), ==, thread_of (f, z));
  g_assert_cmpint (thread_of (f, z), !=, thread_of (f, a));
}

static void
test_merge_and_loops (Fixture *f, gconstpointer data)
{
  gint64 p = add (f, f->inbox, "p@x", "gone1@x", NULL, "Re: one", 1000);
  gint64 q = add (f, f->inbox, "q@x", "gone2@x", NULL, "Re: two", 1100);
  gint64 joins, l1, l2, self;

  g_assert_cmpint (thread_of (f, p), !=, thread_of (f, q));
  /* A message that names both parents merges the two conversations. */
  joins = add (f, f->inbox, "j@x", "gone2@x", "gone1@x gone2@x", "Re: both", 1200);
  g_assert_cmpint (thread_of (f, p), ==, thread_of (f, q));
  g_assert_cmpint (thread_of (f, joins), ==, thread_of (f, p));

  /* References loops and a message that refers to itself must not hang. */
  l1 = add (f, f->inbox, "l1@x", "l2@x", "l2@x l1@x l2@x", "Re: loop", 2000);
  l2 = add (f, f->inbox, "l2@x", "l1@x", "l1@x l2@x l1@x", "Re: loop", 2100);
  self = add (f, f->inbox, "s@x", "s@x", "s@x s@x", "Re: me", 2200);
  g_assert_cmpint (thread_of (f, l1), ==, thread_of (f, l2));
  g_assert_cmpint (thread_of (f, self), !=, thread_of (f, l1));
}

static void
test_subject_fallback (Fixture *f, gconstpointer data)
{
  gint64 day = 24 * 3600;
  gint64 orig = add (f, f->inbox, "o@x", NULL, NULL, "Quarterly report", 10 * day);
  gint64 reply = add (f, f->inbox, "r@x", NULL, NULL, "RE: Quarterly Report", 11 * day);
  gint64 late = add (f, f->inbox, "l@x", NULL, NULL, "Re: Quarterly report", 200 * day);
  gint64 same_words = add (f, f->inbox, "s@x", NULL, NULL, "Quarterly report", 12 * day);
  /* With a parent named, the subject never counts. */
  gint64 named = add (f, f->inbox, "n@x", "other@x", NULL, "Re: Quarterly report", 12 * day);

  g_assert_cmpint (thread_of (f, reply), ==, thread_of (f, orig));
  g_assert_cmpint (thread_of (f, late), !=, thread_of (f, orig));
  g_assert_cmpint (thread_of (f, same_words), !=, thread_of (f, orig));
  g_assert_cmpint (thread_of (f, named), !=, thread_of (f, orig));
}

static void
test_across_folders_and_list (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 a = add (f, f->inbox, "a@x", NULL, NULL, "Dinner", 1000);
  gint64 mine = add (f, f->sent, "m@x", "a@x", "a@x", "Re: Dinner", 2000);
  gint64 other = add (f, f->inbox, "o@x", NULL, NULL, "Invoice", 1500);
  gint64 back = add (f, f->inbox, "b@x", "m@x", "a@x m@x", "Re: Dinner", 3000);
  g_autoptr(GPtrArray) threads = NULL;
  g_autoptr(GArray) members = NULL;
  TernThreadSummary *t;

  g_assert_cmpint (thread_of (f, mine), ==, thread_of (f, a));
  g_assert_cmpint (thread_of (f, back), ==, thread_of (f, a));
  threads = tern_store_list_threads (f->store, f->inbox, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (threads->len, ==, 2);
  t = g_ptr_array_index (threads, 0);          /* newest first */
  g_assert_cmpint (t->thread_id, ==, thread_of (f, a));
  g_assert_cmpint (t->newest_id, ==, back);
  g_assert_cmpint (t->newest_date, ==, 3000);
  g_assert_cmpstr (t->subject, ==, "Re: Dinner");
  g_assert_cmpuint (t->n_in_folder, ==, 2);
  g_assert_cmpuint (t->n_messages, ==, 3);
  g_assert_cmpuint (t->n_unread, ==, 2);
  g_assert_cmpstr (t->participants, ==, "ann");
  t = g_ptr_array_index (threads, 1);
  g_assert_cmpint (t->newest_id, ==, other);

  members = tern_store_list_thread_messages (f->store, thread_of (f, a), &error);
  g_assert_cmpuint (members->len, ==, 3);
  g_assert_cmpint (g_array_index (members, gint64, 0), ==, a);
  g_assert_cmpint (g_array_index (members, gint64, 1), ==, mine);
  g_assert_cmpint (g_array_index (members, gint64, 2), ==, back);

  /* Paging. */
  g_clear_pointer (&threads, g_ptr_array_unref);
  threads = tern_store_list_threads (f->store, f->inbox, 1, 1, &error);
  g_assert_cmpuint (threads->len, ==, 1);
  g_assert_cmpint (((TernThreadSummary *) g_ptr_array_index (threads, 0))->newest_id, ==, other);
}

/* folder_threads, kept by triggers, equals what its messages say. */
static void
assert_counts_exact (Fixture *f)
{
  static const char recount[] =
    "SELECT folder_id, thread_id, max(date), id, count(*), sum((flags & 9) = 0),"
    " sum((flags & 4) != 0) FROM messages WHERE thread_id != 0 GROUP BY folder_id, thread_id";
  g_autofree char *extra = g_strdup_printf ("SELECT count(*) FROM (SELECT * FROM folder_threads"
                                            " EXCEPT %s)", recount);
  g_autofree char *missing = g_strdup_printf ("SELECT count(*) FROM (%s EXCEPT"
                                              " SELECT * FROM folder_threads)", recount);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (tern_store_query_int (f->store, extra, &error), ==, 0);
  g_assert_cmpint (tern_store_query_int (f->store, missing, &error), ==, 0);
  g_assert_no_error (error);
}

static void
test_counts_follow_changes (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 archive = tern_store_upsert_folder (f->store, f->account_id, "Archive", "/",
                                             TERN_FOLDER_ROLE_ARCHIVE, TRUE, &error);
  gint64 a = add (f, f->inbox, "a@x", NULL, NULL, "One", 1000);
  gint64 b = add (f, f->inbox, "b@x", "a@x", "a@x", "Re: One", 2000);
  gint64 c = add (f, f->inbox, "c@x", "b@x", "a@x b@x", "Re: One", 3000);
  gint64 d = add (f, f->inbox, "d@x", NULL, NULL, "Two", 1500);
  gint64 merge = 0;
  g_autoptr(GPtrArray) threads = NULL;

  assert_counts_exact (f);
  g_assert_true (tern_store_change_flags (f->store, &b, 1, TERN_FLAG_SEEN | TERN_FLAG_FLAGGED, 0,
                                          &error));
  assert_counts_exact (f);
  g_assert_true (tern_store_move_message (f->store, c, archive, 0, &error));
  assert_counts_exact (f);
  /* Two conversations merge when a message names both. */
  merge = add (f, f->inbox, "m@x", "d@x", "a@x d@x", "Re: both", 4000);
  assert_counts_exact (f);
  g_assert_cmpint (thread_of (f, d), ==, thread_of (f, a));
  g_assert_true (tern_store_delete_messages (f->store, &merge, 1, &error));
  assert_counts_exact (f);
  threads = tern_store_list_threads (f->store, f->inbox, 0, 0, &error);
  g_assert_cmpuint (threads->len, ==, 1);
  g_assert_cmpuint (((TernThreadSummary *) g_ptr_array_index (threads, 0))->n_in_folder, ==, 3);
  g_assert_cmpuint (((TernThreadSummary *) g_ptr_array_index (threads, 0))->n_unread, ==, 2);
  g_assert_true (((TernThreadSummary *) g_ptr_array_index (threads, 0))->flagged);
  g_assert_true (tern_store_delete_folder (f->store, archive, &error));
  assert_counts_exact (f);
  g_assert_true (tern_store_rebuild_threads (f->store, 0, &error));
  assert_counts_exact (f);
  g_assert_no_error (error);
}

/* The partition of messages into conversations, as sorted "id:first-id". */
static char *
partition (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = tern_store_list_message_ids (f->store, f->inbox, TERN_SORT_DATE, FALSE,
                                                       &error);
  g_autoptr(GHashTable) first = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree gint64 *firsts = g_new0 (gint64, ids->len);

  /* Name each conversation by its first member so that two runs that
   * choose different thread ids still compare equal. */
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 t = thread_of (f, g_array_index (ids, gint64, i));
      gint64 *seen = g_hash_table_lookup (first, &t);

      if (seen == NULL)
        {
          firsts[i] = g_array_index (ids, gint64, i);
          g_hash_table_insert (first, g_memdup2 (&t, sizeof t), &firsts[i]);
          seen = &firsts[i];
        }
      g_string_append_printf (out, "%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT " ",
                              g_array_index (ids, gint64, i), *seen);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
test_rebuild_matches_incremental (Fixture *f, gconstpointer data)
{
  const char *seed_text = g_getenv ("TERN_TEST_SEED");
  guint32 seed = seed_text ? (guint32) g_ascii_strtoull (seed_text, NULL, 10) : g_random_int ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL, *after = NULL;

  g_test_message ("TERN_TEST_SEED=%u", seed);
  /* Random replies to random earlier messages (by id, named before or
   * after they arrive), no subject fallback involved. */
  for (guint i = 0; i < 400; i++)
    {
      g_autofree char *id = g_strdup_printf ("m%u@x", i);
      g_autofree char *parent = NULL;
      g_autofree char *subject = g_strdup_printf ("Topic %u", i);

      if (i > 0 && g_rand_int_range (rand, 0, 3) > 0)
        parent = g_strdup_printf ("m%u@x", g_rand_int_range (rand, 0, (int) i + 20));
      add (f, f->inbox, id, parent, parent, subject, 1000 + g_rand_int_range (rand, 0, 10000));
    }
  before = partition (f);
  assert_counts_exact (f);
  g_assert_true (tern_store_rebuild_threads (f->store, f->account_id, &error));
  g_assert_no_error (error);
  after = partition (f);
  assert_counts_exact (f);
  g_assert_cmpstr (before, ==, after);
  /* And from no thread state at all (a rebuild writes only what changed). */
  g_assert_true (tern_store_exec_for_test (f->store, "UPDATE thread_state SET rebuilding = 1;"
                                           " UPDATE messages SET thread_id = 0;"
                                           " UPDATE thread_ids SET thread_id = -thread_id;"
                                           " INSERT INTO thread_ids SELECT id, 'nobody@x', 1"
                                           " FROM accounts;"
                                           " DELETE FROM folder_threads;"
                                           " UPDATE thread_state SET rebuilding = 0", &error));
  g_assert_true (tern_store_rebuild_threads (f->store, f->account_id, &error));
  g_assert_no_error (error);
  g_clear_pointer (&after, g_free);
  after = partition (f);
  assert_counts_exact (f);
  g_assert_cmpstr (before, ==, after);
  /* A few messages out of their conversation: only theirs are recounted. */
  g_assert_true (tern_store_exec_for_test (f->store, "UPDATE thread_state SET rebuilding = 1;"
                                           " UPDATE messages SET thread_id = id WHERE id % 97 = 1;"
                                           " UPDATE thread_state SET rebuilding = 0", &error));
  g_assert_true (tern_store_rebuild_threads (f->store, f->account_id, &error));
  g_clear_pointer (&after, g_free);
  after = partition (f);
  assert_counts_exact (f);
  g_assert_cmpstr (before, ==, after);
  /* Every id has its conversation again; one no message names is gone. */
  g_assert_cmpint (tern_store_query_int (f->store, "SELECT count(*) FROM thread_ids"
                                         " WHERE thread_id <= 0 OR message_id = 'nobody@x'",
                                         &error), ==, 0);
}

static void
test_upgrade_threads_existing_mail (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tern-threads-up-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStore) old = tern_store_open_at_version (dir, TERN_STORE_OPEN_WRITER, 4, &error);
  g_autoptr(TernStore) store = NULL;
  g_autoptr(GPtrArray) threads = NULL;
  gint64 folder, account_id = 1;

  g_assert_no_error (error);
  /* As a version-4 store held it: today's columns are not there yet. */
  g_assert_true (tern_store_exec_for_test (
      old, "INSERT INTO accounts (id, name, protocol) VALUES (1, 'Old', 'imap')", &error));
  folder = tern_store_upsert_folder (old, account_id, "INBOX", "/", TERN_FOLDER_ROLE_INBOX, TRUE,
                                     &error);
  /* Rows as a version-4 store held them, written without the new column. */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *sql = g_strdup_printf (
          "INSERT INTO messages (account_id, folder_id, uid, message_id, in_reply_to, refs,"
          " subject, date) VALUES (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %u, 'u%u@x', %s,"
          " %s, 'S', %u)", account_id, folder, i + 1, i, i ? "'u0@x'" : "NULL",
          i ? "'u0@x'" : "NULL", 1000 + i);
      g_assert_true (tern_store_exec_for_test (old, sql, &error));
    }
  g_clear_object (&old);
  store = tern_store_open (dir, TERN_STORE_OPEN_WRITER, &error);
  g_assert_no_error (error);
  threads = tern_store_list_threads (store, folder, 0, 0, &error);
  g_assert_cmpuint (threads->len, ==, 1);
  g_assert_cmpuint (((TernThreadSummary *) g_ptr_array_index (threads, 0))->n_in_folder, ==, 3);
  g_clear_object (&store);
  store_test_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/store/threads/in-and-out-of-order", test_in_order_and_out_of_order);
  ADD ("/store/threads/merge-and-loops", test_merge_and_loops);
  ADD ("/store/threads/subject-fallback", test_subject_fallback);
  ADD ("/store/threads/across-folders-and-list", test_across_folders_and_list);
  ADD ("/store/threads/rebuild-matches-incremental", test_rebuild_matches_incremental);
  ADD ("/store/threads/counts-follow-changes", test_counts_follow_changes);
#undef ADD
  g_test_add_func ("/store/threads/upgrade", test_upgrade_threads_existing_mail);
  return g_test_run ();
}
