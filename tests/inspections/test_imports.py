import csv
import html
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from inspections import exports
from inspections.models import ImportJob, InspectionEvent, Source, StaffTime
from inspections.services import imports
from inspections.services.clusters import council_clusters_recheck
from tests.factories import make_event, make_hours

pytestmark = pytest.mark.django_db

EVENT_HEADER = "council_gss_code,inspection_type,on_site_start,on_site_end,outcome,notes"
STAFF_HEADER = "council_gss_code,inspection_type,on_site_start,team,phase,staff_hours,people,note"


def csv_bytes(*lines: str, bom: bool = True) -> bytes:
    return (("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode("utf-8")


def upload(client, kind_slug: str, content: bytes, name: str = "history.csv"):
    return client.post(
        reverse("import-upload", args=[kind_slug]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
        follow=True,
    )


def download(client, name: str) -> bytes:
    response = client.get(reverse(f"export-{name.replace('_', '-')}"))
    return b"".join(response.streaming_content)


def run(kind, content, user, name="history.csv"):
    return imports.import_run(kind=kind, content=content, file_name=name, user=user)


def counts():
    return InspectionEvent.objects.count(), StaffTime.objects.count()


# --- Round trip -----------------------------------------------------------------------------


def test_an_export_imported_into_an_empty_database_exports_again_byte_for_byte(
    client_for, administrator, council_a, council_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        jtai = make_event(
            council_a,
            "jtai",
            date(2025, 3, 3),
            theme="=Child exploitation",
            notes="Line one\nline two, with “quotes”",
            notified_on=date(2025, 2, 17),
        )
        make_hours(jtai, 37.5, team="partners", phase="on_site", people=3)
        make_hours(jtai, 37.5, team="partners", phase="on_site", people=3)  # a repeated entry
        visit = make_event(council_a, "ilacs_focused_visit", date(2025, 4, 14))
        StaffTime.objects.create(
            event=visit, team="data", phase="preparation", hours=Decimal("12.25"), note="+ extra"
        )
        demo = make_event(council_b, "area_send_full", date(2024, 6, 3), source=Source.DEMO)
        StaffTime.objects.create(
            event=demo, team="managers", phase="after", hours=8, is_demo=True, note="Demo"
        )
        council_clusters_recheck(council_id=council_a.pk, alert=False)
    client = client_for(administrator)
    events_csv, staff_csv = download(client, "events"), download(client, "staff_time")
    assert "Back-to-back" in events_csv.decode("utf-8-sig")

    InspectionEvent.objects.all().delete()
    assert counts() == (0, 0)
    with django_capture_on_commit_callbacks(execute=True):
        assert run(imports.EVENTS, events_csv, administrator).saved
    with django_capture_on_commit_callbacks(execute=True):
        assert run(imports.STAFF_TIME, staff_csv, administrator).saved

    assert download(client, "events") == events_csv
    assert download(client, "staff_time") == staff_csv
    assert InspectionEvent.objects.get(council=council_b).source == Source.DEMO
    assert InspectionEvent.objects.filter(source=Source.IMPORT).count() == 2


def test_re_importing_the_same_file_changes_nothing(editor_a, council_a):
    content = csv_bytes(
        EVENT_HEADER,
        f"{council_a.gss_code},ilacs_focused_visit,2025-03-03,2025-03-04,letter,",
        f"{council_a.gss_code},jtai,2025-06-02,2025-06-20,,Front door",
    )
    first = run(imports.EVENTS, content, editor_a)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    stamps = list(InspectionEvent.objects.order_by("pk").values_list("updated_at", flat=True))
    again = run(imports.EVENTS, content, editor_a, name="history (1).csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert list(InspectionEvent.objects.order_by("pk").values_list("updated_at", flat=True)) == (
        stamps
    )
    assert set(InspectionEvent.objects.values_list("source_reference", flat=True)) == {
        "history.csv"
    }


def test_an_existing_event_is_matched_and_updated_only_where_the_file_differs(editor_a, council_a):
    event = make_event(council_a, "ilacs_focused_visit", date(2025, 3, 3))
    content = csv_bytes(
        EVENT_HEADER, f"{council_a.gss_code},ilacs_focused_visit,03/03/2025,04/03/2025,letter,"
    )
    result = run(imports.EVENTS, content, editor_a)
    assert (result.created, result.updated) == (0, 1)
    event.refresh_from_db()
    assert event.outcome.code == "letter"
    assert (event.source, event.source_reference) == (Source.IMPORT, "history.csv")
    assert event.created_by is None  # logged by someone else: kept as it was


def test_imported_events_are_marked_as_imported_with_the_file_name(editor_a, council_a):
    content = csv_bytes(
        "council_name,inspection_type,on_site_start,on_site_end",
        "  lakeshire ,ILACS focused visit,2025-03-03,2025-03-04",
    )
    run(imports.EVENTS, content, editor_a, name="lakeshire-2025.csv")
    event = InspectionEvent.objects.get()
    assert event.council == council_a  # matched by name, whatever the case and spaces
    assert (event.source, event.source_reference) == (Source.IMPORT, "lakeshire-2025.csv")
    assert event.created_by == editor_a and event.on_site_days == 2


def test_the_staff_time_of_an_event_named_in_the_file_is_replaced_only_if_it_differs(
    editor_a, council_a
):
    event = make_event(council_a, "ilacs_focused_visit", date(2025, 3, 3))
    make_hours(event, 5, team="other", phase="after")
    row = f"{council_a.gss_code},ilacs_focused_visit,2025-03-03"
    content = csv_bytes(
        STAFF_HEADER, f"{row},data,preparation,37.5,2,", f"{row},data,preparation,37.5,2,"
    )
    first = run(imports.STAFF_TIME, content, editor_a)
    assert (first.updated, first.entries_added, first.entries_removed) == (1, 2, 1)
    assert sorted(event.staff_time.values_list("hours", flat=True)) == [Decimal("37.5")] * 2
    again = run(imports.STAFF_TIME, content, editor_a)
    assert (again.updated, again.unchanged, again.entries_added) == (0, 1, 0)
    assert event.staff_time.count() == 2


def test_staff_time_for_an_event_not_in_the_service_is_refused(editor_a, council_a):
    content = csv_bytes(
        STAFF_HEADER, f"{council_a.gss_code},jtai,2025-03-03,data,preparation,10,1,"
    )
    result = run(imports.STAFF_TIME, content, editor_a)
    assert [str(e) for e in result.errors] == [
        "Row 2, on_site_start: Lakeshire has no Joint targeted area inspection (JTAI) starting "
        "on 2025-03-03. Import or log the event first."
    ]


def test_an_import_queues_the_follow_up_work_of_each_changed_council(
    administrator, council_a, council_b, django_capture_on_commit_callbacks
):
    # An event still to come: the councils' cluster checks may alert.
    start = date.today() + timedelta(days=30)
    end = start + timedelta(days=18)
    content = csv_bytes(
        EVENT_HEADER,
        f"{council_a.gss_code},jtai,{start},{end},,",
        f"{council_b.gss_code},jtai,{start},{end},,",
    )
    with django_capture_on_commit_callbacks() as callbacks:
        result = run(imports.EVENTS, content, administrator)
    assert result.councils_changed == sorted([council_a.pk, council_b.pk])
    # Dashboards, a cluster re-check and a forecast recomputation, for each council.
    assert len(callbacks) == 6
    assert not result.backfill


def test_a_back_fill_of_past_events_records_clusters_without_alerting(
    administrator, council_a, council_b
):
    from inspections.models import OutboxEntry

    content = csv_bytes(
        EVENT_HEADER,
        f"{council_a.gss_code},jtai,2025-03-03,2025-03-21,,",
        f"{council_b.gss_code},jtai,2025-03-03,2025-03-21,,",
    )

    result = run(imports.EVENTS, content, administrator)

    assert result.backfill and result.as_json()["backfill"]
    tasks = set(OutboxEntry.objects.values_list("task", flat=True))
    assert "inspections.tasks.recheck_council" not in tasks  # the one that alerts
    quiet = OutboxEntry.objects.get(task="inspections.tasks.recheck_councils_quietly")
    assert quiet.args == [sorted([council_a.pk, council_b.pk])]


# --- Malformed files: each with its message, nothing saved ----------------------------------


@pytest.fixture
def existing(council_a):
    event = make_event(council_a, "ilacs_focused_visit", date(2024, 3, 4))
    make_hours(event, 10)
    return event


def a_row(council, start="2025-03-03", end="2025-03-04", notes=""):
    return f"{council.gss_code},ilacs_focused_visit,{start},{end},,{notes}"


MALFORMED_EVENTS = {
    "UTF-16 (Excel's Unicode text)": (
        lambda c: (EVENT_HEADER + "\r\n" + a_row(c, notes="Café")).encode("utf-16"),
        "The file is saved as ‘Unicode text’ (UTF-16), or is not text at all.",
    ),
    "an encoding that is neither UTF-8 nor Windows-1252": (
        lambda c: (EVENT_HEADER + "\r\n" + a_row(c, notes="Привет мир это тест")).encode("cp1251"),
        "The file's text is in an encoding this import does not read",
    ),
    "a missing column": (
        lambda c: csv_bytes(
            "council_gss_code,inspection_type,on_site_start", f"{c.gss_code},jtai,2025-03-03"
        ),
        "The file has no ‘on_site_end’ column, which is needed with on_site_start.",
    ),
    "an extra column": (
        lambda c: csv_bytes(EVENT_HEADER + ",colour", a_row(c) + ",red"),
        "The file has columns this import does not read: ‘colour’.",
    ),
    "an extra cell": (
        lambda c: csv_bytes(EVENT_HEADER, a_row(c) + ",surplus"),
        "Row 2: This row has 7 cells but the header row names only 6 columns.",
    ),
    "a bad date": (
        lambda c: csv_bytes(EVENT_HEADER, a_row(c, start="2025-02-30")),
        "Row 2, on_site_start: ‘2025-02-30’ is not a real date: there is no 30 February 2025.",
    ),
    "an end before the start": (
        lambda c: csv_bytes(EVENT_HEADER, a_row(c, start="2025-03-05", end="2025-03-04")),
        "Row 2, on_site_end: The on-site end must be the same as or after the on-site start.",
    ),
    "an unknown council": (
        lambda c: csv_bytes(EVENT_HEADER, "E99999999,jtai,2025-03-03,2025-03-04,,"),
        "Row 2, council_gss_code: No council with children's services responsibilities has the "
        "GSS code E99999999.",
    ),
    "a council the user may not edit": (
        lambda c: csv_bytes(EVENT_HEADER, a_row(c), "E06000002,jtai,2025-03-03,2025-03-21,,"),
        "Row 3, council_gss_code: This row is for Riverton, but you may import only for Lakeshire.",
    ),
    "a duplicate row": (
        lambda c: csv_bytes(EVENT_HEADER, a_row(c), a_row(c)),
        "Row 3, on_site_start: This row repeats row 2: the same council, inspection type and "
        "on-site start.",
    ),
    "an unknown outcome": (
        lambda c: csv_bytes(
            EVENT_HEADER, f"{c.gss_code},ilacs_focused_visit,2025-03-03,2025-03-04,good,"
        ),  # fmt: skip
        "Row 2, outcome: ‘good’ is not an outcome of ILACS focused visit. Its outcomes are: "
        "letter, priority_action.",
    ),
    "an empty file": (lambda c: b"", "The file is empty."),
    "a header and no rows": (
        lambda c: csv_bytes(EVENT_HEADER),
        "The file has a header row but no rows of data.",
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED_EVENTS))
def test_a_malformed_events_file_is_refused_with_its_message_and_nothing_saved(
    case, client_for, editor_a, council_a, council_b, existing
):
    make_content, message = MALFORMED_EVENTS[case]
    before = counts()
    response = upload(client_for(editor_a), "events", make_content(council_a))
    assert response.status_code == 200
    # File problems are shown on the upload form, row problems on the import's own page.
    job = ImportJob.objects.first()
    if job is None:
        problems = response.context["form"].errors["file"]
    else:
        assert job.status == ImportJob.Status.FAILED
        problems = [str(imports.RowError(**error)) for error in job.result["errors"]]
    assert any(problem.startswith(message) for problem in problems), problems
    assert message.split(": ", 1)[-1] in html.unescape(response.content.decode())
    assert counts() == before


def test_negative_hours_are_refused_and_nothing_is_saved(editor_a, council_a, existing):
    row = f"{council_a.gss_code},ilacs_focused_visit,2024-03-04"
    content = csv_bytes(
        STAFF_HEADER, f"{row},data,preparation,12,1,", f"{row},managers,on_site,-3,1,"
    )
    before = counts()
    result = run(imports.STAFF_TIME, content, editor_a)
    assert [str(e) for e in result.errors] == [
        "Row 3, staff_hours: Hours must be more than 0 and at most 10,000."
    ]
    assert counts() == before
    assert list(existing.staff_time.values_list("hours", flat=True)) == [Decimal("10")]


def test_staff_time_cells_that_are_not_numbers_or_choices_are_named(editor_a, existing):
    row = f"{existing.council.gss_code},ilacs_focused_visit,2024-03-04"
    content = csv_bytes(STAFF_HEADER, f'{row},cooks,lunch,"12,5",two,')
    result = run(imports.STAFF_TIME, content, editor_a)
    assert {(e.row, e.column) for e in result.errors} == {
        (2, "team"),
        (2, "phase"),
        (2, "staff_hours"),
        (2, "people"),
    }


def test_an_oversized_file_is_refused_before_it_is_read(client_for, editor_a, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    response = upload(client_for(editor_a), "events", b"x" * (1024 * 1024 + 1))
    assert "The file must be at most 1 MB." in response.content.decode()
    assert ImportJob.objects.count() == 0
    with pytest.raises(imports.ImportFileError, match="it must be at most 1.0 MB"):
        imports.csv_file_read(kind=imports.EVENTS, content=b"x" * (1024 * 1024 + 1))


def test_a_file_with_too_many_rows_is_refused(editor_a, council_a, settings):
    settings.IMPORT_MAX_ROWS = 2
    rows = [a_row(council_a, start=f"2025-03-0{day}", end="2025-03-09") for day in (3, 4, 5)]
    content = csv_bytes(EVENT_HEADER, *rows)
    with pytest.raises(imports.ImportFileError, match="more than 2 rows of data"):
        run(imports.EVENTS, content, editor_a)
    assert InspectionEvent.objects.count() == 0


def test_one_bad_row_among_many_saves_nothing(editor_a, council_a):
    rows = [a_row(council_a, start=f"2025-03-{d:02d}", end="2025-03-31") for d in range(2, 30)]
    rows[20] = a_row(council_a, start="2025-04-10", end="2025-04-09")
    result = run(imports.EVENTS, csv_bytes(EVENT_HEADER, *rows), editor_a)
    assert not result.saved and result.error_count == 1 and result.errors[0].row == 22
    assert InspectionEvent.objects.count() == 0


# --- Who may import ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["lga_officer", "viewer_a"])
def test_lga_officers_and_viewers_cannot_import(who, request, client_for, council_a):
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert client.get(reverse("import-start")).status_code == 403
    response = client.post(
        reverse("import-upload", args=["events"]),
        {"file": SimpleUploadedFile("x.csv", csv_bytes(EVENT_HEADER, a_row(council_a)))},
    )
    assert response.status_code == 403
    assert InspectionEvent.objects.count() == 0
    with pytest.raises(imports.ImportFileError, match="You may not import"):
        run(imports.EVENTS, csv_bytes(EVENT_HEADER, a_row(council_a)), user)


def test_administrators_import_for_any_council(administrator, council_a, council_b):
    content = csv_bytes(EVENT_HEADER, a_row(council_a), a_row(council_b))
    assert run(imports.EVENTS, content, administrator).created == 2


def test_the_import_item_is_in_the_menu_of_editors_and_administrators_only(
    client_for, editor_a, viewer_a, administrator, council_a
):
    def menu(user):
        page = client_for(user).get(reverse("council-detail", args=[council_a.slug]))
        return [item["label"] for item in page.context["nav_items"]]

    assert "Import" in menu(editor_a)
    assert "Import" in menu(administrator)
    assert "Import" not in menu(viewer_a)


def test_nobody_sees_another_persons_import(client_for, editor_a, editor_b, council_a):
    job = imports.import_job_create(
        kind=imports.EVENTS,
        file_name="a.csv",
        content=csv_bytes(EVENT_HEADER, a_row(council_a)),
        user=editor_a,
    )
    assert client_for(editor_b).get(reverse("import-job", args=[job.pk])).status_code == 404
    progress = client_for(editor_b).get(reverse("import-job-progress", args=[job.pk]))
    assert progress.status_code == 404


# --- Pages -----------------------------------------------------------------------------------


def test_the_upload_page_describes_each_column_and_offers_the_template(client_for, editor_a):
    page = client_for(editor_a).get(reverse("import-upload", args=["staff-time"]))
    assert page.status_code == 200
    for column in exports.STAFF_TIME_HEADER:
        assert f"<code>{column}</code>" in page.text
    template = client_for(editor_a).get(reverse("import-template", args=["staff-time"]))
    assert template["Content-Disposition"] == 'attachment; filename="staff-time-template.csv"'
    assert template.content.decode("utf-8-sig").strip().split(",") == exports.STAFF_TIME_HEADER


def test_a_small_file_is_saved_at_once_and_its_page_says_what_was_saved(
    client_for, editor_a, council_a
):
    response = upload(client_for(editor_a), "events", csv_bytes(EVENT_HEADER, a_row(council_a)))
    assert response.redirect_chain[-1][0].startswith("/imports/jobs/")
    assert "1 rows checked and saved: 1 events added, 0 updated, 0 unchanged." in response.text
    assert InspectionEvent.objects.count() == 1
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE and bytes(job.content) == b""


def test_row_problems_are_listed_by_row_and_column_on_the_imports_page(
    client_for, editor_a, council_a
):
    content = csv_bytes(EVENT_HEADER, a_row(council_a, start="soon"), a_row(council_a, end=""))
    response = upload(client_for(editor_a), "events", content)
    problems = response.context["errors"]
    assert [(p["row"], p["column"]) for p in problems] == [(2, "on_site_start"), (3, "on_site_end")]
    assert 'id="import-problems"' in response.text
    assert "Nothing was saved" in response.text


def test_a_large_file_is_imported_in_the_background_with_a_progress_bar(
    client_for, editor_a, council_a, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 2
    rows = [a_row(council_a, start=f"2025-03-{d:02d}", end="2025-03-31") for d in range(2, 7)]
    client = client_for(editor_a)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            reverse("import-upload", args=["events"]),
            {"file": SimpleUploadedFile("big.csv", csv_bytes(EVENT_HEADER, *rows))},
        )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("import-job", args=[job.pk])
    assert job.status == ImportJob.Status.PENDING and InspectionEvent.objects.count() == 0

    page = client.get(response["Location"])
    assert '<progress id="import-progress-bar"' in page.text
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page.text
    assert "inspections/import-progress.js" in page.text
    progress = client.get(reverse("import-job-progress", args=[job.pk])).json()
    assert progress["total_rows"] == 5 and progress["finished"] is False

    for callback in queued:  # the broker hands the task to a worker (eager here)
        callback()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and InspectionEvent.objects.count() == 5
    progress = client.get(reverse("import-job-progress", args=[job.pk])).json()
    assert progress == {
        "status": "done",
        "status_label": "Saved",
        "total_rows": 5,
        "processed_rows": 5,
        "percent": 100,
        "finished": True,
        "text": "5 rows checked and saved: 5 events added, 0 updated, 0 unchanged.",
    }
    assert "<progress" not in client.get(reverse("import-job", args=[job.pk])).text


def test_running_a_job_twice_does_the_work_once(editor_a, council_a):
    job = imports.import_job_create(
        kind=imports.EVENTS,
        file_name="a.csv",
        content=csv_bytes(EVENT_HEADER, a_row(council_a)),
        user=editor_a,
    )
    assert imports.import_job_run(job_id=job.pk).status == ImportJob.Status.DONE
    assert imports.import_job_run(job_id=job.pk) is None
    assert InspectionEvent.objects.count() == 1


# --- Command ---------------------------------------------------------------------------------


def test_the_import_command_imports_as_a_user(editor_a, council_a, tmp_path, capsys):
    path = tmp_path / "events.csv"
    path.write_bytes(csv_bytes(EVENT_HEADER, a_row(council_a)))
    call_command("import", "events", str(path), "--user", editor_a.username)
    assert "1 events added" in capsys.readouterr().out
    assert InspectionEvent.objects.get().source_reference == "events.csv"


def test_the_import_command_lists_the_problems_and_saves_nothing(
    editor_a, council_a, council_b, tmp_path
):
    path = tmp_path / "events.csv"
    path.write_bytes(csv_bytes(EVENT_HEADER, a_row(council_a), a_row(council_b)))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was saved: the file has 1 problem"):
        call_command("import", "events", str(path), "--user", editor_a.username, stderr=err)
    assert "Row 3, council_gss_code: This row is for Riverton" in err.getvalue()
    assert InspectionEvent.objects.count() == 0


def test_the_template_has_the_columns_of_the_export():
    for kind, header in (
        (imports.EVENTS, exports.EVENT_HEADER),
        (imports.STAFF_TIME, exports.STAFF_TIME_HEADER),
    ):
        content = imports.template_csv(kind)
        assert content.startswith(b"\xef\xbb\xbf")
        assert next(csv.reader(io.StringIO(content.decode("utf-8-sig")))) == header


# --- Published records ------------------------------------------------------------------------


@pytest.fixture
def published_visit(council_a):
    return make_event(
        council_a,
        "ilacs_short",
        date(2025, 3, 17),
        end=date(2025, 3, 21),
        source=Source.PUBLISHED,
        source_reference="https://files.ofsted.gov.uk/v1/file/1",
        report_url="https://files.ofsted.gov.uk/v1/file/1",
    )


def published_row(council, *, end="2025-03-21", notes=""):
    return csv_bytes(
        EVENT_HEADER + ",report_url",
        f"{council.gss_code},ilacs_short,2025-03-17,{end},,{notes},"
        "https://files.ofsted.gov.uk/v1/file/1",
    )


def test_an_editor_cannot_overwrite_a_published_record_by_import(
    editor_a, council_a, published_visit
):
    result = run("events", published_row(council_a, end="2025-03-28"), editor_a)

    assert not result.saved
    assert [(e.row, e.column) for e in result.errors] == [(2, "on_site_end")]
    assert "published inspection record" in result.errors[0].message
    published_visit.refresh_from_db()
    assert published_visit.on_site_end == date(2025, 3, 21)


def test_an_editor_may_add_notes_to_a_published_record_which_stays_published(
    editor_a, council_a, published_visit
):
    result = run("events", published_row(council_a, notes="Data team worked the weekend"), editor_a)

    assert result.saved and result.updated == 1
    published_visit.refresh_from_db()
    assert published_visit.notes == "Data team worked the weekend"
    assert published_visit.source == Source.PUBLISHED
    assert published_visit.source_reference == "https://files.ofsted.gov.uk/v1/file/1"


def test_an_administrator_may_correct_a_published_record_by_import(
    administrator, council_a, published_visit
):
    result = run("events", published_row(council_a, end="2025-03-20"), administrator)

    assert result.saved
    published_visit.refresh_from_db()
    assert published_visit.on_site_end == date(2025, 3, 20)
    assert published_visit.source == Source.PUBLISHED


# --- Checks linear in the file's size (issue 12: 50,000 rows took 844 s in the request) -----


def _queries_to_check(kind, content, user) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = run(kind, content, user)
    assert not result.saved  # the last row is refused: checked, nothing saved
    return len(queries)


@pytest.mark.parametrize("rows", [20, 400])
def test_checking_an_events_file_costs_the_same_queries_whatever_its_length(
    rows, editor_a, council_a, existing
):
    """Each row was validated with five queries of its own (foreign keys, the unique rule and the
    check constraints run as queries): a 50,000-row file took 844 s. The file is checked with a
    fixed number of queries; the rules themselves are still applied (the last row is refused)."""
    first = date(2025, 1, 1)
    lines = [
        a_row(council_a, start=f"{first + timedelta(days=i):%Y-%m-%d}", end="2027-01-01")
        for i in range(rows)
    ]
    lines.append(a_row(council_a, start="2025-04-10", end="2025-04-09"))
    short = csv_bytes(EVENT_HEADER, lines[0], lines[-1])
    _queries_to_check(imports.EVENTS, short, editor_a)  # caches of types and holidays warmed
    few = _queries_to_check(imports.EVENTS, short, editor_a)
    assert _queries_to_check(imports.EVENTS, csv_bytes(EVENT_HEADER, *lines), editor_a) == few


def test_checking_a_staff_time_file_costs_the_same_queries_whatever_its_length(
    editor_a, council_a, existing
):
    row = f"{council_a.gss_code},ilacs_focused_visit,2024-03-04,data,preparation,1.5,2,"
    bad = f"{council_a.gss_code},ilacs_focused_visit,2024-03-04,data,preparation,-1,2,"
    short = csv_bytes(STAFF_HEADER, row, bad)
    _queries_to_check(imports.STAFF_TIME, short, editor_a)  # caches warmed
    few = _queries_to_check(imports.STAFF_TIME, short, editor_a)
    many = csv_bytes(STAFF_HEADER, *[row] * 300, bad)
    assert _queries_to_check(imports.STAFF_TIME, many, editor_a) == few


def test_the_unique_rule_is_still_applied_to_an_imported_event_against_the_database(
    editor_a, council_a, existing
):
    """The per-row unique query is gone; the rule is applied against the file and the database."""
    line = a_row(council_a, start="2024-03-04", end="2024-03-05")  # ``existing`` starts then
    first = run(imports.EVENTS, csv_bytes(EVENT_HEADER, line, line), editor_a)
    assert not first.saved
    assert "repeats row 2" in first.errors[0].message


def test_notes_longer_than_the_bound_are_refused_naming_the_row(editor_a, council_a):
    line = a_row(council_a, notes="x" * 10_001)
    result = run(imports.EVENTS, csv_bytes(EVENT_HEADER, line), editor_a)
    assert not result.saved
    assert result.errors[0].row == 2 and result.errors[0].column == "notes"
