"""CSV as an alternative to JSON for the list endpoints (``?format=csv`` or ``Accept: text/csv``).

Written by the exports' own CSV writer (``inspections.exports``): UTF-8 with a byte-order mark,
ISO dates, and text that a spreadsheet would run as a formula prefixed with an apostrophe.
Nested values become dotted columns (``council.name``); lists are joined with "; ". Hours
withheld from the user (``hours_shown`` false) read "not shown", as in the exports.
"""

from decimal import Decimal

from rest_framework.renderers import BaseRenderer

from burden.number_format import NOT_SHOWN, export_decimal

from ..exports import csv_stream, neutralise


def _flatten(value, prefix: str, row: dict) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(inner, f"{prefix}.{key}" if prefix else str(key), row)
    elif isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, dict):
                parts.append(" ".join(str(v) for v in item.values() if v not in (None, "")))
            else:
                parts.append(str(item))
        row[prefix] = "; ".join(parts)
    else:
        row[prefix] = value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, float | Decimal):  # figures: two places, as in the exports
        return export_decimal(value)
    return value


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            records = data["results"]
        elif isinstance(data, list):
            records = data
        else:
            records = [data] if data is not None else []
        rows, header = [], {}
        for record in records:
            row: dict = {}
            _flatten(record, "", row)
            if row.get("hours_shown") is False:
                # As in the exports: withheld hours read "not shown", never as none logged.
                for key, value in row.items():
                    if value is None and "hours" in key:
                        row[key] = NOT_SHOWN
            rows.append(row)
            header.update(dict.fromkeys(row))
        columns = list(header)
        lines = ([_cell(row.get(column)) for column in columns] for row in rows)
        return b"".join(csv_stream(columns, lines))
