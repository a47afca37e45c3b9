/* bench-ui: the main window over a folder of 100,000 messages.
 *
 *   xvfb-run -a ./_build/bench/bench/bench-ui [N]
 *
 * Builds a store with N (default 100,000) envelope rows through the store
 * API, opens the main window on another folder, then measures:
 *   - time from selecting the big folder to its first rows drawn;
 *   - a scroll from top to bottom, page by page: the work of each step
 *     (adjusting the view, paging rows in, drawing) and how many steps
 *     take over 16 ms;
 *   - the process's RSS with that folder open.
 * Targets: first rows < 150 ms, RSS < 150 MB. Build without sanitizers
 * (-Dbuildtype=release) for meaningful figures. */
#include <glib/gstdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gtk/gtk.h>

#include "tern-application.h"
#include "tern-mail-context.h"
#include "store/tern-store.h"
#include "tern-window.h"

typedef struct {
  gboolean drawn;
  gint64 draw_start;
  gint64 draw_time;
} DrawProbe;

static gboolean
on_draw_before (GtkWidget *widget, cairo_t *cr, DrawProbe *probe)
{
  probe->draw_start = g_get_monotonic_time ();
  return FALSE;
}

static gboolean
on_draw_after (GtkWidget *widget, cairo_t *cr, DrawProbe *probe)
{
  probe->draw_time += g_get_monotonic_time () - probe->draw_start;
  probe->drawn = TRUE;
  return FALSE;
}

static void
wait_drawn (DrawProbe *probe)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!probe->drawn && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
}

static void
fill_store (TernStore *store, gint64 folder_id, guint n)
{
  static const char *names[] = { "Ada Lovelace", "Grace Hopper", "Alan Turing", "Barbara Liskov" };
  g_autoptr(GError) error = NULL;

  for (guint start = 0; start < n; start += 1000)
    {
      guint count = MIN (1000, n - start);
      g_autofree TernMessageRecord *r = g_new0 (TernMessageRecord, count);
      g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; i < count; i++)
        {
          guint k = start + i;
          char *subject = g_strdup_printf ("Message %06u about the build", k);
          char *address = g_strdup_printf ("user%u@example.org", k % 97);
          g_ptr_array_add (strings, subject);
          g_ptr_array_add (strings, address);
          r[i].folder_id = folder_id;
          r[i].uid = k + 1;
          r[i].subject = subject;
          r[i].from_name = names[k % G_N_ELEMENTS (names)];
          r[i].from_address = address;
          r[i].date = r[i].internal_date = 1600000000 + (gint64) k * 300;
          r[i].flags = k % 5 ? TERN_FLAG_SEEN : 0;
          r[i].preview = "A line of the body, as the list shows it under the subject.";
          r[i].body_state = TERN_BODY_STATE_HEADERS;
        }
      if (!tern_store_insert_messages (store, r, count, NULL, &error))
        g_error ("insert: %s", error->message);
    }
}

/* The store's directory holds only files (database, WAL, passwords). */
static void
remove_dir (const char *path)
{
  g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_unlink (child);
    }
  g_rmdir (path);
}

static long
rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  return line != NULL ? strtol (line + 6, NULL, 10) : -1;
}

int
main (int argc, char *argv[])
{
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tern-bench-ui-XXXXXX", &error);
  g_autoptr(TernStore) writer = NULL;
  g_autoptr(TernAccountSettings) account = tern_account_settings_new ();
  g_autoptr(TernMailContext) context = NULL;
  g_autoptr(GtkApplication) app = NULL;
  TernWindow *window;
  GtkTreeView *tree;
  GtkAdjustment *adj;
  DrawProbe probe = { 0 };
  gint64 inbox, other, t0, first_rows, slowest = 0, total_work = 0;
  guint frames = 0, slow = 0;
  pid_t pid;
  int status = 0;

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  /* The store is written by a child process, as a worker or tern-cli
   * would: the window's RSS is then the window's own. */
  t0 = g_get_monotonic_time ();
  pid = fork ();
  if (pid == 0)
    {
      writer = tern_store_open (dir, TERN_STORE_OPEN_WRITER, &error);
      g_assert_no_error (error);
      account->name = g_strdup ("Bench");
      account->incoming_host = g_strdup ("127.0.0.1");
      account->incoming_port = 1;
      tern_store_add_account (writer, account, &error);
      g_assert_no_error (error);
      inbox = tern_store_upsert_folder (writer, account->id, "INBOX", "/", TERN_FOLDER_ROLE_INBOX, TRUE, &error);
      tern_store_upsert_folder (writer, account->id, "Archive", "/", TERN_FOLDER_ROLE_ARCHIVE, TRUE, &error);
      fill_store (writer, inbox, n);
      g_clear_object (&writer);
      _exit (0);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_print ("store: %u messages written in %.1f s (%s)\n", n,
           (g_get_monotonic_time () - t0) / 1e6, dir);
  /* As main() does, before the display opens. */
  tern_application_setup_environment ();
  gtk_init (&argc, &argv);
  g_print ("RSS after gtk_init: %.1f MB\n", rss_kb () / 1024.0);

  app = gtk_application_new ("io.github.ternmail.TernBench", G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  context = tern_mail_context_new (dir, &error);
  g_assert_no_error (error);
  {
    g_autoptr(TernFolder) f1 = tern_store_get_folder_by_path (tern_mail_context_get_store (context), 1, "INBOX", &error);
    g_autoptr(TernFolder) f2 = tern_store_get_folder_by_path (tern_mail_context_get_store (context), 1, "Archive", &error);
    g_assert_no_error (error);
    inbox = f1->id;
    other = f2->id;
  }
  window = tern_window_new_for_context (app, context);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_widget_show (GTK_WIDGET (window));
  tern_window_show_folder (window, other);
  tree = tern_message_list_get_tree_view (tern_window_get_message_list (window));
  g_signal_connect (tree, "draw", G_CALLBACK (on_draw_before), &probe);
  g_signal_connect_after (tree, "draw", G_CALLBACK (on_draw_after), &probe);
  for (gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC; g_get_monotonic_time () < end;)
    g_main_context_iteration (NULL, FALSE);

  g_print ("RSS before opening the folder (window, reader, empty folder): %.1f MB\n",
           rss_kb () / 1024.0);
  {
    /* The store's part of opening: listing the ids in order. */
    TernStore *ro = tern_mail_context_get_store (context);
    gint64 s0 = g_get_monotonic_time ();
    g_autoptr(GArray) ids = tern_store_list_message_ids (ro, inbox, TERN_SORT_DATE, TRUE, NULL);
    g_print ("tern_store_list_message_ids: %.1f ms for %u ids\n",
             (g_get_monotonic_time () - s0) / 1e3, ids->len);
  }

  /* Folder selection to first rows drawn. */
  probe.drawn = FALSE;
  t0 = g_get_monotonic_time ();
  tern_window_show_folder (window, inbox);
  wait_drawn (&probe);
  first_rows = g_get_monotonic_time () - t0;
  g_print ("first rows drawn: %.1f ms after selecting the folder (%u rows)\n", first_rows / 1e3,
           tern_message_list_model_get_n_rows (tern_message_list_get_model (tern_window_get_message_list (window))));

  /* Scroll top to bottom one page per frame: the work of each frame. */
  adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (tree));
  while (gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj) < gtk_adjustment_get_upper (adj))
    {
      gint64 start = g_get_monotonic_time (), work;
      double step = gtk_adjustment_get_page_size (adj) * 40;

      probe.drawn = FALSE;
      probe.draw_time = 0;
      gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj) + step);
      work = g_get_monotonic_time () - start;
      wait_drawn (&probe);
      work += probe.draw_time;
      total_work += work;
      slowest = MAX (slowest, work);
      frames++;
      if (work > 16000)
        slow++;
    }
  g_print ("scroll top to bottom: %u frames (40 pages each), %u over 16 ms, slowest %.1f ms, mean %.2f ms\n",
           frames, slow, slowest / 1e3, frames ? total_work / 1e3 / frames : 0.0);
  g_print ("RSS with the folder open: %.1f MB\n", rss_kb () / 1024.0);
  g_print ("targets: first rows < 150 ms (%s), RSS < 150 MB (%s)\n",
           first_rows < 150000 ? "met" : "MISSED", rss_kb () < 150 * 1024 ? "met" : "MISSED");

  gtk_widget_destroy (GTK_WIDGET (window));
  tern_mail_context_shutdown (context);
  g_clear_object (&context);
  remove_dir (dir);
  return 0;
}
