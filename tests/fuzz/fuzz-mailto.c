/* fuzz-mailto: any string as a mailto: URI. */
#include "compose/tern-mailto.h"
#include "fuzz-feed.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static gboolean ready;
  g_autofree char *uri = g_strndup ((const char *) data, size);
  g_autofree char *prefixed = g_strconcat ("mailto:", uri, NULL);
  g_autoptr(TernMailto) m = NULL;
  g_autoptr(TernMailto) m2 = NULL;

  if (!ready)
    {
      fuzz_feed_init ();
      ready = TRUE;
    }
  m = tern_mailto_parse (uri, NULL);
  m2 = tern_mailto_parse (prefixed, NULL);
  return 0;
}
