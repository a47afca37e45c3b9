/* test-autoconfig-xml.c: parsing config-v1.1.xml, good and bad. */
#include <string.h>

#include "autoconfig/tern-autoconfig.h"
#include "core/tern-error.h"

#define EMAIL "jane.doe@Example.com"

static const char full_xml[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<clientConfig version=\"1.1\">\n"
  "  <emailProvider id=\"example.com\">\n"
  "    <domain>example.net</domain>\n"
  "    <domain>example.com</domain>\n"
  "    <displayName>Example Mail</displayName>\n"
  "    <incomingServer type=\"pop3\">\n"
  "      <hostname>pop.example.com</hostname><port>995</port>\n"
  "      <socketType>SSL</socketType><username>%EMAILADDRESS%</username>\n"
  "      <authentication>password-cleartext</authentication>\n"
  "    </incomingServer>\n"
  "    <incomingServer type=\"imap\">\n"
  "      <hostname>imap.%EMAILDOMAIN%</hostname><port>143</port>\n"
  "      <socketType>STARTTLS</socketType><username>%EMAILLOCALPART%</username>\n"
  "      <authentication>OAuth2</authentication>\n"
  "      <authentication>password-encrypted</authentication>\n"
  "    </incomingServer>\n"
  "    <incomingServer type=\"exchange\"><hostname>ews.example.com</hostname></incomingServer>\n"
  "    <incomingServer type=\"imap\">\n"
  "      <hostname>IMAP.example.com</hostname><port>993</port>\n"
  "      <socketType>SSL</socketType><username>%EMAILADDRESS%</username>\n"
  "    </incomingServer>\n"
  "    <outgoingServer type=\"smtp\">\n"
  "      <hostname>smtp.example.com</hostname><port>587</port>\n"
  "      <socketType>STARTTLS</socketType><username>%EMAILADDRESS%</username>\n"
  "      <authentication>password-cleartext</authentication>\n"
  "    </outgoingServer>\n"
  "    <outgoingServer type=\"smtp\">\n"
  "      <hostname>smtp.example.com</hostname><port>465</port>\n"
  "      <socketType>SSL</socketType><username>%REALNAME%</username>\n"
  "    </outgoingServer>\n"
  "    <documentation url=\"https://example.com/help\"><descr lang=\"en\">Long help text</descr></documentation>\n"
  "  </emailProvider>\n"
  "</clientConfig>\n";

static void
test_full (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiscoveredConfig) config = NULL;
  TernDiscoveredServer *s;

  config = tern_autoconfig_parse_xml (full_xml, -1, EMAIL, TERN_AUTOCONFIG_SOURCE_PROVIDER, &error);
  g_assert_no_error (error);
  g_assert_nonnull (config);
  g_assert_cmpstr (config->display_name, ==, "Example Mail");
  g_assert_cmpstr (config->source_description, ==, "settings published by example.com");
  g_assert_cmpint (config->source, ==, TERN_AUTOCONFIG_SOURCE_PROVIDER);

  /* IMAP before POP3, implicit TLS before STARTTLS; exchange skipped. */
  g_assert_cmpuint (config->incoming->len, ==, 3);
  s = g_ptr_array_index (config->incoming, 0);
  g_assert_cmpstr (s->service, ==, "imap");
  g_assert_cmpint (s->protocol, ==, TERN_PROTOCOL_IMAP);
  g_assert_cmpstr (s->host, ==, "imap.example.com");
  g_assert_cmpuint (s->port, ==, 993);
  g_assert_cmpint (s->security, ==, TERN_SECURITY_TLS);
  g_assert_cmpstr (s->username, ==, EMAIL);
  g_assert_false (s->username_guessed);
  g_assert_cmpint (s->auth, ==, TERN_AUTH_PASSWORD_CLEARTEXT);  /* none listed */

  s = g_ptr_array_index (config->incoming, 1);
  g_assert_cmpstr (s->host, ==, "imap.example.com");
  g_assert_cmpuint (s->port, ==, 143);
  g_assert_cmpint (s->security, ==, TERN_SECURITY_STARTTLS);
  g_assert_cmpstr (s->username, ==, "jane.doe");
  g_assert_cmpint (s->auth, ==, TERN_AUTH_PASSWORD_ENCRYPTED);  /* OAuth2 skipped */
  g_assert_true (s->oauth2);  /* ... but noted, for providers Tern signs in to */

  s = g_ptr_array_index (config->incoming, 2);
  g_assert_cmpstr (s->service, ==, "pop3");
  g_assert_cmpint (s->protocol, ==, TERN_PROTOCOL_POP3);
  g_assert_cmpuint (s->port, ==, 995);

  g_assert_cmpuint (config->outgoing->len, ==, 2);
  s = g_ptr_array_index (config->outgoing, 0);
  g_assert_cmpstr (s->service, ==, "smtp");
  g_assert_cmpuint (s->port, ==, 465);
  g_assert_cmpint (s->security, ==, TERN_SECURITY_TLS);
  /* %REALNAME% cannot be filled in: the address is offered as a guess. */
  g_assert_cmpstr (s->username, ==, EMAIL);
  g_assert_true (s->username_guessed);
  s = g_ptr_array_index (config->outgoing, 1);
  g_assert_cmpuint (s->port, ==, 587);
  g_assert_cmpint (s->security, ==, TERN_SECURITY_STARTTLS);
}

static void
test_pop3_only_and_plain (void)
{
  static const char xml[] =
    "<clientConfig><emailProvider id=\"x\"><domain>example.com</domain>"
    "<incomingServer type=\"pop3\"><hostname>mail.example.com</hostname><port>110</port>"
    "<socketType>plain</socketType></incomingServer>"
    "<incomingServer type=\"pop3\"><hostname>mail.example.com</hostname><port>995</port>"
    "<socketType>SSL</socketType></incomingServer>"
    "<outgoingServer type=\"smtp\"><hostname>mail.example.com</hostname><port>25</port>"
    "<authentication>none</authentication></outgoingServer>"
    "</emailProvider></clientConfig>";
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiscoveredConfig) config = NULL;
  TernDiscoveredServer *s;

  config = tern_autoconfig_parse_xml (xml, -1, EMAIL, TERN_AUTOCONFIG_SOURCE_ISPDB, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (config->source_description, ==, "Thunderbird’s ISP database");
  g_assert_cmpuint (config->incoming->len, ==, 2);
  s = g_ptr_array_index (config->incoming, 0);
  g_assert_cmpint (s->protocol, ==, TERN_PROTOCOL_POP3);
  g_assert_cmpint (s->security, ==, TERN_SECURITY_TLS);
  s = g_ptr_array_index (config->incoming, 1);
  g_assert_cmpint (s->security, ==, TERN_SECURITY_NONE);
  s = g_ptr_array_index (config->outgoing, 0);
  g_assert_cmpint (s->security, ==, TERN_SECURITY_NONE);  /* no socketType = plain */
  g_assert_cmpint (s->auth, ==, TERN_AUTH_NONE);
}

typedef struct {
  const char *name;
  const char *xml;
  const char *message_part;   /* expected in the error message */
} BadCase;

#define SMTP_OK "<outgoingServer type=\"smtp\"><hostname>smtp.example.com</hostname><port>465</port><socketType>SSL</socketType></outgoingServer>"
#define IMAP_OK "<incomingServer type=\"imap\"><hostname>imap.example.com</hostname><port>993</port><socketType>SSL</socketType></incomingServer>"
#define WRAP(body) "<clientConfig><emailProvider id=\"e\"><domain>example.com</domain>" body "</emailProvider></clientConfig>"

static const BadCase bad_cases[] = {
  { "not-xml", "this is not xml <", "not valid XML" },
  { "unclosed", "<clientConfig><emailProvider>", "not valid XML" },
  { "empty", "", "empty" },
  { "wrong-root", "<html><body>Welcome</body></html>", "not a mail configuration" },
  { "wrong-domain",
    "<clientConfig><emailProvider id=\"e\"><domain>evil.example</domain>" IMAP_OK SMTP_OK
    "</emailProvider></clientConfig>", "is for evil.example, not for example.com" },
  { "no-domain", "<clientConfig><emailProvider id=\"e\">" IMAP_OK SMTP_OK
    "</emailProvider></clientConfig>", "not for example.com" },
  { "no-incoming", WRAP (SMTP_OK), "no IMAP or POP3 server" },
  { "no-outgoing", WRAP (IMAP_OK), "no SMTP server" },
  { "only-exchange", WRAP ("<incomingServer type=\"exchange\"><hostname>x.example.com</hostname></incomingServer>" SMTP_OK),
    "no IMAP or POP3 server" },
  { "no-hostname", WRAP ("<incomingServer type=\"imap\"><port>993</port></incomingServer>" SMTP_OK),
    "no valid host name" },
  { "bad-hostname", WRAP ("<incomingServer type=\"imap\"><hostname>imap.example.com; rm -rf</hostname><port>993</port></incomingServer>" SMTP_OK),
    "no valid host name" },
  { "bad-port", WRAP (IMAP_OK "<outgoingServer type=\"smtp\"><hostname>smtp.example.com</hostname><port>99999</port></outgoingServer>"),
    "no valid port" },
  { "text-port", WRAP ("<incomingServer type=\"imap\"><hostname>imap.example.com</hostname><port>imap</port></incomingServer>" SMTP_OK),
    "no valid port" },
  { "bad-socket", WRAP ("<incomingServer type=\"imap\"><hostname>imap.example.com</hostname><port>993</port><socketType>SSLv2</socketType></incomingServer>" SMTP_OK),
    "unknown security type" },
  { "nested-server", WRAP ("<incomingServer type=\"imap\"><incomingServer type=\"imap\"></incomingServer></incomingServer>" SMTP_OK),
    "server inside a server" },
};

static void
test_bad (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiscoveredConfig) config = NULL;

  config = tern_autoconfig_parse_xml (c->xml, -1, EMAIL, TERN_AUTOCONFIG_SOURCE_PROVIDER, &error);
  g_assert_null (config);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL);
  if (strstr (error->message, c->message_part) == NULL)
    g_error ("%s: message “%s” lacks “%s”", c->name, error->message, c->message_part);
}

static void
test_oversized (void)
{
  g_autoptr(GString) xml = g_string_new ("<clientConfig><emailProvider id=\"e\"><domain>example.com</domain>" IMAP_OK SMTP_OK);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiscoveredConfig) config = NULL;

  while (xml->len <= 1024 * 1024)
    g_string_append (xml, "<!-- padding padding padding padding padding padding padding -->\n");
  g_string_append (xml, "</emailProvider></clientConfig>");
  config = tern_autoconfig_parse_xml (xml->str, xml->len, EMAIL, TERN_AUTOCONFIG_SOURCE_PROVIDER, &error);
  g_assert_null (config);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "too large"));
}

static void
test_long_text (void)
{
  /* Long text in elements we do not read (help) is fine; in ones we do, not. */
  g_autoptr(GString) help = g_string_new (WRAP ("<documentation><descr>"));
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiscoveredConfig) config = NULL;
  g_autoptr(GString) host = NULL;
  guint i;

  g_string_truncate (help, help->len - strlen ("</emailProvider></clientConfig>"));
  for (i = 0; i < 2000; i++)
    g_string_append (help, "Some long help text. ");
  g_string_append (help, "</descr></documentation>" IMAP_OK SMTP_OK "</emailProvider></clientConfig>");
  config = tern_autoconfig_parse_xml (help->str, -1, EMAIL, TERN_AUTOCONFIG_SOURCE_PROVIDER, &error);
  g_assert_no_error (error);
  g_assert_nonnull (config);

  host = g_string_new ("<clientConfig><emailProvider><domain>example.com</domain><incomingServer type=\"imap\"><hostname>");
  for (i = 0; i < 1000; i++)
    g_string_append (host, "aaaaaaa.");
  g_string_append (host, "</hostname></incomingServer></emailProvider></clientConfig>");
  g_clear_pointer (&config, tern_discovered_config_unref);
  config = tern_autoconfig_parse_xml (host->str, -1, EMAIL, TERN_AUTOCONFIG_SOURCE_PROVIDER, &error);
  g_assert_null (config);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL);
}

static void
test_binary (void)
{
  static const char bin[] = "<clientConfig>\0\xff\xfe</clientConfig>";
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiscoveredConfig) config = NULL;

  config = tern_autoconfig_parse_xml (bin, sizeof bin - 1, EMAIL, TERN_AUTOCONFIG_SOURCE_PROVIDER, &error);
  g_assert_null (config);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL);
}

static void
test_addresses (void)
{
  static const char *const bad[] = { "", "jane", "@example.com", "jane@", "jane@localhost",
                                     "jane@exa mple.com", "jane@example..com", "<jane@example.com>" };
  g_autofree char *local = NULL;
  g_autofree char *domain = NULL;
  guint i;

  g_assert_true (tern_autoconfig_split_address ("a@b@Example.COM", &local, &domain, NULL));
  g_assert_cmpstr (local, ==, "a@b");
  g_assert_cmpstr (domain, ==, "example.com");
  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_false (tern_autoconfig_split_address (bad[i], NULL, NULL, &error));
      g_assert_error (error, TERN_ERROR, TERN_ERROR_INVALID);
    }
}

int
main (int argc, char **argv)
{
  guint i;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/autoconfig/xml/full", test_full);
  g_test_add_func ("/autoconfig/xml/pop3-only-and-plain", test_pop3_only_and_plain);
  for (i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/autoconfig/xml/bad/%s", bad_cases[i].name);
      g_test_add_data_func (path, &bad_cases[i], test_bad);
    }
  g_test_add_func ("/autoconfig/xml/oversized", test_oversized);
  g_test_add_func ("/autoconfig/xml/long-text", test_long_text);
  g_test_add_func ("/autoconfig/xml/binary", test_binary);
  g_test_add_func ("/autoconfig/addresses", test_addresses);
  return g_test_run ();
}
