/* Unit tests for the libetpan translation helpers. */
#include "imap/tern-imap-uid-set.h"
#include "imap/tern-imap-mailbox.h"

static void
test_uid_sets (void)
{
  guint32 uids[] = { 9, 4, 5, 6, 7, 1, 5 };
  g_autofree char *text = tern_imap_uid_set_to_string (uids, G_N_ELEMENTS (uids));
  g_autoptr(GArray) back = g_array_new (FALSE, FALSE, sizeof (guint32));

  g_assert_cmpstr (text, ==, "1,4:7,9");
  g_assert_true (tern_imap_uid_set_parse (text, back));
  g_assert_cmpuint (back->len, ==, 6);
  g_assert_cmpuint (g_array_index (back, guint32, 5), ==, 9);

  g_array_set_size (back, 0);
  g_assert_false (tern_imap_uid_set_parse ("1,x", back));
  g_assert_false (tern_imap_uid_set_parse ("", back));
  g_assert_false (tern_imap_uid_set_parse ("0", back));
  g_assert_false (tern_imap_uid_set_parse ("1:4294967295", back));
}

static void
test_mutf7 (void)
{
  struct { const char *in, *out; } cases[] = {
    { "INBOX", "INBOX" },
    { "Entw&APw-rfe", "Entwürfe" },
    { "&ZeVnLIqe-", "日本語" },
    { "Tom &- Jerry", "Tom & Jerry" },
    { "broken &AAA", "broken &AAA" },   /* no terminator: shown as sent */
    { "bad &!!!-", "bad &!!!-" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = tern_imap_mailbox_to_utf8 (cases[i].in);
      g_assert_cmpstr (got, ==, cases[i].out);
    }
}

static TernFolderRole
role_of (const char *name, char delim, const char *flag)
{
  struct mailimap_mailbox_list mb = { NULL, delim, (char *) name };
  struct mailimap_mbx_list_oflag of = { MAILIMAP_MBX_LIST_OFLAG_FLAG_EXT, (char *) flag };
  clist *oflags = clist_new ();
  struct mailimap_mbx_list_flags flags = { MAILIMAP_MBX_LIST_FLAGS_NO_SFLAG, oflags, 0 };
  TernFolderRole role;

  if (flag != NULL)
    clist_append (oflags, &of);
  mb.mb_flag = &flags;
  role = tern_imap_role_from_list (&mb);
  clist_free (oflags);
  return role;
}

static void
test_roles (void)
{
  g_assert_cmpint (role_of ("INBOX", '/', NULL), ==, TERN_FOLDER_ROLE_INBOX);
  g_assert_cmpint (role_of ("Gesendet", '/', "\\Sent"), ==, TERN_FOLDER_ROLE_SENT);
  g_assert_cmpint (role_of ("Papierkorb", '.', "\\Trash"), ==, TERN_FOLDER_ROLE_TRASH);
  g_assert_cmpint (role_of ("Sent Items", '/', NULL), ==, TERN_FOLDER_ROLE_SENT);
  g_assert_cmpint (role_of ("INBOX.Drafts", '.', NULL), ==, TERN_FOLDER_ROLE_DRAFTS);
  /* Somebody's own sub-folder named Sent is not the Sent folder. */
  g_assert_cmpint (role_of ("Projects/Sent", '/', NULL), ==, TERN_FOLDER_ROLE_NONE);
  g_assert_cmpint (role_of ("Lists", '/', NULL), ==, TERN_FOLDER_ROLE_NONE);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/imap-util/uid-sets", test_uid_sets);
  g_test_add_func ("/imap-util/mutf7", test_mutf7);
  g_test_add_func ("/imap-util/roles", test_roles);
  return g_test_run ();
}
