/* Random mutations of the corpus fed to the parser, renderer, header decoder,
 * HTML converter and mailto parser: bounded iterations, fixed seed, so any
 * failure reproduces. Run under ASan/UBSan; the checks are "no crash, valid
 * UTF-8, or a TERN_ERROR_MIME error". TERN_FUZZ_SEED and TERN_FUZZ_ITERATIONS
 * (per corpus file) override the defaults for longer local runs. */
#include "tern-mime-render.h"
#include "tern-mime-html.h"
#include "tern-mailto.h"
#include "tern-error.h"

#include <string.h>

#define ITERATIONS_PER_FILE 60
#define FUZZ_MAX_INPUT (64 * 1024)

static const char *const tokens[] = {
  "\r\n", "\r\n\r\n", "--", "\"", "boundary=\"", "Content-Type: multipart/mixed; boundary=\"x\"\r\n",
  "--x\r\n", "--x--", "=?utf-8?b?", "=?iso-8859-1?q?=E9", "?=", "Content-Transfer-Encoding: base64\r\n",
  "filename*0*=utf-8''%E2%82", "charset=\"", "\xff\xfe", "\xc3", "message/rfc822", ">", "%00", "&#x",
};

static void
mutate (GRand *rand, GByteArray *data)
{
  guint kind = g_rand_int_range (rand, 0, 5);
  guint len = data->len;
  guint pos = len ? g_rand_int_range (rand, 0, len) : 0;
  guint span = g_rand_int_range (rand, 1, 500);   /* not inside MIN(): evaluated twice */

  switch (kind)
    {
    case 0:   /* flip bytes */
      for (guint i = 0; i < 8 && len; i++)
        data->data[g_rand_int_range (rand, 0, len)] = (guint8) g_rand_int_range (rand, 0, 256);
      break;
    case 1:   /* insert a MIME-meaningful token */
      {
        const char *t = tokens[g_rand_int_range (rand, 0, G_N_ELEMENTS (tokens))];
        if (data->len + strlen (t) < FUZZ_MAX_INPUT)
          {
            g_byte_array_set_size (data, len + strlen (t));
            memmove (data->data + pos + strlen (t), data->data + pos, len - pos);
            memcpy (data->data + pos, t, strlen (t));
          }
      }
      break;
    case 2:   /* delete a range */
      if (len)
        g_byte_array_remove_range (data, pos, MIN (span, len - pos));
      break;
    case 3:   /* truncate */
      g_byte_array_set_size (data, pos);
      break;
    default:  /* duplicate a range */
      if (len && len < FUZZ_MAX_INPUT / 2)
        {
          guint n = MIN (span, len - pos);
          g_autofree guint8 *copy = g_memdup2 (data->data + pos, n);   /* append may move data */
          g_byte_array_append (data, copy, n);
        }
      break;
    }
}

static void
check_utf8 (const char *s)
{
  g_assert_true (s == NULL || g_utf8_validate (s, -1, NULL));
}

static void
exercise_parser (GBytes *raw)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernParsedMessage) msg = tern_parsed_message_new_from_bytes (raw, &error);
  g_autofree char *text = NULL;
  g_autofree char *html = NULL;

  if (msg == NULL)
    {
      g_assert_error (error, TERN_ERROR, TERN_ERROR_MIME);
      return;
    }
  text = tern_mime_render_text (msg);
  html = tern_mime_render_html_body (msg);
  check_utf8 (text);
  check_utf8 (html);
  check_utf8 (msg->subject);
  check_utf8 (msg->from_name);
  check_utf8 (msg->to);
  check_utf8 (msg->preview);
  check_utf8 (msg->body_text);
  for (guint i = 0; i < msg->attachments->len; i++)
    {
      TernMimeAttachment *att = g_ptr_array_index (msg->attachments, i);
      g_autoptr(GBytes) part = tern_mime_get_part_bytes (msg, att->part_path, NULL, NULL);
      check_utf8 (att->filename);
      g_assert_nonnull (part);
    }
}

static void
exercise_strings (GBytes *raw)
{
  g_autofree char *str = g_strndup (g_bytes_get_data (raw, NULL), MIN (g_bytes_get_size (raw), 4096));
  g_autofree char *decoded = tern_mime_decode_header (str);
  g_autofree char *text = tern_mime_html_to_text (str);
  g_autofree char *uri = g_strconcat ("mailto:", str, NULL);
  g_autoptr(TernMailto) m = tern_mailto_parse (uri, NULL);

  check_utf8 (decoded);
  check_utf8 (text);
  if (m != NULL)
    {
      check_utf8 (m->subject);
      check_utf8 (m->body);
    }
}

static void
test_fuzz (void)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "data", "mime", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *seed_env = g_getenv ("TERN_FUZZ_SEED");
  const char *iter_env = g_getenv ("TERN_FUZZ_ITERATIONS");
  guint32 seed = seed_env ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : 20240601;
  guint iterations = iter_env ? (guint) g_ascii_strtoull (iter_env, NULL, 10) : ITERATIONS_PER_FILE;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  const char *name;
  guint runs = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".eml"))
      g_ptr_array_add (names, g_build_filename (dir, name, NULL));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);   /* same order, same run */

  for (guint f = 0; f < names->len; f++)
    {
      g_autofree char *contents = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (g_ptr_array_index (names, f), &contents, &len, NULL));
      for (guint i = 0; i < MIN (iterations, 100000); i++)
        {
          g_autoptr(GByteArray) data = g_byte_array_new ();
          g_autoptr(GBytes) raw = NULL;
          guint rounds = g_rand_int_range (rand, 1, 6);

          g_byte_array_append (data, (const guint8 *) contents, MIN (len, FUZZ_MAX_INPUT));
          for (guint r = 0; r < rounds; r++)
            mutate (rand, data);
          raw = g_bytes_new (data->data, data->len);
          exercise_parser (raw);
          exercise_strings (raw);
          runs++;
        }
    }
  g_test_message ("%u mutated inputs, seed %u", runs, seed);
  g_assert_cmpuint (runs, >, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mime/fuzz/corpus-mutations", test_fuzz);
  return g_test_run ();
}
