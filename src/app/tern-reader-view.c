/* tern-reader-view.c: the reader.
 *
 * Safety model for HTML mail (WebKit2GTK 4.1):
 *  - The web process runs in WebKit's bubblewrap sandbox; it needs no file
 *    of ours (cid: parts come through a scheme handler in this process).
 *  - JavaScript is off (both the API switch and <script> markup), and so
 *    are storage, WebGL, media and autoplay, hyperlink auditing (<a ping>),
 *    DNS prefetching, plugins-era features and the inspector.
 *  - The view never navigates: decide-policy allows only our own
 *    load_html() (about:blank); every other navigation (meta refresh,
 *    forms, frames) is ignored. A link clicked with the mouse is taken
 *    before WebKit sees the click (button events on the view) and opened
 *    in the user's browser, so WebKit never starts the navigation and
 *    never preconnects to the link's host. A link activated from the
 *    keyboard still reaches decide-policy, where WebKit may already have
 *    opened a connection to that host before we refuse; no request is sent.
 *  - Remote content is blocked twice over: a compiled WebKit content
 *    filter that blocks every load except cid:, data:, about: and blob:
 *    (it works in the network process, so no request leaves at all), and
 *    a Content-Security-Policy <meta> put in front of the mail's HTML as a
 *    second line should the filter be unavailable. CSP does not govern
 *    resource hints (<link rel=preconnect> opens a connection anyway), so
 *    until remote content is allowed every <link> in the mail is renamed
 *    into an inert element, whatever the filter's state.
 *  - cid: images are served by a "cid" URI scheme handler from the
 *    message's own parts.
 * The WebKitWebContext is shared by all readers (one per process, in a
 * static): scheme handlers belong to a context, and one context means one
 * network process. It is ephemeral: mail leaves no cookies or caches.
 */
#include <glib/gi18n.h>
#include <webkit2/webkit2.h>

#include "tern-reader-attachment.h"
#include "tern-reader-view.h"
#include "tern-resources.h"

enum {
  RESPONSE_SHOW_REMOTE = 1,
  RESPONSE_ALWAYS_SENDER = 2,
};

struct _TernReaderView
{
  GtkBin parent_instance;

  GtkStack *stack;
  GtkSpinner *spinner;
  GtkLabel *subject_label;
  GtkLabel *from_label;
  GtkLabel *to_caption;
  GtkLabel *to_label;
  GtkLabel *cc_caption;
  GtkLabel *cc_label;
  GtkLabel *date_label;
  GtkInfoBar *remote_bar;
  GtkLabel *remote_label;
  GtkWidget *show_remote_button;
  GtkWidget *always_button;
  GtkStack *body_stack;
  GtkTextView *text_view;
  GtkBox *attachments_box;

  WebKitUserContentManager *content_manager;
  WebKitWebView *web_view;
  GtkTextTag *quote_tag;
  GtkTextTag *link_tag;

  TernReaderMessage *message;
  gboolean prefer_plain;
  gboolean remote_allowed;
  gboolean html_pending;     /* waiting for the content filter */
  char *hovered_link;        /* the link under the pointer, from WebKit */
  char *pressed_link;        /* where the primary button went down */
};

G_DEFINE_FINAL_TYPE (TernReaderView, tern_reader_view, GTK_TYPE_BIN)

enum {
  SIGNAL_ACTIVATE_LINK,
  SIGNAL_ALLOW_SENDER,
  SIGNAL_HTML_LOADED,
  SIGNAL_OPEN_FILE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void load_html_body (TernReaderView *self);
static void create_web_view (TernReaderView *self);

/* ---- the shared web context and content filter ---- */

typedef struct {
  WebKitWebContext *context;
  WebKitUserContentFilterStore *filter_store;
  WebKitUserContentFilter *filter;
  gboolean filter_done;      /* compiled, or failed (then CSP alone) */
  GList *waiting;            /* TernReaderView with html_pending */
} ReaderShared;

/* Blocks every load, then lets the message's own schemes through. WebKit's
 * url-filter regexes have no alternation, hence one rule per scheme. */
static const char block_remote_rules[] =
  "[{\"trigger\":{\"url-filter\":\".*\"},\"action\":{\"type\":\"block\"}},"
  "{\"trigger\":{\"url-filter\":\"^cid:\"},\"action\":{\"type\":\"ignore-previous-rules\"}},"
  "{\"trigger\":{\"url-filter\":\"^data:\"},\"action\":{\"type\":\"ignore-previous-rules\"}},"
  "{\"trigger\":{\"url-filter\":\"^about:\"},\"action\":{\"type\":\"ignore-previous-rules\"}},"
  "{\"trigger\":{\"url-filter\":\"^blob:\"},\"action\":{\"type\":\"ignore-previous-rules\"}}]";

static ReaderShared *reader_shared (void);

static void
filter_saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ReaderShared *shared = user_data;
  g_autoptr(GError) error = NULL;
  GList *waiting;

  shared->filter = webkit_user_content_filter_store_save_finish (
    WEBKIT_USER_CONTENT_FILTER_STORE (source), result, &error);
  if (shared->filter == NULL)
    g_warning ("Could not build the remote content filter, relying on CSP: %s",
               error->message);
  shared->filter_done = TRUE;
  waiting = g_steal_pointer (&shared->waiting);
  for (GList *l = waiting; l != NULL; l = l->next)
    {
      TernReaderView *view = l->data;
      if (view->html_pending)
        load_html_body (view);
    }
  g_list_free (waiting);
}

/* Serves cid: URLs from the parts of the message shown in the requesting
 * web view's reader. */
static void
handle_cid_request (WebKitURISchemeRequest *request, gpointer user_data)
{
  WebKitWebView *web_view = webkit_uri_scheme_request_get_web_view (request);
  GtkWidget *reader = NULL;
  TernReaderView *self;
  const TernReaderPart *part = NULL;
  g_autofree char *cid = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  const char *uri = webkit_uri_scheme_request_get_uri (request);

  if (web_view != NULL)
    reader = gtk_widget_get_ancestor (GTK_WIDGET (web_view), TERN_TYPE_READER_VIEW);
  self = reader != NULL ? TERN_READER_VIEW (reader) : NULL;
  if (g_ascii_strncasecmp (uri, "cid:", 4) == 0)
    cid = g_uri_unescape_string (uri + 4, NULL);
  if (self != NULL && self->message != NULL && cid != NULL)
    part = tern_reader_message_find_content_id (self->message, cid);
  if (part != NULL)
    bytes = tern_reader_message_load_part (self->message, part->part_id, &error);
  if (bytes == NULL)
    {
      if (error == NULL)
        error = g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No part %s", uri);
      webkit_uri_scheme_request_finish_error (request, error);
      return;
    }
  stream = g_memory_input_stream_new_from_bytes (bytes);
  webkit_uri_scheme_request_finish (request, stream, (gint64) g_bytes_get_size (bytes),
                                    part->content_type);
}

/* Created with the first HTML message, not before: a WebKit context and
 * view cost the process tens of megabytes (and load the GL stack), and
 * much mail is plain text. */
static ReaderShared *shared;

static ReaderShared *
reader_shared (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GBytes) rules = NULL;

  if (shared != NULL)
    return shared;
  shared = g_new0 (ReaderShared, 1);
  shared->context = webkit_web_context_new_ephemeral ();
  /* Before the first web process starts. No add_path_to_sandbox: the web
   * process reads no file of ours. */
  webkit_web_context_set_sandbox_enabled (shared->context, TRUE);
  webkit_web_context_set_cache_model (shared->context, WEBKIT_CACHE_MODEL_DOCUMENT_VIEWER);
  webkit_web_context_register_uri_scheme (shared->context, "cid", handle_cid_request,
                                          NULL, NULL);
  path = g_build_filename (g_get_user_cache_dir (), "tern", "content-filters", NULL);
  shared->filter_store = webkit_user_content_filter_store_new (path);
  rules = g_bytes_new_static (block_remote_rules, sizeof block_remote_rules - 1);
  webkit_user_content_filter_store_save (shared->filter_store, "tern-block-remote", rules,
                                         NULL, filter_saved, shared);
  return shared;
}

/* ---- HTML ---- */

/* A heuristic, only to decide whether to show the bar: blocking does not
 * depend on it. Remote means http(s), ftp or scheme-relative; a <base>
 * with a remote URL makes every relative reference remote. */
static gboolean
html_has_remote_content (const char *html)
{
  static const char pattern[] =
    "(?:\\b(?:src|srcset|background|poster|lowsrc|dynsrc|data|xlink:href)\\s*=\\s*[\"']?\\s*"
    "|\\bsrcset\\s*=\\s*[\"'][^\"']*,\\s*"
    "|url\\(\\s*[\"']?\\s*|@import\\s+[\"']?\\s*"
    "|<(?:link|base|image|feimage|use)\\b[^>]*\\bhref\\s*=\\s*[\"']?\\s*)"
    "(?:https?:|ftp:|//)";
  g_autoptr(GRegex) regex = g_regex_new (pattern, G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);

  return regex != NULL && g_regex_match (regex, html, 0, NULL);
}

/* Renames every <link ...> into <x-tern-link ...>, an unknown element whose
 * attributes do nothing: preconnect, dns-prefetch, prefetch, preload and
 * stylesheets alike. Renaming (rather than deleting) cannot join the text
 * around it into a new tag. */
static char *
html_without_links (const char *html)
{
  g_autoptr(GRegex) regex = g_regex_new ("<(link[\\s/>])", G_REGEX_CASELESS | G_REGEX_OPTIMIZE,
                                         0, NULL);

  return g_regex_replace (regex, html, -1, 0, "<x-tern-\\1", 0, NULL);
}

static char *
html_with_csp (const char *html, gboolean allow_remote)
{
  const char *csp = allow_remote
    ? "default-src 'none'; img-src * cid: data:; style-src * 'unsafe-inline' cid: data:; "
      "font-src * cid: data:; script-src 'none'; object-src 'none'; frame-src 'none'; "
      "form-action 'none'"
    : "default-src 'none'; img-src cid: data:; style-src 'unsafe-inline' cid: data:; "
      "font-src cid: data:; script-src 'none'; object-src 'none'; frame-src 'none'; "
      "form-action 'none'";
  const char *p = html;
  gsize prefix = 0;

  /* Keep a leading doctype first so the page keeps its rendering mode. */
  while (g_ascii_isspace (*p))
    p++;
  if (g_ascii_strncasecmp (p, "<!doctype", 9) == 0)
    {
      const char *end = strchr (p, '>');
      if (end != NULL)
        prefix = (gsize) (end + 1 - html);
    }
  return g_strdup_printf ("%.*s<meta http-equiv=\"Content-Security-Policy\" content=\"%s\">"
                          "<meta http-equiv=\"x-dns-prefetch-control\" content=\"off\">%s",
                          (int) prefix, html, csp, html + prefix);
}

static void
load_html_body (TernReaderView *self)
{
  ReaderShared *shared = reader_shared ();
  g_autofree char *valid = NULL;
  g_autofree char *html = NULL;

  if (self->message == NULL || self->message->text_html == NULL)
    return;
  if (self->web_view == NULL)
    create_web_view (self);
  if (!shared->filter_done)
    {
      if (!self->html_pending)
        shared->waiting = g_list_prepend (shared->waiting, self);
      self->html_pending = TRUE;
      return;
    }
  self->html_pending = FALSE;
  /* A link of the page before must not open from a click on this one. */
  g_clear_pointer (&self->hovered_link, g_free);
  g_clear_pointer (&self->pressed_link, g_free);
  webkit_user_content_manager_remove_all_filters (self->content_manager);
  if (!self->remote_allowed && shared->filter != NULL)
    webkit_user_content_manager_add_filter (self->content_manager, shared->filter);
  valid = g_utf8_make_valid (self->message->text_html, -1);
  if (!self->remote_allowed)
    {
      char *inert = html_without_links (valid);

      g_free (valid);
      valid = inert;
    }
  html = html_with_csp (valid, self->remote_allowed);
  webkit_web_view_load_html (self->web_view, html, NULL);
}

static gboolean
open_link (TernReaderView *self, const char *uri)
{
  const char *scheme = g_uri_peek_scheme (uri);
  g_autoptr(GError) error = NULL;
  gboolean handled = FALSE;
  GtkWidget *toplevel;

  if (scheme == NULL || !(g_str_equal (scheme, "http") || g_str_equal (scheme, "https") ||
                          g_str_equal (scheme, "ftp") || g_str_equal (scheme, "mailto")))
    return FALSE;
  g_signal_emit (self, signals[SIGNAL_ACTIVATE_LINK], 0, uri, &handled);
  if (handled)
    return TRUE;
  toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  if (!gtk_show_uri_on_window (GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL,
                               uri, GDK_CURRENT_TIME, &error))
    g_warning ("Could not open %s: %s", uri, error->message);
  return TRUE;
}

static gboolean
on_decide_policy (WebKitWebView            *web_view,
                  WebKitPolicyDecision     *decision,
                  WebKitPolicyDecisionType  type,
                  TernReaderView           *self)
{
  WebKitNavigationAction *action;
  const char *uri;

  if (type == WEBKIT_POLICY_DECISION_TYPE_RESPONSE)
    return FALSE;   /* only responses to navigations we allowed get here */

  action = webkit_navigation_policy_decision_get_navigation_action (
    WEBKIT_NAVIGATION_POLICY_DECISION (decision));
  uri = webkit_uri_request_get_uri (webkit_navigation_action_get_request (action));
  if (type == WEBKIT_POLICY_DECISION_TYPE_NAVIGATION_ACTION &&
      g_strcmp0 (uri, "about:blank") == 0)
    {
      webkit_policy_decision_use (decision);   /* our own load_html() */
      return TRUE;
    }
  if (webkit_navigation_action_get_navigation_type (action) == WEBKIT_NAVIGATION_TYPE_LINK_CLICKED &&
      webkit_navigation_action_is_user_gesture (action))
    open_link (self, uri);
  webkit_policy_decision_ignore (decision);
  return TRUE;
}

static gboolean
on_context_menu (WebKitWebView       *web_view,
                 WebKitContextMenu   *menu,
                 GdkEvent            *event,
                 WebKitHitTestResult *hit,
                 TernReaderView      *self)
{
  GList *items = g_list_copy (webkit_context_menu_get_items (menu));

  /* Keep copying; drop everything that would navigate or inspect. */
  for (GList *l = items; l != NULL; l = l->next)
    {
      WebKitContextMenuItem *item = l->data;
      switch (webkit_context_menu_item_get_stock_action (item))
        {
        case WEBKIT_CONTEXT_MENU_ACTION_COPY:
        case WEBKIT_CONTEXT_MENU_ACTION_COPY_LINK_TO_CLIPBOARD:
        case WEBKIT_CONTEXT_MENU_ACTION_COPY_IMAGE_TO_CLIPBOARD:
        case WEBKIT_CONTEXT_MENU_ACTION_SELECT_ALL:
          break;
        default:
          webkit_context_menu_remove (menu, item);
        }
    }
  g_list_free (items);
  return webkit_context_menu_get_n_items (menu) == 0;
}

static void
on_load_changed (WebKitWebView *web_view, WebKitLoadEvent event, TernReaderView *self)
{
  if (event == WEBKIT_LOAD_FINISHED)
    g_signal_emit (self, signals[SIGNAL_HTML_LOADED], 0);
}

static gboolean
on_web_process_terminated (WebKitWebView                     *web_view,
                           WebKitWebProcessTerminationReason  reason,
                           TernReaderView                    *self)
{
  g_warning ("The web process showing a message ended (reason %d)", (int) reason);
  return FALSE;
}

static void
on_mouse_target (WebKitWebView *web_view, WebKitHitTestResult *hit, guint modifiers,
                 TernReaderView *self)
{
  g_free (self->hovered_link);
  self->hovered_link = webkit_hit_test_result_context_is_link (hit)
                       ? g_strdup (webkit_hit_test_result_get_link_uri (hit)) : NULL;
}

/* Clicks on a link never reach WebKit: it would start a navigation (and
 * preconnect to the link's host) before decide-policy could refuse it. The
 * right button still gets the context menu. */
static gboolean
on_web_button (GtkWidget *widget, GdkEventButton *event, TernReaderView *self)
{
  if (self->hovered_link == NULL || event->button == GDK_BUTTON_SECONDARY)
    return GDK_EVENT_PROPAGATE;
  if (event->type == GDK_BUTTON_PRESS && event->button == GDK_BUTTON_PRIMARY)
    {
      g_free (self->pressed_link);
      self->pressed_link = g_strdup (self->hovered_link);
    }
  else if (event->type == GDK_BUTTON_RELEASE && event->button == GDK_BUTTON_PRIMARY
           && g_strcmp0 (self->pressed_link, self->hovered_link) == 0)
    {
      g_autofree char *uri = g_steal_pointer (&self->pressed_link);

      open_link (self, uri);
    }
  return GDK_EVENT_STOP;
}

static void
create_web_view (TernReaderView *self)
{
  ReaderShared *shared = reader_shared ();
  g_autoptr(WebKitSettings) settings = NULL;
  g_autoptr(WebKitWebsitePolicies) policies = NULL;

  settings = webkit_settings_new_with_settings (
    "enable-javascript", FALSE,
    "enable-javascript-markup", FALSE,
    "javascript-can-open-windows-automatically", FALSE,
    "auto-load-images", TRUE,
    "enable-html5-database", FALSE,
    "enable-html5-local-storage", FALSE,
    "enable-page-cache", FALSE,
    "enable-webgl", FALSE,
    "enable-webaudio", FALSE,
    "enable-media", FALSE,
    "enable-media-stream", FALSE,
    "enable-mediasource", FALSE,
    "enable-encrypted-media", FALSE,
    "enable-fullscreen", FALSE,
    "enable-developer-extras", FALSE,
    "allow-file-access-from-file-urls", FALSE,
    "allow-universal-access-from-file-urls", FALSE,
    "enable-back-forward-navigation-gestures", FALSE,
    "enable-write-console-messages-to-stdout", FALSE,
    "media-playback-requires-user-gesture", TRUE,
    NULL);
  /* <a ping> and DNS prefetching of link hosts: WebKitGTK 2.50 dropped
   * both switches (they warn and do nothing); older versions need them
   * off. A ping needs a clicked navigation, which never reaches WebKit
   * (on_web_button), and the page asks for no DNS prefetching. */
  if (webkit_get_major_version () == 2 && webkit_get_minor_version () < 50)
    g_object_set (settings, "enable-hyperlink-auditing", FALSE,
                  "enable-dns-prefetching", FALSE, NULL);
  policies = webkit_website_policies_new_with_policies ("autoplay", WEBKIT_AUTOPLAY_DENY, NULL);
  self->content_manager = webkit_user_content_manager_new ();
  self->web_view = g_object_new (WEBKIT_TYPE_WEB_VIEW,
                                 "web-context", shared->context,
                                 "user-content-manager", self->content_manager,
                                 "settings", settings,
                                 "website-policies", policies,
                                 "visible", TRUE,
                                 NULL);
  atk_object_set_name (gtk_widget_get_accessible (GTK_WIDGET (self->web_view)),
                       _("Message text"));
  g_signal_connect (self->web_view, "decide-policy", G_CALLBACK (on_decide_policy), self);
  g_signal_connect (self->web_view, "context-menu", G_CALLBACK (on_context_menu), self);
  g_signal_connect (self->web_view, "load-changed", G_CALLBACK (on_load_changed), self);
  g_signal_connect (self->web_view, "mouse-target-changed", G_CALLBACK (on_mouse_target), self);
  g_signal_connect (self->web_view, "button-press-event", G_CALLBACK (on_web_button), self);
  g_signal_connect (self->web_view, "button-release-event", G_CALLBACK (on_web_button), self);
  g_signal_connect (self->web_view, "web-process-terminated",
                    G_CALLBACK (on_web_process_terminated), self);
  gtk_stack_add_named (self->body_stack, GTK_WIDGET (self->web_view), "html");
}

/* ---- plain text ---- */

static void
update_tag_colors (TernReaderView *self)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self->text_view));
  GdkRGBA color, link;

  gtk_style_context_get_color (context, GTK_STATE_FLAG_NORMAL, &color);
  color.alpha *= 0.6;   /* quoted text is dimmed, in light and dark themes */
  gtk_style_context_save (context);
  gtk_style_context_set_state (context, GTK_STATE_FLAG_LINK);
  gtk_style_context_get_color (context, GTK_STATE_FLAG_LINK, &link);
  gtk_style_context_restore (context);
  g_object_set (self->quote_tag, "foreground-rgba", &color, NULL);
  g_object_set (self->link_tag, "foreground-rgba", &link, NULL);
}

static void
tag_quotes (GtkTextBuffer *buffer, GtkTextTag *tag, const char *text)
{
  const char *line = text;
  int offset = 0;

  while (*line != '\0')
    {
      const char *end = strchr (line, '\n');
      int chars = (int) g_utf8_strlen (line, end != NULL ? end - line : -1);
      const char *p = line;

      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '>')
        {
          GtkTextIter start, stop;
          gtk_text_buffer_get_iter_at_offset (buffer, &start, offset);
          gtk_text_buffer_get_iter_at_offset (buffer, &stop, offset + chars);
          gtk_text_buffer_apply_tag (buffer, tag, &start, &stop);
        }
      if (end == NULL)
        break;
      offset += chars + 1;
      line = end + 1;
    }
}

static void
tag_links (GtkTextBuffer *buffer, GtkTextTag *link_tag, const char *text)
{
  g_autoptr(GRegex) regex = g_regex_new ("\\b(?:(?:https?|ftp)://|mailto:|www\\.)[^\\s<>\"]+",
                                         G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  const char *last = text;
  long last_offset = 0;

  g_regex_match (regex, text, 0, &match);
  while (g_match_info_matches (match))
    {
      int start = 0, end = 0;
      g_autofree char *uri = NULL;
      GtkTextTag *tag;
      GtkTextIter a, b;
      long start_offset;

      g_match_info_fetch_pos (match, 0, &start, &end);
      /* Trailing punctuation belongs to the sentence, not the link. */
      while (end > start && strchr (".,;:!?)]}'", text[end - 1]) != NULL)
        end--;
      uri = g_strndup (text + start, (gsize) (end - start));
      if (g_ascii_strncasecmp (uri, "www.", 4) == 0)
        {
          char *full = g_strconcat ("http://", uri, NULL);
          g_free (uri);
          uri = full;
        }
      /* Byte to character offsets, counting on from the previous match. */
      start_offset = last_offset + g_utf8_pointer_to_offset (last, text + start);
      tag = gtk_text_buffer_create_tag (buffer, NULL, NULL);
      g_object_set_data_full (G_OBJECT (tag), "tern-uri", g_steal_pointer (&uri), g_free);
      gtk_text_buffer_get_iter_at_offset (buffer, &a, (int) start_offset);
      gtk_text_buffer_get_iter_at_offset (buffer, &b,
        (int) (start_offset + g_utf8_pointer_to_offset (text + start, text + end)));
      gtk_text_buffer_apply_tag (buffer, tag, &a, &b);
      gtk_text_buffer_apply_tag (buffer, link_tag, &a, &b);
      last = text + start;
      last_offset = start_offset;
      g_match_info_next (match, NULL);
    }
}

static void
show_plain (TernReaderView *self, const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  g_autoptr(GtkTextBuffer) buffer = gtk_text_buffer_new (NULL);

  self->quote_tag = gtk_text_buffer_create_tag (buffer, "quote", NULL);
  self->link_tag = gtk_text_buffer_create_tag (buffer, "link",
                                               "underline", PANGO_UNDERLINE_SINGLE, NULL);
  gtk_text_buffer_set_text (buffer, valid, -1);
  tag_quotes (buffer, self->quote_tag, valid);
  tag_links (buffer, self->link_tag, valid);
  /* Colours first: a tag changed on a buffer the view already shows, when
   * the view has not laid out the buffer before it (two messages shown
   * before a frame was drawn, as a quick selection does), crashes in
   * gtk_text_layout_changed() (GTK 3.24.38). */
  update_tag_colors (self);
  gtk_text_view_set_buffer (self->text_view, buffer);
}

static const char *
uri_at (TernReaderView *self, double wx, double wy)
{
  GtkTextIter iter;
  int x, y;
  g_autoptr(GSList) tags = NULL;

  gtk_text_view_window_to_buffer_coords (self->text_view, GTK_TEXT_WINDOW_WIDGET,
                                         (int) wx, (int) wy, &x, &y);
  if (!gtk_text_view_get_iter_at_location (self->text_view, &iter, x, y))
    return NULL;
  tags = gtk_text_iter_get_tags (&iter);
  for (GSList *l = tags; l != NULL; l = l->next)
    {
      const char *uri = g_object_get_data (l->data, "tern-uri");
      if (uri != NULL)
        return uri;
    }
  return NULL;
}

static gboolean
on_text_button_release (GtkWidget *widget, GdkEventButton *event, TernReaderView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  const char *uri;

  if (event->button != GDK_BUTTON_PRIMARY || gtk_text_buffer_get_has_selection (buffer))
    return GDK_EVENT_PROPAGATE;
  uri = uri_at (self, event->x, event->y);
  if (uri != NULL)
    {
      g_autofree char *copy = g_strdup (uri);
      open_link (self, copy);
    }
  return GDK_EVENT_PROPAGATE;
}

static gboolean
on_text_motion (GtkWidget *widget, GdkEventMotion *event, TernReaderView *self)
{
  GdkWindow *window = gtk_text_view_get_window (self->text_view, GTK_TEXT_WINDOW_TEXT);
  g_autoptr(GdkCursor) cursor = NULL;

  if (uri_at (self, event->x, event->y) != NULL)
    cursor = gdk_cursor_new_from_name (gtk_widget_get_display (widget), "pointer");
  else
    cursor = gdk_cursor_new_from_name (gtk_widget_get_display (widget), "text");
  if (window != NULL)
    gdk_window_set_cursor (window, cursor);
  return GDK_EVENT_PROPAGATE;
}

/* ---- attachments ---- */

static const TernReaderPart *
find_part (TernReaderView *self, const char *part_id)
{
  if (self->message == NULL)
    return NULL;
  for (guint i = 0; i < self->message->parts->len; i++)
    {
      const TernReaderPart *part = g_ptr_array_index (self->message->parts, i);
      if (g_strcmp0 (part->part_id, part_id) == 0)
        return part;
    }
  return NULL;
}

static void
on_part_written (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;

  if (g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
tern_reader_view_save_part_async (TernReaderView *self, const char *part_id, GFile *file,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  g_return_if_fail (TERN_IS_READER_VIEW (self));
  if (find_part (self, part_id) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("This attachment is no longer available"));
      return;
    }
  /* Decoding the part is memory work; only the writing touches the disk. */
  bytes = tern_reader_message_load_part (self->message, part_id, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_PRIVATE,
                                       cancellable, on_part_written, g_steal_pointer (&task));
}

gboolean
tern_reader_view_save_part_finish (TernReaderView *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
report_error (TernReaderView *self, const char *what, const GError *error)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  GtkWidget *dialog = gtk_message_dialog_new (GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL,
                                              GTK_DIALOG_DESTROY_WITH_PARENT | GTK_DIALOG_MODAL,
                                              GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s", what);

  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", error->message);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_widget_destroy), NULL);
  gtk_widget_show (dialog);
}

static void
on_part_saved (GObject *source, GAsyncResult *result, gpointer data)
{
  TernReaderView *self = TERN_READER_VIEW (source);
  g_autoptr(GError) error = NULL;

  if (!tern_reader_view_save_part_finish (self, result, &error))
    report_error (self, _("The attachment could not be saved"), error);
}

static void
on_save_response (GtkNativeDialog *dialog, int response, TernReaderView *self)
{
  const char *part_id = g_object_get_data (G_OBJECT (dialog), "tern-part-id");
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      tern_reader_view_save_part_async (self, part_id, file, NULL, on_part_saved, NULL);
    }
  g_object_unref (dialog);
}

static void
save_part_as (TernReaderView *self, const char *part_id)
{
  const TernReaderPart *part = find_part (self, part_id);
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  GtkFileChooserNative *dialog;
  g_autofree char *name = NULL;

  if (part == NULL)
    return;
  name = tern_attachment_safe_name (part->filename);
  dialog = gtk_file_chooser_native_new (_("Save Attachment"),
                                        GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_do_overwrite_confirmation (GTK_FILE_CHOOSER (dialog), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_object_set_data_full (G_OBJECT (dialog), "tern-part-id", g_strdup (part_id), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_save_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
on_save_clicked (GtkButton *button, TernReaderView *self)
{
  save_part_as (self, g_object_get_data (G_OBJECT (button), "tern-part-id"));
}

static void
on_part_saved_for_open (GObject *source, GAsyncResult *result, gpointer data)
{
  TernReaderView *self = TERN_READER_VIEW (source);
  g_autoptr(GFile) file = data;
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  g_autoptr(GError) error = NULL;
  gboolean handled = FALSE;

  if (!tern_reader_view_save_part_finish (self, result, &error))
    {
      report_error (self, _("The attachment could not be opened"), error);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_OPEN_FILE], 0, file, &handled);
  if (!handled)
    tern_attachment_open (GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL, file);
  /* What was opened a day ago or more has been read by now. */
  tern_attachment_cache_clean_in_background (24 * 60 * 60);
}

static void
open_part (TernReaderView *self, const char *part_id)
{
  const TernReaderPart *part = find_part (self, part_id);
  g_autofree char *parent = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *name = NULL;
  GFile *file;
  g_autoptr(GError) error = NULL;

  if (part == NULL)
    return;
  /* A private directory per opened file, so names never collide. The
   * file itself is written 0600 (G_FILE_CREATE_PRIVATE). */
  parent = tern_attachment_cache_dir ();
  dir = g_build_filename (parent, "XXXXXX", NULL);
  if (g_mkdtemp_full (dir, 0700) == NULL)
    {
      g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (errno), "%s", g_strerror (errno));
      report_error (self, _("The attachment could not be opened"), error);
      return;
    }
  name = tern_attachment_safe_name (part->filename);
  file = g_file_new_build_filename (dir, name, NULL);
  tern_reader_view_save_part_async (self, part_id, file, NULL, on_part_saved_for_open, file);
}

enum { RISK_SAVE = 1, RISK_OPEN = 2 };

static void
on_risk_response (GtkDialog *dialog, int response, TernReaderView *self)
{
  g_autofree char *part_id = g_strdup (g_object_get_data (G_OBJECT (dialog), "tern-part-id"));

  gtk_widget_destroy (GTK_WIDGET (dialog));
  if (response == RISK_SAVE)
    save_part_as (self, part_id);
  else if (response == RISK_OPEN)
    open_part (self, part_id);
}

/* Before the desktop gets a file that could run or install something, or
 * whose name says another type than the message does: say so, offer to
 * save it instead. */
static void
on_open_clicked (GtkButton *button, TernReaderView *self)
{
  const char *part_id = g_object_get_data (G_OBJECT (button), "tern-part-id");
  const TernReaderPart *part = find_part (self, part_id);
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  g_autofree char *reason = NULL;
  GtkWidget *dialog;

  if (part == NULL)
    return;
  if (!tern_attachment_is_risky (part->filename, part->content_type, &reason))
    {
      open_part (self, part_id);
      return;
    }
  dialog = gtk_message_dialog_new (GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL,
                                   GTK_DIALOG_DESTROY_WITH_PARENT | GTK_DIALOG_MODAL,
                                   GTK_MESSAGE_WARNING, GTK_BUTTONS_NONE, "%s",
                                   _("Open this attachment?"));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s %s", reason,
                                            _("Save it instead, and open it only if you expected "
                                              "it from this sender."));
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), _("Open _Anyway"), RISK_OPEN,
                          _("_Cancel"), GTK_RESPONSE_CANCEL, _("_Save…"), RISK_SAVE, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), RISK_SAVE);
  g_object_set_data_full (G_OBJECT (dialog), "tern-part-id", g_strdup (part_id), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_risk_response), self);
  gtk_widget_show (dialog);
}

static GtkWidget *
attachment_button (const char *label, const char *accessible, const char *part_id)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  atk_object_set_name (gtk_widget_get_accessible (button), accessible);
  g_object_set_data_full (G_OBJECT (button), "tern-part-id", g_strdup (part_id), g_free);
  gtk_widget_show (button);
  return button;
}

static void
fill_attachments (TernReaderView *self)
{
  GList *children = gtk_container_get_children (GTK_CONTAINER (self->attachments_box));
  gboolean any = FALSE;

  for (GList *l = children; l != NULL; l = l->next)
    gtk_widget_destroy (l->data);
  g_list_free (children);

  for (guint i = 0; i < self->message->parts->len; i++)
    {
      const TernReaderPart *part = g_ptr_array_index (self->message->parts, i);
      g_autofree char *name = NULL;
      g_autofree char *size = NULL;
      g_autofree char *text = NULL;
      g_autofree char *save_name = NULL;
      g_autofree char *open_name = NULL;
      g_autoptr(GIcon) icon = NULL;
      GtkWidget *row, *image, *label, *save, *open;

      if (part->is_inline)
        continue;
      any = TRUE;
      name = tern_attachment_safe_name (part->filename);
      size = g_format_size (part->size);
      text = part->size > 0 ? g_strdup_printf ("%s (%s)", name, size) : g_strdup (name);
      icon = g_content_type_get_symbolic_icon (part->content_type);
      row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      image = gtk_image_new_from_gicon (icon, GTK_ICON_SIZE_BUTTON);
      label = gtk_label_new (text);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
      gtk_widget_set_hexpand (label, TRUE);
      /* Translators: accessible names of the attachment buttons */
      save_name = g_strdup_printf (_("Save %s"), name);
      open_name = g_strdup_printf (_("Open %s"), name);
      save = attachment_button (_("_Save…"), save_name, part->part_id);
      open = attachment_button (_("_Open"), open_name, part->part_id);
      g_signal_connect (save, "clicked", G_CALLBACK (on_save_clicked), self);
      g_signal_connect (open, "clicked", G_CALLBACK (on_open_clicked), self);
      gtk_container_add (GTK_CONTAINER (row), image);
      gtk_container_add (GTK_CONTAINER (row), label);
      gtk_container_add (GTK_CONTAINER (row), open);
      gtk_container_add (GTK_CONTAINER (row), save);
      gtk_widget_show_all (row);
      gtk_container_add (GTK_CONTAINER (self->attachments_box), row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->attachments_box), any);
}

/* ---- states ---- */

static void
set_header (GtkLabel *caption, GtkLabel *label, const char *value)
{
  gboolean shown = value != NULL && *value != '\0';

  gtk_label_set_text (label, shown ? value : "");
  if (caption != NULL)
    gtk_widget_set_visible (GTK_WIDGET (caption), shown);
  gtk_widget_set_visible (GTK_WIDGET (label), shown);
}

static void
set_state (TernReaderView *self, const char *state)
{
  gboolean loading = g_str_equal (state, "loading");

  if (loading)
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, state);
}

/* Invisible or direction-changing characters (Unicode Cf, controls), and
 * with @no_space also white space: what makes text read as other text. */
static gboolean
has_hidden_chars (const char *text, gboolean no_space)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (type == G_UNICODE_FORMAT || type == G_UNICODE_CONTROL
          || (no_space && g_unichar_isspace (c)))
        return TRUE;
    }
  return FALSE;
}

/* "Always for this sender" trusts the From address, which anyone can
 * write. Offer it only when what the user reads is that address and
 * nothing that looks like another one: no "@" in the display name, no
 * invisible or direction-changing characters in the address. */
static gboolean
sender_is_unambiguous (const char *from, const char *address)
{
  const char *angle;
  g_autofree char *name = NULL;

  if (address == NULL || *address == '\0' || !g_utf8_validate (address, -1, NULL)
      || strchr (address, '@') == NULL || has_hidden_chars (address, TRUE))
    return FALSE;
  if (from == NULL || !g_utf8_validate (from, -1, NULL))
    return FALSE;
  angle = strrchr (from, '<');
  name = angle != NULL ? g_strndup (from, angle - from) : g_strdup (from);
  g_strstrip (name);
  if (angle == NULL)
    return g_ascii_strcasecmp (name, address) == 0;
  /* "@" and its full-width form U+FF20 */
  return strchr (name, '@') == NULL && strstr (name, "\xef\xbc\xa0") == NULL
         && !has_hidden_chars (name, FALSE);
}

static void
update_remote_bar (TernReaderView *self)
{
  gboolean html = g_str_equal (tern_reader_view_get_body_kind (self), "html");

  const char *address = self->message->sender_address;
  gboolean clear = sender_is_unambiguous (self->message->from, address);

  gtk_widget_set_visible (GTK_WIDGET (self->remote_bar),
                          html && !self->remote_allowed &&
                          html_has_remote_content (self->message->text_html));
  /* One short line beside the choices (a narrow reader has room for no
   * more); the whole sentence, with the exact address "Always for this
   * sender" will trust, is the tooltip and what a screen reader hears. */
  gtk_label_set_text (self->remote_label, _("Remote content blocked"));
  if (clear)
    {
      g_autofree char *text = g_strdup_printf (_("Remote content from %s was blocked to protect "
                                                 "your privacy."), address);
      g_autofree char *always = g_strdup_printf (_("Always show remote content from %s"), address);

      gtk_widget_set_tooltip_text (GTK_WIDGET (self->remote_label), text);
      gtk_widget_set_tooltip_text (self->always_button, always);
    }
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->remote_label),
                                 _("Remote content was blocked to protect your privacy."));
  atk_object_set_description (gtk_widget_get_accessible (GTK_WIDGET (self->remote_label)),
                              gtk_widget_get_tooltip_text (GTK_WIDGET (self->remote_label)));
  gtk_widget_set_visible (self->always_button, clear);
}

static void
show_body (TernReaderView *self)
{
  TernReaderMessage *message = self->message;
  gboolean html = message->text_html != NULL &&
                  !(self->prefer_plain && message->text_plain != NULL);

  self->html_pending = FALSE;
  if (html)
    {
      load_html_body (self);
      gtk_stack_set_visible_child_name (self->body_stack, "html");
    }
  else
    {
      gtk_stack_set_visible_child_name (self->body_stack, "plain");
      show_plain (self, message->text_plain);
    }
  update_remote_bar (self);
}

void
tern_reader_view_show_message (TernReaderView *self, TernReaderMessage *message)
{
  g_autofree char *date = NULL;

  g_return_if_fail (TERN_IS_READER_VIEW (self));
  g_return_if_fail (message != NULL);

  tern_reader_message_ref (message);
  g_clear_pointer (&self->message, tern_reader_message_unref);
  self->message = message;
  self->remote_allowed = message->remote_content_allowed;

  if (message->date != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (message->date);
      /* Translators: the date in the reader's headers, see g_date_time_format() */
      date = g_date_time_format (local, _("%A, %B %-d, %Y, %H:%M"));
    }
  gtk_label_set_text (self->subject_label,
                      message->subject != NULL && *message->subject ? message->subject
                                                                    : _("(No subject)"));
  set_header (NULL, self->from_label, message->from);
  set_header (self->to_caption, self->to_label, message->to);
  set_header (self->cc_caption, self->cc_label, message->cc);
  set_header (NULL, self->date_label, date);
  fill_attachments (self);
  show_body (self);
  set_state (self, "message");
}

void
tern_reader_view_show_loading (TernReaderView *self)
{
  g_return_if_fail (TERN_IS_READER_VIEW (self));
  set_state (self, "loading");
}

void
tern_reader_view_show_offline (TernReaderView *self)
{
  g_return_if_fail (TERN_IS_READER_VIEW (self));
  set_state (self, "offline");
}

void
tern_reader_view_show_page (TernReaderView *self, GtkWidget *page)
{
  GtkWidget *old;

  g_return_if_fail (TERN_IS_READER_VIEW (self));
  old = gtk_stack_get_child_by_name (self->stack, "page");
  if (old != NULL)
    gtk_widget_destroy (old);
  gtk_widget_show (page);
  gtk_stack_add_named (self->stack, page, "page");
  set_state (self, "page");
}

void
tern_reader_view_clear (TernReaderView *self)
{
  g_return_if_fail (TERN_IS_READER_VIEW (self));
  self->html_pending = FALSE;
  g_clear_pointer (&self->message, tern_reader_message_unref);
  set_state (self, "empty");
}

const char *
tern_reader_view_get_state (TernReaderView *self)
{
  g_return_val_if_fail (TERN_IS_READER_VIEW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
tern_reader_view_get_body_kind (TernReaderView *self)
{
  g_return_val_if_fail (TERN_IS_READER_VIEW (self), NULL);
  return gtk_stack_get_visible_child_name (self->body_stack);
}

void
tern_reader_view_set_prefer_plain (TernReaderView *self, gboolean prefer_plain)
{
  g_return_if_fail (TERN_IS_READER_VIEW (self));
  if (self->prefer_plain == !!prefer_plain)
    return;
  self->prefer_plain = !!prefer_plain;
  if (self->message != NULL)
    show_body (self);
}

gboolean
tern_reader_view_get_remote_content_blocked (TernReaderView *self)
{
  g_return_val_if_fail (TERN_IS_READER_VIEW (self), TRUE);
  return !self->remote_allowed;
}

void
tern_reader_view_allow_remote_content (TernReaderView *self)
{
  g_return_if_fail (TERN_IS_READER_VIEW (self));
  if (self->remote_allowed || self->message == NULL)
    return;
  self->remote_allowed = TRUE;
  show_body (self);
}

static void
on_remote_response (GtkInfoBar *bar, int response, TernReaderView *self)
{
  if (self->message == NULL)
    return;
  if (response == RESPONSE_ALWAYS_SENDER && self->message->sender_address != NULL)
    g_signal_emit (self, signals[SIGNAL_ALLOW_SENDER], 0, self->message->sender_address);
  if (response == RESPONSE_SHOW_REMOTE || response == RESPONSE_ALWAYS_SENDER)
    tern_reader_view_allow_remote_content (self);
}

/* The bar's buttons live in its content area (see the .ui); they answer
 * through the bar's response like action-area buttons would. */
static void
on_remote_button (GtkButton *button, TernReaderView *self)
{
  gtk_info_bar_response (self->remote_bar, GTK_WIDGET (button) == self->always_button
                                           ? RESPONSE_ALWAYS_SENDER : RESPONSE_SHOW_REMOTE);
}

GtkTextView *
tern_reader_view_get_text_view (TernReaderView *self)
{
  g_return_val_if_fail (TERN_IS_READER_VIEW (self), NULL);
  return self->text_view;
}

GtkWidget *
tern_reader_view_get_web_view (TernReaderView *self)
{
  g_return_val_if_fail (TERN_IS_READER_VIEW (self), NULL);
  return GTK_WIDGET (self->web_view);
}

GtkInfoBar *
tern_reader_view_get_remote_bar (TernReaderView *self)
{
  g_return_val_if_fail (TERN_IS_READER_VIEW (self), NULL);
  return self->remote_bar;
}

GtkWidget *
tern_reader_view_get_always_button (TernReaderView *self)
{
  g_return_val_if_fail (TERN_IS_READER_VIEW (self), NULL);
  return self->always_button;
}

GtkContainer *
tern_reader_view_get_attachments_box (TernReaderView *self)
{
  g_return_val_if_fail (TERN_IS_READER_VIEW (self), NULL);
  return GTK_CONTAINER (self->attachments_box);
}

/* ---- GObject ---- */

static void
tern_reader_view_dispose (GObject *object)
{
  TernReaderView *self = TERN_READER_VIEW (object);

  if (shared != NULL)
    shared->waiting = g_list_remove (shared->waiting, self);
  self->html_pending = FALSE;
  g_clear_pointer (&self->message, tern_reader_message_unref);
  g_clear_object (&self->content_manager);
  g_clear_pointer (&self->hovered_link, g_free);
  g_clear_pointer (&self->pressed_link, g_free);
  G_OBJECT_CLASS (tern_reader_view_parent_class)->dispose (object);
}

static void
tern_reader_view_style_updated (GtkWidget *widget)
{
  TernReaderView *self = TERN_READER_VIEW (widget);

  GTK_WIDGET_CLASS (tern_reader_view_parent_class)->style_updated (widget);
  if (self->quote_tag != NULL)
    update_tag_colors (self);
}

static void
tern_reader_view_class_init (TernReaderViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tern_reader_view_dispose;
  widget_class->style_updated = tern_reader_view_style_updated;

  (void) tern_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ternmail/Tern/tern-reader-view.ui");
  gtk_widget_class_bind_template_child (widget_class, TernReaderView, stack);
  gtk_widget_class_bind_template_child (widget_class, TernReaderView, spinner);
  gtk_widget_class_bind_template_child (widget_class, TernReaderView, subject_label);
  gtk_widget_class_bind_template_child (widget_class, TernReaderView, from_label);
  gtk_widget_class_bind_template_child (widget_class, TernReaderView, to_caption);
  gtk_widget_class_bind_template_child (widget_class, TernReaderView, to_label);
  gtk_widget_class_bind_template_child (widget_class, TernReaderView, cc_caption);
  gtk_widget_class_bind_template_child (widget_class, TernReaderView, cc_label);
  gtk_widget_class_bind_template_child (widget_class, TernReaderView, date_label);
  gtk_widget_class_bind_template_child (widget_class, TernReaderView, remote_bar);
  gtk_widget_class_bind_template_child (widget_class, TernReaderView, remote_label);
  gtk_widget_class_bind_template_child (widget_class, TernReaderView, show_remote_button);
  gtk_widget_class_bind_template_child (widget_class, TernReaderView, always_button);
  gtk_widget_class_bind_template_child (widget_class, TernReaderView, body_stack);
  gtk_widget_class_bind_template_child (widget_class, TernReaderView, text_view);
  gtk_widget_class_bind_template_child (widget_class, TernReaderView, attachments_box);
  gtk_widget_class_set_css_name (widget_class, "ternreaderview");

  signals[SIGNAL_ACTIVATE_LINK] =
    g_signal_new ("activate-link", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  g_signal_accumulator_true_handled, NULL, NULL,
                  G_TYPE_BOOLEAN, 1, G_TYPE_STRING);
  signals[SIGNAL_ALLOW_SENDER] =
    g_signal_new ("allow-sender", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* A file saved for opening, before Tern hands it to the desktop; a
   * handler that returns TRUE opens it itself (tests). */
  signals[SIGNAL_OPEN_FILE] =
    g_signal_new ("open-file", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  g_signal_accumulator_true_handled, NULL, NULL,
                  G_TYPE_BOOLEAN, 1, G_TYPE_FILE);
  signals[SIGNAL_HTML_LOADED] =
    g_signal_new ("html-loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tern_reader_view_init (TernReaderView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (self->show_remote_button, "clicked", G_CALLBACK (on_remote_button), self);
  g_signal_connect (self->always_button, "clicked", G_CALLBACK (on_remote_button), self);
  g_signal_connect (self->remote_bar, "response", G_CALLBACK (on_remote_response), self);
  g_signal_connect (self->text_view, "button-release-event",
                    G_CALLBACK (on_text_button_release), self);
  g_signal_connect (self->text_view, "motion-notify-event", G_CALLBACK (on_text_motion), self);
  set_state (self, "empty");
}

GtkWidget *
tern_reader_view_new (void)
{
  return g_object_new (TERN_TYPE_READER_VIEW, NULL);
}
