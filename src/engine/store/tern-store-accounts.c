/* tern-store-accounts.c: accounts and folders. */
#include "store/tern-store-private.h"

#define ACCOUNT_COLUMNS \
  "id, name, display_name, email, protocol, in_host, in_port, in_security, in_user," \
  " in_cert_sha256, smtp_host, smtp_port, smtp_security, smtp_user, smtp_auth," \
  " smtp_cert_sha256, pop3_leave_on_server, pop3_delete_after_days," \
  " pop3_delete_when_deleted_here, offline_days, sign_in, oauth2_provider"

/* Binds every settings column from ?2 on (?1 is the id). */
static void
bind_account (TernStmt *stmt, const TernAccountSettings *s)
{
  tern_store_bind_text (stmt, 2, s->name);
  tern_store_bind_text (stmt, 3, s->display_name);
  tern_store_bind_text (stmt, 4, s->email);
  tern_store_bind_text (stmt, 5, tern_protocol_to_string (s->protocol));
  tern_store_bind_text (stmt, 6, s->incoming_host);
  sqlite3_bind_int (stmt, 7, s->incoming_port);
  tern_store_bind_text (stmt, 8, tern_security_to_string (s->incoming_security));
  tern_store_bind_text (stmt, 9, s->incoming_user);
  tern_store_bind_text_or_null (stmt, 10, s->incoming_cert_sha256);
  tern_store_bind_text (stmt, 11, s->smtp_host);
  sqlite3_bind_int (stmt, 12, s->smtp_port);
  tern_store_bind_text (stmt, 13, tern_security_to_string (s->smtp_security));
  tern_store_bind_text (stmt, 14, s->smtp_user);
  tern_store_bind_text (stmt, 15, tern_smtp_auth_to_string (s->smtp_auth));
  tern_store_bind_text_or_null (stmt, 16, s->smtp_cert_sha256);
  sqlite3_bind_int (stmt, 17, s->pop3_leave_on_server != FALSE);
  sqlite3_bind_int (stmt, 18, s->pop3_delete_after_days);
  sqlite3_bind_int (stmt, 19, s->pop3_delete_when_deleted_here != FALSE);
  sqlite3_bind_int (stmt, 20, s->offline_days);
  tern_store_bind_text (stmt, 21, tern_sign_in_to_string (s->sign_in));
  tern_store_bind_text_or_null (stmt, 22, s->oauth2_provider);
}

static TernAccountSettings *
read_account (TernStmt *stmt)
{
  TernAccountSettings *s = tern_account_settings_new ();

  s->id = sqlite3_column_int64 (stmt, 0);
  s->name = tern_store_column_dup (stmt, 1);
  s->display_name = tern_store_column_dup (stmt, 2);
  s->email = tern_store_column_dup (stmt, 3);
  tern_protocol_from_string ((const char *) sqlite3_column_text (stmt, 4), &s->protocol);
  s->incoming_host = tern_store_column_dup (stmt, 5);
  s->incoming_port = sqlite3_column_int (stmt, 6);
  tern_security_from_string ((const char *) sqlite3_column_text (stmt, 7), &s->incoming_security);
  s->incoming_user = tern_store_column_dup (stmt, 8);
  s->incoming_cert_sha256 = tern_store_column_dup (stmt, 9);
  s->smtp_host = tern_store_column_dup (stmt, 10);
  s->smtp_port = sqlite3_column_int (stmt, 11);
  tern_security_from_string ((const char *) sqlite3_column_text (stmt, 12), &s->smtp_security);
  s->smtp_user = tern_store_column_dup (stmt, 13);
  tern_smtp_auth_from_string ((const char *) sqlite3_column_text (stmt, 14), &s->smtp_auth);
  s->smtp_cert_sha256 = tern_store_column_dup (stmt, 15);
  s->pop3_leave_on_server = sqlite3_column_int (stmt, 16) != 0;
  s->pop3_delete_after_days = sqlite3_column_int (stmt, 17);
  s->pop3_delete_when_deleted_here = sqlite3_column_int (stmt, 18) != 0;
  s->offline_days = sqlite3_column_int (stmt, 19);
  tern_sign_in_from_string ((const char *) sqlite3_column_text (stmt, 20), &s->sign_in);
  s->oauth2_provider = tern_store_column_dup (stmt, 21);
  return s;
}

/* POP3 sees only the server's inbox; everything else is local. */
static gboolean
add_local_folders (TernStore *self, gint64 account_id, GError **error)
{
  static const struct { const char *path; TernFolderRole role; } local[] = {
    { "Inbox", TERN_FOLDER_ROLE_INBOX },
    { "Sent", TERN_FOLDER_ROLE_SENT },
    { "Drafts", TERN_FOLDER_ROLE_DRAFTS },
    { "Trash", TERN_FOLDER_ROLE_TRASH },
    { "Archive", TERN_FOLDER_ROLE_ARCHIVE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (local); i++)
    if (tern_store_upsert_folder (self, account_id, local[i].path, "/", local[i].role,
                                  TRUE, error) == 0)
      return FALSE;
  return TRUE;
}

static gboolean
insert_account (TernStore *self, TernAccountSettings *s, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "INSERT INTO accounts (" ACCOUNT_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
      " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_null (stmt, 1);
  bind_account (stmt, s);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    return g_set_error (error, TERN_ERROR, TERN_ERROR_EXISTS,
                        "An account named “%s” already exists", s->name), FALSE;
  if (rc != SQLITE_DONE)
    return tern_store_fail (self, rc, "Adding the account", error);
  s->id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

gint64
tern_store_add_account (TernStore *self, TernAccountSettings *s, GError **error)
{
  gboolean owned, ok;

  if (!tern_account_settings_validate (s, error) || !tern_store_tx_begin (self, &owned, error))
    return 0;
  ok = insert_account (self, s, error)
       && (s->protocol != TERN_PROTOCOL_POP3 || add_local_folders (self, s->id, error));
  if (!tern_store_tx_end (self, owned, ok, error))
    return s->id = 0;
  return s->id;
}

gboolean
tern_store_update_account (TernStore *self, const TernAccountSettings *s, GError **error)
{
  g_autoptr(TernStmt) stmt = NULL;
  int rc;

  if (!tern_account_settings_validate (s, error))
    return FALSE;
  /* A pin belongs to one host and port: moving the account to another
   * drops the old pin, unless the caller brings a new one (accepted for the
   * new host). The CASE reads the row's values from before the update. */
  stmt = tern_store_prepare (self,
      "UPDATE accounts SET name = ?2, display_name = ?3, email = ?4, protocol = ?5,"
      " in_host = ?6, in_port = ?7, in_security = ?8, in_user = ?9,"
      " in_cert_sha256 = CASE WHEN (in_host IS NOT ?6 OR in_port IS NOT ?7)"
      "   AND in_cert_sha256 IS ?10 THEN NULL ELSE ?10 END,"
      " smtp_host = ?11, smtp_port = ?12, smtp_security = ?13, smtp_user = ?14,"
      " smtp_auth = ?15,"
      " smtp_cert_sha256 = CASE WHEN (smtp_host IS NOT ?11 OR smtp_port IS NOT ?12)"
      "   AND smtp_cert_sha256 IS ?16 THEN NULL ELSE ?16 END,"
      " pop3_leave_on_server = ?17,"
      " pop3_delete_after_days = ?18, pop3_delete_when_deleted_here = ?19,"
      " offline_days = ?20, sign_in = ?21, oauth2_provider = ?22 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, s->id);
  bind_account (stmt, s);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    return g_set_error (error, TERN_ERROR, TERN_ERROR_EXISTS,
                        "An account named “%s” already exists", s->name), FALSE;
  if (rc != SQLITE_DONE)
    return tern_store_fail (self, rc, "Saving the account", error);
  if (sqlite3_changes (self->db) == 0)
    return tern_store_not_found (error, "account", s->id);
  return TRUE;
}

/* Deletes one row by id; a single statement, so its cascades are atomic. */
static gboolean
delete_row (TernStore *self, const char *sql, const char *what, gint64 id, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  return tern_store_step_changed (self, stmt, what, id, error);
}

gboolean
tern_store_remove_account (TernStore *self, gint64 account_id, GError **error)
{
  return delete_row (self, "DELETE FROM accounts WHERE id = ?", "account", account_id, error);
}

static TernAccountSettings *
get_account (TernStore *self, TernStmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return read_account (stmt);
  if (rc != SQLITE_DONE)
    tern_store_fail (self, rc, "Reading the account", error);
  return NULL;
}

TernAccountSettings *
tern_store_get_account (TernStore *self, gint64 account_id, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE id = ?", error);
  g_autoptr(GError) local = NULL;
  TernAccountSettings *s;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  s = get_account (self, stmt, &local);
  if (s == NULL && local == NULL)
    tern_store_not_found (&local, "account", account_id);
  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  return s;
}

TernAccountSettings *
tern_store_get_account_by_name (TernStore *self, const char *name, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE name = ?", error);
  g_autoptr(GError) local = NULL;
  TernAccountSettings *s;

  if (stmt == NULL)
    return NULL;
  tern_store_bind_text (stmt, 1, name);
  s = get_account (self, stmt, &local);
  if (s == NULL && local == NULL)
    g_set_error (&local, TERN_ERROR, TERN_ERROR_NOT_FOUND, "No account named “%s”", name);
  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  return s;
}

GPtrArray *
tern_store_list_accounts (TernStore *self, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE protocol != 'local' ORDER BY id", error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func
      ((GDestroyNotify) tern_account_settings_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, read_account (stmt));
  if (rc != SQLITE_DONE)
    return tern_store_fail (self, rc, "Listing accounts", error), NULL;
  return g_steal_pointer (&list);
}

TernAccountSettings *
tern_store_get_local_account (TernStore *self, gboolean create, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE protocol = 'local'", error);
  g_autoptr(GError) local = NULL;
  g_autoptr(TernAccountSettings) s = NULL;

  if (stmt == NULL)
    return NULL;
  s = get_account (self, stmt, &local);
  g_clear_pointer (&stmt, tern_stmt_release);
  if (s != NULL || local != NULL || !create)
    {
      if (s == NULL && local == NULL)
        g_set_error_literal (&local, TERN_ERROR, TERN_ERROR_NOT_FOUND,
                             "There are no folders on this computer yet.");
      if (local != NULL)
        g_propagate_error (error, g_steal_pointer (&local));
      return g_steal_pointer (&s);
    }
  s = tern_account_settings_new ();
  s->name = g_strdup (TERN_LOCAL_ACCOUNT_NAME);
  s->protocol = TERN_PROTOCOL_LOCAL;
  s->incoming_port = s->smtp_port = 0;
  if (tern_store_add_account (self, s, error) == 0)
    return NULL;
  return g_steal_pointer (&s);
}

/* ---- folders ----------------------------------------------------------- */

#define FOLDER_COLUMNS \
  "id, account_id, path, delimiter, role, uidvalidity, uidnext, highestmodseq," \
  " unread_count, total_count, subscribed, sync_state, last_sync"

static TernFolder *
read_folder (TernStmt *stmt)
{
  TernFolder *f = g_new0 (TernFolder, 1);

  f->id = sqlite3_column_int64 (stmt, 0);
  f->account_id = sqlite3_column_int64 (stmt, 1);
  f->path = tern_store_column_dup (stmt, 2);
  f->delimiter = tern_store_column_dup (stmt, 3);
  f->role = tern_folder_role_from_string ((const char *) sqlite3_column_text (stmt, 4));
  f->uidvalidity = (guint32) sqlite3_column_int64 (stmt, 5);
  f->uidnext = (guint32) sqlite3_column_int64 (stmt, 6);
  f->highestmodseq = (guint64) sqlite3_column_int64 (stmt, 7);
  f->unread_count = sqlite3_column_int (stmt, 8);
  f->total_count = sqlite3_column_int (stmt, 9);
  f->subscribed = sqlite3_column_int (stmt, 10) != 0;
  f->sync_state = tern_store_column_dup (stmt, 11);
  f->last_sync = sqlite3_column_int64 (stmt, 12);
  return f;
}

gint64
tern_store_upsert_folder (TernStore *self, gint64 account_id, const char *path,
                          const char *delimiter, TernFolderRole role, gboolean subscribed,
                          GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "INSERT INTO folders (account_id, path, delimiter, role, subscribed)"
      " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (account_id, path) DO UPDATE SET"
      " delimiter = excluded.delimiter, role = excluded.role,"
      " subscribed = excluded.subscribed RETURNING id", error);
  int rc;

  if (stmt == NULL)
    return 0;
  if (path == NULL || *path == '\0')
    return g_set_error_literal (error, TERN_ERROR, TERN_ERROR_INVALID,
                                "A folder needs a path"), 0;
  sqlite3_bind_int64 (stmt, 1, account_id);
  tern_store_bind_text (stmt, 2, path);
  tern_store_bind_text (stmt, 3, delimiter != NULL ? delimiter : "/");
  tern_store_bind_text (stmt, 4, tern_folder_role_to_string (role));
  sqlite3_bind_int (stmt, 5, subscribed != FALSE);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
    return tern_store_not_found (error, "account", account_id), 0;
  if (rc != SQLITE_ROW)
    return tern_store_fail (self, rc, "Saving the folder", error), 0;
  return sqlite3_column_int64 (stmt, 0);
}

gboolean
tern_store_update_folder_state (TernStore *self, gint64 folder_id, guint32 uidvalidity,
                                guint32 uidnext, guint64 highestmodseq,
                                const char *sync_state, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "UPDATE folders SET uidvalidity = ?2, uidnext = ?3, highestmodseq = ?4,"
      " sync_state = ?5, last_sync = strftime('%s', 'now') WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, uidvalidity);
  sqlite3_bind_int64 (stmt, 3, uidnext);
  sqlite3_bind_int64 (stmt, 4, (sqlite3_int64) highestmodseq);
  tern_store_bind_text_or_null (stmt, 5, sync_state);
  return tern_store_step_changed (self, stmt, "folder", folder_id, error);
}

gboolean
tern_store_reset_folder (TernStore *self, gint64 folder_id, guint32 new_uidvalidity,
                         GError **error)
{
  gboolean owned, ok;
  g_autoptr(TernStmt) drop = tern_store_prepare (self,
      "DELETE FROM messages WHERE folder_id = ?", error);
  g_autoptr(TernStmt) reset = drop == NULL ? NULL : tern_store_prepare (self,
      "UPDATE folders SET uidvalidity = ?2, uidnext = 0, highestmodseq = 0,"
      " sync_state = NULL WHERE id = ?1", error);

  if (reset == NULL || !tern_store_tx_begin (self, &owned, error))
    return FALSE;
  sqlite3_bind_int64 (drop, 1, folder_id);
  sqlite3_bind_int64 (reset, 1, folder_id);
  sqlite3_bind_int64 (reset, 2, new_uidvalidity);
  ok = tern_store_step_done (self, drop, "Clearing the folder", error)
       && tern_store_step_changed (self, reset, "folder", folder_id, error);
  return tern_store_tx_end (self, owned, ok, error);
}

static TernFolder *
get_folder (TernStore *self, TernStmt *stmt, const char *what, gint64 id, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return read_folder (stmt);
  if (rc != SQLITE_DONE)
    tern_store_fail (self, rc, "Reading the folder", error);
  else
    tern_store_not_found (error, what, id);
  return NULL;
}

TernFolder *
tern_store_get_folder (TernStore *self, gint64 folder_id, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT " FOLDER_COLUMNS " FROM folders WHERE id = ?", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  return get_folder (self, stmt, "folder", folder_id, error);
}

TernFolder *
tern_store_get_folder_by_path (TernStore *self, gint64 account_id, const char *path,
                               GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT " FOLDER_COLUMNS " FROM folders WHERE account_id = ? AND path = ?", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  tern_store_bind_text (stmt, 2, path);
  return get_folder (self, stmt, "folder of the account", account_id, error);
}

TernFolder *
tern_store_get_folder_by_role (TernStore *self, gint64 account_id, TernFolderRole role,
                               GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT " FOLDER_COLUMNS " FROM folders WHERE account_id = ? AND role = ?"
      " ORDER BY id LIMIT 1", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  tern_store_bind_text (stmt, 2, tern_folder_role_to_string (role));
  return get_folder (self, stmt, "folder with that role in the account", account_id, error);
}

GPtrArray *
tern_store_list_folders (TernStore *self, gint64 account_id, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "SELECT " FOLDER_COLUMNS " FROM folders WHERE account_id = ? ORDER BY path", error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_folder_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, read_folder (stmt));
  if (rc != SQLITE_DONE)
    return tern_store_fail (self, rc, "Listing folders", error), NULL;
  return g_steal_pointer (&list);
}

gboolean
tern_store_delete_folder (TernStore *self, gint64 folder_id, GError **error)
{
  return delete_row (self, "DELETE FROM folders WHERE id = ?", "folder", folder_id, error);
}

gboolean
tern_store_rename_folder (TernStore *self, gint64 account_id, const char *old_path,
                          const char *new_path, GError **error)
{
  /* Children are "old<delim>rest": their delimiter is the folder's own. */
  g_autoptr(TernStmt) stmt = tern_store_prepare (self,
      "UPDATE folders SET path = ?3 || substr (path, length (?2) + 1)"
      " WHERE account_id = ?1 AND (path = ?2 OR (delimiter <> '' AND"
      " substr (path, 1, length (?2) + length (delimiter)) = ?2 || delimiter))", error);
  g_autoptr(TernFolder) taken = NULL;
  int rc;

  g_autofree char *old_prefix = NULL;

  if (stmt == NULL)
    return FALSE;
  if (new_path == NULL || *new_path == '\0')
    return g_set_error_literal (error, TERN_ERROR, TERN_ERROR_INVALID,
                                "A folder needs a name."), FALSE;
  if ((taken = tern_store_get_folder_by_path (self, account_id, old_path, NULL)) != NULL &&
      *taken->delimiter != '\0' &&
      g_str_has_prefix (new_path, (old_prefix = g_strconcat (old_path, taken->delimiter, NULL))))
    return g_set_error_literal (error, TERN_ERROR, TERN_ERROR_INVALID,
                                "A folder cannot be moved into itself."), FALSE;
  g_clear_pointer (&taken, tern_folder_free);
  if ((taken = tern_store_get_folder_by_path (self, account_id, new_path, NULL)) != NULL)
    return g_set_error (error, TERN_ERROR, TERN_ERROR_EXISTS,
                        "There is a folder called “%s” already.", new_path), FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  tern_store_bind_text (stmt, 2, old_path);
  tern_store_bind_text (stmt, 3, new_path);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
    return g_set_error (error, TERN_ERROR, TERN_ERROR_EXISTS,
                        "There is a folder called “%s” already.", new_path), FALSE;
  if (rc != SQLITE_DONE)
    return tern_store_fail (self, rc, "Renaming the folder", error);
  if (sqlite3_changes (self->db) == 0)
    return g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND,
                        "There is no folder called “%s”.", old_path), FALSE;
  return TRUE;
}
