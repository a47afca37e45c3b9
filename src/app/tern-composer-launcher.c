/* tern-composer-launcher.c: opens composers for the application.
 *
 * Every composer reads from the application's read-only store and writes
 * through the application's store executor (off the main loop); both are
 * handed to it here. When a composer closes having put a message in the
 * outbox, the account's worker is told to send now rather than at its next
 * sync, and the windows' outbox counts are updated.
 */
#include <glib/gi18n.h>

#include "tern-composer-launcher.h"
#include "tern-mail-context.h"

static void
on_composer_destroyed (TernComposer *composer, TernApplication *app)
{
  TernMailContext *context;

  if (tern_composer_get_outbox_id (composer) <= 0)
    return;
  context = tern_application_get_mail_context (app);
  if (context == NULL)
    return;
  /* The account's sync process sends it now, not at its next sync. */
  tern_mail_context_push_changes (context, tern_composer_get_account_id (composer));
  /* The windows' outbox counts. */
  tern_mail_context_outbox_changed (context, tern_composer_get_account_id (composer));
}

static void
watch_composer (TernApplication *app, TernComposer *composer)
{
  g_signal_connect_object (composer, "destroy", G_CALLBACK (on_composer_destroyed), app, 0);
}

static void
show_error (GtkWindow *parent, const char *primary, const char *secondary)
{
  GtkWidget *dialog = gtk_message_dialog_new (parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                              GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s", primary);

  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", secondary);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_widget_destroy), NULL);
  gtk_widget_show (dialog);
}

static TernComposeMode
mode_for (TernComposerLaunchKind kind)
{
  switch (kind)
    {
    case TERN_COMPOSER_LAUNCH_REPLY_ALL: return TERN_COMPOSE_REPLY_ALL;
    case TERN_COMPOSER_LAUNCH_FORWARD: return TERN_COMPOSE_FORWARD_INLINE;
    case TERN_COMPOSER_LAUNCH_REPLY:
    case TERN_COMPOSER_LAUNCH_NEW:
    default: return TERN_COMPOSE_REPLY;
    }
}

/* The application of @parent, or NULL (with the error shown). */
static TernApplication *
application_of (GtkWindow *parent, const char *primary)
{
  GtkApplication *app = gtk_window_get_application (parent);

  if (!TERN_IS_APPLICATION (app))
    {
      show_error (parent, primary, _("Tern’s mail store is not available here."));
      return NULL;
    }
  return TERN_APPLICATION (app);
}

void
tern_composer_launcher_compose (GtkWindow *parent, TernComposerLaunchKind kind, TernStore *store,
                                gint64 message_id)
{
  TernApplication *app = application_of (parent, _("The mail store cannot be opened"));
  g_autoptr(GError) error = NULL;
  TernStoreExecutor *executor;
  TernComposer *composer;

  if (app == NULL)
    return;
  if (store == NULL)
    {
      show_error (parent, _("The mail store cannot be opened"), _("Restart Tern to try again."));
      return;
    }
  executor = tern_application_get_store_executor (app);
  if (kind == TERN_COMPOSER_LAUNCH_NEW)
    composer = tern_composer_new (GTK_APPLICATION (app), store, executor);
  else
    composer = tern_composer_new_from_message (GTK_APPLICATION (app), store, executor, message_id,
                                               mode_for (kind), &error);
  if (composer == NULL)
    {
      show_error (parent, _("This message cannot be answered yet"), error->message);
      return;
    }
  watch_composer (app, composer);
  gtk_window_present (GTK_WINDOW (composer));
}

TernComposer *
tern_composer_launcher_edit_draft (GtkWindow *parent, gint64 draft_id)
{
  TernApplication *app = application_of (parent, _("The message cannot be opened"));
  g_autoptr(GError) error = NULL;
  TernStore *store;
  TernComposer *composer;

  if (app == NULL)
    return NULL;
  store = tern_application_get_store (app, &error);
  composer = store != NULL ? tern_composer_new_for_draft (GTK_APPLICATION (app), store,
                                                          tern_application_get_store_executor (app),
                                                          draft_id, &error)
                           : NULL;
  if (composer == NULL)
    {
      show_error (parent, _("The message cannot be opened"), error->message);
      return NULL;
    }
  watch_composer (app, composer);
  gtk_window_present (GTK_WINDOW (composer));
  return composer;
}

TernComposer *
tern_composer_launcher_open_mailto (TernApplication *app, const char *uri)
{
  g_autoptr(GError) error = NULL;
  TernStore *store = tern_application_get_store (app, &error);
  TernComposer *composer;

  if (store == NULL)
    {
      g_warning ("Cannot open the mail store: %s", error->message);
      return NULL;
    }
  composer = tern_composer_new_for_mailto (GTK_APPLICATION (app), store,
                                           tern_application_get_store_executor (app), uri);
  if (composer == NULL)
    return NULL;
  watch_composer (app, composer);
  gtk_window_present (GTK_WINDOW (composer));
  return composer;
}
