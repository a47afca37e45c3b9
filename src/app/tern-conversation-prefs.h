/* tern-conversation-prefs.h: whether a folder lists conversations or
 * single messages, remembered per folder in GSettings
 * ("conversation-folders"). Inboxes default to conversations. */
#pragma once

#include <gio/gio.h>
#include "store/tern-store.h"

G_BEGIN_DECLS

gboolean tern_conversation_prefs_get (GSettings *settings, const TernFolder *folder);
void tern_conversation_prefs_set (GSettings *settings, gint64 folder_id, gboolean conversations);

G_END_DECLS
