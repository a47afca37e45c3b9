/* store-test-util.h: helpers shared by the store tests, the crash helper
 * and the benchmark: temporary directories and synthetic messages. */
#pragma once

#include <glib/gstdio.h>
#include "store/tern-store.h"

/* Removes a directory tree (tests only create flat data dirs). */
static inline void
store_test_rmdir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        store_test_rmdir (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* A test account: IMAP or POP3 named name. */
static inline TernAccountSettings *
store_test_account (const char *name, TernProtocol protocol)
{
  TernAccountSettings *s = tern_account_settings_new ();

  s->name = g_strdup (name);
  s->display_name = g_strdup ("Ada Lovelace");
  s->email = g_strdup ("ada@example.org");
  s->protocol = protocol;
  s->incoming_host = g_strdup (protocol == TERN_PROTOCOL_POP3 ? "pop.example.org"
                                                              : "imap.example.org");
  s->incoming_user = g_strdup ("ada");
  s->smtp_host = g_strdup ("smtp.example.org");
  s->smtp_user = g_strdup ("ada");
  return s;
}

/* Owns the strings a TernMessageRecord borrows. */
typedef struct {
  TernMessageRecord record;
  GPtrArray *strings;
  GBytes *raw;
} StoreTestMessage;

static inline const char *
store_test_keep (StoreTestMessage *m, char *s)
{
  g_ptr_array_add (m->strings, s);
  return s;
}

static inline void
store_test_message_free (StoreTestMessage *m)
{
  g_ptr_array_unref (m->strings);
  g_clear_pointer (&m->raw, g_bytes_unref);
  g_free (m);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreTestMessage, store_test_message_free)

/* A message in folder_id with uid, from "Sender <n>", dated date, with the
 * given subject and body text. */
static inline StoreTestMessage *
store_test_message (gint64 folder_id, guint32 uid, const char *subject, const char *from,
                    gint64 date, const char *body)
{
  StoreTestMessage *m = g_new0 (StoreTestMessage, 1);
  TernMessageRecord *r = &m->record;
  g_autofree char *raw = NULL;

  m->strings = g_ptr_array_new_with_free_func (g_free);
  r->folder_id = folder_id;
  r->uid = uid;
  r->message_id = store_test_keep (m, g_strdup_printf ("%u.%" G_GINT64_FORMAT "@example.org",
                                                      uid, date));
  r->subject = subject;
  r->from_name = from;
  r->from_address = store_test_keep (m, g_strdup_printf ("%s@example.org", from));
  r->to_display = "Ada Lovelace <ada@example.org>";
  r->to_addresses = "ada@example.org";
  r->date = date;
  r->internal_date = date + 5;
  r->body_state = TERN_BODY_STATE_FULL;
  r->body_text = body;
  r->preview = body;
  raw = g_strdup_printf ("From: %s\r\nSubject: %s\r\n\r\n%s\r\n", from, subject, body);
  r->size = strlen (raw);
  m->raw = g_bytes_new_take (g_steal_pointer (&raw), r->size);
  r->raw = m->raw;
  return m;
}
