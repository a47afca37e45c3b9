/* tern-cli local, archive, move --to and quota against the harness's real
 * Dovecot (quota plugin on, 2 MiB per user): folders on this computer are
 * made, renamed and deleted; a folder's old mail is archived to one and
 * removed from the server once it is safe here; a message goes back to the
 * server; the quota prints in plain words; bad input gets its exit code. */
#include <gio/gio.h>
#include <string.h>

#include "tern-test-cli.h"
#include "tern-test-messages.h"
#include "tern-test-servers.h"

#define SEED 61
#define N 30

typedef struct {
  TernTestServers *servers;
  char *data_dir;
} Fixture;

static void
setup (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  TernTestServersOptions opts = { .no_smtp = TRUE, .quota_storage_kib = 2048 };
  g_autofree char *port = NULL;

  fx->servers = tern_test_cli_servers_start (&opts, "lena", "pw-lena");
  fx->data_dir = tern_test_cli_data_dir_new ("local");
  port = g_strdup_printf ("%u", tern_test_servers_port (fx->servers, TERN_TEST_IMAPS));
  g_assert_true (tern_test_messages_seed (fx->servers, "lena", "INBOX", 0, N, SEED, &error));
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, "pw-lena\n", NULL, NULL, "account", "add",
                                      "Lab", "--email", "lena@localhost", "--protocol", "imap",
                                      "--host", "localhost", "--port", port, "--security", "tls",
                                      "--user", "lena", "--password-stdin", "--offline=all",
                                      NULL), ==, 0);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, NULL, NULL, "sync", "Lab", NULL), ==, 0);
}

static void
teardown (Fixture *fx, gconstpointer data)
{
  tern_test_cli_data_dir_remove (fx->data_dir);
  g_free (fx->data_dir);
  g_clear_pointer (&fx->servers, tern_test_servers_free);
}

static guint
server_files (Fixture *fx)
{
  g_autofree char *maildir = tern_test_servers_maildir_path (fx->servers, "lena", "INBOX");
  const char *subs[] = { "new", "cur" };
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (subs); i++)
    {
      g_autofree char *path = g_build_filename (maildir, subs[i], NULL);
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);

      while (dir != NULL && g_dir_read_name (dir) != NULL)
        n++;
    }
  return n;
}

static guint
lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; p != NULL && *p; p++)
    n += *p == '\n';
  return n;
}

static void
test_folders (Fixture *fx, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, NULL, NULL, "local", "create",
                                      "Receipts", NULL), ==, 0);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, NULL, NULL, "local", "create",
                                      "Receipts/2024", NULL), ==, 0);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, NULL, &err, "local", "create",
                                      "Receipts", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "already a folder “Receipts” on this computer"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, NULL, &err, "local", "create",
                                      "a//b", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "empty part"));
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, NULL, NULL, "local", "rename",
                                      "Receipts", "Bills", NULL), ==, 0);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, &out, NULL, "local", "folders",
                                      NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Bills\t"));
  g_assert_nonnull (strstr (out, "Bills/2024\t"));
  g_assert_null (strstr (out, "Receipts"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, NULL, &err, "local", "delete",
                                      "Nope", NULL), ==, 8);
  g_assert_nonnull (strstr (err, "no folder “Nope” on this computer"));
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, NULL, NULL, "local", "delete",
                                      "Bills", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, &out, NULL, "local", "folders",
                                      NULL), ==, 0);
  g_assert_cmpuint (lines (out), ==, 0);
  /* Nothing to sync: no server. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, NULL, &err, "sync", "local", NULL),
                   ==, 2);
  g_assert_nonnull (strstr (err, "no server"));
  /* "local" is not an account's protocol. */
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, "x\n", NULL, NULL, "account", "add", "L",
                                      "--email", "l@x", "--protocol", "local", "--host", "x",
                                      "--password-stdin", NULL), ==, 2);
}

static void
test_archive_and_back (Fixture *fx, gconstpointer data)
{
  g_autofree char *out = NULL, *list = NULL;
  g_autofree char *id = NULL;

  g_assert_cmpuint (server_files (fx), ==, N);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, &out, NULL, "archive", "Lab", "INBOX",
                                      "--to", "Old mail", "--dry-run", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "30 messages ("));
  g_assert_cmpuint (server_files (fx), ==, N);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, &out, NULL, "archive", "Lab", "INBOX",
                                      "--to", "Old mail", "--remove", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Archived 30 of 30 messages"));
  g_assert_cmpuint (server_files (fx), ==, 0);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, &list, NULL, "list", "local",
                                      "Old mail", NULL), ==, 0);
  g_assert_cmpuint (lines (list), ==, N);

  /* One goes back to the server. */
  id = g_strndup (list, strcspn (list, "\t"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, &out, NULL, "move", "local", id,
                                      "INBOX", "--to", "Lab", NULL), ==, 0);
  g_assert_cmpuint (server_files (fx), ==, 1);
  g_clear_pointer (&list, g_free);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, &list, NULL, "list", "local",
                                      "Old mail", NULL), ==, 0);
  g_assert_cmpuint (lines (list), ==, N - 1);
}


/* --all: every folder but Trash, Junk and Drafts, one local folder each. */
static void
test_archive_account (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *inbox = NULL, *work = NULL;

  g_assert_true (tern_test_messages_seed (fx->servers, "lena", "Work", 100, 12, SEED, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, NULL, NULL, "sync", "Lab", NULL), ==, 0);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, &out, NULL, "archive", "Lab", "--all",
                                      "--dry-run", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "42 messages ("));
  g_assert_cmpuint (server_files (fx), ==, N);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, &out, NULL, "archive", "Lab", "--all",
                                      "--remove", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Archived 42 of 42 messages"));
  g_assert_nonnull (strstr (out, "“Archive/Lab”"));
  g_assert_cmpuint (server_files (fx), ==, 0);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, &inbox, NULL, "list", "local",
                                      "Archive/Lab/Inbox", NULL), ==, 0);
  g_assert_cmpuint (lines (inbox), ==, N);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, &work, NULL, "list", "local",
                                      "Archive/Lab/Work", NULL), ==, 0);
  g_assert_cmpuint (lines (work), ==, 12);
  /* FOLDER and --all do not go together. */
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, NULL, NULL, "archive", "Lab", "INBOX",
                                      "--all", NULL), ==, 2);
}

static void
test_quota (Fixture *fx, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, &out, NULL, "quota", "Lab", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "\u00a0kB of 2.1\u00a0MB used ("));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, &out, NULL, "account", "show", "Lab",
                                      NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Quota:\t"));
  g_assert_nonnull (strstr (out, "\u00a0MB used"));
  g_assert_cmpint (tern_test_cli_run (fx->data_dir, NULL, NULL, &err, "quota", "local", NULL),
                   ==, 8);
  g_assert_nonnull (strstr (err, "does not say how much room"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add ("/cli-local/" path, Fixture, NULL, setup, fn, teardown)
  ADD ("folders", test_folders);
  ADD ("archive-and-back", test_archive_and_back);
  ADD ("archive-account", test_archive_account);
  ADD ("quota", test_quota);
#undef ADD
  return g_test_run ();
}
