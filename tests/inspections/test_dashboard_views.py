"""The dashboard pages: national, regional and the council page's burden section."""

import html as html_module
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from councils.models import Council
from inspections.dashboard_filters import quick_periods
from inspections.models import InspectionEvent, InspectionType, Source, StaffTime
from tests import factories
from tests.inspections.burden_fixture import build_world

pytestmark = pytest.mark.django_db

SVG_NS = "{http://www.w3.org/2000/svg}"
ALL_TIME = "?date_from="


@pytest.fixture
def world(north_west, london, council_a, council_b):
    return build_world(north_west, london, council_a, council_b)


def _region_url(region, query=ALL_TIME):
    return reverse("region-dashboard", args=[region.slug]) + query


def _league_cells(html: str) -> dict[str, dict[str, str]]:
    """{council slug: {figure: cell text}} from the league table."""
    table = re.search(r'<table class="govuk-table app-league-table[^"]*".*?</table>', html, re.S)[0]
    rows = {}
    for slug, row in re.findall(
        r'<tr class="govuk-table__row[^"]*" data-council="([^"]+)">(.*?)</tr>', table, re.S
    ):
        rows[slug] = {
            figure: re.sub(r"<[^>]+>", "", text).strip()
            for figure, text in re.findall(r'data-figure="([^"]+)">(.*?)</td>', row, re.S)
        }
    return rows


def _league_order(html: str) -> list[str]:
    table = re.search(r'<table class="govuk-table app-league-table[^"]*".*?</tbody>', html, re.S)[0]
    return re.findall(r'data-council="([^"]+)"', table)


def _svgs(html: str, variant: str = "wide") -> list[ET.Element]:
    """The dashboard charts on a page (other SVG, such as icons, is left alone): each chart's
    wide drawing, or its narrow one."""
    charts = re.findall(rf'<svg\b[^>]*class="app-chart app-chart--{variant}".*?</svg>', html, re.S)
    return [ET.fromstring(svg) for svg in charts]


# --- Where people start ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["lga_officer", "administrator"])
def test_lga_officers_and_administrators_start_at_the_national_dashboard(request, client_for, role):
    response = client_for(request.getfixturevalue(role)).get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard-national")


def test_council_users_still_start_at_their_council(client_for, editor_a, council_a):
    response = client_for(editor_a).get(reverse("home"))

    assert response["Location"] == council_a.get_absolute_url()


def test_the_navigation_offers_the_dashboards(client_for, viewer_a):
    response = client_for(viewer_a).get(reverse("dashboard-national"))

    assert response.status_code == 200
    assert f'href="{reverse("dashboard-national")}" aria-current="page"' in response.text


def test_the_dashboards_need_a_signed_in_user(client, north_west):
    for url in (reverse("dashboard-national"), _region_url(north_west)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_unknown_region_is_not_found(client_for, lga_officer):
    response = client_for(lga_officer).get(reverse("region-dashboard", args=["atlantis"]))

    assert response.status_code == 404


# --- Done when ------------------------------------------------------------------------------


def test_an_lga_officer_picks_the_north_west_and_the_last_three_years(
    client_for, lga_officer, north_west, london, council_a, council_b
):
    """The issue's "done when": which councils had the most inspections in the shortest time,
    what that cost in hours, and the same numbers as a table."""
    today = timezone.localdate()
    recent = today - timedelta(days=400)
    for offset, code in [(0, "ilacs_standard"), (60, "ilacs_focused_visit"), (120, "jtai")]:
        event = factories.make_event(council_a, code, recent + timedelta(days=offset))
        factories.make_hours(event, 100)
    event = factories.make_event(council_b, "jtai", recent)
    factories.make_hours(event, 250)
    old = factories.make_event(council_b, "jtai", today - timedelta(days=5 * 365))
    factories.make_hours(old, 999)
    factories.make_event(factories.make_council("Thameside", region=london), "jtai", recent)
    client = client_for(lga_officer)

    national = client.get(reverse("home"), follow=True)
    assert national.request["PATH_INFO"] == reverse("dashboard-national")
    three_years = {code: first for code, _, first in quick_periods(today)}["3-years"]
    response = client.get(
        reverse("dashboard-national"),
        {"region": "north-west", "date_from": three_years.isoformat()},
        follow=True,
    )

    assert response.redirect_chain[-1][0].startswith(_region_url(north_west, ""))
    html = response.text
    assert _league_order(html)[:2] == ["lakeshire", "riverton"]
    cells = _league_cells(html)
    assert cells["lakeshire"]["most_in_12_months"] == "3"
    assert cells["lakeshire"]["gap"] == "60"
    assert cells["lakeshire"]["hours"] == "300.0"
    assert cells["riverton"]["hours"] == "250.0"  # the 999 hours of 5 years ago are left out
    assert "thameside" not in cells
    assert "<caption" in html and "Councils in North West" in html


# --- Figures, filters and sorting -----------------------------------------------------------


def test_the_region_page_shows_the_hand_computed_league_table_and_median(
    client_for, lga_officer, world
):
    html = client_for(lga_officer).get(_region_url(world.north_west)).text
    cells = _league_cells(html)

    assert cells["lakeshire"] == {
        "most_in_12_months": "3",
        "gap": "56",
        "formal": "4",
        "events": "5",
        "on_site_days": "30",
        "hours": "384.5",
        "hours_per_event": "76.9",
        "clusters": "2",
    }
    assert cells["moorside"]["gap"] == "–" and cells["moorside"]["hours_per_event"] == "–"
    assert cells["median"]["hours"] == "384.5"
    assert cells["median"]["hours_per_event"] == "108.5"
    assert cells["median"]["gap"] == "35"


def test_the_filters_in_the_url_apply_to_every_table_on_the_page(client_for, lga_officer, world):
    query = "?date_from=2023-03-01&date_to=2023-12-31&family=ilacs"
    html = client_for(lga_officer).get(_region_url(world.north_west, query)).text

    # Lakeshire's ILACS events in the period: E2 (formal) and E4 (engagement meeting)
    cells = _league_cells(html)
    assert (cells["lakeshire"]["events"], cells["lakeshire"]["hours"]) == ("2", "24.0")
    assert cells["riverton"]["events"] == "0"
    timeline = re.search(r'id="timeline-table".*?(<tbody.*?</tbody>)', html, re.S)[1]
    assert timeline.count('<tr class="govuk-table__row">') == 2
    assert "Joint targeted" not in timeline
    assert 'data-total="team-phase-hours">24.0<' in html
    quarters = re.search(r'id="events-per-quarter-table".*?</table>', html, re.S)[0]
    assert re.findall(
        r"<th scope=\"row\" class=\"govuk-table__header\">([^<]+)</th>", quarters
    ) == [
        "2023 Q1",
        "2023 Q2",
        "2023 Q3",
        "2023 Q4",
    ]
    # the sort links and quick periods keep the filters, so the view can be bookmarked
    assert "family=ilacs" in re.search(r'data-sort-key="gap"><a [^>]*href="([^"]+)"', html)[1]


def test_a_first_visit_shows_the_last_three_years(client_for, lga_officer, world):
    response = client_for(lga_officer).get(reverse("region-dashboard", args=["north-west"]))
    three_years = {code: first for code, _, first in quick_periods(timezone.localdate())}

    assert response.context["filters"].date_from == three_years["3-years"]
    assert 'aria-current="true"><strong>Last 3 years</strong>' in response.text


def test_the_all_time_link_really_shows_all_time(client_for, lga_officer, world):
    html = client_for(lga_officer).get(_region_url(world.north_west)).text
    link = re.search(r'href="([^"]+)" aria-current="true"><strong>All time', html)

    assert link and "date_from=" in link[1]
    assert _league_cells(html)["lakeshire"]["events"] == "5"


def test_the_league_table_sorts_on_the_server_with_aria_sort(client_for, lga_officer, world):
    client = client_for(lga_officer)

    html = client.get(_region_url(world.north_west, "?date_from=&sort=gap")).text
    assert _league_order(html) == ["riverton", "lakeshire", "moorside"]
    assert re.search(r'aria-sort="ascending" data-sort-key="gap"', html)
    assert re.search(r'aria-sort="none" data-sort-key="hours"', html)

    html = client.get(_region_url(world.north_west, "?date_from=&sort=-hours")).text
    assert _league_order(html) == ["riverton", "lakeshire", "moorside"]
    assert re.search(r'aria-sort="descending" data-sort-key="hours"', html)
    # selecting the sorted heading again reverses it
    assert re.search(r'data-sort-key="hours"><a [^>]*href="\?[^"]*sort=hours[&#"]', html)


def test_the_national_page_sets_the_nine_regions_side_by_side(client_for, lga_officer, world):
    html = client_for(lga_officer).get(reverse("dashboard-national") + ALL_TIME).text
    regions = re.search(r'id="regions-table".*?</table>', html, re.S)[0]

    assert re.findall(r'data-region="([^"]+)"', regions) == ["london", "north-west"]
    assert 'data-figure="hours">804.5<' in regions
    assert set(_league_cells(html)) == {"lakeshire", "riverton", "moorside", "thameside", "median"}


def test_picking_a_region_on_the_national_page_opens_the_region_page(
    client_for, lga_officer, world
):
    response = client_for(lga_officer).get(
        reverse("dashboard-national"),
        {"region": "london", "date_from": "2023-01-01", "sort": "gap"},
    )

    assert response.status_code == 302
    assert response["Location"] == _region_url(world.london, "?date_from=2023-01-01&sort=gap")


def test_links_from_an_all_time_view_stay_all_time(client_for, lga_officer, world):
    client = client_for(lga_officer)
    html = client.get(_region_url(world.north_west)).text
    sort_link = re.search(r'data-sort-key="gap"><a [^>]*href="([^"]+)"', html)[1]

    sort_link = html_module.unescape(sort_link)  # the href as a browser follows it
    sorted_html = client.get(_region_url(world.north_west, sort_link.split("#")[0])).text
    assert _league_cells(sorted_html)["lakeshire"]["events"] == "5"  # not the last 3 years
    response = client.get(reverse("dashboard-national"), {"date_from": "", "region": "london"})
    assert response["Location"] == _region_url(world.london, "?date_from=")


def test_a_period_ending_before_it_starts_is_refused_naming_the_field(
    client_for, lga_officer, world
):
    response = client_for(lga_officer).get(
        _region_url(world.north_west, "?date_from=2024-01-01&date_to=2023-01-01")
    )

    assert response.status_code == 400
    assert "On site to must be the same as or after on site from" in response.text
    assert 'id="league-table"' not in response.text and 'id="no-figures"' in response.text


def test_a_published_event_links_to_its_report_in_the_timeline_table(client_for, viewer_a, world):
    InspectionEvent.objects.filter(pk=world.events["E1"].pk).update(
        source=Source.PUBLISHED, report_url="https://reports.example.org/e1"
    )
    html = client_for(viewer_a).get(_region_url(world.north_west)).text
    timeline = re.search(r'id="timeline-table".*?</table>', html, re.S)[0]

    assert 'href="https://reports.example.org/e1"' in timeline
    assert timeline.count("Ofsted report") == 1


# --- Who sees which hours -------------------------------------------------------------------


@pytest.mark.parametrize("role", ["editor_a", "viewer_a"])
def test_a_council_user_sees_other_councils_hours_only_as_not_shown(
    request, client_for, role, world
):
    html = client_for(request.getfixturevalue(role)).get(_region_url(world.north_west)).text
    cells = _league_cells(html)

    assert cells["lakeshire"]["hours"] == "384.5"
    assert cells["riverton"]["hours"] == "not shown"
    assert cells["riverton"]["hours_per_event"] == "not shown"
    assert cells["riverton"]["events"] == "3"  # events and outcomes are public
    # the region's median and totals would be Riverton's hours: withheld
    assert cells["median"]["hours"] == "not shown"
    assert 'data-total="team-phase-hours">not shown<' in html
    # England combines only two other councils' hours: withheld too (inspections.disclosure)
    national = client_for(request.getfixturevalue(role)).get(
        reverse("dashboard-national") + ALL_TIME
    )
    assert _league_cells(national.text)["median"]["hours"] == "not shown"
    assert 'data-total="team-phase-hours">not shown<' in national.text


@pytest.mark.parametrize("role", ["lga_officer", "administrator"])
def test_lga_officers_and_administrators_see_every_councils_hours(request, client_for, role, world):
    html = client_for(request.getfixturevalue(role)).get(_region_url(world.north_west)).text

    assert _league_cells(html)["riverton"]["hours"] == "420.0"
    assert "not shown" not in html


def test_a_council_user_on_another_councils_page_sees_no_hours_of_it(client_for, editor_a, world):
    html = client_for(editor_a).get(reverse("council-detail", args=["riverton"])).text

    assert 'id="council-burden"' in html
    assert 'id="hours-not-shown"' in html and 'id="hours-by-type-table"' not in html
    against = re.search(r'id="council-against-median".*?</table>', html, re.S)[0]
    hours_row = re.search(r'data-figure="hours">(.*?)</tr>', against, re.S)[1]
    assert hours_row.count("not shown") == 2  # a median of two councils would give it away
    assert "420" not in against


def test_the_council_page_sets_the_council_against_its_regions_median(
    client_for, lga_officer, world
):
    html = client_for(lga_officer).get(reverse("council-detail", args=["lakeshire"])).text
    against = re.search(r'id="council-against-median".*?</table>', html, re.S)[0]
    figures = {
        figure: re.findall(r">([^<>]+)</td>", row)
        for figure, row in re.findall(r'data-figure="([^"]+)">(.*?)</tr>', against, re.S)
    }

    assert figures["most_in_12_months"] == ["3", "2"]
    assert figures["gap"] == ["56", "35"]
    assert figures["hours"] == ["384.5", "384.5"]
    assert figures["hours_per_event"] == ["76.9", "108.5"]
    assert 'id="hours-by-type-table"' in html
    assert 'data-total="team-phase-hours">384.5<' in html


def test_the_council_pages_filters_apply_to_its_burden_section(client_for, editor_a, world):
    jtai = InspectionType.objects.get(code="jtai")
    html = (
        client_for(editor_a)
        .get(reverse("council-detail", args=["lakeshire"]), {"inspection_type": jtai.pk})
        .text
    )
    against = re.search(r'id="council-against-median".*?</table>', html, re.S)[0]

    assert re.search(r'data-figure="events">.*?>1</td>', against, re.S)
    assert 'data-total="team-phase-hours">200.0<' in html


# --- Charts ---------------------------------------------------------------------------------


def _check_charts(html: str, expected: set[str]):
    svgs = _svgs(html)
    assert {svg.get("id") for svg in svgs} == expected
    narrow = _svgs(html, "narrow")
    assert {svg.get("id") for svg in narrow} == {f"{name}-narrow" for name in expected}
    for svg in svgs + narrow:
        # the timeline holds links, so it is a labelled group rather than one image
        group = svg.get("id").removesuffix("-narrow") == "timeline"
        assert svg.get("role") == ("group" if group else "img")
        summary_id = svg.get("aria-labelledby")
        summary = re.search(rf'id="{summary_id}">([^<]+)<', html)
        assert summary and summary[1].strip().endswith(".")


def test_every_chart_is_valid_svg_labelled_by_a_sentence(client_for, lga_officer, world):
    client = client_for(lga_officer)
    per_page = {"timeline", "hours-by-type", "hours-by-team-and-phase", "events-per-quarter"}

    _check_charts(
        client.get(reverse("dashboard-national") + ALL_TIME).text,
        per_page | {"regions-formal", "regions-hours"},
    )
    _check_charts(client.get(_region_url(world.north_west)).text, per_page)
    _check_charts(client.get(reverse("council-detail", args=["lakeshire"])).text, per_page)


def test_each_timeline_mark_links_to_its_event_with_a_title_and_a_shape_by_family(
    client_for, lga_officer, world
):
    html = (
        client_for(lga_officer).get(_region_url(world.north_west, "?date_from=&timeline=all")).text
    )
    timeline = next(svg for svg in _svgs(html) if svg.get("id") == "timeline")
    links = timeline.findall(f".//{SVG_NS}a")

    assert len(links) == 8  # every event of the North West
    titles = {link.get("href"): link.find(f"{SVG_NS}title").text for link in links}
    e1 = world.events["E1"]
    assert titles[reverse("event-detail", args=[e1.pk])] == (
        "Lakeshire: ILACS standard inspection, 9 to 20 January 2023, "
        "outcome: not recorded, in a cluster"
    )
    ilacs = mark_shape(timeline, link_element(links, world.events["E1"])).get("d")
    jtai = mark_shape(timeline, link_element(links, world.events["E3"])).get("d")
    assert " a" in ilacs  # a circle, drawn with arcs
    assert " a" not in jtai and jtai.count(" L") == 2  # a triangle
    meeting = mark_shape(timeline, link_element(links, world.events["E4"]))
    assert meeting.get("fill") == "#ffffff"  # not formal: hollow
    # clusters are drawn as bands behind the marks, with their rule in a title
    bands = [r for r in timeline.iter(f"{SVG_NS}rect") if r.find(f"{SVG_NS}title") is not None]
    assert sorted(b.find(f"{SVG_NS}title").text.split(": ")[1].split(",")[0] for b in bands) == [
        "Back-to-back",
        "Back-to-back",
        "Crowded year",
    ]


def link_element(links, event) -> ET.Element:
    href = reverse("event-detail", args=[event.pk])
    return next(link for link in links if link.get("href") == href)


def mark_shape(svg: ET.Element, link: ET.Element) -> ET.Element:
    """The shape a mark's <use> places, from the chart's <defs>."""
    shape_id = link.find(f"{SVG_NS}use").get("href").lstrip("#")
    return next(e for e in svg.iter(f"{SVG_NS}path") if e.get("id") == shape_id)


# --- Queries --------------------------------------------------------------------------------


def _populate(councils: int):
    """Councils across two regions, each with two formal inspections, hours and a home visit."""
    regions = [
        factories.make_region("North West", "E12000002"),
        factories.make_region("London", "E12000007"),
    ]
    Council.objects.bulk_create(
        Council(
            name=f"Council {n:03d}",
            slug=f"council-{n:03d}",
            gss_code=f"E0690{n:04d}",
            dfe_number=f"{n:03d}",
            region=regions[n % 2],
            kind=Council.Kind.UNITARY,
        )
        for n in range(councils)
    )
    types = {t.code: t for t in InspectionType.objects.all()}
    events = []
    for council in Council.objects.all():
        for code, start in [
            ("ilacs_standard", date(2024, 1, 8)),
            ("jtai", date(2024, 3, 4)),
            ("childrens_home", date(2024, 5, 7)),
        ]:
            events.append(
                InspectionEvent(
                    council=council,
                    inspection_type=types[code],
                    on_site_start=start,
                    on_site_end=start + timedelta(days=4),
                    on_site_days=5,
                )
            )
    InspectionEvent.objects.bulk_create(events)
    StaffTime.objects.bulk_create(
        StaffTime(event=event, team="data", phase="preparation", hours=Decimal("12.5"))
        for event in InspectionEvent.objects.all()
    )


# The same bound for 5 councils and for 150: no query per council.
# The cost section adds a fixed 9 or so (rates, costed hours, demo hours, populations, events
# by financial year, reference figures, the rates listed, regions). Demo labels add a fixed 3:
# one for the charts' Demo marks, two for the league table's Demo tags (councils with demo).
PAGES_MAX_QUERIES = {"national": 33, "region": 35, "council": 41}


@pytest.mark.parametrize("councils", [5, 150])
def test_each_page_takes_the_same_queries_for_5_councils_and_for_150(
    client_for, lga_officer, django_assert_max_num_queries, councils
):
    _populate(councils)
    assert Council.objects.count() == councils
    client = client_for(lga_officer)
    client.get(reverse("about"))  # the session, once
    pages = {
        "national": reverse("dashboard-national") + ALL_TIME,
        "region": reverse("region-dashboard", args=["north-west"]) + ALL_TIME,
        "council": reverse("council-detail", args=["council-000"]),
    }
    for page, url in pages.items():
        cache.clear()  # cold: every figure computed
        with django_assert_max_num_queries(PAGES_MAX_QUERIES[page]):
            response = client.get(url)
        assert response.status_code == 200
        assert 'data-council="council-000"' in response.text or page == "council"
        assert "Council 000" in response.text
