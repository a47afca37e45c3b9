/* bench-store: the mail store at 100,000 messages.
 *
 * Usage: bench-store [N_MESSAGES] [DATA_DIR]
 * A DATA_DIR that already holds a store of N_MESSAGES (from an earlier run
 * with that DATA_DIR) is reused: the generation is skipped, and with it the
 * insert rate, so that the other figures can be repeated in seconds.
 * Generates a store (one folder; text bodies of 1-8 KB, 10% of messages with
 * a 10-60 KB attachment; a word in exactly 1% of messages), then prints the
 * insert rate with FTS, the first and next page of the list sorted by date,
 * an FTS query's median time and the database size per message.
 * Not a test: no thresholds are checked here. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "store/tern-store.h"
#include "store/tern-store-private.h"   /* tern_store_exec_for_test */

#define BATCH 500
#define PAGE 50

static const char *const first_names[] = {
  "Ada", "Alan", "Grace", "Linus", "Ken", "Dennis", "Barbara", "Frances", "Edsger", "Donald",
  "Margaret", "John", "Radia", "Leslie", "Tim", "Vint", "Bjarne", "Guido", "Niklaus", "Anita",
};

/* A pseudo-word from a Zipf-like vocabulary of 20,000 words. */
static void
append_word (GString *s, GRand *rand)
{
  guint rank = (guint) (20000.0 * g_rand_double (rand) * g_rand_double (rand) * g_rand_double (rand));
  static const char letters[] = "etaoinshrdlucmfwypvbgkqjxz";

  if (s->len > 0)
    g_string_append_c (s, ' ');
  do
    {
      g_string_append_c (s, letters[rank % 26]);
      rank /= 26;
    }
  while (rank > 0);
  g_string_append (s, "o");
}

static char *
words (GRand *rand, guint n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    append_word (s, rand);
  return g_string_free (s, FALSE);
}

typedef struct {
  GPtrArray *strings;
  GPtrArray *bytes;
  TernAttachmentRecord attachment;
} Owned;

static const char *
keep (Owned *o, char *s)
{
  g_ptr_array_add (o->strings, s);
  return s;
}

static void
make_record (TernMessageRecord *r, Owned *o, GRand *rand, gint64 folder, guint i)
{
  const char *first = first_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (first_names))];
  g_autofree char *subject_words = words (rand, g_rand_int_range (rand, 3, 9));
  guint body_words = g_rand_int_range (rand, 150, 1200);   /* about 1-8 KB */
  char *body = words (rand, body_words);
  GString *raw = g_string_new (NULL);

  if (i % 100 == 0)   /* exactly 1% */
    {
      char *with = g_strconcat (body, " needle", NULL);
      g_free (body);
      body = with;
    }
  /* Common words for the search figures: "lazy" in 60%, "lazy fox" in 30%. */
  if (i % 10 < 6)
    {
      char *with = g_strconcat (body, i % 10 < 3 ? " the lazy fox" : " lazy", NULL);
      g_free (body);
      body = with;
    }
  keep (o, body);
  r->folder_id = folder;
  r->uid = i + 1;
  r->message_id = keep (o, g_strdup_printf ("%u@bench.example.org", i));
  /* 40% are replies to an earlier message, with its parent in References:
   * conversations of a few messages, as mailing lists and inboxes have. */
  if (i > 0 && i % 5 < 2)
    {
      guint parent = i - 1 - g_rand_int_range (rand, 0, MIN (i, 500));
      r->in_reply_to = keep (o, g_strdup_printf ("%u@bench.example.org", parent));
      r->references = keep (o, g_strdup_printf ("%u@bench.example.org", parent));
    }
  r->subject = keep (o, g_strdup_printf ("%s%s", i % 3 == 0 ? "Re: " : "", subject_words));
  r->from_name = keep (o, g_strdup_printf ("%s %c.", first, 'A' + i % 26));
  r->from_address = keep (o, g_strdup_printf ("%s.%u@example.org", first, i % 997));
  r->to_display = "Bench User <bench@example.org>";
  r->to_addresses = "bench@example.org";
  r->date = 1500000000 + (gint64) i * 600 + g_rand_int_range (rand, 0, 600);
  r->internal_date = r->date + 30;
  r->flags = g_rand_int_range (rand, 0, 10) < 8 ? TERN_FLAG_SEEN : 0;
  r->preview = keep (o, g_strndup (body, 200));
  r->body_state = TERN_BODY_STATE_FULL;
  r->body_text = body;
  g_string_append_printf (raw, "From: %s <%s>\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s>\r\n"
                          "Date: %" G_GINT64_FORMAT "\r\n\r\n%s\r\n", r->from_name,
                          r->from_address, r->to_display, r->subject, r->message_id, r->date,
                          body);
  if (i % 10 == 0)   /* 10% with an attachment */
    {
      guint size = g_rand_int_range (rand, 10000, 60000);
      o->attachment = (TernAttachmentRecord) {
        "2", keep (o, g_strdup_printf ("report-%u.pdf", i)), "application/pdf", size };
      r->attachments = &o->attachment;
      r->n_attachments = 1;
      for (guint k = 0; k < size; k += 76)
        g_string_append (raw, "JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFIvRmlsdGVyIC9GbGF0\r\n");
    }
  r->size = raw->len;
  r->raw = g_string_free_to_bytes (raw);
  g_ptr_array_add (o->bytes, (gpointer) r->raw);
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

/* CPU time of this process (all threads), in ms: on a busy machine wall time
 * measures the neighbours too. */
static double
cpu_ms (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0 +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0;
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *v, guint n)
{
  qsort (v, n, sizeof (double), compare_double);
  return v[n / 2];
}

static gint64
file_size (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 ? st.st_size : 0;
}

int
main (int argc, char *argv[])
{
  guint n = argc > 1 ? (guint) atoi (argv[1]) : 100000;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = argc > 2 ? g_strdup (argv[2])
                                  : g_dir_make_tmp ("tern-bench-XXXXXX", &error);
  g_autofree char *db_path = g_build_filename (dir, "tern.db", NULL);
  gboolean reuse = argc > 2 && g_file_test (db_path, G_FILE_TEST_EXISTS);
  g_autoptr(TernStore) store = tern_store_open (dir, 0, &error);
  g_autoptr(TernAccountSettings) acct = tern_account_settings_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  g_autofree char *wal = NULL;
  double insert_ms = 0, first_ms, ids_ms, next_ms, fts[21], t;
  static const char *const common_queries[] = { "lazy", "\"lazy fox\"", "from:grace lazy" };
  double common_ms[G_N_ELEMENTS (common_queries)];
  double first_thread_ms, first_thread_cpu_ms, newest_ms[11];
  double thread_one_cpu[21];
  double thread_all_ms, thread_one[21], threads_ms[11], c, insert_cpu_ms = 0, thread_all_cpu_ms;
  gint64 folder, raw_bytes = 0, hits = 0;

  if (store == NULL)
    g_error ("%s", error->message);
  acct->name = g_strdup ("Bench");
  if (reuse)
    acct->id = 1;
  else
    tern_store_add_account (store, acct, &error);
  folder = tern_store_upsert_folder (store, acct->id, "INBOX", "/", TERN_FOLDER_ROLE_INBOX,
                                     TRUE, &error);
  g_assert_no_error (error);

  for (guint start = 0; start < n && !reuse; start += BATCH)
    {
      guint count = MIN (BATCH, n - start);
      g_autofree TernMessageRecord *records = g_new0 (TernMessageRecord, count);
      Owned *owned = g_new0 (Owned, count);

      for (guint i = 0; i < count; i++)
        {
          owned[i].strings = g_ptr_array_new_with_free_func (g_free);
          owned[i].bytes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
          make_record (&records[i], &owned[i], rand, folder, start + i);
          raw_bytes += records[i].size;
        }
      t = now_ms ();
      c = cpu_ms ();
      if (!tern_store_insert_messages (store, records, count, NULL, &error))
        g_error ("%s", error->message);
      insert_ms += now_ms () - t;
      insert_cpu_ms += cpu_ms () - c;
      for (guint i = 0; i < count; i++)
        {
          g_ptr_array_unref (owned[i].strings);
          g_ptr_array_unref (owned[i].bytes);
        }
      g_free (owned);
    }
  g_clear_object (&store);

  /* Conversations: all from scratch, then one new reply at a time. */
  store = tern_store_open (dir, 0, &error);
  g_assert_no_error (error);
  t = now_ms ();
  c = cpu_ms ();
  if (!tern_store_rebuild_threads (store, acct->id, &error))
    g_error ("%s", error->message);
  thread_all_ms = now_ms () - t;
  thread_all_cpu_ms = cpu_ms () - c;
  /* A first threading: no thread state at all, as after the upgrade that
   * brought conversations (sql/007). The clearing is not timed. */
  if (!tern_store_exec_for_test (store, "UPDATE thread_state SET rebuilding = 1;"
                                 " UPDATE messages SET thread_id = 0; DELETE FROM thread_ids;"
                                 " DELETE FROM folder_threads;"
                                 " UPDATE thread_state SET rebuilding = 0", &error))
    g_error ("%s", error->message);
  t = now_ms ();
  c = cpu_ms ();
  if (!tern_store_rebuild_threads (store, acct->id, &error))
    g_error ("%s", error->message);
  first_thread_ms = now_ms () - t;
  first_thread_cpu_ms = cpu_ms () - c;
  for (guint r = 0; r < G_N_ELEMENTS (thread_one); r++)
    {
      TernMessageRecord rec = { 0 };
      Owned o = { g_ptr_array_new_with_free_func (g_free),
                  g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref) };

      make_record (&rec, &o, rand, folder, n + r);
      if (reuse)   /* UIDs that no earlier run of this store used */
        rec.uid = n + 1000 + (guint64) (g_get_real_time () / 1000) % 100000000 * 32 + r;
      rec.in_reply_to = rec.references = keep (&o, g_strdup_printf ("%u@bench.example.org",
                                                                    n / 2 + r));
      t = now_ms ();
      c = cpu_ms ();
      if (!tern_store_insert_messages (store, &rec, 1, NULL, &error))
        g_error ("%s", error->message);
      thread_one[r] = now_ms () - t;
      thread_one_cpu[r] = cpu_ms () - c;
      g_ptr_array_unref (o.strings);
      g_ptr_array_unref (o.bytes);
    }
  g_clear_object (&store);

  /* The UI's view: a fresh read-only connection. */
  store = tern_store_open (dir, TERN_STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GArray) ids = NULL;
    g_autoptr(GPtrArray) page = NULL;
    g_autoptr(GPtrArray) next = NULL;

    t = now_ms ();
    ids = tern_store_list_message_ids (store, folder, TERN_SORT_DATE, TRUE, &error);
    ids_ms = now_ms () - t;
    page = tern_store_get_summaries (store, (gint64 *) (void *) ids->data, MIN (PAGE, ids->len),
                                     &error);
    first_ms = now_ms () - t;
    t = now_ms ();
    if (ids->len >= 2 * PAGE)
      next = tern_store_get_summaries (store, &g_array_index (ids, gint64, PAGE), PAGE, &error);
    next_ms = now_ms () - t;
    g_assert_no_error (error);
    for (guint r = 0; r < G_N_ELEMENTS (newest_ms); r++)
      {
        g_clear_pointer (&page, g_ptr_array_unref);
        g_clear_pointer (&ids, g_array_unref);
        t = now_ms ();
        ids = tern_store_list_newest_ids (store, folder, PAGE, &error);
        page = tern_store_get_summaries (store, (gint64 *) (void *) ids->data, ids->len, &error);
        newest_ms[r] = now_ms () - t;
        g_assert_no_error (error);
      }
  }
  for (guint r = 0; r < G_N_ELEMENTS (threads_ms); r++)
    {
      g_autoptr(GPtrArray) page = NULL;

      t = now_ms ();
      page = tern_store_list_threads (store, folder, 0, PAGE, &error);
      threads_ms[r] = now_ms () - t;
      g_assert_no_error (error);
    }
  for (guint q = 0; q < G_N_ELEMENTS (common_queries); q++)
    {
      double runs[21];

      for (guint r = 0; r < G_N_ELEMENTS (runs); r++)
        {
          g_autoptr(GArray) found = NULL;

          t = now_ms ();
          found = tern_store_search (store, 0, 0, common_queries[q], PAGE, &error);
          runs[r] = now_ms () - t;
          g_assert_no_error (error);
        }
      common_ms[q] = median (runs, G_N_ELEMENTS (runs));
    }
  for (guint r = 0; r < G_N_ELEMENTS (fts); r++)
    {
      g_autoptr(GArray) found = NULL;

      t = now_ms ();
      found = tern_store_search (store, 0, 0, "needle", 0, &error);
      fts[r] = now_ms () - t;
      g_assert_no_error (error);
      hits = found->len;
    }
  g_clear_object (&store);

  {
    g_autofree char *db = g_build_filename (dir, "tern.db", NULL);
    wal = g_strconcat (db, "-wal", NULL);
    printf ("messages:                 %u (raw bodies %.1f KB average)\n", n,
            raw_bytes / 1024.0 / n);
    if (reuse)
      printf ("insert rate (with FTS):   not measured (store reused)\n");
    else
      printf ("insert rate (with FTS):   %.0f messages/s (%.1f s; %.1f s of CPU: %.0f messages/s)\n",
              n / (insert_ms / 1000.0), insert_ms / 1000.0, insert_cpu_ms / 1000.0,
              n / (insert_cpu_ms / 1000.0));
    printf ("first page by date:       %.2f ms (all %u ids: %.2f ms, then %d rows)\n",
            first_ms, n, ids_ms, PAGE);
    printf ("next page:                %.2f ms\n", next_ms);
    printf ("first page, newest %d by index: %.2f ms median of %u\n", PAGE,
            median (newest_ms, G_N_ELEMENTS (newest_ms)), (guint) G_N_ELEMENTS (newest_ms));
    printf ("threading from scratch (threaded store): %.0f ms (%.0f ms of CPU)\n", thread_all_ms,
            thread_all_cpu_ms);
    printf ("threading from scratch (no thread state): %.0f ms (%.0f ms of CPU)\n", first_thread_ms,
            first_thread_cpu_ms);
    printf ("one new reply (threaded, indexed, committed): %.2f ms median of %u"
            " (CPU %.2f ms)\n", median (thread_one, G_N_ELEMENTS (thread_one)),
            (guint) G_N_ELEMENTS (thread_one),
            median (thread_one_cpu, G_N_ELEMENTS (thread_one_cpu)));
    printf ("first page of conversations: %.2f ms median of %u\n",
            median (threads_ms, G_N_ELEMENTS (threads_ms)), (guint) G_N_ELEMENTS (threads_ms));
    printf ("FTS word in 1%%:           %.2f ms median of %u (%" G_GINT64_FORMAT " hits)\n",
            median (fts, G_N_ELEMENTS (fts)), (guint) G_N_ELEMENTS (fts), hits);
    for (guint q = 0; q < G_N_ELEMENTS (common_queries); q++)
      printf ("first page of search %-16s %.2f ms median of 21\n", common_queries[q],
              common_ms[q]);
    printf ("database size:            %.1f KB per message (%.0f MB, raw bodies %.0f MB)\n",
            (file_size (db) + file_size (wal)) / 1024.0 / n,
            (file_size (db) + file_size (wal)) / 1048576.0, raw_bytes / 1048576.0);
  }
  if (argc <= 2)
    {
      g_autofree char *db = g_build_filename (dir, "tern.db", NULL);
      g_autofree char *shm = g_strconcat (db, "-shm", NULL);
      g_unlink (db);
      g_unlink (wal);
      g_unlink (shm);
      g_rmdir (dir);
    }
  return 0;
}
