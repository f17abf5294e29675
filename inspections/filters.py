import django_filters

from burden.govuk_forms import GovukDateField

from .models import Family, InspectionEvent, InspectionType


class GovukDateFilter(django_filters.DateFilter):
    """A date filter asked for with the GOV.UK day, month and year boxes."""

    field_class = GovukDateField


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
