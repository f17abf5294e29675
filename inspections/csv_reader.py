"""The one CSV reading layer: every import reads its file and its values through here.

Used by the council imports (events, staff time), the published loaders (ILACS, SEND, HMI
Probation) and the admin's upload, so that a file or a value one of them reads, all of them read,
and a fault is explained in the same words everywhere.

What is accepted:

- **Encodings**: UTF-8 with or without a byte-order mark; Windows-1252 (what Excel's "CSV (Comma
  delimited)" writes on Windows), checked with the ``charset-normalizer`` library rather than
  guessed; the encoding read is named in the result. Anything else (UTF-16 "Unicode text", other
  code pages, workbooks, binary files) is refused in plain words.
- **Delimiters**: comma, semicolon (European-locale Excel) or tab, sniffed from the header row.
- **Headers**: matched whatever their case, spacing, hyphens and underscores
  (``Inspection Start Date`` = ``inspection_start_date``), then through each import's synonyms.
- **Dates**: day first, always: ``03/03/2025``, ``3/3/25``, ``03-03-2025``, ``3.3.2025``,
  ``3-Mar-25``, ``3 March 2025``, ``3rd March 2025``, ``2025-03-03``, ``2025-03-03 00:00:00``.
  Two-digit years are read in the window 2000–2099 (``TWO_DIGIT_YEAR_CENTURY``): the app records
  no inspection before 2000. An impossible date (``31/02/2025``) is named as such.
- **Numbers**: thousands separators (``1,234.50``) and stray spaces (also non-breaking ones).
- **Outcomes**: by code, label or the words inspectorates and scrapes use (``Requires
  Improvement``, ``requires improvement``, ``RI``), with one matching rule (``outcome_match``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from charset_normalizer import from_bytes

# --- Errors ------------------------------------------------------------------------------------


class CsvFileError(Exception):
    """The file as a whole cannot be read. ``messages`` are sentences a user can act on."""

    def __init__(self, messages: list[str] | str):
        if isinstance(messages, str):
            messages = [messages]
        super().__init__(" ".join(messages))
        self.messages = messages


class ValueReadError(ValueError):
    """One cell cannot be read; the message names the value and what is expected."""


# --- Encodings ---------------------------------------------------------------------------------

UTF8 = "UTF-8"
UTF8_BOM = "UTF-8 with byte-order mark"
WINDOWS_1252 = "Windows-1252"

SAVE_AS_UTF8 = (
    "In Excel choose File, Save As, ‘CSV UTF-8 (Comma delimited) (*.csv)’, then upload that file."
)


def csv_decode(content: bytes) -> tuple[str, str]:
    """The file's text and the name of its encoding (UTF-8, with or without BOM, or Windows-1252).

    Raises CsvFileError naming what the file seems to be when it is neither.
    """
    if content.startswith(b"\xef\xbb\xbf"):
        try:
            return content[3:].decode("utf-8"), UTF8_BOM
        except UnicodeDecodeError:
            raise CsvFileError(
                ["The file says it is UTF-8 text but is not: it may be damaged. " + SAVE_AS_UTF8]
            ) from None
    if content.startswith(b"PK\x03\x04") or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise CsvFileError(["The file is an Excel workbook, not a CSV file. " + SAVE_AS_UTF8])
    if content.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in content[:4096]:
        raise CsvFileError(
            ["The file is saved as ‘Unicode text’ (UTF-16), or is not text at all. " + SAVE_AS_UTF8]
        )
    try:
        return content.decode("utf-8"), UTF8
    except UnicodeDecodeError:
        pass
    # Not UTF-8: is it what Excel writes on Windows? The library checks that the bytes read as
    # coherent Windows-1252 text (not just that they decode, which almost any bytes do), and
    # that no other code page reads them as a different, at least as coherent text (a Russian
    # Windows-1251 file decodes as Windows-1252 too, into nonsense).
    guesses = from_bytes(content)
    best = guesses.best()
    if from_bytes(content, cp_isolation=["cp1252"]).best() is not None:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            text = None
        if text is not None and (
            best is None
            or str(best) == text
            or any(m.encoding == "cp1252" and m.chaos <= best.chaos for m in guesses)
        ):
            return text, WINDOWS_1252
    seems = f" (it looks like {_encoding_name(best.encoding)})" if best else ""
    raise CsvFileError(
        [
            f"The file's text is in an encoding this import does not read{seems}: only UTF-8 "
            "and Windows-1252 (Excel's ‘CSV (Comma delimited)’) are read. " + SAVE_AS_UTF8
        ]
    )


def _encoding_name(codec: str) -> str:
    if match := re.fullmatch(r"cp(125\d)", codec):
        return f"Windows-{match[1]}"
    return codec.replace("_", "-").upper()


# --- Delimiters and headers --------------------------------------------------------------------

DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs"}


def csv_delimiter(text: str) -> str:
    """The delimiter of the header row: the one of comma, semicolon and tab that splits it most."""
    first_line = next(iter(text.splitlines()), "")
    counts = {}
    for delimiter in DELIMITERS:
        try:
            counts[delimiter] = len(next(csv.reader([first_line], delimiter=delimiter), []))
        except csv.Error:  # a field longer than the csv module allows: not this delimiter
            counts[delimiter] = 1
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] > 1 else ","


def header_key(text: str) -> str:
    """A header as its canonical key: lower case, runs of spaces, hyphens, dots and underscores
    as one underscore (``Inspection Start Date`` -> ``inspection_start_date``)."""
    text = text.replace("\ufeff", "").strip().casefold()
    return re.sub(r"[\s\-_.]+", "_", text).strip("_")


@dataclass
class CsvTable:
    """A file read as a table: columns by their canonical names, rows of cells."""

    encoding: str
    delimiter: str
    header: list[str]  # as written in the file
    columns: list[str]  # canonical names, after synonyms
    rows: list[tuple[int, list[str]]]  # (row number as a spreadsheet shows it, cells)
    ragged: list[tuple[int, str]] = field(default_factory=list)  # (row, message)

    @property
    def delimiter_name(self) -> str:
        return DELIMITERS[self.delimiter]

    def described(self) -> str:
        return f"read as {self.encoding}, columns separated by {self.delimiter_name}"

    def dicts(self) -> Iterable[tuple[int, dict[str, str]]]:
        """(row number, {column: cell}) for each row; cells stripped, missing cells empty."""
        for number, cells in self.rows:
            cells = cells + [""] * (len(self.columns) - len(cells))
            yield (
                number,
                {
                    name: (value or "").strip()
                    for name, value in zip(self.columns, cells, strict=True)
                },
            )


def csv_read(
    content: bytes,
    *,
    synonyms: Mapping[str, str] | None = None,
    max_bytes: int | None = None,
    max_rows: int | None = None,
    header_check: Callable[[list[str]], None] | None = None,
) -> CsvTable:
    """Read a CSV file's bytes: encoding, delimiter, header (through ``synonyms``), rows.

    Empty lines are dropped; short rows (Excel drops empty trailing cells) are padded; a row with
    more non-empty cells than the header has columns is noted in ``ragged``. Raises CsvFileError
    for a file that cannot be read as a whole (size, encoding, not CSV, no header).
    """
    if max_bytes is not None and len(content) > max_bytes:
        raise CsvFileError(
            [
                f"The file is {_size_words(len(content))}: it must be at most "
                f"{_size_words(max_bytes)}. Split it into smaller files, for example one per "
                "year, and import each."
            ]
        )
    if not content.strip():
        raise CsvFileError(["The file is empty."])
    text, encoding = csv_decode(content)
    delimiter = csv_delimiter(text)
    synonyms = synonyms or {}
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows, ragged = [], []
    try:
        header = next(reader, [])
        while header and not header[-1].strip():
            header.pop()  # spreadsheets often save empty trailing columns
        columns = [synonyms.get(header_key(name), header_key(name)) for name in header]
        if header_check is not None:
            header_check(columns)  # a wrong header is refused before the rows are read
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            number = reader.line_num
            if max_rows is not None and len(rows) >= max_rows:
                raise CsvFileError(
                    [
                        f"The file has more than {max_rows:,} rows of data: one import takes "
                        "at most that many. Split it into smaller files, for example one per "
                        "year, and import each."
                    ]
                )
            if any(cell.strip() for cell in cells[len(columns) :]):
                ragged.append(
                    (
                        number,
                        f"This row has {len(cells)} cells but the header row names only "
                        f"{len(columns)} columns.",
                    )
                )
            cells = cells[: len(columns)]
            rows.append((number, cells + [""] * (len(columns) - len(cells))))
    except csv.Error as exc:
        raise CsvFileError(
            [f"The file could not be read as CSV at line {reader.line_num}: {exc}."]
        ) from None
    if not columns:
        raise CsvFileError(["The file has no header row with the column names."])
    return CsvTable(
        encoding=encoding,
        delimiter=delimiter,
        header=header,
        columns=columns,
        rows=rows,
        ragged=ragged,
    )


def _size_words(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


# --- Dates -------------------------------------------------------------------------------------

# Two-digit years: 25 is 2025. The app records no inspection before 2000 (nor after 2099).
TWO_DIGIT_YEAR_CENTURY = 2000
DATE_FORMS_HELP = (
    "Write dates day first, for example 31/03/2025, 31/03/25, 31-Mar-25 or 31 March 2025, "
    "or as 2025-03-31."
)

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
# re.ASCII: \d is 0 to 9 only (without it, ２０２５ or ٢٠٢٤ would be read as 2025 and 2024).
_ISO = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", re.ASCII
)
_DAY_FIRST = re.compile(
    r"(\d{1,2})([/\-.])(\d{1,2})\2(\d{4}|\d{2})(?: \d{1,2}:\d{2}(?::\d{2})?)?", re.ASCII
)
_WORDS = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([a-z]+)\.?,?[\s\-]+(\d{4}|\d{2})", re.ASCII)


def _year(text: str) -> int:
    year = int(text)
    return TWO_DIGIT_YEAR_CENTURY + year if len(text) == 2 else year


def date_read(text: str) -> date:
    """A date in any form a UK spreadsheet writes, day first. Raises ValueReadError."""
    value = " ".join((text or "").split()).casefold()
    if not value:
        raise ValueReadError("Enter a date.")
    if match := _ISO.fullmatch(value):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif match := _DAY_FIRST.fullmatch(value):
        day, month, year = int(match[1]), int(match[3]), _year(match[4])
    elif (match := _WORDS.fullmatch(value)) and match[2] in _MONTHS:
        day, month, year = int(match[1]), _MONTHS[match[2]], _year(match[3])
    else:
        raise ValueReadError(f"‘{text.strip()}’ is not a date. {DATE_FORMS_HELP}")
    try:
        return date(year, month, day)
    except ValueError:
        if 1 <= month <= 12:
            month_name = date(2000, month, 1).strftime("%B")
            raise ValueReadError(
                f"‘{text.strip()}’ is not a real date: there is no {day} {month_name} {year}."
            ) from None
        raise ValueReadError(
            f"‘{text.strip()}’ is not a real date: there is no month {month}. "
            "Dates are read day first (day/month/year)."
        ) from None


# --- Numbers -----------------------------------------------------------------------------------

_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", re.ASCII)
# A plain number in the digits 0 to 9 (Python's Decimal would also take ١٢ or １２).
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?", re.ASCII | re.I)


def number_read(text: str) -> Decimal:
    """A number, with or without thousands separators and stray spaces. Raises ValueReadError.

    ``1,234.50`` is 1234.50. A comma that is not a thousands separator (``12,5``: a European
    decimal comma, or a typing error) is refused rather than guessed.
    """
    value = re.sub(r"[\s\u00a0\u202f\u2009]+", "", text or "")
    if not value:
        raise ValueReadError("Enter a number.")
    if "," in value:
        if not _THOUSANDS.fullmatch(value):
            raise ValueReadError(
                f"‘{text.strip()}’ is not a number: write it with a point for decimals and "
                "commas only between thousands, for example 1,234.50."
            )
        value = value.replace(",", "")
    if not _PLAIN_NUMBER.fullmatch(value):
        raise ValueReadError(
            f"‘{text.strip()}’ is not a number. Write a plain number with the digits 0 to 9, "
            "for example 37.5."
        )
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueReadError(
            f"‘{text.strip()}’ is not a number. Write a plain number, for example 37.5."
        ) from None
    if not number.is_finite():
        raise ValueReadError(f"‘{text.strip()}’ is not a number.")
    return number


# --- Outcomes ----------------------------------------------------------------------------------

# Words inspectorates and scrapes write for an outcome, as the words of the outcome's label.
OUTCOME_WORDS = {
    "ri": "requires improvement",
    "requires improvement to be good": "requires improvement",
    "req improvement": "requires improvement",
    "outstanding": "outstanding",
    "inad": "inadequate",
}


def outcome_key(text: str) -> str:
    """The one matching rule for outcomes: case, spacing, underscores, hyphens and punctuation
    do not matter, and the usual short forms and long forms are the same words."""
    key = re.sub(r"[\s_\-.,'’:;()]+", " ", (text or "").casefold()).strip()
    return OUTCOME_WORDS.get(key, key)


def outcome_match(text: str, outcomes: Iterable):
    """The outcome (of those given: one inspection type's) whose code or label ``text`` names.

    Returns None when none matches; the caller says what the type's outcomes are.
    """
    key = outcome_key(text)
    if not key:
        return None
    for outcome in outcomes:
        if key in (outcome_key(outcome.code), outcome_key(outcome.label)):
            return outcome
    return None


# --- Addresses ---------------------------------------------------------------------------------

_BARE_ADDRESS = re.compile(r"(?:www\.)?[a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)+(?:[/?#]\S*)?", re.I)


def address_complete(text: str) -> tuple[str, str]:
    """A report address as an ``https://`` URL, and a warning if it had to be changed or dropped.

    ``https://…`` and ``http://…`` are kept; a host and path with no scheme
    (``ofsted.gov.uk/50302264``) is completed with ``https://``; anything else is left empty
    with a warning. The address is never a reason to drop a row.
    """
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    value = (text or "").strip()
    if not value:
        return "", ""
    completed = value
    if not re.match(r"https?://", value, re.I):
        if not _BARE_ADDRESS.fullmatch(value):
            return "", f"the report address ‘{value}’ is not a web address: left empty"
        completed = "https://" + value
    try:
        URLValidator(schemes=["http", "https"])(completed)
    except ValidationError:
        return "", f"the report address ‘{value}’ is not a web address: left empty"
    if completed != value:
        return completed, f"the report address ‘{value}’ had no https://: completed to {completed}"
    return completed, ""


__all__ = [
    "DATE_FORMS_HELP",
    "TWO_DIGIT_YEAR_CENTURY",
    "CsvFileError",
    "CsvTable",
    "ValueReadError",
    "address_complete",
    "csv_decode",
    "csv_delimiter",
    "csv_read",
    "date_read",
    "header_key",
    "number_read",
    "outcome_key",
    "outcome_match",
]
