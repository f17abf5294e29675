"""The rows of the staff-time table, drawn in Python.

One row per entry: team, phase, number of people, hours, note and, for a saved entry, delete.
Each column has a visible heading and each cell an accessible label naming its row ("Team,
row 12"), shown above the field where the table is stacked on a narrow screen. Drawing a row
with Django's widget templates cost about 15 templates a row (an option template per choice):
4.1 s of CPU for 149 entries. Here a row is a few string joins (benchmarks/load.py measures it).
"""

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from ..models import Phase, Team

register = template.Library()

NEW_ROW_PLACEHOLDER = "__row__"
_CHOICES = {
    "team": [("", "Choose a team"), *Team.choices],
    "phase": [("", "Choose a phase"), *Phase.choices],
}
_LABELS = {
    "team": "Team",
    "phase": "Phase",
    "people": "Number of people",
    "hours": "Hours",
    "note": "Note (optional)",
}
_DELETE_CELL = '<td class="govuk-table__cell app-staff-time__cell app-staff-time__cell--delete">'


def _options(name: str, selected) -> str:
    selected = "" if selected is None else str(selected)
    return "".join(
        f'<option value="{escape(value)}"{" selected" if value == selected else ""}>'
        f"{escape(label)}</option>"
        for value, label in _CHOICES[name]
    )


def _label(field_id: str, name: str, row) -> str:
    return (
        f'<label class="govuk-label app-staff-time__label" for="{field_id}">{_LABELS[name]}'
        f'<span class="govuk-visually-hidden">, row {row}</span></label>'
    )


def _error(field_id: str, errors) -> str:
    return "".join(
        f'<p class="govuk-error-message" id="{field_id}-error">'
        f'<span class="govuk-visually-hidden">Error:</span> {escape(e)}</p>'
        for e in errors
    )


def _cell(form, name: str, row, errors) -> str:
    field_id = f"id_{form.add_prefix(name)}"
    html_name = form.add_prefix(name)
    value = form[name].value()
    field_errors = errors.get(name, ())
    described = f' aria-describedby="{field_id}-error"' if field_errors else ""
    if name in _CHOICES:
        css = "govuk-select" + (" govuk-select--error" if field_errors else "")
        control = (
            f'<select class="{css}" id="{field_id}" name="{html_name}"{described}>'
            f"{_options(name, value)}</select>"
        )
    else:
        css = {
            "people": "govuk-input govuk-input--width-3",
            "hours": "govuk-input govuk-input--width-4",
            "note": "govuk-input",
        }[name] + (" govuk-input--error" if field_errors else "")
        mode = {"people": ' inputmode="numeric"', "hours": ' inputmode="decimal"'}.get(name, "")
        text = "" if value is None else escape(str(value))
        control = (
            f'<input class="{css}" id="{field_id}" name="{html_name}" type="text"'
            f'{mode} spellcheck="false" value="{text}"{described}>'
        )
    error_css = " app-staff-time__cell--error" if field_errors else ""
    return (
        f'<td class="govuk-table__cell app-staff-time__cell app-staff-time__cell--{name}'
        f'{error_css}">{_label(field_id, name, row)}{_error(field_id, field_errors)}{control}</td>'
    )


def staff_time_row(formset, index, form, *, show_errors: bool) -> str:
    """One ``<tr>`` of the table. ``index`` None draws the template of a new row (its row
    number and form index left as placeholders for the script that adds rows)."""
    row = NEW_ROW_PLACEHOLDER if index is None else formset.row_number(index)
    saved = index is not None and index < formset.initial_form_count()
    errors = form.errors if show_errors and form.is_bound else {}
    entry_id = form["id"].value() if saved else None
    pk = getattr(entry_id, "pk", entry_id)
    id_input = (
        format_html(
            '<input type="hidden" name="{}" value="{}" id="id_{}">',
            form.add_prefix("id"),
            "" if pk is None else pk,
            form.add_prefix("id"),
        )
        if index is not None
        else ""
    )
    # Demo hours are never presented as real: the row says so (issue 13).
    demo = (
        ' <strong class="govuk-tag govuk-tag--grey app-staff-time__demo">Demo</strong>'
        if saved and form.instance.is_demo
        else ""
    )
    row_errors = [*errors.get("__all__", ()), *errors.get("id", ())]
    row_error_id = f"id_{form.add_prefix('row')}"
    header = (
        f'<th scope="row" class="govuk-table__header app-staff-time__row-number">'
        f'<span class="app-staff-time__row-word">Row </span>{row}'
        f"{'' if saved else ' <span class=app-staff-time__new>(new)</span>'}{demo}{id_input}"
        f"{_error(row_error_id, row_errors)}</th>"
    )
    cells = "".join(_cell(form, name, row, errors) for name in _LABELS)
    if saved:
        delete_id = f"id_{form.add_prefix('DELETE')}"
        checked = " checked" if form["DELETE"].value() else ""
        delete = (
            f"{_DELETE_CELL}"
            '<div class="govuk-checkboxes govuk-checkboxes--small">'
            '<div class="govuk-checkboxes__item">'
            f'<input class="govuk-checkboxes__input" id="{delete_id}" '
            f'name="{form.add_prefix("DELETE")}" type="checkbox"{checked}>'
            f'<label class="govuk-label govuk-checkboxes__label" for="{delete_id}">Delete'
            f'<span class="govuk-visually-hidden"> row {row}</span></label></div></div></td>'
        )
    else:
        delete = f"{_DELETE_CELL}</td>"
    error_css = " app-staff-time__row--error" if errors else ""
    return (
        f'<tr class="govuk-table__row app-staff-time__row{error_css}" data-row="{row}">'
        f"{header}{cells}{delete}</tr>"
    )


@register.simple_tag
def staff_time_rows(formset, show_errors=False):
    """Every row of the formset (its page's entries, then the new rows)."""
    return mark_safe(
        "".join(
            staff_time_row(formset, i, form, show_errors=show_errors)
            for i, form in enumerate(formset.forms)
        )
    )


@register.simple_tag
def staff_time_new_row(formset):
    """An empty row with ``__prefix__`` and ``__row__`` placeholders (in a <template>)."""
    return mark_safe(staff_time_row(formset, None, formset.empty_form, show_errors=False))
