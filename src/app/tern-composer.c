/* tern-composer.c: the composer window (ui/tern-composer.ui).
 *
 * The fields are the truth while the window is open; tern_composer_get_message()
 * turns them into a TernOutgoingMessage for the draft and for sending.
 *
 * Threading: the message is built here, on the main thread (it reads the
 * widgets); saving it as a draft and queueing it for sending end in a
 * durable commit, so they run as jobs on a TernStoreExecutor (one writer
 * thread) and report back here. The composer never has two of its saves
 * in flight: a save asked for while one runs waits, then saves the newest
 * text. Which draft a job replaces is decided on the executor thread
 * (DraftChain), so however saves and a send are queued, each replaces the
 * one before it and none is duplicated or lost.
 */
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tern-config.h"
#include "compose/tern-address-book.h"
#include "compose/tern-compose-check.h"
#include "tern-composer.h"
#include "tern-a11y.h"
#include "tern-error-bar.h"
#include "tern-key-shortcuts.h"
#include "compose/tern-mailto.h"
#include "tern-resources.h"
#include "store/tern-store-executor.h"
#ifdef HAVE_GSPELL
#include <gspell/gspell.h>
#endif

#define SEND_ANYWAY 1
#define MAX_COMPLETIONS 2000

/* One attached file: a path on disk, or bytes (from a draft or forward). */
typedef struct {
  char *name;
  char *content_type;
  char *path;
  GBytes *data;
  guint64 size;
} Attachment;

static void
attachment_free (Attachment *a)
{
  g_free (a->name);
  g_free (a->content_type);
  g_free (a->path);
  g_clear_pointer (&a->data, g_bytes_unref);
  g_free (a);
}

/* The id of this composition's newest draft, as the executor thread knows
 * it: read and written only by jobs (which run one at a time), so it is
 * always the draft the next job must replace. An atomic rc box: a job in
 * flight may outlive the window. */
typedef struct {
  gint64 draft_id;
} DraftChain;

/* One save or send: built on the main thread, run on the executor's. */
typedef struct {
  DraftChain *chain;
  gint64 account_id;
  TernOutgoingMessage *msg;
  TernComposeOrigin *origin;
  guint64 seq;          /* order of submission, for the main thread's copy */
  gint64 result;        /* the new draft id, or the outbox id */
} ComposeJob;

static void
compose_job_free (ComposeJob *job)
{
  g_atomic_rc_box_release (job->chain);
  g_clear_pointer (&job->msg, tern_outgoing_message_free);
  g_clear_pointer (&job->origin, tern_compose_origin_free);
  g_free (job);
}

struct _TernComposer
{
  GtkApplicationWindow parent_instance;

  GtkHeaderBar *header_bar;
  GtkInfoBar *attach_warning;
  GtkInfoBar *size_warning;
  GtkLabel *size_label;
  GtkInfoBar *error_bar;
  GtkLabel *error_label;
  GtkComboBoxText *from_combo;
  GtkEntry *to_entry;
  GtkEntry *cc_entry;
  GtkEntry *bcc_entry;
  GtkEntry *subject_entry;
  GtkTextView *body_view;
  GtkListBox *attachment_list;

  TernStore *store;             /* reads on the main thread only */
  TernStoreExecutor *executor;  /* every write */
  DraftChain *chain;
  GCancellable *cancellable;    /* the address-book ranking */
  GApplication *held;           /* held while a close waits for its save */
  GSimpleAction *send_gaction;  /* off while a send is queued */
  GPtrArray *accounts;          /* TernAccountSettings, in combo order */
  GPtrArray *attachments;       /* Attachment */
  GtkListStore *completions;    /* display, shared by the three entries */
  TernComposeOrigin *origin;
  char *in_reply_to;
  GPtrArray *references;        /* char * */
  gint64 draft_id;              /* the newest draft whose save came back */
  gint64 outbox_id;
  guint64 size_limit;
  guint autosave_id;
  guint64 job_seq;              /* jobs submitted */
  guint64 applied_seq;          /* the newest job draft_id comes from */
  gboolean dirty;
  gboolean loading;             /* filling fields: not a user change */
  gboolean saving;              /* a save job is in the executor */
  gboolean save_again;          /* and another was asked for meanwhile */
  gboolean sending;             /* a send job is in the executor */
  gboolean closing;             /* hidden, destroyed once the save is done */
  gboolean destroyed;
  gboolean sent;
};

G_DEFINE_FINAL_TYPE (TernComposer, tern_composer, GTK_TYPE_APPLICATION_WINDOW)

/* ---- errors ---- */

static void
show_error (TernComposer *self, const char *what, const GError *error)
{
  g_autofree char *text = error != NULL ? g_strdup_printf ("%s %s", what, error->message)
                                        : g_strdup (what);

  if (self->destroyed)
    {
      /* A job came back after the window went: say it somewhere. */
      g_message ("%s", text);
      return;
    }
  gtk_label_set_text (self->error_label, text);
  gtk_widget_show (GTK_WIDGET (self->error_bar));
}

const char *
tern_composer_get_error (TernComposer *self)
{
  g_return_val_if_fail (TERN_IS_COMPOSER (self), NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_bar)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}

/* ---- autosave ---- */

static void start_save (TernComposer *self);

static gboolean
autosave_cb (gpointer data)
{
  TernComposer *self = data;

  self->autosave_id = 0;
  start_save (self);
  return G_SOURCE_REMOVE;
}

static void
mark_changed (TernComposer *self)
{
  if (self->loading || self->sent)
    return;
  self->dirty = TRUE;
  /* Restart the timer: save once the user pauses, not on every key. */
  g_clear_handle_id (&self->autosave_id, g_source_remove);
  self->autosave_id = g_timeout_add_seconds (TERN_COMPOSER_AUTOSAVE_SECONDS, autosave_cb, self);
}

static void
on_field_changed (TernComposer *self)
{
  const char *subject = gtk_entry_get_text (self->subject_entry);

  /* The window title follows the subject, so the task switcher tells
   * several open composers apart. */
  gtk_header_bar_set_title (self->header_bar, *subject != '\0' ? subject : _("New Message"));
  mark_changed (self);
}

gboolean
tern_composer_has_pending_save (TernComposer *self)
{
  g_return_val_if_fail (TERN_IS_COMPOSER (self), FALSE);
  return self->autosave_id != 0 || self->saving;
}

gboolean
tern_composer_is_busy (TernComposer *self)
{
  g_return_val_if_fail (TERN_IS_COMPOSER (self), FALSE);
  return self->saving || self->sending;
}

TernStoreExecutor *
tern_composer_get_store_executor (TernComposer *self)
{
  g_return_val_if_fail (TERN_IS_COMPOSER (self), NULL);
  return self->executor;
}

/* ---- accounts ---- */

static void
load_accounts (TernComposer *self)
{
  g_autoptr(GError) error = NULL;

  self->accounts = tern_store_list_accounts (self->store, &error);
  if (self->accounts == NULL)
    {
      self->accounts = g_ptr_array_new ();
      show_error (self, _("Your accounts could not be read."), error);
      return;
    }
  for (guint i = 0; i < self->accounts->len; i++)
    {
      TernAccountSettings *acc = g_ptr_array_index (self->accounts, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, acc->id);
      TernAddress who = { acc->display_name ? acc->display_name : "", acc->email ? acc->email : "" };
      g_autofree char *display = tern_address_to_display (&who);
      g_autofree char *label = g_strdup_printf ("%s  (%s)", display, acc->name);

      gtk_combo_box_text_append (self->from_combo, id, label);
    }
  if (self->accounts->len > 0)
    gtk_combo_box_set_active (GTK_COMBO_BOX (self->from_combo), 0);
  else
    show_error (self, _("Add a mail account before writing a message."), NULL);
}

static TernAccountSettings *
current_account (TernComposer *self)
{
  int i = gtk_combo_box_get_active (GTK_COMBO_BOX (self->from_combo));

  if (i < 0 || (guint) i >= self->accounts->len)
    return NULL;
  return g_ptr_array_index (self->accounts, i);
}

gint64
tern_composer_get_account_id (TernComposer *self)
{
  TernAccountSettings *acc = current_account (self);
  return acc != NULL ? acc->id : 0;
}

static void
select_account_by_address (TernComposer *self, const char *address)
{
  for (guint i = 0; address != NULL && i < self->accounts->len; i++)
    {
      TernAccountSettings *acc = g_ptr_array_index (self->accounts, i);
      if (acc->email != NULL && g_ascii_strcasecmp (acc->email, address) == 0)
        {
          gtk_combo_box_set_active (GTK_COMBO_BOX (self->from_combo), (int) i);
          return;
        }
    }
}

/* ---- address completion ---- */

/* The address being typed: the text after the last comma. */
static const char *
last_token (const char *text)
{
  const char *comma = strrchr (text, ',');
  const char *p = comma != NULL ? comma + 1 : text;

  while (*p == ' ')
    p++;
  return p;
}

static gboolean
completion_match (GtkEntryCompletion *completion, const char *key, GtkTreeIter *iter,
                  gpointer data)
{
  GtkEntry *entry = GTK_ENTRY (gtk_entry_completion_get_entry (completion));
  TernAddressBookEntry e = { 0 };
  g_autofree char *display = NULL;
  const char *prefix = last_token (gtk_entry_get_text (entry));
  gboolean ok;

  if (strlen (prefix) < 1)
    return FALSE;
  gtk_tree_model_get (gtk_entry_completion_get_model (completion), iter,
                      0, &display, 1, &e.name, 2, &e.address, -1);
  ok = tern_address_book_entry_matches (&e, prefix);
  g_free (e.name);
  g_free (e.address);
  return ok;
}

static gboolean
on_completion_selected (GtkEntryCompletion *completion, GtkTreeModel *model, GtkTreeIter *iter,
                        gpointer data)
{
  GtkEntry *entry = GTK_ENTRY (gtk_entry_completion_get_entry (completion));
  const char *text = gtk_entry_get_text (entry);
  const char *token = last_token (text);
  g_autofree char *display = NULL;
  g_autofree char *head = g_strndup (text, token - text);
  g_autofree char *result = NULL;

  gtk_tree_model_get (model, iter, 0, &display, -1);
  result = g_strconcat (head, display, ", ", NULL);
  gtk_entry_set_text (entry, result);
  gtk_editable_set_position (GTK_EDITABLE (entry), -1);
  return TRUE;
}

/* Ranking reads up to TERN_ADDRESS_BOOK_MAX_PER_FOLDER messages of every
 * folder: too slow for the main loop on a big store, so it runs in a thread
 * on its own read-only connection and fills the completions when done. */
static void
rank_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  const char *data_dir = task_data;
  g_autoptr(TernStore) store = NULL;
  GError *error = NULL;
  GPtrArray *ranked = NULL;

  store = tern_store_open (data_dir, TERN_STORE_OPEN_READ_ONLY, &error);
  if (store != NULL)
    ranked = tern_address_book_rank (store, &error);
  if (ranked == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ranked, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_ranked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernComposer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ranked = g_task_propagate_pointer (G_TASK (result), &error);

  if (self->destroyed)
    return;
  if (ranked == NULL)
    {
      g_message ("Address completion is not available: %s", error->message);
      return;
    }
  /* Rank order is kept: the completion popup lists matches in model order. */
  for (guint i = 0; i < ranked->len && i < MAX_COMPLETIONS; i++)
    {
      TernAddressBookEntry *e = g_ptr_array_index (ranked, i);
      g_autofree char *display = tern_address_book_entry_to_display (e);

      gtk_list_store_insert_with_values (self->completions, NULL, -1, 0, display, 1, e->name,
                                         2, e->address, -1);
    }
}

guint
tern_composer_get_n_completions (TernComposer *self)
{
  g_return_val_if_fail (TERN_IS_COMPOSER (self), 0);
  return (guint) gtk_tree_model_iter_n_children (GTK_TREE_MODEL (self->completions), NULL);
}

static void
setup_completion (TernComposer *self)
{
  /* No source object: the task may be finalized on its thread, and a
   * widget must not be; the callback holds the reference instead. */
  g_autoptr(GTask) task = g_task_new (NULL, self->cancellable, on_ranked, g_object_ref (self));
  GtkEntry *entries[] = { self->to_entry, self->cc_entry, self->bcc_entry };

  self->completions = gtk_list_store_new (3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  g_task_set_task_data (task, g_strdup (tern_store_executor_get_data_dir (self->executor)), g_free);
  g_task_run_in_thread (task, rank_thread);
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      g_autoptr(GtkEntryCompletion) c = gtk_entry_completion_new ();

      gtk_entry_completion_set_model (c, GTK_TREE_MODEL (self->completions));
      gtk_entry_completion_set_text_column (c, 0);
      gtk_entry_completion_set_match_func (c, completion_match, NULL, NULL);
      gtk_entry_completion_set_popup_set_width (c, TRUE);
      g_signal_connect (c, "match-selected", G_CALLBACK (on_completion_selected), NULL);
      gtk_entry_set_completion (entries[i], c);
    }
}

/* ---- attachments ---- */

static guint64
attachments_total (TernComposer *self)
{
  guint64 total = 0;

  for (guint i = 0; i < self->attachments->len; i++)
    total += ((Attachment *) g_ptr_array_index (self->attachments, i))->size;
  return total;
}

static void
update_size_warning (TernComposer *self)
{
  guint64 limit = self->size_limit ? self->size_limit : TERN_COMPOSE_DEFAULT_SIZE_LIMIT;
  guint64 size = tern_compose_encoded_size (attachments_total (self));

  if (size > limit)
    {
      g_autofree char *have = g_format_size (size);
      g_autofree char *max = g_format_size (limit);
      g_autofree char *text = g_strdup_printf (
          _("The attachments make this message about %s; the mail server accepts at most %s. "
            "It will probably be refused: share large files by link instead."), have, max);

      gtk_label_set_text (self->size_label, text);
      gtk_widget_show (GTK_WIDGET (self->size_warning));
    }
  else
    gtk_widget_hide (GTK_WIDGET (self->size_warning));
}

gboolean
tern_composer_is_size_warning_shown (TernComposer *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->size_warning));
}

void
tern_composer_set_size_limit (TernComposer *self, guint64 limit)
{
  self->size_limit = limit;
  update_size_warning (self);
}

static void rebuild_attachment_list (TernComposer *self);

static void
on_remove_attachment (GtkButton *button, TernComposer *self)
{
  Attachment *a = g_object_get_data (G_OBJECT (button), "attachment");

  g_ptr_array_remove (self->attachments, a);
  rebuild_attachment_list (self);
  mark_changed (self);
}

static GtkWidget *
attachment_row (TernComposer *self, Attachment *a)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *icon = gtk_image_new_from_icon_name ("mail-attachment-symbolic", GTK_ICON_SIZE_MENU);
  GtkWidget *name = gtk_label_new (a->name);
  g_autofree char *size_text = g_format_size (a->size);
  GtkWidget *size = gtk_label_new (size_text);
  GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic", GTK_ICON_SIZE_MENU);
  g_autofree char *remove_name = g_strdup_printf (_("Remove %s"), a->name);

  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_style_context_add_class (gtk_widget_get_style_context (size), "dim-label");
  gtk_button_set_relief (GTK_BUTTON (remove), GTK_RELIEF_NONE);
  gtk_widget_set_tooltip_text (remove, remove_name);
  atk_object_set_name (gtk_widget_get_accessible (remove), remove_name);
  g_object_set_data (G_OBJECT (remove), "attachment", a);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_attachment), self);
  g_object_set (box, "margin-start", 12, "margin-end", 12, "margin-top", 2, "margin-bottom", 2,
                NULL);
  gtk_container_add (GTK_CONTAINER (box), icon);
  gtk_container_add (GTK_CONTAINER (box), name);
  gtk_container_add (GTK_CONTAINER (box), size);
  gtk_container_add (GTK_CONTAINER (box), remove);
  gtk_widget_show_all (box);
  return box;
}

static void
rebuild_attachment_list (TernComposer *self)
{
  g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (self->attachment_list));

  for (GList *l = children; l != NULL; l = l->next)
    gtk_widget_destroy (l->data);
  for (guint i = 0; i < self->attachments->len; i++)
    gtk_container_add (GTK_CONTAINER (self->attachment_list),
                       attachment_row (self, g_ptr_array_index (self->attachments, i)));
  gtk_widget_set_visible (GTK_WIDGET (self->attachment_list), self->attachments->len > 0);
  update_size_warning (self);
}

void
tern_composer_add_attachment (TernComposer *self, GFile *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = g_file_query_info (file,
      G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME "," G_FILE_ATTRIBUTE_STANDARD_SIZE ","
      G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE,
      G_FILE_QUERY_INFO_NONE, NULL, &error);
  g_autofree char *path = g_file_get_path (file);
  Attachment *a;

  if (info == NULL || path == NULL)
    {
      show_error (self, _("The file cannot be attached."), error);
      return;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_autofree char *msg = g_strdup_printf (_("“%s” is not a file and cannot be attached."),
                                              g_file_info_get_display_name (info));
      show_error (self, msg, NULL);
      return;
    }
  a = g_new0 (Attachment, 1);
  a->name = g_strdup (g_file_info_get_display_name (info));
  a->path = g_steal_pointer (&path);
  a->size = g_file_info_get_size (info);
  if (g_file_info_get_content_type (info) != NULL)
    a->content_type = g_content_type_get_mime_type (g_file_info_get_content_type (info));
  g_ptr_array_add (self->attachments, a);
  rebuild_attachment_list (self);
  mark_changed (self);
}

guint
tern_composer_get_n_attachments (TernComposer *self)
{
  return self->attachments->len;
}

static void
on_file_chooser_response (GtkNativeDialog *dialog, int response, TernComposer *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GSList) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      for (GSList *l = files; l != NULL; l = l->next)
        tern_composer_add_attachment (self, l->data);
      g_slist_free_full (g_steal_pointer (&files), g_object_unref);
    }
  g_object_unref (dialog);
}

static void
attach_action (GSimpleAction *action, GVariant *param, gpointer data)
{
  TernComposer *self = data;
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
      _("Attach Files"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Attach"), NULL);

  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_file_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_drag_data_received (GtkWidget *widget, GdkDragContext *context, int x, int y,
                       GtkSelectionData *data, guint info, guint time, TernComposer *self)
{
  g_auto(GStrv) uris = gtk_selection_data_get_uris (data);

  for (guint i = 0; uris != NULL && uris[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_uri (uris[i]);
      tern_composer_add_attachment (self, file);
    }
  gtk_drag_finish (context, uris != NULL, FALSE, time);
}

/* ---- message <-> fields ---- */

static void
set_entry_addresses (GtkEntry *entry, GPtrArray *list)
{
  g_autofree char *text = list != NULL && list->len > 0 ? tern_address_list_to_display (list) : NULL;

  gtk_entry_set_text (entry, text != NULL ? text : "");
}

static void
fill_fields (TernComposer *self, const TernOutgoingMessage *msg)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->body_view);
  GtkTextIter start;

  self->loading = TRUE;
  select_account_by_address (self, msg->from_address);
  set_entry_addresses (self->to_entry, msg->to);
  set_entry_addresses (self->cc_entry, msg->cc);
  set_entry_addresses (self->bcc_entry, msg->bcc);
  gtk_entry_set_text (self->subject_entry, msg->subject ? msg->subject : "");
  gtk_text_buffer_set_text (buffer, msg->body ? msg->body : "", -1);
  /* Replies start above the quote. */
  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_place_cursor (buffer, &start);
  g_free (self->in_reply_to);
  self->in_reply_to = g_strdup (msg->in_reply_to);
  g_ptr_array_set_size (self->references, 0);
  for (guint i = 0; msg->references != NULL && i < msg->references->len; i++)
    g_ptr_array_add (self->references, g_strdup (g_ptr_array_index (msg->references, i)));
  g_ptr_array_set_size (self->attachments, 0);
  for (guint i = 0; msg->attachments != NULL && i < msg->attachments->len; i++)
    {
      TernOutgoingAttachment *src = g_ptr_array_index (msg->attachments, i);
      Attachment *a = g_new0 (Attachment, 1);

      a->name = g_strdup (src->filename ? src->filename : "attachment");
      a->content_type = g_strdup (src->content_type);
      a->path = g_strdup (src->path);
      a->data = src->data ? g_bytes_ref (src->data) : NULL;
      if (a->data != NULL)
        a->size = g_bytes_get_size (a->data);
      else if (a->path != NULL)
        {
          GStatBuf st;
          if (g_stat (a->path, &st) == 0)
            a->size = st.st_size;
        }
      g_ptr_array_add (self->attachments, a);
    }
  rebuild_attachment_list (self);
  {
    const char *subject = msg->subject && *msg->subject ? msg->subject : _("New Message");
    gtk_header_bar_set_title (self->header_bar, subject);
  }
  self->loading = FALSE;
}

void
tern_composer_set_message (TernComposer *self, const TernOutgoingMessage *msg)
{
  g_return_if_fail (TERN_IS_COMPOSER (self));
  fill_fields (self, msg);
  /* From outside (a test, a script), this is an edit like any other. */
  mark_changed (self);
}

static void
add_parsed (GPtrArray *dest, GtkEntry *entry)
{
  g_autoptr(GPtrArray) list = tern_address_list_parse (gtk_entry_get_text (entry));

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      TernAddress *a = g_ptr_array_index (list, i);
      if (a->address != NULL && *a->address != '\0')
        g_ptr_array_add (dest, tern_address_copy (a));
    }
}

TernOutgoingMessage *
tern_composer_get_message (TernComposer *self)
{
  TernOutgoingMessage *msg = tern_outgoing_message_new ();
  TernAccountSettings *acc = current_account (self);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->body_view);
  GtkTextIter start, end;

  if (acc != NULL)
    {
      msg->from_name = g_strdup (acc->display_name);
      msg->from_address = g_strdup (acc->email);
    }
  add_parsed (msg->to, self->to_entry);
  add_parsed (msg->cc, self->cc_entry);
  add_parsed (msg->bcc, self->bcc_entry);
  msg->subject = g_strdup (gtk_entry_get_text (self->subject_entry));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  msg->body = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  msg->in_reply_to = g_strdup (self->in_reply_to);
  for (guint i = 0; i < self->references->len; i++)
    g_ptr_array_add (msg->references, g_strdup (g_ptr_array_index (self->references, i)));
  for (guint i = 0; i < self->attachments->len; i++)
    {
      Attachment *a = g_ptr_array_index (self->attachments, i);
      if (a->data != NULL)
        tern_outgoing_message_add_attachment_bytes (msg, a->data, a->name, a->content_type);
      else
        tern_outgoing_message_add_attachment_file (msg, a->path, a->name, a->content_type);
    }
  return msg;
}

/* ---- jobs (executor thread) ---- */

static gboolean
is_empty (TernOutgoingMessage *msg)
{
  return msg->to->len + msg->cc->len + msg->bcc->len + msg->attachments->len == 0 &&
         (msg->subject == NULL || *msg->subject == '\0') &&
         (msg->body == NULL || *msg->body == '\0');
}

static gboolean
save_job (TernStore *store, gpointer data, GError **error)
{
  ComposeJob *job = data;
  gint64 id;

  /* Nothing written yet and nothing to write: no draft. */
  if (is_empty (job->msg) && job->chain->draft_id == 0)
    {
      job->result = 0;
      return TRUE;
    }
  id = tern_draft_save (store, job->account_id, job->msg, job->origin, job->chain->draft_id,
                        error);
  if (id == 0)
    return FALSE;   /* rolled back: the previous draft is still there */
  job->chain->draft_id = id;
  job->result = id;
  return TRUE;
}

static gboolean
send_job (TernStore *store, gpointer data, GError **error)
{
  ComposeJob *job = data;
  gint64 id = tern_compose_queue_send (store, job->account_id, job->msg, job->origin,
                                       job->chain->draft_id, error);

  if (id == 0)
    return FALSE;
  job->chain->draft_id = 0;   /* queue_send discarded it */
  job->result = id;
  return TRUE;
}

static TernComposeOrigin *
origin_copy (const TernComposeOrigin *origin)
{
  TernComposeOrigin *copy;

  if (origin == NULL)
    return NULL;
  copy = g_new0 (TernComposeOrigin, 1);
  copy->message_id = g_strdup (origin->message_id);
  copy->forward = origin->forward;
  return copy;
}

/* Reads the fields now (main thread); the job owns what it needs. */
static ComposeJob *
compose_job_new (TernComposer *self)
{
  ComposeJob *job = g_new0 (ComposeJob, 1);

  job->chain = g_atomic_rc_box_acquire (self->chain);
  job->account_id = tern_composer_get_account_id (self);
  job->msg = tern_composer_get_message (self);
  job->origin = origin_copy (self->origin);
  job->seq = ++self->job_seq;
  return job;
}

/* Our copy of the draft id follows the newest job that came back (a sync
 * save may overtake an async one's callback). */
static void
apply_draft_id (TernComposer *self, ComposeJob *job, gint64 draft_id)
{
  if (job->seq <= self->applied_seq)
    return;
  self->applied_seq = job->seq;
  self->draft_id = draft_id;
}

/* ---- closing ---- */

static void
release_hold (TernComposer *self)
{
  GApplication *app = g_steal_pointer (&self->held);

  if (app != NULL)
    {
      g_application_release (app);
      g_object_unref (app);
    }
}

static gboolean
can_save (TernComposer *self)
{
  return self->dirty && !self->sent && current_account (self) != NULL;
}

/* Closing waits for the executor; once nothing of ours is left in it,
 * the window goes. */
static void
maybe_finish_close (TernComposer *self)
{
  if (!self->closing || self->saving || self->sending || self->destroyed)
    return;
  if (can_save (self))
    {
      start_save (self);
      return;
    }
  release_hold (self);
  gtk_widget_destroy (GTK_WIDGET (self));
}

/* The work could not be kept: the window comes back rather than lose it. */
static void
abort_close (TernComposer *self, const char *what, const GError *error)
{
  g_autofree char *text = g_strdup_printf (_("%s The window stays open."), what);

  self->closing = FALSE;
  release_hold (self);
  if (self->destroyed)
    return;
  gtk_window_present (GTK_WINDOW (self));
  show_error (self, text, error);
}

/* ---- drafts ---- */

static void
on_saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernComposer) self = user_data;
  ComposeJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->saving = FALSE;
  if (!tern_store_executor_run_finish (self->executor, result, &error))
    {
      /* Still unsaved; the next edit (or close) tries again. */
      self->dirty = !self->sent;
      self->save_again = FALSE;
      if (self->closing)
        abort_close (self, _("The draft could not be saved."), error);
      else
        show_error (self, _("The draft could not be saved."), error);
      return;
    }
  apply_draft_id (self, job, job->result);
  if (self->save_again)
    {
      self->save_again = FALSE;
      start_save (self);
      return;
    }
  maybe_finish_close (self);
}

/* Saves in the executor; at most one save of this composer is in flight. */
static void
start_save (TernComposer *self)
{
  g_clear_handle_id (&self->autosave_id, g_source_remove);
  if (self->saving)
    {
      self->save_again = TRUE;   /* the newest text, once this one is done */
      return;
    }
  if (self->sending || !can_save (self))
    {
      /* Sending: the send either succeeds (no draft needed) or fails and
       * re-arms the timer. */
      maybe_finish_close (self);
      return;
    }
  self->dirty = FALSE;   /* edits from now on make it dirty again */
  self->saving = TRUE;
  tern_store_executor_run_async (self->executor, save_job, compose_job_new (self),
                                 (GDestroyNotify) compose_job_free, NULL, on_saved,
                                 g_object_ref (self));
}

void
tern_composer_save_draft_async (TernComposer *self)
{
  g_return_if_fail (TERN_IS_COMPOSER (self));
  start_save (self);
}

gint64
tern_composer_save_draft (TernComposer *self, GError **error)
{
  ComposeJob *job;
  gint64 id;

  g_return_val_if_fail (TERN_IS_COMPOSER (self), 0);
  g_clear_handle_id (&self->autosave_id, g_source_remove);
  if (!can_save (self))
    return self->draft_id;
  job = compose_job_new (self);
  self->dirty = FALSE;
  /* Queued behind a save in flight, so it replaces that one's draft. */
  if (!tern_store_executor_run_sync (self->executor, save_job, job, error))
    {
      self->dirty = TRUE;
      compose_job_free (job);
      return 0;
    }
  apply_draft_id (self, job, job->result);
  id = job->result;
  compose_job_free (job);
  return id;
}

gint64
tern_composer_get_draft_id (TernComposer *self)
{
  return self->draft_id;
}

/* ---- sending ---- */

static void
send_finished (TernComposer *self, ComposeJob *job, const GError *error)
{
  self->sending = FALSE;
  if (error != NULL)
    {
      g_simple_action_set_enabled (self->send_gaction, TRUE);
      if (self->closing)
        abort_close (self, _("The message was not sent."), error);
      else
        show_error (self, _("The message was not sent."), error);
      /* Edits made while it was being queued are not saved yet. */
      if (!self->destroyed && self->dirty && self->autosave_id == 0)
        self->autosave_id = g_timeout_add_seconds (TERN_COMPOSER_AUTOSAVE_SECONDS, autosave_cb,
                                                   self);
      return;
    }
  /* The outbox row is durably committed: now the window may go. */
  apply_draft_id (self, job, 0);
  self->outbox_id = job->result;
  self->sent = TRUE;
  self->dirty = FALSE;
  g_clear_handle_id (&self->autosave_id, g_source_remove);
  release_hold (self);
  if (!self->destroyed)
    gtk_widget_destroy (GTK_WIDGET (self));
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernComposer) self = user_data;
  ComposeJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  tern_store_executor_run_finish (self->executor, result, &error);
  send_finished (self, job, error);
}

/* Queues the message (no more checks). Async for the UI; sync (run_sync)
 * for tern_composer_send(). */
static gboolean
queue_message (TernComposer *self, gboolean async)
{
  g_autoptr(GError) error = NULL;
  ComposeJob *job;

  if (current_account (self) == NULL)
    {
      show_error (self, _("Choose the account to send from."), NULL);
      return FALSE;
    }
  if (self->sending)
    return FALSE;
  /* Saves already queued run first (the executor keeps order), so the
   * send discards the draft they leave. */
  g_clear_handle_id (&self->autosave_id, g_source_remove);
  self->sending = TRUE;
  g_simple_action_set_enabled (self->send_gaction, FALSE);
  job = compose_job_new (self);
  if (async)
    {
      tern_store_executor_run_async (self->executor, send_job, job,
                                     (GDestroyNotify) compose_job_free, NULL, on_sent,
                                     g_object_ref (self));
      return TRUE;
    }
  g_object_ref (self);   /* destroying the window must not free it under us */
  tern_store_executor_run_sync (self->executor, send_job, job, &error);
  send_finished (self, job, error);
  compose_job_free (job);
  g_object_unref (self);
  return error == NULL;
}

/* The checks before sending; FALSE when a warning or error is shown. */
static gboolean
check_before_send (TernComposer *self)
{
  g_autoptr(TernOutgoingMessage) msg = tern_composer_get_message (self);

  if (self->sent || self->sending)
    return FALSE;
  gtk_widget_hide (GTK_WIDGET (self->error_bar));
  if (msg->to->len + msg->cc->len + msg->bcc->len == 0)
    {
      show_error (self, _("Add at least one recipient."), NULL);
      return FALSE;
    }
  if (self->attachments->len == 0 && tern_compose_mentions_attachment (msg->body))
    {
      gtk_widget_show (GTK_WIDGET (self->attach_warning));
      return FALSE;
    }
  return TRUE;
}

gboolean
tern_composer_send (TernComposer *self)
{
  g_return_val_if_fail (TERN_IS_COMPOSER (self), FALSE);
  return check_before_send (self) && queue_message (self, FALSE);
}

gboolean
tern_composer_send_async (TernComposer *self)
{
  g_return_val_if_fail (TERN_IS_COMPOSER (self), FALSE);
  return check_before_send (self) && queue_message (self, TRUE);
}

gboolean
tern_composer_is_attachment_warning_shown (TernComposer *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->attach_warning));
}

void
tern_composer_respond_attachment_warning (TernComposer *self, gboolean send_anyway)
{
  gtk_info_bar_response (self->attach_warning, send_anyway ? SEND_ANYWAY : GTK_RESPONSE_CANCEL);
}

static void
on_attach_warning_response (TernComposer *self, int response)
{
  gtk_widget_hide (GTK_WIDGET (self->attach_warning));
  if (response == SEND_ANYWAY)
    queue_message (self, TRUE);
}

gint64
tern_composer_get_outbox_id (TernComposer *self)
{
  return self->outbox_id;
}

static void
send_action (GSimpleAction *action, GVariant *param, gpointer data)
{
  tern_composer_send_async (TERN_COMPOSER (data));
}

/* ---- window ---- */

static gboolean
tern_composer_delete_event (GtkWidget *widget, GdkEventAny *event)
{
  TernComposer *self = TERN_COMPOSER (widget);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (self->sent)
    return FALSE;
  if (self->closing)
    return TRUE;   /* already on its way out */
  if (!can_save (self) && !self->saving && !self->sending)
    return FALSE;
  /* Closing keeps the work: the window goes at once, the save finishes in
   * the executor, and the application stays up until it has. */
  self->closing = TRUE;
  if (app != NULL)
    {
      self->held = G_APPLICATION (g_object_ref (app));
      g_application_hold (self->held);
    }
  gtk_widget_hide (widget);
  start_save (self);
  return TRUE;
}

static void
tern_composer_dispose (GObject *object)
{
  TernComposer *self = TERN_COMPOSER (object);

  /* Jobs in flight keep a reference and come back to a destroyed window:
   * they must not touch its widgets. */
  self->destroyed = TRUE;
  g_clear_handle_id (&self->autosave_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  release_hold (self);
#ifdef HAVE_GSPELL
  /* gspell re-creates its checker when the view drops its buffer during
   * destruction and crashes on the half-destroyed view: turn it off first. */
  if (self->body_view != NULL)
    gspell_text_view_set_inline_spell_checking (
        gspell_text_view_get_from_gtk_text_view (self->body_view), FALSE);
#endif
  G_OBJECT_CLASS (tern_composer_parent_class)->dispose (object);
}

static void
tern_composer_finalize (GObject *object)
{
  TernComposer *self = TERN_COMPOSER (object);

  g_clear_object (&self->store);
  g_clear_object (&self->executor);
  g_clear_pointer (&self->chain, g_atomic_rc_box_release);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  g_clear_pointer (&self->attachments, g_ptr_array_unref);
  g_clear_pointer (&self->references, g_ptr_array_unref);
  g_clear_object (&self->completions);
  g_clear_pointer (&self->origin, tern_compose_origin_free);
  g_free (self->in_reply_to);
  G_OBJECT_CLASS (tern_composer_parent_class)->finalize (object);
}

enum { PROP_0, PROP_STORE, PROP_STORE_EXECUTOR, N_PROPS };

static void
tern_composer_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TernComposer *self = TERN_COMPOSER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_STORE_EXECUTOR:
      self->executor = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_composer_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TernComposer *self = TERN_COMPOSER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_STORE_EXECUTOR:
      g_value_set_object (value, self->executor);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The accounts and the address completion need the store and the executor,
 * which are construct properties: set by now. */
static void
tern_composer_constructed (GObject *object)
{
  TernComposer *self = TERN_COMPOSER (object);

  G_OBJECT_CLASS (tern_composer_parent_class)->constructed (object);
  g_return_if_fail (self->store != NULL && self->executor != NULL);
  self->loading = TRUE;
  load_accounts (self);
  setup_completion (self);
  self->loading = FALSE;
}

static void
tern_composer_class_init (TernComposerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamSpec *props[N_PROPS] = { NULL };

  object_class->dispose = tern_composer_dispose;
  object_class->finalize = tern_composer_finalize;
  object_class->set_property = tern_composer_set_property;
  object_class->get_property = tern_composer_get_property;
  object_class->constructed = tern_composer_constructed;
  /* Read on the main thread only (the window passes its read-only one). */
  props[PROP_STORE] = g_param_spec_object ("store", NULL, NULL, TERN_TYPE_STORE,
                                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                           G_PARAM_STATIC_STRINGS);
  /* Every write of this composer (drafts, the outbox row) runs here. */
  props[PROP_STORE_EXECUTOR] = g_param_spec_object ("store-executor", NULL, NULL,
                                                    TERN_TYPE_STORE_EXECUTOR,
                                                    G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                                    G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
  widget_class->delete_event = tern_composer_delete_event;
  (void) tern_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ternmail/Tern/tern-composer.ui");
  gtk_widget_class_bind_template_child (widget_class, TernComposer, header_bar);
  gtk_widget_class_bind_template_child (widget_class, TernComposer, attach_warning);
  gtk_widget_class_bind_template_child (widget_class, TernComposer, size_warning);
  gtk_widget_class_bind_template_child (widget_class, TernComposer, size_label);
  gtk_widget_class_bind_template_child (widget_class, TernComposer, error_bar);
  gtk_widget_class_bind_template_child (widget_class, TernComposer, error_label);
  gtk_widget_class_bind_template_child (widget_class, TernComposer, from_combo);
  gtk_widget_class_bind_template_child (widget_class, TernComposer, to_entry);
  gtk_widget_class_bind_template_child (widget_class, TernComposer, cc_entry);
  gtk_widget_class_bind_template_child (widget_class, TernComposer, bcc_entry);
  gtk_widget_class_bind_template_child (widget_class, TernComposer, subject_entry);
  gtk_widget_class_bind_template_child (widget_class, TernComposer, body_view);
  gtk_widget_class_bind_template_child (widget_class, TernComposer, attachment_list);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_attach_warning_response);
}

static const GActionEntry composer_actions[] = {
  { .name = "send", .activate = send_action },
  { .name = "attach", .activate = attach_action },
};

static void
tern_composer_init (TernComposer *self)
{
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  static const GtkTargetEntry targets[] = { { (char *) "text/uri-list", 0, 0 } };

  gtk_widget_init_template (GTK_WIDGET (self));
  /* Screen readers read the fields' names and the bars' close buttons. */
  tern_a11y_name_from_labels (GTK_WIDGET (self));
  tern_info_bar_name_close_button (self->attach_warning);
  tern_info_bar_name_close_button (self->size_warning);
  tern_info_bar_name_close_button (self->error_bar);
  self->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) attachment_free);
  self->references = g_ptr_array_new_with_free_func (g_free);
  g_action_map_add_action_entries (G_ACTION_MAP (group), composer_actions,
                                   G_N_ELEMENTS (composer_actions), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "composer", G_ACTION_GROUP (group));
  self->send_gaction = G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (group), "send"));
  self->chain = g_atomic_rc_box_new0 (DraftChain);
  self->cancellable = g_cancellable_new ();
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->body_view), "changed",
                            G_CALLBACK (on_field_changed), self);
  gtk_drag_dest_set (GTK_WIDGET (self), GTK_DEST_DEFAULT_ALL, targets, G_N_ELEMENTS (targets),
                     GDK_ACTION_COPY);
  g_signal_connect (self, "drag-data-received", G_CALLBACK (on_drag_data_received), self);
  /* The Send tooltip promises Ctrl+Enter; Escape closes, saving the draft. */
  tern_keys_bind_ctrl_enter (GTK_WINDOW (self), "composer", "send");
  tern_keys_close_on_escape (GTK_WINDOW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->to_entry));
#ifdef HAVE_GSPELL
  {
    GspellTextView *spell = gspell_text_view_get_from_gtk_text_view (self->body_view);
    gspell_text_view_basic_setup (spell);
  }
#endif
}

TernComposer *
tern_composer_new (GtkApplication *app, TernStore *store, TernStoreExecutor *executor)
{
  g_return_val_if_fail (TERN_IS_STORE (store), NULL);
  g_return_val_if_fail (TERN_IS_STORE_EXECUTOR (executor), NULL);
  return g_object_new (TERN_TYPE_COMPOSER, "application", app, "store", store,
                       "store-executor", executor, NULL);
}

static void
focus_body_start (TernComposer *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->body_view);
  GtkTextIter start;

  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_place_cursor (buffer, &start);
  gtk_widget_grab_focus (GTK_WIDGET (self->body_view));
}

TernComposer *
tern_composer_new_from_message (GtkApplication *app, TernStore *store, TernStoreExecutor *executor,
                                gint64 message_id, TernComposeMode mode, GError **error)
{
  g_autoptr(TernMessageSummary) orig = tern_store_get_message (store, message_id, error);
  g_autoptr(TernAccountSettings) account = NULL;
  g_autoptr(TernOutgoingMessage) msg = NULL;
  TernComposeOrigin *origin = NULL;
  TernComposer *self;

  if (orig == NULL)
    return NULL;
  account = tern_store_get_account (store, orig->account_id, error);
  if (account == NULL)
    return NULL;
  msg = tern_compose_new_from_message (store, message_id, account, mode, &origin, error);
  if (msg == NULL)
    return NULL;
  self = tern_composer_new (app, store, executor);
  self->origin = origin;
  fill_fields (self, msg);
  /* A reply has its recipients: the user starts writing, above the quote. */
  if (mode == TERN_COMPOSE_REPLY || mode == TERN_COMPOSE_REPLY_ALL)
    focus_body_start (self);
  return self;
}

TernComposer *
tern_composer_new_for_draft (GtkApplication *app, TernStore *store, TernStoreExecutor *executor,
                             gint64 draft_id, GError **error)
{
  TernComposeOrigin *origin = NULL;
  g_autoptr(TernOutgoingMessage) msg = tern_draft_load (store, draft_id, &origin, error);
  TernComposer *self;

  if (msg == NULL)
    return NULL;
  self = tern_composer_new (app, store, executor);
  self->origin = origin;
  self->draft_id = draft_id;
  self->chain->draft_id = draft_id;   /* no job has run yet */
  fill_fields (self, msg);
  return self;
}

TernComposer *
tern_composer_new_for_mailto (GtkApplication *app, TernStore *store, TernStoreExecutor *executor,
                              const char *uri)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernMailto) link = tern_mailto_parse (uri, &error);
  g_autoptr(TernOutgoingMessage) msg = NULL;
  TernComposer *self;

  if (link == NULL)
    {
      g_message ("Ignoring a link: %s", error->message);
      return NULL;
    }
  msg = tern_outgoing_message_new ();
  for (guint i = 0; i < link->to->len; i++)
    g_ptr_array_add (msg->to, tern_address_copy (g_ptr_array_index (link->to, i)));
  for (guint i = 0; i < link->cc->len; i++)
    g_ptr_array_add (msg->cc, tern_address_copy (g_ptr_array_index (link->cc, i)));
  for (guint i = 0; i < link->bcc->len; i++)
    g_ptr_array_add (msg->bcc, tern_address_copy (g_ptr_array_index (link->bcc, i)));
  msg->subject = g_strdup (link->subject);
  msg->body = g_strdup (link->body);
  msg->in_reply_to = g_strdup (link->in_reply_to);
  self = tern_composer_new (app, store, executor);
  fill_fields (self, msg);
  return self;
}
