/* RFC 6068 mailto: parsing, including hostile input. */
#include "compose/tern-mailto.h"
#include "core/tern-error.h"

#include <string.h>

static char *
addresses (GPtrArray *list)
{
  return tern_address_list_to_display (list);
}

static void
test_basic (void)
{
  static const struct { const char *uri, *to, *cc, *bcc, *subject, *body; } cases[] = {
    { "mailto:a@example.com", "a@example.com", "", "", NULL, NULL },
    { "MAILTO:a@example.com,b@example.com?SUBJECT=Hi&Body=Line%201%0D%0ALine%202",
      "a@example.com, b@example.com", "", "", "Hi", "Line 1\nLine 2" },
    { "mailto:?to=a@example.com&to=b@example.com&cc=c@example.com&bcc=d@example.com",
      "a@example.com, b@example.com", "c@example.com", "d@example.com", NULL, NULL },
    { "mailto:%22Jos%C3%A9%20P%22%20%3Cjose@example.es%3E?subject=Caf%C3%A9%20%2B%20t%C3%A9",
      "José P <jose@example.es>", "", "", "Café + té", NULL },
    { "mailto:a@example.com?subject=one&subject=two", "a@example.com", "", "", "one", NULL },
    { "mailto:a@example.com?subject=bad%0D%0ABcc:%20x@evil.example", "a@example.com", "", "",
      "bad Bcc: x@evil.example", NULL },
    { "mailto:a@example.com?attach=/etc/passwd&from=ceo@example.com&x-unknown=1", "a@example.com", "", "", NULL, NULL },
    { "mailto:a@example.com?subject=100%&body=%zz%4", "a@example.com", "", "", "100%", "%zz%4" },
    { "mailto:a@example.com?subject=caf%E9", "a@example.com", "", "", "café", NULL },
    { "mailto:", "", "", "", NULL, NULL },
    { "mailto:?&&=x&subject", "", "", "", NULL, NULL },
    { "mailto:not-an-address", "not-an-address", "", "", NULL, NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TernMailto) m = tern_mailto_parse (cases[i].uri, &error);
      g_autofree char *to = NULL, *cc = NULL, *bcc = NULL;

      g_assert_no_error (error);
      to = addresses (m->to);
      cc = addresses (m->cc);
      bcc = addresses (m->bcc);
      g_assert_cmpstr (to, ==, cases[i].to);
      g_assert_cmpstr (cc, ==, cases[i].cc);
      g_assert_cmpstr (bcc, ==, cases[i].bcc);
      g_assert_cmpstr (m->subject, ==, cases[i].subject);
      g_assert_cmpstr (m->body, ==, cases[i].body);
    }
}

static void
test_in_reply_to (void)
{
  g_autoptr(TernMailto) m = tern_mailto_parse ("mailto:list@example.org?In-Reply-To=%3C3469A91.D10AF4C@example.com%3E", NULL);

  g_assert_nonnull (m);
  g_assert_cmpstr (m->in_reply_to, ==, "3469A91.D10AF4C@example.com");
}

static void
test_hostile (void)
{
  static const char *bad[] = {
    NULL, "", "http://example.com", "mailto:a@example.com?subject=a%00b", "mailto:a%00@example.com",
    "mailto:?body=%00",
  };
  g_autoptr(GString) huge = g_string_new ("mailto:a@example.com?body=");
  g_autoptr(GString) many = g_string_new ("mailto:");
  g_autoptr(GError) error = NULL;
  g_autoptr(TernMailto) m = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) e = NULL;
      g_assert_null (tern_mailto_parse (bad[i], &e));
      g_assert_error (e, TERN_ERROR, TERN_ERROR_INVALID);
    }
  while (huge->len <= TERN_MAILTO_MAX_LENGTH)
    g_string_append (huge, "%41%42");
  g_assert_null (tern_mailto_parse (huge->str, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_INVALID);
  g_clear_error (&error);

  for (int i = 0; i < 5000; i++)
    g_string_append_printf (many, "%su%d@example.com", i ? "," : "", i);
  m = tern_mailto_parse (many->str, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (m->to->len, ==, TERN_MAILTO_MAX_ADDRESSES);
}

/* Moved from the GTK composer tests: every field of one link. */
static void
test_all_fields (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernMailto) m = tern_mailto_parse (
      "mailto:ann@example.org,bob@example.org?cc=carol%40example.org"
      "&subject=Caf%C3%A9%20au%20lait&body=Line%201%0D%0ALine%202%20%E2%82%AC+plus"
      "&In-Reply-To=%3Cabc%40x.example%3E&from=evil@example.com&x-header=1", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (m->to->len, ==, 2);
  g_assert_cmpstr (((TernAddress *) g_ptr_array_index (m->to, 1))->address, ==, "bob@example.org");
  g_assert_cmpuint (m->cc->len, ==, 1);
  g_assert_cmpstr (((TernAddress *) g_ptr_array_index (m->cc, 0))->address, ==, "carol@example.org");
  g_assert_cmpstr (m->subject, ==, "Café au lait");
  g_assert_cmpstr (m->body, ==, "Line 1\nLine 2 €+plus");
  g_assert_cmpstr (m->in_reply_to, ==, "abc@x.example");
}

/* ... and more hostile links: injection, NULs, garbage, length, many addresses. */
static void
test_hostile_more (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernMailto) a = NULL;
  g_autoptr(TernMailto) b = NULL;
  g_autoptr(TernMailto) c = NULL;
  g_autoptr(GString) huge = g_string_new ("mailto:a@b.example?body=");
  TernMailto *none;

  none = tern_mailto_parse ("http://example.org/", &error);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_INVALID);
  g_assert_null (none);
  g_clear_error (&error);

  /* Header injection through the subject, broken escapes, invalid UTF-8,
   * NULs, groups and garbage addresses. */
  none = tern_mailto_parse ("mailto:a@b.example?subject=x%00y", &error);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_INVALID);   /* NUL bytes */
  g_assert_null (none);
  g_clear_error (&error);
  a = tern_mailto_parse ("mailto:%?subject=Hi%0D%0ABcc:%20victim@x.example&body=%ff%fe%&"
                         "to=undisclosed:;,not-an-address,%3Cz@y.example%3E&&=&cc", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a->subject, ==, "Hi Bcc: victim@x.example");
  g_assert_true (g_utf8_validate (a->body, -1, NULL));
  g_assert_cmpuint (a->bcc->len, ==, 0);
  {
    gboolean seen = FALSE;
    for (guint i = 0; i < a->to->len; i++)
      seen |= g_strcmp0 (((TernAddress *) g_ptr_array_index (a->to, i))->address, "z@y.example") == 0;
    g_assert_true (seen);
  }

  b = tern_mailto_parse ("MAILTO:", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (b->to->len, ==, 0);

  for (guint i = 0; i < TERN_MAILTO_MAX_LENGTH / 3 + 10; i++)
    g_string_append (huge, "%41");
  none = tern_mailto_parse (huge->str, &error);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_INVALID);
  g_assert_null (none);
  g_clear_error (&error);

  /* Many addresses are capped, not an error. */
  {
    g_autoptr(GString) many = g_string_new ("mailto:");
    for (guint i = 0; i < 500; i++)
      g_string_append_printf (many, "u%u@x.example,", i);
    c = tern_mailto_parse (many->str, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (c->to->len, <=, 100);
    g_assert_cmpuint (c->to->len, >, 0);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mailto/basic", test_basic);
  g_test_add_func ("/mailto/in-reply-to", test_in_reply_to);
  g_test_add_func ("/mailto/hostile", test_hostile);
  g_test_add_func ("/mailto/all-fields", test_all_fields);
  g_test_add_func ("/mailto/hostile-more", test_hostile_more);
  return g_test_run ();
}
