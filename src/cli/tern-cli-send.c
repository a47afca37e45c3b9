/* tern-cli-send.c: `send` (queue a message, then send the outbox now) and
 * `outbox` (list what waits). */
#include <stdio.h>
#include <string.h>

#include "tern-cli-context.h"
#include "account/tern-outbox.h"

/* ---- send ---------------------------------------------------------------------- */

static gboolean
add_addresses (TernOutgoingMessage *msg, char **list,
               void (*add) (TernOutgoingMessage *, const char *, const char *))
{
  for (char **p = list; p && *p; p++)
    {
      g_autoptr(GPtrArray) parsed = tern_address_list_parse (*p);

      if (parsed == NULL || parsed->len == 0)
        return FALSE;
      for (guint i = 0; i < parsed->len; i++)
        {
          TernAddress *addr = g_ptr_array_index (parsed, i);
          add (msg, addr->name, addr->address);
        }
    }
  return TRUE;
}

static char *
read_stdin (GError **error)
{
  g_autoptr(GString) body = g_string_new (NULL);
  char buf[8192];
  size_t n;

  while ((n = fread (buf, 1, sizeof buf, stdin)) > 0)
    g_string_append_len (body, buf, (gssize) n);
  if (ferror (stdin))
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID, "Could not read the body from stdin.");
      return NULL;
    }
  if (!g_utf8_validate (body->str, (gssize) body->len, NULL))
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID, "The body is not UTF-8 text.");
      return NULL;
    }
  return g_string_free (g_steal_pointer (&body), FALSE);
}

int
tern_cli_send_main (int argc, char **argv)
{
  g_auto(GStrv) to = NULL, cc = NULL, bcc = NULL, attach = NULL;
  g_autofree char *subject = NULL;
  gboolean queue_only = FALSE;
  GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_STRING_ARRAY, &to, "Recipient (repeatable)", "A" },
    { "cc", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cc, "Copy to (repeatable)", "A" },
    { "bcc", 0, 0, G_OPTION_ARG_STRING_ARRAY, &bcc, "Blind copy to (repeatable)", "A" },
    { "subject", 0, 0, G_OPTION_ARG_STRING, &subject, "Subject", "S" },
    { "attach", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &attach, "Attach a file (repeatable)", "FILE" },
    { "queue-only", 0, 0, G_OPTION_ARG_NONE, &queue_only, "Only queue; send at the next sync", NULL },
    { NULL }
  };
  const char *usage = "send NAME --to A [--cc A] [--bcc A] --subject S [--attach FILE]... < body";
  g_autoptr(GOptionContext) ctx = g_option_context_new ("NAME");
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(TernOutgoingMessage) msg = tern_outgoing_message_new ();
  g_autofree char *message_id = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, NULL) || argc != 2 ||
      (to == NULL && cc == NULL && bcc == NULL) || subject == NULL)
    return tern_cli_usage (usage);
  if (!add_addresses (msg, to, tern_outgoing_message_add_to) ||
      !add_addresses (msg, cc, tern_outgoing_message_add_cc) ||
      !add_addresses (msg, bcc, tern_outgoing_message_add_bcc))
    return tern_cli_usage (usage);
  if ((a = tern_cli_account (argv[1], &error)) == NULL)
    return tern_cli_fail (error, NULL);
  msg->subject = g_strdup (subject);
  if ((msg->body = read_stdin (&error)) == NULL)
    return tern_cli_fail (error, NULL);
  for (char **f = attach; f && *f; f++)
    {
      g_autofree char *base = g_path_get_basename (*f);
      tern_outgoing_message_add_attachment_file (msg, *f, base, NULL);
    }
  if (tern_outbox_queue_message (tern_cli_get ()->store, a, msg, &message_id, &error) == 0)
    return tern_cli_fail (error, NULL);
  printf ("Queued <%s>.\n", message_id);
  if (queue_only)
    return TERN_EXIT_OK;
  return tern_cli_process_outbox (a);
}

/* ---- outbox ------------------------------------------------------------------- */

static const char *
state_name (TernOutboxState state)
{
  switch (state)
    {
    case TERN_OUTBOX_QUEUED: return "queued";
    case TERN_OUTBOX_SENDING: return "sending";
    case TERN_OUTBOX_FAILED: return "failed";
    }
  return "unknown";
}

static int
print_outbox_json (GPtrArray *items)
{
  g_autoptr(JsonBuilder) json = json_builder_new ();

  json_builder_begin_array (json);
  for (guint i = 0; i < items->len; i++)
    {
      TernOutboxItem *it = g_ptr_array_index (items, i);

      json_builder_begin_object (json);
      tern_cli_json_int (json, "id", it->id);
      tern_cli_json_string (json, "state", state_name (it->state));
      tern_cli_json_int (json, "attempts", it->attempts);
      tern_cli_json_int (json, "next_attempt", it->next_attempt);
      json_builder_set_member_name (json, "recipients");
      json_builder_begin_array (json);
      for (char **r = it->recipients; r && *r; r++)
        json_builder_add_string_value (json, *r);
      json_builder_end_array (json);
      tern_cli_json_string (json, "last_error", it->last_error);
      json_builder_end_object (json);
    }
  json_builder_end_array (json);
  tern_cli_print_json (json_builder_get_root (json));
  return TERN_EXIT_OK;
}

int
tern_cli_outbox_main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(GPtrArray) items = NULL;
  gboolean json = tern_cli_get ()->json;

  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--json"))
      {
        json = TRUE;
        memmove (&argv[i], &argv[i + 1], (argc - i) * sizeof (char *));
        argc--;
        break;
      }
  if (argc != 2)
    return tern_cli_usage ("outbox NAME [--json]");
  if ((a = tern_cli_account (argv[1], &error)) == NULL ||
      (items = tern_store_list_outbox (tern_cli_get ()->store, a->id, &error)) == NULL)
    return tern_cli_fail (error, NULL);
  if (json)
    return print_outbox_json (items);
  for (guint i = 0; i < items->len; i++)
    {
      TernOutboxItem *it = g_ptr_array_index (items, i);
      g_autofree char *rcpts = g_strjoinv (", ", it->recipients);

      printf ("%" G_GINT64_FORMAT "\t%s\t%u attempt%s\t%s", it->id, state_name (it->state),
              it->attempts, it->attempts == 1 ? "" : "s", rcpts);
      if (it->last_error)
        printf ("\t%s", it->last_error);
      printf ("\n");
    }
  if (items->len == 0)
    printf ("The outbox of %s is empty.\n", a->name);
  return TERN_EXIT_OK;
}
