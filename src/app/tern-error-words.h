/* tern-error-words.h: an account's error in plain words, for the error bars.
 *
 * One line says whose mail and which direction ("Incoming mail for Work"),
 * the next what happened and what to do. The engine's words are shown only
 * where they are written for people (a server's refusal, a connection that
 * failed); database and library text goes to the log, never on screen.
 */
#pragma once

#include <glib.h>

#include "store/tern-store.h"

G_BEGIN_DECLS

/* What a bar can offer besides closing it. */
typedef enum {
  TERN_ERROR_OFFER_RETRY    = 1 << 0,   /* win.retry */
  TERN_ERROR_OFFER_EDIT     = 1 << 1,   /* win.error-edit: a refused message */
  TERN_ERROR_OFFER_PASSWORD = 1 << 2,   /* app.enter-password */
  TERN_ERROR_OFFER_SIGN_IN  = 1 << 3,   /* app.sign-in-again: an OAuth2 sign-in */
} TernErrorOffer;

/* "Incoming mail for Work" / "Outgoing mail for Home" (@account may be NULL). */
char *tern_error_words_title (const TernAccountSettings *account, gboolean outgoing);

/* The bar's markup for @error of @account (NULL: unknown); *@offer says
 * which buttons fit. Text not meant for people goes only to the log (g_message). */
char *tern_error_words_describe (const TernAccountSettings *account, const GError *error,
                                 gboolean outgoing, TernErrorOffer *offer);

/* The bar's markup for messages that wait in the outbox: @n_failed were
 * refused for good, @n_waiting wait for another try; @reason is the last
 * one the server gave (may be NULL). */
char *tern_error_words_outbox (const TernAccountSettings *account, guint n_failed,
                               guint n_waiting, const char *reason, TernErrorOffer *offer);

/* The incoming line for what @account's server said to the user without
 * failing (an IMAP ALERT, an untagged NO): "The server Work says: …". */
char *tern_error_words_server_said (const TernAccountSettings *account, const char *words);

/* Whether @error is a connection that failed (refused, timed out, lost,
 * no such host, offline): the engine's sentence says which server. */
gboolean tern_error_words_is_connection_error (const GError *error);

/* Whether @error's message was written for people (shown) rather than
 * raw database or library text (logged only). */
gboolean tern_error_words_message_is_plain (const GError *error);

G_END_DECLS
