/* tern-pop3-fetch.h: download a POP3 inbox into the account's local Inbox.
 *
 * Runs on the account's worker thread (or in tern-cli), blocking, over a
 * logged-in session from tern_pop3_connect(). POP3 users keep their mail on
 * their own disk, so the order of work never risks a message:
 *
 *   STAT, LIST, UIDL (every reply validated here: libetpan's LIST parser
 *   writes out of bounds on a message number 0, so Tern never calls it)
 *   -> RETR of the new messages, a batch at a time (pipelined when the
 *      server offers PIPELINING), overlapped: batch N+2 downloads on the
 *      calling thread while batch N+1 is parsed (up to four threads) and
 *      batch N is stored by one store thread; at most three batches in
 *      memory
 *   -> insert into Inbox and record each UIDL with its download time in
 *      one transaction per batch, batches committed in download order
 *   -> after the last batch is committed, one fsync makes every commit
 *      durable, and only then DELE (leave-on-server off; retention days
 *      passed; deleted here with "delete when deleted here"); nothing is
 *      deleted in a run whose download broke off
 *   -> QUIT, which makes the server apply the deletions; only after its +OK
 *      are the UIDLs of deleted messages forgotten.
 *
 * A process killed anywhere in between loses nothing and duplicates
 * nothing: an uncommitted message was not deleted on the server and is
 * downloaded again; a committed one is known by its UIDL; DELEs without a
 * QUIT are undone by the server.
 *
 * A server without UIDL cannot support leave-on-server
 * (TERN_ERROR_UNSUPPORTED); with leave-on-server off Tern downloads and
 * deletes everything, recognising a message it already stored (killed
 * before QUIT) by a SHA-256 of its bytes.
 */
#pragma once

#include <gio/gio.h>
#include <libetpan/libetpan.h>

#include "core/tern-account-settings.h"
#include "store/tern-store.h"

G_BEGIN_DECLS

/* Messages larger than this (by LIST) are left on the server with a
 * TERN_ERROR_TOO_LARGE at the end of the run; libetpan-style buffering of a
 * whole message in memory must stay bounded. */
#define TERN_POP3_DEFAULT_MAX_MESSAGE_SIZE (256u * 1024 * 1024)

typedef struct {
  guint done;        /* new messages downloaded so far */
  guint total;       /* new messages to download in this run */
  guint64 bytes;     /* bytes of message data received so far */
} TernPop3Progress;

typedef void (*TernPop3ProgressFunc) (const TernPop3Progress *progress, gpointer user_data);

/* The points of a session, for tests that kill Tern between any two. */
typedef enum {
  TERN_POP3_STEP_RETR,       /* one message received (not yet stored) */
  TERN_POP3_STEP_COMMIT,     /* a batch committed (called on the store thread) */
  TERN_POP3_STEP_DELE,       /* one DELE acknowledged */
  TERN_POP3_STEP_QUIT,       /* about to send QUIT */
  TERN_POP3_STEP_DONE,       /* QUIT acknowledged, UIDLs cleaned up */
} TernPop3Step;

typedef void (*TernPop3StepFunc) (TernPop3Step step, gpointer user_data);

typedef struct {
  guint on_server;   /* messages the server listed */
  guint downloaded;  /* new messages stored locally */
  guint deleted;     /* messages deleted from the server (QUIT confirmed) */
} TernPop3FetchResult;

#define TERN_TYPE_POP3_FETCH (tern_pop3_fetch_get_type ())
G_DECLARE_FINAL_TYPE (TernPop3Fetch, tern_pop3_fetch, TERN, POP3_FETCH, GObject)

/* @store is the account worker's writer; @account gives the retention
 * settings (copied). The account must have an Inbox (the store creates the
 * local folders of POP3 accounts). */
TernPop3Fetch *tern_pop3_fetch_new (TernStore *store, const TernAccountSettings *account);

/* The clock for download times and retention (Unix time); 0 (default)
 * means the real clock. Tests fake days with it. */
void tern_pop3_fetch_set_now (TernPop3Fetch *self, gint64 now);
void tern_pop3_fetch_set_progress_func (TernPop3Fetch *self, TernPop3ProgressFunc func,
                                        gpointer user_data);
void tern_pop3_fetch_set_step_func (TernPop3Fetch *self, TernPop3StepFunc func,
                                    gpointer user_data);
/* Messages and bytes per batch (defaults 200 and 8 MiB). */
void tern_pop3_fetch_set_batch (TernPop3Fetch *self, guint max_messages, gsize max_bytes);
void tern_pop3_fetch_set_max_message_size (TernPop3Fetch *self, gsize max_size);

/* Downloads new mail and applies retention, then QUITs. Takes ownership
 * of @pop3 (closed and freed before returning, also on failure). Errors:
 * connection errors from the TLS layer, TERN_ERROR_PROTOCOL (malformed
 * reply; nothing of the broken message is stored), TERN_ERROR_UNSUPPORTED
 * (no UIDL with leave-on-server), TERN_ERROR_TOO_LARGE (some messages were
 * left on the server; the others were downloaded), store errors.
 * @result (optional) is filled also on failure. */
gboolean tern_pop3_fetch_run (TernPop3Fetch *self, mailpop3 *pop3, GCancellable *cancellable,
                              TernPop3FetchResult *result, GError **error);

G_END_DECLS
