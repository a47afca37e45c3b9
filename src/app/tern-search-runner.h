/* tern-search-runner.h: the search entry's searches, off the main loop.
 *
 * Each search runs on a thread of its own read-only store (a GTask; the
 * store is used by one search at a time) and streams its results: the
 * first page (TERN_MESSAGE_LIST_PAGE_SIZE ids, newest first) as soon as it
 * is there, then the longer lists up to TERN_SEARCH_LIMIT, each a prefix
 * of the next. Every page comes back on the main context as "results".
 *
 * A new search supersedes the one before: it gets the next generation and
 * cancels the older one's GCancellable, and a page of an older generation
 * that still arrives is dropped, so results on screen are never stale.
 *
 * Signals:
 *   results (guint generation, GArray *ids, gboolean done)
 *       ids: the search's matches so far (gint64, newest first);
 *       done: the last page of that search
 *   failed (guint generation, GError *error)
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TERN_TYPE_SEARCH_RUNNER (tern_search_runner_get_type ())
G_DECLARE_FINAL_TYPE (TernSearchRunner, tern_search_runner, TERN, SEARCH_RUNNER, GObject)

/* Searches the store in @data_dir (opened read-only on the first search). */
TernSearchRunner *tern_search_runner_new (const char *data_dir);

/* Starts searching for @query, superseding any search in flight; returns
 * its generation. */
guint tern_search_runner_start (TernSearchRunner *self,
                                const char       *query);
/* Stops the search in flight (its pages are dropped). */
void tern_search_runner_cancel (TernSearchRunner *self);
/* The latest search's generation, and whether its last page came. */
guint tern_search_runner_get_generation (TernSearchRunner *self);
gboolean tern_search_runner_is_done (TernSearchRunner *self);
/* Pages of superseded searches dropped so far (for tests). */
guint tern_search_runner_get_n_dropped (TernSearchRunner *self);

#if TERN_TEST_HOOKS
/* Makes every page wait @ms on the search thread first, as a slow disk
 * would, so that tests can type faster than the searches finish. */
void tern_search_runner_set_test_delay (TernSearchRunner *self,
                                        guint             ms);
#endif

G_END_DECLS
