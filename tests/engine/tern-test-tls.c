/* tern-test-tls.c: throwaway certificates and gnutls-serv for TLS tests. */
#include "tern-test-tls.h"

#include <arpa/inet.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

struct TernTestPki {
  char *dir;
  char *ca_file;
};

struct TernTestTlsServer {
  GPid pid;
  guint16 port;
};

static void
run (const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err_out = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err_out, &status, &error))
    g_error ("cannot run %s: %s", argv[0], error->message);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s failed: %s\n%s", argv[0], error->message, err_out);
}

static char *
path_in (TernTestPki *pki, const char *name, const char *ext)
{
  g_autofree char *base = g_strconcat (name, ext, NULL);
  return g_build_filename (pki->dir, base, NULL);
}

static void
make_key (TernTestPki *pki, const char *name)
{
  g_autofree char *key = path_in (pki, name, ".key");
  const char *argv[] = { "certtool", "--generate-privkey", "--key-type=ecdsa",
                         "--outfile", key, NULL };
  run (argv);
}

static void
make_cert (TernTestPki *pki, const char *name, const char *tmpl_text, gboolean self_signed)
{
  g_autofree char *key = path_in (pki, name, ".key");
  g_autofree char *pem = path_in (pki, name, ".pem");
  g_autofree char *tmpl = path_in (pki, name, ".tmpl");
  g_autofree char *ca_key = path_in (pki, "ca", ".key");

  make_key (pki, name);
  g_assert_true (g_file_set_contents (tmpl, tmpl_text, -1, NULL));
  if (self_signed)
    {
      const char *argv[] = { "certtool", "--generate-self-signed", "--load-privkey", key,
                             "--template", tmpl, "--outfile", pem, NULL };
      run (argv);
    }
  else
    {
      const char *argv[] = { "certtool", "--generate-certificate", "--load-privkey", key,
                             "--load-ca-certificate", pki->ca_file, "--load-ca-privkey", ca_key,
                             "--template", tmpl, "--outfile", pem, NULL };
      run (argv);
    }
}

#define SERVER_TMPL(cn, dates) \
  "cn = \"" cn "\"\ndns_name = \"" cn "\"\n" dates \
  "tls_www_server\nsigning_key\nencryption_key\n"
#define LOCAL_IPS "ip_address = \"127.0.0.1\"\nip_address = \"::1\"\n"
#define VALID "expiration_days = 30\n"

TernTestPki *
tern_test_pki_new (void)
{
  TernTestPki *pki = g_new0 (TernTestPki, 1);

  pki->dir = g_dir_make_tmp ("tern-pki-XXXXXX", NULL);
  g_assert_nonnull (pki->dir);
  pki->ca_file = path_in (pki, "ca", ".pem");
  make_cert (pki, "ca", "cn = \"Tern Test CA\"\nca\ncert_signing_key\n" VALID, TRUE);
  make_cert (pki, "trusted", SERVER_TMPL ("localhost", LOCAL_IPS VALID), FALSE);
  make_cert (pki, "wrong-host", SERVER_TMPL ("wrong.example", VALID), FALSE);
  make_cert (pki, "expired", SERVER_TMPL ("localhost",
             "activation_date = \"2020-01-01 00:00:00 UTC\"\n"
             "expiration_date = \"2020-02-01 00:00:00 UTC\"\n"), FALSE);
  make_cert (pki, "not-yet-active", SERVER_TMPL ("localhost",
             "activation_date = \"2090-01-01 00:00:00 UTC\"\n"
             "expiration_date = \"2091-01-01 00:00:00 UTC\"\n"), FALSE);
  make_cert (pki, "self-signed", SERVER_TMPL ("localhost", LOCAL_IPS VALID), TRUE);
  return pki;
}

const char *
tern_test_pki_ca_file (TernTestPki *pki)
{
  return pki->ca_file;
}

char *
tern_test_pki_fingerprint (TernTestPki *pki, const char *name)
{
  g_autofree char *pem_path = path_in (pki, name, ".pem");
  g_autofree char *pem = NULL;
  gsize len = 0;
  gnutls_x509_crt_t crt;
  gnutls_datum_t datum;
  guint8 digest[32];
  size_t size = sizeof digest;
  GString *hex = g_string_new (NULL);

  g_assert_true (g_file_get_contents (pem_path, &pem, &len, NULL));
  datum.data = (unsigned char *) pem;
  datum.size = (unsigned int) len;
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_get_fingerprint (crt, GNUTLS_DIG_SHA256, digest, &size), ==, 0);
  gnutls_x509_crt_deinit (crt);
  for (size_t i = 0; i < size; i++)
    g_string_append_printf (hex, i ? ":%02X" : "%02X", digest[i]);
  return g_string_free (hex, FALSE);
}

void
tern_test_pki_free (TernTestPki *pki)
{
  g_autoptr(GDir) dir = g_dir_open (pki->dir, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *p = g_build_filename (pki->dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (pki->dir);
  g_free (pki->dir);
  g_free (pki->ca_file);
  g_free (pki);
}

static int
bound_socket (guint16 *port_out)
{
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof sin;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &sin, sizeof sin), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &sin, &len), ==, 0);
  *port_out = ntohs (sin.sin_port);
  return fd;
}

guint16
tern_test_closed_port (void)
{
  guint16 port;
  close (bound_socket (&port));
  return port;
}

int
tern_test_silent_listener (guint16 *port_out)
{
  int fd = bound_socket (port_out);
  g_assert_cmpint (listen (fd, 8), ==, 0);
  return fd;
}

static gboolean
port_accepts (guint16 port)
{
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons (port),
                             .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  gboolean ok = connect (fd, (struct sockaddr *) &sin, sizeof sin) == 0;
  close (fd);
  return ok;
}

TernTestTlsServer *
tern_test_tls_server_start (TernTestPki *pki, const char *name)
{
  TernTestTlsServer *server = g_new0 (TernTestTlsServer, 1);
  g_autofree char *key = path_in (pki, name, ".key");
  g_autofree char *pem = path_in (pki, name, ".pem");
  g_autofree char *port = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  server->port = tern_test_closed_port ();
  port = g_strdup_printf ("%u", server->port);
  {
    const char *argv[] = { "gnutls-serv", "--echo", "--crlf", "--disable-client-cert",
                           "--port", port, "--x509certfile", pem, "--x509keyfile", key, NULL };
    if (!g_spawn_async (NULL, (char **) argv, NULL,
                        G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                        G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                        NULL, NULL, &server->pid, &error))
      g_error ("cannot start gnutls-serv: %s", error->message);
  }
  /* Ready when it accepts; bounded, checking every 20 ms. */
  while (!port_accepts (server->port))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("gnutls-serv did not start listening on port %u", server->port);
      g_usleep (20 * 1000);
    }
  return server;
}

guint16
tern_test_tls_server_port (TernTestTlsServer *server)
{
  return server->port;
}

void
tern_test_tls_server_stop (TernTestTlsServer *server)
{
  if (server == NULL)
    return;
  kill (server->pid, SIGTERM);
  waitpid (server->pid, NULL, 0);
  g_spawn_close_pid (server->pid);
  g_free (server);
}
