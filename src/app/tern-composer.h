/* tern-composer.h: the window to write, reply to and forward mail.
 *
 * A composer edits one message of one account. Changes are saved as a draft
 * a few seconds after the user stops typing and when the window closes;
 * Send puts the message in the account's outbox (which works offline) and
 * closes the window. All store access goes through tern-drafts.
 *
 * The main loop never waits for the disk: "store" (any connection; the
 * window passes its read-only one) is only read, at construction, on the
 * main thread. Every write (a draft, the outbox row, both durable commits)
 * runs on "store-executor", the TernStoreExecutor the composer is given
 * (the application's, through tern-composer-launcher.c). Both are
 * construct-only properties. Address completion is ranked in a thread and
 * appears when ready.
 *
 * Closing with unsaved changes hides the window at once, holds the
 * application, finishes the save and then destroys the window; if the save
 * fails the window comes back with the error. Send closes the window only
 * once the outbox row is durably committed; on failure the error bar shows
 * and the window stays.
 */
#pragma once

#include <gtk/gtk.h>

#include "compose/tern-drafts.h"
#include "store/tern-store-executor.h"

G_BEGIN_DECLS

#define TERN_TYPE_COMPOSER (tern_composer_get_type ())
G_DECLARE_FINAL_TYPE (TernComposer, tern_composer, TERN, COMPOSER, GtkApplicationWindow)

/* Seconds after the last change before the draft is saved. */
#define TERN_COMPOSER_AUTOSAVE_SECONDS 3

/* An empty message from the first account. @app may be NULL (tests). */
TernComposer *tern_composer_new (GtkApplication *app, TernStore *store,
                                 TernStoreExecutor *executor);
/* A reply, reply-all or forward of stored message @message_id; NULL with
 * TERN_ERROR_NOT_FOUND when its body is not downloaded. */
TernComposer *tern_composer_new_from_message (GtkApplication *app, TernStore *store,
                                              TernStoreExecutor *executor,
                                              gint64 message_id, TernComposeMode mode,
                                              GError **error);
/* Continues draft @draft_id (the old version is replaced on the next save). */
TernComposer *tern_composer_new_for_draft (GtkApplication *app, TernStore *store,
                                           TernStoreExecutor *executor,
                                           gint64 draft_id, GError **error);
/* The composer for a mailto: link (not shown yet); NULL (logged) if the
 * link is unusable. */
TernComposer *tern_composer_new_for_mailto (GtkApplication *app, TernStore *store,
                                            TernStoreExecutor *executor, const char *uri);

/* Fills the fields from @msg (the sender picks the matching account). */
void tern_composer_set_message (TernComposer *self, const TernOutgoingMessage *msg);
/* The message as the fields say now. */
TernOutgoingMessage *tern_composer_get_message (TernComposer *self);
gint64 tern_composer_get_account_id (TernComposer *self);

void tern_composer_add_attachment (TernComposer *self, GFile *file);
guint tern_composer_get_n_attachments (TernComposer *self);
/* The SMTP server's SIZE limit in bytes (0: TERN_COMPOSE_DEFAULT_SIZE_LIMIT). */
void tern_composer_set_size_limit (TernComposer *self, guint64 limit);
gboolean tern_composer_is_size_warning_shown (TernComposer *self);

/* What the Send button does: checks (a failed check shows its warning or
 * error and returns FALSE), then queues the message in the executor and
 * returns TRUE. The window is destroyed once the outbox row is durably
 * committed (tern_composer_get_outbox_id() is set by then); if queueing
 * fails, the error bar shows and the window stays. */
gboolean tern_composer_send_async (TernComposer *self);
/* The same, blocking until the row is committed: TRUE when the message went
 * to the outbox (and the window is destroyed). It waits for the disk on the
 * calling thread: for tests and scripts only, never from the UI. */
gboolean tern_composer_send (TernComposer *self);
gboolean tern_composer_is_attachment_warning_shown (TernComposer *self);
/* The user's answer to the attachment warning. */
void tern_composer_respond_attachment_warning (TernComposer *self, gboolean send_anyway);
/* The error bar's text, or NULL when it is hidden. */
const char *tern_composer_get_error (TernComposer *self);
/* The outbox id once sent, else 0. */
gint64 tern_composer_get_outbox_id (TernComposer *self);

/* Saves the draft in the executor if anything changed (what the autosave
 * timer does); if a save is in flight, this one follows it with the newest
 * text. Errors show in the error bar. */
void tern_composer_save_draft_async (TernComposer *self);
/* Saves the draft now if anything changed, blocking until it is committed;
 * the draft's id (0 if none). For tests and shutdown only, never from the
 * UI: it waits for the disk. */
gint64 tern_composer_save_draft (TernComposer *self, GError **error);
/* The newest draft whose save has come back (0: none). */
gint64 tern_composer_get_draft_id (TernComposer *self);
/* Whether an autosave is waiting for its timer or a save is in flight. */
gboolean tern_composer_has_pending_save (TernComposer *self);
/* Whether a save or a send of this composer is in the executor. */
gboolean tern_composer_is_busy (TernComposer *self);
/* The executor this composer writes through (for tests). */
TernStoreExecutor *tern_composer_get_store_executor (TernComposer *self);
/* Addresses offered for completion so far (0 until the ranking is done). */
guint tern_composer_get_n_completions (TernComposer *self);

G_END_DECLS
