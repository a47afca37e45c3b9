/* tern-test-maildir.c: write messages straight into a harness user's Maildir.
 *
 * Much faster than APPEND or LMTP for thousands of messages. Dovecot notices
 * the new files at its next sync of the folder. */
#include "tern-test-servers-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

/* Date: header of @raw as a Unix time, or -1. Handles the RFC 5322 form
 * "[Tue, ]5 Mar 2024 14:03:22 +0100" (what the generator and most MUAs write). */
static gint64
header_date (GBytes *raw)
{
  static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  gsize len;
  const char *data = g_bytes_get_data (raw, &len);
  g_autofree char *head = g_strndup (data, MIN (len, 16384));
  char *end = strstr (head, "\n\r\n") ? strstr (head, "\n\r\n") : strstr (head, "\n\n");
  char *p, mon[4] = "", zone[8] = "";
  int day, year, h, m, s;
  const char *mp;
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) dt = NULL;

  if (end != NULL)
    *end = '\0';
  p = g_ascii_strncasecmp (head, "Date:", 5) == 0 ? head : strstr (head, "\nDate:");
  if (p == NULL)
    return -1;
  p = strchr (p, ':') + 1;
  if (strchr (p, ',') != NULL && strchr (p, ',') < strchr (p, ':'))
    p = strchr (p, ',') + 1;
  if (sscanf (p, "%d %3s %d %d:%d:%d %7s", &day, mon, &year, &h, &m, &s, zone) != 7)
    return -1;
  mp = strstr (months, mon);
  if (mp == NULL || strlen (mon) != 3)
    return -1;
  tz = g_time_zone_new_identifier (zone);
  if (tz == NULL)
    tz = g_time_zone_new_utc ();
  dt = g_date_time_new (tz, year, (int) (mp - months) / 3 + 1, day, h, m, s);
  return dt ? g_date_time_to_unix (dt) : -1;
}

static gboolean
io_error (GError **error, const char *what, const char *path)
{
  int saved = errno;

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s %s: %s",
               what, path, g_strerror (saved));
  return FALSE;
}

static gboolean
make_mail_dir (TernTestServers *self, const char *path, GError **error)
{
  if (g_mkdir_with_parents (path, 0700) < 0)
    return io_error (error, "cannot create", path);
  if (self->is_root && chown (path, self->mail_uid, self->mail_gid) < 0)
    return io_error (error, "cannot chown", path);
  return TRUE;
}

static gboolean
ensure_maildir (TernTestServers *self, const char *user, const char *folder, GError **error)
{
  static const char *const subdirs[] = { "cur", "new", "tmp" };
  g_autofree char *home = tern_test_user_home (self, user);
  g_autofree char *root = g_build_filename (home, "Maildir", NULL);

  if (!make_mail_dir (self, home, error) || !make_mail_dir (self, root, error) ||
      !make_mail_dir (self, folder, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *d = g_build_filename (folder, subdirs[i], NULL);
      if (!make_mail_dir (self, d, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
write_all (int fd, const guint8 *data, gsize len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* Maildir delivery: write into tmp/, then rename into cur/ as unseen (":2,"). */
static gboolean
deliver_one (TernTestServers *self, const char *folder, GBytes *raw, GError **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (raw, &len);
  g_autofree char *base = g_strdup_printf ("%" G_GINT64_FORMAT ".M%uP%d.tern,S=%" G_GSIZE_FORMAT,
                                           g_get_real_time () / G_USEC_PER_SEC, self->seq++,
                                           (int) getpid (), len);
  g_autofree char *tmp = g_build_filename (folder, "tmp", base, NULL);
  g_autofree char *name = g_strconcat (base, ":2,", NULL);
  g_autofree char *cur = g_build_filename (folder, "cur", name, NULL);
  gint64 when = header_date (raw);
  int fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  gboolean ok;

  if (fd < 0)
    return io_error (error, "cannot create", tmp);
  ok = write_all (fd, data, len);
  if (ok && self->is_root)
    ok = fchown (fd, self->mail_uid, self->mail_gid) == 0;
  if (ok && when > 0)
    {
      /* Dovecot takes a Maildir message's INTERNALDATE from its mtime. */
      struct timeval tv[2] = { { (time_t) when, 0 }, { (time_t) when, 0 } };
      ok = futimes (fd, tv) == 0;
    }
  if (close (fd) < 0 || !ok)
    return io_error (error, "cannot write", tmp);
  if (rename (tmp, cur) < 0)
    return io_error (error, "cannot rename", tmp);
  return TRUE;
}

gboolean
tern_test_servers_seed_maildir (TernTestServers *self, const char *user, const char *mailbox,
                                GPtrArray *raw_messages, GError **error)
{
  g_autofree char *folder = tern_test_servers_maildir_path (self, user, mailbox);

  if (!ensure_maildir (self, user, folder, error))
    return FALSE;
  for (guint i = 0; i < raw_messages->len; i++)
    if (!deliver_one (self, folder, g_ptr_array_index (raw_messages, i), error))
      return FALSE;
  return TRUE;
}

gboolean
tern_test_servers_seed_large (TernTestServers *self, const char *user, const char *mailbox,
                              guint64 body_bytes, const char *message_id, guint64 *size_out,
                              char **sha256_out, GError **error)
{
  g_autofree char *folder = tern_test_servers_maildir_path (self, user, mailbox);
  g_autofree char *tmp = NULL, *cur = NULL, *name = NULL;
  g_autofree char *header = g_strdup_printf (
    "From: Big Sender <big@example.org>\r\nTo: %s@localhost\r\nSubject: A very large message\r\n"
    "Date: Tue, 01 Dec 2026 10:00:00 +0000\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=us-ascii\r\n\r\n", user, message_id);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  char line[80];
  guint64 written = 0;
  int fd;
  gboolean ok;

  if (!ensure_maildir (self, user, folder, error))
    return FALSE;
  tmp = g_strdup_printf ("%s/tmp/large.M%uP%d.tern", folder, self->seq++, (int) getpid ());
  fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return io_error (error, "cannot create", tmp);
  ok = write_all (fd, (const guint8 *) header, strlen (header));
  g_checksum_update (sum, (const guint8 *) header, -1);
  written = strlen (header);
  /* One numbered 78-byte line at a time: never the message in memory. */
  for (guint64 i = 0; ok && written < body_bytes; i++)
    {
      int n = g_snprintf (line, sizeof line, "%012" G_GUINT64_FORMAT " %s\r\n", i,
                          "the quick brown fox jumps over the lazy dog, again and again.");
      ok = write_all (fd, (const guint8 *) line, (gsize) n);
      g_checksum_update (sum, (const guint8 *) line, n);
      written += (guint64) n;
    }
  if (ok && self->is_root)
    ok = fchown (fd, self->mail_uid, self->mail_gid) == 0;
  if (close (fd) < 0 || !ok)
    return io_error (error, "cannot write", tmp);
  name = g_strdup_printf ("large.M%uP%d.tern,S=%" G_GUINT64_FORMAT ":2,", self->seq++, (int) getpid (),
                          written);
  cur = g_build_filename (folder, "cur", name, NULL);
  if (rename (tmp, cur) < 0)
    return io_error (error, "cannot rename", tmp);
  if (size_out != NULL)
    *size_out = written;
  if (sha256_out != NULL)
    *sha256_out = g_strdup (g_checksum_get_string (sum));
  return TRUE;
}

char *
tern_test_file_sha256 (const char *path, guint64 *size)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 buf[65536];
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  ssize_t n;

  *size = 0;
  if (fd < 0)
    return NULL;
  while ((n = read (fd, buf, sizeof buf)) > 0)
    {
      g_checksum_update (sum, buf, n);
      *size += (guint64) n;
    }
  close (fd);
  return g_strdup (g_checksum_get_string (sum));
}

guint64
tern_test_peak_memory_kib (void)
{
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (p = strstr (status, "VmHWM:")) == NULL)
    return 0;
  return g_ascii_strtoull (p + 6, NULL, 10);
}
