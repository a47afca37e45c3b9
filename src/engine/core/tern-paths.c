/* tern-paths.c: where Tern keeps its data. */
#include "core/tern-paths.h"

char *
tern_default_data_dir (void)
{
  const char *env = g_getenv ("TERN_DATA_DIR");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_data_dir (), "tern", NULL);
}
