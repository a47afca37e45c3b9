/* tern-quota-bar.c: see the header. */
#include <glib/gi18n.h>

#include "tern-error-bar.h"
#include "tern-quota-bar.h"
#include "tern-resources.h"

struct _TernQuotaBar
{
  GtkInfoBar parent_instance;

  GtkLabel *label;
  GtkWidget *archive_button;
  TernMailContext *context;
  gint64 account_id;          /* shown for; 0: hidden */
  GHashTable *warned;         /* account ids (gint64 *) above 90% already warned about */
};

G_DEFINE_FINAL_TYPE (TernQuotaBar, tern_quota_bar, GTK_TYPE_INFO_BAR)

static void
show_for (TernQuotaBar *self, const TernAccountSettings *a, const TernQuota *q)
{
  g_autofree char *used = tern_quota_to_text (q);
  g_autofree char *markup = g_markup_printf_escaped (
      "<b>%s</b> — %s\n%s", a->name, used,
      _("Your mailbox on the server is almost full. New mail may bounce. Archive old mail to "
        "this computer to make room."));

  self->account_id = a->id;
  gtk_label_set_markup (self->label, markup);
  /* The target first: the action takes the account id (x). */
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->archive_button),
                                          g_variant_new_int64 (a->id));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->archive_button), "win.archive-account");
  gtk_widget_show (GTK_WIDGET (self));
}

static void
hide (TernQuotaBar *self)
{
  self->account_id = 0;
  gtk_widget_hide (GTK_WIDGET (self));
}

void
tern_quota_bar_refresh (TernQuotaBar *self)
{
  TernStore *store = tern_mail_context_get_store (self->context);
  g_autoptr(GPtrArray) accounts = tern_store_list_accounts (store, NULL);
  gboolean shown_still_full = FALSE;

  for (guint i = 0; accounts != NULL && i < accounts->len; i++)
    {
      TernAccountSettings *a = g_ptr_array_index (accounts, i);
      TernQuota q = { 0 };
      gboolean full = tern_store_get_quota (store, a->id, &q, NULL) &&
                      tern_quota_is_nearly_full (&q);

      if (!full)
        {
          /* Below 90% again: the next crossing warns anew. */
          g_hash_table_remove (self->warned, &a->id);
          continue;
        }
      if (a->id == self->account_id)
        {
          shown_still_full = TRUE;
          show_for (self, a, &q);   /* the figures may have changed */
        }
      else if (!g_hash_table_contains (self->warned, &a->id) && self->account_id == 0)
        {
          g_hash_table_add (self->warned, g_memdup2 (&a->id, sizeof a->id));
          shown_still_full = TRUE;
          show_for (self, a, &q);
        }
    }
  if (!shown_still_full)
    hide (self);
}

static void
on_response (GtkInfoBar *bar, int response, gpointer data)
{
  /* Closed, or the archive opened: either way it has been seen. */
  hide (TERN_QUOTA_BAR (bar));
}

static void
on_account_state (TernMailContext *context, gint64 account_id, int state, TernQuotaBar *self)
{
  /* The quota is read during a sync: look again when one ends. */
  if (state == TERN_WORKER_IDLE)
    tern_quota_bar_refresh (self);
}

static void
on_folders_changed (TernMailContext *context, gint64 account_id, TernQuotaBar *self)
{
  tern_quota_bar_refresh (self);
}

gint64
tern_quota_bar_get_account_id (TernQuotaBar *self)
{
  return self->account_id;
}

const char *
tern_quota_bar_get_text (TernQuotaBar *self)
{
  return self->account_id != 0 ? gtk_label_get_text (self->label) : "";
}

GtkWidget *
tern_quota_bar_get_archive_button (TernQuotaBar *self)
{
  return self->archive_button;
}

static void
tern_quota_bar_dispose (GObject *object)
{
  TernQuotaBar *self = TERN_QUOTA_BAR (object);

  if (self->context != NULL)
    g_signal_handlers_disconnect_by_data (self->context, self);
  g_clear_object (&self->context);
  G_OBJECT_CLASS (tern_quota_bar_parent_class)->dispose (object);
}

static void
tern_quota_bar_finalize (GObject *object)
{
  g_hash_table_unref (TERN_QUOTA_BAR (object)->warned);
  G_OBJECT_CLASS (tern_quota_bar_parent_class)->finalize (object);
}

static void
tern_quota_bar_class_init (TernQuotaBarClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = tern_quota_bar_dispose;
  G_OBJECT_CLASS (klass)->finalize = tern_quota_bar_finalize;
  (void) tern_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ternmail/Tern/tern-quota-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, TernQuotaBar, label);
  gtk_widget_class_bind_template_child (widget_class, TernQuotaBar, archive_button);
}

static void
tern_quota_bar_init (TernQuotaBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->warned = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_signal_connect (self, "response", G_CALLBACK (on_response), NULL);
  g_signal_connect_swapped (self->archive_button, "clicked", G_CALLBACK (hide), self);
}

TernQuotaBar *
tern_quota_bar_new (TernMailContext *context)
{
  TernQuotaBar *self = g_object_new (TERN_TYPE_QUOTA_BAR, "show-close-button", TRUE, NULL);

  tern_info_bar_name_close_button (GTK_INFO_BAR (self));
  self->context = g_object_ref (context);
  g_signal_connect (context, "account-state-changed", G_CALLBACK (on_account_state), self);
  g_signal_connect (context, "folders-changed", G_CALLBACK (on_folders_changed), self);
  tern_quota_bar_refresh (self);
  return self;
}
