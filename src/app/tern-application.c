/* tern-application.c: the GtkApplication.
 *
 * Handles the command line (--data-dir, mailto: URIs), loads the stylesheet
 * and opens the main window.
 */
#include <glib/gi18n.h>

#include "tern-config.h"
#include "tern-application.h"
#include "tern-composer.h"
#include "tern-window.h"

struct _TernApplication
{
  GtkApplication parent_instance;
  char *data_dir;
  TernStore *store;   /* opened on first use */
};

G_DEFINE_FINAL_TYPE (TernApplication, tern_application, GTK_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Directory holding accounts and the mail cache"), N_("DIR") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
  { NULL }
};

static char *
default_data_dir (void)
{
  const char *env = g_getenv ("TERN_DATA_DIR");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_data_dir (), "tern", NULL);
}

static int
tern_application_handle_local_options (GApplication *app,
                                       GVariantDict *options)
{
  TernApplication *self = TERN_APPLICATION (app);
  g_autofree char *data_dir = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("tern %s\n", TERN_VERSION);
      return 0;
    }
  if (g_variant_dict_lookup (options, "data-dir", "^ay", &data_dir))
    {
      g_free (self->data_dir);
      self->data_dir = g_canonicalize_filename (data_dir, NULL);
    }
  return -1;
}

static void
load_css (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (provider, "/io/github/ternmail/Tern/tern.css");
  gtk_style_context_add_provider_for_screen (gdk_screen_get_default (),
                                             GTK_STYLE_PROVIDER (provider),
                                             GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
tern_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (tern_application_parent_class)->startup (app);
  g_set_application_name (_("Tern"));
  gtk_window_set_default_icon_name (TERN_APP_ID);
  load_css ();
}

static void
tern_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (tern_window_new (TERN_APPLICATION (app)));
  gtk_window_present (window);
}

static void
tern_application_open (GApplication  *app,
                       GFile        **files,
                       int            n_files,
                       const char    *hint)
{
  /* mailto: links (the desktop's mail handler) open a composer each; any
   * other file just brings up the main window. */
  gboolean composed = FALSE;

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *uri = g_file_get_uri (files[i]);

      if (g_file_has_uri_scheme (files[i], "mailto") &&
          tern_composer_new_for_mailto (TERN_APPLICATION (app), uri) != NULL)
        composed = TRUE;
    }
  if (!composed)
    tern_application_activate (app);
}

static void
tern_application_finalize (GObject *object)
{
  TernApplication *self = TERN_APPLICATION (object);

  g_free (self->data_dir);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (tern_application_parent_class)->finalize (object);
}

static void
tern_application_class_init (TernApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = tern_application_finalize;
  app_class->handle_local_options = tern_application_handle_local_options;
  app_class->startup = tern_application_startup;
  app_class->activate = tern_application_activate;
  app_class->open = tern_application_open;
}

static void
tern_application_init (TernApplication *self)
{
  self->data_dir = default_data_dir ();
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
}

TernApplication *
tern_application_new (void)
{
  return g_object_new (TERN_TYPE_APPLICATION,
                       "application-id", TERN_APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE,
                       NULL);
}

const char *
tern_application_get_data_dir (TernApplication *self)
{
  g_return_val_if_fail (TERN_IS_APPLICATION (self), NULL);
  return self->data_dir;
}

TernStore *
tern_application_get_store (TernApplication *self, GError **error)
{
  g_return_val_if_fail (TERN_IS_APPLICATION (self), NULL);
  if (self->store == NULL)
    self->store = tern_store_open (self->data_dir, TERN_STORE_OPEN_WRITER, error);
  return self->store;
}
