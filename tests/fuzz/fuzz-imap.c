/* fuzz-imap: the bytes are what an IMAP server says from its greeting on,
 * read through Tern's stream (with its IMAP guard) by libetpan and Tern's
 * handlers: capabilities and login (tern_imap_connect_stream), the folder
 * list, a sync of INBOX (select, new messages, bodies, flags, expunges) and
 * a body fetch, all storing into a real store. */
#include <string.h>
#include <unistd.h>

#include "imap/tern-imap-connect.h"
#include "imap/tern-imap-sync.h"
#include "fuzz-feed.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* libetpan 1.9.4 dereferences NULL on a malformed [PERMANENTFLAGS ( code
 * (fixed upstream, not in Debian 12; test-imap-hostile lists it as known).
 * Sync runs in a process of its own, so that crash costs one sync; here it
 * would only stop the fuzzer at the same known bug again and again. */
static gboolean
hits_known_libetpan_crash (const guint8 *data, size_t size)
{
  static const char word[] = "PERMANENTFLAGS";

  for (size_t i = 0; i + sizeof word - 1 <= size; i++)
    if (g_ascii_strncasecmp ((const char *) data + i, word, sizeof word - 1) == 0)
      return TRUE;
  return FALSE;
}

static void
run_session (mailstream *stream, TernAccountSettings *a, const TernServerConfig *cfg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernImapSync) sync = NULL;
  g_autoptr(TernFolder) inbox = NULL;
  mailimap *imap = tern_imap_connect_stream (stream, cfg, "secret", NULL, &error);

  if (imap != NULL)
    {
      sync = tern_imap_sync_new (imap, fuzz_feed_store (), a->id);
      if (tern_imap_sync_folder_list (sync, NULL, &error) &&
          tern_imap_sync_folder (sync, "INBOX", NULL, &error))
        inbox = tern_store_get_folder_by_role (fuzz_feed_store (), a->id,
                                               TERN_FOLDER_ROLE_INBOX, NULL);
    }
  if (inbox != NULL)
    {
      gint64 id = tern_store_find_by_uid (fuzz_feed_store (), inbox->id, 1, NULL);

      if (id > 0)
        tern_imap_sync_fetch_body (sync, id, NULL, &error);
    }
  /* For writing seeds: how far the session got. */
  if (g_getenv ("TERN_FUZZ_VERBOSE"))
    g_printerr ("imap: %u messages in INBOX; %s\n", inbox ? inbox->total_count : 0,
                error ? error->message : "no error");
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static gboolean ready;
  g_autoptr(TernAccountSettings) a = NULL;
  TernServerConfig cfg = { .host = "fuzz.example", .port = 143, .user = "user",
                           .security = TERN_SECURITY_NONE, .allow_plain = TRUE,
                           .timeout_seconds = 1 };
  mailstream *stream;
  int peer;

  if (!ready)
    {
      fuzz_feed_init ();
      ready = TRUE;
    }
  if (hits_known_libetpan_crash (data, size))
    return 0;
  stream = fuzz_feed_stream (data, size, &cfg, &peer);
  if (stream == NULL)
    return 0;
  a = fuzz_feed_account (TERN_PROTOCOL_IMAP);
  run_session (stream, a, &cfg);
  close (peer);
  tern_store_remove_account (fuzz_feed_store (), a->id, NULL);
  return 0;
}
