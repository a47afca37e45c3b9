/* tern-cli ops (issue 12): the changes waiting for the server, held ones
 * marked with their reason; "discard" drops a held one and refuses one that
 * is still to be sent. The store is built with the store API; no server is
 * needed (what a held change is against Dovecot: /imap-sync/discard-held). */
#include <glib.h>

#include "store/tern-store.h"
#include "tern-test-cli.h"

#define REASON "the server renumbered the folder INBOX"

static gint64
enqueue (TernStore *store, gint64 account_id, gboolean held)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  TernPendingOp op = { 0 }, *saved;
  gint64 id;

  op.account_id = account_id;
  op.kind = TERN_PENDING_MOVE;
  op.folder_path = (char *) "INBOX";
  op.dest_path = (char *) "Archive";
  op.uids = (char *) "7";
  id = tern_store_enqueue_op (store, &op, &error);
  g_assert_no_error (error);
  if (!held)
    return id;
  ops = tern_store_list_ops (store, account_id, &error);
  saved = g_ptr_array_index (ops, ops->len - 1);
  saved->held = TRUE;
  saved->last_error = g_strdup (REASON);
  g_assert_true (tern_store_update_op (store, saved, &error));
  return id;
}

static void
test_ops (void)
{
  g_autofree char *dir = tern_test_cli_data_dir_new ("ops");
  g_autofree char *out = NULL, *err = NULL, *held_id = NULL, *queued_id = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = tern_account_settings_new ();
  TernStore *store = tern_store_open (dir, TERN_STORE_OPEN_WRITER, &error);
  gint64 account_id;

  g_assert_no_error (error);
  a->name = g_strdup ("Demo");
  a->email = g_strdup ("demo@localhost");
  a->incoming_host = g_strdup ("localhost");
  a->incoming_user = g_strdup ("demo");
  account_id = tern_store_add_account (store, a, &error);
  g_assert_no_error (error);
  held_id = g_strdup_printf ("%" G_GINT64_FORMAT, enqueue (store, account_id, TRUE));
  queued_id = g_strdup_printf ("%" G_GINT64_FORMAT, enqueue (store, account_id, FALSE));
  g_object_unref (store);

  g_assert_cmpint (tern_test_cli_run (dir, NULL, &out, &err, "ops", "Demo", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\theld\tmove\tINBOX -> Archive"));
  g_assert_nonnull (strstr (out, REASON));
  g_assert_nonnull (strstr (out, "\tqueued\tmove"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Not held: still the server's to do. */
  g_assert_cmpint (tern_test_cli_run (dir, NULL, &out, &err, "ops", "Demo", "discard", queued_id, NULL),
                   !=, 0);
  g_assert_nonnull (strstr (err, "only a change Tern held back can be discarded"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (tern_test_cli_run (dir, NULL, &out, &err, "ops", "Demo", "discard", "x", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (tern_test_cli_run (dir, NULL, &out, &err, "ops", "Demo", "discard", held_id, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Nothing was changed on the server"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (tern_test_cli_run (dir, NULL, &out, &err, "ops", "Demo", NULL), ==, 0);
  g_assert_null (strstr (out, "held"));
  g_assert_nonnull (strstr (out, "\tqueued\tmove"));
  tern_test_cli_data_dir_remove (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/ops", test_ops);
  return g_test_run ();
}
