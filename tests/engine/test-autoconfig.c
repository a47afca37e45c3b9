/* test-autoconfig.c: discovery end to end, offline.
 *
 * A SoupServer on 127.0.0.1 stands in for autoconfig.<domain>, .well-known
 * and the ISP database (plain HTTP and HTTPS with a throwaway certificate);
 * a stub GResolver answers SRV and address queries; tiny scripted servers
 * on loopback ports speak IMAP, POP3 and SMTP greetings for the probes.
 */
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "autoconfig-test-cert.h"
#include "autoconfig/tern-autoconfig.h"
#include "core/tern-error.h"
#include "tern-test-loop.h"

#define EMAIL "jane@example.com"
/* Safety bound for a test's main loop; a test that needs it has failed. */
#define LOOP_BOUND_MS 8000

/* ------------------------------------------------------------------ */
/* Stub resolver                                                       */

#define STUB_TYPE_RESOLVER (stub_resolver_get_type ())
G_DECLARE_FINAL_TYPE (StubResolver, stub_resolver, STUB, RESOLVER, GResolver)

struct _StubResolver {
  GResolver parent_instance;
  GHashTable *srv;      /* name -> GPtrArray of GVariant (qqqs) */
  GHashTable *hosts;    /* name -> "127.0.0.1" */
  GHashTable *hang;     /* names that never answer until cancelled */
  gint hung;            /* queries now waiting on a hung name */
};

G_DEFINE_FINAL_TYPE (StubResolver, stub_resolver, G_TYPE_RESOLVER)

static void
stub_resolver_finalize (GObject *object)
{
  StubResolver *self = STUB_RESOLVER (object);

  g_hash_table_unref (self->srv);
  g_hash_table_unref (self->hosts);
  g_hash_table_unref (self->hang);
  G_OBJECT_CLASS (stub_resolver_parent_class)->finalize (object);
}

static GList *
stub_lookup_name (StubResolver *self, const char *name, GError **error)
{
  const char *ip = g_hash_table_lookup (self->hosts, name);

  if (ip == NULL)
    {
      g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "stub: no host %s", name);
      return NULL;
    }
  return g_list_append (NULL, g_inet_address_new_from_string (ip));
}

static GList *
stub_lookup_records (StubResolver *self, const char *name, GError **error)
{
  GPtrArray *records = g_hash_table_lookup (self->srv, name);
  GList *list = NULL;
  guint i;

  if (records == NULL)
    {
      g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "stub: no SRV %s", name);
      return NULL;
    }
  for (i = 0; i < records->len; i++)
    list = g_list_append (list, g_variant_ref (g_ptr_array_index (records, i)));
  return list;
}

static void
on_hang_cancelled (GCancellable *cancellable, gpointer user_data)
{
  GTask *task = user_data;
  StubResolver *self = g_task_get_source_object (task);

  g_atomic_int_add (&self->hung, -1);
  g_task_return_error_if_cancelled (task);
}

/* Answers a query later from the main loop, or never (until cancelled). */
static void
stub_answer (StubResolver *self, const char *name, gboolean records,
             GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;
  GList *list;

  if (g_hash_table_contains (self->hang, name))
    {
      g_assert_nonnull (cancellable);
      g_atomic_int_inc (&self->hung);
      g_cancellable_connect (cancellable, G_CALLBACK (on_hang_cancelled),
                             g_object_ref (task), g_object_unref);
      return;
    }
  list = records ? stub_lookup_records (self, name, &error) : stub_lookup_name (self, name, &error);
  if (list == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, list, NULL);
}

static GList *
stub_finish (GResolver *resolver, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static GList *
stub_by_name (GResolver *resolver, const char *name, GCancellable *c, GError **error)
{
  return stub_lookup_name (STUB_RESOLVER (resolver), name, error);
}

static GList *
stub_by_name_flags (GResolver *resolver, const char *name, GResolverNameLookupFlags flags,
                    GCancellable *c, GError **error)
{
  return stub_lookup_name (STUB_RESOLVER (resolver), name, error);
}

static void
stub_by_name_async (GResolver *resolver, const char *name, GCancellable *c,
                    GAsyncReadyCallback cb, gpointer data)
{
  stub_answer (STUB_RESOLVER (resolver), name, FALSE, c, cb, data);
}

static void
stub_by_name_flags_async (GResolver *resolver, const char *name, GResolverNameLookupFlags flags,
                          GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
  stub_answer (STUB_RESOLVER (resolver), name, FALSE, c, cb, data);
}

static GList *
stub_records (GResolver *resolver, const char *name, GResolverRecordType type,
              GCancellable *c, GError **error)
{
  return stub_lookup_records (STUB_RESOLVER (resolver), name, error);
}

static void
stub_records_async (GResolver *resolver, const char *name, GResolverRecordType type,
                    GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
  g_assert_cmpint (type, ==, G_RESOLVER_RECORD_SRV);
  stub_answer (STUB_RESOLVER (resolver), name, TRUE, c, cb, data);
}

static void
stub_resolver_class_init (StubResolverClass *klass)
{
  GResolverClass *rc = G_RESOLVER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = stub_resolver_finalize;
  rc->lookup_by_name = stub_by_name;
  rc->lookup_by_name_async = stub_by_name_async;
  rc->lookup_by_name_finish = stub_finish;
  rc->lookup_by_name_with_flags = stub_by_name_flags;
  rc->lookup_by_name_with_flags_async = stub_by_name_flags_async;
  rc->lookup_by_name_with_flags_finish = stub_finish;
  rc->lookup_records = stub_records;
  rc->lookup_records_async = stub_records_async;
  rc->lookup_records_finish = stub_finish;
}

static void
stub_resolver_init (StubResolver *self)
{
  self->srv = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify) g_ptr_array_unref);
  self->hosts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->hang = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
stub_add_srv (StubResolver *self, const char *name, guint16 priority, guint16 weight,
              guint16 port, const char *target)
{
  GPtrArray *records = g_hash_table_lookup (self->srv, name);

  if (records == NULL)
    {
      records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
      g_hash_table_insert (self->srv, g_strdup (name), records);
    }
  g_ptr_array_add (records, g_variant_ref_sink (g_variant_new ("(qqqs)", priority, weight,
                                                               port, target)));
}

static void
stub_add_host (StubResolver *self, const char *name)
{
  g_hash_table_insert (self->hosts, g_strdup (name), g_strdup ("127.0.0.1"));
}

/* ------------------------------------------------------------------ */
/* HTTP(S) server                                                      */

typedef struct {
  int status;           /* 0 = not served (404) */
  char *body;
  gssize length;
  char *redirect;
  gboolean chunked;
  gboolean hang;        /* pause the message and never answer */
} Route;

typedef struct {
  SoupServer *server;
  guint port;
  GHashTable *routes;   /* path -> Route* */
  GPtrArray *requests;  /* "path?query" */
  GPtrArray *paused;    /* SoupServerMessage* kept until teardown */
} HttpFixture;

static void
route_free (Route *route)
{
  g_free (route->body);
  g_free (route->redirect);
  g_free (route);
}

static void
http_handler (SoupServer *server, SoupServerMessage *msg, const char *path,
              GHashTable *query, gpointer user_data)
{
  HttpFixture *http = user_data;
  GUri *uri = soup_server_message_get_uri (msg);
  Route *route = g_hash_table_lookup (http->routes, path);

  g_ptr_array_add (http->requests, g_strdup_printf ("%s?%s", path,
                                                    g_uri_get_query (uri) ? g_uri_get_query (uri) : ""));
  if (route == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  if (route->hang)
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (http->paused, g_object_ref (msg));
      return;
    }
  if (route->redirect)
    {
      soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, route->redirect);
      return;
    }
  soup_server_message_set_status (msg, route->status, NULL);
  if (route->chunked)
    {
      SoupMessageBody *body = soup_server_message_get_response_body (msg);
      soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                         SOUP_ENCODING_CHUNKED);
      soup_message_body_append (body, SOUP_MEMORY_COPY, route->body, route->length);
      soup_message_body_complete (body);
    }
  else
    soup_server_message_set_response (msg, "application/xml", SOUP_MEMORY_COPY,
                                      route->body, route->length);
}

static void
http_start (HttpFixture *http, GTlsCertificate *cert)
{
  GSList *uris;
  GError *error = NULL;

  http->server = soup_server_new ("tls-certificate", cert, NULL);
  http->routes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) route_free);
  http->requests = g_ptr_array_new_with_free_func (g_free);
  http->paused = g_ptr_array_new_with_free_func (g_object_unref);
  soup_server_add_handler (http->server, NULL, http_handler, http, NULL);
  soup_server_listen_local (http->server, 0,
                            SOUP_SERVER_LISTEN_IPV4_ONLY | (cert ? SOUP_SERVER_LISTEN_HTTPS : 0),
                            &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (http->server);
  http->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static void
http_stop (HttpFixture *http)
{
  guint i;

  for (i = 0; i < http->paused->len; i++)
    soup_server_message_unpause (g_ptr_array_index (http->paused, i));
  soup_server_disconnect (http->server);
  g_clear_object (&http->server);
  g_hash_table_unref (http->routes);
  g_ptr_array_unref (http->requests);
  g_ptr_array_unref (http->paused);
}

static Route *
http_route (HttpFixture *http, const char *path, int status, const char *body)
{
  Route *route = g_new0 (Route, 1);

  route->status = status;
  route->body = g_strdup (body ? body : "");
  route->length = strlen (route->body);
  g_hash_table_insert (http->routes, g_strdup (path), route);
  return route;
}

static gboolean
http_saw (HttpFixture *http, const char *prefix)
{
  guint i;

  for (i = 0; i < http->requests->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (http->requests, i), prefix))
      return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------------ */
/* Scripted mail servers                                               */

typedef enum {
  FAKE_IMAP, FAKE_IMAP_CAPS_IN_GREETING, FAKE_IMAP_NO_STARTTLS,
  FAKE_POP3, FAKE_POP3_NO_CAPA,
  FAKE_SMTP, FAKE_SMTP_NO_STARTTLS,
  FAKE_SILENT, FAKE_GARBAGE,
} FakeKind;

typedef struct {
  GSocketService *service;
  FakeKind kind;
  GTlsCertificate *tls;  /* implicit TLS when set */
  guint16 port;
  gint connections;
  gint active;            /* handler threads still running */
  gboolean got_password;  /* any LOGIN/AUTH/USER/PASS seen: must stay FALSE */
} FakeServer;

static void
fake_write (GOutputStream *out, const char *text)
{
  g_output_stream_write_all (out, text, strlen (text), NULL, NULL, NULL);
}

static const char *
fake_greeting (FakeKind kind)
{
  switch (kind)
    {
    case FAKE_IMAP: case FAKE_IMAP_NO_STARTTLS: return "* OK fake IMAP ready\r\n";
    case FAKE_IMAP_CAPS_IN_GREETING:
      return "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n";
    case FAKE_POP3: case FAKE_POP3_NO_CAPA: return "+OK fake POP3 ready\r\n";
    case FAKE_SMTP: case FAKE_SMTP_NO_STARTTLS:
      return "220-fake.example.com ESMTP\r\n220 hello\r\n";
    case FAKE_GARBAGE: return "HTTP/1.1 400 Bad Request\r\n\r\n";
    case FAKE_SILENT: default: return NULL;
    }
}

static const char *
fake_reply (FakeKind kind, const char *line)
{
  if (g_ascii_strncasecmp (line, "LOGIN", 5) == 0)
    return NULL;
  switch (kind)
    {
    case FAKE_IMAP:
      if (g_str_has_suffix (line, "CAPABILITY"))
        return "* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN\r\nT1 OK done\r\n";
      break;
    case FAKE_IMAP_NO_STARTTLS:
      if (g_str_has_suffix (line, "CAPABILITY"))
        return "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\nT1 OK done\r\n";
      break;
    case FAKE_POP3:
      if (g_str_equal (line, "CAPA"))
        return "+OK list follows\r\nUSER\r\nUIDL\r\nSTLS\r\n.\r\n";
      break;
    case FAKE_POP3_NO_CAPA:
      if (g_str_equal (line, "CAPA"))
        return "-ERR unknown command\r\n";
      break;
    case FAKE_SMTP:
      if (g_str_has_prefix (line, "EHLO"))
        return "250-fake.example.com\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n";
      break;
    case FAKE_SMTP_NO_STARTTLS:
      if (g_str_has_prefix (line, "EHLO"))
        return "250-fake.example.com\r\n250 AUTH PLAIN\r\n";
      break;
    default:
      break;
    }
  return "BAD unexpected\r\n";
}

static gboolean
fake_run (GThreadedSocketService *service, GSocketConnection *conn,
          GObject *source, gpointer user_data)
{
  FakeServer *fake = user_data;
  g_autoptr(GIOStream) io = G_IO_STREAM (g_object_ref (conn));
  g_autoptr(GDataInputStream) in = NULL;
  const char *greeting = fake_greeting (fake->kind);
  guint lines;

  g_atomic_int_inc (&fake->active);
  g_atomic_int_inc (&fake->connections);
  if (fake->tls != NULL)
    {
      g_autoptr(GIOStream) tls = g_tls_server_connection_new (io, fake->tls, NULL);
      if (tls == NULL || !g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, NULL))
        {
          g_atomic_int_add (&fake->active, -1);
          return TRUE;
        }
      g_set_object (&io, tls);
    }
  in = g_data_input_stream_new (g_io_stream_get_input_stream (io));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  if (greeting != NULL)
    fake_write (g_io_stream_get_output_stream (io), greeting);
  /* Bounded: a probe sends one command; the silent server waits for the
   * client to hang up (read returns NULL). */
  for (lines = 0; lines < 10; lines++)
    {
      g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, NULL);
      const char *reply;

      if (line == NULL)
        break;
      if (strstr (line, "LOGIN") || strstr (line, "AUTH") || g_str_has_prefix (line, "USER") ||
          g_str_has_prefix (line, "PASS"))
        fake->got_password = TRUE;
      reply = fake_reply (fake->kind, line);
      if (reply)
        fake_write (g_io_stream_get_output_stream (io), reply);
    }
  g_io_stream_close (io, NULL, NULL);
  g_atomic_int_add (&fake->active, -1);
  return TRUE;
}

static FakeServer *
fake_start (FakeKind kind, GTlsCertificate *tls)
{
  FakeServer *fake = g_new0 (FakeServer, 1);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  GError *error = NULL;

  fake->kind = kind;
  fake->tls = tls ? g_object_ref (tls) : NULL;
  fake->service = g_threaded_socket_service_new (20);
  g_socket_listener_add_address (G_SOCKET_LISTENER (fake->service), addr, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  fake->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (fake->service, "run", G_CALLBACK (fake_run), fake);
  g_socket_service_start (fake->service);
  return fake;
}

static void
fake_stop (FakeServer *fake)
{
  /* Handler threads end when the client hangs up; wait for them, as they
   * use @fake. */
  TERN_TEST_WAIT_UNTIL (g_atomic_int_get (&fake->active) == 0, LOOP_BOUND_MS);
  g_assert_cmpint (g_atomic_int_get (&fake->active), ==, 0);
  g_socket_service_stop (fake->service);
  g_socket_listener_close (G_SOCKET_LISTENER (fake->service));
  g_object_unref (fake->service);
  g_clear_object (&fake->tls);
  g_free (fake);
}

/* A loopback port with nothing listening: bind, note the port, close. */
static guint16
closed_port (void)
{
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                          G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (sock, addr, FALSE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* ------------------------------------------------------------------ */
/* Fixture                                                             */

typedef struct {
  HttpFixture http;
  StubResolver *resolver;
  TernAutoconfig *ac;
  GTlsCertificate *cert;
  char *base;
} Fixture;

#define XML_FOR(domain, imap_host) \
  "<clientConfig version=\"1.1\"><emailProvider id=\"" domain "\"><domain>" domain "</domain>" \
  "<incomingServer type=\"imap\"><hostname>" imap_host "</hostname><port>993</port>" \
  "<socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>" \
  "<outgoingServer type=\"smtp\"><hostname>smtp.example.com</hostname><port>465</port>" \
  "<socketType>SSL</socketType><username>%EMAILADDRESS%</username></outgoingServer>" \
  "</emailProvider></clientConfig>"

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  GError *error = NULL;
  g_autofree char *provider = NULL, *well_known = NULL, *ispdb = NULL;

  f->cert = g_tls_certificate_new_from_pem (test_cert_pem, -1, &error);
  g_assert_no_error (error);
  {
    g_autofree char *both = g_strconcat (test_cert_pem, test_key_pem, NULL);
    g_object_unref (f->cert);
    f->cert = g_tls_certificate_new_from_pem (both, -1, &error);
    g_assert_no_error (error);
  }
  http_start (&f->http, NULL);
  f->base = g_strdup_printf ("http://127.0.0.1:%u", f->http.port);
  f->resolver = g_object_new (STUB_TYPE_RESOLVER, NULL);
  f->ac = tern_autoconfig_new ();
  provider = g_strconcat (f->base, "/provider/{domain}/mail/config-v1.1.xml?emailaddress={email}", NULL);
  well_known = g_strconcat (f->base, "/wk/{domain}/.well-known/autoconfig/mail/config-v1.1.xml", NULL);
  ispdb = g_strconcat (f->base, "/ispdb/v1.1/{domain}", NULL);
  tern_autoconfig_set_urls (f->ac, provider, well_known, ispdb);
  tern_autoconfig_set_resolver (f->ac, G_RESOLVER (f->resolver));
  tern_autoconfig_set_timeouts (f->ac, 5000, 2000);
  tern_autoconfig_clear_probes (f->ac);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->ac);
  g_clear_object (&f->resolver);
  http_stop (&f->http);
  g_clear_object (&f->cert);
  g_free (f->base);
  /* Let pending idle callbacks of cancelled operations run out. */
  tern_test_drain (10000);
}

typedef struct {
  gboolean done;
  TernDiscoveredConfig *config;
  GError *error;
} Outcome;

static void
on_discovered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Outcome *o = user_data;

  o->config = tern_autoconfig_discover_finish (TERN_AUTOCONFIG (source), result, &o->error);
  o->done = TRUE;
}

static void
iterate_until (gboolean *flag)
{
  TERN_TEST_WAIT_UNTIL (*flag, LOOP_BOUND_MS);
  g_assert_true (*flag);
}

static TernDiscoveredConfig *
discover (Fixture *f, const char *email, GError **error)
{
  Outcome o = { 0 };

  tern_autoconfig_discover_async (f->ac, email, NULL, on_discovered, &o);
  iterate_until (&o.done);
  if (o.error)
    g_propagate_error (error, o.error);
  return o.config;
}

static TernDiscoveredServer *
server_at (GPtrArray *list, guint i)
{
  g_assert_cmpuint (i, <, list->len);
  return g_ptr_array_index (list, i);
}

static gboolean
notes_mention (TernDiscoveredConfig *config, const char *text)
{
  guint i;

  for (i = 0; i < config->notes->len; i++)
    if (strstr (g_ptr_array_index (config->notes, i), text))
      return TRUE;
  return FALSE;
}

static void
add_srv_complete (Fixture *f)
{
  stub_add_srv (f->resolver, "_imaps._tcp.example.com", 0, 1, 993, "srv-imap.example.com.");
  stub_add_srv (f->resolver, "_submission._tcp.example.com", 0, 1, 587, "srv-smtp.example.com.");
}

/* ------------------------------------------------------------------ */
/* Tests: sources and their order                                       */

static void
test_provider_wins (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiscoveredConfig) config = NULL;
  g_autofree char *expected_url = NULL;

  http_route (&f->http, "/provider/example.com/mail/config-v1.1.xml", 200,
              XML_FOR ("example.com", "provider-imap.example.com"));
  http_route (&f->http, "/wk/example.com/.well-known/autoconfig/mail/config-v1.1.xml", 200,
              XML_FOR ("example.com", "wk-imap.example.com"));
  http_route (&f->http, "/ispdb/v1.1/example.com", 200, XML_FOR ("example.com", "ispdb-imap.example.com"));
  add_srv_complete (f);

  config = discover (f, EMAIL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (config->source, ==, TERN_AUTOCONFIG_SOURCE_PROVIDER);
  g_assert_cmpstr (config->source_description, ==, "settings published by example.com");
  g_assert_cmpstr (server_at (config->incoming, 0)->host, ==, "provider-imap.example.com");
  g_assert_cmpstr (server_at (config->incoming, 0)->username, ==, EMAIL);
  expected_url = g_strconcat (f->base, "/provider/example.com/mail/config-v1.1.xml?emailaddress=jane%40example.com", NULL);
  g_assert_cmpstr (config->source_url, ==, expected_url);
  g_assert_true (http_saw (&f->http, "/provider/example.com/mail/config-v1.1.xml?emailaddress=jane%40example.com"));
}

static void
test_well_known (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiscoveredConfig) config = NULL;

  /* The provider's own host has nothing (404); .well-known has it. */
  http_route (&f->http, "/wk/example.com/.well-known/autoconfig/mail/config-v1.1.xml", 200,
              XML_FOR ("example.com", "wk-imap.example.com"));
  http_route (&f->http, "/ispdb/v1.1/example.com", 200, XML_FOR ("example.com", "ispdb-imap.example.com"));
  config = discover (f, EMAIL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (config->source, ==, TERN_AUTOCONFIG_SOURCE_PROVIDER);
  g_assert_cmpstr (server_at (config->incoming, 0)->host, ==, "wk-imap.example.com");
  g_assert_true (notes_mention (config, "404"));
}

static void
test_ispdb_after_bad_documents (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiscoveredConfig) config = NULL;

  /* Malformed at the provider, another domain's settings at .well-known. */
  http_route (&f->http, "/provider/example.com/mail/config-v1.1.xml", 200, "<clientConfig><oops>");
  http_route (&f->http, "/wk/example.com/.well-known/autoconfig/mail/config-v1.1.xml", 200,
              XML_FOR ("evil.example", "imap.evil.example"));
  http_route (&f->http, "/ispdb/v1.1/example.com", 200, XML_FOR ("example.com", "ispdb-imap.example.com"));
  add_srv_complete (f);

  config = discover (f, EMAIL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (config->source, ==, TERN_AUTOCONFIG_SOURCE_ISPDB);
  g_assert_cmpstr (config->source_description, ==, "Thunderbird’s ISP database");
  g_assert_cmpstr (server_at (config->incoming, 0)->host, ==, "ispdb-imap.example.com");
  g_assert_true (notes_mention (config, "not valid XML"));
  g_assert_true (notes_mention (config, "is for evil.example, not for example.com"));
}

static void
test_oversized_falls_through (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiscoveredConfig) config = NULL;
  g_autoptr(GString) big = g_string_new (NULL);
  Route *route;

  while (big->len <= 1024 * 1024 + 10)
    g_string_append (big, "<!-- padding padding padding padding padding padding padding -->\n");
  /* With a Content-Length, and chunked (no length known up front). */
  http_route (&f->http, "/provider/example.com/mail/config-v1.1.xml", 200, big->str);
  route = http_route (&f->http, "/wk/example.com/.well-known/autoconfig/mail/config-v1.1.xml", 200, big->str);
  route->chunked = TRUE;
  add_srv_complete (f);

  config = discover (f, EMAIL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (config->source, ==, TERN_AUTOCONFIG_SOURCE_SRV);
  g_assert_true (notes_mention (config, "/provider/example.com/mail/config-v1.1.xml?emailaddress=jane%40example.com: the document is larger than 1024 KiB"));
  g_assert_true (notes_mention (config, ".well-known/autoconfig/mail/config-v1.1.xml: the document is larger than 1024 KiB"));
}

static void
test_slow_provider_still_wins (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiscoveredConfig) config = NULL;
  Outcome o = { 0 };
  Route *route;
  g_autofree char *target = NULL;

  /* The provider answers through a redirect chain of two hops while SRV
   * answers at once: the more trusted source is still the one used. */
  route = http_route (&f->http, "/provider/example.com/mail/config-v1.1.xml", 0, NULL);
  route->redirect = g_strconcat (f->base, "/hop1", NULL);
  route = http_route (&f->http, "/hop1", 0, NULL);
  route->redirect = g_strdup ("/hop2");  /* relative */
  http_route (&f->http, "/hop2", 200, XML_FOR ("example.com", "provider-imap.example.com"));
  add_srv_complete (f);

  tern_autoconfig_discover_async (f->ac, EMAIL, NULL, on_discovered, &o);
  iterate_until (&o.done);
  g_assert_no_error (o.error);
  config = o.config;
  g_assert_cmpint (config->source, ==, TERN_AUTOCONFIG_SOURCE_PROVIDER);
  target = g_strconcat (f->base, "/hop2", NULL);
  g_assert_cmpstr (config->source_url, ==, target);
}

static void
test_redirect_limits (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiscoveredConfig) config = NULL;
  Route *route;
  guint i;

  /* Provider: a loop of redirects (more than 3). */
  route = http_route (&f->http, "/provider/example.com/mail/config-v1.1.xml", 0, NULL);
  route->redirect = g_strconcat (f->base, "/loop0", NULL);
  for (i = 0; i < 5; i++)
    {
      g_autofree char *path = g_strdup_printf ("/loop%u", i);
      route = http_route (&f->http, path, 0, NULL);
      route->redirect = g_strdup_printf ("%s/loop%u", f->base, i + 1);
    }
  /* .well-known: a redirect to something that is not http(s). */
  route = http_route (&f->http, "/wk/example.com/.well-known/autoconfig/mail/config-v1.1.xml", 0, NULL);
  route->redirect = g_strdup ("file:///etc/passwd");
  add_srv_complete (f);

  config = discover (f, EMAIL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (config->source, ==, TERN_AUTOCONFIG_SOURCE_SRV);
  g_assert_true (notes_mention (config, "too many redirects"));
  g_assert_true (notes_mention (config, "refused a redirect to “file:///etc/passwd”"));
  g_assert_false (http_saw (&f->http, "/loop4"));
}

static void
test_https (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiscoveredConfig) config = NULL;
  g_autoptr(GTlsDatabase) db = NULL;
  g_autofree char *dir = NULL, *ca = NULL, *provider = NULL, *ispdb = NULL, *wk = NULL;
  HttpFixture tls = { 0 };
  Route *route;

  dir = g_dir_make_tmp ("tern-autoconfig-XXXXXX", &error);
  g_assert_no_error (error);
  ca = g_build_filename (dir, "ca.pem", NULL);
  g_assert_true (g_file_set_contents (ca, test_cert_pem, -1, NULL));
  db = g_tls_file_database_new (ca, &error);
  g_assert_no_error (error);

  http_start (&tls, f->cert);
  /* provider: https, trusted, and it redirects https -> http: refused.
   * well-known: http redirecting to https: allowed, and served. */
  provider = g_strdup_printf ("https://127.0.0.1:%u/p/{domain}", tls.port);
  wk = g_strconcat (f->base, "/wk/{domain}", NULL);
  ispdb = g_strdup_printf ("https://localhost:%u/ispdb/{domain}", tls.port);
  tern_autoconfig_set_urls (f->ac, provider, wk, ispdb);
  tern_autoconfig_set_tls_database (f->ac, db);
  route = http_route (&tls, "/p/example.com", 0, NULL);
  route->redirect = g_strconcat (f->base, "/plain", NULL);
  http_route (&f->http, "/plain", 200, XML_FOR ("example.com", "downgraded.example.com"));
  route = http_route (&f->http, "/wk/example.com", 0, NULL);
  route->redirect = g_strdup_printf ("https://127.0.0.1:%u/secure", tls.port);
  http_route (&tls, "/secure", 200, XML_FOR ("example.com", "secure-imap.example.com"));

  config = discover (f, EMAIL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (config->source, ==, TERN_AUTOCONFIG_SOURCE_PROVIDER);
  g_assert_cmpstr (server_at (config->incoming, 0)->host, ==, "secure-imap.example.com");
  g_assert_true (notes_mention (config, "only secure https redirects"));
  g_assert_false (http_saw (&f->http, "/plain"));
  g_clear_pointer (&config, tern_discovered_config_unref);

  /* Without trusting the throwaway certificate, HTTPS fails: the ISP
   * database (over https) is not used and nothing else is there. */
  tern_autoconfig_set_tls_database (f->ac, NULL);
  tern_autoconfig_set_urls (f->ac, NULL, NULL, ispdb);
  http_route (&tls, "/ispdb/example.com", 200, XML_FOR ("example.com", "ispdb-imap.example.com"));
  config = discover (f, EMAIL, &error);
  g_assert_null (config);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND);

  http_stop (&tls);
  g_unlink (ca);
  g_rmdir (dir);
}

/* ------------------------------------------------------------------ */
/* Tests: SRV                                                           */

static void
test_srv (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiscoveredConfig) config = NULL;
  StubResolver *r = f->resolver;

  /* IMAPS: priority decides, then weight (higher first). */
  stub_add_srv (r, "_imaps._tcp.example.com", 20, 5, 993, "backup.example.com.");
  stub_add_srv (r, "_imaps._tcp.example.com", 10, 1, 993, "light.example.com.");
  stub_add_srv (r, "_imaps._tcp.example.com", 10, 50, 9993, "heavy.example.com.");
  /* IMAP with STARTTLS: decidedly not offered. */
  stub_add_srv (r, "_imap._tcp.example.com", 0, 0, 0, ".");
  /* POP3 with STARTTLS only. */
  stub_add_srv (r, "_pop3._tcp.example.com", 0, 0, 110, "pop.example.com");
  /* Submission: both, implicit TLS preferred whatever the priorities. */
  stub_add_srv (r, "_submission._tcp.example.com", 0, 0, 587, "smtp.example.com.");
  stub_add_srv (r, "_submissions._tcp.example.com", 5, 0, 465, "smtp.example.com.");
  /* Garbage target: ignored with a note. */
  stub_add_srv (r, "_pop3s._tcp.example.com", 0, 0, 995, "bad host!.example.com.");

  config = discover (f, EMAIL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (config->source, ==, TERN_AUTOCONFIG_SOURCE_SRV);
  g_assert_cmpstr (config->source_description, ==, "DNS SRV records");
  g_assert_cmpuint (config->incoming->len, ==, 4);
  g_assert_cmpstr (server_at (config->incoming, 0)->host, ==, "heavy.example.com");
  g_assert_cmpuint (server_at (config->incoming, 0)->port, ==, 9993);
  g_assert_cmpint (server_at (config->incoming, 0)->security, ==, TERN_SECURITY_TLS);
  g_assert_cmpstr (server_at (config->incoming, 1)->host, ==, "light.example.com");
  g_assert_cmpstr (server_at (config->incoming, 2)->host, ==, "backup.example.com");
  g_assert_cmpstr (server_at (config->incoming, 3)->service, ==, "pop3");
  g_assert_cmpint (server_at (config->incoming, 3)->security, ==, TERN_SECURITY_STARTTLS);
  g_assert_cmpuint (server_at (config->incoming, 3)->port, ==, 110);
  g_assert_cmpstr (server_at (config->incoming, 0)->username, ==, EMAIL);
  g_assert_true (server_at (config->incoming, 0)->username_guessed);

  g_assert_cmpuint (config->outgoing->len, ==, 2);
  g_assert_cmpuint (server_at (config->outgoing, 0)->port, ==, 465);
  g_assert_cmpint (server_at (config->outgoing, 0)->security, ==, TERN_SECURITY_TLS);
  g_assert_cmpuint (server_at (config->outgoing, 1)->port, ==, 587);
  g_assert_cmpint (server_at (config->outgoing, 1)->security, ==, TERN_SECURITY_STARTTLS);
  g_assert_true (notes_mention (config, "_imap._tcp.example.com: the domain says it offers no such service"));
  g_assert_true (notes_mention (config, "_pop3s._tcp.example.com: ignored an invalid record"));
}

/* ------------------------------------------------------------------ */
/* Tests: a password never goes to another domain unasked (RFC 6186 6)  */

#define EVIL_QUESTION \
  "Your password will be sent to mx.evil.net, which is not part of example.com. " \
  "Only continue if your provider told you to use this server."

static void
test_trust_host_in_domain (Fixture *f, gconstpointer data)
{
  g_assert_true (tern_autoconfig_host_in_domain ("example.com", "example.com"));
  g_assert_true (tern_autoconfig_host_in_domain ("IMAP.Example.com.", "example.com"));
  g_assert_false (tern_autoconfig_host_in_domain ("evilexample.com", "example.com"));
  g_assert_false (tern_autoconfig_host_in_domain ("example.com.evil.net", "example.com"));
  g_assert_false (tern_autoconfig_host_in_domain ("com", "example.com"));
  g_assert_false (tern_autoconfig_host_in_domain ("mx.evil.net", "example.com"));
}

static void
test_trust_srv_foreign (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiscoveredConfig) config = NULL;
  g_autofree char *question = NULL;

  /* The café network blocked the HTTPS sources and answers SRV itself. */
  stub_add_srv (f->resolver, "_imaps._tcp.example.com", 0, 1, 993, "mx.evil.net.");
  stub_add_srv (f->resolver, "_submission._tcp.example.com", 0, 1, 587, "smtp.example.com.");
  config = discover (f, EMAIL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (config->source, ==, TERN_AUTOCONFIG_SOURCE_SRV);
  g_assert_false (config->source_proves_domain);
  g_assert_true (config->needs_confirmation);
  g_assert_true (server_at (config->incoming, 0)->needs_confirmation);
  g_assert_false (server_at (config->outgoing, 0)->needs_confirmation);
  g_assert_true (tern_discovered_config_host_needs_confirmation (config, "mx.evil.net"));
  g_assert_true (tern_discovered_config_host_needs_confirmation (config, " MX.evil.net. "));
  g_assert_false (tern_discovered_config_host_needs_confirmation (config, "smtp.example.com"));
  /* A host the user typed is the user's choice. */
  g_assert_false (tern_discovered_config_host_needs_confirmation (config, "imap.other.net"));
  question = tern_discovered_config_confirmation (config, "mx.evil.net");
  g_assert_cmpstr (question, ==, EVIL_QUESTION);
}

static void
test_trust_srv_in_domain (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiscoveredConfig) config = NULL;

  add_srv_complete (f);
  config = discover (f, EMAIL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (config->source, ==, TERN_AUTOCONFIG_SOURCE_SRV);
  g_assert_false (config->needs_confirmation);
  g_assert_false (tern_discovered_config_host_needs_confirmation (config, "srv-imap.example.com"));
}

static void
test_trust_http_autoconfig_foreign (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiscoveredConfig) config = NULL;

  /* Plain http proves nothing: whoever runs the network could answer. */
  http_route (&f->http, "/provider/example.com/mail/config-v1.1.xml", 200,
              XML_FOR ("example.com", "mx.evil.net"));
  config = discover (f, EMAIL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (config->source, ==, TERN_AUTOCONFIG_SOURCE_PROVIDER);
  g_assert_false (config->source_proves_domain);
  g_assert_true (config->needs_confirmation);
  g_assert_true (tern_discovered_config_host_needs_confirmation (config, "mx.evil.net"));
  g_assert_false (tern_discovered_config_host_needs_confirmation (config, "smtp.example.com"));
}

static void
test_trust_probe_foreign (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiscoveredConfig) config = NULL;
  FakeServer *imap = fake_start (FAKE_IMAP, NULL);
  FakeServer *smtp = fake_start (FAKE_SMTP, NULL);

  stub_add_host (f->resolver, "example.com.evil.net");
  stub_add_host (f->resolver, "smtp.example.com");
  tern_autoconfig_add_probe (f->ac, "imap", "{domain}.evil.net", imap->port, TERN_SECURITY_STARTTLS);
  tern_autoconfig_add_probe (f->ac, "smtp", "smtp.{domain}", smtp->port, TERN_SECURITY_STARTTLS);
  config = discover (f, EMAIL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (config->source, ==, TERN_AUTOCONFIG_SOURCE_PROBE);
  g_assert_true (config->needs_confirmation);
  g_assert_true (tern_discovered_config_host_needs_confirmation (config, "example.com.evil.net"));
  g_assert_false (tern_discovered_config_host_needs_confirmation (config, "smtp.example.com"));
  fake_stop (imap);
  fake_stop (smtp);
}

static void
test_trust_https_ispdb_foreign (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiscoveredConfig) config = NULL;
  g_autoptr(GTlsDatabase) db = NULL;
  g_autofree char *dir = NULL, *ca = NULL, *ispdb = NULL;
  HttpFixture tls = { 0 };

  dir = g_dir_make_tmp ("tern-autoconfig-XXXXXX", &error);
  g_assert_no_error (error);
  ca = g_build_filename (dir, "ca.pem", NULL);
  g_assert_true (g_file_set_contents (ca, test_cert_pem, -1, NULL));
  db = g_tls_file_database_new (ca, &error);
  g_assert_no_error (error);
  http_start (&tls, f->cert);
  ispdb = g_strdup_printf ("https://localhost:%u/ispdb/{domain}", tls.port);
  tern_autoconfig_set_urls (f->ac, NULL, NULL, ispdb);
  tern_autoconfig_set_tls_database (f->ac, db);
  /* A hosted domain: the ISP database, over https, vouches for it. */
  http_route (&tls, "/ispdb/example.com", 200, XML_FOR ("example.com", "imap.mailhost.net"));
  config = discover (f, EMAIL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (config->source, ==, TERN_AUTOCONFIG_SOURCE_ISPDB);
  g_assert_true (config->source_proves_domain);
  g_assert_false (config->needs_confirmation);
  g_assert_false (tern_discovered_config_host_needs_confirmation (config, "imap.mailhost.net"));
  g_clear_pointer (&config, tern_discovered_config_unref);

  /* The same document through an http first hop redirected to https does
   * not prove anything: the http answer could have come from anyone. */
  {
    Route *route;
    g_autofree char *plain = g_strconcat (f->base, "/ispdb-plain/{domain}", NULL);

    tern_autoconfig_set_urls (f->ac, NULL, NULL, plain);
    route = http_route (&f->http, "/ispdb-plain/example.com", 0, NULL);
    route->redirect = g_strdup_printf ("https://localhost:%u/ispdb/example.com", tls.port);
    config = discover (f, EMAIL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (config->source, ==, TERN_AUTOCONFIG_SOURCE_ISPDB);
    g_assert_false (config->source_proves_domain);
    g_assert_true (tern_discovered_config_host_needs_confirmation (config, "imap.mailhost.net"));
  }

  http_stop (&tls);
  g_unlink (ca);
  g_rmdir (dir);
}

/* ------------------------------------------------------------------ */
/* Tests: probing                                                       */

static void
test_probe (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiscoveredConfig) config = NULL;
  FakeServer *imap_tls = fake_start (FAKE_IMAP, f->cert);
  FakeServer *imap = fake_start (FAKE_IMAP, NULL);
  FakeServer *imap_greet = fake_start (FAKE_IMAP_CAPS_IN_GREETING, NULL);
  FakeServer *imap_plain = fake_start (FAKE_IMAP_NO_STARTTLS, NULL);
  FakeServer *pop3 = fake_start (FAKE_POP3, NULL);
  FakeServer *pop3_old = fake_start (FAKE_POP3_NO_CAPA, NULL);
  FakeServer *smtp = fake_start (FAKE_SMTP, NULL);
  FakeServer *smtp_plain = fake_start (FAKE_SMTP_NO_STARTTLS, NULL);
  FakeServer *silent = fake_start (FAKE_SILENT, NULL);
  FakeServer *garbage = fake_start (FAKE_GARBAGE, NULL);
  FakeServer *all[] = { imap_tls, imap, imap_greet, imap_plain, pop3, pop3_old, smtp,
                        smtp_plain, silent, garbage };
  TernDiscoveredServer *s;
  guint i;

  stub_add_host (f->resolver, "imap.example.com");
  stub_add_host (f->resolver, "mail.example.com");
  stub_add_host (f->resolver, "pop.example.com");
  stub_add_host (f->resolver, "smtp.example.com");
  /* pop3.example.com does not resolve. */
  /* Long enough for a loaded CI machine; only the silent server waits it out. */
  tern_autoconfig_set_timeouts (f->ac, 5000, 3000);
  tern_autoconfig_add_probe (f->ac, "imap", "imap.{domain}", imap_plain->port, TERN_SECURITY_STARTTLS);
  tern_autoconfig_add_probe (f->ac, "imap", "imap.{domain}", imap->port, TERN_SECURITY_STARTTLS);
  tern_autoconfig_add_probe (f->ac, "imap", "mail.{domain}", imap_greet->port, TERN_SECURITY_STARTTLS);
  tern_autoconfig_add_probe (f->ac, "imap", "imap.{domain}", imap_tls->port, TERN_SECURITY_TLS);
  tern_autoconfig_add_probe (f->ac, "imap", "mail.{domain}", silent->port, TERN_SECURITY_STARTTLS);
  tern_autoconfig_add_probe (f->ac, "imap", "mail.{domain}", garbage->port, TERN_SECURITY_STARTTLS);
  tern_autoconfig_add_probe (f->ac, "imap", "mail.{domain}", closed_port (), TERN_SECURITY_TLS);
  /* A TLS probe against a plain-text server fails its handshake. */
  tern_autoconfig_add_probe (f->ac, "imap", "mail.{domain}", imap->port, TERN_SECURITY_TLS);
  tern_autoconfig_add_probe (f->ac, "pop3", "pop.{domain}", pop3->port, TERN_SECURITY_STARTTLS);
  tern_autoconfig_add_probe (f->ac, "pop3", "pop.{domain}", pop3_old->port, TERN_SECURITY_STARTTLS);
  tern_autoconfig_add_probe (f->ac, "pop3", "pop3.{domain}", pop3->port, TERN_SECURITY_STARTTLS);
  /* An SMTP probe at an IMAP server is not SMTP. */
  tern_autoconfig_add_probe (f->ac, "smtp", "mail.{domain}", imap->port, TERN_SECURITY_STARTTLS);
  tern_autoconfig_add_probe (f->ac, "smtp", "smtp.{domain}", smtp_plain->port, TERN_SECURITY_STARTTLS);
  tern_autoconfig_add_probe (f->ac, "smtp", "smtp.{domain}", smtp->port, TERN_SECURITY_STARTTLS);

  config = discover (f, EMAIL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (config->source, ==, TERN_AUTOCONFIG_SOURCE_PROBE);
  g_assert_cmpstr (config->source_description, ==, "found by trying common server names");

  /* IMAP: TLS, then STARTTLS (in probe order), then plain; then POP3. */
  g_assert_cmpuint (config->incoming->len, ==, 6);
  s = server_at (config->incoming, 0);
  g_assert_cmpuint (s->port, ==, imap_tls->port);
  g_assert_cmpint (s->security, ==, TERN_SECURITY_TLS);
  g_assert_cmpstr (s->host, ==, "imap.example.com");
  s = server_at (config->incoming, 1);
  g_assert_cmpuint (s->port, ==, imap->port);
  g_assert_cmpint (s->security, ==, TERN_SECURITY_STARTTLS);
  s = server_at (config->incoming, 2);
  g_assert_cmpuint (s->port, ==, imap_greet->port);
  g_assert_cmpstr (s->host, ==, "mail.example.com");
  g_assert_cmpint (s->security, ==, TERN_SECURITY_STARTTLS);
  s = server_at (config->incoming, 3);
  g_assert_cmpuint (s->port, ==, imap_plain->port);
  g_assert_cmpint (s->security, ==, TERN_SECURITY_NONE);
  s = server_at (config->incoming, 4);
  g_assert_cmpstr (s->service, ==, "pop3");
  g_assert_cmpuint (s->port, ==, pop3->port);
  g_assert_cmpint (s->security, ==, TERN_SECURITY_STARTTLS);
  s = server_at (config->incoming, 5);
  g_assert_cmpuint (s->port, ==, pop3_old->port);
  g_assert_cmpint (s->security, ==, TERN_SECURITY_NONE);

  g_assert_cmpuint (config->outgoing->len, ==, 2);
  s = server_at (config->outgoing, 0);
  g_assert_cmpuint (s->port, ==, smtp->port);
  g_assert_cmpint (s->security, ==, TERN_SECURITY_STARTTLS);
  s = server_at (config->outgoing, 1);
  g_assert_cmpuint (s->port, ==, smtp_plain->port);
  g_assert_cmpint (s->security, ==, TERN_SECURITY_NONE);

  g_assert_true (notes_mention (config, "did not answer in time"));
  g_assert_true (notes_mention (config, "does not greet like an IMAP server"));
  g_assert_true (notes_mention (config, "does not greet like an SMTP server"));
  g_assert_true (notes_mention (config, "pop3.example.com"));

  for (i = 0; i < G_N_ELEMENTS (all); i++)
    {
      g_assert_false (all[i]->got_password);
      fake_stop (all[i]);
    }
}

static void
test_srv_beats_probe (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiscoveredConfig) config = NULL;
  FakeServer *imap = fake_start (FAKE_IMAP, NULL);
  FakeServer *smtp = fake_start (FAKE_SMTP, NULL);

  stub_add_host (f->resolver, "imap.example.com");
  stub_add_host (f->resolver, "smtp.example.com");
  tern_autoconfig_add_probe (f->ac, "imap", "imap.{domain}", imap->port, TERN_SECURITY_STARTTLS);
  tern_autoconfig_add_probe (f->ac, "smtp", "smtp.{domain}", smtp->port, TERN_SECURITY_STARTTLS);
  add_srv_complete (f);

  config = discover (f, EMAIL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (config->source, ==, TERN_AUTOCONFIG_SOURCE_SRV);
  /* Probing did not even start. */
  g_assert_cmpint (g_atomic_int_get (&imap->connections), ==, 0);
  fake_stop (imap);
  fake_stop (smtp);
}

static void
test_partial_pop3_only (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiscoveredConfig) config = NULL;
  FakeServer *pop3 = fake_start (FAKE_POP3, f->cert);

  /* Probing finds a POP3 server over TLS and no SMTP: the partial
   * settings are returned and the wizard asks for the rest. */
  stub_add_host (f->resolver, "pop.example.com");
  tern_autoconfig_add_probe (f->ac, "pop3", "pop.{domain}", pop3->port, TERN_SECURITY_TLS);
  tern_autoconfig_add_probe (f->ac, "smtp", "smtp.{domain}", closed_port (), TERN_SECURITY_TLS);
  config = discover (f, EMAIL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (config->source, ==, TERN_AUTOCONFIG_SOURCE_PROBE);
  g_assert_cmpuint (config->incoming->len, ==, 1);
  g_assert_cmpint (server_at (config->incoming, 0)->protocol, ==, TERN_PROTOCOL_POP3);
  g_assert_cmpint (server_at (config->incoming, 0)->security, ==, TERN_SECURITY_TLS);
  g_assert_cmpuint (config->outgoing->len, ==, 0);
  fake_stop (pop3);
}

static void
test_nothing_found (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiscoveredConfig) config = NULL;

  stub_add_host (f->resolver, "imap.example.com");
  tern_autoconfig_add_probe (f->ac, "imap", "imap.{domain}", closed_port (), TERN_SECURITY_TLS);
  tern_autoconfig_add_probe (f->ac, "smtp", "smtp.{domain}", 465, TERN_SECURITY_TLS);
  config = discover (f, "someone@nowhere.example", &error);
  g_assert_null (config);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "nowhere.example"));
  g_assert_nonnull (strstr (error->message, "by hand"));
}

static void
test_invalid_address (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiscoveredConfig) config = discover (f, "not an address", &error);

  g_assert_null (config);
  g_assert_error (error, TERN_ERROR, TERN_ERROR_INVALID);
  g_assert_cmpuint (f->http.requests->len, ==, 0);
}

/* ------------------------------------------------------------------ */
/* Tests: cancellation                                                  */

static gboolean
request_arrived (HttpFixture *http)
{
  return http->paused->len > 0;
}

static void
test_cancel_during_fetch (Fixture *f, gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Outcome o = { 0 };
  Route *route;

  route = http_route (&f->http, "/provider/example.com/mail/config-v1.1.xml", 0, NULL);
  route->hang = TRUE;
  g_hash_table_add (f->resolver->hang, g_strdup ("_imaps._tcp.example.com"));

  tern_autoconfig_discover_async (f->ac, EMAIL, cancellable, on_discovered, &o);
  TERN_TEST_WAIT_UNTIL (request_arrived (&f->http), LOOP_BOUND_MS);
  g_assert_true (request_arrived (&f->http));
  g_assert_false (o.done);
  g_assert_cmpint (g_atomic_int_get (&f->resolver->hung), ==, 1);

  g_cancellable_cancel (cancellable);
  iterate_until (&o.done);
  g_assert_null (o.config);
  g_assert_error (o.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_atomic_int_get (&f->resolver->hung), ==, 0);
  g_clear_error (&o.error);
}

static void
test_cancel_during_probe (Fixture *f, gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  FakeServer *silent = fake_start (FAKE_SILENT, NULL);
  Outcome o = { 0 };

  /* The probe would wait far longer than the loop bound: only the cancel
   * can end this test in time. */
  stub_add_host (f->resolver, "imap.example.com");
  tern_autoconfig_set_timeouts (f->ac, 5000, 600 * 1000);
  tern_autoconfig_add_probe (f->ac, "imap", "imap.{domain}", silent->port, TERN_SECURITY_STARTTLS);

  tern_autoconfig_discover_async (f->ac, EMAIL, cancellable, on_discovered, &o);
  TERN_TEST_WAIT_UNTIL (g_atomic_int_get (&silent->connections) > 0, LOOP_BOUND_MS);
  g_assert_cmpint (g_atomic_int_get (&silent->connections), ==, 1);
  g_assert_false (o.done);

  g_cancellable_cancel (cancellable);
  iterate_until (&o.done);
  g_assert_error (o.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&o.error);
  fake_stop (silent);
}

static void
test_cancel_before_start (Fixture *f, gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Outcome o = { 0 };

  add_srv_complete (f);
  g_cancellable_cancel (cancellable);
  tern_autoconfig_discover_async (f->ac, EMAIL, cancellable, on_discovered, &o);
  iterate_until (&o.done);
  g_assert_error (o.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&o.error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* Never a proxy for loopback tests. */
  g_unsetenv ("http_proxy");
  g_unsetenv ("https_proxy");
  g_unsetenv ("HTTP_PROXY");
  g_unsetenv ("HTTPS_PROXY");
  g_unsetenv ("all_proxy");

#define ADD(path, fn) \
  g_test_add ("/autoconfig/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("order/provider-wins", test_provider_wins);
  ADD ("order/well-known", test_well_known);
  ADD ("order/ispdb-after-bad-documents", test_ispdb_after_bad_documents);
  ADD ("order/oversized-falls-through", test_oversized_falls_through);
  ADD ("order/slow-provider-still-wins", test_slow_provider_still_wins);
  ADD ("order/srv-beats-probe", test_srv_beats_probe);
  ADD ("http/redirect-limits", test_redirect_limits);
  ADD ("http/https", test_https);
  ADD ("srv/priorities-and-dot", test_srv);
  ADD ("probe/greetings-and-starttls", test_probe);
  ADD ("probe/partial-pop3-only", test_partial_pop3_only);
  ADD ("trust/host-in-domain", test_trust_host_in_domain);
  ADD ("trust/srv-foreign", test_trust_srv_foreign);
  ADD ("trust/srv-in-domain", test_trust_srv_in_domain);
  ADD ("trust/http-autoconfig-foreign", test_trust_http_autoconfig_foreign);
  ADD ("trust/probe-foreign", test_trust_probe_foreign);
  ADD ("trust/https-ispdb-foreign", test_trust_https_ispdb_foreign);
  ADD ("nothing-found", test_nothing_found);
  ADD ("invalid-address", test_invalid_address);
  ADD ("cancel/during-fetch", test_cancel_during_fetch);
  ADD ("cancel/during-probe", test_cancel_during_probe);
  ADD ("cancel/before-start", test_cancel_before_start);
#undef ADD
  return g_test_run ();
}
