"""Bulk import of inspection events and staff time from council spreadsheets (CSV).

The rules are the forms' rules: each row becomes a model instance and goes through
``event_prepare`` (events: working days and ``full_clean``) or ``full_clean`` (staff time), so an
import can never hold what a form would refuse. Every row is checked before anything is saved;
if any row has a problem the file is refused as a whole and every problem is listed by row and
column. Otherwise the whole file is saved in one transaction.

Re-importing a file changes nothing:

- an **event** is matched on its council, inspection type and on-site start (the database's own
  unique key) and updated only if a value differs;
- **staff time** is matched on its event: for every event named in the file, the file's rows are
  that event's complete staff time. If they are the same entries as those stored (team, phase,
  hours, people, note and demo mark, counted with repeats: two identical rows are two entries)
  the event is left alone; otherwise its entries are replaced by the file's rows. Events the file
  does not name are never touched. A whole-row key is the only one that works: a council logs
  several entries for the same team and phase, and none of them has a name of its own.

Row numbers are those a spreadsheet shows: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import csv
import io
import logging
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    transaction,
)
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from burden import plausible
from burden.database import analyze_tables
from councils.access import UserAccess, access_for
from councils.models import Council, CouncilMembership
from councils.resolver import CouncilMatch, CouncilNotResolved, CouncilResolver

from ..csv_reader import (
    CsvFileError,
    ValueReadError,
    address_complete,
    csv_read,
    date_read,
    number_read,
    outcome_match,
)
from ..exports import EVENT_HEADER, STAFF_TIME_HEADER, unneutralise
from ..models import (
    HOURS_RANGE_MESSAGE,
    MAX_HOURS_PER_ENTRY,
    MAX_PEOPLE,
    ImportJob,
    InspectionEvent,
    InspectionOutcome,
    InspectionType,
    Phase,
    Source,
    StaffTime,
    StaffTimeRollup,
    Team,
)
from ..outbox import RESEND_AFTER, outbox_send
from . import council_changed, councils_changed_quietly, event_prepare, events_lock
from .audit import bulk_delete_with_history
from .estimates import EstimateError, estimated_on_site_dates

logger = logging.getLogger(__name__)

EVENTS = ImportJob.Kind.EVENTS
STAFF_TIME = ImportJob.Kind.STAFF_TIME
# A page of a few hundred problems is already more than anyone reads; the count says the rest.
MAX_ERRORS_KEPT = 500
PROGRESS_EVERY_ROWS = 500
# The reason recorded in the history of what an import creates, changes and deletes.
IMPORT_REASON = "CSV import"
SAVE_BATCH = 1000


# --- Columns -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    example: str = ""
    required: bool = False
    read: bool = True  # False: written by the export for readers, ignored by the import


COUNCIL_COLUMNS = [
    Column(
        "council_gss_code",
        "The council's GSS code. Either this or council_name is needed; if both are given they "
        "must name the same council.",
        "E08000003",
    ),
    Column(
        "council_name",
        "The council's name, as the register, the inspectorates or people write it (Hull, "
        "St Helens, Royal Borough of Greenwich), or a joint service (Tower Hamlets and City "
        "of London), which is recorded once for each member council.",
        "Manchester",
    ),
    Column(
        "region",
        "The council's region. Not read: the council decides it.",
        "North West",
        read=False,
    ),
]
EVENT_COLUMNS = [
    *COUNCIL_COLUMNS,
    Column(
        "inspection_type",
        "The inspection type's code (or its full name), for example ilacs_focused_visit.",
        "ilacs_focused_visit",
        required=True,
    ),
    Column("inspection_type_name", "The type's name. Not read.", "ILACS focused visit", read=False),
    Column("family", "The type's family. Not read.", "ilacs", read=False),
    Column("notified_on", "Date the council was told. Optional.", "2025-02-24"),
    Column(
        "on_site_start",
        "First day on site. Leave empty for an event known only by its publication date: the "
        "dates are then estimated from the type's typical lag, and shown as estimated.",
        "2025-03-03",
    ),
    Column(
        "on_site_end",
        "Last day on site; for a one-day visit the same date. Needed with on_site_start.",
        "2025-03-04",
    ),
    Column(
        "dates_estimated",
        "yes when the on-site dates are estimates (as the export writes them); otherwise no "
        "or empty.",
        "no",
    ),
    Column(
        "on_site_working_days",
        "Not read: worked out from the dates (Monday to Friday less bank holidays).",
        "2",
        read=False,
    ),
    Column("published_on", "Date the report or letter was published. Optional.", "2025-04-10"),
    Column(
        "outcome",
        "The outcome's code (or its label), one of the inspection type's outcomes. "
        "Leave empty if not known yet.",
        "letter",
    ),
    Column("outcome_label", "The outcome's label. Not read.", "Letter published", read=False),
    Column("theme", "For a JTAI deep dive, its theme. Optional.", "Domestic abuse"),
    Column(
        "report_url", "Address of the published report. Optional.", "https://reports.ofsted.gov.uk/"
    ),
    Column("notes", "Notes. Optional.", ""),
    Column(
        "joint_service",
        "The joint service or joint inspection the event was recorded from. Optional: set from "
        "council_name when that names a joint service.",
        "",
    ),
    Column("staff_hours", "Not read: import staff time with its own file.", "52.5", read=False),
    Column(
        "staff_hours_demo",
        "Not read: whether the event's staff hours include demo entries.",
        "no",
        read=False,
    ),
    Column("clusters", "Not read: clusters are worked out by the service.", "", read=False),
    Column(
        "demo",
        "yes for demo (invented) data, which stays marked as demo; otherwise no or empty.",
        "no",
    ),
]
STAFF_TIME_COLUMNS = [
    *COUNCIL_COLUMNS,
    Column(
        "inspection_type",
        "With the council and on_site_start, names the event the hours belong to "
        "(the event must exist: import or log it first). Code or full name.",
        "ilacs_focused_visit",
        required=True,
    ),
    Column("on_site_start", "The event's first day on site.", "2025-03-03", required=True),
    Column(
        "team",
        "One of: " + ", ".join(f"{code} ({label})" for code, label in Team.choices) + ".",
        "data",
        required=True,
    ),
    Column(
        "phase",
        "One of: " + ", ".join(f"{code} ({label})" for code, label in Phase.choices) + ".",
        "preparation",
        required=True,
    ),
    Column(
        "staff_hours",
        f"Hours of the whole team in this phase: a number more than 0 and at most "
        f"{MAX_HOURS_PER_ENTRY:,}, at most 2 decimal places, no units (1,234.50 is read).",
        "37.5",
        required=True,
    ),
    Column("people", "Number of people. Optional: 1 if empty.", "2"),
    Column("note", "A note. Optional.", ""),
    Column("demo", "yes for demo (invented) hours; otherwise no or empty.", "no"),
]
# Read by the import, never written by the export: other ways files name the council.
CODE_COLUMNS = [
    Column("council_dfe_number", "The council's DfE LA number, e.g. 352. Optional.", "352"),
    Column("council_ofsted_urn", "The council's Ofsted URN, e.g. 80446. Optional.", "80446"),
]
COLUMNS: dict[str, list[Column]] = {EVENTS: EVENT_COLUMNS, STAFF_TIME: STAFF_TIME_COLUMNS}
# The import reads what the export writes: a downloaded file can be loaded back unchanged.
assert [c.name for c in EVENT_COLUMNS] == EVENT_HEADER
assert [c.name for c in STAFF_TIME_COLUMNS] == STAFF_TIME_HEADER

# Other headers real files use for the same columns (after header_key: lower case, spaces and
# hyphens as underscores). One table for both kinds; a kind reads only its own columns.
_SHARED_SYNONYMS = {
    "gss_code": "council_gss_code",
    "council_gss": "council_gss_code",
    "new_la_code": "council_gss_code",
    "la_code_new": "council_gss_code",
    "ltla23cd": "council_gss_code",
    "council": "council_name",
    "local_authority": "council_name",
    "local_authority_name": "council_name",
    "la_name": "council_name",
    "la": "council_name",
    "authority": "council_name",
    "la_code": "council_dfe_number",
    "dfe_number": "council_dfe_number",
    "dfe_la_number": "council_dfe_number",
    "old_la_code": "council_dfe_number",
    "la_number": "council_dfe_number",
    "urn": "council_ofsted_urn",
    "ofsted_urn": "council_ofsted_urn",
    "type": "inspection_type",
    "inspection": "inspection_type",
    "start_date": "on_site_start",
    "inspection_start_date": "on_site_start",
    "on_site_start_date": "on_site_start",
}
SYNONYMS: dict[str, dict[str, str]] = {
    EVENTS: {
        **_SHARED_SYNONYMS,
        "date_notified": "notified_on",
        "notification_date": "notified_on",
        "notified": "notified_on",
        "end_date": "on_site_end",
        "inspection_end_date": "on_site_end",
        "on_site_end_date": "on_site_end",
        "publication_date": "published_on",
        "date_published": "published_on",
        "published": "published_on",
        "report_published": "published_on",
        "outcome_grade": "outcome",
        "grade": "outcome",
        "rating": "outcome",
        "overall_rating": "outcome",
        "overall_effectiveness_grade": "outcome",
        "judgement": "outcome",
        "report_link": "report_url",
        "inspection_link": "report_url",
        "report_address": "report_url",
        "link": "report_url",
        "note": "notes",
        "comments": "notes",
    },
    STAFF_TIME: {
        **_SHARED_SYNONYMS,
        "hours": "staff_hours",
        "notes": "note",
        "comments": "note",
        "number_of_people": "people",
    },
}

# Model field -> column, for the model's own validation messages.
FIELD_COLUMNS = {
    "council": "council_gss_code",
    "inspection_type": "inspection_type",
    "hours": "staff_hours",
    NON_FIELD_ERRORS: "",
}


def template_csv(kind: str) -> bytes:
    """The template to download: the header row, UTF-8 with a BOM, as the exports."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer, lineterminator="\r\n").writerow([c.name for c in COLUMNS[kind]])
    return buffer.getvalue().encode("utf-8")


# --- Reading the file ----------------------------------------------------------------------


class ImportFileError(CsvFileError):
    """The file as a whole cannot be read: wrong encoding, size, columns, no rows."""


@dataclass
class CsvFile:
    columns: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as a spreadsheet shows it, cells)
    problems: list[RowError] = field(default_factory=list)  # rows with the wrong cell count
    described: str = ""  # how it was read: encoding and delimiter


def csv_file_read(*, kind: str, content: bytes) -> CsvFile:
    """Check the file as a whole (size, encoding, columns, row count). Raises ImportFileError.

    The file is read by the one CSV reader (``inspections.csv_reader``): UTF-8 or Windows-1252,
    comma, semicolon or tab, headers in any case and spacing and their usual synonyms.
    """
    try:
        table = csv_read(
            content,
            synonyms=SYNONYMS[kind],
            max_bytes=settings.IMPORT_MAX_BYTES,
            max_rows=settings.IMPORT_MAX_ROWS,
            header_check=lambda columns: _header_check(columns, kind),
        )
    except CsvFileError as exc:
        raise ImportFileError(exc.messages) from None
    columns, rows = table.columns, table.rows
    problems = [RowError(number, "", message) for number, message in table.ragged]
    if not rows:
        raise ImportFileError(["The file has a header row but no rows of data."])
    return CsvFile(columns=columns, rows=rows, problems=problems, described=table.described())


# A header row has at most this many columns: the imports read about twenty.
MAX_COLUMNS = 200
# At most this many unknown column names are listed in the message.
LISTED_UNKNOWN = 20


def _header_check(columns: list[str], kind: str) -> None:
    """Refuse a header with missing, unnamed, repeated or unknown columns (ImportFileError).

    Linear in the header's length (a set and a Counter, never ``list.count`` per name), and a
    header of more than MAX_COLUMNS is refused before anything else is looked at.
    """
    if not columns:
        raise ImportFileError(["The file has no header row with the column names."])
    if len(columns) > MAX_COLUMNS:
        raise ImportFileError(
            [
                f"The header row has {len(columns):,} columns: this import reads at most "
                f"{len(COLUMNS[kind])}. Keep only the columns listed on this page."
            ]
        )
    known = {c.name for c in COLUMNS[kind]} | {c.name for c in CODE_COLUMNS}
    present = set(columns)
    messages = []
    if "" in present:
        messages.append(
            f"Column {columns.index('') + 1} of the header row has no name. Every column needs "
            "one of the names listed on this page."
        )
    counts = Counter(name for name in columns if name)
    for name in sorted(name for name, count in counts.items() if count > 1):
        messages.append(f"The column ‘{name}’ appears more than once in the header row.")
    unknown = [name for name in counts if name not in known]
    if unknown:
        listed = ", ".join(f"‘{name}’" for name in unknown[:LISTED_UNKNOWN])
        if len(unknown) > LISTED_UNKNOWN:
            listed += f" and {len(unknown) - LISTED_UNKNOWN:,} more"
        messages.append(
            "The file has columns this import does not read: "
            + listed
            + ". Remove them, or correct their names to those listed on this page."
        )
    for column in COLUMNS[kind]:
        if column.required and column.name not in present:
            messages.append(f"The file has no ‘{column.name}’ column, which is needed.")
    if kind == EVENTS and "on_site_start" in present and "on_site_end" not in present:
        messages.append("The file has no ‘on_site_end’ column, which is needed with on_site_start.")
    if kind == EVENTS and "on_site_start" not in present and "published_on" not in present:
        messages.append(
            "The file needs an ‘on_site_start’ column, or a ‘published_on’ column for events "
            "known only by their publication date."
        )
    if not {"council_gss_code", "council_name", "council_dfe_number", "council_ofsted_urn"} & (
        present
    ):
        messages.append("The file needs a ‘council_gss_code’ or a ‘council_name’ column.")
    if messages:
        raise ImportFileError(messages)


# --- Checking rows -------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        where = f"Row {self.row}" if self.row else "The file"
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


class RowProblem(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _parse_date(text: str, column: str, *, required: bool) -> date | None:
    if not text:
        if required:
            raise RowProblem(column, "Enter a date: this column is needed on every row.")
        return None
    try:
        day = date_read(text)
    except ValueReadError as exc:
        raise RowProblem(column, str(exc)) from None
    problem = plausible.date_problem(day, column)
    if problem:
        raise RowProblem(column, problem + ".")
    return day


def _parse_yes_no(text: str, column: str = "demo") -> bool:
    value = text.casefold()
    if value in {"", "no", "n", "false", "0"}:
        return False
    if value in {"yes", "y", "true", "1"}:
        return True
    raise RowProblem(column, f"‘{text}’ is not yes or no.")


def _choice(text: str, column: str, choices) -> str:
    by_key = {}
    for code, label in choices:
        by_key[_key(code)] = code
        by_key[_key(label)] = code
    value = by_key.get(_key(text))
    if value is None:
        if not text:
            raise RowProblem(column, "Enter a value: this column is needed on every row.")
        raise RowProblem(
            column,
            f"‘{text}’ is not one of: " + ", ".join(code for code, _ in choices) + ".",
        )
    return value


class _Lookups:
    """The reference data a file refers to, read once, matched without regard to case."""

    def __init__(self, access: UserAccess):
        self.access = access
        self.resolver = CouncilResolver()
        self.own_council = (
            Council.objects.filter(pk=access.council_id).first() if access.council_id else None
        )
        self.types: dict[str, InspectionType] = {}
        for itype in InspectionType.objects.all():
            self.types[_key(itype.code)] = itype
            self.types[_key(itype.name)] = itype
        self.outcomes: dict[int, list[InspectionOutcome]] = {}
        for outcome in InspectionOutcome.objects.all():
            self.outcomes.setdefault(outcome.inspection_type_id, []).append(outcome)

    def councils(self, cells: dict[str, str], itype: InspectionType | None) -> CouncilMatch:
        """The council (or each member council of a joint service) a row names, through the
        council resolver; only those this user may import for (others dropped with a warning
        in ``match.note``, or the row refused when none is left)."""
        gss = cells.get("council_gss_code", "")
        dfe = cells.get("council_dfe_number", "")
        urn = cells.get("council_ofsted_urn", "")
        name = cells.get("council_name", "")
        family = itype.family if itype else None
        column = (
            "council_gss_code" if gss else "council_dfe_number" if dfe else "council_ofsted_urn"
        )
        try:
            if gss or dfe or urn:
                match = self.resolver.resolve_code(gss_code=gss, dfe_number=dfe, urn=urn)
                if name:
                    column = "council_name"
                    named = self.resolver.resolve_name(name, family=family)
                    if not set(match.councils) <= set(named.councils):
                        raise RowProblem(
                            "council_name",
                            f"‘{name}’ is not the council with {gss or dfe or urn}, which is "
                            f"{match.council.name}.",
                        )
                    match = CouncilMatch(match.councils, named.joint_service, match.note)
            elif name:
                column = "council_name"
                match = self.resolver.resolve_name(name, family=family)
            else:
                raise RowProblem("council_gss_code", "Enter the council's GSS code or name.")
        except CouncilNotResolved as exc:
            raise RowProblem(column, exc.message) from None
        allowed = tuple(c for c in match.councils if self.access.can_edit_council(c.pk))
        if not allowed:
            own = f"only for {self.own_council.name}" if self.own_council else "for no council"
            names = " and ".join(c.name for c in match.councils)
            raise RowProblem(column, f"This row is for {names}, but you may import {own}.")
        if len(allowed) < len(match.councils):
            others = " and ".join(c.name for c in match.councils if c not in allowed)
            note = f"recorded for {allowed[0].name} only: you may not import for {others}"
            note = "; ".join(filter(None, [match.note, note]))
            match = CouncilMatch(allowed, match.joint_service, note)
        return match

    def inspection_type(self, text: str) -> InspectionType:
        if not text:
            raise RowProblem("inspection_type", "Enter the inspection type's code.")
        itype = self.types.get(_key(text))
        if itype is None:
            raise RowProblem(
                "inspection_type",
                f"‘{text}’ is not an inspection type. Use one of the codes listed on this "
                "page, for example ilacs_focused_visit.",
            )
        return itype

    def outcome(self, text: str, itype: InspectionType) -> InspectionOutcome | None:
        if not text:
            return None
        outcome = outcome_match(text, self.outcomes.get(itype.pk, []))
        if outcome is None:
            codes = [o.code for o in self.outcomes.get(itype.pk, [])]
            raise RowProblem(
                "outcome",
                f"‘{text}’ is not an outcome of {itype.name}. "
                + (f"Its outcomes are: {', '.join(codes)}." if codes else "It has no outcomes.")
                + " Leave the cell empty if there is none yet.",
            )
        return outcome


def _validation_problems(exc: ValidationError) -> list[tuple[str, str]]:
    if not hasattr(exc, "error_dict"):
        return [("", message) for message in exc.messages]
    return [
        (FIELD_COLUMNS.get(name, name), message)
        for name, errors in exc.error_dict.items()
        for error in errors
        for message in error.messages
    ]


def _cells(csv_file: CsvFile, values: list[str]) -> dict[str, str]:
    return {name: value.strip() for name, value in zip(csv_file.columns, values, strict=True)}


def _reader(row: dict, problems: list) -> Callable:
    """Read one value into the row, or note the problem and carry on with the next column."""

    def read(name, parse, *args, **kwargs):
        try:
            row[name] = parse(*args, **kwargs)
        except RowProblem as problem:
            problems.append((problem.column, problem.message))

    return read


def _text(cells: dict[str, str], column: str) -> str:
    return unneutralise(cells.get(column, "").strip())


# --- Results -------------------------------------------------------------------------------


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    entries_added: int = 0
    entries_removed: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    warnings: list[RowError] = field(default_factory=list)  # read, but not as written
    councils_changed: list[int] = field(default_factory=list)
    described: str = ""  # how the file was read (encoding, delimiter)
    backfill: bool = False  # every event ended before today: clusters recorded, nobody e-mailed

    @property
    def saved(self) -> bool:
        return self.error_count == 0

    def add_error(self, row: int | None, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(RowError(row, column, message))

    def add_warning(self, row: int | None, column: str, message: str) -> None:
        if len(self.warnings) < MAX_ERRORS_KEPT:
            self.warnings.append(RowError(row, column, message))

    def summary(self) -> str:
        if not self.saved:
            return (
                f"Nothing was saved: the file has {self.error_count:,} "
                f"problem{'s' if self.error_count != 1 else ''} to correct."
            )
        if self.kind == EVENTS:
            return (
                f"{self.rows:,} rows checked and saved: {self.created:,} events added, "
                f"{self.updated:,} updated, {self.unchanged:,} unchanged."
            )
        return (
            f"{self.rows:,} rows checked and saved: the staff time of {self.updated:,} "
            f"event{'s' if self.updated != 1 else ''} replaced ({self.entries_added:,} entries "
            f"added, {self.entries_removed:,} removed); {self.unchanged:,} "
            f"event{'s' if self.unchanged != 1 else ''} unchanged."
        )

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "entries_added": self.entries_added,
            "entries_removed": self.entries_removed,
            "error_count": self.error_count,
            "errors": [error.as_dict() for error in self.errors],
            "warnings": [warning.as_dict() for warning in self.warnings],
            "described": self.described,
            "backfill": self.backfill and bool(self.created or self.updated),
            "summary": self.summary(),
        }


Progress = Callable[[int], None]


# --- Events --------------------------------------------------------------------------------

EVENT_COMPARED_FIELDS = [
    "on_site_start",
    "notified_on",
    "on_site_end",
    "dates_estimated",
    "published_on",
    "outcome_id",
    "theme",
    "notes",
    "report_url",
    "joint_service",
]
# How far an estimated event's start may be from the real one for real dates to replace it,
# when the row has no publication date to match on.
ESTIMATE_MATCH_DAYS = 120


def _row_start(csv_file, lookups, number, values):
    """A row's cells, and the inspection type and council(s) it names (both kinds of file)."""
    cells = _cells(csv_file, values)
    row, problems = {"number": number}, []
    read = _reader(row, problems)
    read("inspection_type", lookups.inspection_type, cells.get("inspection_type", ""))
    read("match", lookups.councils, cells, row.get("inspection_type"))
    return cells, row, problems, read


def _event_dates(row: dict, cells: dict, problems: list) -> None:
    """On-site dates as given, or estimated from the publication date when none are given."""
    start, end = cells.get("on_site_start", ""), cells.get("on_site_end", "")
    read = _reader(row, problems)
    read("notified_on", _parse_date, cells.get("notified_on", ""), "notified_on", required=False)
    read("published_on", _parse_date, cells.get("published_on", ""), "published_on",
         required=False)  # fmt: skip
    read("dates_estimated", _parse_yes_no, cells.get("dates_estimated", ""), "dates_estimated")
    if start or end or not cells.get("published_on"):
        read("on_site_start", _parse_date, start, "on_site_start", required=True)
        read("on_site_end", _parse_date, end, "on_site_end", required=True)
        return
    itype, published_on = row.get("inspection_type"), row.get("published_on")
    if itype is None or published_on is None:
        return
    try:
        row["on_site_start"], row["on_site_end"] = estimated_on_site_dates(
            inspection_type=itype, published_on=published_on
        )
    except EstimateError as exc:
        problems.append(("on_site_start", str(exc)))
        return
    row["dates_estimated"] = True
    row["warnings"].append(
        (
            "on_site_start",
            f"no on-site dates: estimated as {row['on_site_start']:%d/%m/%Y} to "
            f"{row['on_site_end']:%d/%m/%Y}, the publication date less {itype.name}'s typical "
            f"{itype.typical_publication_lag_days} days, and shown as estimated",
        )
    )


def _event_rows_check(csv_file, lookups, result, progress, file_name):
    """Each row as a prepared event (new or changed), or its problems; nothing saved.

    A row naming a joint service becomes one event for each member council.
    """
    parsed = []
    council_ids = set()
    for number, values in csv_file.rows:
        cells, row, problems, read = _row_start(csv_file, lookups, number, values)
        row["warnings"] = []
        _event_dates(row, cells, problems)
        read("demo", _parse_yes_no, cells.get("demo", ""))
        if "inspection_type" in row:
            read("outcome", lookups.outcome, cells.get("outcome", ""), row["inspection_type"])
        report_url, warning = address_complete(_text(cells, "report_url"))
        if warning:
            row["warnings"].append(("report_url", warning))
        match = row.pop("match", None)
        if match and match.note:
            row["warnings"].append(("council_name", match.note))
        row.update(
            theme=_text(cells, "theme"),
            notes=_text(cells, "notes"),
            report_url=report_url,
            joint_service=(match.joint_service if match else "") or _text(cells, "joint_service"),
            problems=problems,
        )
        for column, message in row["warnings"]:
            result.add_warning(number, column, message)
        for council in match.councils if match else [None]:
            each = dict(row, problems=list(problems))
            if council is not None:
                each["council"] = council
                council_ids.add(council.pk)
            parsed.append(each)

    existing = {
        (event.council_id, event.inspection_type_id, event.on_site_start): event
        for event in InspectionEvent.objects.filter(council_id__in=council_ids).select_related(
            "inspection_type", "outcome"
        )
    }
    estimated: dict[tuple, list[InspectionEvent]] = {}
    for event in existing.values():
        if event.dates_estimated:
            estimated.setdefault((event.council_id, event.inspection_type_id), []).append(event)
    seen: dict[tuple, int] = {}
    new, changed = [], []
    for done, row in enumerate(parsed, start=1):
        number, problems = row["number"], row["problems"]
        if not problems:
            key = (row["council"].pk, row["inspection_type"].pk, row["on_site_start"])
            if key in seen:
                problems.append(
                    (
                        "on_site_start",
                        f"This row repeats row {seen[key]}: the same council, inspection type "
                        "and on-site start. Keep one of them.",
                    )
                )
            else:
                seen[key] = number
        if not problems:
            event = existing.get(key) or _estimated_event_for(row, estimated)
            problems.extend(_published_record_problems(event, row, lookups.access))
        if not problems:
            event, is_new = _event_from_row(row, event, file_name)
            if event is not None:
                try:
                    # Council, type and outcome found above; the unique rule checked against
                    # the file (``seen``) and the database (``existing``) for the whole file.
                    event_prepare(event, checked_in_bulk=True)
                except ValidationError as exc:
                    problems.extend(_validation_problems(exc))
                else:
                    (new if is_new else changed).append(event)
            else:
                result.unchanged += 1
        for column, message in problems:
            result.add_error(number, column, message)
        if progress and done % PROGRESS_EVERY_ROWS == 0:
            progress(done)
    return new, changed


def _estimated_event_for(row: dict, estimated: dict) -> InspectionEvent | None:
    """The stored estimated event that a row with real dates replaces, if any.

    Same council and type; the same publication date when the row gives one, else the estimate
    nearest the real start within ESTIMATE_MATCH_DAYS. A row that is itself estimated replaces
    nothing (its own estimate is found by the usual key).
    """
    if row.get("dates_estimated"):
        return None
    candidates = estimated.get((row["council"].pk, row["inspection_type"].pk), [])
    if row.get("published_on"):
        candidates = [e for e in candidates if e.published_on == row["published_on"]]
    else:
        candidates = [
            e
            for e in candidates
            if abs((e.on_site_start - row["on_site_start"]).days) <= ESTIMATE_MATCH_DAYS
        ]
    if not candidates:
        return None
    event = min(candidates, key=lambda e: abs((e.on_site_start - row["on_site_start"]).days))
    candidates_all = estimated[(row["council"].pk, row["inspection_type"].pk)]
    candidates_all.remove(event)  # one row replaces one estimate
    return event


def _published_record_problems(event, row, access: UserAccess) -> list[tuple[str, str]]:
    """A published record keeps what the inspectorate published, unless an administrator asks."""
    if event is None or not event.is_published_record or access.is_admin:
        return []
    changed = [
        name
        for name in InspectionEvent.PUBLISHED_FIELDS
        if name in row and getattr(event, name) != row[name]
    ]
    if not changed:
        return []
    return [
        (
            changed[0],
            "This is a published inspection record: its dates, outcome and report address stay "
            "as published, and only an administrator can change them. Change only the notes or "
            "the theme, or copy these columns from the export.",
        )
    ]


def _event_from_row(row, event, file_name):
    """The event to save for a row, and whether it is new; None if the stored one is the same."""
    values = {
        "on_site_start": row["on_site_start"],
        "notified_on": row["notified_on"],
        "on_site_end": row["on_site_end"],
        "dates_estimated": row["dates_estimated"],
        "published_on": row["published_on"],
        "outcome": row["outcome"],
        "theme": row["theme"],
        "notes": row["notes"],
        "report_url": row["report_url"],
        "joint_service": row["joint_service"],
    }
    is_new = event is None
    if is_new:
        event = InspectionEvent(
            council=row["council"],
            inspection_type=row["inspection_type"],
            **values,
        )
    elif event.is_published_record:
        # The published record keeps its provenance; a file may add the council's notes.
        if not _event_differs(event, values, demo=False):
            return None, False
        for name, value in values.items():
            setattr(event, name, value)
        return event, False
    elif not _event_differs(event, values, row["demo"]):
        return None, False
    else:
        for name, value in values.items():
            setattr(event, name, value)
    # The file is now where these values come from; a row marked demo stays demo.
    event.source = Source.DEMO if row["demo"] else Source.IMPORT
    event.source_reference = file_name[:500]
    return event, is_new


def _event_differs(event: InspectionEvent, values: dict, demo: bool) -> bool:
    outcome = values["outcome"]
    if event.outcome_id != (outcome.pk if outcome else None):
        return True
    if any(getattr(event, name) != values[name] for name in values if name != "outcome"):
        return True
    return event.is_demo != demo


class _ChangedMeanwhile(Exception):
    """An event the file changes was changed or deleted after the file was checked."""


def _events_save(new, changed, user, result):
    now = timezone.now()
    # The events the file changes, locked, must still be as they were checked (their version):
    # otherwise a form's save made meanwhile would be overwritten unseen (a lost update).
    checked = {event.pk: event.version for event in changed}
    if checked:
        current = dict(
            InspectionEvent.objects.select_for_update()
            .filter(pk__in=sorted(checked))
            .order_by("pk")
            .values_list("pk", "version")
        )
        if current != checked:
            raise _ChangedMeanwhile
    for event in changed:
        event.version += 1
    for event in new:
        event.source_loaded_at = now
        event.created_by = user
    for event in changed:
        if not event.is_published_record:  # a published record keeps when it was published
            event.source_loaded_at = now
        event.updated_at = now
    bulk_create_with_history(
        new,
        InspectionEvent,
        batch_size=SAVE_BATCH,
        default_user=user,
        default_change_reason=IMPORT_REASON,
    )
    bulk_update_with_history(
        changed,
        InspectionEvent,
        [*EVENT_COMPARED_FIELDS, "on_site_days", "source", "source_reference",
         "source_loaded_at", "updated_at", "version"],
        batch_size=SAVE_BATCH,
        default_user=user,
        default_change_reason=IMPORT_REASON,
    )  # fmt: skip
    result.created, result.updated = len(new), len(changed)
    return {event.council_id for event in [*new, *changed]}


# --- Staff time ----------------------------------------------------------------------------


def _entry_key(entry: StaffTime) -> tuple:
    return (entry.team, entry.phase, entry.hours, entry.people, entry.note, entry.is_demo)


def _staff_time_rows_check(csv_file, lookups, result, progress):
    parsed = []
    council_ids = set()
    for number, values in csv_file.rows:
        cells, row, problems, read = _row_start(csv_file, lookups, number, values)
        read("on_site_start", _parse_date, cells.get("on_site_start", ""), "on_site_start",
             required=True)  # fmt: skip
        read("team", _choice, cells.get("team", ""), "team", Team.choices)
        read("phase", _choice, cells.get("phase", ""), "phase", Phase.choices)
        read("hours", _parse_hours, cells.get("staff_hours", ""))
        read("people", _parse_people, cells.get("people", ""))
        read("demo", _parse_yes_no, cells.get("demo", ""))
        row["note"] = _text(cells, "note")
        row["problems"] = problems
        match = row.pop("match", None)
        if match and len(match.councils) > 1:
            names = " or ".join(c.name for c in match.councils)
            problems.append(
                (
                    "council_name",
                    f"‘{cells.get('council_name', '')}’ is a joint service: staff time belongs to "
                    f"one council's event. Give the council the hours are for: {names}.",
                )
            )
        elif match:
            row["council"] = match.council
            council_ids.add(match.council.pk)
            if match.note:
                result.add_warning(number, "council_name", match.note)
        parsed.append(row)

    events = {
        (council_id, type_id, start): pk
        for pk, council_id, type_id, start in InspectionEvent.objects.filter(
            council_id__in=council_ids
        ).values_list("pk", "council_id", "inspection_type_id", "on_site_start")
    }
    by_event: dict[int, list[StaffTime]] = {}
    for done, row in enumerate(parsed, start=1):
        number, problems = row["number"], row["problems"]
        event_id = None
        if {"council", "inspection_type", "on_site_start"} <= row.keys():
            event_id = events.get(
                (row["council"].pk, row["inspection_type"].pk, row["on_site_start"])
            )
            if event_id is None:
                problems.append(
                    (
                        "on_site_start",
                        f"{row['council'].name} has no {row['inspection_type'].name} starting on "
                        f"{row['on_site_start'].isoformat()}. Import or log the event first.",
                    )
                )
        if not problems:
            entry = StaffTime(
                event_id=event_id,
                team=row["team"],
                phase=row["phase"],
                hours=row["hours"],
                people=row["people"],
                note=row["note"],
                is_demo=row["demo"],
            )
            try:
                # The event was found above, and hours and people read within the database's
                # bounds (_parse_hours, _parse_people): the rest is the model's own rules, with
                # no query a row (see event_prepare's checked_in_bulk).
                entry.full_clean(exclude=["event", "created_by"], validate_constraints=False)
            except ValidationError as exc:
                problems.extend(_validation_problems(exc))
            else:
                by_event.setdefault(event_id, []).append(entry)
        for column, message in problems:
            result.add_error(number, column, message)
        if progress and done % PROGRESS_EVERY_ROWS == 0:
            progress(done)
    return by_event


def _parse_hours(text: str) -> Decimal:
    if not text:
        raise RowProblem("staff_hours", "Enter the hours: this column is needed on every row.")
    negative = text.startswith("-")  # a number, but out of range: the model's message
    try:
        hours = number_read(text.removeprefix("-"))
    except ValueReadError as exc:
        raise RowProblem("staff_hours", str(exc)) from None
    if negative or not 0 < hours <= MAX_HOURS_PER_ENTRY:
        raise RowProblem("staff_hours", HOURS_RANGE_MESSAGE)
    return hours


def _parse_people(text: str) -> int:
    if not text:
        return 1
    try:
        return plausible.parse_whole_number(text, "people", minimum=1, maximum=MAX_PEOPLE)
    except ValueError as exc:
        raise RowProblem("people", f"‘{text}’: {exc}.") from None


def _staff_time_save(by_event, user, result):
    # Lock the events first: parallel imports (and form saves) of the same events' staff time
    # queue here, and each compares against what the one before it saved, so they end as
    # exactly one file's entries instead of adding up.
    if len(events_lock(by_event)) != len(by_event):
        raise _ChangedMeanwhile  # an event was deleted after the file was checked
    stored: dict[int, Counter] = {event_id: Counter() for event_id in by_event}
    for entry in StaffTime.objects.filter(event_id__in=list(by_event)).only(
        "event_id", "team", "phase", "hours", "people", "note", "is_demo"
    ):
        stored[entry.event_id][_entry_key(entry)] += 1
    replace = [
        event_id
        for event_id, entries in by_event.items()
        if Counter(_entry_key(entry) for entry in entries) != stored[event_id]
    ]
    result.unchanged = len(by_event) - len(replace)
    result.updated = len(replace)
    if not replace:
        return set()
    result.entries_removed = sum(sum(stored[event_id].values()) for event_id in replace)
    bulk_delete_with_history(
        StaffTime.objects.filter(event_id__in=replace), user=user, reason=IMPORT_REASON
    )
    new = [entry for event_id in replace for entry in by_event[event_id]]
    for entry in new:
        entry.created_by = user
    bulk_create_with_history(
        new, StaffTime, batch_size=SAVE_BATCH, default_user=user,
        default_change_reason=IMPORT_REASON,
    )  # fmt: skip
    result.entries_added = len(new)
    return set(InspectionEvent.objects.filter(pk__in=replace).values_list("council_id", flat=True))


# --- The import ----------------------------------------------------------------------------


def may_import(access: UserAccess) -> bool:
    """Editors import for their own council, administrators for any; nobody else."""
    return access.is_admin or (
        access.role == CouncilMembership.Role.EDITOR and access.council_id is not None
    )


def import_run(
    *,
    kind: str,
    content: bytes,
    file_name: str,
    user,
    progress: Progress | None = None,
) -> ImportResult:
    """Check every row, then save the whole file in one transaction, or nothing.

    File-level problems (encoding, columns, size) raise ImportFileError; row problems come
    back in the result, with nothing saved.
    """
    access = access_for(user)
    if not may_import(access):
        raise ImportFileError(["You may not import: only council editors and administrators may."])
    csv_file = csv_file_read(kind=kind, content=content)
    result = ImportResult(kind=kind, rows=len(csv_file.rows), described=csv_file.described)
    for problem in csv_file.problems:
        result.add_error(problem.row, problem.column, problem.message)
    lookups = _Lookups(access)
    if kind == EVENTS:
        new, changed = _event_rows_check(csv_file, lookups, result, progress, file_name)
    else:
        by_event = _staff_time_rows_check(csv_file, lookups, result, progress)
    if progress:
        progress(len(csv_file.rows))
    if not result.saved:
        return result
    try:
        with transaction.atomic():
            if kind == EVENTS:
                councils = _events_save(new, changed, user, result)
            else:
                councils = _staff_time_save(by_event, user, result)
            result.backfill = kind == EVENTS and all(
                event.on_site_end < timezone.localdate() for event in [*new, *changed]
            )
            if result.backfill:
                # A history of past events: clusters recorded, nobody e-mailed.
                councils_changed_quietly(councils)
            else:
                for council_id in sorted(councils):
                    council_changed(council_id)
    except (IntegrityError, _ChangedMeanwhile):
        # Someone saved a clashing event, or changed or deleted one the file changes, between
        # the check and the save: nothing was saved.
        result = ImportResult(kind=kind, rows=len(csv_file.rows))
        result.add_error(
            None,
            "",
            "Another change to the same events was saved while this file was being checked. "
            "Nothing from the file was saved: import it again.",
        )
        return result
    result.councils_changed = sorted(councils)
    return result


# --- Import jobs (large files in the background) -------------------------------------------

RUN_IMPORT_JOB_TASK = "inspections.tasks.run_import_job"
# A job started this many times (its worker died, or its database connection dropped, each
# time) is marked failed rather than started again.
IMPORT_MAX_ATTEMPTS = 3
# PostgreSQL advisory locks: (this namespace, job id) is held by the worker running a job, for
# as long as its database session lives, so a job whose worker died is seen at once.
_JOB_LOCK_NAMESPACE = 1101


def import_job_create(*, kind: str, file_name: str, content: bytes, user) -> ImportJob:
    """Check the file as a whole and keep it for processing. Raises ImportFileError.

    A file of more than ``IMPORT_BACKGROUND_ROWS`` rows is sent to a worker once the upload
    commits, and sent again by the outbox drain if that send fails (the job row is its own
    outbox entry). Smaller files are left for the caller to run with :func:`import_job_run`.
    """
    if not may_import(access_for(user)):
        raise ImportFileError(["You may not import: only council editors and administrators may."])
    csv_file = csv_file_read(kind=kind, content=content)
    job = ImportJob.objects.create(
        kind=kind,
        file_name=file_name[:255],
        content=content,
        total_rows=len(csv_file.rows),
        created_by=user,
    )
    if runs_in_background(job):
        job.send_after = timezone.now() + RESEND_AFTER
        ImportJob.objects.filter(pk=job.pk).update(send_after=job.send_after)
        transaction.on_commit(lambda: _job_send(job.pk), robust=True)
    return job


def _job_send(job_id: int, now=None) -> bool:
    if outbox_send(RUN_IMPORT_JOB_TASK, [job_id]):
        return True
    # Due at once: the first drain after the broker returns sends it.
    ImportJob.objects.filter(pk=job_id).update(send_after=now or timezone.now())
    return False


def runs_in_background(job: ImportJob) -> bool:
    return job.total_rows > settings.IMPORT_BACKGROUND_ROWS


def _uses_advisory_locks() -> bool:
    return connection.vendor == "postgresql"


@contextmanager
def _job_lock(job_id: int):
    """Hold the job's advisory lock (PostgreSQL); yields False if another session holds it."""
    if not _uses_advisory_locks():
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_JOB_LOCK_NAMESPACE, job_id])
        locked = cursor.fetchone()[0]
    try:
        yield locked
    finally:
        if locked:
            try:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_advisory_unlock(%s, %s)", [_JOB_LOCK_NAMESPACE, job_id]
                    )
            except DatabaseError:
                pass  # the session is gone, and its locks with it


def _job_is_orphaned(job_id: int, lease_until, now) -> bool:
    """Whether a running job's worker is gone (died, or lost its database connection)."""
    if not _uses_advisory_locks():
        return lease_until is None or lease_until < now
    with _job_lock(job_id) as locked:
        return locked


def _failed_payload(kind: str, summary: str) -> dict:
    return {"kind": kind, "error_count": 1, "errors": [], "summary": summary}


def import_jobs_resume(*, now=None) -> int:
    """Send again the background jobs left waiting or orphaned; returns how many were sent.

    Run by the outbox drain every minute. A job is waiting when its first send never reached
    a worker (the broker was down); orphaned when the worker running it died or lost its
    database connection. Each is claimed with a conditional UPDATE before it is sent.
    """
    now = now or timezone.now()
    due = ImportJob.objects.filter(
        status__in=[ImportJob.Status.PENDING, ImportJob.Status.RUNNING], send_after__lte=now
    ).values_list("pk", "status", "lease_until")
    sent = 0
    for pk, status, lease_until in due:
        if status == ImportJob.Status.RUNNING and not _job_is_orphaned(pk, lease_until, now):
            continue
        claimed = ImportJob.objects.filter(pk=pk, send_after__lte=now).update(
            send_after=now + RESEND_AFTER
        )
        if claimed and _job_send(pk, now):
            logger.info("Import job %s sent again (it was %s)", pk, status)
            sent += 1
    return sent


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Process a job once: claim it, check and save its file, record the result.

    Safe to run twice: a finished job is left alone, and one found still running whose worker
    is gone is run again, because the import itself is one transaction and changes nothing the
    second time. A job started ``IMPORT_MAX_ATTEMPTS`` times is marked failed with a message.
    Database connection errors propagate with the job left running (the task retries it);
    any other error marks it failed and propagates.
    """
    with _job_lock(job_id) as locked:
        if not locked:
            return None  # another worker is running it
        return _import_job_run(job_id)


def _import_job_run(job_id: int) -> ImportJob | None:
    now = timezone.now()
    startable = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING)
    if _uses_advisory_locks():
        # We hold the lock, so a job still marked running has lost its worker.
        startable = ImportJob.objects.filter(
            pk=job_id, status__in=[ImportJob.Status.PENDING, ImportJob.Status.RUNNING]
        )
    else:
        startable = startable | ImportJob.objects.filter(
            pk=job_id, status=ImportJob.Status.RUNNING, lease_until__lt=now
        )
    claimed = startable.filter(attempts__lt=IMPORT_MAX_ATTEMPTS).update(
        status=ImportJob.Status.RUNNING,
        processed_rows=0,
        attempts=F("attempts") + 1,
        lease_until=now + timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT),
        # From now on the drain may send it again as soon as its worker is seen gone.
        send_after=now,
    )
    if not claimed:
        gave_up = startable.update(
            status=ImportJob.Status.FAILED,
            result=_failed_payload(
                ImportJob.objects.filter(pk=job_id).values_list("kind", flat=True).first(),
                f"Nothing was saved: the import was interrupted {IMPORT_MAX_ATTEMPTS} times "
                "(the server processing it stopped or lost its database connection). "
                "Upload the file again; if it happens again, tell an administrator.",
            ),
            finished_at=now,
            send_after=None,
            content=b"",
        )
        if gave_up:
            logger.error("Import job %s failed after %d attempts", job_id, IMPORT_MAX_ATTEMPTS)
        return None
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)

    def progress(rows: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(processed_rows=rows)

    try:
        result = import_run(
            kind=job.kind,
            content=bytes(job.content),
            file_name=job.file_name,
            user=job.created_by,
            progress=progress,
        )
        payload = result.as_json()
        status = ImportJob.Status.DONE if result.saved else ImportJob.Status.FAILED
        if result.saved:
            # A background import is thousands of rows: let the planner see them.
            analyze_tables(InspectionEvent, StaffTime, StaffTimeRollup)
    except ImportFileError as exc:
        payload = {
            "kind": job.kind,
            "error_count": len(exc.messages),
            "errors": [RowError(None, "", message).as_dict() for message in exc.messages],
            "summary": "Nothing was saved: " + " ".join(exc.messages),
        }
        status = ImportJob.Status.FAILED
    except (OperationalError, InterfaceError):
        # The connection dropped: the job stays running, to be started again (by the task's
        # retry, or by the outbox drain once it sees the job's worker gone).
        logger.warning("Import job %s lost its database connection", job_id, exc_info=True)
        raise
    except Exception:
        logger.exception("Import job %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED,
            result=_failed_payload(
                job.kind,
                "Nothing was saved: something went wrong while importing the file. "
                "Upload it again; if it happens again, tell an administrator.",
            ),
            finished_at=timezone.now(),
            send_after=None,
        )
        raise
    ImportJob.objects.filter(pk=job_id).update(
        status=status,
        result=payload,
        processed_rows=job.total_rows,
        finished_at=timezone.now(),
        send_after=None,
        # The rows now live in the database (or were refused): the upload is not kept.
        content=b"",
    )
    job.refresh_from_db()
    return job


__all__ = [
    "COLUMNS",
    "ImportFileError",
    "ImportResult",
    "RowError",
    "csv_file_read",
    "import_job_create",
    "import_job_run",
    "import_jobs_resume",
    "import_run",
    "may_import",
    "runs_in_background",
    "template_csv",
]
