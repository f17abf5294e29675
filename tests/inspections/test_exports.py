import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from councils.access import access_for
from councils.models import Council
from inspections import exports
from inspections.models import InspectionEvent, Source, StaffTime
from inspections.selectors import burden
from inspections.services.clusters import council_clusters_recheck
from tests.factories import make_event, make_hours

pytestmark = pytest.mark.django_db


@pytest.fixture
def event_a(council_a):
    event = make_event(council_a, "ilacs_focused_visit", date(2025, 3, 3))
    make_hours(event, 40, team="data", phase="preparation")
    make_hours(event, 12.5, team="managers", phase="on_site")
    return event


@pytest.fixture
def event_b(council_b):
    event = make_event(council_b, "jtai", date(2025, 5, 5), theme="Domestic abuse")
    make_hours(event, 123.5, team="partners", phase="on_site")
    return event


def download(client, name, **params):
    response = client.get(reverse(f"export-{name.replace('_', '-')}"), params)
    assert response.status_code == 200, response.content
    return response, b"".join(response.streaming_content)


def rows_of(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_exports_need_a_signed_in_user(client):
    response = client.get(reverse("export-events"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_export_is_streamed_as_utf8_with_the_excel_byte_order_mark(
    client_for, viewer_a, event_a
):
    response, body = download(client_for(viewer_a), "events")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0].split(",") == exports.EVENT_HEADER
    assert len(lines) == 2


def test_the_file_name_says_what_and_when(client_for, lga_officer, north_west):
    response, _ = download(
        client_for(lga_officer),
        "summary",
        region="north-west",
        date_from="2023-01-01",
        date_to="2025-12-31",
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="burden-summary-north-west-2023-01-01-2025-12-31.csv"'
    )


def test_a_file_name_without_a_period_carries_the_day_of_the_download(
    client_for, viewer_a, council_a
):
    response, _ = download(client_for(viewer_a), "events", council=council_a.slug)
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="inspection-events-lakeshire-{today}.csv"'
    )


def test_dates_are_iso_numbers_are_plain_and_units_are_in_the_header(client_for, editor_a, event_a):
    _, body = download(client_for(editor_a), "events")
    (row,) = rows_of(body)
    assert row["on_site_start"] == "2025-03-03"
    assert row["on_site_end"] == "2025-03-04"
    assert row["on_site_working_days"] == "2"
    assert row["staff_hours"] == "52.50"
    assert row["demo"] == "no"
    _, body = download(client_for(editor_a), "staff_time")
    assert [r["staff_hours"] for r in rows_of(body)] == ["40.00", "12.50"]


def test_cells_that_start_like_a_formula_are_neutralised(client_for, administrator, council_a):
    event = make_event(
        council_a,
        "jtai",
        date(2025, 5, 5),
        theme='=HYPERLINK("http://evil.example","click")',
        notes="+44 1234 567890",
    )
    StaffTime.objects.create(
        event=event, team="data", phase="preparation", hours=Decimal("3"), note="@SUM(A1:A9)"
    )
    StaffTime.objects.create(
        event=event, team="data", phase="after", hours=Decimal("2"), note="-2 hours\tlater"
    )
    _, body = download(client_for(administrator), "events")
    (row,) = rows_of(body)
    assert row["theme"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["notes"] == "'+44 1234 567890"
    _, body = download(client_for(administrator), "staff_time")
    assert [r["note"] for r in rows_of(body)] == ["'@SUM(A1:A9)", "'-2 hours\tlater"]
    # Numbers are not text: they are left as they are.
    assert [r["staff_hours"] for r in rows_of(body)] == ["3.00", "2.00"]


def test_neutralise_touches_only_dangerous_first_characters():
    assert exports.neutralise("\rcmd") == "'\rcmd"
    assert exports.neutralise("Domestic abuse") == "Domestic abuse"
    assert exports.neutralise("") == ""
    assert exports.unneutralise(exports.neutralise("=1+1")) == "=1+1"
    assert exports.unneutralise("'quoted") == "'quoted"


def test_a_council_users_staff_time_export_holds_only_their_councils_rows(
    client_for, viewer_a, event_a, event_b
):
    _, body = download(client_for(viewer_a), "staff_time")
    rows = rows_of(body)
    assert {r["council_name"] for r in rows} == {"Lakeshire"}
    assert len(rows) == 2


def test_nobody_downloads_another_councils_staff_time(client_for, editor_b, council_a, event_a):
    response = client_for(editor_b).get(reverse("export-staff-time"), {"council": council_a.slug})
    assert response.status_code == 404


def test_a_user_without_a_council_downloads_no_staff_time(client, event_a):
    from tests.factories import make_user

    client.force_login(make_user("nobody"))
    _, body = download(client, "staff_time")
    assert rows_of(body) == []


def test_lga_officers_download_every_councils_staff_time(client_for, lga_officer, event_a, event_b):
    _, body = download(client_for(lga_officer), "staff_time")
    assert len(rows_of(body)) == 3


def test_the_events_export_shows_hours_only_where_the_user_may_see_them(
    client_for, viewer_a, event_a, event_b
):
    _, body = download(client_for(viewer_a), "events")
    hours = {r["council_name"]: r["staff_hours"] for r in rows_of(body)}
    assert hours["Lakeshire"] == "52.50"
    assert hours["Riverton"] == "not shown"


def test_an_event_without_hours_says_0_00_not_the_not_shown_of_hidden_hours(
    client_for, viewer_a, council_a, council_b
):
    make_event(council_a, "jtai", date(2025, 5, 5))
    make_event(council_b, "jtai", date(2025, 5, 5))
    _, body = download(client_for(viewer_a), "events")
    hours = {r["council_name"]: r["staff_hours"] for r in rows_of(body)}
    assert hours == {"Lakeshire": "0.00", "Riverton": "not shown"}


def test_every_decimal_of_every_export_has_two_places(client_for, lga_officer, council_a):
    event = make_event(council_a, "jtai", date(2025, 3, 3))
    for hours in (43.6, 0.1, 0.2, 3440.8):
        make_hours(event, hours)
    make_event(council_a, "ilacs_focused_visit", date(2025, 4, 14))
    council_clusters_recheck(council_id=council_a.pk, alert=False)
    client = client_for(lga_officer)
    expected = {
        "events": {"staff_hours": {"3484.70", "0.00"}},
        "staff_time": {"staff_hours": {"43.60", "0.10", "0.20", "3440.80"}},
        "clusters": {"staff_hours": {"3484.70"}},
        "summary": {"staff_hours": {"3484.70"}, "staff_hours_per_event": {"1742.35"}},
    }
    for name, columns in expected.items():
        _, body = download(client, name, date_from="")
        for column, values in columns.items():
            written = {r[column] for r in rows_of(body)}
            assert values <= written, (name, column, written)
            for value in written:
                assert value.count(".") == 0 or len(value.split(".")[1]) == 2, (name, value)


def test_the_events_export_keeps_the_council_pages_filters(client_for, viewer_a, council_a):
    make_event(council_a, "ilacs_focused_visit", date(2024, 3, 4))
    make_event(council_a, "jtai", date(2025, 5, 5))
    page = client_for(viewer_a).get(
        reverse("council-detail", args=[council_a.slug]), {"family": "jtai"}
    )
    link = reverse("export-events") + "?family=jtai&amp;council=lakeshire"
    assert link in page.text
    _, body = download(client_for(viewer_a), "events", family="jtai", council=council_a.slug)
    assert [r["inspection_type"] for r in rows_of(body)] == ["jtai"]
    assert page.context["totals"].events == 1


def test_the_period_of_three_date_boxes_is_read_as_on_the_pages(client_for, viewer_a, council_a):
    make_event(council_a, "ilacs_focused_visit", date(2024, 3, 4))
    make_event(council_a, "jtai", date(2025, 5, 5))
    _, body = download(
        client_for(viewer_a),
        "events",
        date_from_day="1",
        date_from_month="1",
        date_from_year="2025",
    )
    assert [r["on_site_start"] for r in rows_of(body)] == ["2025-05-05"]


def test_filters_that_cannot_be_read_get_a_message_naming_them(client_for, viewer_a):
    response = client_for(viewer_a).get(reverse("export-events"), {"council": "atlantis"})
    assert response.status_code == 400
    assert "council: No council is called ‘atlantis’." in response.text


def test_a_council_filter_takes_any_code_or_usual_name_and_suggests_on_a_misspelling(
    client_for, lga_officer, council_a
):
    client = client_for(lga_officer)
    for value in (council_a.slug, council_a.gss_code, council_a.dfe_number, "LAKESHIRE COUNCIL"):
        assert client.get(reverse("export-events"), {"council": value}).status_code == 200
    response = client.get(reverse("export-events"), {"council": "Lakeshir"})
    assert response.status_code == 400
    assert "Did you mean Lakeshire?" in response.text


def test_demo_rows_say_demo(client_for, lga_officer, council_a, council_b):
    event = make_event(council_a, "jtai", date(2025, 5, 5), source=Source.DEMO)
    StaffTime.objects.create(event=event, team="data", phase="after", hours=1, is_demo=True)
    _, body = download(client_for(lga_officer), "events")
    assert [r["demo"] for r in rows_of(body)] == ["yes"]
    _, body = download(client_for(lga_officer), "staff_time")
    assert [r["demo"] for r in rows_of(body)] == ["yes"]
    _, body = download(client_for(lga_officer), "summary", date_from="")
    assert {r["council_name"]: r["demo"] for r in rows_of(body)} == {
        "Lakeshire": "yes",
        "Riverton": "no",
        "Median council of 2": "yes",
    }


def test_demo_hours_on_a_real_event_make_its_hours_demo_in_every_export(
    client_for, lga_officer, council_a
):
    event = make_event(council_a, "jtai", date(2025, 3, 3), source=Source.PUBLISHED)
    StaffTime.objects.create(event=event, team="data", phase="after", hours=7, is_demo=True)
    make_event(council_a, "ilacs_focused_visit", date(2025, 4, 14), source=Source.PUBLISHED)
    council_clusters_recheck(council_id=council_a.pk, alert=False)
    client = client_for(lga_officer)
    _, body = download(client, "events")
    rows = {r["inspection_type"]: r for r in rows_of(body)}
    # Demo is carried by the figures: a published event whose hours are demo is a demo row.
    assert (rows["jtai"]["demo"], rows["jtai"]["staff_hours_demo"]) == ("yes", "yes")
    assert (
        rows["ilacs_focused_visit"]["demo"],
        rows["ilacs_focused_visit"]["staff_hours_demo"],
    ) == ("no", "no")
    _, body = download(client, "clusters")
    assert [r["demo"] for r in rows_of(body)] == ["yes"]
    _, body = download(client, "summary", council=council_a.slug, date_from="")
    assert [r["demo"] for r in rows_of(body)] == ["yes", "yes"]


def test_the_summary_carries_its_period_and_a_median_row(
    client_for, lga_officer, event_a, event_b, council_a
):
    make_event(council_a, "jtai", date(2025, 6, 2))
    client = client_for(lga_officer)
    _, body = download(client, "summary", date_from="2025-01-01", date_to="2025-12-31")
    rows = rows_of(body)
    assert {(r["period_from"], r["period_to"]) for r in rows} == {("2025-01-01", "2025-12-31")}
    median = rows[-1]
    assert median["council_name"] == "Median council of 2"
    assert median["region"] == "England"
    # Lakeshire: 2 events, 52.5 h (26.25 per event); Riverton: 1 event, 123.5 h.
    assert median["events"] == "1.50"
    assert median["staff_hours"] == "88.00"
    assert median["staff_hours_per_event"] == "74.88"  # (26.25 + 123.5) / 2, rounded once
    _, body = download(client, "summary", date_from="")
    rows = rows_of(body)
    assert rows[0]["period_from"] == "2025-03-03"  # the first event, when no start is chosen
    assert rows[0]["period_to"] == timezone.localdate().isoformat()


def test_the_summary_has_the_dashboards_league_table_figures(
    client_for, lga_officer, event_a, event_b, north_west
):
    _, body = download(client_for(lga_officer), "summary", region="north-west", date_from="")
    rows = {r["council_name"]: r for r in rows_of(body)[:-1]}
    league = burden.league_table(
        burden.BurdenFilters(region_id=north_west.pk), access_for(lga_officer)
    )
    for council in league:
        row = rows[council.name]
        assert int(row["events"]) == council.events
        assert int(row["formal_inspections"]) == council.formal_inspections
        assert int(row["on_site_working_days"]) == council.on_site_days
        assert Decimal(row["staff_hours"]) == council.staff_hours
        assert int(row["clusters"]) == council.clusters
    assert Decimal(rows["Riverton"]["staff_hours"]) == Decimal("123.5")


def test_the_summary_leaves_out_hours_the_user_may_not_see(client_for, viewer_a, event_a, event_b):
    _, body = download(client_for(viewer_a), "summary", date_from="")
    rows = {r["council_name"]: r for r in rows_of(body)}
    assert rows["Lakeshire"]["staff_hours"] == "52.50"
    assert rows["Riverton"]["staff_hours"] == "not shown"
    assert rows["Riverton"]["staff_hours_per_event"] == "not shown"
    assert rows["Riverton"]["events"] == "1"


def test_the_events_export_names_each_events_clusters(client_for, lga_officer, council_a):
    first = make_event(council_a, "jtai", date(2025, 3, 3))
    second = make_event(council_a, "ilacs_focused_visit", date(2025, 4, 14))
    make_event(council_a, "ilacs_focused_visit", date(2019, 4, 15))
    council_clusters_recheck(council_id=council_a.pk, alert=False)
    assert first.clusters.count() == 1 and second.clusters.count() == 1
    _, body = download(client_for(lga_officer), "events")
    clusters = {r["on_site_start"]: r["clusters"] for r in rows_of(body)}
    assert clusters["2019-04-15"] == ""
    assert clusters["2025-03-03"] == clusters["2025-04-14"]
    assert clusters["2025-03-03"].startswith("Back-to-back 2025-03-03 to 2025-04-14")


def test_the_clusters_export_has_the_clusters_pages_rows(
    client_for, viewer_a, council_a, council_b
):
    for council in (council_a, council_b):
        event = make_event(council, "jtai", date(2025, 3, 3))
        make_hours(event, 10)
        make_event(council, "ilacs_focused_visit", date(2025, 4, 14))
        council_clusters_recheck(council_id=council.pk, alert=False)
    client = client_for(viewer_a)
    _, body = download(client, "clusters", council=council_b.slug)
    rows = rows_of(body)
    assert {r["council_name"] for r in rows} == {"Riverton"}
    assert rows[0]["events"] == "jtai 2025-03-03; ilacs_focused_visit 2025-04-14"
    assert rows[0]["staff_hours"] == "not shown"  # another council's hours
    _, body = download(client, "clusters", council=council_a.slug)
    assert rows_of(body)[0]["staff_hours"] == "10.00"


def test_the_export_command_writes_the_same_bytes_as_the_download(
    client_for, administrator, event_a, event_b, tmp_path
):
    for name in ("events", "staff_time", "summary", "clusters"):
        _, body = download(client_for(administrator), name, region="north-west", date_from="")
        target = tmp_path / f"{name}.csv"
        call_command("export", name, "--output", str(target), "--region", "north-west")
        assert target.read_bytes() == body, name


def test_the_export_command_exports_what_a_user_may_see(viewer_a, event_a, event_b, tmp_path):
    target = tmp_path / "staff.csv"
    call_command("export", "staff_time", "--output", str(target), "--user", viewer_a.username)
    assert {r["council_name"] for r in rows_of(target.read_bytes())} == {"Lakeshire"}


def test_the_export_command_refuses_filters_it_cannot_read(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="date_from"):
        call_command("export", "events", "--date-from", "31/31/2025")


def test_a_large_export_comes_in_several_blocks(administrator, council_a):
    events = [
        InspectionEvent(
            council=council_a,
            inspection_type_id=make_event(council_a, "jtai", date(2020, 1, 6)).inspection_type_id,
            on_site_start=date(2021, 1, 1),
            on_site_end=date(2021, 1, 1),
        )
    ]
    InspectionEvent.objects.bulk_create(events)
    event = InspectionEvent.objects.first()
    StaffTime.objects.bulk_create(
        StaffTime(event=event, team="data", phase="after", hours=1, note="x" * 200)
        for _ in range(3000)
    )
    chunks = list(
        exports.export_stream("staff_time", access_for(administrator), exports.ExportFilters())
    )
    assert len(chunks) > 2 and all(chunks)
    assert len(rows_of(b"".join(chunks))) == 3000


def test_a_dashboard_offers_its_figures_with_its_filters(
    client_for, lga_officer, north_west, event_a, event_b
):
    client = client_for(lga_officer)
    page = client.get(
        reverse("region-dashboard", args=[north_west.slug]),
        {"family": "ilacs", "date_from": "2020-01-01", "sort": "events"},
    )
    query = "date_from=2020-01-01&region=north-west&family=ilacs&sort=events"
    link = f"{reverse('export-summary')}?{query}"
    assert link.replace("&", "&amp;") in page.text
    response = client.get(link)
    rows = rows_of(b"".join(response.streaming_content))
    # The league table's order on the page (its rows name each council by slug).
    table = re.search(
        r'<table class="govuk-table app-league-table[^"]*".*?</tbody>', page.text, re.S
    )[0]
    slugs = re.findall(r'data-council="([^"]+)"', table)
    names = dict(Council.objects.values_list("slug", "name"))
    assert [r["council_name"] for r in rows[:-1]] == [names[slug] for slug in slugs]
    assert {r["council_name"]: r["events"] for r in rows} == {
        "Lakeshire": "1",
        "Riverton": "0",
        "Median council of 2": "0.50",
    }


def test_the_default_period_of_a_dashboard_reaches_its_download(client_for, lga_officer, event_a):
    page = client_for(lga_officer).get(reverse("dashboard-national"))
    start = page.context["filters"].date_from.isoformat()
    assert f"{reverse('export-events')}?date_from={start}" in page.text


def test_the_clusters_page_offers_its_clusters_with_its_filters(client_for, viewer_a, council_b):
    page = client_for(viewer_a).get(reverse("cluster-list"), {"council": council_b.slug})
    assert f'href="{reverse("export-clusters")}?council=riverton"' in page.text


def test_the_events_file_written_by_copy_is_the_csv_modules_byte_for_byte(
    lga_officer, council_a, council_b
):
    """On PostgreSQL the events CSV is written by COPY: the same bytes as the csv module's
    (quotes, commas, line breaks, empty and missing cells, formulas, other scripts)."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("COPY writes the events CSV on PostgreSQL only")
    tricky = [
        'A "quoted" word, and a comma',
        "Two\nlines",
        "Carriage\rreturn and CRLF\r\n",
        '=HYPERLINK("http://example.org")',
        "-minus",
        "Ynys Môn – 10 “smart” quotes",
        " leading and trailing space ",
        "\\.",
        "",
    ]
    for day, text in enumerate(tricky, start=1):
        event = make_event(
            council_a if day % 2 else council_b,
            "ilacs_focused_visit",
            date(2024, 1, day * 3),
            notes=text,
            theme=text[:100],
            joint_service=text[:100],
            published_on=date(2024, 6, 1) if day % 3 else None,
        )
        if day % 2:
            make_hours(event, 7.25 * day)
    make_event(council_b, "jtai", date(2024, 2, 1))
    make_event(council_b, "ilacs_standard", date(2024, 3, 1))
    council_clusters_recheck(council_id=council_b.pk, alert=False)
    everything = exports.ExportFilters()
    for user_access in (access_for(lga_officer), access_for(make_user_of(council_a))):
        with transaction.atomic():
            by_copy = b"".join(exports.export_stream("events", user_access, everything))
            by_python = b"".join(
                exports.csv_stream(
                    exports.EVENT_HEADER, exports._event_rows_completed(user_access, everything)
                )
            )
        assert by_copy == by_python
        # In the notes, theme and joint service cells, quoted with their line break as it is.
        assert by_copy.count(b'"Two\nlines"') == 3 and by_copy.endswith(b"\r\n")


def make_user_of(council):
    from tests.factories import make_user

    return make_user(f"viewer.of.{council.slug}", council=council, role="viewer")


def test_the_summary_has_the_figures_of_the_dashboards_refresh_window_but_a_councils_own_saves(
    lga_officer, editor_a, event_a, event_b, council_a, council_b, settings,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """With a refresh window (production), the summary CSV is the dashboard's figures, drawn
    once a window for everyone: a save elsewhere shows from the next window. A council's own
    saves show at once in the files its users download."""
    from django.test import Client

    from inspections import dashboard_cache

    settings.DASHBOARD_REFRESH_SECONDS = 60

    def events_by_council(client):
        _, body = download(client, "summary", date_from="")
        return {row["council_name"]: row["events"] for row in rows_of(body)[:-1]}

    officer, editor = Client(), Client()
    officer.force_login(lga_officer)
    editor.force_login(editor_a)
    # The first save of a window queues the warm-up, which takes a new window at once (run
    # here by the eager worker); the saves after it wait for the next window.
    with django_capture_on_commit_callbacks(execute=True):
        make_event(council_b, "jtai", date(2025, 9, 1))
    before = events_by_council(officer)
    assert events_by_council(editor) == before
    with django_capture_on_commit_callbacks(execute=True):
        make_event(council_a, "jtai", date(2025, 6, 2))  # a save of Lakeshire's
    assert events_by_council(officer) == before  # the window's figures, as on the dashboard
    own = events_by_council(editor)
    assert int(own[council_a.name]) == int(before[council_a.name]) + 1
    dashboard_cache.window(roll=True)  # the next window
    assert events_by_council(officer) == own
