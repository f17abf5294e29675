"""The regional forecast timeline: server-side SVG, like the other charts.

One block per council, one row per regime with a window: a bar from the earliest to the latest
start, the family's mark at the most likely start, and a dashed red band on the council's own
row where a clash is forecast. Title, scope, period, source and "Demo" are drawn inside the SVG
(``inspections.charts.ChartContext``), so a saved copy still says what it shows. The page
shows the same figures as a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ..charts import (
    FAMILY_MARKS,
    GRID_COLOUR,
    LIGHT_GREY,
    TEXT_COLOUR,
    WIDTH,
    Chart,
    ChartContext,
    _both,
    _e,
    _mark_svg,
    _n,
    text_width,
    wrap_text,
)
from .clashes import likelihood_label
from .windows import REGIMES, day_text

CLASH_FILL, CLASH_STROKE = "#f6d7d2", "#d4351c"


@dataclass(frozen=True)
class Bar:
    regime: str
    earliest: date
    likely: date
    latest: date
    title: str


@dataclass(frozen=True)
class ClashBand:
    start: date
    end: date
    title: str
    label: str = ""  # short: "Back-to-back, 2 inspections, likely (62%)"


@dataclass(frozen=True)
class CouncilLane:
    name: str
    bars: Sequence[Bar]
    clashes: Sequence[ClashBand] = ()


def forecast_timeline(
    chart_id: str,
    lanes: Sequence[CouncilLane],
    *,
    start: date,
    end: date,
    title: str,
    scope: str,
    source: str,
    is_demo: bool,
    summary: str,
) -> Chart:
    """The timeline from ``start`` to ``end`` (24 months), drawn wide and narrow like every
    chart (``inspections.charts``): the narrow drawing keeps a short margin for the regimes'
    names, labels a month every half year and wraps the key. The viewBox fits what is drawn."""
    context = ChartContext(
        title=title,
        scope=scope,
        period=f"{day_text(start)} to {day_text(end)}",
        source=source,
        is_demo=is_demo,
    )
    span = max((end - start).days, 1)

    def draw(svg_id: str, width: float, font_size: int):
        narrow = width < WIDTH
        small = font_size - 1
        right, row, head = (width - 6, 16, 28) if narrow else (width - 16, 16, 28)
        # Narrow: as much margin as the longest regime name needs (at most 40% of the width).
        shorts = [REGIMES[bar.regime].short for lane in lanes for bar in lane.bars]
        needed = max((text_width(short, small) for short in shorts), default=40) + 14
        left = min(needed, width * 0.4) if narrow else 250
        scale = (right - left) / span

        def x_of(day: date) -> float:
            return left + (min(max(day, start), end) - start).days * scale

        body: list[str] = []
        axis_top = 20
        y = axis_top + 8
        blocks = []
        for index, lane in enumerate(lanes):
            height = head + row * max(len(lane.bars), 1) + 6
            blocks.append((lane, y, height, index))
            y += height
        bottom = y
        for _lane, top, height, index in blocks:
            if index % 2 == 0:
                body.append(
                    f'<rect x="0" y="{_n(top)}" width="{_n(width)}" height="{_n(height)}" '
                    f'fill="{LIGHT_GREY}"/>'
                )
        # Month grid, labelled every quarter (every half year when narrow) where it fits.
        label_months = (1, 7) if narrow else (1, 4, 7, 10)
        label_end = -1.0
        month = date(start.year, start.month, 1)
        while month <= end:
            if month >= start:
                x = x_of(month)
                body.append(
                    f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{axis_top}" y2="{_n(bottom)}" '
                    f'stroke="{GRID_COLOUR}" stroke-width="{1 if month.month == 1 else 0.4}"/>'
                )
                text = f"{month:%b %Y}"
                text_end = x + 2 + text_width(text, small)
                if month.month in label_months and x > label_end + 4 and text_end <= right:
                    body.append(
                        f'<text x="{_n(x + 2)}" y="{axis_top - 6}" font-size="{small}" '
                        f'fill="{TEXT_COLOUR}">{text}</text>'
                    )
                    label_end = text_end
            month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        for lane, top, _height, _index in blocks:
            body.append(
                f'<text x="4" y="{_n(top + 13)}" font-weight="700" fill="{TEXT_COLOUR}">'
                f"{_e(lane.name)}</text>"
            )
            # Clashes on the council's own row, above its windows: a dashed red line over the
            # rule's window from the most likely start, the most likely clash named.
            for number, band in enumerate(lane.clashes):
                x1, x2 = x_of(band.start), max(x_of(band.end), x_of(band.start) + 4)
                y_line = top + 19 + (number % 2) * 3
                body.append(
                    f"<g><title>{_e(band.title)}</title>"
                    f'<rect x="{_n(x1)}" y="{_n(y_line - 3)}" width="{_n(x2 - x1)}" height="6" '
                    f'fill="{CLASH_FILL}" stroke="{CLASH_STROKE}" stroke-width="1.5" '
                    f'stroke-dasharray="5 3"/></g>'
                )
            if lane.clashes:
                first = lane.clashes[0]
                label = f"Clash: {first.label}" + (
                    f" (+{len(lane.clashes) - 1} more)" if len(lane.clashes) > 1 else ""
                )
                size = 11
                room = right - 4 - text_width(lane.name, font_size) - 12
                if text_width(label, size) > room:
                    label = f"Clash ({len(lane.clashes)})"
                x_label = max(
                    min(x_of(first.start), right - text_width(label, size)),
                    4 + text_width(lane.name, font_size) + 12,
                )
                body.append(
                    f'<text x="{_n(x_label)}" y="{_n(top + 13)}" font-size="{size}" '
                    f'font-weight="700" fill="{CLASH_STROKE}">{_e(label)}</text>'
                )
            if not lane.bars:
                body.append(
                    f'<text x="{left}" y="{_n(top + head + 10)}" fill="{TEXT_COLOUR}" '
                    f'font-size="{small}">No window in these 24 months</text>'
                )
            for position, bar in enumerate(lane.bars):
                regime = REGIMES[bar.regime]
                colour, kind = FAMILY_MARKS.get(regime.family, FAMILY_MARKS["other"])
                middle = top + head + position * row + row / 2
                x1, x2 = x_of(bar.earliest), max(x_of(bar.latest), x_of(bar.earliest) + 3)
                body.append(
                    f'<text x="{left - 8}" y="{_n(middle + 4)}" text-anchor="end" '
                    f'font-size="{small}" fill="{TEXT_COLOUR}">{_e(regime.short)}</text>'
                    f"<g><title>{_e(bar.title)}</title>"
                    f'<rect x="{_n(x1)}" y="{_n(middle - 4)}" width="{_n(x2 - x1)}" height="8" '
                    f'fill="{colour}" fill-opacity="0.35" stroke="{colour}"/>'
                )
                if start <= bar.likely <= end:
                    body.append(
                        f'<g transform="translate({_n(x_of(bar.likely))} {_n(middle)})">'
                        f"{_mark_svg(kind, colour, True, False, 0, 0)}</g>"
                    )
                body.append("</g>")
        if not lanes:
            body.append(
                f'<text x="{left}" y="{axis_top + 24}" fill="{TEXT_COLOUR}">No councils</text>'
            )
        # The key, wrapping at the edge.
        key_y = bottom + 24
        x = 0.0
        families = []
        for regime in REGIMES.values():
            if regime.family not in families:
                families.append(regime.family)
        labels = {
            "ilacs": "ILACS (Ofsted)",
            "area_send": "Area SEND",
            "hmip": "Youth justice",
            "cqc": "CQC",
            "jtai": "JTAI",
        }
        items = []
        for family in families:
            colour, kind = FAMILY_MARKS.get(family, FAMILY_MARKS["other"])
            items.append(
                (f"{_mark_svg(kind, colour, True, False, 0, 0)}", labels.get(family, family))
            )
        clash_swatch = (
            f'<rect x="-9" y="-7" width="18" height="14" fill="{CLASH_FILL}" '
            f'stroke="{CLASH_STROKE}" stroke-dasharray="5 3"/>'
        )
        items.append((clash_swatch, "Forecast clash"))
        for swatch, label in items:
            item_width = 18 + text_width(label, font_size)
            if x > 0 and x + item_width > right:
                x, key_y = 0.0, key_y + font_size + 9
            body.append(
                f'<g transform="translate({_n(x + 9)} {_n(key_y - 4)})">{swatch}</g>'
                f'<text x="{_n(x + 22)}" y="{_n(key_y)}" fill="{TEXT_COLOUR}">{_e(label)}</text>'
            )
            x += item_width + 18
        note = "Bars: earliest to latest start; mark: most likely start."
        lines = wrap_text(note, width, small)
        for line in lines:
            key_y += small + 8
            body.append(
                f'<text x="0" y="{_n(key_y)}" font-size="{small}" fill="{TEXT_COLOUR}">'
                f"{_e(line)}</text>"
            )
        return key_y + 6, body, []

    return _both(chart_id, summary, context, draw)


def bar_title(council: str, window) -> str:
    regime = REGIMES[window.regime]
    return (
        f"{council}: {regime.name}, {day_text(window.earliest)} to {day_text(window.latest)}, "
        f"most likely around {day_text(window.likely)}"
    )


def lanes_for(councils, windows_by_council, clashes_by_council, *, start, end) -> list:
    """One lane per council: its windows that reach into the period, its clashes."""
    lanes = []
    for council in councils:
        bars = [
            Bar(w.regime, w.earliest, w.likely, w.latest, bar_title(council.name, w))
            for w in windows_by_council.get(council.pk, [])
            if w.earliest and w.latest and w.earliest <= end and w.latest >= start
        ]
        bands = [
            # The rule's window ending when the pile-up is most likely complete.
            ClashBand(
                max(clash.likely_date - timedelta(days=clash.rule.window_days), clash.first_date),
                clash.likely_date,
                f"{council.name}: {clash.summary} ({round(clash.likelihood_24 * 100)}% within "
                "24 months)",
                f"{clash.rule.name}, {len(clash.members)} inspections, "
                f"{likelihood_label(clash.likelihood_24).lower()} "
                f"({round(clash.likelihood_24 * 100)}%)",
            )
            # Most likely first: its label is the one drawn.
            for clash in sorted(
                clashes_by_council.get(council.pk, []), key=lambda c: -c.likelihood_24
            )
        ]
        lanes.append(CouncilLane(council.name, bars, bands))
    return lanes
