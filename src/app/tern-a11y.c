/* tern-a11y.c: small helpers for screen readers. */
#include "tern-a11y.h"

static void
name_from_label (GtkWidget *widget, gpointer user_data)
{
  if (GTK_IS_LABEL (widget))
    {
      GtkWidget *target = gtk_label_get_mnemonic_widget (GTK_LABEL (widget));
      const char *text = gtk_label_get_text (GTK_LABEL (widget));

      if (target != NULL && text != NULL && *text != '\0')
        {
          AtkObject *accessible = gtk_widget_get_accessible (target);
          const char *name = atk_object_get_name (accessible);

          if (name == NULL || *name == '\0')
            atk_object_set_name (accessible, text);
        }
    }
  else if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), name_from_label, NULL);
}

void
tern_a11y_name_from_labels (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));
  name_from_label (root, NULL);
}

void
tern_a11y_describe_with (GtkWidget *widget, GtkLabel *label)
{
  AtkObject *accessible = gtk_widget_get_accessible (widget);
  AtkObject *description = gtk_widget_get_accessible (GTK_WIDGET (label));

  atk_object_set_description (accessible, gtk_label_get_text (label));
  atk_object_add_relationship (accessible, ATK_RELATION_DESCRIBED_BY, description);
  atk_object_add_relationship (description, ATK_RELATION_DESCRIPTION_FOR, accessible);
}

void
tern_a11y_set_name (GtkWidget *widget, const char *name)
{
  atk_object_set_name (gtk_widget_get_accessible (widget), name);
}
