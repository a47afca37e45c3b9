/* Hostile IMAP servers (scripted): malformed greetings and response codes,
 * unbalanced parentheses, absurd numbers, literals cut off or absurdly
 * large, unsolicited responses and BYE in the middle of a fetch, odd folder
 * names, extensions claimed and then refused, a server that trickles.
 *
 * Each case must end in a clear TERN_ERROR (code and a readable message),
 * or in a sane result where the reply is odd but valid; never a crash, never
 * a hang (every case runs under its own alarm) and never unbounded memory
 * (the peak RSS is checked after every case). Run under ASan (the build
 * does). A case that crashes libetpan 1.9.4 itself runs in a child process:
 * the child dies, this process does not. */
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/tern-error.h"
#include "imap/tern-imap-connect.h"
#include "imap/tern-imap-sync.h"
#include "account/tern-account-connect.h"
#include "account/tern-mail-actions.h"
#include "store/tern-store.h"
#include "tern-test-fake-server.h"

/* The test's own deadline for one case: a hang fails the test. */
#define CASE_ALARM_SECONDS 60
/* More than any case may need; far less than a claimed literal would take. */
#define MAX_RSS_KB (600 * 1024)

#define GREETING "* OK [CAPABILITY IMAP4rev1] fake IMAP ready\r\n"
#define CAPS "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n"
#define LOGIN_STEPS \
  { "CAPABILITY", CAPS }, \
  { "LOGIN", "{tag} OK logged in\r\n" }, \
  { "LOGOUT", "* BYE see you\r\n{tag} OK bye\r\n{close}" }
/* With Trash, Sent and Drafts, so that the folder sync has no CREATE to
 * send (issue 12 5, issue 18). */
#define INBOX_LIST \
  { "LIST", "* LIST () \"/\" INBOX\r\n* LIST (\\Trash) \"/\" Trash\r\n" \
            "* LIST (\\Sent) \"/\" Sent\r\n* LIST (\\Drafts) \"/\" Drafts\r\n{tag} OK done\r\n" }, \
  { "LSUB", "* LSUB () \"/\" INBOX\r\n{tag} OK done\r\n" }
/* A server without special folders: the folder sync creates Sent, Drafts
 * and Trash (issue 12 item 5, issue 18). */
#define ONE_CREATED \
  { "CREATE", "{tag} OK created\r\n" }, \
  { "SUBSCRIBE", "{tag} OK subscribed\r\n" }
#define TRASH_CREATED ONE_CREATED, ONE_CREATED, ONE_CREATED
#define SELECT_ONE \
  { "SELECT", "* 1 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 7] v\r\n* OK [UIDNEXT 2] n\r\n" \
              "{tag} OK [READ-WRITE] selected\r\n" }
#define LIST_NEW "UID FETCH 1:* (UID RFC822.SIZE"
#define NEW_ONE { LIST_NEW, "* 1 FETCH (UID 1 RFC822.SIZE 40 INTERNALDATE " \
                            "\"01-Jan-2024 10:00:00 +0000\")\r\n{tag} OK done\r\n" }
#define MESSAGE "Subject: hi\r\nMessage-ID: <m1@fake>\r\n\r\nbody\r\n"  /* 44 bytes */
#define BODY_ITEM "* 1 FETCH (UID 1 FLAGS () RFC822.SIZE 44 INTERNALDATE " \
                  "\"01-Jan-2024 10:00:00 +0000\" BODY[] {44}\r\n" MESSAGE ")\r\n"
#define BODY_OK { "UID FETCH 1 ", BODY_ITEM "{tag} OK done\r\n" }
#define MOVE_CAPS { "CAPABILITY", "* CAPABILITY IMAP4rev1 MOVE UIDPLUS\r\n{tag} OK done\r\n" }
#define SYNC_STEPS(body) LOGIN_STEPS, INBOX_LIST, SELECT_ONE, NEW_ONE, { "UID FETCH 1 ", body }

typedef enum {
  ACT_CONNECT,       /* greeting, capabilities, login */
  ACT_LIST,          /* + folder list */
  ACT_SYNC,          /* + sync INBOX */
  ACT_MOVE,          /* + sync INBOX, move its message to Archive, replay */
  ACT_OPEN,          /* + sync INBOX, then download message UID 1 (opened) */
} Action;

typedef struct {
  const char *name;
  const char *greeting;
  TernFakeStep steps[12];
  Action action;
  int code;                  /* expected TERN_ERROR code; -1: must succeed */
  const char *says;          /* expected words in the message, or NULL */
  guint messages;            /* with success: messages stored in INBOX */
  guint queued;              /* with success: operations still queued */
} HostileCase;

static const HostileCase cases[] = {
  /* ---- Greeting and response codes ---- */
  { "greeting-garbage", "HELLO THERE\r\n", { LOGIN_STEPS }, ACT_CONNECT,
    TERN_ERROR_PROTOCOL, "is not an IMAP server" },
  { "greeting-bye", "* BYE too many connections from your address\r\n", { LOGIN_STEPS },
    ACT_CONNECT, TERN_ERROR_CONNECTION_REFUSED, "too many connections" },
  { "greeting-cut", "* OK [CAPABILITY IMAP4r{close}", { LOGIN_STEPS }, ACT_CONNECT,
    TERN_ERROR_CONNECTION_LOST, "closed by the server" },
  { "greeting-empty-close", "{close}", { LOGIN_STEPS }, ACT_CONNECT,
    TERN_ERROR_CONNECTION_LOST, "closed by the server" },
  /* libetpan reads a broken code as plain text: fine, the session goes on. */
  { "greeting-unbalanced-code", "* OK [CAPABILITY IMAP4rev1 x\r\n", { LOGIN_STEPS },
    ACT_CONNECT, -1, NULL },
  { "greeting-unknown-code", "* OK [FROBNICATE 1 2 3] hi\r\n", { LOGIN_STEPS }, ACT_CONNECT,
    -1, NULL },
  { "capability-garbage", GREETING, { { "CAPABILITY", "* CAPABILITY (((\r\n{tag} OK\r\n" },
      LOGIN_STEPS }, ACT_CONNECT, TERN_ERROR_PROTOCOL, NULL },
  /* Crashed libetpan 1.9.4 (NULL in mailimap_capability); found by fuzz-imap. */
  { "capability-never-sent", "* OK hello\r\n", { { "CAPABILITY", "{tag} OK done\r\n" },
      LOGIN_STEPS }, ACT_CONNECT, -1, NULL },
  { "capability-missing", GREETING, { { "CAPABILITY", "{tag} OK done\r\n" }, LOGIN_STEPS },
    ACT_CONNECT, -1, NULL },
  /* Crashed libetpan 1.9.4 (NULL in mailimap_capability); found by fuzz-imap. */
  { "capability-empty", GREETING, { { "CAPABILITY", "* CAPABILITY\r\n{tag} OK done\r\n" },
      LOGIN_STEPS }, ACT_CONNECT, TERN_ERROR_PROTOCOL, "empty list of capabilities" },
  { "greeting-empty-capability-code", "* OK [CAPABILITY] hi\r\n", { LOGIN_STEPS },
    ACT_CONNECT, -1, NULL },
  { "login-no-tag", GREETING, { { "CAPABILITY", CAPS }, { "LOGIN", "OK whatever\r\n" } },
    ACT_CONNECT, TERN_ERROR_PROTOCOL, NULL },
  { "login-bye", GREETING, { { "CAPABILITY", CAPS },
      { "LOGIN", "* BYE account locked, call the help desk\r\n{close}" } },
    ACT_CONNECT, TERN_ERROR_CONNECTION_LOST, "account locked, call the help desk" },
  { "trickle", GREETING, { { "CAPABILITY", "{trickle}* CAPABILITY IMAP4rev1 AUTH=PLAIN "
                             "XAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n"
                             "{tag} OK done\r\n" }, LOGIN_STEPS }, ACT_CONNECT,
    TERN_ERROR_TIMED_OUT, "too slowly" },

  /* ---- Numbers ---- */
  { "select-huge-exists", GREETING, { LOGIN_STEPS, INBOX_LIST,
      { "SELECT", "* 99999999999999999999999 EXISTS\r\n{tag} OK selected\r\n" }, NEW_ONE,
      BODY_OK }, ACT_SYNC, TERN_ERROR_PROTOCOL, "too large to be true" },
  /* Read as a response code libetpan does not know: no UIDVALIDITY at all. */
  { "select-negative-uidvalidity", GREETING, { LOGIN_STEPS, INBOX_LIST,
      { "SELECT", "* 1 EXISTS\r\n* OK [UIDVALIDITY -7] v\r\n{tag} OK selected\r\n" }, NEW_ONE,
      BODY_OK }, ACT_SYNC, -1, NULL, 1 },
  { "fetch-huge-uid", GREETING, { LOGIN_STEPS, INBOX_LIST, SELECT_ONE,
      { LIST_NEW, "* 1 FETCH (UID 999999999999999999999 RFC822.SIZE 40)\r\n{tag} OK done\r\n" },
      BODY_OK }, ACT_SYNC, TERN_ERROR_PROTOCOL, "too large to be true" },

  /* ---- Literals ---- */
  { "literal-cut", GREETING, { SYNC_STEPS ("* 1 FETCH (UID 1 BODY[] {44}\r\nSubject: hi\r\n{close}") },
    ACT_SYNC, TERN_ERROR_CONNECTION_LOST, "closed by the server" },
  { "literal-huge-claim", GREETING, { SYNC_STEPS ("* 1 FETCH (UID 1 BODY[] {4000000000}\r\nab{close}") },
    ACT_SYNC, TERN_ERROR_TOO_LARGE, "larger than" },
  { "literal-absurd-claim", GREETING,
    { SYNC_STEPS ("* 1 FETCH (UID 1 BODY[] {99999999999999999999999999}\r\nab{close}") },
    ACT_SYNC, TERN_ERROR_TOO_LARGE, "larger than" },
  { "literal-negative", GREETING, { SYNC_STEPS ("* 1 FETCH (UID 1 BODY[] {-5}\r\nabc)\r\n{tag} OK\r\n") },
    ACT_SYNC, TERN_ERROR_PROTOCOL, NULL },
  { "fetch-unbalanced", GREETING, { SYNC_STEPS ("* 1 FETCH (UID 1 FLAGS (\\Seen BODY[] {44}\r\n"
                                                 MESSAGE "\r\n{tag} OK done\r\n") },
    ACT_SYNC, TERN_ERROR_PROTOCOL, NULL },

  /* A 200 MB message keeps its headers (BODY.PEEK[HEADER], no body asked
   * for) and opening it says why it is not there. */
  { "message-over-limit", GREETING, { LOGIN_STEPS, INBOX_LIST, SELECT_ONE,
      { LIST_NEW, "* 1 FETCH (UID 1 RFC822.SIZE 200000000 INTERNALDATE "
                  "\"01-Jan-2024 10:00:00 +0000\")\r\n{tag} OK done\r\n" },
      { "UID FETCH 1 (UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER]",
        "* 1 FETCH (UID 1 FLAGS () RFC822.SIZE 200000000 BODY[HEADER] {44}\r\n" MESSAGE
        " BODYSTRUCTURE (\"text\" \"plain\" NIL NIL NIL \"7bit\" 200000000 1))\r\n"
        "{tag} OK done\r\n" } }, ACT_OPEN, TERN_ERROR_TOO_LARGE, "190 MB" },

  /* ---- Unsolicited responses in the middle of a fetch ---- */
  { "unsolicited-fetch-flags", GREETING,
    { SYNC_STEPS ("* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n" BODY_ITEM "{tag} OK done\r\n") },
    ACT_SYNC, -1, NULL, 1 },
  { "unsolicited-expunge", GREETING,
    { SYNC_STEPS ("* 5 EXPUNGE\r\n" BODY_ITEM "{tag} OK done\r\n") }, ACT_SYNC, -1, NULL, 1 },
  { "unsolicited-exists", GREETING,
    { SYNC_STEPS (BODY_ITEM "* 4000000000 EXISTS\r\n{tag} OK done\r\n") }, ACT_SYNC, -1, NULL, 1 },
  { "bye-mid-fetch", GREETING,
    { SYNC_STEPS ("* BYE server shutting down for maintenance\r\n{close}") }, ACT_SYNC,
    TERN_ERROR_CONNECTION_LOST, "server shutting down for maintenance" },
  { "bye-inside-literal-text", GREETING,
    { SYNC_STEPS ("* 1 FETCH (UID 1 BODY[] {20}\r\n* BYE not a bye\r\n{close}") }, ACT_SYNC,
    TERN_ERROR_CONNECTION_LOST, "closed by the server during" },
  { "fetch-no", GREETING, { SYNC_STEPS ("{tag} NO [SERVERBUG] the disk is on fire\r\n") },
    ACT_SYNC, TERN_ERROR_FAILED, "the disk is on fire" },

  /* ---- Folder names ---- */
  { "list-odd-names", GREETING, { LOGIN_STEPS,
      { "LIST", "* LIST () \"/\" INBOX\r\n* LIST () \"/\" \"..\"\r\n* LIST () \"/\" \"/\"\r\n"
                "* LIST () \"/\" \"a/../../etc\"\r\n* LIST () \"/\" {5}\r\nx\"y\"z\r\n"
                "* LIST () \"/\" \"Bad&-&AAA\"\r\n* LIST () \"/\" \"&Jjo-!\"\r\n"
                "* LIST () NIL \"quoted \\\"name\\\"\"\r\n{tag} OK done\r\n" },
      { "LSUB", "{tag} OK done\r\n" }, TRASH_CREATED }, ACT_LIST, -1, NULL },
  { "list-long-name", GREETING, { LOGIN_STEPS, { "LIST", NULL }, { "LSUB", "{tag} OK done\r\n" },
      TRASH_CREATED }, ACT_LIST, -1, NULL },
  { "list-unbalanced", GREETING, { LOGIN_STEPS,
      { "LIST", "* LIST (\\Noselect \"/\" INBOX\r\n{tag} OK done\r\n" } }, ACT_LIST,
    TERN_ERROR_PROTOCOL, NULL },
  { "list-literal-cut", GREETING, { LOGIN_STEPS,
      { "LIST", "* LIST () \"/\" {500}\r\nabc{close}" } }, ACT_LIST,
    TERN_ERROR_CONNECTION_LOST, NULL },

  /* ---- Extensions claimed, then refused ---- */
  { "move-claimed-refused", GREETING, { MOVE_CAPS, LOGIN_STEPS, INBOX_LIST, SELECT_ONE, NEW_ONE, BODY_OK,
      { "UID MOVE", "{tag} BAD Unknown command MOVE\r\n" },
      { "UID COPY", "{tag} BAD Unknown command COPY\r\n" } }, ACT_MOVE, -1, NULL, 0, 1 },
  { "uidplus-claimed-no-copyuid", GREETING, { MOVE_CAPS, LOGIN_STEPS, INBOX_LIST, SELECT_ONE, NEW_ONE,
      BODY_OK, { "UID MOVE", "{tag} OK moved, no COPYUID\r\n" },
      { "UID COPY", "{tag} OK copied, no COPYUID\r\n" } }, ACT_MOVE, -1, NULL, 0, 0 },
};

/* 5,000 characters of folder name, built once. */
static char *long_list_reply;

static void
check_memory (const char *name)
{
  struct rusage ru;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &ru), ==, 0);
  g_test_message ("%s: peak RSS %ld KiB", name, ru.ru_maxrss);
  g_assert_cmpint (ru.ru_maxrss, <, MAX_RSS_KB);
}

static TernAccountSettings *
fake_account (TernStore *store, guint16 port)
{
  g_autoptr(GError) error = NULL;
  TernAccountSettings *a = tern_account_settings_new ();

  a->name = g_strdup ("fake");
  a->email = g_strdup ("user@fake");
  a->protocol = TERN_PROTOCOL_IMAP;
  a->incoming_host = g_strdup ("127.0.0.1");
  a->incoming_port = port;
  a->incoming_security = TERN_SECURITY_NONE;
  a->incoming_user = g_strdup ("user");
  a->smtp_host = g_strdup ("127.0.0.1");
  a->smtp_port = 25;
  g_assert_cmpint (tern_store_add_account (store, a, &error), >, 0);
  return a;
}

static guint
inbox_count (TernStore *store, gint64 account_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernFolder) inbox = tern_store_get_folder_by_role (store, account_id,
                                                               TERN_FOLDER_ROLE_INBOX, &error);

  return inbox ? inbox->total_count : 0;
}

/* Moves INBOX's message to a local Archive folder (queued), then replays. */
static gboolean
move_and_replay (TernImapSync *sync, TernStore *store, gint64 account_id, GError **error)
{
  g_autoptr(TernFolder) inbox = tern_store_get_folder_by_role (store, account_id,
                                                               TERN_FOLDER_ROLE_INBOX, error);
  gint64 archive, id;

  if (inbox == NULL)
    return FALSE;
  archive = tern_store_upsert_folder (store, account_id, "Archive", "/", TERN_FOLDER_ROLE_ARCHIVE,
                                      TRUE, error);
  id = tern_store_find_by_uid (store, inbox->id, 1, error);
  g_assert_cmpint (archive, >, 0);
  g_assert_cmpint (id, >, 0);
  if (!tern_mail_move (store, &id, 1, archive, error))
    return FALSE;
  return tern_imap_sync_replay (sync, NULL, error);
}

/* Downloads INBOX's message UID 1 as opening it would. */
static gboolean
open_first (TernImapSync *sync, TernStore *store, gint64 account_id, GError **error)
{
  g_autoptr(TernFolder) inbox = tern_store_get_folder_by_role (store, account_id,
                                                               TERN_FOLDER_ROLE_INBOX, error);
  gint64 id = inbox ? tern_store_find_by_uid (store, inbox->id, 1, error) : 0;

  g_assert_cmpint (id, >, 0);
  return tern_imap_sync_fetch_body (sync, id, NULL, error);
}

static gboolean
run_action (const HostileCase *c, TernStore *store, TernAccountSettings *a, GError **error)
{
  TernServerConfig cfg;
  g_autoptr(TernImapSync) sync = NULL;
  mailimap *imap;

  tern_account_incoming_config (a, &cfg);
  cfg.timeout_seconds = 1;
  imap = tern_imap_connect (&cfg, "secret", NULL, NULL, error);
  if (imap == NULL)
    return FALSE;
  sync = tern_imap_sync_new (imap, store, a->id);
  if (c->action == ACT_CONNECT)
    return TRUE;
  if (!tern_imap_sync_folder_list (sync, NULL, error))
    return FALSE;
  if (c->action == ACT_LIST)
    return TRUE;
  if (!tern_imap_sync_folder (sync, "INBOX", NULL, error))
    return FALSE;
  if (c->action == ACT_SYNC)
    return TRUE;
  if (c->action == ACT_OPEN)
    return open_first (sync, store, a->id, error);
  return move_and_replay (sync, store, a->id, error);
}

static void
remove_store_dir (const char *dir)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);

  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
}

static void
test_case (gconstpointer data)
{
  const HostileCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tern-imap-hostile-XXXXXX", NULL);
  g_autoptr(TernStore) store = tern_store_open (dir, TERN_STORE_OPEN_WRITER, &error);
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  TernFakeStep steps[G_N_ELEMENTS (c->steps)];
  TernFakeServer *server;
  gboolean ok;

  g_assert_no_error (error);
  memcpy (steps, c->steps, sizeof steps);
  for (guint i = 0; i < G_N_ELEMENTS (steps) && steps[i].command; i++)
    if (steps[i].reply == NULL)
      steps[i].reply = long_list_reply;
  server = tern_fake_server_start (c->greeting, steps);
  a = fake_account (store, tern_fake_server_port (server));

  alarm (CASE_ALARM_SECONDS);
  ok = run_action (c, store, a, &error);
  alarm (0);
  lines = tern_fake_server_finish (server);
  for (guint i = 0; i < lines->len; i++)
    g_test_message ("C: %s", (const char *) g_ptr_array_index (lines, i));
  if (c->code < 0)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      g_autoptr(GPtrArray) ops = tern_store_list_ops (store, a->id, &error);

      g_assert_cmpuint (inbox_count (store, a->id), ==, c->messages);
      g_assert_nonnull (ops);
      g_assert_cmpuint (ops->len, ==, c->queued);
    }
  else
    {
      g_assert_false (ok);
      g_assert_nonnull (error);
      g_test_message ("%s: %s", c->name, error->message);
      g_assert_error (error, TERN_ERROR, c->code);
      /* Readable: a sentence, no libetpan numbers. */
      g_assert_cmpuint (strlen (error->message), >, 20);
      g_assert_null (strstr (error->message, "libetpan"));
      if (c->says)
        g_assert_nonnull (strstr (error->message, c->says));
    }
  check_memory (c->name);
  g_clear_object (&store);
  remove_store_dir (dir);
}

/* ---- Known: crashes libetpan 1.9.4 itself ------------------------------------ */

/* A malformed PERMANENTFLAGS code in the greeting dereferences NULL inside
 * libetpan 1.9.4's parser (fixed upstream after 1.9.4, not in Debian 12).
 * Tern cannot guard against it without parsing IMAP itself; sync runs in a
 * process of its own, so such a crash costs that process only. Here: the
 * child dies, the test process does not. */
static void
test_known_libetpan_crash (void)
{
  static const TernFakeStep steps[] = { LOGIN_STEPS, { NULL, NULL } };

  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      TernServerConfig cfg = { 0 };
      TernFakeServer *server = tern_fake_server_start ("* OK [PERMANENTFLAGS (] x\r\n", steps);
      mailimap *imap;

      cfg.host = "127.0.0.1";
      cfg.port = tern_fake_server_port (server);
      cfg.security = TERN_SECURITY_NONE;
      cfg.allow_plain = TRUE;
      cfg.user = "user";
      cfg.timeout_seconds = 1;
      alarm (CASE_ALARM_SECONDS);
      imap = tern_imap_connect (&cfg, "secret", NULL, NULL, &error);
      /* Should libetpan ever be fixed, this ends in a clean error instead. */
      g_assert_null (imap);
      g_assert_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL);
      g_printerr ("libetpan survived: %s\n", error->message);
      exit (0);
    }
  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_message ("child status: %s", g_test_trap_has_passed () ? "clean error" : "died");
  /* Either way this process is fine; a child that hung would fail here. */
  if (!g_test_trap_has_passed ())
    g_test_trap_assert_stderr ("*SEGV*");
}

int
main (int argc, char **argv)
{
  GString *reply = g_string_new ("* LIST () \"/\" INBOX\r\n* LIST () \"/\" \"");

  for (guint i = 0; i < 5000; i++)
    g_string_append_c (reply, 'a' + i % 26);
  g_string_append (reply, "\"\r\n{tag} OK done\r\n");
  long_list_reply = g_string_free (reply, FALSE);

  signal (SIGPIPE, SIG_IGN);
  g_test_init (&argc, &argv, NULL);
  /* Warnings about hostile input are expected; criticals stay fatal. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/imap-hostile/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/imap-hostile/known/libetpan-permanentflags-crash", test_known_libetpan_crash);
  return g_test_run ();
}
