/* tern-address-book.c: ranked completion addresses from the store. */
#include <string.h>

#include "compose/tern-address-book.h"
#include "mime/tern-mime-parse.h"

void
tern_address_book_entry_free (TernAddressBookEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->name);
  g_free (entry->address);
  g_free (entry);
}

char *
tern_address_book_entry_to_display (const TernAddressBookEntry *entry)
{
  TernAddress a = { entry->name, entry->address };

  return tern_address_to_display (&a);
}

typedef struct {
  GHashTable *by_address;   /* casefolded address -> TernAddressBookEntry */
  GHashTable *mine;         /* casefolded own addresses */
} Ranking;

static void
count (Ranking *r, const char *name, const char *address, guint weight)
{
  g_autofree char *key = NULL;
  TernAddressBookEntry *e;

  if (address == NULL || strchr (address, '@') == NULL)
    return;
  key = g_utf8_casefold (address, -1);
  if (g_hash_table_contains (r->mine, key))
    return;
  e = g_hash_table_lookup (r->by_address, key);
  if (e == NULL)
    {
      e = g_new0 (TernAddressBookEntry, 1);
      e->name = g_strdup ("");
      e->address = g_strdup (address);
      g_hash_table_insert (r->by_address, g_steal_pointer (&key), e);
    }
  e->score += weight;
  /* Messages come newest first: keep the first name seen. */
  if (*e->name == '\0' && name != NULL && *name != '\0')
    {
      g_free (e->name);
      e->name = g_strdup (name);
    }
}

static void
count_list (Ranking *r, const char *display, guint weight)
{
  g_autoptr(GPtrArray) list = NULL;

  if (display == NULL || *display == '\0')
    return;
  list = tern_address_list_parse (display);
  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      TernAddress *a = g_ptr_array_index (list, i);
      count (r, a->name, a->address, weight);
    }
}

static gboolean
count_folder (TernStore *store, Ranking *r, const TernFolder *folder, GError **error)
{
  gboolean sent = folder->role == TERN_FOLDER_ROLE_SENT;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  if (folder->role == TERN_FOLDER_ROLE_DRAFTS || folder->role == TERN_FOLDER_ROLE_JUNK ||
      folder->role == TERN_FOLDER_ROLE_TRASH)
    return TRUE;
  ids = tern_store_list_message_ids (store, folder->id, TERN_SORT_DATE, TRUE, error);
  if (ids == NULL)
    return FALSE;
  rows = tern_store_get_summaries (store, (gint64 *) ids->data,
                                   MIN (ids->len, TERN_ADDRESS_BOOK_MAX_PER_FOLDER), error);
  if (rows == NULL)
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      TernMessageSummary *m = g_ptr_array_index (rows, i);

      if (sent)
        {
          count_list (r, m->to_display, TERN_ADDRESS_BOOK_SENT_WEIGHT);
          count_list (r, m->cc_display, TERN_ADDRESS_BOOK_SENT_WEIGHT);
        }
      else
        count (r, m->from_name, m->from_address, TERN_ADDRESS_BOOK_RECEIVED_WEIGHT);
    }
  return TRUE;
}

static int
compare_entries (gconstpointer a, gconstpointer b)
{
  const TernAddressBookEntry *x = *(TernAddressBookEntry **) a;
  const TernAddressBookEntry *y = *(TernAddressBookEntry **) b;

  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return g_ascii_strcasecmp (x->address, y->address);
}

GPtrArray *
tern_address_book_rank (TernStore *store, GError **error)
{
  Ranking r;
  g_autoptr(GPtrArray) accounts = tern_store_list_accounts (store, error);
  GPtrArray *result;
  GHashTableIter it;
  gpointer value;

  if (accounts == NULL)
    return NULL;
  r.by_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) tern_address_book_entry_free);
  r.mine = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < accounts->len; i++)
    {
      TernAccountSettings *acc = g_ptr_array_index (accounts, i);
      if (acc->email != NULL)
        g_hash_table_add (r.mine, g_utf8_casefold (acc->email, -1));
    }
  for (guint i = 0; i < accounts->len; i++)
    {
      TernAccountSettings *acc = g_ptr_array_index (accounts, i);
      g_autoptr(GPtrArray) folders = tern_store_list_folders (store, acc->id, error);

      if (folders == NULL)
        goto fail;
      for (guint j = 0; j < folders->len; j++)
        if (!count_folder (store, &r, g_ptr_array_index (folders, j), error))
          goto fail;
    }
  result = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_address_book_entry_free);
  g_hash_table_iter_init (&it, r.by_address);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      g_ptr_array_add (result, value);
      g_hash_table_iter_steal (&it);
    }
  g_ptr_array_sort (result, compare_entries);
  g_hash_table_unref (r.by_address);
  g_hash_table_unref (r.mine);
  return result;

fail:
  g_hash_table_unref (r.by_address);
  g_hash_table_unref (r.mine);
  return NULL;
}

/* Case-folded, accents removed: "Zoë" matches "zoe". */
static char *
fold (const char *text)
{
  g_autofree char *stripped = g_str_to_ascii (text, NULL);
  return g_ascii_strdown (stripped, -1);
}

gboolean
tern_address_book_entry_matches (const TernAddressBookEntry *entry, const char *prefix)
{
  g_autofree char *p = NULL;
  g_autofree char *addr = NULL;
  g_autofree char *name = NULL;

  if (prefix == NULL || *prefix == '\0')
    return FALSE;
  p = fold (prefix);
  addr = fold (entry->address);
  if (g_str_has_prefix (addr, p))
    return TRUE;
  name = fold (entry->name);
  for (char *w = name; *w != '\0'; w++)
    if ((w == name || !g_ascii_isalnum (w[-1])) && g_str_has_prefix (w, p))
      return TRUE;
  return FALSE;
}

GPtrArray *
tern_address_book_complete (GPtrArray *ranked, const char *prefix, guint max)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < ranked->len && out->len < max; i++)
    if (tern_address_book_entry_matches (g_ptr_array_index (ranked, i), prefix))
      g_ptr_array_add (out, g_ptr_array_index (ranked, i));
  return out;
}
