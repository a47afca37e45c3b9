/* tern-reader-attachment.c: attachment names, risk, cache and opening. */
#include <errno.h>
#include <fcntl.h>
#include <gio/gunixfdlist.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "tern-reader-attachment.h"

/* ---- names ---- */

static gboolean
is_hidden_char (gunichar c)
{
  GUnicodeType type = g_unichar_type (c);

  return type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT
         || type == G_UNICODE_LINE_SEPARATOR || type == G_UNICODE_PARAGRAPH_SEPARATOR;
}

char *
tern_attachment_safe_name (const char *name)
{
  g_autofree char *valid = g_utf8_make_valid (name != NULL ? name : "", -1);
  g_autofree char *base = NULL;
  g_autoptr(GString) clean = g_string_new (NULL);

  /* Slashes of either kind end a path element; only the last one counts. */
  g_strdelimit (valid, "\\", '/');
  base = g_path_get_basename (*valid != '\0' ? valid : "attachment");
  for (const char *p = base; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '/')
        g_string_append_c (clean, '_');
      else if (!is_hidden_char (c))
        g_string_append_unichar (clean, c);
    }
  g_strstrip (clean->str);
  g_string_set_size (clean, strlen (clean->str));
  if (clean->len == 0 || clean->str[0] == '.' || g_str_equal (clean->str, "/"))
    g_string_prepend (clean, "attachment");
  return g_string_free (g_steal_pointer (&clean), FALSE);
}

/* ---- risk ---- */

/* What the desktop would run or install rather than show. */
static const char *const risky_extensions[] = {
  "exe", "com", "scr", "pif", "bat", "cmd", "msi", "msp", "msix", "appx", "cpl", "dll", "ps1",
  "vbs", "vbe", "js", "jse", "wsf", "wsh", "hta", "lnk", "reg", "jar", "jnlp", "desktop",
  "flatpakref", "flatpakrepo", "flatpak", "snap", "deb", "rpm", "sh", "bash", "csh", "zsh",
  "run", "bin", "appimage", "iso", "img", "dmg", "pkg", "py", "pl", "rb", "elf", "ko", "so",
  "apk", "xpi", "crx", "kdenlive", "library-ms", "url", "webloc", "html", "htm", "svg",
  "xhtml", "mht", "mhtml",
  NULL
};

static gboolean
has_risky_extension (const char *name)
{
  const char *dot = strrchr (name, '.');
  g_autofree char *ext = NULL;

  if (dot == NULL)
    return FALSE;
  ext = g_ascii_strdown (dot + 1, -1);
  return g_strv_contains (risky_extensions, ext);
}

static gboolean
is_generic_type (const char *type)
{
  return type == NULL || *type == '\0' || g_str_equal (type, "application/octet-stream")
         || g_content_type_is_unknown (type);
}

gboolean
tern_attachment_is_risky (const char *name, const char *declared_type, char **reason)
{
  g_autofree char *safe = tern_attachment_safe_name (name);
  g_autofree char *guessed = NULL;
  gboolean uncertain = FALSE;

  if (has_risky_extension (safe))
    {
      if (reason)
        *reason = g_strdup_printf (_("“%s” is a program, an installer or a web page: opening "
                                     "it could run something on this computer."), safe);
      return TRUE;
    }
  guessed = g_content_type_guess (safe, NULL, 0, &uncertain);
  if (g_content_type_can_be_executable (guessed) && !g_content_type_is_a (guessed, "text/plain"))
    {
      if (reason)
        *reason = g_strdup_printf (_("“%s” can be run as a program."), safe);
      return TRUE;
    }
  if (!uncertain && !is_generic_type (declared_type) && !is_generic_type (guessed)
      && !g_content_type_is_a (guessed, declared_type)
      && !g_content_type_is_a (declared_type, guessed))
    {
      if (reason)
        {
          g_autofree char *said = g_content_type_get_description (declared_type);
          g_autofree char *is = g_content_type_get_description (guessed);

          *reason = g_strdup_printf (_("The message calls “%s” a %s, but its name makes it a %s."),
                                     safe, said, is);
        }
      return TRUE;
    }
  return FALSE;
}

/* ---- the cache for opened files ---- */

char *
tern_attachment_cache_dir (void)
{
  char *dir = g_build_filename (g_get_user_cache_dir (), "tern", "attachments", NULL);

  g_mkdir_with_parents (dir, 0700);
  return dir;
}

/* Removes @path and what is under it; the tree is ours (directories made
 * by g_mkdtemp, files written by the reader), symlinks are not followed. */
static void
remove_tree (const char *path)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

void
tern_attachment_cache_clean (guint64 max_age_seconds)
{
  g_autofree char *top = tern_attachment_cache_dir ();
  g_autoptr(GDir) dir = g_dir_open (top, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (top, name, NULL);
      GStatBuf st;

      if (g_lstat (path, &st) != 0)
        continue;
      if (max_age_seconds == 0 || (guint64) MAX (0, now - (gint64) st.st_mtime) >= max_age_seconds)
        remove_tree (path);
    }
}

static void
clean_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  tern_attachment_cache_clean (*(guint64 *) data);
  g_task_return_boolean (task, TRUE);
}

void
tern_attachment_cache_clean_in_background (guint64 max_age_seconds)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);
  guint64 *age = g_new (guint64, 1);

  *age = max_age_seconds;
  g_task_set_task_data (task, age, g_free);
  g_task_run_in_thread (task, clean_thread);
}

/* ---- opening ---- */

typedef struct {
  GtkWindow *parent;
  GFile *file;
} OpenCall;

static void
open_call_free (OpenCall *call)
{
  g_clear_object (&call->parent);
  g_object_unref (call->file);
  g_free (call);
}

static void
open_with_default (OpenCall *call)
{
  g_autofree char *uri = g_file_get_uri (call->file);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkAppLaunchContext) context =
    gdk_display_get_app_launch_context (gdk_display_get_default ());

  if (!g_app_info_launch_default_for_uri (uri, G_APP_LAUNCH_CONTEXT (context), &error))
    {
      GtkWidget *dialog = gtk_message_dialog_new (call->parent, GTK_DIALOG_DESTROY_WITH_PARENT,
                                                  GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s",
                                                  _("The attachment could not be opened"));

      gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", error->message);
      g_signal_connect (dialog, "response", G_CALLBACK (gtk_widget_destroy), NULL);
      gtk_widget_show (dialog);
    }
}

static void
on_portal_opened (GObject *source, GAsyncResult *result, gpointer data)
{
  OpenCall *call = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply =
    g_dbus_connection_call_with_unix_fd_list_finish (G_DBUS_CONNECTION (source), NULL, result,
                                                     &error);

  /* No portal (plain session without xdg-desktop-portal): the desktop's
   * default application, as GTK 3 would. */
  if (reply == NULL)
    {
      g_debug ("OpenURI portal: %s", error->message);
      open_with_default (call);
    }
  open_call_free (call);
}

void
tern_attachment_open (GtkWindow *parent, GFile *file)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GUnixFDList) fds = NULL;
  g_autofree char *path = g_file_get_path (file);
  OpenCall *call = g_new0 (OpenCall, 1);
  GVariantBuilder options;
  int fd;

  call->parent = parent ? g_object_ref (parent) : NULL;
  call->file = g_object_ref (file);
  fd = path != NULL ? open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) : -1;
  if (bus == NULL || fd < 0)
    {
      if (fd >= 0)
        close (fd);
      open_with_default (call);
      open_call_free (call);
      return;
    }
  fds = g_unix_fd_list_new_from_array (&fd, 1);   /* takes the descriptor */
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  /* Let the user pick the application, every time. */
  g_variant_builder_add (&options, "{sv}", "ask", g_variant_new_boolean (TRUE));
  g_dbus_connection_call_with_unix_fd_list (bus, "org.freedesktop.portal.Desktop",
                                            "/org/freedesktop/portal/desktop",
                                            "org.freedesktop.portal.OpenURI", "OpenFile",
                                            g_variant_new ("(sha{sv})", "", 0, &options),
                                            G_VARIANT_TYPE ("(o)"),
                                            G_DBUS_CALL_FLAGS_NONE, 5000, fds, NULL,
                                            on_portal_opened, call);
}
