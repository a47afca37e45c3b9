/* tern-test-app-util.c: see the header. */
#include <glib/gstdio.h>

#include "store/tern-message-import.h"
#include "account/tern-secrets.h"
#include "tern-conversation-prefs.h"
#include "tern-test-app-util.h"

static gint64
add_folder (TernTestStore *ts, const char *path, TernFolderRole role)
{
  g_autoptr(GError) error = NULL;
  gint64 id = tern_store_upsert_folder (ts->writer, ts->account_id, path, "/", role, TRUE, &error);

  g_assert_no_error (error);
  return id;
}

TernTestStore *
tern_test_store_new (guint16 port)
{
  TernTestStore *ts = g_new0 (TernTestStore, 1);
  g_autoptr(TernAccountSettings) account = tern_account_settings_new ();
  g_autoptr(GError) error = NULL;

  ts->data_dir = g_dir_make_tmp ("tern-window-XXXXXX", &error);
  g_assert_no_error (error);
  ts->writer = tern_store_open (ts->data_dir, TERN_STORE_OPEN_WRITER, &error);
  g_assert_no_error (error);
  account->name = g_strdup ("Demo");
  account->display_name = g_strdup ("Demo User");
  account->email = g_strdup ("demo@localhost");
  account->incoming_host = g_strdup ("127.0.0.1");
  account->incoming_port = port;
  account->incoming_user = g_strdup ("demo");
  account->smtp_host = g_strdup ("127.0.0.1");
  ts->account_id = tern_store_add_account (ts->writer, account, &error);
  g_assert_no_error (error);
  ts->inbox_id = add_folder (ts, "INBOX", TERN_FOLDER_ROLE_INBOX);
  ts->sent_id = add_folder (ts, "Sent", TERN_FOLDER_ROLE_SENT);
  add_folder (ts, "Drafts", TERN_FOLDER_ROLE_DRAFTS);
  ts->archive_id = add_folder (ts, "Archive", TERN_FOLDER_ROLE_ARCHIVE);
  ts->trash_id = add_folder (ts, "Trash", TERN_FOLDER_ROLE_TRASH);
  ts->lists_id = add_folder (ts, "Lists", TERN_FOLDER_ROLE_NONE);
  add_folder (ts, "Lists/gtk", TERN_FOLDER_ROLE_NONE);
  return ts;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
tern_test_store_free (TernTestStore *ts)
{
  g_clear_object (&ts->writer);
  if (g_getenv ("TERN_TEST_KEEP") == NULL)
    remove_tree (ts->data_dir);
  g_free (ts->data_dir);
  g_free (ts);
}

void
tern_test_store_set_server (TernTestStore *ts, const char *host, const char *pin,
                            const char *password)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) account = tern_store_get_account (ts->writer, ts->account_id,
                                                                   &error);
  g_autoptr(TernSecrets) secrets = tern_secrets_new (ts->data_dir, TERN_SECRETS_FILE);

  g_assert_no_error (error);
  g_free (account->incoming_host);
  account->incoming_host = g_strdup (host);
  g_free (account->incoming_cert_sha256);
  account->incoming_cert_sha256 = g_strdup (pin);
  g_assert_true (tern_store_update_account (ts->writer, account, &error));
  g_assert_true (tern_secrets_store (secrets, account->name, TERN_SECRET_INCOMING, password,
                                     &error));
  g_assert_no_error (error);
}

void
tern_test_store_list_inbox_flat (TernTestStore *ts)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.ternmail.Tern");

  tern_conversation_prefs_set (settings, ts->inbox_id, FALSE);
}

TernMailContext *
tern_test_mail_context_start (TernTestStore *ts)
{
  g_autoptr(GError) error = NULL;
  TernMailContext *context = tern_mail_context_new (ts->data_dir, &error);

  g_assert_no_error (error);
  tern_mail_context_set_online (context, TRUE);
  tern_mail_context_start_workers (context);
  return context;
}

TernWindow *
tern_test_window_show (GtkApplication *app, TernMailContext *context, int width, int height)
{
  TernWindow *window = tern_window_new_for_context (app, context);

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_widget_show (GTK_WIDGET (window));
  return window;
}

static void
find_all (GtkWidget *w, gpointer data)
{
  GPtrArray *found = data;
  GType type = GPOINTER_TO_SIZE (g_ptr_array_index (found, 0));

  if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
    g_ptr_array_add (found, w);
  if (GTK_IS_CONTAINER (w))
    gtk_container_forall (GTK_CONTAINER (w), find_all, found);
}

GPtrArray *
tern_test_find_widgets (GtkWidget *root, GType type)
{
  GPtrArray *found = g_ptr_array_new ();

  /* The first slot holds the type while walking. */
  g_ptr_array_add (found, GSIZE_TO_POINTER (type));
  find_all (root, found);
  g_ptr_array_remove_index (found, 0);
  return found;
}

gpointer
tern_test_find_widget (GtkWidget *root, GType type)
{
  g_autoptr(GPtrArray) found = tern_test_find_widgets (root, type);

  return found->len > 0 ? g_ptr_array_index (found, 0) : NULL;
}

static gboolean
search_done (gpointer data)
{
  return tern_search_runner_is_done (tern_window_get_search_runner (data));
}

/* Waits for the window's search (which runs on a thread) to list its
 * last page. */
void
tern_test_window_wait_for_search (TernWindow *window)
{
  g_assert_true (tern_test_wait_until (search_done, window, TERN_TEST_WAIT_MS));
}

void
tern_test_window_search (TernWindow *window, const char *query)
{
  tern_window_search (window, query);
  tern_test_window_wait_for_search (window);
}

void
tern_test_window_close (TernWindow *window, TernMailContext *context)
{
  tern_test_window_clear (&window, &context);
}

/* Closes a test's window and shuts its context down; either may be NULL
 * (a test that failed before it opened them). */
void
tern_test_window_clear (TernWindow **window, TernMailContext **context)
{
  if (*window != NULL)
    gtk_widget_destroy (GTK_WIDGET (*window));
  *window = NULL;
  if (*context != NULL)
    tern_mail_context_shutdown (*context);
  g_clear_object (context);
}

/* A window over @ts's store with a context of its own and no sync
 * workers (the offline window tests), shown and drawn once. */
TernWindow *
tern_test_window_open_offline (GtkApplication *app, TernTestStore *ts, int width, int height,
                               TernMailContext **context)
{
  g_autoptr(GError) error = NULL;
  TernWindow *window;

  *context = tern_mail_context_new (ts->data_dir, &error);
  g_assert_no_error (error);
  window = tern_test_window_show (app, *context, width, height);
  tern_test_ui_wait_for_draw (GTK_WIDGET (window));
  return window;
}

gint64
tern_test_store_add_raw (TernTestStore *ts, gint64 folder_id, guint32 uid, const char *raw,
                         guint flags)
{
  g_autoptr(GBytes) bytes = g_bytes_new (raw, strlen (raw));
  g_autoptr(TernImportedMessage) msg = tern_imported_message_new (bytes, FALSE, NULL);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (msg);
  msg->record.folder_id = folder_id;
  msg->record.uid = uid;
  msg->record.flags = flags;
  msg->record.internal_date = msg->record.date;
  msg->record.size = (gint64) strlen (raw);
  msg->record.raw = bytes;
  msg->record.body_state = TERN_BODY_STATE_FULL;
  g_assert_true (tern_store_insert_messages (ts->writer, &msg->record, 1, &ids, &error));
  g_assert_no_error (error);
  return g_array_index (ids, gint64, 0);
}

void
tern_test_store_add_rows (TernTestStore *ts, gint64 folder_id, guint first_uid, guint n,
                          gint64 base_time)
{
  static const char *names[] = { "Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra",
                                 "Barbara Liskov", "Ken Thompson", "Margaret Hamilton" };
  const guint batch = 1000;
  g_autoptr(GError) error = NULL;

  for (guint start = 0; start < n; start += batch)
    {
      guint count = MIN (batch, n - start);
      g_autofree TernMessageRecord *records = g_new0 (TernMessageRecord, count);
      g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; i < count; i++)
        {
          guint k = start + i;
          TernMessageRecord *r = &records[i];
          char *subject = g_strdup_printf ("Message %06u about %s", k, k % 3 ? "the build" : "lunch");
          char *address = g_strdup_printf ("user%u@example.org", k % 7);
          char *mid = g_strdup_printf ("m%u.%" G_GINT64_FORMAT "@example.org", k, folder_id);

          g_ptr_array_add (strings, subject);
          g_ptr_array_add (strings, address);
          g_ptr_array_add (strings, mid);
          r->folder_id = folder_id;
          r->uid = first_uid + k;
          r->message_id = mid;
          r->subject = subject;
          r->from_name = names[k % G_N_ELEMENTS (names)];
          r->from_address = address;
          r->to_display = "Demo User <demo@localhost>";
          r->to_addresses = "demo@localhost";
          r->date = base_time + k;
          r->internal_date = base_time + k;
          r->size = 2000;
          r->flags = k % 4 ? TERN_FLAG_SEEN : 0;
          r->has_attachments = k % 10 == 0;
          r->preview = "A preview line of the message body, as the list shows it.";
          r->body_state = TERN_BODY_STATE_HEADERS;
        }
      g_assert_true (tern_store_insert_messages (ts->writer, records, count, NULL, &error));
      g_assert_no_error (error);
    }
}

static gboolean
on_http_run (GThreadedSocketService *service, GSocketConnection *connection, GObject *source,
             TernTestHttp *http)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr(GDataInputStream) data = g_data_input_stream_new (in);
  g_autofree char *line = g_data_input_stream_read_line (data, NULL, NULL, NULL);
  const char *reply = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

  if (line == NULL)
    return TRUE;
  g_atomic_int_inc (&http->requests);
  g_output_stream_write_all (out, reply, strlen (reply), NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

void
tern_test_http_start (TernTestHttp *http)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  http->service = g_threaded_socket_service_new (4);
  g_socket_listener_add_address (G_SOCKET_LISTENER (http->service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  http->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (http->service, "run", G_CALLBACK (on_http_run), http);
  g_socket_service_start (http->service);
}

void
tern_test_http_stop (TernTestHttp *http)
{
  g_socket_service_stop (http->service);
  g_socket_listener_close (G_SOCKET_LISTENER (http->service));
  g_clear_object (&http->service);
}

void
tern_test_save_screenshot_variant (GtkWidget *widget, const char *name)
{
  const char *theme = g_getenv ("GTK_THEME");
  g_autofree char *file = g_strdup_printf ("%s%s%s.png", name,
                                           theme != NULL && strstr (theme, "dark") ? "-dark" : "",
                                           g_strcmp0 (g_getenv ("GDK_SCALE"), "2") == 0 ? "-hidpi" : "");

  tern_test_ui_save_screenshot (widget, file);
}

gboolean
tern_test_right_click_cursor (GtkTreeView *tree)
{
  g_autoptr(GtkTreePath) path = NULL;
  GdkRectangle rect;
  GdkEvent *event = gdk_event_new (GDK_BUTTON_PRESS);
  GdkSeat *seat = gdk_display_get_default_seat (gtk_widget_get_display (GTK_WIDGET (tree)));
  gboolean handled = FALSE;

  gtk_tree_view_get_cursor (tree, &path, NULL);
  g_assert_nonnull (path);
  gtk_tree_view_get_cell_area (tree, path, NULL, &rect);
  event->button.window = g_object_ref (gtk_tree_view_get_bin_window (tree));
  event->button.x = rect.x + 20;
  event->button.y = rect.y + rect.height / 2.0;
  event->button.button = GDK_BUTTON_SECONDARY;
  event->button.time = GDK_CURRENT_TIME;
  gdk_event_set_device (event, gdk_seat_get_pointer (seat));
  g_signal_emit_by_name (tree, "button-press-event", event, &handled);
  gdk_event_free (event);
  return handled;
}
