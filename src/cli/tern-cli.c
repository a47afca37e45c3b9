/* tern-cli.c: the command-line face of the engine, for scripts, tests and
 * benchmarks. Each command is one entry in the table below. */
#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>

#include "tern-config.h"
#include "tern-cli-context.h"
#include "core/tern-paths.h"

typedef struct {
  const char *name;
  const char *args;
  const char *summary;
  int (*run) (int argc, char **argv);
} TernCliCommand;

static const TernCliCommand commands[] = {
  { "account", "add|list|show|test|remove|sign-in [NAME] [OPTIONS]",
    "Manage accounts (tern-cli account add --help lists the settings)", tern_cli_account_main },
  { "sync", "NAME [--folder F]", "Download new mail and send queued changes", tern_cli_sync_main },
  { "folders", "NAME", "List an account's folders with unread counts", tern_cli_folders_main },
  { "folder", "create NAME FOLDER [--in PARENT] | rename NAME FOLDER NEW | delete NAME FOLDER",
    "Create, rename or delete a folder (a deleted folder's mail goes to Trash)",
    tern_cli_folder_main },
  { "list", "NAME FOLDER [--limit N] [--threads]",
    "List messages (or conversations), newest first", tern_cli_list_main },
  { "thread", "NAME MSGID", "List the conversation of a message, oldest first, in every folder",
    tern_cli_thread_main },
  { "show", "NAME MSGID", "Print a message as the reader shows it", tern_cli_show_main },
  { "search", "NAME QUERY",
    "Search (from: to: subject: has:attachment is:unread \"phrases\"; in:trash in:all)",
    tern_cli_search_main },
  { "flag", "NAME MSGID +seen|-seen|+flagged|-flagged", "Change flags", tern_cli_flag_main },
  { "move", "NAME MSGID FOLDER [--to ACCOUNT]",
    "Move a message to another folder (--to local: a folder on this computer)",
    tern_cli_move_main },
  { "delete", "NAME MSGID [--permanently]",
    "Move a message to Trash (delete it from Trash; without a Trash only with --permanently)",
    tern_cli_delete_main },
  { "idle", "NAME", "Stay connected and print new mail as it arrives", tern_cli_idle_main },
  { "send", "NAME --to A [--cc A] [--bcc A] --subject S [--attach FILE]... < body",
    "Queue a message and send it now if the server can be reached", tern_cli_send_main },
  { "outbox", "NAME [--json]", "List queued and failed outgoing messages", tern_cli_outbox_main },
  { "ops", "NAME [discard ID]",
    "List changes waiting for the server; discard one Tern held back", tern_cli_ops_main },
  { "export", "NAME FOLDER --mbox FILE | --maildir DIR",
    "Save a folder on this computer as an mbox file or a Maildir", tern_cli_export_main },
  { "import", "NAME FOLDER PATH...",
    "Import mbox files, Maildirs, .eml files or a Thunderbird Mail folder", tern_cli_import_main },
  { "local", "folders | create PATH | rename PATH NEW | delete PATH",
    "Folders on this computer (the account \"local\" in other commands)", tern_cli_local_main },
  { "archive", "NAME FOLDER --to LOCALFOLDER [--older-than DAYS] [--remove] [--dry-run]",
    "Archive a folder's mail to a folder on this computer (--remove: delete it on the server)",
    tern_cli_archive_main },
  { "quota", "NAME", "How much of the mailbox's room on the server is used", tern_cli_quota_main },
  { NULL, NULL, NULL, NULL },
};

static void
print_help (FILE *out)
{
  fprintf (out,
           "Usage: tern-cli [--data-dir DIR] COMMAND [ARGS...]\n"
           "\n"
           "Tern's mail engine on the command line.\n"
           "\n"
           "Options:\n"
           "  --data-dir DIR   accounts and mail cache (default $TERN_DATA_DIR,\n"
           "                   else $XDG_DATA_HOME/tern)\n"
           "  --password-store=keyring|file\n"
           "                   where passwords live: the desktop keyring (default), or a\n"
           "                   0600 file in the data directory where no keyring runs\n"
           "  --json           machine-readable output of list commands\n"
           "  --version        print the version and exit\n"
           "  --help           print this help and exit\n"
           "\n"
           "Commands:\n");
  for (const TernCliCommand *c = commands; c->name != NULL; c++)
    fprintf (out, "  %s %s\n      %s\n", c->name, c->args, c->summary);
  fprintf (out,
           "\nExit codes: 0 ok, 1 failed, 2 usage, 3 authentication, 4 host not found,\n"
           "5 connection refused/timed out/lost, 6 certificate, 7 protocol (incl. no STARTTLS),\n"
           "8 not found, 9 local store or disk, 10 rejected by the server; send and sync\n"
           "use them too when a message stays queued.\n"
           "\nFOLDER is a folder's name as 'folders' prints it, its server path, or a role\n"
           "(inbox, sent, drafts, trash, junk, archive).\n");
}

int
main (int argc, char *argv[])
{
  int i = 1;
  TernCli *cli = tern_cli_get ();
  int status;

  setlocale (LC_ALL, "");
  signal (SIGPIPE, SIG_IGN);
  {
    g_autoptr(GError) error = NULL;

    if (!tern_secrets_backend_from_env (&cli->secrets_backend, &error))
      {
        fprintf (stderr, "tern-cli: %s\n", error->message);
        return 2;
      }
  }

  for (; i < argc && argv[i][0] == '-'; i++)
    {
      if (g_str_equal (argv[i], "--version"))
        {
          printf ("tern-cli %s\n", TERN_VERSION);
          return 0;
        }
      else if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        {
          print_help (stdout);
          return 0;
        }
      else if (g_str_equal (argv[i], "--data-dir") && i + 1 < argc)
        cli->data_dir = g_strdup (argv[++i]);
      else if (g_str_has_prefix (argv[i], "--data-dir="))
        cli->data_dir = g_strdup (argv[i] + strlen ("--data-dir="));
      else if (g_str_has_prefix (argv[i], "--password-store=") &&
               tern_secrets_backend_parse (argv[i] + strlen ("--password-store="), &cli->secrets_backend))
        ;
      else if (g_str_equal (argv[i], "--json"))
        cli->json = TRUE;
      else
        {
          fprintf (stderr, "tern-cli: unknown option %s\n", argv[i]);
          return 2;
        }
    }

  if (i >= argc)
    {
      print_help (stderr);
      return 2;
    }

  if (cli->data_dir == NULL)
    cli->data_dir = tern_default_data_dir ();
  /* --json may also follow the command ("tern-cli list A INBOX --json"). */
  for (int j = i + 1; j < argc; j++)
    if (g_str_equal (argv[j], "--json"))
      {
        cli->json = TRUE;
        memmove (&argv[j], &argv[j + 1], (argc - j) * sizeof (char *));
        argc--;
        j--;
      }
  for (const TernCliCommand *c = commands; c->name != NULL; c++)
    if (g_str_equal (c->name, argv[i]))
      {
        status = c->run (argc - i, argv + i);
        g_clear_object (&cli->store);
        g_clear_object (&cli->secrets);
        g_free (cli->data_dir);
        return status;
      }

  fprintf (stderr, "tern-cli: unknown command '%s' (see tern-cli --help)\n", argv[i]);
  return 2;
}
