/* Tests of the message list model and widget over a fake source of
 * 100,000 messages: paging, bounded cache, iters, sort change, new mail,
 * row updates; and a screenshot of the list. */
#include <gtk/gtk.h>

#include "tern-test-ui.h"

#include "tern-message-list.h"
#include "tern-message-list-model.h"
#include "core/tern-types.h"

#define N_MESSAGES 100000
#define BASE_TIME 1700000000

/* ---- a fake source ---- */

#define FAKE_TYPE_SOURCE (fake_source_get_type ())
G_DECLARE_FINAL_TYPE (FakeSource, fake_source, FAKE, SOURCE, GObject)

struct _FakeSource
{
  GObject parent_instance;
  GArray *ids;        /* existing ids, ascending */
  GHashTable *flags;  /* id -> flags override */
  guint list_calls;
  guint get_rows_calls;
  guint rows_fetched;
};

static void fake_source_iface_init (TernMessageSourceInterface *iface);
G_DEFINE_FINAL_TYPE_WITH_CODE (FakeSource, fake_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TERN_TYPE_MESSAGE_SOURCE,
                                                      fake_source_iface_init))

static int
sender_key (gint64 id)
{
  return (int) (id % 97);
}

static int
compare_sender (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  if (sender_key (x) != sender_key (y))
    return sender_key (x) - sender_key (y);
  return x < y ? -1 : x > y;
}

static GArray *
fake_list_ids (TernMessageSource *source, gint64 folder_id, TernMessageSort sort,
               gboolean descending, GError **error)
{
  FakeSource *self = FAKE_SOURCE (source);
  GArray *ids = g_array_copy (self->ids);

  self->list_calls++;
  if (sort == TERN_MESSAGE_SORT_SENDER)
    g_array_sort (ids, compare_sender);
  /* Date order is id order here. */
  if (descending)
    for (guint i = 0; i < ids->len / 2; i++)
      {
        gint64 t = g_array_index (ids, gint64, i);
        g_array_index (ids, gint64, i) = g_array_index (ids, gint64, ids->len - 1 - i);
        g_array_index (ids, gint64, ids->len - 1 - i) = t;
      }
  return ids;
}

static GPtrArray *
fake_get_rows (TernMessageSource *source, const gint64 *ids, guint n_ids, GError **error)
{
  FakeSource *self = FAKE_SOURCE (source);
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_message_row_free);

  self->get_rows_calls++;
  /* Answer in reverse order: the model must not rely on the order. */
  for (guint i = n_ids; i-- > 0;)
    {
      TernMessageRow *row = tern_message_row_new ();
      gpointer flags = g_hash_table_lookup (self->flags, &ids[i]);

      row->id = ids[i];
      row->from_name = g_strdup_printf ("Sender %d", sender_key (ids[i]));
      row->from_address = g_strdup_printf ("sender%d@example.org", sender_key (ids[i]));
      row->subject = g_strdup_printf ("Message %" G_GINT64_FORMAT, ids[i]);
      row->preview = g_strdup ("The first words of the body, shown dimmed after the subject");
      row->date = BASE_TIME + ids[i] * 60;
      row->flags = flags != NULL ? GPOINTER_TO_UINT (flags) - 1
                                 : (ids[i] % 3 == 0 ? 0 : TERN_FLAG_SEEN);
      row->has_attachments = ids[i] % 5 == 0;
      g_ptr_array_add (rows, row);
      self->rows_fetched++;
    }
  return rows;
}

static void
fake_source_iface_init (TernMessageSourceInterface *iface)
{
  iface->list_ids = fake_list_ids;
  iface->get_rows = fake_get_rows;
}

static void
fake_source_finalize (GObject *object)
{
  FakeSource *self = FAKE_SOURCE (object);

  g_array_unref (self->ids);
  g_hash_table_unref (self->flags);
  G_OBJECT_CLASS (fake_source_parent_class)->finalize (object);
}

static void
fake_source_class_init (FakeSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fake_source_finalize;
}

static void
fake_source_init (FakeSource *self)
{
  self->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), N_MESSAGES);
  for (gint64 id = 1; id <= N_MESSAGES; id++)
    g_array_append_val (self->ids, id);
  self->flags = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

static void
fake_source_set_flags (FakeSource *self, gint64 id, guint flags)
{
  g_hash_table_insert (self->flags, g_memdup2 (&id, sizeof id), GUINT_TO_POINTER (flags + 1));
}

/* ---- helpers ---- */

typedef struct {
  FakeSource *source;
  TernMessageListModel *model;
  guint inserted, deleted, changed, reordered;
  int last_changed;
} Fixture;

static void on_inserted (GtkTreeModel *m, GtkTreePath *p, GtkTreeIter *i, Fixture *f) { f->inserted++; }
static void on_deleted (GtkTreeModel *m, GtkTreePath *p, Fixture *f) { f->deleted++; }
static void on_reordered (GtkTreeModel *m, GtkTreePath *p, GtkTreeIter *i, gpointer o, Fixture *f) { f->reordered++; }

static void
on_changed (GtkTreeModel *m, GtkTreePath *p, GtkTreeIter *i, Fixture *f)
{
  f->changed++;
  f->last_changed = gtk_tree_path_get_indices (p)[0];
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->source = g_object_new (FAKE_TYPE_SOURCE, NULL);
  f->model = tern_message_list_model_new (TERN_MESSAGE_SOURCE (f->source), 1);
  g_assert_true (tern_message_list_model_set_sort (f->model, TERN_MESSAGE_SORT_DATE, TRUE, &error));
  g_assert_no_error (error);
  g_signal_connect (f->model, "row-inserted", G_CALLBACK (on_inserted), f);
  g_signal_connect (f->model, "row-deleted", G_CALLBACK (on_deleted), f);
  g_signal_connect (f->model, "row-changed", G_CALLBACK (on_changed), f);
  g_signal_connect (f->model, "rows-reordered", G_CALLBACK (on_reordered), f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->model);
  g_clear_object (&f->source);
}

static gint64
id_at (GtkTreeModel *model, int n)
{
  GtkTreeIter iter;
  gint64 id = -1;

  g_assert_true (gtk_tree_model_iter_nth_child (model, &iter, NULL, n));
  gtk_tree_model_get (model, &iter, TERN_MESSAGE_LIST_COLUMN_ID, &id, -1);
  return id;
}

static char *
subject_at (GtkTreeModel *model, int n)
{
  GtkTreeIter iter;
  char *subject = NULL;

  g_assert_true (gtk_tree_model_iter_nth_child (model, &iter, NULL, n));
  gtk_tree_model_get (model, &iter, TERN_MESSAGE_LIST_COLUMN_SUBJECT, &subject, -1);
  return subject;
}

/* ---- model tests ---- */

static void
test_first_last (Fixture *f, gconstpointer data)
{
  GtkTreeModel *model = GTK_TREE_MODEL (f->model);
  g_autofree char *first = NULL, *last = NULL;
  GtkTreeIter iter;
  gboolean unread, attachment;

  g_assert_cmpint (gtk_tree_model_get_flags (model), ==,
                   GTK_TREE_MODEL_LIST_ONLY | GTK_TREE_MODEL_ITERS_PERSIST);
  g_assert_cmpint (gtk_tree_model_iter_n_children (model, NULL), ==, N_MESSAGES);
  /* Only the ids are read up front. */
  g_assert_cmpuint (f->source->get_rows_calls, ==, 0);

  first = subject_at (model, 0);
  last = subject_at (model, N_MESSAGES - 1);
  g_assert_cmpstr (first, ==, "Message 100000");
  g_assert_cmpstr (last, ==, "Message 1");
  g_assert_cmpuint (f->source->get_rows_calls, ==, 2);
  g_assert_cmpuint (f->source->rows_fetched, ==, 2 * TERN_MESSAGE_LIST_PAGE_SIZE);

  g_assert_true (gtk_tree_model_iter_nth_child (model, &iter, NULL, 0));
  gtk_tree_model_get (model, &iter, TERN_MESSAGE_LIST_COLUMN_UNREAD, &unread,
                      TERN_MESSAGE_LIST_COLUMN_HAS_ATTACHMENT, &attachment, -1);
  g_assert_false (unread);      /* 100000 % 3 != 0: seen */
  g_assert_true (attachment);   /* 100000 % 5 == 0 */
  g_assert_false (gtk_tree_model_iter_nth_child (model, &iter, NULL, N_MESSAGES));
}

/* A source with costlier rows is read in smaller pages. */
static void
test_page_size (Fixture *f, gconstpointer data)
{
  g_autofree char *subject = NULL;

  tern_message_list_model_set_page_size (f->model, 50);
  subject = subject_at (GTK_TREE_MODEL (f->model), 120);
  g_assert_cmpstr (subject, ==, "Message 99880");
  g_assert_cmpuint (f->source->get_rows_calls, ==, 1);
  g_assert_cmpuint (f->source->rows_fetched, ==, 50);
  g_assert_nonnull (tern_message_list_model_peek_row (f->model, 149));
  g_assert_cmpuint (f->source->get_rows_calls, ==, 1);
  g_assert_nonnull (tern_message_list_model_peek_row (f->model, 150));
  g_assert_cmpuint (f->source->get_rows_calls, ==, 2);
}

static void
test_iter_navigation (Fixture *f, gconstpointer data)
{
  GtkTreeModel *model = GTK_TREE_MODEL (f->model);
  g_autoptr(GtkTreePath) path = NULL;
  g_autoptr(GtkTreePath) again = NULL;
  GtkTreeIter iter, child;
  gint64 id;

  g_assert_true (gtk_tree_model_get_iter_first (model, &iter));
  for (int i = 1; i <= 250; i++)
    {
      g_assert_true (gtk_tree_model_iter_next (model, &iter));
      gtk_tree_model_get (model, &iter, TERN_MESSAGE_LIST_COLUMN_ID, &id, -1);
      g_assert_cmpint (id, ==, N_MESSAGES - i);
    }
  g_assert_true (gtk_tree_model_iter_previous (model, &iter));
  path = gtk_tree_model_get_path (model, &iter);
  g_assert_cmpint (gtk_tree_path_get_indices (path)[0], ==, 249);
  g_assert_true (gtk_tree_model_get_iter (model, &iter, path));
  again = gtk_tree_model_get_path (model, &iter);
  g_assert_cmpint (gtk_tree_path_compare (path, again), ==, 0);

  g_assert_false (gtk_tree_model_iter_has_child (model, &iter));
  g_assert_false (gtk_tree_model_iter_children (model, &child, &iter));
  g_assert_false (gtk_tree_model_iter_parent (model, &child, &iter));
  g_assert_cmpint (gtk_tree_model_iter_n_children (model, &iter), ==, 0);

  g_assert_true (gtk_tree_model_iter_nth_child (model, &iter, NULL, N_MESSAGES - 1));
  g_assert_false (gtk_tree_model_iter_next (model, &iter));
  g_assert_true (gtk_tree_model_get_iter_first (model, &iter));
  g_assert_false (gtk_tree_model_iter_previous (model, &iter));

  g_assert_true (tern_message_list_model_get_iter_for_id (f->model, 42, &iter));
  g_assert_cmpint (tern_message_list_model_get_id (f->model, &iter), ==, 42);
  g_assert_false (tern_message_list_model_get_iter_for_id (f->model, N_MESSAGES + 1, &iter));
}

static void
test_cache_bounded (Fixture *f, gconstpointer data)
{
  GtkTreeModel *model = GTK_TREE_MODEL (f->model);
  GtkTreeIter iter;
  guint max_pages = 0;
  guint calls;

  /* Read every row once, as a scroll from top to bottom would. */
  g_assert_true (gtk_tree_model_get_iter_first (model, &iter));
  do
    {
      g_autofree char *subject = NULL;
      g_autofree char *date = NULL;
      gtk_tree_model_get (model, &iter, TERN_MESSAGE_LIST_COLUMN_SUBJECT, &subject,
                          TERN_MESSAGE_LIST_COLUMN_DATE, &date, -1);
      g_assert_nonnull (subject);
      max_pages = MAX (max_pages, tern_message_list_model_get_cached_pages (f->model));
    }
  while (gtk_tree_model_iter_next (model, &iter));

  /* One source call per page, each page fetched once. */
  g_assert_cmpuint (f->source->get_rows_calls, ==, N_MESSAGES / TERN_MESSAGE_LIST_PAGE_SIZE);
  g_assert_cmpuint (f->source->rows_fetched, ==, N_MESSAGES);
  g_assert_cmpuint (max_pages, <=, TERN_MESSAGE_LIST_MAX_PAGES);
  g_assert_cmpuint (tern_message_list_model_get_cached_pages (f->model), ==,
                    TERN_MESSAGE_LIST_MAX_PAGES);

  /* The last page is still cached; the first was evicted long ago. */
  calls = f->source->get_rows_calls;
  g_free (subject_at (model, N_MESSAGES - 1));
  g_assert_cmpuint (f->source->get_rows_calls, ==, calls);
  g_free (subject_at (model, 0));
  g_assert_cmpuint (f->source->get_rows_calls, ==, calls + 1);
}

static void
test_sort_change (Fixture *f, gconstpointer data)
{
  GtkTreeModel *model = GTK_TREE_MODEL (f->model);
  g_autoptr(GtkTreePath) path = NULL;
  g_autoptr(GError) error = NULL;
  GtkTreeIter kept;
  gboolean descending = TRUE;

  /* An iter taken before the sort must follow its row (ITERS_PERSIST). */
  g_assert_true (gtk_tree_model_iter_nth_child (model, &kept, NULL, 0));
  g_assert_cmpint (tern_message_list_model_get_id (f->model, &kept), ==, N_MESSAGES);

  g_assert_true (tern_message_list_model_set_sort (f->model, TERN_MESSAGE_SORT_SENDER,
                                                   FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->reordered, ==, 1);
  g_assert_cmpuint (f->inserted, ==, 0);
  g_assert_cmpuint (f->deleted, ==, 0);
  g_assert_cmpint (tern_message_list_model_get_sort (f->model, &descending), ==,
                   TERN_MESSAGE_SORT_SENDER);
  g_assert_false (descending);
  g_assert_cmpint (gtk_tree_model_iter_n_children (model, NULL), ==, N_MESSAGES);
  /* Sender key 0 first (id 97 is the smallest id with key 0). */
  g_assert_cmpint (id_at (model, 0), ==, 97);
  g_assert_cmpint (id_at (model, 1), ==, 194);

  g_assert_cmpint (tern_message_list_model_get_id (f->model, &kept), ==, N_MESSAGES);
  path = gtk_tree_model_get_path (model, &kept);
  g_assert_cmpint (id_at (model, gtk_tree_path_get_indices (path)[0]), ==, N_MESSAGES);

  /* The same sort again changes nothing. */
  g_assert_true (tern_message_list_model_reload (f->model, &error));
  g_assert_cmpuint (f->reordered, ==, 1);
}

static void
test_new_mail (Fixture *f, gconstpointer data)
{
  GtkTreeModel *model = GTK_TREE_MODEL (f->model);
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;

  /* Three new messages arrive; 10 and 20 are expunged. */
  for (gint64 id = N_MESSAGES + 1; id <= N_MESSAGES + 3; id++)
    g_array_append_val (f->source->ids, id);
  g_array_remove_index (f->source->ids, 19);
  g_array_remove_index (f->source->ids, 9);
  g_assert_true (tern_message_list_model_reload (f->model, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (f->inserted, ==, 3);
  g_assert_cmpuint (f->deleted, ==, 2);
  g_assert_cmpuint (f->reordered, ==, 0);
  g_assert_cmpint (gtk_tree_model_iter_n_children (model, NULL), ==, N_MESSAGES + 1);
  first = subject_at (model, 0);
  g_assert_cmpstr (first, ==, "Message 100003");
  g_assert_cmpint (id_at (model, N_MESSAGES), ==, 1);
  g_assert_cmpint (id_at (model, N_MESSAGES - 9), ==, 11);
}

/* Changes in the middle of a long list (messages gone, one back, two
 * swapped): only those rows change, with the signals a view needs, and
 * the rows around them keep their place. */
static void
test_middle_change (Fixture *f, gconstpointer data)
{
  GtkTreeModel *model = GTK_TREE_MODEL (f->model);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  gint64 back = N_MESSAGES / 2, t;
  guint at;

  /* The list is N_MESSAGES down to 1: id k is at N_MESSAGES - k. */
  for (guint i = 0; i < f->source->ids->len; i++)
    if (g_array_index (f->source->ids, gint64, i) == back)
      g_array_remove_range (f->source->ids, i, 2);   /* back and back + 1 */
  g_assert_true (tern_message_list_model_reload (f->model, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->deleted, ==, 2);
  g_assert_cmpuint (f->inserted + f->reordered, ==, 0);
  g_assert_cmpint (gtk_tree_model_iter_n_children (model, NULL), ==, N_MESSAGES - 2);
  g_assert_cmpint (id_at (model, 0), ==, N_MESSAGES);
  g_assert_cmpint (id_at (model, N_MESSAGES - back - 2), ==, back + 2);
  g_assert_cmpint (id_at (model, N_MESSAGES - back - 1), ==, back - 1);
  g_assert_cmpint (id_at (model, N_MESSAGES - 3), ==, 1);

  /* The source's array is in date order, ascending. */
  g_array_insert_val (f->source->ids, (guint) back - 1, back);
  g_assert_true (tern_message_list_model_reload (f->model, &error));
  g_assert_cmpuint (f->inserted, ==, 1);
  g_assert_cmpint (id_at (model, N_MESSAGES - back - 1), ==, back);

  /* Two rows swap places (say a date changed). */
  ids = tern_message_source_list_ids (TERN_MESSAGE_SOURCE (f->source), 1, TERN_MESSAGE_SORT_DATE,
                                      TRUE, &error);
  at = 100;
  t = g_array_index (ids, gint64, at);
  g_array_index (ids, gint64, at) = g_array_index (ids, gint64, at + 1);
  g_array_index (ids, gint64, at + 1) = t;
  tern_message_list_model_set_ids (f->model, (const gint64 *) (void *) ids->data, ids->len);
  g_assert_cmpuint (f->reordered, ==, 1);
  g_assert_cmpuint (f->deleted, ==, 2);
  g_assert_cmpuint (f->inserted, ==, 1);
  for (guint i = 0; i < ids->len; i++)
    g_assert_cmpint (id_at (model, (int) i), ==, g_array_index (ids, gint64, i));
}

static void
test_row_update (Fixture *f, gconstpointer data)
{
  GtkTreeModel *model = GTK_TREE_MODEL (f->model);
  GtkTreeIter iter;
  gboolean unread = FALSE, flagged = FALSE;
  guint calls;

  /* Row 1 is id 99999 (seen); bring its page into the cache. */
  g_free (subject_at (model, 1));
  calls = f->source->get_rows_calls;
  fake_source_set_flags (f->source, N_MESSAGES - 1, TERN_FLAG_FLAGGED);
  tern_message_list_model_row_updated (f->model, N_MESSAGES - 1);
  g_assert_cmpuint (f->changed, ==, 1);
  g_assert_cmpint (f->last_changed, ==, 1);
  g_assert_cmpuint (f->source->get_rows_calls, ==, calls + 1);  /* one row refetched */

  g_assert_true (gtk_tree_model_iter_nth_child (model, &iter, NULL, 1));
  gtk_tree_model_get (model, &iter, TERN_MESSAGE_LIST_COLUMN_UNREAD, &unread,
                      TERN_MESSAGE_LIST_COLUMN_FLAGGED, &flagged, -1);
  g_assert_true (unread);
  g_assert_true (flagged);
  g_assert_cmpuint (f->source->get_rows_calls, ==, calls + 1);

  /* A row off the cached pages: a signal, no fetch. */
  tern_message_list_model_row_updated (f->model, 5);
  g_assert_cmpuint (f->changed, ==, 2);
  g_assert_cmpint (f->last_changed, ==, N_MESSAGES - 5);
  g_assert_cmpuint (f->source->get_rows_calls, ==, calls + 1);
  /* An unknown id: nothing. */
  tern_message_list_model_row_updated (f->model, N_MESSAGES + 50);
  g_assert_cmpuint (f->changed, ==, 2);
}

static void
test_format_date (void)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) now = g_date_time_new (utc, 2024, 3, 14, 15, 0, 0);  /* a Thursday */
  g_autofree char *today = NULL, *monday = NULL, *january = NULL, *old = NULL;
  gint64 t = g_date_time_to_unix (now);

  today = tern_message_list_format_date (t - 3600, now);
  monday = tern_message_list_format_date (t - 3 * 86400, now);
  january = tern_message_list_format_date (t - 60 * 86400, now);
  old = tern_message_list_format_date (t - 400 * 86400, now);
  g_assert_cmpstr (today, ==, "14:00");
  g_assert_cmpstr (monday, ==, "Mon");
  g_assert_cmpstr (january, ==, "Jan 14");
  g_assert_cmpstr (old, ==, "Feb 8, 2023");
}

/* ---- the widget ---- */

static void
on_selection (TernMessageList *list, GArray *ids, GArray **out)
{
  g_clear_pointer (out, g_array_unref);
  *out = g_array_copy (ids);
}

static void
on_activated (TernMessageList *list, gint64 id, gint64 *out)
{
  *out = id;
}

static void
test_widget (Fixture *f, gconstpointer data)
{
  GtkWidget *window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  GtkWidget *list = tern_message_list_new ();
  GtkTreeView *tree_view = tern_message_list_get_tree_view (TERN_MESSAGE_LIST (list));
  g_autoptr(GArray) selected = NULL;
  g_autoptr(GArray) now = NULL;
  g_autoptr(GtkTreePath) path = NULL;
  gint64 activated = 0;
  guint calls;

  gtk_window_set_default_size (GTK_WINDOW (window), 420, 520);
  gtk_container_add (GTK_CONTAINER (window), list);
  tern_message_list_set_model (TERN_MESSAGE_LIST (list), f->model);
  g_signal_connect (list, "selection-changed", G_CALLBACK (on_selection), &selected);
  g_signal_connect (list, "message-activated", G_CALLBACK (on_activated), &activated);
  gtk_widget_show_all (window);
  tern_test_ui_wait_mapped (window, 500);

  g_assert_true (gtk_tree_view_get_fixed_height_mode (tree_view));
  g_assert_cmpint (gtk_tree_selection_get_mode (gtk_tree_view_get_selection (tree_view)), ==,
                   GTK_SELECTION_MULTIPLE);
  g_assert_cmpstr (atk_object_get_name (gtk_widget_get_accessible (GTK_WIDGET (tree_view))),
                   ==, "Messages");
  /* Drawing the first screen of a 100,000-row folder read a page or two. */
  g_assert_cmpuint (f->source->get_rows_calls, >=, 1);
  g_assert_cmpuint (f->source->get_rows_calls, <=, 3);

  /* Select a row, then move down with the keyboard. */
  g_assert_true (tern_message_list_select_id (TERN_MESSAGE_LIST (list), N_MESSAGES - 2));
  g_assert_nonnull (selected);
  g_assert_cmpuint (selected->len, ==, 1);
  g_assert_cmpint (g_array_index (selected, gint64, 0), ==, N_MESSAGES - 2);
  /* The tree view moves its cursor only with focus in an active window. */
  gtk_window_present (GTK_WINDOW (window));
  TERN_TEST_WAIT_UNTIL (gtk_window_is_active (GTK_WINDOW (window)), 5000);
  g_assert_true (gtk_window_is_active (GTK_WINDOW (window)));
  gtk_widget_grab_focus (GTK_WIDGET (tree_view));
  tern_test_ui_send_key (GTK_WIDGET (tree_view), GDK_KEY_Down, 0);
  g_assert_cmpint (g_array_index (selected, gint64, 0), ==, N_MESSAGES - 3);
  /* Shift+Down extends the selection. */
  tern_test_ui_send_key (GTK_WIDGET (tree_view), GDK_KEY_Down, GDK_SHIFT_MASK);
  now = tern_message_list_get_selected_ids (TERN_MESSAGE_LIST (list));
  g_assert_cmpuint (now->len, ==, 2);
  g_assert_cmpint (g_array_index (now, gint64, 1), ==, N_MESSAGES - 4);
  /* Enter activates the cursor row. */
  tern_test_ui_send_key (GTK_WIDGET (tree_view), GDK_KEY_Return, 0);
  g_assert_cmpint (activated, ==, N_MESSAGES - 4);

  /* A flag change redraws in place. */
  fake_source_set_flags (f->source, N_MESSAGES, TERN_FLAG_FLAGGED);
  tern_message_list_model_row_updated (f->model, N_MESSAGES);
  tern_test_ui_wait_mapped (window, 500);
  tern_test_ui_save_screenshot (window, "message-list.png");

  /* Jump to the end. GTK validates the rows on the red-black tree path to
   * the target (O(log n), about 17 for 100,000 rows), each costing a page;
   * nothing near a full scan. */
  calls = f->source->get_rows_calls;
  path = gtk_tree_path_new_from_indices (N_MESSAGES - 1, -1);
  gtk_tree_view_scroll_to_cell (tree_view, path, NULL, TRUE, 1.0, 0);
  tern_test_ui_wait_mapped (window, 500);
  g_assert_cmpuint (tern_message_list_model_get_cached_pages (f->model), <=,
                    TERN_MESSAGE_LIST_MAX_PAGES);
  g_assert_cmpuint (f->source->get_rows_calls - calls, <=, 2 * 17);

  gtk_widget_destroy (window);
}

int
main (int argc, char *argv[])
{
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/message-list-model/format-date", test_format_date);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/app/message-list-model/first-last", test_first_last);
  ADD ("/app/message-list-model/iter-navigation", test_iter_navigation);
  ADD ("/app/message-list-model/page-size", test_page_size);
  ADD ("/app/message-list-model/cache-bounded", test_cache_bounded);
  ADD ("/app/message-list-model/sort-change", test_sort_change);
  ADD ("/app/message-list-model/new-mail", test_new_mail);
  ADD ("/app/message-list-model/middle-change", test_middle_change);
  ADD ("/app/message-list-model/row-update", test_row_update);
  ADD ("/app/message-list/widget", test_widget);
  return g_test_run ();
}
