/* Hostile POP3 servers (scripted): malformed LIST/UIDL lines, absurd sizes,
 * a missing terminator, a connection cut mid-message. Each must end in a
 * clear error with nothing partial stored. Run under ASan (the build does):
 * libetpan 1.9.4 writes out of bounds on a LIST line numbered 0, which Tern
 * must never reach. */
#include <glib/gstdio.h>
#include <signal.h>

#include "account/tern-account-connect.h"
#include "core/tern-error.h"
#include "pop3/tern-pop3-fetch.h"
#include "tern-test-fake-server.h"

#define LOGIN_STEPS \
  { "CAPA", "+OK\r\nUSER\r\nUIDL\r\n.\r\n" }, \
  { "USER", "+OK\r\n" }, \
  { "PASS", "+OK logged in\r\n" }, \
  { "QUIT", "+OK bye\r\n" }

#define MESSAGE "Message-ID: <m1@fake>\r\nSubject: hi\r\n\r\nbody\r\n"

/* 600 digits: a LIST line longer than RFC 2449's 512 bytes. */
#define TEN_DIGITS "1234567890"
#define SIXTY_DIGITS TEN_DIGITS TEN_DIGITS TEN_DIGITS TEN_DIGITS TEN_DIGITS TEN_DIGITS
#define LONG_DIGITS SIXTY_DIGITS SIXTY_DIGITS SIXTY_DIGITS SIXTY_DIGITS SIXTY_DIGITS \
  SIXTY_DIGITS SIXTY_DIGITS SIXTY_DIGITS SIXTY_DIGITS SIXTY_DIGITS

typedef struct {
  const char *name;
  TernFakeStep steps[8];
  gboolean leave_on_server;
  gsize max_size;
  int expected_code;
} HostileCase;

static const HostileCase cases[] = {
  { "list-number-zero", { LOGIN_STEPS, { "LIST", "+OK\r\n0 100\r\n1 100\r\n.\r\n" } },
    TRUE, 0, TERN_ERROR_PROTOCOL },
  { "list-negative-size", { LOGIN_STEPS, { "LIST", "+OK\r\n1 -5\r\n.\r\n" } },
    TRUE, 0, TERN_ERROR_PROTOCOL },
  { "list-huge-size", { LOGIN_STEPS, { "LIST", "+OK\r\n1 999999999999999999999999\r\n.\r\n" } },
    TRUE, 0, TERN_ERROR_PROTOCOL },
  { "list-out-of-order", { LOGIN_STEPS, { "LIST", "+OK\r\n2 10\r\n1 10\r\n.\r\n" } },
    TRUE, 0, TERN_ERROR_PROTOCOL },
  { "list-garbage", { LOGIN_STEPS, { "LIST", "+OK\r\nhello world\r\n.\r\n" } },
    TRUE, 0, TERN_ERROR_PROTOCOL },
  { "list-line-too-long", { LOGIN_STEPS, { "LIST", "+OK\r\n1 " LONG_DIGITS "\r\n.\r\n" } },
    TRUE, 0, TERN_ERROR_PROTOCOL },
  { "uidl-more-than-listed", { LOGIN_STEPS, { "LIST", "+OK\r\n1 40\r\n.\r\n" },
      { "UIDL", "+OK\r\n1 abc\r\n1 abd\r\n1 abe\r\n.\r\n" } }, TRUE, 0, TERN_ERROR_PROTOCOL },
  { "list-cut", { LOGIN_STEPS, { "LIST", "+OK\r\n1 10\r\n{close}" } },
    TRUE, 0, TERN_ERROR_CONNECTION_LOST },
  { "uidl-number-zero", { LOGIN_STEPS, { "LIST", "+OK\r\n1 40\r\n.\r\n" },
      { "UIDL", "+OK\r\n0 abc\r\n.\r\n" } }, TRUE, 0, TERN_ERROR_PROTOCOL },
  { "uidl-unlisted", { LOGIN_STEPS, { "LIST", "+OK\r\n1 40\r\n.\r\n" },
      { "UIDL", "+OK\r\n1 abc\r\n7 def\r\n.\r\n" } }, TRUE, 0, TERN_ERROR_PROTOCOL },
  { "uidl-duplicate", { LOGIN_STEPS, { "LIST", "+OK\r\n1 40\r\n2 40\r\n.\r\n" },
      { "UIDL", "+OK\r\n1 abc\r\n2 abc\r\n.\r\n" } }, TRUE, 0, TERN_ERROR_PROTOCOL },
  { "no-uidl-leave-on", { LOGIN_STEPS, { "LIST", "+OK\r\n1 40\r\n.\r\n" },
      { "UIDL", "-ERR what is that\r\n" } }, TRUE, 0, TERN_ERROR_UNSUPPORTED },
  { "too-large", { LOGIN_STEPS, { "LIST", "+OK\r\n1 5000\r\n.\r\n" },
      { "UIDL", "+OK\r\n1 abc\r\n.\r\n" } }, TRUE, 1000, TERN_ERROR_TOO_LARGE },
  { "missing-terminator", { LOGIN_STEPS, { "LIST", "+OK\r\n1 40\r\n.\r\n" },
      { "UIDL", "+OK\r\n1 abc\r\n.\r\n" }, { "RETR", "+OK\r\n" MESSAGE "{close}" } },
    FALSE, 0, TERN_ERROR_CONNECTION_LOST },
  { "cut-mid-message", { LOGIN_STEPS, { "LIST", "+OK\r\n1 40\r\n.\r\n" },
      { "UIDL", "+OK\r\n1 abc\r\n.\r\n" }, { "RETR", "+OK\r\nSubject: hi\r\n\r\nhalf a li{close}" } },
    FALSE, 0, TERN_ERROR_CONNECTION_LOST },
  { "grows-past-limit", { LOGIN_STEPS, { "LIST", "+OK\r\n1 40\r\n.\r\n" },
      { "UIDL", "+OK\r\n1 abc\r\n.\r\n" },
      { "RETR", "+OK\r\n" MESSAGE MESSAGE MESSAGE MESSAGE MESSAGE ".\r\n" } },
    FALSE, 100, TERN_ERROR_PROTOCOL },
  { "retr-bad-status", { LOGIN_STEPS, { "LIST", "+OK\r\n1 40\r\n.\r\n" },
      { "UIDL", "+OK\r\n1 abc\r\n.\r\n" }, { "RETR", "HELLO\r\n" MESSAGE ".\r\n" } },
    FALSE, 0, TERN_ERROR_PROTOCOL },
};

static void
test_case (gconstpointer data)
{
  const HostileCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tern-hostile-XXXXXX", NULL);
  g_autoptr(TernStore) store = tern_store_open (dir, TERN_STORE_OPEN_WRITER, &error);
  g_autoptr(TernAccountSettings) a = tern_account_settings_new ();
  g_autoptr(TernPop3Fetch) f = NULL;
  g_autoptr(TernFolder) inbox = NULL;
  g_autoptr(GPtrArray) uidls = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  TernFakeServer *server = tern_fake_server_start ("+OK fake POP3\r\n", c->steps);
  TernServerConfig cfg;
  mailpop3 *pop3;

  g_assert_no_error (error);
  a->name = g_strdup ("fake");
  a->protocol = TERN_PROTOCOL_POP3;
  a->incoming_host = g_strdup ("127.0.0.1");
  a->incoming_port = tern_fake_server_port (server);
  a->incoming_security = TERN_SECURITY_NONE;
  a->incoming_user = g_strdup ("user");
  a->smtp_host = g_strdup ("127.0.0.1");
  a->smtp_port = 25;
  a->pop3_leave_on_server = c->leave_on_server;
  tern_store_add_account (store, a, &error);
  g_assert_no_error (error);

  tern_account_incoming_config (a, &cfg);
  cfg.timeout_seconds = 20;
  pop3 = tern_pop3_connect (&cfg, "secret", NULL, NULL, &error);
  g_assert_no_error (error);
  f = tern_pop3_fetch_new (store, a);
  if (c->max_size)
    tern_pop3_fetch_set_max_message_size (f, c->max_size);
  g_assert_false (tern_pop3_fetch_run (f, pop3, NULL, NULL, &error));
  g_test_message ("%s: %s", c->name, error->message);
  g_assert_error (error, TERN_ERROR, c->expected_code);
  lines = tern_fake_server_finish (server);
  g_assert_false (tern_fake_lines_have (lines, "DELE"));
  g_clear_error (&error);

  /* Nothing partial: no message, no UIDL. */
  inbox = tern_store_get_folder_by_role (store, a->id, TERN_FOLDER_ROLE_INBOX, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inbox->total_count, ==, 0);
  uidls = tern_store_list_uidls (store, a->id, &error);
  g_assert_cmpuint (uidls->len, ==, 0);
  g_clear_object (&store);
  {
    g_autofree char *db = g_build_filename (dir, "tern.db", NULL);
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);
    g_unlink (db), g_unlink (wal), g_unlink (shm);
    g_rmdir (dir);
  }
}

/* ---- When DELE goes out ---------------------------------------------------- */

#define MESSAGE2 "Message-ID: <m2@fake>\r\nSubject: ho\r\n\r\nbody\r\n"
#define TWO_LISTED \
  { "LIST", "+OK\r\n1 40\r\n2 40\r\n.\r\n" }, \
  { "UIDL", "+OK\r\n1 abc\r\n2 def\r\n.\r\n" }, \
  { "RETR 1", "+OK\r\n" MESSAGE ".\r\n" }

static TernStore *
open_fake_account (const char *dir, TernFakeServer *server, TernAccountSettings **out)
{
  g_autoptr(GError) error = NULL;
  TernStore *store = tern_store_open (dir, TERN_STORE_OPEN_WRITER, &error);
  TernAccountSettings *a = tern_account_settings_new ();

  g_assert_no_error (error);
  a->name = g_strdup ("fake");
  a->protocol = TERN_PROTOCOL_POP3;
  a->incoming_host = g_strdup ("127.0.0.1");
  a->incoming_port = tern_fake_server_port (server);
  a->incoming_security = TERN_SECURITY_NONE;
  a->incoming_user = g_strdup ("user");
  a->smtp_host = g_strdup ("127.0.0.1");
  a->smtp_port = 25;
  a->pop3_leave_on_server = FALSE;
  tern_store_add_account (store, a, &error);
  g_assert_no_error (error);
  *out = a;
  return store;
}

/* Downloads from @server in batches of one message. */
static gboolean
fetch_one_by_one (TernStore *store, TernAccountSettings *a, GError **error)
{
  g_autoptr(TernPop3Fetch) f = tern_pop3_fetch_new (store, a);
  TernServerConfig cfg;
  mailpop3 *pop3;

  tern_account_incoming_config (a, &cfg);
  cfg.timeout_seconds = 20;
  pop3 = tern_pop3_connect (&cfg, "secret", NULL, NULL, error);
  g_assert_nonnull (pop3);
  tern_pop3_fetch_set_batch (f, 1, 1024 * 1024);
  return tern_pop3_fetch_run (f, pop3, NULL, NULL, error);
}

static guint
stored_uidls (TernStore *store, TernAccountSettings *a)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) uidls = tern_store_list_uidls (store, a->id, &error);

  g_assert_no_error (error);
  return uidls->len;
}

static void
remove_store_dir (const char *dir)
{
  g_autofree char *db = g_build_filename (dir, "tern.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);

  g_unlink (db), g_unlink (wal), g_unlink (shm);
  g_rmdir (dir);
}

/* Batches are stored while later ones download; the DELEs wait until every
 * batch is committed, so they all come after the last RETR. */
static void
test_dele_after_all_commits (void)
{
  static const TernFakeStep steps[] = {
    LOGIN_STEPS, TWO_LISTED, { "RETR 2", "+OK\r\n" MESSAGE2 ".\r\n" },
    { "DELE", "+OK\r\n" }, { NULL, NULL } };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tern-hostile-XXXXXX", NULL);
  TernFakeServer *server = tern_fake_server_start ("+OK fake POP3\r\n", steps);
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(TernStore) store = open_fake_account (dir, server, &a);
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(TernFolder) inbox = NULL;
  guint last_retr = 0, first_dele = G_MAXUINT, deles = 0;

  g_assert_true (fetch_one_by_one (store, a, &error));
  g_assert_no_error (error);
  lines = tern_fake_server_finish (server);
  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      if (g_str_has_prefix (line, "RETR"))
        last_retr = i;
      if (g_str_has_prefix (line, "DELE"))
        first_dele = MIN (first_dele, i), deles++;
    }
  g_assert_cmpuint (deles, ==, 2);
  g_assert_cmpuint (last_retr, <, first_dele);
  g_assert_true (tern_fake_lines_have (lines, "QUIT"));
  /* Both stored; their UIDLs are forgotten after QUIT confirmed the deletions. */
  inbox = tern_store_get_folder_by_role (store, a->id, TERN_FOLDER_ROLE_INBOX, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inbox->total_count, ==, 2);
  g_assert_cmpuint (stored_uidls (store, a), ==, 0);
  g_clear_object (&store);
  remove_store_dir (dir);
}

/* A download that breaks off in the second batch keeps the first batch
 * (committed with its UIDL) and deletes nothing, not even the message
 * that is stored: no QUIT would apply it, and a DELE only ever follows a
 * finished download. The next run does not fetch it again. */
static void
test_no_dele_after_broken_download (void)
{
  static const TernFakeStep steps[] = {
    LOGIN_STEPS, TWO_LISTED, { "RETR 2", "+OK\r\nSubject: ho\r\n\r\nhalf a li{close}" },
    { "DELE", "+OK\r\n" }, { NULL, NULL } };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tern-hostile-XXXXXX", NULL);
  TernFakeServer *server = tern_fake_server_start ("+OK fake POP3\r\n", steps);
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(TernStore) store = open_fake_account (dir, server, &a);
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(TernFolder) inbox = NULL;

  g_assert_false (fetch_one_by_one (store, a, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_CONNECTION_LOST);
  g_clear_error (&error);
  lines = tern_fake_server_finish (server);
  g_assert_false (tern_fake_lines_have (lines, "DELE"));
  inbox = tern_store_get_folder_by_role (store, a->id, TERN_FOLDER_ROLE_INBOX, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inbox->total_count, ==, 1);
  g_assert_cmpuint (stored_uidls (store, a), ==, 1);
  g_clear_object (&store);
  remove_store_dir (dir);
}

int
main (int argc, char **argv)
{
  signal (SIGPIPE, SIG_IGN);
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pop3-hostile/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/pop3-dele/after-all-commits", test_dele_after_all_commits);
  g_test_add_func ("/pop3-dele/none-after-broken-download", test_no_dele_after_broken_download);
  return g_test_run ();
}
