/* tern-imap-quota.c: the mailbox quota (RFC 9208, RFC 2087), read at sync.
 *
 * GETQUOTAROOT INBOX names the quota roots of the inbox with their
 * resources; Tern keeps the STORAGE resource (KiB) of the first root that
 * has one. A server without QUOTA, or whose inbox has no storage limit,
 * clears what the store knew. A failure here never fails the sync: the
 * quota is advice for the user, and the next sync asks again.
 */
#include <libetpan/libetpan.h>

#include "imap/tern-imap-connect.h"
#include "imap/tern-imap-sync-private.h"

static gboolean
find_storage (struct mailimap_quota_complete_data *data, const char **root,
              guint64 *used, guint64 *limit)
{
  if (data == NULL || data->quota_list == NULL)
    return FALSE;
  for (clistiter *q = clist_begin (data->quota_list); q != NULL; q = clist_next (q))
    {
      struct mailimap_quota_quota_data *quota = clist_content (q);

      if (quota == NULL || quota->quota_list == NULL)
        continue;
      for (clistiter *r = clist_begin (quota->quota_list); r != NULL; r = clist_next (r))
        {
          struct mailimap_quota_quota_resource *res = clist_content (r);

          if (res != NULL && res->resource_name != NULL &&
              g_ascii_strcasecmp (res->resource_name, "STORAGE") == 0 && res->limit > 0)
            {
              *root = quota->quotaroot != NULL ? quota->quotaroot : "";
              *used = res->usage;
              *limit = res->limit;
              return TRUE;
            }
        }
    }
  return FALSE;
}

void
tern_imap_sync_read_quota (TernImapSync *self)
{
  struct mailimap_quota_complete_data *data = NULL;
  g_autoptr(GError) error = NULL;
  const char *root = "";
  guint64 used = 0, limit = 0;
  gboolean found;
  int r;

  if (!self->has_quota)
    {
      tern_store_set_quota (self->store, self->account_id, FALSE, NULL, 0, 0, NULL);
      return;
    }
  r = mailimap_quota_getquotaroot (self->imap, "INBOX", &data);
  if (!tern_imap_sync_ok (self, r, "reading the mailbox quota", &error))
    {
      g_message ("%s", error->message);
      /* libetpan 1.9.4 cannot parse some servers' answers (Courier's, for a
       * mailbox without a limit): skip the rest of it so that the session
       * goes on, and ask no more in this session. */
      if (r == MAILIMAP_ERROR_PARSE && tern_imap_skip_unparsed_reply (self->imap))
        {
          self->must_reconnect = FALSE;
          self->has_quota = FALSE;
        }
      return;
    }
  found = find_storage (data, &root, &used, &limit);
  if (!tern_store_set_quota (self->store, self->account_id, found, root, used, limit, &error))
    g_message ("%s", error->message);
  mailimap_quota_complete_data_free (data);
}
