/* tern-test-cli.h: running the real tern-cli ($TERN_CLI) from a test. */
#pragma once

#include <gio/gio.h>

#include "tern-test-servers.h"

G_BEGIN_DECLS

/* Runs tern-cli --data-dir @data_dir --password-store=file with the
 * NULL-terminated arguments in @args, feeding @stdin_text (may be NULL).
 * Returns the exit status; *out and *err (each may be NULL) get its output.
 * With @no_ca, the child runs without the harness CA (TERN_EXTRA_CA_FILE),
 * so that certificates are untrusted. */
int tern_test_cli_runv (const char *data_dir, gboolean no_ca, const char *stdin_text,
                        char **out, char **err, va_list args);
int tern_test_cli_run (const char *data_dir, const char *stdin_text, char **out, char **err,
                       ...) G_GNUC_NULL_TERMINATED;

/* The harness's servers (@opts may be NULL) with one user, trusted by the
 * tern-cli children (TERN_EXTRA_CA_FILE). */
TernTestServers *tern_test_cli_servers_start (const TernTestServersOptions *opts, const char *user,
                                              const char *password);
/* A fresh data directory for tern-cli, and its removal with all it holds. */
char *tern_test_cli_data_dir_new (const char *name);
void tern_test_cli_data_dir_remove (const char *dir);

G_END_DECLS
