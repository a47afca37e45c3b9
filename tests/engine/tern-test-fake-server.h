/* tern-test-fake-server.h: a scripted line server on loopback, for hostile
 * behaviour only (STARTTLS injection, STARTTLS not offered, ...). Real
 * protocol behaviour is tested against real servers. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const char *command;  /* matched at the start of a line or after the tag */
  const char *reply;    /* "{tag}" is replaced by the line's first word; a
                         * reply ending in "{close}" closes the connection;
                         * one starting with "{trickle}" is sent a byte
                         * every 300 ms. The greeting may use both too. */
} TernFakeStep;

typedef struct TernFakeServer TernFakeServer;

/* Serves one connection: sends greeting, then answers each line with the
 * first step whose command matches; closes on a line no step matches.
 * steps ends with { NULL, NULL }. */
TernFakeServer *tern_fake_server_start (const char *greeting, const TernFakeStep *steps);
guint16 tern_fake_server_port (TernFakeServer *server);
/* Waits for the connection to end; returns the lines received (CRLF cut). */
GPtrArray *tern_fake_server_finish (TernFakeServer *server);

/* TRUE if any received line starts with prefix or has it after the tag. */
gboolean tern_fake_lines_have (GPtrArray *lines, const char *command);

G_END_DECLS
