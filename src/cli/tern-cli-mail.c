/* tern-cli-mail.c: folders, list, show, search, flag, move, delete, idle
 * (reading and changing mail; `sync` is in tern-cli-sync.c). */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "tern-cli-context.h"
#include "account/tern-mail-actions.h"
#include "mime/tern-mime-parse.h"
#include "mime/tern-mime-render.h"

/* ---- folders --------------------------------------------------------------- */

int
tern_cli_folders_main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(JsonBuilder) json = tern_cli_get ()->json ? json_builder_new () : NULL;

  if (argc != 2)
    return tern_cli_usage ("folders NAME");
  if ((a = tern_cli_account (argv[1], &error)) == NULL ||
      (folders = tern_store_list_folders (tern_cli_get ()->store, a->id, &error)) == NULL)
    return tern_cli_fail (error, NULL);
  if (json)
    json_builder_begin_array (json);
  for (guint i = 0; i < folders->len; i++)
    {
      TernFolder *f = g_ptr_array_index (folders, i);
      g_autofree char *name = tern_cli_folder_name (a, f);
      const char *role = tern_folder_role_to_string (f->role);

      if (!json)
        {
          printf ("%s\t%s\t%u unread\t%u total\n", name, role, f->unread_count, f->total_count);
          continue;
        }
      json_builder_begin_object (json);
      tern_cli_json_string (json, "name", name);
      /* The server's own name, for scripts that talk IMAP themselves. */
      tern_cli_json_string (json, "path", f->path);
      tern_cli_json_string (json, "role", role);
      tern_cli_json_int (json, "unread", f->unread_count);
      tern_cli_json_int (json, "total", f->total_count);
      json_builder_end_object (json);
    }
  if (json)
    {
      json_builder_end_array (json);
      tern_cli_print_json (json_builder_get_root (json));
    }
  return TERN_EXIT_OK;
}

/* ---- list and search ---------------------------------------------------------- */

static void
print_flags (guint flags, char out[5])
{
  out[0] = flags & TERN_FLAG_SEEN ? '-' : 'N';
  out[1] = flags & TERN_FLAG_FLAGGED ? 'F' : '-';
  out[2] = flags & TERN_FLAG_ANSWERED ? 'A' : '-';
  out[3] = flags & TERN_FLAG_DELETED ? 'D' : '-';
  out[4] = '\0';
}

/* The flags by name, the names `tern-cli flag` takes ("seen", "flagged"). */
static void
add_flag_names (JsonBuilder *json, guint flags)
{
  static const struct { guint flag; const char *name; } names[] = {
    { TERN_FLAG_SEEN, "seen" }, { TERN_FLAG_ANSWERED, "answered" },
    { TERN_FLAG_FLAGGED, "flagged" }, { TERN_FLAG_DELETED, "deleted" },
    { TERN_FLAG_DRAFT, "draft" }, { TERN_FLAG_FORWARDED, "forwarded" },
    { TERN_FLAG_JUNK, "junk" },
  };

  json_builder_begin_array (json);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (flags & names[i].flag)
      json_builder_add_string_value (json, names[i].name);
  json_builder_end_array (json);
}

/* The folder names of the rows' folders, by folder id (tern-cli's names). */
static GHashTable *
folder_names (GPtrArray *rows)
{
  GHashTable *names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  for (guint i = 0; i < rows->len; i++)
    {
      TernMessageSummary *m = g_ptr_array_index (rows, i);
      g_autoptr(TernFolder) f = NULL;
      g_autoptr(TernAccountSettings) a = NULL;

      if (g_hash_table_contains (names, &m->folder_id) ||
          (f = tern_store_get_folder (tern_cli_get ()->store, m->folder_id, NULL)) == NULL ||
          (a = tern_store_get_account (tern_cli_get ()->store, f->account_id, NULL)) == NULL)
        continue;
      g_hash_table_insert (names, g_memdup2 (&m->folder_id, sizeof m->folder_id),
                           tern_cli_folder_name (a, f));
    }
  return names;
}

static void
add_summary (JsonBuilder *json, const TernMessageSummary *m, const char *folder)
{
  json_builder_begin_object (json);
  tern_cli_json_int (json, "id", m->id);
  tern_cli_json_string (json, "folder", folder);
  tern_cli_json_int (json, "uid", m->uid);
  json_builder_set_member_name (json, "flags");
  add_flag_names (json, m->flags);
  tern_cli_json_int (json, "date", m->date);
  tern_cli_json_string (json, "from", m->from_address);
  tern_cli_json_string (json, "from_name", m->from_name);
  tern_cli_json_string (json, "subject", m->subject);
  tern_cli_json_string (json, "message_id", m->message_id);
  json_builder_set_member_name (json, "has_attachments");
  json_builder_add_boolean_value (json, m->has_attachments);
  json_builder_end_object (json);
}

static void
print_summary (const TernMessageSummary *m, const char *folder)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (m->date ? m->date : m->internal_date);
  g_autofree char *date = dt ? g_date_time_format (dt, "%F %R") : g_strdup ("?");
  const char *from = m->from_name && *m->from_name ? m->from_name : m->from_address;
  char flags[5];

  print_flags (m->flags, flags);
  printf ("%" G_GINT64_FORMAT "\t%s\t%s\t%s%s%s\t%s%s\n", m->id, flags, date,
          folder != NULL ? folder : "", folder != NULL ? "\t" : "", from ? from : "",
          m->subject ? m->subject : "", m->has_attachments ? "\t[attachment]" : "");
}

int
tern_cli_print_summaries (GArray *ids, guint limit, gboolean with_folder, GError **error)
{
  guint n = limit > 0 ? MIN (limit, ids->len) : ids->len;
  g_autoptr(GPtrArray) rows = tern_store_get_summaries (tern_cli_get ()->store,
                                                        (gint64 *) ids->data, n, error);
  g_autoptr(JsonBuilder) json = NULL;
  g_autoptr(GHashTable) folders = NULL;

  if (rows == NULL)
    return tern_cli_fail (*error, NULL);
  folders = folder_names (rows);
  if (!tern_cli_get ()->json)
    {
      for (guint i = 0; i < rows->len; i++)
        {
          TernMessageSummary *m = g_ptr_array_index (rows, i);
          print_summary (m, with_folder ? g_hash_table_lookup (folders, &m->folder_id) : NULL);
        }
      return TERN_EXIT_OK;
    }
  json = json_builder_new ();
  json_builder_begin_array (json);
  for (guint i = 0; i < rows->len; i++)
    {
      TernMessageSummary *m = g_ptr_array_index (rows, i);
      add_summary (json, m, g_hash_table_lookup (folders, &m->folder_id));
    }
  json_builder_end_array (json);
  tern_cli_print_json (json_builder_get_root (json));
  return TERN_EXIT_OK;
}

int
tern_cli_list_main (int argc, char **argv)
{
  int limit = 50;
  gboolean threads = FALSE;
  GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Show at most N messages (0: all)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_NONE, &threads, "One line per conversation", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("NAME FOLDER");
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(TernFolder) folder = NULL;
  g_autoptr(GArray) ids = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, NULL) || argc != 3 || limit < 0)
    return tern_cli_usage ("list NAME FOLDER [--limit N] [--threads]");
  if ((a = tern_cli_account (argv[1], &error)) == NULL ||
      (folder = tern_cli_folder (a, argv[2], &error)) == NULL)
    return tern_cli_fail (error, NULL);
  if (threads)
    return tern_cli_print_threads (folder, (guint) limit);
  /* A page costs the same in a folder of a million messages (the index). */
  ids = limit > 0
        ? tern_store_list_newest_ids (tern_cli_get ()->store, folder->id, (guint) limit, &error)
        : tern_store_list_message_ids (tern_cli_get ()->store, folder->id, TERN_SORT_DATE, TRUE,
                                       &error);
  if (ids == NULL)
    return tern_cli_fail (error, NULL);
  return tern_cli_print_summaries (ids, (guint) limit, FALSE, &error);
}

int
tern_cli_search_main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(GArray) ids = NULL;

  if (argc != 3)
    return tern_cli_usage ("search NAME QUERY");
  /* Trash and Junk are left out unless the query says in:trash, in:all. */
  if ((a = tern_cli_account (argv[1], &error)) == NULL ||
      (ids = tern_store_search (tern_cli_get ()->store, a->id, 0, argv[2], 200, &error)) == NULL)
    return tern_cli_fail (error, NULL);
  return tern_cli_print_summaries (ids, 0, TRUE, &error);
}

/* ---- show ------------------------------------------------------------------ */

static TernMessageSummary *
message_of_account (TernAccountSettings *a, const char *id_text, GError **error)
{
  gint64 id;
  TernMessageSummary *m;

  if (!tern_cli_parse_id (id_text, &id))
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID,
                   "“%s” is not a message id (see tern-cli list).", id_text);
      return NULL;
    }
  m = tern_store_get_message (tern_cli_get ()->store, id, error);
  if (m != NULL && m->account_id != a->id)
    {
      g_clear_pointer (&m, tern_message_summary_free);
      g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND,
                   "Message %s does not belong to account %s.", id_text, a->name);
    }
  return m;
}

/* The stored message, or for IMAP mail outside the offline scope, the
 * message downloaded now. */
static GBytes *
load_raw (TernAccountSettings *a, TernMessageSummary *m, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(TernAccountSync) session = NULL;
  GBytes *raw = tern_store_get_raw (tern_cli_get ()->store, m->id, &local_error);

  if (raw != NULL)
    return raw;   /* local_error is NULL: nothing to propagate */
  /* Only an IMAP body that is not downloaded yet can still be fetched. */
  if (a->protocol != TERN_PROTOCOL_IMAP ||
      !g_error_matches (local_error, TERN_ERROR, TERN_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  session = tern_cli_session (a);
  if (!tern_account_sync_fetch_body (session, m->id, NULL, error))
    return NULL;
  return tern_store_get_raw (tern_cli_get ()->store, m->id, error);
}

int
tern_cli_show_main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(TernMessageSummary) m = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(TernParsedMessage) parsed = NULL;
  g_autofree char *text = NULL;

  if (argc != 3)
    return tern_cli_usage ("show NAME MSGID");
  if ((a = tern_cli_account (argv[1], &error)) == NULL ||
      (m = message_of_account (a, argv[2], &error)) == NULL ||
      (raw = load_raw (a, m, &error)) == NULL ||
      (parsed = tern_parsed_message_new_from_bytes (raw, &error)) == NULL)
    return tern_cli_fail (error, NULL);
  text = tern_mime_render_text (parsed);
  fputs (text, stdout);
  if (*text && text[strlen (text) - 1] != '\n')
    fputc ('\n', stdout);
  return TERN_EXIT_OK;
}

/* ---- flag, move, delete ------------------------------------------------------- */

static gboolean
parse_flag_change (const char *arg, guint *set, guint *clear)
{
  static const struct { const char *name; guint flag; } names[] = {
    { "seen", TERN_FLAG_SEEN }, { "read", TERN_FLAG_SEEN }, { "flagged", TERN_FLAG_FLAGGED },
    { "answered", TERN_FLAG_ANSWERED }, { "junk", TERN_FLAG_JUNK },
  };

  if (arg[0] != '+' && arg[0] != '-')
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (arg + 1, names[i].name) == 0)
      {
        *(arg[0] == '+' ? set : clear) |= names[i].flag;
        return TRUE;
      }
  return FALSE;
}

int
tern_cli_flag_main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(TernMessageSummary) m = NULL;
  guint set = 0, clear = 0;

  if (argc < 4)
    return tern_cli_usage ("flag NAME MSGID +seen|-seen|+flagged|-flagged ...");
  for (int i = 3; i < argc; i++)
    if (!parse_flag_change (argv[i], &set, &clear))
      return tern_cli_usage ("flag NAME MSGID +seen|-seen|+flagged|-flagged ...");
  if ((a = tern_cli_account (argv[1], &error)) == NULL ||
      (m = message_of_account (a, argv[2], &error)) == NULL ||
      !tern_mail_change_flags (tern_cli_get ()->store, &m->id, 1, set, clear, &error))
    return tern_cli_fail (error, NULL);
  return tern_cli_replay_now (a);
}

int
tern_cli_move_main (int argc, char **argv)
{
  g_autofree char *to = NULL;
  GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_STRING, &to,
      "The folder is in this account (local: on this computer)", "ACCOUNT" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("NAME MSGID FOLDER");
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(TernAccountSettings) dest_account = NULL;
  g_autoptr(TernMessageSummary) m = NULL;
  g_autoptr(TernFolder) dest = NULL;
  g_autoptr(GBytes) raw = NULL;
  int rc;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, NULL) || argc != 4)
    return tern_cli_usage ("move NAME MSGID FOLDER [--to ACCOUNT]");
  if ((a = tern_cli_account (argv[1], &error)) == NULL ||
      (m = message_of_account (a, argv[2], &error)) == NULL ||
      (dest_account = to != NULL ? tern_cli_account (to, &error)
                                 : tern_account_settings_copy (a)) == NULL ||
      (dest = tern_cli_folder (dest_account, argv[3], &error)) == NULL)
    return tern_cli_fail (error, NULL);
  /* Another account gets a copy of the bytes: download them first. */
  if (dest_account->id != a->id && (raw = load_raw (a, m, &error)) == NULL)
    return tern_cli_fail (error, NULL);
  if (!tern_mail_move (tern_cli_get ()->store, &m->id, 1, dest->id, &error))
    return tern_cli_fail (error, NULL);
  rc = tern_cli_replay_now (dest_account);
  return dest_account->id != a->id ? MAX (rc, tern_cli_replay_now (a)) : rc;
}

int
tern_cli_delete_main (int argc, char **argv)
{
  gboolean permanently = FALSE;
  GOptionEntry entries[] = {
    { "permanently", 0, 0, G_OPTION_ARG_NONE, &permanently,
      "Delete for good, without Trash", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("NAME MSGID");
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(TernMessageSummary) m = NULL;
  gboolean ok;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, NULL) || argc != 3)
    return tern_cli_usage ("delete NAME MSGID [--permanently]");
  if ((a = tern_cli_account (argv[1], &error)) == NULL ||
      (m = message_of_account (a, argv[2], &error)) == NULL)
    return tern_cli_fail (error, NULL);
  ok = permanently ? tern_mail_delete_permanently (tern_cli_get ()->store, &m->id, 1, &error)
                   : tern_mail_delete (tern_cli_get ()->store, &m->id, 1, &error);
  if (!ok && g_error_matches (error, TERN_ERROR, TERN_ERROR_NEEDS_CONFIRMATION))
    {
      /* Never destroy mail unasked: say so, and how to go on. */
      fprintf (stderr, "tern-cli: Nothing was deleted. %s\n"
               "To delete it for good anyway: tern-cli delete %s %s --permanently\n",
               error->message, argv[1], argv[2]);
      return TERN_EXIT_FAILED;
    }
  if (!ok)
    return tern_cli_fail (error, NULL);
  return tern_cli_replay_now (a);
}

/* ---- idle ------------------------------------------------------------------ */

static GCancellable *idle_cancel;

static void
stop_idle (int sig)
{
  /* g_cancellable_cancel is not async-signal-safe in general, but its
   * wakeup is a write() to an eventfd; this is the last thing the process does. */
  g_cancellable_cancel (idle_cancel);
}

static int
print_new_since (TernAccountSettings *a, gint64 folder_id, guint32 *max_uid)
{
  g_autoptr(GArray) uids = tern_store_list_uids (tern_cli_get ()->store, folder_id, NULL);
  guint32 top = *max_uid;

  for (guint i = 0; uids != NULL && i < uids->len; i++)
    {
      TernUidFlags *u = &g_array_index (uids, TernUidFlags, i);
      gint64 id;
      g_autoptr(TernMessageSummary) m = NULL;

      if (u->uid <= *max_uid)
        continue;
      top = MAX (top, u->uid);
      id = tern_store_find_by_uid (tern_cli_get ()->store, folder_id, u->uid, NULL);
      m = id ? tern_store_get_message (tern_cli_get ()->store, id, NULL) : NULL;
      if (m != NULL)
        print_summary (m, NULL);
    }
  fflush (stdout);
  *max_uid = top;
  return TERN_EXIT_OK;
}

int
tern_cli_idle_main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(TernAccountSync) session = NULL;
  g_autoptr(TernFolder) inbox = NULL;
  g_autoptr(TernCertificateInfo) cert = NULL;
  guint32 max_uid;

  if (argc != 2)
    return tern_cli_usage ("idle NAME");
  if ((a = tern_cli_account (argv[1], &error)) == NULL)
    return tern_cli_fail (error, NULL);
  idle_cancel = g_cancellable_new ();
  signal (SIGINT, stop_idle);
  signal (SIGTERM, stop_idle);
  session = tern_cli_session (a);
  if (a->protocol != TERN_PROTOCOL_IMAP)
    {
      g_set_error (&error, TERN_ERROR, TERN_ERROR_UNSUPPORTED,
                   "Waiting for new mail needs an IMAP account; %s uses POP3.", a->name);
      return tern_cli_fail (error, NULL);
    }
  if (!tern_account_sync_incoming (session, "INBOX", NULL, NULL, &cert, &error) ||
      (inbox = tern_store_get_folder_by_path (tern_cli_get ()->store, a->id, "INBOX", &error)) == NULL)
    return tern_cli_fail (error, cert);
  max_uid = tern_store_get_max_uid (tern_cli_get ()->store, inbox->id, NULL);
  printf ("Waiting for new mail in %s (Ctrl+C to stop)...\n", a->name);
  fflush (stdout);
  while (!g_cancellable_is_cancelled (idle_cancel))
    {
      /* RFC 2177: renew IDLE before 29 minutes. */
      TernIdleResult r = tern_account_sync_idle (session, "INBOX", 25 * 60, idle_cancel, &error);

      if (r == TERN_IDLE_FAILED)
        return tern_cli_fail (error, NULL);
      if (r == TERN_IDLE_CHANGED)
        {
          if (!tern_account_sync_folder (session, "INBOX", NULL, &error))
            return tern_cli_fail (error, NULL);
          print_new_since (a, inbox->id, &max_uid);
        }
    }
  return TERN_EXIT_OK;
}
