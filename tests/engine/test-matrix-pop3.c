/* The POP3 matrix: leave on server, leave off, and retention days, against
 * every POP3 server of the harness (Dovecot, Cyrus, Courier, GNU Mailutils).
 * Test paths name the server: /matrix-pop3/<server>/<check>; meson runs one
 * test per server. Mail is put in and looked at over the server's IMAP side,
 * the same mailbox its POP3 serves. */
#include <signal.h>

#include "account/tern-account-connect.h"
#include "pop3/tern-pop3-fetch.h"
#include "tern-test-matrix-account.h"
#include "tern-test-messages.h"

#define DAY 86400

typedef void (*CheckFunc) (TernMatrixAccount *t);

static void
fetch_ok (TernMatrixAccount *t, gint64 now, guint expect_downloaded, guint expect_deleted)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernPop3Fetch) f = tern_pop3_fetch_new (t->store, t->account);
  mailpop3 *pop3 = tern_account_connect_pop3 (t->account, t->secrets, NULL, NULL, &error);
  TernPop3FetchResult r;

  g_assert_no_error (error);
  tern_pop3_fetch_set_now (f, now);
  tern_pop3_fetch_set_batch (f, 7, 1024 * 1024);
  g_assert_true (tern_pop3_fetch_run (f, pop3, NULL, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.downloaded, ==, expect_downloaded);
  g_assert_cmpuint (r.deleted, ==, expect_deleted);
}

static GHashTable *
local_ids (TernMatrixAccount *t)
{
  g_autoptr(GError) error = NULL;
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(TernFolder) inbox = tern_store_get_folder_by_role (t->store, t->account->id,
                                                               TERN_FOLDER_ROLE_INBOX, &error);
  g_autoptr(GArray) list = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  g_assert_no_error (error);
  list = tern_store_list_message_ids (t->store, inbox->id, TERN_SORT_DATE, FALSE, &error);
  g_assert_no_error (error);
  rows = tern_store_get_summaries (t->store, (gint64 *) list->data, list->len, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      TernMessageSummary *m = g_ptr_array_index (rows, i);
      const char *id = m->message_id ? m->message_id : "(none)";
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (ids, id));

      g_hash_table_replace (ids, g_strdup (id), GUINT_TO_POINTER (n + 1));
    }
  return ids;
}

static GHashTable *
server_ids (TernMatrixAccount *t)
{
  mailimap *imap = tern_matrix_imap (t);
  GHashTable *ids = tern_matrix_imap_message_ids (imap, "INBOX");

  tern_matrix_imap_close (imap);
  return ids;
}

/* Generated messages first..first+n-1 are in @ids exactly once, and nothing else. */
static void
assert_exactly (TernMatrixAccount *t, GHashTable *ids, guint first, guint n)
{
  for (guint i = first; i < first + n; i++)
    {
      g_autofree char *id = tern_test_message_id (i, TERN_MATRIX_SEED);
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (ids, id));

      if (count != 1)
        g_error ("%s: message %u (%s) is there %u times", tern_test_mail_server_name (t->server),
                 i, id, count);
    }
  g_assert_cmpuint (g_hash_table_size (ids), ==, n);
}

static void
check_leave_off (TernMatrixAccount *t)
{
  g_autoptr(GHashTable) local = NULL, server = NULL;

  t->account->pop3_leave_on_server = FALSE;
  tern_matrix_account_save (t);
  tern_matrix_seed (t, "INBOX", 0, 12);
  fetch_ok (t, 0, 12, 12);
  local = local_ids (t);
  assert_exactly (t, local, 0, 12);
  server = server_ids (t);
  g_assert_cmpuint (g_hash_table_size (server), ==, 0);
  fetch_ok (t, 0, 0, 0);
}

static void
check_leave_on (TernMatrixAccount *t)
{
  g_autoptr(GHashTable) local = NULL, server = NULL;

  t->account->pop3_leave_on_server = TRUE;
  t->account->pop3_delete_after_days = 0;
  tern_matrix_account_save (t);
  tern_matrix_seed (t, "INBOX", 0, 8);
  fetch_ok (t, 0, 8, 0);
  fetch_ok (t, 0, 0, 0);
  tern_matrix_seed (t, "INBOX", 8, 4);
  fetch_ok (t, 0, 4, 0);
  local = local_ids (t);
  assert_exactly (t, local, 0, 12);
  server = server_ids (t);
  assert_exactly (t, server, 0, 12);
  /* Forever means forever: years later nothing was deleted. */
  fetch_ok (t, g_get_real_time () / G_USEC_PER_SEC + 3650 * DAY, 0, 0);
}

static void
check_retention (TernMatrixAccount *t)
{
  g_autoptr(GHashTable) local = NULL, server = NULL;
  gint64 t0 = 1700000000;

  t->account->pop3_leave_on_server = TRUE;
  t->account->pop3_delete_after_days = 3;
  tern_matrix_account_save (t);
  tern_matrix_seed (t, "INBOX", 0, 6);
  fetch_ok (t, t0, 6, 0);
  tern_matrix_seed (t, "INBOX", 6, 4);
  fetch_ok (t, t0 + 2 * DAY, 4, 0);       /* the first six are two days old */
  fetch_ok (t, t0 + 3 * DAY - 1, 0, 0);   /* one second short */
  fetch_ok (t, t0 + 3 * DAY, 0, 6);       /* the first six expire */
  server = server_ids (t);
  assert_exactly (t, server, 6, 4);
  fetch_ok (t, t0 + 5 * DAY, 0, 4);
  local = local_ids (t);
  assert_exactly (t, local, 0, 10);
  g_clear_pointer (&server, g_hash_table_unref);
  server = server_ids (t);
  g_assert_cmpuint (g_hash_table_size (server), ==, 0);
}

static void
run_case (gconstpointer data)
{
  const TernMatrixCase *c = data;
  TernTestMailServer *server = tern_matrix_server (c->kind);
  g_autoptr(TernMatrixAccount) t = NULL;

  if (server == NULL)
    return;
  t = tern_matrix_account_new (server, TERN_PROTOCOL_POP3);
  g_test_message ("%s", tern_test_mail_server_name (server));
  ((CheckFunc) c->run) (t);
}

int
main (int argc, char *argv[])
{
  static const TernMatrixServer servers[] = {
    { TERN_TEST_SERVER_DOVECOT, "dovecot" },
    { TERN_TEST_SERVER_CYRUS, "cyrus" },
    { TERN_TEST_SERVER_COURIER, "courier" },
    { TERN_TEST_SERVER_MAILUTILS, "mailutils" },
  };
  static const TernMatrixCheck checks[] = {
    { "leave-off", check_leave_off },
    { "leave-on", check_leave_on },
    { "retention-days", check_retention },
  };

  signal (SIGPIPE, SIG_IGN);
  g_test_init (&argc, &argv, NULL);
  tern_matrix_add_cases ("pop3", servers, G_N_ELEMENTS (servers), checks, G_N_ELEMENTS (checks),
                         run_case);
  return g_test_run ();
}
