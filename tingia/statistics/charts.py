"""Bar charts as server-rendered SVG (no script, no CDN), shared by the dashboard and the public
statistics page. Pure: labels are escaped here, the numbers are also in a table next to it."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

BAR_COLOUR = "#b3261e"
TEXT_COLOUR = "#1b1f24"
AXIS_COLOUR = "#8c959f"


def _scale(value: float, largest: float, length: float) -> float:
    return 0.0 if largest <= 0 else value / largest * length


def column_chart(
    items: Sequence[tuple[str, int]], title: str, chart_id: str, label_every: int = 1
) -> Markup:
    """Vertical bars over time (days, months): one column per item, every n-th label shown."""
    width, height, left, bottom, top = 640, 220, 36, 36, 16
    plot_w, plot_h = width - left - 8, height - bottom - top
    largest = max((value for _, value in items), default=0)
    step = plot_w / max(len(items), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{chart_id}-title" data-testid="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" '
        f'stroke="{AXIS_COLOUR}"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" font-size="11" '
        f'fill="{TEXT_COLOUR}">{largest}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" font-size="11" '
        f'fill="{TEXT_COLOUR}">0</text>',
    ]
    for index, (label, value) in enumerate(items):
        bar_h = _scale(value, largest, plot_h)
        x = left + index * step + step * 0.15
        parts.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" width="{step * 0.7:.1f}" '
            f'height="{bar_h:.1f}" fill="{BAR_COLOUR}" data-value="{value}">'
            f"<title>{escape(label)}: {value}</title></rect>"
        )
        if index % label_every == 0:
            parts.append(
                f'<text x="{x + step * 0.35:.1f}" y="{height - bottom + 16}" font-size="10" '
                f'text-anchor="middle" fill="{TEXT_COLOUR}">{escape(label)}</text>'
            )
    parts.append("</svg>")
    # Safe markup: every label went through escape() above and the numbers are ints.
    return Markup("".join(parts))  # nosec B704


def bar_chart(items: Sequence[tuple[str, int]], title: str, chart_id: str) -> Markup:
    """Horizontal bars for categories (labels on the left, the number at the end of the bar)."""
    # Wide enough for the longest category name ("Tin báo sai / không đúng thẩm quyền").
    row_h, label_w, width, top = 24, 300, 640, 8
    height = top * 2 + row_h * max(len(items), 1)
    plot_w = width - label_w - 48
    largest = max((value for _, value in items), default=0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{chart_id}-title" data-testid="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    for index, (label, value) in enumerate(items):
        y = top + index * row_h
        bar_w = _scale(value, largest, plot_w)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + row_h * 0.65:.1f}" text-anchor="end" '
            f'font-size="12" fill="{TEXT_COLOUR}">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{bar_w:.1f}" height="{row_h - 6}" '
            f'fill="{BAR_COLOUR}" data-value="{value}"><title>{escape(label)}: {value}</title>'
            f"</rect>"
            f'<text x="{label_w + bar_w + 4:.1f}" y="{y + row_h * 0.65:.1f}" font-size="12" '
            f'fill="{TEXT_COLOUR}">{value}</text>'
        )
    parts.append("</svg>")
    # Safe markup: every label went through escape() above and the numbers are ints.
    return Markup("".join(parts))  # nosec B704
