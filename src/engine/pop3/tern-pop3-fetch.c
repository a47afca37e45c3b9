/* tern-pop3-fetch.c: download a POP3 inbox by UIDL; see the header for the
 * order of operations. The POP3 commands of the transaction state are
 * spoken here directly over the session's mailstream: every server reply
 * is parsed and bounded by Tern, never by libetpan's LIST/RETR code. */
#include "pop3/tern-pop3-fetch.h"
#include "pop3/tern-pop3-connect.h"

#include <stdlib.h>
#include <string.h>

#include "core/tern-error.h"
#include "store/tern-message-import.h"
#include "core/tern-pipeline.h"
#include "net/tern-tls-stream.h"

#define READ_BUFFER_SIZE (64 * 1024)
#define MAX_UIDL_LENGTH 70          /* RFC 1939 */
#define NO_UIDL_PREFIX "sha256:"    /* synthetic key when the server has no UIDL */
/* Listings are bounded whatever the server claims: RFC 2449 caps a reply
 * line at 512 bytes, and a million messages is more than any mailbox. */
#define MAX_LISTING_LINE 512
#define MAX_LISTED_MESSAGES 1000000
#define MAX_CAPABILITIES 1000

/* One message the server listed. */
typedef struct {
  guint number;
  guint64 size;
  char *uidl;                /* server's UIDL, or NULL */
  gboolean fetch;            /* new: download it */
  gboolean delete;           /* send DELE for it */
  gboolean deleted;          /* DELE acknowledged */
  gboolean stored;           /* in a committed batch (set by the store thread) */
} ServerMessage;

struct _TernPop3Fetch {
  GObject parent_instance;
  TernStore *store;
  TernAccountSettings *account;
  gint64 inbox_id;
  gint64 now;
  TernPop3ProgressFunc progress_func;
  gpointer progress_data;
  TernPop3StepFunc step_func;
  gpointer step_data;
  guint batch_messages;
  gsize batch_bytes;
  gsize max_message_size;
  guint parse_threads;

  /* One run's state. */
  mailpop3 *pop3;
  GCancellable *cancellable;
  gboolean pipelining;
  gboolean has_uidl;
  GArray *messages;          /* ServerMessage */
  GHashTable *known;         /* uidl -> TernPop3Uidl */
  GHashTable *seen_uidls;    /* while reading UIDL: the UIDLs so far */
  TernPop3Progress progress;
  char *buf;                 /* READ_BUFFER_SIZE bytes */
  gsize start, end;
};

G_DEFINE_FINAL_TYPE (TernPop3Fetch, tern_pop3_fetch, G_TYPE_OBJECT)

static void
server_message_clear (gpointer data)
{
  g_free (((ServerMessage *) data)->uidl);
}

static void
tern_pop3_fetch_finalize (GObject *object)
{
  TernPop3Fetch *self = TERN_POP3_FETCH (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->account, tern_account_settings_free);
  g_free (self->buf);
  G_OBJECT_CLASS (tern_pop3_fetch_parent_class)->finalize (object);
}

static void
tern_pop3_fetch_class_init (TernPop3FetchClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_pop3_fetch_finalize;
}

static void
tern_pop3_fetch_init (TernPop3Fetch *self)
{
  self->batch_messages = 200;
  self->batch_bytes = 8 * 1024 * 1024;
  self->max_message_size = TERN_POP3_DEFAULT_MAX_MESSAGE_SIZE;
  self->parse_threads = CLAMP (g_get_num_processors (), 1, 4);
  self->buf = g_malloc (READ_BUFFER_SIZE);
}

TernPop3Fetch *
tern_pop3_fetch_new (TernStore *store, const TernAccountSettings *account)
{
  TernPop3Fetch *self = g_object_new (TERN_TYPE_POP3_FETCH, NULL);

  self->store = g_object_ref (store);
  self->account = tern_account_settings_copy (account);
  return self;
}

void
tern_pop3_fetch_set_now (TernPop3Fetch *self, gint64 now)
{
  self->now = now;
}

void
tern_pop3_fetch_set_progress_func (TernPop3Fetch *self, TernPop3ProgressFunc func,
                                   gpointer user_data)
{
  self->progress_func = func;
  self->progress_data = user_data;
}

void
tern_pop3_fetch_set_step_func (TernPop3Fetch *self, TernPop3StepFunc func, gpointer user_data)
{
  self->step_func = func;
  self->step_data = user_data;
}

void
tern_pop3_fetch_set_batch (TernPop3Fetch *self, guint max_messages, gsize max_bytes)
{
  self->batch_messages = MAX (max_messages, 1);
  self->batch_bytes = MAX (max_bytes, 1);
}

void
tern_pop3_fetch_set_max_message_size (TernPop3Fetch *self, gsize max_size)
{
  self->max_message_size = max_size;
}

static gint64
now (TernPop3Fetch *self)
{
  return self->now != 0 ? self->now : g_get_real_time () / G_USEC_PER_SEC;
}

static void
step (TernPop3Fetch *self, TernPop3Step s)
{
  if (self->step_func)
    self->step_func (s, self->step_data);
}

static const char *
host (TernPop3Fetch *self)
{
  return self->account->incoming_host;
}

static gboolean
protocol_error (TernPop3Fetch *self, GError **error, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
protocol_error (TernPop3Fetch *self, GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *what = NULL;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
               "The POP3 server %s sent a malformed reply (%s). Nothing of the "
               "message concerned was stored; the download stopped.", host (self), what);
  return FALSE;
}

/* ---- Reading and writing ------------------------------------------------- */

static gboolean
fill (TernPop3Fetch *self, const char *during, GError **error)
{
  ssize_t n;

  if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
    return FALSE;
  if (self->start > 0)
    {
      memmove (self->buf, self->buf + self->start, self->end - self->start);
      self->end -= self->start;
      self->start = 0;
    }
  n = mailstream_read (self->pop3->pop3_stream, self->buf + self->end,
                       READ_BUFFER_SIZE - self->end);
  if (n <= 0)
    {
      tern_tls_stream_propagate_failure (self->pop3->pop3_stream, host (self), during, error);
      return FALSE;
    }
  self->end += (gsize) n;
  return TRUE;
}

/* The next line with its LF; a line longer than the buffer comes in
 * pieces with *complete FALSE. Valid until the next read. */
static gboolean
read_line (TernPop3Fetch *self, const char *during, const char **line, gsize *len,
           gboolean *complete, GError **error)
{
  for (;;)
    {
      const char *p = self->buf + self->start;
      const char *nl = memchr (p, '\n', self->end - self->start);

      if (nl != NULL || self->end - self->start == READ_BUFFER_SIZE)
        {
          *line = p;
          *len = nl != NULL ? (gsize) (nl - p) + 1 : self->end - self->start;
          *complete = nl != NULL;
          self->start += *len;
          return TRUE;
        }
      if (!fill (self, during, error))
        return FALSE;
    }
}

/* A status line: TRUE for +OK (text after it in *text), FALSE with
 * *refused set for -ERR (the server's words in *text), FALSE otherwise. */
static gboolean
read_status (TernPop3Fetch *self, const char *during, char **text, gboolean *refused,
             GError **error)
{
  const char *line;
  gsize len;
  gboolean complete;
  g_autofree char *s = NULL;

  *refused = FALSE;
  if (!read_line (self, during, &line, &len, &complete, error))
    return FALSE;
  if (!complete)
    return protocol_error (self, error, "an endless status line during %s", during);
  while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
    len--;
  s = g_utf8_make_valid (line, (gssize) len);
  if (g_str_has_prefix (s, "+OK"))
    {
      if (text)
        *text = g_strdup (g_strchug (s + 3));
      return TRUE;
    }
  if (g_str_has_prefix (s, "-ERR"))
    {
      *refused = TRUE;
      if (text)
        *text = g_strdup (g_strchug (s + 4));
      g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                   "The POP3 server %s refused %s: %s", host (self), during, g_strchug (s + 4));
      return FALSE;
    }
  return protocol_error (self, error, "“%.40s” during %s", s, during);
}

static gboolean
send_command (TernPop3Fetch *self, const char *command, gboolean flush, GError **error)
{
  mailstream *stream = self->pop3->pop3_stream;
  gsize len = strlen (command);

  if (mailstream_write (stream, command, len) != (ssize_t) len ||
      (flush && mailstream_flush (stream) != 0))
    {
      tern_tls_stream_propagate_failure (stream, host (self), "sending a command", error);
      return FALSE;
    }
  return TRUE;
}

/* Reads a dot-terminated block into @out (unstuffed), at most @max bytes. */
static gboolean
read_multiline (TernPop3Fetch *self, const char *during, GByteArray *out, gsize max,
                GError **error)
{
  gboolean at_line_start = TRUE;

  for (;;)
    {
      const char *line;
      gsize len;
      gboolean complete;

      if (!read_line (self, during, &line, &len, &complete, error))
        return FALSE;
      if (at_line_start && line[0] == '.')
        {
          if (complete && (len == 2 || (len == 3 && line[1] == '\r')))
            return TRUE;
          line++, len--;     /* dot-stuffing */
        }
      if (out->len + len > max)
        return protocol_error (self, error, "more than %" G_GSIZE_FORMAT " bytes during %s",
                               max, during);
      g_byte_array_append (out, (const guint8 *) line, (guint) len);
      at_line_start = complete;
    }
}

/* One line of a listing (CR LF and dot-stuffing removed, never empty). */
typedef gboolean (*ListingLineFunc) (TernPop3Fetch *self, char *line, GError **error);

/* Runs a multi-line command (CAPA, LIST, UIDL) and hands each line to
 * @func as it arrives: nothing but the current line is held in memory, a
 * line over MAX_LISTING_LINE bytes or more than @max_lines lines is a
 * malformed reply. Sets *refused on -ERR. */
static gboolean
listing_command (TernPop3Fetch *self, const char *command, const char *during,
                 guint max_lines, ListingLineFunc func, gboolean *refused, GError **error)
{
  guint n = 0;

  if (!send_command (self, command, TRUE, error) ||
      !read_status (self, during, NULL, refused, error))
    return FALSE;
  for (;;)
    {
      const char *line;
      gsize len;
      gboolean complete;
      g_autofree char *text = NULL;

      if (!read_line (self, during, &line, &len, &complete, error))
        return FALSE;
      if (!complete || len > MAX_LISTING_LINE)
        return protocol_error (self, error, "a line longer than %d bytes during %s",
                               MAX_LISTING_LINE, during);
      while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        len--;
      if (len == 1 && line[0] == '.')
        return TRUE;
      if (line[0] == '.')
        line++, len--;     /* dot-stuffing */
      if (len == 0)
        continue;
      if (++n > max_lines)
        return protocol_error (self, error, "more than %u lines during %s", max_lines, during);
      text = g_strndup (line, len);
      if (!func (self, text, error))
        return FALSE;
    }
}

/* ---- Validating the listing ------------------------------------------------ */

static gboolean
parse_number (const char *text, guint64 max, guint64 *out)
{
  return text != NULL && g_ascii_isdigit (text[0]) &&
         g_ascii_string_to_unsigned (text, 10, 0, max, out, NULL);
}

static gboolean
capability_line (TernPop3Fetch *self, char *line, GError **error)
{
  if (g_ascii_strcasecmp (line, "PIPELINING") == 0)
    self->pipelining = TRUE;
  return TRUE;
}

static gboolean
read_capabilities (TernPop3Fetch *self, GError **error)
{
  gboolean refused;
  g_autoptr(GError) local = NULL;

  if (!listing_command (self, "CAPA\r\n", "CAPA", MAX_CAPABILITIES, capability_line,
                        &refused, &local) && !refused)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

static ServerMessage *
find_message (TernPop3Fetch *self, guint64 number)
{
  /* Numbers are strictly increasing in LIST, so a binary search works. */
  guint lo = 0, hi = self->messages->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      ServerMessage *m = &g_array_index (self->messages, ServerMessage, mid);

      if (m->number == number)
        return m;
      if (m->number < number)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

/* "n size", numbers strictly increasing (so find_message() can bisect). */
static gboolean
listing_line (TernPop3Fetch *self, char *line, GError **error)
{
  g_auto(GStrv) f = g_strsplit (line, " ", 3);
  guint64 last = self->messages->len > 0
      ? g_array_index (self->messages, ServerMessage, self->messages->len - 1).number : 0;
  ServerMessage m = { 0 };
  guint64 number, size;

  if (g_strv_length (f) < 2 || !parse_number (f[0], G_MAXUINT, &number) ||
      number == 0 || number <= last)
    return protocol_error (self, error, "LIST line “%.40s”: bad message number", line);
  if (!parse_number (f[1], G_MAXINT64, &size))
    return protocol_error (self, error, "LIST line “%.40s”: bad size", line);
  m.number = (guint) number;
  m.size = size;
  g_array_append_val (self->messages, m);
  return TRUE;
}

static gboolean
read_listing (TernPop3Fetch *self, GError **error)
{
  gboolean refused;

  self->messages = g_array_new (FALSE, TRUE, sizeof (ServerMessage));
  g_array_set_clear_func (self->messages, server_message_clear);
  return listing_command (self, "LIST\r\n", "LIST", MAX_LISTED_MESSAGES, listing_line,
                          &refused, error);
}

static gboolean
valid_uidl (const char *uidl)
{
  gsize n = strlen (uidl);

  if (n == 0 || n > MAX_UIDL_LENGTH)
    return FALSE;
  for (const char *p = uidl; *p; p++)
    if (*p < 0x21 || *p > 0x7e)
      return FALSE;
  return TRUE;
}

/* "n uidl" for a listed message, each UIDL valid and unique. */
static gboolean
uidl_line (TernPop3Fetch *self, char *line, GError **error)
{
  g_auto(GStrv) f = g_strsplit (line, " ", 3);
  guint64 number;
  ServerMessage *m;

  if (g_strv_length (f) != 2 || !parse_number (f[0], G_MAXUINT, &number) ||
      (m = find_message (self, number)) == NULL || m->uidl != NULL ||
      !valid_uidl (f[1]) || g_hash_table_contains (self->seen_uidls, f[1]))
    return protocol_error (self, error, "UIDL line “%.40s”", line);
  m->uidl = g_strdup (f[1]);
  g_hash_table_add (self->seen_uidls, m->uidl);
  return TRUE;
}

static gboolean
read_uidls (TernPop3Fetch *self, GError **error)
{
  gboolean refused = FALSE, ok;
  g_autoptr(GError) local = NULL;

  self->seen_uidls = g_hash_table_new (g_str_hash, g_str_equal);
  ok = listing_command (self, "UIDL\r\n", "UIDL", self->messages->len, uidl_line,
                        &refused, &local);
  g_clear_pointer (&self->seen_uidls, g_hash_table_unref);
  if (!ok)
    {
      if (!refused)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      self->has_uidl = FALSE;
      return TRUE;
    }
  self->has_uidl = TRUE;
  for (guint i = 0; i < self->messages->len; i++)
    if (g_array_index (self->messages, ServerMessage, i).uidl == NULL)
      return protocol_error (self, error, "message %u has no UIDL",
                             g_array_index (self->messages, ServerMessage, i).number);
  return TRUE;
}

/* ---- Deciding ---------------------------------------------------------------- */

/* Whether a message stored locally (known UIDL) should leave the server now. */
static gboolean
known_should_go (TernPop3Fetch *self, const TernPop3Uidl *u)
{
  const TernAccountSettings *a = self->account;

  if (u->marks & TERN_POP3_MARK_KEEP)
    return FALSE;
  if (!a->pop3_leave_on_server)
    return TRUE;
  if (u->marks & TERN_POP3_MARK_DELETE)
    return TRUE;
  return a->pop3_delete_after_days > 0 &&
         now (self) >= u->downloaded_at + (gint64) a->pop3_delete_after_days * 86400;
}

/* A newly downloaded message leaves the server right after it is stored
 * only when mail is not kept there. */
static gboolean
new_should_go (TernPop3Fetch *self)
{
  return !self->account->pop3_leave_on_server;
}

static gboolean
plan (TernPop3Fetch *self, guint *n_new, GError **error)
{
  g_autoptr(GPtrArray) uidls = tern_store_list_uidls (self->store, self->account->id, error);

  if (uidls == NULL)
    return FALSE;
  self->known = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) tern_pop3_uidl_free);
  for (guint i = 0; i < uidls->len; i++)
    {
      TernPop3Uidl *u = g_ptr_array_index (uidls, i);
      g_hash_table_insert (self->known, u->uidl, u);
    }
  g_ptr_array_set_free_func (uidls, NULL);
  *n_new = 0;
  for (guint i = 0; i < self->messages->len; i++)
    {
      ServerMessage *m = &g_array_index (self->messages, ServerMessage, i);
      TernPop3Uidl *u = m->uidl ? g_hash_table_lookup (self->known, m->uidl) : NULL;

      if (u != NULL)
        m->delete = known_should_go (self, u);
      else if (m->size <= self->max_message_size)
        {
          m->fetch = TRUE;
          (*n_new)++;
        }
    }
  return TRUE;
}

/* ---- Downloading --------------------------------------------------------------- */

/* Three stages overlap, as in the IMAP sync: batch N+2 downloads on the
 * protocol thread (the mailstream stays there), batch N+1 is parsed on up
 * to four threads, batch N is stored by one store thread. Each stage hands
 * on only when the next is free, so at most three batches are in memory.
 * Batches are committed in download order, each with its UIDL rows. No
 * DELE is sent while batches are on their way: the deletions of new
 * messages wait until every batch is committed (see delete_stored). */

typedef struct {
  ServerMessage *server;
  GBytes *raw;
  char *key;                  /* UIDL, or the synthetic one */
  TernImportedMessage *imported;
} Downloaded;

typedef struct {
  TernPop3Fetch *self;
  GArray *items;              /* Downloaded, in download order */
} Batch;

static void
downloaded_clear (gpointer data)
{
  Downloaded *d = data;

  g_clear_pointer (&d->raw, g_bytes_unref);
  g_clear_pointer (&d->key, g_free);
  g_clear_pointer (&d->imported, tern_imported_message_free);
}

static Batch *
batch_new (TernPop3Fetch *self, guint n)
{
  Batch *b = g_new0 (Batch, 1);

  b->self = self;
  b->items = g_array_sized_new (FALSE, TRUE, sizeof (Downloaded), n);
  g_array_set_clear_func (b->items, downloaded_clear);
  return b;
}

static void
batch_free (Batch *b)
{
  g_array_unref (b->items);
  g_free (b);
}

static char *
content_key (GBytes *raw)
{
  g_autofree char *hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, raw);
  return g_strconcat (NO_UIDL_PREFIX, hash, NULL);
}

/* Reads one RETR answer (status and body); parsing is left to the parse stage. */
static gboolean
retrieve (TernPop3Fetch *self, ServerMessage *m, Downloaded *d, GError **error)
{
  g_autoptr(GByteArray) data = g_byte_array_sized_new ((guint) MIN (m->size + 64, 4 * 1024 * 1024));
  g_autofree char *during = g_strdup_printf ("downloading message %u", m->number);
  gboolean refused;

  if (!read_status (self, during, NULL, &refused, error) ||
      !read_multiline (self, during, data, self->max_message_size, error))
    return FALSE;
  d->server = m;
  d->raw = g_byte_array_free_to_bytes (g_steal_pointer (&data));
  self->progress.done++;
  self->progress.bytes += g_bytes_get_size (d->raw);
  if (self->progress_func)
    self->progress_func (&self->progress, self->progress_data);
  step (self, TERN_POP3_STEP_RETR);
  return TRUE;
}

static void
parse_one (guint index, gpointer user_data)
{
  Batch *b = user_data;
  Downloaded *d = &g_array_index (b->items, Downloaded, index);
  g_autoptr(GError) parse_error = NULL;

  d->key = d->server->uidl ? g_strdup (d->server->uidl) : content_key (d->raw);
  d->imported = tern_imported_message_new (d->raw, FALSE, &parse_error);
  if (d->imported == NULL)
    d->imported = tern_imported_message_new_unparseable (d->raw);
}

/* Stores a batch and records its UIDLs in one transaction (not made
 * durable here: the deletions that need it come after a sync point).
 * Messages known already (the no-UIDL case after an interrupted run) are
 * not stored again. Runs on the store thread, the only one touching the
 * store and self->known while batches are on their way. */
static gboolean
store_batch (TernPop3Fetch *self, GArray *batch, GError **error)
{
  g_autoptr(GArray) records = g_array_new (FALSE, FALSE, sizeof (TernMessageRecord));
  g_autoptr(GPtrArray) fresh = g_ptr_array_new ();
  g_autoptr(GArray) ids = NULL;
  gint64 t = now (self);

  for (guint i = 0; i < batch->len; i++)
    {
      Downloaded *d = &g_array_index (batch, Downloaded, i);
      TernMessageRecord r = d->imported->record;

      if (g_hash_table_contains (self->known, d->key))
        continue;
      r.folder_id = self->inbox_id;
      r.uid = 0;
      r.uidl = d->key;
      r.internal_date = t;
      r.flags = 0;
      r.raw = d->raw;
      r.size = (gint64) g_bytes_get_size (d->raw);
      g_array_append_val (records, r);
      g_ptr_array_add (fresh, d);
    }
  if (!tern_store_begin (self->store, error))
    return FALSE;
  if (records->len > 0 &&
      !tern_store_insert_messages (self->store, (TernMessageRecord *) records->data,
                                   records->len, &ids, error))
    goto fail;
  for (guint i = 0; i < fresh->len; i++)
    {
      Downloaded *d = g_ptr_array_index (fresh, i);

      if (!tern_store_record_uidl (self->store, self->account->id, d->key,
                                   g_array_index (ids, gint64, i), t, error))
        goto fail;
    }
  if (!tern_store_commit (self->store, FALSE, error))
    return FALSE;
  for (guint i = 0; i < fresh->len; i++)
    {
      Downloaded *d = g_ptr_array_index (fresh, i);
      TernPop3Uidl *u = g_new0 (TernPop3Uidl, 1);

      u->uidl = g_strdup (d->key);
      u->downloaded_at = t;
      u->message_id = g_array_index (ids, gint64, i);
      g_hash_table_insert (self->known, u->uidl, u);
    }
  /* Every message of the batch is now stored here (fresh or from before). */
  for (guint i = 0; i < batch->len; i++)
    g_array_index (batch, Downloaded, i).server->stored = TRUE;
  step (self, TERN_POP3_STEP_COMMIT);
  return TRUE;

fail:
  tern_store_rollback (self->store);
  return FALSE;
}

/* Store stage. */
static gboolean
store_stage_func (gpointer item, gpointer user_data, GError **error)
{
  Batch *b = item;
  gboolean ok = store_batch (b->self, b->items, error);

  batch_free (b);
  return ok;
}

/* Parse stage: every message of the batch on up to four threads (parsing
 * is the costliest stage), then on to the store stage. */
static gboolean
parse_stage_func (gpointer item, gpointer user_data, GError **error)
{
  Batch *b = item;
  TernPipeline *store_stage = user_data;

  tern_parallel_for (b->items->len, b->self->parse_threads, parse_one, b);
  if (tern_pipeline_push (store_stage, b))   /* freed by the push on failure */
    return TRUE;
  /* The store stage failed; its own error is the one reported. */
  g_set_error_literal (error, TERN_ERROR, TERN_ERROR_STORE, "Storing messages failed");
  return FALSE;
}

/* Sends DELE for messages (pipelined when allowed) and reads the answers. */
static gboolean
delete_messages (TernPop3Fetch *self, ServerMessage **msgs, guint n, GError **error)
{
  guint sent = 0, answered = 0;

  while (answered < n)
    {
      while (sent < n && (sent == answered || self->pipelining))
        {
          g_autofree char *cmd = g_strdup_printf ("DELE %u\r\n", msgs[sent]->number);
          if (!send_command (self, cmd, sent + 1 == n || !self->pipelining, error))
            return FALSE;
          sent++;
        }
      {
        gboolean refused;
        g_autofree char *during = g_strdup_printf ("deleting message %u", msgs[answered]->number);
        if (!read_status (self, during, NULL, &refused, error))
          return FALSE;
      }
      msgs[answered]->deleted = TRUE;
      answered++;
      step (self, TERN_POP3_STEP_DELE);
    }
  return TRUE;
}

/* Downloads the messages of one batch into *out (pipelined RETR when the
 * server allows it). On failure *out keeps the messages that arrived whole,
 * so that they are stored and a retry does not fetch them again. */
static gboolean
download_batch (TernPop3Fetch *self, ServerMessage **msgs, guint n, Batch **out,
                GError **error)
{
  Batch *b = batch_new (self, n);
  guint sent = 0;

  *out = b;
  for (guint got = 0; got < n; got++)
    {
      Downloaded d = { 0 };

      while (sent < n && (sent == got || self->pipelining))
        {
          g_autofree char *cmd = g_strdup_printf ("RETR %u\r\n", msgs[sent]->number);
          if (!send_command (self, cmd, sent + 1 == n || !self->pipelining, error))
            return FALSE;
          sent++;
        }
      if (!retrieve (self, msgs[got], &d, error))
        return FALSE;
      g_array_append_val (b->items, d);
    }
  return TRUE;
}

/* Downloads, parses and stores every new message, in batches. Only the
 * store thread touches the store until both stages are finished. */
static gboolean
download_new (TernPop3Fetch *self, GError **error)
{
  g_autoptr(GPtrArray) msgs = g_ptr_array_new ();
  g_autoptr(GError) fetch_error = NULL;
  TernPipeline *store_stage, *parse_stage;
  gboolean ok = TRUE, stored;
  gsize bytes = 0;

  store_stage = tern_pipeline_new ("tern-pop3-store", 1, store_stage_func, NULL,
                                   (GDestroyNotify) batch_free);
  parse_stage = tern_pipeline_new ("tern-pop3-parse", 1, parse_stage_func, store_stage,
                                   (GDestroyNotify) batch_free);
  for (guint i = 0; ok && i <= self->messages->len; i++)
    {
      ServerMessage *m = i < self->messages->len
                         ? &g_array_index (self->messages, ServerMessage, i) : NULL;

      if (m != NULL && !m->fetch)
        continue;
      if (msgs->len > 0 &&
          (m == NULL || msgs->len >= self->batch_messages || bytes + m->size > self->batch_bytes))
        {
          Batch *b = NULL;

          ok = download_batch (self, (ServerMessage **) msgs->pdata, msgs->len, &b, &fetch_error);
          /* What arrived whole is stored even when the batch broke off. A
           * failed store stops the downloads too. */
          if (b->items->len > 0)
            ok = tern_pipeline_push (parse_stage, b) && ok;
          else
            batch_free (b);
          g_ptr_array_set_size (msgs, 0);
          bytes = 0;
        }
      if (m != NULL)
        {
          g_ptr_array_add (msgs, m);
          bytes += m->size;
        }
    }
  tern_pipeline_finish (parse_stage, NULL);
  stored = tern_pipeline_finish (store_stage, fetch_error ? NULL : error);
  /* A broken download is the cause; a store failure after it only follows. */
  if (fetch_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&fetch_error));
      return FALSE;
    }
  return stored;
}

/* After the downloads: new messages that are stored and should leave the
 * server join the deletions (leave-on-server off). */
static void
plan_new_deletions (TernPop3Fetch *self)
{
  if (!new_should_go (self))
    return;
  for (guint i = 0; i < self->messages->len; i++)
    {
      ServerMessage *m = &g_array_index (self->messages, ServerMessage, i);
      if (m->fetch && m->stored)
        m->delete = TRUE;
    }
}

/* DELE of every message that should leave the server: stored in earlier
 * runs, or in this one. First a sync point makes every earlier commit
 * durable (batches are committed without fsync; so may earlier runs' have
 * been, while mail was kept on the server): only then is anything deleted.
 * One fsync for the whole run instead of one per batch. */
static gboolean
delete_stored (TernPop3Fetch *self, GError **error)
{
  g_autoptr(GPtrArray) go = g_ptr_array_new ();

  for (guint i = 0; i < self->messages->len; i++)
    {
      ServerMessage *m = &g_array_index (self->messages, ServerMessage, i);
      if (m->delete && !m->deleted)
        g_ptr_array_add (go, m);
    }
  if (go->len == 0)
    return TRUE;
  if (!tern_store_begin (self->store, error) || !tern_store_commit (self->store, TRUE, error))
    return FALSE;
  return delete_messages (self, (ServerMessage **) go->pdata, go->len, error);
}

/* After QUIT's +OK: forget deleted UIDLs and those the server no longer
 * has (deleted by another client); neither can come back. */
static gboolean
forget_gone (TernPop3Fetch *self, GError **error)
{
  g_autoptr(GHashTable) on_server = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter it;
  gpointer key;

  if (!self->has_uidl)
    return TRUE;   /* synthetic keys: the server cannot tell which remain */
  for (guint i = 0; i < self->messages->len; i++)
    {
      ServerMessage *m = &g_array_index (self->messages, ServerMessage, i);
      if (!m->deleted)
        g_hash_table_add (on_server, m->uidl);
    }
  if (!tern_store_begin (self->store, error))
    return FALSE;
  g_hash_table_iter_init (&it, self->known);
  while (g_hash_table_iter_next (&it, &key, NULL))
    if (!g_hash_table_contains (on_server, key) &&
        !tern_store_forget_uidl (self->store, self->account->id, key, error))
      {
        tern_store_rollback (self->store);
        return FALSE;
      }
  return tern_store_commit (self->store, FALSE, error);
}

static gboolean
quit (TernPop3Fetch *self, GError **error)
{
  gboolean refused;

  step (self, TERN_POP3_STEP_QUIT);
  if (!send_command (self, "QUIT\r\n", TRUE, error))
    return FALSE;
  return read_status (self, "QUIT (which applies the deletions)", NULL, &refused, error);
}

static gboolean
find_inbox (TernPop3Fetch *self, GError **error)
{
  g_autoptr(TernFolder) inbox = tern_store_get_folder_by_role (self->store, self->account->id,
                                                               TERN_FOLDER_ROLE_INBOX, error);
  if (inbox == NULL)
    return FALSE;
  self->inbox_id = inbox->id;
  return TRUE;
}

static gboolean
too_large_check (TernPop3Fetch *self, GError **error)
{
  for (guint i = 0; i < self->messages->len; i++)
    {
      ServerMessage *m = &g_array_index (self->messages, ServerMessage, i);

      if (m->size > self->max_message_size &&
          (m->uidl == NULL || !g_hash_table_contains (self->known, m->uidl)))
        {
          g_set_error (error, TERN_ERROR, TERN_ERROR_TOO_LARGE,
                       "Message %u on %s is %" G_GUINT64_FORMAT " bytes, more than Tern "
                       "downloads (%" G_GSIZE_FORMAT " bytes); it was left on the server.",
                       m->number, host (self), m->size, self->max_message_size);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
run_session (TernPop3Fetch *self, TernPop3FetchResult *result, GError **error)
{
  guint n_new = 0;

  if (!find_inbox (self, error) || !read_capabilities (self, error) ||
      !read_listing (self, error) || !read_uidls (self, error))
    return FALSE;
  result->on_server = self->messages->len;
  if (!self->has_uidl && self->account->pop3_leave_on_server)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_UNSUPPORTED,
                   "The POP3 server %s does not support UIDL, so Tern cannot tell which "
                   "messages it already downloaded. Leaving mail on the server needs UIDL: "
                   "turn off “leave on server” for this account, or use IMAP.", host (self));
      quit (self, NULL);
      return FALSE;
    }
  if (!plan (self, &n_new, error))
    return FALSE;
  self->progress.total = n_new;
  if (!download_new (self, error))
    return FALSE;
  plan_new_deletions (self);
  if (!delete_stored (self, error) || !quit (self, error))
    return FALSE;
  for (guint i = 0; i < self->messages->len; i++)
    if (g_array_index (self->messages, ServerMessage, i).deleted)
      result->deleted++;
  if (!forget_gone (self, error))
    return FALSE;
  step (self, TERN_POP3_STEP_DONE);
  return too_large_check (self, error);
}

gboolean
tern_pop3_fetch_run (TernPop3Fetch *self, mailpop3 *pop3, GCancellable *cancellable,
                     TernPop3FetchResult *result, GError **error)
{
  TernPop3FetchResult local_result = { 0 };
  gboolean ok;

  g_return_val_if_fail (TERN_IS_POP3_FETCH (self), FALSE);
  g_return_val_if_fail (pop3 != NULL && pop3->pop3_stream != NULL, FALSE);

  if (result == NULL)
    result = &local_result;
  *result = (TernPop3FetchResult) { 0 };
  self->pop3 = pop3;
  self->cancellable = cancellable;
  self->start = self->end = 0;
  self->progress = (TernPop3Progress) { 0 };
  if (cancellable)
    tern_tls_stream_set_cancellable (pop3->pop3_stream, cancellable);
  ok = run_session (self, result, error);
  result->downloaded = self->progress.done;
  /* QUIT was said already where it applies deletions; never again. */
  tern_pop3_close (g_steal_pointer (&self->pop3), FALSE);
  g_clear_pointer (&self->messages, g_array_unref);
  g_clear_pointer (&self->known, g_hash_table_unref);
  self->cancellable = NULL;
  return ok;
}
