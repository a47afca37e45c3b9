/* tern-message-source.h: where the message list gets its rows from.
 *
 * A small GInterface so that the list model does not depend on the store:
 * the store (or an adapter over it) implements it, the tests use a fake.
 * It is GTK-free on purpose, so it can move into src/engine unchanged.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Sort keys for the message list. */
typedef enum {
  TERN_MESSAGE_SORT_DATE,
  TERN_MESSAGE_SORT_SENDER,
  TERN_MESSAGE_SORT_SUBJECT,
} TernMessageSort;

/* One row of the message list: the envelope columns the store keeps beside
 * the raw message. Strings are UTF-8 (already RFC 2047 decoded). */
typedef struct {
  gint64 id;
  char *from_name;      /* may be NULL or empty; in Sent and Drafts: "To: <recipients>" */
  char *from_address;
  char *subject;
  gint64 date;          /* Unix time, UTC */
  guint flags;          /* TernFlags bits */
  gboolean has_attachments;
  char *preview;        /* first words of the body; may be NULL */
  char *folder;         /* the folder's name, shown in search results; else NULL */
  gint64 thread_id;     /* a conversation row's conversation; else 0 */
  guint n_messages;     /* a conversation row's size; else 0 */
  guint depth;          /* 1: one message shown under its expanded conversation row; else 0 */
  gboolean expanded;    /* a conversation row whose messages are shown below it */
} TernMessageRow;

#define TERN_TYPE_MESSAGE_ROW (tern_message_row_get_type ())
GType tern_message_row_get_type (void) G_GNUC_CONST;
TernMessageRow *tern_message_row_new (void);
TernMessageRow *tern_message_row_copy (const TernMessageRow *row);
void tern_message_row_free (TernMessageRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernMessageRow, tern_message_row_free)

#define TERN_TYPE_MESSAGE_SOURCE (tern_message_source_get_type ())
G_DECLARE_INTERFACE (TernMessageSource, tern_message_source, TERN, MESSAGE_SOURCE, GObject)

struct _TernMessageSourceInterface
{
  GTypeInterface parent_iface;

  /* The ids of a folder's messages in display order (a GArray of gint64).
   * Called when a folder opens, the sort changes or new mail arrives. */
  GArray *(*list_ids) (TernMessageSource  *self,
                       gint64              folder_id,
                       TernMessageSort     sort,
                       gboolean            descending,
                       GError            **error);

  /* The rows for @ids (a GPtrArray of TernMessageRow, any order; ids that
   * no longer exist are simply missing). Called for one page at a time. */
  GPtrArray *(*get_rows) (TernMessageSource  *self,
                          const gint64       *ids,
                          guint               n_ids,
                          GError            **error);
};

GArray *tern_message_source_list_ids (TernMessageSource  *self,
                                      gint64              folder_id,
                                      TernMessageSort     sort,
                                      gboolean            descending,
                                      GError            **error);
GPtrArray *tern_message_source_get_rows (TernMessageSource  *self,
                                         const gint64       *ids,
                                         guint               n_ids,
                                         GError            **error);

G_END_DECLS
