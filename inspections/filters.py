import django_filters
from django import forms

from .models import Family, InspectionEvent, InspectionType


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
    date_from = django_filters.DateFilter(
        label="On site from",
        field_name="on_site_start",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label="On site to",
        field_name="on_site_start",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = InspectionEvent
        fields = ["inspection_type", "family", "date_from", "date_to"]
