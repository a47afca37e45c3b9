/* fuzz-feed.h: plays a server from fuzz input, for the protocol targets.
 * The bytes are written to one end of a socketpair and that end is shut
 * for writing (end of stream after them); the other end becomes a Tern
 * stream, so the bytes pass Tern's stream layer exactly as a server's do. */
#pragma once

#include <libetpan/libetpan.h>
#include "core/tern-server-config.h"
#include "store/tern-store.h"

/* A plain Tern stream that reads @data then end of stream; NULL if the
 * input cannot be fed (too large for the socket buffer). *peer is the
 * server's end, to close after the session. */
mailstream *fuzz_feed_stream (const guint8 *data, size_t size, const TernServerConfig *cfg,
                              int *peer);

/* One store for the whole fuzzing process, in a temporary directory that
 * is removed at exit. */
TernStore *fuzz_feed_store (void);

/* A new account of @protocol in fuzz_feed_store(), removed by the caller. */
TernAccountSettings *fuzz_feed_account (TernProtocol protocol);

/* Quiet GLib logging: hostile input makes the engine warn, which is fine;
 * a critical still aborts. */
void fuzz_feed_init (void);
