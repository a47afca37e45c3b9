/* fuzz-mime: a message as bytes through the MIME parser and every renderer
 * (plain text, HTML body, the reader's text, attachments, header decoding). */
#include <string.h>

#include "mime/tern-mime-parse.h"
#include "mime/tern-mime-render.h"
#include "mime/tern-mime-html.h"
#include "mime/tern-mime-charset.h"
#include "fuzz-feed.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_utf8 (const char *s)
{
  if (s != NULL && !g_utf8_validate (s, -1, NULL))
    abort ();
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static gboolean ready;
  g_autoptr(GBytes) raw = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernParsedMessage) msg = NULL;
  g_autofree char *text = NULL, *html = NULL, *plain = NULL, *str = NULL;
  g_autofree char *decoded = NULL, *as_text = NULL;

  if (!ready)
    {
      fuzz_feed_init ();
      ready = TRUE;
    }
  /* The same bytes as a header value and as HTML. */
  str = g_strndup ((const char *) data, size);
  decoded = tern_mime_decode_header (str);
  as_text = tern_mime_html_to_text (str);
  check_utf8 (decoded);
  check_utf8 (as_text);

  msg = tern_parsed_message_new_from_bytes (raw, &error);
  if (msg == NULL)
    return 0;
  text = tern_mime_render_text (msg);
  html = tern_mime_render_html_body (msg);
  plain = tern_mime_render_plain_body (msg);
  check_utf8 (text);
  check_utf8 (html);
  check_utf8 (plain);
  check_utf8 (msg->subject);
  check_utf8 (msg->preview);
  for (guint i = 0; i < msg->attachments->len; i++)
    {
      TernMimeAttachment *att = g_ptr_array_index (msg->attachments, i);
      g_autoptr(GBytes) part = tern_mime_get_part_bytes (msg, att->part_path, NULL, NULL);

      if (part != NULL && g_bytes_get_size (part) > size * 4 + 4096)
        abort ();   /* a part cannot grow far beyond the message that holds it */
    }
  return 0;
}
