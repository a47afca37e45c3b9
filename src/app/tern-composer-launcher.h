/* tern-composer-launcher.h: opens composers for the application.
 *
 * New message, Reply, Reply all, Forward (the main window), Edit of a
 * message taken back from the outbox, and mailto: links all open their
 * TernComposer here. This is the one place that finds the application's
 * read-only store and store executor and hands them to the composer, and
 * that tells an account's worker to send once a composer has put a
 * message in the outbox.
 */
#pragma once

#include <gtk/gtk.h>

#include "tern-application.h"
#include "tern-composer.h"

G_BEGIN_DECLS

typedef enum {
  TERN_COMPOSER_LAUNCH_NEW,
  TERN_COMPOSER_LAUNCH_REPLY,
  TERN_COMPOSER_LAUNCH_REPLY_ALL,
  TERN_COMPOSER_LAUNCH_FORWARD,
} TernComposerLaunchKind;

/* Opens a composer over @parent (a window of a TernApplication). @store is
 * the window's read-only store (the original message's raw bytes and its
 * account); @message_id is the message replied to or forwarded (0 for
 * NEW). An error (no store, body not downloaded) is shown in a dialog. */
void tern_composer_launcher_compose (GtkWindow              *parent,
                                     TernComposerLaunchKind  kind,
                                     TernStore              *store,
                                     gint64                  message_id);

/* Opens the composer on draft @draft_id (a message taken back from the
 * outbox), over @parent; NULL (error shown) if it cannot. */
TernComposer *tern_composer_launcher_edit_draft (GtkWindow *parent, gint64 draft_id);

/* The composer for a mailto: link, shown; NULL (logged) if the link is
 * unusable or the store cannot be opened. */
TernComposer *tern_composer_launcher_open_mailto (TernApplication *app, const char *uri);

G_END_DECLS
