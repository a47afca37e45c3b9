/* tern-maildir.c: Maildir writing (tmp, fsync, rename) and reading. */
#include "archive/tern-maildir.h"
#include "archive/tern-archive-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>
#include <utime.h>

#include "core/tern-error.h"
#include "core/tern-types.h"

/* Maildir info letters, which must appear in ASCII order. */
static const struct {
  char letter;
  guint flag;
} info_flags[] = {
  { 'D', TERN_FLAG_DRAFT },
  { 'F', TERN_FLAG_FLAGGED },
  { 'P', TERN_FLAG_FORWARDED },
  { 'R', TERN_FLAG_ANSWERED },
  { 'S', TERN_FLAG_SEEN },
  { 'T', TERN_FLAG_DELETED },
};

static gboolean
fail_errno (GError **error, int saved, const char *what, const char *path)
{
  g_set_error (error, TERN_ERROR, saved == ENOSPC ? TERN_ERROR_DISK_FULL : TERN_ERROR_STORE,
               "Cannot %s %s: %s", what, path, g_strerror (saved));
  return FALSE;
}

gboolean
tern_maildir_create (const char *path, GError **error)
{
  static const char *const subdirs[] = { "tmp", "new", "cur" };

  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *dir = g_build_filename (path, subdirs[i], NULL);

      if (g_mkdir_with_parents (dir, 0700) != 0)
        return fail_errno (error, errno, "create the folder", dir);
    }
  return TRUE;
}

gboolean
tern_maildir_is_maildir (const char *path)
{
  g_autofree char *cur = g_build_filename (path, "cur", NULL);
  g_autofree char *new_dir = g_build_filename (path, "new", NULL);

  return g_file_test (cur, G_FILE_TEST_IS_DIR) && g_file_test (new_dir, G_FILE_TEST_IS_DIR);
}

static gboolean
write_synced (const char *path, GBytes *raw, GError **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (raw, &len);
  int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  gsize done = 0;

  if (fd < 0)
    return fail_errno (error, errno, "create", path);
  while (done < len)
    {
      ssize_t n = write (fd, data + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          close (fd);
          g_unlink (path);
          return fail_errno (error, saved, "write", path);
        }
      done += (gsize) n;
    }
  if (fsync (fd) != 0 || close (fd) != 0)
    {
      int saved = errno;
      g_unlink (path);
      return fail_errno (error, saved, "flush", path);
    }
  return TRUE;
}

static char *
unique_name (void)
{
  static gint counter;
  gint64 now = g_get_real_time ();

  return g_strdup_printf ("%" G_GINT64_FORMAT ".M%06dP%dQ%d.tern", now / G_USEC_PER_SEC,
                          (int) (now % G_USEC_PER_SEC), (int) getpid (),
                          g_atomic_int_add (&counter, 1));
}

gboolean
tern_maildir_add (const char *path, GBytes *raw, guint flags, gint64 date, GError **error)
{
  g_autofree char *name = unique_name ();
  g_autofree char *tmp = g_build_filename (path, "tmp", name, NULL);
  g_autoptr(GString) info = g_string_new (":2,");
  g_autofree char *final_name = NULL;
  g_autofree char *final = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (info_flags); i++)
    if (flags & info_flags[i].flag)
      g_string_append_c (info, info_flags[i].letter);
  final_name = g_strconcat (name, info->str, NULL);
  final = g_build_filename (path, "cur", final_name, NULL);
  if (!write_synced (tmp, raw, error))
    return FALSE;
  if (date > 0)
    {
      struct utimbuf times = { .actime = (time_t) date, .modtime = (time_t) date };
      utime (tmp, &times);
    }
  if (g_rename (tmp, final) != 0)
    {
      int saved = errno;
      g_unlink (tmp);
      return fail_errno (error, saved, "move into place", final);
    }
  return TRUE;
}

/* ---- reading -------------------------------------------------------------- */

struct _TernMaildirReader {
  GPtrArray *files;   /* full paths, new/ then cur/, each in name order */
  guint next;
  guint skipped;
};

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

GPtrArray *
tern_archive_sorted_names (const char *path)
{
  g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  return names;
}

static void
list_dir (GPtrArray *files, const char *dir)
{
  g_autoptr(GPtrArray) names = tern_archive_sorted_names (dir);

  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (files, g_build_filename (dir, g_ptr_array_index (names, i), NULL));
}

TernMaildirReader *
tern_maildir_reader_new (const char *path, GError **error)
{
  TernMaildirReader *r;
  g_autofree char *new_dir = g_build_filename (path, "new", NULL);
  g_autofree char *cur = g_build_filename (path, "cur", NULL);

  if (!tern_maildir_is_maildir (path))
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID,
                   "%s is not a Maildir folder: it has no cur and new folders.", path);
      return NULL;
    }
  r = g_new0 (TernMaildirReader, 1);
  r->files = g_ptr_array_new_with_free_func (g_free);
  list_dir (r->files, new_dir);
  list_dir (r->files, cur);
  return r;
}

void
tern_maildir_reader_free (TernMaildirReader *r)
{
  if (r == NULL)
    return;
  g_ptr_array_unref (r->files);
  g_free (r);
}

guint
tern_maildir_reader_get_skipped (TernMaildirReader *r)
{
  return r->skipped;
}

static guint
flags_from_name (const char *path)
{
  const char *info = strstr (path, ":2,");
  guint flags = 0;

  if (info == NULL)
    return 0;
  for (const char *p = info + 3; *p; p++)
    for (guint i = 0; i < G_N_ELEMENTS (info_flags); i++)
      if (*p == info_flags[i].letter)
        flags |= info_flags[i].flag;
  return flags;
}

GBytes *
tern_maildir_reader_next (TernMaildirReader *r, guint *flags_out, GError **error)
{
  while (r->next < r->files->len)
    {
      const char *path = g_ptr_array_index (r->files, r->next++);
      GStatBuf st;
      char *data = NULL;
      gsize len;
      g_autoptr(GError) local = NULL;

      if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      if (st.st_size > TERN_MAILDIR_MAX_MESSAGE)
        {
          r->skipped++;
          continue;
        }
      if (!g_file_get_contents (path, &data, &len, &local))
        {
          g_set_error (error, TERN_ERROR, TERN_ERROR_STORE, "Cannot read %s: %s", path,
                       local->message);
          return NULL;
        }
      if (flags_out != NULL)
        *flags_out = flags_from_name (path);
      return g_bytes_new_take (data, len);
    }
  return NULL;
}
