/* tern-demo-servers: real Dovecot (and Postfix as root) with a demo account,
 * for trying Tern by hand. Usage: tern-demo-servers [--info FILE] [--messages N]
 *
 * Starts the servers, adds demo@localhost / demo, seeds INBOX with generated
 * messages (and a few in Sent and Archive), writes the ports and CA file to the
 * key file FILE, prints "ready" and runs until SIGINT or SIGTERM. */
#include <glib-unix.h>
#include <locale.h>

#include "tern-test-messages.h"
#include "tern-test-servers.h"

#define DEMO_USER "demo@localhost"
#define DEMO_PASSWORD "demo"
#define DEMO_SEED 2024

static gboolean
on_signal (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
write_info (TernTestServers *s, const char *path, GError **error)
{
  static const struct { TernTestService which; const char *key; } ports[] = {
    { TERN_TEST_IMAP, "imap_port" }, { TERN_TEST_IMAPS, "imaps_port" },
    { TERN_TEST_POP3, "pop3_port" }, { TERN_TEST_POP3S, "pop3s_port" },
    { TERN_TEST_SUBMISSION, "submission_port" }, { TERN_TEST_SMTPS, "smtps_port" },
    { TERN_TEST_LMTP, "lmtp_port" },
  };
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  const char *reason = NULL;

  g_key_file_set_string (kf, "demo", "host", tern_test_servers_host (s));
  g_key_file_set_string (kf, "demo", "user", DEMO_USER);
  g_key_file_set_string (kf, "demo", "password", DEMO_PASSWORD);
  g_key_file_set_string (kf, "demo", "address", DEMO_USER);
  g_key_file_set_string (kf, "demo", "ca_file", tern_test_servers_ca_file (s));
  g_key_file_set_string (kf, "demo", "dir", tern_test_servers_dir (s));
  for (guint i = 0; i < G_N_ELEMENTS (ports); i++)
    g_key_file_set_integer (kf, "demo", ports[i].key, tern_test_servers_port (s, ports[i].which));
  g_key_file_set_boolean (kf, "demo", "smtp", tern_test_servers_has_smtp (s, &reason));
  if (reason != NULL)
    g_key_file_set_string (kf, "demo", "smtp_missing_reason", reason);
  return g_key_file_save_to_file (kf, path, error);
}

static gboolean
seed (TernTestServers *s, guint n, GError **error)
{
  return tern_test_messages_seed (s, DEMO_USER, "INBOX", 0, n, DEMO_SEED, error) &&
         tern_test_messages_seed (s, DEMO_USER, "Sent", n, 12, DEMO_SEED, error) &&
         tern_test_messages_seed (s, DEMO_USER, "Archive", n + 12, 25, DEMO_SEED, error);
}

int
main (int argc, char **argv)
{
  g_autofree char *info = NULL;
  int messages = 300;
  const GOptionEntry entries[] = {
    { "info", 0, 0, G_OPTION_ARG_FILENAME, &info, "Write ports and credentials to FILE", "FILE" },
    { "messages", 0, 0, G_OPTION_ARG_INT, &messages, "Messages in the INBOX (300)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- demo mail servers for Tern");
  g_autoptr(GError) error = NULL;
  g_autoptr(TernTestServers) s = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || messages < 0)
    {
      g_printerr ("%s\n", error ? error->message : "--messages must be positive");
      return 2;
    }
  s = tern_test_servers_start (NULL, &error);
  if (s == NULL || !tern_test_servers_add_user (s, DEMO_USER, DEMO_PASSWORD, &error) ||
      !seed (s, (guint) messages, &error) || (info != NULL && !write_info (s, info, &error)))
    {
      g_printerr ("tern-demo-servers: %s\n", error->message);
      return 1;
    }
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_print ("IMAPS localhost:%u, SMTPS localhost:%u, user %s, password %s, CA %s\nready\n",
           tern_test_servers_port (s, TERN_TEST_IMAPS), tern_test_servers_port (s, TERN_TEST_SMTPS),
           DEMO_USER, DEMO_PASSWORD, tern_test_servers_ca_file (s));
  g_main_loop_run (loop);
  return 0;
}
