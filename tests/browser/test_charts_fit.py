"""Charts fit their container at 1280, 390 and 320 px, read from the geometry Chromium renders.

For every chart shown (the wide or the narrow drawing, whichever the container query picks):
the SVG is no wider than its frame, no bar or value label runs past the SVG's edge or the
viewport, text renders at 9 px or more, and the regions' bars of different values have
different lengths in the order of their values. Each chart's title, area and Demo mark are
text inside the SVG. Wide tables scroll inside their own focusable region.
"""

import re
from datetime import date, timedelta

import pytest

from councils.models import Council
from inspections import dashboard_charts
from inspections.models import Source, StaffTime
from tests.factories import make_event, make_hours

from .support import sign_in

pytestmark = pytest.mark.browser

WIDTHS = [1280, 390, 320]
MIN_TEXT_PX = 9

MEASURE = """() => {
  const rect = (e) => { const b = e.getBoundingClientRect();
                        return {left: b.left, right: b.right, width: b.width}; };
  return [...document.querySelectorAll("svg.app-chart")]
    .filter((svg) => getComputedStyle(svg).display !== "none")
    .map((svg) => {
      const box = rect(svg);
      const scale = box.width / svg.viewBox.baseVal.width;
      return {
        id: svg.id,
        frame: rect(svg.parentElement),
        svg: box,
        fontPx: parseFloat(svg.getAttribute("font-size")) * scale,
        bars: [...svg.querySelectorAll("rect.app-chart__bar")].map(rect),
        values: [...svg.querySelectorAll("text.app-chart__value")].map(
          (t) => ({...rect(t), text: t.textContent})),
        texts: [...svg.querySelectorAll("text")].map(
          (t) => ({...rect(t), text: t.textContent})),
        words: [...svg.querySelectorAll("text")].map((t) => t.textContent).join(" "),
      };
    });
}"""

TABLES = """() => [...document.querySelectorAll("table.govuk-table")]
  .filter((t) => t.offsetParent !== null)
  .map((t) => {
    const scroller = t.closest(".app-table-scroll");
    return {
      id: t.id || t.className,
      width: t.getBoundingClientRect().width,
      scroller: scroller ? {
        width: scroller.getBoundingClientRect().width,
        right: scroller.getBoundingClientRect().right,
        tabindex: scroller.getAttribute("tabindex"),
        role: scroller.getAttribute("role"),
        label: scroller.getAttribute("aria-labelledby") || scroller.getAttribute("aria-label"),
      } : null,
    };
  })"""


@pytest.fixture
def england(world):
    """Formal inspections in four regions, so many per council that the regions differ, with
    hours; one demo event in the North West."""
    today = date.today()
    per_region = {"north-west": 9, "london": 5, "south-west": 2, "north-east": 1}
    for slug, count in per_region.items():
        councils = list(Council.objects.filter(region__slug=slug).order_by("name")[:count])
        for index in range(count):
            council = councils[index % len(councils)]
            event = make_event(council, "ilacs_standard", today - timedelta(days=40 + index * 60))
            make_hours(event, 100 + 37 * index, team="practitioners", phase="on_site")
    demo = make_event(
        world.council_a, "jtai", today - timedelta(days=90), theme="Neglect", source=Source.DEMO
    )
    StaffTime.objects.create(event=demo, team="partners", phase="on_site", hours=50, is_demo=True)
    return per_region


def _fail_where(page, width, chart, message):
    return f"{page} at {width} px, chart {chart['id']}: {message}"


def _check_fit(where, width, found):
    assert found, f"{where} at {width} px: no chart shown"
    for chart in found:
        frame, svg = chart["frame"], chart["svg"]
        assert svg["width"] <= frame["width"] + 0.5, _fail_where(
            where, width, chart, f"SVG {svg['width']:.0f} px in a {frame['width']:.0f} px frame"
        )
        assert svg["right"] <= width + 0.5, _fail_where(where, width, chart, "past the viewport")
        for bar in chart["bars"]:
            assert svg["left"] - 0.5 <= bar["left"] and bar["right"] <= svg["right"] + 0.5, (
                _fail_where(where, width, chart, f"a bar is clipped: {bar} in {svg}")
            )
        for text in chart["texts"]:
            assert text["right"] <= svg["right"] + 1 and text["left"] >= svg["left"] - 1, (
                _fail_where(where, width, chart, f"text runs past the edge: {text['text']!r}")
            )
        assert chart["fontPx"] >= MIN_TEXT_PX, _fail_where(
            where, width, chart, f"text at {chart['fontPx']:.1f} px"
        )


def _check_tables(where, width, tables):
    for table in tables:
        scroller = table["scroller"]
        if scroller is None:
            continue
        if table["width"] > scroller["width"] + 0.5:
            # wider than its column: it scrolls inside its own region, reachable by keyboard
            assert scroller["tabindex"] == "0" and scroller["role"] == "region", (
                f"{where} at {width} px: table {table['id']} ({table['width']:.0f} px) scrolls "
                f"in a {scroller['width']:.0f} px box that is not a focusable region"
            )
            assert scroller["label"], f"{where}: the scrolling region of {table['id']} has no name"
        assert scroller["right"] <= width + 0.5, f"{where}: table {table['id']} past the viewport"


def _base(chart_id: str) -> str:
    return chart_id.removesuffix("-narrow")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_chart_fits_its_container_and_the_regions_bars_differ(page, world, england, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "lga.officer")
    for where, url in [
        ("England", "/dashboards/"),
        ("North West", "/regions/north-west/"),
        ("Manchester", f"/councils/{world.council_a.slug}/"),
    ]:
        page.goto(url)
        found = page.evaluate(MEASURE)
        _check_fit(where, width, found)
        _check_tables(where, width, page.evaluate(TABLES))
        ids = {_base(chart["id"]) for chart in found}
        assert {"timeline", "hours-by-type", "events-per-quarter"} <= ids, (where, ids)
        for chart in found:
            title, _ = dashboard_charts.DASHBOARD_CHARTS[_base(chart["id"])]
            if _base(chart["id"]) != "timeline":
                assert title in chart["words"], (where, chart["id"], chart["words"][:200])
            place = {"England": "England", "North West": "North West"}.get(where, "Manchester")
            assert place in chart["words"], (where, chart["id"])
            # the demo JTAI in Manchester is in every scope, counted in events and hours
            assert "Demo" in chart["words"], (where, chart["id"])
        if where == "England":
            formal = next(c for c in found if _base(c["id"]) == "regions-formal")
            values = [float(re.sub(r"[^0-9.]", "", v["text"]) or 0) for v in formal["values"]]
            widths = [bar["width"] for bar in formal["bars"]]
            drawn = [value for value in values if value > 0]
            assert len(drawn) == len(widths) >= 4, (values, widths)
            pairs = sorted(zip(drawn, widths, strict=True))
            for (low, low_width), (high, high_width) in zip(pairs, pairs[1:], strict=False):
                if high > low:
                    assert high_width > low_width + 1, f"bars of {low} and {high}: {pairs}"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_forecast_and_journey_charts_fit_and_carry_their_context(page, world, width):
    today = date.today()
    make_event(world.council_a, "ilacs_standard", today - timedelta(days=900))
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "lga.officer")
    for where, url, title in [
        ("forecast", "/forecast/regions/north-west/", "Forecast inspection windows: North West"),
        ("journey", "/inadequate-journey/", "Councils judged inadequate"),
    ]:
        page.goto(url)
        found = page.evaluate(MEASURE)
        _check_fit(where, width, found)
        _check_tables(where, width, page.evaluate(TABLES))
        assert any(title in chart["words"] for chart in found), (where, found[0]["words"][:200])
        for chart in found:
            assert "Source:" in chart["words"], (where, chart["id"])
