"""Load the inspectorates' published inspection history into inspection events.

Three files, copied into ``inspections/data/`` with their sources and licences in ``SOURCES.md``
there: every ILACS full inspection (standard and short, and the single inspection framework
reports before them) scraped from Ofsted's report PDFs; the latest area SEND inspection (2023
framework) of 72 councils; the latest HMI Probation youth justice inspection of each service.
Councils should not have to retype what has already been published; they add what is not
published and the staff hours.

Files are read by the one CSV reader (``inspections.csv_reader``: encodings, headers in any case
and spacing, every UK date form) and councils found by the council resolver
(``councils.resolver``: codes current and retired, names in every usual form, joint services).

The rules, so that a load can be repeated with the same or a newer file:

- A row becomes one event, found again next time by its report's address (each row is one
  report), else by council, type and on-site start (an event a council already logged for the
  same inspection is taken over, keeping its notes and staff time).
- Unchanged rows are not saved at all: ``updated_at`` and ``source_loaded_at`` stay as they were.
- A row that cannot be matched to a council or has no usable dates is skipped, with its line
  and the reason; the rest of the file still loads. One transaction per file.
- A row known only by its publication date (single inspection framework reports, HMI
  Probation's list) is loaded with on-site dates estimated from its type's typical lag
  (``services.estimates``), marked estimated; a later file with real dates replaces them, and an
  estimate never replaces real dates an event already has.
- A row naming a joint service (HMI Probation's "West Mercia") is one event for each member
  council, each showing the joint service.
- A report address that is not a full web address (``ofsted.gov.uk/50302264``) is completed to
  ``https://`` where that is unambiguous, or left empty, with a note on the line; the row loads.
- Grades that the source marks as unreadable or not given are stored as "not recorded" (no
  outcome; ``"not_recorded"`` in ``sub_judgements``), never guessed. So is any grade text that
  is not one we recognise, with a note naming the line.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from burden.database import analyze_tables
from councils.models import Council
from councils.resolver import CouncilNotResolved, CouncilResolver

from ..csv_reader import (
    CsvFileError,
    ValueReadError,
    address_complete,
    csv_decode,
    csv_read,
    date_read,
    outcome_key,
    outcome_match,
)
from ..forecast import FORECAST_ALL_TASK
from ..models import InspectionEvent, InspectionType, Source
from ..outbox import outbox_record
from ..workdays import working_days
from . import councils_changed_quietly, event_prepare
from .estimates import EstimateError, estimated_on_site_dates

ILACS = "ilacs"
SEND = "send"
HMIP = "hmip"
KINDS = {
    ILACS: "ILACS inspections",
    SEND: "area SEND inspections",
    HMIP: "youth justice inspections (HMI Probation)",
}

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PUBLISHED_FILES = {
    ILACS: DATA_DIR / "ofsted_csc_ilacs_history.csv",
    SEND: DATA_DIR / "ofsted_csc_send_overview.csv",
    HMIP: DATA_DIR / "hmi_youth_justice_inspection_ratings.csv",
}

NOT_RECORDED = "not_recorded"

# Why a row is skipped: the code kept in the summary, and what it means.
SKIP_REASONS = {
    "no_dates": "No inspection dates in the source, and no way to estimate them",
    "bad_date": "A date that cannot be read",
    "unknown_council": "No council with this Ofsted URN, DfE number, GSS code or name",
    "not_english": "Not an English council with children's services responsibilities "
    "(a Welsh service)",
    "split_council": "A council whose area was split, or a joint service, that the app cannot "
    "record for each council",
    "unknown_framework": "An inspection framework the app does not know",
    "same_report": "The same report as an earlier line",
    "invalid": "Fails the event's checks",
}

# ILACS began in January 2018. Reports without dates published up to the end of 2018 are the
# last SIF reports (their inspections ran in 2017); later ones are ILACS reports whose dates the
# scraper could not read.
ILACS_START = date(2018, 1, 1)
LAST_SIF_PUBLICATION = date(2018, 12, 31)
# A short inspection is one week on site, a standard one two (shared/DOMAIN.md).
SHORT_MAX_WORKING_DAYS = 5

ILACS_FRAMEWORKS = {
    "standard": "ilacs_standard",
    "short": "ilacs_short",
    # The scraper's label for an inspection on site for longer than a standard one's two weeks
    # (one row: 13 working days in June 2019). A short inspection is one week, so it is a
    # standard inspection that ran long.
    "inspection duration longer than standard framework": "ilacs_standard",
}
FOUR_POINT_GRADES = {
    "outstanding": "outstanding",
    "good": "good",
    "requires improvement": "requires_improvement",
    "requires improvement to be good": "requires_improvement",
    "inadequate": "inadequate",
}
# Values the sources use for "no grade": unreadable in the PDF, not yet a separate judgement,
# no longer given (the overall ILACS grade from April 2026), or not parsed (SEND's ``nan``).
GRADE_NOT_GIVEN = {
    "",
    "data_unreadable",
    "inspection_pre_dates_judgement",
    "not_reported_post_reform",
    "nan",
    "none",
}
SEND_OUTCOMES = {"1": "positive", "2": "inconsistent", "3": "systemic_failings"}
# HMI Probation's domain ratings, as the scrape names its columns.
HMIP_DOMAINS = [
    "staff",
    "partnerships_and_services",
    "information_and_facilities",
    "assessment",
    "planning",
    "reviewing",
    "implementation_and_delivery",
    "resettlement_policy_and_provision",
    "governance_and_leadership",
    "outofcourt_disposal_policy_and_provision",
    "policy_and_provision",
    "joint_working",
]

REQUIRED_COLUMNS = {
    ILACS: {
        "urn",
        "inspection_link",
        "publication_date",
        "inspection_framework",
        "inspection_start_date",
        "inspection_end_date",
        "overall_effectiveness_grade",
        "impact_of_leaders_grade",
        "help_and_protection_grade",
        "in_care_grade",
        "care_leavers_grade",
    },
    SEND: {
        "urn",
        "la_code",
        "ltla23cd",
        "inspection_link",
        "outcome_grade",
        "inspection_start_date",
        "inspection_end_date",
        "publication_date",
    },
    HMIP: {"la_name", "overall_rating", "publication_date", "report_url"},
}
# Headers the same columns carry in other layouts (after csv_reader.header_key). SEND's newer
# layout is read by header_key alone ("Inspection Start Date"); these are further names seen.
SYNONYMS = {
    "report_link": "inspection_link",
    "report_url_": "inspection_link",
    "start_date": "inspection_start_date",
    "end_date": "inspection_end_date",
    "published": "publication_date",
    "date_published": "publication_date",
    "outcome": "outcome_grade",
    "score": "score_%",
    "score_percent": "score_%",
    "local_authority_name": "local_authority",
}


class PublishedFileError(ValueError):
    """The file as a whole cannot be loaded (wrong kind, missing columns): nothing is saved."""


class _Skip(Exception):
    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class SkippedRow:
    line: int
    reason: str
    detail: str
    local_authority: str = ""  # as written in the file, to find the row by eye

    @property
    def reason_label(self) -> str:
        return SKIP_REASONS[self.reason]

    def __str__(self):
        name = f" ({self.local_authority})" if self.local_authority else ""
        return f"line {self.line}{name}: {self.detail}"


@dataclass(frozen=True)
class RowNote:
    line: int
    message: str

    def __str__(self):
        return f"line {self.line}: {self.message}"


@dataclass
class PublishedLoadSummary:
    kind: str
    file_name: str
    loaded: list[int] = field(default_factory=list)  # line numbers
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    notes: list[RowNote] = field(default_factory=list)
    split: list[int] = field(default_factory=list)  # lines recorded for several councils
    split_events: int = 0  # the events those lines became
    estimated: list[int] = field(default_factory=list)  # lines with estimated on-site dates
    described: str = ""  # how the file was read (encoding, delimiter)
    events_by_type: Counter = field(default_factory=Counter)  # type code: rows now loaded
    changed_council_ids: set[int] = field(default_factory=set)

    def __str__(self):
        return (
            f"{len(self.loaded)} loaded, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped"
        )

    @property
    def skipped_by_reason(self) -> dict[str, list[SkippedRow]]:
        groups: dict[str, list[SkippedRow]] = {}
        for row in self.skipped:
            groups.setdefault(row.reason, []).append(row)
        return groups

    def report_lines(self) -> list[str]:
        """The summary as lines of text, for the command and the admin page."""
        lines = [f"Published {KINDS[self.kind]} from {self.file_name}: {self}."]
        if self.described:
            lines.append(f"The file was {self.described}.")
        if self.split:
            lines.append(
                f"Rows recorded for more than one council (joint services): {len(self.split)}."
            )
        if self.estimated:
            lines.append(
                f"Rows known only by their publication date, loaded with on-site dates "
                f"estimated from the type's typical lag: {len(self.estimated)}."
            )
        if self.events_by_type:
            per_type = ", ".join(f"{code} {n}" for code, n in sorted(self.events_by_type.items()))
            lines.append(f"Events from this file by type: {per_type}.")
        lines.append(
            f"Councils whose events changed, so their clusters are checked again: "
            f"{len(self.changed_council_ids)}."
        )
        for reason, rows in self.skipped_by_reason.items():
            lines.append(f"Skipped ({len(rows)}): {SKIP_REASONS[reason]}:")
            lines.extend(f"  {row}" for row in rows)
        if self.notes:
            lines.append(f"Notes ({len(self.notes)}):")
            lines.extend(f"  {note}" for note in self.notes)
        return lines


# --- Reading values ------------------------------------------------------------------------------


def _parse_date(value: str, column: str) -> date | None:
    """A date in any form the CSV reader reads (dd/mm/yy here), or None when blank."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date_read(value)
    except ValueReadError as exc:
        raise _Skip("bad_date", f"{column}: {exc}") from None


def _grade_key(value: str) -> str:
    return " ".join((value or "").strip().lower().split())


# Four-point grades by the one outcome rule (csv_reader.outcome_key).
_FOUR_POINT_BY_KEY = {outcome_key(words): code for words, code in FOUR_POINT_GRADES.items()}


def _four_point(value: str, column: str, notes: list[str]) -> str:
    key = _grade_key(value)
    if key in GRADE_NOT_GIVEN:
        return NOT_RECORDED
    if code := _FOUR_POINT_BY_KEY.get(outcome_key(value)):
        return code
    notes.append(f"{column} {value!r} is not a grade the app recognises: not recorded")
    return NOT_RECORDED


# --- Matching ------------------------------------------------------------------------------------


class _Councils:
    """The council resolver, with its refusals turned into skipped rows."""

    def __init__(self):
        self.resolver = CouncilResolver()

    @staticmethod
    def _skip(exc: CouncilNotResolved) -> _Skip:
        reason = {"not_english": "not_english", "split": "split_council"}.get(
            exc.kind, "split_council" if exc.kind.startswith("joint") else "unknown_council"
        )
        return _Skip(reason, exc.message)

    def match(self, *, urn: str, dfe_number: str = "", gss_code: str = "") -> tuple:
        """(councils, note) for a row's codes; the first code given that is known wins."""
        try:
            match = self.resolver.resolve_code(gss_code=gss_code, dfe_number=dfe_number, urn=urn)
        except CouncilNotResolved as exc:
            # SEND's ``ltla23cd`` is the lower-tier code: the URN or DfE number may still know it.
            if (urn or dfe_number) and gss_code:
                try:
                    match = self.resolver.resolve_code(dfe_number=dfe_number, urn=urn)
                except CouncilNotResolved:
                    raise self._skip(exc) from None
            else:
                raise self._skip(exc) from None
        return match.councils, match.joint_service, match.note

    def by_name(self, name: str, family: str) -> tuple:
        try:
            match = self.resolver.resolve_name(name, family=family)
        except CouncilNotResolved as exc:
            raise self._skip(exc) from None
        return match.councils, match.joint_service, match.note


@dataclass
class _Row:
    """One row read and checked: the values of its event (one per council)."""

    councils: tuple[Council, ...]
    type_code: str
    on_site_start: date | None  # None: estimated from the publication date when saved
    on_site_end: date | None
    published_on: date | None
    outcome_text: str  # as in the file, matched to the type's outcomes by the one rule
    grades: dict[str, str]  # column: value as in the file, for the type's sub-judgements
    report_url: str
    notes: list[str] = field(default_factory=list)
    joint_service: str = ""
    extra_judgements: dict[str, str] = field(default_factory=dict)  # HMIP: score and domains


def _dates(row: dict, published_on: date | None) -> tuple[date, date]:
    start = _parse_date(row.get("inspection_start_date", ""), "inspection_start_date")
    end = _parse_date(row.get("inspection_end_date", ""), "inspection_end_date")
    if start is None or end is None:
        published = f" (report published {published_on:%d/%m/%Y})" if published_on else ""
        missing = "inspection_start_date" if start is None else "inspection_end_date"
        raise _Skip("no_dates", f"{missing} is blank{published}")
    return start, end


def _address(row: dict, column: str, notes: list[str]) -> str:
    url, warning = address_complete(row.get(column, ""))
    if warning:
        notes.append(warning)
    return url


def _ilacs_row(row: dict, councils: _Councils) -> _Row:
    published_on = _parse_date(row["publication_date"], "publication_date")
    framework = _grade_key(row["inspection_framework"])
    blank_dates = not (row["inspection_start_date"] or "").strip()
    notes: list[str] = []
    found, joint, note = councils.match(urn=row["urn"])
    notes.extend(filter(None, [note]))
    if not framework and blank_dates and published_on and published_on <= LAST_SIF_PUBLICATION:
        # A single inspection framework report known only by its publication date: its rating
        # is the council's history before ILACS, so it loads with estimated on-site dates.
        start = end = None
        type_code = "sif_inspection"
    else:
        if blank_dates and not framework:
            raise _Skip(
                "no_dates",
                "no inspection dates and no inspection_framework, so neither the dates nor "
                "whether it was a standard or a short inspection can be told"
                + (f" (report published {published_on:%d/%m/%Y})" if published_on else ""),
            )
        start, end = _dates(row, published_on)
        if framework in ILACS_FRAMEWORKS:
            type_code = ILACS_FRAMEWORKS[framework]
        elif framework:
            raise _Skip(
                "unknown_framework", f"inspection_framework {row['inspection_framework']!r}"
            )
        elif start < ILACS_START:
            type_code = "sif_inspection"
        else:
            # No framework given but dated after ILACS began: decide by the time on site, which
            # is what tells the two apart (a short inspection is one week, a standard one two).
            days = working_days(start, end)
            type_code = "ilacs_short" if days <= SHORT_MAX_WORKING_DAYS else "ilacs_standard"
            notes.append(
                f"no inspection_framework: taken as {type_code} from its {days} working days "
                "on site"
            )
    return _Row(
        councils=found,
        type_code=type_code,
        on_site_start=start,
        on_site_end=end,
        published_on=published_on,
        outcome_text=row["overall_effectiveness_grade"],
        grades=row,
        report_url=_address(row, "inspection_link", notes),
        notes=notes,
        joint_service=joint,
    )


def _send_row(row: dict, councils: _Councils) -> _Row:
    published_on = _parse_date(row["publication_date"], "publication_date")
    blank_dates = not (row["inspection_start_date"] or row["inspection_end_date"] or "").strip()
    if blank_dates and published_on:
        start = end = None  # known only by its publication date: estimated when saved
    else:
        start, end = _dates(row, published_on)
    notes: list[str] = []
    found, joint, note = councils.match(
        urn=row["urn"], dfe_number=row["la_code"], gss_code=row["ltla23cd"]
    )
    notes.extend(filter(None, [note]))
    grade = _grade_key(row["outcome_grade"])
    number = grade[:-2] if grade.endswith(".0") else grade
    return _Row(
        councils=found,
        type_code="area_send_full",
        on_site_start=start,
        on_site_end=end,
        published_on=published_on,
        outcome_text=SEND_OUTCOMES.get(number, row["outcome_grade"]),
        grades=row,
        report_url=_address(row, "inspection_link", notes),
        notes=notes,
        joint_service=joint,
    )


def _hmip_row(row: dict, councils: _Councils) -> _Row:
    published_on = _parse_date(row["publication_date"], "publication_date")
    if published_on is None:
        raise _Skip("no_dates", "publication_date is blank")
    notes: list[str] = []
    found, joint, note = councils.by_name(row["la_name"], "hmip")
    notes.extend(filter(None, [note]))
    extra = {}
    score = (row.get("score_%") or "").strip()
    if score:
        extra["score_percent"] = score
    for domain in HMIP_DOMAINS:
        value = (row.get(domain) or "").strip()
        if value:
            extra[domain] = _four_point(value, domain, notes)
    return _Row(
        councils=found,
        type_code="hmip_youth_justice",
        on_site_start=None,
        on_site_end=None,
        published_on=published_on,
        outcome_text=row["overall_rating"],
        grades={},
        report_url=_address(row, "report_url", notes),
        notes=notes,
        joint_service=joint,
        extra_judgements=extra,
    )


_ROW_READERS = {ILACS: _ilacs_row, SEND: _send_row, HMIP: _hmip_row}

# The fields a published row sets; every other field (date notified, notes, staff time) is the
# council's and survives a reload.
_PUBLISHED_FIELDS = [
    "council_id",
    "inspection_type_id",
    "on_site_start",
    "on_site_end",
    "published_on",
    "outcome_id",
    "sub_judgements",
    "report_url",
    "source",
    "dates_estimated",
    "joint_service",
]


# --- Loading -------------------------------------------------------------------------------------


def _read_rows(content: bytes, kind: str, file_name: str):
    """(line number, row) for each record, read by the one CSV reader; and how it was read."""
    try:
        table = csv_read(content, synonyms=SYNONYMS)
    except CsvFileError as exc:
        raise PublishedFileError(f"{file_name}: {' '.join(exc.messages)}") from None
    missing = REQUIRED_COLUMNS[kind] - set(table.columns)
    if missing:
        raise PublishedFileError(
            f"{file_name} is not the published {KINDS[kind]} file: it has no "
            f"{', '.join(sorted(missing))} column{'s' if len(missing) > 1 else ''}"
        )
    return table.described(), list(table.dicts())


def _validation_messages(exc: ValidationError) -> str:
    if not hasattr(exc, "error_dict"):
        return "; ".join(exc.messages)
    return "; ".join(
        message if name == "__all__" else f"{name}: {message}"
        for name, messages in exc.message_dict.items()
        for message in messages
    )


class _Loader:
    """The state of one load: what is known before the first row, and the summary so far."""

    def __init__(self, kind: str, file_name: str):
        self.kind, self.file_name = kind, file_name
        self.summary = PublishedLoadSummary(kind=kind, file_name=file_name)
        self.loaded_at = timezone.now()
        self.councils = _Councils()
        self.types = {t.code: t for t in InspectionType.objects.prefetch_related("outcomes")}
        self.by_report: dict[str, list[InspectionEvent]] = {}
        for event in InspectionEvent.objects.filter(source=Source.PUBLISHED).exclude(report_url=""):
            self.by_report.setdefault(event.report_url, []).append(event)
        self.seen_reports: dict[str, int] = {}

    def load_row(self, line: int, raw: dict) -> None:
        try:
            row = _ROW_READERS[self.kind](raw, self.councils)
            if row.report_url in self.seen_reports:
                first = self.seen_reports[row.report_url]
                raise _Skip("same_report", f"the same report as line {first} ({row.report_url})")
            statuses = [self._save(row, council) for council in row.councils]
        except _Skip as skip:
            name = (raw.get("local_authority") or raw.get("la_name") or "").strip()
            self.summary.skipped.append(SkippedRow(line, skip.reason, skip.detail, name))
            return
        if row.report_url:
            self.seen_reports[row.report_url] = line
        status = next((s for s in ("loaded", "updated") if s in statuses), "unchanged")
        getattr(self.summary, status).append(line)
        if len(row.councils) > 1:
            self.summary.split.append(line)
            self.summary.split_events += len(row.councils)
        if row.on_site_start is None:
            self.summary.estimated.append(line)
        self.summary.events_by_type[row.type_code] += len(row.councils)
        self.summary.notes.extend(RowNote(line, note) for note in row.notes)

    def _event_values(self, row: _Row, council: Council) -> dict:
        itype = self.types.get(row.type_code)
        if itype is None:
            raise PublishedFileError(
                f"There is no inspection type with the code {row.type_code!r}: add it in the "
                "admin (or restore its code) and load the file again"
            )
        outcome = None
        if _grade_key(row.outcome_text) not in GRADE_NOT_GIVEN:
            outcome = outcome_match(row.outcome_text, itype.outcomes.all())
            if outcome is None:
                row.notes.append(
                    f"{row.outcome_text.strip()!r} is not an outcome of {itype.name}: not recorded"
                )
        sub_judgements = {
            area: _four_point(row.grades.get(f"{area}_grade", ""), f"{area}_grade", row.notes)
            for area in itype.judgement_areas
            if row.grades
        }
        sub_judgements.update(row.extra_judgements)
        start, end, estimated = row.on_site_start, row.on_site_end, False
        if start is None:
            try:
                start, end = estimated_on_site_dates(
                    inspection_type=itype, published_on=row.published_on
                )
            except EstimateError as exc:
                raise _Skip("no_dates", str(exc)) from None
            estimated = True
        return {
            "council": council,
            "inspection_type": itype,
            "on_site_start": start,
            "on_site_end": end,
            "dates_estimated": estimated,
            "published_on": row.published_on,
            "outcome": outcome,
            "sub_judgements": sub_judgements,
            "report_url": row.report_url,
            "joint_service": row.joint_service,
            "source": Source.PUBLISHED,
        }

    def _existing_event(self, row: _Row, values: dict) -> InspectionEvent | None:
        council = values["council"]
        reported = self.by_report.get(row.report_url, []) if row.report_url else []
        for event in reported:
            if event.council_id == council.pk:
                return event
        if len(reported) == 1 and len(row.councils) == 1:
            return reported[0]  # a newer file moved the report to another council
        # The same inspection logged before it was published (by the council, an import or the
        # demo): take it over rather than make a second event of it.
        same = InspectionEvent.objects.filter(
            council=council, inspection_type=values["inspection_type"]
        )
        event = same.filter(on_site_start=values["on_site_start"]).first()
        if event is None and values["dates_estimated"] and row.published_on:
            # Known only by its publication date: the council may have logged the real dates.
            lag = values["inspection_type"].typical_publication_lag_days or 0
            event = (
                same.filter(published_on=row.published_on).first()
                or same.filter(
                    published_on=None,
                    on_site_start__lte=row.published_on,
                    on_site_start__gte=row.published_on - timedelta(days=2 * lag + 30),
                )
                .order_by("-on_site_start")
                .first()
            )
        if event is not None and event.source != Source.PUBLISHED:
            row.notes.append(
                f"took over event {event.pk} ({event.get_source_display().lower()}), "
                "keeping its notes and staff time"
            )
        return event

    def _save(self, row: _Row, council: Council) -> str:
        """Create, update or leave the row's event: returns loaded, updated or unchanged."""
        values = self._event_values(row, council)
        event = self._existing_event(row, values)
        status = "updated" if event is not None else "loaded"
        if event is not None and values["dates_estimated"] and not event.dates_estimated:
            # An estimate never replaces real dates.
            for name in ("on_site_start", "on_site_end", "dates_estimated"):
                values.pop(name)
        event = event or InspectionEvent()
        before = {name: getattr(event, name) for name in _PUBLISHED_FIELDS}
        for name, value in values.items():
            setattr(event, name, value)
        if status == "updated" and before == {
            name: getattr(event, name) for name in _PUBLISHED_FIELDS
        }:
            return "unchanged"
        event.source_reference = self.file_name
        event.source_loaded_at = self.loaded_at
        try:
            event_prepare(event)
        except ValidationError as exc:
            if event.pk:
                event.refresh_from_db()
            raise _Skip("invalid", _validation_messages(exc)) from exc
        event.save()
        if row.report_url:
            reported = self.by_report.setdefault(row.report_url, [])
            if event not in reported:
                reported.append(event)
        # A newer file can move a report to another council: both councils changed.
        self.summary.changed_council_ids |= {event.council_id, before["council_id"]} - {None}
        return status


def published_file_read(path: Path) -> str:
    """A published file's text, decoded as the CSV reader decodes it."""
    return csv_decode(path.read_bytes())[0]


@transaction.atomic
def published_history_load(
    *,
    kind: str,
    content: bytes | None = None,
    text: str | None = None,
    path: Path | None = None,
    file_name: str = "",
) -> PublishedLoadSummary:
    """Create or update the published events of one file; see the module's docstring.

    Give the file's ``content`` (bytes, any encoding the CSV reader reads), its ``text`` or its
    ``path``; none means the copy in the project. Raises PublishedFileError when the file as a
    whole is wrong, saving nothing. Afterwards (on commit) the cluster check runs for every
    council whose events changed, recording clusters without alerting anyone.
    """
    if kind not in KINDS:
        raise PublishedFileError(f"Unknown kind {kind!r}: choose one of {', '.join(KINDS)}")
    if text is not None:
        content = text.encode("utf-8")
    if content is None:
        path = path or PUBLISHED_FILES[kind]
        content = path.read_bytes()
        file_name = file_name or path.name
    loader = _Loader(kind, file_name or PUBLISHED_FILES[kind].name)
    described, rows = _read_rows(content, kind, loader.file_name)
    loader.summary.described = described
    for line, raw in rows:
        loader.load_row(line, raw)
    if loader.summary.changed_council_ids:
        analyze_tables(InspectionEvent)
        # New history changes the observed gaps, so every council's forecast: recorded quietly.
        outbox_record(FORECAST_ALL_TASK, False)
    # Published reports are past news: their clusters are recorded and shown, but nobody is
    # e-mailed about inspections of years ago (a first load would alert every council).
    councils_changed_quietly(loader.summary.changed_council_ids, forecasts=False)
    return loader.summary
