/* tern-sync-download.c: see the header. */
#include <stdio.h>

#include "account/tern-account-sync.h"
#include "core/tern-error.h"
#include "tern-sync-download.h"

static void
on_progress (guint64 done, guint64 total, gpointer data)
{
  printf ("progress %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "\n", done, total);
  fflush (stdout);
}

static int
report_error (const GError *error)
{
  g_autofree char *text = g_strdup (error->message);
  int code = error->domain == TERN_ERROR ? error->code : TERN_ERROR_FAILED;

  g_strdelimit (text, "\r\n", ' ');
  printf ("error %d %s\n", code, text);
  fflush (stdout);
  return 1;
}

int
tern_sync_download_main (const char *data_dir, gint64 account_id, gint64 message_id,
                         int output_fd, TernSecrets *secrets)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStore) store = tern_store_open (data_dir, TERN_STORE_OPEN_READ_ONLY, &error);
  g_autoptr(TernAccountSync) session = NULL;
  g_autoptr(TernMessageSummary) msg = NULL;

  if (store == NULL)
    return report_error (error);
  msg = tern_store_get_message (store, message_id, &error);
  if (msg == NULL)
    return report_error (error);
  if (msg->account_id != account_id)
    {
      g_set_error (&error, TERN_ERROR, TERN_ERROR_INVALID, "That message belongs to another account.");
      return report_error (error);
    }
  session = tern_account_sync_new (store, account_id, secrets);
  if (!tern_account_sync_download (session, message_id, output_fd, on_progress, NULL, NULL, NULL,
                                   &error))
    return report_error (error);
  tern_account_sync_drop_session (session);
  printf ("done\n");
  fflush (stdout);
  return 0;
}
