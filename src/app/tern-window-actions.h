/* tern-window-actions.h: what the main window asks of the composer.
 *
 * The window calls tern_window_actions_compose() for New message, Reply,
 * Reply all and Forward. Its body (tern-window-actions.c) is the one place
 * that connects the main window to TernComposer.
 */
#pragma once

#include <gtk/gtk.h>

#include "tern-application.h"
#include "store/tern-store.h"

G_BEGIN_DECLS

typedef enum {
  TERN_WINDOW_COMPOSE_NEW,
  TERN_WINDOW_COMPOSE_REPLY,
  TERN_WINDOW_COMPOSE_REPLY_ALL,
  TERN_WINDOW_COMPOSE_FORWARD,
} TernWindowComposeKind;

/* Opens the composer over @parent. @store is the main thread's read-only
 * store (for the original message's raw bytes and its account);
 * @message_id is the message replied to or forwarded (0 for NEW);
 * @account_id the account to send from (0: the first). */
void tern_window_actions_compose (GtkWindow       *parent,
                                  TernWindowComposeKind  kind,
                                  TernStore       *store,
                                  gint64           account_id,
                                  gint64           message_id);

typedef struct _TernComposer TernComposer;

/* When @composer closes having queued a message, tells its account's worker
 * to send now. For composers opened elsewhere (mailto: links). */
void tern_window_actions_watch_composer (TernApplication *app, TernComposer *composer);

/* Opens the composer on draft @draft_id (a message taken back from the
 * outbox), over @parent; NULL (error shown) if it cannot. */
TernComposer *tern_window_actions_edit_draft (GtkWindow *parent, gint64 draft_id);

G_END_DECLS
