/* Tests of the reader: plain text (links, quotes), HTML, multipart/
 * alternative, attachments, cid: images, JavaScript off, and remote
 * content: a local HTTP server must see no request while blocked and one
 * after "Show" (this message). */
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "tern-test-ui.h"
#include <webkit2/webkit2.h>

#include "tern-reader-view.h"

#ifdef TERN_TEST_NO_FILTER
#define TEST_NO_FILTER TRUE
#else
#define TEST_NO_FILTER FALSE
#endif

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
  int connections;  /* atomic: also those without a request (preconnect) */
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

  g_atomic_int_inc (&server->connections);
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

static void
server_stop (Server *server)
{
  g_socket_service_stop (server->service);
  g_socket_listener_close (G_SOCKET_LISTENER (server->service));
  g_clear_object (&server->service);
}

/* Nothing reached the server: no request, and no connection opened ahead
 * of one (preconnect, DNS prefetch to a literal address). */
static void
assert_no_contact (Server *server)
{
  g_assert_cmpint (g_atomic_int_get (&server->requests), ==, 0);
  g_assert_cmpint (g_atomic_int_get (&server->connections), ==, 0);
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

  /* "Show" (this message). */
  gtk_info_bar_response (bar, 1);
  g_assert_false (tern_reader_view_get_remote_content_blocked (f->reader));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (bar)));
  g_assert_true (wait_until (server_got_request, &server));
  wait_for_html (f);
  g_assert_cmpint (g_atomic_int_get (&server.requests), ==, 1);

  server_stop (&server);
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

/* Every way mail HTML can make the view fetch something, in one message:
 * nothing may reach the server before the user allows remote content. */
static char *
hostile_html (guint16 port)
{
  return g_strdup_printf (
    "<!DOCTYPE html><html><head><title>hostile</title>"
    "<link rel=preconnect href=\"http://127.0.0.1:%1$u/\">"
    "<link rel=dns-prefetch href=\"//127.0.0.1:%1$u/\">"
    "<link rel=prefetch href=\"http://127.0.0.1:%1$u/prefetch\">"
    "<link rel=preload as=image href=\"http://127.0.0.1:%1$u/preload.png\">"
    "<LINK REL=stylesheet HREF=\"http://127.0.0.1:%1$u/style.css\">"
    "<style>@import url(\"http://127.0.0.1:%1$u/import.css\");"
    "body{background:url(http://127.0.0.1:%1$u/bg.png)}</style>"
    "<meta http-equiv=refresh content=\"0;url=http://127.0.0.1:%1$u/refresh\">"
    "</head><body>"
    "<img src=\"http://127.0.0.1:%1$u/img.png\">"
    "<img srcset=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=, http://127.0.0.1:%1$u/srcset.png 2x\">"
    "<picture><source srcset=\"http://127.0.0.1:%1$u/source.png\"><img alt=p></picture>"
    "<video poster=\"http://127.0.0.1:%1$u/poster.png\" src=\"http://127.0.0.1:%1$u/v.mp4\" autoplay></video>"
    "<audio src=\"http://127.0.0.1:%1$u/a.ogg\" autoplay></audio>"
    "<table background=\"http://127.0.0.1:%1$u/table.png\"><tr><td>t</td></tr></table>"
    "<div style=\"background-image:url('http://127.0.0.1:%1$u/div.png')\">d</div>"
    "<form action=\"http://127.0.0.1:%1$u/form\" method=post><input name=q value=1>"
    "<input type=image src=\"http://127.0.0.1:%1$u/input.png\"></form>"
    "<a ping=\"http://127.0.0.1:%1$u/ping\" href=\"http://127.0.0.1:%1$u/link\">link</a>"
    "<iframe src=\"http://127.0.0.1:%1$u/frame\"></iframe>"
    "<object data=\"http://127.0.0.1:%1$u/object\"></object>"
    "<svg width=10 height=10><image href=\"http://127.0.0.1:%1$u/svg.png\" width=10 height=10/></svg>"
    "</body></html>", port);
}

static void
test_remote_vectors (Fixture *f, gconstpointer data)
{
  Server server = { 0 };
  g_autofree char *html = NULL;
  g_autoptr(TernReaderMessage) message = NULL;

  server_start (&server, f->png);
  html = hostile_html (server.port);
  message = make_message (f, "plain", html);
  tern_reader_view_show_message (f->reader, message);
  wait_for_html (f);
  g_assert_cmpstr (title_of (f), ==, "hostile");
  settle ();
  assert_no_contact (&server);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (tern_reader_view_get_remote_bar (f->reader))));
  /* Shown again (a second load in the same view), still nothing. */
  tern_reader_view_show_message (f->reader, message);
  wait_for_html (f);
  settle ();
  assert_no_contact (&server);
  server_stop (&server);
}

/* Remote references that WebKit blocks but the bar did not notice: the
 * user must be offered the choice for them too. */
static void
test_remote_bar_sees_all (Fixture *f, gconstpointer data)
{
  const char *bodies[] = {
    "<svg><image href=\"https://example.org/a.png\" width=9 height=9/></svg>",
    "<svg xmlns:xlink=\"http://www.w3.org/1999/xlink\"><image xlink:href=\"https://example.org/b.png\"/></svg>",
    "<svg><filter id=f><feImage href=\"https://example.org/c.png\"/></filter></svg>",
    "<base href=\"https://example.org/\"><p><img src=\"pixel.png\"></p>",
    "<img srcset=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=, https://example.org/d.png 2x\">",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(TernReaderMessage) message = make_message (f, NULL, bodies[i]);

      g_test_message ("%s", bodies[i]);
      tern_reader_view_show_message (f->reader, message);
      wait_for_html (f);
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (tern_reader_view_get_remote_bar (f->reader))));
    }
}

static gboolean
on_activate_link (TernReaderView *reader, const char *uri, char **out)
{
  g_free (*out);
  *out = g_strdup (uri);
  return TRUE;   /* handled: no browser in tests */
}

static void
send_button (GtkWidget *widget, GdkEventType type, double x, double y)
{
  GdkEvent *event = gdk_event_new (type);
  GdkSeat *seat = gdk_display_get_default_seat (gtk_widget_get_display (widget));

  event->button.window = g_object_ref (gtk_widget_get_window (widget));
  event->button.send_event = TRUE;
  event->button.time = GDK_CURRENT_TIME;
  event->button.x = x;
  event->button.y = y;
  event->button.button = GDK_BUTTON_PRIMARY;
  gdk_event_set_device (event, gdk_seat_get_pointer (seat));
  gtk_main_do_event (event);
  gdk_event_free (event);
}

static void
send_motion (GtkWidget *widget, double x, double y)
{
  GdkEvent *event = gdk_event_new (GDK_MOTION_NOTIFY);
  GdkSeat *seat = gdk_display_get_default_seat (gtk_widget_get_display (widget));

  event->motion.window = g_object_ref (gtk_widget_get_window (widget));
  event->motion.send_event = TRUE;
  event->motion.time = GDK_CURRENT_TIME;
  event->motion.x = x;
  event->motion.y = y;
  gdk_event_set_device (event, gdk_seat_get_pointer (seat));
  gtk_main_do_event (event);
  gdk_event_free (event);
}

static gboolean
string_set (gpointer data)
{
  return *(char **) data != NULL;
}

/* A clicked link goes to the browser (here: the signal), and the reader's
 * own web view opens no connection to the link's host. */
static void
test_link_click_no_preconnect (Fixture *f, gconstpointer data)
{
  Server server = { 0 };
  g_autofree char *html = NULL;
  g_autofree char *clicked = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(TernReaderMessage) message = NULL;
  GtkWidget *web_view;
  int w, h;

  server_start (&server, f->png);
  expected = g_strdup_printf ("http://127.0.0.1:%u/landing", server.port);
  html = g_strdup_printf ("<title>link</title><style>html,body{margin:0;height:100%%}"
                          "a{display:block;width:100%%;height:100%%}</style>"
                          "<a href=\"%s\">the whole page is a link</a>", expected);
  message = make_message (f, NULL, html);
  g_signal_connect (f->reader, "activate-link", G_CALLBACK (on_activate_link), &clicked);
  tern_reader_view_show_message (f->reader, message);
  wait_for_html (f);
  g_assert_cmpstr (title_of (f), ==, "link");
  web_view = tern_reader_view_get_web_view (f->reader);
  w = gtk_widget_get_allocated_width (web_view);
  h = gtk_widget_get_allocated_height (web_view);
  send_motion (web_view, w / 2.0, h / 2.0);
  settle ();
  send_button (web_view, GDK_BUTTON_PRESS, w / 2.0, h / 2.0);
  send_button (web_view, GDK_BUTTON_RELEASE, w / 2.0, h / 2.0);
  g_assert_true (wait_until (string_set, &clicked));
  g_assert_cmpstr (clicked, ==, expected);
  settle ();
  settle ();
  assert_no_contact (&server);
  server_stop (&server);
}

static void
test_remote_bar_layout (Fixture *f, gconstpointer data)
{
  g_autoptr(TernReaderMessage) message =
    make_message (f, NULL, "<title>bar</title><img src=\"https://example.org/y.png\">");
  GtkInfoBar *bar = tern_reader_view_get_remote_bar (f->reader);
  GtkWidget *label = NULL;
  g_autoptr(GList) children = NULL;

  /* About the reader's width beside the folder list and message list. */
  gtk_window_resize (GTK_WINDOW (f->window), 420, 560);
  g_free (message->sender_address);
  message->sender_address = g_strdup ("ada.lovelace@analytical-engine.example.org");
  g_free (message->from);
  message->from = g_strdup ("Ada Lovelace <ada.lovelace@analytical-engine.example.org>");
  tern_reader_view_show_message (f->reader, message);
  wait_for_html (f);
  settle ();
  children = gtk_container_get_children (GTK_CONTAINER (gtk_info_bar_get_content_area (bar)));
  for (GList *l = children; l != NULL; l = l->next)
    if (GTK_IS_LABEL (l->data))
      label = l->data;
  g_assert_nonnull (label);
  tern_test_ui_save_screenshot (f->window, "reader-remote-bar.png");
  /* One line beside the choices (issue 18), not a 50-pixel column of
   * seven; and the window was not pushed wider. */
  g_test_message ("label %d x %d, window %d", gtk_widget_get_allocated_width (label),
                  gtk_widget_get_allocated_height (label), gtk_widget_get_allocated_width (f->window));
  g_assert_cmpint (pango_layout_get_line_count (gtk_label_get_layout (GTK_LABEL (label))), ==, 1);
  g_assert_cmpint (gtk_widget_get_allocated_height (label), <, 50);
  g_assert_cmpint (gtk_widget_get_allocated_width (f->window), <=, 420);
  /* The exact address the choice is about, in full: the sentence is the
   * label's tooltip and description, and the choice's tooltip names it. */
  g_assert_cmpstr (gtk_widget_get_tooltip_text (label), ==,
                   "Remote content from ada.lovelace@analytical-engine.example.org was blocked "
                   "to protect your privacy.");
  g_assert_cmpstr (atk_object_get_description (gtk_widget_get_accessible (label)), ==,
                   gtk_widget_get_tooltip_text (label));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (tern_reader_view_get_always_button (f->reader)),
                            "ada.lovelace@analytical-engine.example.org"));
  g_assert_true (gtk_widget_get_visible (tern_reader_view_get_always_button (f->reader)));
}

static void
test_always_needs_clear_address (Fixture *f, gconstpointer data)
{
  const char *froms[] = {
    "\"boss@bank.example\" <evil@evil.example>",
    "boss@bank.example <evil@evil.example>",
    "=?utf-8?q?x?= <evil\u202e@evil.example>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (froms); i++)
    {
      g_autoptr(TernReaderMessage) message =
        make_message (f, NULL, "<img src=\"https://example.org/z.png\">");

      g_free (message->from);
      message->from = g_strdup (froms[i]);
      g_free (message->sender_address);
      message->sender_address = g_strdup (strchr (froms[i], '<') + 1);
      message->sender_address[strlen (message->sender_address) - 1] = '\0';
      tern_reader_view_show_message (f->reader, message);
      wait_for_html (f);
      g_test_message ("%s", froms[i]);
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (tern_reader_view_get_remote_bar (f->reader))));
      g_assert_false (gtk_widget_get_visible (tern_reader_view_get_always_button (f->reader)));
      /* No address in the bar that the user could take for the sender. */
      {
        GtkWidget *bar = GTK_WIDGET (tern_reader_view_get_remote_bar (f->reader));
        g_autoptr(GList) children =
          gtk_container_get_children (GTK_CONTAINER (gtk_info_bar_get_content_area (GTK_INFO_BAR (bar))));

        for (GList *l = children; l != NULL; l = l->next)
          if (GTK_IS_LABEL (l->data))
            g_assert_null (strchr (gtk_label_get_text (l->data), '@'));
      }
    }
}

static gboolean
on_open_file (TernReaderView *reader, GFile *file, GFile **out)
{
  g_set_object (out, file);
  return TRUE;   /* handled: no application in tests */
}

/* The row's label and its "Open" button. */
static void
attachment_row (Fixture *f, guint index, GtkLabel **label, GtkButton **open)
{
  g_autoptr(GList) rows = gtk_container_get_children (tern_reader_view_get_attachments_box (f->reader));
  g_autoptr(GList) children = NULL;

  g_assert_cmpuint (g_list_length (rows), >, index);
  children = gtk_container_get_children (g_list_nth_data (rows, index));
  *label = GTK_LABEL (g_list_nth_data (children, 1));
  *open = GTK_BUTTON (g_list_nth_data (children, 2));
  g_assert_cmpstr (gtk_button_get_label (*open), ==, "_Open");
}

static GtkMessageDialog *
visible_message_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (GTK_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static gboolean
file_set (gpointer data)
{
  return *(GFile **) data != NULL;
}

static void
test_attachment_open (Fixture *f, gconstpointer data)
{
  g_autoptr(TernReaderMessage) message = make_message (f, "see attached", NULL);
  g_autoptr(GFile) opened = NULL;
  g_autofree char *path = NULL, *contents = NULL, *cache_dir = NULL, *secondary = NULL;
  GtkMessageDialog *dialog;
  GtkLabel *label;
  GtkButton *open;
  GStatBuf st;

  g_signal_connect (f->reader, "open-file", G_CALLBACK (on_open_file), &opened);
  tern_reader_message_add_part (message, "4", "invoice\u202Efdp.exe", "application/pdf", NULL, 17, FALSE);
  tern_reader_message_add_part (message, "3", "notes.txt", "text/plain", NULL, 17, FALSE);
  tern_reader_view_show_message (f->reader, message);

  /* The name as it is, without the character that turned it around. */
  attachment_row (f, 0, &label, &open);
  g_assert_cmpstr (gtk_label_get_text (label), ==, "invoicefdp.exe (17 bytes)");
  /* Open warns and offers to save; nothing is handed to the desktop. */
  gtk_button_clicked (open);
  dialog = visible_message_dialog ();
  g_assert_nonnull (dialog);
  g_object_get (dialog, "secondary-text", &secondary, NULL);
  g_assert_nonnull (strstr (secondary, "“invoicefdp.exe” is a program"));
  g_assert_nonnull (gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog), 1));   /* Save… */
  settle ();
  tern_test_ui_save_screenshot (GTK_WIDGET (dialog), "reader-attachment-warning.png");
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  settle ();
  g_assert_null (opened);
  g_assert_null (visible_message_dialog ());

  /* A plain text file opens without a question, from a private file in
   * the cache. */
  attachment_row (f, 1, &label, &open);
  gtk_button_clicked (open);
  g_assert_null (visible_message_dialog ());
  g_assert_true (wait_until (file_set, &opened));
  path = g_file_get_path (opened);
  cache_dir = g_build_filename (g_get_user_cache_dir (), "tern", "attachments", NULL);
  g_assert_true (g_str_has_prefix (path, cache_dir));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "hello attachment\n");
}

int
main (int argc, char *argv[])
{
  g_autofree char *cache = g_dir_make_tmp ("tern-test-cache-XXXXXX", NULL);

  /* Keep WebKit's compiled content filter out of the real cache. Built
   * with TERN_TEST_NO_FILTER (test-reader-view-no-filter), the cache cannot
   * be written, the filter cannot be built, and what stands between the
   * mail and the network is the fallback. */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  if (TEST_NO_FILTER)
    {
      /* A file where the filter's directory would be: WebKit itself (its
       * sandbox, its D-Bus proxy) still has the cache directory. */
      g_autofree char *tern = g_build_filename (cache, "tern", NULL);
      g_autofree char *blocker = g_build_filename (tern, "content-filters", NULL);

      g_assert_cmpint (g_mkdir_with_parents (tern, 0700), ==, 0);
      g_assert_true (g_file_set_contents (blocker, "", 0, NULL));
    }
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  /* Under Xvfb, WebKit's accelerated compositing draws through GL where
   * gdk_pixbuf_get_from_window() cannot see it: the screenshots came out
   * blank. This changes only how pages are painted, not what loads. The
   * sandbox stays on. */
  g_setenv ("WEBKIT_DISABLE_COMPOSITING_MODE", "1", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  /* In the no-filter run the reader warns that it has no filter, as it
   * should: warnings stay visible there, criticals stay fatal. */
  if (TEST_NO_FILTER)
    g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/app/reader/states", test_states);
  ADD ("/app/reader/plain", test_plain);
  ADD ("/app/reader/html-no-javascript", test_html_no_javascript);
  ADD ("/app/reader/alternative", test_alternative);
  ADD ("/app/reader/attachment-and-cid", test_attachment_and_cid);
  ADD ("/app/reader/remote-blocked", test_remote_blocked);
  ADD ("/app/reader/remote-always-for-sender", test_remote_always_for_sender);
  ADD ("/app/reader/attachment-open", test_attachment_open);
  ADD ("/app/reader/remote-vectors", test_remote_vectors);
  ADD ("/app/reader/remote-bar-sees-all", test_remote_bar_sees_all);
  ADD ("/app/reader/link-click-no-preconnect", test_link_click_no_preconnect);
  ADD ("/app/reader/remote-bar-layout", test_remote_bar_layout);
  ADD ("/app/reader/always-needs-clear-address", test_always_needs_clear_address);
  return g_test_run ();
}
