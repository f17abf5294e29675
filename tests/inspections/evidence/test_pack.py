"""The evidence pack: its figures equal the dashboards' and the exports' for the same filters
(one home for each number), the ZIP holds every CSV with its header and each chart as SVG and
PNG, and "demo" is stamped where demo data is included."""

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from inspections.models import InspectionOutcome, StaffTime
from tests import factories
from tests.inspections.burden_fixture import build_world

PERIOD = {"date_from": "2023-01-01", "date_to": "2024-12-31"}


@pytest.fixture
def world(north_west, london, council_a, council_b):
    factories.ensure_reference_data()
    world = build_world(north_west, london, council_a, council_b)
    inadequate = InspectionOutcome.objects.get(
        inspection_type__code="ilacs_standard", code="inadequate"
    )
    world.events["E1"].outcome = inadequate
    world.events["E1"].published_on = date(2023, 3, 1)
    world.events["E1"].save()
    return world


def sums(body: bytes, column: str) -> Decimal:
    rows = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    # The summary's last row is the median council (no GSS code): not a council to add up.
    rows = [row for row in rows if row.get("council_gss_code", "x") and row[column]]
    return sum((Decimal(row[column]) for row in rows), Decimal("0"))


def headline(response) -> dict:
    return {h.key: h.value for h in response.context["pack"].headline}


def test_the_pack_equals_the_dashboard_and_the_exports(world, client_for, lga_officer):
    client = client_for(lga_officer)
    query = {"region": "north-west", **PERIOD}
    pack = headline(client.get(reverse("evidence-pack"), query))
    dashboard = client.get(reverse("region-dashboard", args=["north-west"]), PERIOD).context
    summary = client.get(reverse("export-summary"), query).getvalue()
    by_year = client.get(reverse("export-cost-by-year"), query).getvalue()

    assert pack["events"] == sum(r.events for r in dashboard["league"]) == sums(summary, "events")
    assert pack["events"] == 8  # E1-E5, F1-F3
    assert pack["formal_inspections"] == sums(summary, "formal_inspections")
    assert pack["clusters"] == sums(summary, "clusters") == 3
    assert pack["staff_hours"] == dashboard["team_phase"].total == sums(summary, "staff_hours")
    assert pack["cost"] == dashboard["cost"]["totals"].cost == sums(summary, "cost_gbp")
    assert pack["cost"] == sums(by_year, "cost_gbp")
    assert pack["cost_per_10k"] == dashboard["cost"]["totals"].cost_per_10k
    assert pack["population_0_25"] == sums(summary, "population_0_25")
    figures = client.get(reverse("export-inadequate-journey-figures"), query).getvalue()
    first = next(csv.DictReader(io.StringIO(figures.decode("utf-8-sig"))))
    assert pack["councils_judged_inadequate"] == int(first["councils_judged_inadequate"]) == 1


def test_the_zip_holds_every_csv_with_its_header_and_every_chart(world, client_for, lga_officer):
    client = client_for(lga_officer)
    query = {"region": "north-west", **PERIOD}
    response = client.get(reverse("evidence-pack-zip"), query)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "evidence-pack-north-west-2023-01-01-2024-12-31.zip" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    pack = client.get(reverse("evidence-pack"), query).context["pack"]
    for item in pack.headline:
        assert item.traced_to.split(":")[0] in names, item
    for chart in pack.charts:
        assert chart.csv_name in names
        svg = archive.read(f"charts/{chart.key}.svg").decode()
        assert svg.startswith("<svg") and "viewBox" in svg and "North West" in svg
        assert archive.read(f"charts/{chart.key}.png").startswith(b"\x89PNG")
    from inspections import exports

    for name, export in [
        ("summary.csv", "summary"),
        ("cost-by-year.csv", "cost_by_year"),
        ("cost-rates.csv", "cost_rates"),
        ("inadequate-journeys.csv", "inadequate_journeys"),
        ("inadequate-journey-figures.csv", "inadequate_journey_figures"),
        ("clusters.csv", "clusters"),
        ("forecast-clashes.csv", "forecast_clashes"),
    ]:
        text = archive.read(name).decode("utf-8-sig")
        assert next(csv.reader(io.StringIO(text))) == exports.EXPORTS[export].header
    for name in ("headline.csv", "events-per-quarter.csv", "cost-by-team.csv"):
        header = next(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
        assert header and all(header), name
    readme = archive.read("README.txt").decode()
    assert "Definitions:" in readme and "Sources:" in readme
    # The headline's cost is the ZIP's cost-by-year total, to the penny.
    headline_rows = {
        row["figure"]: row
        for row in csv.DictReader(io.StringIO(archive.read("headline.csv").decode("utf-8-sig")))
    }
    assert Decimal(headline_rows["cost"]["value"]) == sums(
        archive.read("cost-by-year.csv"), "cost_gbp"
    )


def test_england_has_cost_per_10000_by_region(world, client_for, lga_officer):
    client = client_for(lga_officer)
    response = client.get(reverse("evidence-pack"), PERIOD)
    keys = [chart.key for chart in response.context["pack"].charts]
    assert "cost-per-10k" in keys
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("evidence-pack-zip"), PERIOD).content))
    regions = list(
        csv.DictReader(io.StringIO(archive.read("cost-by-region.csv").decode("utf-8-sig")))
    )
    assert {row["region"] for row in regions} == {"London", "North West"}


def test_demo_data_is_stamped(world, client_for, lga_officer):
    client = client_for(lga_officer)
    query = {"region": "north-west", **PERIOD}
    assert 'id="demo-stamp"' not in client.get(reverse("evidence-pack"), query).text
    StaffTime.objects.filter(event=world.events["E2"]).update(is_demo=True)
    from inspections.services import dashboards_invalidate

    dashboards_invalidate()
    page = client.get(reverse("evidence-pack"), query).text
    assert 'id="demo-stamp"' in page
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("evidence-pack-zip"), query).content))
    assert "DEMO" in archive.read("README.txt").decode()
    assert "Includes demo data" in archive.read("charts/cost-by-year.svg").decode()


def test_another_councils_pack_keeps_its_hours_and_cost_private(world, client_for, editor_b):
    client = client_for(editor_b)
    query = {"council": world.lakeshire.slug, **PERIOD}
    values = headline(client.get(reverse("evidence-pack"), query))
    assert values["staff_hours"] is None and values["cost"] is None
    assert values["events"] == 5  # dates are public
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("evidence-pack-zip"), query).content))
    summary = list(csv.DictReader(io.StringIO(archive.read("summary.csv").decode("utf-8-sig"))))
    assert [row["cost_gbp"] for row in summary if row["council_gss_code"]] == ["not shown"]
    assert (
        "Lakeshire" not in archive.read("cost-rates.csv").decode("utf-8-sig").split("National")[0]
    )


def test_bad_filters_are_named_not_an_error(client_for, lga_officer, db):
    client = client_for(lga_officer)
    page = client.get(reverse("evidence-pack"), {"region": "atlantis", "date_from": "2023-13-45"})
    assert page.status_code == 400 and "govuk-error-summary" in page.text
    assert client.get(reverse("evidence-pack-zip"), {"region": "atlantis"}).status_code == 400
