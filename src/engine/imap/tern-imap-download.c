/* tern-imap-download.c: see the header. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "core/tern-error.h"
#include "imap/tern-imap-download.h"
#include "imap/tern-imap-fetch-result.h"
#include "imap/tern-imap-sync-private.h"

static gboolean
write_all (int fd, const char *data, gsize len, GError **error)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int e = errno;
          g_set_error (error, TERN_ERROR, e == ENOSPC ? TERN_ERROR_DISK_FULL : TERN_ERROR_STORE,
                       "The message could not be written to the file: %s.", g_strerror (e));
          return FALSE;
        }
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* Asks for one piece and writes it; *got is its length (0 at the end).
 * *found is FALSE when the server sent nothing for the UID (it is gone). */
static gboolean
fetch_piece (TernImapSync *self, guint32 uid, guint64 offset, int fd, gsize *got,
             gboolean *found, GError **error)
{
  struct mailimap_set *set = mailimap_set_new_single (uid);
  struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty ();
  clist *result = NULL;
  gboolean ok = TRUE;
  int r;

  mailimap_fetch_type_new_fetch_att_list_add (ft, mailimap_fetch_att_new_uid ());
  mailimap_fetch_type_new_fetch_att_list_add (
    ft, mailimap_fetch_att_new_body_peek_section_partial (mailimap_section_new (NULL),
                                                          (uint32_t) offset, TERN_IMAP_DOWNLOAD_PIECE));
  r = mailimap_uid_fetch (self->imap, set, ft, &result);
  mailimap_fetch_type_free (ft);
  mailimap_set_free (set);
  if (!tern_imap_sync_ok (self, r, "downloading a message", error))
    return FALSE;
  *got = 0;
  *found = FALSE;
  for (clistiter *it = clist_begin (result); it != NULL && ok && !*found; it = clist_next (it))
    {
      TernImapFetched f;

      tern_imap_fetched_parse (clist_content (it), &f);
      /* Unsolicited FETCHes (flags of other messages) carry no body. */
      if (f.uid == uid && !f.body_is_header && f.body != NULL)
        {
          *found = TRUE;
          *got = f.body_len;
          if (*got > TERN_IMAP_DOWNLOAD_PIECE)
            {
              g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                           "The incoming mail server sent more of the message than was asked for.");
              ok = FALSE;
            }
          else
            ok = write_all (fd, f.body, *got, error);
        }
      tern_imap_fetched_clear (&f);
    }
  mailimap_fetch_list_free (result);
  return ok;
}

gboolean
tern_imap_sync_download (TernImapSync *self, gint64 message_id, int fd,
                         TernDownloadProgressFunc progress, gpointer progress_data,
                         GCancellable *cancellable, GError **error)
{
  g_autoptr(TernMessageSummary) msg = tern_store_get_message (self->store, message_id, error);
  guint64 total, done = 0;

  if (msg == NULL)
    return FALSE;
  total = (guint64) MAX (msg->size, 0);
  if (!tern_imap_sync_select_message (self, msg, error))
    return FALSE;
  for (;;)
    {
      gsize got = 0;
      gboolean found = FALSE;

      if (!tern_imap_sync_check_cancel (cancellable, error) ||
          !fetch_piece (self, msg->uid, done, fd, &got, &found, error))
        return FALSE;
      if (!found && done == 0)
        {
          g_set_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND, "The message is no longer on the server.");
          return FALSE;
        }
      done += got;
      if (progress != NULL)
        progress (done, total, progress_data);
      /* A short piece is the last one; IMAP offsets are 32 bits. */
      if (!found || got < TERN_IMAP_DOWNLOAD_PIECE || done >= G_MAXUINT32)
        break;
    }
  if (fsync (fd) != 0)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_STORE, "The downloaded file could not be saved: %s.",
                   g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}
