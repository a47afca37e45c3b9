/* main.c: the tern desktop application. */
#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>

#include "tern-config.h"
#include "tern-application.h"

int
main (int argc, char *argv[])
{
  g_autoptr(TernApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, TERN_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* libetpan writes to sockets with plain send(): a peer that hangs up must
   * give us EPIPE, not kill the process. */
  signal (SIGPIPE, SIG_IGN);

  tern_application_setup_environment ();
  app = tern_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
