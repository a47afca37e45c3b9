/* tern-cli-context.h: what every tern-cli command shares: the data
 * directory, the store, the password store, account lookup, printing of
 * errors with exit codes that say what failed. */
#pragma once

#include <json-glib/json-glib.h>
#include <stdio.h>

#include "account/tern-account-sync.h"
#include "autoconfig/tern-autoconfig.h"
#include "core/tern-account-settings.h"
#include "net/tern-certificate-info.h"
#include "core/tern-error.h"
#include "account/tern-secrets.h"
#include "store/tern-store.h"

G_BEGIN_DECLS

/* Exit codes (also in tern-cli --help). */
enum {
  TERN_EXIT_OK = 0,
  TERN_EXIT_FAILED = 1,
  TERN_EXIT_USAGE = 2,
  TERN_EXIT_AUTH = 3,
  TERN_EXIT_HOST = 4,        /* host not found */
  TERN_EXIT_CONNECT = 5,     /* refused, timed out, lost, offline */
  TERN_EXIT_CERTIFICATE = 6,
  TERN_EXIT_PROTOCOL = 7,    /* server misbehaved or lacks a feature, STARTTLS missing */
  TERN_EXIT_NOT_FOUND = 8,
  TERN_EXIT_STORE = 9,       /* local database or disk */
  TERN_EXIT_REJECTED = 10,   /* SMTP refused the message for good */
  TERN_EXIT_SIGN_IN = 11,    /* OAuth2 sign-in expired or revoked: sign in again */
};

typedef struct {
  char *data_dir;
  TernSecretsBackend secrets_backend;
  gboolean json;
  TernStore *store;          /* opened on first use */
  TernSecrets *secrets;
} TernCli;

/* Global state is this one struct, made in main(). */
TernCli *tern_cli_get (void);

TernStore *tern_cli_store (GError **error);
TernSecrets *tern_cli_secrets (void);
/* The account called @name; "local" is "On this computer" (made on first use). */
TernAccountSettings *tern_cli_account (const char *name, GError **error);
#define TERN_CLI_LOCAL "local"

/* Prints "tern-cli: <message>" (and certificate details when given) and
 * returns the exit code for the error. */
int tern_cli_fail (const GError *error, const TernCertificateInfo *cert);
int tern_cli_usage (const char *usage);

/* Parses "12" or "<12>"-free message ids as used by list/show. */
gboolean tern_cli_parse_id (const char *text, gint64 *out);

/* Writes @root (consumed) as JSON to stdout, then a newline. */
void tern_cli_print_json (JsonNode *root);
/* One member of the object being built; a NULL string is JSON null. */
void tern_cli_json_string (JsonBuilder *json, const char *name, const char *value);
void tern_cli_json_int (JsonBuilder *json, const char *name, gint64 value);

/* The account's folder called @name: its server path, the name tern-cli
 * prints for it, or a role ("inbox", "sent", ...; so "INBOX" in any case,
 * and the local "Inbox" of a POP3 account). NOT_FOUND names folder and
 * account. Needs the store open (tern_cli_account does that). */
TernFolder *tern_cli_folder (const TernAccountSettings *account, const char *name,
                             GError **error);
/* The name tern-cli prints for a folder: IMAP paths decoded from modified
 * UTF-7 ("INBOX.&ANw-berweisungen" is "INBOX.Überweisungen"), as the
 * window shows them. */
char *tern_cli_folder_name (const TernAccountSettings *account, const TernFolder *folder);

/* Prints the messages @ids (at most @limit, 0: all) as list does (with a
 * column naming each one's folder when @with_folder), or as JSON with
 * --json (always with "folder"). */
int tern_cli_print_summaries (GArray *ids, guint limit, gboolean with_folder, GError **error);
/* The folder's conversations, newest first (tern-cli-threads.c). */
int tern_cli_print_threads (const TernFolder *folder, guint limit);

int tern_cli_account_main (int argc, char **argv);
int tern_cli_sync_main (int argc, char **argv);
int tern_cli_folders_main (int argc, char **argv);
int tern_cli_folder_main (int argc, char **argv);
int tern_cli_list_main (int argc, char **argv);
int tern_cli_show_main (int argc, char **argv);
int tern_cli_search_main (int argc, char **argv);
int tern_cli_flag_main (int argc, char **argv);
int tern_cli_move_main (int argc, char **argv);
int tern_cli_delete_main (int argc, char **argv);
int tern_cli_idle_main (int argc, char **argv);
int tern_cli_send_main (int argc, char **argv);
int tern_cli_outbox_main (int argc, char **argv);
int tern_cli_ops_main (int argc, char **argv);
int tern_cli_export_main (int argc, char **argv);
int tern_cli_thread_main (int argc, char **argv);
int tern_cli_import_main (int argc, char **argv);
int tern_cli_local_main (int argc, char **argv);
int tern_cli_archive_main (int argc, char **argv);
int tern_cli_quota_main (int argc, char **argv);

/* account add --discover (tern-cli-discover.c): runs discovery for @email;
 * then FALSE (TERN_ERROR_CERTIFICATE, with the question in plain words) when
 * @host needs the user's confirmation and @trust_hosts does not name it. */
TernDiscoveredConfig *tern_cli_discover (const char *email, GError **error);
gboolean tern_cli_host_is_trusted (const TernDiscoveredConfig *config,
                                   const char *host,
                                   char **trust_hosts,
                                   GError **error);

/* tern-cli-sync.c: the engine's account sync sequence for one command. */
TernAccountSync *tern_cli_session (TernAccountSettings *account);
/* Sends the account's queued mail now (and, for IMAP, files the copies in
 * Sent); prints what happened and returns the exit code. */
int tern_cli_process_outbox (TernAccountSettings *account);
/* IMAP: replays the queued changes now if the server can be reached. */
int tern_cli_replay_now (TernAccountSettings *account);

G_END_DECLS
