/* tern-cli account add --discover: the lookup fills the settings, and a
 * server outside the address's domain that discovery cannot vouch for (here:
 * autoconfig over plain http) is refused unless --trust-host names it.
 * The provider's XML comes from a SoupServer on loopback
 * (TERN_TEST_AUTOCONFIG_URL, a test hook). */
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#define XML \
  "<clientConfig version=\"1.1\"><emailProvider id=\"example.com\"><domain>example.com</domain>" \
  "<incomingServer type=\"imap\"><hostname>mx.evil.net</hostname><port>993</port>" \
  "<socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>" \
  "<outgoingServer type=\"smtp\"><hostname>smtp.example.com</hostname><port>465</port>" \
  "<socketType>SSL</socketType><username>%EMAILADDRESS%</username></outgoingServer>" \
  "</emailProvider></clientConfig>"

typedef struct {
  SoupServer *server;
  char *url;
  char *data_dir;
} Fixture;

static void
serve (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
       gpointer user_data)
{
  if (!g_str_equal (path, "/example.com"))
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/xml", SOUP_MEMORY_STATIC, XML, strlen (XML));
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;

  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, serve, NULL, NULL);
  soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->url = g_strdup_printf ("http://127.0.0.1:%d/{domain}", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  f->data_dir = g_dir_make_tmp ("tern-cli-discover-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->data_dir);

  g_assert_cmpint (system (cmd), ==, 0);
  g_clear_object (&f->server);
  g_free (f->url);
  g_free (f->data_dir);
}

typedef struct {
  gboolean done;
  char *out, *err;
} Communicated;

static void
on_communicated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Communicated *c = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &c->out, &c->err, &error);
  g_assert_no_error (error);
  c->done = TRUE;
}

/* Runs tern-cli while this process keeps serving the XML. */
static int
run_cli (Fixture *f, const char *const *args, char **out, char **err)
{
  g_autoptr(GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                 | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  Communicated c = { 0 };

  g_subprocess_launcher_setenv (launcher, "TERN_DATA_DIR", f->data_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "TERN_PASSWORD_STORE", "file", TRUE);
  g_subprocess_launcher_setenv (launcher, "TERN_TEST_AUTOCONFIG_URL", f->url, TRUE);
  g_ptr_array_add (argv, (gpointer) g_getenv ("TERN_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (proc, "secret\n", NULL, on_communicated, &c);
  while (!c.done)
    g_main_context_iteration (NULL, TRUE);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  *out = c.out;
  *err = c.err;
  return g_subprocess_get_exit_status (proc);
}

static void
test_foreign_host_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL, *list = NULL, *list_err = NULL;
  int status;

  status = run_cli (f, (const char *[]) { "account", "add", "Work", "--email", "jane@example.com",
                                          "--discover", "--password-stdin", NULL }, &out, &err);
  g_test_message ("stderr: %s", err);
  g_assert_cmpint (status, ==, 6);
  g_assert_nonnull (strstr (err, "Your password will be sent to mx.evil.net, which is not part of "
                                 "example.com. Only continue if your provider told you to use "
                                 "this server."));
  g_assert_nonnull (strstr (err, "--trust-host mx.evil.net"));
  status = run_cli (f, (const char *[]) { "account", "list", NULL }, &list, &list_err);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (list, ==, "");
}

static void
test_foreign_host_trusted (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL, *list = NULL, *list_err = NULL;
  int status;

  status = run_cli (f, (const char *[]) { "account", "add", "Work", "--email", "jane@example.com",
                                          "--discover", "--trust-host", "mx.evil.net",
                                          "--password-stdin", NULL }, &out, &err);
  g_test_message ("stderr: %s", err);
  g_assert_cmpint (status, ==, 0);
  status = run_cli (f, (const char *[]) { "account", "list", NULL }, &list, &list_err);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (list, "Work\tjane@example.com\timap\tmx.evil.net:993"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cli/discover/foreign-host-refused", Fixture, NULL, fixture_set_up,
              test_foreign_host_refused, fixture_tear_down);
  g_test_add ("/cli/discover/foreign-host-trusted", Fixture, NULL, fixture_set_up,
              test_foreign_host_trusted, fixture_tear_down);
  return g_test_run ();
}
