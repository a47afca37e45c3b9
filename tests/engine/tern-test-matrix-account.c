/* tern-test-matrix-account.c: fixtures of the matrix tests. */
#include "tern-test-matrix-account.h"

#include <string.h>

#include "account/tern-account-connect.h"
#include "tern-test-messages.h"

#define POOL_USERS 8
#define PASSWORD "m4trix-pw"

static TernTestMailServer *servers[TERN_TEST_N_SERVER_KINDS];
static char *start_errors[TERN_TEST_N_SERVER_KINDS];
static gboolean start_unavailable[TERN_TEST_N_SERVER_KINDS];
static guint next_user[TERN_TEST_N_SERVER_KINDS];

static void
stop_all (void)
{
  for (guint i = 0; i < TERN_TEST_N_SERVER_KINDS; i++)
    {
      g_clear_pointer (&servers[i], tern_test_mail_server_free);
      g_clear_pointer (&start_errors[i], g_free);
    }
}

TernTestMailServer *
tern_matrix_server (TernTestServerKind kind)
{
  static gboolean registered;

  if (servers[kind] == NULL && start_errors[kind] == NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 1; i <= POOL_USERS; i++)
        g_ptr_array_add (users, g_strdup_printf ("user%u", i));
      g_ptr_array_add (users, NULL);
      if (!registered)
        atexit (stop_all);
      registered = TRUE;
      servers[kind] = tern_test_mail_server_start (kind, (const char *const *) users->pdata,
                                                   PASSWORD, &error);
      if (servers[kind] == NULL)
        {
          start_errors[kind] = g_strdup (error->message);
          start_unavailable[kind] = tern_test_mail_server_unavailable (error);
          /* Said once, where a person reading the log sees it. */
          g_printerr ("# matrix: %s %s: %s\n", tern_test_server_kind_name (kind),
                      start_unavailable[kind] ? "skipped" : "did not start", error->message);
        }
      else
        g_setenv ("TERN_EXTRA_CA_FILE", tern_test_mail_server_ca_file (servers[kind]), TRUE);
    }
  if (servers[kind] != NULL)
    return servers[kind];
  if (start_unavailable[kind])
    g_test_skip (start_errors[kind]);
  else
    g_test_fail_printf ("%s did not start: %s", tern_test_server_kind_name (kind),
                        start_errors[kind]);
  return NULL;
}

void
tern_matrix_add_cases (const char *proto, const TernMatrixServer *servers, guint n_servers,
                       const TernMatrixCheck *checks, guint n_checks, GTestDataFunc run_case)
{
  for (guint k = 0; k < n_servers; k++)
    for (guint i = 0; i < n_checks; i++)
      {
        g_autofree char *path = g_strdup_printf ("/matrix-%s/%s/%s", proto, servers[k].slug,
                                                 checks[i].name);
        /* Lives as long as the test program. */
        TernMatrixCase *c = g_new0 (TernMatrixCase, 1);

        *c = (TernMatrixCase) { servers[k].kind, checks[i].name, checks[i].run };
        g_test_add_data_func_full (path, c, run_case, g_free);
      }
}

TernMatrixAccount *
tern_matrix_account_new (TernTestMailServer *server, TernProtocol protocol)
{
  g_autoptr(GError) error = NULL;
  TernTestServerKind kind = tern_test_mail_server_kind (server);
  TernMatrixAccount *t = g_new0 (TernMatrixAccount, 1);
  TernAccountSettings *a;

  g_assert_cmpuint (next_user[kind], <, POOL_USERS);
  t->server = server;
  t->user = g_strdup_printf ("user%u", ++next_user[kind]);
  t->dir = g_dir_make_tmp ("tern-matrix-XXXXXX", &error);
  g_assert_no_error (error);
  t->store = tern_store_open (t->dir, TERN_STORE_OPEN_WRITER, &error);
  g_assert_no_error (error);
  t->secrets = tern_secrets_new (t->dir, TERN_SECRETS_FILE);
  g_assert_true (tern_secrets_store (t->secrets, "matrix", TERN_SECRET_INCOMING, PASSWORD, &error));
  g_assert_true (tern_secrets_store (t->secrets, "matrix", TERN_SECRET_OUTGOING, PASSWORD, &error));

  a = t->account = tern_account_settings_new ();
  a->name = g_strdup ("matrix");
  a->display_name = g_strdup ("Mätrix Üser");
  a->email = tern_test_mail_server_address (server, t->user);
  a->protocol = protocol;
  a->incoming_host = g_strdup ("localhost");
  a->incoming_security = TERN_SECURITY_TLS;
  a->incoming_port = tern_test_mail_server_port (server, protocol == TERN_PROTOCOL_POP3
                                                         ? TERN_TEST_POP3S : TERN_TEST_IMAPS);
  a->incoming_user = tern_test_mail_server_login (server, t->user);
  a->smtp_host = g_strdup ("localhost");
  a->smtp_port = tern_test_mail_server_port (server, TERN_TEST_SMTPS);
  a->smtp_security = TERN_SECURITY_TLS;
  a->smtp_auth = TERN_SMTP_AUTH_PASSWORD;
  a->smtp_user = g_strdup (t->user);
  tern_store_add_account (t->store, a, &error);
  g_assert_no_error (error);
  return t;
}

void
tern_matrix_account_save (TernMatrixAccount *t)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_store_update_account (t->store, t->account, &error));
  g_assert_no_error (error);
}

void
tern_matrix_account_free (TernMatrixAccount *t)
{
  const char *argv[] = { "rm", "-rf", t->dir, NULL };

  g_clear_object (&t->store);
  g_clear_object (&t->secrets);
  g_clear_pointer (&t->account, tern_account_settings_free);
  if (g_getenv ("TERN_TEST_KEEP") == NULL)
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                  NULL);
  g_free (t->dir);
  g_free (t->user);
  g_free (t);
}

gboolean
tern_matrix_known_failure (TernMatrixAccount *t, const char *why)
{
  if (g_strcmp0 (g_getenv ("TERN_MATRIX_RUN_KNOWN"), "1") == 0)
    return FALSE;
  g_test_incomplete_printf ("known to fail on %s: %s (TERN_MATRIX_RUN_KNOWN=1 runs it)",
                            tern_test_mail_server_name (t->server), why);
  return TRUE;
}

char *
tern_matrix_folder (TernMatrixAccount *t, const char *name)
{
  return tern_test_mail_server_folder (t->server, name);
}

/* ---- raw IMAP --------------------------------------------------------------- */

mailimap *
tern_matrix_imap (TernMatrixAccount *t)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) a = tern_account_settings_copy (t->account);
  mailimap *imap;

  /* A POP3 account's server is looked at over its IMAP side. */
  a->protocol = TERN_PROTOCOL_IMAP;
  a->incoming_port = tern_test_mail_server_port (t->server, TERN_TEST_IMAPS);
  imap = tern_account_connect_imap (a, t->secrets, NULL, NULL, &error);
  g_assert_no_error (error);
  return imap;
}

void
tern_matrix_imap_close (mailimap *imap)
{
  tern_imap_close (imap, TRUE);
}

void
tern_matrix_imap_append (mailimap *imap, const char *mailbox, guint index)
{
  g_autoptr(GBytes) msg = tern_test_message_generate (index, TERN_MATRIX_SEED);
  gsize len;
  const char *data = g_bytes_get_data (msg, &len);

  g_assert_cmpint (mailimap_append (imap, mailbox, NULL, NULL, data, len), ==, MAILIMAP_NO_ERROR);
}

void
tern_matrix_imap_create (mailimap *imap, const char *mailbox)
{
  g_assert_cmpint (mailimap_create (imap, mailbox), ==, MAILIMAP_NO_ERROR);
}

guint
tern_matrix_imap_exists (mailimap *imap, const char *mailbox)
{
  g_assert_cmpint (mailimap_select (imap, mailbox), ==, MAILIMAP_NO_ERROR);
  return imap->imap_selection_info->sel_exists;
}

static const char *
envelope_message_id (struct mailimap_msg_att *att)
{
  for (clistiter *it = clist_begin (att->att_list); it != NULL; it = clist_next (it))
    {
      struct mailimap_msg_att_item *item = clist_content (it);

      if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
          item->att_data.att_static->att_type == MAILIMAP_MSG_ATT_ENVELOPE)
        return item->att_data.att_static->att_data.att_env->env_message_id;
    }
  return NULL;
}

GHashTable *
tern_matrix_imap_message_ids (mailimap *imap, const char *mailbox)
{
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  struct mailimap_set *set;
  struct mailimap_fetch_type *ft;
  clist *result = NULL;

  if (tern_matrix_imap_exists (imap, mailbox) == 0)
    return ids;
  set = mailimap_set_new_interval (1, 0);
  ft = mailimap_fetch_type_new_fetch_att (mailimap_fetch_att_new_envelope ());
  g_assert_cmpint (mailimap_fetch (imap, set, ft, &result), ==, MAILIMAP_NO_ERROR);
  for (clistiter *it = clist_begin (result); it != NULL; it = clist_next (it))
    {
      const char *mid = envelope_message_id (clist_content (it));
      g_autofree char *id = g_strdup (mid != NULL ? mid : "(none)");
      guint n;

      g_strstrip (id);
      if (id[0] == '<' && id[strlen (id) - 1] == '>')
        {
          memmove (id, id + 1, strlen (id));
          id[strlen (id) - 1] = '\0';
        }
      n = GPOINTER_TO_UINT (g_hash_table_lookup (ids, id));
      g_hash_table_replace (ids, g_steal_pointer (&id), GUINT_TO_POINTER (n + 1));
    }
  mailimap_fetch_list_free (result);
  mailimap_fetch_type_free (ft);
  mailimap_set_free (set);
  return ids;
}

void
tern_matrix_seed (TernMatrixAccount *t, const char *mailbox, guint first, guint n)
{
  mailimap *imap = tern_matrix_imap (t);

  for (guint i = first; i < first + n; i++)
    tern_matrix_imap_append (imap, mailbox, i);
  tern_matrix_imap_close (imap);
}
