/* tern-address-book.h: addresses for completion in the composer, ranked.
 *
 * Built from the store's messages, no separate contact list: people the user
 * wrote to (recipients of messages in Sent folders) count most, people who
 * wrote to the user count a little. The user's own addresses are left out.
 */
#pragma once

#include "store/tern-store.h"

G_BEGIN_DECLS

/* Weights of one message: a recipient of a sent message, a sender of a
 * received one. */
#define TERN_ADDRESS_BOOK_SENT_WEIGHT 10
#define TERN_ADDRESS_BOOK_RECEIVED_WEIGHT 1
/* Newest messages looked at per folder, to keep this cheap on big stores. */
#define TERN_ADDRESS_BOOK_MAX_PER_FOLDER 5000

typedef struct {
  char *name;      /* the most recent non-empty display name, or "" */
  char *address;   /* as first seen; compared case-insensitively */
  guint score;
} TernAddressBookEntry;

void tern_address_book_entry_free (TernAddressBookEntry *entry);
/* "Name <address>" or the address. */
char *tern_address_book_entry_to_display (const TernAddressBookEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernAddressBookEntry, tern_address_book_entry_free)

/* Every known address of every account, best first (score, then address),
 * as TernAddressBookEntry. Accounts' own addresses are not included. */
GPtrArray *tern_address_book_rank (TernStore *store, GError **error);

/* Entries of @ranked (in rank order, at most @max) whose address, or a word
 * of whose name, starts with @prefix (case-insensitive, accents ignored).
 * The result borrows the entries. */
GPtrArray *tern_address_book_complete (GPtrArray *ranked, const char *prefix, guint max);

/* Whether @entry matches @prefix as tern_address_book_complete() does. */
gboolean tern_address_book_entry_matches (const TernAddressBookEntry *entry, const char *prefix);

G_END_DECLS
