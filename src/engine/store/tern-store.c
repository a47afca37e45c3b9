/* tern-store.c: opening, migrating and recovering the mail store, and the
 * transaction and statement helpers the other tern-store-*.c files use. */
#include "store/tern-store-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tern-store-resources.h"

#define DB_NAME "tern.db"
#define SQL_PREFIX "/io/github/ternmail/Tern/sql"
#define BUSY_TIMEOUT_MS 10000

G_DEFINE_FINAL_TYPE (TernStore, tern_store, G_TYPE_OBJECT)

static void
tern_store_finalize (GObject *object)
{
  TernStore *self = TERN_STORE (object);

  /* Statements must be finalized before the connection closes. */
  g_clear_pointer (&self->stmts, g_hash_table_unref);
  if (self->db != NULL && sqlite3_close (self->db) != SQLITE_OK)
    g_warning ("Closing %s: %s", self->path, sqlite3_errmsg (self->db));
  g_free (self->path);
  G_OBJECT_CLASS (tern_store_parent_class)->finalize (object);
}

static void
tern_store_class_init (TernStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_store_finalize;
}

static void
finalize_stmt (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
tern_store_init (TernStore *self)
{
  self->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, finalize_stmt);
}

/* ---- errors ------------------------------------------------------------ */

gboolean
tern_store_fail (TernStore *self, int rc, const char *what, GError **error)
{
  const char *msg = self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      g_set_error (error, TERN_ERROR, TERN_ERROR_DISK_FULL,
                   "Not enough disk space to store mail (%s)", what);
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, TERN_ERROR, TERN_ERROR_CORRUPT,
                   "The mail database %s is damaged (%s: %s); Tern can set it aside "
                   "and download your mail again", self->path, what, msg);
      break;
    case SQLITE_CONSTRAINT:
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID, "%s: %s", what, msg);
      break;
    default:
      g_set_error (error, TERN_ERROR, TERN_ERROR_STORE, "%s: %s", what, msg);
      break;
    }
  return FALSE;
}

gboolean
tern_store_not_found (GError **error, const char *what, gint64 id)
{
  g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND, "No %s with id %" G_GINT64_FORMAT,
               what, id);
  return FALSE;
}

/* ---- statements -------------------------------------------------------- */

void
tern_stmt_release (TernStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

TernStmt *
tern_store_prepare (TernStore *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->stmts, sql);
  int rc;

  if (stmt != NULL)
    return stmt;
  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      tern_store_fail (self, rc, "Preparing a query", error);
      return NULL;
    }
  g_hash_table_insert (self->stmts, (gpointer) sql, stmt);
  return stmt;
}

gboolean
tern_store_step_done (TernStore *self, TernStmt *stmt, const char *what, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return tern_store_fail (self, rc, what, error);
  return TRUE;
}

gboolean
tern_store_step_changed (TernStore *self, TernStmt *stmt, const char *what, gint64 id,
                         GError **error)
{
  if (!tern_store_step_done (self, stmt, what, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return tern_store_not_found (error, what, id);
  return TRUE;
}

gboolean
tern_store_exec (TernStore *self, const char *sql, GError **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return tern_store_fail (self, rc, sql, error);
  return TRUE;
}

static gboolean
exec_cached (TernStore *self, const char *sql, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self, sql, error);

  return stmt != NULL && tern_store_step_done (self, stmt, sql, error);
}

gint64
tern_store_query_int (TernStore *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        value = sqlite3_column_int64 (stmt, 0), rc = SQLITE_OK;
    }
  if (rc != SQLITE_OK && rc != SQLITE_DONE)
    tern_store_fail (self, rc, sql, error);
  sqlite3_finalize (stmt);
  return value;
}

gboolean
tern_store_exec_for_test (TernStore *self, const char *sql, GError **error)
{
  return tern_store_exec (self, sql, error);
}

/* ---- text -------------------------------------------------------------- */

/* Whether s holds at least one valid multi-byte UTF-8 sequence: then it is
 * UTF-8 with damage; otherwise it is raw 8-bit text in a legacy charset. */
static gboolean
has_utf8_sequence (const char *s)
{
  for (const char *p = s; *p != '\0';)
    {
      gunichar c;

      if ((guchar) *p < 0x80)
        {
          p++;
          continue;
        }
      c = g_utf8_get_char_validated (p, -1);
      if (c < (gunichar) -2)
        return TRUE;
      p++;
    }
  return FALSE;
}

char *
tern_store_make_utf8 (const char *s)
{
  char *converted;

  if (s == NULL)
    return NULL;
  if (g_utf8_validate (s, -1, NULL))
    return g_strdup (s);
  if (!has_utf8_sequence (s))
    {
      /* Most unlabeled 8-bit mail is Windows-1252; Latin-1 maps every byte. */
      converted = g_convert (s, -1, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL);
      if (converted == NULL)
        converted = g_convert (s, -1, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
      if (converted != NULL)
        return converted;
    }
  return g_utf8_make_valid (s, -1);
}

void
tern_store_bind_text (TernStmt *stmt, int idx, const char *s)
{
  if (s == NULL)
    sqlite3_bind_text (stmt, idx, "", 0, SQLITE_STATIC);
  else if (g_utf8_validate (s, -1, NULL))
    sqlite3_bind_text (stmt, idx, s, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_text (stmt, idx, tern_store_make_utf8 (s), -1, g_free);
}

void
tern_store_bind_text_or_null (TernStmt *stmt, int idx, const char *s)
{
  if (s == NULL)
    sqlite3_bind_null (stmt, idx);
  else
    tern_store_bind_text (stmt, idx, s);
}

char *
tern_store_column_dup (TernStmt *stmt, int col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

/* ---- transactions ------------------------------------------------------ */

gboolean
tern_store_tx_begin (TernStore *self, gboolean *owned, GError **error)
{
  *owned = sqlite3_get_autocommit (self->db) != 0;
  return exec_cached (self, *owned ? "BEGIN IMMEDIATE" : "SAVEPOINT tern_unit", error);
}

gboolean
tern_store_tx_end (TernStore *self, gboolean owned, gboolean ok, GError **error)
{
  if (ok && exec_cached (self, owned ? "COMMIT" : "RELEASE tern_unit", error))
    return TRUE;
  /* SQLite may already have rolled the whole transaction back (SQLITE_FULL). */
  if (sqlite3_get_autocommit (self->db))
    return FALSE;
  if (owned)
    exec_cached (self, "ROLLBACK", NULL);
  else if (exec_cached (self, "ROLLBACK TO tern_unit", NULL))
    exec_cached (self, "RELEASE tern_unit", NULL);
  return FALSE;
}

gboolean
tern_store_begin (TernStore *self, GError **error)
{
  g_return_val_if_fail (TERN_IS_STORE (self), FALSE);
  if (!sqlite3_get_autocommit (self->db))
    return g_set_error_literal (error, TERN_ERROR, TERN_ERROR_INVALID,
                                "A batch is already open"), FALSE;
  return exec_cached (self, "BEGIN IMMEDIATE", error);
}

/* Flushes the write-ahead log (and its directory entry) to the disk.
 * SQLite cannot switch to synchronous=FULL inside a transaction, and FULL
 * would only add this very fsync of the WAL at commit. */
static gboolean
sync_wal (TernStore *self, GError **error)
{
  g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
  g_autofree char *dir = g_path_get_dirname (self->path);
  const char *const files[] = { wal, dir };

  /* Without WAL, synchronous=FULL synced the commit already. With WAL the
   * -wal file exists while our connection is open: a missing one is an
   * error, not a commit that needs no flushing. */
  if (!self->wal)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      int fd = g_open (files[i], O_RDONLY | O_CLOEXEC, 0);
      int rc = fd >= 0 ? fsync (fd) : -1;
      int saved = errno;

      if (fd >= 0)
        close (fd);
      if (rc != 0)
        return g_set_error (error, TERN_ERROR, saved == ENOSPC ? TERN_ERROR_DISK_FULL
                            : TERN_ERROR_STORE, "Cannot flush %s to disk: %s", files[i],
                            g_strerror (saved)), FALSE;
    }
  return TRUE;
}

gboolean
tern_store_commit (TernStore *self, gboolean durable, GError **error)
{
  g_return_val_if_fail (TERN_IS_STORE (self), FALSE);
  if (sqlite3_get_autocommit (self->db))
    return g_set_error_literal (error, TERN_ERROR, TERN_ERROR_STORE,
                                "No batch to commit: it was rolled back after an "
                                "earlier error"), FALSE;
  /* In WAL mode with synchronous=NORMAL a commit survives a crash of the
   * process but may be lost on power failure until the WAL is synced. */
  if (!exec_cached (self, "COMMIT", error))
    {
      tern_store_rollback (self);
      return FALSE;
    }
  return !durable || sync_wal (self, error);
}

void
tern_store_rollback (TernStore *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (TERN_IS_STORE (self));
  if (sqlite3_get_autocommit (self->db))
    return;
  if (!exec_cached (self, "ROLLBACK", &error))
    g_warning ("Rolling back: %s", error->message);
}

/* ---- migrations -------------------------------------------------------- */

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Migration file names in order ("001-initial.sql", ...). */
static GStrv
list_migrations (void)
{
  GStrv names = g_resource_enumerate_children (tern_store_get_resource (), SQL_PREFIX,
                                               G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);

  g_assert (names != NULL);
  qsort (names, g_strv_length (names), sizeof (char *), compare_names);
  return names;
}

guint
tern_store_schema_version (void)
{
  g_auto(GStrv) names = list_migrations ();
  guint n = g_strv_length (names);

  return n > 0 ? (guint) atoi (names[n - 1]) : 0;
}

/* The migration that rebuilds the accounts table (sql/009-local-folders-quota.sql). */
#define REBUILD_VERSION 9

/* After a table rebuild every reference must still hold. */
static gboolean
check_foreign_keys (TernStore *self, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self, "PRAGMA foreign_key_check", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_set_error (error, TERN_ERROR, TERN_ERROR_CORRUPT,
                        "a row of %s names a missing row of %s",
                        sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 2)), FALSE;
  if (rc != SQLITE_DONE)
    return tern_store_fail (self, rc, "Checking the database", error);
  return TRUE;
}

static gboolean
apply_migration (TernStore *self, const char *name, guint version, GError **error)
{
  g_autofree char *path = g_strdup_printf (SQL_PREFIX "/%s", name);
  g_autoptr(GBytes) sql = g_resource_lookup_data (tern_store_get_resource (), path,
                                                  G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %u", version);
  gboolean ok;

  g_assert (sql != NULL);
  if (!tern_store_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  /* Resource data is NUL-terminated. */
  ok = tern_store_exec (self, g_bytes_get_data (sql, NULL), error)
       && (version != REBUILD_VERSION || check_foreign_keys (self, error))
       && tern_store_exec (self, set_version, error)
       && tern_store_exec (self, "COMMIT", error);
  if (!ok)
    {
      g_prefix_error (error, "Upgrading the mail database to version %u: ", version);
      if (!sqlite3_get_autocommit (self->db))
        tern_store_exec (self, "ROLLBACK", NULL);
    }
  return ok;
}

/* The migration that added conversations (sql/007-threads.sql). */
#define THREADS_VERSION 7
/* The migration that packs stored mail (sql/014-packed-mail.sql). */
#define PACKED_VERSION 14

static gboolean
migrate (TernStore *self, guint max_version, GError **error)
{
  g_auto(GStrv) names = list_migrations ();
  gint64 current = tern_store_query_int (self, "PRAGMA user_version", error);
  guint latest = tern_store_schema_version ();

  if (current < 0)
    return FALSE;
  if (current > latest)
    return g_set_error (error, TERN_ERROR, TERN_ERROR_STORE,
                        "The mail database %s was written by a newer Tern (version %"
                        G_GINT64_FORMAT ")", self->path, current), FALSE;
  for (guint i = 0; names[i] != NULL; i++)
    {
      guint version = (guint) atoi (names[i]);
      gboolean ok;

      if (version <= current || version > max_version)
        continue;
      /* A table rebuild drops the old table: with foreign keys on, that
       * would cascade into every folder and message. The pragma is a no-op
       * inside a transaction, so it goes around the migration's. */
      if (version == REBUILD_VERSION &&
          !tern_store_exec (self, "PRAGMA foreign_keys = OFF", error))
        return FALSE;
      ok = apply_migration (self, names[i], version, error);
      if (version == REBUILD_VERSION &&
          !tern_store_exec (self, "PRAGMA foreign_keys = ON", ok ? error : NULL))
        return FALSE;
      if (!ok)
        return FALSE;
      /* Mail stored before conversations existed is threaded once. */
      if (version == THREADS_VERSION && !tern_store_rebuild_threads (self, 0, error))
        return FALSE;
      if (version == PACKED_VERSION && !tern_store_pack_existing (self, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- opening ----------------------------------------------------------- */

static gboolean
prepare_data_dir (const char *data_dir, const char *path, GError **error)
{
  int fd;

  if (g_mkdir_with_parents (data_dir, 0700) != 0 || g_chmod (data_dir, 0700) != 0)
    {
      int saved = errno;
      return g_set_error (error, TERN_ERROR, saved == ENOSPC ? TERN_ERROR_DISK_FULL
                          : TERN_ERROR_STORE, "Cannot create the folder %s: %s",
                          data_dir, g_strerror (saved)), FALSE;
    }
  /* Create the file ourselves so it is 0600 from the start; SQLite gives the
   * -wal and -shm files the same mode as the database. Only O_EXCL: closing
   * any descriptor of an existing tern.db would drop every POSIX lock this
   * process holds on it (sqlite.org, "How To Corrupt", 2.2), and another
   * process's last close would then delete our live WAL. A file we just
   * created is a new inode that no connection of ours can hold. */
  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0)
    close (fd);
  else if (errno != EEXIST)
    {
      int saved = errno;
      return g_set_error (error, TERN_ERROR, saved == ENOSPC ? TERN_ERROR_DISK_FULL
                          : TERN_ERROR_STORE, "Cannot create %s: %s", path,
                          g_strerror (saved)), FALSE;
    }
  /* chmod by name opens no descriptor. */
  if (g_chmod (path, 0600) != 0)
    return g_set_error (error, TERN_ERROR, TERN_ERROR_STORE, "Cannot protect %s: %s", path,
                        g_strerror (errno)), FALSE;
  return TRUE;
}

/* Asks for WAL and records whether SQLite agreed: the pragma answers with
 * the journal mode now in force, which is the old one if WAL failed. */
static gboolean
set_wal (TernStore *self, GError **error)
{
  static const char sql[] = "PRAGMA journal_mode = WAL";
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *mode = (const char *) sqlite3_column_text (stmt, 0);

      self->wal = mode != NULL && g_ascii_strcasecmp (mode, "wal") == 0;
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    return tern_store_fail (self, rc, sql, error);
  return TRUE;
}

/* Settings of every connection; reading the schema also detects a file
 * that is not a database at all. */
static gboolean
configure (TernStore *self, GError **error)
{
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);
  if (!tern_store_add_pack_functions (self, error))
    return FALSE;
  /* temp_store stays a file: with MEMORY the statement sub-journal never
   * spills, and SQLite (3.40) walks its whole chunk list from the start at
   * every statement's release inside a savepoint, which made a first sync's
   * CPU grow with the square of a chunk's pages. */
  if (!tern_store_exec (self, "PRAGMA foreign_keys = ON; PRAGMA cache_size = -16000", error))
    return FALSE;
  if (tern_store_query_int (self, "SELECT count(*) FROM sqlite_master", error) < 0)
    return FALSE;
  if (self->read_only)
    return TRUE;
  if (!set_wal (self, error))
    return FALSE;
  /* SQLite keeps the old journal mode when WAL cannot be had (a file
   * system or VFS without shared memory). Then only synchronous=FULL makes
   * a commit durable: the -wal file that sync_wal() flushes never exists. */
  if (!self->wal)
    {
      g_message ("%s cannot use write-ahead logging; every commit is synced instead",
                 self->path);
      return tern_store_exec (self, "PRAGMA synchronous = FULL", error);
    }
  /* A checkpoint fsyncs the WAL and the database: at SQLite's default of
   * every 1,000 pages (4 MB) a full sync of 60 MB of mail paid for dozens
   * of them. Every 8,192 pages (32 MB) keeps the WAL bounded all the same. */
  return tern_store_exec (self, "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 8192",
                          error);
}

gboolean
tern_store_check_integrity (TernStore *self, GError **error)
{
  g_autoptr(TernStmt) stmt = tern_store_prepare (self, "PRAGMA quick_check", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return tern_store_fail (self, rc, "Checking the database", error);
  if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    return g_set_error (error, TERN_ERROR, TERN_ERROR_CORRUPT,
                        "The mail database %s is damaged (%s); Tern can set it aside "
                        "and download your mail again", self->path,
                        sqlite3_column_text (stmt, 0)), FALSE;
  return TRUE;
}

static gboolean
check_version (TernStore *self, GError **error)
{
  gint64 version = tern_store_query_int (self, "PRAGMA user_version", error);

  if (version < 0)
    return FALSE;
  if (version != tern_store_schema_version ())
    return g_set_error (error, TERN_ERROR, TERN_ERROR_STORE,
                        "The mail database %s has version %" G_GINT64_FORMAT
                        ", this Tern reads version %u", self->path, version,
                        tern_store_schema_version ()), FALSE;
  return TRUE;
}

TernStore *
tern_store_open_at_version (const char *data_dir, TernStoreOpenFlags flags,
                            guint max_version, GError **error)
{
  g_autoptr(TernStore) self = g_object_new (TERN_TYPE_STORE, NULL);
  gboolean read_only = (flags & TERN_STORE_OPEN_READ_ONLY) != 0;
  int rc;

  self->path = g_build_filename (data_dir, DB_NAME, NULL);
  self->read_only = read_only;
  if (read_only && !g_file_test (self->path, G_FILE_TEST_EXISTS))
    return g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND,
                        "No mail database at %s", self->path), NULL;
  if (!read_only && !prepare_data_dir (data_dir, self->path, error))
    return NULL;
  rc = sqlite3_open_v2 (self->path, &self->db,
                        read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE, NULL);
  if (rc != SQLITE_OK)
    return tern_store_fail (self, rc, "Opening the mail database", error), NULL;
  if (!configure (self, error))
    return NULL;
  if ((flags & TERN_STORE_OPEN_CHECK) && !tern_store_check_integrity (self, error))
    return NULL;
  if (read_only ? !check_version (self, error) : !migrate (self, max_version, error))
    return NULL;
  self->version = (guint) MAX (tern_store_query_int (self, "PRAGMA user_version", NULL), 0);
  return g_steal_pointer (&self);
}

TernStore *
tern_store_open (const char *data_dir, TernStoreOpenFlags flags, GError **error)
{
  return tern_store_open_at_version (data_dir, flags, G_MAXUINT, error);
}

const char *
tern_store_get_path (TernStore *self)
{
  return self->path;
}

/* ---- recovery ---------------------------------------------------------- */

static gboolean
rename_with_sidecars (const char *from, const char *to, GError **error)
{
  static const char *const suffixes[] = { "-wal", "-shm" };

  if (g_rename (from, to) != 0)
    return g_set_error (error, TERN_ERROR, TERN_ERROR_STORE, "Cannot move %s aside: %s",
                        from, g_strerror (errno)), FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *a = g_strconcat (from, suffixes[i], NULL);
      g_autofree char *b = g_strconcat (to, suffixes[i], NULL);

      if (g_file_test (a, G_FILE_TEST_EXISTS))
        g_rename (a, b);
    }
  return TRUE;
}

/* Copies what can still be read from the damaged file: settings and the
 * user's queued work. Mail itself comes back from the server. */
static void
salvage (TernStore *self, const char *old_path)
{
  static const char *const copies[] = {
    "INSERT OR IGNORE INTO main.accounts SELECT * FROM old.accounts",
    "INSERT OR IGNORE INTO main.folders SELECT * FROM old.folders",
    "UPDATE main.folders SET uidvalidity = 0, uidnext = 0, highestmodseq = 0,"
    " unread_count = 0, total_count = 0, sync_state = NULL, last_sync = 0",
    "INSERT OR IGNORE INTO main.pending_ops SELECT * FROM old.pending_ops",
    "INSERT OR IGNORE INTO main.outbox SELECT * FROM old.outbox",
  };
  char *quoted = sqlite3_mprintf ("ATTACH %Q AS old", old_path);
  g_autofree char *attach = g_strdup (quoted);
  g_autoptr(GError) error = NULL;

  sqlite3_free (quoted);

  if (!tern_store_exec (self, attach, &error))
    {
      g_message ("Nothing salvaged from %s: %s", old_path, error->message);
      return;
    }
  if (tern_store_query_int (self, "PRAGMA old.user_version", NULL)
      == tern_store_schema_version ())
    for (guint i = 0; i < G_N_ELEMENTS (copies); i++)
      {
        g_clear_error (&error);
        if (!tern_store_exec (self, copies[i], &error))
          g_message ("Salvaging from %s: %s", old_path, error->message);
      }
  tern_store_exec (self, "DETACH old", NULL);
}

char *
tern_store_recover (const char *data_dir, GError **error)
{
  g_autofree char *path = g_build_filename (data_dir, DB_NAME, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *aside = g_strdup_printf ("%s.corrupt-%s-%d", path, stamp, (int) getpid ());
  g_autoptr(TernStore) store = NULL;

  if (g_file_test (path, G_FILE_TEST_EXISTS) && !rename_with_sidecars (path, aside, error))
    return NULL;
  store = tern_store_open (data_dir, TERN_STORE_OPEN_WRITER, error);
  if (store == NULL)
    return NULL;
  salvage (store, aside);
  g_chmod (aside, 0600);
  return g_steal_pointer (&aside);
}
