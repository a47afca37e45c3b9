/* fuzz-autoconfig: any bytes as a config-v1.1.xml document. The first line
 * (if any) is the e-mail address it is parsed for. */
#include <string.h>

#include "autoconfig/tern-autoconfig.h"
#include "fuzz-feed.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static gboolean ready;
  const guint8 *nl = memchr (data, '\n', MIN (size, 200));
  g_autofree char *email = nl ? g_strndup ((const char *) data, (gsize) (nl - data))
                              : g_strdup ("user@example.com");
  const char *xml = nl ? (const char *) nl + 1 : (const char *) data;
  gssize len = nl ? (gssize) (size - (gsize) (nl + 1 - data)) : (gssize) size;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiscoveredConfig) config = NULL;

  if (!ready)
    {
      fuzz_feed_init ();
      ready = TRUE;
    }
  config = tern_autoconfig_parse_xml (xml, len, email, TERN_AUTOCONFIG_SOURCE_PROVIDER, &error);
  return 0;
}
