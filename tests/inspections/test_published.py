"""Loading Ofsted's published inspection history (inspections/services/published.py)."""

import csv
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from councils.models import Council
from councils.services import council_register_load
from inspections.forms import EventForm
from inspections.models import Cluster, ClusterRule, InspectionEvent, Source
from inspections.services.published import (
    ILACS,
    PUBLISHED_FILES,
    SEND,
    PublishedFileError,
    published_file_read,
    published_history_load,
)
from tests.conftest import rolled_back_at_end
from tests.factories import inspection_type, make_event, make_hours

pytestmark = pytest.mark.django_db

# Counted by hand from the files in inspections/data/ (and cross-checked below with csv):
# ILACS: 497 reports. 319 have inspection dates: 191 "standard", 127 "short" and one
# "inspection duration longer than standard framework" (a standard inspection that ran 13
# working days). The 178 without dates: 175 SIF reports published 2012-2018 (loaded by their
# publication date, with estimated on-site dates), and 3 ILACS-era reports whose dates and
# framework the scraper could not read (Brighton and Hove 2024, Nottingham 2022, Redcar and
# Cleveland 2022): skipped, as neither the dates nor standard-or-short can be told.
ILACS_ROWS = 497
ILACS_DATED = 319
ILACS_SIF = 175
ILACS_BY_TYPE = {"ilacs_standard": 192, "ilacs_short": 127, "sif_inspection": ILACS_SIF}
ILACS_LOADED = ILACS_DATED + ILACS_SIF
ILACS_SKIPPED = {"no_dates": 3}
ILACS_NO_DATES_LINES = [48, 328, 354]
# SEND: 72 councils' latest inspections; 3 have no dates (Cambridgeshire, Derbyshire, North
# Yorkshire): loaded by their publication date with estimated on-site dates; Slough's outcome
# is "nan" (not parsed).
SEND_ROWS = 72
SEND_DATED = 69
SEND_LOADED = 72
SEND_NO_DATES_LINES = [9, 14, 47]
SEND_OUTCOMES = {"positive": 15, "inconsistent": 36, "systemic_failings": 20, None: 1}


@pytest.fixture
def register():
    council_register_load()


def real_text(kind):
    return published_file_read(PUBLISHED_FILES[kind])


def snapshot():
    return sorted(
        InspectionEvent.objects.values_list(
            "pk", "council_id", "inspection_type__code", "on_site_start", "on_site_end",
            "published_on", "outcome_id", "report_url", "updated_at", "source_loaded_at",
        )
    )  # fmt: skip


# --- The real files ------------------------------------------------------------------------------


def test_the_counts_above_match_the_real_files():
    ilacs = list(csv.DictReader(StringIO(real_text(ILACS))))
    dated = [row for row in ilacs if row["inspection_start_date"]]
    frameworks = Counter(row["inspection_framework"] for row in dated)
    send = list(csv.DictReader(StringIO(real_text(SEND))))

    assert len(ilacs) == ILACS_ROWS and len(dated) == ILACS_DATED
    assert frameworks["short"] == ILACS_BY_TYPE["ilacs_short"]
    assert len(send) == SEND_ROWS
    assert sum(1 for row in send if row["inspection_start_date"]) == SEND_DATED


def test_the_real_ilacs_file_loads_every_inspection_sif_reports_by_publication_date(register):
    summary = published_history_load(kind=ILACS)

    assert (len(summary.loaded), len(summary.updated), len(summary.unchanged)) == (
        ILACS_LOADED,
        0,
        0,
    )
    assert len(summary.estimated) == ILACS_SIF
    assert len(summary.loaded) + len(summary.skipped) == ILACS_ROWS
    assert dict(summary.events_by_type) == ILACS_BY_TYPE
    events = Counter(
        InspectionEvent.objects.filter(source=Source.PUBLISHED).values_list(
            "inspection_type__code", flat=True
        )
    )
    assert events == ILACS_BY_TYPE
    by_reason = {reason: len(rows) for reason, rows in summary.skipped_by_reason.items()}
    assert by_reason == ILACS_SKIPPED
    no_dates = summary.skipped_by_reason["no_dates"]
    assert [row.line for row in no_dates] == ILACS_NO_DATES_LINES
    assert no_dates[0].local_authority == "brighton and hove"
    assert "report published 16/05/2024" in no_dates[0].detail
    sif = InspectionEvent.objects.filter(inspection_type__code="sif_inspection")
    assert sif.count() == ILACS_SIF == sif.filter(dates_estimated=True).count()
    # The scrape could read none of their overall grades (166 blank, 9 data_unreadable): stored
    # as not recorded, never guessed.
    assert sif.exclude(outcome=None).count() == 0
    # Every council has at least one ILACS inspection on record.
    assert InspectionEvent.objects.values("council").distinct().count() == 153
    assert len(summary.changed_council_ids) == 153


def test_the_real_send_file_loads_72_councils_latest_inspection(register):
    summary = published_history_load(kind=SEND)

    assert (len(summary.loaded), len(summary.skipped)) == (SEND_LOADED, 0)
    assert summary.estimated == SEND_NO_DATES_LINES
    estimated = InspectionEvent.objects.filter(dates_estimated=True)
    assert sorted(estimated.values_list("council__name", flat=True)) == [
        "Cambridgeshire",
        "Derbyshire",
        "North Yorkshire",
    ]
    outcomes = Counter(
        InspectionEvent.objects.filter(inspection_type__code="area_send_full").values_list(
            "outcome__code", flat=True
        )
    )
    assert outcomes == SEND_OUTCOMES
    birmingham = InspectionEvent.objects.get(council__name="Birmingham")
    assert (birmingham.on_site_start, birmingham.on_site_end) == (
        date(2025, 6, 23),
        date(2025, 6, 27),
    )
    assert birmingham.published_on == date(2025, 8, 15)
    assert birmingham.outcome.code == "inconsistent" and birmingham.sub_judgements == {}


def newer_ilacs_file() -> tuple[str, int, int]:
    """The real file with one date moved, one row added and one row with a broken date."""
    text = real_text(ILACS)
    moved = text.replace(
        "short,Sarah Canto,17/03/2025,21/03/2025", "short,Sarah Canto,24/03/2025,28/03/2025"
    )
    assert moved != text
    added = (
        "80429,birmingham,https://files.ofsted.gov.uk/v1/file/99999001,new.pdf,06/11/26,"
        "standard,An Inspector,14/09/2026,25/09/2026,not_reported_post_reform,good,good,"
        "requires improvement,good,1\n"
    )
    broken = (
        "80429,birmingham,https://files.ofsted.gov.uk/v1/file/99999002,broken.pdf,06/11/26,"
        "short,An Inspector,31/02/2026,06/03/2026,good,good,good,good,good,1\n"
    )
    lines = moved.count("\n")
    return moved + added + broken, lines + 1, lines + 2


@pytest.fixture(scope="class")
def both_loaded(django_db_setup, django_db_blocker):
    """Both real files loaded once for the class that uses this (3-9 s a load); each test's
    changes are rolled back when it ends."""
    with rolled_back_at_end(django_db_blocker):
        council_register_load()
        yield published_history_load(kind=ILACS), published_history_load(kind=SEND)


class TestBothFilesLoaded:
    """Tests that start from both real files loaded."""

    def test_grades_not_given_or_unreadable_are_stored_as_not_recorded(self, both_loaded):
        ilacs, _ = both_loaded
        # Line 6: after the reform of April 2026, no overall grade; the sub-judgements stay.
        post_reform = InspectionEvent.objects.get(
            council__ofsted_urn="2637539", on_site_start=date(2026, 5, 11)
        )
        assert post_reform.outcome is None
        assert post_reform.sub_judgements == {
            "impact_of_leaders": "outstanding",
            "help_and_protection": "good",
            "in_care": "good",
            "care_leavers": "good",
        }
        assert (
            InspectionEvent.objects.filter(
                inspection_type__family="ilacs",
                on_site_start__gte=date(2026, 4, 1),
                outcome__isnull=False,
            ).count()
            == 0
        )
        # Line 115 (Doncaster, 2017): no overall grade and unreadable sub-grades; no care-leavers
        # judgement before 2023.
        doncaster = InspectionEvent.objects.get(
            council__name="Doncaster", on_site_start=date(2017, 11, 9)
        )
        assert doncaster.outcome is None
        assert set(doncaster.sub_judgements.values()) == {"not_recorded"}
        # Lines 329 and 415: "to requires improvement" is not a grade: not recorded, and said so.
        nottingham = InspectionEvent.objects.get(
            council__name="Nottingham", on_site_start=date(2018, 11, 5)
        )
        assert nottingham.sub_judgements["help_and_protection"] == "not_recorded"
        assert nottingham.sub_judgements["impact_of_leaders"] == "requires_improvement"
        assert [note.line for note in ilacs.notes] == [329, 415]
        slough = InspectionEvent.objects.get(
            council__name="Slough", inspection_type__code="area_send_full"
        )
        assert slough.outcome is None

    def test_the_inspection_that_ran_longer_than_a_standard_one_is_an_ilacs_standard(
        self, both_loaded
    ):
        # Line 485: urn 80580, on site 3 to 19 June 2019.
        event = InspectionEvent.objects.get(
            council__ofsted_urn="80580", on_site_start=date(2019, 6, 3)
        )

        assert event.inspection_type.code == "ilacs_standard"
        assert event.on_site_days == 13
        assert event.outcome.code == "good"

    def test_every_published_event_carries_its_provenance(self, both_loaded):
        events = InspectionEvent.objects.all()

        assert events.count() == ILACS_LOADED + SEND_LOADED
        assert not events.exclude(source=Source.PUBLISHED).exists()
        assert not events.filter(source_loaded_at__isnull=True).exists()
        assert not events.filter(report_url="").exists()
        assert not events.filter(published_on__isnull=True).exists()
        assert set(events.values_list("source_reference", flat=True)) == {
            "ofsted_csc_ilacs_history.csv",
            "ofsted_csc_send_overview.csv",
        }
        dorset = events.get(report_url="https://files.ofsted.gov.uk/v1/file/50276411")
        assert (dorset.council.name, dorset.inspection_type.code) == ("Dorset", "ilacs_short")
        assert (dorset.on_site_start, dorset.published_on) == (date(2025, 3, 17), date(2025, 5, 9))

    def test_loading_the_same_files_again_changes_nothing(
        self, both_loaded, django_capture_on_commit_callbacks
    ):
        before = snapshot()

        with django_capture_on_commit_callbacks() as callbacks:
            ilacs = published_history_load(kind=ILACS)
            send = published_history_load(kind=SEND)

        assert str(ilacs) == "0 loaded, 0 updated, 494 unchanged, 3 skipped"
        assert str(send) == "0 loaded, 0 updated, 72 unchanged, 0 skipped"
        assert snapshot() == before  # updated_at and source_loaded_at untouched
        assert ilacs.changed_council_ids == set() == send.changed_council_ids
        assert callbacks == []  # no cluster re-check, no dashboard reset

    def test_a_newer_file_updates_a_moved_date_adds_a_new_row_and_skips_a_broken_date(
        self, both_loaded
    ):
        untouched = InspectionEvent.objects.get(
            report_url="https://files.ofsted.gov.uk/v1/file/50172438"
        )
        text, added_line, broken_line = newer_ilacs_file()

        summary = published_history_load(kind=ILACS, text=text, file_name="newer.csv")

        assert summary.updated == [2]
        assert summary.loaded == [added_line]
        assert len(summary.unchanged) == ILACS_LOADED - 1
        assert len(summary.skipped) == 4
        broken = summary.skipped[-1]
        assert (broken.line, broken.reason) == (broken_line, "bad_date")
        assert "inspection_start_date: ‘31/02/2026’ is not a real date" in broken.detail
        moved = InspectionEvent.objects.get(
            report_url="https://files.ofsted.gov.uk/v1/file/50276411"
        )
        assert (moved.on_site_start, moved.on_site_end) == (date(2025, 3, 24), date(2025, 3, 28))
        assert moved.source_reference == "newer.csv"
        new = InspectionEvent.objects.get(report_url="https://files.ofsted.gov.uk/v1/file/99999001")
        assert new.council.name == "Birmingham" and new.outcome is None
        assert new.sub_judgements["in_care"] == "requires_improvement"
        assert not InspectionEvent.objects.filter(report_url__endswith="99999002").exists()
        untouched_after = InspectionEvent.objects.get(pk=untouched.pk)
        assert untouched_after.updated_at == untouched.updated_at
        assert untouched_after.source_reference == "ofsted_csc_ilacs_history.csv"
        assert summary.changed_council_ids == {moved.council_id, new.council_id}


def test_rows_of_unknown_councils_are_skipped_and_the_rest_still_loads(register):
    header = real_text(SEND).splitlines()[0]
    text = "\n".join(
        [
            header,
            # unknown URN, but a known DfE number: matched by the DfE number (Bedford, 822)
            "9999999,822,E,E99999999,,bedford,https://files.ofsted.gov.uk/v1/file/1,1.0,"
            "01/01/1900,18/11/24,22/11/24,04/02/25,5 years,18/11/29,0,text",
            # unknown URN and DfE number, known GSS code (Bristol)
            "9999998,999,SW,E06000023,,bristol,https://files.ofsted.gov.uk/v1/file/2,3.0,"
            "01/01/1900,03/03/25,07/03/25,01/05/25,18 months,,0,text",
            # nothing known
            "9999997,998,SW,E99999998,,atlantis,https://files.ofsted.gov.uk/v1/file/3,2.0,"
            "01/01/1900,03/03/25,07/03/25,01/05/25,3 years,,0,text",
        ]
    )

    summary = published_history_load(kind=SEND, text=text, file_name="test.csv")

    assert len(summary.loaded) == 2
    assert [(row.line, row.reason) for row in summary.skipped] == [(4, "unknown_council")]
    assert "Ofsted URN 9999997" in summary.skipped[0].detail
    assert summary.skipped[0].local_authority == "atlantis"
    assert set(InspectionEvent.objects.values_list("council__name", flat=True)) == {
        "Bedford",
        "Bristol, City of",
    }


def test_a_row_without_a_framework_is_typed_by_its_time_on_site(register):
    header = real_text(ILACS).splitlines()[0]
    grades = "good,good,good,good,good,1"
    text = "\n".join(
        [
            header,
            f"80429,birmingham,https://x.example/1,a.pdf,01/06/24,,,08/04/2024,12/04/2024,{grades}",
            f"80429,birmingham,https://x.example/2,b.pdf,01/12/21,,,11/10/2021,22/10/2021,{grades}",
            f"80429,birmingham,https://x.example/3,c.pdf,01/12/17,,,09/10/2017,27/10/2017,{grades}",
            f"80429,birmingham,https://x.example/4,d.pdf,01/12/27,renewed,,11/10/2027,22/10/2027,{grades}",
        ]
    )

    summary = published_history_load(kind=ILACS, text=text, file_name="test.csv")

    types = dict(InspectionEvent.objects.values_list("report_url", "inspection_type__code"))
    assert types == {
        "https://x.example/1": "ilacs_short",
        "https://x.example/2": "ilacs_standard",
        "https://x.example/3": "sif_inspection",  # on site before ILACS began
    }
    assert [(row.line, row.reason) for row in summary.skipped] == [(5, "unknown_framework")]
    assert [note.line for note in summary.notes] == [2, 3]


def test_a_file_without_the_expected_columns_loads_nothing(register):
    with pytest.raises(PublishedFileError, match="has no la_code, ltla23cd"):
        published_history_load(kind=SEND, text=real_text(ILACS), file_name="wrong.csv")

    assert not InspectionEvent.objects.exists()


def test_an_event_the_council_logged_first_is_taken_over_keeping_its_notes_and_hours(register):
    bedford = Council.objects.get(name="Bedford")
    logged = make_event(
        bedford, "area_send_full", date(2024, 11, 18), end=date(2024, 11, 22), notes="Our notes"
    )
    make_hours(logged, 120)

    summary = published_history_load(kind=SEND)

    logged.refresh_from_db()
    assert summary.updated == [2] and len(summary.loaded) == SEND_LOADED - 1
    assert logged.source == Source.PUBLISHED and logged.outcome.code == "positive"
    assert logged.notes == "Our notes" and logged.staff_time.count() == 1
    assert "took over event" in summary.notes[0].message


# --- The command and the admin page --------------------------------------------------------------


def test_the_command_prints_the_summary_and_every_skipped_line(register):
    out = StringIO()

    call_command("import_published", "send", stdout=out)

    text = out.getvalue()
    assert "72 loaded, 0 updated, 0 unchanged, 0 skipped" in text
    assert "estimated from the type's typical lag: 3" in text


def test_the_command_refuses_a_missing_file(register, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_published", "ilacs", file=tmp_path / "nope.csv")


def test_the_command_loads_a_newer_file(register, tmp_path):
    text, added_line, _ = newer_ilacs_file()
    path = tmp_path / "newer.csv"
    path.write_text(text, encoding="utf-8")
    out = StringIO()

    call_command("import_published", "ilacs", file=path, stdout=out)

    assert "495 loaded, 0 updated, 0 unchanged, 4 skipped" in out.getvalue()
    assert (
        f"line {added_line + 1} (birmingham): inspection_start_date: ‘31/02/2026’" in out.getvalue()
    )


def test_an_administrator_loads_the_published_history_from_the_admin(
    client_for, administrator, register
):
    url = reverse("admin:inspections_inspectionevent_load_published")

    response = client_for(administrator).post(url, {"kind": "send"})

    assert response.status_code == 200
    assert "72 loaded, 0 updated, 0 unchanged, 0 skipped" in response.text
    assert InspectionEvent.objects.filter(source=Source.PUBLISHED).count() == SEND_LOADED
    changelist = client_for(administrator).get(
        reverse("admin:inspections_inspectionevent_changelist")
    )
    assert url in changelist.text


def test_the_admin_page_loads_an_uploaded_file_and_reports_a_wrong_one(
    client_for, administrator, register
):
    client = client_for(administrator)
    url = reverse("admin:inspections_inspectionevent_load_published")
    upload = SimpleUploadedFile("ilacs.csv", real_text(ILACS).encode(), content_type="text/csv")

    wrong = client.post(url, {"kind": "send", "file": upload})

    assert "Nothing loaded: ilacs.csv is not the published area SEND inspections file" in wrong.text
    assert not InspectionEvent.objects.exists()


def test_a_council_editor_cannot_reach_the_admin_load_page(client_for, editor_a, register):
    response = client_for(editor_a).post(
        reverse("admin:inspections_inspectionevent_load_published"), {"kind": "send"}
    )

    assert response.status_code == 302
    assert not InspectionEvent.objects.exists()


# --- Published events in the pages: provenance and edit protection -------------------------------

REPORT = "https://files.ofsted.gov.uk/v1/file/50000001"


@pytest.fixture
def published_a(council_a):
    itype = inspection_type("ilacs_standard")
    event = make_event(
        council_a,
        "ilacs_standard",
        date(2025, 3, 3),
        end=date(2025, 3, 14),
        published_on=date(2025, 4, 25),
        outcome=itype.outcomes.get(code="good"),
        sub_judgements={
            "impact_of_leaders": "good",
            "help_and_protection": "not_recorded",
            "in_care": "good",
            "care_leavers": "outstanding",
        },
        report_url=REPORT,
        source=Source.PUBLISHED,
        source_reference="ofsted_csc_ilacs_history.csv",
        source_loaded_at="2026-11-20T09:30:00Z",
    )
    return event


def edit_post(event, **changes):
    data = {
        "inspection_type": inspection_type("ilacs_short").pk,
        "on_site_start_day": "10",
        "on_site_start_month": "3",
        "on_site_start_year": "2025",
        "on_site_end_day": "14",
        "on_site_end_month": "3",
        "on_site_end_year": "2025",
        "published_on_day": "1",
        "published_on_month": "5",
        "published_on_year": "2025",
        "outcome": event.inspection_type.outcomes.get(code="inadequate").pk,
        "report_url": "https://example.org/another-report",
        "notified_on_day": "3",
        "notified_on_month": "3",
        "notified_on_year": "2025",
        "notes": "Notes added by the council",
    }
    data.update(changes)
    return data


def test_the_event_page_shows_where_a_published_event_came_from(client_for, viewer_a, published_a):
    response = client_for(viewer_a).get(published_a.get_absolute_url())

    assert "Published inspection report (ofsted_csc_ilacs_history.csv)" in response.text
    assert "loaded on 20 November 2026 at 09:30" in response.text
    assert f'href="{REPORT}"' in response.text and f">{REPORT}</a>" in response.text
    assert "Experiences and progress of care leavers" in response.text
    assert "Outstanding" in response.text


def test_a_council_editor_adds_notes_to_a_published_event_but_cannot_change_what_was_published(
    client_for, editor_a, published_a
):
    client = client_for(editor_a)
    page = client.get(reverse("event-edit", args=[published_a.pk]))
    assert 'id="published-fields-locked"' in page.text
    assert page.text.count("Only an administrator can change it") == 6

    response = client.post(reverse("event-edit", args=[published_a.pk]), edit_post(published_a))

    assert response.status_code == 302
    event = InspectionEvent.objects.get(pk=published_a.pk)
    assert event.notes == "Notes added by the council"
    assert event.notified_on == date(2025, 3, 3)
    assert (event.inspection_type.code, event.on_site_start, event.on_site_end) == (
        "ilacs_standard",
        date(2025, 3, 3),
        date(2025, 3, 14),
    )
    assert (event.outcome.code, event.report_url, event.published_on) == (
        "good",
        REPORT,
        date(2025, 4, 25),
    )
    assert event.source == Source.PUBLISHED


def test_an_administrator_can_correct_a_published_event(client_for, administrator, published_a):
    client = client_for(administrator)
    page = client.get(reverse("event-edit", args=[published_a.pk]))
    assert 'id="published-fields-locked"' not in page.text

    client.post(
        reverse("event-edit", args=[published_a.pk]),
        edit_post(published_a, inspection_type=published_a.inspection_type_id),
    )

    event = InspectionEvent.objects.get(pk=published_a.pk)
    assert event.on_site_start == date(2025, 3, 10)
    assert event.outcome.code == "inadequate" and event.report_url.endswith("another-report")


@pytest.mark.parametrize("role", ["viewer_a", "editor_b", "lga_officer"])
def test_users_who_cannot_edit_the_council_get_404_on_a_published_event(
    request, client_for, role, published_a
):
    client = client_for(request.getfixturevalue(role))

    assert client.get(reverse("event-edit", args=[published_a.pk])).status_code == 404
    response = client.post(reverse("event-edit", args=[published_a.pk]), edit_post(published_a))
    assert response.status_code == 404
    assert InspectionEvent.objects.get(pk=published_a.pk).notes == ""


def test_a_council_editor_cannot_delete_a_published_event_but_an_administrator_can(
    client_for, editor_a, administrator, published_a
):
    url = reverse("event-delete", args=[published_a.pk])
    page = client_for(editor_a).get(published_a.get_absolute_url())
    assert url not in page.text

    response = client_for(editor_a).post(url)

    assert response.status_code == 302
    assert InspectionEvent.objects.filter(pk=published_a.pk).exists()
    client_for(administrator).post(url)
    assert not InspectionEvent.objects.filter(pk=published_a.pk).exists()


def test_a_council_editor_still_changes_every_field_of_their_own_events(
    client_for, editor_a, council_a
):
    own = make_event(council_a, "ilacs_standard", date(2025, 3, 3), end=date(2025, 3, 14))

    short = inspection_type("ilacs_short")
    data = edit_post(own, outcome=short.outcomes.get(code="good").pk)

    response = client_for(editor_a).post(reverse("event-edit", args=[own.pk]), data)

    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.inspection_type, own.on_site_start, own.outcome.code) == (
        short,
        date(2025, 3, 10),
        "good",
    )
    assert own.report_url == "https://example.org/another-report"


def test_the_event_form_protects_a_published_event_when_no_access_is_given(published_a):
    form = EventForm(instance=published_a)

    assert form.published_fields_locked
    assert form.fields["on_site_start"].disabled and not form.fields["notes"].disabled


# --- After the load: the cluster check -----------------------------------------------------------


@pytest.mark.parametrize(("window_days", "expected"), [(200, 1), (150, 0)])
def test_a_real_ilacs_and_a_real_send_inspection_cluster_when_the_rule_allows_it(
    register, django_capture_on_commit_callbacks, window_days, expected
):
    # Hertfordshire: ILACS short inspection from 23 January 2023, area SEND inspection from
    # 10 July 2023: 168 days apart. Ofsted spaces them out, so the default 90-day rule finds
    # nothing; a longer window does.
    rule = ClusterRule.objects.create(
        name="Long window", window_days=window_days, min_events=2, families=["ilacs", "area_send"]
    )

    with django_capture_on_commit_callbacks(execute=True):
        published_history_load(kind=ILACS)
    with django_capture_on_commit_callbacks(execute=True):
        published_history_load(kind=SEND)

    clusters = Cluster.objects.filter(rule=rule, council__name="Hertfordshire")
    assert clusters.count() == expected
    if expected:
        members = clusters.get().events.order_by("on_site_start")
        assert [(e.inspection_type.code, e.on_site_start) for e in members] == [
            ("ilacs_short", date(2023, 1, 23)),
            ("area_send_full", date(2023, 7, 10)),
        ]
    assert not Cluster.objects.filter(rule__name="Back-to-back").exists()
