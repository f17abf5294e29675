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
