/* tern-window-accounts.c: the sidebar's menu of an account's own row
 * (right click, Shift+F10 or the Menu key on it): Sync Now, a new password
 * (or, for OAuth2, signing in again), Archive to This Computer…, New
 * Folder… and Remove Account….
 *
 * Items name their actions with the account id as target; an action that
 * is not there (app.sign-in-again, win.archive-account come from other
 * parts) leaves its item insensitive, as GtkMenu does for any unknown
 * action. Removal asks first, as in the Accounts window
 * (tern-account-removal.c).
 */
#include <glib/gi18n.h>

#include "tern-account-removal.h"
#include "tern-window-private.h"

static void
append (GMenu *menu, const char *label, const char *action, gint64 target)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, action, g_variant_new_int64 (target));
  g_menu_append_item (menu, item);
}

/* A folder of the account at the top (Inbox): win.folder-new on it makes a
 * folder at the top of the account. 0 before the first sync. */
static gint64
top_folder (TernStore *store, gint64 account_id)
{
  g_autoptr(TernFolder) inbox = tern_store_get_folder_by_role (store, account_id,
                                                               TERN_FOLDER_ROLE_INBOX, NULL);

  return inbox != NULL ? inbox->id : 0;
}

GMenuModel *
_tern_window_account_menu (TernWindow *self, gint64 account_id)
{
  TernStore *store = _tern_window_get_store (self);
  g_autoptr(TernAccountSettings) account = tern_store_get_account (store, account_id, NULL);
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) sync = g_menu_new ();
  g_autoptr(GMenu) folders = g_menu_new ();
  g_autoptr(GMenu) removal = g_menu_new ();
  gint64 top;

  if (account == NULL)
    return G_MENU_MODEL (menu);
  append (sync, _("_Sync Now"), "win.account-sync", account_id);
  if (account->sign_in == TERN_SIGN_IN_OAUTH2)
    append (sync, _("Sign _In Again…"), "app.sign-in-again", account_id);
  else
    append (sync, _("Enter New _Password…"), "app.enter-password", account_id);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (sync));
  append (folders, _("_Archive to This Computer…"), "win.archive-account", account_id);
  if ((top = top_folder (store, account_id)) != 0)
    append (folders, _("_New Folder…"), "win.folder-new", top);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (folders));
  append (removal, _("_Remove Account…"), "win.remove-account", account_id);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (removal));
  return G_MENU_MODEL (menu);
}

gboolean
_tern_window_popup_account_menu (TernWindow *self, gint64 account_id, const GdkEvent *event)
{
  g_autoptr(GMenuModel) model = _tern_window_account_menu (self, account_id);

  if (g_menu_model_get_n_items (model) == 0)
    return FALSE;
  _tern_window_popup_sidebar_menu (self, model, event);
  return TRUE;
}

static void
activate_account_sync (GSimpleAction *a, GVariant *p, gpointer w)
{
  tern_mail_context_retry (TERN_WINDOW (w)->context, g_variant_get_int64 (p));
}

static void
on_account_removed (gboolean removed, gint64 account_id, const GError *error, gpointer data)
{
  TernWindow *self = data;

  if (error != NULL)
    {
      g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>\n%s",
                                                         _("The account could not be removed."),
                                                         error->message);
      _tern_window_show_error (self, 0, markup);
    }
  else if (removed)
    tern_folder_sidebar_reload (self->sidebar, _tern_window_get_store (self));
}

static void
activate_remove_account (GSimpleAction *a, GVariant *p, gpointer w)
{
  TernWindow *self = w;
  g_autoptr(TernAccountSettings) account = tern_store_get_account (_tern_window_get_store (self),
                                                                   g_variant_get_int64 (p), NULL);

  if (account != NULL)
    tern_account_removal_confirm (GTK_WINDOW (self), tern_mail_context_get_executor (self->context),
                                  account, on_account_removed, g_object_ref (self), g_object_unref);
}

static const GActionEntry account_entries[] = {
  { "account-sync", activate_account_sync, "x", NULL, NULL },
  { "remove-account", activate_remove_account, "x", NULL, NULL },
};

void
_tern_window_accounts_init (TernWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), account_entries,
                                   G_N_ELEMENTS (account_entries), self);
}
