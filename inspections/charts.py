"""Charts drawn on the server as SVG: no script, no network, readable without colour.

Pure functions: figures in, markup out. Every chart is an ``<svg role="img">`` labelled by a
one-sentence summary shown next to it (``aria-labelledby``), and every page also shows the same
numbers as a table. Series differ by pattern (solid, hatched, dotted) and event families by
shape as well as colour, so that nothing depends on telling colours apart. Colours come from the
GOV.UK Design System palette.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from burden import number_format

WIDTH = 960
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
class Chart:
    """An SVG chart and the sentence that describes it (the SVG is labelled by its id)."""

    chart_id: str
    summary: str
    svg: SafeString

    @property
    def summary_id(self) -> str:
        return f"{self.chart_id}-summary"


def _e(value) -> str:
    return escape(str(value))


def _n(value) -> str:
    """Coordinates with at most one decimal."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def number(value, places: int = 0) -> str:
    """A chart's label for a figure, rounded once by the number formatter; "–" for None."""
    return number_format.page_decimal(value, places, blank="–")


def _svg(
    chart_id: str, height: float, body: list[str], defs: Sequence[str] = (), role: str = "img"
) -> SafeString:
    # role="img" makes everything inside one picture; a chart holding links must be a "group"
    # instead, or assistive technology meets links inside an image (WCAG 4.1.2).
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{_e(chart_id)}" class="app-chart" '
        f'viewBox="0 0 {WIDTH} {_n(height)}" width="100%" role="{role}" '
        f'aria-labelledby="{_e(chart_id)}-summary" focusable="false" {FONT} font-size="13">'
    ]
    if defs:
        parts.append("<defs>" + "".join(defs) + "</defs>")
    parts.extend(body)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text and attribute above is escaped


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


def _legend(chart_id: str, labels: Sequence[str], x: float, y: float) -> list[str]:
    parts = []
    for index, label in enumerate(labels):
        colour = SERIES_STYLES[index % len(SERIES_STYLES)][0]
        parts.append(
            f'<rect x="{_n(x)}" y="{_n(y - 11)}" width="14" height="14" '
            f'fill="{_series_fill(chart_id, index)}" stroke="{colour}"/>'
            f'<text x="{_n(x + 20)}" y="{_n(y)}" fill="{TEXT_COLOUR}">{_e(label)}</text>'
        )
        x += 34 + 7 * len(label)
    return parts


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
    chart_id: str, bars: Sequence[Bar], *, summary: str, series: Sequence[str] = ()
) -> Chart:
    """Horizontal bars, one per item, stacked when there are several series."""
    label_width, bar_x, bar_end, row = 330, 340, 850, 26
    top = 34 if len(series) > 1 else 8
    height = top + row * max(len(bars), 1) + 8
    maximum = max((float(sum(bar.values)) for bar in bars), default=0) or 1
    scale = (bar_end - bar_x) / maximum
    body = []
    if len(series) > 1:
        body.extend(_legend(chart_id, series, bar_x, 18))
    for index, bar in enumerate(bars):
        y = top + index * row
        body.append(
            f'<text x="{label_width}" y="{_n(y + 17)}" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{_e(bar.label)}</text>'
        )
        x = bar_x
        for series_index, value in enumerate(bar.values):
            width = float(value) * scale
            if width > 0:
                body.append(
                    f'<rect x="{_n(x)}" y="{_n(y + 4)}" width="{_n(max(width, 1))}" height="18" '
                    f'fill="{_series_fill(chart_id, series_index)}" '
                    f'stroke="{SERIES_STYLES[series_index % 3][0]}" stroke-width="0.5"/>'
                )
            x += width
        body.append(
            f'<text x="{_n(x + 6)}" y="{_n(y + 17)}" fill="{TEXT_COLOUR}">'
            f"{_e(bar.value_text)}</text>"
        )
    if not bars:
        body.append(f'<text x="{bar_x}" y="{top + 17}" fill="{TEXT_COLOUR}">No figures</text>')
    return Chart(chart_id, summary, _svg(chart_id, height, body, _pattern_defs(chart_id)))


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
    chart_id: str, columns: Sequence[Column], *, summary: str, series: Sequence[str]
) -> Chart:
    """Stacked columns, left to right, with a value axis and a key."""
    left, right, top, bottom = 56, WIDTH - 16, 40, 250
    height = bottom + 30
    maximum = max((sum(column.values) for column in columns), default=0)
    step = _nice_step(maximum)
    axis_max = max(step * math.ceil(maximum / step), step)
    scale = (bottom - top) / axis_max
    body = _legend(chart_id, series, left, 18)
    tick = 0.0
    while tick <= axis_max + 1e-9:
        y = bottom - tick * scale
        body.append(
            f'<line x1="{left}" x2="{right}" y1="{_n(y)}" y2="{_n(y)}" stroke="{GRID_COLOUR}" '
            f'stroke-width="{1 if tick == 0 else 0.5}"/>'
            f'<text x="{left - 6}" y="{_n(y + 4)}" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{number(tick)}</text>'
        )
        tick += step
    slot = (right - left) / max(len(columns), 1)
    for index, column in enumerate(columns):
        x = left + index * slot + slot * 0.15
        width = max(slot * 0.7, 1)
        y = bottom
        parts = [f"<g><title>{_e(column.title)}</title>"]
        for series_index, value in enumerate(column.values):
            h = value * scale
            if h > 0:
                y -= h
                parts.append(
                    f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(h)}" '
                    f'fill="{_series_fill(chart_id, series_index)}" '
                    f'stroke="{SERIES_STYLES[series_index % 3][0]}" stroke-width="0.5"/>'
                )
        parts.append("</g>")
        body.append("".join(parts))
        if column.show_label:
            body.append(
                f'<line x1="{_n(left + index * slot)}" x2="{_n(left + index * slot)}" '
                f'y1="{bottom}" y2="{bottom + 6}" stroke="{TEXT_COLOUR}"/>'
                f'<text x="{_n(left + index * slot + 2)}" y="{bottom + 20}" '
                f'fill="{TEXT_COLOUR}">{_e(column.label)}</text>'
            )
    if not columns:
        body.append(
            f'<text x="{left + 10}" y="{bottom - 10}" fill="{TEXT_COLOUR}">No events</text>'
        )
    return Chart(chart_id, summary, _svg(chart_id, height, body, _pattern_defs(chart_id)))


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
) -> Chart:
    """Lanes across the years from ``start`` to ``end``; bands behind marks show clusters
    (or what ``band_labels`` names in the key, by band severity)."""
    label_width, left, right, top, row = 230, 240, WIDTH - 16, 30, 22
    end = max(end, start + timedelta(days=1))
    span = (end - start).days
    scale = (right - left) / span

    def x_of(day: date) -> float:
        return left + (min(max(day, start), end) - start).days * scale

    body: list[str] = []
    shapes: dict[str, str] = {}
    lanes_bottom = top + row * max(len(lanes), 1)
    for index in range(0, len(lanes), 2):
        body.append(
            f'<rect x="0" y="{top + index * row}" width="{WIDTH}" height="{row}" '
            f'fill="{LIGHT_GREY}"/>'
        )
    # Year lines and labels (and quarters when the period is short).
    year = start.year + (0 if start == date(start.year, 1, 1) else 1)
    years = list(range(year, end.year + 1))
    label_every = 1 if len(years) <= 16 else 2
    for y in years:
        x = x_of(date(y, 1, 1))
        body.append(
            f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{top - 6}" y2="{lanes_bottom}" '
            f'stroke="{GRID_COLOUR}"/>'
        )
        if (y - years[0]) % label_every == 0 and x + 34 <= right:
            body.append(f'<text x="{_n(x + 3)}" y="{top - 10}" fill="{TEXT_COLOUR}">{y}</text>')
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
        y_top = top + index * row
        middle = y_top + row / 2
        body.append(
            f'<text x="{label_width}" y="{_n(middle + 4)}" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{_e(lane.label)}</text>'
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
            mark_id = f"{chart_id}-{kind}-{int(mark.is_formal)}{int(mark.in_cluster)}"
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
    # The key: every family shown, hollow marks, and cluster bands.
    key_y = lanes_bottom + 26
    x = left
    items = []
    for code, label in families:
        colour, kind = FAMILY_MARKS.get(code, FAMILY_MARKS["other"])
        items.append((_mark_svg(kind, colour, True, False, 0, 0), label, 16 + 7 * len(label)))
    items.append((_mark_svg("circle", "#505a5f", False, False, 0, 0), "Hollow: not formal", 150))
    severities = {band.severity for lane in lanes for band in lane.bands}
    for severity in ("high", "medium", "low"):
        if severity in severities:
            fill, stroke, label = CLUSTER_STYLES[severity]
            label = (band_labels or {}).get(severity, label)
            swatch = (
                f'<rect x="-8" y="-8" width="16" height="16" fill="{fill}" stroke="{stroke}" '
                f'stroke-dasharray="4 2"/>'
            )
            items.append((swatch, label, 20 + 7 * len(label)))
    key = []
    for swatch, label, width in items:
        if x + width > right:
            x, key_y = left, key_y + 22
        key.append(
            f'<g transform="translate({_n(x + 6)} {_n(key_y - 4)})">{swatch}</g>'
            f'<text x="{_n(x + 18)}" y="{_n(key_y)}" fill="{TEXT_COLOUR}">{_e(label)}</text>'
        )
        x += width + 18
    body.extend(key)
    return Chart(
        chart_id, summary, _svg(chart_id, key_y + 14, body, list(shapes.values()), role="group")
    )
