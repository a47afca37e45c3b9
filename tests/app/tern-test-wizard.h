/* tern-test-wizard.h: driving the account wizard in tests, as a user would
 * (test-account-wizard, test-account-wizard-oauth). */
#pragma once

#include <gtk/gtk.h>

#include "tern-account-wizard.h"

G_BEGIN_DECLS

/* The widget with builder id @name below @root (template children keep
 * their ids); fails the test when there is none. */
GtkWidget *tern_test_find (gpointer root, const char *name);

/* Presses Next (which must be sensitive). */
void tern_test_wizard_next (TernAccountWizard *wizard);

/* Whether the test page's @side ("incoming", "outgoing") shows @state
 * ("busy", "ok", "failed"). */
gboolean tern_test_wizard_test_state_is (TernAccountWizard *wizard, const char *side,
                                         const char *state);

/* The message dialog shown now (a question the wizard asks), or NULL. */
GtkMessageDialog *tern_test_find_message_dialog (void);

G_END_DECLS
