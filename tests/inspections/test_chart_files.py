"""Charts that carry their context and fit: the SVG itself, and the chart files.

The geometry a browser renders is checked in tests/browser/test_charts_fit.py; here, what the
server draws: every bar inside the drawing and in proportion, the title, area, period, source and
Demo mark inside the SVG, and /charts/<name>.svg|.png under the page's access rules.
"""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from inspections import charts
from inspections.models import Source, StaffTime
from tests.inspections.burden_fixture import build_world

pytestmark = pytest.mark.django_db

SVG_NS = "{http://www.w3.org/2000/svg}"
ALL_TIME = {"date_from": ""}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def world(north_west, london, council_a, council_b):
    return build_world(north_west, london, council_a, council_b)


def _texts(svg: ET.Element) -> list[str]:
    return ["".join(text.itertext()) for text in svg.iter(f"{SVG_NS}text")]


def _view_width(svg: ET.Element) -> float:
    return float(svg.get("viewBox").split()[2])


def _bars(svg: ET.Element) -> list[ET.Element]:
    return [r for r in svg.iter(f"{SVG_NS}rect") if r.get("class") == "app-chart__bar"]


def _chart(svg: str) -> ET.Element:
    return ET.fromstring(svg)


# --- The drawing ----------------------------------------------------------------------------


CONTEXT = charts.ChartContext(
    title="Formal inspections per council, by region",
    scope="England · ILACS (Ofsted)",
    period="1 December 2023 to 30 November 2026",
    source="Inspection Burden Tracker",
    is_demo=True,
)


def _region_bars():
    values = [Decimal("12.5"), Decimal("3"), Decimal("7.25"), Decimal("0.5")]
    names = ["North West", "Yorkshire and the Humber", "East of England", "London"]
    return values, [
        charts.Bar(name, [value], f"{value} a council")
        for name, value in zip(names, values, strict=True)
    ]


@pytest.mark.parametrize("variant", ["svg", "svg_narrow"])
def test_every_bar_and_value_is_inside_the_drawing_and_in_proportion(variant):
    values, bars = _region_bars()
    chart = charts.bar_chart("regions", bars, summary="S.", context=CONTEXT)
    svg = _chart(getattr(chart, variant))
    width = _view_width(svg)
    rects = _bars(svg)
    assert len(rects) == len(values)
    widths = [float(rect.get("width")) for rect in rects]
    for rect, bar_width in zip(rects, widths, strict=True):
        assert float(rect.get("x")) + bar_width <= width
    # different values, different lengths, in proportion (to the drawing's 0.1-unit precision)
    assert len(set(widths)) == len(widths)
    for value, bar_width in zip(values, widths, strict=True):
        assert bar_width / widths[0] == pytest.approx(float(value / values[0]), abs=0.01)
    # each value label starts after its bar and fits in the drawing (an upper estimate)
    values_text = [t for t in svg.iter(f"{SVG_NS}text") if t.get("class") == "app-chart__value"]
    size = float(svg.get("font-size"))
    for text in values_text:
        end = float(text.get("x")) + charts.text_width(text.text, size)
        assert end <= width + 0.5


def test_the_narrow_drawing_puts_labels_above_bars_at_a_readable_size():
    _, bars = _region_bars()
    chart = charts.bar_chart("regions", bars, summary="S.", context=CONTEXT)
    narrow = _chart(chart.svg_narrow)
    assert _view_width(narrow) == charts.NARROW_WIDTH
    assert float(narrow.get("font-size")) >= 14
    # every label fits the width: it starts at the left edge and wraps
    for text in narrow.iter(f"{SVG_NS}text"):
        if text.get("text-anchor") == "end":
            pytest.fail("a label right-aligned against the bars in the narrow drawing")


def test_each_drawing_carries_title_scope_period_source_and_demo():
    _, bars = _region_bars()
    chart = charts.bar_chart("regions", bars, summary="S.", context=CONTEXT)
    for svg in (chart.svg, chart.svg_narrow):
        words = " ".join(_texts(_chart(svg)))
        assert "Formal inspections per council" in words
        assert "England" in words and "ILACS" in words
        assert "30 November 2026" in words
        assert "Source: Inspection Burden Tracker" in words
        assert "Demo" in words
    real = charts.bar_chart(
        "regions", bars, summary="S.", context=charts.ChartContext("T", "England", "All time", "S")
    )
    assert "Demo" not in " ".join(_texts(_chart(real.svg)))


def test_a_column_and_a_timeline_chart_fit_both_widths(world):
    columns = [charts.Column(str(2000 + i), [i, 1], "t", show_label=True) for i in range(40)]
    chart = charts.column_chart("q", columns, summary="S.", series=["A", "B"], context=CONTEXT)
    for svg in (_chart(chart.svg), _chart(chart.svg_narrow)):
        width = _view_width(svg)
        for rect in svg.iter(f"{SVG_NS}rect"):
            if rect.get("width", "").endswith("%"):
                continue
            assert float(rect.get("x", 0)) + float(rect.get("width")) <= width + 0.1
        labels = [
            t for t in svg.iter(f"{SVG_NS}text") if re.fullmatch(r"20\d\d", "".join(t.itertext()))
        ]
        # year labels never overlap: each starts after the previous one ends
        xs = [float(t.get("x")) for t in labels]
        size = float(svg.get("font-size"))
        assert all(
            b >= a + charts.text_width("2000", size) for a, b in zip(xs, xs[1:], strict=False)
        )


# --- The files ------------------------------------------------------------------------------


def _file(client, name, fmt="svg", **params):
    return client.get(reverse(f"chart-{fmt}", args=[name]), params)


def test_a_chart_file_is_an_svg_with_its_context_and_a_png(client_for, lga_officer, world):
    client = client_for(lga_officer)
    response = _file(client, "regions-formal", **ALL_TIME, family="ilacs")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert 'filename="regions-formal-england-start-to-now.svg"' in response["Content-Disposition"]
    svg = ET.fromstring(response.content)  # parses
    assert svg.get("width") == "960" and float(svg.get("height")) > 100
    words = " ".join(_texts(svg))
    assert "Formal inspections per council, by region" in words
    assert "England · ILACS (Ofsted)" in words
    assert "All time" in words
    assert "Source:" in words
    assert "Demo" not in words
    png = _file(client, "regions-formal", "png", **ALL_TIME)
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content.startswith(PNG_MAGIC)


def test_a_chart_with_a_demo_figure_says_demo_on_the_page_and_in_the_file(
    client_for, lga_officer, world
):
    client = client_for(lga_officer)
    region = world.north_west.slug
    assert "Demo" not in " ".join(
        _texts(ET.fromstring(_file(client, "hours-by-type", region=region, **ALL_TIME).content))
    )
    # demo hours on a real event: the hours charts say demo, the counts of events do not
    StaffTime.objects.create(event=world.events["E3"], team="data", phase="after", hours=1,
                             is_demo=True)  # fmt: skip
    cache.clear()  # written without the services, which would move the figures' generation
    hours = _file(client, "hours-by-type", region=region, **ALL_TIME)
    assert "Demo" in " ".join(_texts(ET.fromstring(hours.content)))
    quarters = _file(client, "events-per-quarter", region=region, **ALL_TIME)
    assert "Demo" not in " ".join(_texts(ET.fromstring(quarters.content)))
    # a demo event: every chart of the scope says demo, on the page as in the file
    world.events["E5"].source = Source.DEMO
    world.events["E5"].save()
    cache.clear()
    quarters = _file(client, "events-per-quarter", region=region, **ALL_TIME)
    assert "Demo" in " ".join(_texts(ET.fromstring(quarters.content)))
    page = client.get(reverse("region-dashboard", args=[region]), ALL_TIME).text
    svg = re.search(r'<svg\b[^>]*id="events-per-quarter".*?</svg>', page, re.S)[0]
    assert "Demo: includes invented figures" in svg
    # the league table tags the councils whose figures include demo data
    demo_rows = re.findall(r'data-council="([^"]+)"><th[^>]*>(?:(?!</th>).)*data-demo-row', page)
    assert demo_rows == [world.lakeshire.slug]


def test_a_chart_file_follows_the_pages_access_rules(client_for, viewer_a, editor_b, world):
    lakeshire = world.lakeshire.slug
    own = _file(client_for(viewer_a), "hours-by-type", council=lakeshire, **ALL_TIME)
    assert own.status_code == 200
    assert "Lakeshire" in " ".join(_texts(ET.fromstring(own.content)))
    # another council's hours: not there for this user, in either format
    other = client_for(editor_b)
    assert _file(other, "hours-by-type", council=lakeshire, **ALL_TIME).status_code == 404
    assert _file(other, "hours-by-type", "png", council=lakeshire, **ALL_TIME).status_code == 404
    # its events are public, as on its page
    assert _file(other, "events-per-quarter", council=lakeshire, **ALL_TIME).status_code == 200


def test_a_chart_file_refuses_what_it_cannot_read(client, client_for, lga_officer, world):
    url = reverse("chart-svg", args=["hours-by-type"])
    assert client.get(url).status_code == 302  # sign in first
    signed_in = client_for(lga_officer)
    misspelt = signed_in.get(url, {"councl": "lakeshire"})
    assert misspelt.status_code == 400 and "councl" in misspelt.text
    bad_date = signed_in.get(url, {"date_from": "not a date"})
    assert bad_date.status_code == 400 and "date_from" in bad_date.text
    assert _file(signed_in, "no-such-chart").status_code == 404
    assert _file(signed_in, "regions-formal", region=world.north_west.slug).status_code == 404


def test_each_chart_on_a_page_offers_its_files_with_the_pages_filters(
    client_for, lga_officer, world
):
    page = client_for(lga_officer).get(
        reverse("region-dashboard", args=[world.north_west.slug]), {"date_from": "2023-01-01"}
    )
    links = re.findall(r'href="(/charts/[^"]+)"', page.text)
    names = {re.match(r"/charts/([a-z-]+)\.", link)[1] for link in links}
    assert names == {"timeline", "hours-by-type", "hours-by-team-and-phase", "events-per-quarter"}
    for link in links:
        assert "date_from=2023-01-01" in link and f"region={world.north_west.slug}" in link
    client = client_for(lga_officer)
    for link in links:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link


def test_the_journey_and_forecast_charts_are_files_too(client_for, viewer_a, world):
    client = client_for(viewer_a)
    journey = client.get(reverse("inadequate-journey"), {"region": world.north_west.slug})
    links = re.findall(r'href="(/charts/[^"]+)"', journey.text)
    assert {re.match(r"/charts/([a-z-]+)\.", link)[1] for link in links} == {
        "journey-timeline",
        "journey-events-per-year",
    }
    for link in links:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link
        if link.split("?")[0].endswith(".svg"):
            words = " ".join(_texts(ET.fromstring(response.content)))
            assert "North West" in words and "Source:" in words
        else:
            assert response.content.startswith(PNG_MAGIC)
    forecast = _file(client, "forecast-timeline", region=world.north_west.slug)
    assert forecast.status_code == 200
    assert "Forecast inspection windows: North West" in " ".join(
        _texts(ET.fromstring(forecast.content))
    )
    assert _file(client, "forecast-timeline").status_code == 400  # which region?
    assert _file(client, "journey-timeline", councl="x").status_code == 400


def test_a_long_council_name_fits_its_lane_in_both_drawings():
    name = "Bournemouth, Christchurch and Poole"
    lane = charts.Lane(name)
    from datetime import date

    chart = charts.timeline_chart(
        "t", [lane], start=date(2020, 1, 1), end=date(2026, 1, 1), families=[], summary="S."
    )
    for svg in (_chart(chart.svg), _chart(chart.svg_narrow)):
        label = next(t for t in svg.iter(f"{SVG_NS}text") if t.text == name)
        size = float(label.get("font-size") or svg.get("font-size"))
        x = float(label.get("x"))
        start = x - charts.text_width(name, size) if label.get("text-anchor") == "end" else x
        assert start >= 0 and start + charts.text_width(name, size) <= _view_width(svg)
