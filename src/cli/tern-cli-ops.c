/* tern-cli-ops.c: the queued changes of an account, and dropping held ones.
 *
 *   tern-cli ops NAME               every queued change, held ones marked
 *   tern-cli ops NAME discard ID    drops a held change (nothing changes on
 *                                   the server; no mail is lost)
 */
#include <stdio.h>

#include "account/tern-mail-actions.h"
#include "tern-cli-context.h"

static const char *
kind_name (TernPendingOpKind kind)
{
  switch (kind)
    {
    case TERN_PENDING_SET_FLAGS: return "set flags";
    case TERN_PENDING_CLEAR_FLAGS: return "clear flags";
    case TERN_PENDING_MOVE: return "move";
    case TERN_PENDING_COPY: return "copy";
    case TERN_PENDING_DELETE: return "delete";
    case TERN_PENDING_EXPUNGE: return "expunge";
    case TERN_PENDING_APPEND: return "save";
    }
  return "change";
}

static int
list_ops (TernAccountSettings *a)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ops = tern_store_list_ops (tern_cli_get ()->store, a->id, &error);

  if (ops == NULL)
    return tern_cli_fail (error, NULL);
  for (guint i = 0; i < ops->len; i++)
    {
      TernPendingOp *op = g_ptr_array_index (ops, i);

      printf ("%" G_GINT64_FORMAT "\t%s\t%s\t%s%s%s\n", op->id,
              op->held ? "held" : "queued", kind_name (op->kind),
              op->folder_path != NULL ? op->folder_path : "",
              op->dest_path != NULL ? " -> " : "", op->dest_path != NULL ? op->dest_path : "");
      if (op->last_error != NULL)
        printf ("\t%s\n", op->last_error);
    }
  if (ops->len == 0)
    printf ("No changes of %s wait for the server.\n", a->name);
  return TERN_EXIT_OK;
}

int
tern_cli_ops_main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = NULL;
  gint64 id = 0;

  if (argc != 2 && !(argc == 4 && g_str_equal (argv[2], "discard")))
    return tern_cli_usage ("ops NAME [discard ID]");
  if ((a = tern_cli_account (argv[1], &error)) == NULL)
    return tern_cli_fail (error, NULL);
  if (argc == 2)
    return list_ops (a);
  if (!tern_cli_parse_id (argv[3], &id))
    return tern_cli_usage ("ops NAME discard ID (ID as 'tern-cli ops NAME' prints it)");
  if (!tern_mail_discard_held (tern_cli_get ()->store, a->id, id, &error))
    return tern_cli_fail (error, NULL);
  printf ("Discarded. Nothing was changed on the server.\n");
  return TERN_EXIT_OK;
}
