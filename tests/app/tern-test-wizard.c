/* tern-test-wizard.c: driving the account wizard in tests (see the header). */
#include "tern-test-wizard.h"

typedef struct { const char *name; GtkWidget *found; } FindData;

static void
find_cb (GtkWidget *widget, gpointer user_data)
{
  FindData *data = user_data;

  if (data->found != NULL)
    return;
  if (g_strcmp0 (gtk_buildable_get_name (GTK_BUILDABLE (widget)), data->name) == 0)
    data->found = widget;
  else if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), find_cb, data);
}

GtkWidget *
tern_test_find (gpointer root, const char *name)
{
  FindData data = { name, NULL };

  gtk_container_forall (GTK_CONTAINER (root), find_cb, &data);
  if (data.found == NULL)
    g_error ("no widget %s", name);
  return data.found;
}

void
tern_test_wizard_next (TernAccountWizard *wizard)
{
  GtkWidget *button = tern_test_find (wizard, "next_button");

  g_assert_true (gtk_widget_is_sensitive (button));
  gtk_button_clicked (GTK_BUTTON (button));
}

gboolean
tern_test_wizard_test_state_is (TernAccountWizard *wizard, const char *side, const char *state)
{
  g_autofree char *name = g_strdup_printf ("%s_test_state", side);

  return g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (tern_test_find (wizard, name))),
                    state) == 0;
}

GtkMessageDialog *
tern_test_find_message_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (GTK_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}
