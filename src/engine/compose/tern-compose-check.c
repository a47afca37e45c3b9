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
  const char *line = body;

  if (body == NULL)
    return FALSE;
  /* Line by line in place: a long body costs one pass (g_strsplit would
   * copy it, and under ASan rescan the rest for every line). */
  while (line != NULL)
    {
      const char *nl = strchr (line, '\n');
      gsize len = nl != NULL ? (gsize) (nl - line) : strlen (line);
      g_autofree char *text = g_strndup (line, len);
      g_autofree char *ascii = NULL;
      g_autofree char *folded = NULL;

      line = nl != NULL ? nl + 1 : NULL;
      if (strcmp (text, "-- ") == 0 || strcmp (text, "-- \r") == 0)
        break;   /* the signature is not the user's words about this mail */
      if (text[0] == '>')
        continue;
      ascii = g_str_to_ascii (text, "C");
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
