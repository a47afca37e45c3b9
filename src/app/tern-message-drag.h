/* tern-message-drag.h: messages dragged out of the list to Files or the
 * desktop, as .eml files.
 *
 * Each message's exact stored bytes go to a file named after its subject
 * ("Lunch on Friday.eml"), in a new private directory (0700, files 0600)
 * under the attachment cache, which tern_attachment_cache_clean() empties
 * by age. Mail whose body is not on this computer is left out: a drop has
 * to be answered at once, and there is no time to download it.
 */
#pragma once

#include <gio/gio.h>

#include "store/tern-store.h"

G_BEGIN_DECLS

/* The file:// URIs of the files written (NULL-terminated; empty when none
 * of @ids was downloaded), or NULL with @error. */
GStrv tern_message_drag_write (TernStore *store, const gint64 *ids, guint n_ids,
                               GError **error);

G_END_DECLS
