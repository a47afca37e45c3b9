/* The composer's checks before sending, without GTK: the forgotten-
 * attachment check (languages, quotes, signatures, word boundaries) and
 * the encoded-size estimate behind the size warning. */
#include <string.h>

#include "compose/tern-compose-check.h"

static void
test_mentions (void)
{
  static const char *const yes[] = {
    "Please see the attached file.",
    "Anbei die Rechnung.",
    "Voici la pièce jointe.",
    "ENCLOSED is my CV",
    "Te envío el adjunto.",
    "In allegato il documento.",
    "Zie de bijlage.",
    "Hi,\r\nthe report is attached\r\n",
    "Ich habe es angehängt.",
    NULL,
  };
  static const char *const no[] = {
    "No files here.\n> see attached\n",          /* quoted: someone else's words */
    "Hi\n-- \nAttachments are scanned",          /* the signature */
    "Hi\r\n-- \r\nAttachments are scanned",
    "a joint venture",
    "reattach? no: unattached",
    "",
    NULL,
  };

  for (guint i = 0; yes[i] != NULL; i++)
    {
      g_test_message ("should mention: %s", yes[i]);
      g_assert_true (tern_compose_mentions_attachment (yes[i]));
    }
  for (guint i = 0; no[i] != NULL; i++)
    {
      g_test_message ("should not mention: %s", no[i]);
      g_assert_false (tern_compose_mentions_attachment (no[i]));
    }
  g_assert_false (tern_compose_mentions_attachment (NULL));
}

/* Bad input: invalid UTF-8, control bytes and a huge body give an answer,
 * not a crash. */
static void
test_mentions_hostile (void)
{
  g_autoptr(GString) huge = g_string_new (NULL);

  g_assert_false (tern_compose_mentions_attachment ("\xff\xfe\x01\x02 no words"));
  g_assert_true (tern_compose_mentions_attachment ("\xff attached"));
  for (guint i = 0; i < 100000; i++)
    g_string_append (huge, "> quoted line\n");
  g_string_append (huge, "see attached\n");
  g_assert_true (tern_compose_mentions_attachment (huge->str));
}

static void
test_encoded_size (void)
{
  g_assert_cmpuint (tern_compose_encoded_size (0), ==, 0);
  g_assert_cmpuint (tern_compose_encoded_size (1), ==, 4);
  g_assert_cmpuint (tern_compose_encoded_size (3), ==, 4);
  g_assert_cmpuint (tern_compose_encoded_size (57), ==, 76 + 2);   /* one full base64 line */
  /* Always at least 4/3 of the data, never wildly more. */
  for (guint64 n = 1000; n < 100 * 1000 * 1000; n *= 7)
    {
      guint64 size = tern_compose_encoded_size (n);
      g_assert_cmpuint (size, >=, n * 4 / 3);
      g_assert_cmpuint (size, <=, n * 4 / 3 * 103 / 100 + 8);
    }
  /* A 19 MB file is over a 25 MB limit once encoded. */
  g_assert_cmpuint (tern_compose_encoded_size (19u * 1000 * 1000), >, TERN_COMPOSE_DEFAULT_SIZE_LIMIT);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/compose-check/mentions", test_mentions);
  g_test_add_func ("/compose-check/mentions-hostile", test_mentions_hostile);
  g_test_add_func ("/compose-check/encoded-size", test_encoded_size);
  return g_test_run ();
}
