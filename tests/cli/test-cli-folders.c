/* tern-cli and folders against the harness's real Dovecot and Postfix,
 * started with only an inbox (no special-use folders): `send` on an account
 * that never synced keeps its copy in Sent on the server; `folder create`,
 * `rename` and `delete` (the mail of a deleted folder goes to Trash);
 * `search` shows each message's folder and leaves Trash out unless asked. */
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "tern-test-cli.h"
#include "tern-test-messages.h"
#include "tern-test-servers.h"

#define SEED 77

typedef struct {
  TernTestServers *servers;
  char *data_dir;
} Fixture;

static int
cli (Fixture *fx, char **out, char **err, ...)
{
  va_list ap;
  int status;

  va_start (ap, err);
  status = tern_test_cli_runv (fx->data_dir, FALSE, NULL, out, err, ap);
  va_end (ap);
  return status;
}

static void
setup (Fixture *fx, gconstpointer data)
{
  TernTestServersOptions opts = { .no_special_folders = TRUE };
  g_autofree char *imap = NULL, *smtp = NULL;
  int status;

  fx->servers = tern_test_cli_servers_start (&opts, "carol", "pw-carol");
  fx->data_dir = tern_test_cli_data_dir_new ("folders");
  imap = g_strdup_printf ("%u", tern_test_servers_port (fx->servers, TERN_TEST_IMAPS));
  smtp = g_strdup_printf ("%u", tern_test_servers_port (fx->servers, TERN_TEST_SMTPS));
  status = tern_test_cli_run (fx->data_dir, "pw-carol\n", NULL, NULL, "account", "add", "Work",
                              "--email", "carol@localhost", "--protocol", "imap", "--host",
                              "localhost", "--port", imap, "--security", "tls", "--user", "carol",
                              "--password-stdin", "--smtp-host", "localhost", "--smtp-port", smtp,
                              "--smtp-security", "tls", NULL);
  g_assert_cmpint (status, ==, 0);
}

static void
teardown (Fixture *fx, gconstpointer data)
{
  tern_test_cli_data_dir_remove (fx->data_dir);
  g_free (fx->data_dir);
  g_clear_pointer (&fx->servers, tern_test_servers_free);
}

/* Message files in carol's server folder @mailbox (its Maildir). */
static guint
server_files (Fixture *fx, const char *mailbox)
{
  return tern_test_servers_count_files (fx->servers, "carol", mailbox);
}

static gboolean
server_has_folder (Fixture *fx, const char *mailbox)
{
  g_autofree char *root = tern_test_servers_maildir_path (fx->servers, "carol", mailbox);

  return g_file_test (root, G_FILE_TEST_IS_DIR);
}

static char *
id_of (const char *listing, const char *needle)
{
  g_auto(GStrv) lines = g_strsplit (listing, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], needle) != NULL)
      return g_strndup (lines[i], strcspn (lines[i], "\t"));
  return NULL;
}

/* The first send of a new account: no sync ran, the server had no Sent;
 * the copy is there when send returns. */
static void
test_send_keeps_copy (Fixture *fx, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;

  g_assert_false (server_has_folder (fx, "Sent"));
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, "Hello\n", &out, &err, "send", "Work",
                                      "--to", "carol@localhost", "--subject", "Kept", NULL),
                   ==, 0);
  g_assert_null (strstr (err, "no Sent folder"));
  g_assert_null (strstr (err, "waits for the next sync"));
  g_assert_cmpuint (server_files (fx, "Sent"), ==, 1);
  g_assert_true (server_has_folder (fx, "Drafts"));
  g_assert_true (server_has_folder (fx, "Trash"));
}

static void
test_folder_commands (Fixture *fx, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL, *listing = NULL, *found = NULL, *found2 = NULL,
                  *folders = NULL, *json = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_test_messages_seed (fx->servers, "carol", "INBOX", 0, 3, SEED, &error));
  g_assert_cmpint (cli (fx, NULL, NULL, "sync", "Work", NULL), ==, 0);

  g_assert_cmpint (cli (fx, &out, NULL, "folder", "create", "Work", "Projekte Köln", NULL), ==, 0);
  g_assert_true (server_has_folder (fx, "Projekte K&APY-ln"));
  g_assert_cmpint (cli (fx, NULL, &err, "folder", "create", "Work", "Projekte Köln", NULL), !=, 0);
  g_assert_nonnull (strstr (err, "already"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli (fx, &folders, NULL, "folders", "Work", NULL), ==, 0);
  g_assert_nonnull (strstr (folders, "Projekte Köln\t"));

  g_assert_cmpint (cli (fx, &listing, NULL, "list", "Work", "INBOX", NULL), ==, 0);
  id = id_of (listing, "\t");
  g_assert_nonnull (id);
  g_assert_cmpint (cli (fx, NULL, NULL, "move", "Work", id, "Projekte Köln", NULL), ==, 0);
  g_assert_cmpint (cli (fx, NULL, NULL, "folder", "rename", "Work", "Projekte Köln", "Alt",
                        NULL), ==, 0);
  g_assert_false (server_has_folder (fx, "Projekte K&APY-ln"));
  g_assert_cmpuint (server_files (fx, "Alt"), ==, 1);

  /* Special folders stay; a folder with mail empties into Trash. */
  g_assert_cmpint (cli (fx, NULL, &err, "folder", "delete", "Work", "trash", NULL), !=, 0);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (fx, &out, NULL, "folder", "delete", "Work", "Alt", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Moved 1 message to Trash"));
  g_assert_false (server_has_folder (fx, "Alt"));
  g_assert_cmpuint (server_files (fx, "Trash"), ==, 1);

  /* Search: each hit names its folder; Trash only when asked. */
  g_assert_cmpint (cli (fx, &found, NULL, "search", "Work", "in:all", NULL), ==, 0);
  g_assert_nonnull (strstr (found, "\tTrash\t"));
  g_assert_nonnull (strstr (found, "\tINBOX\t"));
  g_assert_cmpint (cli (fx, &found2, NULL, "search", "Work", "in:inbox", NULL), ==, 0);
  g_assert_null (strstr (found2, "\tTrash\t"));
  g_assert_cmpint (cli (fx, &json, NULL, "--json", "search", "Work", "in:trash", NULL), ==, 0);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonArray *hits;

    g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
    hits = json_node_get_array (json_parser_get_root (parser));
    g_assert_cmpuint (json_array_get_length (hits), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (hits, 0),
                                                    "folder"), ==, "Trash");
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cli-folders/send-keeps-copy", Fixture, NULL, setup, test_send_keeps_copy,
              teardown);
  g_test_add ("/cli-folders/folder-commands", Fixture, NULL, setup, test_folder_commands,
              teardown);
  return g_test_run ();
}
