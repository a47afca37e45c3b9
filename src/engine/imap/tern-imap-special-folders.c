/* tern-imap-special-folders.c: Sent, Drafts and Trash made on the server
 * when it has none.
 *
 * A fresh Dovecot, Cyrus, Courier or Mailutils account has only the inbox.
 * Without a Trash a delete would destroy mail; without a Sent folder a sent
 * message keeps no copy; without Drafts a draft stays on one computer. Like
 * Thunderbird, Tern creates them after the folder list is read, with
 * SPECIAL-USE (RFC 6154 "CREATE ... (USE (\Sent))") where the server takes
 * it and a plain CREATE of a well-known name otherwise.
 *
 * Idempotent by construction: each folder gets a fixed name ("Sent", else
 * "INBOX.Sent" below the inbox) that tern_imap_role_from_list() recognises
 * by name alone. A sync killed between the server's CREATE and the store's
 * row therefore finds the folder at the next LIST and creates nothing: there
 * is never a "Sent" and a "Sent Messages".
 */
#include <string.h>

#include "imap/tern-imap-sync-private.h"
#include "imap/tern-imap-connect.h"

static const struct {
  TernFolderRole role;
  const char *name;          /* also the special-use attribute, with a backslash */
} special_folders[] = {
  { TERN_FOLDER_ROLE_SENT, "Sent" },
  { TERN_FOLDER_ROLE_DRAFTS, "Drafts" },
  { TERN_FOLDER_ROLE_TRASH, "Trash" },
};

/* CREATE @path (USE (\@use)) where the server announces CREATE-SPECIAL-USE,
 * else, or when it refuses the USE list, a plain CREATE. */
static int
create_with_use (TernImapSync *self, const char *path, const char *use)
{
  g_autofree char *command = NULL;
  g_autoptr(GError) refused = NULL;
  int r;

  if (!self->has_create_special_use || strpbrk (path, "\"\\") != NULL)
    return mailimap_create (self->imap, path);
  command = g_strdup_printf ("CREATE \"%s\" (USE (\\%s))", path, use);
  r = tern_imap_command (self->imap, command);
  /* A server that announces CREATE-SPECIAL-USE may still refuse the USE
   * list: a plain CREATE still makes a folder that its name identifies. */
  if (!tern_imap_sync_ok (self, r, "creating a folder", &refused) && !self->must_reconnect)
    r = mailimap_create (self->imap, path);
  return r;
}

/* Creates @path with @role. FALSE if the server refused; an error only when
 * the connection failed. */
static gboolean
create_special (TernImapSync *self, const char *path, const char *delim, TernFolderRole role,
                const char *use, GError **error)
{
  g_autoptr(GError) refused = NULL;
  int r = create_with_use (self, path, use);

  if (!tern_imap_sync_ok (self, r, "creating a folder", &refused))
    {
      if (self->must_reconnect)
        g_propagate_error (error, g_steal_pointer (&refused));
      else
        g_message ("the server refused to create %s: %s", path, refused->message);
      return FALSE;
    }
  mailimap_subscribe (self->imap, path);
  g_message ("created the %s folder %s on the server", use, path);
  return tern_store_upsert_folder (self->store, self->account_id, path, delim, role, TRUE,
                                   error) != 0;
}

/* "Sent", else "INBOX.Sent" for servers whose folders live below INBOX
 * (Courier). Where both are refused the account goes without. */
static gboolean
ensure_one (TernImapSync *self, TernFolderRole role, const char *name, GError **error)
{
  g_autoptr(TernFolder) existing =
    tern_store_get_folder_by_role (self->store, self->account_id, role, NULL);
  g_autoptr(TernFolder) inbox = NULL;
  g_autofree char *below_inbox = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *delim;

  if (existing != NULL)
    return TRUE;
  inbox = tern_store_get_folder_by_role (self->store, self->account_id, TERN_FOLDER_ROLE_INBOX,
                                         NULL);
  delim = inbox != NULL ? inbox->delimiter : "/";
  if (!create_special (self, name, delim, role, name, &local_error) && local_error == NULL &&
      inbox != NULL && *delim != '\0')
    {
      below_inbox = g_strconcat (inbox->path, delim, name, NULL);
      create_special (self, below_inbox, delim, role, name, &local_error);
    }
  if (local_error == NULL)
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

gboolean
tern_imap_sync_ensure_special_folders (TernImapSync *self, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (special_folders); i++)
    if (!ensure_one (self, special_folders[i].role, special_folders[i].name, error))
      return FALSE;
  return TRUE;
}
