/* tern-cli-sync.c: `tern-cli sync` and the network steps other commands
 * share (replay queued changes now, send the outbox now), all through the
 * engine's TernAccountSync: the same sequence the app's sync process runs. */
#include <stdio.h>
#include <unistd.h>

#include "tern-cli-context.h"

TernAccountSync *
tern_cli_session (TernAccountSettings *a)
{
  return tern_account_sync_new (tern_cli_get ()->store, a->id, tern_cli_secrets ());
}

static void
print_progress (const TernSyncProgress *p, gpointer user_data)
{
  if (p->total > 0 && isatty (fileno (stderr)))
    fprintf (stderr, "\r%s: %u/%u  ", p->folder_path, p->done, p->total);
}

static void
clear_progress (void)
{
  if (isatty (fileno (stderr)))
    fprintf (stderr, "\r\033[K");
}

/* What the outbox did, and the exit code it makes: anything not sent
 * (failed, or queued again) is a failure the code names. */
static int
report_outbox (TernAccountSettings *a, const TernAccountSyncResult *r)
{
  const TernOutboxResult *o = &r->outbox;

  if (o->sent > 0)
    printf ("Sent %u message%s.\n", o->sent, o->sent == 1 ? "" : "s");
  if (r->sent_copy_error != NULL)
    g_printerr ("tern-cli: the copy in Sent waits for the next sync: %s\n",
                r->sent_copy_error->message);
  if (r->outbox_error == NULL)
    return TERN_EXIT_OK;
  if (o->failed > 0)
    printf ("%u message%s could not be sent and stay%s in the outbox as failed.\n",
            o->failed, o->failed == 1 ? "" : "s", o->failed == 1 ? "s" : "");
  if (o->deferred > 0)
    printf ("%u message%s stay%s queued; Tern will try again.\n", o->deferred,
            o->deferred == 1 ? "" : "s", o->deferred == 1 ? "s" : "");
  fflush (stdout);
  if (g_error_matches (r->outbox_error, TERN_ERROR, TERN_ERROR_CERTIFICATE))
    fprintf (stderr, "tern-cli account test %s shows the certificate and how to trust it.\n",
             a->name);
  return tern_cli_fail (r->outbox_error, NULL);
}

int
tern_cli_process_outbox (TernAccountSettings *a)
{
  g_autoptr(TernAccountSync) session = tern_cli_session (a);
  g_auto(TernAccountSyncResult) r = { 0 };

  /* An explicit command is the user saying "now": skip the backoff. */
  tern_account_sync_set_ignore_outbox_backoff (session, TRUE);
  tern_account_sync_send_outbox (session, NULL, &r);
  return report_outbox (a, &r);
}

/* Queued changes the server has not taken, each with why (a held one waits
 * for the user); returns how many. */
static guint
print_unsent_ops (TernAccountSettings *a)
{
  g_autoptr(GPtrArray) ops = tern_store_list_ops (tern_cli_get ()->store, a->id, NULL);
  guint n = 0;

  for (guint i = 0; ops != NULL && i < ops->len; i++)
    {
      TernPendingOp *op = g_ptr_array_index (ops, i);

      if (op->last_error == NULL)
        continue;
      printf ("%s: %s\n", op->held ? "Held, not sent" : "Not done on the server yet",
              op->last_error);
      n++;
    }
  return n;
}

int
tern_cli_replay_now (TernAccountSettings *a)
{
  g_autoptr(TernAccountSync) session = NULL;
  g_autoptr(GError) error = NULL;

  if (a->protocol != TERN_PROTOCOL_IMAP)
    return TERN_EXIT_OK;
  /* Offline is not a failure: the changes wait for the next sync. */
  session = tern_cli_session (a);
  if (!tern_account_sync_replay (session, NULL, NULL, &error))
    {
      printf ("Saved here; the server will be updated at the next sync (%s).\n", error->message);
      return TERN_EXIT_OK;
    }
  if (print_unsent_ops (a) == 0)
    printf ("Done.\n");
  return TERN_EXIT_OK;
}

int
tern_cli_sync_main (int argc, char **argv)
{
  g_autofree char *folder = NULL;
  GOptionEntry entries[] = {
    { "folder", 0, 0, G_OPTION_ARG_STRING, &folder, "Sync only this folder (IMAP)", "F" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("NAME");
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(TernAccountSync) session = NULL;
  g_autoptr(TernCertificateInfo) cert = NULL;
  g_auto(TernAccountSyncResult) r = { 0 };
  gboolean ok;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, NULL) || argc != 2)
    return tern_cli_usage ("sync NAME [--folder F]");
  if ((a = tern_cli_account (argv[1], &error)) == NULL)
    return tern_cli_fail (error, NULL);
  session = tern_cli_session (a);
  tern_account_sync_set_progress_func (session, print_progress, NULL);
  tern_account_sync_set_ignore_outbox_backoff (session, TRUE);
  ok = tern_account_sync_incoming (session, folder, NULL, &r, &cert, &error);
  clear_progress ();
  if (a->protocol == TERN_PROTOCOL_POP3 && (ok || r.downloaded > 0 || r.deleted > 0))
    printf ("Downloaded %u new message%s; %u deleted from the server.\n", r.downloaded,
            r.downloaded == 1 ? "" : "s", r.deleted);
  if (!ok)
    return tern_cli_fail (error, cert);
  if (a->protocol == TERN_PROTOCOL_IMAP)
    {
      printf ("Synced %s.\n", a->name);
      print_unsent_ops (a);
    }
  tern_account_sync_send_outbox (session, NULL, &r);
  return report_outbox (a, &r);
}
