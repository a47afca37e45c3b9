/* goa-standin.c: a stand-in for GNOME Online Accounts, for test-oauth-goa.
 *
 * The real GOA daemon signs in at Google or Microsoft over the internet,
 * which the tests do not have; this program exports, on the (private, test)
 * session bus, the parts of GOA's D-Bus API that Tern uses: the object
 * manager at /org/gnome/OnlineAccounts with one account object carrying
 * org.gnome.OnlineAccounts.Account, .OAuth2Based (GetAccessToken) and .Mail.
 * It is built from libgoa's own generated skeletons, so the interfaces are
 * GOA's.
 *
 *   goa-standin EMAIL IMAP_HOST[:PORT] SMTP_HOST[:PORT] < access-token
 * prints "ready" once it owns org.gnome.OnlineAccounts; GetAccessToken
 * answers the token read from stdin (kept off the command line).
 */
#define GOA_API_IS_SUBJECT_TO_CHANGE
#include <goa/goa.h>
#include <stdio.h>
#include <string.h>

#define ACCOUNT_ID "account_1700000000_0"

static gboolean
on_get_access_token (GoaOAuth2Based *object, GDBusMethodInvocation *invocation, gpointer token)
{
  goa_oauth2_based_complete_get_access_token (object, invocation, token, 3600);
  return TRUE;
}

static void
on_name_acquired (GDBusConnection *bus, const char *name, gpointer unused)
{
  printf ("ready\n");
  fflush (stdout);
}

static void
on_name_lost (GDBusConnection *bus, const char *name, gpointer loop)
{
  g_main_loop_quit (loop);
}

static GoaMail *
new_mail (const char *email, const char *imap, const char *smtp)
{
  GoaMail *mail = goa_mail_skeleton_new ();

  goa_mail_set_email_address (mail, email);
  goa_mail_set_imap_supported (mail, TRUE);
  goa_mail_set_imap_host (mail, imap);
  goa_mail_set_imap_user_name (mail, email);
  goa_mail_set_imap_use_ssl (mail, TRUE);
  goa_mail_set_smtp_supported (mail, TRUE);
  goa_mail_set_smtp_host (mail, smtp);
  goa_mail_set_smtp_user_name (mail, email);
  goa_mail_set_smtp_use_tls (mail, TRUE);
  return mail;
}

int
main (int argc, char *argv[])
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GDBusObjectManagerServer) manager = NULL;
  g_autoptr(GoaObjectSkeleton) object = NULL;
  g_autoptr(GoaAccount) account = goa_account_skeleton_new ();
  g_autoptr(GoaOAuth2Based) oauth2 = goa_oauth2_based_skeleton_new ();
  g_autoptr(GoaMail) mail = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;
  char token[4096];

  if (argc != 4 || fgets (token, sizeof token, stdin) == NULL)
    {
      fprintf (stderr, "usage: goa-standin EMAIL IMAP_HOST SMTP_HOST < token\n");
      return 2;
    }
  token[strcspn (token, "\r\n")] = '\0';
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL)
    {
      fprintf (stderr, "goa-standin: %s\n", error->message);
      return 1;
    }
  goa_account_set_id (account, ACCOUNT_ID);
  goa_account_set_provider_type (account, "google");
  goa_account_set_provider_name (account, "Google");
  goa_account_set_identity (account, argv[1]);
  goa_account_set_presentation_identity (account, argv[1]);
  goa_account_set_mail_disabled (account, FALSE);
  goa_account_set_attention_needed (account, FALSE);
  g_signal_connect (oauth2, "handle-get-access-token", G_CALLBACK (on_get_access_token), token);
  mail = new_mail (argv[1], argv[2], argv[3]);

  object = goa_object_skeleton_new ("/org/gnome/OnlineAccounts/Accounts/" ACCOUNT_ID);
  goa_object_skeleton_set_account (object, account);
  goa_object_skeleton_set_oauth2_based (object, oauth2);
  goa_object_skeleton_set_mail (object, mail);
  manager = g_dbus_object_manager_server_new ("/org/gnome/OnlineAccounts");
  g_dbus_object_manager_server_export (manager, G_DBUS_OBJECT_SKELETON (object));
  g_dbus_object_manager_server_set_connection (manager, bus);
  g_bus_own_name_on_connection (bus, "org.gnome.OnlineAccounts", G_BUS_NAME_OWNER_FLAGS_NONE,
                                on_name_acquired, on_name_lost, loop, NULL);
  g_main_loop_run (loop);
  memset (token, 0, sizeof token);
  return 0;
}
