"""The council resolver (councils/resolver.py) against the whole register."""

import csv

import pytest
from django.urls import reverse

from councils.models import Council, CouncilAlias, JointService, RetiredCouncilCode
from councils.resolver import (
    NOT_ENGLISH_FILE,
    CouncilNotResolved,
    CouncilResolver,
    council_name_key,
)
from councils.services import REGISTER_FILES, council_register_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolver(council_register):
    """A resolver over the register, loaded once for this module (every test here asks)."""
    return CouncilResolver()


def lookup_rows():
    with open(REGISTER_FILES["lookup"], encoding="utf-8-sig", newline="") as handle:
        return {row["la_code_new"]: row for row in csv.DictReader(handle)}


def written_forms(council: Council) -> list[str]:
    """Ways people and inspectorates write a council's name."""
    name = council.name
    forms = [name, name.upper(), name.lower(), f"  {name}  ", f"{name} Council"]
    if ", City of" in name:
        base = name.replace(", City of", "")
        forms += [f"City of {base}", f"{base} City Council", base]
    if ", County of" in name:
        base = name.replace(", County of", "")
        forms += [f"County of {base}", f"{base} Council", base]
    if council.kind == Council.Kind.LONDON_BOROUGH:
        forms += [f"London Borough of {name}"]
    if council.kind == Council.Kind.METROPOLITAN_DISTRICT:
        forms += [f"{name} Metropolitan Borough Council"]
    if council.kind == Council.Kind.COUNTY:
        forms += [f"{name} County Council"]
    if " and " in name:
        forms += [name.replace(" and ", " & ")]
    if name.startswith("St. "):
        forms += [name.replace("St. ", "St "), name.replace("St. ", "Saint ")]
    if "-" in name:
        forms += [name.replace("-", " ")]
    return forms


def test_the_register_has_153_councils_and_no_two_share_a_name_key(resolver):
    councils = Council.objects.all()
    assert councils.count() == 153
    assert len({council_name_key(c.name) for c in councils}) == 153


def test_every_council_by_every_one_of_its_names_and_codes(resolver):
    lookup = lookup_rows()
    checked = 0
    for council in Council.objects.all():
        values = [council.gss_code, council.gss_code.lower(), council.dfe_number]
        values += [council.ofsted_urn] if council.ofsted_urn else []
        values += written_forms(council)
        row = lookup.get(council.gss_code, {})
        values += [row.get("local_authority_ons_name", ""), row.get("ofsted_ilacs_scrape_la_name")]
        values += [alias.name for alias in council.aliases.all()]
        for value in filter(None, values):
            if value.isdigit() and len(value) != 3 and value != council.ofsted_urn:
                continue  # the lookup's scrape name is sometimes the DfE number
            match = resolver.resolve(value)
            assert match.councils == (council,), (value, council.name)
            checked += 1
    assert checked > 153 * 8


@pytest.mark.parametrize(
    ("written", "gss"),
    [
        ("Hull", "E06000010"),
        ("Newcastle", "E08000021"),
        ("Durham", "E06000047"),
        ("County Durham", "E06000047"),
        ("Bristol", "E06000023"),
        ("Southend", "E06000033"),
        ("BCP", "E06000058"),
        ("St Helens", "E08000013"),
        ("St. Helens", "E08000013"),
        ("Royal Borough of Greenwich", "E09000011"),
        ("Kingston upon Hull City Council", "E06000010"),
        ("Bedford Borough", "E06000055"),
        ("Telford & Wrekin", "E06000020"),
        ("Hackney - JI", "E09000012"),
    ],
)
def test_names_as_people_and_inspectorates_write_them(resolver, written, gss):
    assert resolver.resolve(written).council.gss_code == gss


def test_retired_codes_map_to_their_successor_or_are_refused_naming_the_successors(resolver):
    assert RetiredCouncilCode.objects.count() == 19
    barnsley = resolver.resolve("E08000016")
    assert barnsley.council.gss_code == "E08000038"
    assert "retired" in barnsley.note
    assert resolver.resolve("E08000019").council.name == "Sheffield"
    assert resolver.resolve("E06000029").council.gss_code == "E06000058"  # Poole -> BCP
    assert resolver.resolve("E10000023").council.gss_code == "E06000065"  # North Yorkshire
    with pytest.raises(CouncilNotResolved) as split:
        resolver.resolve("E10000021")
    assert split.value.kind == "split"
    assert "North Northamptonshire and West Northamptonshire" in split.value.message
    with pytest.raises(CouncilNotResolved, match="Cumberland and Westmorland and Furness"):
        resolver.resolve("E10000006")


def test_every_retired_code_of_the_register_resolves_or_names_its_successors(resolver):
    for retired in RetiredCouncilCode.objects.prefetch_related("successors"):
        successors = set(retired.successors.all())
        assert successors, retired
        try:
            assert set(resolver.resolve(retired.gss_code).councils) == successors
        except CouncilNotResolved as exc:
            assert len(successors) > 1 and exc.kind == "split"


def test_every_welsh_scottish_and_northern_irish_authority_is_not_english(resolver):
    with open(NOT_ENGLISH_FILE, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["country"] for row in rows} == {"Wales", "Scotland", "Northern Ireland"}
    assert len(rows) == 22 + 32 + 11
    for row in rows:
        for name in [row["name"], *filter(None, row["other_names"].split("|"))]:
            with pytest.raises(CouncilNotResolved) as refused:
                resolver.resolve(name)
            assert refused.value.kind == "not_english", name
            assert "is not an English council with children's services responsibilities" in (
                refused.value.message
            )
            assert "Did you mean" not in refused.value.message


@pytest.mark.parametrize("written", ["Conwy & Denbighshire - JI", "W06000008", "S12000033"])
def test_joint_welsh_services_and_other_nations_codes_are_not_english(resolver, written):
    with pytest.raises(CouncilNotResolved) as refused:
        resolver.resolve(written)
    assert refused.value.kind == "not_english"


def test_joint_services_are_each_member_council(resolver):
    west_mercia = resolver.resolve("West Mercia", family="hmip")
    assert {c.name for c in west_mercia.councils} == {
        "Herefordshire, County of",
        "Shropshire",
        "Telford and Wrekin",
        "Worcestershire",
    }
    assert west_mercia.joint_service == "West Mercia"
    tower_hamlets = resolver.resolve("An inspection of Tower Hamlets and City of London")
    assert {c.name for c in tower_hamlets.councils} == {"Tower Hamlets", "City of London"}
    assert len(resolver.resolve("Bedfordshire", family="hmip").councils) == 2
    assert len(resolver.resolve("Northamptonshire", family="hmip").councils) == 2


def test_a_joint_service_of_another_family_is_refused_naming_its_members(resolver):
    with pytest.raises(CouncilNotResolved) as refused:
        resolver.resolve("West Mercia", family="ilacs")
    assert refused.value.kind == "joint_not_for_type"
    assert "Shropshire" in refused.value.message and "Worcestershire" in refused.value.message


def test_an_unknown_joint_service_is_refused_naming_the_councils_to_choose_between(resolver):
    with pytest.raises(CouncilNotResolved) as refused:
        resolver.resolve("Bury and Rochdale")
    assert refused.value.kind == "joint_unknown"
    assert "(Bury or Rochdale)" in refused.value.message
    assert [c.name for c in refused.value.suggestions] == ["Bury", "Rochdale"]


@pytest.mark.parametrize(
    ("written", "suggested"),
    [("Manchster", "Manchester"), ("Sheffeild", "Sheffield"), ("Northumberlnd", "Northumberland")],
)
def test_a_misspelling_gets_did_you_mean(resolver, written, suggested):
    with pytest.raises(CouncilNotResolved) as refused:
        resolver.resolve(written)
    assert refused.value.kind == "unknown"
    assert f"Did you mean {suggested}" in refused.value.message or suggested in [
        c.name for c in refused.value.suggestions
    ]


def test_a_district_code_is_explained(resolver):
    with pytest.raises(CouncilNotResolved, match="district council's GSS code"):
        resolver.resolve("E07000008")


def test_an_alias_added_in_the_admin_is_used_at_once(resolver, client_for, administrator):
    manchester = Council.objects.get(name="Manchester")
    response = client_for(administrator).post(
        reverse("admin:councils_councilalias_add"),
        {"council": manchester.pk, "name": "Manc City", "note": "Local usage"},
    )
    assert response.status_code == 302
    assert CouncilAlias.objects.get(name="Manc City").key == "manc"
    assert CouncilResolver().resolve("MANC CITY COUNCIL").council == manchester


def test_loading_the_register_again_keeps_administrators_edits(resolver):
    bristol = Council.objects.get(gss_code="E06000023")
    CouncilAlias.objects.filter(name="Hull").update(council=bristol)
    JointService.objects.filter(name="West Mercia").update(source="edited")

    council_register_load()

    assert CouncilAlias.objects.get(name="Hull").council == bristol
    assert JointService.objects.get(name="West Mercia").source == "edited"
