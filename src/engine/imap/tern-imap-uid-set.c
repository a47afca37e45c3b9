/* tern-imap-uid-set.c: UID sets: libetpan sets and the text form kept in pending_ops. */
#include <string.h>

#include "core/tern-error.h"
#include "imap/tern-imap-uid-set.h"

static int
compare_uid (gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;
  return x < y ? -1 : x > y;
}

/* Sorted, de-duplicated copy of @uids, then calls @emit for every run. */
static void
for_each_run (const guint32 *uids, guint n,
              void (*emit) (guint32 first, guint32 last, gpointer data), gpointer data)
{
  g_autofree guint32 *sorted = g_memdup2 (uids, n * sizeof (guint32));
  guint i = 0;

  qsort (sorted, n, sizeof (guint32), compare_uid);
  while (i < n)
    {
      guint32 first = sorted[i], last = sorted[i];

      while (i + 1 < n && (sorted[i + 1] == last || sorted[i + 1] == last + 1))
        last = sorted[++i];
      emit (first, last, data);
      i++;
    }
}

static void
emit_set_item (guint32 first, guint32 last, gpointer data)
{
  mailimap_set_add_interval (data, first, last);
}

struct mailimap_set *
tern_imap_set_from_uids (const guint32 *uids, guint n)
{
  struct mailimap_set *set = mailimap_set_new_empty ();

  for_each_run (uids, n, emit_set_item, set);
  return set;
}

static void
emit_string_item (guint32 first, guint32 last, gpointer data)
{
  GString *s = data;

  if (s->len > 0)
    g_string_append_c (s, ',');
  if (first == last)
    g_string_append_printf (s, "%u", first);
  else
    g_string_append_printf (s, "%u:%u", first, last);
}

char *
tern_imap_uid_set_to_string (const guint32 *uids, guint n)
{
  GString *s = g_string_new (NULL);

  for_each_run (uids, n, emit_string_item, s);
  return g_string_free (s, FALSE);
}

static gboolean
parse_uid (const char *text, guint32 *out)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT32, &v, NULL))
    return FALSE;
  *out = (guint32) v;
  return TRUE;
}

gboolean
tern_imap_uid_set_parse (const char *text, GArray *uids_out)
{
  g_auto(GStrv) items = g_strsplit (text, ",", -1);

  if (items[0] == NULL)
    return FALSE;
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto(GStrv) ends = g_strsplit (items[i], ":", 2);
      guint32 first, last;

      if (!parse_uid (ends[0], &first))
        return FALSE;
      last = first;
      if (ends[1] != NULL && !parse_uid (ends[1], &last))
        return FALSE;
      if (last < first)
        {
          guint32 t = first;
          first = last;
          last = t;
        }
      /* A set names our own messages; a huge range is a corrupt row. */
      if (last - first > 10000000)
        return FALSE;
      for (guint64 u = first; u <= last; u++)
        {
          guint32 v = (guint32) u;
          g_array_append_val (uids_out, v);
        }
    }
  return TRUE;
}
