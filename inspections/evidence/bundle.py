"""The evidence pack as one ZIP: every CSV behind it, each chart as SVG and PNG, and a README.

The CSVs come from the exports' own row functions (``inspections.exports.EXPORTS``) and the
pack's figures, written by the exports' CSV writer (UTF-8 with a BOM, formula-safe), so a figure
in the pack can be traced to a cell of a file here. Each chart's SVG file stands alone: its
title, place and period, and "Includes demo data" where it does, are inside the picture. PNGs are
drawn from the same SVG by CairoSVG (through the system's libcairo).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import transaction
from django.utils.html import escape

from burden import number_format
from councils.access import UserAccess

from .. import exports
from .pack import Pack, PackChart

# (file in the ZIP, export name): the exports the pack's figures come from.
PACK_EXPORTS = [
    ("summary.csv", "summary"),
    ("cost-by-year.csv", "cost_by_year"),
    ("cost-rates.csv", "cost_rates"),
    ("inadequate-journeys.csv", "inadequate_journeys"),
    ("inadequate-journey-figures.csv", "inadequate_journey_figures"),
    ("clusters.csv", "clusters"),
    ("forecast-clashes.csv", "forecast_clashes"),
]
PNG_WIDTH = 1920  # pixels: the 960-unit chart at twice the size, sharp in a slide or a report
HEADER_HEIGHT = 78
_VIEWBOX = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')


def _csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    return b"".join(exports.csv_stream(header, rows))


def _safe(rows: Iterable[Sequence]) -> Iterable[list]:
    """Rows built in Python, written as the exports write theirs (the one number formatter)."""
    for row in rows:
        yield [
            exports.neutralise(cell)
            if isinstance(cell, str)
            else number_format.export_decimal(cell)
            if isinstance(cell, Decimal)
            else ("yes" if cell else "no")
            if isinstance(cell, bool)
            else cell
            for cell in row
        ]


def standalone_svg(chart: PackChart, pack: Pack) -> str:
    """The chart as a file of its own, with its title, scope and any demo stamp inside."""
    inner = str(chart.chart.svg)
    match = _VIEWBOX.search(inner)
    width, height = (float(match.group(1)), float(match.group(2))) if match else (960.0, 400.0)
    inner = inner.replace(
        'width="100%"', f'width="{width:g}" height="{height:g}" y="{HEADER_HEIGHT}"', 1
    )
    scope = f"{pack.place_name} · {pack.period_label}"
    demo = "Includes demo data: not real figures" if pack.includes_demo else ""
    total = height + HEADER_HEIGHT
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {total:g}" '
        f'width="{width:g}" height="{total:g}" font-family="arial, sans-serif">'
        f"<title>{escape(chart.title)} – {escape(scope)}</title>"
        f"<desc>{escape(chart.chart.summary)}</desc>"
        f'<rect width="100%" height="100%" fill="#ffffff"/>'
        f'<text x="8" y="24" font-size="20" font-weight="bold" fill="#0b0c0c">'
        f"{escape(chart.title)}</text>"
        f'<text x="8" y="46" font-size="14" fill="#0b0c0c">{escape(scope)}. '
        f"Source: Inspection Burden Tracker, {pack.generated_on:%-d %B %Y}.</text>"
        + (
            f'<text x="8" y="68" font-size="14" font-weight="bold" fill="#d4351c">{demo}</text>'
            if demo
            else ""
        )
        + inner
        + "</svg>"
    )


def svg_to_png(svg: str) -> bytes:
    """A PNG of an SVG, PNG_WIDTH pixels wide.

    CairoSVG is imported here, not with the module: it needs the system's libcairo, and without
    it only the PNGs fail (an OSError naming the library), never the app's start.
    """
    import cairosvg

    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), output_width=PNG_WIDTH)


def readme_text(pack: Pack, files: list[str]) -> str:
    lines = [
        f"Evidence pack: inspection burden, {pack.place_name}, {pack.period_label}",
        f"Made on {pack.generated_on:%-d %B %Y} by the Inspection Burden Tracker.",
    ]
    if pack.includes_demo:
        lines.append(
            "DEMO: these figures include demo data, invented to look plausible. Do not quote them."
        )
    lines += ["", "Headline figures (and the file each comes from):"]
    lines += [f"- {h.label}: {h.text} ({h.traced_to})" for h in pack.headline]
    lines += ["", "Definitions:"] + [f"- {d}" for d in pack.definitions]
    lines += ["", "Sources:"] + [f"- {s.name} ({s.dated}). {s.note}" for s in pack.sources]
    lines += ["", "Files:"] + [f"- {name}" for name in files]
    return "\n".join(lines) + "\n"


def pack_zip(pack: Pack, access: UserAccess) -> bytes:
    """The ZIP's bytes: read in one transaction, so every file comes from the same moment."""
    buffer = io.BytesIO()
    files: list[str] = []
    with transaction.atomic(), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, export_name in PACK_EXPORTS:
            export = exports.EXPORTS[export_name]
            archive.writestr(
                name, _csv_bytes(export.header, export.rows(access, pack.export_filters))
            )
            files.append(name)
        for name, (header, rows) in pack.extra_csvs.items():
            if name in files:
                continue
            archive.writestr(name, _csv_bytes(header, _safe(rows)))
            files.append(name)
        for chart in pack.charts:
            svg = standalone_svg(chart, pack)
            archive.writestr(f"charts/{chart.key}.svg", svg)
            archive.writestr(f"charts/{chart.key}.png", svg_to_png(svg))
            files += [f"charts/{chart.key}.svg", f"charts/{chart.key}.png"]
        archive.writestr("README.txt", readme_text(pack, files))
    return buffer.getvalue()


def zip_filename(pack: Pack) -> str:
    place = re.sub(r"[^a-z0-9]+", "-", pack.place_name.lower()).strip("-")
    f = pack.filters
    period = (
        f"{f.date_from.isoformat() if f.date_from else 'up-to'}-"
        f"{(f.date_to or pack.generated_on).isoformat()}"
        if f.date_from or f.date_to
        else pack.generated_on.isoformat()
    )
    return f"evidence-pack-{place}-{period}.zip"
