/* tern-archive-private.h: shared by the files of src/engine/archive only. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The entries of folder @path in name order, without hidden ones (names
 * starting with '.'); an unreadable folder gives an empty array. */
GPtrArray *tern_archive_sorted_names (const char *path);

G_END_DECLS
