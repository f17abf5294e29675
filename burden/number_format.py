"""How numbers are written: the one home for every CSV export, the API and the pages.

Every figure leaves the app through these functions, so a number reads the same in a page, a
download and an API answer, and is rounded exactly once, here, at the end. Selectors hand over
exact values (``Decimal`` sums and ratios, never pre-rounded), so a median of two ratios is the
mean of the exact ratios, rounded once (rounding each ratio first can put a median 0.1 out).

Rules:

- **Exports** (CSV, API figures): decimals always with :data:`EXPORT_PLACES` (2) places, rounded
  half up (``Decimal.quantize`` with ``ROUND_HALF_UP``, the rounding people do by hand, not
  Python's banker's rounding), no thousands separators, ``.`` as the decimal point; whole counts
  (``int``) as they are; ``None`` as an empty cell.
- **Withheld figures**: a figure the user may not see (another council's hours) is written
  :data:`NOT_SHOWN` ("not shown"), never empty and never 0, so it cannot be mistaken for "none
  logged" (``0.00``) or "no figure" (an empty cell, e.g. no gap with fewer than two inspections).
- **Pages**: staff hours with thousands separators and :data:`PAGE_PLACES` (1) decimal place
  (``1,997.6``), counts with thousands separators.

Callers: ``inspections.exports`` (CSV), ``inspections.templatetags.burden_figures`` (pages), the
charts' labels; the API and the cost figures use :func:`export_decimal` for their numbers.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db.models import Expression, F, Func, TextField

__all__ = [
    "EXPORT_PLACES",
    "NOT_SHOWN",
    "PAGE_PLACES",
    "export_cell",
    "export_decimal",
    "export_decimal_sql",
    "page_decimal",
    "page_number",
    "round_decimal",
]

EXPORT_PLACES = 2
PAGE_PLACES = 1
NOT_SHOWN = "not shown"


def round_decimal(value, places: int = EXPORT_PLACES) -> Decimal | None:
    """``value`` (Decimal, int, float or numeric text) rounded half up to ``places`` decimals.

    None stays None. Floats go through ``str`` first, so 0.1 + 0.2 rounds as 0.30, not as the
    binary float's 0.3000000000000000444. Raises ValueError for text that is not a number.
    """
    if value is None:
        return None
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value))
        except InvalidOperation as error:
            raise ValueError(f"Not a number: {value!r}") from error
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def export_decimal(value, places: int = EXPORT_PLACES) -> str:
    """A decimal for a file: ``"3484.40"``, ``"0.00"``; ``""`` for None. No separators."""
    rounded = round_decimal(value, places)
    if rounded is None:
        return ""
    if rounded == 0:
        rounded = abs(rounded)  # never "-0.00"
    return f"{rounded:f}"


def export_cell(value, *, shown: bool = True) -> str | int:
    """One numeric cell of an export: whole numbers as they are, decimals with two places.

    ``shown=False`` writes :data:`NOT_SHOWN` whatever the value: the figure exists but this user
    may not see it. ``bool`` is refused (a TypeError), so a yes/no column is never written 1/0.
    """
    if not shown:
        return NOT_SHOWN
    if isinstance(value, bool):
        raise TypeError("A yes/no value is not a number")
    if value is None:
        return ""
    if isinstance(value, int):
        return value
    return export_decimal(value)


class ExportDecimalText(Func):
    """:func:`export_decimal` done by the database: the text of the cell, ``'43.60'``.

    PostgreSQL rounds the numeric half away from zero (the same as ``ROUND_HALF_UP`` for the
    positive hours it is used on) and prints its scale of two places; SQLite prints with
    ``printf('%.2f')``. NULL stays NULL (an empty cell). Text, so the rows need no Python
    conversion on their way to the CSV writer.
    """

    output_field = TextField()
    arity = 1

    def __init__(self, expression, places: int = EXPORT_PLACES, **extra):
        self.places = int(places)
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        extra_context["template"] = (
            f"CAST(ROUND(CAST(%(expressions)s AS NUMERIC), {self.places}) AS TEXT)"
        )
        return super().as_sql(compiler, connection, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        # printf() writes NULL as 0.00, so NULL is tested first: the expression appears twice,
        # and so do its parameters. '%%' is Django's way of writing a literal '%' beside
        # parameters (with DEBUG on, the logged query is formatted with them).
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"CASE WHEN ({sql}) IS NULL THEN NULL ELSE printf('%%.{self.places}f', {sql}) END",
            (*params, *params),
        )


def export_decimal_sql(expression: Expression | str, places: int = EXPORT_PLACES) -> Func:
    """:func:`export_decimal` done by the database, for exports that stream rows untouched."""
    if isinstance(expression, str):
        expression = F(expression)
    return ExportDecimalText(expression, places)


def page_decimal(value, places: int = PAGE_PLACES, blank: str = "") -> str:
    """A decimal for a page: ``"1,997.6"``; ``blank`` for None."""
    rounded = round_decimal(value, places)
    if rounded is None:
        return blank
    if rounded == 0:
        rounded = abs(rounded)
    return f"{rounded:,f}"


def page_number(value, blank: str = "") -> str:
    """A count for a page: ``"12,345"``; a non-whole number with :data:`PAGE_PLACES` decimals."""
    if value is None:
        return blank
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    rounded = round_decimal(value, PAGE_PLACES)
    if rounded == rounded.to_integral_value():
        return f"{int(rounded):,}"
    return page_decimal(rounded)
