/* tern-imap-mailbox.c: LIST entries (roles, selectability) and modified UTF-7 names. */
#include <string.h>

#include "core/tern-error.h"
#include "imap/tern-imap-mailbox.h"

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

/* Appends one run of non-ASCII characters as "&<modified base64 of UTF-16BE>-". */
static void
encode_mutf7_run (const char *run, gsize len, GString *out)
{
  static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
  gsize n = 0;
  g_autofree guchar *utf16 = (guchar *) g_convert (run, len, "UTF-16BE", "UTF-8", NULL, &n,
                                                   NULL);
  guint32 bits = 0;
  int nbits = 0;

  g_string_append_c (out, '&');
  for (gsize i = 0; utf16 != NULL && i < n; i++)
    {
      bits = (bits << 8) | utf16[i];
      nbits += 8;
      while (nbits >= 6)
        {
          g_string_append_c (out, alphabet[(bits >> (nbits - 6)) & 0x3f]);
          nbits -= 6;
        }
    }
  if (nbits > 0)
    g_string_append_c (out, alphabet[(bits << (6 - nbits)) & 0x3f]);
  g_string_append_c (out, '-');
}

char *
tern_imap_mailbox_from_utf8 (const char *utf8)
{
  GString *out = g_string_new (NULL);
  const char *p = utf8;

  while (*p != '\0')
    {
      const char *start = p;

      if ((guchar) *p >= 0x20 && (guchar) *p < 0x7f)
        {
          if (*p == '&')
            g_string_append (out, "&-");
          else
            g_string_append_c (out, *p);
          p++;
          continue;
        }
      while (*p != '\0' && !((guchar) *p >= 0x20 && (guchar) *p < 0x7f))
        p = g_utf8_next_char (p);
      encode_mutf7_run (start, p - start, out);
    }
  return g_string_free (out, FALSE);
}
