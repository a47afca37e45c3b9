/* Data-driven tests over the .eml files in tests/data/mime: every message parses (or
 * fails with TERN_ERROR_MIME) without memory errors, every string is valid
 * UTF-8, and the fields named in NAME.expect have the expected values. */
#include "mime/tern-mime-parse.h"
#include "mime/tern-mime-render.h"
#include "mime/tern-mime-html.h"
#include "core/tern-error.h"

#include <string.h>

static void
assert_utf8 (const char *what, const char *s)
{
  if (s == NULL)
    return;
  if (!g_utf8_validate (s, -1, NULL))
    g_error ("%s is not valid UTF-8", what);
}

static void
assert_address_list (GPtrArray *list)
{
  g_assert_nonnull (list);
  for (guint i = 0; i < list->len; i++)
    {
      TernAddress *a = g_ptr_array_index (list, i);
      assert_utf8 ("address name", a->name);
      assert_utf8 ("address", a->address);
    }
}

static void
assert_all_utf8 (TernParsedMessage *msg)
{
  g_autofree char *text = tern_mime_render_text (msg);
  g_autofree char *plain = tern_mime_render_plain_body (msg);
  g_autofree char *html = tern_mime_render_html_body (msg);

  assert_utf8 ("subject", msg->subject);
  assert_utf8 ("from_name", msg->from_name);
  assert_utf8 ("from_address", msg->from_address);
  assert_utf8 ("to", msg->to);
  assert_utf8 ("cc", msg->cc);
  assert_utf8 ("bcc", msg->bcc);
  assert_utf8 ("reply_to", msg->reply_to);
  assert_utf8 ("message_id", msg->message_id);
  assert_utf8 ("in_reply_to", msg->in_reply_to);
  assert_utf8 ("preview", msg->preview);
  assert_utf8 ("body_text", msg->body_text);
  assert_utf8 ("render_text", text);
  assert_utf8 ("plain body", plain);
  assert_utf8 ("html body", html);
  assert_address_list (msg->to_list);
  assert_address_list (msg->cc_list);
  assert_address_list (msg->bcc_list);
  assert_address_list (msg->reply_to_list);
  for (guint i = 0; i < msg->references->len; i++)
    assert_utf8 ("reference", g_ptr_array_index (msg->references, i));
  g_assert_null (strchr (msg->preview, '\n'));
  g_assert_cmpint (g_utf8_strlen (msg->preview, -1), <=, 200);
  for (guint i = 0; i < msg->attachments->len; i++)
    {
      TernMimeAttachment *att = g_ptr_array_index (msg->attachments, i);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;

      assert_utf8 ("filename", att->filename);
      assert_utf8 ("content_type", att->content_type);
      assert_utf8 ("content_id", att->content_id);
      g_assert_null (strchr (att->filename, '/'));
      bytes = tern_mime_get_part_bytes (msg, att->part_path, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_bytes_get_size (bytes), ==, att->size);
    }
}

static void
check_string (GKeyFile *kf, const char *key, const char *actual)
{
  g_autofree char *want = g_key_file_get_string (kf, "expect", key, NULL);

  if (want != NULL)
    g_assert_cmpstr (actual, ==, want);
}

static void
check_contains (GKeyFile *kf, const char *key, const char *haystack, gboolean negate)
{
  g_autofree char *want = g_key_file_get_string (kf, "expect", key, NULL);

  if (want == NULL)
    return;
  if ((strstr (haystack ? haystack : "", want) != NULL) == negate)
    g_error ("%s: \"%s\" %s in \"%.300s\"", key, want, negate ? "found" : "not found", haystack);
}

static void
check_attachments (GKeyFile *kf, TernParsedMessage *msg)
{
  for (guint i = 0; i < msg->attachments->len; i++)
    {
      TernMimeAttachment *att = g_ptr_array_index (msg->attachments, i);
      g_autofree char *k_name = g_strdup_printf ("attachment%u_name", i);
      g_autofree char *k_path = g_strdup_printf ("attachment%u_path", i);
      g_autofree char *k_type = g_strdup_printf ("attachment%u_type", i);
      g_autofree char *k_cid = g_strdup_printf ("attachment%u_cid", i);
      g_autofree char *k_size = g_strdup_printf ("attachment%u_size", i);
      g_autofree char *size = g_strdup_printf ("%" G_GSIZE_FORMAT, att->size);

      check_string (kf, k_name, att->filename);
      check_string (kf, k_path, att->part_path);
      check_string (kf, k_type, att->content_type);
      check_string (kf, k_cid, att->content_id);
      check_string (kf, k_size, size);
    }
}

static void
check_expectations (GKeyFile *kf, TernParsedMessage *msg)
{
  g_autofree char *date = g_strdup_printf ("%" G_GINT64_FORMAT, msg->date);
  g_autofree char *n_att = g_strdup_printf ("%u", msg->attachments->len);
  g_autofree char *render = tern_mime_render_text (msg);
  g_autofree char *html = tern_mime_render_html_body (msg);
  g_autofree char *subject_prefix = g_key_file_get_string (kf, "expect", "subject_prefix", NULL);
  g_autofree char *refs = g_key_file_get_string (kf, "expect", "references", NULL);
  g_autofree char *has_html = g_key_file_get_string (kf, "expect", "has_html", NULL);
  g_autofree char *cid = g_key_file_get_string (kf, "expect", "cid", NULL);
  g_autofree char *part22 = g_key_file_get_string (kf, "expect", "part_2_2", NULL);

  check_string (kf, "subject", msg->subject);
  check_string (kf, "from_name", msg->from_name);
  check_string (kf, "from_address", msg->from_address);
  check_string (kf, "to", msg->to);
  check_string (kf, "cc", msg->cc);
  check_string (kf, "date", date);
  check_string (kf, "message_id", msg->message_id);
  check_string (kf, "in_reply_to", msg->in_reply_to);
  check_string (kf, "preview", msg->preview);
  check_string (kf, "attachments", n_att);
  check_string (kf, "has_attachments", msg->has_attachments ? "true" : "false");
  check_string (kf, "headers_only", msg->headers_only ? "true" : "false");
  check_contains (kf, "body_contains", msg->body_text, FALSE);
  check_contains (kf, "body_lacks", msg->body_text, TRUE);
  check_contains (kf, "render_contains", render, FALSE);
  check_contains (kf, "html_contains", html, FALSE);
  check_attachments (kf, msg);
  if (subject_prefix != NULL)
    g_assert_true (g_str_has_prefix (msg->subject, subject_prefix));
  if (has_html != NULL)
    g_assert_true ((html != NULL) == (strcmp (has_html, "true") == 0));
  if (refs != NULL)
    {
      g_auto(GStrv) want = g_strsplit (refs, ";", -1);
      g_assert_cmpuint (msg->references->len, ==, g_strv_length (want) - 1);
      for (guint i = 0; i < msg->references->len; i++)
        g_assert_cmpstr (g_ptr_array_index (msg->references, i), ==, want[i]);
    }
  if (cid != NULL)
    {
      g_autofree char *type = NULL;
      g_autofree char *with_prefix = g_strdup_printf ("cid:%s", cid);
      g_autoptr(GBytes) img = tern_mime_lookup_cid (msg, with_prefix, &type);
      g_assert_nonnull (img);
      g_assert_cmpstr (type, ==, "image/png");
      g_assert_cmpmem (g_bytes_get_data (img, NULL), 4, "\x89PNG", 4);
    }
  if (part22 != NULL)
    {
      g_autoptr(GBytes) part = tern_mime_get_part_bytes (msg, "2.2", NULL, NULL);
      g_assert_nonnull (part);
      g_assert_cmpmem (g_bytes_get_data (part, NULL), MIN (g_bytes_get_size (part), strlen (part22)),
                       part22, strlen (part22));
    }
}

static void
test_corpus_file (gconstpointer data)
{
  const char *eml = data;
  g_autofree char *base = g_strndup (eml, strlen (eml) - 4);
  g_autofree char *expect_path = g_strconcat (base, ".expect", NULL);
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *want_error = NULL;
  g_autofree char *headers_only = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(TernParsedMessage) msg = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (eml, &contents, &len, NULL));
  raw = g_bytes_new (contents, len);
  if (!g_key_file_load_from_file (kf, expect_path, G_KEY_FILE_NONE, NULL))
    g_key_file_set_string (kf, "expect", "none", "");
  want_error = g_key_file_get_string (kf, "expect", "error", NULL);
  headers_only = g_key_file_get_string (kf, "expect", "headers_only", NULL);

  if (headers_only != NULL && strcmp (headers_only, "true") == 0)
    msg = tern_parsed_message_new_from_headers (raw, &error);
  else
    msg = tern_parsed_message_new_from_bytes (raw, &error);
  if (want_error != NULL)
    {
      g_assert_error (error, TERN_ERROR, TERN_ERROR_MIME);
      g_assert_null (msg);
      return;
    }
  if (msg == NULL)
    {
      /* Garbage may be refused, but only with the MIME error. */
      g_assert_error (error, TERN_ERROR, TERN_ERROR_MIME);
      g_assert_true (g_key_file_has_key (kf, "expect", "utf8_only", NULL));
      return;
    }
  g_assert_no_error (error);
  assert_all_utf8 (msg);
  check_expectations (kf, msg);
}

static void
test_decode_header (void)
{
  static const struct { const char *raw, *want; } cases[] = {
    { "=?UTF-8?B?w4ljb2xl?=", "École" },
    { "=?iso-8859-1?q?caf=E9?= =?iso-8859-1?q?_noir?=", "café noir" },
    { "=?utf-8?q?caf=C3?= =?utf-8?q?=A9?=", "café" },          /* split multibyte char */
    { "Re: =?utf-8?q?caf=E9?=", "Re: café" },                   /* latin1 claimed as utf-8 */
    { "a =?utf-8?q?b?= c", "a b c" },
    { "=?utf-8*en?q?lang?=", "lang" },
    { "=?bogus?q?x=E9?=", "xé" },
    { "plain\r\n folded", "plain folded" },
    { "=?utf-8?b?!!!?=", "" },
    { "=?utf-8?q?=00nul?=", "nul" },
    { "=?utf-8?q?unterminated", "=?utf-8?q?unterminated" },
    { "\xe9t\xe9", "été" },
    { "=?ISO-2022-JP?B?GyRCJEckOSEjGyhC?=", "です。" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = tern_mime_decode_header (cases[i].raw);
      g_assert_true (g_utf8_validate (got, -1, NULL));
      g_assert_cmpstr (got, ==, cases[i].want);
    }
  g_assert_null (tern_mime_decode_header (NULL));
}

static void
test_text_to_utf8 (void)
{
  g_autofree char *a = tern_mime_text_to_utf8 ("caf\xe9", -1, "utf-8");
  g_autofree char *b = tern_mime_text_to_utf8 ("caf\xc3\xa9", -1, "iso-8859-1");
  g_autofree char *c = tern_mime_text_to_utf8 ("\x81\x8d\x8f", -1, NULL);
  g_autofree char *d = tern_mime_text_to_utf8 ("\xa4", -1, "\"iso-8859-15\"");
  g_autofree char *e = tern_mime_text_to_utf8 ("a\0b", 3, "us-ascii");

  g_assert_cmpstr (a, ==, "café");
  g_assert_cmpstr (b, ==, "café");
  g_assert_true (g_utf8_validate (c, -1, NULL));
  g_assert_cmpstr (d, ==, "€");
  g_assert_cmpstr (e, ==, "ab");
}

static void
test_unflow_and_preview (void)
{
  g_autofree char *u = tern_mime_unflow ("a \r\nb\n>> c \n>> d\n-- \nsig", FALSE);
  g_autofree char *d = tern_mime_unflow ("lo \nng", TRUE);
  g_autofree char *p = tern_mime_make_preview ("On Monday, Bob wrote:\n> old\nNew   text\n\n--\nsig", 200);
  g_autofree char *cut = tern_mime_make_preview ("ééééé", 3);

  g_assert_cmpstr (u, ==, "a b\n>> c d\n-- \nsig");
  g_assert_cmpstr (d, ==, "long");
  g_assert_cmpstr (p, ==, "New text");
  g_assert_cmpstr (cut, ==, "ééé");
}

static gpointer
parse_in_thread (gpointer data)
{
  GBytes *raw = data;

  for (int i = 0; i < 30; i++)
    {
      g_autoptr(TernParsedMessage) msg = tern_parsed_message_new_from_bytes (raw, NULL);
      g_autofree char *text = NULL;

      g_assert_nonnull (msg);
      text = tern_mime_render_text (msg);
      g_assert_nonnull (strstr (text, "report.pdf"));
    }
  return NULL;
}

/* Each thread its own messages: no shared GMime objects, and tern_mime_init()
 * racing from many threads at once. */
static void
test_threads (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "mime", "nested.eml", NULL);
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  g_autoptr(GBytes) raw = NULL;
  char *contents;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  raw = g_bytes_new_take (contents, len);
  for (int i = 0; i < 6; i++)
    g_ptr_array_add (threads, g_thread_new ("mime", parse_in_thread, raw));
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
}

static void
test_html_to_text (void)
{
  static const struct { const char *html, *text; } cases[] = {
    { "<p>a</p><p>b</p>", "a\n\nb" },
    { "line<br>next<BR/>last", "line\nnext\nlast" },
    { "<ul><li>one</li><li>two</li></ul>", "one\ntwo" },
    { "x &lt;y&gt; &amp;&#65;&#x42;&bogus; &#0;", "x <y> &AB&bogus; \xef\xbf\xbd" },
    { "<!-- hidden --><style>p{}</style>shown<script>no()", "shown" },
    { "<pre>  keep\n  lines</pre>", "  keep\n  lines" },
    { "unclosed <b", "unclosed" },
    { "", "" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = tern_mime_html_to_text (cases[i].html);
      g_assert_cmpstr (got, ==, cases[i].text);
    }
}

int
main (int argc, char *argv[])
{
  g_autofree char *dir = NULL;
  g_autoptr(GDir) d = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_test_init (&argc, &argv, NULL);
  dir = g_test_build_filename (G_TEST_DIST, "data", "mime", NULL);
  d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".eml"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_assert_cmpuint (names->len, >=, 20);
  for (guint i = 0; i < names->len; i++)
    {
      const char *n = g_ptr_array_index (names, i);
      g_autofree char *path = g_strdup_printf ("/mime/corpus/%.*s", (int) strlen (n) - 4, n);
      g_test_add_data_func_full (path, g_build_filename (dir, n, NULL), test_corpus_file, g_free);
    }
  g_test_add_func ("/mime/decode-header", test_decode_header);
  g_test_add_func ("/mime/text-to-utf8", test_text_to_utf8);
  g_test_add_func ("/mime/unflow-preview", test_unflow_and_preview);
  g_test_add_func ("/mime/html-to-text", test_html_to_text);
  g_test_add_func ("/mime/threads", test_threads);
  return g_test_run ();
}
