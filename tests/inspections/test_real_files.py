"""Every file in tests/inspections/cases/ gives the value its README states (issue #10)."""

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from councils.models import Council
from inspections.models import ClusterRule, InspectionEvent, StaffTime
from inspections.services import imports
from inspections.services.published import SEND, published_history_load
from tests.factories import make_event

pytestmark = pytest.mark.django_db

CASES = Path(__file__).resolve().parent / "cases"


def case(name: str) -> bytes:
    (path,) = CASES.glob(f"{name}-*.csv")
    return path.read_bytes()


@pytest.fixture
def register(council_register):
    """The councils as `make run` loads them (the DfE register, aliases, joint services), loaded
    once for this module: every test here asks for them."""


def council(gss: str) -> Council:
    return Council.objects.get(gss_code=gss)


def import_events(name: str, user) -> imports.ImportResult:
    return imports.import_run(
        kind=imports.EVENTS, content=case(name), file_name=f"{name}.csv", user=user
    )


def errors(result) -> list[str]:
    return [str(error) for error in result.errors]


def test_01_a_send_list_saved_by_excel_on_windows_is_read_as_windows_1252(register):
    published_history_load(kind=SEND)  # the database as `make run` loads it

    summary = published_history_load(kind=SEND, content=case("01"), file_name="01.csv")

    assert "Windows-1252" in summary.described
    assert (summary.loaded, summary.updated, summary.unchanged, summary.skipped) == (
        [],
        [],
        [2],
        [],
    )
    bedford = InspectionEvent.objects.get(
        council__gss_code="E06000055", inspection_type__code="area_send_full"
    )
    assert (bedford.on_site_start, bedford.on_site_end, bedford.published_on) == (
        date(2024, 11, 18),
        date(2024, 11, 22),
        date(2025, 2, 4),
    )


def test_01_on_an_empty_database_the_row_is_loaded_with_the_quote_decoded(register):
    summary = published_history_load(kind=SEND, content=case("01"), file_name="01.csv")

    assert summary.loaded == [2]
    assert "’" in case("01").decode("cp1252")  # the byte Excel wrote, decoded as Windows-1252


def test_02_the_newer_send_layout_with_a_retired_code_and_a_short_link_loads(register):
    summary = published_history_load(kind=SEND, content=case("02"), file_name="02.csv")

    assert summary.loaded == [2] and summary.skipped == []
    event = InspectionEvent.objects.get(inspection_type__code="area_send_full")
    assert (event.council.gss_code, event.council.dfe_number) == ("E08000038", "370")
    assert (event.on_site_start, event.on_site_end, event.published_on) == (
        date(2026, 2, 2),
        date(2026, 2, 6),
        date(2026, 5, 18),
    )
    assert event.outcome.code == "positive"
    assert event.report_url == "https://ofsted.gov.uk/50302264"
    assert any("completed to https://ofsted.gov.uk/50302264" in str(n) for n in summary.notes)


def test_03_names_as_the_inspectorates_write_them_and_two_digit_years(register, administrator):
    result = import_events("03", administrator)

    assert errors(result) == [] and result.created == 2
    st_helens = InspectionEvent.objects.get(council__gss_code="E08000013")
    hull = InspectionEvent.objects.get(council__gss_code="E06000010")
    assert st_helens.published_on == date(2023, 2, 21)
    assert hull.published_on == date(2021, 11, 16)


def test_04_a_retired_code_maps_to_its_successor_and_a_split_area_is_refused(
    register, administrator
):
    result = import_events("04", administrator)

    assert not result.saved and InspectionEvent.objects.count() == 0
    assert [(e.row, e.column) for e in result.errors] == [(3, "council_gss_code")]
    message = result.errors[0].message
    assert "Northamptonshire" in message and "split" in message
    assert "North Northamptonshire and West Northamptonshire" in message
    # Row 2 was read as Barnsley's current code (only row 3 stops the file).
    assert any(w.row == 2 and "Barnsley (E08000038)" in w.message for w in result.warnings)


def test_05_every_date_form_excel_writes_reads_the_same_dates(register, administrator):
    result = import_events("05", administrator)

    assert errors(result) == [] and result.created == 5
    dates = set(InspectionEvent.objects.values_list("on_site_start", "on_site_end"))
    assert dates == {(date(2025, 3, 3), date(2025, 3, 7))}


def test_06_a_semicolon_separated_file_is_read(register, administrator):
    result = import_events("06", administrator)

    assert errors(result) == [] and result.created == 1
    assert "semicolons" in result.described
    event = InspectionEvent.objects.get()
    assert (event.council.name, event.inspection_type.code) == ("Manchester", "jtai")
    assert (event.on_site_start, event.on_site_end) == (date(2025, 3, 3), date(2025, 3, 7))


def test_07_hours_with_a_thousands_separator(register, administrator):
    make_event(council("E08000003"), "ilacs_engagement_meeting", start=date(2019, 1, 21))

    result = imports.import_run(
        kind=imports.STAFF_TIME, content=case("07"), file_name="07.csv", user=administrator
    )

    assert errors(result) == []
    assert StaffTime.objects.get().hours == Decimal("1234.50")


def test_08_outcomes_written_as_words(register, administrator):
    result = import_events("08", administrator)

    assert errors(result) == []
    redcar = InspectionEvent.objects.get(council__name="Redcar and Cleveland")
    slough = InspectionEvent.objects.get(council__name="Slough")
    assert (redcar.inspection_type.code, redcar.outcome.label) == (
        "ilacs_standard",
        "Requires improvement to be good",
    )
    assert (slough.inspection_type.code, slough.outcome.code) == (
        "hmip_youth_justice",
        "requires_improvement",
    )


def test_09_an_event_known_only_by_its_publication_date_is_saved_as_estimated(
    register, administrator, client_for
):
    result = import_events("09", administrator)

    assert errors(result) == [] and result.created == 1
    event = InspectionEvent.objects.get()
    assert (event.council.name, event.inspection_type.code) == ("Slough", "hmip_youth_justice")
    assert event.published_on == date(2025, 1, 14)
    assert event.outcome.code == "inadequate"
    assert event.dates_estimated
    # 14 January 2025 less the type's typical 56 days is 19 November 2024 (a Tuesday).
    assert event.on_site_start == date(2024, 11, 19)
    page = client_for(administrator).get(event.get_absolute_url()).text
    assert 'id="dates-estimated"' in page and "Estimated" in page


def test_10_a_welsh_authority_is_refused_as_not_english(register, administrator):
    result = import_events("10", administrator)

    assert not result.saved and InspectionEvent.objects.count() == 0
    assert errors(result) == [
        "Row 2, council_name: Ceredigion (in Wales) is not an English council with children's "
        "services responsibilities."
    ]


def test_11_a_joint_service_is_one_event_for_each_member_council(
    register, administrator, client_for
):
    result = import_events("11", administrator)

    assert errors(result) == [] and result.created == 2
    events = InspectionEvent.objects.order_by("council__name")
    assert [e.council.name for e in events] == ["City of London", "Tower Hamlets"]
    assert {e.joint_service for e in events} == {"Tower Hamlets and City of London"}
    page = client_for(administrator).get(events[1].get_absolute_url()).text
    assert 'id="joint-service"' in page and "City of London" in page


# --- An estimated event through import, page, export and cluster ---------------------------


def test_an_estimated_event_is_shown_as_estimated_in_the_export(
    register, administrator, client_for
):
    import_events("09", administrator)

    response = client_for(administrator).get(reverse("export-events"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text)))
    assert row[header.index("dates_estimated")] == "yes"


def test_cluster_rules_say_whether_estimated_dates_count(
    register, administrator, django_capture_on_commit_callbacks
):
    slough = council("E06000039")
    make_event(slough, "jtai", start=date(2024, 11, 25))
    rule = ClusterRule.objects.get(name="Back-to-back")
    assert rule.counts_estimated_dates is False  # the default: 90 days is too fine for it

    with django_capture_on_commit_callbacks(execute=True):
        import_events("09", administrator)  # youth justice, estimated start 19 November 2024
    assert not rule.clusters.exists()

    rule.counts_estimated_dates = True
    rule.save()
    from inspections.services.clusters import council_clusters_recheck

    council_clusters_recheck(council_id=slough.pk, alert=False)
    cluster = rule.clusters.get()
    assert {e.dates_estimated for e in cluster.events.all()} == {True, False}


def test_real_dates_replace_an_estimate_when_they_arrive(register, administrator):
    import_events("09", administrator)
    estimated = InspectionEvent.objects.get()
    real = (
        b"council_name,inspection_type,on_site_start,on_site_end,published_on,outcome\r\n"
        b"Slough,hmip_youth_justice,04/11/2024,08/11/2024,14/01/2025,Inadequate\r\n"
    )

    result = imports.import_run(
        kind=imports.EVENTS, content=real, file_name="real.csv", user=administrator
    )

    assert errors(result) == [] and (result.created, result.updated) == (0, 1)
    event = InspectionEvent.objects.get()
    assert event.pk == estimated.pk
    assert (event.on_site_start, event.on_site_end) == (date(2024, 11, 4), date(2024, 11, 8))
    assert not event.dates_estimated


# --- HMI Probation's youth justice list ------------------------------------------------------

HMIP_ROWS = 83
HMIP_WELSH = 10  # Ceredigion, Flintshire, Newport, Conwy & Denbighshire - JI, Carmarthenshire,
# Blaenau Gwent and Caerphilly, Vale of Glamorgan, Bridgend, Powys, Swansea
HMIP_JOINT = {  # the rows recorded for several councils, and for how many
    "West Mercia": 4,
    "Tower Hamlets and City of London": 2,
    "Bedfordshire": 2,
    "Northamptonshire": 2,
}


def test_the_hmip_list_loads_matched_split_and_refused_rows_and_again_changes_nothing(
    register, django_capture_on_commit_callbacks
):
    from inspections.services.published import HMIP

    with django_capture_on_commit_callbacks(execute=True):
        summary = published_history_load(kind=HMIP)

    loaded = HMIP_ROWS - HMIP_WELSH
    assert (len(summary.loaded), len(summary.skipped)) == (loaded, HMIP_WELSH)
    assert {row.reason for row in summary.skipped} == {"not_english"}
    assert len(summary.split) == len(HMIP_JOINT)
    assert len(summary.estimated) == loaded
    events = InspectionEvent.objects.filter(inspection_type__code="hmip_youth_justice")
    extra = sum(HMIP_JOINT.values()) - len(HMIP_JOINT)
    assert events.count() == loaded + extra == summary.events_by_type["hmip_youth_justice"]
    assert events.filter(dates_estimated=False).count() == 0
    for name, members in HMIP_JOINT.items():
        assert events.filter(joint_service=name).count() == members
    assert events.get(council__gss_code="E06000010").outcome is not None  # "Hull"
    newcastle = events.get(council__name="Newcastle upon Tyne")
    assert newcastle.published_on == date(2025, 2, 18)
    assert newcastle.outcome.code == "requires_improvement"
    assert newcastle.sub_judgements["score_percent"] == "44.44"
    assert newcastle.sub_judgements["planning"] == "inadequate"
    portsmouth = events.get(council__name="Portsmouth")
    assert portsmouth.outcome is None  # footnote text instead of a rating
    assert events.get(council__name="Hackney").joint_service == "Hackney - JI (joint inspection)"
    # Published reports are past news: clusters recorded, nobody alerted.
    assert not InspectionEvent.objects.exclude(inspection_type__code="hmip_youth_justice").exists()

    again = published_history_load(kind=HMIP)

    assert (len(again.loaded), len(again.updated), len(again.unchanged)) == (0, 0, loaded)
    assert events.count() == loaded + extra


def test_the_admin_loads_the_hmip_history(register, client_for, administrator):
    response = client_for(administrator).post(
        reverse("admin:inspections_inspectionevent_load_published"), {"kind": "hmip"}
    )

    assert response.status_code == 200
    assert f"{HMIP_ROWS - HMIP_WELSH} loaded" in response.text
    assert "Ceredigion" in response.text


def test_a_published_estimate_never_replaces_dates_the_council_logged(register, administrator):
    from inspections.services.published import HMIP

    slough = council("E06000039")
    logged = make_event(slough, "hmip_youth_justice", start=date(2024, 11, 4), days=5)

    published_history_load(kind=HMIP)

    logged.refresh_from_db()
    assert (logged.on_site_start, logged.dates_estimated) == (date(2024, 11, 4), False)
    assert logged.published_on == date(2025, 1, 14) and logged.outcome.code == "inadequate"
    assert InspectionEvent.objects.filter(council=slough).count() == 1


def test_the_readme_table_of_published_sources_is_written_from_the_loads(register, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    readme = tmp_path / "README.md"
    readme.write_text(
        "before\n<!-- published-sources:start -->\nold\n<!-- published-sources:end -->\nafter\n"
    )

    call_command("published_sources", readme=readme, stdout=StringIO())

    text = readme.read_text()
    assert "old" not in text and text.startswith("before\n") and text.endswith("after\n")
    hmip = next(line for line in text.splitlines() if "hmi_youth_justice" in line)
    assert "| 83 | 73 | 4 (10 events) | 73 | 10 (10: Not an English council" in hmip
