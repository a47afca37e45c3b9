/* tern-certificate-prompt.c: see the header. */
#include <glib/gi18n.h>

#include "tern-certificate-dialog.h"
#include "tern-certificate-prompt.h"

typedef struct {
  gint64 account_id;
  gboolean outgoing;
  TernCertificateInfo *info;
} Request;

struct _TernCertificatePrompt
{
  GObject parent_instance;

  GtkWindow *parent;           /* weak */
  TernMailContext *context;
  gulong handler;
  GQueue queue;                /* Request *, waiting behind the dialog */
  Request *shown;              /* the dialog's request */
  GtkWidget *dialog;
  GPtrArray *rejected;         /* Request *: asked, answered "no" */
};

enum { SIGNAL_REJECTED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TernCertificatePrompt, tern_certificate_prompt, G_TYPE_OBJECT)

static void
request_free (Request *r)
{
  tern_certificate_info_free (r->info);
  g_free (r);
}

static gboolean
request_same (const Request *a, gint64 account_id, gboolean outgoing, const TernCertificateInfo *info)
{
  return a != NULL && a->account_id == account_id && a->outgoing == outgoing &&
         tern_certificate_fingerprint_equal (a->info->sha256, info->sha256);
}

static gboolean
is_rejected (TernCertificatePrompt *self, gint64 account_id, gboolean outgoing,
             const TernCertificateInfo *info)
{
  for (guint i = 0; i < self->rejected->len; i++)
    if (request_same (g_ptr_array_index (self->rejected, i), account_id, outgoing, info))
      return TRUE;
  return FALSE;
}

static void show_next (TernCertificatePrompt *self);

/* The line the window keeps while the account waits. */
static char *
describe_rejection (TernCertificatePrompt *self, const Request *r)
{
  TernStore *store = tern_mail_context_get_store (self->context);
  g_autoptr(TernAccountSettings) a = tern_store_get_account (store, r->account_id, NULL);
  const char *name = a != NULL ? a->name : r->info->host;
  g_autofree char *what = NULL;

  if (r->outgoing)
    what = g_strdup_printf (_("Outgoing mail (SMTP) for “%s” is paused."), name);
  else
    what = g_strdup_printf (_("Incoming mail for “%s” is paused."), name);
  return g_markup_printf_escaped (
    "<b>%s</b>\n%s", what,
    (r->info->problems & TERN_CERTIFICATE_PROBLEM_CHANGED)
      ? _("You did not trust the new certificate of the server, so Tern does not connect to it "
          "and sends no password. Press Retry to see the certificate again.")
      : _("You did not trust the server’s certificate, so Tern does not connect to it and sends "
          "no password. Press Retry to see the certificate again."));
}

static void
on_response (GtkDialog *dialog, int response, TernCertificatePrompt *self)
{
  Request *r = g_steal_pointer (&self->shown);

  self->dialog = NULL;
  gtk_widget_destroy (GTK_WIDGET (dialog));
  if (response == GTK_RESPONSE_ACCEPT)
    {
      /* The sync process pins it for this host:port and syncs again. */
      tern_mail_context_accept_certificate (self->context, r->account_id, r->outgoing, r->info->sha256);
      request_free (r);
    }
  else
    {
      g_autofree char *markup = describe_rejection (self, r);

      g_ptr_array_add (self->rejected, r);
      g_signal_emit (self, signals[SIGNAL_REJECTED], 0, r->account_id, r->outgoing, markup);
    }
  show_next (self);
}

static void
show_next (TernCertificatePrompt *self)
{
  g_autoptr(TernAccountSettings) a = NULL;
  TernCertificateDialog *dialog;
  Request *r;

  if (self->dialog != NULL || (r = g_queue_pop_head (&self->queue)) == NULL)
    return;
  self->shown = r;
  dialog = tern_certificate_dialog_new (self->parent, r->info);
  a = tern_store_get_account (tern_mail_context_get_store (self->context), r->account_id, NULL);
  if (a != NULL && (r->info->problems & TERN_CERTIFICATE_PROBLEM_CHANGED))
    tern_certificate_dialog_set_previous (dialog, a->name,
                                          r->outgoing ? a->smtp_cert_sha256 : a->incoming_cert_sha256);
  self->dialog = GTK_WIDGET (dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (on_response), self);
  gtk_widget_show (self->dialog);
}

static void
on_certificate_needed (TernMailContext *context, gint64 account_id, TernCertificateInfo *info,
                       gboolean outgoing, TernCertificatePrompt *self)
{
  Request *r;

  /* Every further sync of a paused account asks again: one question for
   * each certificate, and none for one the user has already refused. */
  if (info == NULL || info->sha256 == NULL || request_same (self->shown, account_id, outgoing, info) ||
      is_rejected (self, account_id, outgoing, info))
    return;
  for (GList *l = self->queue.head; l != NULL; l = l->next)
    if (request_same (l->data, account_id, outgoing, info))
      return;
  r = g_new0 (Request, 1);
  r->account_id = account_id;
  r->outgoing = outgoing;
  r->info = tern_certificate_info_copy (info);
  g_queue_push_tail (&self->queue, r);
  show_next (self);
}

static void
tern_certificate_prompt_dispose (GObject *object)
{
  TernCertificatePrompt *self = TERN_CERTIFICATE_PROMPT (object);

  if (self->handler != 0)
    g_clear_signal_handler (&self->handler, self->context);
  g_clear_object (&self->context);
  if (self->dialog != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->dialog, self);
      gtk_widget_destroy (g_steal_pointer (&self->dialog));
    }
  g_clear_pointer (&self->shown, request_free);
  g_queue_clear_full (&self->queue, (GDestroyNotify) request_free);
  G_OBJECT_CLASS (tern_certificate_prompt_parent_class)->dispose (object);
}

static void
tern_certificate_prompt_finalize (GObject *object)
{
  TernCertificatePrompt *self = TERN_CERTIFICATE_PROMPT (object);

  g_ptr_array_unref (self->rejected);
  G_OBJECT_CLASS (tern_certificate_prompt_parent_class)->finalize (object);
}

static void
tern_certificate_prompt_class_init (TernCertificatePromptClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tern_certificate_prompt_dispose;
  object_class->finalize = tern_certificate_prompt_finalize;
  signals[SIGNAL_REJECTED] =
    g_signal_new ("rejected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_BOOLEAN, G_TYPE_STRING);
}

static void
tern_certificate_prompt_init (TernCertificatePrompt *self)
{
  g_queue_init (&self->queue);
  self->rejected = g_ptr_array_new_with_free_func ((GDestroyNotify) request_free);
}

TernCertificatePrompt *
tern_certificate_prompt_new (GtkWindow *parent, TernMailContext *context)
{
  TernCertificatePrompt *self = g_object_new (TERN_TYPE_CERTIFICATE_PROMPT, NULL);

  self->parent = parent;
  self->context = g_object_ref (context);
  self->handler = g_signal_connect (context, "certificate-needed",
                                    G_CALLBACK (on_certificate_needed), self);
  return self;
}

GtkWidget *
tern_certificate_prompt_get_dialog (TernCertificatePrompt *self)
{
  g_return_val_if_fail (TERN_IS_CERTIFICATE_PROMPT (self), NULL);
  return self->dialog;
}

void
tern_certificate_prompt_allow_again (TernCertificatePrompt *self, gint64 account_id)
{
  g_return_if_fail (TERN_IS_CERTIFICATE_PROMPT (self));
  for (guint i = self->rejected->len; i > 0; i--)
    if (((Request *) g_ptr_array_index (self->rejected, i - 1))->account_id == account_id)
      g_ptr_array_remove_index (self->rejected, i - 1);
}
