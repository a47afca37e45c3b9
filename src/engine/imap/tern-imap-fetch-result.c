/* tern-imap-fetch-result.c: flags and FETCH responses from libetpan's structures to Tern's. */
#include <string.h>

#include "core/tern-error.h"
#include "imap/tern-imap-fetch-result.h"

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
  /* +HHMM as an integer, as the server sent it: a hostile one can be any
   * int, and out of the range of real zones it is taken as UTC. */
  int zone = dt->dt_zone >= -2359 && dt->dt_zone <= 2359 ? dt->dt_zone : 0;
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
