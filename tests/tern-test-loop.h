/* tern-test-loop.h: running the main loop in a test until something
 * happens, or a deadline passes. Shared by tests/engine and tests/app.
 *
 * The deadline is a timeout source on the thread-default main context, so
 * a blocking iteration always wakes up by then: a wait never outlasts its
 * deadline, however quiet the loop is. A short tick beside it wakes the
 * loop every few milliseconds, so a condition another thread changes
 * (without waking the context) is seen at once, without spinning.
 *
 *   TERN_TEST_WAIT_UNTIL (job_done, 20000);
 *   g_assert_true (job_done);
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TernTestDeadline TernTestDeadline;

TernTestDeadline *tern_test_deadline_new (guint timeout_ms);
/* One blocking iteration of the thread-default main context, woken up at
 * the latest by the deadline; FALSE once the deadline has passed. */
gboolean tern_test_deadline_iterate (TernTestDeadline *deadline);
void tern_test_deadline_free (TernTestDeadline *deadline);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernTestDeadline, tern_test_deadline_free)

/* Iterates until @cond (an expression, evaluated before each iteration)
 * holds or @timeout_ms pass. The caller asserts @cond afterwards. */
#define TERN_TEST_WAIT_UNTIL(cond, timeout_ms)                                      \
  G_STMT_START {                                                                    \
    TernTestDeadline *tern_deadline_ = tern_test_deadline_new (timeout_ms);         \
    while (!(cond) && tern_test_deadline_iterate (tern_deadline_))                  \
      ;                                                                             \
    tern_test_deadline_free (tern_deadline_);                                       \
  } G_STMT_END

/* The same with a function: iterates until @done (@data) or @timeout_ms
 * pass, and returns what @done says then. */
gboolean tern_test_wait_until (gboolean (*done) (gpointer data), gpointer data, guint timeout_ms);

/* Iterates for @ms whatever happens (layout, redraws, callbacks queued by
 * threads); not a wait for anything in particular. */
void tern_test_run_for (guint ms);

/* Dispatches what is ready now, without blocking (at most @max rounds:
 * a source that is always ready cannot hold the test). */
void tern_test_drain (guint max);

G_END_DECLS
