/* tern-account-wizard-private.h: what the account wizard's files share.
 *
 * The wizard is one class split by concern:
 *   tern-account-wizard.c            the GObject, its template and public API
 *   tern-account-wizard-pages.c      page order, completeness, entering and
 *                                    leaving pages, Next/Back
 *   tern-account-wizard-fields.c     reading the fields into settings, ports
 *                                    that follow the security choice, the
 *                                    POP3 and sending-server pages' reactions
 *   tern-account-wizard-discovery.c  the lookup page and filling from it
 *   tern-account-wizard-test.c       the connection test page, certificate
 *                                    and foreign-host questions, "Change…"
 *   tern-account-wizard-save.c       saving (store row, then libsecret) and
 *                                    loading an edited account's passwords
 *   tern-account-wizard-oauth.c      providers that sign in on their own page
 *                                    (OAuth2): the sign-in in place of the
 *                                    password, the token for the test
 *   tern-account-wizard-goa.c        accounts from GNOME Online Accounts
 * A new page gets its own file with an enter function called from
 * tern_wizard_enter_page() and its order in tern-account-wizard-pages.c.
 */
#pragma once

#include "tern-account-wizard.h"
#include "tern-connection-test.h"
#include "tern-oauth-sign-in.h"
#include "oauth/tern-oauth-goa.h"

G_BEGIN_DECLS

#define N_SIDES 2

struct _TernAccountWizard
{
  GtkWindow parent_instance;

  TernStoreExecutor *executor;       /* the application's: saving the account */
  TernAccountSettings *editing;      /* NULL when adding */
  GQueue history;                    /* page names (static strings) */

  TernAutoconfig *autoconfig;
  GCancellable *discovery_cancellable;
  TernDiscoveredConfig *discovered;
  char *discovered_email;            /* the address the lookup ran for */
  gboolean discovery_running;
  gboolean discovery_applied;

  GCancellable *test_cancellable;
  gboolean test_running[N_SIDES];
  gboolean test_ok[N_SIDES];
  TernConnectionField test_field[N_SIDES];
  TernCertificateInfo *pending_cert[N_SIDES];
  char *pin[N_SIDES];                /* fingerprints the user trusted */
  GtkWidget *cert_dialog;
  TernConnectionSide cert_side;
  GtkWidget *host_dialog;            /* "your password will be sent to ..." */
  GPtrArray *confirmed_hosts;        /* char*: foreign hosts the user accepted */

  TernSecurity last_security[N_SIDES];
  const char *last_incoming_service;
  gboolean saving;
  char *oauth_provider;              /* "google" when the address signs in there, else NULL */
  GCancellable *goa_cancellable;
  GPtrArray *goa_accounts;           /* TernOAuthGoaAccount: GOA's mail accounts */
  const TernOAuthGoaAccount *goa;    /* the one chosen (in goa_accounts), or NULL */
  char *goa_token;                   /* its access token, for the connection test only */
  gboolean keeps_sign_in;            /* editing an OAuth2 or GOA account at its address */
  gboolean sign_in_after_lookup;     /* the sign-in is on the lookup page (ISPDB said OAuth2) */
  char *kept_token;                  /* that account's access token, for the test only */
  gboolean kept_token_pending;       /* still being fetched (the test waits for it) */

  GtkStack *stack;
  GtkButton *back_button;
  GtkButton *next_button;
  GtkEntry *name_entry;
  GtkEntry *email_entry;
  GtkEntry *password_entry;
  GtkLabel *identity_intro;
  GtkWidget *password_label;
  GtkWidget *password_hint;
  TernOAuthSignIn *oauth_sign_in;     /* shown in place of the three above */
  GtkBox *goa_box;
  GtkBox *discovery_sign_in_box;
  GtkEntry *incoming_password_entry;  /* shares password_entry's buffer */
  GtkWidget *incoming_password_label;
  GtkSpinner *discovery_spinner;
  GtkLabel *discovery_title;
  GtkLabel *discovery_status;
  GtkLabel *discovery_result;
  GtkButton *discovery_cancel;
  GtkToggleButton *protocol_imap_radio;
  GtkToggleButton *protocol_pop3_radio;
  GtkLabel *protocol_imap_explanation;
  GtkLabel *protocol_pop3_explanation;
  GtkLabel *incoming_intro;
  GtkEntry *incoming_host_entry;
  GtkSpinButton *incoming_port_spin;
  GtkComboBox *incoming_security_combo;
  GtkEntry *incoming_user_entry;
  GtkToggleButton *incoming_plain_check;
  GtkToggleButton *retention_keep_check;
  GtkToggleButton *retention_never_radio;
  GtkToggleButton *retention_after_radio;
  GtkSpinButton *retention_days_spin;
  GtkWidget *retention_days_label;
  GtkWidget *retention_days_unit;
  GtkToggleButton *retention_delete_here_check;
  GtkLabel *retention_effect;
  GtkEntry *outgoing_host_entry;
  GtkSpinButton *outgoing_port_spin;
  GtkComboBox *outgoing_security_combo;
  GtkComboBox *outgoing_auth_combo;
  GtkWidget *outgoing_user_label;
  GtkEntry *outgoing_user_entry;
  GtkWidget *outgoing_password_label;
  GtkEntry *outgoing_password_entry;
  GtkToggleButton *outgoing_plain_check;
  GtkStack *incoming_test_state;
  GtkLabel *incoming_test_label;
  GtkWidget *incoming_fix_button;
  GtkStack *outgoing_test_state;
  GtkLabel *outgoing_test_label;
  GtkWidget *outgoing_fix_button;
  GtkWidget *retest_button;
  GtkWidget *offline_intro;
  GtkWidget *offline_all_radio;
  GtkToggleButton *offline_recent_radio;
  GtkSpinButton *offline_days_spin;
  GtkWidget *offline_days_unit;
  GtkEntry *account_name_entry;
  GtkLabel *finish_error;
  GtkLabel *finish_summary;
};

/* tern-account-wizard.c */
void tern_wizard_emit_saved (TernAccountWizard *self, gint64 id);

/* tern-account-wizard-fields.c */
void tern_wizard_set_str (char **where, const char *value);
const char *tern_wizard_text_of (GtkEntry *entry);
char *tern_wizard_trimmed (GtkEntry *entry);
gboolean tern_wizard_is_pop3 (TernAccountWizard *self);
const char *tern_wizard_incoming_service (TernAccountWizard *self);
TernSecurity tern_wizard_security_of (GtkComboBox *combo);
void tern_wizard_set_security (GtkComboBox *combo, TernSecurity security);
guint16 tern_wizard_port_of (GtkSpinButton *spin);
TernAccountSettings *tern_wizard_collect_settings (TernAccountWizard *self);
const char *tern_wizard_outgoing_password (TernAccountWizard *self);
void tern_wizard_on_security_changed (TernAccountWizard *self, GtkComboBox *combo);
void tern_wizard_on_protocol_toggled (TernAccountWizard *self);
void tern_wizard_on_retention_changed (TernAccountWizard *self);
void tern_wizard_on_outgoing_auth_changed (TernAccountWizard *self);

/* tern-account-wizard-discovery.c */
gboolean tern_wizard_email_is_plausible (const char *email);
void tern_wizard_start_discovery (TernAccountWizard *self);
void tern_wizard_on_discovery_cancel (TernAccountWizard *self);
void tern_wizard_apply_discovery (TernAccountWizard *self);
void tern_wizard_apply_protocol_choice (TernAccountWizard *self);

/* tern-account-wizard-test.c */
void tern_wizard_start_tests (TernAccountWizard *self);
void tern_wizard_on_incoming_fix (TernAccountWizard *self);
void tern_wizard_on_outgoing_fix (TernAccountWizard *self);

/* tern-account-wizard-pages.c */
const char *tern_wizard_current_page (TernAccountWizard *self);
void tern_wizard_update_buttons (TernAccountWizard *self);
void tern_wizard_enter_page (TernAccountWizard *self, const char *page);
void tern_wizard_leave_page (TernAccountWizard *self, const char *page);
void tern_wizard_on_next (TernAccountWizard *self);
void tern_wizard_on_back (TernAccountWizard *self);
void tern_wizard_go_back_to (TernAccountWizard *self, const char *page, GtkWidget *field);
void tern_wizard_on_field_changed (GtkWidget *field, TernAccountWizard *self);

/* tern-account-wizard-oauth.c */
void tern_wizard_update_sign_in (TernAccountWizard *self);
void tern_wizard_sign_in_after_lookup (TernAccountWizard *self);
const char *tern_wizard_restart_sign_in (TernAccountWizard *self);
void tern_wizard_on_signed_in (TernAccountWizard *self);
gboolean tern_wizard_identity_has_login (TernAccountWizard *self);
const char *tern_wizard_credential (TernAccountWizard *self, TernConnectionSide side);
void tern_wizard_apply_provider_servers (TernAccountWizard *self);
void tern_wizard_collect_sign_in (TernAccountWizard *self, TernAccountSettings *s);
TernOAuthTokens *tern_wizard_copy_tokens (TernAccountWizard *self);

/* tern-account-wizard-goa.c */
void tern_wizard_goa_start (TernAccountWizard *self);
void tern_wizard_goa_forget (TernAccountWizard *self);

/* tern-account-wizard-save.c */
void tern_wizard_wipe (char *secret);
void tern_wizard_save_account (TernAccountWizard *self);
void tern_wizard_fill_from_settings (TernAccountWizard *self, const TernAccountSettings *s);

G_END_DECLS
