/* tern-reader-attachment.h: what the reader does with an attachment's name
 * and file before the desktop sees it: a name safe to show and to save
 * under, a warning for files that could run, a private cache for files
 * opened for viewing, and opening through the OpenURI portal. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The name to show and to save under: the last path element only, no
 * control characters, no Unicode format characters (bidi overrides, zero
 * widths: "invoice\u202Efdp.exe" reads "invoiceexe.pdf"), never empty nor
 * starting with a dot. */
char *tern_attachment_safe_name (const char *name);

/* TRUE when opening @name could run or install something (.exe, .msi,
 * .jar, .desktop, .flatpakref, .sh, .appimage, .iso, ...), or when the
 * type its name says differs from @declared_type (a "PDF" named .html).
 * @reason (optional) gets a plain sentence for the warning. */
gboolean tern_attachment_is_risky (const char *name,
                                   const char *declared_type,
                                   char **reason);

/* $XDG_CACHE_HOME/tern/attachments (created 0700). */
char *tern_attachment_cache_dir (void);

/* Removes what was saved there for opening and is older than
 * @max_age_seconds (0: everything); Tern calls it at start with 0 and
 * after each opening with a day. */
void tern_attachment_cache_clean (guint64 max_age_seconds);
/* The same in a worker thread (the UI does no disk work). */
void tern_attachment_cache_clean_in_background (guint64 max_age_seconds);

/* Opens @file with the user's choice of application: through the
 * xdg-desktop-portal OpenURI interface (ask=true) when one runs, else the
 * desktop's default application. */
void tern_attachment_open (GtkWindow *parent, GFile *file);

G_END_DECLS
