"""CSV exports: what a user sees on a page, as a file that opens cleanly in Excel.

The rows come from the same selectors as the pages, with the same access rules, so a download
never holds a figure the user could not see on screen. Each export is streamed: querysets are
read CHUNK_ROWS rows at a time (``.iterator(chunk_size=...)``, or :func:`stream_rows`) and the
CSV text is handed on in blocks of about 64 KB, so memory stays flat however many rows there are.

Excel-friendly by design: UTF-8 with a byte-order mark (without it Excel guesses the Windows
code page and mangles "–" and "’"), ISO dates (unambiguous in every locale), one header row
whose names carry the unit (``staff_hours``, ``on_site_working_days``), numbers written by the
one number formatter (``burden.number_format``: decimals with exactly two places, no separators;
hours withheld from this user as "not shown", never an empty cell that reads as none logged),
and text cells that begin with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
prefixed with an apostrophe, so a spreadsheet shows them as text instead of running them as a
formula (OWASP's advice against "CSV injection").

For the large exports the database writes each cell ready for the file (the apostrophe, "yes" and
"no"), so that no Python code of ours runs per row: the rows go from the database driver straight
into the csv module's C writer. That is what keeps two million staff-time rows near the speed of
PostgreSQL's own ``COPY`` (see ``benchmarks/exports.py``). The events export goes one step further
on PostgreSQL: every cell, its hours and clusters included, comes from the query, and ``COPY``
itself writes the rows, byte for byte as the csv module would (:func:`copy_csv_stream`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import islice

from django import forms
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    F,
    Func,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Left, NullIf
from django.db.models.lookups import In
from django.utils import timezone

from burden import number_format, plausible
from burden.govuk_forms import GovukDateField
from councils.access import UserAccess
from councils.models import Council, Region
from councils.resolver import CouncilNotResolved, council_for_filter

from . import dashboard_cache, selectors
from .cluster_forms import ClusterFilter
from .cost import selectors as cost_selectors
from .forecast import selectors as forecast_selectors
from .forecast.clashes import HORIZONS, likelihood_label
from .forecast.models import ForecastWindow
from .journey import selectors as journey_selectors
from .models import Cluster, ClusterRule, Family, InspectionEvent, InspectionType, Source
from .selectors import burden
from .selectors import clusters as cluster_selectors
from .selectors.burden import BurdenFilters

BOM = "\ufeff"
FORMULA_PREFIXES = ["=", "+", "-", "@", "\t", "\r"]
FORMULA_CHARACTERS = frozenset(FORMULA_PREFIXES)
CHUNK_ROWS = 2000
WRITE_ROWS = 1000
FLUSH_AT_CHARACTERS = 64 * 1024

# Kinds of column: how a value is written. Whole numbers and dates are written by the csv module
# itself (str() of an int is plain, of a date is ISO 8601; None is empty); DECIMAL cells go
# through the number formatter (two places; None, a figure withheld, as "not shown").
TEXT, VALUE, YES_NO, DECIMAL = "text", "value", "yes_no", "decimal"


def neutralise(text: str) -> str:
    """Text that a spreadsheet will not take for a formula."""
    if text and text[0] in FORMULA_CHARACTERS:
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    """Undo :func:`neutralise`, so that an exported file imports back to the same text."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_CHARACTERS:
        return text[1:]
    return text


def row_formatter(kinds: Sequence[str]) -> Callable[[Sequence], list]:
    """A function that makes one database row safe and readable, touching only what it must."""
    text_columns = [i for i, kind in enumerate(kinds) if kind == TEXT]
    flag_columns = [i for i, kind in enumerate(kinds) if kind == YES_NO]
    decimal_columns = [i for i, kind in enumerate(kinds) if kind == DECIMAL]

    def format_row(row: Sequence) -> list:
        cells = list(row)
        for i in text_columns:
            value = cells[i]
            if value and value[0] in FORMULA_CHARACTERS:
                cells[i] = "'" + value
        for i in flag_columns:
            cells[i] = "yes" if cells[i] else "no"
        for i in decimal_columns:
            cells[i] = number_format.export_cell(cells[i], shown=cells[i] is not None)
        return cells

    return format_row


def neutralised(field: str) -> Case:
    """:func:`neutralise`, done by the database in the query."""
    return Case(
        When(
            In(Left(field, 1), FORMULA_PREFIXES),
            then=Concat(Value("'"), F(field), output_field=TextField()),
        ),
        default=F(field),
        output_field=TextField(),
    )


def yes_no_of(condition: Q) -> Case:
    return Case(When(condition, then=Value("yes")), default=Value("no"), output_field=CharField())


def ready_to_write(queryset: QuerySet, columns, *, empty_as_null: bool = False) -> QuerySet:
    """Rows whose cells the csv module can write as they are, from (header, source, kind).

    Text is neutralised and flags become yes or no in the query; whole numbers and dates are
    left to the csv module; DECIMAL columns are rounded to two places by the database
    (:func:`burden.number_format.export_decimal_sql`). Columns whose source is None are filled in
    by the caller. ``empty_as_null``: empty text as NULL, which the csv module and ``COPY``
    both write as an empty cell (``COPY`` writes an empty string as ``""``).
    """
    names, annotations = [], {}
    for index, (_, source, kind) in enumerate(columns):
        if source is None:
            continue
        if kind == VALUE:
            names.append(source)
            continue
        name = f"csv_{index}"
        if kind == TEXT:
            text = neutralised(source)
            annotations[name] = (
                NullIf(text, Value(""), output_field=TextField()) if empty_as_null else text
            )
        elif kind == DECIMAL:
            annotations[name] = number_format.export_decimal_sql(source)
        else:
            annotations[name] = yes_no_of(source)
        names.append(name)
    return queryset.annotate(**annotations).values_list(*names)


def stream_rows(queryset: QuerySet) -> Iterator[tuple]:
    """The rows of a ``values_list`` queryset, CHUNK_ROWS at a time, memory flat.

    Django's ``.iterator(chunk_size=...)`` reads through a server-side cursor (``DECLARE …
    CURSOR``), and PostgreSQL never runs a cursor's query in parallel: for the national
    staff-time export its sort alone took 10 s, where the same query sent as it is (and as
    ``COPY`` runs it) returns every row in under 5 s. So on PostgreSQL the rows are streamed with
    psycopg's chunked mode instead: the query runs as usual and the rows arrive CHUNK_ROWS at a
    time while it runs, nothing held in memory. No other query may run on the connection until
    the last row has been read, so this is only for exports that read nothing else meanwhile.
    Elsewhere, and for columns that need Django's conversions, ``.iterator()`` it is.
    """
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # a filter no row can match, such as no council's hours at all
        return
    converters = compiler.get_converters([column for column, _, _ in compiler.select])
    if connection.vendor != "postgresql" or converters:
        yield from queryset.iterator(chunk_size=CHUNK_ROWS)
        return
    with connection.cursor() as cursor:
        yield from cursor.cursor.stream(sql, params, size=CHUNK_ROWS)


def csv_stream(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[bytes]:
    """The bytes of a CSV file: BOM, header, rows; yielded in blocks, never all at once."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(header)
    rows = iter(rows)
    while True:
        written = buffer.tell()
        # writerows loops in C: a thousand rows at a time, with no Python code per row.
        writer.writerows(islice(rows, WRITE_ROWS))
        if buffer.tell() == written:
            break
        if buffer.tell() >= FLUSH_AT_CHARACTERS:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def copy_csv_stream(header: Sequence[str], queryset: QuerySet) -> Iterator[bytes]:
    """:func:`csv_stream` of a ``values_list`` queryset, the rows written by PostgreSQL's
    ``COPY … TO STDOUT (FORMAT csv)`` instead of the csv module: the same bytes, with no Python
    code per cell.

    The same bytes because the two writers follow the same rule (a cell is quoted when it holds
    a comma, a double quote, CR or LF; quotes inside are doubled; None or NULL is an empty
    cell) as long as the query returns no empty strings (``ready_to_write(...,
    empty_as_null=True)``: ``COPY`` quotes them) and its dates are ISO 8601 (``DateStyle``,
    set for the transaction here), and the line ending is made CRLF: PostgreSQL sends one row
    per message, ending in LF. Must run in a transaction (``export_stream``'s); like
    :func:`stream_rows`, nothing else may use the connection until the last row is read.
    """
    buffer = bytearray(BOM.encode("utf-8"))
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerow(header)
    buffer += text.getvalue().encode("utf-8")
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        yield bytes(buffer)
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL DateStyle = 'ISO'")
        query = cursor.mogrify(sql, params)  # COPY takes no parameters
        with cursor.cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT csv)") as copy:
            for row in copy:
                buffer += row[:-1]
                buffer += b"\r\n"
                if len(buffer) >= FLUSH_AT_CHARACTERS:
                    yield bytes(buffer)
                    buffer.clear()
    if buffer:
        yield bytes(buffer)


def _batches(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


# --- Filters -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFilters:
    """The filters of the list and dashboard pages, for the rows of an export.

    Events and staff time are selected by their event's on-site start, as on the council page
    and the dashboards; clusters as on the clusters page (a cluster is in a period when any part
    of it falls inside).
    """

    council: Council | None = None
    region: Region | None = None
    family: str = ""
    inspection_type: InspectionType | None = None
    date_from: date | None = None
    date_to: date | None = None
    rule: ClusterRule | None = None  # clusters only
    acknowledged: str = ""  # clusters only: "yes", "no" or either
    sort: str = ""  # summary only: the league table's order on the page
    months: int = 12  # forecast clashes only: the horizon (6, 12 or 24 months)

    def event_q(self, prefix: str = "") -> Q:
        """A filter on events, or on rows reached from an event through ``prefix``."""
        q = Q()
        if self.council is not None:
            q &= Q(**{f"{prefix}council": self.council})
        if self.region is not None:
            q &= Q(**{f"{prefix}council__region": self.region})
        if self.family:
            q &= Q(**{f"{prefix}inspection_type__family": self.family})
        if self.inspection_type is not None:
            q &= Q(**{f"{prefix}inspection_type": self.inspection_type})
        if self.date_from is not None:
            q &= Q(**{f"{prefix}on_site_start__gte": self.date_from})
        if self.date_to is not None:
            q &= Q(**{f"{prefix}on_site_start__lte": self.date_to})
        return q

    def burden_filters(self) -> BurdenFilters:
        """The same filters for the dashboards' selectors."""
        return BurdenFilters(
            date_from=self.date_from,
            date_to=self.date_to,
            region_id=self.region.pk if self.region else None,
            family=self.family,
            inspection_type_id=self.inspection_type.pk if self.inspection_type else None,
            council_id=self.council.pk if self.council else None,
        )

    def cluster_filter_data(self) -> dict[str, str]:
        """The same filters as the clusters page's query string."""
        data = {
            "region": self.region.slug if self.region else "",
            "council": self.council.slug if self.council else "",
            "rule": str(self.rule.pk) if self.rule else "",
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "acknowledged": self.acknowledged,
        }
        return {key: value for key, value in data.items() if value}

    @property
    def place_slug(self) -> str:
        if self.council is not None:
            return self.council.slug
        if self.region is not None:
            return self.region.slug
        return "england"


class ExportFilterForm(forms.Form):
    """Reads the filters from a page's query string (the download links) or the command."""

    council = forms.CharField(required=False)
    region = forms.CharField(required=False)
    family = forms.ChoiceField(required=False, choices=[("", "Any family"), *Family.choices])
    inspection_type = forms.CharField(required=False)
    # The pages send dates as three boxes (date_from_day…) or as ?date_from=2023-01-01.
    date_from = GovukDateField(required=False, label="On site from")
    date_to = GovukDateField(required=False, label="On site to")
    rule = forms.ModelChoiceField(required=False, queryset=ClusterRule.objects.all())
    acknowledged = forms.ChoiceField(
        required=False, choices=[("", "Either"), ("yes", "Yes"), ("no", "No")]
    )
    sort = forms.CharField(required=False)
    months = forms.TypedChoiceField(
        required=False,
        choices=[(str(m), f"{m} months") for m in HORIZONS],
        coerce=int,
        empty_value=12,
    )

    def clean_council(self) -> Council | None:
        value = self.cleaned_data["council"].strip()
        if not value:
            return None
        try:
            return council_for_filter(value)  # the council resolver: any code or usual name
        except CouncilNotResolved as exc:
            raise forms.ValidationError(exc.message) from None

    def clean_region(self) -> Region | None:
        value = self.cleaned_data["region"].strip()
        if not value:
            return None
        region = Region.objects.filter(
            Q(slug=value) | Q(code__iexact=value) | Q(name__iexact=value)
        ).first()
        if region is None:
            raise forms.ValidationError(f"No region has the slug, code or name ‘{value}’.")
        return region

    def clean_inspection_type(self) -> InspectionType | None:
        value = self.cleaned_data["inspection_type"].strip()
        if not value:
            return None
        try:
            pk = plausible.parse_whole_number(value, "inspection_type", maximum=10**9)
        except ValueError:
            pk = None  # not a number: a code
        lookup = Q(code=value) | (Q(pk=pk) if pk is not None else Q(pk__in=[]))
        itype = InspectionType.objects.filter(lookup).first()
        if itype is None:
            raise forms.ValidationError(f"No inspection type has the code ‘{value}’.")
        return itype

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end of the period must not be before its start.")
        return data

    def filters(self) -> ExportFilters:
        data = self.cleaned_data
        return ExportFilters(
            council=data.get("council"),
            region=data.get("region"),
            family=data.get("family") or "",
            inspection_type=data.get("inspection_type"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            rule=data.get("rule"),
            acknowledged=data.get("acknowledged") or "",
            sort=(data.get("sort") or "").strip(),
            months=data.get("months") or 12,
        )

    def error_text(self) -> str:
        return " ".join(
            f"{name}: {message}" for name, messages in self.errors.items() for message in messages
        )


# --- Inspection events ---------------------------------------------------------------------

# (header, field, kind). The headers are also the columns the events import reads.
EVENT_COLUMNS = [
    ("council_gss_code", "council__gss_code", TEXT),
    ("council_name", "council__name", TEXT),
    ("region", "council__region__name", TEXT),
    ("inspection_type", "inspection_type__code", TEXT),
    ("inspection_type_name", "inspection_type__name", TEXT),
    ("family", "inspection_type__family", TEXT),
    ("notified_on", "notified_on", VALUE),
    ("on_site_start", "on_site_start", VALUE),
    ("on_site_end", "on_site_end", VALUE),
    ("dates_estimated", Q(dates_estimated=True), YES_NO),
    ("on_site_working_days", "on_site_days", VALUE),
    ("published_on", "published_on", VALUE),
    ("outcome", "outcome__code", TEXT),
    ("outcome_label", "outcome__label", TEXT),
    ("theme", "theme", TEXT),
    ("report_url", "report_url", TEXT),
    ("notes", "notes", TEXT),
    ("joint_service", "joint_service", TEXT),
    ("staff_hours", None, DECIMAL),
    ("staff_hours_demo", None, YES_NO),
    ("clusters", None, TEXT),
    ("demo", Q(source=Source.DEMO), YES_NO),
]
EVENT_HEADER = [header for header, _, _ in EVENT_COLUMNS]


def events_for_export(access: UserAccess, filters: ExportFilters) -> QuerySet:
    """The events of the export, each with its staff hours where this user may see them."""
    events = selectors.events_visible(access).filter(filters.event_q())
    events = selectors.events_with_hours(events, access)
    return events.order_by(
        "council__name", "council__gss_code", "on_site_start", "inspection_type__code"
    )


# Each cluster's words in an event's ``clusters`` cell, and their order.
_CLUSTER_LABEL_ORDER = ("cluster__first_date", "cluster__rule__name", "cluster__last_date")


def _cluster_labels(events: QuerySet) -> dict[int, str]:
    """Each event's clusters, as words that mean the same in any copy of the database.

    One query for the whole export (the events as a subquery): clusters are few beside events,
    and reading them first leaves the connection free to stream the events' rows.
    """
    memberships = (
        Cluster.events.through.objects.filter(inspectionevent_id__in=events.values("pk"))
        .order_by("inspectionevent_id", *_CLUSTER_LABEL_ORDER, "cluster_id")
        .values_list(
            "inspectionevent_id", "cluster__rule__name", "cluster__first_date", "cluster__last_date"
        )
    )
    labels: dict[int, list[str]] = {}
    for event_id, rule, first, last in memberships:
        labels.setdefault(event_id, []).append(f"{rule} {first.isoformat()} to {last.isoformat()}")
    return {event_id: neutralise("; ".join(names)) for event_id, names in labels.items()}


def _iso_date(date_expression) -> Func:
    """A date as ISO 8601 text, whatever the server's DateStyle (PostgreSQL)."""
    return Func(date_expression, Value("YYYY-MM-DD"), function="to_char", output_field=TextField())


class _TextUnderKey(Func):
    """The text under a key (an id) in a JSON object given as a parameter (PostgreSQL)."""

    output_field = TextField()
    arity = 2

    def as_sql(self, compiler, connection, **extra_context):
        texts, key = self.get_source_expressions()
        texts_sql, texts_params = compiler.compile(texts)
        key_sql, key_params = compiler.compile(key)
        sql = f"(CAST({texts_sql} AS jsonb) ->> CAST({key_sql} AS text))"
        return sql, (*texts_params, *key_params)


def _cluster_labels_sql(events: QuerySet) -> Case:
    """:func:`_cluster_labels` of each event as a column (PostgreSQL); NULL for an event in no
    cluster.

    The labels are read first, in one query, and given to the query of the rows as one JSON
    object: the database looks up the few clustered events' labels (the set of their ids is
    hashed) rather than aggregating each event's clusters (0.08-0.19 s of its time for
    England's events), and the words keep one home.
    """
    labels = _cluster_labels(events)
    return Case(
        When(
            pk__in=sorted(labels),
            then=_TextUnderKey(Value(json.dumps({str(k): v for k, v in labels.items()})), F("pk")),
        ),
        default=Value(None),
        output_field=TextField(),
    )


class _YesNoOrNotShown(Func):
    """ "yes" or "no" from a boolean, "not shown" for NULL: a simple CASE, so that the boolean
    (a subquery) is evaluated once."""

    output_field = CharField()
    template = (
        "(CASE CAST(%(expressions)s AS BOOLEAN) WHEN TRUE THEN 'yes' WHEN FALSE THEN 'no' "
        f"ELSE '{number_format.NOT_SHOWN}' END)"
    )
    arity = 1


# More rows than any export can hold: see :func:`_event_rows_postgresql`.
_NO_LIMIT = 2**62


def _event_rows_postgresql(access: UserAccess, filters: ExportFilters) -> QuerySet:
    """Every cell of every row written by the database, ready for the csv module as it comes.

    The hours (or "not shown"), whether they include demo entries, the clusters' words and the
    row's demo flag are columns of the query, so no Python code of ours runs per row. Each
    costly column (a subquery per event: its hours, its demo entries) is named once, so that it
    runs once per row; the clusters' words are read first (:func:`_cluster_labels_sql`). The
    rows are limited to more than can exist: with a LIMIT, PostgreSQL computes the costly
    columns after sorting the rows, as it sends them, so that its work overlaps the writing of
    the file instead of coming before it.
    """
    events = events_for_export(access, filters)
    events = events.annotate(
        csv_hours=Coalesce(
            number_format.export_decimal_sql("staff_hours"),
            Value(number_format.NOT_SHOWN),
            output_field=TextField(),
        ),
        csv_hours_demo=_YesNoOrNotShown("hours_include_demo"),
        csv_clusters=_cluster_labels_sql(events),  # NULL (an empty cell): in no cluster
        # hours_include_demo is NULL where the hours are not shown: their demo does not count.
        csv_demo=Case(
            When(source=Source.DEMO, then=Value("yes")),
            When(hours_include_demo=True, then=Value("yes")),
            default=Value("no"),
            output_field=CharField(),
        ),
    )
    computed = {
        "staff_hours": "csv_hours",
        "staff_hours_demo": "csv_hours_demo",
        "clusters": "csv_clusters",
        "demo": "csv_demo",
    }
    columns = [
        (header, computed[header], VALUE) if header in computed else (header, source, kind)
        for header, source, kind in EVENT_COLUMNS
    ]
    return ready_to_write(events, columns, empty_as_null=True)[:_NO_LIMIT]


def event_rows(access: UserAccess, filters: ExportFilters) -> Iterator[Sequence]:
    """One row per event. ``staff_hours`` is "not shown" where this user may not see the
    council's hours (0.00 when none is logged); ``staff_hours_demo`` says whether those hours
    include demo entries. ``demo`` is yes when the event is demo or when any of the hours
    written in its row are (a published event can carry demo hours): demo is carried by the
    figures, not only by the row.

    On PostgreSQL the database writes every cell (:func:`_event_rows_postgresql`) and the rows
    stream as ``COPY`` would send them (:func:`stream_rows`). Elsewhere the clusters are read
    first, in one query, and each row is completed here.
    """
    if connection.vendor == "postgresql":
        return stream_rows(_event_rows_postgresql(access, filters))
    return _event_rows_completed(access, filters)


def _event_rows_completed(access: UserAccess, filters: ExportFilters) -> Iterator[list]:
    hours_index = EVENT_HEADER.index("staff_hours")
    demo_index = EVENT_HEADER.index("demo")
    events = events_for_export(access, filters)
    clusters = _cluster_labels(events)
    rows = ready_to_write(
        events.annotate(event_id=F("pk")),
        # The hours as the text of their cell, two places, written by the database; NULL
        # where this user may not see them (none logged is 0.00).
        [("", "event_id", VALUE), ("", "staff_hours", DECIMAL), ("", "hours_include_demo", VALUE)]
        + EVENT_COLUMNS,
    )
    not_shown = number_format.NOT_SHOWN
    for event_id, hours, hours_demo, *cells in stream_rows(rows):
        shown = hours is not None
        if shown and hours_demo:
            cells[demo_index - 3] = "yes"  # the three cells below are not in yet
        cells[hours_index:hours_index] = [
            hours if shown else not_shown,
            ("yes" if hours_demo else "no") if shown else not_shown,
            clusters.get(event_id, ""),
        ]
        yield cells


# --- Staff time ----------------------------------------------------------------------------

STAFF_TIME_COLUMNS = [
    ("council_gss_code", "event__council__gss_code", TEXT),
    ("council_name", "event__council__name", TEXT),
    ("region", "event__council__region__name", TEXT),
    ("inspection_type", "event__inspection_type__code", TEXT),
    ("on_site_start", "event__on_site_start", VALUE),
    ("team", "team", TEXT),
    ("phase", "phase", TEXT),
    ("staff_hours", "hours", DECIMAL),
    ("people", "people", VALUE),
    ("note", "note", TEXT),
    ("demo", Q(is_demo=True), YES_NO),
]
STAFF_TIME_HEADER = [header for header, _, _ in STAFF_TIME_COLUMNS]


EVENT_ORDER = ["council__name", "council__gss_code", "on_site_start", "inspection_type__code"]


def staff_time_for_export(access: UserAccess, filters: ExportFilters) -> QuerySet:
    """Staff-time entries this user may see (their council's, or all for LGA and admins).

    Ordered by what identifies the event, then entry by entry as they were logged, so that an
    export imported into another database exports again in the same order.
    """
    entries = selectors.staff_time_visible(access).filter(filters.event_q("event__"))
    entries = entries.order_by(*[f"event__{field}" for field in EVENT_ORDER], "pk")
    return ready_to_write(entries, STAFF_TIME_COLUMNS)


def staff_time_rows(access: UserAccess, filters: ExportFilters) -> Iterator[tuple]:
    # The rows are written as they come from the database: see the module's docstring.
    return stream_rows(staff_time_for_export(access, filters))


# --- Clusters ------------------------------------------------------------------------------

CLUSTER_HEADER = [
    "council_gss_code",
    "council_name",
    "region",
    "rule",
    "severity",
    "first_date",
    "last_date",
    "span_days",
    "event_count",
    "on_site_working_days",
    "staff_hours",
    "events",
    "acknowledged",
    "demo",
]


def clusters_for_export(access: UserAccess, filters: ExportFilters) -> QuerySet[Cluster]:
    """The clusters page's rows, through its own filter, in its order."""
    clusters = cluster_selectors.clusters_list(access)
    return ClusterFilter(filters.cluster_filter_data(), queryset=clusters).qs


def cluster_rows(access: UserAccess, filters: ExportFilters) -> Iterator[list]:
    fields = [
        "pk",
        "council__gss_code",
        "council__name",
        "council__region__name",
        "rule__name",
        "rule__severity",
        "first_date",
        "last_date",
        "span_days",
        "event_count",
        "on_site_days",
        "visible_staff_hours",  # None where this user may not see the council's hours
        "acknowledged_at",
    ]
    format_row = row_formatter([TEXT] * 5 + [VALUE] * 5 + [DECIMAL, TEXT, YES_NO, YES_NO])
    rows = clusters_for_export(access, filters).values_list(*fields).iterator(chunk_size=CHUNK_ROWS)
    for batch in _batches(rows, CHUNK_ROWS):
        members: dict[int, list[str]] = {}
        demo: set[int] = set()
        for cluster_id, code, start, source in (
            Cluster.events.through.objects.filter(cluster_id__in=[row[0] for row in batch])
            .order_by("inspectionevent__on_site_start", "inspectionevent__inspection_type__code")
            .values_list(
                "cluster_id",
                "inspectionevent__inspection_type__code",
                "inspectionevent__on_site_start",
                "inspectionevent__source",
            )
        ):
            members.setdefault(cluster_id, []).append(f"{code} {start.isoformat()}")
            if source == Source.DEMO:
                demo.add(cluster_id)
        # Demo hours on a member (a published event can carry them) make the total demo too.
        demo.update(
            Cluster.events.through.objects.filter(
                cluster_id__in=[row[0] for row in batch],
                inspectionevent__staff_time__is_demo=True,
            ).values_list("cluster_id", flat=True)
        )
        for pk, *values, acknowledged_at in batch:
            yield format_row(
                [
                    *values,
                    "; ".join(members.get(pk, [])),
                    acknowledged_at is not None,
                    pk in demo,
                ]
            )


# --- Per-council summary (the dashboards' league table) ------------------------------------

SUMMARY_HEADER = [
    "council_gss_code",
    "council_name",
    "region",
    "period_from",
    "period_to",
    "events",
    "formal_inspections",
    "on_site_working_days",
    "staff_hours",
    "staff_hours_per_event",
    "clusters",
    "shortest_gap_days",
    "most_formal_inspections_in_12_months",
    "population_0_25",
    "cost_gbp",
    "cost_per_event_gbp",
    "cost_per_10000_children_gbp",
    "cost_rates",
    "demo",
]
MEDIAN_ROW_NAME = "Median council"


def _summary_period(scope: BurdenFilters, *, today: date | None = None) -> tuple[date | None, date]:
    """The period the figures cover: the filters' dates, else from the first event in scope
    (None when there is none) to today."""
    start = scope.date_from
    if start is None:
        start = (
            InspectionEvent.objects.filter(scope.events_q())
            .order_by("on_site_start")
            .values_list("on_site_start", flat=True)
            .first()
        )
    return start, scope.date_to or today or timezone.localdate()


def summary_rows(access: UserAccess, filters: ExportFilters) -> Iterator[list]:
    """The league table of the dashboards, row for row: the same selector, the same numbers,
    then the median council of the region (the council's region for one council, else England).

    Every row carries the period it covers. Decimals (hours, hours per event, medians) are
    rounded once, by the number formatter; hours this user may not see are "not shown".

    The figures are those of the dashboards' refresh window
    (``dashboard_cache.generation_for``): the same as the dashboard the file was downloaded
    from, computed once a window for everyone, and with every save of the user's own council.
    """
    with burden.figures_of_generation(dashboard_cache.generation_for(access)):
        rows = list(_summary_rows(access, filters))
    yield from rows


def _summary_rows(access: UserAccess, filters: ExportFilters) -> Iterator[list]:
    scope = filters.burden_filters()
    rows = burden.league_table(scope, access, sort=filters.sort or burden.DEFAULT_SORT)
    gss_codes = dict(
        Council.objects.filter(pk__in=[row.council_id for row in rows]).values_list(
            "pk", "gss_code"
        )
    )
    with_demo = burden.councils_with_demo(scope)
    period_from, period_to = _summary_period(scope)
    cell = number_format.export_cell
    costs = cost_selectors.council_costs(scope, access)
    for row in rows:
        cost = costs[row.council_id]
        yield neutralise_cells(
            [
                gss_codes.get(row.council_id, ""),
                row.name,
                row.region_name,
                period_from,
                period_to,
                row.events,
                row.formal_inspections,
                row.on_site_days,
                cell(row.staff_hours, shown=row.hours_shown),
                cell(row.hours_per_event, shown=row.hours_shown),
                row.clusters,
                row.shortest_gap_days,
                row.most_in_12_months,
                cost.population_0_25,
                cell(cost.cost, shown=cost.shown),
                cell(cost.cost_per_event, shown=cost.shown),
                cell(cost.cost_per_10k, shown=cost.shown),
                cost.rates_used if cost.shown else number_format.NOT_SHOWN,
                "yes" if row.council_id in with_demo else "no",
            ]
        )
    median_scope = scope.but(council_id=None)
    if filters.council is not None:
        median_scope = median_scope.but(region_id=filters.council.region_id)
        region_name = filters.council.region.name
    else:
        region_name = filters.region.name if filters.region else "England"
    median = burden.region_medians(median_scope, access)
    # A demo event, or a demo staff-time entry, in the median's scope (cached with the figures).
    median_in_scope = burden.demo_in_scope(median_scope)
    median_demo = median_in_scope.events or median_in_scope.hours
    hours_shown = median.staff_hours is not None
    cost_median = cost_selectors.cost_medians(median_scope, access)
    yield neutralise_cells(
        [
            "",
            f"{MEDIAN_ROW_NAME} of {median.councils}",
            region_name,
            period_from,
            period_to,
            cell(median.events),
            cell(median.formal_inspections),
            cell(median.on_site_days),
            cell(median.staff_hours, shown=hours_shown),
            cell(median.hours_per_event, shown=hours_shown),
            cell(median.clusters),
            cell(median.shortest_gap_days),
            cell(median.most_in_12_months),
            cell(cost_median.population_0_25),
            cell(cost_median.cost, shown=cost_median.shown),
            cell(cost_median.cost_per_event, shown=cost_median.shown),
            cell(cost_median.cost_per_10k, shown=cost_median.shown),
            "",
            "yes" if median_demo else "no",
        ]
    )


def neutralise_cells(cells: list) -> list:
    """Every text cell of a row built in Python made safe for a spreadsheet."""
    return [neutralise(value) if isinstance(value, str) else value for value in cells]


# --- Forecast: windows and clashes (public information, like inspection dates) -------------

FORECAST_WINDOW_HEADER = [
    "council_gss_code",
    "council_name",
    "region",
    "regime",
    "status",
    "earliest",
    "most_likely",
    "latest",
    "basis",
    "stated_earliest",
    "stated_most_likely",
    "stated_latest",
    "observed_earliest",
    "observed_most_likely",
    "observed_latest",
    "previous_on_site_start",
    "reason",
    "forecast_as_of",
    "demo",
]


def forecast_window_rows(access: UserAccess, filters: ExportFilters) -> Iterator[list]:
    windows = ForecastWindow.objects.all()
    if filters.council is not None:
        windows = windows.filter(council=filters.council)
    if filters.region is not None:
        windows = windows.filter(council__region=filters.region)
    format_row = row_formatter(
        [TEXT] * 5 + [VALUE] * 3 + [TEXT] + [VALUE] * 7 + [TEXT, VALUE, YES_NO]
    )
    rows = windows.order_by("council__name", "regime").values_list(
        "council__gss_code",
        "council__name",
        "council__region__name",
        "regime",
        "status",
        "earliest",
        "likely",
        "latest",
        "basis",
        "stated_earliest",
        "stated_likely",
        "stated_latest",
        "observed_earliest",
        "observed_likely",
        "observed_latest",
        "previous_start",
        "reason",
        "as_of",
        "is_demo",
    )
    for row in rows.iterator(chunk_size=CHUNK_ROWS):
        yield format_row(row)


FORECAST_CLASH_HEADER = [
    "council_gss_code",
    "council_name",
    "region",
    "rule",
    "severity",
    "inspections",
    "most_likely_start",
    "earliest_start",
    "latest_start",
    "likelihood_6_months",
    "likelihood_12_months",
    "likelihood_24_months",
    "likelihood_in_words",
    "forecast_as_of",
    "demo",
]


def forecast_clash_rows(access: UserAccess, filters: ExportFilters) -> Iterator[list]:
    """The forecast pages' clash list for the same place and horizon, in the same order."""
    months = filters.months if filters.months in HORIZONS else 12
    clashes = forecast_selectors.clashes_within(
        months, region=filters.region, council=filters.council
    )
    # Likelihoods are probabilities from 0 to 1, written like every decimal (two places).
    format_row = row_formatter([TEXT] * 6 + [VALUE] * 3 + [DECIMAL] * 3 + [TEXT, VALUE, YES_NO])
    for clash in clashes.iterator(chunk_size=CHUNK_ROWS):
        members = "; ".join(
            member["label"]
            + (f" {member['earliest']} to {member['latest']}" if member.get("forecast") else "")
            for member in clash.members
        )
        yield format_row(
            [
                clash.council.gss_code,
                clash.council.name,
                clash.council.region.name,
                clash.rule.name,
                clash.rule.severity,
                members,
                clash.likely_date,
                clash.first_date,
                clash.last_date,
                clash.likelihood_6,
                clash.likelihood_12,
                clash.likelihood_24,
                likelihood_label(clash.likelihood(months)),
                clash.as_of,
                clash.is_demo,
            ]
        )


# --- Cost in pounds ------------------------------------------------------------------------

COST_RATES_HEADER = [
    "whose",
    "team",
    "team_name",
    "applies_from",
    "applies_until",
    "cost_per_hour_gbp",
    "basis",
    "source",
    "source_url",
    "source_note",
]


def cost_rate_rows(access: UserAccess, filters: ExportFilters) -> Iterator[list]:
    """The rates that cost the figures: national defaults, and the councils' own rates this
    user may see (of the council or region in the filters)."""
    format_row = row_formatter([TEXT] * 3 + [VALUE] * 2 + [DECIMAL] + [TEXT] * 4)
    council_ids = None
    if filters.council is not None:
        council_ids = {filters.council.pk}
    elif filters.region is not None:
        council_ids = set(filters.region.councils.values_list("pk", flat=True))
    for rate in cost_selectors.rates_visible(access):
        if None not in (rate.council_id, council_ids) and rate.council_id not in council_ids:
            continue
        yield format_row(
            [
                rate.whose,
                rate.team,
                rate.team_label,
                rate.applies_from,
                rate.applies_to,
                rate.hourly_rate,
                rate.basis,
                rate.source,
                rate.source_url,
                rate.source_note,
            ]
        )


COST_BY_YEAR_HEADER = [
    "scope",
    "financial_year",
    "events",
    "staff_hours",
    "cost_gbp",
    "cost_per_10000_children_gbp",
    "demo",
]


def cost_by_year_rows(access: UserAccess, filters: ExportFilters) -> Iterator[list]:
    """Cost by financial year of the whole scope (England, a region or a council)."""
    scope = filters.burden_filters()
    totals = cost_selectors.cost_totals(scope, access)
    place = filters.council or filters.region
    format_row = row_formatter([TEXT] * 2 + [VALUE] + [DECIMAL] * 3 + [YES_NO])
    for year in cost_selectors.cost_by_year(scope, access):
        yield format_row(
            [
                str(place) if place else "England",
                year.label,
                year.events,
                year.staff_hours,
                year.cost,
                year.cost_per_10k,
                totals.includes_demo,
            ]
        )


# --- The inadequate journey ----------------------------------------------------------------

JOURNEY_HEADER = [
    "council_gss_code",
    "council_name",
    "region",
    "judged_inadequate_on",
    "inspection_type",
    "on_site_start",
    "monitoring_visits_after",
    "focused_visits_after",
    "dfe_intervention_steps_after",
    "events_while_inadequate",
    "days_to_next_judgement_or_today",
    "staff_hours_while_inadequate",
    "cost_while_inadequate_gbp",
    "next_judgement",
    "next_judged_on",
    "improved_at_next",
    "demo",
]


def journey_rows(access: UserAccess, filters: ExportFilters) -> Iterator[list]:
    """One row per inadequate judgement in scope and what followed it (the journey page's)."""
    format_row = row_formatter(
        [TEXT] * 3 + [VALUE] + [TEXT] + [VALUE] * 6 + [DECIMAL] * 2 + [TEXT, VALUE, TEXT, YES_NO]
    )
    for row in journey_selectors.journey_rows(filters.burden_filters(), access):
        improved = "" if row.improved is None else ("yes" if row.improved else "no")
        yield format_row(
            [
                row.gss_code,
                row.council_name,
                row.region_name,
                row.judged_on,
                row.inspection_type,
                row.on_site_start,
                row.monitoring_visits,
                row.focused_visits,
                row.dfe_steps,
                row.events,
                row.days,
                row.staff_hours,
                row.cost,
                row.next_outcome,
                row.next_judged_on,
                improved,
                row.includes_demo,
            ]
        )


JOURNEY_FIGURES_HEADER = [
    "scope",
    "councils_judged_inadequate",
    "inadequate_judgements",
    "spells_completed",
    "spells_still_open",
    "median_days_inadequate",
    "shortest_days_inadequate",
    "longest_days_inadequate",
    "longest_open_spell_days_so_far",
    "judgements_with_a_next_judgement",
    "improved_at_next",
    "share_improved_at_next_percent",
    "events_per_year_while_inadequate",
    "events_per_year_while_good",
    "formal_inspections_per_year_while_inadequate",
    "formal_inspections_per_year_while_good",
    "good_spells",
    "staff_hours_while_inadequate",
    "cost_while_inadequate_gbp",
    "demo",
]


def journey_figure_rows(access: UserAccess, filters: ExportFilters) -> Iterator[list]:
    """The national (or regional, or council) figures, then each region's for England."""
    scope = filters.burden_filters()
    demo = journey_selectors.journeys_include_demo(journey_selectors.journey_rows(scope, access))
    format_row = row_formatter([TEXT] + [VALUE] * 18 + [YES_NO])
    cell = number_format.export_cell
    for item in journey_selectors.journey_figures(scope, access):
        f = item.figures
        shown = item.cost is not None
        yield format_row(
            [
                item.name,
                f.councils,
                f.journeys,
                f.spells_closed,
                f.spells_open,
                cell(f.median_days_inadequate),
                f.shortest_days_inadequate,
                f.longest_days_inadequate,
                f.longest_open_days,
                f.with_next_judgement,
                f.improved_at_next,
                cell(f.share_improved),
                cell(f.events_per_year_inadequate),
                cell(f.events_per_year_good),
                cell(f.formal_per_year_inadequate),
                cell(f.formal_per_year_good),
                f.good_spells,
                cell(item.staff_hours, shown=shown),
                cell(item.cost, shown=shown),
                demo,
            ]
        )


# --- The exports, by name ------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    name: str
    file_stem: str
    header: list[str]
    rows: Callable[[UserAccess, ExportFilters], Iterable[Sequence]]
    # On PostgreSQL, the query whose rows COPY writes (:func:`copy_csv_stream`) instead.
    copy_query: Callable[[UserAccess, ExportFilters], QuerySet] | None = None


EXPORTS: dict[str, Export] = {
    "events": Export(
        "events", "inspection-events", EVENT_HEADER, event_rows, _event_rows_postgresql
    ),
    "staff_time": Export("staff_time", "staff-time", STAFF_TIME_HEADER, staff_time_rows),
    "summary": Export("summary", "burden-summary", SUMMARY_HEADER, summary_rows),
    "clusters": Export("clusters", "clusters", CLUSTER_HEADER, cluster_rows),
    "forecast_windows": Export(
        "forecast_windows", "forecast-windows", FORECAST_WINDOW_HEADER, forecast_window_rows
    ),
    "forecast_clashes": Export(
        "forecast_clashes", "forecast-clashes", FORECAST_CLASH_HEADER, forecast_clash_rows
    ),
    "cost_rates": Export("cost_rates", "cost-rates", COST_RATES_HEADER, cost_rate_rows),
    "cost_by_year": Export("cost_by_year", "cost-by-year", COST_BY_YEAR_HEADER, cost_by_year_rows),
    "inadequate_journeys": Export(
        "inadequate_journeys", "inadequate-journeys", JOURNEY_HEADER, journey_rows
    ),
    "inadequate_journey_figures": Export(
        "inadequate_journey_figures",
        "inadequate-journey-figures",
        JOURNEY_FIGURES_HEADER,
        journey_figure_rows,
    ),
}


@contextmanager
def _one_snapshot():
    """One transaction for the whole export, so every row comes from the same moment however
    long the download takes (the events' clusters are read batch by batch alongside)."""
    with transaction.atomic():
        yield


def export_stream(name: str, access: UserAccess, filters: ExportFilters) -> Iterator[bytes]:
    """The export's bytes; its transaction opens with the first block and closes after the last
    (or when the download is abandoned and the response closes this generator)."""
    export = EXPORTS[name]
    with _one_snapshot():
        if export.copy_query is not None and connection.vendor == "postgresql":
            yield from copy_csv_stream(export.header, export.copy_query(access, filters))
        else:
            yield from csv_stream(export.header, export.rows(access, filters))


def export_filename(name: str, filters: ExportFilters, *, today: date | None = None) -> str:
    """What and when: ``burden-summary-north-west-2023-01-01-2025-12-31.csv``."""
    today = today or timezone.localdate()
    parts = [EXPORTS[name].file_stem, filters.place_slug]
    if name == "forecast_clashes":
        parts.append(f"{filters.months}-months")
    if filters.family:
        parts.append(filters.family.replace("_", "-"))
    if filters.inspection_type is not None:
        parts.append(filters.inspection_type.code.replace("_", "-"))
    if filters.date_from or filters.date_to:
        parts.append(filters.date_from.isoformat() if filters.date_from else "up-to")
        parts.append((filters.date_to or today).isoformat())
    else:
        parts.append(today.isoformat())
    return "-".join(parts) + ".csv"
