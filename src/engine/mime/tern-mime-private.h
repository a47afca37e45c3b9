/* tern-mime-private.h: GMime helpers shared by tern-mime-parse.c,
 * tern-mime-render.c and tern-mime-compose.c. Not for use outside them. */
#pragma once

#include <gmime/gmime.h>
#include "mime/tern-mime-parse.h"

G_BEGIN_DECLS

/* GMime 3.2 (Debian 12) declares no g_autoptr cleanups of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimePart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMultipart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeDataWrapper, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessagePart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeTextPart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeFormatOptions, g_mime_format_options_free)

/* The part at IMAP part path @path ("1", "2.1") below @message, or NULL. */
GMimeObject *tern_mime_find_part (GMimeMessage *message, const char *path);
/* The decoded content of a leaf part (transfer encoding undone) or the raw
 * text of an attached message. */
GBytes *tern_mime_part_get_bytes (GMimeObject *part);
/* The text of a text/... part as UTF-8, format=flowed undone. */
char *tern_mime_part_get_text (GMimeObject *part);
/* The first text/@subtype body part (not an attachment), or NULL. */
GMimeObject *tern_mime_find_body (GMimeMessage *message, const char *subtype);
/* Parse raw bytes into a GMimeMessage, or NULL with TERN_ERROR_MIME. */
GMimeMessage *tern_mime_parse_gmime (GBytes *raw, GError **error);

/* The addresses of @message's @header (of GMime type @type), flattened as
 * tern_address_list_parse() gives them for the header's raw value; from
 * the list GMime parsed already when that provably gives the same. */
GPtrArray *tern_mime_message_address_list (GMimeMessage *message, GMimeAddressType type,
                                           const char *header);

/* The file name of a message attached as message/rfc822, from its subject
 * ("message.eml" without one). A subject is not a path: "/" and "\\" become
 * "_", so "Re: text/plain body)" stays whole, not "plain body).eml". */
char *tern_mime_filename_from_subject (const char *subject);

G_END_DECLS
