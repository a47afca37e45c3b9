/* tern-message-cell-renderer.c: draws one message row in two lines.
 *
 * Every row has the same height (two lines of the widget's font), which is
 * what the tree view's fixed-height mode assumes. */
#include "core/tern-types.h"
#include "tern-message-cell-renderer.h"

#define ROW_PADDING 6     /* above and below, in pixels */
#define LINE_SPACING 2
#define UNREAD_GUTTER 16  /* left space for the unread dot */
#define ICON_SIZE 16
#define GAP 8
#define CHILD_INDENT 24 /* a message under its expanded conversation */

struct _TernMessageCellRenderer
{
  GtkCellRendererText parent_instance;

  char *sender;
  char *subject;
  char *preview;
  char *date;
  gboolean unread;
  gboolean flagged;
  gboolean has_attachment;
  char *folder;           /* search results: the message's folder */
  guint flags;            /* TernFlags: \\Answered and $Forwarded show a mark */
  guint count;            /* messages of a conversation row; 0 or 1: none shown */
  guint depth;            /* 1: a message under its expanded conversation row */
  gboolean expanded;      /* a conversation row shown open: its count gets a down arrow */
};

G_DEFINE_FINAL_TYPE (TernMessageCellRenderer, tern_message_cell_renderer,
                     GTK_TYPE_CELL_RENDERER_TEXT)

enum {
  PROP_0,
  PROP_SENDER,
  PROP_SUBJECT,
  PROP_PREVIEW,
  PROP_DATE,
  PROP_UNREAD,
  PROP_FLAGGED,
  PROP_HAS_ATTACHMENT,
  PROP_FOLDER,
  PROP_FLAGS,
  PROP_COUNT,
  PROP_DEPTH,
  PROP_EXPANDED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static int
line_height (GtkWidget *widget)
{
  PangoContext *context = gtk_widget_get_pango_context (widget);
  PangoFontMetrics *metrics =
    pango_context_get_metrics (context, pango_context_get_font_description (context), NULL);
  int height = PANGO_PIXELS (pango_font_metrics_get_ascent (metrics) +
                             pango_font_metrics_get_descent (metrics));

  pango_font_metrics_unref (metrics);
  return height;
}

static void
get_preferred_height (GtkCellRenderer *cell,
                      GtkWidget       *widget,
                      int             *minimum,
                      int             *natural)
{
  int height = 2 * MAX (line_height (widget), ICON_SIZE) + LINE_SPACING + 2 * ROW_PADDING;

  if (minimum != NULL)
    *minimum = height;
  if (natural != NULL)
    *natural = height;
}

static void
get_preferred_height_for_width (GtkCellRenderer *cell,
                                GtkWidget       *widget,
                                int              width,
                                int             *minimum,
                                int             *natural)
{
  get_preferred_height (cell, widget, minimum, natural);
}

static void
get_preferred_width (GtkCellRenderer *cell,
                     GtkWidget       *widget,
                     int             *minimum,
                     int             *natural)
{
  if (minimum != NULL)
    *minimum = 160;
  if (natural != NULL)
    *natural = 320;
}

static PangoLayout *
make_layout (GtkWidget *widget, const char *text, int width, gboolean bold, double scale)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text != NULL ? text : "");
  PangoAttrList *attrs = pango_attr_list_new ();

  if (bold)
    pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  if (scale != 1.0)
    pango_attr_list_insert (attrs, pango_attr_scale_new (scale));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_width (layout, MAX (width, 0) * PANGO_SCALE);
  return layout;
}

static void
draw_layout (cairo_t *cr, PangoLayout *layout, const GdkRGBA *color, int x, int y)
{
  cairo_save (cr);
  gdk_cairo_set_source_rgba (cr, color);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
}

static void
draw_icon (GtkWidget       *widget,
           GtkStyleContext *context,
           cairo_t         *cr,
           const char      *name,
           int              x,
           int              y)
{
  int scale = gtk_widget_get_scale_factor (widget);
  GtkIconTheme *theme = gtk_icon_theme_get_for_screen (gtk_widget_get_screen (widget));
  g_autoptr(GtkIconInfo) info = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  cairo_surface_t *surface;

  info = gtk_icon_theme_lookup_icon_for_scale (theme, name, ICON_SIZE, scale,
                                               GTK_ICON_LOOKUP_FORCE_SIZE);
  if (info == NULL)
    return;
  pixbuf = gtk_icon_info_load_symbolic_for_context (info, context, NULL, NULL);
  if (pixbuf == NULL)
    return;
  surface = gdk_cairo_surface_create_from_pixbuf (pixbuf, scale, gtk_widget_get_window (widget));
  gtk_render_icon_surface (context, cr, surface, x, y);
  cairo_surface_destroy (surface);
}

static void
render (GtkCellRenderer      *cell,
        cairo_t              *cr,
        GtkWidget            *widget,
        const GdkRectangle   *background_area,
        const GdkRectangle   *cell_area,
        GtkCellRendererState  flags)
{
  TernMessageCellRenderer *self = TERN_MESSAGE_CELL_RENDERER (cell);
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  int line = MAX (line_height (widget), ICON_SIZE);
  int indent = self->depth > 0 ? CHILD_INDENT : 0;
  int x = cell_area->x + UNREAD_GUTTER + (rtl ? 0 : indent);
  int width = cell_area->width - UNREAD_GUTTER - GAP - indent;
  int top = cell_area->y + ROW_PADDING;
  int bottom = top + line + LINE_SPACING;
  int date_width = 0, icons_width = 0, mark_width;
  g_autofree char *date_text = NULL;
  const char *mark;
  g_autoptr(PangoLayout) date = NULL;
  g_autoptr(PangoLayout) sender = NULL;
  g_autoptr(PangoLayout) subject = NULL;
  g_autoptr(PangoLayout) count = NULL;
  g_autofree char *second = NULL;
  int count_width = 0;
  GdkRGBA color, dim;

  gtk_style_context_save (context);
  gtk_style_context_set_state (context, gtk_cell_renderer_get_state (cell, widget, flags));
  gtk_style_context_get_color (context, gtk_style_context_get_state (context), &color);
  dim = color;
  dim.alpha *= 0.65;

  if (self->unread)
    {
      GdkRGBA accent;
      if (!gtk_style_context_lookup_color (context, "theme_selected_bg_color", &accent) ||
          (flags & GTK_CELL_RENDERER_SELECTED) != 0)
        accent = color;
      cairo_save (cr);
      gdk_cairo_set_source_rgba (cr, &accent);
      cairo_arc (cr, x - UNREAD_GUTTER / 2.0, top + line / 2.0, 3.5, 0, 2 * G_PI);
      cairo_fill (cr);
      cairo_restore (cr);
    }

  /* Top line: the date (after the folder, in search results) keeps its
   * natural width on the right, a replied/forwarded mark before it. */
  date_text = self->folder != NULL ? g_strdup_printf ("%s · %s", self->folder,
                                                      self->date != NULL ? self->date : "")
                                   : g_strdup (self->date);
  date = make_layout (widget, date_text, -1, FALSE, PANGO_SCALE_SMALL);
  pango_layout_set_width (date, -1);
  pango_layout_get_pixel_size (date, &date_width, NULL);
  mark = (self->flags & TERN_FLAG_FORWARDED) ? "mail-forward-symbolic"
         : (self->flags & TERN_FLAG_ANSWERED) ? "mail-replied-symbolic" : NULL;
  mark_width = mark != NULL ? ICON_SIZE + 4 : 0;
  /* A conversation's size sits between the participants and the date (and
   * its replied/forwarded mark). */
  if (self->count > 1)
    {
      /* An open conversation's count points down at its messages. */
      g_autofree char *n = g_strdup_printf (self->expanded ? "%u ▾" : "%u ▸", self->count);
      count = make_layout (widget, n, -1, TRUE, PANGO_SCALE_SMALL);
      pango_layout_set_width (count, -1);
      pango_layout_get_pixel_size (count, &count_width, NULL);
      draw_layout (cr, count, &dim,
                   rtl ? x + date_width + mark_width + GAP
                       : x + width - date_width - mark_width - GAP - count_width, top + 1);
      count_width += GAP;
    }
  sender = make_layout (widget, self->sender, width - date_width - mark_width - GAP - count_width,
                        self->unread, 1.0);
  draw_layout (cr, sender, &color, rtl ? x + date_width + mark_width + GAP + count_width : x, top);
  draw_layout (cr, date, &dim, rtl ? x : x + width - date_width, top + 1);
  if (mark != NULL)
    draw_icon (widget, context, cr, mark,
               rtl ? x + date_width + 4 : x + width - date_width - mark_width, top);

  /* Bottom line: subject, then the preview dimmed; icons on the right. */
  icons_width = (self->flagged ? ICON_SIZE + 4 : 0) + (self->has_attachment ? ICON_SIZE + 4 : 0);
  second = g_strdup_printf ("%s%s%s", self->subject != NULL ? self->subject : "",
                            self->preview != NULL && *self->preview ? "  " : "",
                            self->preview != NULL ? self->preview : "");
  subject = make_layout (widget, second, width - icons_width, FALSE, 1.0);
  if (self->preview != NULL && *self->preview)
    {
      PangoAttrList *attrs = pango_attr_list_copy (pango_layout_get_attributes (subject));
      PangoAttribute *alpha = pango_attr_foreground_alpha_new ((guint16) (0.65 * 65535));

      alpha->start_index = self->subject != NULL ? (guint) strlen (self->subject) : 0;
      pango_attr_list_insert (attrs, alpha);
      pango_layout_set_attributes (subject, attrs);
      pango_attr_list_unref (attrs);
    }
  draw_layout (cr, subject, &color, rtl ? x + icons_width : x, bottom);
  {
    int ix = rtl ? x : x + width - ICON_SIZE;
    int step = rtl ? ICON_SIZE + 4 : -(ICON_SIZE + 4);
    if (self->flagged)
      {
        draw_icon (widget, context, cr, "starred-symbolic", ix, bottom);
        ix += step;
      }
    if (self->has_attachment)
      draw_icon (widget, context, cr, "mail-attachment-symbolic", ix, bottom);
  }
  gtk_style_context_restore (context);
}

static void
tern_message_cell_renderer_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
  TernMessageCellRenderer *self = TERN_MESSAGE_CELL_RENDERER (object);

  switch (prop_id)
    {
    case PROP_SENDER: g_value_set_string (value, self->sender); break;
    case PROP_SUBJECT: g_value_set_string (value, self->subject); break;
    case PROP_PREVIEW: g_value_set_string (value, self->preview); break;
    case PROP_DATE: g_value_set_string (value, self->date); break;
    case PROP_UNREAD: g_value_set_boolean (value, self->unread); break;
    case PROP_FLAGGED: g_value_set_boolean (value, self->flagged); break;
    case PROP_HAS_ATTACHMENT: g_value_set_boolean (value, self->has_attachment); break;
    case PROP_FOLDER: g_value_set_string (value, self->folder); break;
    case PROP_FLAGS: g_value_set_uint (value, self->flags); break;
    case PROP_COUNT: g_value_set_uint (value, self->count); break;
    case PROP_DEPTH: g_value_set_uint (value, self->depth); break;
    case PROP_EXPANDED: g_value_set_boolean (value, self->expanded); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_message_cell_renderer_set_property (GObject      *object,
                                         guint         prop_id,
                                         const GValue *value,
                                         GParamSpec   *pspec)
{
  TernMessageCellRenderer *self = TERN_MESSAGE_CELL_RENDERER (object);

  switch (prop_id)
    {
    case PROP_SENDER: g_free (self->sender); self->sender = g_value_dup_string (value); break;
    case PROP_SUBJECT: g_free (self->subject); self->subject = g_value_dup_string (value); break;
    case PROP_PREVIEW: g_free (self->preview); self->preview = g_value_dup_string (value); break;
    case PROP_DATE: g_free (self->date); self->date = g_value_dup_string (value); break;
    case PROP_UNREAD: self->unread = g_value_get_boolean (value); break;
    case PROP_FLAGGED: self->flagged = g_value_get_boolean (value); break;
    case PROP_HAS_ATTACHMENT: self->has_attachment = g_value_get_boolean (value); break;
    case PROP_FOLDER: g_free (self->folder); self->folder = g_value_dup_string (value); break;
    case PROP_FLAGS: self->flags = g_value_get_uint (value); break;
    case PROP_COUNT: self->count = g_value_get_uint (value); break;
    case PROP_DEPTH: self->depth = g_value_get_uint (value); break;
    case PROP_EXPANDED: self->expanded = g_value_get_boolean (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_message_cell_renderer_finalize (GObject *object)
{
  TernMessageCellRenderer *self = TERN_MESSAGE_CELL_RENDERER (object);

  g_free (self->sender);
  g_free (self->subject);
  g_free (self->preview);
  g_free (self->date);
  g_free (self->folder);
  G_OBJECT_CLASS (tern_message_cell_renderer_parent_class)->finalize (object);
}

static void
tern_message_cell_renderer_class_init (TernMessageCellRendererClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkCellRendererClass *cell_class = GTK_CELL_RENDERER_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = tern_message_cell_renderer_get_property;
  object_class->set_property = tern_message_cell_renderer_set_property;
  object_class->finalize = tern_message_cell_renderer_finalize;
  cell_class->render = render;
  cell_class->get_preferred_height = get_preferred_height;
  cell_class->get_preferred_height_for_width = get_preferred_height_for_width;
  cell_class->get_preferred_width = get_preferred_width;

  properties[PROP_SENDER] = g_param_spec_string ("sender", NULL, NULL, NULL, rw);
  properties[PROP_SUBJECT] = g_param_spec_string ("subject", NULL, NULL, NULL, rw);
  properties[PROP_PREVIEW] = g_param_spec_string ("preview", NULL, NULL, NULL, rw);
  properties[PROP_DATE] = g_param_spec_string ("date", NULL, NULL, NULL, rw);
  properties[PROP_UNREAD] = g_param_spec_boolean ("unread", NULL, NULL, FALSE, rw);
  properties[PROP_FLAGGED] = g_param_spec_boolean ("flagged", NULL, NULL, FALSE, rw);
  properties[PROP_HAS_ATTACHMENT] = g_param_spec_boolean ("has-attachment", NULL, NULL, FALSE, rw);
  properties[PROP_FOLDER] = g_param_spec_string ("folder", NULL, NULL, NULL, rw);
  properties[PROP_FLAGS] = g_param_spec_uint ("flags", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[PROP_COUNT] = g_param_spec_uint ("count", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[PROP_DEPTH] = g_param_spec_uint ("depth", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[PROP_EXPANDED] = g_param_spec_boolean ("expanded", NULL, NULL, FALSE, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tern_message_cell_renderer_init (TernMessageCellRenderer *self)
{
}

GtkCellRenderer *
tern_message_cell_renderer_new (void)
{
  return g_object_new (TERN_TYPE_MESSAGE_CELL_RENDERER, NULL);
}
