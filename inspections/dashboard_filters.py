"""The dashboards' filters: period, region, council, family and type, read from the URL (GET).

The form only reads and checks the choices; the selectors apply them, through
:class:`inspections.selectors.burden.BurdenFilters`, to every figure on the page.
"""

from datetime import date, timedelta
from urllib.parse import urlencode

import django_filters
from django import forms

from councils.models import Region

from .filters import CouncilFilter, GovukDateFilter
from .models import Family, InspectionEvent, InspectionType
from .selectors.burden import BurdenFilters


class BurdenFilterForm(forms.Form):
    # Every question is optional: don't add "(optional)" to each label.
    govuk_mark_optional = False

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "On site to must be the same as or after on site from")
        return cleaned


class BurdenFilterSet(django_filters.FilterSet):
    date_from = GovukDateFilter(label="On site from", field_name="on_site_start", lookup_expr="gte")
    date_to = GovukDateFilter(label="On site to", field_name="on_site_start", lookup_expr="lte")
    region = django_filters.ModelChoiceFilter(
        label="Region",
        field_name="council__region",
        queryset=Region.objects.all(),
        to_field_name="slug",
        empty_label="England (every region)",
    )
    # Any name or code the council resolver knows; the dashboards send a council to its page.
    council = CouncilFilter(
        label="Council",
        help_text="Its name or GSS code, for example Hull or E06000010",
        widget=forms.TextInput,
    )
    family = django_filters.ChoiceFilter(
        label="Family",
        field_name="inspection_type__family",
        choices=Family.choices,
        empty_label="Any family",
    )
    inspection_type = django_filters.ModelChoiceFilter(
        label="Inspection type", queryset=InspectionType.objects.all(), empty_label="Any type"
    )

    class Meta:
        model = InspectionEvent
        fields = ["date_from", "date_to", "region", "council", "family", "inspection_type"]
        form = BurdenFilterForm

    def burden_filters(self) -> BurdenFilters | None:
        """The filters to give the selectors, or None while the form has errors."""
        if not self.is_valid():
            return None
        return BurdenFilters.from_cleaned_data(self.form.cleaned_data)


def filters_query(filters: BurdenFilters, *, region_slug: str = "", **extra) -> dict[str, str]:
    """The short, canonical URL parameters of a set of filters (for links and bookmarks).

    ``date_from`` is always there, empty for no start: a dashboard address with no period at
    all gets the default period, and a link from an all-time view must stay all time.
    """
    params = {
        "date_to": filters.date_to.isoformat() if filters.date_to else "",
        "region": region_slug,
        "family": filters.family,
        "inspection_type": str(filters.inspection_type_id or ""),
    }
    params.update({key: str(value) for key, value in extra.items() if value is not None})
    return {
        "date_from": filters.date_from.isoformat() if filters.date_from else "",
        **{key: value for key, value in params.items() if value},
    }


def query_string(params: dict[str, str]) -> str:
    return f"?{urlencode(params)}"


def quick_periods(today: date) -> list[tuple[str, str, date | None]]:
    """(code, label, first day) of the quick period links; None means all time."""
    return [
        ("12-months", "Last 12 months", _years_before(today, 1) + timedelta(days=1)),
        ("3-years", "Last 3 years", _years_before(today, 3) + timedelta(days=1)),
        ("all", "All time", None),
    ]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
