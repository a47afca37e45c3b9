/* tern-window-actions.c: the main window's link to the composer.
 *
 * New message, Reply, Reply all and Forward open a TernComposer that reads
 * from the window's read-only store and writes through the application's
 * store executor (off the main loop). When a composer closes having put a message
 * in the outbox, the account's worker is told to send now rather than at
 * its next sync.
 */
#include <glib/gi18n.h>

#include "tern-application.h"
#include "tern-composer.h"
#include "tern-mail-context.h"
#include "tern-window-actions.h"

static void
on_composer_destroyed (TernComposer *composer, TernApplication *app)
{
  TernMailContext *context;

  if (tern_composer_get_outbox_id (composer) <= 0)
    return;
  context = tern_application_get_mail_context (app);
  if (context == NULL)
    return;
  tern_mail_context_push_changes (context, tern_composer_get_account_id (composer));
  /* The windows' outbox counts. */
  tern_mail_context_outbox_changed (context, tern_composer_get_account_id (composer));
}

void
tern_window_actions_watch_composer (TernApplication *app, TernComposer *composer)
{
  if (composer != NULL)
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
mode_for (TernWindowComposeKind kind)
{
  switch (kind)
    {
    case TERN_WINDOW_COMPOSE_REPLY_ALL: return TERN_COMPOSE_REPLY_ALL;
    case TERN_WINDOW_COMPOSE_FORWARD: return TERN_COMPOSE_FORWARD_INLINE;
    case TERN_WINDOW_COMPOSE_REPLY:
    case TERN_WINDOW_COMPOSE_NEW:
    default: return TERN_COMPOSE_REPLY;
    }
}

void
tern_window_actions_compose (GtkWindow *parent, TernWindowComposeKind kind, TernStore *store,
                             gint64 account_id, gint64 message_id)
{
  TernApplication *app = TERN_APPLICATION (gtk_window_get_application (parent));
  g_autoptr(GError) error = NULL;
  TernComposer *composer;

  if (store == NULL)
    {
      show_error (parent, _("The mail store cannot be opened"), _("Restart Tern to try again."));
      return;
    }
  if (kind == TERN_WINDOW_COMPOSE_NEW)
    composer = tern_composer_new (GTK_APPLICATION (app), store);
  else
    composer = tern_composer_new_from_message (GTK_APPLICATION (app), store, message_id,
                                               mode_for (kind), &error);
  if (composer == NULL)
    {
      show_error (parent, _("This message cannot be answered yet"), error->message);
      return;
    }
  tern_window_actions_watch_composer (app, composer);
  gtk_window_present (GTK_WINDOW (composer));
}

TernComposer *
tern_window_actions_edit_draft (GtkWindow *parent, gint64 draft_id)
{
  GtkApplication *gapp = gtk_window_get_application (parent);
  g_autoptr(GError) error = NULL;
  TernStore *store;
  TernComposer *composer;

  if (!TERN_IS_APPLICATION (gapp))
    {
      show_error (parent, _("The message cannot be opened"), _("Tern’s mail store is not available here."));
      return NULL;
    }
  store = tern_application_get_store (TERN_APPLICATION (gapp), &error);
  composer = store != NULL ? tern_composer_new_for_draft (gapp, store, draft_id, &error) : NULL;
  if (composer == NULL)
    {
      show_error (parent, _("The message cannot be opened"), error->message);
      return NULL;
    }
  tern_window_actions_watch_composer (TERN_APPLICATION (gapp), composer);
  gtk_window_present (GTK_WINDOW (composer));
  return composer;
}
