"""Writes for councils: loading the DfE register and managing memberships."""

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from .models import Council, CouncilAlias, JointService, Region, RetiredCouncilCode

DATA_DIR = Path(__file__).resolve().parent / "data"
REGISTER_FILES = {
    "las": DATA_DIR / "las.csv",
    "regions": DATA_DIR / "regions.csv",
    "lookup": DATA_DIR / "Provider_data_lookup.csv",
}
# Kept as data beside the register (sources in data/SOURCES.md); see councils/resolver.py.
ALIASES_FILE = DATA_DIR / "aliases.csv"
REORGANISATIONS_FILE = DATA_DIR / "reorganisations.csv"
JOINT_SERVICES_FILE = DATA_DIR / "joint_services.csv"

KIND_BY_ENTITY = {
    "E06": Council.Kind.UNITARY,
    "E08": Council.Kind.METROPOLITAN_DISTRICT,
    "E09": Council.Kind.LONDON_BOROUGH,
    "E10": Council.Kind.COUNTY,
}
# Neither a borough nor a unitary like the others: the City of London and the Isles of Scilly.
OTHER_KIND_GSS = {"E09000001", "E06000053"}
# DfE's screener uses 702 for British Forces overseas: not a council.
NOT_A_COUNCIL_DFE_NUMBERS = {"702"}


@dataclass
class RegisterLoadSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    deactivated: list[str] = field(default_factory=list)
    aliases_added: int = 0
    retired_codes: int = 0
    joint_services_added: int = 0

    def __str__(self):
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{self.unchanged} unchanged, {len(self.deactivated)} deactivated; "
            f"{self.retired_codes} retired GSS codes, {self.aliases_added} aliases added, "
            f"{self.joint_services_added} joint services added"
        )


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def register_rows(*, las_path: Path, regions_path: Path, lookup_path: Path) -> list[dict]:
    """The 153 councils with children's services, as dicts of Council field values."""
    region_names = {row["region_code"]: row["region_name"] for row in _read_csv(regions_path)}
    lookup = {row["la_code_new"].strip(): row for row in _read_csv(lookup_path)}
    las_rows = _read_csv(las_path)
    # A council is new when its DfE number was not used by a council that ended: North
    # Yorkshire and Somerset kept theirs in 2023 (the same children's services, Ofsted URN and
    # history); Cumberland, Westmorland and Furness or the Northamptonshires did not.
    ended_numbers = {
        row["old_la_code"].strip() for row in las_rows if row["status"].strip() == "terminated"
    }
    rows = []
    for row in las_rows:
        dfe_number = row["old_la_code"].strip()
        if row["status"].strip() != "live" or not dfe_number.isdigit():
            continue
        if dfe_number in NOT_A_COUNCIL_DFE_NUMBERS:
            continue
        gss = row["new_la_code"].strip()
        region_code = row["parent_geography_code"].strip()
        if region_code not in region_names:
            raise ValueError(f"{las_path.name}: {gss} has unknown region code {region_code!r}")
        extra = lookup.get(gss, {})
        population = (extra.get("ons_population_0-25") or "").strip()
        rows.append(
            {
                "name": row["la_name"].strip(),
                "gss_code": gss,
                "dfe_number": dfe_number,
                "ofsted_urn": (extra.get("urn") or "").strip() or None,
                "population_0_25": int(population) if population.isdigit() else None,
                "created_on": _created_on(row, ended_numbers),
                "region_code": region_code,
                "region_name": region_names[region_code],
                "kind": (
                    Council.Kind.OTHER
                    if gss in OTHER_KIND_GSS
                    else KIND_BY_ENTITY.get(row["entity_code"].strip(), Council.Kind.OTHER)
                ),
            }
        )
    return rows


# GSS codes began on these dates: a code "operating" from then says nothing about the council.
_CODES_BEGAN = date(2009, 4, 1)


def _created_on(row: dict[str, str], ended_numbers: set[str]) -> date | None:
    """The day a council created by a reorganisation began, from the register's own date."""
    if row["old_la_code"].strip() in ended_numbers:
        return None
    try:
        began = datetime.strptime(row["date_of_operation"].strip(), "%d/%m/%Y").date()
    except ValueError:
        return None
    return began if began > _CODES_BEGAN else None


def _unique_slug(name: str, council_id: int | None) -> str:
    base = slugify(name.replace(",", " ")) or "council"
    slug, n = base, 2
    while Council.objects.filter(slug=slug).exclude(pk=council_id).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def council_register_load(
    *,
    las_path: Path = REGISTER_FILES["las"],
    regions_path: Path = REGISTER_FILES["regions"],
    lookup_path: Path = REGISTER_FILES["lookup"],
) -> RegisterLoadSummary:
    """Create or update the regions and councils from the register files.

    Idempotent. A council is matched on its DfE number first (DfE kept the numbers through the
    2021 and 2023 reorganisations and the 2025 Barnsley/Sheffield recode), then its GSS code, so
    a later file with a changed name or code updates the council instead of duplicating it.
    Councils that drop out of the register are marked inactive, never deleted: their history stays.
    """
    rows = register_rows(las_path=las_path, regions_path=regions_path, lookup_path=lookup_path)
    summary = RegisterLoadSummary()
    regions = {}
    for row in rows:
        code = row["region_code"]
        if code not in regions:
            region, _ = Region.objects.update_or_create(
                code=code,
                defaults={"name": row["region_name"], "slug": slugify(row["region_name"])},
            )
            regions[code] = region

    seen_ids = set()
    for row in rows:
        council = (
            Council.objects.filter(dfe_number=row["dfe_number"]).first()
            or Council.objects.filter(gss_code=row["gss_code"]).first()
        )
        values = {
            "name": row["name"],
            "gss_code": row["gss_code"],
            "dfe_number": row["dfe_number"],
            "ofsted_urn": row["ofsted_urn"],
            "population_0_25": row["population_0_25"],
            "region": regions[row["region_code"]],
            "kind": row["kind"],
            "created_on": row["created_on"],
            "is_active": True,
        }
        if council is None:
            council = Council(**values)
            council.slug = _unique_slug(row["name"], None)
            council.full_clean()
            council.save()
            summary.created.append(council.name)
        else:
            changed = [k for k, v in values.items() if getattr(council, k) != v]
            if changed:
                for key in changed:
                    setattr(council, key, values[key])
                if "name" in changed:
                    council.slug = _unique_slug(row["name"], council.pk)
                council.full_clean()
                council.save()
                summary.updated.append(council.name)
            else:
                summary.unchanged += 1
        seen_ids.add(council.pk)

    for council in Council.objects.filter(is_active=True).exclude(pk__in=seen_ids):
        council.is_active = False
        council.save(update_fields=["is_active"])
        summary.deactivated.append(council.name)
    summary.retired_codes = _retired_codes_load(las_path)
    summary.aliases_added = _aliases_load(lookup_path)
    summary.joint_services_added = _joint_services_load(las_path)
    return summary


def _date(text: str) -> date | None:
    day, month, year = (text.strip().split("/") + ["", "", ""])[:3]
    return date(int(year), int(month), int(day)) if year.isdigit() else None


def _retired_codes_load(las_path: Path) -> int:
    """The register's terminated GSS codes and their successors (kept in step with the files).

    A terminated code whose DfE number a live council still has maps to that council (DfE kept
    the number: Barnsley's 370); otherwise the successors come from ``reorganisations.csv``.
    """
    by_dfe = {c.dfe_number: c for c in Council.objects.filter(is_active=True)}
    by_gss = {c.gss_code: c for c in Council.objects.all()}
    reorganisations = {row["retired_gss_code"]: row for row in _read_csv(REORGANISATIONS_FILE)}
    count = 0
    for row in _read_csv(las_path):
        if row["status"].strip() != "terminated":
            continue
        gss, dfe_number = row["new_la_code"].strip(), row["old_la_code"].strip()
        reorganisation = reorganisations.get(gss, {})
        if reorganisation:
            successors = [by_gss[code] for code in reorganisation["successor_gss_codes"].split()]
        elif dfe_number in by_dfe:
            successors = [by_dfe[dfe_number]]
        else:
            successors = []
        retired, _ = RetiredCouncilCode.objects.update_or_create(
            gss_code=gss,
            defaults={
                "name": row["la_name"].strip(),
                "dfe_number": dfe_number if dfe_number.isdigit() else "",
                "terminated_on": _date(row["date_of_termination"]),
                "reorganisation": reorganisation.get("reorganisation", ""),
            },
        )
        retired.successors.set(successors)
        count += 1
    return count


def _alias_add(council: Council, name: str, note: str) -> bool:
    from .resolver import council_name_key

    key = council_name_key(name)
    if not key or key == council_name_key(council.name):
        return False
    if CouncilAlias.objects.filter(key=key).exists():
        return False  # an administrator's edit (or an earlier load) stands
    alias = CouncilAlias(council=council, name=name, note=note)
    alias.full_clean()
    alias.save()
    return True


def _aliases_load(lookup_path: Path) -> int:
    """Add the names other files use: Ofsted's lookup names and ``aliases.csv``. Adds only
    names no alias has yet, so an alias an administrator pointed at another council stays
    as they left it (one deleted comes back on the next load: re-point it instead)."""
    by_gss = {c.gss_code: c for c in Council.objects.filter(is_active=True)}
    added = 0
    for row in _read_csv(lookup_path):
        council = by_gss.get(row["la_code_new"].strip())
        if council is None:
            continue
        names = [row["local_authority_ons_name"], row["ofsted_ilacs_scrape_la_name"]]
        names += row["also_known_as"].strip("[] ").split(",")
        for name in names:
            name = name.strip()
            if name and not name.isdigit():
                added += _alias_add(council, name, "Ofsted's council lookup")
    for row in _read_csv(ALIASES_FILE):
        council = by_gss.get(row["gss_code"].strip())
        if council is None:
            raise ValueError(f"{ALIASES_FILE.name}: no council has GSS code {row['gss_code']!r}")
        added += _alias_add(council, row["alias"].strip(), row["note"].strip())
    return added


def _joint_services_load(las_path: Path) -> int:
    """Add the joint services of ``joint_services.csv`` and the register's combined rows
    ("Kingston upon Thames / Richmond upon Thames"). Adds only missing ones."""
    by_gss = {c.gss_code: c for c in Council.objects.filter(is_active=True)}
    rows = [
        {
            "name": row["name"],
            "other_names": row["other_names"].replace("|", "\n"),
            "members": row["member_gss_codes"].split(),
            "families": [f for f in row["families"].split() if f],
            "source": row["source"],
        }
        for row in _read_csv(JOINT_SERVICES_FILE)
    ]
    for row in _read_csv(las_path):
        codes = [code.strip() for code in row["new_la_code"].split("/")]
        if row["status"].strip() == "live" and len(codes) > 1:
            rows.append(
                {
                    "name": row["la_name"].strip(),
                    "other_names": "",
                    "members": codes,
                    "families": [],
                    "source": "DfE register: a row reporting for both councils together",
                }
            )
    added = 0
    for row in rows:
        if JointService.objects.filter(name=row["name"]).exists():
            continue
        members = [by_gss[code] for code in row["members"]]
        joint = JointService.objects.create(
            name=row["name"],
            other_names=row["other_names"],
            families=row["families"],
            source=row["source"],
        )
        joint.members.set(members)
        added += 1
    return added
