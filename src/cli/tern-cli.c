/* tern-cli.c: the command-line face of the engine, for scripts, tests and
 * benchmarks. Each command is one entry in the table below. */
#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>

#include "tern-config.h"
#include "tern-error.h"

typedef struct {
  const char *name;
  const char *args;
  const char *summary;
  int (*run) (int argc, char **argv);
} TernCliCommand;

static const TernCliCommand commands[] = {
  { NULL, NULL, NULL, NULL },
};

static void
print_help (FILE *out)
{
  fprintf (out,
           "Usage: tern-cli [--data-dir DIR] COMMAND [ARGS...]\n"
           "\n"
           "Tern's mail engine on the command line.\n"
           "\n"
           "Options:\n"
           "  --data-dir DIR   accounts and mail cache (default $TERN_DATA_DIR,\n"
           "                   else $XDG_DATA_HOME/tern)\n"
           "  --version        print the version and exit\n"
           "  --help           print this help and exit\n"
           "\n"
           "Commands:\n");
  for (const TernCliCommand *c = commands; c->name != NULL; c++)
    fprintf (out, "  %s %s\n      %s\n", c->name, c->args, c->summary);
}

int
main (int argc, char *argv[])
{
  int i = 1;

  setlocale (LC_ALL, "");
  signal (SIGPIPE, SIG_IGN);

  for (; i < argc && argv[i][0] == '-'; i++)
    {
      if (g_str_equal (argv[i], "--version"))
        {
          printf ("tern-cli %s\n", TERN_VERSION);
          return 0;
        }
      else if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        {
          print_help (stdout);
          return 0;
        }
      else if (g_str_equal (argv[i], "--data-dir") && i + 1 < argc)
        g_setenv ("TERN_DATA_DIR", argv[++i], TRUE);
      else if (g_str_has_prefix (argv[i], "--data-dir="))
        g_setenv ("TERN_DATA_DIR", argv[i] + strlen ("--data-dir="), TRUE);
      else
        {
          fprintf (stderr, "tern-cli: unknown option %s\n", argv[i]);
          return 2;
        }
    }

  if (i >= argc)
    {
      print_help (stderr);
      return 2;
    }

  for (const TernCliCommand *c = commands; c->name != NULL; c++)
    if (g_str_equal (c->name, argv[i]))
      return c->run (argc - i, argv + i);

  fprintf (stderr, "tern-cli: unknown command '%s' (see tern-cli --help)\n", argv[i]);
  return 2;
}
