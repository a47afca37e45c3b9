/* tern-cli-threads.c: conversations, `list --threads` and `thread`. */
#include "tern-cli-context.h"

/* ID(newest)  THREAD  N/M  UNREAD  FLAG  DATE  PARTICIPANTS  SUBJECT */
static void
print_thread (const TernThreadSummary *t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (t->newest_date);
  g_autofree char *date = dt ? g_date_time_format (dt, "%F %R") : g_strdup ("?");

  printf ("%" G_GINT64_FORMAT "\t%" G_GINT64_FORMAT "\t%u/%u\t%u unread\t%s\t%s\t%s\t%s\n",
          t->newest_id, t->thread_id, t->n_in_folder, t->n_messages, t->n_unread,
          t->flagged ? "F" : "-", date, t->participants ? t->participants : "",
          t->subject ? t->subject : "");
}

static void
add_thread (JsonBuilder *json, const TernThreadSummary *t)
{
  json_builder_begin_object (json);
  tern_cli_json_int (json, "thread", t->thread_id);
  tern_cli_json_int (json, "newest_id", t->newest_id);
  tern_cli_json_int (json, "newest_date", t->newest_date);
  tern_cli_json_int (json, "messages_here", t->n_in_folder);
  tern_cli_json_int (json, "messages", t->n_messages);
  tern_cli_json_int (json, "unread", t->n_unread);
  json_builder_set_member_name (json, "flagged");
  json_builder_add_boolean_value (json, t->flagged);
  tern_cli_json_string (json, "participants", t->participants);
  tern_cli_json_string (json, "subject", t->subject);
  json_builder_end_object (json);
}

int
tern_cli_print_threads (const TernFolder *folder, guint limit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) threads = tern_store_list_threads (tern_cli_get ()->store, folder->id, 0,
                                                          limit, &error);
  g_autoptr(JsonBuilder) json = NULL;

  if (threads == NULL)
    return tern_cli_fail (error, NULL);
  if (!tern_cli_get ()->json)
    {
      for (guint i = 0; i < threads->len; i++)
        print_thread (g_ptr_array_index (threads, i));
      return TERN_EXIT_OK;
    }
  json = json_builder_new ();
  json_builder_begin_array (json);
  for (guint i = 0; i < threads->len; i++)
    add_thread (json, g_ptr_array_index (threads, i));
  json_builder_end_array (json);
  tern_cli_print_json (json_builder_get_root (json));
  return TERN_EXIT_OK;
}

int
tern_cli_thread_main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(TernMessageSummary) m = NULL;
  g_autoptr(GArray) ids = NULL;
  gint64 id;

  if (argc != 3 || !tern_cli_parse_id (argv[2], &id))
    return tern_cli_usage ("thread NAME MSGID");
  if ((a = tern_cli_account (argv[1], &error)) == NULL ||
      (m = tern_store_get_message (tern_cli_get ()->store, id, &error)) == NULL)
    return tern_cli_fail (error, NULL);
  if (m->account_id != a->id)
    {
      g_set_error (&error, TERN_ERROR, TERN_ERROR_NOT_FOUND,
                   "Account “%s” has no message %" G_GINT64_FORMAT " (tern-cli list shows "
                   "the ids).", a->name, id);
      return tern_cli_fail (error, NULL);
    }
  if ((ids = tern_store_list_thread_messages (tern_cli_get ()->store, m->thread_id,
                                              &error)) == NULL)
    return tern_cli_fail (error, NULL);
  return tern_cli_print_summaries (ids, 0, FALSE, &error);
}
