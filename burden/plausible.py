"""Plausible values at every boundary: the one home of the date range and the strict number parser.

Forms, filters, imports and the admin check what a user typed here, so that a value no real
inspection could have (a visit in the year 9999, a day of twenty digits, a superscript "²" that
Python's ``str.isdigit`` accepts) is refused with a message naming the field, and never reaches a
page, a chart or the database.

- **Dates**: from :data:`EARLIEST_DATE` (1 January 2000: the published inspection history this
  app loads starts after it) to :func:`latest_date` (two years after today: inspections are
  announced weeks, at most months, ahead; forecasts need no events further out).
- **Numbers**: ASCII digits only (no signs, spaces, separators, other scripts' digits or
  superscripts), at most :data:`MAX_DIGITS` digits, within the caller's bounds.
- **Ids and pages** a caller names in a URL (the API's filters, ``page``): whole numbers from 1
  to :data:`MAX_ID` (nine digits, within a PostgreSQL ``integer``) and :data:`MAX_PAGE`.

The form fields at the end (:class:`WholeNumberField`, :class:`IsoDateField`) carry these rules
into filters (django-filter, the API): every filter that takes a number or a date uses them.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

__all__ = [
    "EARLIEST_DATE",
    "MAX_DIGITS",
    "MAX_ID",
    "MAX_PAGE",
    "LATEST_YEARS_AHEAD",
    "IsoDateField",
    "WholeNumberField",
    "date_problem",
    "latest_date",
    "parse_decimal",
    "parse_iso_date",
    "parse_whole_number",
    "validate_plausible_date",
]

EARLIEST_DATE = date(2000, 1, 1)
LATEST_YEARS_AHEAD = 2
MAX_DIGITS = 9
MAX_ID = 999_999_999  # MAX_DIGITS digits, below PostgreSQL's largest integer (2,147,483,647)
MAX_PAGE = 1_000_000  # a million pages of one row: more than any list here holds

_WHOLE = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DECIMAL = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}(\.[0-9]{{1,2}})?|\.[0-9]{{1,2}}")


def latest_date(today: date | None = None) -> date:
    """The last plausible date: the same day two years after today (28 February for 29th)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + LATEST_YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + LATEST_YEARS_AHEAD, day=28)


def date_problem(value: date | None, label: str, *, today: date | None = None) -> str | None:
    """A message naming the field when the date is outside the plausible range, else None."""
    if value is None:
        return None
    last = latest_date(today)
    if value < EARLIEST_DATE:
        return f"{label} must be on or after {EARLIEST_DATE:%-d %B %Y}"
    if value > last:
        return f"{label} must be on or before {last:%-d %B %Y} (two years from today)"
    return None


def validate_plausible_date(value: date | None, label: str = "The date") -> None:
    """Raise ValidationError (code ``implausible``) for a date outside the plausible range."""
    problem = date_problem(value, label)
    if problem:
        raise ValidationError(problem, code="implausible")


def parse_whole_number(text: str, label: str, *, minimum: int = 0, maximum: int) -> int:
    """A whole number written in ASCII digits (surrounding spaces allowed) within the bounds.

    Raises ValueError with a message naming the field: "people must be a whole number …".
    """
    value = (text or "").strip()
    if not _WHOLE.fullmatch(value):
        raise ValueError(
            f"{label} must be a whole number written with the digits 0 to 9, "
            f"from {minimum:,} to {maximum:,}"
        )
    number = int(value)
    if not minimum <= number <= maximum:
        raise ValueError(f"{label} must be from {minimum:,} to {maximum:,}, not {number:,}")
    return number


def parse_decimal(text: str, label: str, *, minimum: Decimal, maximum: Decimal) -> Decimal:
    """A number with at most two decimal places, in ASCII digits, within the bounds.

    Raises ValueError with a message naming the field.
    """
    value = (text or "").strip()
    if not _DECIMAL.fullmatch(value):
        raise ValueError(
            f"{label} must be a number written with the digits 0 to 9 and at most two decimal "
            "places, for example 37.5, without commas or units"
        )
    try:
        number = Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain decimals
        raise ValueError(f"{label} must be a number") from None
    if not minimum <= number <= maximum:
        raise ValueError(f"{label} must be from {minimum:,} to {maximum:,}, not {number:,}")
    return number


def parse_iso_date(text: str, label: str) -> date:
    """A date written ``YYYY-MM-DD`` in ASCII digits, real and within the plausible range.

    Raises ValueError with a message naming the field ("date_to must be on or after …").
    """
    value = (text or "").strip()
    match = _ISO_DATE.fullmatch(value)
    if not match:
        raise ValueError(f"{label} must be a date written YYYY-MM-DD, for example 2025-03-31")
    try:
        day = date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValueError(f"{label} must be a real date, not {value}") from None
    problem = date_problem(day, label)
    if problem:
        raise ValueError(problem)
    return day


class WholeNumberField(forms.Field):
    """A form (or filter) field for a whole number by :func:`parse_whole_number`'s rule.

    ``label`` in its messages is the parameter's name as the caller wrote it (``event``).
    Bounds default to an id's: 1 to :data:`MAX_ID`.
    """

    def __init__(self, *, minimum: int = 1, maximum: int = MAX_ID, **kwargs):
        self.minimum, self.maximum = minimum, maximum
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_whole_number(
                str(value), self.label or "The number", minimum=self.minimum, maximum=self.maximum
            )
        except ValueError as exc:
            raise ValidationError(str(exc), code="implausible") from None


class IsoDateField(forms.DateField):
    """A form (or filter) field for a ``YYYY-MM-DD`` date by :func:`parse_iso_date`'s rule."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            value = value.isoformat()
        try:
            return parse_iso_date(str(value), self.label or "The date")
        except ValueError as exc:
            raise ValidationError(str(exc), code="implausible") from None
