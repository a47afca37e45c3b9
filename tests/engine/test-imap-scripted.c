/* IMAP sync against a scripted server, for what a real server does only at
 * moments a test cannot choose: a flags-only FETCH (another client changed
 * flags) arriving before a message's own response in the middle of the body
 * fetch, and a UID listed but not delivered. Neither may lose a message:
 * nothing is stored without its body, and the resume point never passes a
 * UID that is not stored. */
#include <signal.h>
#include <string.h>

#include "core/tern-error.h"
#include "imap/tern-imap-connect.h"
#include "imap/tern-imap-server-words.h"
#include "imap/tern-imap-sync.h"
#include "tern-test-fake-server.h"

typedef struct {
  char *dir;
  TernStore *store;
  gint64 account_id;
} Fixture;

static void
setup (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = tern_account_settings_new ();

  fx->dir = g_dir_make_tmp ("tern-scripted-XXXXXX", NULL);
  fx->store = tern_store_open (fx->dir, TERN_STORE_OPEN_WRITER, &error);
  g_assert_no_error (error);
  a->name = g_strdup ("Scripted");
  a->email = g_strdup ("alice@localhost");
  a->protocol = TERN_PROTOCOL_IMAP;
  a->incoming_host = g_strdup ("127.0.0.1");
  a->incoming_user = g_strdup ("alice");
  fx->account_id = tern_store_add_account (fx->store, a, &error);
  g_assert_no_error (error);
}

static void
teardown (Fixture *fx, gconstpointer data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", fx->dir);

  g_clear_object (&fx->store);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  g_free (fx->dir);
}

/* Message @n: with a Date header unless @dated is FALSE. */
static char *
message (guint n, gboolean dated)
{
  return g_strdup_printf ("From: Bob <bob@example.org>\r\n"
                          "%sSubject: Message %u\r\n"
                          "Message-ID: <m%u@example.org>\r\n\r\n"
                          "Body of message %u.\r\n",
                          dated ? "Date: Mon, 01 Jan 2024 10:00:00 +0000\r\n" : "", n, n, n);
}

/* 5 Feb 2024 08:00:00 UTC, the INTERNALDATE the script gives every message. */
#define INTERNALDATE "\"05-Feb-2024 08:00:00 +0000\""
#define INTERNALDATE_UNIX 1707120000

/* "* seq FETCH (UID n FLAGS (flags) RFC822.SIZE s INTERNALDATE d BODY[] {s}..." */
static void
append_body_item (GString *s, guint n, const char *flags, gboolean dated)
{
  g_autofree char *msg = message (n, dated);

  g_string_append_printf (s, "* %u FETCH (UID %u FLAGS (%s) RFC822.SIZE %zu INTERNALDATE "
                          INTERNALDATE " BODY[] {%zu}\r\n%s)\r\n",
                          n, n, flags, strlen (msg), strlen (msg), msg);
}

static char *
list_reply (const guint *uids, guint n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *msg = message (uids[i], TRUE);
      g_string_append_printf (s, "* %u FETCH (UID %u RFC822.SIZE %zu INTERNALDATE "
                              INTERNALDATE ")\r\n", uids[i], uids[i], strlen (msg));
    }
  g_string_append (s, "{tag} OK done\r\n");
  return g_string_free (s, FALSE);
}

#define CAPS "* CAPABILITY IMAP4rev1 LITERAL+ UIDPLUS\r\n{tag} OK done\r\n"
#define LIST "* LIST (\\HasNoChildren) \"/\" INBOX\r\n" \
             "* LIST (\\HasNoChildren \\Trash) \"/\" Trash\r\n" \
             "* LIST (\\HasNoChildren \\Sent) \"/\" Sent\r\n" \
             "* LIST (\\HasNoChildren \\Drafts) \"/\" Drafts\r\n{tag} OK done\r\n"
#define SELECT "* 3 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 4] ok\r\n" \
               "{tag} OK [READ-WRITE] selected\r\n"

/* Every script's start: log in, list the folders, select INBOX. */
#define LOGIN_AND_SELECT \
  { "CAPABILITY", CAPS }, { "LOGIN", "{tag} OK logged in\r\n" }, { "LIST", LIST }, \
  { "LSUB", LIST }, { "SELECT", SELECT }
#define LOGOUT { "LOGOUT", "* BYE bye\r\n{tag} OK done\r\n{close}" }

/* Folder list and INBOX against one connection to a script; *@words
 * (optional) gets what the server said to the user meanwhile. */
static void
sync_inbox_hearing (Fixture *fx, const TernFakeStep *steps, GPtrArray **words)
{
  TernFakeServer *server = tern_fake_server_start ("* OK fake IMAP\r\n", steps);
  TernServerConfig cfg = {
    .host = "127.0.0.1", .port = tern_fake_server_port (server),
    .security = TERN_SECURITY_NONE, .allow_plain = TRUE, .user = "alice",
    .timeout_seconds = 10,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  mailimap *imap = tern_imap_connect (&cfg, "secret", NULL, NULL, &error);
  TernImapSync *sync;

  g_assert_no_error (error);
  sync = tern_imap_sync_new (imap, fx->store, fx->account_id);
  g_assert_true (tern_imap_sync_folder_list (sync, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_imap_sync_folder (sync, "INBOX", NULL, &error));
  g_assert_no_error (error);
  if (words != NULL)
    *words = tern_imap_sync_take_server_words (sync);
  g_object_unref (sync);
  lines = tern_fake_server_finish (server);
  for (guint i = 0; i < lines->len; i++)
    g_test_message ("C: %s", (char *) g_ptr_array_index (lines, i));
}

static void
sync_inbox (Fixture *fx, const TernFakeStep *steps)
{
  sync_inbox_hearing (fx, steps, NULL);
}

static TernMessageSummary *
by_uid (Fixture *fx, guint32 uid)
{
  g_autoptr(TernFolder) inbox = tern_store_get_folder_by_path (fx->store, fx->account_id,
                                                               "INBOX", NULL);
  gint64 id = tern_store_find_by_uid (fx->store, inbox->id, uid, NULL);

  return id != 0 ? tern_store_get_message (fx->store, id, NULL) : NULL;
}

static void
assert_whole (Fixture *fx, guint32 uid)
{
  g_autoptr(TernMessageSummary) m = by_uid (fx, uid);
  g_autoptr(GBytes) raw = NULL;
  g_autofree char *expected = message (uid, uid != 3);

  g_assert_nonnull (m);
  g_assert_cmpint (m->body_state, ==, TERN_BODY_STATE_FULL);
  raw = tern_store_get_raw (fx->store, m->id, NULL);
  g_assert_nonnull (raw);
  g_assert_cmpmem (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw),
                   expected, strlen (expected));
}

/* Another client sets \Seen on message 1 and \Flagged on message 2 while
 * the bodies download: the server reports the first before message 1's own
 * response, the second after message 2's. */
static void
test_unsolicited_flags (Fixture *fx, gconstpointer data)
{
  static const guint uids[] = { 1, 2, 3 };
  g_autofree char *listed = list_reply (uids, 3);
  g_autoptr(GString) bodies = g_string_new ("* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n");
  g_autoptr(TernMessageSummary) m1 = NULL, m2 = NULL, m3 = NULL;
  g_autoptr(TernFolder) inbox = NULL;

  append_body_item (bodies, 1, "", TRUE);
  append_body_item (bodies, 2, "", TRUE);
  g_string_append (bodies, "* 2 FETCH (UID 2 FLAGS (\\Flagged))\r\n");
  append_body_item (bodies, 3, "\\Seen", FALSE);
  g_string_append (bodies, "{tag} OK done\r\n");
  {
    const TernFakeStep steps[] = {
      LOGIN_AND_SELECT,
      { "UID FETCH 1:* (UID RFC822.SIZE INTERNALDATE)", listed },
      { "UID FETCH 1:3 (UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[])", bodies->str },
      LOGOUT,
      { NULL, NULL }
    };
    sync_inbox (fx, steps);
  }
  assert_whole (fx, 1);
  assert_whole (fx, 2);
  assert_whole (fx, 3);
  m1 = by_uid (fx, 1);
  m2 = by_uid (fx, 2);
  m3 = by_uid (fx, 3);
  /* Message 1's own FLAGS came last: unread. Message 2's change came after. */
  g_assert_cmpuint (m1->flags & TERN_FLAG_SEEN, ==, 0);
  g_assert_cmpuint (m2->flags & TERN_FLAG_FLAGGED, ==, TERN_FLAG_FLAGGED);
  /* No Date header: dated by INTERNALDATE, never 1970. */
  g_assert_cmpint (m3->date, ==, INTERNALDATE_UNIX);
  g_assert_cmpint (m1->date, ==, 1704103200);
  inbox = tern_store_get_folder_by_path (fx->store, fx->account_id, "INBOX", NULL);
  g_assert_cmpuint (inbox->total_count, ==, 3);
  g_assert_cmpuint (inbox->uidnext, ==, 4);
}

/* The server lists UIDs 1 to 3 but delivers only 1 and 3: UID 2 is fetched
 * again at the next sync, 1 and 3 are not. */
static void
test_undelivered_uid (Fixture *fx, gconstpointer data)
{
  static const guint uids[] = { 1, 2, 3 }, again[] = { 2, 3 };
  g_autofree char *listed = list_reply (uids, 3);
  g_autofree char *relisted = list_reply (again, 2);
  g_autoptr(GString) first = g_string_new (NULL);
  g_autoptr(GString) second = g_string_new (NULL);
  g_autoptr(TernFolder) inbox = NULL;
  g_autoptr(TernMessageSummary) missing = NULL;

  append_body_item (first, 1, "", TRUE);
  append_body_item (first, 3, "", TRUE);
  g_string_append (first, "{tag} OK done\r\n");
  {
    const TernFakeStep steps[] = {
      LOGIN_AND_SELECT,
      { "UID FETCH 1:* (UID RFC822.SIZE INTERNALDATE)", listed },
      { "UID FETCH 1:3 (UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[])", first->str },
      LOGOUT,
      { NULL, NULL }
    };
    sync_inbox (fx, steps);
  }
  missing = by_uid (fx, 2);
  g_assert_null (missing);
  inbox = tern_store_get_folder_by_path (fx->store, fx->account_id, "INBOX", NULL);
  g_assert_cmpuint (inbox->uidnext, ==, 2);

  /* Next sync: from UID 2 on, and only UID 2 downloads. */
  append_body_item (second, 2, "", TRUE);
  g_string_append (second, "{tag} OK done\r\n");
  {
    const TernFakeStep steps[] = {
      LOGIN_AND_SELECT,
      { "UID FETCH 2:* (UID RFC822.SIZE INTERNALDATE)", relisted },
      { "UID FETCH 2 (UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[])", second->str },
      { "UID FETCH 1:3 (UID FLAGS)", "* 1 FETCH (UID 1 FLAGS ())\r\n* 3 FETCH (UID 3 FLAGS ())\r\n"
                                     "{tag} OK done\r\n" },
      LOGOUT,
      { NULL, NULL }
    };
    sync_inbox (fx, steps);
  }
  assert_whole (fx, 1);
  assert_whole (fx, 2);
  g_clear_pointer (&inbox, tern_folder_free);
  inbox = tern_store_get_folder_by_path (fx->store, fx->account_id, "INBOX", NULL);
  g_assert_cmpuint (inbox->total_count, ==, 3);
  g_assert_cmpuint (inbox->uidnext, ==, 4);
}

/* What of a server line is for the user: an ALERT on any status line, an
 * untagged NO or BAD; not a tagged NO (the command's own error), not a
 * plain OK, never the tag, status or response code. */
static void
test_server_words_pick (void)
{
  static const struct { const char *line, *words; } cases[] = {
    { "* NO Internal mailbox synchronization failure", "Internal mailbox synchronization failure" },
    { "* BAD [SERVERBUG] Something broke", "Something broke" },
    { "* OK [ALERT] System shutdown in 10 minutes", "System shutdown in 10 minutes" },
    { "A3 OK [ALERT] Your password expires in 3 days", "Your password expires in 3 days" },
    { "a1 no [alert] Quota exceeded", "Quota exceeded" },
    { "A4 NO [TRYCREATE] No such mailbox", NULL },
    { "* OK [UIDVALIDITY 7] ok", NULL },
    { "* 3 EXISTS", NULL },
    { "* NO", NULL },
    { "* NO [ALERT]", NULL },
    { "+ ", NULL },
  };
  g_autofree char *xs = g_strnfill (400, 'x');
  g_autofree char *longer = g_strdup_printf ("* NO %s", xs);
  g_autofree char *cut = tern_imap_server_words_pick (longer);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *words = tern_imap_server_words_pick (cases[i].line);
      g_assert_cmpstr (words, ==, cases[i].words);
    }
  /* A long speech is cut, so the line in the window stays a line. */
  g_assert_nonnull (cut);
  g_assert_cmpuint (strlen (cut), <, 310);
  g_assert_true (g_str_has_suffix (cut, "…"));
}

/* A Dovecot that cannot sync a mailbox still answers SELECT with OK, after
 * an untagged NO; an ALERT comes with the LOGIN's OK. Both reach whoever
 * syncs, in order, and the sync itself goes through. An ALERT inside a message body (a literal)
 * is mail, not the server speaking. */
static void
test_server_words (Fixture *fx, gconstpointer data)
{
  static const guint uids[] = { 1 };
  g_autofree char *listed = list_reply (uids, 1);
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GPtrArray) words = NULL;
  g_autofree char *msg = g_strdup ("Subject: hi\r\n\r\n* OK [ALERT] not the server\r\n");

  g_string_append_printf (body, "* 1 FETCH (UID 1 FLAGS () RFC822.SIZE %zu INTERNALDATE "
                          INTERNALDATE " BODY[] {%zu}\r\n%s)\r\n{tag} OK done\r\n",
                          strlen (msg), strlen (msg), msg);
  {
    const TernFakeStep steps[] = {
      { "CAPABILITY", CAPS },
      { "LOGIN", "{tag} OK [ALERT] Your password expires in 3 days\r\n" },
      { "LIST", LIST }, { "LSUB", LIST },
      { "SELECT", "* NO Internal mailbox synchronization failure\r\n" SELECT },
      { "UID FETCH 1:* (UID RFC822.SIZE INTERNALDATE)", listed },
      { "UID FETCH 1 (UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[])", body->str },
      LOGOUT,
      { NULL, NULL }
    };
    sync_inbox_hearing (fx, steps, &words);
  }
  g_assert_nonnull (words);
  for (guint i = 0; i < words->len; i++)
    g_test_message ("heard: %s", (char *) g_ptr_array_index (words, i));
  g_assert_cmpuint (words->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (words, 0), ==, "Your password expires in 3 days");
  g_assert_cmpstr (g_ptr_array_index (words, 1), ==, "Internal mailbox synchronization failure");
  {
    g_autoptr(TernMessageSummary) m = by_uid (fx, 1);
    g_assert_nonnull (m);
  }
}

int
main (int argc, char *argv[])
{
  signal (SIGPIPE, SIG_IGN);
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/imap-scripted/unsolicited-flags", Fixture, NULL, setup, test_unsolicited_flags,
              teardown);
  g_test_add ("/imap-scripted/undelivered-uid", Fixture, NULL, setup, test_undelivered_uid,
              teardown);
  g_test_add_func ("/imap-scripted/server-words-pick", test_server_words_pick);
  g_test_add ("/imap-scripted/server-words", Fixture, NULL, setup, test_server_words, teardown);
  return g_test_run ();
}
