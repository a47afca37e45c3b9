/* Random mutations of the corpus fed to the parser, renderer, header decoder,
 * HTML converter and mailto parser: bounded iterations, fixed seed, so any
 * failure reproduces. Run under ASan/UBSan; the checks are "no crash, valid
 * UTF-8, or a TERN_ERROR_MIME error". TERN_FUZZ_SEED and TERN_FUZZ_ITERATIONS
 * (per corpus file) override the defaults for longer local runs. */
#include "mime/tern-mime-private.h"
#include "mime/tern-mime-render.h"
#include "mime/tern-mime-html.h"
#include "compose/tern-mailto.h"
#include "core/tern-error.h"

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

static void check_addresses_match (GMimeMessage *message);

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
  check_addresses_match (msg->gmime_message);
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

/* ---- GMime's address lists against our own parse ---- */

static const char *const address_headers[] = { "From", "To", "Cc", "Bcc", "Reply-To" };
static const GMimeAddressType address_types[] = {
  GMIME_ADDRESS_TYPE_FROM, GMIME_ADDRESS_TYPE_TO, GMIME_ADDRESS_TYPE_CC,
  GMIME_ADDRESS_TYPE_BCC, GMIME_ADDRESS_TYPE_REPLY_TO,
};

/* The list from GMime's parse (where taken) equals tern_address_list_parse()
 * of the first raw header, name by name and address by address. */
static void
check_addresses_match (GMimeMessage *message)
{
  GMimeHeaderList *headers = g_mime_object_get_header_list (GMIME_OBJECT (message));

  for (guint h = 0; h < G_N_ELEMENTS (address_headers); h++)
    {
      GMimeHeader *header = g_mime_header_list_get_header (headers, address_headers[h]);
      g_autoptr(GPtrArray) slow = tern_address_list_parse (header ? g_mime_header_get_raw_value (header) : NULL);
      g_autoptr(GPtrArray) fast = tern_mime_message_address_list (message, address_types[h], address_headers[h]);
      g_autofree char *slow_text = tern_address_list_to_display (slow);
      g_autofree char *fast_text = tern_address_list_to_display (fast);

      if (g_strcmp0 (slow_text, fast_text) != 0)
        g_printerr ("%s: %s\n", address_headers[h], header ? g_mime_header_get_raw_value (header) : "");
      g_assert_cmpstr (fast_text, ==, slow_text);
      g_assert_cmpuint (fast->len, ==, slow->len);
      for (guint i = 0; i < slow->len; i++)
        {
          TernAddress *a = g_ptr_array_index (slow, i), *b = g_ptr_array_index (fast, i);
          g_assert_cmpstr (a->name, ==, b->name);
          g_assert_cmpstr (a->address, ==, b->address);
        }
    }
}

static const char *const name_pieces[] = {
  "Alice", "Bob Stone", "\"Stone, Bob\"", "\"quoted =?utf-8?q?x?= inside\"", "O'Neil", "(comment)",
  "=?UTF-8?Q?Jos=C3=A9?=", "=?utf-8?b?w7bDpMO8?=", "=?ISO-8859-1?Q?Fran=E7ois?=",
  "=?iso-8859-1?q?=C3=A9?=",            /* UTF-8 bytes labelled Latin-1 */
  "=?utf-8?q?Jos=E9?=",                 /* Latin-1 bytes labelled UTF-8 */
  "=?utf-8?q?=FF=FE?=", "=?iso-8859-1?q?=80=9F?=", "=?us-ascii?q?plain?=", "=?US-ASCII?Q?a=3Fb?=",
  "=?windows-1252?q?=93hi=94?=", "=?koi8-r?b?8s/Txdc=?=", "=?utf-8*en?q?lang?=",
  "=?utf-8?q?broken", "?=", "=?" "?=", "=?utf-8?q?a?==?utf-8?q?b?=", "=?utf-8?q?=E2=82?= =?utf-8?q?=AC?=",
  "=?utf-8?q?comma=2C_here?=", "=?utf-8?q?angle=3C?=", "\xc3\xa9t\xc3\xa9", "\xe9t\xe9", "Zo\xc3\xab",
};

static const char *const address_pieces[] = {
  "a@example.org", "b.c@example.net", "=?utf-8?q?x?=@example.com", "weird", "", "x@[127.0.0.1]",
};

static char *
random_address_header (GRand *rand)
{
  GString *out = g_string_new (NULL);
  guint n = g_rand_int_range (rand, 1, 4);

  for (guint i = 0; i < n; i++)
    {
      guint words = g_rand_int_range (rand, 0, 4);
      const char *addr = address_pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (address_pieces))];

      if (i > 0)
        g_string_append (out, g_rand_boolean (rand) ? ", " : ",\r\n ");
      if (g_rand_int_range (rand, 0, 8) == 0)
        g_string_append (out, "group: ");
      for (guint w = 0; w < words; w++)
        {
          if (w > 0)
            g_string_append_c (out, ' ');
          g_string_append (out, name_pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (name_pieces))]);
        }
      if (words > 0)
        g_string_append_printf (out, " <%s>", addr);
      else
        g_string_append (out, addr);
      if (g_rand_int_range (rand, 0, 8) == 0)
        g_string_append (out, ";");
    }
  return g_string_free (out, FALSE);
}

static void
test_address_fast_path (void)
{
  const char *seed_env = g_getenv ("TERN_FUZZ_SEED");
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed_env ? (guint32) g_ascii_strtoull (seed_env, NULL, 10)
                                                         : 20240602);

  for (guint i = 0; i < 3000; i++)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(GBytes) raw = NULL;
      g_autoptr(GMimeMessage) message = NULL;

      for (guint h = 0; h < G_N_ELEMENTS (address_headers); h++)
        if (g_rand_int_range (rand, 0, 3) > 0)
          {
            g_autofree char *value = random_address_header (rand);
            g_string_append_printf (text, "%s: %s\r\n", address_headers[h], value);
            if (g_rand_int_range (rand, 0, 20) == 0)   /* a repeated header */
              g_string_append_printf (text, "%s: other@example.org\r\n", address_headers[h]);
          }
      g_string_append (text, "Subject: s\r\n\r\nbody\r\n");
      raw = g_bytes_new (text->str, text->len);
      message = tern_mime_parse_gmime (raw, NULL);
      g_assert_nonnull (message);
      check_addresses_match (message);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mime/fuzz/corpus-mutations", test_fuzz);
  g_test_add_func ("/mime/fuzz/address-fast-path", test_address_fast_path);
  return g_test_run ();
}
