"""CSV as an alternative to JSON for the list endpoints (``?format=csv`` or ``Accept: text/csv``).

Written by the exports' own CSV writer (``inspections.exports``): UTF-8 with a byte-order mark,
ISO dates, and text that a spreadsheet would run as a formula prefixed with an apostrophe.
Nested values become dotted columns (``council.name``); lists are joined with "; ".
"""

from rest_framework.renderers import BaseRenderer

from burden.number_format import export_decimal

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
    if isinstance(value, float):  # a Decimal on its way through JSON: two places, as exports
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
            rows.append(row)
            header.update(dict.fromkeys(row))
        columns = list(header)
        lines = ([_cell(row.get(column)) for column in columns] for row in rows)
        return b"".join(csv_stream(columns, lines))
