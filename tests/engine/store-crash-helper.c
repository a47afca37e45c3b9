/* store-crash-helper: writes batches of messages to a store until killed.
 *
 * Usage: store-crash-helper DATA_DIR SEED. Batch b holds messages with UIDs
 * b*1000+1 .. b*1000+size and the search word "batchB". After each commit it
 * prints "B SIZE" on stdout, so the parent knows what must survive. */
#include <stdio.h>
#include <stdlib.h>

#include "store-test-util.h"

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStore) store = NULL;
  g_autoptr(TernFolder) inbox = NULL;
  g_autoptr(GRand) rand = NULL;
  g_autofree char *body = g_strnfill (3000, 'w');
  guint32 batch;

  if (argc != 3)
    return 2;
  rand = g_rand_new_with_seed (atoi (argv[2]));
  store = tern_store_open (argv[1], TERN_STORE_OPEN_WRITER, &error);
  if (store == NULL)
    g_error ("open: %s", error->message);
  inbox = tern_store_get_folder_by_path (store, 1, "INBOX", &error);
  if (inbox == NULL)
    g_error ("inbox: %s", error->message);
  batch = tern_store_get_max_uid (store, inbox->id, NULL) / 1000 + 1;
  /* Bounded: the parent kills us long before. */
  for (guint round = 0; round < 10000; round++, batch++)
    {
      guint size = g_rand_int_range (rand, 1, 300);
      g_autofree char *word = g_strdup_printf ("batch%u", batch);
      g_autofree char *text = g_strdup_printf ("%s %s", word, body);
      g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func
          ((GDestroyNotify) store_test_message_free);
      g_autofree TernMessageRecord *records = g_new0 (TernMessageRecord, size);

      for (guint i = 0; i < size; i++)
        {
          StoreTestMessage *m = store_test_message (inbox->id, batch * 1000 + i + 1, word,
                                                    "writer", batch, text);
          g_ptr_array_add (keep, m);
          records[i] = m->record;
        }
      if (!tern_store_begin (store, &error)
          || !tern_store_insert_messages (store, records, size, NULL, &error)
          || !tern_store_commit (store, round % 2 == 0, &error))
        g_error ("batch %u: %s", batch, error->message);
      printf ("%u %u\n", batch, size);
      fflush (stdout);
    }
  return 0;
}
