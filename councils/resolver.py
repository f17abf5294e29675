"""The council resolver: one service that finds a council from whatever a file or a user wrote.

Used by every import (the council imports, the published loaders) and by any filter that takes a
council, so that a name or code one of them accepts, all of them accept.

It knows, as data:

- the 153 councils' GSS codes, DfE LA numbers and Ofsted URNs (``Council``);
- retired GSS codes (the DfE register's terminated rows, ``RetiredCouncilCode``): a code with
  one successor resolves to it (Barnsley's ``E08000016`` is ``E08000038``); a code whose area was
  split (Northamptonshire's ``E10000021``) is refused, naming the successors;
- names as the register writes them ("Kingston upon Hull, City of", "St. Helens"), as Ofsted's
  lookup writes them ("Bedford Borough"), and aliases an administrator extends
  (``CouncilAlias``: "Hull", "BCP"); every name is matched through ``council_name_key``, so
  case, punctuation, "City of", "Council", "London Borough of", "St"/"St." and "&"/"and" do not
  matter;
- joint services (``JointService``: "Tower Hamlets and City of London", "West Mercia"),
  recorded once for each member council; a "- JI" suffix (HMI Probation's joint inspections) is
  kept as the event's shared origin;
- the principal authorities of Wales, Scotland and Northern Ireland
  (``councils/data/not_english_authorities.csv``), refused as not English councils rather than
  as misspellings.

A name that matches nothing gets "did you mean" with the closest councils, found with the
``rapidfuzz`` library.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from .models import Council, CouncilAlias, JointService, RetiredCouncilCode

DATA_DIR = Path(__file__).resolve().parent / "data"
NOT_ENGLISH_FILE = DATA_DIR / "not_english_authorities.csv"

# --- Names -------------------------------------------------------------------------------------

_PREFIXES = [
    ("london", "borough", "of"),
    ("royal", "borough", "of"),
    ("metropolitan", "borough", "of"),
    ("borough", "of"),
    ("county", "of"),
    ("city", "and", "county", "of"),
    ("city", "of"),
    ("council", "of"),
    ("the",),
    ("county",),
]
_SUFFIXES = [
    ("metropolitan", "borough", "council"),
    ("metropolitan", "district", "council"),
    ("county", "borough", "council"),
    ("borough", "council"),
    ("county", "council"),
    ("city", "council"),
    ("district", "council"),
    ("unitary", "authority"),
    ("youth", "justice", "service"),
    ("youth", "offending", "service"),
    ("youth", "offending", "team"),
    ("yjs",),
    ("yos",),
    ("yot",),
    ("corporation",),
    ("council",),
    ("city", "of"),
    ("county", "of"),
    ("city",),
    ("county",),
    ("borough",),
]
# The City of London is a name of its own: "City of" is not a prefix there.
_KEEP_WHOLE = {("city", "of", "london")}
_JOINT_INSPECTION = re.compile(r"\s*[-–]\s*JI\s*$", re.I)


def council_name_key(text: str) -> str:
    """A council's name as the resolver compares it.

    Lower case, accents dropped, "&" as "and", "Saint" and "St." as "st", punctuation as spaces;
    then "London Borough of", "Royal Borough of", "City of", "County of", "the" in front and
    "Council", "Metropolitan Borough Council", "City Council", ", City of" and the like behind
    are dropped. "Kingston upon Hull, City of" and "Hull City Council" become
    "kingston upon hull" and "hull".
    """
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    text = text.casefold().replace("&", " and ")
    text = re.sub(r"[^\w\s]|_", " ", text)
    words = ["st" if word == "saint" else word for word in text.split()]
    changed = True
    while changed and tuple(words) not in _KEEP_WHOLE:
        changed = False
        for suffix in _SUFFIXES:
            n = len(suffix)
            if tuple(words[-n:]) == suffix and len(words) > n:
                words, changed = words[:-n], True
        for prefix in _PREFIXES:
            n = len(prefix)
            if tuple(words[:n]) == prefix and len(words) > n and tuple(words) not in _KEEP_WHOLE:
                words, changed = words[n:], True
    return " ".join(words)


# --- Results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CouncilMatch:
    """What a value resolved to: one council, or each member of a joint service."""

    councils: tuple[Council, ...]
    joint_service: str = ""  # the joint service or joint inspection, shown on each event
    note: str = ""  # how it was read when not as written (a retired code), for a row's warning

    @property
    def council(self) -> Council:
        return self.councils[0]

    @property
    def is_joint(self) -> bool:
        return len(self.councils) > 1 or bool(self.joint_service)


class CouncilNotResolved(ValueError):
    """Nothing (or not one thing) matches. ``message`` is for the user; ``kind`` says why:
    ``unknown``, ``not_english``, ``split``, ``joint_unknown``, ``joint_not_for_type``,
    ``not_a_council``, ``empty``. ``suggestions`` are the closest councils ("did you mean")."""

    def __init__(self, message: str, *, kind: str, suggestions: list[Council] | None = None):
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.suggestions = suggestions or []


def _names(councils) -> str:
    names = [c.name for c in councils]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _or_names(councils) -> str:
    names = [c.name for c in councils]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


# --- The resolver ------------------------------------------------------------------------------

_GSS = re.compile(r"[A-Z]\d{8}")
COUNCIL_GSS_PREFIXES = ("E06", "E08", "E09", "E10")
NOT_ENGLISH_PREFIXES = {"W": "Wales", "S": "Scotland", "N": "Northern Ireland"}


@dataclass
class _NotEnglish:
    name: str
    country: str


@dataclass
class CouncilResolver:
    """Every council's names and codes, read once; ``resolve`` for each value.

    Build one per import or request (it reads the councils, aliases, retired codes and joint
    services from the database when made) and call ``resolve`` for each row.
    """

    include_inactive: bool = False
    by_gss: dict[str, Council] = field(default_factory=dict, init=False)
    by_dfe: dict[str, Council] = field(default_factory=dict, init=False)
    by_urn: dict[str, Council] = field(default_factory=dict, init=False)
    by_key: dict[str, Council] = field(default_factory=dict, init=False)
    retired_by_gss: dict[str, RetiredCouncilCode] = field(default_factory=dict, init=False)
    retired_by_key: dict[str, RetiredCouncilCode] = field(default_factory=dict, init=False)
    joint_by_key: dict[str, JointService] = field(default_factory=dict, init=False)
    not_english: dict[str, _NotEnglish] = field(default_factory=dict, init=False)

    def __post_init__(self):
        councils = Council.objects.all()
        if not self.include_inactive:
            councils = councils.filter(is_active=True)
        for council in councils:
            self.by_gss[council.gss_code.upper()] = council
            self.by_dfe[council.dfe_number] = council
            if council.ofsted_urn:
                self.by_urn[council.ofsted_urn] = council
            self.by_key[council_name_key(council.name)] = council
        for alias in CouncilAlias.objects.select_related("council"):
            if alias.council.is_active or self.include_inactive:
                self.by_key.setdefault(alias.key or council_name_key(alias.name), alias.council)
        for retired in RetiredCouncilCode.objects.prefetch_related("successors"):
            self.retired_by_gss[retired.gss_code.upper()] = retired
            self.retired_by_key.setdefault(council_name_key(retired.name), retired)
        for joint in JointService.objects.prefetch_related("members"):
            for name in joint.names:
                self.joint_by_key[council_name_key(name)] = joint
        self.not_english = _not_english_authorities()

    # -- codes --

    def _by_gss(self, code: str) -> CouncilMatch:
        code = code.upper()
        if council := self.by_gss.get(code):
            return CouncilMatch((council,))
        if retired := self.retired_by_gss.get(code):
            successors = list(retired.successors.all())
            ended = f" (retired {retired.terminated_on:%d/%m/%Y})" if retired.terminated_on else ""
            if len(successors) == 1:
                council = successors[0]
                return CouncilMatch(
                    (council,),
                    note=f"{code} is {retired.name}'s retired GSS code{ended}: read as "
                    f"{council.name} ({council.gss_code})",
                )
            if successors:
                raise CouncilNotResolved(
                    f"{code} is the retired GSS code of {retired.name}{ended}, whose area was "
                    f"split between {_names(successors)}. Give the code or name of the one "
                    "the row is about.",
                    kind="split",
                    suggestions=successors,
                )
            raise CouncilNotResolved(
                f"{code} is the retired GSS code of {retired.name}{ended}, and no council "
                "succeeds it in the register.",
                kind="unknown",
            )
        if code[0] in NOT_ENGLISH_PREFIXES:
            raise CouncilNotResolved(
                f"{code} is a GSS code in {NOT_ENGLISH_PREFIXES[code[0]]}: it is not an English "
                "council with children's services responsibilities.",
                kind="not_english",
            )
        if code.startswith("E07"):
            raise CouncilNotResolved(
                f"{code} is a district council's GSS code: children's services are run by the "
                "county council. Give the county's code or name.",
                kind="not_a_council",
            )
        raise CouncilNotResolved(
            f"No council with children's services responsibilities has the GSS code {code}.",
            kind="unknown",
        )

    def _by_number(self, text: str) -> CouncilMatch:
        if len(text) == 3 and (council := self.by_dfe.get(text)):
            return CouncilMatch((council,))
        if council := self.by_urn.get(text):
            return CouncilMatch((council,))
        kind = "DfE LA number" if len(text) == 3 else "Ofsted URN"
        raise CouncilNotResolved(
            f"No council with children's services responsibilities has the {kind} {text}.",
            kind="unknown",
        )

    def resolve_code(self, *, gss_code="", dfe_number="", urn="") -> CouncilMatch:
        """The council these codes identify: the first given that is known wins (GSS code, then
        Ofsted URN, then DfE LA number). Raises CouncilNotResolved: a retired code's or another
        nation's reason when one was given, else one message naming every code given."""
        errors = []
        given = []
        for value, kind in ((gss_code, "gss"), (urn, "urn"), (dfe_number, "dfe")):
            value = (value or "").strip()
            if not value:
                continue
            if kind == "gss":
                given.append(f"GSS code {value.upper()}")
                try:
                    return self._by_gss(value)
                except CouncilNotResolved as exc:
                    errors.append(exc)
                continue
            council = (self.by_dfe if kind == "dfe" else self.by_urn).get(value)
            if council is not None:
                return CouncilMatch((council,))
            given.append(f"{'DfE LA number' if kind == 'dfe' else 'Ofsted URN'} {value}")
        if not given:
            raise CouncilNotResolved("Enter the council.", kind="empty")
        special = [exc for exc in errors if exc.kind != "unknown"]
        if special:
            raise special[0]
        listed = ", ".join(given[:-1]) + " or " + given[-1] if len(given) > 1 else given[0]
        raise CouncilNotResolved(
            f"No council with children's services responsibilities has the {listed}.",
            kind="unknown",
        )

    # -- names --

    def _joint(self, joint: JointService, family: str | None, written: str) -> CouncilMatch:
        members = sorted(joint.members.all(), key=lambda c: c.name)
        if family and joint.families and family not in joint.families:
            from inspections.models import Family

            families = " or ".join(dict(Family.choices).get(f, f) for f in joint.families)
            raise CouncilNotResolved(
                f"‘{written}’ is a joint service of {_names(members)}; a row naming it is "
                f"recorded for each of them only for {families} inspections. Give the council "
                f"this row is about: {_or_names(members)}.",
                kind="joint_not_for_type",
                suggestions=members,
            )
        return CouncilMatch(tuple(members), joint_service=joint.name)

    def resolve_name(self, text: str, *, family: str | None = None) -> CouncilMatch:
        """The council (or joint service members) a name means, for an inspection of ``family``
        (an ``InspectionType.family`` code: joint services apply to the families they list)."""
        written = " ".join((text or "").split())
        joint_inspection = bool(_JOINT_INSPECTION.search(written))
        name = _JOINT_INSPECTION.sub("", written)
        key = council_name_key(name)
        if not key:
            raise CouncilNotResolved("Enter the council's name or GSS code.", kind="empty")
        if joint := self.joint_by_key.get(key):
            return self._joint(joint, family, written)
        if council := self.by_key.get(key):
            joint = f"{written} (joint inspection)" if joint_inspection else ""
            return CouncilMatch((council,), joint_service=joint)
        if retired := self.retired_by_key.get(key):
            try:
                match = self._by_gss(retired.gss_code)
            except CouncilNotResolved as exc:
                raise CouncilNotResolved(
                    exc.message.replace(
                        f"{retired.gss_code} is the retired GSS code of {retired.name}",
                        f"{retired.name} is a former council",
                    ),
                    kind=exc.kind,
                    suggestions=exc.suggestions,
                ) from None
            return CouncilMatch(
                match.councils,
                note=f"{retired.name} is a former council: read as {match.council.name}",
            )
        if key in self.not_english or self._all_parts_not_english(key):
            parts = [key] if key in self.not_english else re.split(r"\band\b", key)
            countries = sorted({self.not_english[council_name_key(p)].country for p in parts})
            where = f" (in {' and '.join(countries)})"
            raise CouncilNotResolved(
                f"{written}{where} is not an English council with children's services "
                "responsibilities.",
                kind="not_english",
            )
        parts = self._joint_parts(key)
        if parts:
            raise CouncilNotResolved(
                f"‘{written}’ is not a joint service the app knows. Give one council per row "
                f"({_or_names(parts)}), or ask an administrator to add the joint service.",
                kind="joint_unknown",
                suggestions=parts,
            )
        suggestions = self.suggestions(key)
        if suggestions:
            raise CouncilNotResolved(
                f"No council is called ‘{written}’. Did you mean {_or_names(suggestions)}?",
                kind="unknown",
                suggestions=suggestions,
            )
        raise CouncilNotResolved(
            f"No council is called ‘{written}’. Check the spelling against the list of "
            "councils, or give its GSS code.",
            kind="unknown",
        )

    def _all_parts_not_english(self, key: str) -> bool:
        parts = [part for part in re.split(r"\band\b", key) if part.strip()]
        return len(parts) > 1 and all(council_name_key(part) in self.not_english for part in parts)

    def _joint_parts(self, key: str) -> list[Council]:
        """The councils of a name like "Bury and Rochdale" (each side a council), else []."""
        words = key.split()
        for i, word in enumerate(words):
            if word != "and":
                continue
            left, right = " ".join(words[:i]), " ".join(words[i + 1 :])
            if left in self.by_key and right in self.by_key:
                return [self.by_key[left], self.by_key[right]]
        return []

    def suggestions(self, text: str, limit: int = 3) -> list[Council]:
        """The councils whose names are closest to ``text`` (rapidfuzz's weighted ratio)."""
        key = council_name_key(text)
        found: list[Council] = []
        for choice_key, _score, _index in process.extract(
            key, list(self.by_key), scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=80
        ):
            council = self.by_key[choice_key]
            if council not in found:
                found.append(council)
            if len(found) == limit:
                break
        return found

    # -- anything --

    def resolve(self, text: str, *, family: str | None = None) -> CouncilMatch:
        """Whatever a cell holds: a GSS code (current or retired), a DfE LA number, an Ofsted
        URN or a name. Raises CouncilNotResolved with a message for the user."""
        value = " ".join((text or "").split())
        if not value:
            raise CouncilNotResolved("Enter the council's name or GSS code.", kind="empty")
        if _GSS.fullmatch(value.upper()):
            return self._by_gss(value)
        if value.isdigit():
            return self._by_number(value)
        return self.resolve_name(value, family=family)


def _not_english_authorities() -> dict[str, _NotEnglish]:
    table = {}
    with open(NOT_ENGLISH_FILE, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            entry = _NotEnglish(row["name"], row["country"])
            for name in [row["name"], *row["other_names"].split("|")]:
                if name.strip():
                    table[council_name_key(name)] = entry
    return table


def council_resolve(text: str, *, family: str | None = None) -> CouncilMatch:
    """Resolve one value with a fresh resolver (see ``CouncilResolver.resolve``)."""
    return CouncilResolver().resolve(text, family=family)


def council_for_filter(value: str) -> Council:
    """The one council a filter's value names (a page's ``?council=``, an export, the API): its
    slug, or anything the resolver reads (GSS code, DfE number, URN, any usual name). Raises
    CouncilNotResolved, with "did you mean" where it helps, or when the value names several
    councils (a joint service: a filter takes one)."""
    value = " ".join((value or "").split())
    if not value.isprintable():  # a control character (a NUL no database stores) is no name
        raise CouncilNotResolved(
            "Give the council's name or code, in letters and digits.", kind="not_a_council"
        )
    council = Council.objects.filter(slug=value).first() if value else None
    if council is not None:
        return council
    match = council_resolve(value)
    if len(match.councils) > 1:
        raise CouncilNotResolved(
            f"‘{value}’ names {len(match.councils)} councils ({_names(match.councils)}): "
            "choose one.",
            kind="joint_unknown",
            suggestions=list(match.councils),
        )
    return match.council


__all__ = [
    "CouncilMatch",
    "CouncilNotResolved",
    "CouncilResolver",
    "council_for_filter",
    "council_name_key",
    "council_resolve",
]
