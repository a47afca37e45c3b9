/* POP3 download against the harness's real Dovecot: leave-on-server on and
 * off, retention days with a faked clock, delete-here, and a SIGKILL test
 * that kills a downloading child at random points of the session. */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "account/tern-account-connect.h"
#include "account/tern-mail-actions.h"
#include "pop3/tern-pop3-fetch.h"
#include "tern-test-mail-account.h"
#include "tern-test-messages.h"

#define DAY 86400

static gboolean
fetch (TernTestAccount *t, gint64 now, TernPop3FetchResult *result, GError **error)
{
  g_autoptr(TernPop3Fetch) f = tern_pop3_fetch_new (t->store, t->account);
  mailpop3 *pop3 = tern_account_connect_pop3 (t->account, t->secrets, NULL, NULL, error);

  if (pop3 == NULL)
    return FALSE;
  tern_pop3_fetch_set_now (f, now);
  tern_pop3_fetch_set_batch (f, 7, 1024 * 1024);
  return tern_pop3_fetch_run (f, pop3, NULL, result, error);
}

static void
fetch_ok (TernTestAccount *t, gint64 now, guint expect_downloaded, guint expect_deleted)
{
  g_autoptr(GError) error = NULL;
  TernPop3FetchResult r;

  gboolean ok = fetch (t, now, &r, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpuint (r.downloaded, ==, expect_downloaded);
  g_assert_cmpuint (r.deleted, ==, expect_deleted);
}

static void
seed (TernTestAccount *t, guint first, guint n)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_test_messages_seed (t->servers, t->user, "INBOX", first, n, 7, &error));
  g_assert_no_error (error);
}

/* Every generated message first..first+n-1 is in @ids exactly once. */
static void
assert_exactly_once (GHashTable *ids, guint first, guint n)
{
  for (guint i = first; i < first + n; i++)
    {
      g_autofree char *id = tern_test_message_id (i, 7);
      g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (ids, id)), ==, 1);
    }
  g_assert_cmpuint (tern_test_count_total (ids), ==, n);
}

static void
test_leave_off (void)
{
  g_autoptr(TernTestAccount) t = tern_test_account_new (tern_test_shared_servers (FALSE),
                                                        TERN_PROTOCOL_POP3);
  g_autoptr(GHashTable) local = NULL;
  g_autoptr(GHashTable) server = NULL;

  t->account->pop3_leave_on_server = FALSE;
  tern_test_account_save (t);
  seed (t, 0, 20);
  fetch_ok (t, 0, 20, 20);
  local = tern_test_local_message_ids (t->store, t->account->id, TERN_FOLDER_ROLE_INBOX);
  assert_exactly_once (local, 0, 20);
  server = tern_test_server_message_ids (t->servers, t->user);
  g_assert_cmpuint (g_hash_table_size (server), ==, 0);
  fetch_ok (t, 0, 0, 0);
}

static void
test_leave_on (void)
{
  g_autoptr(TernTestAccount) t = tern_test_account_new (tern_test_shared_servers (FALSE),
                                                        TERN_PROTOCOL_POP3);
  g_autoptr(GHashTable) local = NULL;
  g_autoptr(GHashTable) server = NULL;

  t->account->pop3_leave_on_server = TRUE;
  t->account->pop3_delete_after_days = 0;
  tern_test_account_save (t);
  seed (t, 0, 10);
  fetch_ok (t, 0, 10, 0);
  fetch_ok (t, 0, 0, 0);
  seed (t, 10, 5);
  fetch_ok (t, 0, 5, 0);
  local = tern_test_local_message_ids (t->store, t->account->id, TERN_FOLDER_ROLE_INBOX);
  assert_exactly_once (local, 0, 15);
  server = tern_test_server_message_ids (t->servers, t->user);
  assert_exactly_once (server, 0, 15);
  /* Forever means forever: years later nothing was deleted. */
  fetch_ok (t, g_get_real_time () / G_USEC_PER_SEC + 3650 * DAY, 0, 0);
}

static void
test_retention_days (void)
{
  g_autoptr(TernTestAccount) t = tern_test_account_new (tern_test_shared_servers (FALSE),
                                                        TERN_PROTOCOL_POP3);
  g_autoptr(GHashTable) local = NULL;
  g_autoptr(GHashTable) server = NULL;
  gint64 t0 = 1700000000;

  t->account->pop3_leave_on_server = TRUE;
  t->account->pop3_delete_after_days = 3;
  tern_test_account_save (t);
  seed (t, 0, 6);
  fetch_ok (t, t0, 6, 0);
  seed (t, 6, 4);
  fetch_ok (t, t0 + 2 * DAY, 4, 0);           /* first six are two days old */
  fetch_ok (t, t0 + 3 * DAY - 1, 0, 0);       /* one second short */
  fetch_ok (t, t0 + 3 * DAY, 0, 6);           /* first six expire */
  server = tern_test_server_message_ids (t->servers, t->user);
  assert_exactly_once (server, 6, 4);
  fetch_ok (t, t0 + 5 * DAY, 0, 4);
  local = tern_test_local_message_ids (t->store, t->account->id, TERN_FOLDER_ROLE_INBOX);
  assert_exactly_once (local, 0, 10);
  g_clear_pointer (&server, g_hash_table_unref);
  server = tern_test_server_message_ids (t->servers, t->user);
  g_assert_cmpuint (g_hash_table_size (server), ==, 0);
}

static void
test_delete_here (void)
{
  g_autoptr(TernTestAccount) t = tern_test_account_new (tern_test_shared_servers (FALSE),
                                                        TERN_PROTOCOL_POP3);
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernFolder) inbox = NULL;
  g_autoptr(TernFolder) trash = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *gone = NULL;

  t->account->pop3_leave_on_server = TRUE;
  t->account->pop3_delete_when_deleted_here = TRUE;
  tern_test_account_save (t);
  seed (t, 0, 5);
  fetch_ok (t, 0, 5, 0);
  inbox = tern_store_get_folder_by_role (t->store, t->account->id, TERN_FOLDER_ROLE_INBOX, &error);
  ids = tern_store_list_message_ids (t->store, inbox->id, TERN_SORT_DATE, FALSE, &error);
  g_assert_no_error (error);
  rows = tern_store_get_summaries (t->store, (gint64 *) ids->data, 1, &error);
  gone = g_strdup (((TernMessageSummary *) g_ptr_array_index (rows, 0))->message_id);
  /* Delete moves to Trash; deleting it from Trash deletes it for good. */
  g_assert_true (tern_mail_delete (t->store, (gint64 *) ids->data, 1, &error));
  g_assert_no_error (error);
  fetch_ok (t, 0, 0, 0);   /* only in Trash: still on the server */
  g_assert_true (tern_mail_delete (t->store, (gint64 *) ids->data, 1, &error));
  g_assert_no_error (error);
  trash = tern_store_get_folder_by_role (t->store, t->account->id, TERN_FOLDER_ROLE_TRASH, &error);
  g_assert_cmpuint (trash->total_count, ==, 0);
  fetch_ok (t, 0, 0, 1);
  server = tern_test_server_message_ids (t->servers, t->user);
  g_assert_cmpuint (tern_test_count_total (server), ==, 4);
  g_assert_false (g_hash_table_contains (server, gone));
  fetch_ok (t, 0, 0, 0);   /* not downloaded again */
}

/* ---- SIGKILL at random points ------------------------------------------------ */

#define KILL_MESSAGES 50
#define KILL_RUNS 30
#define KILL_MAX_MESSAGES 150

static void
announce_step (TernPop3Step s, gpointer user_data)
{
  /* One byte per step to the parent, which kills us after a random count. */
  char c = 'a' + (char) s;
  if (write (GPOINTER_TO_INT (user_data), &c, 1) != 1)
    _exit (3);
}

/* The child: open the store in @dir and download, announcing each step. */
static int
child_main (const char *dir, int fd)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStore) store = tern_store_open (dir, TERN_STORE_OPEN_WRITER, &error);
  g_autoptr(TernSecrets) secrets = tern_secrets_new (dir, TERN_SECRETS_FILE);
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(TernPop3Fetch) f = NULL;
  mailpop3 *pop3;

  if (store == NULL || (a = tern_store_get_account_by_name (store, "test", &error)) == NULL)
    return 2;
  if ((pop3 = tern_account_connect_pop3 (a, secrets, NULL, NULL, &error)) == NULL)
    return 2;
  f = tern_pop3_fetch_new (store, a);
  tern_pop3_fetch_set_batch (f, 4, 1024 * 1024);
  tern_pop3_fetch_set_step_func (f, announce_step, GINT_TO_POINTER (fd));
  if (!tern_pop3_fetch_run (f, pop3, NULL, NULL, &error))
    {
      g_printerr ("child: %s\n", error->message);
      return 1;
    }
  return 0;
}

static const char *self_path;

/* Runs the child; kills it after @kill_after steps (0: let it finish).
 * Returns TRUE when it was killed. */
static gboolean
run_child (TernTestAccount *t, guint kill_after)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fd_arg = NULL;
  int fds[2], status;
  GPid pid;
  guint seen = 0;
  gboolean killed = FALSE;
  char c;

  g_assert_cmpint (pipe (fds), ==, 0);
  fd_arg = g_strdup_printf ("%d", fds[1]);
  {
    const char *argv[] = { self_path, "--child", t->dir, fd_arg, NULL };
    g_assert_true (g_spawn_async (NULL, (char **) argv, NULL,
                                  G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_LEAVE_DESCRIPTORS_OPEN,
                                  NULL, NULL, &pid, &error));
    g_assert_no_error (error);
  }
  close (fds[1]);
  while (read (fds[0], &c, 1) == 1)
    if (kill_after > 0 && ++seen == kill_after)
      {
        kill (pid, SIGKILL);
        killed = TRUE;
        break;
      }
  close (fds[0]);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  if (!killed)
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  return killed;
}

/* Nothing lost: every message is on the server or stored here. */
static void
assert_nothing_lost (TernTestAccount *t, guint seeded)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStore) store = tern_store_open (t->dir, TERN_STORE_OPEN_READ_ONLY, &error);
  g_autoptr(GHashTable) local = NULL;
  g_autoptr(GHashTable) server = tern_test_server_message_ids (t->servers, t->user);

  g_assert_no_error (error);
  local = tern_test_local_message_ids (store, t->account->id, TERN_FOLDER_ROLE_INBOX);
  for (guint i = 0; i < seeded; i++)
    {
      g_autofree char *id = tern_test_message_id (i, 7);
      g_assert_true (g_hash_table_contains (local, id) || g_hash_table_contains (server, id));
      g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (local, id)), <=, 1);
    }
}

static void
test_sigkill (void)
{
  g_autoptr(TernTestAccount) t = tern_test_account_new (tern_test_shared_servers (FALSE),
                                                        TERN_PROTOCOL_POP3);
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  g_autoptr(GHashTable) local = NULL;
  g_autoptr(GHashTable) server = NULL;
  guint kills = 0, seeded = KILL_MESSAGES;

  t->account->pop3_leave_on_server = FALSE;
  tern_test_account_save (t);
  /* The child opens its own writer; close ours. */
  g_clear_object (&t->store);
  seed (t, 0, KILL_MESSAGES);
  /* 50 messages in batches of 4: about 13 commits, 50 DELEs, 50 RETRs. */
  for (guint run = 0; run < KILL_RUNS; run++)
    {
      if (run_child (t, g_rand_int_range (rand, 1, 40)))
        kills++;
      assert_nothing_lost (t, seeded);
      server = tern_test_server_message_ids (t->servers, t->user);
      if (g_hash_table_size (server) == 0 && seeded < KILL_MAX_MESSAGES)
        {
          /* A run got to the end before its kill point: new mail arrives. */
          seed (t, seeded, 10);
          seeded += 10;
        }
      g_clear_pointer (&server, g_hash_table_unref);
    }
  g_test_message ("%u of %u runs were killed; %u messages", kills, KILL_RUNS, seeded);
  /* Kill points lie within the first 40 steps; runs after the inbox was
   * emptied are short and may finish first (about half do). Fewer than a
   * fifth killed means the test no longer tests anything. */
  g_assert_cmpuint (kills, >=, KILL_RUNS / 5);
  run_child (t, 0);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TernStore) store = tern_store_open (t->dir, TERN_STORE_OPEN_WRITER, &error);
    g_assert_no_error (error);
    local = tern_test_local_message_ids (store, t->account->id, TERN_FOLDER_ROLE_INBOX);
  }
  assert_exactly_once (local, 0, seeded);
  server = tern_test_server_message_ids (t->servers, t->user);
  g_assert_cmpuint (g_hash_table_size (server), ==, 0);
}

int
main (int argc, char **argv)
{
  signal (SIGPIPE, SIG_IGN);
  self_path = argv[0];
  if (argc == 4 && g_str_equal (argv[1], "--child"))
    return child_main (argv[2], atoi (argv[3]));
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pop3/leave-off", test_leave_off);
  g_test_add_func ("/pop3/leave-on", test_leave_on);
  g_test_add_func ("/pop3/retention-days", test_retention_days);
  g_test_add_func ("/pop3/delete-here", test_delete_here);
  g_test_add_func ("/pop3/sigkill", test_sigkill);
  return g_test_run ();
}
