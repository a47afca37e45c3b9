/* tern-paths.h: where Tern keeps its data. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The data directory (accounts, mail cache, the password file store) when
 * none is given on the command line: $TERN_DATA_DIR, else
 * $XDG_DATA_HOME/tern. The app and tern-cli must agree on it. */
char *tern_default_data_dir (void);

G_END_DECLS
