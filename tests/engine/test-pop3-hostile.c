/* Hostile POP3 servers (scripted): malformed LIST/UIDL lines, absurd sizes,
 * a missing terminator, a connection cut mid-message. Each must end in a
 * clear error with nothing partial stored. Run under ASan (the build does):
 * libetpan 1.9.4 writes out of bounds on a LIST line numbered 0, which Tern
 * must never reach. */
#include <glib/gstdio.h>
#include <signal.h>

#include "tern-account-connect.h"
#include "tern-error.h"
#include "tern-pop3-fetch.h"
#include "tern-test-fake-server.h"

#define LOGIN_STEPS \
  { "CAPA", "+OK\r\nUSER\r\nUIDL\r\n.\r\n" }, \
  { "USER", "+OK\r\n" }, \
  { "PASS", "+OK logged in\r\n" }, \
  { "QUIT", "+OK bye\r\n" }

#define MESSAGE "Message-ID: <m1@fake>\r\nSubject: hi\r\n\r\nbody\r\n"

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
  return g_test_run ();
}
