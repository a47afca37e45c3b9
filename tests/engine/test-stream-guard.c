/* The IMAP stream guard: what passes to libetpan and what stops the
 * stream, fed byte by byte and in one piece (the answer must not depend
 * on how the network cut the data). Legitimate traffic must never trip it. */
#include <string.h>

#include "net/tern-stream-guard.h"

/* Scans @text in one piece and then byte by byte; both must agree.
 * Returns the result and sets *passed (bytes that reached libetpan). */
static TernStreamGuardResult
scan_both (const TernStreamGuard *limits, const char *text, gsize len, gsize *passed)
{
  TernStreamGuard whole = *limits, bytes = *limits;
  TernStreamGuardResult r_whole, r_bytes = TERN_STREAM_GUARD_OK;
  gsize p_whole, p_bytes = 0;

  r_whole = tern_stream_guard_scan (&whole, text, len, &p_whole);
  for (gsize i = 0; i < len && r_bytes == TERN_STREAM_GUARD_OK; i++)
    {
      gsize one;

      r_bytes = tern_stream_guard_scan (&bytes, text + i, 1, &one);
      p_bytes += one;
    }
  g_assert_cmpint (r_whole, ==, r_bytes);
  g_assert_cmpuint (p_whole, ==, p_bytes);
  g_assert_cmpstr (tern_stream_guard_bye (&whole), ==, tern_stream_guard_bye (&bytes));
  *passed = p_whole;
  return r_whole;
}

static TernStreamGuardResult
scan (const char *text, gsize *passed)
{
  TernStreamGuard g;

  tern_stream_guard_init (&g);
  return scan_both (&g, text, strlen (text), passed);
}

static void
test_legitimate (void)
{
  /* Literals whose contents look like claims, numbers and BYEs; quoted
   * strings with long digit runs; a 64-bit MODSEQ. */
  static const char *const replies[] = {
    "* OK [CAPABILITY IMAP4rev1 IDLE] ready\r\n",
    "* 1 FETCH (UID 7 BODY[] {51}\r\n{99999999999999}\r\n* BYE no\r\n12345678901234567890123)\r\n",
    "* 2 FETCH (BODYSTRUCTURE (\"text\" \"plain\" (\"name\" \"scan_2024010112345678901234567.pdf\")"
    " NIL NIL \"7bit\" 10 1))\r\n",
    "* OK [HIGHESTMODSEQ 18446744073709551615] max\r\n",
    "* 3 FETCH (MODSEQ (12345678901234567890) FLAGS ($Label12345678901234567890123))\r\n",
    "* LIST () \"/\" {5}\r\nab{9}\r\n",
    "* SEARCH 1 2 3 4294967295\r\nA1 OK done\r\n",
    "* OK \"unbalanced quote {5}\r\nabcde\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (replies); i++)
    {
      gsize passed;

      g_test_message ("%s", replies[i]);
      g_assert_cmpint (scan (replies[i], &passed), ==, TERN_STREAM_GUARD_OK);
      g_assert_cmpuint (passed, ==, strlen (replies[i]));
    }
}

static void
test_literal_claims (void)
{
  gsize passed;
  const char *huge = "* 1 FETCH (BODY[] {104857601}\r\n";

  g_assert_cmpint (scan ("* 1 FETCH (BODY[] {104857600}\r\n", &passed), ==, TERN_STREAM_GUARD_OK);
  g_assert_cmpint (scan (huge, &passed), ==, TERN_STREAM_GUARD_LITERAL_TOO_LARGE);
  /* Stopped inside the digits: libetpan never sees the line end. */
  g_assert_cmpuint (passed, <, strlen (huge) - 3);
  /* A claim hidden behind an unbalanced quote still counts. */
  g_assert_cmpint (scan ("* OK \"x {999999999999}\r\n", &passed), ==,
                   TERN_STREAM_GUARD_LITERAL_TOO_LARGE);
}

static void
test_numbers (void)
{
  gsize passed;

  g_assert_cmpint (scan ("* 123456789012345678901 EXISTS\r\n", &passed), ==,
                   TERN_STREAM_GUARD_NUMBER_TOO_LONG);
  g_assert_cmpuint (passed, ==, strlen ("* 12345678901234567890"));
  g_assert_cmpint (scan ("* 12345678901234567890 EXISTS\r\n", &passed), ==, TERN_STREAM_GUARD_OK);
}

static void
test_limits (void)
{
  TernStreamGuard g;
  gsize passed;
  const char *reply = "* 1 FETCH (BODY[] {10}\r\n0123456789)\r\n* 2 EXISTS\r\n";

  tern_stream_guard_init (&g);
  g.max_line = 24;
  g_assert_cmpint (scan_both (&g, "* OK short\r\n* OK this one is far too long\r\n",
                              strlen ("* OK short\r\n* OK this one is far too long\r\n"), &passed),
                   ==, TERN_STREAM_GUARD_LINE_TOO_LONG);
  g_assert_cmpuint (passed, ==, strlen ("* OK short\r\n* OK this one is far too"));
  /* Literal bytes do not count as line length. */
  g_assert_cmpint (scan_both (&g, reply, strlen (reply), &passed), ==, TERN_STREAM_GUARD_OK);

  tern_stream_guard_init (&g);
  g.max_reply = 30;
  g_assert_cmpint (scan_both (&g, reply, strlen (reply), &passed), ==,
                   TERN_STREAM_GUARD_REPLY_TOO_LARGE);
  g_assert_cmpuint (passed, ==, 30);
  /* A new command starts a new count. */
  tern_stream_guard_init (&g);
  g.max_reply = 30;
  g_assert_cmpint (tern_stream_guard_scan (&g, reply, 25, &passed), ==, TERN_STREAM_GUARD_OK);
  tern_stream_guard_new_command (&g);
  g_assert_cmpint (tern_stream_guard_scan (&g, reply + 25, 20, &passed), ==, TERN_STREAM_GUARD_OK);
}

static void
test_bye (void)
{
  TernStreamGuard g;
  gsize passed;
  const char *text = "* OK hi\r\n* bye  Server going down\x01 now\r\n";

  tern_stream_guard_init (&g);
  g_assert_null (tern_stream_guard_bye (&g));
  g_assert_cmpint (scan_both (&g, text, strlen (text), &passed), ==, TERN_STREAM_GUARD_OK);
  tern_stream_guard_scan (&g, text, strlen (text), &passed);
  /* Printable words only, as the server said them. */
  g_assert_cmpstr (tern_stream_guard_bye (&g), ==, "Server going down now");
}

static void
test_empty_capability (void)
{
  gsize passed;

  g_assert_cmpint (scan ("* CAPABILITY\r\n1 OK\r\n", &passed), ==,
                   TERN_STREAM_GUARD_EMPTY_CAPABILITY);
  g_assert_cmpuint (passed, ==, strlen ("* CAPABILITY\r"));
  g_assert_cmpint (scan ("* CAPABILITY IMAP4rev1\r\n", &passed), ==, TERN_STREAM_GUARD_OK);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/stream-guard/legitimate", test_legitimate);
  g_test_add_func ("/stream-guard/literal-claims", test_literal_claims);
  g_test_add_func ("/stream-guard/numbers", test_numbers);
  g_test_add_func ("/stream-guard/limits", test_limits);
  g_test_add_func ("/stream-guard/bye", test_bye);
  g_test_add_func ("/stream-guard/empty-capability", test_empty_capability);
  return g_test_run ();
}
