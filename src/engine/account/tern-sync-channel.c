/* tern-sync-channel.c: GDBus peer-to-peer between the app and a sync
 * process (see the header). */
#include "account/tern-sync-channel.h"

#define CHANNEL_PATH "/io/github/ternmail/Sync"
#define CHANNEL_INTERFACE "io.github.ternmail.Sync"

struct _TernSyncChannel
{
  GObject parent_instance;

  GDBusConnection *connection;   /* NULL until the handshake is done */
  GCancellable *cancellable;     /* the handshake */
  GQueue queued;                 /* GDBusMessage-less: (name, params) pairs */
  guint subscription;
  gulong closed_handler;
  gboolean closed;
};

enum { SIGNAL_MESSAGE, SIGNAL_CLOSED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TernSyncChannel, tern_sync_channel, G_TYPE_OBJECT)

typedef struct {
  char *name;
  GVariant *params;
} Queued;

static void
queued_free (Queued *q)
{
  g_free (q->name);
  g_variant_unref (q->params);
  g_free (q);
}

static void
emit (TernSyncChannel *self, const char *name, GVariant *params)
{
  g_autoptr(GError) error = NULL;

  /* A peer that is gone shows as "closed"; a failed send says no more. */
  if (!g_dbus_connection_emit_signal (self->connection, NULL, CHANNEL_PATH, CHANNEL_INTERFACE,
                                      name, params, &error))
    g_debug ("Sync channel: %s not sent: %s", name, error->message);
}

static void
mark_closed (TernSyncChannel *self)
{
  if (self->closed)
    return;
  self->closed = TRUE;
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
}

static void
on_signal (GDBusConnection *connection, const char *sender, const char *path,
           const char *interface, const char *name, GVariant *params, gpointer user_data)
{
  TernSyncChannel *self = user_data;

  if (!self->closed)
    g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, name, params);
}

static void
on_connection_closed (GDBusConnection *connection, gboolean remote_peer_vanished,
                      GError *error, gpointer user_data)
{
  mark_closed (user_data);
}

static void
on_connection_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernSyncChannel) self = user_data;
  g_autoptr(GError) error = NULL;
  GDBusConnection *connection = g_dbus_connection_new_finish (result, &error);
  Queued *q;

  if (connection == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("Sync channel: handshake failed: %s", error->message);
          mark_closed (self);
        }
      return;
    }
  /* Closed by us while the handshake was finishing. */
  if (self->closed)
    {
      g_dbus_connection_close (connection, NULL, NULL, NULL);
      g_object_unref (connection);
      return;
    }
  self->connection = connection;
  self->subscription = g_dbus_connection_signal_subscribe (connection, NULL, CHANNEL_INTERFACE,
                                                           NULL, CHANNEL_PATH, NULL,
                                                           G_DBUS_SIGNAL_FLAGS_NONE, on_signal,
                                                           self, NULL);
  self->closed_handler = g_signal_connect (connection, "closed",
                                           G_CALLBACK (on_connection_closed), self);
  /* Only now: a signal that arrives before the subscription is dropped. */
  g_dbus_connection_start_message_processing (connection);
  while ((q = g_queue_pop_head (&self->queued)) != NULL)
    {
      emit (self, q->name, q->params);
      queued_free (q);
    }
  /* The peer may have gone before we subscribed. */
  if (g_dbus_connection_is_closed (connection))
    mark_closed (self);
}

TernSyncChannel *
tern_sync_channel_new (int fd, gboolean app_side)
{
  TernSyncChannel *self = g_object_new (TERN_TYPE_SYNC_CHANNEL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new_from_fd (fd, &error);
  g_autoptr(GSocketConnection) stream = NULL;
  g_autofree char *guid = NULL;
  GDBusConnectionFlags flags;

  if (socket == NULL)
    {
      g_debug ("Sync channel: not a socket: %s", error->message);
      self->closed = TRUE;
      return self;
    }
  stream = g_socket_connection_factory_create_connection (socket);
  if (app_side)
    {
      /* Only a process of the same user may speak for the account. */
      guid = g_dbus_generate_guid ();
      flags = G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_SERVER |
              G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_REQUIRE_SAME_USER;
    }
  else
    flags = G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT;
  flags |= G_DBUS_CONNECTION_FLAGS_DELAY_MESSAGE_PROCESSING;
  g_dbus_connection_new (G_IO_STREAM (stream), guid, flags, NULL, self->cancellable,
                         on_connection_ready, g_object_ref (self));
  return self;
}

void
tern_sync_channel_send (TernSyncChannel *self, const char *name, GVariant *params)
{
  g_autoptr(GVariant) p = g_variant_ref_sink (params != NULL ? params : g_variant_new ("()"));
  Queued *q;

  if (self->closed)
    return;
  if (self->connection != NULL)
    {
      emit (self, name, p);
      return;
    }
  q = g_new0 (Queued, 1);
  q->name = g_strdup (name);
  q->params = g_steal_pointer (&p);
  g_queue_push_tail (&self->queued, q);
}

void
tern_sync_channel_flush (TernSyncChannel *self)
{
  if (self->connection != NULL && !self->closed)
    g_dbus_connection_flush_sync (self->connection, NULL, NULL);
}

static void
disconnect (TernSyncChannel *self)
{
  g_cancellable_cancel (self->cancellable);
  if (self->connection == NULL)
    return;
  if (self->subscription != 0)
    g_dbus_connection_signal_unsubscribe (self->connection, self->subscription);
  g_clear_signal_handler (&self->closed_handler, self->connection);
  self->subscription = 0;
  g_dbus_connection_close (self->connection, NULL, NULL, NULL);
  g_clear_object (&self->connection);
}

void
tern_sync_channel_close (TernSyncChannel *self)
{
  self->closed = TRUE;
  disconnect (self);
}

gboolean
tern_sync_channel_is_closed (TernSyncChannel *self)
{
  return self->closed;
}

static void
tern_sync_channel_dispose (GObject *object)
{
  TernSyncChannel *self = TERN_SYNC_CHANNEL (object);

  disconnect (self);
  g_queue_clear_full (&self->queued, (GDestroyNotify) queued_free);
  G_OBJECT_CLASS (tern_sync_channel_parent_class)->dispose (object);
}

static void
tern_sync_channel_finalize (GObject *object)
{
  TernSyncChannel *self = TERN_SYNC_CHANNEL (object);

  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (tern_sync_channel_parent_class)->finalize (object);
}

static void
tern_sync_channel_class_init (TernSyncChannelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  object_class->dispose = tern_sync_channel_dispose;
  object_class->finalize = tern_sync_channel_finalize;
  signals[SIGNAL_MESSAGE] = g_signal_new ("message", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                          NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_VARIANT);
  signals[SIGNAL_CLOSED] = g_signal_new ("closed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 0);
}

static void
tern_sync_channel_init (TernSyncChannel *self)
{
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->queued);
}

/* ---- errors and certificates --------------------------------------------------- */

GVariant *
tern_sync_error_to_variant (const GError *error)
{
  if (error == NULL)
    return g_variant_new ("(sis)", "", 0, "");
  return g_variant_new ("(sis)", g_quark_to_string (error->domain), error->code, error->message);
}

GError *
tern_sync_error_from_variant (GVariant *value)
{
  const char *domain, *message;
  gint32 code;

  g_variant_get (value, "(&si&s)", &domain, &code, &message);
  if (*domain == '\0')
    return NULL;
  return g_error_new_literal (g_quark_from_string (domain), code, message);
}

static void
add_string (GVariantBuilder *b, const char *key, const char *value)
{
  if (value != NULL)
    g_variant_builder_add (b, "{sv}", key, g_variant_new_string (value));
}

static void
add_time (GVariantBuilder *b, const char *key, GDateTime *value)
{
  if (value != NULL)
    g_variant_builder_add (b, "{sv}", key, g_variant_new_int64 (g_date_time_to_unix (value)));
}

GVariant *
tern_sync_certificate_to_variant (const TernCertificateInfo *info)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  add_string (&b, "host", info->host);
  g_variant_builder_add (&b, "{sv}", "port", g_variant_new_uint16 (info->port));
  add_string (&b, "subject", info->subject);
  add_string (&b, "issuer", info->issuer);
  add_time (&b, "not-before", info->not_before);
  add_time (&b, "not-after", info->not_after);
  g_variant_builder_add (&b, "{sv}", "problems", g_variant_new_uint32 (info->problems));
  add_string (&b, "description", info->description);
  add_string (&b, "sha256", info->sha256);
  add_string (&b, "pem", info->pem);
  return g_variant_builder_end (&b);
}

static GDateTime *
lookup_time (GVariantDict *d, const char *key)
{
  gint64 t;

  return g_variant_dict_lookup (d, key, "x", &t) ? g_date_time_new_from_unix_utc (t) : NULL;
}

TernCertificateInfo *
tern_sync_certificate_from_variant (GVariant *value)
{
  g_auto(GVariantDict) d;
  TernCertificateInfo *info = g_new0 (TernCertificateInfo, 1);
  guint32 problems = 0;

  g_variant_dict_init (&d, value);
  g_variant_dict_lookup (&d, "host", "s", &info->host);
  g_variant_dict_lookup (&d, "port", "q", &info->port);
  g_variant_dict_lookup (&d, "subject", "s", &info->subject);
  g_variant_dict_lookup (&d, "issuer", "s", &info->issuer);
  info->not_before = lookup_time (&d, "not-before");
  info->not_after = lookup_time (&d, "not-after");
  g_variant_dict_lookup (&d, "problems", "u", &problems);
  info->problems = problems;
  g_variant_dict_lookup (&d, "description", "s", &info->description);
  g_variant_dict_lookup (&d, "sha256", "s", &info->sha256);
  g_variant_dict_lookup (&d, "pem", "s", &info->pem);
  return info;
}
