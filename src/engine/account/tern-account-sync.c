/* tern-account-sync.c: the account sync sequence (see the header). */
#include <string.h>

#include "account/tern-account-connect.h"
#include "core/tern-error.h"
#include "account/tern-account-sync.h"
#include "core/tern-error.h"
#include "imap/tern-imap-server-words.h"
#include "pop3/tern-pop3-fetch.h"

struct _TernAccountSync
{
  GObject parent_instance;

  TernStore *store;
  gint64 account_id;
  TernSecrets *secrets;
  TernAccountSettings *account;
  TernImapSync *imap;              /* the open IMAP session, or NULL */
  TernSyncProgressFunc progress;
  gpointer progress_data;
  gboolean ignore_outbox_backoff;
};

G_DEFINE_FINAL_TYPE (TernAccountSync, tern_account_sync, G_TYPE_OBJECT)

void
tern_account_sync_result_clear (TernAccountSyncResult *result)
{
  g_clear_error (&result->outbox_error);
  g_clear_error (&result->sent_copy_error);
  memset (result, 0, sizeof *result);
}

/* ---- connecting ------------------------------------------------------------ */

static gboolean
reload_account (TernAccountSync *self, GError **error)
{
  TernAccountSettings *account = tern_store_get_account (self->store, self->account_id, error);

  if (account == NULL)
    return FALSE;
  g_clear_pointer (&self->account, tern_account_settings_free);
  self->account = account;
  return TRUE;
}

gboolean
tern_account_sync_connect (TernAccountSync *self, GCancellable *cancellable,
                           TernCertificateInfo **cert_out, GError **error)
{
  mailimap *imap;

  if (tern_account_sync_has_session (self))
    return TRUE;
  tern_account_sync_drop_session (self);
  /* The user may have changed the settings since the last session. */
  if (!reload_account (self, error))
    return FALSE;
  if (self->account->protocol == TERN_PROTOCOL_LOCAL)
    return g_set_error_literal (error, TERN_ERROR, TERN_ERROR_INVALID,
                                "Folders on this computer have no server to sync with."), FALSE;
  /* POP3 keeps no session between downloads: each one connects anew. */
  if (self->account->protocol != TERN_PROTOCOL_IMAP)
    return TRUE;
  imap = tern_account_connect_imap (self->account, self->secrets, cancellable, cert_out, error);
  if (imap == NULL)
    return FALSE;
  self->imap = tern_imap_sync_new (imap, self->store, self->account_id);
  if (self->progress != NULL)
    tern_imap_sync_set_progress_func (self->imap, self->progress, self->progress_data);
  return TRUE;
}

gboolean
tern_account_sync_has_session (TernAccountSync *self)
{
  return self->imap != NULL && !tern_imap_sync_must_reconnect (self->imap);
}

void
tern_account_sync_drop_session (TernAccountSync *self)
{
  g_clear_object (&self->imap);
}

GPtrArray *
tern_account_sync_take_server_words (TernAccountSync *self)
{
  return self->imap != NULL ? tern_imap_sync_take_server_words (self->imap) : NULL;
}

static gboolean
is_imap (TernAccountSync *self)
{
  return self->account != NULL && self->account->protocol == TERN_PROTOCOL_IMAP;
}

/* ---- incoming -------------------------------------------------------------- */

static void
on_pop3_progress (const TernPop3Progress *p, gpointer user_data)
{
  TernAccountSync *self = user_data;
  TernSyncProgress sp = { .folder_path = "INBOX", .folder_index = 1, .n_folders = 1,
                          .done = p->done, .total = p->total };

  self->progress (&sp, self->progress_data);
}

static gboolean
download_pop3 (TernAccountSync *self, GCancellable *cancellable, TernAccountSyncResult *result,
               TernCertificateInfo **cert_out, GError **error)
{
  g_autoptr(TernPop3Fetch) fetch = NULL;
  TernPop3FetchResult r = { 0 };
  mailpop3 *pop3;
  gboolean ok;

  pop3 = tern_account_connect_pop3 (self->account, self->secrets, cancellable, cert_out, error);
  if (pop3 == NULL)
    return FALSE;
  fetch = tern_pop3_fetch_new (self->store, self->account);
  if (self->progress != NULL)
    tern_pop3_fetch_set_progress_func (fetch, on_pop3_progress, self);
  ok = tern_pop3_fetch_run (fetch, pop3, cancellable, &r, error);
  if (result != NULL)
    {
      result->downloaded = r.downloaded;
      result->deleted = r.deleted;
    }
  return ok;
}

static gboolean
sync_imap (TernAccountSync *self, const char *folder, GCancellable *cancellable, GError **error)
{
  if (folder == NULL)
    return tern_imap_sync_all (self->imap, cancellable, error);
  /* The user's changes reach the server before its state is read back. */
  return tern_imap_sync_folder_list (self->imap, cancellable, error) &&
         tern_imap_sync_replay (self->imap, cancellable, error) &&
         tern_imap_sync_folder (self->imap, folder, cancellable, error);
}

gboolean
tern_account_sync_incoming (TernAccountSync *self, const char *folder, GCancellable *cancellable,
                            TernAccountSyncResult *result, TernCertificateInfo **cert_out,
                            GError **error)
{
  if (!tern_account_sync_connect (self, cancellable, cert_out, error))
    return FALSE;
  if (is_imap (self))
    return sync_imap (self, folder, cancellable, error);
  return download_pop3 (self, cancellable, result, cert_out, error);
}

gboolean
tern_account_sync_folder (TernAccountSync *self, const char *path, GCancellable *cancellable,
                          GError **error)
{
  if (!tern_account_sync_connect (self, cancellable, NULL, error))
    return FALSE;
  return !is_imap (self) || tern_imap_sync_folder (self->imap, path, cancellable, error);
}

gboolean
tern_account_sync_replay (TernAccountSync *self, GCancellable *cancellable,
                          TernCertificateInfo **cert_out, GError **error)
{
  if (!tern_account_sync_connect (self, cancellable, cert_out, error))
    return FALSE;
  return !is_imap (self) || tern_imap_sync_replay (self->imap, cancellable, error);
}

gboolean
tern_account_sync_fetch_body (TernAccountSync *self, gint64 message_id,
                              GCancellable *cancellable, GError **error)
{
  if (!tern_account_sync_connect (self, cancellable, NULL, error))
    return FALSE;
  /* POP3 mail is always downloaded whole: there is nothing to fetch. */
  return !is_imap (self) ||
         tern_imap_sync_fetch_body (self->imap, message_id, cancellable, error);
}

gboolean
tern_account_sync_fetch_bodies (TernAccountSync *self, const GArray *ids,
                                GCancellable *cancellable, GError **error)
{
  for (guint i = 0; i < ids->len; i++)
    if (!tern_account_sync_fetch_body (self, g_array_index (ids, gint64, i), cancellable, error))
      return FALSE;
  return TRUE;
}

gboolean
tern_account_sync_download (TernAccountSync *self, gint64 message_id, int fd,
                            TernDownloadProgressFunc progress, gpointer progress_data,
                            GCancellable *cancellable, TernCertificateInfo **cert_out,
                            GError **error)
{
  if (!tern_account_sync_connect (self, cancellable, cert_out, error))
    return FALSE;
  if (!is_imap (self))
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_UNSUPPORTED,
                   "POP3 downloads every message whole: there is nothing to download again.");
      return FALSE;
    }
  return tern_imap_sync_download (self->imap, message_id, fd, progress, progress_data,
                                  cancellable, error);
}

TernIdleResult
tern_account_sync_idle (TernAccountSync *self, const char *path, guint timeout_seconds,
                        GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (self->imap != NULL, TERN_IDLE_FAILED);
  return tern_imap_sync_idle (self->imap, path, timeout_seconds, cancellable, error);
}

/* ---- outgoing ---------------------------------------------------------------- */

/* An IMAP account that has not synced yet knows no Sent folder: read the
 * folder list now (which creates Sent where the server has none), so that
 * the copy of what goes out is kept. Offline, the mail still goes out. */
static void
find_sent_folder (TernAccountSync *self, GCancellable *cancellable)
{
  g_autoptr(TernFolder) sent = NULL;
  g_autoptr(GError) error = NULL;

  if (!is_imap (self))
    return;
  sent = tern_store_get_folder_by_role (self->store, self->account_id, TERN_FOLDER_ROLE_SENT,
                                        NULL);
  if (sent != NULL)
    return;
  if (!tern_account_sync_connect (self, cancellable, NULL, &error) ||
      !tern_imap_sync_folder_list (self->imap, cancellable, &error))
    g_message ("no Sent folder found for “%s”: %s", self->account->name, error->message);
}

void
tern_account_sync_send_outbox (TernAccountSync *self, GCancellable *cancellable,
                               TernAccountSyncResult *result)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(TernOutbox) outbox = NULL;
  g_autoptr(GError) error = NULL;

  if (self->account == NULL && !reload_account (self, &result->outbox_error))
    return;
  items = tern_store_list_outbox (self->store, self->account_id, &result->outbox_error);
  if (items == NULL || items->len == 0)
    return;
  /* No outgoing server: the background sync waits quietly for one; a
   * user's explicit "now" hears why nothing went out. */
  if (!self->ignore_outbox_backoff &&
      (self->account->smtp_host == NULL || *self->account->smtp_host == '\0'))
    return;
  find_sent_folder (self, cancellable);
  outbox = tern_outbox_new (self->store, self->account, self->secrets);
  tern_outbox_set_ignore_backoff (outbox, self->ignore_outbox_backoff);
  if (!tern_outbox_process (outbox, cancellable, &result->outbox, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    result->outbox_error = g_steal_pointer (&error);
  /* The copies in Sent are queued APPENDs: file them while we are here. */
  if (result->outbox.sent > 0 && is_imap (self))
    tern_account_sync_replay (self, cancellable, NULL, &result->sent_copy_error);
}

gboolean
tern_account_sync_run (TernAccountSync *self, const char *folder, GCancellable *cancellable,
                       TernAccountSyncResult *result, TernCertificateInfo **cert_out,
                       GError **error)
{
  if (!tern_account_sync_incoming (self, folder, cancellable, result, cert_out, error))
    return FALSE;
  tern_account_sync_send_outbox (self, cancellable, result);
  return TRUE;
}

/* ---- object ---------------------------------------------------------------- */

void
tern_account_sync_set_progress_func (TernAccountSync *self, TernSyncProgressFunc func,
                                     gpointer user_data)
{
  self->progress = func;
  self->progress_data = user_data;
  if (self->imap != NULL)
    tern_imap_sync_set_progress_func (self->imap, func, user_data);
}

void
tern_account_sync_set_ignore_outbox_backoff (TernAccountSync *self, gboolean ignore)
{
  self->ignore_outbox_backoff = ignore;
}

const TernAccountSettings *
tern_account_sync_get_account (TernAccountSync *self)
{
  return self->account;
}

static void
tern_account_sync_finalize (GObject *object)
{
  TernAccountSync *self = TERN_ACCOUNT_SYNC (object);

  g_clear_object (&self->imap);
  g_clear_pointer (&self->account, tern_account_settings_free);
  g_clear_object (&self->store);
  g_clear_object (&self->secrets);
  G_OBJECT_CLASS (tern_account_sync_parent_class)->finalize (object);
}

static void
tern_account_sync_class_init (TernAccountSyncClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_account_sync_finalize;
}

static void
tern_account_sync_init (TernAccountSync *self)
{
}

TernAccountSync *
tern_account_sync_new (TernStore *store, gint64 account_id, TernSecrets *secrets)
{
  TernAccountSync *self = g_object_new (TERN_TYPE_ACCOUNT_SYNC, NULL);

  self->store = g_object_ref (store);
  self->account_id = account_id;
  self->secrets = g_object_ref (secrets);
  return self;
}
