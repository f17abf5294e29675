"""The pages' filters, for the API: the same names and meanings, with ISO dates and codes.

Dates are ``YYYY-MM-DD`` (the pages also take the three GOV.UK boxes); an inspection type is
named by its code; a council by any name or code the council resolver knows; a region by slug.
Every number (an id) and date goes through ``burden.plausible``: ASCII digits, bounded, dates in
the plausible range; anything else is a 400 naming the parameter.
"""

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from burden import plausible
from councils.models import Region

from ..cluster_forms import ClusterFilter
from ..filters import CouncilFilter, EventFilter
from ..models import ClusterRule, InspectionType, Phase, StaffTime, Team


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.Filter):
    """A row's id: a whole number from 1 to ``plausible.MAX_ID`` in ASCII digits."""

    field_class = plausible.WholeNumberField


class DateFilter(django_filters.DateFilter):
    """A ``YYYY-MM-DD`` date within the plausible range (``plausible.IsoDateField``)."""

    field_class = plausible.IsoDateField


class IdChoiceField(forms.ModelChoiceField):
    """A row chosen by its id, which must first be a plausible id (``burden.plausible``)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            plausible.parse_whole_number(
                str(value), self.label or "The id", minimum=1, maximum=plausible.MAX_ID
            )
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="implausible") from None
        return super().to_python(value)


@extend_schema_field(OpenApiTypes.INT)
class IdChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = IdChoiceField


def _council_filter(field_name: str = "council") -> CouncilFilter:
    return CouncilFilter(
        field_name=field_name,
        label="Council: slug, GSS code (current or retired), DfE LA number, Ofsted URN or name",
        widget=forms.TextInput,
    )


def _region_filter(field_name: str) -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        field_name=field_name, queryset=Region.objects.all(), to_field_name="slug", label="Region"
    )


def _type_filter(field_name: str = "inspection_type") -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        queryset=InspectionType.objects.all(),
        to_field_name="code",
        label="Inspection type (code)",
    )


class EventApiFilter(EventFilter):
    council = _council_filter()
    region = _region_filter("council__region")
    inspection_type = _type_filter()
    date_from = DateFilter(field_name="on_site_start", lookup_expr="gte")
    date_to = DateFilter(field_name="on_site_start", lookup_expr="lte")

    class Meta(EventFilter.Meta):
        fields = ["council", "region", "inspection_type", "family", "date_from", "date_to"]


class StaffTimeApiFilter(django_filters.FilterSet):
    event = IdFilter(field_name="event_id", label="Event id")
    council = _council_filter("event__council")
    region = _region_filter("event__council__region")
    inspection_type = _type_filter("event__inspection_type")
    team = django_filters.ChoiceFilter(choices=Team.choices)
    phase = django_filters.ChoiceFilter(choices=Phase.choices)
    date_from = DateFilter(
        field_name="event__on_site_start", lookup_expr="gte", label="Event on site from"
    )
    date_to = DateFilter(
        field_name="event__on_site_start", lookup_expr="lte", label="Event on site to"
    )

    class Meta:
        model = StaffTime
        fields = ["event", "council", "region", "inspection_type", "team", "phase"]


class ClusterApiFilter(ClusterFilter):
    council = _council_filter()
    region = _region_filter("council__region")
    rule = IdChoiceFilter(queryset=ClusterRule.objects.all(), label="Rule id")
    # A cluster belongs to a period when any part of it falls inside (as on the page).
    date_from = DateFilter(field_name="last_date", lookup_expr="gte")
    date_to = DateFilter(field_name="first_date", lookup_expr="lte")
