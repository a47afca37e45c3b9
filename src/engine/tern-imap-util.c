/* tern-imap-util.c: libetpan IMAP structures to Tern's and back. */
#include <string.h>

#include "tern-error.h"
#include "tern-imap-util.h"

void
tern_imap_set_error (GError **error, mailimap *imap, int r, const char *what,
                     gboolean *must_reconnect)
{
  const char *said = imap != NULL && imap->imap_response != NULL ? imap->imap_response : NULL;
  gboolean dead = r == MAILIMAP_ERROR_STREAM || r == MAILIMAP_ERROR_PARSE ||
                  r == MAILIMAP_ERROR_FATAL;

  if (must_reconnect != NULL && dead)
    *must_reconnect = TRUE;

  switch (r)
    {
    case MAILIMAP_ERROR_STREAM:
      g_set_error (error, TERN_ERROR, TERN_ERROR_CONNECTION_LOST,
                   "The connection to the incoming mail server (IMAP) was lost during %s. "
                   "Tern will try again.", what);
      return;
    case MAILIMAP_ERROR_PARSE:
      /* After a parse error the stream is out of step: the caller drops it. */
      g_set_error (error, TERN_ERROR, TERN_ERROR_PROTOCOL,
                   "The incoming mail server (IMAP) sent a reply Tern could not understand "
                   "during %s.", what);
      return;
    case MAILIMAP_ERROR_LOGIN:
    case MAILIMAP_ERROR_SASL:
      g_set_error (error, TERN_ERROR, TERN_ERROR_AUTH,
                   "The incoming mail server (IMAP) refused the user name or password%s%s",
                   said ? ": " : ".", said ? said : "");
      return;
    case MAILIMAP_ERROR_MEMORY:
      g_set_error (error, TERN_ERROR, TERN_ERROR_FAILED, "Out of memory during %s.", what);
      return;
    default:
      g_set_error (error, TERN_ERROR, TERN_ERROR_FAILED,
                   "The incoming mail server (IMAP) refused %s%s%s", what,
                   said ? ": " : ".", said ? said : "");
      return;
    }
}

static int
compare_uid (gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;
  return x < y ? -1 : x > y;
}

/* Sorted, de-duplicated copy of @uids, then calls @emit for every run. */
static void
for_each_run (const guint32 *uids, guint n,
              void (*emit) (guint32 first, guint32 last, gpointer data), gpointer data)
{
  g_autofree guint32 *sorted = g_memdup2 (uids, n * sizeof (guint32));
  guint i = 0;

  qsort (sorted, n, sizeof (guint32), compare_uid);
  while (i < n)
    {
      guint32 first = sorted[i], last = sorted[i];

      while (i + 1 < n && (sorted[i + 1] == last || sorted[i + 1] == last + 1))
        last = sorted[++i];
      emit (first, last, data);
      i++;
    }
}

static void
emit_set_item (guint32 first, guint32 last, gpointer data)
{
  mailimap_set_add_interval (data, first, last);
}

struct mailimap_set *
tern_imap_set_from_uids (const guint32 *uids, guint n)
{
  struct mailimap_set *set = mailimap_set_new_empty ();

  for_each_run (uids, n, emit_set_item, set);
  return set;
}

static void
emit_string_item (guint32 first, guint32 last, gpointer data)
{
  GString *s = data;

  if (s->len > 0)
    g_string_append_c (s, ',');
  if (first == last)
    g_string_append_printf (s, "%u", first);
  else
    g_string_append_printf (s, "%u:%u", first, last);
}

char *
tern_imap_uid_set_to_string (const guint32 *uids, guint n)
{
  GString *s = g_string_new (NULL);

  for_each_run (uids, n, emit_string_item, s);
  return g_string_free (s, FALSE);
}

static gboolean
parse_uid (const char *text, guint32 *out)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT32, &v, NULL))
    return FALSE;
  *out = (guint32) v;
  return TRUE;
}

gboolean
tern_imap_uid_set_parse (const char *text, GArray *uids_out)
{
  g_auto(GStrv) items = g_strsplit (text, ",", -1);

  if (items[0] == NULL)
    return FALSE;
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto(GStrv) ends = g_strsplit (items[i], ":", 2);
      guint32 first, last;

      if (!parse_uid (ends[0], &first))
        return FALSE;
      last = first;
      if (ends[1] != NULL && !parse_uid (ends[1], &last))
        return FALSE;
      if (last < first)
        {
          guint32 t = first;
          first = last;
          last = t;
        }
      /* A set names our own messages; a huge range is a corrupt row. */
      if (last - first > 10000000)
        return FALSE;
      for (guint64 u = first; u <= last; u++)
        {
          guint32 v = (guint32) u;
          g_array_append_val (uids_out, v);
        }
    }
  return TRUE;
}

static guint
keyword_flag (const char *keyword)
{
  if (g_ascii_strcasecmp (keyword, "$Forwarded") == 0)
    return TERN_FLAG_FORWARDED;
  if (g_ascii_strcasecmp (keyword, "$Junk") == 0 || g_ascii_strcasecmp (keyword, "Junk") == 0)
    return TERN_FLAG_JUNK;
  return 0;
}

static guint
system_flag (int type)
{
  switch (type)
    {
    case MAILIMAP_FLAG_ANSWERED: return TERN_FLAG_ANSWERED;
    case MAILIMAP_FLAG_FLAGGED: return TERN_FLAG_FLAGGED;
    case MAILIMAP_FLAG_DELETED: return TERN_FLAG_DELETED;
    case MAILIMAP_FLAG_SEEN: return TERN_FLAG_SEEN;
    case MAILIMAP_FLAG_DRAFT: return TERN_FLAG_DRAFT;
    default: return 0;
    }
}

guint
tern_imap_flags_from_fetch (clist *flag_fetch_list, GString *keywords)
{
  guint flags = 0;

  for (clistiter *it = clist_begin (flag_fetch_list); it != NULL; it = clist_next (it))
    {
      struct mailimap_flag_fetch *ff = clist_content (it);
      struct mailimap_flag *f;

      if (ff->fl_type != MAILIMAP_FLAG_FETCH_OTHER || ff->fl_flag == NULL)
        continue;
      f = ff->fl_flag;
      if (f->fl_type == MAILIMAP_FLAG_KEYWORD && f->fl_data.fl_keyword != NULL)
        {
          guint bit = keyword_flag (f->fl_data.fl_keyword);

          flags |= bit;
          if (bit == 0 && keywords != NULL)
            {
              if (keywords->len > 0)
                g_string_append_c (keywords, ' ');
              g_string_append (keywords, f->fl_data.fl_keyword);
            }
        }
      else
        flags |= system_flag (f->fl_type);
    }
  return flags;
}

struct mailimap_flag_list *
tern_imap_flag_list_new (guint flags)
{
  struct mailimap_flag_list *list = mailimap_flag_list_new_empty ();

  if (flags & TERN_FLAG_SEEN)
    mailimap_flag_list_add (list, mailimap_flag_new_seen ());
  if (flags & TERN_FLAG_ANSWERED)
    mailimap_flag_list_add (list, mailimap_flag_new_answered ());
  if (flags & TERN_FLAG_FLAGGED)
    mailimap_flag_list_add (list, mailimap_flag_new_flagged ());
  if (flags & TERN_FLAG_DELETED)
    mailimap_flag_list_add (list, mailimap_flag_new_deleted ());
  if (flags & TERN_FLAG_DRAFT)
    mailimap_flag_list_add (list, mailimap_flag_new_draft ());
  if (flags & TERN_FLAG_FORWARDED)
    mailimap_flag_list_add (list, mailimap_flag_new_flag_keyword (strdup ("$Forwarded")));
  if (flags & TERN_FLAG_JUNK)
    mailimap_flag_list_add (list, mailimap_flag_new_flag_keyword (strdup ("$Junk")));
  return list;
}

static gint64
date_time_to_unix (const struct mailimap_date_time *dt)
{
  int zone = dt->dt_zone;  /* +HHMM as an integer */
  int sign = zone < 0 ? -1 : 1;
  int minutes = sign * ((sign * zone) / 100 * 60 + (sign * zone) % 100);
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset (minutes * 60);
  g_autoptr(GDateTime) gdt = NULL;

  if (tz == NULL)
    tz = g_time_zone_new_utc ();
  gdt = g_date_time_new (tz, dt->dt_year, dt->dt_month, dt->dt_day,
                         dt->dt_hour, dt->dt_min, dt->dt_sec);
  return gdt != NULL ? g_date_time_to_unix (gdt) : 0;
}

static gboolean
body_fields_is_attachment (struct mailimap_body_fields *fields,
                           struct mailimap_body_ext_1part *ext)
{
  if (ext != NULL && ext->bd_disposition != NULL &&
      ext->bd_disposition->dsp_type != NULL &&
      g_ascii_strcasecmp (ext->bd_disposition->dsp_type, "attachment") == 0)
    return TRUE;
  if (fields != NULL && fields->bd_parameter != NULL)
    for (clistiter *it = clist_begin (fields->bd_parameter->pa_list); it; it = clist_next (it))
      {
        struct mailimap_single_body_fld_param *p = clist_content (it);
        if (p->pa_name != NULL && g_ascii_strncasecmp (p->pa_name, "name", 4) == 0)
          return TRUE;
      }
  return FALSE;
}

/* Walks a BODYSTRUCTURE: a part counts as an attachment when it says so
 * (disposition, a file name) or is an attached message. Depth is bounded. */
static gboolean
body_has_attachments (struct mailimap_body *body, guint depth)
{
  if (body == NULL || depth > 32)
    return FALSE;
  if (body->bd_type == MAILIMAP_BODY_MPART)
    {
      for (clistiter *it = clist_begin (body->bd_data.bd_body_mpart->bd_list); it; it = clist_next (it))
        if (body_has_attachments (clist_content (it), depth + 1))
          return TRUE;
      return FALSE;
    }
  {
    struct mailimap_body_type_1part *one = body->bd_data.bd_body_1part;
    if (one->bd_type == MAILIMAP_BODY_TYPE_1PART_MSG)
      return TRUE;
    if (one->bd_type == MAILIMAP_BODY_TYPE_1PART_BASIC)
      return body_fields_is_attachment (one->bd_data.bd_type_basic->bd_fields, one->bd_ext_1part);
    if (one->bd_type == MAILIMAP_BODY_TYPE_1PART_TEXT)
      return body_fields_is_attachment (one->bd_data.bd_type_text->bd_fields, one->bd_ext_1part);
  }
  return FALSE;
}

static void
parse_static (struct mailimap_msg_att_static *st, TernImapFetched *out)
{
  switch (st->att_type)
    {
    case MAILIMAP_MSG_ATT_UID:
      out->uid = st->att_data.att_uid;
      break;
    case MAILIMAP_MSG_ATT_INTERNALDATE:
      if (st->att_data.att_internal_date != NULL)
        out->internal_date = date_time_to_unix (st->att_data.att_internal_date);
      break;
    case MAILIMAP_MSG_ATT_RFC822_SIZE:
      out->size = st->att_data.att_rfc822_size;
      break;
    case MAILIMAP_MSG_ATT_BODYSTRUCTURE:
      out->has_attachments = body_has_attachments (st->att_data.att_bodystructure, 0);
      break;
    case MAILIMAP_MSG_ATT_BODY_SECTION:
      {
        struct mailimap_msg_att_body_section *sec = st->att_data.att_body_section;
        if (sec == NULL || sec->sec_body_part == NULL)
          break;
        out->body = sec->sec_body_part;
        out->body_len = sec->sec_length;
        out->body_is_header = sec->sec_section != NULL &&
                              sec->sec_section->sec_spec != NULL;
      }
      break;
    case MAILIMAP_MSG_ATT_RFC822:
      out->body = st->att_data.att_rfc822.att_content;
      out->body_len = st->att_data.att_rfc822.att_length;
      break;
    default:
      break;
    }
}

void
tern_imap_fetched_parse (struct mailimap_msg_att *att, TernImapFetched *out)
{
  memset (out, 0, sizeof *out);
  out->keywords = g_string_new (NULL);
  for (clistiter *it = clist_begin (att->att_list); it != NULL; it = clist_next (it))
    {
      struct mailimap_msg_att_item *item = clist_content (it);

      if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC && item->att_data.att_static)
        parse_static (item->att_data.att_static, out);
      else if (item->att_type == MAILIMAP_MSG_ATT_ITEM_DYNAMIC && item->att_data.att_dyn)
        {
          out->has_flags = TRUE;
          if (item->att_data.att_dyn->att_list != NULL)
            out->flags = tern_imap_flags_from_fetch (item->att_data.att_dyn->att_list,
                                                     out->keywords);
        }
      else if (item->att_type == MAILIMAP_MSG_ATT_ITEM_EXTENSION &&
               item->att_data.att_extension_data != NULL &&
               item->att_data.att_extension_data->ext_extension == &mailimap_extension_condstore &&
               item->att_data.att_extension_data->ext_type == MAILIMAP_CONDSTORE_TYPE_FETCH_DATA)
        {
          struct mailimap_condstore_fetch_mod_resp *mod = item->att_data.att_extension_data->ext_data;
          out->modseq = mod->cs_modseq_value;
        }
    }
}

void
tern_imap_fetched_clear (TernImapFetched *fetched)
{
  if (fetched->keywords != NULL)
    g_string_free (fetched->keywords, TRUE);
  fetched->keywords = NULL;
}

static const struct {
  const char *flag;     /* special-use or XLIST attribute, without the backslash */
  TernFolderRole role;
} special_use[] = {
  { "Sent", TERN_FOLDER_ROLE_SENT },
  { "Drafts", TERN_FOLDER_ROLE_DRAFTS },
  { "Trash", TERN_FOLDER_ROLE_TRASH },
  { "Junk", TERN_FOLDER_ROLE_JUNK },
  { "Spam", TERN_FOLDER_ROLE_JUNK },
  { "Archive", TERN_FOLDER_ROLE_ARCHIVE },
  { "All", TERN_FOLDER_ROLE_ARCHIVE },
  { "Inbox", TERN_FOLDER_ROLE_INBOX },
};

/* Names servers without SPECIAL-USE commonly give these folders. */
static const struct {
  const char *name;
  TernFolderRole role;
} well_known_names[] = {
  { "Sent", TERN_FOLDER_ROLE_SENT }, { "Sent Items", TERN_FOLDER_ROLE_SENT },
  { "Sent Messages", TERN_FOLDER_ROLE_SENT }, { "Sent Mail", TERN_FOLDER_ROLE_SENT },
  { "Drafts", TERN_FOLDER_ROLE_DRAFTS }, { "Draft", TERN_FOLDER_ROLE_DRAFTS },
  { "Trash", TERN_FOLDER_ROLE_TRASH }, { "Deleted Items", TERN_FOLDER_ROLE_TRASH },
  { "Deleted Messages", TERN_FOLDER_ROLE_TRASH }, { "Bin", TERN_FOLDER_ROLE_TRASH },
  { "Junk", TERN_FOLDER_ROLE_JUNK }, { "Spam", TERN_FOLDER_ROLE_JUNK },
  { "Junk E-mail", TERN_FOLDER_ROLE_JUNK }, { "Archive", TERN_FOLDER_ROLE_ARCHIVE },
  { "Archives", TERN_FOLDER_ROLE_ARCHIVE },
};

static const char *
strip_backslash (const char *flag)
{
  return flag[0] == '\\' ? flag + 1 : flag;
}

static const char *
leaf_name (struct mailimap_mailbox_list *mb)
{
  const char *leaf = mb->mb_name;

  if (mb->mb_delimiter != '\0')
    {
      const char *sep = strrchr (mb->mb_name, mb->mb_delimiter);
      if (sep != NULL)
        leaf = sep + 1;
    }
  return leaf;
}

TernFolderRole
tern_imap_role_from_list (struct mailimap_mailbox_list *mb)
{
  if (g_ascii_strcasecmp (mb->mb_name, "INBOX") == 0)
    return TERN_FOLDER_ROLE_INBOX;
  if (mb->mb_flag != NULL)
    for (clistiter *it = clist_begin (mb->mb_flag->mbf_oflags); it; it = clist_next (it))
      {
        struct mailimap_mbx_list_oflag *of = clist_content (it);

        if (of->of_type != MAILIMAP_MBX_LIST_OFLAG_FLAG_EXT || of->of_flag_ext == NULL)
          continue;
        for (guint i = 0; i < G_N_ELEMENTS (special_use); i++)
          if (g_ascii_strcasecmp (strip_backslash (of->of_flag_ext), special_use[i].flag) == 0)
            return special_use[i].role;
      }
  /* Only top-level folders (or direct children of INBOX) get a role by name:
   * "Projects/Sent" is somebody's own folder. */
  if (mb->mb_delimiter == '\0' || strchr (mb->mb_name, mb->mb_delimiter) == NULL ||
      g_ascii_strncasecmp (mb->mb_name, "INBOX", 5) == 0)
    {
      const char *leaf = leaf_name (mb);
      gboolean top = leaf == mb->mb_name || mb->mb_name + 6 == leaf;

      for (guint i = 0; top && i < G_N_ELEMENTS (well_known_names); i++)
        if (g_ascii_strcasecmp (leaf, well_known_names[i].name) == 0)
          return well_known_names[i].role;
    }
  return TERN_FOLDER_ROLE_NONE;
}

gboolean
tern_imap_list_is_selectable (struct mailimap_mailbox_list *mb)
{
  if (mb->mb_flag == NULL)
    return TRUE;
  if (mb->mb_flag->mbf_type == MAILIMAP_MBX_LIST_FLAGS_SFLAG &&
      mb->mb_flag->mbf_sflag == MAILIMAP_MBX_LIST_SFLAG_NOSELECT)
    return FALSE;
  for (clistiter *it = clist_begin (mb->mb_flag->mbf_oflags); it; it = clist_next (it))
    {
      struct mailimap_mbx_list_oflag *of = clist_content (it);

      if (of->of_type == MAILIMAP_MBX_LIST_OFLAG_FLAG_EXT && of->of_flag_ext != NULL &&
          (g_ascii_strcasecmp (strip_backslash (of->of_flag_ext), "NonExistent") == 0 ||
           g_ascii_strcasecmp (strip_backslash (of->of_flag_ext), "Noselect") == 0))
        return FALSE;
    }
  return TRUE;
}

static int
mutf7_value (char c)
{
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == ',') return 63;
  return -1;
}

/* Decodes one "&...-" run (without the delimiters) of modified base64 holding
 * UTF-16BE. Returns FALSE on malformed input. */
static gboolean
decode_mutf7_run (const char *run, gsize len, GString *out)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  guint32 bits = 0;
  int nbits = 0;
  g_autofree char *utf8 = NULL;

  for (gsize i = 0; i < len; i++)
    {
      int v = mutf7_value (run[i]);
      if (v < 0)
        return FALSE;
      bits = (bits << 6) | (guint32) v;
      nbits += 6;
      if (nbits >= 8)
        {
          guint8 b = (bits >> (nbits - 8)) & 0xff;
          g_byte_array_append (bytes, &b, 1);
          nbits -= 8;
        }
    }
  utf8 = g_convert ((const char *) bytes->data, bytes->len, "UTF-8", "UTF-16BE",
                    NULL, NULL, NULL);
  if (utf8 == NULL)
    return FALSE;
  g_string_append (out, utf8);
  return TRUE;
}

char *
tern_imap_mailbox_to_utf8 (const char *mailbox)
{
  GString *out = g_string_new (NULL);

  for (const char *p = mailbox; *p != '\0'; p++)
    {
      const char *end;

      if (*p != '&')
        {
          g_string_append_c (out, *p);
          continue;
        }
      end = strchr (p + 1, '-');
      if (end == NULL)
        goto malformed;
      if (end == p + 1)
        g_string_append_c (out, '&');
      else if (!decode_mutf7_run (p + 1, end - p - 1, out))
        goto malformed;
      p = end;
    }
  if (g_utf8_validate (out->str, out->len, NULL))
    return g_string_free (out, FALSE);

malformed:
  /* Show the name as the server sent it, made valid. */
  g_string_free (out, TRUE);
  return g_utf8_make_valid (mailbox, -1);
}
