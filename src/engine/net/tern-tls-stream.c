/* tern-tls-stream.c: libetpan streams over our own TCP and GnuTLS. */
#include "tern-config.h"

#include "net/tern-tls-stream.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/tern-error.h"
#include "net/tern-protocol-trace.h"
#include "net/tern-socket.h"
#include "net/tern-stream-guard.h"

/* Exported by libetpan 1.9.4 but missing from its installed headers. The
 * object is a pipe plus a sticky "cancelled" flag; libetpan polls its fd in
 * mailstream_wait_idle() and the drivers' reads. */
struct mailstream_cancel *mailstream_cancel_new (void);
void mailstream_cancel_free (struct mailstream_cancel *cancel);
void mailstream_cancel_notify (struct mailstream_cancel *cancel);
void mailstream_cancel_ack (struct mailstream_cancel *cancel);
int mailstream_cancel_cancelled (struct mailstream_cancel *cancel);
int mailstream_cancel_get_fd (struct mailstream_cancel *cancel);

/* Only what the system offers, minus anything older than TLS 1.2. Appending
 * to the default priority keeps the system-wide crypto policy in force. */
#define TERN_TLS_PRIORITY_APPEND \
  "-VERS-SSL3.0:-VERS-TLS1.0:-VERS-TLS1.1:-VERS-DTLS-ALL"

#define TERN_STREAM_BUFFER_SIZE 8192
/* A plain-text server greets at once; after this much silence Tern checks
 * whether the port waits for TLS instead (tern_tls_stream_expect_greeting). */
#define GREETING_GRACE_MS 2000
/* How long that check may wait for the server's answer to a TLS hello. */
#define TLS_PROBE_MAX_MS 5000
/* How long a LOGOUT or QUIT may take before the close goes ahead. */
#define GOODBYE_TIMEOUT_SECONDS 5
/* A whole reply may take this many per-read timeouts, plus one second for
 * every MIN_REPLY_RATE bytes it brought: a server that trickles a byte now
 * and then never trips the per-read timeout, but trips this. */
#define REPLY_DEADLINE_TIMEOUTS 4
#define MIN_REPLY_RATE (16 * 1024)

/* The server lines tern_tls_stream_listen() keeps; it moves with the
 * listener when STARTTLS swaps the stream. */
typedef struct {
  TernHeardFunc pick;
  GPtrArray *lines;                         /* of char *, owned */
} TernHeard;

#define MAX_HEARD 16

typedef struct {
  int fd;
  gnutls_session_t session;                 /* NULL while plain text */
  gnutls_certificate_credentials_t creds;
  struct mailstream_cancel *cancel;         /* mailstream_cancel() target */
  GCancellable *cancellable;
  int timeout_ms;
  char *host;
  guint16 port;
  GError *failure;                          /* why the last I/O failed */
  gboolean no_wait;                         /* recv returns EAGAIN, no poll */
  gboolean closed_by_server;                /* end of stream seen */
  TernStreamGuard *guard;                   /* IMAP only: bounds what libetpan reads */
  gboolean guard_tripped;                   /* it stopped the stream */
  gint64 reply_start;                       /* monotonic: last command sent */
  guint64 reply_bytes;                      /* received since then */
  TernProtocolTrace *trace;                 /* TERN_DEBUG; NULL when off */
  TernProtocolTrace *listener;              /* tern_tls_stream_listen; NULL when off */
  TernHeard *heard;                         /* what the listener kept */
} TernStream;

static mailstream_low_driver stream_driver;

static int
timeout_ms_for (guint seconds)
{
  return (int) (seconds ? seconds : TERN_SERVER_DEFAULT_TIMEOUT) * 1000;
}

static TernStream *
stream_new (int fd, const TernServerConfig *cfg, GCancellable *cancellable)
{
  TernStream *st = g_new0 (TernStream, 1);

  st->fd = fd;
  st->cancel = mailstream_cancel_new ();
  st->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  st->timeout_ms = timeout_ms_for (cfg->timeout_seconds);
  st->host = g_strdup (cfg->host);
  st->port = cfg->port;
  st->reply_start = g_get_monotonic_time ();
  return st;
}

static void
stream_free (TernStream *st)
{
  if (st->session)
    gnutls_deinit (st->session);
  if (st->creds)
    gnutls_certificate_free_credentials (st->creds);
  if (st->fd >= 0)
    close (st->fd);
  if (st->cancel)
    mailstream_cancel_free (st->cancel);
  g_clear_object (&st->cancellable);
  g_clear_error (&st->failure);
  g_free (st->guard);
  tern_protocol_trace_free (st->trace);
  tern_protocol_trace_free (st->listener);
  if (st->heard != NULL)
    g_ptr_array_unref (st->heard->lines);
  g_free (st->heard);
  g_free (st->host);
  g_free (st);
}

/* Remembers the first reason the stream broke; later errors are echoes. */
static void
stream_fail (TernStream *st, int code, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static void
stream_fail (TernStream *st, int code, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  if (st->failure)
    return;
  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (code == G_IO_ERROR_CANCELLED)
    st->failure = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, msg);
  else
    st->failure = g_error_new_literal (TERN_ERROR, code, msg);
}

static gboolean
stream_cancelled (TernStream *st)
{
  return (st->cancel && mailstream_cancel_cancelled (st->cancel)) ||
         g_cancellable_is_cancelled (st->cancellable);
}

/* Milliseconds the current reply may still take: see REPLY_DEADLINE_TIMEOUTS. */
static gint64
reply_ms_left (TernStream *st)
{
  gint64 allowed_ms = (gint64) st->timeout_ms * REPLY_DEADLINE_TIMEOUTS +
                      (gint64) (st->reply_bytes / MIN_REPLY_RATE) * 1000;

  return allowed_ms - (g_get_monotonic_time () - st->reply_start) / 1000;
}

static int
reply_too_slow (TernStream *st)
{
  gint64 took_s = (g_get_monotonic_time () - st->reply_start) / G_USEC_PER_SEC;

  stream_fail (st, TERN_ERROR_TIMED_OUT,
               "The server %s answers too slowly (one reply took more than %d seconds), "
               "so Tern closed the connection. Try again later.",
               st->host, (int) MAX (took_s, 1));
  return ETIMEDOUT;
}

/* Waits for the socket; on failure records why and returns the errno to
 * report (ETIMEDOUT, ECANCELED, EIO), else 0. A read also waits at most
 * until the reply's deadline. */
static int
stream_wait (TernStream *st, short events)
{
  int cancel_fd = st->cancel ? mailstream_cancel_get_fd (st->cancel) : -1;
  int wait_ms = st->timeout_ms;
  gboolean by_deadline = FALSE;

  if (stream_cancelled (st))
    goto cancelled;
  if (events & POLLIN)
    {
      gint64 left = reply_ms_left (st);

      if (left <= 0)
        return reply_too_slow (st);
      by_deadline = left < wait_ms;
      wait_ms = (int) MIN (left, (gint64) wait_ms);
    }
  switch (tern_socket_wait (st->fd, events, wait_ms, cancel_fd, st->cancellable))
    {
    case TERN_SOCKET_READY:
      return 0;
    case TERN_SOCKET_TIMED_OUT:
      if (by_deadline)
        return reply_too_slow (st);
      stream_fail (st, TERN_ERROR_TIMED_OUT,
                   "The server %s stopped answering (no reply within %d seconds).",
                   st->host, st->timeout_ms / 1000);
      return ETIMEDOUT;
    case TERN_SOCKET_CANCELLED:
      goto cancelled;
    default:
      stream_fail (st, TERN_ERROR_CONNECTION_LOST, "The connection to %s failed: %s.",
                   st->host, g_strerror (errno));
      return EIO;
    }

cancelled:
  stream_fail (st, G_IO_ERROR_CANCELLED, "The connection to %s was cancelled.", st->host);
  return ECANCELED;
}

/* recv() that waits at most the stream's timeout and can be cancelled. */
static ssize_t
stream_recv (TernStream *st, void *buf, size_t len)
{
  for (;;)
    {
      ssize_t n;
      int err;

      if (st->fd < 0 || stream_cancelled (st))
        {
          errno = st->fd < 0 ? EBADF : stream_wait (st, POLLIN);
          return -1;
        }
      n = recv (st->fd, buf, len, 0);
      if (n >= 0)
        return n;
      if (errno == EINTR)
        continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK)
        {
          err = errno;
          stream_fail (st, TERN_ERROR_CONNECTION_LOST, "The connection to %s was lost: %s.",
                       st->host, g_strerror (err));
          errno = err;
          return -1;
        }
      if (st->no_wait)
        return -1;  /* errno is EAGAIN */
      if ((err = stream_wait (st, POLLIN)) != 0)
        {
          errno = err;
          return -1;
        }
    }
}

/* A command went out: the answer gets a deadline of its own. */
static void
start_reply (TernStream *st)
{
  st->reply_start = g_get_monotonic_time ();
  st->reply_bytes = 0;
  if (st->guard)
    tern_stream_guard_new_command (st->guard);
}

/* send() without SIGPIPE that waits at most the stream's timeout. */
static ssize_t
stream_send (TernStream *st, const void *buf, size_t len)
{
  start_reply (st);
  for (;;)
    {
      ssize_t n;
      int err;

      if (st->fd < 0 || stream_cancelled (st))
        {
          errno = st->fd < 0 ? EBADF : stream_wait (st, POLLOUT);
          return -1;
        }
      n = send (st->fd, buf, len, MSG_NOSIGNAL);
      if (n >= 0)
        return n;
      if (errno == EINTR)
        continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK)
        {
          err = errno;
          stream_fail (st, TERN_ERROR_CONNECTION_LOST, "The connection to %s was lost: %s.",
                       st->host, g_strerror (err));
          errno = err;
          return -1;
        }
      if ((err = stream_wait (st, POLLOUT)) != 0)
        {
          errno = err;
          return -1;
        }
    }
}

/* ---- GnuTLS transport: our socket functions, so TLS gets the same
 *      deadlines and cancellation as plain text. ---- */

static ssize_t
tls_pull (gnutls_transport_ptr_t ptr, void *buf, size_t len)
{
  TernStream *st = ptr;
  ssize_t n = stream_recv (st, buf, len);

  if (n < 0)
    gnutls_transport_set_errno (st->session, errno);
  return n;
}

static ssize_t
tls_push (gnutls_transport_ptr_t ptr, const void *buf, size_t len)
{
  TernStream *st = ptr;
  ssize_t n = stream_send (st, buf, len);

  if (n < 0)
    gnutls_transport_set_errno (st->session, errno);
  return n;
}

/* GnuTLS's default would treat our pointer as a file descriptor. */
static int
tls_pull_timeout (gnutls_transport_ptr_t ptr, unsigned int ms)
{
  TernStream *st = ptr;
  int cancel_fd = mailstream_cancel_get_fd (st->cancel);
  int wait_ms = (ms == GNUTLS_INDEFINITE_TIMEOUT) ? st->timeout_ms : (int) MIN (ms, (unsigned) G_MAXINT);

  switch (tern_socket_wait (st->fd, POLLIN, wait_ms, cancel_fd, st->cancellable))
    {
    case TERN_SOCKET_READY: return 1;
    case TERN_SOCKET_TIMED_OUT: return 0;
    default: return -1;
    }
}

/* ---- mailstream_low drivers ---- */

/* The server ended the stream. libetpan 1.9.4's literal loop only stops on
 * -1, so end of stream is reported as -1, never 0; the server's BYE, if it
 * said one, is the reason the user reads. */
static ssize_t
server_closed (TernStream *st)
{
  const char *bye = st->guard ? tern_stream_guard_bye (st->guard) : NULL;

  st->closed_by_server = TRUE;
  if (bye != NULL)
    stream_fail (st, TERN_ERROR_CONNECTION_LOST, "The server %s closed the connection: %s",
                 st->host, *bye ? bye : "(no reason given)");
  errno = ECONNRESET;
  return -1;
}

/* What every read of ours ends with: end of stream is -1, and the guard
 * decides how much of the data libetpan may see. */
static ssize_t
finish_read (TernStream *st, const void *buf, ssize_t n)
{
  TernStreamGuardResult r;
  gsize passed;

  if (n == 0)
    return server_closed (st);
  if (n < 0)
    return -1;
  st->reply_bytes += (guint64) n;
  if (st->guard == NULL ||
      (r = tern_stream_guard_scan (st->guard, buf, (gsize) n, &passed)) == TERN_STREAM_GUARD_OK)
    return n;
  if (st->failure == NULL)
    {
      g_autofree char *why = tern_stream_guard_describe (st->guard, r, st->host);

      gboolean malformed = r == TERN_STREAM_GUARD_NUMBER_TOO_LONG ||
                           r == TERN_STREAM_GUARD_EMPTY_CAPABILITY;

      stream_fail (st, malformed ? TERN_ERROR_PROTOCOL : TERN_ERROR_TOO_LARGE, "%s", why);
    }
  st->guard_tripped = TRUE;
  errno = EMSGSIZE;
  return passed > 0 ? (ssize_t) passed : -1;
}

/* Once the guard or the server ended the stream, nothing more is read. */
static gboolean
read_refused (TernStream *st)
{
  if (st->closed_by_server || st->guard_tripped)
    {
      errno = ECONNRESET;
      return TRUE;
    }
  return FALSE;
}

static ssize_t
plain_write (mailstream_low *low, const void *buf, size_t count)
{
  return stream_send (low->data, buf, count);
}

/* GnuTLS's text for @r without its closing full stop, so that it can sit
 * inside a sentence of ours. */
static char *
tls_reason (int r)
{
  char *text = g_strdup (gnutls_strerror (r));
  gsize len = strlen (text);

  while (len > 0 && (text[len - 1] == '.' || text[len - 1] == ' '))
    text[--len] = '\0';
  return text;
}

/* A TLS error; a server that just hung up without close_notify (most do,
 * after a BYE) closed the connection, which is no TLS failure. */
static ssize_t
record_tls_failure (TernStream *st, ssize_t r)
{
  g_autofree char *reason = NULL;

  if (r == GNUTLS_E_PREMATURE_TERMINATION && st->failure == NULL)
    return server_closed (st);
  reason = tls_reason ((int) r);
  stream_fail (st, TERN_ERROR_CONNECTION_LOST,
               "The encrypted connection to %s failed: %s.", st->host, reason);
  return -1;
}

static ssize_t
tls_read_some (TernStream *st, void *buf, size_t count)
{
  size_t got = 0;

  for (;;)
    {
      ssize_t r = gnutls_record_recv (st->session, (char *) buf + got, count - got);

      if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
        continue;
      if (r < 0)
        {
          if (got > 0)
            return (ssize_t) got;
          return record_tls_failure (st, r);
        }
      got += (size_t) r;
      /* Drain what GnuTLS already decrypted: poll() on the socket cannot
       * see it, so leaving it there could stall IMAP IDLE. */
      if (r == 0 || got == count || gnutls_record_check_pending (st->session) == 0)
        return (ssize_t) got;
    }
}

/* The one read: plain text or TLS, through finish_read(). */
static ssize_t
stream_read (mailstream_low *low, void *buf, size_t count)
{
  TernStream *st = low->data;

  if (read_refused (st))
    return -1;
  return finish_read (st, buf, st->session ? tls_read_some (st, buf, count)
                                           : stream_recv (st, buf, count));
}

static ssize_t
tls_write (mailstream_low *low, const void *buf, size_t count)
{
  TernStream *st = low->data;

  for (;;)
    {
      ssize_t r = gnutls_record_send (st->session, buf, count);

      if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
        continue;
      if (r < 0)
        {
          record_tls_failure (st, r);
          return -1;
        }
      return r;
    }
}

static int
stream_close (mailstream_low *low)
{
  TernStream *st = low->data;

  /* A polite close_notify, unless the stream is already broken. */
  if (st->session && st->fd >= 0 && st->failure == NULL && !stream_cancelled (st))
    gnutls_bye (st->session, GNUTLS_SHUT_WR);
  if (st->fd >= 0)
    close (st->fd);
  st->fd = -1;
  return 0;
}

static int
stream_get_fd (mailstream_low *low)
{
  return ((TernStream *) low->data)->fd;
}

static void
stream_low_free (mailstream_low *low)
{
  stream_free (low->data);
  free (low);   /* allocated by mailstream_low_new() with malloc() */
}

/* Called from any thread: only touches the thread-safe cancel object. */
static void
stream_cancel (mailstream_low *low)
{
  TernStream *st = low->data;

  if (st->cancel)
    mailstream_cancel_notify (st->cancel);
}

static struct mailstream_cancel *
stream_get_cancel (mailstream_low *low)
{
  return ((TernStream *) low->data)->cancel;
}

/* The idle hooks return -1 on purpose: libetpan 1.9.4 then creates its own
 * idle pipe in mailstream_setup_idle(), and mailstream_wait_idle() polls
 * our fd plus that pipe plus our cancel object. A driver that "handled"
 * idle itself would leave mailstream->idle NULL and make wait_idle fail. */
static int
stream_setup_idle (mailstream_low *low)
{
  return -1;
}

static int
stream_unsetup_idle (mailstream_low *low)
{
  return -1;
}

static int
stream_interrupt_idle (mailstream_low *low)
{
  return -1;
}

/* The protocol trace (tern-protocol-trace.c) sees every byte that went
 * through, in both drivers. */
static ssize_t
traced_in (TernStream *st, const void *buf, ssize_t r)
{
  if (st->trace != NULL && r > 0)
    tern_protocol_trace_received (st->trace, buf, (gsize) r);
  if (st->listener != NULL && r > 0)
    tern_protocol_trace_received (st->listener, buf, (gsize) r);
  return r;
}

static ssize_t
traced_out (TernStream *st, const void *buf, ssize_t r)
{
  if (st->trace != NULL && r > 0)
    tern_protocol_trace_sent (st->trace, buf, (gsize) r);
  return r;
}

static ssize_t
stream_read_traced (mailstream_low *low, void *buf, size_t count)
{
  return traced_in (low->data, buf, stream_read (low, buf, count));
}

/* The one write: plain text, or TLS once a session is set up. */
static ssize_t
stream_write_traced (mailstream_low *low, const void *buf, size_t count)
{
  TernStream *st = low->data;

  return traced_out (st, buf, st->session ? tls_write (low, buf, count)
                                          : plain_write (low, buf, count));
}

/* One driver for plain text and TLS: read and write look at the stream's
 * GnuTLS session, so STARTTLS only swaps the stream under it. */
static mailstream_low_driver stream_driver = {
  .mailstream_read = stream_read_traced,
  .mailstream_write = stream_write_traced,
  .mailstream_close = stream_close,
  .mailstream_get_fd = stream_get_fd,
  .mailstream_free = stream_low_free,
  .mailstream_cancel = stream_cancel,
  .mailstream_get_cancel = stream_get_cancel,
  .mailstream_get_certificate_chain = NULL,
  .mailstream_setup_idle = stream_setup_idle,
  .mailstream_unsetup_idle = stream_unsetup_idle,
  .mailstream_interrupt_idle = stream_interrupt_idle,
};

static TernStream *
stream_from (mailstream *stream)
{
  mailstream_low *low = stream ? mailstream_get_low (stream) : NULL;

  if (low && low->driver == &stream_driver)
    return low->data;
  return NULL;
}

/* ---- certificate check ---- */

static TernCertificateProblems
problems_from_status (unsigned int status)
{
  TernCertificateProblems p = 0;

  if (status & (GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_SIGNER_NOT_CA |
                GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE))
    p |= TERN_CERTIFICATE_PROBLEM_UNTRUSTED;
  if (status & GNUTLS_CERT_UNEXPECTED_OWNER)
    p |= TERN_CERTIFICATE_PROBLEM_WRONG_HOST;
  if (status & GNUTLS_CERT_EXPIRED)
    p |= TERN_CERTIFICATE_PROBLEM_EXPIRED;
  if (status & GNUTLS_CERT_NOT_ACTIVATED)
    p |= TERN_CERTIFICATE_PROBLEM_NOT_YET_ACTIVE;
  if (status & (GNUTLS_CERT_REVOKED | GNUTLS_CERT_INSECURE_ALGORITHM))
    p |= TERN_CERTIFICATE_PROBLEM_OTHER;
  return p;
}

/* GnuTLS stops checking at the first broken link, so an untrusted
 * certificate is not also reported as expired or for another host; check
 * the server's own certificate directly so the user hears everything. */
static TernCertificateProblems
problems_of_leaf (const gnutls_datum_t *der, const char *host)
{
  gnutls_x509_crt_t crt;
  TernCertificateProblems p = 0;
  time_t now = time (NULL);

  if (gnutls_x509_crt_init (&crt) < 0)
    return TERN_CERTIFICATE_PROBLEM_OTHER;
  if (gnutls_x509_crt_import (crt, der, GNUTLS_X509_FMT_DER) < 0)
    {
      gnutls_x509_crt_deinit (crt);
      return TERN_CERTIFICATE_PROBLEM_OTHER;
    }
  if (!gnutls_x509_crt_check_hostname (crt, host))
    p |= TERN_CERTIFICATE_PROBLEM_WRONG_HOST;
  if (gnutls_x509_crt_get_expiration_time (crt) < now)
    p |= TERN_CERTIFICATE_PROBLEM_EXPIRED;
  if (gnutls_x509_crt_get_activation_time (crt) > now)
    p |= TERN_CERTIFICATE_PROBLEM_NOT_YET_ACTIVE;
  if (gnutls_x509_crt_check_issuer (crt, crt))
    p |= TERN_CERTIFICATE_PROBLEM_SELF_SIGNED;
  gnutls_x509_crt_deinit (crt);
  return p;
}

static gboolean
verify_peer (TernStream *st, const char *pin, TernCertificateInfo **cert_out, GError **error)
{
  unsigned int status = 0, n_certs = 0;
  const gnutls_datum_t *chain = gnutls_certificate_get_peers (st->session, &n_certs);
  TernCertificateProblems problems;
  g_autoptr(TernCertificateInfo) info = NULL;

  if (chain == NULL || n_certs == 0)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_CERTIFICATE,
                   "The server %s sent no certificate.", st->host);
      return FALSE;
    }
  if (gnutls_certificate_verify_peers3 (st->session, st->host, &status) < 0)
    status |= GNUTLS_CERT_INVALID;
  if (status == 0)
    return TRUE;  /* verified: a pin on a host that moved to a valid one is moot */

  info = tern_certificate_info_new_from_der (chain[0].data, chain[0].size, st->host, st->port);
  if (info == NULL)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_CERTIFICATE,
                   "The certificate of %s cannot be read.", st->host);
      return FALSE;
    }
  if (pin && tern_certificate_fingerprint_equal (pin, info->sha256))
    return TRUE;  /* the user accepted exactly this certificate */

  problems = problems_from_status (status) | problems_of_leaf (&chain[0], st->host);
  if (problems & TERN_CERTIFICATE_PROBLEM_SELF_SIGNED)
    problems |= TERN_CERTIFICATE_PROBLEM_UNTRUSTED;
  if (pin && *pin)
    problems |= TERN_CERTIFICATE_PROBLEM_CHANGED;
  if (problems == 0)
    problems = TERN_CERTIFICATE_PROBLEM_OTHER;
  tern_certificate_info_set_problems (info, problems);

  g_set_error (error, TERN_ERROR, TERN_ERROR_CERTIFICATE,
               "Tern stopped connecting to %s before sending your password: %s",
               st->host, info->description);
  gnutls_alert_send (st->session, GNUTLS_AL_FATAL, GNUTLS_A_BAD_CERTIFICATE);
  if (cert_out)
    *cert_out = g_steal_pointer (&info);
  return FALSE;
}

/* ---- TLS session ---- */

/* An extra certificate authority is a test hook (the harness's throwaway
 * CA): a release build never reads it, so no environment variable can add
 * trust to a user's Tern. */
static const char *
extra_ca_file (void)
{
#if TERN_TEST_HOOKS
  return g_getenv ("TERN_EXTRA_CA_FILE");
#else
  return NULL;
#endif
}

static gboolean
load_trust (TernStream *st, GError **error)
{
  const char *extra = extra_ca_file ();
  int r;

  if (gnutls_certificate_allocate_credentials (&st->creds) < 0)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_FAILED, "Out of memory for TLS.");
      return FALSE;
    }
  r = gnutls_certificate_set_x509_system_trust (st->creds);
  if (r < 0)
    g_warning ("No system certificate authorities: %s", gnutls_strerror (r));
  if (extra && *extra)
    {
      r = gnutls_certificate_set_x509_trust_file (st->creds, extra, GNUTLS_X509_FMT_PEM);
      if (r < 0)
        g_warning ("Cannot read TERN_EXTRA_CA_FILE %s: %s", extra, gnutls_strerror (r));
    }
  return TRUE;
}

static gboolean
session_init (TernStream *st, GError **error)
{
  const char *err_pos = NULL;
  int r;

  if (!load_trust (st, error))
    return FALSE;
  if ((r = gnutls_init (&st->session, GNUTLS_CLIENT)) < 0 ||
      (r = gnutls_set_default_priority_append (st->session, TERN_TLS_PRIORITY_APPEND,
                                               &err_pos, 0)) < 0 ||
      (r = gnutls_credentials_set (st->session, GNUTLS_CRD_CERTIFICATE, st->creds)) < 0)
    {
      g_autofree char *reason = tls_reason (r);

      g_set_error (error, TERN_ERROR, TERN_ERROR_FAILED, "Cannot set up TLS: %s.", reason);
      return FALSE;
    }
  /* SNI carries names only, never IP literals (RFC 6066). */
  if (!g_hostname_is_ip_address (st->host))
    gnutls_server_name_set (st->session, GNUTLS_NAME_DNS, st->host, strlen (st->host));
  gnutls_transport_set_ptr (st->session, st);
  gnutls_transport_set_push_function (st->session, tls_push);
  gnutls_transport_set_pull_function (st->session, tls_pull);
  gnutls_transport_set_pull_timeout_function (st->session, tls_pull_timeout);
  /* Our transport has per-call deadlines; no second clock on top. */
  gnutls_handshake_set_timeout (st->session, 0);
  return TRUE;
}

/* The port of the same service with the other kind of security (993 for
 * 143, 587 for 465, ...), 0 for a port that is no default. */
static guint16
sibling_port (guint16 port, gboolean port_is_tls)
{
  static const char *const services[] = { "imap", "pop3", "smtp" };
  TernSecurity from = port_is_tls ? TERN_SECURITY_TLS : TERN_SECURITY_STARTTLS;
  TernSecurity to = port_is_tls ? TERN_SECURITY_STARTTLS : TERN_SECURITY_TLS;

  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    if (tern_default_port (services[i], from) == port)
      return tern_default_port (services[i], to);
  if (!port_is_tls && port == 25)
    return 465;
  return 0;
}

/* The security chosen does not fit the port: @port_is_tls, STARTTLS or
 * none on a port that waits for TLS at once; else TLS on a port where the
 * server greets in plain text first. */
static void
set_wrong_security_error (GError **error, const char *host, guint16 port, gboolean port_is_tls)
{
  guint16 other = sibling_port (port, port_is_tls);
  const char *kind = port_is_tls ? "STARTTLS" : "TLS";
  const char *usual = port_is_tls ? "143 for IMAP, 110 for POP3, 587 for SMTP"
                                  : "993 for IMAP, 995 for POP3, 465 for SMTP";
  g_autofree char *where = other ? g_strdup_printf ("port %u for %s", other, kind)
                           : g_strdup_printf ("the server's %s port (usually %s)", kind, usual);

  if (port_is_tls)
    g_set_error (error, TERN_ERROR, TERN_ERROR_WRONG_SECURITY,
                 "The server %s waits for an encrypted connection on port %u instead of "
                 "greeting in plain text. This port expects an encrypted connection from the "
                 "start: choose TLS, or %s.", host, port, where);
  else
    g_set_error (error, TERN_ERROR, TERN_ERROR_WRONG_SECURITY,
                 "The server %s answered in plain text on port %u. This port expects an "
                 "unencrypted start: choose STARTTLS, or %s.", host, port, where);
}

/* GnuTLS's verdict when the first bytes were no TLS record at all. */
static gboolean
is_not_tls (int r)
{
  return r == GNUTLS_E_UNEXPECTED_PACKET || r == GNUTLS_E_UNEXPECTED_PACKET_LENGTH ||
         r == GNUTLS_E_UNSUPPORTED_VERSION_PACKET;
}

/* @implicit: TLS from the first byte (security TLS), not after STARTTLS. */
static gboolean
handshake (TernStream *st, gboolean implicit, const char *pin,
           TernCertificateInfo **cert_out, GError **error)
{
  g_autofree char *reason = NULL;
  int r;

  if (!session_init (st, error))
    return FALSE;
  do
    r = gnutls_handshake (st->session);
  while (r < 0 && !gnutls_error_is_fatal (r));

  if (r >= 0)
    return verify_peer (st, pin, cert_out, error);
  if (st->failure)
    {
      g_propagate_error (error, g_error_copy (st->failure));
      return FALSE;
    }
  if (implicit && is_not_tls (r))
    {
      set_wrong_security_error (error, st->host, st->port, FALSE);
      return FALSE;
    }
  reason = tls_reason (r);
  g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
               "Could not start an encrypted connection with %s on port %u: %s. "
               "Check that this port and security setting go together.",
               st->host, st->port, reason);
  return FALSE;
}

static mailstream *
stream_wrap (TernStream *st)
{
  mailstream_low *low = mailstream_low_new (st, &stream_driver);
  mailstream *s = low ? mailstream_new (low, TERN_STREAM_BUFFER_SIZE) : NULL;

  if (s == NULL)
    {
      if (low)
        mailstream_low_free (low);
      else
        stream_free (st);
    }
  return s;
}

mailstream *
tern_tls_stream_open (const TernServerConfig *cfg,
                      GCancellable           *cancellable,
                      TernCertificateInfo   **cert_out,
                      GError                **error)
{
  TernStream *st;
  mailstream *s;
  int fd;

  g_return_val_if_fail (cfg != NULL && cfg->host != NULL, NULL);

  fd = tern_socket_connect (cfg->host, cfg->port,
                            timeout_ms_for (cfg->timeout_seconds) / 1000,
                            cancellable, error);
  if (fd < 0)
    return NULL;
  st = stream_new (fd, cfg, cancellable);
  if (cfg->security != TERN_SECURITY_TLS || handshake (st, TRUE, cfg->pinned_sha256, cert_out, error))
    s = stream_wrap (st);
  else
    {
      stream_free (st);
      return NULL;
    }
  if (s == NULL)
    g_set_error (error, TERN_ERROR, TERN_ERROR_FAILED, "Out of memory.");
  return s;
}

gboolean
tern_tls_stream_starttls (mailstream             *stream,
                          const TernServerConfig *cfg,
                          TernCertificateInfo   **cert_out,
                          GError                **error)
{
  mailstream_low *old_low = mailstream_get_low (stream);
  TernStream *plain = stream_from (stream);
  TernStream *st;
  mailstream_low *low;

  if (plain == NULL || plain->session != NULL)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_INVALID,
                   "STARTTLS needs a plain-text Tern stream.");
      return FALSE;
    }
  /* Anything already read past the server's answer was sent in plain text
   * and could be injected by an attacker; it must not pass as TLS data. */
  if (stream->read_buffer_len > 0)
    {
      g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                   "The server %s sent unexpected data right after agreeing to "
                   "encrypt the connection. This can be an attack (STARTTLS "
                   "injection), so Tern closed the connection.", plain->host);
      return FALSE;
    }

  /* The TLS stream takes over the socket and the cancel objects, so a
   * cancel aimed at the old stream still reaches the new one. */
  st = g_new0 (TernStream, 1);
  st->fd = plain->fd;
  st->cancel = plain->cancel;
  st->cancellable = plain->cancellable;
  st->timeout_ms = plain->timeout_ms;
  st->host = g_strdup (plain->host);
  st->port = plain->port;
  st->reply_start = g_get_monotonic_time ();
  st->guard = g_steal_pointer (&plain->guard);
  if (st->guard)
    tern_stream_guard_init (st->guard);
  st->trace = g_steal_pointer (&plain->trace);
  st->listener = g_steal_pointer (&plain->listener);
  st->heard = g_steal_pointer (&plain->heard);
  plain->fd = -1;
  plain->cancel = NULL;
  plain->cancellable = NULL;

  if (!handshake (st, FALSE, cfg->pinned_sha256, cert_out, error) ||
      (low = mailstream_low_new (st, &stream_driver)) == NULL)
    {
      if (error && *error == NULL)
        g_set_error (error, TERN_ERROR, TERN_ERROR_FAILED, "Out of memory.");
      /* Give the cancel object back so the old driver keeps working. */
      plain->cancel = g_steal_pointer (&st->cancel);
      plain->cancellable = g_steal_pointer (&st->cancellable);
      plain->guard = g_steal_pointer (&st->guard);
      plain->trace = g_steal_pointer (&st->trace);
      plain->listener = g_steal_pointer (&st->listener);
      plain->heard = g_steal_pointer (&st->heard);
      stream_free (st);
      return FALSE;
    }
  tern_protocol_trace_note (st->trace, "TLS started");
  mailstream_set_low (stream, low);
  mailstream_low_free (old_low);
  return TRUE;
}

mailstream *
tern_tls_stream_new_for_fd (int fd, const TernServerConfig *cfg)
{
  g_return_val_if_fail (fd >= 0 && cfg != NULL && cfg->host != NULL, NULL);
  return stream_wrap (stream_new (fd, cfg, NULL));
}

void
tern_tls_stream_watch_imap (mailstream *stream)
{
  TernStream *st = stream_from (stream);

  if (st == NULL || st->guard != NULL)
    return;
  st->guard = g_new (TernStreamGuard, 1);
  tern_stream_guard_init (st->guard);
}

/* Whether a TLS server answers a TLS hello on a second connection to the
 * port. Only a hello goes out on it, never a credential. */
static gboolean
port_speaks_tls (const TernServerConfig *cfg, GCancellable *cancellable, int budget_ms)
{
  TernServerConfig probe = *cfg;
  TernStream *st;
  gboolean tls;
  int fd, r;

  probe.timeout_seconds = (guint) MAX (1, budget_ms / 1000);
  fd = tern_socket_connect (cfg->host, cfg->port, probe.timeout_seconds, cancellable, NULL);
  if (fd < 0)
    return FALSE;
  st = stream_new (fd, &probe, cancellable);
  st->timeout_ms = budget_ms;
  if (!session_init (st, NULL))
    {
      stream_free (st);
      return FALSE;
    }
  do
    r = gnutls_handshake (st->session);
  while (r < 0 && !gnutls_error_is_fatal (r));
  /* A finished handshake or a TLS alert: the port speaks TLS. */
  tls = r >= 0 || r == GNUTLS_E_FATAL_ALERT_RECEIVED;
  stream_free (st);
  return tls;
}

gboolean
tern_tls_stream_expect_greeting (mailstream             *stream,
                                 const TernServerConfig *cfg,
                                 GError                **error)
{
  TernStream *st = stream_from (stream);
  guchar head[2];

  if (st == NULL || st->session != NULL || st->fd < 0 || stream->read_buffer_len > 0)
    return TRUE;
  switch (tern_socket_wait (st->fd, POLLIN, MIN (GREETING_GRACE_MS, st->timeout_ms / 2),
                            mailstream_cancel_get_fd (st->cancel), st->cancellable))
    {
    case TERN_SOCKET_READY:
      /* A TLS record (handshake or alert, version 3.x) where text belongs. */
      if (recv (st->fd, head, sizeof head, MSG_PEEK) == sizeof head &&
          (head[0] == 0x16 || head[0] == 0x15) && head[1] == 0x03)
        break;
      return TRUE;
    case TERN_SOCKET_TIMED_OUT:
      /* Silence: a slow server, or one that waits for our TLS hello. */
      if (port_speaks_tls (cfg, st->cancellable, MIN (TLS_PROBE_MAX_MS, st->timeout_ms)))
        break;
      return TRUE;
    default:
      return TRUE;  /* the greeting's read reports the failure */
    }
  set_wrong_security_error (error, st->host, st->port, TRUE);
  return FALSE;
}

void
tern_tls_stream_trace (mailstream *stream, TernTraceProtocol protocol)
{
  TernStream *st = stream_from (stream);

  if (st == NULL || st->trace != NULL)
    return;
  st->trace = tern_protocol_trace_new (protocol, st->host, st->port);
  tern_protocol_trace_note (st->trace, st->session != NULL ? "connected with TLS"
                                                           : "connected without encryption");
}

static void
on_heard (TernTraceProtocol protocol, const char *server, char direction, const char *line,
          gpointer user_data)
{
  TernHeard *heard = user_data;
  char *text;

  /* A server that says a lot is not read out in full: the first few do. */
  if (direction != 'S' || heard->lines->len >= MAX_HEARD || (text = heard->pick (line)) == NULL)
    return;
  g_ptr_array_add (heard->lines, text);
}

void
tern_tls_stream_listen (mailstream *stream, TernTraceProtocol protocol, TernHeardFunc pick)
{
  TernStream *st = stream_from (stream);

  g_return_if_fail (pick != NULL);
  if (st == NULL || st->listener != NULL)
    return;
  st->heard = g_new0 (TernHeard, 1);
  st->heard->pick = pick;
  st->heard->lines = g_ptr_array_new_with_free_func (g_free);
  st->listener = tern_protocol_trace_new_with_func (protocol, st->host, st->port, on_heard,
                                                    st->heard);
}

GPtrArray *
tern_tls_stream_take_heard (mailstream *stream)
{
  TernStream *st = stream_from (stream);
  GPtrArray *lines;

  if (st == NULL || st->heard == NULL || st->heard->lines->len == 0)
    return NULL;
  lines = g_steal_pointer (&st->heard->lines);
  st->heard->lines = g_ptr_array_new_with_free_func (g_free);
  return lines;
}

gboolean
tern_tls_stream_is_encrypted (mailstream *stream)
{
  TernStream *st = stream_from (stream);

  return st != NULL && st->session != NULL;
}

void
tern_tls_stream_set_timeout (mailstream *stream, guint seconds)
{
  TernStream *st = stream_from (stream);

  if (st)
    st->timeout_ms = timeout_ms_for (seconds);
}

gboolean
tern_tls_stream_prepare_goodbye (mailstream *stream)
{
  TernStream *st = stream_from (stream);

  if (st == NULL || st->fd < 0 || st->failure != NULL || stream_cancelled (st))
    return FALSE;
  st->timeout_ms = MIN (st->timeout_ms, timeout_ms_for (GOODBYE_TIMEOUT_SECONDS));
  return TRUE;
}

void
tern_tls_stream_set_cancellable (mailstream *stream, GCancellable *cancellable)
{
  TernStream *st = stream_from (stream);

  if (st)
    g_set_object (&st->cancellable, cancellable);
}

gboolean
tern_tls_stream_get_failure (mailstream *stream, GError **error)
{
  TernStream *st = stream_from (stream);

  if (st == NULL || st->failure == NULL)
    return FALSE;
  g_propagate_error (error, g_error_copy (st->failure));
  return TRUE;
}

void
tern_tls_stream_propagate_failure (mailstream *stream,
                                   const char *host,
                                   const char *during,
                                   GError    **error)
{
  if (!tern_tls_stream_get_failure (stream, error))
    g_set_error (error, TERN_ERROR, TERN_ERROR_CONNECTION_LOST,
                 "The connection to %s was closed by the server during %s.", host, during);
}

gboolean
tern_tls_stream_may_send_password (mailstream             *stream,
                                   const TernServerConfig *cfg,
                                   GError                **error)
{
  if (tern_tls_stream_is_encrypted (stream) || cfg->allow_plain)
    return TRUE;
  g_set_error (error, TERN_ERROR, TERN_ERROR_ENCRYPTION_REQUIRED,
               "The connection to %s is not encrypted, so Tern did not send your "
               "password. Choose TLS or STARTTLS, or allow plain text explicitly.",
               cfg->host);
  return FALSE;
}

/* After the socket became readable during IDLE: TLS 1.3 servers send
 * session tickets and key updates that carry no data for libetpan. Reads
 * what is there without waiting; TRUE if application data arrived (it is
 * put into libetpan's read buffer, which is empty here). */
static gboolean
tls_has_app_data (mailstream *stream, TernStream *st)
{
  ssize_t r;

  st->no_wait = TRUE;
  r = gnutls_record_recv (st->session, stream->read_buffer, stream->buffer_max_size);
  st->no_wait = FALSE;
  if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
    return FALSE;
  start_reply (st);
  if (r > 0)
    r = finish_read (st, stream->read_buffer, r);
  if (r > 0)
    stream->read_buffer_len = (size_t) r;
  else if (r < 0 && !st->closed_by_server)
    record_tls_failure (st, r);
  /* Data, end of stream or an error: the caller's next read tells which. */
  return TRUE;
}

static int
wait_idle_once (mailstream *stream, TernStream *st, int timeout_ms)
{
  struct pollfd pfd[4];
  GPollFD gcancel = { -1, 0, 0 };
  nfds_t n = 0;
  int r;

  pfd[n++] = (struct pollfd) { st->fd, POLLIN, 0 };
  pfd[n++] = (struct pollfd) { mailstream_cancel_get_fd (stream->idle), POLLIN, 0 };
  pfd[n++] = (struct pollfd) { mailstream_cancel_get_fd (st->cancel), POLLIN, 0 };
  if (st->cancellable && g_cancellable_make_pollfd (st->cancellable, &gcancel))
    pfd[n++] = (struct pollfd) { gcancel.fd, POLLIN, 0 };

  do
    r = poll (pfd, n, timeout_ms);
  while (r < 0 && errno == EINTR);
  if (gcancel.fd >= 0)
    g_cancellable_release_fd (st->cancellable);

  if (r < 0)
    return MAILSTREAM_IDLE_ERROR;
  if (r == 0)
    return MAILSTREAM_IDLE_TIMEOUT;
  if (pfd[1].revents)
    {
      mailstream_cancel_ack (stream->idle);
      return MAILSTREAM_IDLE_INTERRUPTED;
    }
  if (pfd[2].revents || (n > 3 && pfd[3].revents))
    return MAILSTREAM_IDLE_CANCELLED;  /* sticky: not acked, reads fail too */
  return MAILSTREAM_IDLE_HASDATA;
}

int
tern_tls_stream_wait_idle (mailstream *stream, int max_idle_seconds)
{
  TernStream *st = stream_from (stream);
  gint64 deadline = g_get_monotonic_time () + (gint64) max_idle_seconds * G_USEC_PER_SEC;

  if (st == NULL || stream->idle == NULL || st->fd < 0)
    return MAILSTREAM_IDLE_ERROR;
  if (stream->read_buffer_len > 0 ||
      (st->session && gnutls_record_check_pending (st->session) > 0))
    return MAILSTREAM_IDLE_HASDATA;

  for (;;)
    {
      gint64 left_ms = MAX (0, (deadline - g_get_monotonic_time () + 999) / 1000);
      int r;

      if (stream_cancelled (st))
        return MAILSTREAM_IDLE_CANCELLED;
      r = wait_idle_once (stream, st, (int) MIN (left_ms, G_MAXINT));
      /* What arrives after a long wait is a new reply with its own deadline. */
      if (r == MAILSTREAM_IDLE_HASDATA && st->session == NULL)
        start_reply (st);
      if (r != MAILSTREAM_IDLE_HASDATA || st->session == NULL ||
          tls_has_app_data (stream, st))
        return r;
      /* Only TLS housekeeping arrived: keep waiting. */
    }
}
