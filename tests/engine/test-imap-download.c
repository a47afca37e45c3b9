/* A message over the download limit (100 MB) against real Dovecot (issue
 * 12): the sync keeps its headers and marks it too large; downloading it
 * writes it to a file in pieces, byte for byte, while the peak memory of
 * this process (VmHWM) grows by far less than the message; a download can
 * be cancelled; a message gone from the server says so. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "account/tern-account-sync.h"
#include "core/tern-error.h"
#include "imap/tern-imap-limits.h"
#include "tern-test-servers.h"

#define USER "large"
#define PASSWORD "large-pw"
#define BIG_MID "big-1@example.org"
/* Over TERN_STREAM_MAX_LITERAL, and not a multiple of the piece size. */
#define BIG_BYTES ((guint64) 105 * 1024 * 1024 + 12345)

/* Under AddressSanitizer freed memory waits in a quarantine (256 MB by
 * default) before it is reused, which would count every piece ever
 * downloaded in VmHWM: keep it small so the peak measures what is live.
 * (ASAN_OPTIONS from the environment still wins.) */
const char *__asan_default_options (void);
const char *
__asan_default_options (void)
{
  return "quarantine_size_mb=8";
}

typedef struct {
  TernTestServers *servers;
  char *data_dir;
  TernStore *store;
  TernSecrets *secrets;
  gint64 account_id;
  guint64 size;
  char *sha256;
} Fixture;

/* Peak resident memory of this process so far, in KiB. */
static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = tern_account_settings_new ();
  TernTestServersOptions opts = { .no_smtp = TRUE };

  f->servers = tern_test_servers_start (&opts, &error);
  g_assert_no_error (error);
  g_assert_true (tern_test_servers_add_user (f->servers, USER, PASSWORD, &error));
  g_assert_true (tern_test_servers_seed_large (f->servers, USER, "INBOX", BIG_BYTES, BIG_MID,
                                               &f->size, &f->sha256, &error));
  g_assert_no_error (error);
  g_setenv ("TERN_EXTRA_CA_FILE", tern_test_servers_ca_file (f->servers), TRUE);
  f->data_dir = g_dir_make_tmp ("tern-download-XXXXXX", NULL);
  f->store = tern_store_open (f->data_dir, TERN_STORE_OPEN_WRITER, &error);
  g_assert_no_error (error);
  f->secrets = tern_secrets_new (f->data_dir, TERN_SECRETS_FILE);
  a->name = g_strdup ("Large");
  a->email = g_strdup ("large@localhost");
  a->protocol = TERN_PROTOCOL_IMAP;
  a->incoming_host = g_strdup ("localhost");
  a->incoming_port = tern_test_servers_port (f->servers, TERN_TEST_IMAPS);
  a->incoming_security = TERN_SECURITY_TLS;
  a->incoming_user = g_strdup (USER);
  f->account_id = tern_store_add_account (f->store, a, &error);
  g_assert_no_error (error);
  g_assert_true (tern_secrets_store (f->secrets, "Large", TERN_SECRET_INCOMING, PASSWORD, &error));
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->data_dir);

  g_clear_object (&f->store);
  g_clear_object (&f->secrets);
  tern_test_servers_free (f->servers);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  g_free (f->data_dir);
  g_free (f->sha256);
}

static TernAccountSync *
synced_session (Fixture *f, gint64 *big_id)
{
  g_autoptr(GError) error = NULL;
  g_auto(TernAccountSyncResult) result = { 0 };
  g_autoptr(GArray) ids = NULL;
  g_autoptr(TernMessageSummary) m = NULL;
  TernAccountSync *session = tern_account_sync_new (f->store, f->account_id, f->secrets);

  g_assert_true (tern_account_sync_run (session, NULL, NULL, &result, NULL, &error));
  g_assert_no_error (error);
  ids = tern_store_find_by_message_id (f->store, f->account_id, BIG_MID, &error);
  g_assert_cmpuint (ids->len, ==, 1);
  *big_id = g_array_index (ids, gint64, 0);
  m = tern_store_get_message (f->store, *big_id, &error);
  /* The sync kept the headers only. */
  g_assert_cmpint (m->body_state, ==, TERN_BODY_STATE_HEADERS);
  g_assert_cmpint (m->size, ==, (gint64) f->size);
  g_assert_true (tern_imap_message_too_large ((guint64) m->size));
  return session;
}

typedef struct {
  guint calls;
  guint64 last;
  guint64 total;
  GCancellable *cancel_after_first;
} Progress;

static void
on_progress (guint64 done, guint64 total, gpointer data)
{
  Progress *p = data;

  g_assert_cmpuint (done, >=, p->last);
  p->calls++;
  p->last = done;
  p->total = total;
  if (p->cancel_after_first != NULL)
    g_cancellable_cancel (p->cancel_after_first);
}

static void
test_download (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSync) session = NULL;
  g_autofree char *path = g_build_filename (f->data_dir, "big.eml", NULL);
  g_autofree char *sha = NULL;
  Progress progress = { 0 };
  guint64 before, after, got = 0;
  gint64 id = 0;
  int fd;

  session = synced_session (f, &id);
  /* Opening it the usual way still says it is too large. */
  g_assert_false (tern_account_sync_fetch_body (session, id, NULL, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_TOO_LARGE);
  g_clear_error (&error);

  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  g_assert_cmpint (fd, >=, 0);
  before = tern_test_peak_memory_kib ();
  g_assert_true (tern_account_sync_download (session, id, fd, on_progress, &progress, NULL, NULL,
                                             &error));
  g_assert_no_error (error);
  after = tern_test_peak_memory_kib ();
  close (fd);
  g_test_message ("VmHWM before %" G_GUINT64_FORMAT " KiB, after %" G_GUINT64_FORMAT
                  " KiB, message %" G_GUINT64_FORMAT " KiB", before, after, f->size / 1024);
  /* Byte for byte, in pieces, with progress up to the size. */
  sha = tern_test_file_sha256 (path, &got);
  g_assert_cmpuint (got, ==, f->size);
  g_assert_cmpstr (sha, ==, f->sha256);
  g_assert_cmpuint (progress.last, ==, f->size);
  g_assert_cmpuint (progress.total, ==, f->size);
  g_assert_cmpuint (progress.calls, ==, f->size / TERN_IMAP_DOWNLOAD_PIECE + 1);
  /* Bounded memory: far less than the message (105 MiB) came to be
   * resident at once. A few pieces (4 MiB each) and the allocator's slack
   * are expected. */
  g_assert_cmpuint (after - before, <, 32 * 1024);
  /* Nothing of it went into the store. */
  g_assert_null (tern_store_get_raw (f->store, id, &error));
  g_clear_error (&error);
}

static void
test_cancel_and_gone (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSync) session = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *path = g_build_filename (f->data_dir, "cancelled.eml", NULL);
  g_autofree char *maildir = tern_test_servers_maildir_path (f->servers, USER, "INBOX");
  g_autofree char *cmd = NULL;
  Progress progress = { .cancel_after_first = cancellable };
  gint64 id = 0;
  int fd;

  session = synced_session (f, &id);
  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  g_assert_false (tern_account_sync_download (session, id, fd, on_progress, &progress, cancellable,
                                              NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (progress.calls, ==, 1);
  close (fd);

  /* Expunged by someone else meanwhile: a plain "no longer on the server". */
  tern_account_sync_drop_session (session);
  g_assert_true (tern_test_servers_stop_imap (f->servers, &error));
  cmd = g_strdup_printf ("sh -c 'rm -f %s/cur/large.*'", maildir);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  g_assert_true (tern_test_servers_start_imap (f->servers, &error));
  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  g_assert_false (tern_account_sync_download (session, id, fd, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, TERN_ERROR, TERN_ERROR_NOT_FOUND);
  close (fd);
}

int
main (int argc, char *argv[])
{
  signal (SIGPIPE, SIG_IGN);
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/imap-download/large-message", Fixture, NULL, setup, test_download, teardown);
  g_test_add ("/imap-download/cancel-and-gone", Fixture, NULL, setup, test_cancel_and_gone, teardown);
  return g_test_run ();
}
