import csv
import importlib
import shutil
from collections import Counter
from datetime import date

import pytest

from councils.models import Council, Region
from councils.services import REGISTER_FILES, council_register_load

pytestmark = pytest.mark.django_db


def test_the_register_loads_153_councils_in_nine_regions():
    summary = council_register_load()

    assert len(summary.created) == 153
    assert Council.objects.count() == 153
    assert Region.objects.count() == 9
    per_region = Counter(Council.objects.values_list("region__name", flat=True))
    assert per_region == {
        "North East": 12,
        "North West": 24,
        "Yorkshire and The Humber": 15,
        "East Midlands": 10,
        "West Midlands": 14,
        "East of England": 11,
        "London": 33,
        "South East": 19,
        "South West": 15,
    }


def test_every_council_has_a_unique_gss_code_dfe_number_and_a_region():
    council_register_load()

    rows = list(Council.objects.values_list("gss_code", "dfe_number", "region_id"))
    assert len({gss for gss, _, _ in rows}) == 153
    assert len({dfe for _, dfe, _ in rows}) == 153
    assert all(region_id for _, _, region_id in rows)


def test_it_takes_the_ofsted_urn_population_and_kind_from_the_sources():
    council_register_load()

    manchester = Council.objects.get(gss_code="E08000003")
    assert manchester.dfe_number == "352"
    assert manchester.ofsted_urn and manchester.population_0_25 > 100_000
    assert manchester.kind == Council.Kind.METROPOLITAN_DISTRICT
    assert Council.objects.get(gss_code="E09000001").kind == Council.Kind.OTHER  # City of London
    assert Council.objects.get(gss_code="E08000038").name == "Barnsley"  # 2025 recode
    assert not Council.objects.filter(dfe_number__in=["909", "928", "702"]).exists()
    kinds = Counter(Council.objects.values_list("kind", flat=True))
    assert kinds["county"] == 21 and kinds["london_borough"] == 32
    assert Council.objects.filter(ofsted_urn__isnull=True).count() == 0


def test_loading_twice_gives_the_same_rows():
    council_register_load()
    before = list(Council.objects.order_by("pk").values())

    summary = council_register_load()

    assert summary.created == [] and summary.updated == [] and summary.unchanged == 153
    assert list(Council.objects.order_by("pk").values()) == before


def test_a_later_file_with_a_changed_name_and_code_updates_the_council(tmp_path):
    council_register_load()
    original = Council.objects.get(dfe_number="352")
    changed = tmp_path / "las.csv"
    shutil.copy(REGISTER_FILES["las"], changed)
    with open(changed, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["old_la_code"] == "352":
            row["la_name"], row["new_la_code"] = "Manchester City", "E08000099"
    with open(changed, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=rows[0].keys())
        writer.writeheader()
        writer.writerows(rows)

    summary = council_register_load(las_path=changed)

    assert summary.updated == ["Manchester City"]
    assert Council.objects.count() == 153
    council = Council.objects.get(pk=original.pk)
    assert (council.name, council.gss_code, council.slug) == (
        "Manchester City",
        "E08000099",
        "manchester-city",
    )


@pytest.mark.django_db
def test_councils_created_by_a_reorganisation_carry_their_creation_date():
    council_register_load()
    created = dict(
        Council.objects.filter(created_on__isnull=False).values_list("name", "created_on")
    )
    assert created == {
        "Bournemouth, Christchurch and Poole": date(2019, 4, 1),
        "Dorset": date(2019, 4, 1),
        "North Northamptonshire": date(2021, 4, 1),
        "West Northamptonshire": date(2021, 4, 1),
        "Cumberland": date(2023, 4, 1),
        "Westmorland and Furness": date(2023, 4, 1),
    }
    # Kept their DfE numbers (and their history): not new councils.
    for name in ("North Yorkshire", "Somerset", "Buckinghamshire", "Barnsley", "Sheffield"):
        assert Council.objects.get(name=name).created_on is None
    # The migration's table for databases loaded before the field agrees with the register.
    module = importlib.import_module("councils.migrations.0002_council_created_on")
    by_code = dict(
        Council.objects.filter(created_on__isnull=False).values_list("gss_code", "created_on")
    )
    assert by_code == module.CREATED
