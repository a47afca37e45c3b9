/* tern-error-bar.c: one line of the main window's errors (see the header). */
#include <glib/gi18n.h>

#include "tern-error-bar.h"
#include "tern-resources.h"

struct _TernErrorBar
{
  GtkInfoBar parent_instance;

  GtkLabel *label;
  GtkWidget *password_button;
  GtkWidget *sign_in_button;
  GtkWidget *edit_button;
  GtkWidget *retry_button;

  gint64 account_id;
  gboolean outgoing;
  TernErrorOffer offer;
};

G_DEFINE_FINAL_TYPE (TernErrorBar, tern_error_bar, GTK_TYPE_INFO_BAR)

void
tern_info_bar_name_close_button (GtkInfoBar *bar)
{
  /* The close button sits beside the action area in the bar's own box. */
  GtkWidget *box = gtk_widget_get_parent (gtk_info_bar_get_action_area (bar));
  g_autoptr(GList) children = box != NULL ? gtk_container_get_children (GTK_CONTAINER (box)) : NULL;

  for (GList *l = children; l != NULL; l = l->next)
    if (GTK_IS_BUTTON (l->data))
      {
        atk_object_set_name (gtk_widget_get_accessible (l->data), _("Close"));
        gtk_widget_set_tooltip_text (l->data, _("Hide this message"));
      }
}

gint64
tern_error_bar_get_account_id (TernErrorBar *self)
{
  g_return_val_if_fail (TERN_IS_ERROR_BAR (self), 0);
  return self->account_id;
}

gboolean
tern_error_bar_get_outgoing (TernErrorBar *self)
{
  g_return_val_if_fail (TERN_IS_ERROR_BAR (self), FALSE);
  return self->outgoing;
}

void
tern_error_bar_set_markup (TernErrorBar *self, const char *markup, TernErrorOffer offer)
{
  g_return_if_fail (TERN_IS_ERROR_BAR (self));
  self->offer = offer;
  gtk_label_set_markup (self->label, markup);
  gtk_widget_set_visible (self->password_button, (offer & TERN_ERROR_OFFER_PASSWORD) != 0);
  gtk_widget_set_visible (self->sign_in_button, (offer & TERN_ERROR_OFFER_SIGN_IN) != 0);
  gtk_widget_set_visible (self->edit_button, (offer & TERN_ERROR_OFFER_EDIT) != 0);
  gtk_widget_set_visible (self->retry_button, (offer & TERN_ERROR_OFFER_RETRY) != 0);
  gtk_widget_show (GTK_WIDGET (self));
}

const char *
tern_error_bar_get_text (TernErrorBar *self)
{
  g_return_val_if_fail (TERN_IS_ERROR_BAR (self), "");
  return gtk_label_get_text (self->label);
}

TernErrorOffer
tern_error_bar_get_offer (TernErrorBar *self)
{
  g_return_val_if_fail (TERN_IS_ERROR_BAR (self), 0);
  return self->offer;
}

GtkWidget *
tern_error_bar_get_button (TernErrorBar *self, TernErrorOffer offer)
{
  g_return_val_if_fail (TERN_IS_ERROR_BAR (self), NULL);
  switch (offer)
    {
    case TERN_ERROR_OFFER_PASSWORD: return self->password_button;
    case TERN_ERROR_OFFER_SIGN_IN: return self->sign_in_button;
    case TERN_ERROR_OFFER_EDIT: return self->edit_button;
    case TERN_ERROR_OFFER_RETRY: return self->retry_button;
    default: return NULL;
    }
}

static void
on_response (GtkInfoBar *bar, int response, gpointer data)
{
  if (response == GTK_RESPONSE_CLOSE)
    gtk_widget_hide (GTK_WIDGET (bar));
}

static void
tern_error_bar_class_init (TernErrorBarClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  (void) tern_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ternmail/Tern/tern-error-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, TernErrorBar, label);
  gtk_widget_class_bind_template_child (widget_class, TernErrorBar, password_button);
  gtk_widget_class_bind_template_child (widget_class, TernErrorBar, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, TernErrorBar, edit_button);
  gtk_widget_class_bind_template_child (widget_class, TernErrorBar, retry_button);
}

static void
tern_error_bar_init (TernErrorBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  tern_info_bar_name_close_button (GTK_INFO_BAR (self));
  g_signal_connect (self, "response", G_CALLBACK (on_response), NULL);
}

TernErrorBar *
tern_error_bar_new (gint64 account_id, gboolean outgoing)
{
  /* A construct property: its default would undo a template's value. */
  TernErrorBar *self = g_object_new (TERN_TYPE_ERROR_BAR, "show-close-button", TRUE, NULL);

  self->account_id = account_id;
  self->outgoing = outgoing;
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->retry_button),
                                          g_variant_new ("(xb)", account_id, outgoing));
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->edit_button),
                                          g_variant_new_int64 (account_id));
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->password_button),
                                          g_variant_new_int64 (account_id));
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->sign_in_button),
                                          g_variant_new_int64 (account_id));
  return self;
}
