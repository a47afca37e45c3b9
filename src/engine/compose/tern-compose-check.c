/* tern-compose-check.c: the forgotten-attachment check and size estimate. */
#include <string.h>

#include "compose/tern-compose-check.h"

/* Word stems, ASCII-folded; a word matches when it starts with a stem
 * ("attach" covers attached, attachment, attaching). */
static const char *const stems[] = {
  "attach", "enclos", "anbei", "anhang", "angehaengt", "angehangt", "beigefugt",
  "piece jointe", "pieces jointes", "ci-joint", "joint", "adjunt", "allegat",
  "bijlage", "bijgevoegd", "bifogad", "vedhaeft", "vedlagt", "liite", "anexo", "anexad",
  NULL
};

static gboolean
line_mentions (const char *folded)
{
  for (const char *p = folded; *p != '\0'; p++)
    {
      if (p != folded && g_ascii_isalpha (p[-1]))
        continue;   /* only at the start of a word */
      for (guint i = 0; stems[i] != NULL; i++)
        if (g_str_has_prefix (p, stems[i]))
          {
            /* "joint" alone must be "pièce jointe"-like, not "joint venture":
             * only accept it as "jointe"/"jointes"/"joints". */
            if (strcmp (stems[i], "joint") == 0 && !g_ascii_isalpha (p[5]))
              continue;
            return TRUE;
          }
    }
  return FALSE;
}

gboolean
tern_compose_mentions_attachment (const char *body)
{
  g_auto(GStrv) lines = NULL;

  if (body == NULL)
    return FALSE;
  lines = g_strsplit (body, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *ascii = NULL;
      g_autofree char *folded = NULL;
      const char *line = lines[i];

      if (strcmp (line, "-- ") == 0 || strcmp (line, "-- \r") == 0)
        break;   /* the signature is not the user's words about this mail */
      if (line[0] == '>')
        continue;
      ascii = g_str_to_ascii (line, "C");
      folded = g_ascii_strdown (ascii, -1);
      if (line_mentions (folded))
        return TRUE;
    }
  return FALSE;
}

guint64
tern_compose_encoded_size (guint64 bytes)
{
  guint64 b64 = (bytes + 2) / 3 * 4;

  return b64 + b64 / 76 * 2;
}
