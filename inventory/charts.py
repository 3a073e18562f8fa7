"""Server-side SVG charts: no JavaScript, no chart library, no third-party host.

Every chart is an ``<svg role="img">`` named by its own ``<title>``; values are written as
text next to the marks, so colour never carries a figure alone. Colours are SVG
presentation attributes (allowed by a strict Content-Security-Policy, unlike ``style``);
site.css may override them through the classes.
"""

import math

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from kooperationsatlas.numbers import de_number

WIDTH = 640
BAR_COLOUR = "#00507a"  # 8.4:1 on white
TEXT_COLOUR = "#1b1f23"
MUTED_COLOUR = "#4b5563"  # 7.6:1 on white
GRID_COLOUR = "#c9d2d9"
FONT_SIZE = 14
SMALL_FONT_SIZE = 12


def _svg(chart_id, title, width, height, body, css_class="chart-svg"):
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="{}" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title" font-size="{}" fill="{}">'
        '<title id="{}-title">{}</title>{}</svg>',
        css_class,
        width,
        height,
        chart_id,
        FONT_SIZE,
        TEXT_COLOUR,
        chart_id,
        title,
        mark_safe("".join(body)),
    )


def bar_chart(items, *, chart_id, title, maximum=None):
    """Horizontal bars: ``items`` are (label, value, value text). The label stands above
    its bar, so long German labels never need measuring; the value text follows the bar."""
    row_height, bar_height, label_gap = 44, 16, 6
    value_room = 150
    largest = maximum if maximum is not None else max((value for _, value, _ in items), default=0)
    scale = (WIDTH - value_room) / largest if largest else 0
    body = []
    for index, (label, value, value_text) in enumerate(items):
        top = index * row_height + 4
        bar_top = top + FONT_SIZE + label_gap
        length = max(0.0, (value or 0) * scale)
        body.append(
            format_html(
                '<g class="chart-bar"><text x="0" y="{}">{}</text>'
                '<rect x="0" y="{}" width="{}" height="{}" fill="{}"></rect>'
                '<text x="{}" y="{}">{}</text></g>',
                top + FONT_SIZE,
                label,
                bar_top,
                f"{length:.1f}",
                bar_height,
                BAR_COLOUR,
                f"{length + 6:.1f}",
                bar_top + bar_height - 3,
                value_text,
            )
        )
    height = max(1, len(items)) * row_height + 8
    return _svg(chart_id, title, WIDTH, height, body)


def _nice_maximum(value):
    """A round axis maximum ≥ value: 1, 2, 5, 10, 20, 50, …"""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _axes(plot_left, plot_top, plot_width, plot_height, maximum, years, label_every):
    """Horizontal grid lines with their values, and the year labels below."""
    body = []
    for fraction in (0, 0.5, 1):
        value = maximum * fraction
        y = plot_top + plot_height * (1 - fraction)
        body.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"></line>'
                '<text x="{}" y="{}" text-anchor="end" font-size="{}" fill="{}">{}</text>',
                plot_left,
                f"{y:.1f}",
                plot_left + plot_width,
                f"{y:.1f}",
                GRID_COLOUR,
                plot_left - 6,
                f"{y + 4:.1f}",
                SMALL_FONT_SIZE,
                MUTED_COLOUR,
                de_number(value, 0 if float(value).is_integer() else 1),
            )
        )
    step = plot_width / max(1, len(years))
    for index, year in enumerate(years):
        if (len(years) - 1 - index) % label_every:
            continue  # counted back from the last year, which is always labelled
        body.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="{}" fill="{}">{}</text>',
                f"{plot_left + step * (index + 0.5):.1f}",
                plot_top + plot_height + 18,
                SMALL_FONT_SIZE,
                MUTED_COLOUR,
                year,
            )
        )
    return body


def column_chart(points, *, chart_id, title):
    """Columns for (year, value); non-zero values are written above their column."""
    plot_left, plot_top, plot_height = 44, 20, 200
    plot_width = WIDTH - plot_left - 8
    years = [year for year, _ in points]
    maximum = _nice_maximum(max((value for _, value in points), default=0))
    label_every = max(1, math.ceil(len(points) / 12))
    body = _axes(plot_left, plot_top, plot_width, plot_height, maximum, years, label_every)
    step = plot_width / max(1, len(points))
    width = max(1.0, step * 0.7)
    for index, (year, value) in enumerate(points):
        height = plot_height * value / maximum
        x = plot_left + step * index + (step - width) / 2
        y = plot_top + plot_height - height
        column = format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>',
            f"{x:.1f}",
            f"{y:.1f}",
            f"{width:.1f}",
            f"{height:.1f}",
            BAR_COLOUR,
            year,
            de_number(value, 0),
        )
        label = ""
        if value:
            label = format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="{}">{}</text>',
                f"{x + width / 2:.1f}",
                f"{y - 4:.1f}",
                SMALL_FONT_SIZE,
                de_number(value, 0),
            )
        body.append(format_html('<g class="chart-column">{}{}</g>', column, label))
    return _svg(chart_id, title, WIDTH, plot_top + plot_height + 28, body)


def line_chart(points, *, chart_id, title):
    """A line through (year, value) with a dot per year; the last value is written out."""
    plot_left, plot_top, plot_height = 44, 20, 200
    plot_width = WIDTH - plot_left - 8
    years = [year for year, _ in points]
    maximum = _nice_maximum(max((value for _, value in points), default=0))
    label_every = max(1, math.ceil(len(points) / 12))
    body = _axes(plot_left, plot_top, plot_width, plot_height, maximum, years, label_every)
    step = plot_width / max(1, len(points))
    coordinates = [
        (plot_left + step * (index + 0.5), plot_top + plot_height * (1 - value / maximum))
        for index, (_, value) in enumerate(points)
    ]
    if coordinates:
        body.append(
            format_html(
                '<polyline class="chart-line" points="{}" fill="none" stroke="{}" '
                'stroke-width="2"></polyline>',
                " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates),
                BAR_COLOUR,
            )
        )
        for (x, y), (year, value) in zip(coordinates, points, strict=True):
            body.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="3" fill="{}"><title>{}: {}</title></circle>',
                    f"{x:.1f}",
                    f"{y:.1f}",
                    BAR_COLOUR,
                    year,
                    de_number(value, 0),
                )
            )
        x, y = coordinates[-1]
        body.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="{}">{}</text>',
                f"{x:.1f}",
                f"{y - 8:.1f}",
                SMALL_FONT_SIZE,
                de_number(points[-1][1], 0),
            )
        )
    return _svg(chart_id, title, WIDTH, plot_top + plot_height + 28, body)


def heat_level(value, maximum, levels=4):
    """0 for 0, otherwise 1..levels by the share of the largest value."""
    if not value or not maximum:
        return 0
    return max(1, min(levels, math.ceil(levels * value / maximum)))
