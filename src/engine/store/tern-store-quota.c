/* tern-store-quota.c: the server's storage quota per account. */
#include "store/tern-store-private.h"

#include <string.h>

gboolean
tern_store_set_quota (TernStore *self, gint64 account_id, gboolean has_quota, const char *root,
                      guint64 used_kib, guint64 limit_kib, GError **error)
{
  g_autoptr(TernStmt) stmt = NULL;

  if (!has_quota)
    {
      stmt = tern_store_prepare (self, "DELETE FROM account_quota WHERE account_id = ?", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, account_id);
      return tern_store_step_done (self, stmt, "Saving the quota", error);
    }
  stmt = tern_store_prepare (self,
      "INSERT INTO account_quota (account_id, root, used_kib, limit_kib, checked_at)"
      " VALUES (?1, ?2, ?3, ?4, strftime('%s', 'now')) ON CONFLICT (account_id) DO UPDATE SET"
      " root = excluded.root, used_kib = excluded.used_kib, limit_kib = excluded.limit_kib,"
      " checked_at = excluded.checked_at", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  tern_store_bind_text (stmt, 2, root);
  sqlite3_bind_int64 (stmt, 3, (sqlite3_int64) MIN (used_kib, (guint64) G_MAXINT64));
  sqlite3_bind_int64 (stmt, 4, (sqlite3_int64) MIN (limit_kib, (guint64) G_MAXINT64));
  return tern_store_step_done (self, stmt, "Saving the quota", error);
}

gboolean
tern_store_get_quota (TernStore *self, gint64 account_id, TernQuota *out, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT used_kib, limit_kib, checked_at FROM account_quota WHERE account_id = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      out->used_kib = (guint64) sqlite3_column_int64 (stmt, 0);
      out->limit_kib = (guint64) sqlite3_column_int64 (stmt, 1);
      out->checked_at = sqlite3_column_int64 (stmt, 2);
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    return tern_store_fail (self, rc, "Reading the quota", error);
  return g_set_error_literal (error, TERN_ERROR, TERN_ERROR_NOT_FOUND,
                              "The server does not say how much room the mailbox has."), FALSE;
}

/* g_format_size() without a ".0" that says nothing ("2 GB", not "2.0 GB"):
 * the sidebar is narrow. */
static char *
format_size (guint64 bytes)
{
  char *text = g_format_size (bytes);
  char *zero = strstr (text, ".0\u00a0");

  if (zero != NULL)
    memmove (zero, zero + 2, strlen (zero + 2) + 1);
  return text;
}

char *
tern_quota_to_text (const TernQuota *q)
{
  g_autofree char *used = format_size (q->used_kib * 1024);
  g_autofree char *limit = format_size (q->limit_kib * 1024);

  return g_strdup_printf ("%s of %s used", used, limit);
}

gboolean
tern_quota_is_nearly_full (const TernQuota *q)
{
  return q->limit_kib > 0 && q->used_kib * 10 >= q->limit_kib * 9;
}
