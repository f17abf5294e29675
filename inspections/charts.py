"""Charts drawn on the server as SVG: no script, no network, readable without colour.

Pure functions: figures in, markup out. Every chart is an ``<svg role="img">`` labelled by a
one-sentence summary shown next to it (``aria-labelledby``), and every page also shows the same
numbers as a table. Series differ by pattern (solid, hatched, dotted) and event families by
shape as well as colour, so that nothing depends on telling colours apart. Colours come from the
GOV.UK Design System palette.

**Fitting the container.** Every chart scales with its ``viewBox`` (``width="100%"``, no minimum
width) and is drawn twice: a wide drawing (:data:`WIDTH` units across) and a narrow one
(:data:`NARROW_WIDTH`), where labels move above their bars and lanes, and the key and the year
labels wrap. The page shows one of them by a CSS container query on the chart's frame
(``static/inspections/dashboards.css``), so a chart in a half column or on a phone gets the
narrow drawing with text at a readable size, and nothing is clipped or wider than its column.

**Context inside the picture.** With a :class:`ChartContext`, each drawing carries its title,
scope (the area), period, source and, when any demo figure is part of it, a "Demo" mark, as
text inside the SVG: a chart saved or pasted elsewhere keeps what it shows.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from burden import number_format

WIDTH = 960
# The narrow drawing: a half column at 1280 px (465 px), a phone (290-360 px) shows it at about
# its own size, so its 14-unit text reads at 11-18 px.
NARROW_WIDTH = 360
NARROW_FONT = 14
FONT_SIZE = 13
DEMO_COLOUR = "#d4351c"
FONT = 'font-family="arial, sans-serif"'
TEXT_COLOUR = "#0b0c0c"
GRID_COLOUR = "#b1b4b6"
LIGHT_GREY = "#f3f2f1"

# (fill, pattern) of the series of stacked charts: told apart by pattern as well as colour.
SERIES_STYLES = [("#1d70b8", "solid"), ("#f47738", "hatch"), ("#505a5f", "dots")]

# Each family: its colour and its shape on the timeline.
FAMILY_MARKS = {
    "ilacs": ("#1d70b8", "circle"),
    "jtai": ("#4c2c92", "triangle"),
    "area_send": ("#00703c", "square"),
    "cqc": ("#d4351c", "diamond"),
    "hmip": ("#f47738", "triangle-down"),
    "dfe_intervention": ("#0b0c0c", "star"),
    "peer_review": ("#28a197", "plus"),
    "other": ("#505a5f", "bar"),
}
CLUSTER_STYLES = {
    "high": ("#f6d7d2", "#d4351c", "Cluster, high severity"),
    "medium": ("#fde4cf", "#f47738", "Cluster, medium severity"),
    "low": ("#e8f1f8", "#1d70b8", "Cluster, low severity"),
}


@dataclass(frozen=True)
class ChartContext:
    """What a chart shows, drawn inside it: a copy keeps its title, area, period and source."""

    title: str
    scope: str  # the area and any family or type: "North West · ILACS (Ofsted)"
    period: str  # "1 December 2023 to 30 November 2026", "All time"
    source: str
    is_demo: bool = False  # any demo figure is part of it: the drawing is marked "Demo"

    @property
    def demo_text(self) -> str:
        return "Demo: includes invented figures, not real ones" if self.is_demo else ""


@dataclass(frozen=True)
class Chart:
    """An SVG chart and the sentence that describes it (the SVG is labelled by its id).

    ``svg`` is the wide drawing, ``svg_narrow`` the one for narrow containers (empty for a
    chart drawn only once). ``download_url``: the address of the chart as a file, without its
    extension (``/charts/hours-by-type?…`` is served as ``.svg`` and ``.png``), where the page
    offers it.
    """

    chart_id: str
    summary: str
    svg: SafeString
    svg_narrow: SafeString = mark_safe("")  # noqa: RUF009 - an immutable empty string
    context: ChartContext | None = None
    download_path: str = ""
    download_query: str = ""

    @property
    def summary_id(self) -> str:
        return f"{self.chart_id}-summary"

    @property
    def download_svg(self) -> str:
        return f"{self.download_path}.svg{self.download_query}" if self.download_path else ""

    @property
    def download_png(self) -> str:
        return f"{self.download_path}.png{self.download_query}" if self.download_path else ""

    def standalone_svg(self) -> str:
        """The wide drawing as a file: fixed size in pixels, a white background, a title."""
        svg = str(self.svg)
        match = _VIEWBOX_PATTERN.search(svg)
        width, height = (match.group(1), match.group(2)) if match else (str(WIDTH), "400")
        title = ""
        if self.context:
            title = f"<title>{_e(self.context.title)} – {_e(self.context.scope)}</title>"
        svg = svg.replace(' width="100%"', f' width="{width}" height="{height}"', 1)
        head_end = svg.index(">") + 1
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            + svg[:head_end]
            + title
            + f"<desc>{_e(self.summary)}</desc>"
            + f'<rect width="{width}" height="{height}" fill="#ffffff"/>'
            + svg[head_end:]
        )


def _e(value) -> str:
    return escape(str(value))


def _n(value) -> str:
    """Coordinates with at most one decimal."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def number(value, places: int = 0) -> str:
    """A chart's label for a figure, rounded once by the number formatter; "–" for None."""
    return number_format.page_decimal(value, places, blank="–")


_VIEWBOX_PATTERN = re.compile(r'viewBox="0 0 ([0-9.]+) ([0-9.]+)"')


def _svg(
    chart_id: str,
    height: float,
    body: list[str],
    defs: Sequence[str] = (),
    role: str = "img",
    *,
    width: float = WIDTH,
    font_size: int = FONT_SIZE,
    svg_id: str = "",
    extra_class: str = "",
) -> SafeString:
    # role="img" makes everything inside one picture; a chart holding links must be a "group"
    # instead, or assistive technology meets links inside an image (WCAG 4.1.2).
    classes = f"app-chart {extra_class}".strip()
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{_e(svg_id or chart_id)}" '
        f'class="{classes}" viewBox="0 0 {_n(width)} {_n(height)}" width="100%" role="{role}" '
        f'aria-labelledby="{_e(chart_id)}-summary" focusable="false" {FONT} '
        f'font-size="{font_size}">'
    ]
    if defs:
        parts.append("<defs>" + "".join(defs) + "</defs>")
    parts.extend(body)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text and attribute above is escaped


def wrap_text(text: str, width: float, font_size: float) -> list[str]:
    """``text`` in lines that fit ``width`` units at ``font_size`` (Arial averages about 0.55
    of its size a character; 0.58 leaves a margin)."""
    per_line = max(int(width / (font_size * 0.58)), 8)
    return textwrap.wrap(text, per_line, break_long_words=True) or [""]


def text_width(text: str, font_size: float) -> float:
    """An upper estimate of the width of ``text`` in Arial, in the drawing's units."""
    return len(text) * font_size * 0.6


def _fit_size(text: str, room: float, font_size: float) -> str:
    """A ``font-size`` attribute that makes ``text`` fit ``room`` units ("" when it fits at
    ``font_size``); never below 10 units, where wrapping is the better answer."""
    width = text_width(text, font_size)
    if width <= room:
        return ""
    return f' font-size="{_n(max(font_size * room / width, 10))}"'


def _lines(lines: Sequence[str], x: float, y: float, size: float, step: float, extra="") -> str:
    return "".join(
        f'<text x="{_n(x)}" y="{_n(y + i * step)}" font-size="{_n(size)}" '
        f'fill="{TEXT_COLOUR}"{extra}>{_e(line)}</text>'
        for i, line in enumerate(lines)
    )


def _framed(
    chart_id: str,
    context: ChartContext | None,
    draw: Callable[[str, float, int], tuple[float, list[str], list[str]]],
    *,
    role: str = "img",
    variant: str,
) -> SafeString:
    """One drawing of a chart, with its context above (title, scope, period, Demo) and its
    source below when ``context`` is given. ``draw(svg_id, width, font_size)`` returns the
    height, body and defs of the chart itself, drawn from y=0."""
    narrow = variant == "narrow"
    width = NARROW_WIDTH if narrow else WIDTH
    font_size = NARROW_FONT if narrow else FONT_SIZE
    svg_id = f"{chart_id}-narrow" if narrow else chart_id
    height, body, defs = draw(svg_id, width, font_size)
    extra_class = "app-chart--narrow" if narrow else "app-chart--wide"
    if context is None:
        return _svg(
            chart_id, height, body, defs, role, width=width, font_size=font_size, svg_id=svg_id,
            extra_class=extra_class,
        )  # fmt: skip
    head: list[str] = []
    y = 0.0
    title_size = font_size + 4
    title_lines = wrap_text(context.title, width, title_size)
    head.append(_lines(title_lines, 0, y + title_size, title_size, title_size * 1.25,
                       ' font-weight="700" class="app-chart__title"'))  # fmt: skip
    y += title_size * 1.25 * len(title_lines) + 2
    scope_lines = wrap_text(f"{context.scope} · {context.period}", width, font_size)
    head.append(_lines(scope_lines, 0, y + font_size, font_size, font_size * 1.3,
                       ' class="app-chart__scope"'))  # fmt: skip
    y += font_size * 1.3 * len(scope_lines)
    if context.is_demo:
        demo_lines = wrap_text(context.demo_text, width - 16, font_size)
        box = font_size * 1.3 * len(demo_lines) + 8
        longest = max(text_width(line, font_size) for line in demo_lines)
        head.append(
            f'<g class="app-chart__demo"><rect x="1" y="{_n(y + 4)}" '
            f'width="{_n(min(longest + 16, width - 2))}" height="{_n(box)}" fill="#ffffff" '
            f'stroke="{DEMO_COLOUR}" stroke-width="2"/>'
            + "".join(
                f'<text x="8" y="{_n(y + 4 + font_size + 3 + i * font_size * 1.3)}" '
                f'font-weight="700" fill="{DEMO_COLOUR}">{_e(line)}</text>'
                for i, line in enumerate(demo_lines)
            )
            + "</g>"
        )
        y += box + 6
    y += 12
    source_size = max(font_size - 1, 12)
    source_lines = wrap_text(f"Source: {context.source}", width, source_size)
    bottom = y + height + 8
    foot = _lines(source_lines, 0, bottom + source_size, source_size, source_size * 1.3,
                  ' class="app-chart__source"')  # fmt: skip
    total = bottom + source_size * 1.3 * len(source_lines) + 4
    parts = [*head, f'<g transform="translate(0 {_n(y)})">', *body, "</g>", foot]
    return _svg(
        chart_id, total, parts, defs, role, width=width, font_size=font_size, svg_id=svg_id,
        extra_class=extra_class,
    )  # fmt: skip


def _both(
    chart_id: str,
    summary: str,
    context: ChartContext | None,
    draw: Callable[[str, float, int], tuple[float, list[str], list[str]]],
    *,
    role: str = "img",
) -> Chart:
    return Chart(
        chart_id,
        summary,
        _framed(chart_id, context, draw, role=role, variant="wide"),
        _framed(chart_id, context, draw, role=role, variant="narrow"),
        context=context,
    )


def _pattern_defs(chart_id: str) -> list[str]:
    defs = []
    for index, (colour, pattern) in enumerate(SERIES_STYLES):
        pid = f"{chart_id}-series-{index}"
        if pattern == "hatch":
            defs.append(
                f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse" '
                f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
                f'<rect width="3" height="6" fill="{colour}"/></pattern>'
            )
        elif pattern == "dots":
            defs.append(
                f'<pattern id="{pid}" width="5" height="5" patternUnits="userSpaceOnUse">'
                f'<rect width="5" height="5" fill="{LIGHT_GREY}"/>'
                f'<circle cx="2.5" cy="2.5" r="1.6" fill="{colour}"/></pattern>'
            )
    return defs


def _series_fill(chart_id: str, index: int) -> str:
    colour, pattern = SERIES_STYLES[index % len(SERIES_STYLES)]
    if pattern == "solid":
        return colour
    return f"url(#{chart_id}-series-{index % len(SERIES_STYLES)})"


def _legend(
    chart_id: str,
    labels: Sequence[str],
    x: float,
    y: float,
    right: float = WIDTH,
    font_size: float = FONT_SIZE,
) -> tuple[list[str], float]:
    """The key of the series, wrapping before ``right``; the parts and the last line's y."""
    parts, left = [], x
    for index, label in enumerate(labels):
        colour = SERIES_STYLES[index % len(SERIES_STYLES)][0]
        item_width = 20 + text_width(label, font_size) + 14
        if x > left and x + item_width > right:
            x, y = left, y + font_size + 10
        parts.append(
            f'<rect x="{_n(x)}" y="{_n(y - 11)}" width="14" height="14" '
            f'fill="{_series_fill(chart_id, index)}" stroke="{colour}"/>'
            f'<text x="{_n(x + 20)}" y="{_n(y)}" fill="{TEXT_COLOUR}">{_e(label)}</text>'
        )
        x += item_width
    return parts, y


def _nice_step(maximum: float, ticks: int = 5) -> float:
    if maximum <= 0:
        return 1
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if raw <= multiple * magnitude:
            return max(multiple * magnitude, 1)
    return 10 * magnitude


# ---------------------------------------------------------------------------------------------
# Horizontal bars (hours by type, regions compared)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    values: Sequence[Decimal | int | float]  # one per series, stacked left to right
    value_text: str


def bar_chart(
    chart_id: str,
    bars: Sequence[Bar],
    *,
    summary: str,
    series: Sequence[str] = (),
    context: ChartContext | None = None,
) -> Chart:
    """Horizontal bars, one per item, stacked when there are several series.

    Wide: labels left of the bars. Narrow: each label above its bar, on as many lines as it
    needs. Either way the longest bar ends where its value label still fits inside the drawing,
    so no bar or value is ever cut off, and bars keep their proportions.
    """
    maximum = max((float(sum(bar.values)) for bar in bars), default=0) or 1

    def draw(svg_id: str, width: float, font_size: int):
        narrow = width < WIDTH
        value_room = max((text_width(bar.value_text, font_size) for bar in bars), default=0) + 10
        body: list[str] = []
        top = 8
        if len(series) > 1:
            legend, last_y = _legend(svg_id, series, 0 if narrow else 340, 18, width, font_size)
            body.extend(legend)
            top = last_y + 16
        if narrow:
            bar_x, label_width = 0.0, width
        else:
            label_width = 330.0
            bar_x = label_width + 10
        bar_end = width - value_room
        scale = (bar_end - bar_x) / maximum
        y = top
        line = font_size * 1.25
        for bar in bars:
            if narrow:
                label_lines = wrap_text(bar.label, width, font_size)
                body.append(_lines(label_lines, 0, y + font_size, font_size, line))
                y += line * len(label_lines) + 2
                bar_top = y
                y += 22
            else:
                body.append(
                    f'<text x="{_n(label_width)}" y="{_n(y + 17)}" text-anchor="end" '
                    f'fill="{TEXT_COLOUR}"{_fit_size(bar.label, label_width, font_size)}>'
                    f"{_e(bar.label)}</text>"
                )
                bar_top = y + 4
                y += 26
            x = bar_x
            for series_index, value in enumerate(bar.values):
                bar_width = float(value) * scale
                if bar_width > 0:
                    body.append(
                        f'<rect class="app-chart__bar" x="{_n(x)}" y="{_n(bar_top)}" '
                        f'width="{_n(max(bar_width, 1))}" height="18" '
                        f'fill="{_series_fill(svg_id, series_index)}" '
                        f'stroke="{SERIES_STYLES[series_index % 3][0]}" stroke-width="0.5"/>'
                    )
                x += bar_width
            body.append(
                f'<text class="app-chart__value" x="{_n(x + 6)}" y="{_n(bar_top + 14)}" '
                f'fill="{TEXT_COLOUR}">{_e(bar.value_text)}</text>'
            )
            if narrow:
                y += 8
        if not bars:
            body.append(f'<text x="{_n(bar_x)}" y="{_n(top + 17)}" fill="{TEXT_COLOUR}">'
                        "No figures</text>")  # fmt: skip
            y = top + 26
        return y + 8, body, _pattern_defs(svg_id)

    return _both(chart_id, summary, context, draw)


# ---------------------------------------------------------------------------------------------
# Columns over time (events per quarter)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    label: str  # shown under the column when ``show_label``
    values: Sequence[int]
    title: str
    show_label: bool = False


def column_chart(
    chart_id: str,
    columns: Sequence[Column],
    *,
    summary: str,
    series: Sequence[str],
    context: ChartContext | None = None,
) -> Chart:
    """Stacked columns, left to right, with a value axis and a key; a column's label is left
    out where it would run into the previous one (the narrow drawing labels fewer years)."""
    maximum = max((sum(column.values) for column in columns), default=0)
    step = _nice_step(maximum)
    axis_max = max(step * math.ceil(maximum / step), step)

    def draw(svg_id: str, width: float, font_size: int):
        left, right = (56, width - 16) if width >= WIDTH else (40, width - 4)
        legend, last_y = _legend(svg_id, series, left if width >= WIDTH else 0, 18, right,
                                 font_size)  # fmt: skip
        top = last_y + 22
        bottom = top + (210 if width >= WIDTH else 190)
        scale = (bottom - top) / axis_max
        body = legend
        tick = 0.0
        while tick <= axis_max + 1e-9:
            y = bottom - tick * scale
            body.append(
                f'<line x1="{left}" x2="{_n(right)}" y1="{_n(y)}" y2="{_n(y)}" '
                f'stroke="{GRID_COLOUR}" stroke-width="{1 if tick == 0 else 0.5}"/>'
                f'<text x="{left - 6}" y="{_n(y + 4)}" text-anchor="end" '
                f'fill="{TEXT_COLOUR}">{number(tick)}</text>'
            )
            tick += step
        slot = (right - left) / max(len(columns), 1)
        label_end = -math.inf
        for index, column in enumerate(columns):
            x = left + index * slot + slot * 0.15
            col_width = max(slot * 0.7, 1)
            y = bottom
            parts = [f"<g><title>{_e(column.title)}</title>"]
            for series_index, value in enumerate(column.values):
                h = value * scale
                if h > 0:
                    y -= h
                    parts.append(
                        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(col_width)}" '
                        f'height="{_n(h)}" fill="{_series_fill(svg_id, series_index)}" '
                        f'stroke="{SERIES_STYLES[series_index % 3][0]}" stroke-width="0.5"/>'
                    )
            parts.append("</g>")
            body.append("".join(parts))
            label_x = left + index * slot
            if column.show_label and label_x + 2 > label_end + 6:
                label_end = label_x + 2 + text_width(column.label, font_size)
                if label_end > right + 4:
                    continue
                body.append(
                    f'<line x1="{_n(label_x)}" x2="{_n(label_x)}" y1="{_n(bottom)}" '
                    f'y2="{_n(bottom + 6)}" stroke="{TEXT_COLOUR}"/>'
                    f'<text x="{_n(label_x + 2)}" y="{_n(bottom + 20)}" '
                    f'fill="{TEXT_COLOUR}">{_e(column.label)}</text>'
                )
        if not columns:
            body.append(
                f'<text x="{left + 10}" y="{_n(bottom - 10)}" fill="{TEXT_COLOUR}">No events</text>'
            )
        return bottom + 30, body, _pattern_defs(svg_id)

    return _both(chart_id, summary, context, draw)


# ---------------------------------------------------------------------------------------------
# Timeline: one row per council, one mark per event
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    start: date
    family: str
    is_formal: bool
    title: str
    href: str
    in_cluster: bool = False


@dataclass(frozen=True)
class Band:
    start: date
    end: date
    severity: str
    title: str


@dataclass(frozen=True)
class Lane:
    label: str
    marks: Sequence[Mark] = field(default_factory=tuple)
    bands: Sequence[Band] = field(default_factory=tuple)


def _shape(kind: str, x: float, y: float, r: float = 5) -> str:
    """The path of a mark centred on (x, y)."""

    def path(points):
        return "M" + " L".join(f"{_n(px)} {_n(py)}" for px, py in points) + " Z"

    if kind == "circle":
        return (
            f"M{_n(x - r)} {_n(y)} a{_n(r)} {_n(r)} 0 1 0 {_n(2 * r)} 0 "
            f"a{_n(r)} {_n(r)} 0 1 0 {_n(-2 * r)} 0 Z"
        )
    if kind == "square":
        s = r * 0.9
        return path([(x - s, y - s), (x + s, y - s), (x + s, y + s), (x - s, y + s)])
    if kind == "diamond":
        return path([(x, y - r * 1.2), (x + r * 1.2, y), (x, y + r * 1.2), (x - r * 1.2, y)])
    if kind == "triangle":
        return path([(x, y - r * 1.2), (x + r * 1.1, y + r * 0.9), (x - r * 1.1, y + r * 0.9)])
    if kind == "triangle-down":
        return path([(x, y + r * 1.2), (x + r * 1.1, y - r * 0.9), (x - r * 1.1, y - r * 0.9)])
    if kind == "plus":
        a, b = r * 0.4, r * 1.1
        return path(
            [
                (x - a, y - b), (x + a, y - b), (x + a, y - a), (x + b, y - a), (x + b, y + a),
                (x + a, y + a), (x + a, y + b), (x - a, y + b), (x - a, y + a), (x - b, y + a),
                (x - b, y - a), (x - a, y - a),
            ]
        )  # fmt: skip
    if kind == "star":
        points = []
        for i in range(10):
            radius = r * 1.3 if i % 2 == 0 else r * 0.55
            angle = math.pi / 2 + i * math.pi / 5
            points.append((x + radius * math.cos(angle), y - radius * math.sin(angle)))
        return path(points)
    # "bar": a thin upright mark, for the many small events (children's home visits)
    return path([(x - 1.5, y - r * 1.2), (x + 1.5, y - r * 1.2), (x + 1.5, y + r * 1.2),
                 (x - 1.5, y + r * 1.2)])  # fmt: skip


def _mark_svg(
    kind: str, colour: str, is_formal: bool, in_cluster: bool, x: float, y: float, mark_id=""
) -> str:
    fill = colour if is_formal else "#ffffff"
    stroke, width = (TEXT_COLOUR, 2) if in_cluster else (colour, 1.5)
    id_attribute = f' id="{mark_id}"' if mark_id else ""
    return (
        f'<path{id_attribute} d="{_shape(kind, x, y)}" fill="{fill}" stroke="{stroke}" '
        f'stroke-width="{width}"/>'
    )


def timeline_chart(
    chart_id: str,
    lanes: Sequence[Lane],
    *,
    start: date,
    end: date,
    families: Sequence[tuple[str, str]],
    summary: str,
    band_labels: dict[str, str] | None = None,
    context: ChartContext | None = None,
) -> Chart:
    """Lanes across the years from ``start`` to ``end``; bands behind marks show clusters
    (or what ``band_labels`` names in the key, by band severity). Wide: each lane's label on its
    left. Narrow: the label above its lane, so the years get the whole width."""
    end = max(end, start + timedelta(days=1))
    span = (end - start).days

    def draw(svg_id: str, width: float, font_size: int):
        narrow = width < WIDTH
        if narrow:
            label_width, left, right, top, row, label_row = 0, 8, width - 8, 30, 20, 17
        else:
            label_width, left, right, top, row, label_row = 230, 240, width - 16, 30, 22, 0
        lane_height = row + label_row
        scale = (right - left) / span

        def x_of(day: date) -> float:
            return left + (min(max(day, start), end) - start).days * scale

        body: list[str] = []
        shapes: dict[str, str] = {}
        lanes_bottom = top + lane_height * max(len(lanes), 1)
        for index in range(0, len(lanes), 2):
            body.append(
                f'<rect x="0" y="{top + index * lane_height}" width="{_n(width)}" '
                f'height="{lane_height}" fill="{LIGHT_GREY}"/>'
            )
        # Year lines and labels (and quarters when the period is short); a label is left out
        # where it would run into the previous one.
        year = start.year + (0 if start == date(start.year, 1, 1) else 1)
        label_end = -math.inf
        for y in range(year, end.year + 1):
            x = x_of(date(y, 1, 1))
            body.append(
                f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{top - 6}" y2="{lanes_bottom}" '
                f'stroke="{GRID_COLOUR}"/>'
            )
            label_width_years = text_width(str(y), font_size)
            if x + 3 > label_end + 4 and x + 3 + label_width_years <= right:
                body.append(f'<text x="{_n(x + 3)}" y="{top - 10}" fill="{TEXT_COLOUR}">{y}</text>')
                label_end = x + 3 + label_width_years
        if span <= 3 * 366:
            day = date(start.year, (start.month - 1) // 3 * 3 + 1, 1)
            while day <= end:
                if day > start and day.month != 1:
                    x = x_of(day)
                    body.append(
                        f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{top}" y2="{lanes_bottom}" '
                        f'stroke="{GRID_COLOUR}" stroke-dasharray="2 3"/>'
                    )
                day = date(day.year + (day.month == 10), (day.month + 2) % 12 + 1, 1)
        for index, lane in enumerate(lanes):
            y_top = top + index * lane_height + label_row
            middle = y_top + row / 2
            if narrow:
                body.append(
                    f'<text x="8" y="{_n(y_top - 3)}" fill="{TEXT_COLOUR}"'
                    f"{_fit_size(lane.label, width - 16, font_size)}>{_e(lane.label)}</text>"
                )
            else:
                body.append(
                    f'<text x="{label_width}" y="{_n(middle + 4)}" text-anchor="end" '
                    f'fill="{TEXT_COLOUR}"{_fit_size(lane.label, label_width - 4, font_size)}>'
                    f"{_e(lane.label)}</text>"
                )
            # Longest first, so that a short cluster inside a long one stays visible on top.
            for band in sorted(lane.bands, key=lambda band: band.start - band.end):
                fill, stroke, _ = CLUSTER_STYLES.get(band.severity, CLUSTER_STYLES["medium"])
                x1, x2 = x_of(band.start) - 7, x_of(band.end) + 7
                body.append(
                    f'<rect x="{_n(x1)}" y="{_n(y_top + 2)}" width="{_n(x2 - x1)}" '
                    f'height="{row - 4}" fill="{fill}" stroke="{stroke}" stroke-dasharray="4 2">'
                    f"<title>{_e(band.title)}</title></rect>"
                )
            for mark in lane.marks:
                colour, kind = FAMILY_MARKS.get(mark.family, FAMILY_MARKS["other"])
                # Each kind of mark is drawn once in <defs> and placed with <use>: a national
                # timeline has thousands of marks.
                mark_id = f"{svg_id}-{kind}-{int(mark.is_formal)}{int(mark.in_cluster)}"
                if mark_id not in shapes:
                    shapes[mark_id] = _mark_svg(
                        kind, colour, mark.is_formal, mark.in_cluster, 0, 0, mark_id=mark_id
                    )
                body.append(
                    f'<a href="{_e(mark.href)}" tabindex="-1"><title>{_e(mark.title)}</title>'
                    f'<use href="#{mark_id}" x="{_n(x_of(mark.start))}" y="{_n(middle)}"/></a>'
                )
        if not lanes:
            body.append(f'<text x="{left}" y="{top + 15}" fill="{TEXT_COLOUR}">No councils</text>')
        # The key: every family shown, hollow marks, and cluster bands; it wraps at the edge.
        key_y = lanes_bottom + 26
        key_left = 8 if narrow else left
        x = key_left
        items = []
        for code, label in families:
            colour, kind = FAMILY_MARKS.get(code, FAMILY_MARKS["other"])
            items.append((_mark_svg(kind, colour, True, False, 0, 0), label))
        items.append((_mark_svg("circle", "#505a5f", False, False, 0, 0), "Hollow: not formal"))
        severities = {band.severity for lane in lanes for band in lane.bands}
        for severity in ("high", "medium", "low"):
            if severity in severities:
                fill, stroke, label = CLUSTER_STYLES[severity]
                label = (band_labels or {}).get(severity, label)
                swatch = (
                    f'<rect x="-8" y="-8" width="16" height="16" fill="{fill}" '
                    f'stroke="{stroke}" stroke-dasharray="4 2"/>'
                )
                items.append((swatch, label))
        key = []
        for swatch, label in items:
            item_width = 18 + text_width(label, font_size)
            if x > key_left and x + item_width > right:
                x, key_y = key_left, key_y + font_size + 9
            key.append(
                f'<g transform="translate({_n(x + 6)} {_n(key_y - 4)})">{swatch}</g>'
                f'<text x="{_n(x + 18)}" y="{_n(key_y)}" fill="{TEXT_COLOUR}">{_e(label)}</text>'
            )
            x += item_width + 14
        body.extend(key)
        return key_y + 14, body, list(shapes.values())

    return _both(chart_id, summary, context, draw, role="group")
