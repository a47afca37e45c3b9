/* tern-cli list --threads and thread against the harness's real Dovecot:
 * the generated mailbox's replies (In-Reply-To/References) form exactly the
 * conversations the generator made, and `thread` lists one whole. */
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "tern-test-cli.h"
#include "tern-test-messages.h"
#include "tern-test-servers.h"

#define SEED 53
#define N_MESSAGES 60

/* How many conversations the generator made: its messages without a parent. */
static guint
expected_conversations (void)
{
  guint roots = 0;

  for (guint i = 0; i < N_MESSAGES; i++)
    {
      g_autoptr(GBytes) raw = tern_test_message_generate (i, SEED);
      if (g_strstr_len (g_bytes_get_data (raw, NULL), (gssize) g_bytes_get_size (raw),
                        "\r\nIn-Reply-To:") == NULL)
        roots++;
    }
  return roots;
}

static void
test_threads (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernTestServers) servers = tern_test_cli_servers_start (NULL, "erin", "pw-erin");
  g_autofree char *dir = tern_test_cli_data_dir_new ("threads");
  g_autofree char *port = NULL, *json_text = NULL, *listing = NULL;
  g_autofree char *biggest_id = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *threads;
  gint64 total = 0, biggest = 0;

  g_assert_true (tern_test_messages_seed (servers, "erin", "INBOX", 0, N_MESSAGES, SEED, &error));
  port = g_strdup_printf ("%u", tern_test_servers_port (servers, TERN_TEST_IMAPS));
  g_assert_cmpint (tern_test_cli_run (dir, "pw-erin\n", NULL, NULL, "account", "add", "Home", "--email",
                        "erin@localhost", "--protocol", "imap", "--host", "localhost", "--port",
                        port, "--security", "tls", "--user", "erin", "--password-stdin", NULL),
                   ==, 0);
  g_assert_cmpint (tern_test_cli_run (dir, NULL, NULL, NULL, "sync", "Home", NULL), ==, 0);

  g_assert_cmpint (tern_test_cli_run (dir, NULL, &json_text, NULL, "--json", "list", "Home", "inbox", "--threads",
                        "--limit", "0", NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, json_text, -1, &error));
  threads = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (threads), ==, expected_conversations ());
  for (guint i = 0; i < json_array_get_length (threads); i++)
    {
      JsonObject *t = json_array_get_object_element (threads, i);
      gint64 here = json_object_get_int_member (t, "messages_here");

      total += here;
      if (i > 0)   /* newest first */
        g_assert_cmpint (json_object_get_int_member (t, "newest_date"), <=,
                         json_object_get_int_member (json_array_get_object_element (threads, i - 1),
                                                     "newest_date"));
      if (here > biggest)
        {
          biggest = here;
          g_free (biggest_id);
          biggest_id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                        json_object_get_int_member (t, "newest_id"));
        }
    }
  g_assert_cmpint (total, ==, N_MESSAGES);
  g_assert_cmpint (biggest, >, 1);

  /* `thread` lists the whole conversation, one line a message. */
  g_assert_cmpint (tern_test_cli_run (dir, NULL, &listing, NULL, "thread", "Home", biggest_id, NULL), ==, 0);
  g_assert_cmpuint (g_strv_length (g_strsplit (listing, "\n", -1)) - 1, ==, (guint) biggest);
  g_assert_cmpint (tern_test_cli_run (dir, NULL, NULL, NULL, "thread", "Home", "999999", NULL), ==, 8);

  tern_test_cli_data_dir_remove (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/threads/list-and-thread", test_threads);
  return g_test_run ();
}
