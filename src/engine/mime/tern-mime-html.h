/* tern-mime-html.h: HTML to readable plain text, for previews, full-text
 * search and tern-cli. Not a renderer: it drops markup, scripts and styles,
 * turns block elements into line breaks and decodes character references.
 * Input must be UTF-8 (see tern-mime-charset.h); output is valid UTF-8.
 * Thread-safe (pure function). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *tern_mime_html_to_text (const char *html);

G_END_DECLS
