/* tern-outbox-view.c: an account's outbox (see the header). */
#include <string.h>
#include <glib/gi18n.h>

#include "mime/tern-mime-parse.h"
#include "tern-outbox-view.h"

enum {
  COL_ID,        /* gint64 */
  COL_STATE,     /* int: TernOutboxState */
  COL_ICON,      /* string */
  COL_MESSAGE,   /* markup: subject, then the recipients */
  COL_STATUS,    /* markup: state and attempts */
  COL_DETAILS,   /* markup: the plain-word explanation */
  N_COLS
};

struct _TernOutboxView
{
  GtkBox parent_instance;
  GtkListStore *store;
  GtkTreeView *tree_view;
  GtkStack *stack;
  GtkLabel *details;
  GtkWidget *toolbar;
  gint64 account_id;
};

enum { SIGNAL_SELECTION_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TernOutboxView, tern_outbox_view, GTK_TYPE_BOX)

/* ---- words ---- */

static const char *
state_icon (const TernOutboxItem *item)
{
  switch (item->state)
    {
    case TERN_OUTBOX_SENDING: return "mail-send-symbolic";
    case TERN_OUTBOX_FAILED: return "dialog-error-symbolic";
    case TERN_OUTBOX_QUEUED:
    default: return item->attempts > 0 ? "dialog-warning-symbolic" : "mail-send-receive-symbolic";
    }
}

static char *
status_markup (const TernOutboxItem *item)
{
  const char *state;
  g_autofree char *tries = NULL;

  switch (item->state)
    {
    case TERN_OUTBOX_SENDING: state = _("Sending…"); break;
    case TERN_OUTBOX_FAILED: state = _("Not sent"); break;
    case TERN_OUTBOX_QUEUED:
    default: state = _("Waiting"); break;
    }
  if (item->attempts == 0)
    return g_markup_printf_escaped ("<b>%s</b>", state);
  tries = g_strdup_printf (ngettext ("tried once", "tried %u times", item->attempts), item->attempts);
  return g_markup_printf_escaped ("<b>%s</b>\n<small>%s</small>", state, tries);
}

char *
tern_outbox_describe_item (const TernOutboxItem *item)
{
  const char *reason = item->last_error != NULL && *item->last_error ? item->last_error : NULL;

  switch (item->state)
    {
    case TERN_OUTBOX_SENDING:
      return g_markup_printf_escaped ("<b>%s</b>\n%s", _("Outgoing mail (SMTP): this message is being sent now."),
                                      _("It leaves the outbox once the server has accepted it."));
    case TERN_OUTBOX_FAILED:
      return g_markup_printf_escaped (
          "<b>%s</b>\n%s\n<small>%s %s</small>",
          _("Outgoing mail (SMTP): the server refused this message, so it was not sent."),
          _("Tern will not try again by itself. Check the recipients’ addresses: press Edit to correct "
            "the message and send it again, Retry to send it unchanged, or Delete to give it up."),
          _("The server said:"), reason != NULL ? reason : _("(no reason given)"));
    case TERN_OUTBOX_QUEUED:
    default:
      if (reason == NULL)
        return g_markup_printf_escaped ("<b>%s</b>\n%s",
                                        _("Outgoing mail (SMTP): waiting to be sent."),
                                        _("It goes out at the account’s next check for mail, or as soon as the network is back."));
      {
        g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (item->next_attempt);
        g_autofree char *time = when != NULL ? g_date_time_format (when, "%H:%M") : NULL;
        g_autofree char *next = g_strdup_printf (_("Tern tries again by itself after %s; press Retry to try now, or Edit to change the message."),
                                                 time != NULL ? time : "?");
        return g_markup_printf_escaped ("<b>%s</b>\n%s\n<small>%s %s</small>",
                                        _("Outgoing mail (SMTP): the last try to send this message failed."),
                                        next, _("The reason:"), reason);
      }
    }
}

/* Subject and visible recipients from the headers only; the envelope's
 * recipients (Bcc included) when the headers say nothing. */
static char *
message_markup (const TernOutboxItem *item)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (item->raw, &size);
  const char *end = data != NULL ? g_strstr_len (data, size, "\r\n\r\n") : NULL;
  g_autoptr(GBytes) headers = NULL;
  g_autoptr(TernParsedMessage) parsed = NULL;
  g_autofree char *rcpts = item->recipients != NULL ? g_strjoinv (", ", item->recipients) : g_strdup ("");
  const char *subject;

  if (data != NULL)
    {
      headers = g_bytes_new_from_bytes (item->raw, 0, end != NULL ? (gsize) (end - data) + 4 : size);
      parsed = tern_parsed_message_new_from_headers (headers, NULL);
    }
  subject = parsed != NULL && parsed->subject != NULL && *parsed->subject ? parsed->subject
                                                                          : _("(no subject)");
  return g_markup_printf_escaped ("<b>%s</b>\n<small>%s %s</small>", subject, _("Recipients:"), rcpts);
}

/* ---- selection ---- */

static gboolean
get_selected_iter (TernOutboxView *self, GtkTreeIter *iter)
{
  return gtk_tree_selection_get_selected (gtk_tree_view_get_selection (self->tree_view), NULL, iter);
}

static void
update_details (TernOutboxView *self)
{
  GtkTreeIter iter;
  g_autofree char *details = NULL;

  if (get_selected_iter (self, &iter))
    gtk_tree_model_get (GTK_TREE_MODEL (self->store), &iter, COL_DETAILS, &details, -1);
  gtk_label_set_markup (self->details, details != NULL ? details : "");
  gtk_widget_set_visible (GTK_WIDGET (self->details), details != NULL);
}

static void
on_selection_changed (GtkTreeSelection *selection, TernOutboxView *self)
{
  update_details (self);
  g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0);
}

gint64
tern_outbox_view_get_selected (TernOutboxView *self, TernOutboxState *state)
{
  GtkTreeIter iter;
  gint64 id = 0;
  int s = TERN_OUTBOX_QUEUED;

  if (get_selected_iter (self, &iter))
    gtk_tree_model_get (GTK_TREE_MODEL (self->store), &iter, COL_ID, &id, COL_STATE, &s, -1);
  if (state != NULL)
    *state = (TernOutboxState) s;
  return id;
}

gboolean
tern_outbox_view_select (TernOutboxView *self, gint64 item_id)
{
  GtkTreeIter iter;
  gboolean valid = gtk_tree_model_get_iter_first (GTK_TREE_MODEL (self->store), &iter);

  for (; valid; valid = gtk_tree_model_iter_next (GTK_TREE_MODEL (self->store), &iter))
    {
      gint64 id;
      gtk_tree_model_get (GTK_TREE_MODEL (self->store), &iter, COL_ID, &id, -1);
      if (id == item_id)
        {
          g_autoptr(GtkTreePath) path = gtk_tree_model_get_path (GTK_TREE_MODEL (self->store), &iter);
          gtk_tree_view_set_cursor (self->tree_view, path, NULL, FALSE);
          return TRUE;
        }
    }
  return FALSE;
}

/* ---- loading ---- */

void
tern_outbox_view_load (TernOutboxView *self, TernStore *store, gint64 account_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = tern_store_list_outbox (store, account_id, &error);
  gint64 selected = account_id == self->account_id ? tern_outbox_view_get_selected (self, NULL) : 0;
  GtkTreeSelection *selection = gtk_tree_view_get_selection (self->tree_view);

  if (items == NULL)
    g_warning ("Could not list the outbox: %s", error->message);
  self->account_id = account_id;
  g_signal_handlers_block_by_func (selection, on_selection_changed, self);
  gtk_list_store_clear (self->store);
  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      TernOutboxItem *item = g_ptr_array_index (items, i);
      g_autofree char *message = message_markup (item);
      g_autofree char *status = status_markup (item);
      g_autofree char *details = tern_outbox_describe_item (item);

      gtk_list_store_insert_with_values (self->store, NULL, -1, COL_ID, item->id,
                                         COL_STATE, (int) item->state, COL_ICON, state_icon (item),
                                         COL_MESSAGE, message, COL_STATUS, status,
                                         COL_DETAILS, details, -1);
    }
  g_signal_handlers_unblock_by_func (selection, on_selection_changed, self);
  gtk_stack_set_visible_child_name (self->stack, items != NULL && items->len > 0 ? "list" : "empty");
  if (selected == 0 || !tern_outbox_view_select (self, selected))
    {
      g_autoptr(GtkTreePath) first = gtk_tree_path_new_first ();
      if (items != NULL && items->len > 0)
        gtk_tree_view_set_cursor (self->tree_view, first, NULL, FALSE);
    }
  update_details (self);
  g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0);
}

gint64
tern_outbox_view_get_account_id (TernOutboxView *self)
{
  return self->account_id;
}

guint
tern_outbox_view_get_n_items (TernOutboxView *self)
{
  return (guint) gtk_tree_model_iter_n_children (GTK_TREE_MODEL (self->store), NULL);
}

const char *
tern_outbox_view_get_details (TernOutboxView *self)
{
  return gtk_label_get_text (self->details);
}

typedef struct { const char *name; GtkWidget *found; } FindButton;

static void
find_button (GtkWidget *widget, gpointer data)
{
  FindButton *fb = data;

  if (GTK_IS_ACTIONABLE (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), fb->name) == 0)
    fb->found = widget;
  else if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), find_button, fb);
}

GtkWidget *
tern_outbox_view_get_button (TernOutboxView *self, const char *action_name)
{
  FindButton fb = { action_name, NULL };

  find_button (self->toolbar, &fb);
  return fb.found;
}

GtkTreeView *
tern_outbox_view_get_tree_view (TernOutboxView *self)
{
  return self->tree_view;
}

/* ---- construction ---- */

static GtkWidget *
action_button (const char *label, const char *action, const char *tooltip)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_set_tooltip_text (button, tooltip);
  return button;
}

static GtkWidget *
build_toolbar (void)
{
  GtkWidget *bar = gtk_action_bar_new ();
  GtkWidget *del = action_button (_("_Delete"), "win.outbox-delete",
                                  _("Remove the message from the outbox without sending it"));

  gtk_action_bar_pack_start (GTK_ACTION_BAR (bar),
                             action_button (_("_Retry"), "win.outbox-retry", _("Try to send the message now")));
  gtk_action_bar_pack_start (GTK_ACTION_BAR (bar),
                             action_button (_("_Edit"), "win.outbox-edit",
                                            _("Take the message out of the outbox and open it as a draft")));
  gtk_style_context_add_class (gtk_widget_get_style_context (del), "destructive-action");
  gtk_action_bar_pack_end (GTK_ACTION_BAR (bar), del);
  return bar;
}

static void
add_columns (TernOutboxView *self)
{
  GtkCellRenderer *icon = gtk_cell_renderer_pixbuf_new ();
  GtkCellRenderer *message = gtk_cell_renderer_text_new ();
  GtkCellRenderer *status = gtk_cell_renderer_text_new ();
  GtkTreeViewColumn *col;

  g_object_set (icon, "xpad", 6, "ypad", 6, NULL);
  g_object_set (message, "ellipsize", PANGO_ELLIPSIZE_END, "ypad", 6, NULL);
  g_object_set (status, "xpad", 12, NULL);
  col = gtk_tree_view_column_new_with_attributes ("", icon, "icon-name", COL_ICON, NULL);
  gtk_tree_view_append_column (self->tree_view, col);
  col = gtk_tree_view_column_new_with_attributes (_("Message"), message, "markup", COL_MESSAGE, NULL);
  gtk_tree_view_column_set_expand (col, TRUE);
  gtk_tree_view_append_column (self->tree_view, col);
  col = gtk_tree_view_column_new_with_attributes (_("State"), status, "markup", COL_STATUS, NULL);
  gtk_tree_view_append_column (self->tree_view, col);
}

static void
tern_outbox_view_finalize (GObject *object)
{
  g_clear_object (&TERN_OUTBOX_VIEW (object)->store);
  G_OBJECT_CLASS (tern_outbox_view_parent_class)->finalize (object);
}

static void
tern_outbox_view_class_init (TernOutboxViewClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_outbox_view_finalize;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "ternoutboxview");
  signals[SIGNAL_SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tern_outbox_view_init (TernOutboxView *self)
{
  GtkWidget *scroller = gtk_scrolled_window_new (NULL, NULL);
  GtkWidget *empty = gtk_label_new (_("Nothing is waiting to be sent."));
  GtkWidget *details_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  self->store = gtk_list_store_new (N_COLS, G_TYPE_INT64, G_TYPE_INT, G_TYPE_STRING,
                                    G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  self->tree_view = GTK_TREE_VIEW (gtk_tree_view_new_with_model (GTK_TREE_MODEL (self->store)));
  gtk_tree_view_set_enable_search (self->tree_view, FALSE);
  atk_object_set_name (gtk_widget_get_accessible (GTK_WIDGET (self->tree_view)), _("Outbox"));
  add_columns (self);
  g_signal_connect (gtk_tree_view_get_selection (self->tree_view), "changed",
                    G_CALLBACK (on_selection_changed), self);
  gtk_container_add (GTK_CONTAINER (scroller), GTK_WIDGET (self->tree_view));

  gtk_style_context_add_class (gtk_widget_get_style_context (empty), "tern-placeholder");
  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_add_named (self->stack, scroller, "list");
  gtk_stack_add_named (self->stack, empty, "empty");

  self->details = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_line_wrap (self->details, TRUE);
  gtk_label_set_xalign (self->details, 0);
  gtk_label_set_selectable (self->details, TRUE);
  atk_object_set_name (gtk_widget_get_accessible (GTK_WIDGET (self->details)), _("What happened"));
  gtk_style_context_add_class (gtk_widget_get_style_context (details_box), "tern-outbox-details");
  gtk_container_add (GTK_CONTAINER (details_box), GTK_WIDGET (self->details));

  self->toolbar = build_toolbar ();
  gtk_container_add (GTK_CONTAINER (self), self->toolbar);
  gtk_box_pack_start (GTK_BOX (self), GTK_WIDGET (self->stack), TRUE, TRUE, 0);
  gtk_container_add (GTK_CONTAINER (self), details_box);
  gtk_widget_show_all (GTK_WIDGET (self));
  gtk_stack_set_visible_child_name (self->stack, "empty");
  gtk_widget_hide (GTK_WIDGET (self->details));
}

GtkWidget *
tern_outbox_view_new (void)
{
  return g_object_new (TERN_TYPE_OUTBOX_VIEW, NULL);
}
