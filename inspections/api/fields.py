"""The API's fields for dates, numbers and ids, read by the one plausibility rule.

DRF's own fields read any script's digits (``"２０２５-01-01"``, ``"٣"``) and any float, including
one too large for the database to compare (``1e309`` is infinity: a server error where it met
the primary key). These read values as ``burden.plausible`` does for the forms, filters and
imports: ASCII digits only, within stated bounds, each refusal a 400 naming the field.
"""

import math
from datetime import date, datetime
from decimal import Decimal

from rest_framework import serializers

from burden import plausible


def _refuse(exc: ValueError):
    raise serializers.ValidationError(str(exc), code="implausible") from None


class StrictDateField(serializers.DateField):
    """A date written ``YYYY-MM-DD`` (digits 0 to 9), real and within the plausible range."""

    def to_internal_value(self, value):
        if isinstance(value, date) and not isinstance(value, datetime):
            value = value.isoformat()
        if not isinstance(value, str):
            raise serializers.ValidationError(
                f"{self.field_name} must be a date written YYYY-MM-DD, for example 2025-03-31.",
                code="invalid",
            )
        try:
            return plausible.parse_iso_date(value, self.field_name)
        except ValueError as exc:
            _refuse(exc)


def _text_of_number(value, field_name: str) -> str:
    """A JSON number or string as text for the strict parsers; booleans and non-finite floats
    are refused."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise serializers.ValidationError(f"{field_name} must be a number.", code="invalid")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise serializers.ValidationError(f"{field_name} must be a number.", code="invalid")
        value = repr(value)
    return str(value)


class StrictIdField(serializers.PrimaryKeyRelatedField):
    """An id: a whole number from 1 to ``plausible.MAX_ID``, then looked up as DRF does."""

    def to_internal_value(self, data):
        text = _text_of_number(data, self.field_name)
        try:
            pk = plausible.parse_whole_number(
                text, self.field_name, minimum=1, maximum=plausible.MAX_ID
            )
        except ValueError as exc:
            _refuse(exc)
        return super().to_internal_value(pk)


class StrictWholeNumberField(serializers.IntegerField):
    """A whole number in digits 0 to 9 within ``minimum``..``maximum``."""

    def __init__(self, *, minimum: int, maximum: int, **kwargs):
        self.minimum, self.maximum = minimum, maximum
        super().__init__(min_value=minimum, max_value=maximum, **kwargs)

    def to_internal_value(self, data):
        text = _text_of_number(data, self.field_name)
        if text.endswith(".0"):  # a JSON 3.0 is the whole number 3
            text = text[:-2]
        try:
            return plausible.parse_whole_number(
                text, self.field_name, minimum=self.minimum, maximum=self.maximum
            )
        except ValueError as exc:
            _refuse(exc)


class StrictDecimalField(serializers.DecimalField):
    """A number in digits 0 to 9 with at most two decimal places (a leading minus allowed), of
    at most ``plausible.MAX_DIGITS`` whole digits. Its range is the model's rule, with the
    model's message, as on the pages."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=12, decimal_places=2, **kwargs)

    def to_internal_value(self, data):
        text = _text_of_number(data, self.field_name).strip()
        negative = text.startswith("-")
        bound = Decimal(10**plausible.MAX_DIGITS)
        try:
            number = plausible.parse_decimal(
                text.removeprefix("-"), self.field_name, minimum=Decimal(0), maximum=bound
            )
        except ValueError as exc:
            _refuse(exc)
        return -number if negative else number
