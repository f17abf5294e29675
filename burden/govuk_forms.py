"""GOV.UK Design System markup for ordinary Django forms.

With ``FORM_RENDERER = "burden.govuk_forms.GovukFormRenderer"`` every form renders its fields
in GOV.UK markup when a template says ``{{ form }}`` (or ``{{ form.field.as_field_group }}``):
labels, hints (``help_text``), error messages and the inputs' ``govuk-*`` classes.
``templates/govuk/error_summary.html`` lists the errors at the top of the page.

Dates are asked for with three boxes (day, month, year), the GOV.UK date input pattern: use
``GovukDateField`` in forms, or pass ``formfield_callback=govuk_formfield_callback`` to a
ModelForm to get it for every model ``DateField``.
"""

from __future__ import annotations

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import widgets
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.forms.utils import pretty_name

from . import plausible

__all__ = [
    "GovukBoundField",
    "GovukDateField",
    "GovukDateInput",
    "GovukFormRenderer",
    "govuk_formfield_callback",
]

DATE_PARTS = ("day", "month", "year")
# ASCII digits only: "\\d" would take other scripts' digits, and a day of twenty digits would
# overflow the date constructor.
_DIGITS = re.compile(r"[0-9]{1,2}")
_YEAR = re.compile(r"[0-9]{4}")


# ---------------------------------------------------------------------------------------------
# Date input
# ---------------------------------------------------------------------------------------------


class DateParts(str):
    """A date as typed that is not a real date, still carrying the three parts.

    The widget hands this to the field instead of an ISO date. As a string it matches no date
    input format, so ``DateField`` rejects it; the field reads ``parts`` to say what is wrong,
    and the widget reads them to show the user's input again unchanged.
    """

    parts: tuple[str, str, str]

    def __new__(cls, day: str, month: str, year: str) -> DateParts:
        obj = super().__new__(cls, f"invalid date: {day}/{month}/{year}")
        obj.parts = (day, month, year)
        return obj

    def __reduce__(self):
        return (DateParts, self.parts)

    @property
    def missing(self) -> list[str]:
        return [name for name, value in zip(DATE_PARTS, self.parts, strict=True) if not value]

    @property
    def problem_parts(self) -> list[str]:
        """The parts to highlight: the missing ones, else the malformed ones, else all three."""
        if self.missing:
            return self.missing
        day, month, year = self.parts
        bad = [
            name for name, value in (("day", day), ("month", month)) if not _DIGITS.fullmatch(value)
        ]
        if not _YEAR.fullmatch(year):
            bad.append("year")
        return bad or list(DATE_PARTS)


def _read_date(day: str, month: str, year: str) -> str | DateParts | None:
    """ISO ``YYYY-MM-DD`` for a real date, ``None`` when all three are blank, else the parts."""
    if not (day or month or year):
        return None
    if _DIGITS.fullmatch(day) and _DIGITS.fullmatch(month) and _YEAR.fullmatch(year):
        try:
            return datetime.date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            pass
    return DateParts(day, month, year)


class GovukDateInput(forms.MultiWidget):
    """Three text boxes for day, month and year (GOV.UK "date input").

    The boxes are named ``<name>_day``, ``<name>_month`` and ``<name>_year`` and have the ids
    ``<id>_day``, ``<id>_month`` and ``<id>_year``.
    """

    template_name = "govuk/forms/widgets/date_input.html"
    part_labels = {"day": "Day", "month": "Month", "year": "Year"}
    part_widths = {"day": 2, "month": 2, "year": 4}

    def __init__(self, attrs=None):
        super().__init__({part: forms.TextInput() for part in DATE_PARTS}, attrs)

    def decompress(self, value):
        if isinstance(value, DateParts):
            return list(value.parts)
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str) and value:
            try:
                parsed = datetime.date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
            return [str(parsed.day), str(parsed.month), str(parsed.year)]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        day, month, year = ((data.get(f"{name}_{part}") or "").strip() for part in DATE_PARTS)
        if not (day or month or year) and data.get(name):
            # A short link such as ?date_from=2023-01-01 (quick periods, shared URLs).
            return (data.get(name) or "").strip()
        return _read_date(day, month, year)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and all(f"{name}_{part}" not in data for part in DATE_PARTS)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        attrs = widget["attrs"]
        has_error = attrs.get("aria-invalid") == "true"
        problem_parts = value.problem_parts if isinstance(value, DateParts) else list(DATE_PARTS)
        base_id = attrs.get("id")
        for part, sub in zip(DATE_PARTS, widget["subwidgets"], strict=True):
            sub_attrs = sub["attrs"]
            if base_id:
                sub_attrs["id"] = f"{base_id}_{part}"
            classes = [
                "govuk-input",
                "govuk-date-input__input",
                f"govuk-input--width-{self.part_widths[part]}",
            ]
            if has_error and part in problem_parts:
                classes.append("govuk-input--error")
            else:
                sub_attrs.pop("aria-invalid", None)
            sub_attrs["class"] = " ".join(classes)
            sub_attrs["inputmode"] = "numeric"
            sub_attrs.pop("aria-describedby", None)
            sub["govuk_label"] = self.part_labels[part]
            sub["govuk_part"] = part
        return context


class GovukDateField(forms.DateField):
    """A date asked for as day, month and year, with GOV.UK-style error messages.

    Only plausible dates are accepted (``burden.plausible``: 2000 to two years ahead), in forms
    and filters alike; the message names the field.
    """

    widget = GovukDateInput
    default_error_messages = {
        "invalid": "%(label)s must be a real date",
        "incomplete": "%(label)s must include a %(parts)s",
        "year": "Year must include 4 numbers",
    }

    _error_label: str | None = None

    def get_bound_field(self, form, field_name):
        # Remember the label as shown, for error messages ("Start date must be a real date").
        self._error_label = self.label or pretty_name(field_name)
        return super().get_bound_field(form, field_name)

    def _invalid(self, code: str, **params) -> ValidationError:
        params.setdefault("label", self._error_label or self.label or "Date")
        return ValidationError(self.error_messages[code], code=code, params=params)

    def to_python(self, value):
        if isinstance(value, DateParts):
            if value.missing:
                parts = " and ".join(value.missing)
                raise self._invalid("incomplete", parts=parts)
            if value.problem_parts == ["year"]:
                raise self._invalid("year")
            raise self._invalid("invalid")
        if isinstance(value, str) and not value.isascii():
            # Django's date parsing reads any script's digits (２０２５-01-01 as 2025-01-01);
            # the rule here is the digits 0 to 9 (burden.plausible).
            raise self._invalid("invalid")
        try:
            return super().to_python(value)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "invalid":
                raise self._invalid("invalid") from exc
            raise
        except (OverflowError, ValueError) as exc:  # an ISO date out of any calendar
            raise self._invalid("invalid") from exc

    def validate(self, value):
        super().validate(value)
        plausible.validate_plausible_date(value, self._error_label or self.label or "The date")


def govuk_formfield_callback(db_field: models.Field, **kwargs):
    """``formfield_callback`` for ModelForms: model DateFields become GovukDateFields."""
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        kwargs.setdefault("form_class", GovukDateField)
        kwargs.pop("widget", None)
    return db_field.formfield(**kwargs)


# ---------------------------------------------------------------------------------------------
# Bound field and renderer
# ---------------------------------------------------------------------------------------------

_DJANGO_REQUIRED = forms.Field.default_error_messages["required"]
_CONTAINER_MODIFIERS = re.compile(r"^govuk-(radios|checkboxes)--")


def _split_classes(value) -> list[str]:
    return str(value or "").split()


class GovukBoundField(BoundField):
    """A BoundField that adds GOV.UK classes and says how its field is laid out.

    ``govuk_kind`` is one of ``input``, ``password`` (with a show/hide button), ``select``,
    ``textarea``, ``file``, ``checkbox`` (a single box), ``checkboxes``, ``radios``, ``date``,
    ``hidden`` or ``other``.
    """

    def __init__(self, form, field, name):
        super().__init__(form, field, name)
        # Say what to do instead of Django's "This field is required." (GOV.UK error messages
        # are specific). Only the default is replaced; the form's field is a per-form copy.
        if field.error_messages.get("required") == _DJANGO_REQUIRED:
            message = self._required_message()
            if message:
                field.error_messages = {**field.error_messages, "required": message}

    def _required_message(self) -> str | None:
        label = str(self.label or "").strip()
        if not label:
            return None
        # "Inspection type" -> "inspection type", but "JTAI theme" stays as it is
        if len(label) > 1 and label[0].isupper() and not label[1].isupper():
            label = label[0].lower() + label[1:]
        kind = self.govuk_kind
        if kind in {"select", "radios", "checkboxes", "file"}:
            return f"Select {label}"
        if kind in {"input", "password", "textarea", "date"}:
            return f"Enter {label}"
        return None

    @property
    def govuk_kind(self) -> str:
        widget = self.field.widget
        if widget.is_hidden:
            return "hidden"
        if isinstance(widget, GovukDateInput):
            return "date"
        if isinstance(widget, forms.CheckboxSelectMultiple):
            return "checkboxes"
        if isinstance(widget, forms.RadioSelect):
            return "radios"
        if isinstance(widget, forms.CheckboxInput):
            return "checkbox"
        if isinstance(widget, forms.Select | forms.SelectMultiple):
            return "select"
        if isinstance(widget, forms.Textarea):
            return "textarea"
        if isinstance(widget, forms.FileInput):
            return "file"
        if isinstance(widget, forms.PasswordInput):
            return "password"
        if isinstance(widget, widgets.Input):
            return "input"
        return "other"

    @property
    def govuk_container_classes(self) -> str:
        """Modifier classes for the radios/checkboxes container, such as govuk-radios--inline.

        Set them in the widget's ``attrs["class"]``; they are kept off the inputs.
        """
        return " ".join(
            c
            for c in _split_classes(self.field.widget.attrs.get("class"))
            if _CONTAINER_MODIFIERS.match(c)
        )

    @property
    def govuk_show_optional(self) -> bool:
        """Whether to add "(optional)" to the label: GOV.UK marks optional questions.

        Not for tick boxes, and not when every question of the form is optional (a filter
        form, say). A form can decide with a ``govuk_mark_optional = True/False`` attribute.
        """
        if self.field.required or self.govuk_kind in {"checkbox", "checkboxes"}:
            return False
        mark = getattr(self.form, "govuk_mark_optional", None)
        if mark is not None:
            return bool(mark)
        return any(
            field.required and not field.widget.is_hidden for field in self.form.fields.values()
        )

    @property
    def govuk_error_target(self) -> str:
        """The id an error summary link should point at."""
        kind = self.govuk_kind
        if not self.auto_id or kind == "hidden":
            return ""
        if kind == "date":
            value = self.value()
            part = value.problem_parts[0] if isinstance(value, DateParts) else "day"
            return f"{self.auto_id}_{part}"
        if kind in {"radios", "checkboxes"}:
            subwidgets = self.subwidgets
            if subwidgets and subwidgets[0].id_for_label:
                return subwidgets[0].id_for_label
        return self.id_for_label or self.auto_id

    @property
    def _is_whole_number(self) -> bool:
        # DecimalField and FloatField subclass IntegerField.
        return isinstance(self.field, forms.IntegerField) and not isinstance(
            self.field, forms.DecimalField | forms.FloatField
        )

    def _govuk_classes(self, widget) -> tuple[list[str], str | None]:
        """The classes for the widget's input(s), and its error modifier."""
        if isinstance(widget, GovukDateInput) or widget.is_hidden:
            return [], None
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            return ["govuk-checkboxes__input"], None
        if isinstance(widget, forms.RadioSelect):
            return ["govuk-radios__input"], None
        if isinstance(widget, forms.Select | forms.SelectMultiple):
            return ["govuk-select"], "govuk-select--error"
        if isinstance(widget, forms.Textarea):
            return ["govuk-textarea"], "govuk-textarea--error"
        if isinstance(widget, forms.FileInput):
            return ["govuk-file-upload"], "govuk-file-upload--error"
        if isinstance(widget, forms.PasswordInput):
            return [
                "govuk-input",
                "govuk-password-input__input",
                "govuk-js-password-input-input",
            ], "govuk-input--error"
        if isinstance(widget, forms.SelectDateWidget):
            return ["govuk-select"], "govuk-select--error"
        if isinstance(widget, widgets.Input | forms.MultiWidget):
            classes = ["govuk-input"]
            if isinstance(widget, forms.NumberInput) and not any(
                c.startswith("govuk-input--width-")
                for c in _split_classes(widget.attrs.get("class"))
            ):
                classes.append(
                    "govuk-input--width-5" if self._is_whole_number else "govuk-input--width-10"
                )
            return classes, "govuk-input--error"
        return [], None

    def build_widget_attrs(self, attrs, widget=None):
        widget = widget or self.field.widget
        attrs = super().build_widget_attrs(attrs, widget)
        # GOV.UK services validate on the server and mark optional questions instead; the
        # browser's own "required" bubbles are neither consistent nor accessible.
        attrs.pop("required", None)
        classes, error_class = self._govuk_classes(widget)
        if classes:
            own = [
                c
                for c in _split_classes(attrs.get("class") or widget.attrs.get("class"))
                if not _CONTAINER_MODIFIERS.match(c)
            ]
            if self.errors and error_class:
                classes.append(error_class)
            attrs["class"] = " ".join(dict.fromkeys(classes + own))
        if isinstance(widget, forms.NumberInput):
            # Rendered as type="text" (see govuk/forms/widgets/number.html), as GOV.UK advises.
            if self._is_whole_number:
                attrs.setdefault("inputmode", "numeric")
            attrs.setdefault("spellcheck", "false")
        elif isinstance(widget, forms.PasswordInput):
            attrs.setdefault("spellcheck", "false")
            attrs.setdefault("autocapitalize", "none")
        elif isinstance(widget, forms.EmailInput | forms.URLInput):
            attrs.setdefault("spellcheck", "false")
        return attrs


class GovukFormRenderer(TemplatesSetting):
    """Renders forms, fields and widgets with the GOV.UK templates in templates/govuk/forms/.

    Widget templates listed in ``widget_templates`` are swapped for GOV.UK versions; every
    other widget keeps Django's template (with GOV.UK classes added by GovukBoundField).
    """

    form_template_name = "govuk/forms/form.html"
    formset_template_name = "govuk/forms/formset.html"
    field_template_name = "govuk/forms/field.html"
    bound_field_class = GovukBoundField

    widget_templates = {
        "django/forms/widgets/number.html": "govuk/forms/widgets/number.html",
        "django/forms/widgets/clearable_file_input.html": (
            "govuk/forms/widgets/clearable_file_input.html"
        ),
    }

    def get_template(self, template_name):
        return super().get_template(self.widget_templates.get(template_name, template_name))
