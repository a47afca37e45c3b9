/* fuzz-pop3: the bytes are what a POP3 server says after login, in answer
 * to CAPA, LIST, UIDL, RETR, DELE and QUIT, read through Tern's stream by
 * Tern's own reply parser (tern-pop3-fetch.c), which stores what it
 * downloads. The first byte chooses leave-on-server and a small size limit. */
#include <unistd.h>

#include "pop3/tern-pop3-fetch.h"
#include "fuzz-feed.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static gboolean ready;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = NULL;
  g_autoptr(TernPop3Fetch) f = NULL;
  TernServerConfig cfg = { .host = "fuzz.example", .port = 110, .timeout_seconds = 1 };
  mailstream *stream;
  mailpop3 *pop3;
  int peer;

  if (!ready)
    {
      fuzz_feed_init ();
      ready = TRUE;
    }
  if (size < 1)
    return 0;
  a = fuzz_feed_account (TERN_PROTOCOL_POP3);
  a->pop3_leave_on_server = data[0] & 1;
  stream = fuzz_feed_stream (data + 1, size - 1, &cfg, &peer);
  if (stream == NULL)
    {
      tern_store_remove_account (fuzz_feed_store (), a->id, NULL);
      return 0;
    }
  pop3 = mailpop3_new (0, NULL);
  pop3->pop3_stream = stream;
  f = tern_pop3_fetch_new (fuzz_feed_store (), a);
  if (data[0] & 2)
    tern_pop3_fetch_set_max_message_size (f, 200);
  tern_pop3_fetch_set_batch (f, 2, 4096);
  tern_pop3_fetch_run (f, pop3, NULL, NULL, &error);   /* takes pop3 */
  if (g_getenv ("TERN_FUZZ_VERBOSE"))
    g_printerr ("pop3: %s\n", error ? error->message : "no error");
  close (peer);
  tern_store_remove_account (fuzz_feed_store (), a->id, NULL);
  return 0;
}
