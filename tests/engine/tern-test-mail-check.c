/* tern-test-mail-check.c: see tern-test-mail-check.h. */
#include "tern-test-mail-check.h"

#include "account/tern-account-connect.h"
#include "imap/tern-imap-fetch-result.h"
#include "tern-test-messages.h"

TernImapSync *
tern_test_imap_sync_new (TernStore *store, TernSecrets *secrets, TernAccountSettings *account)
{
  g_autoptr(GError) error = NULL;
  mailimap *imap = tern_account_connect_imap (account, secrets, NULL, NULL, &error);

  g_assert_no_error (error);
  return tern_imap_sync_new (imap, store, account->id);
}

void
tern_test_imap_sync_all (TernStore *store, TernSecrets *secrets, TernAccountSettings *account)
{
  g_autoptr(TernImapSync) sync = tern_test_imap_sync_new (store, secrets, account);
  g_autoptr(GError) error = NULL;

  if (!tern_imap_sync_all (sync, NULL, &error))
    g_error ("sync failed: %s", error->message);
}

TernFolder *
tern_test_folder (TernStore *store, TernAccountSettings *account, const char *path)
{
  g_autoptr(GError) error = NULL;
  TernFolder *f = tern_store_get_folder_by_path (store, account->id, path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (f);
  return f;
}

guint
tern_test_local_count (TernStore *store, TernAccountSettings *account, const char *path)
{
  g_autoptr(TernFolder) f = tern_test_folder (store, account, path);
  g_autoptr(GArray) ids = tern_store_list_message_ids (store, f->id, TERN_SORT_DATE, FALSE, NULL);

  g_assert_cmpuint (ids->len, ==, f->total_count);
  return ids->len;
}

TernMessageSummary *
tern_test_message_by_uid (TernStore *store, TernAccountSettings *account, const char *path,
                          guint32 uid)
{
  g_autoptr(TernFolder) f = tern_test_folder (store, account, path);
  gint64 id = tern_store_find_by_uid (store, f->id, uid, NULL);

  g_assert_cmpint (id, >, 0);
  return tern_store_get_message (store, id, NULL);
}

void
tern_test_assert_each_once (TernStore *store, TernAccountSettings *account, guint first, guint n,
                            guint32 seed)
{
  for (guint i = first; i < first + n; i++)
    {
      g_autofree char *mid = tern_test_message_id (i, seed);
      g_autoptr(GArray) ids = tern_store_find_by_message_id (store, account->id, mid, NULL);

      g_assert_nonnull (ids);
      if (ids->len != 1)
        g_error ("%s: message %u (%s) is stored %u times", account->name, i, mid, ids->len);
    }
}

/* ---- another client ------------------------------------------------------ */

guint
tern_test_raw_exists (mailimap *imap, const char *mailbox)
{
  g_assert_cmpint (mailimap_select (imap, mailbox), ==, MAILIMAP_NO_ERROR);
  return imap->imap_selection_info->sel_exists;
}

void
tern_test_raw_append (mailimap *imap, const char *mailbox, guint index, guint32 seed)
{
  g_autoptr(GBytes) msg = tern_test_message_generate (index, seed);
  gsize len;
  const char *data = g_bytes_get_data (msg, &len);

  g_assert_cmpint (mailimap_append (imap, mailbox, NULL, NULL, data, len), ==, MAILIMAP_NO_ERROR);
}

void
tern_test_raw_store (mailimap *imap, const char *mailbox, guint32 uid, struct mailimap_flag *flag,
                     gboolean add)
{
  struct mailimap_flag_list *list = mailimap_flag_list_new_empty ();
  struct mailimap_store_att_flags *att;
  struct mailimap_set *set = mailimap_set_new_single (uid);

  mailimap_flag_list_add (list, flag);
  att = add ? mailimap_store_att_flags_new_add_flags_silent (list)
            : mailimap_store_att_flags_new_remove_flags_silent (list);
  g_assert_cmpint (mailimap_select (imap, mailbox), ==, MAILIMAP_NO_ERROR);
  g_assert_cmpint (mailimap_uid_store (imap, set, att), ==, MAILIMAP_NO_ERROR);
  mailimap_store_att_flags_free (att);
  mailimap_set_free (set);
}

guint
tern_test_raw_flags (mailimap *imap, const char *mailbox, guint32 uid)
{
  struct mailimap_set *set = mailimap_set_new_single (uid);
  struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty ();
  clist *result = NULL;
  guint flags = 0;

  mailimap_fetch_type_new_fetch_att_list_add (ft, mailimap_fetch_att_new_uid ());
  mailimap_fetch_type_new_fetch_att_list_add (ft, mailimap_fetch_att_new_flags ());
  g_assert_cmpint (mailimap_select (imap, mailbox), ==, MAILIMAP_NO_ERROR);
  g_assert_cmpint (mailimap_uid_fetch (imap, set, ft, &result), ==, MAILIMAP_NO_ERROR);
  for (clistiter *it = clist_begin (result); it; it = clist_next (it))
    {
      TernImapFetched f;

      tern_imap_fetched_parse (clist_content (it), &f);
      if (f.uid == uid)
        flags = f.flags;
      tern_imap_fetched_clear (&f);
    }
  mailimap_fetch_list_free (result);
  mailimap_fetch_type_free (ft);
  mailimap_set_free (set);
  return flags;
}

/* ---- sending -------------------------------------------------------------- */

TernOutboxResult
tern_test_outbox_process (TernStore *store, TernSecrets *secrets, TernAccountSettings *account,
                          gint64 now, gboolean expect_ok)
{
  g_autoptr(TernOutbox) outbox = tern_outbox_new (store, account, secrets);
  g_autoptr(GError) error = NULL;
  TernOutboxResult r;
  gboolean ok;

  tern_outbox_set_now (outbox, now);
  ok = tern_outbox_process (outbox, NULL, &r, &error);
  if (expect_ok)
    g_assert_no_error (error);
  else
    g_test_message ("outbox: %s", error ? error->message : "(no error)");
  g_assert_true (ok == expect_ok);
  return r;
}

/* The raw bytes of @message_id's only copy in the Inbox, or NULL. */
static GBytes *
inbox_copy (TernStore *store, TernAccountSettings *account, const char *message_id)
{
  g_autoptr(GArray) ids = tern_store_find_by_message_id (store, account->id, message_id, NULL);
  GBytes *raw = NULL;

  g_assert_nonnull (ids);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(TernMessageSummary) m = tern_store_get_message (store, g_array_index (ids, gint64, i),
                                                                NULL);
      g_autoptr(TernFolder) f = tern_store_get_folder (store, m->folder_id, NULL);

      if (f->role != TERN_FOLDER_ROLE_INBOX)
        continue;   /* the sender's own Sent copy */
      if (raw != NULL)
        g_error ("%s: message %s was delivered twice", account->name, message_id);
      raw = tern_store_get_raw (store, m->id, NULL);
    }
  return raw;
}

GBytes *
tern_test_wait_for_delivery (TernStore *store, TernSecrets *secrets, TernAccountSettings *account,
                             const char *message_id)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      GBytes *raw;

      tern_test_imap_sync_all (store, secrets, account);
      raw = inbox_copy (store, account, message_id);
      if (raw != NULL)
        return raw;
      g_usleep (200 * 1000);   /* polling a server with a deadline, not a timing assumption */
    }
  g_error ("%s: message %s did not arrive within 60 s", account->name, message_id);
}
