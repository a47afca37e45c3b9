/* tern-conversation-prefs.c: conversations or single messages, per folder. */
#include "tern-conversation-prefs.h"

#define KEY "conversation-folders"

gboolean
tern_conversation_prefs_get (GSettings *settings, const TernFolder *folder)
{
  g_autoptr(GVariant) map = g_settings_get_value (settings, KEY);
  gboolean on;

  /* a{xb} has int64 keys, which GVariantDict cannot look up: walk it. */
  for (gsize i = 0; i < g_variant_n_children (map); i++)
    {
      gint64 id;

      g_variant_get_child (map, i, "{xb}", &id, &on);
      if (id == folder->id)
        return on;
    }
  return folder->role == TERN_FOLDER_ROLE_INBOX;
}

void
tern_conversation_prefs_set (GSettings *settings, gint64 folder_id, gboolean conversations)
{
  g_autoptr(GVariant) map = g_settings_get_value (settings, KEY);
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{xb}"));

  for (gsize i = 0; i < g_variant_n_children (map); i++)
    {
      gint64 id;
      gboolean on;

      g_variant_get_child (map, i, "{xb}", &id, &on);
      if (id != folder_id)
        g_variant_builder_add (&builder, "{xb}", id, on);
    }
  g_variant_builder_add (&builder, "{xb}", folder_id, conversations);
  g_settings_set_value (settings, KEY, g_variant_builder_end (&builder));
}
