/* Tests of the reader: plain text (links, quotes), HTML, multipart/
 * alternative, attachments, cid: images, JavaScript off, and remote
 * content: a local HTTP server must see no request while blocked and one
 * after "Show for this message". */
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "tern-test-ui.h"
#include <webkit2/webkit2.h>

#include "tern-reader-view.h"

typedef struct {
  GtkWidget *window;
  TernReaderView *reader;
  guint loads;
  guint part_loads;
  GBytes *png;
} Fixture;

/* ---- helpers ---- */

static gboolean
wait_until (gboolean (*done) (gpointer), gpointer data)
{
  return tern_test_wait_until (done, data, 20000);
}

static gboolean
loaded (gpointer data)
{
  return ((Fixture *) data)->loads > 0;
}

static void
on_html_loaded (TernReaderView *reader, Fixture *f)
{
  f->loads++;
}

static void
wait_for_html (Fixture *f)
{
  g_assert_true (wait_until (loaded, f));
  f->loads = 0;
}

static GBytes *
make_png (void)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 32, 32);
  g_autoptr(GError) error = NULL;
  char *buffer = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, 0x3070c0ff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error, NULL));
  return g_bytes_new_take (buffer, size);
}

static GBytes *
load_part (const char *part_id, gpointer user_data, GError **error)
{
  Fixture *f = user_data;

  f->part_loads++;
  if (g_str_equal (part_id, "2"))
    return g_bytes_ref (f->png);
  if (g_str_equal (part_id, "3"))
    return g_bytes_new_static ("hello attachment\n", 17);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no part %s", part_id);
  return NULL;
}

static TernReaderMessage *
make_message (Fixture *f, const char *plain, const char *html)
{
  TernReaderMessage *message = tern_reader_message_new ();
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  message->from = g_strdup ("Ada Lovelace <ada@example.org>");
  message->sender_address = g_strdup ("ada@example.org");
  message->to = g_strdup ("Charles Babbage <charles@example.org>");
  message->cc = g_strdup ("Mary Somerville <mary@example.org>");
  message->subject = g_strdup ("Notes on the Analytical Engine");
  message->date = g_date_time_new (utc, 2024, 3, 14, 9, 30, 0);
  message->text_plain = g_strdup (plain);
  message->text_html = g_strdup (html);
  tern_reader_message_set_load_part_func (message, load_part, f, NULL);
  return message;
}

static void
settle (void)
{
  /* Let layout and a few frames happen before a screenshot. */
  tern_test_run_for (500);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  /* The application's stylesheet, so screenshots look like the app. */
  gtk_css_provider_load_from_resource (css, "/io/github/ternmail/Tern/tern.css");
  gtk_style_context_add_provider_for_screen (gdk_screen_get_default (), GTK_STYLE_PROVIDER (css),
                                             GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  f->window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 640, 560);
  f->reader = TERN_READER_VIEW (tern_reader_view_new ());
  gtk_container_add (GTK_CONTAINER (f->window), GTK_WIDGET (f->reader));
  g_signal_connect (f->reader, "html-loaded", G_CALLBACK (on_html_loaded), f);
  f->png = make_png ();
  gtk_widget_show_all (f->window);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_widget_destroy (f->window);
  g_bytes_unref (f->png);
}

/* ---- a local HTTP server that counts requests ---- */

typedef struct {
  GSocketService *service;
  guint16 port;
  int requests;     /* atomic: the service runs handlers in threads */
  GBytes *png;
} Server;

static gboolean
on_run (GThreadedSocketService *service, GSocketConnection *connection,
        GObject *source, Server *server)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr(GDataInputStream) data = g_data_input_stream_new (in);
  g_autofree char *line = g_data_input_stream_read_line (data, NULL, NULL, NULL);
  g_autofree char *header = NULL;

  if (line == NULL)
    return TRUE;   /* a connection without a request */
  g_atomic_int_inc (&server->requests);
  header = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n"
                            "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                            g_bytes_get_size (server->png));
  g_output_stream_write_all (out, header, strlen (header), NULL, NULL, NULL);
  g_output_stream_write_all (out, g_bytes_get_data (server->png, NULL),
                             g_bytes_get_size (server->png), NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

static void
server_start (Server *server, GBytes *png)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  server->png = png;
  server->service = g_threaded_socket_service_new (4);
  g_socket_listener_add_address (G_SOCKET_LISTENER (server->service), address,
                                 G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                 &bound, &error);
  g_assert_no_error (error);
  server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (server->service, "run", G_CALLBACK (on_run), server);
  g_socket_service_start (server->service);
}

static gboolean
server_got_request (gpointer data)
{
  return g_atomic_int_get (&((Server *) data)->requests) > 0;
}

/* ---- tests ---- */

static void
on_saved (GObject *source, GAsyncResult *result, gpointer data)
{
  GAsyncResult **out = data;
  *out = g_object_ref (result);
}

static gboolean
have_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/* The Save button's path, waited for. */
static gboolean
save_part (TernReaderView *reader, const char *part_id, GFile *file, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tern_reader_view_save_part_async (reader, part_id, file, NULL, on_saved, &result);
  g_assert_true (wait_until (have_result, &result));
  return tern_reader_view_save_part_finish (reader, result, error);
}

static void
test_states (Fixture *f, gconstpointer data)
{
  g_assert_cmpstr (tern_reader_view_get_state (f->reader), ==, "empty");
  tern_reader_view_show_loading (f->reader);
  g_assert_cmpstr (tern_reader_view_get_state (f->reader), ==, "loading");
  tern_reader_view_show_offline (f->reader);
  g_assert_cmpstr (tern_reader_view_get_state (f->reader), ==, "offline");
  tern_reader_view_clear (f->reader);
  g_assert_cmpstr (tern_reader_view_get_state (f->reader), ==, "empty");
}

static GtkTextTag *
tag_named (GtkTextIter *iter, const char *name)
{
  g_autoptr(GSList) tags = gtk_text_iter_get_tags (iter);

  for (GSList *l = tags; l != NULL; l = l->next)
    {
      g_autofree char *tag_name = NULL;
      g_object_get (l->data, "name", &tag_name, NULL);
      if (g_strcmp0 (tag_name, name) == 0)
        return l->data;
    }
  return NULL;
}

static const char *
uri_at (GtkTextIter *iter)
{
  g_autoptr(GSList) tags = gtk_text_iter_get_tags (iter);

  for (GSList *l = tags; l != NULL; l = l->next)
    if (g_object_get_data (l->data, "tern-uri") != NULL)
      return g_object_get_data (l->data, "tern-uri");
  return NULL;
}

static void
test_plain (Fixture *f, gconstpointer data)
{
  const char *text = "Hello Charles,\n"
                     "the notes are at https://example.org/notes?id=1. Or www.example.net!\n"
                     "> On Monday you wrote:\n"
                     "> ünïcode quoted\n"
                     "Ada";
  g_autoptr(TernReaderMessage) message = make_message (f, text, NULL);
  GtkTextBuffer *buffer;
  GtkTextIter start, end, iter;
  g_autofree char *shown = NULL;

  tern_reader_view_show_message (f->reader, message);
  g_assert_cmpstr (tern_reader_view_get_state (f->reader), ==, "message");
  g_assert_cmpstr (tern_reader_view_get_body_kind (f->reader), ==, "plain");
  buffer = gtk_text_view_get_buffer (tern_reader_view_get_text_view (f->reader));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  shown = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (shown, ==, text);

  /* Links, without the sentence's punctuation. */
  gtk_text_buffer_get_iter_at_line_offset (buffer, &iter, 1, 20);
  g_assert_cmpstr (uri_at (&iter), ==, "https://example.org/notes?id=1");
  gtk_text_buffer_get_iter_at_line_offset (buffer, &iter, 1, 48);
  g_assert_null (uri_at (&iter));   /* the full stop */
  gtk_text_buffer_get_iter_at_line_offset (buffer, &iter, 1, 55);
  g_assert_cmpstr (uri_at (&iter), ==, "http://www.example.net");
  /* Quoted lines are dimmed, others not. */
  gtk_text_buffer_get_iter_at_line_offset (buffer, &iter, 3, 5);
  g_assert_nonnull (tag_named (&iter, "quote"));
  gtk_text_buffer_get_iter_at_line_offset (buffer, &iter, 0, 3);
  g_assert_null (tag_named (&iter, "quote"));
  /* Headers. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (tern_reader_view_get_attachments_box (f->reader))));
  settle ();
  tern_test_ui_save_screenshot (f->window, "reader-plain.png");
}

static gboolean
has_title (gpointer data)
{
  Fixture *f = data;
  return webkit_web_view_get_title (WEBKIT_WEB_VIEW (tern_reader_view_get_web_view (f->reader))) != NULL;
}

static void
snapshot_done (GObject *source, GAsyncResult *result, gpointer data)
{
  cairo_surface_t *surface = webkit_web_view_get_snapshot_finish (WEBKIT_WEB_VIEW (source), result, NULL);

  g_clear_pointer (&surface, cairo_surface_destroy);
  *(gboolean *) data = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

/* The page title, once the web process has sent it. A snapshot is a round
 * trip to the web process: any later title change would arrive first. */
static const char *
title_of (Fixture *f)
{
  WebKitWebView *web_view = WEBKIT_WEB_VIEW (tern_reader_view_get_web_view (f->reader));
  gboolean done = FALSE;

  g_assert_true (wait_until (has_title, f));
  webkit_web_view_get_snapshot (web_view, WEBKIT_SNAPSHOT_REGION_VISIBLE,
                                WEBKIT_SNAPSHOT_OPTIONS_NONE, NULL, snapshot_done, &done);
  g_assert_true (wait_until (flag_set, &done));
  return webkit_web_view_get_title (web_view);
}

static void
test_html_no_javascript (Fixture *f, gconstpointer data)
{
  const char *html = "<html><head><title>before</title></head>"
                     "<body onload=\"document.title='onload'\"><p>Hello</p>"
                     "<script>document.title='after';</script></body></html>";
  g_autoptr(TernReaderMessage) message = make_message (f, NULL, html);

  tern_reader_view_show_message (f->reader, message);
  g_assert_cmpstr (tern_reader_view_get_body_kind (f->reader), ==, "html");
  wait_for_html (f);
  g_assert_cmpstr (title_of (f), ==, "before");
  /* No remote references: no bar. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (tern_reader_view_get_remote_bar (f->reader))));
}

static void
test_alternative (Fixture *f, gconstpointer data)
{
  g_autoptr(TernReaderMessage) message =
    make_message (f, "plain version", "<title>html version</title><p>html version</p>");
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  g_autofree char *shown = NULL;

  tern_reader_view_show_message (f->reader, message);
  g_assert_cmpstr (tern_reader_view_get_body_kind (f->reader), ==, "html");
  wait_for_html (f);
  g_assert_cmpstr (title_of (f), ==, "html version");

  tern_reader_view_set_prefer_plain (f->reader, TRUE);
  g_assert_cmpstr (tern_reader_view_get_body_kind (f->reader), ==, "plain");
  buffer = gtk_text_view_get_buffer (tern_reader_view_get_text_view (f->reader));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  shown = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (shown, ==, "plain version");
}

static void
test_attachment_and_cid (Fixture *f, gconstpointer data)
{
  const char *html = "<title>cid</title><p>Logo: <img id=logo src=\"cid:logo@example.org\"></p>";
  g_autoptr(TernReaderMessage) message = make_message (f, NULL, html);
  g_autoptr(GList) rows = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *path = NULL;

  tern_reader_message_add_part (message, "2", "logo.png", "image/png", "<logo@example.org>",
                                g_bytes_get_size (f->png), TRUE);
  tern_reader_message_add_part (message, "3", "notes.txt", "text/plain", NULL, 17, FALSE);
  tern_reader_view_show_message (f->reader, message);
  wait_for_html (f);

  /* The inline image came from the part (cid: scheme), the attachment is
   * listed, the inline part is not. */
  g_assert_cmpuint (f->part_loads, ==, 1);
  rows = gtk_container_get_children (tern_reader_view_get_attachments_box (f->reader));
  g_assert_cmpuint (g_list_length (rows), ==, 1);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (tern_reader_view_get_attachments_box (f->reader))));

  dir = g_dir_make_tmp ("tern-reader-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "notes.txt", NULL);
  file = g_file_new_for_path (path);
  g_assert_true (save_part (f->reader, "3", file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_cmpstr (contents, ==, "hello attachment\n");
  g_assert_false (save_part (f->reader, "9", file, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_unlink (path);
  g_rmdir (dir);
  settle ();
  tern_test_ui_save_screenshot (f->window, "reader-attachment.png");
}

static void
test_remote_blocked (Fixture *f, gconstpointer data)
{
  Server server = { 0 };
  g_autofree char *html = NULL;
  g_autoptr(TernReaderMessage) message = NULL;
  GtkInfoBar *bar = tern_reader_view_get_remote_bar (f->reader);

  server_start (&server, f->png);
  html = g_strdup_printf (
    "<!DOCTYPE html><html><head><title>remote</title>"
    "<style>body{font-family:sans-serif;margin:16px}"
    ".card{border:1px solid #ccc;border-radius:6px;padding:12px}</style></head>"
    "<body><div class=card><h2>Spring newsletter</h2>"
    "<p>Tracking pixel below (must not load until allowed):</p>"
    "<img width=64 height=64 alt=\"remote image\" src=\"http://127.0.0.1:%u/x.png\">"
    "<p>Read more at <a href=\"https://example.org/\">example.org</a>.</p></div></body></html>",
    server.port);
  message = make_message (f, "plain", html);
  tern_reader_view_show_message (f->reader, message);
  wait_for_html (f);

  /* The load event fires after every subresource was either loaded or
   * refused, so a request that was going to happen has happened. */
  g_assert_cmpint (g_atomic_int_get (&server.requests), ==, 0);
  g_assert_true (tern_reader_view_get_remote_content_blocked (f->reader));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (bar)));
  settle ();
  g_assert_cmpint (g_atomic_int_get (&server.requests), ==, 0);
  tern_test_ui_save_screenshot (f->window, "reader-html-blocked.png");

  /* "Show for this message". */
  gtk_info_bar_response (bar, 1);
  g_assert_false (tern_reader_view_get_remote_content_blocked (f->reader));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (bar)));
  g_assert_true (wait_until (server_got_request, &server));
  wait_for_html (f);
  g_assert_cmpint (g_atomic_int_get (&server.requests), ==, 1);

  g_socket_service_stop (server.service);
  g_socket_listener_close (G_SOCKET_LISTENER (server.service));
  g_object_unref (server.service);
}

static void
on_allow_sender (TernReaderView *reader, const char *address, char **out)
{
  *out = g_strdup (address);
}

static void
test_remote_always_for_sender (Fixture *f, gconstpointer data)
{
  g_autoptr(TernReaderMessage) message =
    make_message (f, NULL, "<img src=\"https://127.0.0.1:1/y.png\">");
  g_autofree char *allowed = NULL;

  g_signal_connect (f->reader, "allow-sender", G_CALLBACK (on_allow_sender), &allowed);
  tern_reader_view_show_message (f->reader, message);
  wait_for_html (f);
  gtk_info_bar_response (tern_reader_view_get_remote_bar (f->reader), 2);
  g_assert_cmpstr (allowed, ==, "ada@example.org");
  g_assert_false (tern_reader_view_get_remote_content_blocked (f->reader));
  wait_for_html (f);

  /* Next time the integrator sets the flag from its list of senders. */
  message->remote_content_allowed = TRUE;
  tern_reader_view_show_message (f->reader, message);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (tern_reader_view_get_remote_bar (f->reader))));
  wait_for_html (f);
}

int
main (int argc, char *argv[])
{
  g_autofree char *cache = g_dir_make_tmp ("tern-test-cache-XXXXXX", NULL);

  /* Keep WebKit's compiled content filter out of the real cache. */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  /* Under Xvfb, WebKit's accelerated compositing draws through GL where
   * gdk_pixbuf_get_from_window() cannot see it: the screenshots came out
   * blank. This changes only how pages are painted, not what loads. The
   * sandbox stays on. */
  g_setenv ("WEBKIT_DISABLE_COMPOSITING_MODE", "1", TRUE);
  gtk_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/app/reader/states", test_states);
  ADD ("/app/reader/plain", test_plain);
  ADD ("/app/reader/html-no-javascript", test_html_no_javascript);
  ADD ("/app/reader/alternative", test_alternative);
  ADD ("/app/reader/attachment-and-cid", test_attachment_and_cid);
  ADD ("/app/reader/remote-blocked", test_remote_blocked);
  ADD ("/app/reader/remote-always-for-sender", test_remote_always_for_sender);
  return g_test_run ();
}
