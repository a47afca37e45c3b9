/* tern-test-app-util.h: helpers for the main window tests: a store built
 * with the store API, screenshots, waiting with a deadline, and a local
 * HTTP server that counts requests. */
#pragma once

#include <gtk/gtk.h>

#include "tern-test-loop.h"
#include "tern-test-ui.h"

#include "store/tern-store.h"
#include "tern-mail-context.h"
#include "tern-window.h"

G_BEGIN_DECLS

typedef struct {
  char *data_dir;
  TernStore *writer;
  gint64 account_id;
  gint64 inbox_id;
  gint64 archive_id;
  gint64 trash_id;
  gint64 lists_id;      /* "Lists", with a child "Lists/gtk" */
  gint64 sent_id;
} TernTestStore;

/* A fresh data dir with an IMAP account "Demo" (at 127.0.0.1:@port) and
 * folders Inbox, Sent, Drafts, Archive, Trash, Lists, Lists/gtk. */
TernTestStore *tern_test_store_new (guint16 port);
void tern_test_store_free (TernTestStore *ts);
/* Parses and stores @raw in @folder_id with @uid; returns its id. */
gint64 tern_test_store_add_raw (TernTestStore *ts, gint64 folder_id, guint32 uid,
                                const char *raw, guint flags);
/* Envelope-only rows, quickly (benchmark, paging): dates base_time + i. */
void tern_test_store_add_rows (TernTestStore *ts, gint64 folder_id, guint first_uid, guint n,
                               gint64 base_time);

/* Points the account "Demo" of @ts at @host (its certificate pinned as
 * @pin, may be NULL), with @password in the file password store. */
void tern_test_store_set_server (TernTestStore *ts, const char *host, const char *pin,
                                 const char *password);
/* Lists @ts's inbox as single messages, as most window tests count its rows
 * (an inbox lists conversations by default: test-window-conversations). */
void tern_test_store_list_inbox_flat (TernTestStore *ts);

/* A mail context on @ts's data dir, online, its workers running. */
TernMailContext *tern_test_mail_context_start (TernTestStore *ts);
/* The main window of @context, shown, sized @width x @height (-1: its own). */
TernWindow *tern_test_window_show (GtkApplication *app, TernMailContext *context, int width,
                                   int height);
/* tern_window_search(), then waits for the search's last page. */
void tern_test_window_search (TernWindow *window, const char *query);
void tern_test_window_wait_for_search (TernWindow *window);
/* The first widget of @type below @root (NULL if none). */
gpointer tern_test_find_widget (GtkWidget *root, GType type);
/* Every widget of @type below @root, in tree order. */
GPtrArray *tern_test_find_widgets (GtkWidget *root, GType type);
/* Destroys @window and shuts @context down. */
void tern_test_window_close (TernWindow *window, TernMailContext *context);
void tern_test_window_clear (TernWindow **window, TernMailContext **context);
TernWindow *tern_test_window_open_offline (GtkApplication *app, TernTestStore *ts, int width,
                                           int height, TernMailContext **context);

/* tern_test_ui_save_screenshot() as "@name[-dark][-hidpi].png", after the
 * GTK_THEME and GDK_SCALE it runs with (a person looks at each variant). */
void tern_test_save_screenshot_variant (GtkWidget *widget, const char *name);
/* A right click on @tree's cursor row, as the pointer makes it; TRUE if
 * a handler took it. */
gboolean tern_test_right_click_cursor (GtkTreeView *tree);

/* How long the window tests wait for something (tern_test_wait_until()). */
#define TERN_TEST_WAIT_MS 20000
/* Lets the window map, lay out and draw. */

typedef struct {
  GSocketService *service;
  guint16 port;
  int requests;
} TernTestHttp;

void tern_test_http_start (TernTestHttp *http);
void tern_test_http_stop (TernTestHttp *http);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernTestStore, tern_test_store_free)

G_END_DECLS
