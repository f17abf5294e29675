"""The one number formatter: how every export, the API and the pages write numbers."""

from decimal import Decimal

import pytest

from burden import number_format as nf

D = Decimal


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (D("43.6000000000000"), "43.60"),
        (D("3484.40000000000"), "3484.40"),
        (43.6, "43.60"),
        (0.1 + 0.2, "0.30"),
        (D("2.675"), "2.68"),  # half up, not the float's 2.67 nor banker's rounding
        (D("2.665"), "2.67"),
        (D("309.845"), "309.85"),
        (D("-0.001"), "0.00"),
        (0, "0.00"),
        (12345678, "12345678.00"),
        (None, ""),
        ("7.5", "7.50"),
    ],
)
def test_export_decimal_has_two_places_and_no_separators(value, written):
    assert nf.export_decimal(value) == written


def test_export_cell_keeps_counts_whole_and_says_not_shown_for_a_withheld_figure():
    assert nf.export_cell(3) == 3
    assert nf.export_cell(D("1.5")) == "1.50"
    assert nf.export_cell(None) == ""
    assert nf.export_cell(D("0")) == "0.00"
    assert nf.export_cell(D("12"), shown=False) == nf.NOT_SHOWN == "not shown"
    assert nf.export_cell(None, shown=False) == "not shown"
    with pytest.raises(TypeError):
        nf.export_cell(True)


def test_text_that_is_not_a_number_is_refused():
    with pytest.raises(ValueError, match="Not a number"):
        nf.round_decimal("twelve")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (D("1997.6"), "1,997.6"),
        (D("309.845"), "309.8"),
        (D("309.85"), "309.9"),
        (D("0.04"), "0.0"),
        (None, ""),
    ],
)
def test_page_decimal_has_one_place_and_thousands_separators(value, shown):
    assert nf.page_decimal(value) == shown


def test_page_number_writes_counts_whole_and_medians_as_they_fall():
    assert nf.page_number(12345) == "12,345"
    assert nf.page_number(D("2")) == "2"
    assert nf.page_number(D("2.5")) == "2.5"
    assert nf.page_number(D("1204.25")) == "1,204.3"
    assert nf.page_number(None, blank="–") == "–"


@pytest.mark.django_db
def test_the_database_writes_the_same_text_with_the_queries_logged():
    """With DEBUG on, Django formats each logged query with its parameters: a literal '%' in
    the SQL (SQLite's printf) raised TypeError, so no events CSV downloaded in development."""
    from django.db import connection
    from django.db.models import Value
    from django.db.models.fields import DecimalField
    from django.test.utils import CaptureQueriesContext

    from councils.models import Region

    Region.objects.create(name="Somewhere", code="E12000099", slug="somewhere")
    with CaptureQueriesContext(connection):  # the debug cursor, as DEBUG on uses
        written = (
            Region.objects.annotate(
                text=nf.export_decimal_sql(
                    Value(D("309.845"), output_field=DecimalField(max_digits=9, decimal_places=3))
                )
            )
            .values_list("text", flat=True)
            .get()
        )
    assert written == "309.85"
