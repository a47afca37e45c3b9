/* tern-application.h: the GtkApplication; owns the data directory. */
#pragma once

#include <gtk/gtk.h>

#include "store/tern-store.h"
#include "store/tern-store-executor.h"
#include "tern-mail-context.h"

G_BEGIN_DECLS

#define TERN_TYPE_APPLICATION (tern_application_get_type ())
G_DECLARE_FINAL_TYPE (TernApplication, tern_application, TERN, APPLICATION, GtkApplication)

/* Call before GTK opens the display (main() and the benchmark do). Turns
 * off what a mail client does not need and pays for in memory: GTK's GL
 * (on X11 its setup loads the Mesa driver and LLVM, ~55 MB of RSS, for
 * GtkGLArea only, which Tern has none of) and WebKit's GPU compositing for
 * the HTML reader (JavaScript, WebGL and media are off: plain software
 * drawing is enough). Variables already set by the user are kept. */
void tern_application_setup_environment (void);
TernApplication *tern_application_new (void);

/* The directory holding accounts and the mail cache: --data-dir, else
 * $TERN_DATA_DIR, else $XDG_DATA_HOME/tern. */
const char *tern_application_get_data_dir (TernApplication *self);

/* Opens the account wizard over @parent; its "account-added" is re-emitted
 * as the application's "account-added (gint64 id)". Also reachable as the
 * actions app.accounts (accounts dialog) and win.add-account. */
void tern_application_open_account_wizard (TernApplication *self, GtkWindow *parent);
/* A read-only connection to the mail store in the data directory, for the
 * main thread: the mail context's if it is open, else one opened on first
 * use (if there is no store yet, the mail context is started to create
 * it). Owned by the application. Never write through it: writes go
 * through tern_application_get_store_executor(). */
TernStore *tern_application_get_store (TernApplication *self, GError **error);
/* The executor that runs the composers' store writes (drafts, the outbox)
 * off the main loop, one at a time, on its own writer connection. Owned by
 * the application; it waits for queued writes at shutdown. */
TernStoreExecutor *tern_application_get_store_executor (TernApplication *self);
/* The store, the account workers (one per account, started on first use)
 * and the action queue, shared by the windows. NULL if the store could not
 * be opened (the window says why). */
TernMailContext *tern_application_get_mail_context (TernApplication *self);

G_END_DECLS
