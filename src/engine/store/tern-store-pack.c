/* tern-store-pack.c: zstd for the raw mail and the searchable text.
 *
 * bodies.raw and message_text_packed.body (sql/014) hold a zstd frame
 * where that is smaller than the value itself; anything else, and every
 * row written before 014, is stored as it is. A frame starts with zstd's
 * magic number, which neither an RFC 5322 message (header text) nor valid
 * UTF-8 (0xB5 cannot follow '(') can start with, so a value read back
 * says itself whether it is packed.
 *
 * The store packs and unpacks in SQL, with functions of its own on every
 * connection: tern_pack(x), tern_unpack(x) (a BLOB) and tern_unpack_text(x)
 * (TEXT, for the FTS index: the triggers that delete a message's terms and
 * the message_text view that the index names as its content). */
#include <zstd.h>

#include "store/tern-store-private.h"

/* zstd's default: on mail, 52% of the size at ~300 MB/s. */
#define PACK_LEVEL 3
/* A guard against a damaged frame that claims a huge size. */
#define MAX_UNPACKED_SIZE (G_GUINT64_CONSTANT (1) << 31)

typedef struct {
  ZSTD_CCtx *cctx;   /* one per connection, reused: a new one per row costs more than the row */
  ZSTD_DCtx *dctx;
} Pack;

static void
pack_free (void *data)
{
  Pack *pack = data;

  ZSTD_freeCCtx (pack->cctx);
  ZSTD_freeDCtx (pack->dctx);
  g_free (pack);
}

static gboolean
is_packed (sqlite3_value *v)
{
  const guint8 *data;
  int size;

  if (sqlite3_value_type (v) != SQLITE_BLOB)
    return FALSE;
  data = sqlite3_value_blob (v);
  size = sqlite3_value_bytes (v);
  return size >= 4 && data != NULL &&
         (data[0] | data[1] << 8 | data[2] << 16 | (guint32) data[3] << 24) == ZSTD_MAGICNUMBER;
}

/* @data packed, or NULL where that is not smaller (or too small to try). */
static void *
pack_buffer (ZSTD_CCtx *cctx, const void *data, gsize size, gsize *out_size)
{
  gsize bound, packed;
  void *out;

  if (size < 64)
    return NULL;
  bound = ZSTD_compressBound (size);
  out = g_malloc (bound);
  packed = ZSTD_compressCCtx (cctx, out, bound, data, size, PACK_LEVEL);
  if (ZSTD_isError (packed) || packed >= size)
    {
      g_free (out);
      return NULL;
    }
  *out_size = packed;
  return g_realloc (out, packed);
}

static void
sql_pack (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  Pack *pack = sqlite3_user_data (ctx);
  int type = sqlite3_value_type (argv[0]);
  const void *data = type == SQLITE_TEXT ? (const void *) sqlite3_value_text (argv[0])
                                         : sqlite3_value_blob (argv[0]);
  gsize size = (gsize) sqlite3_value_bytes (argv[0]), packed = 0;
  void *out = (type == SQLITE_TEXT || type == SQLITE_BLOB) && !is_packed (argv[0])
                ? pack_buffer (pack->cctx, data, size, &packed)
                : NULL;

  if (out == NULL)
    sqlite3_result_value (ctx, argv[0]);
  else
    sqlite3_result_blob64 (ctx, out, packed, g_free);
}

static void
free_cctx (gpointer cctx)
{
  ZSTD_freeCCtx (cctx);
}

/* The context of the calling thread: the sync's parse threads pack what
 * they parsed, so that the store's one thread need not. */
static GPrivate thread_cctx = G_PRIVATE_INIT (free_cctx);

GBytes *
tern_store_pack_bytes (gconstpointer data, gsize size)
{
  ZSTD_CCtx *cctx = g_private_get (&thread_cctx);
  gsize packed = 0;
  void *out;

  if (data == NULL)
    return NULL;
  if (cctx == NULL)
    {
      if ((cctx = ZSTD_createCCtx ()) == NULL)
        return NULL;
      g_private_set (&thread_cctx, cctx);
    }
  out = pack_buffer (cctx, data, size, &packed);
  return out != NULL ? g_bytes_new_take (out, packed) : NULL;
}

static void
unpack (sqlite3_context *ctx, sqlite3_value *v, gboolean text)
{
  Pack *pack = sqlite3_user_data (ctx);
  const void *data = sqlite3_value_blob (v);
  gsize size = (gsize) sqlite3_value_bytes (v);
  unsigned long long n;
  gsize done;
  char *out;

  if (!is_packed (v))
    {
      sqlite3_result_value (ctx, v);
      return;
    }
  n = ZSTD_getFrameContentSize (data, size);
  if (n == ZSTD_CONTENTSIZE_UNKNOWN || n == ZSTD_CONTENTSIZE_ERROR || n > MAX_UNPACKED_SIZE)
    {
      sqlite3_result_error_code (ctx, SQLITE_CORRUPT);
      return;
    }
  out = sqlite3_malloc64 (n + 1);
  if (out == NULL)
    {
      sqlite3_result_error_nomem (ctx);
      return;
    }
  done = ZSTD_decompressDCtx (pack->dctx, out, n, data, size);
  if (ZSTD_isError (done) || done != n)
    {
      sqlite3_free (out);
      sqlite3_result_error_code (ctx, SQLITE_CORRUPT);
      return;
    }
  out[n] = '\0';
  if (text)
    sqlite3_result_text64 (ctx, out, n, sqlite3_free, SQLITE_UTF8);
  else
    sqlite3_result_blob64 (ctx, out, n, sqlite3_free);
}

static void
sql_unpack (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  unpack (ctx, argv[0], FALSE);
}

static void
sql_unpack_text (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  unpack (ctx, argv[0], TRUE);
}

/* Packs the rows with keys in (from, from + PACK_BATCH] of a table, for
 * every batch up to the largest key. One transaction per batch: one UPDATE
 * of a whole table kept every page it changed in its statement journal
 * (3.5 GB of memory at 460,000 messages) and in the WAL until it ended.
 * A batch not reached stays as it was, which reads back all the same. */
#define PACK_BATCH 2000

static gboolean
pack_table (TernStore *self, const char *max_sql, const char *pack_sql, GError **error)
{
  gint64 max = tern_store_query_int (self, max_sql, error);

  if (max < 0)
    return FALSE;
  for (gint64 from = 0; from < max; from += PACK_BATCH)
    {
      g_autoptr(TernStmt) stmt = tern_store_prepare (self, pack_sql, error);
      gboolean owned, ok;

      if (stmt == NULL || !tern_store_tx_begin (self, &owned, error))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, from);
      sqlite3_bind_int64 (stmt, 2, from + PACK_BATCH);
      ok = tern_store_step_done (self, stmt, "Packing the stored mail", error);
      g_clear_pointer (&stmt, tern_stmt_release);
      if (!tern_store_tx_end (self, owned, ok, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
tern_store_pack_existing (TernStore *self, GError **error)
{
  return pack_table (self, "SELECT coalesce (max (message_id), 0) FROM bodies",
                     "UPDATE bodies SET raw = tern_pack (raw)"
                     " WHERE message_id > ?1 AND message_id <= ?2", error) &&
         pack_table (self, "SELECT coalesce (max (msg), 0) FROM message_text_packed",
                     "UPDATE message_text_packed SET body = tern_pack (body)"
                     " WHERE msg > ?1 AND msg <= ?2", error);
}

gboolean
tern_store_add_pack_functions (TernStore *self, GError **error)
{
  static const struct {
    const char *name;
    void (*fn) (sqlite3_context *, int, sqlite3_value **);
  } functions[] = {
    { "tern_pack", sql_pack },
    { "tern_unpack", sql_unpack },
    { "tern_unpack_text", sql_unpack_text },
  };
  Pack *pack = g_new0 (Pack, 1);

  pack->cctx = ZSTD_createCCtx ();
  pack->dctx = ZSTD_createDCtx ();
  if (pack->cctx == NULL || pack->dctx == NULL)
    {
      pack_free (pack);
      return tern_store_fail (self, SQLITE_NOMEM, "Opening the mail database", error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (functions); i++)
    {
      /* The connection frees the contexts with its last function. */
      int rc = sqlite3_create_function_v2 (self->db, functions[i].name, 1,
                                           SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                           pack, functions[i].fn, NULL, NULL,
                                           i == G_N_ELEMENTS (functions) - 1 ? pack_free : NULL);
      if (rc != SQLITE_OK)
        {
          if (i < G_N_ELEMENTS (functions) - 1)
            pack_free (pack);
          return tern_store_fail (self, rc, "Opening the mail database", error);
        }
    }
  return TRUE;
}
