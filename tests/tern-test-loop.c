/* tern-test-loop.c: waits on the main loop with a deadline that holds. */
#include "tern-test-loop.h"

/* How often a wait looks again at a condition that another thread may
 * have changed without waking the main context. */
#define POLL_MS 10

struct _TernTestDeadline {
  GMainContext *context;
  GSource *timeout;
  GSource *poll;
  gboolean passed;
};

static gboolean
on_poll (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
on_deadline (gpointer data)
{
  TernTestDeadline *deadline = data;

  deadline->passed = TRUE;
  return G_SOURCE_REMOVE;
}

TernTestDeadline *
tern_test_deadline_new (guint timeout_ms)
{
  TernTestDeadline *deadline = g_new0 (TernTestDeadline, 1);

  deadline->context = g_main_context_ref_thread_default ();
  deadline->timeout = g_timeout_source_new (timeout_ms);
  g_source_set_callback (deadline->timeout, on_deadline, deadline, NULL);
  g_source_attach (deadline->timeout, deadline->context);
  deadline->poll = g_timeout_source_new (POLL_MS);
  g_source_set_callback (deadline->poll, on_poll, NULL, NULL);
  g_source_attach (deadline->poll, deadline->context);
  return deadline;
}

gboolean
tern_test_deadline_iterate (TernTestDeadline *deadline)
{
  if (deadline->passed)
    return FALSE;
  /* Blocks until some source is ready: the poll tick or the deadline at
   * the latest. */
  g_main_context_iteration (deadline->context, TRUE);
  return !deadline->passed;
}

void
tern_test_deadline_free (TernTestDeadline *deadline)
{
  if (deadline == NULL)
    return;
  g_source_destroy (deadline->timeout);
  g_source_unref (deadline->timeout);
  g_source_destroy (deadline->poll);
  g_source_unref (deadline->poll);
  g_main_context_unref (deadline->context);
  g_free (deadline);
}

gboolean
tern_test_wait_until (gboolean (*done) (gpointer data), gpointer data, guint timeout_ms)
{
  TERN_TEST_WAIT_UNTIL (done (data), timeout_ms);
  return done (data);
}

void
tern_test_run_for (guint ms)
{
  g_autoptr(TernTestDeadline) deadline = tern_test_deadline_new (ms);

  while (tern_test_deadline_iterate (deadline))
    ;
}

void
tern_test_drain (guint max)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  for (guint i = 0; i < max && g_main_context_iteration (context, FALSE); i++)
    ;
}
