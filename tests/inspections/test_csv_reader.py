"""The one CSV reading layer (inspections/csv_reader.py): encodings, delimiters, headers,
dates, numbers, outcomes and report addresses."""

from datetime import date
from decimal import Decimal

import pytest

from inspections.csv_reader import (
    CsvFileError,
    ValueReadError,
    address_complete,
    csv_read,
    date_read,
    header_key,
    number_read,
    outcome_match,
)
from inspections.models import InspectionOutcome

HEADER = "council_name,inspection_type,notes"
ROW = "Manchester,jtai,Café – “quoted” £5"


# --- Encodings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ((HEADER + "\r\n" + ROW).encode("utf-8"), "UTF-8"),
        (("\ufeff" + HEADER + "\r\n" + ROW).encode("utf-8"), "UTF-8 with byte-order mark"),
        ((HEADER + "\r\n" + ROW).encode("cp1252"), "Windows-1252"),
    ],
    ids=["utf-8", "utf-8 with bom", "windows-1252 (Excel's CSV on Windows)"],
)
def test_each_accepted_encoding_is_read_and_named(content, encoding):
    table = csv_read(content)

    assert table.encoding == encoding
    assert table.columns == ["council_name", "inspection_type", "notes"]
    assert dict(table.dicts())[2]["notes"] == "Café – “quoted” £5"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ((HEADER + "\r\n" + ROW).encode("utf-16"), "‘Unicode text’ (UTF-16)"),
        (
            (HEADER + "\r\nМанчестер,jtai,Привет мир это тест\r\n").encode("cp1251"),
            "it looks like Windows-1251",
        ),
        (b"PK\x03\x04" + bytes(range(200)), "an Excel workbook"),
        (b"", "The file is empty."),
    ],
    ids=["utf-16", "a Russian code page", "an xlsx workbook", "empty"],
)
def test_anything_else_is_refused_in_plain_words(content, words):
    with pytest.raises(CsvFileError) as refused:
        csv_read(content)
    assert words in str(refused.value)
    assert "codec" not in str(refused.value)  # never Python's own error


# --- Delimiters and headers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delimiter", "name"), [(",", "commas"), (";", "semicolons"), ("\t", "tabs")]
)
def test_the_delimiter_is_sniffed(delimiter, name):
    content = f"a{delimiter}b{delimiter}c\r\n1{delimiter}2,5{delimiter}3\r\n".encode()
    if delimiter == ",":
        content = b'a,b,c\r\n1,"2,5",3\r\n'

    table = csv_read(content)

    assert table.delimiter_name == name
    assert table.rows == [(2, ["1", "2,5", "3"])]


@pytest.mark.parametrize(
    "written",
    [
        "Inspection Start Date",
        "inspection_start_date",
        " INSPECTION-START-DATE ",
        "Inspection  start_date",
    ],
)
def test_headers_match_whatever_their_case_spacing_and_underscores(written):
    assert header_key(written) == "inspection_start_date"


def test_headers_go_through_the_synonyms_of_the_import():
    table = csv_read(
        b"LA Name,Publication Date\r\nHull,16/11/21\r\n", synonyms={"la_name": "council_name"}
    )
    assert table.columns == ["council_name", "publication_date"]


def test_short_rows_are_padded_and_long_ones_noted():
    table = csv_read(b"a,b,c\r\n1\r\n1,2,3,4\r\n\r\n")
    assert table.rows == [(2, ["1", "", ""]), (3, ["1", "2", "3"])]
    assert table.ragged == [(3, "This row has 4 cells but the header row names only 3 columns.")]


# --- Dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "03/03/2025",
        "3/3/25",
        "03/03/25",
        "3-Mar-25",
        "3 March 2025",
        "3 Mar 2025",
        "3rd March 2025",
        "2025-03-03",
        "2025-03-03 00:00:00",
        "03-03-2025",
        "03.03.2025",
        " 3 march 2025 ",
    ],
)
def test_every_date_form_a_uk_spreadsheet_writes(written):
    assert date_read(written) == date(2025, 3, 3)


def test_dates_are_read_day_first_always():
    assert date_read("04/03/2025") == date(2025, 3, 4)
    assert date_read("12/01/25") == date(2025, 1, 12)


def test_two_digit_years_are_read_in_the_stated_window_2000_to_2099():
    assert date_read("01/01/00") == date(2000, 1, 1)
    assert date_read("31/12/99") == date(2099, 12, 31)
    assert date_read("18/02/25") == date(2025, 2, 18)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("31/02/2025", "is not a real date: there is no 31 February 2025"),
        ("29/02/2025", "there is no 29 February 2025"),
        ("03/13/2025", "there is no month 13"),
        ("2025-02-30", "there is no 30 February 2025"),
        ("next Tuesday", "is not a date"),
        ("3 Smarch 2025", "is not a date"),
    ],
)
def test_an_impossible_date_is_named_as_such(written, message):
    with pytest.raises(ValueReadError, match=message):
        date_read(written)


# --- Numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("1,234.50", Decimal("1234.50")),
        (" 37.5 ", Decimal("37.5")),
        ("1\u00a0234.5", Decimal("1234.5")),
        ("12,345,678", Decimal("12345678")),
        ("7", Decimal("7")),
    ],
)
def test_numbers_with_thousands_separators_and_stray_spaces(written, number):
    assert number_read(written) == number


@pytest.mark.parametrize(
    "written", ["12,5", "1,23.4", "1.234,50", "NaN", "Infinity", "3 hours", ""]
)
def test_numbers_that_are_not_plain_are_refused(written):
    with pytest.raises(ValueReadError):
        number_read(written)


# --- Outcomes ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "written",
    [
        "requires_improvement",
        "Requires improvement to be good",
        "Requires Improvement",
        "requires improvement",
        "REQUIRES-IMPROVEMENT",
        "RI",
        "ri",
    ],
)
def test_outcomes_by_code_label_or_the_words_the_inspectorates_use(written):
    outcomes = InspectionOutcome.objects.filter(inspection_type__code="ilacs_standard")
    assert outcome_match(written, outcomes).code == "requires_improvement"


@pytest.mark.django_db
def test_the_same_rule_matches_a_type_whose_label_is_short():
    outcomes = InspectionOutcome.objects.filter(inspection_type__code="hmip_youth_justice")
    assert outcome_match("Requires improvement to be good", outcomes).code == "requires_improvement"
    assert outcome_match("Good", outcomes).code == "good"
    assert outcome_match("Requires Improvement ", outcomes).label == "Requires improvement"
    assert outcome_match("Excellent", outcomes) is None


# --- Report addresses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "url", "warned"),
    [
        (
            "https://files.ofsted.gov.uk/v1/file/50268244",
            "https://files.ofsted.gov.uk/v1/file/50268244",
            False,
        ),
        ("ofsted.gov.uk/50302264", "https://ofsted.gov.uk/50302264", True),
        ("www.example.org/report", "https://www.example.org/report", True),
        ("see the report", "", True),
        ("50302264", "", True),
        ("", "", False),
    ],
)
def test_a_report_address_is_completed_or_left_empty_with_a_warning(written, url, warned):
    completed, warning = address_complete(written)
    assert completed == url
    assert bool(warning) == warned


@pytest.mark.parametrize("text", ["２０２４-09-02", "٢٠٢٤-09-09", "3/٣/25", "٣ March 2025"])
def test_a_date_in_another_scripts_digits_is_refused(text):
    """Python's \\d and int() read any script's digits; the rule is the digits 0 to 9."""
    with pytest.raises(ValueReadError):
        date_read(text)


@pytest.mark.parametrize("text", ["１２", "١٢", "1,٢٣٤.5", "nan", "Infinity"])
def test_a_number_in_another_scripts_digits_is_refused(text):
    with pytest.raises(ValueReadError):
        number_read(text)
