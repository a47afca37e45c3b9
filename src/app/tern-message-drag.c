/* tern-message-drag.c: see the header. */
#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "tern-message-drag.h"
#include "tern-reader-attachment.h"

/* "<subject>.eml", safe as a file name, unique in @dir. */
static char *
file_for (const char *dir, const TernMessageSummary *m)
{
  const char *subject = m->subject != NULL && *m->subject ? m->subject : _("Message");
  g_autofree char *base = NULL;

  /* A long subject would hit the file system's 255-byte limit. */
  if (g_utf8_strlen (subject, -1) > 100)
    base = g_utf8_substring (subject, 0, 100);
  else
    base = g_strdup (subject);
  for (guint n = 1;; n++)
    {
      g_autofree char *wanted = n == 1 ? g_strconcat (base, ".eml", NULL)
                                       : g_strdup_printf ("%s (%u).eml", base, n);
      g_autofree char *name = tern_attachment_safe_name (wanted);
      char *path = g_build_filename (dir, name, NULL);

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return path;
      g_free (path);
    }
}

GStrv
tern_message_drag_write (TernStore *store, const gint64 *ids, guint n_ids, GError **error)
{
  g_autofree char *parent = tern_attachment_cache_dir ();
  g_autofree char *dir = g_build_filename (parent, "drag-XXXXXX", NULL);
  g_autoptr(GStrvBuilder) uris = g_strv_builder_new ();

  if (g_mkdtemp_full (dir, 0700) == NULL)
    return g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                        _("The messages could not be saved for the drop: %s"),
                        g_strerror (errno)), NULL;
  for (guint i = 0; i < n_ids; i++)
    {
      g_autoptr(TernMessageSummary) m = tern_store_get_message (store, ids[i], NULL);
      g_autoptr(GBytes) raw = m != NULL ? tern_store_get_raw (store, m->id, NULL) : NULL;
      g_autofree char *path = NULL;
      g_autofree char *uri = NULL;
      gsize size;
      const char *bytes;

      if (raw == NULL)
        continue;   /* not downloaded: see the header */
      path = file_for (dir, m);
      bytes = g_bytes_get_data (raw, &size);
      if (!g_file_set_contents_full (path, bytes, (gssize) size, G_FILE_SET_CONTENTS_CONSISTENT,
                                     0600, error))
        return NULL;
      if ((uri = g_filename_to_uri (path, NULL, error)) == NULL)
        return NULL;
      g_strv_builder_add (uris, uri);
    }
  return g_strv_builder_end (uris);
}
