/* tern-mime-reply.c: replies and forwards built from a parsed message. */
#include "mime/tern-mime-reply.h"
#include "mime/tern-mime-render.h"
#include "mime/tern-mime-private.h"

#include <string.h>

/* One line of UTF-8 with no CR/LF. */
static char *
one_line (const char *s)
{
  return g_strstrip (tern_mime_sanitize_utf8 (s ? s : "", -1, TRUE));
}

/* ---- subjects ---- */

static const char *const reply_prefixes[] = {
  "re", "aw", "sv", "antw", "odp", "r", "rif", "res", "ynt", "atb", "vs", "vá", "ats", NULL };
static const char *const forward_prefixes[] = {
  "fwd", "fw", "wg", "tr", "rv", "doorst", "enc", "pd", "vb", "i", "İlt", NULL };

/* Length of one "Prefix:" / "Prefix[2]:" / "Prefix(2):" at @s from @list, or 0. */
static gsize
prefix_length (const char *s, const char *const *list)
{
  for (guint i = 0; list[i]; i++)
    {
      gsize n = strlen (list[i]);
      const char *p = s + n;

      if (g_ascii_strncasecmp (s, list[i], n) != 0)
        continue;
      if (*p == '[' || *p == '(')
        {
          char close = *p == '[' ? ']' : ')';
          p++;
          while (g_ascii_isdigit (*p))
            p++;
          if (*p != close)
            continue;
          p++;
        }
      while (*p == ' ')
        p++;
      if (*p == ':')
        return p + 1 - s;
      if (strncmp (p, "\xef\xbc\x9a", 3) == 0)   /* full-width colon */
        return p + 3 - s;
    }
  return 0;
}

static char *
strip_prefixes (const char *subject, gboolean reply, gboolean forward)
{
  g_autofree char *clean = one_line (subject);
  const char *s = clean;

  for (guint rounds = 0; rounds < 100; rounds++)
    {
      gsize n = 0;
      while (*s == ' ')
        s++;
      if (reply)
        n = prefix_length (s, reply_prefixes);
      if (n == 0 && forward)
        n = prefix_length (s, forward_prefixes);
      if (n == 0)
        break;
      s += n;
    }
  while (*s == ' ')
    s++;
  return g_strdup (s);
}

char *
tern_mime_subject_base (const char *subject)
{
  return strip_prefixes (subject, TRUE, TRUE);
}

char *
tern_mime_reply_subject (const char *subject)
{
  g_autofree char *base = strip_prefixes (subject, TRUE, FALSE);

  return g_strconcat ("Re: ", base, NULL);
}

char *
tern_mime_forward_subject (const char *subject)
{
  g_autofree char *base = strip_prefixes (subject, FALSE, TRUE);

  return g_strconcat ("Fwd: ", base, NULL);
}

/* ---- reply recipients ---- */

static gboolean
address_in (const char *address, const char *const *list)
{
  for (guint i = 0; list && list[i]; i++)
    if (g_ascii_strcasecmp (address, list[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
address_in_array (const char *address, GPtrArray *array)
{
  for (guint i = 0; i < array->len; i++)
    if (g_ascii_strcasecmp (address, ((TernAddress *) g_ptr_array_index (array, i))->address) == 0)
      return TRUE;
  return FALSE;
}

/* Append @from to @out, skipping mine (if @skip_mine), empties and repeats. */
static void
append_unique (GPtrArray *out, GPtrArray *from, const char *const *mine, gboolean skip_mine,
               GPtrArray *also_exclude)
{
  for (guint i = 0; from && i < from->len; i++)
    {
      TernAddress *a = g_ptr_array_index (from, i);
      if (*a->address == '\0' || (skip_mine && address_in (a->address, mine)) ||
          address_in_array (a->address, out) || (also_exclude && address_in_array (a->address, also_exclude)))
        continue;
      g_ptr_array_add (out, tern_address_copy (a));
    }
}

void
tern_mime_reply_recipients (TernParsedMessage *orig, const char *const *my_addresses,
                            gboolean reply_all, GPtrArray **to, GPtrArray **cc)
{
  g_autoptr(GPtrArray) sender = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_address_free);
  gboolean sent_by_me = address_in (orig->from_address, my_addresses);
  GPtrArray *primary;

  *to = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_address_free);
  *cc = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_address_free);
  g_ptr_array_add (sender, tern_address_new (orig->from_name, orig->from_address));
  if (sent_by_me)
    primary = orig->to_list;    /* following up on my own message */
  else
    primary = orig->reply_to_list->len > 0 ? orig->reply_to_list : sender;

  append_unique (*to, primary, my_addresses, !sent_by_me, NULL);
  if (reply_all)
    {
      append_unique (*to, orig->to_list, my_addresses, TRUE, NULL);
      append_unique (*cc, orig->cc_list, my_addresses, TRUE, *to);
    }
  if ((*to)->len == 0 && (*cc)->len > 0)
    g_ptr_array_add (*to, g_ptr_array_steal_index (*cc, 0));
  if ((*to)->len == 0)
    append_unique (*to, primary->len ? primary : sender, NULL, FALSE, NULL);
}

GPtrArray *
tern_mime_reply_references (TernParsedMessage *orig)
{
  GPtrArray *refs = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < orig->references->len; i++)
    g_ptr_array_add (refs, g_strdup (g_ptr_array_index (orig->references, i)));
  if (refs->len == 0 && orig->in_reply_to != NULL)
    g_ptr_array_add (refs, g_strdup (orig->in_reply_to));
  if (orig->message_id != NULL)
    g_ptr_array_add (refs, g_strdup (orig->message_id));
  return refs;
}

static char *
format_date (gint64 date)
{
  g_autoptr(GDateTime) dt = date ? g_date_time_new_from_unix_local (date) : NULL;

  return dt ? g_date_time_format (dt, "%a, %d %b %Y at %H:%M") : NULL;
}

char *
tern_mime_quote_body (TernParsedMessage *orig)
{
  g_autofree char *body = tern_mime_render_plain_body (orig);
  g_autofree char *date = format_date (orig->date);
  const char *who = *orig->from_name ? orig->from_name : orig->from_address;
  g_auto(GStrv) lines = NULL;
  GString *out = g_string_new (NULL);
  guint n;
  char *sig;

  if (g_str_has_prefix (body, "-- \n"))
    *body = '\0';
  else if ((sig = strstr (body, "\n-- \n")) != NULL)
    *sig = '\0';   /* the signature is not quoted */
  lines = g_strsplit (body, "\n", -1);
  n = g_strv_length (lines);
  while (n > 0 && *g_strstrip (lines[n - 1]) == '\0')
    n--;
  if (date != NULL)
    g_string_append_printf (out, "On %s, %s wrote:\n", date, who);
  else
    g_string_append_printf (out, "%s wrote:\n", who);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (out, "%s%s\n", lines[i][0] == '>' || lines[i][0] == '\0' ? ">" : "> ", lines[i]);
  return g_string_free (out, FALSE);
}

static TernOutgoingMessage *
new_from (const char *from_name, const char *from_address)
{
  TernOutgoingMessage *msg = tern_outgoing_message_new ();

  msg->from_name = g_strdup (from_name);
  msg->from_address = g_strdup (from_address);
  return msg;
}

TernOutgoingMessage *
tern_outgoing_message_new_reply (TernParsedMessage *orig, const char *from_name, const char *from_address,
                                 const char *const *my_addresses, gboolean reply_all)
{
  TernOutgoingMessage *msg = new_from (from_name, from_address);
  g_autofree char *quote = tern_mime_quote_body (orig);

  g_ptr_array_unref (msg->to);
  g_ptr_array_unref (msg->cc);
  tern_mime_reply_recipients (orig, my_addresses, reply_all, &msg->to, &msg->cc);
  msg->subject = tern_mime_reply_subject (orig->subject);
  msg->in_reply_to = g_strdup (orig->message_id);
  g_ptr_array_unref (msg->references);
  msg->references = tern_mime_reply_references (orig);
  msg->body = g_strconcat ("\n\n", quote, NULL);
  return msg;
}

static char *
forward_header_block (TernParsedMessage *orig)
{
  GString *out = g_string_new ("-------- Forwarded Message --------\n");
  g_autofree char *date = format_date (orig->date);
  TernAddress sender = { orig->from_name, orig->from_address };
  g_autofree char *from = tern_address_to_display (&sender);

  g_string_append_printf (out, "Subject: %s\n", orig->subject);
  if (date)
    g_string_append_printf (out, "Date: %s\n", date);
  g_string_append_printf (out, "From: %s\n", from);
  if (*orig->to)
    g_string_append_printf (out, "To: %s\n", orig->to);
  if (*orig->cc)
    g_string_append_printf (out, "Cc: %s\n", orig->cc);
  g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}

TernOutgoingMessage *
tern_outgoing_message_new_forward (TernParsedMessage *orig, const char *from_name,
                                   const char *from_address, gboolean as_attachment)
{
  TernOutgoingMessage *msg = new_from (from_name, from_address);

  msg->subject = tern_mime_forward_subject (orig->subject);
  if (as_attachment)
    {
      g_autofree char *name = tern_mime_filename_from_subject (orig->subject);
      msg->body = g_strdup ("");
      tern_outgoing_message_add_attachment_bytes (msg, orig->raw, name, "message/rfc822");
      return msg;
    }
  {
    g_autofree char *header = forward_header_block (orig);
    g_autofree char *body = tern_mime_render_plain_body (orig);
    msg->body = g_strconcat ("\n\n", header, body, NULL);
  }
  for (guint i = 0; i < orig->attachments->len; i++)
    {
      TernMimeAttachment *att = g_ptr_array_index (orig->attachments, i);
      g_autoptr(GBytes) bytes = NULL;

      if (att->is_inline_image)
        continue;
      bytes = tern_mime_get_part_bytes (orig, att->part_path, NULL, NULL);
      if (bytes != NULL)
        tern_outgoing_message_add_attachment_bytes (msg, bytes, att->filename, att->content_type);
    }
  return msg;
}
