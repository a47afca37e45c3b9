/* tern-application.c: the GtkApplication.
 *
 * Handles the command line (--data-dir, mailto: URIs), loads the stylesheet
 * and opens the main window.
 */
#include <glib/gi18n.h>

#include "tern-config.h"
#include "tern-account-wizard.h"
#include "tern-accounts-dialog.h"
#include "tern-password-dialog.h"
#include "tern-sign-in-dialog.h"
#include "tern-application.h"
#include "core/tern-paths.h"
#include "store/tern-store.h"
#include "store/tern-store-executor.h"
#include "tern-reader-attachment.h"
#include "tern-window.h"
#include "tern-composer-launcher.h"

enum { SIGNAL_ACCOUNT_ADDED, N_SIGNALS };
static guint signals[N_SIGNALS];

struct _TernApplication
{
  GtkApplication parent_instance;
  char *data_dir;
  TernStore *store;   /* read-only, main thread; opened on first use */
  TernStoreExecutor *executor;   /* the composer's writes; created on first use */
  TernMailContext *mail_context;
};

G_DEFINE_FINAL_TYPE (TernApplication, tern_application, GTK_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Directory holding accounts and the mail cache"), N_("DIR") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
  { NULL }
};

static int
tern_application_handle_local_options (GApplication *app,
                                       GVariantDict *options)
{
  TernApplication *self = TERN_APPLICATION (app);
  g_autofree char *data_dir = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("tern %s\n", TERN_VERSION);
      return 0;
    }
  if (g_variant_dict_lookup (options, "data-dir", "^ay", &data_dir))
    {
      g_free (self->data_dir);
      self->data_dir = g_canonicalize_filename (data_dir, NULL);
    }
  return -1;
}

static void
load_css (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (provider, "/io/github/ternmail/Tern/tern.css");
  gtk_style_context_add_provider_for_screen (gdk_screen_get_default (),
                                             GTK_STYLE_PROVIDER (provider),
                                             GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

/* A new-mail notification was clicked: show that message. */
static void
activate_open_message (GSimpleAction *action, GVariant *parameter, gpointer data)
{
  GtkApplication *app = data;
  GtkWindow *window = gtk_application_get_active_window (app);

  if (window == NULL)
    window = GTK_WINDOW (tern_window_new (TERN_APPLICATION (app)));
  gtk_window_present (window);
  tern_window_show_message (TERN_WINDOW (window), g_variant_get_int64 (parameter));
}

static void
activate_quit (GSimpleAction *action, GVariant *parameter, gpointer data)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (data));

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}


static void
set_accels (GtkApplication *app)
{
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "win.compose", { "<Primary>n", NULL } },
    { "win.reply", { "<Primary>r", NULL } },
    { "win.reply-all", { "<Primary><Shift>r", NULL } },
    { "win.forward", { "<Primary>l", NULL } },
    { "win.mark-read", { "<Primary>k", NULL } },
    { "win.mark-unread", { "<Primary><Shift>k", NULL } },
    { "win.toggle-flag", { "<Primary>g", NULL } },
    { "win.delete", { "<Primary>Delete", NULL } },
    { "win.archive", { "<Primary><Shift>a", NULL } },
    { "win.move-menu", { "<Primary><Shift>m", NULL } },
    { "win.mark-all-read", { "<Primary><Shift>c", NULL } },
    { "win.sync", { "F5", NULL } },
    { "win.search", { "<Primary>f", NULL } },
    { "app.quit", { "<Primary>q", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (app, accels[i].action, accels[i].accels);
}

/* A wizard added an account: start its worker (the first sync) and tell
 * whoever listens (the windows reload their sidebar on folders-changed). */
static void
on_account_added (TernApplication *self, gint64 id)
{
  if (self->mail_context != NULL)
    tern_mail_context_start_workers (self->mail_context);
  g_signal_emit (self, signals[SIGNAL_ACCOUNT_ADDED], 0, id);
}

void
tern_application_open_account_wizard (TernApplication *self, GtkWindow *parent)
{
  TernAccountWizard *wizard;

  g_return_if_fail (TERN_IS_APPLICATION (self));
  wizard = tern_account_wizard_new (parent, tern_application_get_store_executor (self));
  g_signal_connect_object (wizard, "account-added", G_CALLBACK (on_account_added), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (wizard));
}

static void
accounts_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TernApplication *self = TERN_APPLICATION (user_data);
  TernAccountsDialog *dialog;

  dialog = tern_accounts_dialog_new (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                     tern_application_get_store_executor (self));
  g_signal_connect_object (dialog, "account-added", G_CALLBACK (on_account_added), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A new password (or sign-in) works and is kept: sync the account again now. */
static void
on_password_saved (TernApplication *self, gint64 account_id)
{
  if (self->mail_context != NULL)
    tern_mail_context_retry (self->mail_context, account_id);
}

/* The account an action's parameter (x account id) names, or NULL (logged:
 * the account went away meanwhile). */
static TernAccountSettings *
action_account (TernApplication *self, GVariant *parameter, const char *what)
{
  gint64 account_id = g_variant_get_int64 (parameter);
  g_autoptr(GError) error = NULL;
  TernStore *store = tern_application_get_store (self, &error);
  TernAccountSettings *account = store != NULL ? tern_store_get_account (store, account_id, &error)
                                               : NULL;

  if (account == NULL)
    g_message ("No account %" G_GINT64_FORMAT " for %s: %s", account_id, what,
               error != NULL ? error->message : "");
  return account;
}

/* app.enter-password(x account id): "Enter new password…" for an account
 * whose server refused its password (the error bar offers it). */
static void
enter_password_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TernApplication *self = TERN_APPLICATION (user_data);
  g_autoptr(TernAccountSettings) account = action_account (self, parameter, "a new password");
  TernPasswordDialog *dialog;

  if (account == NULL)
    return;
  dialog = tern_password_dialog_new (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                     account, tern_application_get_data_dir (self));
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_password_saved), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* app.sign-in-again(x account id): "Sign In Again…" for an OAuth2 account
 * whose provider refused its sign-in (the error bar offers it). The account
 * stays paused until the new sign-in is kept; then it syncs at once. */
static void
sign_in_again_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TernApplication *self = TERN_APPLICATION (user_data);
  g_autoptr(TernAccountSettings) account = action_account (self, parameter, "a new sign-in");
  TernSignInDialog *dialog;

  if (account == NULL)
    return;
  if (account->sign_in != TERN_SIGN_IN_OAUTH2)
    {
      g_message ("Account “%s” does not sign in with OAuth2", account->name);
      return;
    }
  dialog = tern_sign_in_dialog_new (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                    account, tern_application_get_data_dir (self));
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_password_saved), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* First start: no account yet, so the wizard comes up by itself (not in
 * demo mode, and not when TERN_NO_WIZARD=1, for tests). The store is read
 * in a thread: the window shows at once. */
static void
has_accounts_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  const char *data_dir = task_data;
  g_autofree char *db = g_build_filename (data_dir, "tern.db", NULL);
  g_autoptr(TernStore) store = NULL;
  g_autoptr(GPtrArray) accounts = NULL;

  if (!g_file_test (db, G_FILE_TEST_EXISTS))
    {
      g_task_return_boolean (task, FALSE);
      return;
    }
  store = tern_store_open (data_dir, TERN_STORE_OPEN_READ_ONLY, NULL);
  if (store != NULL)
    accounts = tern_store_list_accounts (store, NULL);
  /* An unreadable store is not "no accounts": never offer to start over then. */
  g_task_return_boolean (task, accounts == NULL || accounts->len > 0);
}

static void
on_has_accounts (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TernApplication *self = TERN_APPLICATION (source);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (!g_task_propagate_boolean (G_TASK (result), NULL) && window != NULL)
    tern_application_open_account_wizard (self, window);
}

static void
maybe_open_wizard (TernApplication *self)
{
  g_autoptr(GTask) task = NULL;

  if (g_strcmp0 (g_getenv ("TERN_NO_WIZARD"), "1") == 0
      || g_strcmp0 (g_getenv ("TERN_DEMO"), "1") == 0)
    return;
  task = g_task_new (self, NULL, on_has_accounts, NULL);
  g_task_set_task_data (task, g_strdup (self->data_dir), g_free);
  g_task_run_in_thread (task, has_accounts_thread);
}

static const GActionEntry app_entries[] = {
  { "open-message", activate_open_message, "x", NULL, NULL },
  { "quit", activate_quit, NULL, NULL, NULL },
  { "accounts", accounts_activated, NULL, NULL, NULL },
  { "enter-password", enter_password_activated, "x", NULL, NULL },
  { "sign-in-again", sign_in_again_activated, "x", NULL, NULL },
};

static void
tern_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (tern_application_parent_class)->startup (app);
  g_set_application_name (_("Tern"));
  gtk_window_set_default_icon_name (TERN_APP_ID);
  load_css ();
  /* Attachments saved for opening in the last session have been read. */
  tern_attachment_cache_clean_in_background (0);
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_entries, G_N_ELEMENTS (app_entries), app);
  set_accels (GTK_APPLICATION (app));
}

static void
on_new_mail (TernMailContext *context, gint64 account_id, gint64 message_id, guint n_new,
             GApplication *app)
{
  g_autoptr(TernMessageSummary) s = tern_store_get_message (tern_mail_context_get_store (context),
                                                            message_id, NULL);
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = NULL;
  const char *from;

  if (s == NULL)
    return;
  from = s->from_name != NULL && *s->from_name ? s->from_name : s->from_address;
  title = n_new > 1 ? g_strdup_printf (ngettext ("%u new message", "%u new messages", n_new), n_new)
                    : g_strdup_printf (_("New mail from %s"), from != NULL ? from : _("unknown sender"));
  notification = g_notification_new (title);
  g_notification_set_body (notification, s->subject);
  g_notification_set_default_action_and_target_value (notification, "app.open-message",
                                                      g_variant_new_int64 (message_id));
  g_application_send_notification (app, "new-mail", notification);
}

static void
tern_application_shutdown (GApplication *app)
{
  TernApplication *self = TERN_APPLICATION (app);

  if (self->mail_context != NULL)
    tern_mail_context_shutdown (self->mail_context);
  /* Composers hold the application while they save, so by now nothing is
   * queued; if something is, it is the user's work: wait for it. */
  if (self->executor != NULL)
    tern_store_executor_shutdown (self->executor);
  G_APPLICATION_CLASS (tern_application_parent_class)->shutdown (app);
}

TernMailContext *
tern_application_get_mail_context (TernApplication *self)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (TERN_IS_APPLICATION (self), NULL);
  if (self->mail_context != NULL)
    return self->mail_context;
  self->mail_context = tern_mail_context_new (self->data_dir, &error);
  if (self->mail_context == NULL)
    {
      g_critical ("Could not open the mail store in %s: %s", self->data_dir, error->message);
      return NULL;
    }
  g_signal_connect_object (self->mail_context, "new-mail", G_CALLBACK (on_new_mail), self, 0);
  tern_mail_context_start_workers (self->mail_context);
  return self->mail_context;
}

static void
tern_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      window = GTK_WINDOW (tern_window_new (TERN_APPLICATION (app)));
      gtk_window_present (window);
      maybe_open_wizard (TERN_APPLICATION (app));
      return;
    }
  gtk_window_present (window);
}

static void
tern_application_open (GApplication  *app,
                       GFile        **files,
                       int            n_files,
                       const char    *hint)
{
  /* mailto: links (the desktop's mail handler) open a composer each; any
   * other file just brings up the main window. */
  gboolean composed = FALSE;

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *uri = g_file_get_uri (files[i]);

      if (!g_file_has_uri_scheme (files[i], "mailto"))
        continue;
      if (tern_composer_launcher_open_mailto (TERN_APPLICATION (app), uri) != NULL)
        composed = TRUE;
    }
  if (!composed)
    tern_application_activate (app);
}

static void
tern_application_finalize (GObject *object)
{
  TernApplication *self = TERN_APPLICATION (object);

  g_clear_object (&self->mail_context);
  g_free (self->data_dir);
  g_clear_object (&self->store);
  g_clear_object (&self->executor);
  G_OBJECT_CLASS (tern_application_parent_class)->finalize (object);
}

static void
tern_application_class_init (TernApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = tern_application_finalize;
  app_class->handle_local_options = tern_application_handle_local_options;
  app_class->startup = tern_application_startup;
  app_class->shutdown = tern_application_shutdown;
  app_class->activate = tern_application_activate;
  app_class->open = tern_application_open;

  /* A wizard opened by the application added an account (store id): the
   * main window starts its first sync. */
  signals[SIGNAL_ACCOUNT_ADDED] =
    g_signal_new ("account-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
tern_application_init (TernApplication *self)
{
  self->data_dir = tern_default_data_dir ();
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
}

TernApplication *
tern_application_new (void)
{
  return g_object_new (TERN_TYPE_APPLICATION,
                       "application-id", TERN_APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE,
                       NULL);
}

const char *
tern_application_get_data_dir (TernApplication *self)
{
  g_return_val_if_fail (TERN_IS_APPLICATION (self), NULL);
  return self->data_dir;
}

TernStore *
tern_application_get_store (TernApplication *self, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  TernMailContext *context;

  g_return_val_if_fail (TERN_IS_APPLICATION (self), NULL);
  /* Read-only: a writer here would put fsyncs on the main loop. The
   * windows' connection does, when there is one. */
  if (self->mail_context != NULL)
    return tern_mail_context_get_store (self->mail_context);
  if (self->store == NULL)
    self->store = tern_store_open (self->data_dir, TERN_STORE_OPEN_READ_ONLY, &local_error);
  if (self->store != NULL)
    return self->store;
  /* No store yet (a mailto: link on the very first start): the mail
   * context creates it. */
  context = tern_application_get_mail_context (self);
  if (context == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return tern_mail_context_get_store (context);
}

TernStoreExecutor *
tern_application_get_store_executor (TernApplication *self)
{
  g_return_val_if_fail (TERN_IS_APPLICATION (self), NULL);
  /* One writer thread for the whole UI where possible: the mail context's. */
  if (self->mail_context != NULL)
    return tern_mail_context_get_executor (self->mail_context);
  if (self->executor == NULL)
    self->executor = tern_store_executor_new (self->data_dir);
  return self->executor;
}

void
tern_application_setup_environment (void)
{
  g_setenv ("GDK_GL", "disable", FALSE);
  g_setenv ("WEBKIT_DISABLE_COMPOSITING_MODE", "1", FALSE);
}
