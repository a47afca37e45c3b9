/* tern-account-wizard-pages.c: the account wizard's navigation.
 *
 * Navigation keeps a history of visited pages, so Back returns to where the
 * user came from whichever pages were skipped (lookup when editing, the POP3
 * page for IMAP).
 */
#include <glib/gi18n.h>
#include <string.h>

#include "tern-account-wizard-private.h"

/* ---- Navigation ------------------------------------------------------------ */

const char *
tern_wizard_current_page (TernAccountWizard *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

static gboolean
page_is_complete (TernAccountWizard *self, const char *page)
{
  g_autofree char *in_host = tern_wizard_trimmed (self->incoming_host_entry);
  g_autofree char *in_user = tern_wizard_trimmed (self->incoming_user_entry);
  g_autofree char *out_host = tern_wizard_trimmed (self->outgoing_host_entry);
  g_autofree char *out_user = tern_wizard_trimmed (self->outgoing_user_entry);
  g_autofree char *name = tern_wizard_trimmed (self->account_name_entry);
  g_autofree char *email = tern_wizard_trimmed (self->email_entry);

  if (g_str_equal (page, "identity"))
    return tern_wizard_email_is_plausible (email) && tern_wizard_identity_has_login (self);
  if (g_str_equal (page, "discovery"))
    return !self->discovery_running
           && (!self->sign_in_after_lookup || tern_oauth_sign_in_get_tokens (self->oauth_sign_in) != NULL);
  if (g_str_equal (page, "incoming"))
    return *in_host != '\0' && *in_user != '\0'
           && (tern_wizard_security_of (self->incoming_security_combo) != TERN_SECURITY_NONE
               || gtk_toggle_button_get_active (self->incoming_plain_check));
  if (g_str_equal (page, "outgoing"))
    return *out_host != '\0'
           && (g_strcmp0 (gtk_combo_box_get_active_id (self->outgoing_auth_combo), "other") != 0
               || *out_user != '\0')
           && (tern_wizard_security_of (self->outgoing_security_combo) != TERN_SECURITY_NONE
               || gtk_toggle_button_get_active (self->outgoing_plain_check));
  if (g_str_equal (page, "test"))
    return self->test_ok[0] && self->test_ok[1];
  if (g_str_equal (page, "finish"))
    return *name != '\0' && !self->saving;
  return TRUE;
}

void
tern_wizard_update_buttons (TernAccountWizard *self)
{
  const char *page = tern_wizard_current_page (self);

  if (page == NULL)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), page_is_complete (self, page));
  gtk_widget_set_sensitive (GTK_WIDGET (self->back_button),
                            !g_queue_is_empty (&self->history) && !self->saving);
  if (g_str_equal (page, "finish"))
    gtk_button_set_label (self->next_button, self->editing ? _("_Save") : _("_Add Account"));
  else
    gtk_button_set_label (self->next_button, _("_Next"));
}

static const char *
next_page_after (TernAccountWizard *self, const char *page)
{
  if (g_str_equal (page, "identity"))
    return self->editing ? "protocol" : "discovery";
  if (g_str_equal (page, "discovery"))
    return "protocol";
  if (g_str_equal (page, "protocol"))
    return "incoming";
  if (g_str_equal (page, "incoming"))
    return tern_wizard_is_pop3 (self) ? "retention" : "outgoing";
  if (g_str_equal (page, "retention"))
    return "outgoing";
  if (g_str_equal (page, "outgoing"))
    return "test";
  if (g_str_equal (page, "test"))
    return "finish";
  return NULL;
}

/* The field a page starts in: the first one, or the chosen option. */
static GtkWidget *
first_field (TernAccountWizard *self, const char *page)
{
  if (g_str_equal (page, "identity"))
    return GTK_WIDGET (self->name_entry);
  if (g_str_equal (page, "discovery"))
    return GTK_WIDGET (self->discovery_running ? self->discovery_cancel : self->next_button);
  if (g_str_equal (page, "protocol"))
    return GTK_WIDGET (tern_wizard_is_pop3 (self) ? self->protocol_pop3_radio : self->protocol_imap_radio);
  if (g_str_equal (page, "incoming"))
    return GTK_WIDGET (self->incoming_host_entry);
  if (g_str_equal (page, "retention"))
    return GTK_WIDGET (self->retention_keep_check);
  if (g_str_equal (page, "outgoing"))
    return GTK_WIDGET (self->outgoing_host_entry);
  if (g_str_equal (page, "finish"))
    return GTK_WIDGET (self->account_name_entry);
  return GTK_WIDGET (self->next_button);   /* the test: Next once it worked */
}

/* Moves the focus to the shown page's first field. */
static void
focus_page (TernAccountWizard *self)
{
  GtkWidget *field = first_field (self, tern_wizard_current_page (self));

  if (gtk_widget_is_sensitive (field) && gtk_widget_get_visible (field))
    gtk_widget_grab_focus (field);
}

/* No sending server from the lookup: the receiving server's host is the
 * best guess, on the submission port that fits its security. */
static void
guess_outgoing (TernAccountWizard *self)
{
  g_autofree char *out_host = tern_wizard_trimmed (self->outgoing_host_entry);
  g_autofree char *in_host = tern_wizard_trimmed (self->incoming_host_entry);
  TernSecurity security = tern_wizard_security_of (self->incoming_security_combo) == TERN_SECURITY_TLS
                          ? TERN_SECURITY_TLS : TERN_SECURITY_STARTTLS;

  if (self->editing != NULL || *out_host != '\0' || *in_host == '\0')
    return;
  gtk_entry_set_text (self->outgoing_host_entry, in_host);
  tern_wizard_set_security (self->outgoing_security_combo, security);
  gtk_spin_button_set_value (self->outgoing_port_spin, tern_default_port ("smtp", security));
}

void
tern_wizard_enter_page (TernAccountWizard *self, const char *page)
{
  gtk_stack_set_visible_child_name (self->stack, page);
  if (g_str_equal (page, "discovery"))
    tern_wizard_start_discovery (self);
  else if (g_str_equal (page, "protocol"))
    {
      if (!self->editing)
        tern_wizard_apply_discovery (self);
    }
  else if (g_str_equal (page, "incoming"))
    {
      tern_wizard_apply_protocol_choice (self);
      gtk_label_set_text (self->incoming_intro,
                          tern_wizard_is_pop3 (self)
                          ? _("Tern downloads your mail from this server. Providers often call it the "
                              "“incoming” or “POP3” server.")
                          : _("Tern reads your mail on this server. Providers often call it the "
                              "“incoming” or “IMAP” server."));
    }
  else if (g_str_equal (page, "retention"))
    tern_wizard_on_retention_changed (self);
  else if (g_str_equal (page, "outgoing"))
    guess_outgoing (self);
  else if (g_str_equal (page, "test"))
    tern_wizard_start_tests (self);
  else if (g_str_equal (page, "finish"))
    {
      gboolean imap = !tern_wizard_is_pop3 (self);

      if (*tern_wizard_text_of (self->account_name_entry) == '\0')
        gtk_entry_set_text (self->account_name_entry, tern_wizard_text_of (self->email_entry));
      gtk_widget_set_visible (self->offline_intro, imap);
      gtk_widget_set_visible (self->offline_all_radio, imap);
      gtk_widget_set_visible (GTK_WIDGET (self->offline_recent_radio), imap);
      gtk_widget_set_visible (GTK_WIDGET (self->offline_days_spin), imap);
      gtk_widget_set_visible (self->offline_days_unit, imap);
      gtk_label_set_text (self->finish_error, "");
      gtk_label_set_text (self->finish_summary,
                          self->editing ? _("Tern will use the new settings from now on.")
                          : imap ? _("When you add the account, Tern starts copying your folders "
                                     "and mail. You can read mail while it works.")
                          : _("When you add the account, Tern starts downloading the mail in "
                              "your inbox. You can read mail while it works."));
    }
  tern_wizard_update_buttons (self);
  focus_page (self);
}

void
tern_wizard_leave_page (TernAccountWizard *self, const char *page)
{
  if (g_str_equal (page, "discovery") && self->discovery_running)
    tern_wizard_on_discovery_cancel (self);
  else if (g_str_equal (page, "test"))
    {
      g_cancellable_cancel (self->test_cancellable);
      self->test_running[0] = self->test_running[1] = FALSE;
    }
}

void
tern_wizard_on_next (TernAccountWizard *self)
{
  const char *page = tern_wizard_current_page (self);
  const char *next;

  if (!page_is_complete (self, page))
    return;
  next = next_page_after (self, page);
  if (next == NULL)
    {
      tern_wizard_save_account (self);
      return;
    }
  tern_wizard_leave_page (self, page);
  g_queue_push_head (&self->history, (gpointer) g_intern_string (page));
  tern_wizard_enter_page (self, next);
}

void
tern_wizard_on_back (TernAccountWizard *self)
{
  const char *page = g_queue_pop_head (&self->history);

  if (page == NULL)
    return;
  tern_wizard_leave_page (self, tern_wizard_current_page (self));
  gtk_stack_set_visible_child_name (self->stack, page);
  tern_wizard_update_buttons (self);
  focus_page (self);
}

/* Goes back to @page (which must be in the history) and marks @field. */
void
tern_wizard_go_back_to (TernAccountWizard *self, const char *page, GtkWidget *field)
{
  while (!g_queue_is_empty (&self->history) && !g_str_equal (tern_wizard_current_page (self), page))
    tern_wizard_on_back (self);
  if (field != NULL)
    {
      gtk_style_context_add_class (gtk_widget_get_style_context (field), "error");
      gtk_widget_grab_focus (field);
    }
}

void
tern_wizard_on_field_changed (GtkWidget *field, TernAccountWizard *self)
{
  GtkWidget *login[] = { GTK_WIDGET (self->incoming_user_entry), GTK_WIDGET (self->incoming_password_entry),
                         GTK_WIDGET (self->password_entry), GTK_WIDGET (self->outgoing_user_entry),
                         GTK_WIDGET (self->outgoing_password_entry) };

  gtk_style_context_remove_class (gtk_widget_get_style_context (field), "error");
  /* A failed login marks the user name and the password: a change to
   * either is the fix. */
  for (guint i = 0; i < G_N_ELEMENTS (login); i++)
    if (field == login[i])
      for (guint j = 0; j < G_N_ELEMENTS (login); j++)
        gtk_style_context_remove_class (gtk_widget_get_style_context (login[j]), "error");
  tern_wizard_update_buttons (self);
}
