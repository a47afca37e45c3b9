/* tern-button-row.c: header bar buttons that make room (see the header). */
#include "tern-button-row.h"

struct _TernButtonRow
{
  GtkBox parent_instance;
};

G_DEFINE_FINAL_TYPE (TernButtonRow, tern_button_row, GTK_TYPE_BOX)

static gboolean
is_optional (GtkWidget *child)
{
  return gtk_style_context_has_class (gtk_widget_get_style_context (child), "tern-optional");
}

/* The visible children, in order. */
static GList *
visible_children (TernButtonRow *self)
{
  GList *children = gtk_container_get_children (GTK_CONTAINER (self));
  GList *visible = NULL;

  for (GList *l = children; l != NULL; l = l->next)
    if (gtk_widget_get_visible (l->data))
      visible = g_list_prepend (visible, l->data);
  g_list_free (children);
  return g_list_reverse (visible);
}

static void
tern_button_row_get_preferred_width (GtkWidget *widget, int *minimum, int *natural)
{
  g_autoptr(GList) children = visible_children (TERN_BUTTON_ROW (widget));
  int spacing = gtk_box_get_spacing (GTK_BOX (widget));
  int min = 0, nat = 0, n_min = 0, n_nat = 0;

  for (GList *l = children; l != NULL; l = l->next)
    {
      int cmin = 0, cnat = 0;

      gtk_widget_get_preferred_width (l->data, &cmin, &cnat);
      nat += cnat;
      n_nat++;
      if (!is_optional (l->data))
        {
          min += cmin;
          n_min++;
        }
    }
  *minimum = min + MAX (n_min - 1, 0) * spacing;
  *natural = nat + MAX (n_nat - 1, 0) * spacing;
}

static GtkSizeRequestMode
tern_button_row_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_CONSTANT_SIZE;
}

static GtkPackType
pack_of (GtkWidget *box, GtkWidget *child)
{
  GtkPackType pack = GTK_PACK_START;

  gtk_box_query_child_packing (GTK_BOX (box), child, NULL, NULL, NULL, &pack);
  return pack;
}

/* Gives @child its natural width at @edge (its left edge, or its right one
 * @from_end); returns the next child's edge. Left out: nothing. */
static int
place (GtkWidget *child, const GtkAllocation *row, int edge, int spacing, gboolean from_end,
       GtkAllocation *clip)
{
  GtkAllocation a = { 0, row->y, 0, row->height };
  GtkAllocation child_clip;

  if (!gtk_widget_get_child_visible (child))
    return edge;
  gtk_widget_get_preferred_width (child, NULL, &a.width);
  a.x = from_end ? edge - a.width : edge;
  gtk_widget_size_allocate (child, &a);
  gtk_widget_get_clip (child, &child_clip);
  gdk_rectangle_union (clip, &child_clip, clip);
  return from_end ? a.x - spacing : edge + a.width + spacing;
}

static void
tern_button_row_size_allocate (GtkWidget *widget, GtkAllocation *allocation)
{
  g_autoptr(GList) children = visible_children (TERN_BUTTON_ROW (widget));
  int spacing = gtk_box_get_spacing (GTK_BOX (widget));
  int need = 0, n = 0, x = allocation->x, end = allocation->x + allocation->width;
  GtkAllocation clip = *allocation;

  /* GtkBox sizes its own box (its CSS node); the children are placed
   * again below, without the ones that do not fit. */
  GTK_WIDGET_CLASS (tern_button_row_parent_class)->size_allocate (widget, allocation);
  for (GList *l = children; l != NULL; l = l->next)
    {
      int cnat = 0;

      gtk_widget_get_preferred_width (l->data, NULL, &cnat);
      need += cnat;
      n++;
      gtk_widget_set_child_visible (l->data, TRUE);
    }
  need += MAX (n - 1, 0) * spacing;
  /* Too little room: the optional ones go, the last first. */
  for (GList *l = g_list_last (children); l != NULL && need > allocation->width; l = l->prev)
    if (is_optional (l->data))
      {
        int cnat = 0;

        gtk_widget_get_preferred_width (l->data, NULL, &cnat);
        need -= cnat + spacing;
        gtk_widget_set_child_visible (l->data, FALSE);
      }
  /* As GtkBox does: start children from the left, end ones from the right
   * (GtkBox lists those in the order they show, left to right). */
  for (GList *l = children; l != NULL; l = l->next)
    if (pack_of (widget, l->data) == GTK_PACK_START)
      x = place (l->data, allocation, x, spacing, FALSE, &clip);
  for (GList *l = g_list_last (children); l != NULL; l = l->prev)
    if (pack_of (widget, l->data) == GTK_PACK_END)
      end = place (l->data, allocation, end, spacing, TRUE, &clip);
  gtk_widget_set_clip (widget, &clip);
}

gboolean
tern_button_row_child_shown (TernButtonRow *self, GtkWidget *child)
{
  g_return_val_if_fail (TERN_IS_BUTTON_ROW (self), FALSE);
  return gtk_widget_get_visible (child) && gtk_widget_get_child_visible (child);
}

static void
tern_button_row_class_init (TernButtonRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->get_preferred_width = tern_button_row_get_preferred_width;
  widget_class->get_request_mode = tern_button_row_get_request_mode;
  widget_class->size_allocate = tern_button_row_size_allocate;
}

static void
tern_button_row_init (TernButtonRow *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_HORIZONTAL);
}

GtkWidget *
tern_button_row_new (void)
{
  return g_object_new (TERN_TYPE_BUTTON_ROW, NULL);
}
