import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from burden.number_format import round_decimal
from inspections.models import ImportJob, InspectionEvent
from inspections.services.clusters import council_clusters_recheck
from tests.factories import make_council, make_event, make_hours

pytestmark = pytest.mark.django_db

FILTERS = {"date_from": "2024-01-01", "date_to": "2025-12-31"}


@pytest.fixture
def world(council_a, council_b, london):
    c = make_council("Thameside", region=london)
    for council, hours in [(council_a, 40), (council_b, 75.25), (c, 10)]:
        first = make_event(council, "ilacs_standard", date(2025, 1, 13))
        make_event(council, "jtai", date(2025, 3, 3))
        make_event(council, "ilacs_focused_visit", date(2023, 6, 5))  # outside the period
        make_hours(first, hours)
        council_clusters_recheck(council_id=council.pk, alert=False)


def _number(value):
    """A figure as the number formatter writes it (two places, half up), from any side."""
    return None if value in (None, "", "not shown") else round_decimal(Decimal(str(value)))


@pytest.mark.parametrize("role", ["lga_officer", "viewer_a"])
def test_the_council_summary_equals_the_dashboard_and_the_export(
    request, api_for, client_for, world, role
):
    user = request.getfixturevalue(role)
    api_rows = api_for(user).get("/api/v1/summaries/councils/", FILTERS).json()
    page = client_for(user).get(reverse("dashboard-national"), FILTERS)
    league = page.context["league"]
    assert [row["council"] for row in api_rows] == [row.slug for row in league]
    for api_row, row in zip(api_rows, league, strict=True):
        for name in ("events", "formal_inspections", "on_site_days", "clusters"):
            assert api_row[name] == getattr(row, name)
        for name in ("staff_hours", "hours_per_event", "shortest_gap_days"):
            assert _number(api_row[name]) == _number(getattr(row, name))
    export = client_for(user).get(reverse("export-summary"), FILTERS)
    exported = [
        row
        for row in csv.DictReader(
            io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))
        )
        if row["council_gss_code"]  # not the median council's row
    ]
    assert [row["council_name"] for row in exported] == [row["council_name"] for row in api_rows]
    for api_row, row in zip(api_rows, exported, strict=True):
        assert _number(api_row["staff_hours"]) == _number(row["staff_hours"])
        assert api_row["most_in_12_months"] == int(row["most_formal_inspections_in_12_months"])
        assert api_row["demo"] == (row["demo"] == "yes")
    if role == "viewer_a":
        # Another council's hours are hidden in the API exactly as on the dashboard.
        hidden = [row["council"] for row in api_rows if row["staff_hours"] is None]
        assert hidden and "lakeshire" not in hidden


def test_the_region_summary_equals_the_national_dashboard(api_for, client_for, lga_officer, world):
    api_rows = api_for(lga_officer).get("/api/v1/summaries/regions/", FILTERS).json()
    page = client_for(lga_officer).get(reverse("dashboard-national"), FILTERS)
    regions = page.context["regions_compared"]
    assert [row["region"] for row in api_rows] == [region.slug for region in regions]
    for api_row, region in zip(api_rows, regions, strict=True):
        assert api_row["events"] == region.events
        assert _number(api_row["staff_hours"]) == _number(region.staff_hours)
        assert _number(api_row["median"]["staff_hours"]) == _number(region.median.staff_hours)


def test_summary_filters_are_checked_and_errors_name_the_field(api_for, lga_officer, world):
    api = api_for(lga_officer)
    response = api.get(
        "/api/v1/summaries/councils/", {"date_from": "2025-02-01", "date_to": "2025-01-01"}
    )
    assert response.status_code == 400
    assert list(response.json()) == ["date_to"]
    assert list(api.get("/api/v1/summaries/regions/", {"council": "Atlantis"}).json()) == [
        "council"
    ]


def test_a_csv_import_job_is_created_and_its_progress_read(api_for, editor_a, council_a):
    body = (
        "\ufeffcouncil_gss_code,inspection_type,on_site_start,on_site_end\r\n"
        f"{council_a.gss_code},jtai,2025-10-06,2025-10-10\r\n"
        f"{council_a.gss_code},ilacs_focused_visit,2025-12-01,2025-12-02\r\n"
    ).encode()
    api = api_for(editor_a)
    response = api.post(
        "/api/v1/import-jobs/",
        {"kind": "events", "file": SimpleUploadedFile("e.csv", body, content_type="text/csv")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    job = api.get(f"/api/v1/import-jobs/{response.json()['id']}/").json()
    assert job["status"] == ImportJob.Status.DONE
    assert (job["total_rows"], job["processed_rows"], job["percent"]) == (2, 2, 100)
    assert InspectionEvent.objects.filter(council=council_a).count() == 2


def test_an_unreadable_import_file_is_refused_naming_the_file(api_for, editor_a):
    response = api_for(editor_a).post(
        "/api/v1/import-jobs/",
        {"kind": "events", "file": SimpleUploadedFile("e.csv", b"no,such\r\ncolumns,here\r\n")},
        format="multipart",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    assert not ImportJob.objects.exists()


def test_a_user_makes_and_revokes_their_token_on_the_account_page(client_for, api_for, viewer_a):
    from rest_framework.test import APIClient

    page = client_for(viewer_a)
    made = page.post(reverse("api-token"), {"action": "create"})
    key = made.context["new_key"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/regions/").status_code == 200
    again = page.get(reverse("api-token"))
    assert key not in again.content.decode()  # shown once only
    page.post(reverse("api-token"), {"action": "revoke"})
    assert api.get("/api/v1/regions/").status_code == 401


def test_the_docs_page_has_no_inline_script_or_style_and_no_cdn(client_for, viewer_a):
    html = client_for(viewer_a).get(reverse("api-docs")).content.decode()
    assert "<script src=" in html
    assert "<script>" not in html and "<style" not in html
    assert "//cdn" not in html and "https://" not in html
    script = client_for(viewer_a).get(reverse("api-docs") + "?script=")
    assert script["Content-Type"].startswith("application/javascript")


def test_the_schema_is_served_as_openapi_3(client_for, viewer_a):
    response = client_for(viewer_a).get(reverse("api-schema"), {"format": "json"})
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/events/{id}/" in schema["paths"]
