/* tern-test-mail-account.c: fixtures for the POP3/SMTP/outbox tests. */
#include "tern-test-mail-account.h"

#include <glib/gstdio.h>
#include <string.h>

#define POOL_USERS 12

static TernTestServers *shared;

static void
stop_shared (void)
{
  g_clear_pointer (&shared, tern_test_servers_free);
}

TernTestServers *
tern_test_shared_servers (gboolean with_smtp)
{
  TernTestServersOptions opts = { .no_smtp = !with_smtp };

  return tern_test_shared_servers_with (&opts);
}

TernTestServers *
tern_test_shared_servers_with (const TernTestServersOptions *opts)
{
  g_autoptr(GError) error = NULL;

  if (shared != NULL)
    return shared;
  shared = tern_test_servers_start (opts, &error);
  g_assert_no_error (error);
  g_setenv ("TERN_EXTRA_CA_FILE", tern_test_servers_ca_file (shared), TRUE);
  atexit (stop_shared);
  /* Users are created up front: Dovecot may not notice a passwd-file
   * rewritten within the same second as its last read. */
  for (guint i = 1; i <= POOL_USERS; i++)
    {
      g_autofree char *user = g_strdup_printf ("pool%u", i);
      g_assert_true (tern_test_servers_add_user (shared, user, "secret", &error));
      g_assert_no_error (error);
    }
  return shared;
}

TernTestAccount *
tern_test_account_new (TernTestServers *servers, TernProtocol protocol)
{
  static guint counter;
  g_autoptr(GError) error = NULL;
  TernTestAccount *t = g_new0 (TernTestAccount, 1);
  TernAccountSettings *a;

  t->servers = servers;
  g_assert_cmpuint (counter, <, POOL_USERS);
  t->user = g_strdup_printf ("pool%u", ++counter);
  t->dir = g_dir_make_tmp ("tern-test-XXXXXX", &error);
  g_assert_no_error (error);
  t->store = tern_store_open (t->dir, TERN_STORE_OPEN_WRITER, &error);
  g_assert_no_error (error);
  t->secrets = tern_secrets_new (t->dir, TERN_SECRETS_FILE);
  g_assert_true (tern_secrets_store (t->secrets, "test", TERN_SECRET_INCOMING, "secret", &error));
  g_assert_no_error (error);

  a = t->account = tern_account_settings_new ();
  a->name = g_strdup ("test");
  a->display_name = g_strdup ("Tést Üser");
  a->email = tern_test_servers_user_address (servers, t->user);
  a->protocol = protocol;
  a->incoming_host = g_strdup (tern_test_servers_host (servers));
  a->incoming_security = TERN_SECURITY_TLS;
  a->incoming_port = tern_test_servers_port (servers, protocol == TERN_PROTOCOL_POP3
                                                      ? TERN_TEST_POP3S : TERN_TEST_IMAPS);
  a->incoming_user = g_strdup (t->user);
  a->smtp_host = g_strdup (tern_test_servers_host (servers));
  a->smtp_port = tern_test_servers_port (servers, TERN_TEST_SMTPS);
  if (a->smtp_port == 0)
    a->smtp_port = 465;
  a->smtp_security = TERN_SECURITY_TLS;
  a->smtp_auth = TERN_SMTP_AUTH_PASSWORD;
  tern_store_add_account (t->store, a, &error);
  g_assert_no_error (error);
  return t;
}

void
tern_test_account_save (TernTestAccount *t)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_store_update_account (t->store, t->account, &error));
  g_assert_no_error (error);
}

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
tern_test_account_free (TernTestAccount *t)
{
  g_clear_object (&t->store);
  g_clear_object (&t->secrets);
  g_clear_pointer (&t->account, tern_account_settings_free);
  if (t->dir && g_getenv ("TERN_TEST_KEEP") == NULL)
    rm_rf (t->dir);
  g_free (t->dir);
  g_free (t->user);
  g_free (t);
}

static char *
header_message_id (const char *text)
{
  const char *p = text;

  while (p && *p && !(p[0] == '\r' || p[0] == '\n'))
    {
      if (g_ascii_strncasecmp (p, "Message-ID:", 11) == 0)
        {
          const char *lt = strchr (p, '<'), *gt = lt ? strchr (lt, '>') : NULL;
          if (gt)
            return g_strndup (lt + 1, gt - lt - 1);
        }
      p = strchr (p, '\n');
      if (p)
        p++;
    }
  return NULL;
}

static void
add_id (GHashTable *ids, char *id)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (ids, id));
  g_hash_table_replace (ids, id, GUINT_TO_POINTER (n + 1));
}

GHashTable *
tern_test_server_message_ids (TernTestServers *servers, const char *user)
{
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *maildir = tern_test_servers_maildir_path (servers, user, "INBOX");
  const char *subs[] = { "new", "cur" };

  for (guint i = 0; i < G_N_ELEMENTS (subs); i++)
    {
      g_autofree char *path = g_build_filename (maildir, subs[i], NULL);
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *file = g_build_filename (path, name, NULL);
          g_autofree char *text = NULL;
          char *id;

          if (!g_file_get_contents (file, &text, NULL, NULL))
            continue;   /* deleted meanwhile */
          id = header_message_id (text);
          add_id (ids, id ? id : g_strdup (name));
        }
    }
  return ids;
}

GHashTable *
tern_test_local_message_ids (TernStore *store, gint64 account_id, TernFolderRole role)
{
  g_autoptr(GError) error = NULL;
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(TernFolder) folder = tern_store_get_folder_by_role (store, account_id, role, &error);
  g_autoptr(GArray) list = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  g_assert_no_error (error);
  list = tern_store_list_message_ids (store, folder->id, TERN_SORT_DATE, FALSE, &error);
  g_assert_no_error (error);
  rows = tern_store_get_summaries (store, (gint64 *) list->data, list->len, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      TernMessageSummary *m = g_ptr_array_index (rows, i);
      add_id (ids, g_strdup (m->message_id ? m->message_id : "(none)"));
    }
  return ids;
}

guint
tern_test_count_total (GHashTable *ids)
{
  GHashTableIter it;
  gpointer value;
  guint n = 0;

  g_hash_table_iter_init (&it, ids);
  while (g_hash_table_iter_next (&it, NULL, &value))
    n += GPOINTER_TO_UINT (value);
  return n;
}
