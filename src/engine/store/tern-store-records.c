/* tern-store-records.c: copy and free for the store's output records. */
#include "store/tern-store-records.h"

G_DEFINE_BOXED_TYPE (TernMessageSummary, tern_message_summary,
                     tern_message_summary_copy, tern_message_summary_free)
G_DEFINE_BOXED_TYPE (TernFolder, tern_folder, tern_folder_copy, tern_folder_free)
G_DEFINE_BOXED_TYPE (TernPendingOp, tern_pending_op, tern_pending_op_copy,
                     tern_pending_op_free)
G_DEFINE_BOXED_TYPE (TernOutboxItem, tern_outbox_item, tern_outbox_item_copy,
                     tern_outbox_item_free)
G_DEFINE_BOXED_TYPE (TernPop3Uidl, tern_pop3_uidl, tern_pop3_uidl_copy,
                     tern_pop3_uidl_free)

TernMessageSummary *
tern_message_summary_copy (const TernMessageSummary *s)
{
  TernMessageSummary *c = g_memdup2 (s, sizeof *s);

  c->uidl = g_strdup (s->uidl);
  c->message_id = g_strdup (s->message_id);
  c->in_reply_to = g_strdup (s->in_reply_to);
  c->references = g_strdup (s->references);
  c->subject = g_strdup (s->subject);
  c->from_name = g_strdup (s->from_name);
  c->from_address = g_strdup (s->from_address);
  c->to_display = g_strdup (s->to_display);
  c->to_addresses = g_strdup (s->to_addresses);
  c->cc_display = g_strdup (s->cc_display);
  c->cc_addresses = g_strdup (s->cc_addresses);
  c->keywords = g_strdup (s->keywords);
  c->preview = g_strdup (s->preview);
  return c;
}

void
tern_message_summary_free (TernMessageSummary *s)
{
  if (s == NULL)
    return;
  g_free (s->uidl);
  g_free (s->message_id);
  g_free (s->in_reply_to);
  g_free (s->references);
  g_free (s->subject);
  g_free (s->from_name);
  g_free (s->from_address);
  g_free (s->to_display);
  g_free (s->to_addresses);
  g_free (s->cc_display);
  g_free (s->cc_addresses);
  g_free (s->keywords);
  g_free (s->preview);
  g_free (s);
}

TernFolder *
tern_folder_copy (const TernFolder *f)
{
  TernFolder *c = g_memdup2 (f, sizeof *f);

  c->path = g_strdup (f->path);
  c->delimiter = g_strdup (f->delimiter);
  c->sync_state = g_strdup (f->sync_state);
  return c;
}

void
tern_folder_free (TernFolder *f)
{
  if (f == NULL)
    return;
  g_free (f->path);
  g_free (f->delimiter);
  g_free (f->sync_state);
  g_free (f);
}

TernPendingOp *
tern_pending_op_new (TernPendingOpKind kind, const char *folder_path)
{
  TernPendingOp *op = g_new0 (TernPendingOp, 1);

  op->kind = kind;
  op->folder_path = g_strdup (folder_path);
  return op;
}

TernPendingOp *
tern_pending_op_copy (const TernPendingOp *op)
{
  TernPendingOp *c = g_memdup2 (op, sizeof *op);

  c->folder_path = g_strdup (op->folder_path);
  c->dest_path = g_strdup (op->dest_path);
  c->uids = g_strdup (op->uids);
  c->keywords = g_strdup (op->keywords);
  c->data = op->data != NULL ? g_bytes_ref (op->data) : NULL;
  c->last_error = g_strdup (op->last_error);
  c->idents = g_strdup (op->idents);
  return c;
}

void
tern_pending_op_free (TernPendingOp *op)
{
  if (op == NULL)
    return;
  g_free (op->folder_path);
  g_free (op->dest_path);
  g_free (op->uids);
  g_free (op->keywords);
  g_clear_pointer (&op->data, g_bytes_unref);
  g_free (op->last_error);
  g_free (op->idents);
  g_free (op);
}

TernOutboxItem *
tern_outbox_item_copy (const TernOutboxItem *item)
{
  TernOutboxItem *c = g_memdup2 (item, sizeof *item);

  c->raw = item->raw != NULL ? g_bytes_ref (item->raw) : NULL;
  c->envelope_from = g_strdup (item->envelope_from);
  c->recipients = g_strdupv (item->recipients);
  c->last_error = g_strdup (item->last_error);
  return c;
}

void
tern_outbox_item_free (TernOutboxItem *item)
{
  if (item == NULL)
    return;
  g_clear_pointer (&item->raw, g_bytes_unref);
  g_free (item->envelope_from);
  g_strfreev (item->recipients);
  g_free (item->last_error);
  g_free (item);
}

TernPop3Uidl *
tern_pop3_uidl_copy (const TernPop3Uidl *u)
{
  TernPop3Uidl *c = g_memdup2 (u, sizeof *u);

  c->uidl = g_strdup (u->uidl);
  return c;
}

void
tern_pop3_uidl_free (TernPop3Uidl *u)
{
  if (u == NULL)
    return;
  g_free (u->uidl);
  g_free (u);
}

static const char *const op_names[] = {
  "set-flags", "clear-flags", "move", "copy", "delete", "expunge", "append",
  "create-folder", "rename-folder", "delete-folder",
};

const char *
tern_pending_op_kind_to_string (TernPendingOpKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (op_names), "set-flags");
  return op_names[kind];
}

gboolean
tern_pending_op_kind_from_string (const char *str, TernPendingOpKind *out)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (op_names); i++)
    if (g_strcmp0 (op_names[i], str) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

void
tern_thread_summary_free (TernThreadSummary *t)
{
  if (t == NULL)
    return;
  g_free (t->subject);
  g_free (t->participants);
  g_free (t->preview);
  g_free (t);
}
