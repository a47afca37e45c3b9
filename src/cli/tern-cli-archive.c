/* tern-cli-archive.c: tern-cli export and import (mbox, Maildir, .eml). */
#include <string.h>
#include <unistd.h>

#include "archive/tern-archive.h"
#include "tern-cli-context.h"

#define EXPORT_USAGE "export NAME FOLDER --mbox FILE | --maildir DIR"
#define IMPORT_USAGE "import NAME FOLDER PATH..."

/* A progress line on stderr, only for a person watching a terminal. */
static void
print_progress (const TernArchiveProgress *p, gpointer user_data)
{
  const char *verb = user_data;

  if (p->total > 0)
    fprintf (stderr, "\r%s %u of %u messages…", verb, p->done, p->total);
  else if (p->bytes_total > 0)
    fprintf (stderr, "\r%s %u messages (%u%%)…", verb, p->done,
             (guint) (p->bytes_done * 100 / p->bytes_total));
  else
    fprintf (stderr, "\r%s %u messages…", verb, p->done);
}

static TernArchiveProgressFunc
progress_func (void)
{
  return isatty (STDERR_FILENO) ? print_progress : NULL;
}

static void
end_progress_line (void)
{
  if (isatty (STDERR_FILENO))
    fprintf (stderr, "\n");
}

static TernFolder *
folder_of (const char *account_name, const char *path, TernAccountSettings **account_out,
           GError **error)
{
  g_autoptr(TernAccountSettings) a = tern_cli_account (account_name, error);
  TernFolder *folder;

  if (a == NULL)
    return NULL;
  folder = tern_cli_folder (a, path, error);
  if (folder != NULL && account_out != NULL)
    *account_out = g_steal_pointer (&a);
  return folder;
}

int
tern_cli_export_main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernFolder) folder = NULL;
  TernArchiveFormat format;
  TernArchiveResult result;
  gboolean ok;

  if (argc != 5 || (!g_str_equal (argv[3], "--mbox") && !g_str_equal (argv[3], "--maildir")))
    return tern_cli_usage (EXPORT_USAGE);
  format = g_str_equal (argv[3], "--mbox") ? TERN_ARCHIVE_MBOX : TERN_ARCHIVE_MAILDIR;
  if ((folder = folder_of (argv[1], argv[2], NULL, &error)) == NULL)
    return tern_cli_fail (error, NULL);
  ok = tern_archive_export_folder (tern_cli_get ()->store, folder->id, format, argv[4],
                                   progress_func (), (gpointer) "Exported", NULL, &result,
                                   &error);
  end_progress_line ();
  if (!ok)
    return tern_cli_fail (error, NULL);
  printf ("Exported %u messages to %s.\n", result.exported, argv[4]);
  if (result.not_downloaded > 0)
    printf ("%u messages were left out: only their headers are on this computer. Set the "
            "account to keep all mail offline and sync to include them.\n",
            result.not_downloaded);
  return TERN_EXIT_OK;
}

static void
print_import_summary (const TernArchiveResult *r, const TernAccountSettings *a,
                      const TernFolder *folder)
{
  printf ("Imported %u messages into %s.\n", r->imported, folder->path);
  if (r->duplicates > 0)
    printf ("%u messages were already there and were skipped.\n", r->duplicates);
  if (r->too_large > 0)
    printf ("%u messages were larger than 100 MB and were left out.\n", r->too_large);
  if (r->unreadable > 0)
    printf ("%u files could not be read (see the messages above).\n", r->unreadable);
  if (r->truncated)
    printf ("A mailbox file ended in the middle of a message: that last message was "
            "imported as far as it goes.\n");
  if (a->protocol == TERN_PROTOCOL_IMAP && r->imported > 0)
    printf ("They are copied to the server at the next sync (tern-cli sync %s).\n", a->name);
}

int
tern_cli_import_main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(TernFolder) folder = NULL;
  TernArchiveResult total = { 0 };

  if (argc < 4)
    return tern_cli_usage (IMPORT_USAGE);
  if ((folder = folder_of (argv[1], argv[2], &a, &error)) == NULL)
    return tern_cli_fail (error, NULL);
  for (int i = 3; i < argc; i++)
    {
      TernArchiveResult r;
      gboolean ok = tern_archive_import (tern_cli_get ()->store, folder->id, argv[i],
                                         progress_func (), (gpointer) "Imported", NULL, &r,
                                         &error);

      end_progress_line ();
      total.imported += r.imported;
      total.duplicates += r.duplicates;
      total.too_large += r.too_large;
      total.unreadable += r.unreadable;
      total.truncated |= r.truncated;
      if (!ok)
        {
          /* What was read before the failure is stored: say so. */
          if (total.imported > 0)
            print_import_summary (&total, a, folder);
          return tern_cli_fail (error, NULL);
        }
    }
  print_import_summary (&total, a, folder);
  return TERN_EXIT_OK;
}
