"""Filters read from a page's address, and the one rule for filters that cannot be used.

Every filtered page and export (the dashboards, a council's page, the clusters list, the
forecasts, the inadequate journey, the evidence pack, the CSV downloads) follows the same pattern
when its filters cannot be used (issue #13):

- a parameter the page does not read (``?councl=manchester``, a misspelling) is refused with a
  message naming it (:func:`refuse_unknown_parameters`), never silently ignored (the export then
  covered the whole of England under a name that said "england");
- the page answers 400 (:func:`filter_status`), with the GOV.UK error summary and "Error: " at
  the start of its title, and shows no figures (never the unfiltered ones).
"""

from collections.abc import Iterable, Mapping

import django_filters
from django import forms

from burden.govuk_forms import GovukDateField
from councils.models import Council
from councils.resolver import CouncilNotResolved, council_for_filter

from .models import Family, InspectionEvent, InspectionType


class GovukDateFilter(django_filters.DateFilter):
    """A date filter asked for with the GOV.UK day, month and year boxes."""

    field_class = GovukDateField


MAX_COUNCIL_TEXT = 200  # the longest name in the register is under 60 characters


class CouncilChoiceField(forms.ModelChoiceField):
    """A council named by its slug or by anything the council resolver reads: GSS code (current
    or retired), DfE LA number, Ofsted URN, any usual name or alias.

    A value the resolver refuses gives its message as this field's error ("Did you mean …",
    "… is not an English council …", a joint service's members to choose from); a council
    outside the field's queryset is refused as not available here.
    """

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, Council):
            value = value.slug
        value = str(value).strip()
        if len(value) > MAX_COUNCIL_TEXT or not value.isprintable():
            raise forms.ValidationError(
                f"Give the council's name (at most {MAX_COUNCIL_TEXT} characters) or its code.",
                code="invalid",
            )
        try:
            council = council_for_filter(value)  # the council resolver: slugs first
        except CouncilNotResolved as exc:
            raise forms.ValidationError(exc.message, code=exc.kind) from None
        if not self.queryset.filter(pk=council.pk).exists():
            raise forms.ValidationError(
                f"{council.name} cannot be chosen here.", code="invalid_choice"
            )
        return council


class CouncilFilter(django_filters.ModelChoiceFilter):
    """django-filter's council filter through the council resolver (see CouncilChoiceField)."""

    field_class = CouncilChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Council.objects.all())
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(*args, **kwargs)


class EventFilter(django_filters.FilterSet):
    inspection_type = django_filters.ModelChoiceFilter(
        label="Inspection type", queryset=InspectionType.objects.all(), empty_label="Any type"
    )
    family = django_filters.ChoiceFilter(
        label="Family",
        field_name="inspection_type__family",
        choices=Family.choices,
        empty_label="Any family",
    )
    date_from = GovukDateFilter(label="On site from", field_name="on_site_start", lookup_expr="gte")
    date_to = GovukDateFilter(label="On site to", field_name="on_site_start", lookup_expr="lte")

    class Meta:
        model = InspectionEvent
        fields = ["inspection_type", "family", "date_from", "date_to"]


# At most this many unknown names are quoted, each cut to this many characters.
_MAX_NAMED = 5
_MAX_NAME_LENGTH = 40


def form_parameters(form: forms.Form) -> set[str]:
    """Every parameter name the form reads: its fields, and the parts of multi-box widgets
    (a GOV.UK date's ``date_from_day``, ``_month`` and ``_year`` beside ``date_from``)."""
    names = set()
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        names.add(key)
        names.update(f"{key}{suffix}" for suffix in getattr(field.widget, "widgets_names", ()))
    return names


def unknown_parameters(
    form: forms.Form, query: Mapping[str, object], *, also: Iterable[str] = ()
) -> list[str]:
    """The names in ``query`` that neither the form nor the view (``also``: page, sort…) reads,
    in the order given."""
    known = form_parameters(form) | set(also)
    return [name for name in query if name not in known]


def refuse_unknown_parameters(
    form: forms.Form, query: Mapping[str, object], *, also: Iterable[str] = ()
) -> None:
    """Make the form invalid, with an error naming them, when the address has parameters that
    the page does not read (``also`` names those the view reads itself, such as ``page``).

    The form is validated first; an unbound form (no parameters at all) is left alone.
    """
    if not form.is_bound:
        return
    also = set(also)  # read twice below
    unknown = unknown_parameters(form, query, also=also)
    form.errors  # noqa: B018 - validate first: add_error needs cleaned_data
    _refuse_repeated_parameters(form, query, also=also)
    if not unknown:
        return
    quoted = [
        f"‘{name[:_MAX_NAME_LENGTH]}{'…' if len(name) > _MAX_NAME_LENGTH else ''}’"
        for name in unknown[:_MAX_NAMED]
    ]
    if len(unknown) > _MAX_NAMED:
        quoted.append(f"{len(unknown) - _MAX_NAMED} more")
    names = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"
    verb = "is not a filter" if len(unknown) == 1 else "are not filters"
    form.add_error(
        None,
        f"{names} {verb} of this page. Check the spelling, or remove "
        f"{'it' if len(unknown) == 1 else 'them'} from the address and choose the filters again.",
    )


def _refuse_repeated_parameters(form: forms.Form, query, *, also: set[str]) -> None:
    """A filter of one value given twice (``council=manchester&council=bristol``) is refused
    naming it: reading either one quietly would filter, and name a file, by a guess."""
    if not hasattr(query, "getlist"):
        return
    single = [
        name
        for name in query
        if len(query.getlist(name)) > 1
        and (name in also or not isinstance(form.fields.get(name), forms.MultipleChoiceField))
    ]
    for name in sorted(single)[:_MAX_NAMED]:
        form.add_error(
            name if name in form.fields else None,
            f"‘{name[:_MAX_NAME_LENGTH]}’ is given more than once in the address: give it once.",
        )


def filter_status(form: forms.Form) -> int:
    """The status of a filtered page: 400 when its filters cannot be used, else 200."""
    return 400 if form.is_bound and form.errors else 200
