/* Folders against the harness's real Dovecot and Postfix, started without
 * special-use folders (a fresh server has only the inbox): Sent, Drafts and
 * Trash made at the first sync, once; the Sent copy on the server right
 * after sending, on an account that never synced; folders created, renamed
 * and deleted as queued operations (online, offline, POP3 local folders);
 * and SIGKILL of tern-cli in the middle of replaying them. The server is
 * checked through a second raw IMAP session or its Maildir. */
#include <signal.h>
#include <string.h>

#include "account/tern-account-connect.h"
#include "account/tern-account-sync.h"
#include "account/tern-folder-actions.h"
#include "account/tern-mail-actions.h"
#include "account/tern-mail-undo.h"
#include "account/tern-outbox.h"
#include "core/tern-error.h"
#include "imap/tern-imap-sync.h"
#include "tern-test-mail-account.h"
#include "tern-test-mail-check.h"
#include "tern-test-messages.h"

#define SEED 1818

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static TernTestServers *
servers (void)
{
  TernTestServersOptions opts = { .no_special_folders = TRUE };

  return tern_test_shared_servers_with (&opts);
}

static void
sync_all (TernTestAccount *t)
{
  tern_test_imap_sync_all (t->store, t->secrets, t->account);
}

/* The server's selectable folders, sorted, as one "A|B|C" string. */
static char *
server_folders (TernTestAccount *t)
{
  g_autoptr(GError) error = NULL;
  mailimap *imap = tern_account_connect_imap (t->account, t->secrets, NULL, NULL, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  clist *list = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (mailimap_list (imap, "", "*", &list), ==, MAILIMAP_NO_ERROR);
  for (clistiter *it = clist_begin (list); it != NULL; it = clist_next (it))
    g_ptr_array_add (names, g_strdup (((struct mailimap_mailbox_list *) clist_content (it))->mb_name));
  mailimap_list_result_free (list);
  tern_imap_close (imap, TRUE);
  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);
  return g_strjoinv ("|", (char **) names->pdata);
}

static char *
local_folders (TernTestAccount *t)
{
  g_autoptr(GPtrArray) folders = tern_store_list_folders (t->store, t->account->id, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; i < folders->len; i++)
    g_ptr_array_add (names, ((TernFolder *) g_ptr_array_index (folders, i))->path);
  g_ptr_array_add (names, NULL);
  return g_strjoinv ("|", (char **) names->pdata);
}

static guint
raw_exists (TernTestAccount *t, const char *mailbox)
{
  g_autoptr(GError) error = NULL;
  mailimap *imap = tern_account_connect_imap (t->account, t->secrets, NULL, NULL, &error);
  guint n;

  g_assert_no_error (error);
  n = tern_test_raw_exists (imap, mailbox);
  tern_imap_close (imap, TRUE);
  return n;
}

static guint
n_ops (TernTestAccount *t)
{
  g_autoptr(GPtrArray) ops = tern_store_list_ops (t->store, t->account->id, NULL);

  for (guint i = 0; i < ops->len; i++)
    g_assert_null (((TernPendingOp *) g_ptr_array_index (ops, i))->last_error);
  return ops->len;
}

static TernFolder *
by_path (TernTestAccount *t, const char *path)
{
  return tern_store_get_folder_by_path (t->store, t->account->id, path, NULL);
}

static guint
local_count (TernTestAccount *t, const char *path)
{
  return tern_test_local_count (t->store, t->account, path);
}

static void
seed_inbox (TernTestAccount *t, guint n)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_test_messages_seed (t->servers, t->user, "INBOX", 0, n, SEED, &error));
  g_assert_no_error (error);
}

/* Moves every message of @from to @to (local change + queued moves). */
static void
move_all (TernTestAccount *t, const char *from, const char *to)
{
  g_autoptr(TernFolder) src = by_path (t, from), dest = by_path (t, to);
  g_autoptr(GArray) ids = tern_store_list_message_ids (t->store, src->id, TERN_SORT_DATE, FALSE,
                                                       NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_mail_move (t->store, (gint64 *) ids->data, ids->len, dest->id, &error));
  g_assert_no_error (error);
}

/* A fresh server has only INBOX: the first sync makes Sent, Drafts and
 * Trash, and no later sync makes more, even after a sync that died between
 * the server's CREATE and the store's row (here: the row taken away). */
static void
test_special_folders (void)
{
  g_autoptr(TernTestAccount) t = tern_test_account_new (servers (), TERN_PROTOCOL_IMAP);
  g_autofree char *before = server_folders (t), *after = NULL, *again = NULL;
  g_autoptr(TernFolder) sent = NULL, drafts = NULL, trash = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (before, ==, "INBOX");
  sync_all (t);
  after = server_folders (t);
  g_assert_cmpstr (after, ==, "Drafts|INBOX|Sent|Trash");
  sent = tern_store_get_folder_by_role (t->store, t->account->id, TERN_FOLDER_ROLE_SENT, NULL);
  drafts = tern_store_get_folder_by_role (t->store, t->account->id, TERN_FOLDER_ROLE_DRAFTS, NULL);
  trash = tern_store_get_folder_by_role (t->store, t->account->id, TERN_FOLDER_ROLE_TRASH, NULL);
  g_assert_cmpstr (sent->path, ==, "Sent");
  g_assert_cmpstr (drafts->path, ==, "Drafts");
  g_assert_cmpstr (trash->path, ==, "Trash");

  /* Killed after CREATE, before the row: the next sync finds the folder. */
  g_assert_true (tern_store_delete_folder (t->store, sent->id, &error));
  g_assert_no_error (error);
  sync_all (t);
  sync_all (t);
  again = server_folders (t);
  g_assert_cmpstr (again, ==, "Drafts|INBOX|Sent|Trash");
  g_clear_pointer (&sent, tern_folder_free);
  sent = tern_store_get_folder_by_role (t->store, t->account->id, TERN_FOLDER_ROLE_SENT, NULL);
  g_assert_cmpstr (sent->path, ==, "Sent");
}

/* An account that never synced sends: the Sent folder is found (made) then,
 * and the copy is on the server when tern_account_sync_send_outbox returns,
 * before any other sync. */
static void
test_sent_copy_without_sync (void)
{
  g_autoptr(TernTestAccount) t = tern_test_account_new (servers (), TERN_PROTOCOL_IMAP);
  g_autoptr(TernOutgoingMessage) msg = tern_outgoing_message_new ();
  g_autoptr(TernAccountSync) session = NULL;
  g_auto(TernAccountSyncResult) result = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) ids = NULL;
  g_autofree char *message_id = NULL;

  tern_outgoing_message_add_to (msg, "Bob", t->account->email);
  msg->subject = g_strdup ("A copy in Sent");
  msg->body = g_strdup ("Kept on the server.\n");
  g_assert_cmpint (tern_outbox_queue_message (t->store, t->account, msg, &message_id, &error),
                   >, 0);
  g_assert_no_error (error);
  session = tern_account_sync_new (t->store, t->account->id, t->secrets);
  tern_account_sync_set_ignore_outbox_backoff (session, TRUE);
  tern_account_sync_send_outbox (session, NULL, &result);
  g_assert_no_error (result.outbox_error);
  g_assert_no_error (result.sent_copy_error);
  g_assert_cmpuint (result.outbox.sent, ==, 1);
  g_clear_object (&session);

  g_assert_cmpuint (raw_exists (t, "Sent"), ==, 1);
  ids = tern_test_server_mailbox_ids (t->servers, t->user, "Sent");
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (ids, message_id)), ==, 1);
  g_assert_cmpuint (n_ops (t), ==, 0);
  g_assert_cmpuint (local_count (t, "Sent"), ==, 1);
}

/* Create (a non-ASCII name), rename and delete a folder with mail, each a
 * queued operation that the next sync replays; the mail of the deleted
 * folder ends in Trash, here and on the server. */
static void
test_create_rename_delete (void)
{
  g_autoptr(TernTestAccount) t = tern_test_account_new (servers (), TERN_PROTOCOL_IMAP);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernFolder) f = NULL;
  g_autofree char *list1 = NULL, *list2 = NULL, *list3 = NULL, *name = NULL;
  gint64 id;

  seed_inbox (t, 4);
  sync_all (t);
  id = tern_folder_create (t->store, t->account->id, 0, "Projekte Köln", &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  f = tern_store_get_folder (t->store, id, NULL);
  g_assert_cmpstr (f->path, ==, "Projekte K&APY-ln");
  name = tern_folder_leaf_name (f);
  g_assert_cmpstr (name, ==, "Projekte Köln");
  g_assert_cmpuint (n_ops (t), ==, 1);
  /* Taken names and names with the delimiter are refused. */
  g_assert_cmpint (tern_folder_create (t->store, t->account->id, 0, "Projekte Köln", &error), ==, 0);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_cmpint (tern_folder_create (t->store, t->account->id, 0, "a/b", &error), ==, 0);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_INVALID);
  g_clear_error (&error);

  move_all (t, "INBOX", "Projekte K&APY-ln");
  sync_all (t);
  g_assert_cmpuint (n_ops (t), ==, 0);
  list1 = server_folders (t);
  g_assert_cmpstr (list1, ==, "Drafts|INBOX|Projekte K&APY-ln|Sent|Trash");
  g_assert_cmpuint (raw_exists (t, "Projekte K&APY-ln"), ==, 4);

  g_assert_true (tern_folder_rename (t->store, id, "Archiv 2026", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (local_count (t, "Archiv 2026"), ==, 4);
  sync_all (t);
  g_assert_cmpuint (n_ops (t), ==, 0);
  list2 = server_folders (t);
  g_assert_cmpstr (list2, ==, "Archiv 2026|Drafts|INBOX|Sent|Trash");
  g_assert_cmpuint (raw_exists (t, "Archiv 2026"), ==, 4);
  g_assert_cmpuint (local_count (t, "Archiv 2026"), ==, 4);

  /* Special folders stay; a folder with mail empties into Trash. */
  g_clear_pointer (&f, tern_folder_free);
  f = tern_store_get_folder_by_role (t->store, t->account->id, TERN_FOLDER_ROLE_TRASH, NULL);
  g_assert_false (tern_folder_delete (t->store, f->id, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (tern_folder_delete (t->store, id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (local_count (t, "Trash"), ==, 4);
  sync_all (t);
  g_assert_cmpuint (n_ops (t), ==, 0);
  list3 = server_folders (t);
  g_assert_cmpstr (list3, ==, "Drafts|INBOX|Sent|Trash");
  g_assert_cmpuint (raw_exists (t, "Trash"), ==, 4);
  g_assert_cmpuint (local_count (t, "Trash"), ==, 4);
}

/* Queued but not replayed: the folder list neither drops a folder made here
 * nor brings back one deleted or renamed here. */
static void
test_folder_list_keeps_queue (void)
{
  g_autoptr(TernTestAccount) t = tern_test_account_new (servers (), TERN_PROTOCOL_IMAP);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernImapSync) sync = NULL;
  g_autofree char *local = NULL, *server = NULL;
  mailimap *imap;
  gint64 a, b;

  sync_all (t);
  a = tern_folder_create (t->store, t->account->id, 0, "Old", &error);
  b = tern_folder_create (t->store, t->account->id, 0, "Gone", &error);
  g_assert_no_error (error);
  sync_all (t);
  g_assert_true (tern_folder_create (t->store, t->account->id, 0, "New", &error) > 0);
  g_assert_true (tern_folder_rename (t->store, a, "Renamed", &error));
  g_assert_true (tern_folder_delete (t->store, b, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_ops (t), ==, 3);

  imap = tern_account_connect_imap (t->account, t->secrets, NULL, NULL, &error);
  g_assert_no_error (error);
  sync = tern_imap_sync_new (imap, t->store, t->account->id);
  g_assert_true (tern_imap_sync_folder_list (sync, NULL, &error));
  g_assert_no_error (error);
  local = local_folders (t);
  g_assert_cmpstr (local, ==, "Drafts|INBOX|New|Renamed|Sent|Trash");
  g_assert_true (tern_imap_sync_replay (sync, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&sync);
  server = server_folders (t);
  g_assert_cmpstr (server, ==, "Drafts|INBOX|New|Renamed|Sent|Trash");
  g_assert_cmpuint (n_ops (t), ==, 0);
}

/* POP3 folders are local: the same actions, nothing queued. */
static void
test_pop3_local_folders (void)
{
  g_autoptr(TernTestAccount) t = tern_test_account_new (servers (), TERN_PROTOCOL_POP3);
  g_autoptr(GError) error = NULL;
  g_autofree char *l1 = NULL, *l2 = NULL;
  gint64 id = tern_folder_create (t->store, t->account->id, 0, "Rechnungen", &error);

  g_assert_no_error (error);
  g_assert_true (tern_folder_create (t->store, t->account->id, id, "2026", &error) > 0);
  g_assert_no_error (error);
  g_assert_true (tern_folder_rename (t->store, id, "Belege", &error));
  g_assert_no_error (error);
  l1 = local_folders (t);
  g_assert_cmpstr (l1, ==, "Archive|Belege|Belege/2026|Drafts|Inbox|Sent|Trash");
  /* A folder with folders inside stays until they are gone. */
  g_assert_false (tern_folder_delete (t->store, id, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_INVALID);
  g_clear_error (&error);
  {
    g_autoptr(TernFolder) child = by_path (t, "Belege/2026");
    g_assert_true (tern_folder_delete (t->store, child->id, &error));
  }
  g_assert_true (tern_folder_delete (t->store, id, &error));
  g_assert_no_error (error);
  l2 = local_folders (t);
  g_assert_cmpstr (l2, ==, "Archive|Drafts|Inbox|Sent|Trash");
  g_assert_cmpuint (n_ops (t), ==, 0);
}

/* Undo before the server heard of the move cancels the queued MOVE (the
 * message has its UID back, nothing goes out); Undo after it queues the
 * move back. Delete to Trash is undone the same way. */
static void
test_undo (void)
{
  g_autoptr(TernTestAccount) t = tern_test_account_new (servers (), TERN_PROTOCOL_IMAP);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernFolder) inbox = NULL, x = NULL;
  g_autoptr(GArray) ids = NULL;
  gint64 m1, m2, from[2];

  seed_inbox (t, 2);
  sync_all (t);
  g_assert_true (tern_folder_create (t->store, t->account->id, 0, "X", &error) > 0);
  sync_all (t);
  inbox = by_path (t, "INBOX");
  x = by_path (t, "X");
  ids = tern_store_list_message_ids (t->store, inbox->id, TERN_SORT_DATE, FALSE, NULL);
  m1 = g_array_index (ids, gint64, 0);
  m2 = g_array_index (ids, gint64, 1);
  from[0] = from[1] = inbox->id;

  /* Not sent yet: cancelled. */
  g_assert_true (tern_mail_move (t->store, &m1, 1, x->id, &error));
  g_assert_cmpuint (n_ops (t), ==, 1);
  g_assert_true (tern_mail_undo_move (t->store, &m1, from, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_ops (t), ==, 0);
  {
    g_autoptr(TernMessageSummary) m = tern_store_get_message (t->store, m1, NULL);
    g_assert_cmpint (m->folder_id, ==, inbox->id);
    g_assert_cmpuint (m->uid, !=, 0);
  }
  /* Sent already: moved back. */
  g_assert_true (tern_mail_move (t->store, &m2, 1, x->id, &error));
  sync_all (t);
  g_assert_cmpuint (raw_exists (t, "X"), ==, 1);
  g_assert_true (tern_mail_undo_move (t->store, &m2, from, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_ops (t), ==, 1);
  /* Delete goes to Trash; Undo brings both back. */
  g_assert_true (tern_mail_delete (t->store, &m1, 1, &error));
  g_assert_true (tern_mail_undo_move (t->store, &m1, from, 1, &error));
  g_assert_no_error (error);
  sync_all (t);
  g_assert_cmpuint (n_ops (t), ==, 0);
  g_assert_cmpuint (raw_exists (t, "INBOX"), ==, 2);
  g_assert_cmpuint (raw_exists (t, "X"), ==, 0);
  g_assert_cmpuint (raw_exists (t, "Trash"), ==, 0);
  g_assert_cmpuint (local_count (t, "INBOX"), ==, 2);
  g_assert_cmpuint (local_count (t, "X"), ==, 0);
  g_assert_cmpuint (local_count (t, "Trash"), ==, 0);
}

/* ---- SIGKILL while folder changes are replayed ---------------------------------- */

/* A fingerprint of the server's folders (their Maildir directories) and of
 * the files in Trash: it changes each time a replayed operation lands. */
static char *
server_state (TernTestAccount *t)
{
  g_autofree char *root = tern_test_servers_maildir_path (t->servers, t->user, "INBOX");
  g_autoptr(GDir) dir = g_dir_open (root, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) trash = tern_test_server_mailbox_ids (t->servers, t->user, "Trash");
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (name[0] == '.' && strcmp (name, "..") != 0 && strcmp (name, ".") != 0)
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, g_strdup_printf ("trash=%u", tern_test_count_total (trash)));
  g_ptr_array_add (names, NULL);
  return g_strjoinv ("|", (char **) names->pdata);
}

/* tern-cli replays 6 creates, 6 renames and the delete of a folder holding
 * 3 messages, and is killed each time the server changed (the worst
 * moment: done there, not yet removed from the queue). At the end the
 * server and the store hold exactly the renamed folders, the 3 messages are
 * in Trash once, and nothing is left queued or failed. */
static void
test_sigkill_during_folder_replay (void)
{
  const char *cli = g_getenv ("TERN_CLI");
  g_autoptr(TernTestAccount) t = tern_test_account_new (servers (), TERN_PROTOCOL_IMAP);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) trash = NULL;
  g_autofree char *server = NULL, *local = NULL;
  const guint n = 6, max_rounds = 60;
  guint killed = 0, rounds = 0;
  gint64 doomed;

  if (cli == NULL)
    {
      g_test_skip ("TERN_CLI is not set");
      return;
    }
  seed_inbox (t, 3);
  sync_all (t);
  doomed = tern_folder_create (t->store, t->account->id, 0, "Doomed", &error);
  g_assert_no_error (error);
  move_all (t, "INBOX", "Doomed");
  sync_all (t);
  g_assert_cmpuint (raw_exists (t, "Doomed"), ==, 3);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("F%u", i), *renamed = g_strdup_printf ("G%u", i);
      gint64 id = tern_folder_create (t->store, t->account->id, 0, name, &error);

      g_assert_no_error (error);
      g_assert_true (tern_folder_rename (t->store, id, renamed, &error));
      g_assert_no_error (error);
    }
  g_assert_true (tern_folder_delete (t->store, doomed, &error));
  g_assert_no_error (error);
  g_clear_object (&t->store);   /* tern-cli is the writer now */

  while (rounds++ < max_rounds)
    {
      const char *argv[] = { cli, "--data-dir", t->dir, "--password-store=file",
                             "sync", "test", "--folder", "INBOX", NULL };
      g_autofree char *before = server_state (t);
      g_autoptr(GSubprocess) p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                    G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
      gboolean changed = FALSE;

      g_assert_no_error (error);
      while (!changed && g_subprocess_get_identifier (p) != NULL)
        {
          g_autofree char *now = server_state (t);
          changed = g_strcmp0 (now, before) != 0;
          if (!changed)
            g_usleep (500);
        }
      if (changed)
        g_subprocess_send_signal (p, SIGKILL);
      g_subprocess_wait (p, NULL, NULL);
      if (!g_subprocess_get_if_signaled (p))
        {
          g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 0);
          break;
        }
      g_assert_cmpint (g_subprocess_get_term_sig (p), ==, SIGKILL);
      killed++;
    }
  g_test_message ("killed tern-cli folder replay %u times in %u rounds", killed, rounds);
  g_assert_cmpuint (killed, >=, 3);

  t->store = tern_store_open (t->dir, TERN_STORE_OPEN_WRITER | TERN_STORE_OPEN_CHECK, &error);
  g_assert_no_error (error);
  sync_all (t);
  g_assert_cmpuint (n_ops (t), ==, 0);
  server = server_folders (t);
  g_assert_cmpstr (server, ==, "Drafts|G0|G1|G2|G3|G4|G5|INBOX|Sent|Trash");
  local = local_folders (t);
  g_assert_cmpstr (local, ==, "Drafts|G0|G1|G2|G3|G4|G5|INBOX|Sent|Trash");
  trash = tern_test_server_mailbox_ids (t->servers, t->user, "Trash");
  g_assert_cmpuint (g_hash_table_size (trash), ==, 3);
  g_assert_cmpuint (tern_test_count_total (trash), ==, 3);
  g_assert_cmpuint (local_count (t, "Trash"), ==, 3);
}

int
main (int argc, char *argv[])
{
  signal (SIGPIPE, SIG_IGN);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/imap-folders/special-folders", test_special_folders);
  g_test_add_func ("/imap-folders/sent-copy-without-sync", test_sent_copy_without_sync);
  g_test_add_func ("/imap-folders/create-rename-delete", test_create_rename_delete);
  g_test_add_func ("/imap-folders/folder-list-keeps-queue", test_folder_list_keeps_queue);
  g_test_add_func ("/imap-folders/pop3-local", test_pop3_local_folders);
  g_test_add_func ("/imap-folders/undo", test_undo);
  g_test_add_func ("/imap-folders/sigkill-during-folder-replay", test_sigkill_during_folder_replay);
  return g_test_run ();
}
