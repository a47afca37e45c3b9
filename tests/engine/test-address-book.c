/* The composer's address completion, without GTK: ranking from the store
 * (sent beats received, own addresses left out, drafts and junk ignored)
 * and prefix matching on addresses and name words, accents ignored. */
#include <glib/gstdio.h>
#include <string.h>

#include "compose/tern-address-book.h"
#include "store/tern-message-import.h"

typedef struct {
  char *dir;
  TernStore *store;
  gint64 inbox_id, sent_id, junk_id;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernAccountSettings) acc = tern_account_settings_new ();
  gint64 account_id;

  f->dir = g_dir_make_tmp ("tern-address-book-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = tern_store_open (f->dir, TERN_STORE_OPEN_WRITER, &error);
  g_assert_no_error (error);
  acc->name = g_strdup ("Work");
  acc->email = g_strdup ("alice@localhost");
  acc->incoming_host = g_strdup ("localhost");
  acc->incoming_user = g_strdup ("alice");
  account_id = tern_store_add_account (f->store, acc, &error);
  g_assert_no_error (error);
  f->inbox_id = tern_store_upsert_folder (f->store, account_id, "INBOX", "/",
                                         TERN_FOLDER_ROLE_INBOX, TRUE, &error);
  f->sent_id = tern_store_upsert_folder (f->store, account_id, "Sent", "/",
                                        TERN_FOLDER_ROLE_SENT, TRUE, &error);
  f->junk_id = tern_store_upsert_folder (f->store, account_id, "Junk", "/",
                                        TERN_FOLDER_ROLE_JUNK, TRUE, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

  g_clear_object (&f->store);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  g_free (f->dir);
}

static void
insert_message (Fixture *f, gint64 folder_id, guint32 uid, const char *raw_text)
{
  g_autoptr(GBytes) raw = g_bytes_new (raw_text, strlen (raw_text));
  g_autoptr(GError) error = NULL;
  g_autoptr(TernImportedMessage) im = tern_imported_message_new (raw, FALSE, &error);

  g_assert_no_error (error);
  im->record.folder_id = folder_id;
  im->record.uid = uid;
  im->record.body_state = TERN_BODY_STATE_FULL;
  im->record.raw = raw;
  im->record.size = g_bytes_get_size (raw);
  g_assert_true (tern_store_insert_messages (f->store, &im->record, 1, NULL, &error));
  g_assert_no_error (error);
}

static const char *
address_at (GPtrArray *entries, guint i)
{
  return ((TernAddressBookEntry *) g_ptr_array_index (entries, i))->address;
}

static void
test_rank (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ranked = NULL;

  insert_message (f, f->sent_id, 1, "From: alice@localhost\r\nTo: Zoë Zed <zoe@example.org>\r\n"
                  "Subject: a\r\nMessage-ID: <s1@x>\r\n\r\nhi\r\n");
  insert_message (f, f->inbox_id, 2, "From: Zack <zack@example.org>\r\nTo: alice@localhost\r\n"
                  "Subject: b\r\nMessage-ID: <i1@x>\r\n\r\nhi\r\n");
  insert_message (f, f->inbox_id, 3, "From: Zack <ZACK@example.org>\r\nTo: alice@localhost\r\n"
                  "Subject: c\r\nMessage-ID: <i2@x>\r\n\r\nhi\r\n");
  insert_message (f, f->inbox_id, 4, "From: Alice <ALICE@localhost>\r\nTo: x@y.example\r\n"
                  "Subject: d\r\nMessage-ID: <i3@x>\r\n\r\nhi\r\n");
  insert_message (f, f->junk_id, 5, "From: Spammer <spam@example.net>\r\nTo: alice@localhost\r\n"
                  "Subject: e\r\nMessage-ID: <j1@x>\r\n\r\nbuy\r\n");

  ranked = tern_address_book_rank (f->store, &error);
  g_assert_no_error (error);
  /* Own address and junk left out; zack counted once, whatever the case. */
  g_assert_cmpuint (ranked->len, ==, 2);
  /* Written to once beats two received. */
  g_assert_cmpstr (address_at (ranked, 0), ==, "zoe@example.org");
  g_assert_cmpuint (((TernAddressBookEntry *) g_ptr_array_index (ranked, 0))->score, ==,
                    TERN_ADDRESS_BOOK_SENT_WEIGHT);
  g_assert_cmpuint (((TernAddressBookEntry *) g_ptr_array_index (ranked, 1))->score, ==,
                    2 * TERN_ADDRESS_BOOK_RECEIVED_WEIGHT);
  {
    g_autofree char *display = tern_address_book_entry_to_display (g_ptr_array_index (ranked, 0));
    g_assert_cmpstr (display, ==, "Zoë Zed <zoe@example.org>");
  }
}

static void
test_empty_store (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ranked = tern_address_book_rank (f->store, &error);
  g_autoptr(GPtrArray) match = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (ranked->len, ==, 0);
  match = tern_address_book_complete (ranked, "a", 10);
  g_assert_cmpuint (match->len, ==, 0);
}

static TernAddressBookEntry *
entry (const char *name, const char *address, guint score)
{
  TernAddressBookEntry *e = g_new0 (TernAddressBookEntry, 1);

  e->name = g_strdup (name);
  e->address = g_strdup (address);
  e->score = score;
  return e;
}

static void
test_complete (void)
{
  g_autoptr(GPtrArray) ranked = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_address_book_entry_free);
  g_autoptr(GPtrArray) match = NULL;

  g_ptr_array_add (ranked, entry ("Zoë Zed", "zoe@example.org", 30));
  g_ptr_array_add (ranked, entry ("", "zack@example.org", 20));
  g_ptr_array_add (ranked, entry ("José Álvarez", "jalvarez@example.es", 10));

  match = tern_address_book_complete (ranked, "zo", 10);
  g_assert_cmpuint (match->len, ==, 1);
  g_clear_pointer (&match, g_ptr_array_unref);
  match = tern_address_book_complete (ranked, "ZE", 10);     /* "Zed", a name word */
  g_assert_cmpuint (match->len, ==, 1);
  g_clear_pointer (&match, g_ptr_array_unref);
  match = tern_address_book_complete (ranked, "z", 10);      /* in rank order */
  g_assert_cmpuint (match->len, ==, 2);
  g_assert_cmpstr (address_at (match, 0), ==, "zoe@example.org");
  g_clear_pointer (&match, g_ptr_array_unref);
  match = tern_address_book_complete (ranked, "z", 1);       /* at most @max */
  g_assert_cmpuint (match->len, ==, 1);
  g_clear_pointer (&match, g_ptr_array_unref);
  match = tern_address_book_complete (ranked, "alv", 10);    /* accents ignored */
  g_assert_cmpuint (match->len, ==, 1);
  g_clear_pointer (&match, g_ptr_array_unref);
  match = tern_address_book_complete (ranked, "ed", 10);     /* word starts only */
  g_assert_cmpuint (match->len, ==, 0);
  g_assert_true (tern_address_book_entry_matches (g_ptr_array_index (ranked, 2), "JOSÉ"));
  g_assert_false (tern_address_book_entry_matches (g_ptr_array_index (ranked, 2), "\xff"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/address-book/rank", test_rank);
  ADD ("/address-book/empty-store", test_empty_store);
#undef ADD
  g_test_add_func ("/address-book/complete", test_complete);
  return g_test_run ();
}
