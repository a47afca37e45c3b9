/* Tests for TernPipeline: items are consumed in order by one thread, no more
 * than max_in_flight are ever held, and the first failure stops the
 * pipeline (later items dropped, pushes refused, finish reports it). */
#include "core/tern-error.h"
#include "core/tern-pipeline.h"

typedef struct {
  GMutex lock;
  GArray *seen;          /* consumed item numbers, in order */
  gint live;             /* items allocated and not yet freed */
  gint max_live;
  guint fail_at;         /* consumer fails on this item (0 = never) */
  GThread *consumer;     /* the thread that consumed the first item */
  gboolean one_thread;
} State;

typedef struct {
  State *state;
  guint n;
} Item;

static Item *
item_new (State *s, guint n)
{
  Item *it = g_new0 (Item, 1);

  it->state = s;
  it->n = n;
  g_mutex_lock (&s->lock);
  s->live++;
  s->max_live = MAX (s->max_live, s->live);
  g_mutex_unlock (&s->lock);
  return it;
}

static void
item_free (Item *it)
{
  g_mutex_lock (&it->state->lock);
  it->state->live--;
  g_mutex_unlock (&it->state->lock);
  g_free (it);
}

static gboolean
consume (gpointer data, gpointer user_data, GError **error)
{
  Item *it = data;
  State *s = user_data;
  gboolean ok = it->n != s->fail_at;

  g_usleep (200);   /* let the producer run ahead, to reach the bound */
  g_mutex_lock (&s->lock);
  if (s->consumer == NULL)
    s->consumer = g_thread_self ();
  s->one_thread = s->one_thread && s->consumer == g_thread_self ();
  g_array_append_val (s->seen, it->n);
  g_mutex_unlock (&s->lock);
  if (!ok)
    g_set_error (error, TERN_ERROR, TERN_ERROR_STORE, "failed at %u", it->n);
  item_free (it);
  return ok;
}

static void
state_init (State *s, guint fail_at)
{
  g_mutex_init (&s->lock);
  s->seen = g_array_new (FALSE, FALSE, sizeof (guint));
  s->fail_at = fail_at;
  s->one_thread = TRUE;
}

static void
state_clear (State *s)
{
  g_array_unref (s->seen);
  g_mutex_clear (&s->lock);
}

static void
test_order_and_bound (void)
{
  State s = { 0 };
  g_autoptr(GError) error = NULL;
  TernPipeline *p;

  state_init (&s, 0);
  p = tern_pipeline_new ("test", 2, consume, &s, (GDestroyNotify) item_free);
  for (guint i = 1; i <= 200; i++)
    g_assert_true (tern_pipeline_push (p, item_new (&s, i)));
  g_assert_true (tern_pipeline_finish (p, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (s.seen->len, ==, 200);
  for (guint i = 0; i < 200; i++)
    g_assert_cmpuint (g_array_index (s.seen, guint, i), ==, i + 1);
  g_assert_true (s.one_thread);
  g_assert_true (s.consumer != g_thread_self ());
  /* Two in the pipeline plus the one being pushed. */
  g_assert_cmpint (s.max_live, <=, 3);
  g_assert_cmpint (s.live, ==, 0);
  state_clear (&s);
}

static void
test_failure_stops (void)
{
  State s = { 0 };
  g_autoptr(GError) error = NULL;
  TernPipeline *p;
  guint refused = 0;

  state_init (&s, 5);
  p = tern_pipeline_new ("test", 1, consume, &s, (GDestroyNotify) item_free);
  for (guint i = 1; i <= 50; i++)
    if (!tern_pipeline_push (p, item_new (&s, i)))
      refused++;
  g_assert_false (tern_pipeline_finish (p, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_STORE);
  /* Nothing after the failing item was consumed; every item was freed. */
  g_assert_cmpuint (s.seen->len, ==, 5);
  g_assert_cmpuint (g_array_index (s.seen, guint, 4), ==, 5);
  g_assert_cmpuint (refused, >, 0);
  g_assert_cmpint (s.live, ==, 0);
  state_clear (&s);
}

static void
test_empty (void)
{
  State s = { 0 };
  TernPipeline *p;

  state_init (&s, 0);
  p = tern_pipeline_new ("test", 1, consume, &s, (GDestroyNotify) item_free);
  g_assert_true (tern_pipeline_finish (p, NULL));
  g_assert_cmpuint (s.seen->len, ==, 0);
  state_clear (&s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pipeline/order-and-bound", test_order_and_bound);
  g_test_add_func ("/pipeline/failure-stops", test_failure_stops);
  g_test_add_func ("/pipeline/empty", test_empty);
  return g_test_run ();
}
