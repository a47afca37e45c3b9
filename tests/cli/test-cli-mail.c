/* tern-cli end to end against the harness's real servers: account add/test,
 * sync, folders, list, show, search, flag, move, delete, send, outbox, and
 * the exit codes that say what failed (authentication 3, host not found 4,
 * connection 5, certificate 6, protocol/no STARTTLS 7), with error texts
 * that name the wrong setting. */
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <signal.h>

#include "tern-test-cli.h"
#include "tern-test-messages.h"
#include "tern-test-servers.h"

#define SEED 31

typedef struct {
  TernTestServers *servers;
  char *data_dir;
  gboolean no_ca;   /* run tern-cli without the harness CA: certificates untrusted */
} Fixture;

/* Runs tern-cli with @args; returns the exit status, output in *out. */
static int
cli (Fixture *fx, const char *stdin_text, char **out, char **err, ...)
{
  va_list ap;
  int status;

  va_start (ap, err);
  status = tern_test_cli_runv (fx->data_dir, fx->no_ca, stdin_text, out, err, ap);
  va_end (ap);
  return status;
}

static char *
port_of (Fixture *fx, TernTestService s)
{
  return g_strdup_printf ("%u", tern_test_servers_port (fx->servers, s));
}

/* An account of carol's: @protocol on @port with @security, SMTP on
 * @smtp_port with @smtp_security; @extra is one more option or NULL. */
static int
add_account_full (Fixture *fx, const char *name, const char *password, const char *protocol,
                  guint16 port, const char *security, guint16 smtp_port,
                  const char *smtp_security, const char *extra)
{
  g_autofree char *p = g_strdup_printf ("%u", port);
  g_autofree char *smtp = g_strdup_printf ("%u", smtp_port);
  g_autofree char *pw = g_strdup_printf ("%s\n", password);

  return cli (fx, pw, NULL, NULL, "account", "add", name, "--email", "carol@localhost",
              "--protocol", protocol, "--host", "localhost", "--port", p, "--security", security,
              "--user", "carol", "--password-stdin", "--smtp-host", "localhost", "--smtp-port",
              smtp, "--smtp-security", smtp_security, extra, NULL);
}

static int
add_account (Fixture *fx, const char *name, const char *password, guint16 port,
             const char *security, const char *extra)
{
  return add_account_full (fx, name, password, "imap", port, security,
                           tern_test_servers_port (fx->servers, TERN_TEST_SMTPS), "tls", extra);
}

/* An error text fit for a person: no doubled full stop (GnuTLS's texts end
 * in one), no line break inside, nothing missing after a colon. */
static void
assert_clean_text (const char *err)
{
  g_autofree char *body = g_strndup (err, strlen (err) - (g_str_has_suffix (err, "\n") ? 1 : 0));
  g_auto(GStrv) lines = g_strsplit (body, "\n", -1);

  g_assert_null (strstr (err, ".."));
  g_assert_null (strstr (err, ":  "));
  g_assert_null (strstr (err, "\n)"));
  for (guint i = 0; lines[i] != NULL; i++)
    g_assert_false (g_str_has_suffix (lines[i], ": ") || g_str_has_suffix (lines[i], ":"));
}

/* The states ("queued", "failed") of the account's outbox, in order. */
static char *
outbox_states (Fixture *fx, const char *account)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) states = g_string_new (NULL);
  JsonArray *items;

  g_assert_cmpint (cli (fx, NULL, &out, NULL, "--json", "outbox", account, NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  items = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (items); i++)
    g_string_append_printf (states, "%s%s", i ? " " : "",
                            json_object_get_string_member (json_array_get_object_element (items, i),
                                                           "state"));
  return g_string_free (g_steal_pointer (&states), FALSE);
}

static void
setup (Fixture *fx, gconstpointer data)
{
  fx->servers = tern_test_cli_servers_start (NULL, "carol", "pw-carol");
  fx->data_dir = tern_test_cli_data_dir_new ("mail");
}

static void
teardown (Fixture *fx, gconstpointer data)
{
  tern_test_cli_data_dir_remove (fx->data_dir);
  g_free (fx->data_dir);
  g_clear_pointer (&fx->servers, tern_test_servers_free);
}

/* The id (first column) of the first line of `list` output containing @needle. */
static char *
id_of (const char *listing, const char *needle)
{
  g_auto(GStrv) lines = g_strsplit (listing, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], needle) != NULL)
      return g_strndup (lines[i], strcspn (lines[i], "\t"));
  return NULL;
}

static void
test_mail_commands (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *listing = NULL, *shown = NULL, *found = NULL;
  g_autofree char *folders = NULL, *json = NULL, *id = NULL;
  guint16 imaps = tern_test_servers_port (fx->servers, TERN_TEST_IMAPS);

  g_assert_true (tern_test_messages_seed (fx->servers, "carol", "INBOX", 0, 25, SEED, &error));
  g_assert_cmpint (add_account (fx, "Home", "pw-carol", imaps, "tls", "--offline=all"), ==, 0);
  g_assert_cmpint (cli (fx, NULL, &out, NULL, "account", "test", "Home", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Incoming mail (IMAP)"));
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "sync", "Home", NULL), ==, 0);

  g_assert_cmpint (cli (fx, NULL, &folders, NULL, "folders", "Home", NULL), ==, 0);
  g_assert_nonnull (strstr (folders, "INBOX\tinbox\t25 unread\t25 total"));
  g_assert_nonnull (strstr (folders, "Trash\ttrash"));
  g_assert_cmpint (cli (fx, NULL, &json, NULL, "--json", "list", "Home", "INBOX", "--limit", "3", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (json, "[{\"id\":"));
  g_assert_cmpint (cli (fx, NULL, &listing, NULL, "list", "Home", "INBOX", "--limit", "0", NULL), ==, 0);
  g_assert_cmpuint (g_strv_length (g_strsplit (listing, "\n", -1)), ==, 26);

  /* show prints the message as the reader renders it. */
  id = id_of (listing, "\t");
  g_assert_cmpint (cli (fx, NULL, &shown, NULL, "show", "Home", id, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (shown, "From: "));
  g_assert_nonnull (strstr (shown, "Subject: "));

  g_assert_cmpint (cli (fx, NULL, &found, NULL, "search", "Home", "has:attachment", NULL), ==, 0);
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "flag", "Home", id, "+flagged", "+seen", NULL), ==, 0);
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "move", "Home", id, "Archive", NULL), ==, 0);
  g_clear_pointer (&folders, g_free);
  g_assert_cmpint (cli (fx, NULL, &folders, NULL, "folders", "Home", NULL), ==, 0);
  g_assert_nonnull (strstr (folders, "Archive\tarchive\t0 unread\t1 total"));
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "delete", "Home", id, NULL), ==, 0);
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "sync", "Home", NULL), ==, 0);
  g_clear_pointer (&folders, g_free);
  g_assert_cmpint (cli (fx, NULL, &folders, NULL, "folders", "Home", NULL), ==, 0);
  g_assert_nonnull (strstr (folders, "INBOX\tinbox\t24 unread\t24 total"));
  g_assert_nonnull (strstr (folders, "Trash\ttrash\t0 unread\t1 total"));

  /* Bad ids and names say so. */
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "show", "Home", "999999", NULL), ==, 8);
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "show", "Home", "x", NULL), ==, 2);
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "sync", "Nobody", NULL), ==, 8);

  if (!tern_test_servers_require_smtp (fx->servers))
    return;
  {
    g_autofree char *outbox = NULL;
    g_autofree char *after = NULL;

    g_assert_cmpint (cli (fx, "Body text.\n", NULL, NULL, "send", "Home", "--to", "carol@localhost",
                          "--subject", "Grüße from the CLI", NULL), ==, 0);
    g_assert_cmpint (cli (fx, NULL, &outbox, NULL, "outbox", "Home", NULL), ==, 0);
    g_assert_cmpint (cli (fx, NULL, NULL, NULL, "sync", "Home", NULL), ==, 0);
    g_assert_cmpint (cli (fx, NULL, &after, NULL, "search", "Home", "subject:Grüße", NULL), ==, 0);
    g_assert_nonnull (strstr (after, "Grüße from the CLI"));
  }
}

static void
test_exit_codes (Fixture *fx, gconstpointer data)
{
  g_autofree char *err = NULL;
  guint16 imaps = tern_test_servers_port (fx->servers, TERN_TEST_IMAPS);

  g_assert_cmpint (add_account (fx, "Bad", "wrong-password", imaps, "tls", "--offline=all"), ==, 0);
  g_assert_cmpint (cli (fx, NULL, NULL, &err, "sync", "Bad", NULL), ==, 3);
  g_assert_nonnull (strstr (err, "password"));
  assert_clean_text (err);

  g_assert_cmpint (cli (fx, "pw\n", NULL, NULL, "account", "add", "Nowhere", "--email", "a@b.invalid",
                        "--protocol", "imap", "--host", "mail.tern-test.invalid", "--password-stdin",
                        NULL), ==, 0);
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "sync", "Nowhere", NULL), ==, 4);

  /* A closed port: connection refused. */
  g_assert_cmpint (add_account (fx, "Closed", "pw-carol", 1, "tls", "--offline=all"), ==, 0);
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "sync", "Closed", NULL), ==, 5);


  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "account", "add", NULL), ==, 2);
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "account", "remove", "Bad", NULL), ==, 0);
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "sync", "Bad", NULL), ==, 8);
}


/* A setting that does not fit the server: exit code 7 and a text that says
 * which setting to change, at once rather than after a timeout. */
static void
test_wrong_port_errors (Fixture *fx, gconstpointer data)
{
  static const struct {
    const char *name, *protocol;
    TernTestService service;
    const char *security, *text;
  } cases[] = {
    { "StarttlsOnImaps", "imap", TERN_TEST_IMAPS, "starttls",
      "This port expects an encrypted connection from the start: choose TLS, or " },
    { "PlainOnPop3s", "pop3", TERN_TEST_POP3S, "none",
      "This port expects an encrypted connection from the start: choose TLS, or " },
    { "TlsOnImap", "imap", TERN_TEST_IMAP, "tls",
      "This port expects an unencrypted start: choose STARTTLS" },
    { "PopOnImap", "pop3", TERN_TEST_IMAP, "starttls",
      "is not a POP3 server: an IMAP server answered. Check the port: POP3 uses 995" },
    { "ImapOnPop", "imap", TERN_TEST_POP3, "starttls",
      "is not an IMAP server: a POP3 server answered. Check the port: IMAP uses 993" },
  };
  guint16 smtps = tern_test_servers_port (fx->servers, TERN_TEST_SMTPS);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint16 port = tern_test_servers_port (fx->servers, cases[i].service);
      g_autofree char *on_port = g_strdup_printf ("port %u", port);
      const char *expected = cases[i].text;
      g_autofree char *err = NULL, *out = NULL;

      g_test_message ("%s", cases[i].name);
      g_assert_cmpint (add_account_full (fx, cases[i].name, "pw-carol", cases[i].protocol, port,
                                         cases[i].security, smtps, "tls", NULL), ==, 0);
      g_assert_cmpint (cli (fx, NULL, NULL, &err, "sync", cases[i].name, NULL), ==, 7);
      g_assert_nonnull (strstr (err, expected));
      g_assert_nonnull (strstr (err, on_port));
      assert_clean_text (err);
      /* The connection test in the window shows the same engine text. */
      g_clear_pointer (&err, g_free);
      g_assert_cmpint (cli (fx, NULL, &out, &err, "account", "test", cases[i].name, NULL), ==, 7);
      g_assert_nonnull (strstr (out, "failed"));
      g_assert_nonnull (strstr (err, expected));
    }
}

/* Every way sending can fail keeps the message queued and exits with the
 * code of the reason (it exited 0 before), with a text naming what to fix. */
static void
test_send_failures (Fixture *fx, gconstpointer data)
{
  static const struct {
    const char *name, *password;
    TernTestService service;   /* TERN_TEST_N_SERVICES: a closed port */
    const char *security, *extra;
    int status;
    const char *text;
  } cases[] = {
    { "WrongPassword", "wrong-password", TERN_TEST_SMTPS, "tls", NULL, 3,
      "The outgoing mail server localhost refused the user name or password for carol: " },
    { "Refused", "pw-carol", TERN_TEST_N_SERVICES, "tls", NULL, 5, "port 1" },
    { "TlsOnSubmission", "pw-carol", TERN_TEST_SUBMISSION, "tls", NULL, 7,
      "This port expects an unencrypted start: choose STARTTLS" },
    { "StarttlsOnSmtps", "pw-carol", TERN_TEST_SMTPS, "starttls", NULL, 7,
      "This port expects an encrypted connection from the start: choose TLS" },
    { "NoLogin", "pw-carol", TERN_TEST_SUBMISSION, "starttls", "--smtp-auth=none", 3,
      "The outgoing mail server localhost wants you to log in before it sends mail" },
    { "SmtpOnImap", "pw-carol", TERN_TEST_IMAP, "starttls", NULL, 7,
      "is not an SMTP server: an IMAP server answered. Check the port: SMTP uses 465" },
  };
  guint16 imaps = tern_test_servers_port (fx->servers, TERN_TEST_IMAPS);

  if (!tern_test_servers_require_smtp (fx->servers))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint16 port = cases[i].service == TERN_TEST_N_SERVICES
                     ? 1 : tern_test_servers_port (fx->servers, cases[i].service);
      g_autofree char *out = NULL, *err = NULL, *states = NULL;

      g_test_message ("%s", cases[i].name);
      g_assert_cmpint (add_account_full (fx, cases[i].name, cases[i].password, "imap", imaps, "tls",
                                         port, cases[i].security, cases[i].extra), ==, 0);
      g_assert_cmpint (cli (fx, "Body.\n", &out, &err, "send", cases[i].name, "--to",
                            "carol@localhost", "--subject", "Stays queued", NULL), ==,
                       cases[i].status);
      g_assert_nonnull (strstr (out, "1 message stays queued"));
      g_assert_null (strstr (out, "Sent "));
      g_assert_nonnull (strstr (err, cases[i].text));
      assert_clean_text (err);
      states = outbox_states (fx, cases[i].name);
      g_assert_cmpstr (states, ==, "queued");
    }
}

/* An untrusted certificate on the SMTP server: exit 6, still queued. */
static void
test_send_untrusted_certificate (Fixture *fx, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL, *states = NULL;

  if (!tern_test_servers_require_smtp (fx->servers))
    return;
  g_assert_cmpint (add_account (fx, "Untrusted", "pw-carol",
                                tern_test_servers_port (fx->servers, TERN_TEST_IMAPS), "tls", NULL),
                   ==, 0);
  fx->no_ca = TRUE;
  g_assert_cmpint (cli (fx, "Body.\n", &out, &err, "send", "Untrusted", "--to", "carol@localhost",
                        "--subject", "Stays queued", NULL), ==, 6);
  fx->no_ca = FALSE;
  g_assert_nonnull (strstr (out, "1 message stays queued"));
  g_assert_nonnull (strstr (err, "before sending your password"));
  g_assert_nonnull (strstr (err, "tern-cli account test Untrusted shows the certificate"));
  assert_clean_text (err);
  states = outbox_states (fx, "Untrusted");
  g_assert_cmpstr (states, ==, "queued");
}

/* No SMTP server at all: says so instead of "The server name  could not
 * be found", and the message waits for one. */
static void
test_no_outgoing_server (Fixture *fx, gconstpointer data)
{
  g_autofree char *port = port_of (fx, TERN_TEST_IMAPS);
  g_autofree char *out = NULL, *err = NULL, *states = NULL;

  g_assert_cmpint (cli (fx, "pw-carol\n", NULL, NULL, "account", "add", "Reader", "--email",
                        "carol@localhost", "--protocol", "imap", "--host", "localhost", "--port",
                        port, "--user", "carol", "--password-stdin", NULL), ==, 0);
  g_assert_cmpint (cli (fx, NULL, &out, &err, "account", "test", "Reader", NULL), ==, 8);
  g_assert_nonnull (strstr (out, "Incoming mail (IMAP) localhost:"));
  g_assert_nonnull (strstr (out, "Outgoing mail (SMTP): not set up\n"));
  g_assert_nonnull (strstr (err, "No outgoing mail server (SMTP) is set up for this account"));
  g_assert_null (strstr (err, "could not be found"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli (fx, "Body.\n", &out, &err, "send", "Reader", "--to", "carol@localhost",
                        "--subject", "Waits", NULL), ==, 8);
  g_assert_nonnull (strstr (err, "No outgoing mail server (SMTP) is set up"));
  assert_clean_text (err);
  states = outbox_states (fx, "Reader");
  g_assert_cmpstr (states, ==, "queued");
}

/* The number of lines of tern-cli list output. */
static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p; p++)
    n += *p == '\n';
  return n;
}

static JsonArray *
parse_array (JsonParser *parser, const char *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_node_get_array (json_parser_get_root (parser));
}

/* Folder names as the window shows them, accepted the same way; INBOX in
 * any case and by role, also for POP3; flags in JSON by name. */
static void
test_folder_names (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *folders = NULL, *listing = NULL, *err = NULL, *json = NULL, *id = NULL;
  g_autofree char *flagged = NULL;
  const char *inbox_names[] = { "INBOX", "inbox", "Inbox", "iNbOx" };
  JsonArray *rows;
  JsonArray *flags;
  gboolean found = FALSE;

  g_assert_true (tern_test_messages_seed (fx->servers, "carol", "INBOX", 0, 2, SEED, &error));
  g_assert_true (tern_test_messages_seed (fx->servers, "carol", "&ANw-berweisungen", 2, 3, SEED,
                                          &error));
  g_assert_cmpint (add_account (fx, "Home", "pw-carol",
                                tern_test_servers_port (fx->servers, TERN_TEST_IMAPS), "tls",
                                "--offline=all"), ==, 0);
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "sync", "Home", NULL), ==, 0);

  g_assert_cmpint (cli (fx, NULL, &folders, NULL, "folders", "Home", NULL), ==, 0);
  g_assert_nonnull (strstr (folders, "Überweisungen\tnone\t3 unread\t3 total\n"));
  g_assert_null (strstr (folders, "&ANw-"));
  g_assert_cmpint (cli (fx, NULL, &listing, NULL, "list", "Home", "Überweisungen", NULL), ==, 0);
  g_assert_cmpuint (count_lines (listing), ==, 3);
  g_clear_pointer (&listing, g_free);
  /* The server's own name still works. */
  g_assert_cmpint (cli (fx, NULL, &listing, NULL, "list", "Home", "&ANw-berweisungen", NULL), ==, 0);
  g_assert_cmpuint (count_lines (listing), ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (inbox_names); i++)
    {
      g_clear_pointer (&listing, g_free);
      g_assert_cmpint (cli (fx, NULL, &listing, NULL, "list", "Home", inbox_names[i], NULL), ==, 0);
      g_assert_cmpuint (count_lines (listing), ==, 2);
    }
  g_assert_cmpint (cli (fx, NULL, NULL, &err, "list", "Home", "Nowhere", NULL), ==, 8);
  g_assert_nonnull (strstr (err, "Account “Home” has no folder “Nowhere”"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli (fx, NULL, NULL, &err, "move", "Home", "1", "Nowhere", NULL), ==, 8);
  g_assert_nonnull (strstr (err, "Account “Home” has no folder “Nowhere”"));

  /* --json: the decoded name beside the server's path; flags by name. */
  g_assert_cmpint (cli (fx, NULL, &json, NULL, "--json", "folders", "Home", NULL), ==, 0);
  rows = parse_array (parser, json);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *f = json_array_get_object_element (rows, i);
      if (g_str_equal (json_object_get_string_member (f, "name"), "Überweisungen"))
        {
          g_assert_cmpstr (json_object_get_string_member (f, "path"), ==, "&ANw-berweisungen");
          found = TRUE;
        }
    }
  g_assert_true (found);
  id = g_strndup (listing, strcspn (listing, "\t"));
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "flag", "Home", id, "+flagged", "+seen", NULL), ==, 0);
  g_clear_pointer (&json, g_free);
  g_assert_cmpint (cli (fx, NULL, &json, NULL, "--json", "list", "Home", "inbox", NULL), ==, 0);
  rows = parse_array (parser, json);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *m = json_array_get_object_element (rows, i);
      g_autofree char *row_id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                 json_object_get_int_member (m, "id"));

      flags = json_object_get_array_member (m, "flags");
      if (!g_str_equal (row_id, id))
        {
          g_assert_cmpuint (json_array_get_length (flags), ==, 0);
          continue;
        }
      g_assert_cmpuint (json_array_get_length (flags), ==, 2);
      flagged = g_strdup_printf ("%s,%s", json_array_get_string_element (flags, 0),
                                 json_array_get_string_element (flags, 1));
    }
  g_assert_cmpstr (flagged, ==, "seen,flagged");

  /* POP3: the local inbox answers to INBOX in any case too. */
  g_assert_cmpint (add_account_full (fx, "Pop", "pw-carol", "pop3",
                                     tern_test_servers_port (fx->servers, TERN_TEST_POP3S), "tls",
                                     tern_test_servers_port (fx->servers, TERN_TEST_SMTPS), "tls",
                                     "--leave-on-server=yes"), ==, 0);
  g_assert_cmpint (cli (fx, NULL, NULL, NULL, "sync", "Pop", NULL), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (inbox_names); i++)
    {
      g_clear_pointer (&listing, g_free);
      g_assert_cmpint (cli (fx, NULL, &listing, NULL, "list", "Pop", inbox_names[i], NULL), ==, 0);
      g_assert_cmpuint (count_lines (listing), ==, 2);
    }
}

static void
test_certificate_pinning (void)
{
  Fixture fx = { 0 };
  TernTestServersOptions opts = { .cert = TERN_TEST_CERT_SELF_SIGNED, .no_smtp = TRUE };
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *pin = NULL;
  g_autofree char *pin_opt = NULL;
  const char *at;

  fx.servers = tern_test_cli_servers_start (&opts, "carol", "pw-carol");
  fx.data_dir = tern_test_cli_data_dir_new ("mail");

  g_assert_cmpint (add_account (&fx, "Self", "pw-carol", tern_test_servers_port (fx.servers, TERN_TEST_IMAPS),
                                "tls", "--offline=all"), ==, 0);
  g_assert_cmpint (cli (&fx, NULL, NULL, &err, "account", "test", "Self", NULL), ==, 6);
  at = strstr (err, "--accept-cert ");
  g_assert_nonnull (at);
  pin = g_strndup (at + strlen ("--accept-cert "), strcspn (at + strlen ("--accept-cert "), "\n"));
  g_assert_cmpuint (strlen (pin), ==, 95);   /* 32 bytes as AB:CD:... */

  pin_opt = g_strdup_printf ("--accept-cert=%s", pin);
  g_assert_cmpint (add_account (&fx, "Pinned", "pw-carol", tern_test_servers_port (fx.servers, TERN_TEST_IMAPS),
                                "tls", pin_opt), ==, 0);
  g_assert_cmpint (cli (&fx, NULL, NULL, NULL, "sync", "Pinned", NULL), ==, 0);
  teardown (&fx, NULL);
}

int
main (int argc, char *argv[])
{
  signal (SIGPIPE, SIG_IGN);
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cli/mail-commands", Fixture, NULL, setup, test_mail_commands, teardown);
  g_test_add ("/cli/exit-codes", Fixture, NULL, setup, test_exit_codes, teardown);
  g_test_add ("/cli/wrong-port-errors", Fixture, NULL, setup, test_wrong_port_errors, teardown);
  g_test_add ("/cli/send-failures", Fixture, NULL, setup, test_send_failures, teardown);
  g_test_add ("/cli/send-untrusted-certificate", Fixture, NULL, setup,
              test_send_untrusted_certificate, teardown);
  g_test_add ("/cli/no-outgoing-server", Fixture, NULL, setup, test_no_outgoing_server, teardown);
  g_test_add ("/cli/folder-names", Fixture, NULL, setup, test_folder_names, teardown);
  g_test_add_func ("/cli/certificate-pinning", test_certificate_pinning);
  return g_test_run ();
}
