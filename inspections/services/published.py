"""Load Ofsted's published inspection history into inspection events.

Two files, copied into ``inspections/data/`` with their sources and licences in ``SOURCES.md``
there: every ILACS full inspection (standard and short) scraped from Ofsted's report PDFs, and
the latest area SEND inspection (2023 framework) of 72 councils. Councils should not have to
retype what Ofsted has already published; they add what is not published and the staff hours.

The rules, so that a load can be repeated with the same or a newer file:

- A row becomes one event, found again next time by its report's address (each row is one
  report), else by council, type and on-site start (an event a council already logged for the
  same inspection is taken over, keeping its notes and staff time).
- Unchanged rows are not saved at all: ``updated_at`` and ``source_loaded_at`` stay as they were.
- A row that cannot be matched to a council or has no usable dates is skipped, with its line
  and the reason; the rest of the file still loads. One transaction per file.
- Grades that the source marks as unreadable or not given are stored as "not recorded" (no
  outcome; ``"not_recorded"`` in ``sub_judgements``), never guessed. So is any grade text that
  is not one we recognise, with a note naming the line.
"""

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from burden.database import analyze_tables
from councils.models import Council

from ..forecast import FORECAST_ALL_TASK
from ..models import InspectionEvent, InspectionType, Source
from ..outbox import outbox_record
from ..workdays import working_days
from . import dashboards_changed, event_prepare

ILACS = "ilacs"
SEND = "send"
KINDS = {ILACS: "ILACS inspections", SEND: "area SEND inspections"}

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PUBLISHED_FILES = {
    ILACS: DATA_DIR / "ofsted_csc_ilacs_history.csv",
    SEND: DATA_DIR / "ofsted_csc_send_overview.csv",
}

NOT_RECORDED = "not_recorded"

# Why a row is skipped: the code kept in the summary, and what it means.
SKIP_REASONS = {
    "sif_report": "Single inspection framework (SIF) report from before ILACS (2018): "
    "the source has no inspection dates",
    "sif_inspection": "Single inspection framework (SIF) inspection from before ILACS (2018): "
    "the app has no inspection type for it",
    "no_dates": "No inspection dates in the source",
    "bad_date": "A date that cannot be read",
    "unknown_council": "No council with this Ofsted URN, DfE number or GSS code",
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
}

_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})")


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
    """A dd/mm/yy or dd/mm/yyyy date (both occur), or None when blank."""
    value = (value or "").strip()
    if not value:
        return None
    match = _DATE.fullmatch(value)
    if match:
        day, month, year = (int(part) for part in match.groups())
        if year < 100:
            year += 2000  # every report in these files is from 2012 or later
        try:
            return date(year, month, day)
        except ValueError:
            pass
    raise _Skip("bad_date", f"{column} {value!r} is not a date (expected dd/mm/yyyy)")


def _grade_key(value: str) -> str:
    return " ".join((value or "").strip().lower().split())


def _four_point(value: str, column: str, notes: list[str]) -> str:
    key = _grade_key(value)
    if key in FOUR_POINT_GRADES:
        return FOUR_POINT_GRADES[key]
    if key not in GRADE_NOT_GIVEN:
        notes.append(f"{column} {value!r} is not a grade the app recognises: not recorded")
    return NOT_RECORDED


def _send_outcome(value: str, notes: list[str]) -> str:
    key = _grade_key(value)
    number = key[:-2] if key.endswith(".0") else key
    if number in SEND_OUTCOMES:
        return SEND_OUTCOMES[number]
    if key not in GRADE_NOT_GIVEN:
        notes.append(f"outcome_grade {value!r} is not an outcome the app recognises: not recorded")
    return NOT_RECORDED


# --- Matching ------------------------------------------------------------------------------------


class _Councils:
    """Every council by Ofsted URN, DfE number and GSS code, read once per load."""

    def __init__(self):
        self.by_urn, self.by_dfe, self.by_gss = {}, {}, {}
        for council in Council.objects.all():
            if council.ofsted_urn:
                self.by_urn[council.ofsted_urn] = council
            self.by_dfe[council.dfe_number] = council
            self.by_gss[council.gss_code] = council

    def match(self, *, urn: str, dfe_number: str = "", gss_code: str = "") -> Council:
        urn, dfe_number, gss_code = urn.strip(), dfe_number.strip(), gss_code.strip()
        council = (
            self.by_urn.get(urn)
            or self.by_dfe.get(dfe_number)
            # SEND's ``ltla23cd`` is the lower-tier code: for a county it is the county's own
            # E10 code, which is the council's GSS code too.
            or self.by_gss.get(gss_code)
        )
        if council is None:
            known = ", ".join(
                f"{label} {value!r}"
                for label, value in (
                    ("Ofsted URN", urn),
                    ("DfE number", dfe_number),
                    ("GSS code", gss_code),
                )
                if value
            )
            raise _Skip("unknown_council", f"no council with {known or 'no identifier'}")
        return council


@dataclass
class _Row:
    """One row read and checked: the values of its event."""

    council: Council
    type_code: str
    on_site_start: date
    on_site_end: date
    published_on: date | None
    outcome_code: str
    grades: dict[str, str]  # column: value as in the file, for the type's sub-judgements
    report_url: str
    notes: list[str] = field(default_factory=list)


def _dates(row: dict, published_on: date | None) -> tuple[date, date]:
    start = _parse_date(row["inspection_start_date"], "inspection_start_date")
    end = _parse_date(row["inspection_end_date"], "inspection_end_date")
    if start is None or end is None:
        published = f" (report published {published_on:%d/%m/%Y})" if published_on else ""
        missing = "inspection_start_date" if start is None else "inspection_end_date"
        raise _Skip("no_dates", f"{missing} is blank{published}")
    return start, end


def _ilacs_row(row: dict, councils: _Councils) -> _Row:
    published_on = _parse_date(row["publication_date"], "publication_date")
    framework = _grade_key(row["inspection_framework"])
    blank_dates = not (row["inspection_start_date"] or "").strip()
    if not framework and blank_dates and published_on and published_on <= LAST_SIF_PUBLICATION:
        raise _Skip(
            "sif_report", f"no inspection dates (SIF report published {published_on:%d/%m/%Y})"
        )
    start, end = _dates(row, published_on)
    council = councils.match(urn=row["urn"])
    notes = []
    if framework in ILACS_FRAMEWORKS:
        type_code = ILACS_FRAMEWORKS[framework]
    elif framework:
        raise _Skip("unknown_framework", f"inspection_framework {row['inspection_framework']!r}")
    elif start < ILACS_START:
        raise _Skip(
            "sif_inspection",
            f"no inspection_framework and on site from {start:%d/%m/%Y}, before ILACS began",
        )
    else:
        # No framework given but dated after ILACS began: decide by the time on site, which is
        # what tells the two apart (a short inspection is one week, a standard one two).
        days = working_days(start, end)
        type_code = "ilacs_short" if days <= SHORT_MAX_WORKING_DAYS else "ilacs_standard"
        notes.append(
            f"no inspection_framework: taken as {type_code} from its {days} working days on site"
        )
    return _Row(
        council=council,
        type_code=type_code,
        on_site_start=start,
        on_site_end=end,
        published_on=published_on,
        outcome_code=_four_point(
            row["overall_effectiveness_grade"], "overall_effectiveness_grade", notes
        ),
        grades=row,
        report_url=(row["inspection_link"] or "").strip(),
        notes=notes,
    )


def _send_row(row: dict, councils: _Councils) -> _Row:
    published_on = _parse_date(row["publication_date"], "publication_date")
    start, end = _dates(row, published_on)
    council = councils.match(urn=row["urn"], dfe_number=row["la_code"], gss_code=row["ltla23cd"])
    notes = []
    return _Row(
        council=council,
        type_code="area_send_full",
        on_site_start=start,
        on_site_end=end,
        published_on=published_on,
        outcome_code=_send_outcome(row["outcome_grade"], notes),
        grades=row,
        report_url=(row["inspection_link"] or "").strip(),
        notes=notes,
    )


_ROW_READERS = {ILACS: _ilacs_row, SEND: _send_row}

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
]


# --- Loading -------------------------------------------------------------------------------------


def _read_rows(text: str, kind: str, file_name: str):
    """(line number, row) for each record; the line is where the record starts in the file."""
    reader = csv.DictReader(io.StringIO(text))
    missing = REQUIRED_COLUMNS[kind] - set(reader.fieldnames or [])
    if missing:
        raise PublishedFileError(
            f"{file_name} is not the published {KINDS[kind]} file: it has no "
            f"{', '.join(sorted(missing))} column{'s' if len(missing) > 1 else ''}"
        )
    end_of_previous = reader.line_num
    for row in reader:
        yield end_of_previous + 1, row
        end_of_previous = reader.line_num


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
        self.outcomes = {
            (t.code, outcome.code): outcome
            for t in self.types.values()
            for outcome in t.outcomes.all()
        }
        self.by_report = {
            event.report_url: event
            for event in InspectionEvent.objects.filter(source=Source.PUBLISHED).exclude(
                report_url=""
            )
        }
        self.seen_reports: dict[str, int] = {}

    def load_row(self, line: int, raw: dict) -> None:
        try:
            row = _ROW_READERS[self.kind](raw, self.councils)
            if row.report_url in self.seen_reports:
                first = self.seen_reports[row.report_url]
                raise _Skip("same_report", f"the same report as line {first} ({row.report_url})")
            status = self._save(row)
        except _Skip as skip:
            name = (raw.get("local_authority") or "").strip()
            self.summary.skipped.append(SkippedRow(line, skip.reason, skip.detail, name))
            return
        if row.report_url:
            self.seen_reports[row.report_url] = line
        getattr(self.summary, status).append(line)
        self.summary.events_by_type[row.type_code] += 1
        self.summary.notes.extend(RowNote(line, note) for note in row.notes)

    def _event_values(self, row: _Row) -> dict:
        itype = self.types.get(row.type_code)
        if itype is None:
            raise PublishedFileError(
                f"There is no inspection type with the code {row.type_code!r}: add it in the "
                "admin (or restore its code) and load the file again"
            )
        outcome = None
        if row.outcome_code != NOT_RECORDED:
            outcome = self.outcomes.get((row.type_code, row.outcome_code))
            if outcome is None:
                row.notes.append(f"{itype.name} has no outcome {row.outcome_code!r}: not recorded")
        sub_judgements = {
            area: _four_point(row.grades.get(f"{area}_grade", ""), f"{area}_grade", row.notes)
            for area in itype.judgement_areas
        }
        return {
            "council": row.council,
            "inspection_type": itype,
            "on_site_start": row.on_site_start,
            "on_site_end": row.on_site_end,
            "published_on": row.published_on,
            "outcome": outcome,
            "sub_judgements": sub_judgements,
            "report_url": row.report_url,
            "source": Source.PUBLISHED,
        }

    def _existing_event(self, row: _Row, values: dict) -> InspectionEvent | None:
        event = self.by_report.get(row.report_url) if row.report_url else None
        if event is not None:
            return event
        # The same inspection logged before it was published (by the council, an import or the
        # demo): take it over rather than make a second event of it.
        event = InspectionEvent.objects.filter(
            council=values["council"],
            inspection_type=values["inspection_type"],
            on_site_start=values["on_site_start"],
        ).first()
        if event is not None and event.source != Source.PUBLISHED:
            row.notes.append(
                f"took over event {event.pk} ({event.get_source_display().lower()}), "
                "keeping its notes and staff time"
            )
        return event

    def _save(self, row: _Row) -> str:
        """Create, update or leave the row's event: returns loaded, updated or unchanged."""
        values = self._event_values(row)
        event = self._existing_event(row, values)
        status = "updated" if event is not None else "loaded"
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
            self.by_report[row.report_url] = event
        # A newer file can move a report to another council: both councils changed.
        self.summary.changed_council_ids |= {event.council_id, before["council_id"]} - {None}
        return status


def published_file_read(path: Path) -> str:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return handle.read()


@transaction.atomic
def published_history_load(
    *, kind: str, text: str | None = None, path: Path | None = None, file_name: str = ""
) -> PublishedLoadSummary:
    """Create or update the published events of one file; see the module's docstring.

    Give the file's ``text`` or its ``path``; neither means the copy in the project.
    Raises PublishedFileError when the file as a whole is wrong, saving nothing. Afterwards
    (on commit) the cluster check runs for every council whose events changed.
    """
    if kind not in KINDS:
        raise PublishedFileError(f"Unknown kind {kind!r}: choose one of {', '.join(KINDS)}")
    if text is None:
        path = path or PUBLISHED_FILES[kind]
        text = published_file_read(path)
        file_name = file_name or path.name
    loader = _Loader(kind, file_name or PUBLISHED_FILES[kind].name)
    for line, raw in _read_rows(text, kind, loader.file_name):
        loader.load_row(line, raw)
    changed = sorted(loader.summary.changed_council_ids)
    if changed:
        analyze_tables(InspectionEvent)
        # Published reports are past news: their clusters are recorded and shown, but nobody is
        # e-mailed about inspections of years ago (a first load would alert every council).
        dashboards_changed()
        outbox_record("inspections.tasks.recheck_councils_quietly", changed)
        # New history changes the observed gaps, so every council's forecast: recorded quietly.
        outbox_record(FORECAST_ALL_TASK, False)
    return loader.summary
