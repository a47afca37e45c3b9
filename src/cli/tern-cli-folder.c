/* tern-cli-folder.c: `folder create|rename|delete`, the user's folders as
 * queued operations (tern-folder-actions.h), replayed at once when the
 * server can be reached. */
#include <stdio.h>
#include <string.h>

#include "tern-cli-context.h"
#include "account/tern-folder-actions.h"

#define USAGE "folder create NAME FOLDER [--in PARENT] | rename NAME FOLDER NEW-NAME | " \
              "delete NAME FOLDER"

static int
folder_create (int argc, char **argv)
{
  g_autofree char *parent_name = NULL;
  GOptionEntry entries[] = {
    { "in", 0, 0, G_OPTION_ARG_STRING, &parent_name, "Make it inside this folder", "PARENT" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("NAME FOLDER");
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(TernFolder) parent = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, NULL) || argc != 3)
    return tern_cli_usage (USAGE);
  if ((a = tern_cli_account (argv[1], &error)) == NULL ||
      (parent_name != NULL && (parent = tern_cli_folder (a, parent_name, &error)) == NULL) ||
      tern_folder_create (tern_cli_get ()->store, a->id, parent != NULL ? parent->id : 0,
                          argv[2], &error) == 0)
    return tern_cli_fail (error, NULL);
  return tern_cli_replay_now (a);
}

static int
folder_rename (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(TernFolder) folder = NULL;

  if (argc != 4)
    return tern_cli_usage (USAGE);
  if ((a = tern_cli_account (argv[1], &error)) == NULL ||
      (folder = tern_cli_folder (a, argv[2], &error)) == NULL ||
      !tern_folder_rename (tern_cli_get ()->store, folder->id, argv[3], &error))
    return tern_cli_fail (error, NULL);
  return tern_cli_replay_now (a);
}

static int
folder_delete (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(TernFolder) folder = NULL;

  if (argc != 3)
    return tern_cli_usage (USAGE);
  if ((a = tern_cli_account (argv[1], &error)) == NULL ||
      (folder = tern_cli_folder (a, argv[2], &error)) == NULL)
    return tern_cli_fail (error, NULL);
  if (!tern_folder_delete (tern_cli_get ()->store, folder->id, &error))
    {
      if (!g_error_matches (error, TERN_ERROR, TERN_ERROR_NEEDS_CONFIRMATION))
        return tern_cli_fail (error, NULL);
      /* Never destroy mail unasked: say so, and how to go on. */
      fprintf (stderr, "tern-cli: Nothing was deleted. %s\n", error->message);
      return TERN_EXIT_FAILED;
    }
  if (folder->total_count > 0)
    printf ("Moved %u message%s to Trash.\n", folder->total_count,
            folder->total_count == 1 ? "" : "s");
  return tern_cli_replay_now (a);
}

int
tern_cli_folder_main (int argc, char **argv)
{
  if (argc < 2)
    return tern_cli_usage (USAGE);
  /* The subcommand's own arguments start at argv[1] = account. */
  if (g_str_equal (argv[1], "create"))
    return folder_create (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "rename"))
    return folder_rename (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "delete"))
    return folder_delete (argc - 1, argv + 1);
  return tern_cli_usage (USAGE);
}
