/* tern-error-bars.c: one error line per account and direction (see the header). */
#include "tern-error-bars.h"

struct _TernErrorBars
{
  GtkBox parent_instance;

  GHashTable *bars;        /* key (account id, direction) -> TernErrorBar (owned by the box) */
  TernErrorBar *latest;    /* weak */
};

G_DEFINE_FINAL_TYPE (TernErrorBars, tern_error_bars, GTK_TYPE_BOX)

static gint64
key_of (gint64 account_id, gboolean outgoing)
{
  return account_id * 2 + (outgoing ? 1 : 0);
}

TernErrorBar *
tern_error_bars_lookup (TernErrorBars *self, gint64 account_id, gboolean outgoing)
{
  gint64 key = key_of (account_id, outgoing);

  g_return_val_if_fail (TERN_IS_ERROR_BARS (self), NULL);
  return g_hash_table_lookup (self->bars, &key);
}

static TernErrorBar *
ensure_bar (TernErrorBars *self, gint64 account_id, gboolean outgoing)
{
  TernErrorBar *bar = tern_error_bars_lookup (self, account_id, outgoing);

  if (bar == NULL)
    {
      bar = tern_error_bar_new (account_id, outgoing);
      g_hash_table_insert (self->bars, g_memdup2 (&(gint64) { key_of (account_id, outgoing) }, sizeof (gint64)), bar);
      gtk_box_pack_start (GTK_BOX (self), GTK_WIDGET (bar), FALSE, TRUE, 0);
    }
  return bar;
}

TernErrorBar *
tern_error_bars_show (TernErrorBars *self, gint64 account_id, gboolean outgoing,
                      const char *markup, TernErrorOffer offer)
{
  TernErrorBar *bar;

  g_return_val_if_fail (TERN_IS_ERROR_BARS (self), NULL);
  bar = ensure_bar (self, account_id, outgoing);
  g_object_set_data (G_OBJECT (bar), "tern-from-outbox", NULL);
  g_object_set_data (G_OBJECT (bar), "tern-tried-again", NULL);
  g_object_set_data (G_OBJECT (bar), "tern-server-said", NULL);
  g_object_set_data (G_OBJECT (bar), "tern-connection", NULL);
  tern_error_bar_set_markup (bar, markup, offer);
  self->latest = bar;
  return bar;
}

void
tern_error_bars_hide (TernErrorBars *self, gint64 account_id, gboolean outgoing)
{
  TernErrorBar *bar = tern_error_bars_lookup (self, account_id, outgoing);

  if (bar != NULL)
    gtk_widget_hide (GTK_WIDGET (bar));
}

TernErrorBar *
tern_error_bars_show_error (TernErrorBars *self, TernStore *store, gint64 account_id,
                            const GError *error, gboolean outgoing)
{
  g_autoptr(TernAccountSettings) account = account_id != 0 ? tern_store_get_account (store, account_id, NULL) : NULL;
  TernErrorOffer offer = 0;
  g_autofree char *markup = tern_error_words_describe (account, error, outgoing, &offer);
  TernErrorBar *bar = tern_error_bars_show (self, account_id, outgoing, markup, offer);

  /* A server that does not answer: its own sentence says so better than
   * the outbox's "could not be sent yet" would (see update_outbox). */
  if (tern_error_words_is_connection_error (error))
    g_object_set_data (G_OBJECT (bar), "tern-connection", GINT_TO_POINTER (1));
  return bar;
}

TernErrorBar *
tern_error_bars_show_server_said (TernErrorBars *self, TernStore *store, gint64 account_id,
                                  const char *words)
{
  g_autoptr(TernAccountSettings) account = NULL;
  g_autofree char *markup = NULL;
  TernErrorBar *bar = tern_error_bars_lookup (self, account_id, FALSE);

  g_return_val_if_fail (TERN_IS_ERROR_BARS (self), NULL);
  if (bar != NULL && gtk_widget_get_visible (GTK_WIDGET (bar)) &&
      g_object_get_data (G_OBJECT (bar), "tern-server-said") == NULL)
    {
      g_message ("account %" G_GINT64_FORMAT ": the server says: %s", account_id, words);
      return bar;
    }
  account = tern_store_get_account (store, account_id, NULL);
  markup = tern_error_words_server_said (account, words);
  bar = tern_error_bars_show (self, account_id, FALSE, markup, 0);
  g_object_set_data (G_OBJECT (bar), "tern-server-said", GINT_TO_POINTER (1));
  return bar;
}

gboolean
tern_error_bars_shows_server_said (TernErrorBars *self, gint64 account_id)
{
  TernErrorBar *bar = tern_error_bars_lookup (self, account_id, FALSE);

  return bar != NULL && gtk_widget_get_visible (GTK_WIDGET (bar)) &&
         g_object_get_data (G_OBJECT (bar), "tern-server-said") != NULL;
}

void
tern_error_bars_update_outbox (TernErrorBars *self, TernStore *store, gint64 account_id)
{
  g_autoptr(GPtrArray) items = tern_store_list_outbox (store, account_id, NULL);
  g_autoptr(TernAccountSettings) account = NULL;
  g_autofree char *markup = NULL;
  TernErrorBar *bar = tern_error_bars_lookup (self, account_id, TRUE);
  const char *reason = NULL;
  guint n_failed = 0, n_waiting = 0;
  TernErrorOffer offer = 0;

  if (items == NULL)
    return;
  if (items->len == 0)
    {
      tern_error_bars_hide (self, account_id, TRUE);
      return;
    }
  /* Messages that only wait for their first try are no news. */
  for (guint i = 0; i < items->len; i++)
    {
      TernOutboxItem *item = g_ptr_array_index (items, i);
      gboolean failed = item->state == TERN_OUTBOX_FAILED;

      if (!failed && (item->last_error == NULL || *item->last_error == '\0'))
        continue;
      n_failed += failed ? 1 : 0;
      n_waiting += failed ? 0 : 1;
      if (reason == NULL || failed)
        reason = item->last_error;
    }
  if (n_failed + n_waiting == 0)
    {
      /* What the outbox said (or a refusal, now edited or queued again) no
       * longer stands; a connection or password error does until fixed. */
      if (bar != NULL && (g_object_get_data (G_OBJECT (bar), "tern-from-outbox") != NULL ||
                          (tern_error_bar_get_offer (bar) & TERN_ERROR_OFFER_EDIT)))
        gtk_widget_hide (GTK_WIDGET (bar));
      return;
    }
  /* The password or keyring is what to fix first, and a server that is
   * not answering says why the messages wait: the bar says so already. */
  if (bar != NULL && gtk_widget_get_visible (GTK_WIDGET (bar)) &&
      ((tern_error_bar_get_offer (bar) & (TERN_ERROR_OFFER_PASSWORD | TERN_ERROR_OFFER_SIGN_IN)) ||
       g_object_get_data (G_OBJECT (bar), "tern-connection") != NULL))
    return;
  account = tern_store_get_account (store, account_id, NULL);
  markup = tern_error_words_outbox (account, n_failed, n_waiting, reason, &offer);
  bar = tern_error_bars_show (self, account_id, TRUE, markup, offer);
  g_object_set_data (G_OBJECT (bar), "tern-from-outbox", GINT_TO_POINTER (1));
}

void
tern_error_bars_account_state (TernErrorBars *self, gint64 account_id, TernWorkerState state)
{
  TernErrorBar *bar = tern_error_bars_lookup (self, account_id, FALSE);

  /* The server's words stay until read and closed. */
  if (bar == NULL || !gtk_widget_get_visible (GTK_WIDGET (bar)) ||
      g_object_get_data (G_OBJECT (bar), "tern-server-said") != NULL)
    return;
  if (state == TERN_WORKER_CONNECTING || state == TERN_WORKER_SYNCING)
    g_object_set_data (G_OBJECT (bar), "tern-tried-again", GINT_TO_POINTER (1));
  else if (state == TERN_WORKER_IDLE && g_object_get_data (G_OBJECT (bar), "tern-tried-again") != NULL)
    gtk_widget_hide (GTK_WIDGET (bar));
}

TernErrorBar *
tern_error_bars_get_latest (TernErrorBars *self)
{
  g_return_val_if_fail (TERN_IS_ERROR_BARS (self), NULL);
  if (self->latest == NULL)
    self->latest = ensure_bar (self, 0, FALSE);
  return self->latest;
}

guint
tern_error_bars_count_shown (TernErrorBars *self)
{
  GHashTableIter iter;
  gpointer bar;
  guint n = 0;

  g_return_val_if_fail (TERN_IS_ERROR_BARS (self), 0);
  g_hash_table_iter_init (&iter, self->bars);
  while (g_hash_table_iter_next (&iter, NULL, &bar))
    n += gtk_widget_get_visible (bar) ? 1 : 0;
  return n;
}

static void
tern_error_bars_finalize (GObject *object)
{
  g_hash_table_unref (TERN_ERROR_BARS (object)->bars);
  G_OBJECT_CLASS (tern_error_bars_parent_class)->finalize (object);
}

static void
tern_error_bars_remove (GtkContainer *container, GtkWidget *child)
{
  TernErrorBars *self = TERN_ERROR_BARS (container);

  if (TERN_IS_ERROR_BAR (child))
    {
      gint64 key = key_of (tern_error_bar_get_account_id (TERN_ERROR_BAR (child)),
                           tern_error_bar_get_outgoing (TERN_ERROR_BAR (child)));
      if (g_hash_table_lookup (self->bars, &key) == child)
        g_hash_table_remove (self->bars, &key);
      if (self->latest == TERN_ERROR_BAR (child))
        self->latest = NULL;
    }
  GTK_CONTAINER_CLASS (tern_error_bars_parent_class)->remove (container, child);
}

static void
tern_error_bars_class_init (TernErrorBarsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_error_bars_finalize;
  GTK_CONTAINER_CLASS (klass)->remove = tern_error_bars_remove;
}

static void
tern_error_bars_init (TernErrorBars *self)
{
  self->bars = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
}

GtkWidget *
tern_error_bars_new (void)
{
  return g_object_new (TERN_TYPE_ERROR_BARS, NULL);
}
