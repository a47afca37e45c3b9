/* tern-oauth-sign-in.c: the wizard's sign-in button, status and reason. */
#include "tern-oauth-sign-in.h"

#include <glib/gi18n.h>

#include "oauth/tern-oauth-flow.h"
#include "oauth/tern-oauth-provider.h"
#include "tern-resources.h"

struct _TernOAuthSignIn
{
  GtkBox parent_instance;
  GtkLabel *why_label;
  GtkButton *sign_in_button;
  GtkLabel *status_label;

  char *provider_id;
  char *provider_name;
  char *email;
  TernOAuthFlow *flow;
  GCancellable *cancellable;
  TernOAuthTokens *tokens;
};

G_DEFINE_FINAL_TYPE (TernOAuthSignIn, tern_oauth_sign_in, GTK_TYPE_BOX)

enum { SIGNAL_OPEN_BROWSER, SIGNAL_SIGNED_IN, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
set_status (TernOAuthSignIn *self, const char *text, gboolean is_error)
{
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (self->status_label));

  gtk_label_set_text (self->status_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), text != NULL && *text != '\0');
  if (is_error)
    gtk_style_context_add_class (style, "error");
  else
    gtk_style_context_remove_class (style, "error");
}

void
tern_oauth_sign_in_show_error (TernOAuthSignIn *self, const char *text)
{
  set_status (self, text, TRUE);
  gtk_widget_show (GTK_WIDGET (self->sign_in_button));
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), TRUE);
}

static void
stop_flow (TernOAuthSignIn *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->flow);
}

void
tern_oauth_sign_in_set_provider (TernOAuthSignIn *self, const char *provider_id,
                                 const char *email)
{
  g_autoptr(TernOAuthProvider) provider = tern_oauth_provider_lookup (provider_id, NULL);
  g_autofree char *button = NULL;
  g_autofree char *why = NULL;

  stop_flow (self);
  g_clear_pointer (&self->tokens, tern_oauth_tokens_free);
  g_free (self->provider_id);
  g_free (self->provider_name);
  g_free (self->email);
  self->provider_id = g_strdup (provider_id);
  self->provider_name = g_strdup (provider != NULL ? provider->name : provider_id);
  self->email = g_strdup (email);
  /* Translators: %s is a provider, "Google" or "Microsoft". */
  button = g_strdup_printf (_("Sign in with %s"), self->provider_name);
  why = g_strdup_printf (_("%s asks you to sign in on its own page, in your browser; Tern "
                           "never sees your password and keeps only a sign-in token, in your "
                           "keyring."), self->provider_name);
  gtk_button_set_label (self->sign_in_button, button);
  gtk_label_set_text (self->why_label, why);
  gtk_widget_show (GTK_WIDGET (self->sign_in_button));
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), TRUE);
  set_status (self, NULL, FALSE);
}

const TernOAuthTokens *
tern_oauth_sign_in_get_tokens (TernOAuthSignIn *self)
{
  return self->tokens;
}

static void
on_signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernOAuthSignIn) self = user_data;
  g_autoptr(GError) error = NULL;
  TernOAuthTokens *tokens = tern_oauth_flow_wait_finish (TERN_OAUTH_FLOW (source), result,
                                                         &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (tokens == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Sign-in failed: %s"), error->message);
      tern_oauth_sign_in_show_error (self, text);
      return;
    }
  g_clear_pointer (&self->tokens, tern_oauth_tokens_free);
  self->tokens = tokens;
  {
    g_autofree char *text = g_strdup_printf (_("Signed in to %s as %s."), self->provider_name,
                                             self->email != NULL ? self->email : "");
    set_status (self, text, FALSE);
  }
  /* Done: the button would only start over. */
  gtk_widget_hide (GTK_WIDGET (self->sign_in_button));
  g_signal_emit (self, signals[SIGNAL_SIGNED_IN], 0);
}

static void
on_sign_in_clicked (TernOAuthSignIn *self)
{
  g_autoptr(TernOAuthProvider) provider = NULL;
  g_autoptr(GError) error = NULL;
  gboolean handled = FALSE;

  stop_flow (self);
  provider = tern_oauth_provider_lookup_configured (self->provider_id, &error);
  if (provider != NULL)
    self->flow = tern_oauth_flow_new (provider, self->email, &error);
  if (self->flow == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Sign-in failed: %s"), error->message);
      tern_oauth_sign_in_show_error (self, text);
      return;
    }
  self->cancellable = g_cancellable_new ();
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), FALSE);
  set_status (self, _("Waiting for the sign-in in your browser…"), FALSE);
  tern_oauth_flow_wait_async (self->flow, self->cancellable, on_signed_in, g_object_ref (self));
  g_signal_emit (self, signals[SIGNAL_OPEN_BROWSER], 0,
                 tern_oauth_flow_get_authorization_url (self->flow), &handled);
}

static gboolean
tern_oauth_sign_in_real_open_browser (TernOAuthSignIn *self, const char *uri)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  g_autoptr(GError) error = NULL;

  if (!gtk_show_uri_on_window (GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL, uri,
                               GDK_CURRENT_TIME, &error))
    {
      /* No browser to start: the address can still be copied from here. */
      g_autofree char *text = g_strdup_printf (
          _("Tern could not open your browser. Open this address in it to sign in:\n%s"), uri);
      set_status (self, text, FALSE);
      gtk_label_set_selectable (self->status_label, TRUE);
    }
  return TRUE;
}

static void
tern_oauth_sign_in_dispose (GObject *object)
{
  TernOAuthSignIn *self = TERN_OAUTH_SIGN_IN (object);

  stop_flow (self);
  g_clear_pointer (&self->tokens, tern_oauth_tokens_free);
  G_OBJECT_CLASS (tern_oauth_sign_in_parent_class)->dispose (object);
}

static void
tern_oauth_sign_in_finalize (GObject *object)
{
  TernOAuthSignIn *self = TERN_OAUTH_SIGN_IN (object);

  g_free (self->provider_id);
  g_free (self->provider_name);
  g_free (self->email);
  G_OBJECT_CLASS (tern_oauth_sign_in_parent_class)->finalize (object);
}

static void
tern_oauth_sign_in_class_init (TernOAuthSignInClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  (void) tern_get_resource ();   /* the template, even before any other class */
  object_class->dispose = tern_oauth_sign_in_dispose;
  object_class->finalize = tern_oauth_sign_in_finalize;
  signals[SIGNAL_OPEN_BROWSER] =
    g_signal_new_class_handler ("open-browser", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                G_CALLBACK (tern_oauth_sign_in_real_open_browser),
                                g_signal_accumulator_true_handled, NULL, NULL,
                                G_TYPE_BOOLEAN, 1, G_TYPE_STRING);
  signals[SIGNAL_SIGNED_IN] =
    g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ternmail/Tern/tern-oauth-sign-in.ui");
  gtk_widget_class_bind_template_child (widget_class, TernOAuthSignIn, why_label);
  gtk_widget_class_bind_template_child (widget_class, TernOAuthSignIn, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, TernOAuthSignIn, status_label);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_clicked);
}

static void
tern_oauth_sign_in_init (TernOAuthSignIn *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tern_oauth_sign_in_new (void)
{
  return g_object_new (TERN_TYPE_OAUTH_SIGN_IN, NULL);
}
