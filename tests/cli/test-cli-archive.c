/* tern-cli export and import against the harness's real Dovecot: 10,000
 * messages synced from the server, exported to mbox, imported into another
 * account's local folder and exported again. Every message comes back with
 * exactly the bytes the server sent, once; a second import adds nothing;
 * bad input gets a clear error and its exit code. */
#include <gio/gio.h>
#include <string.h>

#include "archive/tern-mbox.h"
#include "tern-test-cli.h"
#include "tern-test-messages.h"
#include "tern-test-servers.h"

#define SEED 47
#define N_MESSAGES 10000

typedef struct {
  TernTestServers *servers;
  char *data_dir;
} Fixture;

static void
setup (Fixture *fx, gconstpointer data)
{
  fx->servers = tern_test_cli_servers_start (NULL, "dora", "pw-dora");
  fx->data_dir = tern_test_cli_data_dir_new ("archive");
}

static void
teardown (Fixture *fx, gconstpointer data)
{
  tern_test_cli_data_dir_remove (fx->data_dir);
  g_free (fx->data_dir);
  g_clear_pointer (&fx->servers, tern_test_servers_free);
}

/* Every message of the mbox at @path, checked against what the server
 * holds: each of the N_MESSAGES exactly once, byte for byte. */
static void
assert_mbox_is_the_mailbox (const char *path)
{
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                          (GDestroyNotify) g_bytes_unref, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, &error);
  g_autoptr(TernMboxReader) reader = NULL;
  GBytes *raw;
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < N_MESSAGES; i++)
    g_hash_table_add (expected, tern_test_message_generate (i, SEED));
  reader = tern_mbox_reader_new (G_INPUT_STREAM (in));
  while ((raw = tern_mbox_reader_next (reader, NULL, NULL, &error)) != NULL)
    {
      if (!g_hash_table_remove (expected, raw))
        g_error ("message %u of %s is not a message of the server, or came twice", n, path);
      g_bytes_unref (raw);
      n++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, N_MESSAGES);
  g_assert_cmpuint (g_hash_table_size (expected), ==, 0);
}

static void
test_round_trip (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *port = g_strdup_printf ("%u", tern_test_servers_port (fx->servers,
                                                                          TERN_TEST_IMAPS));
  g_autofree char *pop3 = g_strdup_printf ("%u", tern_test_servers_port (fx->servers,
                                                                          TERN_TEST_POP3S));
  g_autofree char *first = g_build_filename (fx->data_dir, "inbox.mbox", NULL);
  g_autofree char *second = g_build_filename (fx->data_dir, "again.mbox", NULL);
  g_autofree char *out = NULL, *again_out = NULL;
  g_autofree char *first_bytes = NULL, *second_bytes = NULL;
  gsize first_len, second_len;

  g_assert_true (tern_test_messages_seed (fx->servers, "dora", "INBOX", 0, N_MESSAGES, SEED,
                                          &error));
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, "pw-dora\n", NULL, NULL, "account", "add", "Lab", "--email",
                        "dora@localhost", "--protocol", "imap", "--host", "localhost", "--port",
                        port, "--security", "tls", "--user", "dora", "--password-stdin",
                        "--offline=all", NULL), ==, 0);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, NULL, NULL, "sync", "Lab", NULL), ==, 0);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, &out, NULL, "export", "Lab", "INBOX", "--mbox", first, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Exported 10000 messages"));
  assert_mbox_is_the_mailbox (first);

  /* Into a POP3 account's local Archive: mail on this computer only. */
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, "pw-dora\n", NULL, NULL, "account", "add", "Home", "--email",
                        "dora@localhost", "--protocol", "pop3", "--host", "localhost", "--port",
                        pop3, "--security", "tls", "--user", "dora", "--password-stdin", NULL),
                   ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, &out, NULL, "import", "Home", "Archive", first, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Imported 10000 messages"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, &out, NULL, "import", "Home", "Archive", first, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Imported 0 messages"));
  g_assert_nonnull (strstr (out, "10000 messages were already there"));

  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, &again_out, NULL, "export", "Home", "Archive", "--mbox", second,
                        NULL), ==, 0);
  g_assert_true (g_file_get_contents (first, &first_bytes, &first_len, &error));
  g_assert_true (g_file_get_contents (second, &second_bytes, &second_len, &error));
  g_assert_cmpuint (first_len, ==, second_len);
  g_assert_true (memcmp (first_bytes, second_bytes, first_len) == 0);
}

static void
test_bad_input (Fixture *fx, gconstpointer data)
{
  g_autofree char *junk = g_build_filename (fx->data_dir, "notes.txt", NULL);
  g_autofree char *port = g_strdup_printf ("%u", tern_test_servers_port (fx->servers,
                                                                          TERN_TEST_POP3S));

  g_assert_cmpint (tern_test_cli_run (fx->data_dir, "pw-dora\n", NULL, NULL, "account", "add", "Home", "--email",
                        "dora@localhost", "--protocol", "pop3", "--host", "localhost", "--port",
                        port, "--security", "tls", "--user", "dora", "--password-stdin", NULL),
                   ==, 0);
  g_file_set_contents (junk, "shopping list\n- milk\n", -1, NULL);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, NULL, NULL, "import", "Home", "Archive", junk, NULL), !=, 0);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, NULL, NULL, "import", "Home", "No such folder", junk, NULL), ==, 8);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, NULL, NULL, "export", "Home", "Archive", NULL), ==, 2);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cli/archive/round-trip-10000", Fixture, NULL, setup, test_round_trip, teardown);
  g_test_add ("/cli/archive/bad-input", Fixture, NULL, setup, test_bad_input, teardown);
  return g_test_run ();
}
