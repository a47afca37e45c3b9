/* tern-cli-local.c: folders on this computer (tern-cli local), archiving a
 * folder to them (tern-cli archive), and the server quota (tern-cli quota). */
#include <unistd.h>

#include "account/tern-local-archive.h"
#include "account/tern-local-folders.h"
#include "account/tern-mail-actions.h"
#include "tern-cli-context.h"

#define LOCAL_USAGE "local folders | create PATH | rename PATH NEW | delete PATH"
#define ARCHIVE_USAGE \
  "archive NAME FOLDER --to LOCALFOLDER [--older-than DAYS] [--remove] [--dry-run]\n" \
  "       tern-cli archive NAME --all [--to LOCALFOLDER] [--older-than DAYS] [--remove] [--dry-run]"

static TernFolder *
local_folder (const char *path, GError **error)
{
  g_autoptr(TernAccountSettings) local = tern_cli_account (TERN_CLI_LOCAL, error);

  return local != NULL ? tern_cli_folder (local, path, error) : NULL;
}

int
tern_cli_local_main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernFolder) f = NULL;
  const char *verb = argc > 1 ? argv[1] : "";
  gboolean ok;

  if (g_str_equal (verb, "folders") && argc == 2)
    {
      char *args[] = { argv[0], (char *) TERN_CLI_LOCAL, NULL };
      return tern_cli_folders_main (2, args);
    }
  if (tern_cli_store (&error) == NULL)
    return tern_cli_fail (error, NULL);
  if (g_str_equal (verb, "create") && argc == 3)
    ok = (f = tern_local_folder_create (tern_cli_get ()->store, argv[2], &error)) != NULL;
  else if (g_str_equal (verb, "rename") && argc == 4)
    ok = (f = local_folder (argv[2], &error)) != NULL &&
         tern_local_folder_rename (tern_cli_get ()->store, f->id, argv[3], &error);
  else if (g_str_equal (verb, "delete") && argc == 3)
    ok = (f = local_folder (argv[2], &error)) != NULL &&
         tern_local_folder_delete (tern_cli_get ()->store, f->id, &error);
  else
    return tern_cli_usage (LOCAL_USAGE);
  if (!ok)
    return tern_cli_fail (error, NULL);
  printf ("Done.\n");
  return TERN_EXIT_OK;
}

/* ---- archive --------------------------------------------------------------- */

static void
print_progress (const TernLocalArchiveResult *r, gpointer user_data)
{
  if (isatty (STDERR_FILENO))
    fprintf (stderr, "\rArchived %u messages…", r->archived);
}

/* Bodies outside the offline scope are downloaded first, so that the
 * archive holds every message, not only those this computer had:
 * @missing is tern_local_archive_(account_)to_download's. */
static void
download_missing (TernAccountSettings *a, GArray *missing)
{
  g_autoptr(TernAccountSync) session = NULL;
  g_autoptr(GError) error = NULL;

  if (missing == NULL || missing->len == 0)
    return;
  session = tern_cli_session (a);
  /* Offline: archive what is here and say what was left. */
  if (!tern_account_sync_fetch_bodies (session, missing, NULL, &error))
    fprintf (stderr, "tern-cli: %s\n", error->message);
}

/* --dry-run: what the user would confirm. */
static int
print_would (const TernLocalArchiveResult *r)
{
  g_autofree char *size = g_format_size (r->bytes);

  printf ("%u messages (%s) would be archived.\n", r->total, size);
  return TERN_EXIT_OK;
}

static void
print_archived (const TernLocalArchiveResult *r, const char *where)
{
  g_autofree char *size = g_format_size (r->bytes);

  if (isatty (STDERR_FILENO))
    fprintf (stderr, "\n");
  printf ("Archived %u of %u messages (%s) to “%s” on this computer; %u were there already, "
          "%u not downloaded.\n", r->archived, r->total, size, where, r->already_there,
          r->not_downloaded);
}

/* --all: every folder but Trash, Junk and Drafts, each into its own folder
 * under @root ("Archive/NAME" unless --to says otherwise). */
static int
archive_account (TernAccountSettings *a, const char *to, gint64 before, gboolean remove,
                 gboolean dry_run)
{
  TernStore *store = tern_cli_get ()->store;
  g_autofree char *root = to != NULL ? g_strdup (to) : tern_local_archive_default_root (a);
  g_autoptr(GArray) missing = NULL;
  g_autoptr(GError) error = NULL;
  TernLocalArchiveResult r = { 0 };
  gboolean ok;

  if (dry_run)
    return tern_local_archive_account_count (store, a->id, before, &r, &error)
           ? print_would (&r) : tern_cli_fail (error, NULL);
  if ((missing = tern_local_archive_account_to_download (store, a->id, before, &error)) == NULL)
    return tern_cli_fail (error, NULL);
  download_missing (a, missing);
  ok = tern_local_archive_account (store, a->id, root, before, remove, print_progress, NULL,
                                   NULL, &r, &error);
  print_archived (&r, root);
  if (!ok)
    return tern_cli_fail (error, NULL);
  return remove ? tern_cli_replay_now (a) : TERN_EXIT_OK;
}

int
tern_cli_archive_main (int argc, char **argv)
{
  g_autofree char *to = NULL;
  gint older_than = 0;
  gboolean remove = FALSE, dry_run = FALSE, all = FALSE;
  GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, "Folder on this computer (created if missing)",
      "LOCALFOLDER" },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all,
      "Every folder of the account but Trash, Junk and Drafts", NULL },
    { "older-than", 0, 0, G_OPTION_ARG_INT, &older_than,
      "Only messages older than DAYS days", "DAYS" },
    { "remove", 0, 0, G_OPTION_ARG_NONE, &remove,
      "Delete them on the server once they are safe here", NULL },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, "Only count them", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("NAME FOLDER | NAME --all");
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(TernFolder) folder = NULL;
  g_autoptr(TernFolder) dest = NULL;
  g_autoptr(GArray) missing = NULL;
  TernLocalArchiveResult r = { 0 };
  gint64 before = 0;
  gboolean ok;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, NULL) || argc != (all ? 2 : 3) ||
      (to == NULL && !all) || older_than < 0)
    return tern_cli_usage (ARCHIVE_USAGE);
  if (older_than > 0)
    before = g_get_real_time () / G_USEC_PER_SEC - (gint64) older_than * 24 * 3600;
  if ((a = tern_cli_account (argv[1], &error)) == NULL)
    return tern_cli_fail (error, NULL);
  if (all)
    return archive_account (a, to, before, remove, dry_run);
  if ((folder = tern_cli_folder (a, argv[2], &error)) == NULL)
    return tern_cli_fail (error, NULL);
  if (dry_run)
    return tern_local_archive_count (tern_cli_get ()->store, folder->id, before, &r, &error)
           ? print_would (&r) : tern_cli_fail (error, NULL);
  if ((dest = tern_local_folder_ensure (tern_cli_get ()->store, to, &error)) == NULL)
    return tern_cli_fail (error, NULL);
  missing = tern_local_archive_to_download (tern_cli_get ()->store, folder->id, before, &error);
  if (missing == NULL)
    return tern_cli_fail (error, NULL);
  download_missing (a, missing);
  ok = tern_local_archive (tern_cli_get ()->store, folder->id, dest->id, before, remove,
                           print_progress, NULL, NULL, &r, &error);
  print_archived (&r, dest->path);
  if (!ok)
    return tern_cli_fail (error, NULL);
  /* The server deletes go out now, after the copies are on disk. */
  return remove ? tern_cli_replay_now (a) : TERN_EXIT_OK;
}

/* ---- quota ------------------------------------------------------------------ */

int
tern_cli_quota_main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = NULL;
  g_autofree char *text = NULL;
  TernQuota q = { 0 };

  if (argc != 2)
    return tern_cli_usage ("quota NAME");
  if ((a = tern_cli_account (argv[1], &error)) == NULL ||
      !tern_store_get_quota (tern_cli_get ()->store, a->id, &q, &error))
    return tern_cli_fail (error, NULL);
  text = tern_quota_to_text (&q);
  if (tern_cli_get ()->json)
    {
      g_autoptr(JsonBuilder) json = json_builder_new ();

      json_builder_begin_object (json);
      tern_cli_json_int (json, "used_kib", (gint64) q.used_kib);
      tern_cli_json_int (json, "limit_kib", (gint64) q.limit_kib);
      tern_cli_json_int (json, "checked_at", q.checked_at);
      tern_cli_json_string (json, "text", text);
      json_builder_end_object (json);
      tern_cli_print_json (json_builder_get_root (json));
      return TERN_EXIT_OK;
    }
  printf ("%s (%u%%)\n", text, (guint) (q.used_kib * 100 / MAX (q.limit_kib, 1)));
  if (tern_quota_is_nearly_full (&q))
    printf ("%s\n", TERN_QUOTA_WARNING);
  return TERN_EXIT_OK;
}
