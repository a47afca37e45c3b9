/* tern-imap-sync.c: two-way sync of one IMAP account with the store. */
#include <string.h>

#include "core/tern-error.h"
#include "imap/tern-imap-sync-private.h"
#include "imap/tern-imap-connect.h"
#include "imap/tern-imap-error.h"
#include "imap/tern-imap-uid-set.h"
#include "imap/tern-imap-fetch-result.h"
#include "imap/tern-imap-mailbox.h"
#include "imap/tern-imap-limits.h"
#include "store/tern-message-import.h"
#include "core/tern-pipeline.h"
#include "net/tern-tls-stream.h"
#include "net/tern-stream-guard.h"

#define DEFAULT_CHUNK_BYTES (4 * 1024 * 1024)
#define MAX_CHUNK_MESSAGES 1000
/* The first chunk of a download is small, so the newest mail shows at once. */
#define FIRST_CHUNK_MESSAGES 100
/* UIDs listed, flag-checked or searched per command: memory stays bounded
 * whatever the folder's size. */
#define PAGE_UIDS 5000
/* More new UIDs than this (a first sync, or a long time away): the headers
 * of the newest HEADERS_FIRST_UIDS come first, newest first, then their
 * bodies, then the older messages whole, newest first. */
#define HEADERS_FIRST_MIN 200
/* Headers first for more than the first screens would store most of a big
 * folder twice (headers, then the body with its search text): at 30,000
 * messages that second write was half the store's time. */
#define HEADERS_FIRST_UIDS PAGE_UIDS
/* The folder's sync_state while bodies of a headers-first download are due:
 * only then does a sync look for them (a scan of the folder's rows). */
#define BODIES_DUE "bodies-due"
#define NOOP_POLL_SECONDS 30

G_DEFINE_FINAL_TYPE (TernImapSync, tern_imap_sync, G_TYPE_OBJECT)

/* A message the server has and we do not, from the cheap first FETCH. */
typedef TernUidSize NewMessage;

/* What SELECT told us. */
typedef struct {
  guint32 uidvalidity;
  guint32 uidnext;
  guint32 exists;
  guint64 highestmodseq;
} SelectInfo;

gboolean
tern_imap_sync_check_cancel (GCancellable *cancellable, GError **error)
{
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

gboolean
tern_imap_sync_ok (TernImapSync *self, int r, const char *what, GError **error)
{
  if (r == MAILIMAP_NO_ERROR)
    return TRUE;
  if (r == MAILIMAP_ERROR_STREAM && self->imap->imap_stream != NULL)
    {
      /* The stream knows why: timed out, cancelled, or cut off. */
      self->must_reconnect = TRUE;
      tern_tls_stream_propagate_failure (self->imap->imap_stream, "the incoming mail server (IMAP)",
                                         what, error);
    }
  else
    tern_imap_set_error (error, self->imap, r, what, &self->must_reconnect);
  if (self->must_reconnect)
    g_clear_pointer (&self->selected, g_free);
  return FALSE;
}

static void
report_progress (TernImapSync *self)
{
  /* Bodies a killed sync left due count in the folder's progress too. */
  self->progress.total = MAX (self->progress.total, self->progress.done);
  if (self->progress_func != NULL)
    self->progress_func (&self->progress, self->progress_data);
}

/* ---- Folder list ------------------------------------------------------ */

static GHashTable *
list_subscribed (TernImapSync *self)
{
  GHashTable *subscribed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  clist *result = NULL;

  /* A server without LSUB support simply leaves every folder subscribed. */
  if (mailimap_lsub (self->imap, "", "*", &result) == MAILIMAP_NO_ERROR && result != NULL)
    {
      for (clistiter *it = clist_begin (result); it; it = clist_next (it))
        {
          struct mailimap_mailbox_list *mb = clist_content (it);
          g_hash_table_add (subscribed, g_strdup (mb->mb_name));
        }
      mailimap_list_result_free (result);
    }
  return subscribed;
}

static gboolean
store_folder_list (TernImapSync *self, clist *list, GHashTable *subscribed,
                   TernImapQueuedFolders *queued, GHashTable *seen, GError **error)
{
  for (clistiter *it = clist_begin (list); it; it = clist_next (it))
    {
      struct mailimap_mailbox_list *mb = clist_content (it);
      char delim[2] = { mb->mb_delimiter, '\0' };
      TernFolderRole role = tern_imap_role_from_list (mb);
      gboolean is_inbox = role == TERN_FOLDER_ROLE_INBOX;

      if (!tern_imap_list_is_selectable (mb))
        continue;
      /* Deleted or renamed here, not yet on the server. */
      if (tern_imap_queued_folders_hides (queued, mb->mb_name, delim))
        continue;
      if (tern_store_upsert_folder (self->store, self->account_id, mb->mb_name, delim, role,
                                    is_inbox || g_hash_table_size (subscribed) == 0 ||
                                    g_hash_table_contains (subscribed, mb->mb_name),
                                    error) == 0)
        return FALSE;
      g_hash_table_add (seen, g_strdup (mb->mb_name));
    }
  return TRUE;
}

static gboolean
delete_vanished_folders (TernImapSync *self, GHashTable *seen, TernImapQueuedFolders *queued,
                         GError **error)
{
  g_autoptr(GPtrArray) folders = tern_store_list_folders (self->store, self->account_id, error);

  if (folders == NULL)
    return FALSE;
  for (guint i = 0; i < folders->len; i++)
    {
      TernFolder *f = g_ptr_array_index (folders, i);

      /* Made or renamed here: the server hears of it at the replay. */
      if (tern_imap_queued_folders_keeps (queued, f->path, f->delimiter))
        continue;
      if (!g_hash_table_contains (seen, f->path) &&
          !tern_store_delete_folder (self->store, f->id, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
tern_imap_sync_folder_list (TernImapSync *self, GCancellable *cancellable, GError **error)
{
  clist *list = NULL;
  g_autoptr(GHashTable) subscribed = NULL;
  g_autoptr(TernImapQueuedFolders) queued = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean ok;

  if (!tern_imap_sync_check_cancel (cancellable, error) ||
      !tern_imap_sync_ok (self, mailimap_list (self->imap, "", "*", &list), "listing folders", error))
    return FALSE;
  subscribed = list_subscribed (self);
  /* Read inside the transaction: a folder made here meanwhile is kept. */
  ok = tern_store_begin (self->store, error) &&
       (queued = tern_imap_queued_folders_new (self, error)) != NULL &&
       store_folder_list (self, list, subscribed, queued, seen, error) &&
       /* An empty LIST is a broken server, not a request to wipe the cache. */
       (g_hash_table_size (seen) == 0 || delete_vanished_folders (self, seen, queued, error)) &&
       tern_store_commit (self->store, FALSE, error);
  if (!ok)
    tern_store_rollback (self->store);
  mailimap_list_result_free (list);
  /* After an empty LIST (a broken server) nothing is known to be missing. */
  return ok && (g_hash_table_size (seen) == 0 ||
                tern_imap_sync_ensure_special_folders (self, error));
}

/* ---- Selecting -------------------------------------------------------- */

static gboolean
select_folder (TernImapSync *self, const char *path, SelectInfo *info, GError **error)
{
  uint64_t modseq = 0;
  int r;
  struct mailimap_selection_info *sel;

  g_clear_pointer (&self->selected, g_free);
  if (self->has_condstore)
    r = mailimap_select_condstore (self->imap, path, &modseq);
  else
    r = mailimap_select (self->imap, path);
  if (!tern_imap_sync_ok (self, r, "opening a folder", error))
    return FALSE;
  self->selected = g_strdup (path);
  sel = self->imap->imap_selection_info;
  if (info != NULL)
    {
      info->uidvalidity = sel ? sel->sel_uidvalidity : 0;
      info->uidnext = sel ? sel->sel_uidnext : 0;
      info->exists = sel ? sel->sel_exists : 0;
      info->highestmodseq = modseq;
    }
  self->sel_exists = sel ? sel->sel_exists : 0;
  self->sel_uidvalidity = sel ? sel->sel_uidvalidity : 0;
  return TRUE;
}

gboolean
tern_imap_sync_ensure_selected (TernImapSync *self, const char *path, GError **error)
{
  if (self->selected != NULL && g_strcmp0 (self->selected, path) == 0)
    return TRUE;
  return select_folder (self, path, NULL, error);
}

/* ---- New messages ------------------------------------------------------ */

static struct mailimap_fetch_type *
fetch_type_new (gboolean uid, gboolean flags, gboolean info)
{
  struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty ();

  if (uid)
    mailimap_fetch_type_new_fetch_att_list_add (ft, mailimap_fetch_att_new_uid ());
  if (flags)
    mailimap_fetch_type_new_fetch_att_list_add (ft, mailimap_fetch_att_new_flags ());
  if (info)
    {
      mailimap_fetch_type_new_fetch_att_list_add (ft, mailimap_fetch_att_new_rfc822_size ());
      mailimap_fetch_type_new_fetch_att_list_add (ft, mailimap_fetch_att_new_internaldate ());
    }
  return ft;
}

static int
compare_new_message (gconstpointer a, gconstpointer b)
{
  guint32 x = ((const NewMessage *) a)->uid, y = ((const NewMessage *) b)->uid;
  return x < y ? -1 : x > y;
}

/* UID, size and date of every message from @lo to @hi (0: the last):
 * cheap, and it tells how to cut the body fetch into chunks. */
static GArray *
list_new_messages (TernImapSync *self, guint32 lo, guint32 hi, GError **error)
{
  struct mailimap_set *set = mailimap_set_new_interval (lo, hi);
  struct mailimap_fetch_type *ft = fetch_type_new (TRUE, FALSE, TRUE);
  clist *result = NULL;
  int r = mailimap_uid_fetch (self->imap, set, ft, &result);
  GArray *out;

  mailimap_fetch_type_free (ft);
  mailimap_set_free (set);
  if (!tern_imap_sync_ok (self, r, "listing new messages", error))
    return NULL;
  out = g_array_new (FALSE, FALSE, sizeof (NewMessage));
  for (clistiter *it = clist_begin (result); it; it = clist_next (it))
    {
      TernImapFetched f;

      tern_imap_fetched_parse (clist_content (it), &f);
      /* "n:*" returns the last message even when its UID is below n. */
      if (f.uid >= lo && f.uid != 0 && (hi == 0 || f.uid <= hi))
        {
          NewMessage m = { f.uid, f.size, f.internal_date };
          g_array_append_val (out, m);
        }
      tern_imap_fetched_clear (&f);
    }
  mailimap_fetch_list_free (result);
  g_array_sort (out, compare_new_message);
  return out;
}

/* The stored message with @uid in @local_uids (ascending), or NULL: a
 * binary search, so that no second table of every UID is built. */
static const TernUidFlags *
find_local (GArray *local_uids, guint32 uid)
{
  guint lo = 0, hi = local_uids->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const TernUidFlags *u = &g_array_index (local_uids, TernUidFlags, mid);

      if (u->uid == uid)
        return u;
      if (u->uid < uid)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

/* Leaves out of @news what the store holds already (fetched before a gap
 * that kept the resume point back). */
static void
drop_stored (GArray *news, GArray *local_uids)
{
  guint kept = 0;

  for (guint i = 0; i < news->len; i++)
    if (find_local (local_uids, g_array_index (news, NewMessage, i).uid) == NULL)
      g_array_index (news, NewMessage, kept++) = g_array_index (news, NewMessage, i);
  g_array_set_size (news, kept);
}

static struct mailimap_fetch_type *
body_fetch_type (TernImapSync *self, gboolean full)
{
  struct mailimap_fetch_type *ft = fetch_type_new (TRUE, TRUE, TRUE);
  struct mailimap_section *section = full ? mailimap_section_new (NULL)
                                          : mailimap_section_new_header ();

  mailimap_fetch_type_new_fetch_att_list_add (ft, mailimap_fetch_att_new_body_peek_section (section));
  if (!full)
    mailimap_fetch_type_new_fetch_att_list_add (ft, mailimap_fetch_att_new_bodystructure ());
  if (self->has_condstore)
    mailimap_fetch_type_new_fetch_att_list_add (ft, mailimap_fetch_att_new_modseq ());
  return ft;
}

static gboolean
in_offline_scope (TernImapSync *self, const NewMessage *m)
{
  guint days = self->account != NULL ? self->account->offline_days : 0;

  if (tern_imap_message_too_large (m->size))
    return FALSE;   /* headers only; see tern-imap-limits.h */
  if (days == 0)
    return TRUE;
  return m->internal_date >= g_get_real_time () / G_USEC_PER_SEC - (gint64) days * 86400;
}

static TernImportedMessage *
import_fetched (TernImapSync *self, TernFolder *folder, const TernImapFetched *f)
{
  /* No copy: the chunk keeps libetpan's data until its records are freed. */
  g_autoptr(GBytes) raw = g_bytes_new_static (f->body ? f->body : "", f->body ? f->body_len : 0);
  g_autoptr(GError) error = NULL;
  TernImportedMessage *msg = tern_imported_message_new (raw, f->body_is_header, &error);

  if (msg == NULL)
    {
      /* Keep what cannot be parsed, listed, rather than dropping mail. */
      g_warning ("message %u in %s could not be parsed: %s", f->uid, folder->path,
                 error->message);
      msg = tern_imported_message_new_unparseable (raw);
      if (f->body_is_header)
        {
          msg->record.raw = NULL;
          msg->record.body_state = TERN_BODY_STATE_HEADERS;
        }
    }
  msg->record.folder_id = folder->id;
  msg->record.uid = f->uid;
  msg->record.flags = f->flags;
  tern_imported_message_set_keywords (msg, f->keywords->str);
  msg->record.internal_date = f->internal_date;
  msg->record.size = f->size;
  if (f->body_is_header)
    msg->record.has_attachments = f->has_attachments;
  return msg;
}

/* A flags-only FETCH response in a chunk (another client changed flags
 * while we fetched), after the message's own response. */
typedef struct {
  guint32 uid;
  guint flags;
  char *keywords;
} FlagUpdate;

static void
flag_update_clear (FlagUpdate *u)
{
  g_free (u->keywords);
}

/* One downloaded chunk on its way to the store. */
typedef struct {
  TernImapSync *self;
  TernFolder *folder;
  clist *result;             /* libetpan's FETCH responses; the records borrow from it */
  GPtrArray *imported;       /* of TernImportedMessage, once parsed */
  GArray *flag_updates;      /* of FlagUpdate, in response order */
  GArray *requested;         /* the UIDs asked for (guint32, ascending) */
  guint32 first_uid, last_uid;
  gboolean fill;             /* bodies of messages stored headers only */
  gboolean bodies_follow;    /* headers whose bodies fetch_missing_bodies brings */
} Chunk;

static void
chunk_free (Chunk *chunk)
{
  /* The records borrow from the fetched data: free them first. */
  g_clear_pointer (&chunk->imported, g_ptr_array_unref);
  g_clear_pointer (&chunk->flag_updates, g_array_unref);
  g_clear_pointer (&chunk->requested, g_array_unref);
  if (chunk->result != NULL)
    mailimap_fetch_list_free (chunk->result);
  g_free (chunk);
}

/* A message moved or saved here without COPYUID/APPENDUID has a local copy
 * without a UID: the server's copy takes its place (gets its UID) instead of
 * being stored beside it. Returns TRUE if @rec was such a copy. */
static gboolean
adopt_unnumbered_copy (TernImapSync *self, TernFolder *folder, const TernMessageRecord *rec,
                       GError **error)
{
  g_autoptr(GArray) ids = NULL;

  if (rec->message_id == NULL || *rec->message_id == '\0')
    return FALSE;
  ids = tern_store_find_by_message_id (self->store, self->account_id, rec->message_id, error);
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    {
      g_autoptr(TernMessageSummary) m =
        tern_store_get_message (self->store, g_array_index (ids, gint64, i), NULL);

      if (m != NULL && m->folder_id == folder->id && m->uid == 0)
        return tern_store_move_message (self->store, m->id, folder->id, rec->uid, error);
    }
  return FALSE;
}

/* The records to insert: every delivered message but the local copies it
 * replaced. */
static GArray *
chunk_records (TernImapSync *self, Chunk *chunk, GError **error)
{
  g_autoptr(GArray) records = g_array_sized_new (FALSE, FALSE, sizeof (TernMessageRecord),
                                                  chunk->imported->len);

  for (guint i = 0; i < chunk->imported->len; i++)
    {
      TernImportedMessage *m = g_ptr_array_index (chunk->imported, i);
      g_autoptr(GError) local_error = NULL;

      if (self->adopt_unnumbered &&
          adopt_unnumbered_copy (self, chunk->folder, &m->record, &local_error))
        continue;
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_array_append_val (records, m->record);
    }
  return g_steal_pointer (&records);
}

/* Counts the UIDs of @chunk the server listed but did not deliver: they
 * keep the resume point where it was, so the next sync fetches them. */
static void
count_undelivered (TernImapSync *self, Chunk *chunk)
{
  g_autoptr(GHashTable) delivered = g_hash_table_new (g_direct_hash, g_direct_equal);

  for (guint i = 0; i < chunk->imported->len; i++)
    g_hash_table_add (delivered, GUINT_TO_POINTER (
      ((TernImportedMessage *) g_ptr_array_index (chunk->imported, i))->record.uid));
  for (guint i = 0; i < chunk->requested->len; i++)
    {
      guint32 uid = g_array_index (chunk->requested, guint32, i);

      if (g_hash_table_contains (delivered, GUINT_TO_POINTER (uid)))
        continue;
      self->n_undelivered++;
      if (self->gap_uid == 0 || uid < self->gap_uid)
        self->gap_uid = uid;
    }
}

static gboolean
apply_chunk_flags (TernImapSync *self, Chunk *chunk, GError **error)
{
  for (guint i = 0; i < chunk->flag_updates->len; i++)
    {
      FlagUpdate *u = &g_array_index (chunk->flag_updates, FlagUpdate, i);

      if (!tern_store_update_flags_by_uid (self->store, chunk->folder->id, u->uid, u->flags,
                                           u->keywords, error))
        return FALSE;
    }
  return TRUE;
}

/* Stores one fetched chunk in one durable transaction. The folder's
 * resume point (UIDNEXT) stays where it was: chunks come newest first, so
 * it moves only once every message below it is stored (see
 * tern_imap_sync_folder). After a kill, the sync lists the same UIDs again
 * and leaves out those stored. */
static gboolean
insert_chunk (TernImapSync *self, Chunk *chunk, GError **error)
{
  g_autoptr(GArray) records = NULL;

  count_undelivered (self, chunk);
  return (records = chunk_records (self, chunk, error)) != NULL &&
         tern_store_insert_messages (self->store, (TernMessageRecord *) records->data,
                                     records->len, NULL, error);
}

/* A body that does not come (expunged meanwhile) leaves its message
 * headers only: the next sync asks again, or finds it gone. */
static gboolean
fill_chunk (TernImapSync *self, Chunk *chunk, GError **error)
{
  g_autoptr(GArray) records = g_array_sized_new (FALSE, FALSE, sizeof (TernMessageRecord),
                                                  chunk->imported->len);

  for (guint i = 0; i < chunk->imported->len; i++)
    g_array_append_val (records, ((TernImportedMessage *) g_ptr_array_index (chunk->imported, i))->record);
  return tern_store_fill_bodies (self->store, (TernMessageRecord *) records->data, records->len,
                                 error);
}

static gboolean
store_chunk (TernImapSync *self, Chunk *chunk, GError **error)
{
  gboolean ok;

  ok = tern_store_begin (self->store, error) &&
       (chunk->fill ? fill_chunk (self, chunk, error) : insert_chunk (self, chunk, error)) &&
       apply_chunk_flags (self, chunk, error) &&
       tern_store_commit (self->store, FALSE, error);
  if (!ok)
    tern_store_rollback (self->store);
  return ok;
}

/* The messages of a chunk, parsed side by side. */
typedef struct {
  Chunk *chunk;
  struct mailimap_msg_att **atts;
  TernImportedMessage **out;   /* NULL where a response is not one of ours */
  FlagUpdate *flags;           /* uid 0 where a response is not flags-only */
} ParseJob;

static void
parse_one (guint index, gpointer data)
{
  ParseJob *job = data;
  TernImapFetched f;

  tern_imap_fetched_parse (job->atts[index], &f);
  if (f.uid != 0 && f.uid >= job->chunk->first_uid && f.uid <= job->chunk->last_uid)
    {
      /* Only a response with the section we asked for is the message; a
       * server sends FLAGS alone when another client changed them. */
      if (f.body != NULL)
        {
          NewMessage m = { f.uid, f.size, f.internal_date };

          job->out[index] = import_fetched (job->chunk->self, job->chunk->folder, &f);
          /* Its body follows soon: indexed once, then, in one batch. */
          job->out[index]->record.text_later = job->chunk->bodies_follow &&
                                               in_offline_scope (job->chunk->self, &m);
        }
      else if (f.has_flags)
        job->flags[index] = (FlagUpdate) { f.uid, f.flags, g_strdup (f.keywords->str) };
    }
  tern_imap_fetched_clear (&f);
}

/* Keeps the parsed messages, and the flags-only responses that came after
 * their message's own (newer than its FLAGS); earlier ones are older. */
static void
collect_parsed (Chunk *chunk, ParseJob *job, guint n)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);

  chunk->imported = g_ptr_array_new_full (n, (GDestroyNotify) tern_imported_message_free);
  chunk->flag_updates = g_array_new (FALSE, FALSE, sizeof (FlagUpdate));
  g_array_set_clear_func (chunk->flag_updates, (GDestroyNotify) flag_update_clear);
  for (guint i = 0; i < n; i++)
    {
      if (job->out[i] != NULL)
        {
          g_ptr_array_add (chunk->imported, job->out[i]);
          g_hash_table_add (seen, GUINT_TO_POINTER (job->out[i]->record.uid));
        }
      else if (job->flags[i].uid != 0 &&
               g_hash_table_contains (seen, GUINT_TO_POINTER (job->flags[i].uid)))
        g_array_append_val (chunk->flag_updates, job->flags[i]);
      else
        flag_update_clear (&job->flags[i]);
    }
}

/* Parse stage: GMime over every message of the chunk (on as many threads
 * as there are processors, up to four: parsing is the costliest stage), then
 * on to the store stage, blocking while it is busy, which keeps the chunks
 * in memory at three: downloading, parsing, storing. */
static gboolean
parse_fetched_chunk (gpointer item, gpointer user_data, GError **error)
{
  Chunk *chunk = item;
  TernPipeline *store_stage = user_data;
  gint64 t0 = g_get_monotonic_time ();
  guint n = (guint) clist_count (chunk->result), i = 0;
  g_autofree struct mailimap_msg_att **atts = g_new (struct mailimap_msg_att *, n);
  g_autofree TernImportedMessage **out = g_new0 (TernImportedMessage *, n);
  g_autofree FlagUpdate *flags = g_new0 (FlagUpdate, n);
  ParseJob job = { chunk, atts, out, flags };

  for (clistiter *it = clist_begin (chunk->result); it; it = clist_next (it))
    atts[i++] = clist_content (it);
  tern_parallel_for (n, chunk->self->parse_threads, parse_one, &job);
  collect_parsed (chunk, &job, n);
  chunk->self->stats.parse_us += g_get_monotonic_time () - t0;
  /* Passed on (or freed by the push, when the store stage failed). */
  if (tern_pipeline_push (store_stage, chunk))
    return TRUE;
  /* The store stage failed; its own error is the one reported. */
  g_set_error_literal (error, TERN_ERROR, TERN_ERROR_STORE, "Storing messages failed");
  return FALSE;
}

/* Store stage: commits a parsed chunk. The only thread that touches the
 * store while new messages download; the sync thread leaves the store
 * alone until both stages are finished. */
static gboolean
store_parsed_chunk (gpointer item, gpointer user_data, GError **error)
{
  Chunk *chunk = item;
  gint64 t0 = g_get_monotonic_time ();
  gboolean ok = store_chunk (chunk->self, chunk, error);

  chunk->self->stats.store_us += g_get_monotonic_time () - t0;
  chunk_free (chunk);
  return ok;
}

static Chunk *
fetch_chunk (TernImapSync *self, TernFolder *folder, const NewMessage *msgs, guint n,
             gboolean full, GError **error)
{
  g_autofree guint32 *uids = g_new (guint32, n);
  struct mailimap_set *set;
  struct mailimap_fetch_type *ft;
  clist *result = NULL;
  gint64 t0 = g_get_monotonic_time ();
  Chunk *chunk;
  int r;

  for (guint i = 0; i < n; i++)
    uids[i] = msgs[i].uid;
  set = tern_imap_set_from_uids (uids, n);
  ft = body_fetch_type (self, full);
  r = mailimap_uid_fetch (self->imap, set, ft, &result);
  mailimap_fetch_type_free (ft);
  mailimap_set_free (set);
  self->stats.fetch_us += g_get_monotonic_time () - t0;
  if (!tern_imap_sync_ok (self, r, "downloading messages", error))
    return NULL;
  chunk = g_new0 (Chunk, 1);
  chunk->self = self;
  chunk->folder = folder;
  chunk->result = result;
  chunk->requested = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n);
  g_array_append_vals (chunk->requested, uids, n);
  chunk->first_uid = msgs[0].uid;
  chunk->last_uid = msgs[n - 1].uid;
  return chunk;
}

/* What a download asks for. */
typedef enum {
  FETCH_IN_SCOPE,   /* bodies in the offline scope, headers for the rest */
  FETCH_HEADERS,    /* headers only: fetch_missing_bodies follows */
  FETCH_BODIES,     /* bodies of messages stored headers only */
} FetchMode;

static gboolean
wants_body (TernImapSync *self, const NewMessage *m, FetchMode mode)
{
  return mode == FETCH_BODIES || (mode == FETCH_IN_SCOPE && in_offline_scope (self, m));
}

/* Messages on their way in, in chunks of at most chunk_bytes (or
 * MAX_CHUNK_MESSAGES), whole bodies or headers, never both in one chunk.
 * Three stages overlap: chunk N+2 downloads on the sync thread (libetpan
 * stays there) while chunk N+1 is parsed and chunk N is stored, each stage
 * on its own thread; a stage hands on only when the next is free, so at
 * most three chunks are in memory. The sync thread leaves the store alone
 * between download_start and download_finish. */
typedef struct {
  TernImapSync *self;
  TernFolder *folder;
  TernPipeline *parse_stage, *store_stage;
  GError *fetch_error;
  guint n_chunks;
  guint n_messages;
} Download;

static void
download_start (Download *dl, TernImapSync *self, TernFolder *folder)
{
  memset (dl, 0, sizeof *dl);
  dl->self = self;
  dl->folder = folder;
  dl->store_stage = tern_pipeline_new ("tern-sync-store", 1, store_parsed_chunk, NULL,
                                       (GDestroyNotify) chunk_free);
  dl->parse_stage = tern_pipeline_new ("tern-sync-parse", 1, parse_fetched_chunk,
                                       dl->store_stage, (GDestroyNotify) chunk_free);
}

/* Queues @msgs (in UID order) newest first: each chunk is a run of UIDs in
 * order, grown downwards from the end. FALSE once a download failed (in
 * dl->fetch_error) or a stage stopped. */
static gboolean
download_push (Download *dl, GArray *msgs, FetchMode mode, GCancellable *cancellable)
{
  TernImapSync *self = dl->self;
  guint end = msgs->len;

  while (end > 0)
    {
      const NewMessage *m = (const NewMessage *) msgs->data;
      gboolean full = wants_body (self, &m[end - 1], mode);
      guint limit = dl->n_chunks == 0 ? FIRST_CHUNK_MESSAGES : MAX_CHUNK_MESSAGES;
      gsize bytes = 0;
      guint n = 0;
      Chunk *chunk;

      /* The chunk is msgs[end - n, end). */
      while (n < end && n < limit && wants_body (self, &m[end - n - 1], mode) == full &&
             (n == 0 || bytes + tern_imap_chunk_cost (m[end - n - 1].size, full) <= self->chunk_bytes))
        bytes += tern_imap_chunk_cost (m[end - n++ - 1].size, full);
      chunk = tern_imap_sync_check_cancel (cancellable, &dl->fetch_error)
                ? fetch_chunk (self, dl->folder, &m[end - n], n, full, &dl->fetch_error)
                : NULL;
      if (chunk != NULL)
        {
          chunk->fill = mode == FETCH_BODIES;
          chunk->bodies_follow = mode == FETCH_HEADERS;
        }
      /* A failed store stops the downloads too; its error wins. */
      if (chunk == NULL || !tern_pipeline_push (dl->parse_stage, chunk))
        return FALSE;
      end -= n;
      dl->n_chunks++;
      dl->n_messages += n;
      /* A message counts once, when it is there to read offline: the
       * newest page's headers do not, its bodies do (newest_bodies). */
      if (mode != FETCH_HEADERS)
        {
          self->progress.done += n;
          report_progress (self);
        }
    }
  return TRUE;
}

/* Every chunk downloaded whole is stored even when a later one failed. */
static gboolean
download_finish (Download *dl, GError **error)
{
  TernImapSync *self = dl->self;
  g_autoptr(GError) parse_error = NULL;
  gboolean stored;

  tern_pipeline_finish (dl->parse_stage, &parse_error);
  stored = tern_pipeline_finish (dl->store_stage, error);
  g_debug ("%s: %u messages: fetch %.2f s, parse %.2f s, store %.2f s (overlapped)",
           dl->folder->path, dl->n_messages, self->stats.fetch_us / 1e6,
           self->stats.parse_us / 1e6, self->stats.store_us / 1e6);
  if (!stored)
    {
      g_clear_error (&dl->fetch_error);
      return FALSE;
    }
  if (dl->fetch_error != NULL)
    {
      g_propagate_error (error, dl->fetch_error);
      return FALSE;
    }
  return TRUE;
}

/* Records @state (BODIES_DUE or NULL) with the folder's stored resume
 * point, unchanged. */
static gboolean
set_sync_state (TernImapSync *self, TernFolder *folder, const char *state, GError **error)
{
  g_free (folder->sync_state);
  folder->sync_state = g_strdup (state);
  return tern_store_update_folder_state (self->store, folder->id, folder->uidvalidity,
                                         folder->uidnext, folder->highestmodseq, state, error);
}

static gboolean fetch_missing_bodies (TernImapSync *self, TernFolder *folder, gboolean in_folder,
                                      GCancellable *cancellable, GError **error);

static gboolean
headers_first (guint32 from_uid, guint32 top)
{
  return top == 0 || (top >= from_uid && top - from_uid >= HEADERS_FIRST_MIN);
}

/* After the headers of the newest page: their bodies, before any older
 * message. The download's stages are stopped meanwhile (the listing of
 * missing bodies reads the store), then started again. The bodies count
 * in the folder's progress, which goes on from there with the older mail. */
static gboolean
newest_bodies (TernImapSync *self, Download *dl, GCancellable *cancellable, GError **error)
{
  if (!download_finish (dl, error) ||
      !fetch_missing_bodies (self, dl->folder, TRUE, cancellable, error))
    return FALSE;
  download_start (dl, self, dl->folder);
  return TRUE;
}

/* Lists the new messages (UIDs from the resume point to @info's UIDNEXT)
 * a page of UIDs at a time, from the top down, and downloads each page
 * newest first: memory holds one page, not the folder. Sparse UIDs widen
 * the page. Where many are new, the top page (HEADERS_FIRST_UIDS) comes
 * headers first, then its bodies (newest_bodies), then the older pages
 * whole. @n_new counts what was listed and not stored yet. */
static gboolean
fetch_new_messages (TernImapSync *self, TernFolder *folder, const SelectInfo *info,
                    GArray *local_uids, guint *n_new, GCancellable *cancellable,
                    GError **error)
{
  guint32 from_uid = MAX (folder->uidnext, 1);
  guint32 hi = info->uidnext > 0 ? info->uidnext - 1 : 0;   /* 0: unknown, all at once */
  const guint32 top = hi;
  FetchMode mode = headers_first (from_uid, hi) ? FETCH_HEADERS : FETCH_IN_SCOPE;
  guint32 width = mode == FETCH_HEADERS ? self->headers_first_uids : PAGE_UIDS;
  Download dl;

  memset (&self->stats, 0, sizeof self->stats);
  *n_new = 0;
  self->progress.total = info->exists > local_uids->len ? info->exists - local_uids->len : 0;
  self->progress.done = 0;
  report_progress (self);
  if (info->uidnext > 0 && info->uidnext <= from_uid)
    return TRUE;
  /* Durable before the first header: a sync killed after it still knows
   * that bodies are due. */
  if (mode == FETCH_HEADERS && !set_sync_state (self, folder, BODIES_DUE, error))
    return FALSE;
  download_start (&dl, self, folder);
  for (;;)
    {
      guint32 lo = hi == 0 || hi - from_uid < width ? from_uid : hi - width + 1;
      /* The top page asks up to "*": mail that came after SELECT is
       * listed too (the resume point stays below it, so nothing is lost
       * either way). */
      g_autoptr(GArray) page = list_new_messages (self, lo, hi == top ? 0 : hi, &dl.fetch_error);
      guint listed;

      if (page == NULL)
        break;
      listed = page->len;
      drop_stored (page, local_uids);
      *n_new += page->len;
      if (!download_push (&dl, page, mode, cancellable) || lo == from_uid)
        break;
      if (mode == FETCH_HEADERS)
        {
          /* A kill from here on finds the top page stored: its resume
           * lists it empty, then goes on below (BODIES_DUE brings any
           * body still missing first). */
          if (!newest_bodies (self, &dl, cancellable, error))
            return FALSE;
          mode = FETCH_IN_SCOPE;
          width = PAGE_UIDS;
        }
      else if (listed < PAGE_UIDS / 2 && width <= G_MAXUINT32 / 4)
        width *= 2;
      hi = lo - 1;
    }
  return download_finish (&dl, error);
}

/* Bodies in the offline scope of messages stored headers only (after a
 * headers-first download, or a sync killed before their bodies came),
 * newest first, a page of UIDs at a time. Their state is in the store, so
 * this resumes wherever a sync stopped. @in_folder: they count in the
 * folder's new mail (newest_bodies), not as a progress of their own. */
static gboolean
fetch_missing_bodies (TernImapSync *self, TernFolder *folder, gboolean in_folder,
                      GCancellable *cancellable, GError **error)
{
  guint days = self->account != NULL ? self->account->offline_days : 0;
  gint64 since = days == 0 ? 0 : g_get_real_time () / G_USEC_PER_SEC - (gint64) days * 86400;
  guint32 below = G_MAXUINT32;
  gboolean first = TRUE;

  memset (&self->stats, 0, sizeof self->stats);
  for (;;)
    {
      /* Listed while no stage runs: the store has one user at a time. */
      g_autoptr(GArray) page = tern_store_list_missing_bodies (self->store, folder->id, since,
                                                               TERN_STREAM_MAX_LITERAL, below,
                                                               PAGE_UIDS, error);
      Download dl;
      gboolean ok;

      if (page == NULL)
        return FALSE;
      if (page->len == 0)
        return set_sync_state (self, folder, NULL, error);
      if (!in_folder && first)
        self->progress.done = self->progress.total = 0;
      if (!in_folder)
        self->progress.total += page->len;   /* grows page by page */
      first = FALSE;
      below = g_array_index (page, TernUidSize, 0).uid;
      download_start (&dl, self, folder);
      ok = download_push (&dl, page, FETCH_BODIES, cancellable);
      if (!download_finish (&dl, error) || !ok)
        return FALSE;
    }
}

/* ---- Flags and expunges -------------------------------------------------- */

static gboolean
apply_flag_changes (TernImapSync *self, TernFolder *folder, clist *result, GArray *local_uids,
                    GError **error)
{
  gboolean ok = tern_store_begin (self->store, error);

  for (clistiter *it = clist_begin (result); ok && it; it = clist_next (it))
    {
      TernImapFetched f;
      const TernUidFlags *stored;

      tern_imap_fetched_parse (clist_content (it), &f);
      if (f.has_flags && f.uid != 0 && (stored = find_local (local_uids, f.uid)) != NULL &&
          stored->flags != f.flags)
        ok = tern_store_update_flags_by_uid (self->store, folder->id, f.uid, f.flags,
                                             f.keywords->str, error);
      tern_imap_fetched_clear (&f);
    }
  if (ok)
    return tern_store_commit (self->store, FALSE, error);
  tern_store_rollback (self->store);
  return FALSE;
}

/* The UID range of the @page-th run of PAGE_UIDS stored messages: commands
 * over the known messages go a page at a time, so that no reply holds the
 * whole folder. FALSE past the end. */
static gboolean
local_page (GArray *local_uids, guint page, guint32 *first, guint32 *last)
{
  guint i = page * PAGE_UIDS;

  if (i >= local_uids->len)
    return FALSE;
  *first = g_array_index (local_uids, TernUidFlags, i).uid;
  *last = g_array_index (local_uids, TernUidFlags, MIN (i + PAGE_UIDS, local_uids->len) - 1).uid;
  return TRUE;
}

/* Flags of the messages we already had: only those changed since the last
 * HIGHESTMODSEQ when the server has CONDSTORE, else all of them. */
static gboolean
sync_flags (TernImapSync *self, TernFolder *folder, GArray *local_uids, guint64 since,
            GError **error)
{
  guint32 first, last;

  for (guint page = 0; local_page (local_uids, page, &first, &last); page++)
    {
      struct mailimap_set *set = mailimap_set_new_interval (first, last);
      struct mailimap_fetch_type *ft = fetch_type_new (TRUE, TRUE, FALSE);
      clist *result = NULL;
      gboolean ok;
      int r;

      if (self->has_condstore && since > 0)
        r = mailimap_uid_fetch_changedsince (self->imap, set, ft, since, &result);
      else
        r = mailimap_uid_fetch (self->imap, set, ft, &result);
      mailimap_fetch_type_free (ft);
      mailimap_set_free (set);
      if (!tern_imap_sync_ok (self, r, "reading message flags", error))
        return FALSE;
      ok = apply_flag_changes (self, folder, result, local_uids, error);
      mailimap_fetch_list_free (result);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/* Appends to @gone the stored UIDs from @first to @last that the server no
 * longer has. */
static gboolean
find_expunged (TernImapSync *self, GArray *local_uids, guint32 first, guint32 last, GArray *gone,
               GError **error)
{
  struct mailimap_search_key *key = mailimap_search_key_new_uid (mailimap_set_new_interval (first, last));
  clist *result = NULL;
  g_autoptr(GHashTable) on_server = g_hash_table_new (g_direct_hash, g_direct_equal);
  const TernUidFlags *u = find_local (local_uids, first);
  const TernUidFlags *end = &g_array_index (local_uids, TernUidFlags, local_uids->len);
  int r = mailimap_uid_search (self->imap, NULL, key, &result);

  mailimap_search_key_free (key);
  if (!tern_imap_sync_ok (self, r, "checking for deleted messages", error))
    return FALSE;
  for (clistiter *it = clist_begin (result); it; it = clist_next (it))
    g_hash_table_add (on_server, GUINT_TO_POINTER (*(uint32_t *) clist_content (it)));
  mailimap_search_result_free (result);
  for (; u < end && u->uid <= last; u++)
    if (!g_hash_table_contains (on_server, GUINT_TO_POINTER (u->uid)))
      g_array_append_val (gone, u->uid);
  return TRUE;
}

/* The server has fewer of our messages than we do: ask which UIDs it still
 * has and delete the others here. */
static gboolean
sync_expunges (TernImapSync *self, TernFolder *folder, GArray *local_uids, GError **error)
{
  g_autoptr(GArray) gone = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint32 first, last;

  for (guint page = 0; local_page (local_uids, page, &first, &last); page++)
    if (!find_expunged (self, local_uids, first, last, gone, error))
      return FALSE;
  if (gone->len == 0)
    return TRUE;
  return tern_store_delete_by_uids (self->store, folder->id, (guint32 *) gone->data,
                                    gone->len, error);
}

/* Whether a queued flag change of @path still waits to go out. */
static gboolean
folder_has_pending_ops (TernImapSync *self, const char *path)
{
  g_autoptr(GPtrArray) ops = tern_store_list_ops (self->store, self->account_id, NULL);

  for (guint i = 0; ops != NULL && i < ops->len; i++)
    {
      TernPendingOp *op = g_ptr_array_index (ops, i);
      gboolean flag_change = op->kind == TERN_PENDING_SET_FLAGS ||
                             op->kind == TERN_PENDING_CLEAR_FLAGS;

      /* A held change is not going out: the server's flags are the truth. */
      if (flag_change && !op->held && g_strcmp0 (op->folder_path, path) == 0)
        return TRUE;
    }
  return FALSE;
}

/* ---- One folder ---------------------------------------------------------- */

static gboolean
check_uidvalidity (TernImapSync *self, TernFolder *folder, const SelectInfo *info,
                   GError **error)
{
  if (folder->uidvalidity == info->uidvalidity)
    return TRUE;
  /* First sync, or the server renumbered the folder: what we hold under the
   * old UIDs means nothing now. Pending operations stay (they name paths). */
  if (!tern_store_reset_folder (self->store, folder->id, info->uidvalidity, error))
    return FALSE;
  folder->uidvalidity = info->uidvalidity;
  folder->uidnext = 0;
  folder->highestmodseq = 0;
  return TRUE;
}

static gboolean
nothing_changed (TernImapSync *self, TernFolder *folder, const SelectInfo *info)
{
  return self->has_condstore && info->highestmodseq != 0 &&
         folder->highestmodseq == info->highestmodseq &&
         info->uidnext != 0 && folder->uidnext == info->uidnext &&
         folder->total_count == info->exists;
}

/* @local_uids: what we held before this sync's new messages were stored. */
static gboolean
sync_known_messages (TernImapSync *self, TernFolder *folder, const SelectInfo *info,
                     GArray *local_uids, guint n_new, GError **error)
{
  /* A queued change not yet on the server would be reverted by the server's
   * flags: leave flags alone until the queue has drained. */
  if (!folder_has_pending_ops (self, folder->path) &&
      !sync_flags (self, folder, local_uids, folder->highestmodseq, error))
    return FALSE;
  if (info->exists != local_uids->len + n_new)
    return sync_expunges (self, folder, local_uids, error);
  return TRUE;
}

/* New messages (their headers at least), flags and expunges of the
 * selected folder, and its resume point. */
static gboolean
sync_folder_changes (TernImapSync *self, TernFolder *folder, const SelectInfo *info,
                     GCancellable *cancellable, GError **error)
{
  g_autoptr(GArray) local_uids = NULL;
  guint n_new;

  /* The resume point is the stored UIDNEXT alone, not the largest local UID:
   * a message moved here by us already has its (high) UID in this folder
   * while lower UIDs filed by somebody else are still to be fetched. It
   * moves only when every new message is stored (they come newest first),
   * so a sync killed half way lists the same UIDs again; what we hold
   * already is not fetched again. */
  local_uids = tern_store_list_uids (self->store, folder->id, error);
  if (local_uids == NULL)
    return FALSE;
  self->gap_uid = 0;
  self->n_undelivered = 0;
  /* Local copies without a UID wait for their server copy. */
  self->adopt_unnumbered = folder->total_count > local_uids->len;
  if (!fetch_new_messages (self, folder, info, local_uids, &n_new, cancellable, error))
    return FALSE;
  if (self->gap_uid != 0)
    {
      /* Every listed UID below the lowest undelivered one is stored now. */
      folder->uidnext = MAX (folder->uidnext, self->gap_uid);
      g_message ("%s: the server listed %u message(s) it did not deliver, the lowest UID %u; "
                 "they are fetched again at the next sync", folder->path, self->n_undelivered,
                 self->gap_uid);
    }
  else
    /* A folder whose new messages were all expunged meanwhile still moves on. */
    folder->uidnext = MAX (folder->uidnext, info->uidnext);
  if (!sync_known_messages (self, folder, info, local_uids, n_new, error))
    return FALSE;
  /* HIGHESTMODSEQ moves only now that every change up to it is stored. */
  folder->highestmodseq = info->highestmodseq;
  return tern_store_update_folder_state (self->store, folder->id, folder->uidvalidity,
                                         folder->uidnext, info->highestmodseq,
                                         folder->sync_state, error);
}

gboolean
tern_imap_sync_folder (TernImapSync *self, const char *path, GCancellable *cancellable,
                       GError **error)
{
  g_autoptr(TernFolder) folder = NULL;
  SelectInfo info;

  g_return_val_if_fail (TERN_IS_IMAP_SYNC (self), FALSE);
  folder = tern_store_get_folder_by_path (self->store, self->account_id, path, error);
  if (folder == NULL || !tern_imap_sync_check_cancel (cancellable, error) ||
      !select_folder (self, path, &info, error) ||
      !check_uidvalidity (self, folder, &info, error))
    return FALSE;
  self->progress.folder_path = folder->path;
  /* The list first, whole; then the bodies it still lacks (also those of
   * a sync killed before they came: nothing else may have changed). */
  return (nothing_changed (self, folder, &info) ||
          sync_folder_changes (self, folder, &info, cancellable, error)) &&
         (g_strcmp0 (folder->sync_state, BODIES_DUE) != 0 ||
          fetch_missing_bodies (self, folder, FALSE, cancellable, error));
}

/* ---- Whole account ----------------------------------------------------- */

static int
inbox_first (gconstpointer a, gconstpointer b)
{
  const TernFolder *x = *(TernFolder *const *) a, *y = *(TernFolder *const *) b;
  int xi = x->role == TERN_FOLDER_ROLE_INBOX, yi = y->role == TERN_FOLDER_ROLE_INBOX;

  if (xi != yi)
    return yi - xi;
  return g_strcmp0 (x->path, y->path);
}

gboolean
tern_imap_sync_all (TernImapSync *self, GCancellable *cancellable, GError **error)
{
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(TernImapQueuedFolders) queued = NULL;

  if (!tern_imap_sync_folder_list (self, cancellable, error) ||
      !tern_imap_sync_replay (self, cancellable, error))
    return FALSE;
  folders = tern_store_list_folders (self->store, self->account_id, error);
  if (folders == NULL || (queued = tern_imap_queued_folders_new (self, error)) == NULL)
    return FALSE;
  g_ptr_array_sort (folders, inbox_first);
  self->progress.n_folders = folders->len;
  for (guint i = 0; i < folders->len; i++)
    {
      TernFolder *f = g_ptr_array_index (folders, i);

      self->progress.folder_index = i + 1;
      /* Made here, and the server has not taken it yet: nothing to read. */
      if (tern_imap_queued_folders_keeps (queued, f->path, f->delimiter))
        continue;
      if (!tern_imap_sync_folder (self, f->path, cancellable, error))
        return FALSE;
    }
  tern_imap_sync_read_quota (self);
  return TRUE;
}

/* ---- Bodies on demand ---------------------------------------------------- */

/* As the sync fills bodies: a message stored without search text yet (its
 * body was due later) gets it now. */
static gboolean
store_fetched_body (TernImapSync *self, const TernMessageSummary *summary,
                    const TernImapFetched *f, GError **error)
{
  g_autoptr(GBytes) raw = g_bytes_new (f->body, f->body_len);
  g_autoptr(TernImportedMessage) msg = tern_imported_message_new (raw, FALSE, NULL);

  if (msg == NULL)
    return tern_store_set_raw (self->store, summary->id, raw, NULL, NULL, 0, error);
  msg->record.folder_id = summary->folder_id;
  msg->record.uid = summary->uid;
  msg->record.internal_date = summary->internal_date;
  return tern_store_fill_bodies (self->store, &msg->record, 1, error);
}

gboolean
tern_imap_sync_select_message (TernImapSync *self, const TernMessageSummary *msg, GError **error)
{
  g_autoptr(TernFolder) folder = NULL;

  if (msg->uid == 0)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND,
                   "This message is not on the server yet; it will be once queued changes are sent.");
      return FALSE;
    }
  folder = tern_store_get_folder (self->store, msg->folder_id, error);
  if (folder == NULL || !tern_imap_sync_ensure_selected (self, folder->path, error))
    return FALSE;
  if (self->sel_uidvalidity != folder->uidvalidity)
    {
      /* The UID belongs to the old numbering: it would name another message. */
      g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND,
                   "The server renumbered the folder “%s”; it must be synced again before "
                   "this message can be downloaded.", folder->path);
      return FALSE;
    }
  return TRUE;
}

gboolean
tern_imap_sync_fetch_body (TernImapSync *self, gint64 message_id, GCancellable *cancellable,
                           GError **error)
{
  g_autoptr(TernMessageSummary) msg = tern_store_get_message (self->store, message_id, error);
  struct mailimap_set *set;
  struct mailimap_fetch_type *ft;
  clist *result = NULL;
  gboolean ok = FALSE;
  int r;

  if (msg == NULL || !tern_imap_check_download_size ((guint64) MAX (msg->size, 0), error) ||
      !tern_imap_sync_check_cancel (cancellable, error) ||
      !tern_imap_sync_select_message (self, msg, error))
    return FALSE;
  set = mailimap_set_new_single (msg->uid);
  ft = fetch_type_new (TRUE, FALSE, FALSE);
  mailimap_fetch_type_new_fetch_att_list_add (ft, mailimap_fetch_att_new_body_peek_section (mailimap_section_new (NULL)));
  r = mailimap_uid_fetch (self->imap, set, ft, &result);
  mailimap_fetch_type_free (ft);
  mailimap_set_free (set);
  if (!tern_imap_sync_ok (self, r, "downloading a message", error))
    return FALSE;
  for (clistiter *it = clist_begin (result); it && !ok; it = clist_next (it))
    {
      TernImapFetched f;

      tern_imap_fetched_parse (clist_content (it), &f);
      if (f.uid == msg->uid && f.body != NULL)
        ok = store_fetched_body (self, msg, &f, error);
      tern_imap_fetched_clear (&f);
    }
  mailimap_fetch_list_free (result);
  if (!ok && error != NULL && *error == NULL)
    g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND,
                 "The message is no longer on the server.");
  return ok;
}

/* ---- IDLE ------------------------------------------------------------------ */

static TernIdleResult
noop_poll (TernImapSync *self, guint timeout_seconds, GCancellable *cancellable, GError **error)
{
  guint32 before = self->sel_exists;
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_seconds * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      GPollFD pfd;

      if (!tern_imap_sync_ok (self, mailimap_noop (self->imap), "checking for new mail", error))
        return TERN_IDLE_FAILED;
      if (self->imap->imap_selection_info != NULL &&
          self->imap->imap_selection_info->sel_exists != before)
        return TERN_IDLE_CHANGED;
      /* Sleep until the next poll, or until cancelled. */
      if (cancellable != NULL && g_cancellable_make_pollfd (cancellable, &pfd))
        {
          g_poll (&pfd, 1, MIN (NOOP_POLL_SECONDS, timeout_seconds) * 1000);
          g_cancellable_release_fd (cancellable);
        }
      else
        g_usleep (MIN (NOOP_POLL_SECONDS, timeout_seconds) * G_USEC_PER_SEC);
      if (g_cancellable_is_cancelled (cancellable))
        return TERN_IDLE_INTERRUPTED;
    }
  return TERN_IDLE_TIMEOUT;
}

TernIdleResult
tern_imap_sync_idle (TernImapSync *self, const char *path, guint timeout_seconds,
                     GCancellable *cancellable, GError **error)
{
  int waited;

  if (!tern_imap_sync_ensure_selected (self, path, error))
    return TERN_IDLE_FAILED;
  if (!self->has_idle)
    return noop_poll (self, timeout_seconds, cancellable, error);
  if (mailstream_setup_idle (self->imap->imap_stream) != 0)
    return noop_poll (self, timeout_seconds, cancellable, error);
  if (!tern_imap_sync_ok (self, mailimap_idle (self->imap), "waiting for new mail", error))
    {
      mailstream_unsetup_idle (self->imap->imap_stream);
      return TERN_IDLE_FAILED;
    }
  /* Let the caller's cancellable wake the wait up, for this wait only. */
  tern_tls_stream_set_cancellable (self->imap->imap_stream, cancellable);
  waited = tern_tls_stream_wait_idle (self->imap->imap_stream, (int) timeout_seconds);
  tern_tls_stream_set_cancellable (self->imap->imap_stream, NULL);
  mailstream_unsetup_idle (self->imap->imap_stream);
  if (!tern_imap_sync_ok (self, mailimap_idle_done (self->imap), "waiting for new mail", error))
    return TERN_IDLE_FAILED;
  switch (waited)
    {
    case MAILSTREAM_IDLE_HASDATA:
      return TERN_IDLE_CHANGED;
    case MAILSTREAM_IDLE_TIMEOUT:
      return TERN_IDLE_TIMEOUT;
    case MAILSTREAM_IDLE_INTERRUPTED:
    case MAILSTREAM_IDLE_CANCELLED:
      return TERN_IDLE_INTERRUPTED;
    default:
      self->must_reconnect = TRUE;
      g_set_error (error, TERN_ERROR, TERN_ERROR_CONNECTION_LOST,
                   "The connection to the incoming mail server (IMAP) was lost while "
                   "waiting for new mail.");
      return TERN_IDLE_FAILED;
    }
}

/* ---- Object ------------------------------------------------------------------ */

void
tern_imap_sync_set_progress_func (TernImapSync *self, TernSyncProgressFunc func,
                                  gpointer user_data)
{
  self->progress_func = func;
  self->progress_data = user_data;
}

gboolean
tern_imap_sync_must_reconnect (TernImapSync *self)
{
  return self->must_reconnect;
}

void
tern_imap_sync_set_chunk_bytes (TernImapSync *self, gsize bytes)
{
  self->chunk_bytes = MAX (bytes, 1);
}

static void
tern_imap_sync_finalize (GObject *object)
{
  TernImapSync *self = TERN_IMAP_SYNC (object);

  tern_imap_close (self->imap, !self->must_reconnect);
  g_clear_object (&self->store);
  g_clear_pointer (&self->account, tern_account_settings_free);
  g_free (self->selected);
  G_OBJECT_CLASS (tern_imap_sync_parent_class)->finalize (object);
}

static void
tern_imap_sync_class_init (TernImapSyncClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_imap_sync_finalize;
}

static void
tern_imap_sync_init (TernImapSync *self)
{
  self->chunk_bytes = DEFAULT_CHUNK_BYTES;
  self->headers_first_uids = HEADERS_FIRST_UIDS;
  self->parse_threads = CLAMP (g_get_num_processors (), 1, 4);
  /* Benchmarks compare parse fan-out settings. */
  if (g_getenv ("TERN_SYNC_PARSE_THREADS") != NULL)
    self->parse_threads = CLAMP (g_ascii_strtoull (g_getenv ("TERN_SYNC_PARSE_THREADS"), NULL, 10), 1, 16);
}

TernImapSync *
tern_imap_sync_new (mailimap *imap, TernStore *store, gint64 account_id)
{
  TernImapSync *self = g_object_new (TERN_TYPE_IMAP_SYNC, NULL);

  self->imap = imap;
  self->store = g_object_ref (store);
  self->account_id = account_id;
  self->account = tern_store_get_account (store, account_id, NULL);
  /* libetpan's capability checks walk the capability list without looking
   * whether there is one, and a session fed hostile bytes may have none
   * (found by fuzz-imap): then assume no extension at all. */
  if (imap->imap_connection_info != NULL && imap->imap_connection_info->imap_capability != NULL &&
      imap->imap_connection_info->imap_capability->cap_list != NULL)
    {
      self->has_condstore = mailimap_has_condstore (imap);
      self->has_move = mailimap_has_extension (imap, "MOVE");
      self->has_uidplus = mailimap_has_uidplus (imap);
      self->has_idle = mailimap_has_idle (imap);
      self->has_create_special_use = mailimap_has_extension (imap, "CREATE-SPECIAL-USE");
      self->has_quota = mailimap_has_quota (imap);
    }
  /* Tests and benchmarks vary the chunk size to cut syncs at many points. */
  if (g_getenv ("TERN_SYNC_CHUNK_BYTES") != NULL)
    self->chunk_bytes = MAX (g_ascii_strtoull (g_getenv ("TERN_SYNC_CHUNK_BYTES"), NULL, 10), 1);
  /* The kill tests reach the older pages with a few hundred messages. */
  if (g_getenv ("TERN_SYNC_HEADERS_FIRST_UIDS") != NULL)
    self->headers_first_uids =
      CLAMP (g_ascii_strtoull (g_getenv ("TERN_SYNC_HEADERS_FIRST_UIDS"), NULL, 10), 1, PAGE_UIDS);
  return self;
}
