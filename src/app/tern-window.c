/* tern-window.c: the main window.
 *
 * Three panes from ui/tern-window.ui: accounts and folders on the left, the
 * message list in the middle, the reader on the right.
 */
#include <glib/gi18n.h>

#include "tern-composer.h"
#include "tern-resources.h"
#include "tern-window.h"

struct _TernWindow
{
  GtkApplicationWindow parent_instance;

  GtkHeaderBar *header_bar;
  GtkSearchEntry *search_entry;
  GtkPaned *outer_paned;
  GtkPaned *inner_paned;
  GtkTreeView *folder_view;
  GtkTreeView *message_view;
  GtkStack *reader_stack;
};

G_DEFINE_FINAL_TYPE (TernWindow, tern_window, GTK_TYPE_APPLICATION_WINDOW)

static void
compose_action (GSimpleAction *action, GVariant *param, gpointer data)
{
  TernWindow *self = data;
  TernApplication *app = TERN_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr(GError) error = NULL;
  TernStore *store = tern_application_get_store (app, &error);

  if (store == NULL)
    {
      g_warning ("Cannot open the mail store: %s", error->message);
      return;
    }
  gtk_window_present (GTK_WINDOW (tern_composer_new (GTK_APPLICATION (app), store)));
}

static void
tern_window_class_init (TernWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /* The resources live in a static library; naming them here makes the
   * linker keep them (and their auto-registering constructor). */
  (void) tern_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ternmail/Tern/tern-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TernWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, TernWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TernWindow, outer_paned);
  gtk_widget_class_bind_template_child (widget_class, TernWindow, inner_paned);
  gtk_widget_class_bind_template_child (widget_class, TernWindow, folder_view);
  gtk_widget_class_bind_template_child (widget_class, TernWindow, message_view);
  gtk_widget_class_bind_template_child (widget_class, TernWindow, reader_stack);
}

static void
add_account_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkWindow *window = GTK_WINDOW (user_data);

  tern_application_open_account_wizard (TERN_APPLICATION (gtk_window_get_application (window)),
                                        window);
}

static const GActionEntry window_actions[] = {
  { .name = "compose", .activate = compose_action },
  { .name = "add-account", .activate = add_account_activated },
};

static void
tern_window_init (TernWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_action_map_add_action_entries (G_ACTION_MAP (self), window_actions,
                                   G_N_ELEMENTS (window_actions), self);
}

TernWindow *
tern_window_new (TernApplication *app)
{
  return g_object_new (TERN_TYPE_WINDOW, "application", app, NULL);
}
