"""The clusters list's filters and the acknowledgement form."""

import django_filters
from django import forms

from councils.models import Council, Region

from .clustering import RuleSpec
from .filters import CouncilFilter, GovukDateFilter
from .models import Cluster, ClusterRule, Family, InspectionType


class ClusterFilter(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(
        label="Region",
        field_name="council__region",
        queryset=Region.objects.all(),
        to_field_name="slug",
        empty_label="Any region",
    )
    council = CouncilFilter(
        label="Council",
        queryset=Council.objects.all(),
        to_field_name="slug",
        empty_label="Any council",
    )
    rule = django_filters.ModelChoiceFilter(
        label="Rule", queryset=ClusterRule.objects.all(), empty_label="Any rule"
    )
    # A cluster belongs to a period when any part of it falls inside.
    date_from = GovukDateFilter(label="From", field_name="last_date", lookup_expr="gte")
    date_to = GovukDateFilter(label="To", field_name="first_date", lookup_expr="lte")
    acknowledged = django_filters.ChoiceFilter(
        label="Acknowledged",
        choices=[("yes", "Acknowledged"), ("no", "Not acknowledged yet")],
        empty_label="Either",
        method="filter_acknowledged",
    )

    class Meta:
        model = Cluster
        fields = ["region", "council", "rule", "date_from", "date_to", "acknowledged"]

    def filter_acknowledged(self, queryset, name, value):
        return queryset.filter(acknowledged_at__isnull=value != "yes")


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, what the council told the inspectorates, or why the dates "
        "could not be moved",
    )


# What the two lists mean together, said once for the rules page and the Django admin: it is
# what inspections.clustering.RuleSpec.counts does (the lists are OR-ed; both empty: every event).
WHICH_EVENTS_COUNT = (
    "An event counts if its family is ticked or its own type is ticked. Tick nothing in either "
    "list and every event counts. With only types ticked, only those types count."
)


class ClusterRuleForm(forms.ModelForm):
    """A cluster rule in plain words: families and inspection types as checkboxes, not JSON.

    Used by the rules page (administrators) and the Django admin alike. Unknown family codes
    cannot be sent (they are not among the choices), so a typing error cannot silently switch
    a rule off.
    """

    families = forms.MultipleChoiceField(
        label="Families that count",
        choices=Family.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=WHICH_EVENTS_COUNT,
    )
    inspection_types = forms.ModelMultipleChoiceField(
        label="Inspection types that count as well",
        queryset=InspectionType.objects.order_by("family", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Types that count whatever their family. " + WHICH_EVENTS_COUNT,
    )

    class Meta:
        model = ClusterRule
        fields = [
            "name",
            "description",
            "window_days",
            "min_events",
            "formal_only",
            "families",
            "inspection_types",
            "anchor",
            "counts_estimated_dates",
            "severity",
            "is_active",
        ]
        labels = {
            "window_days": "Window in days",
            "min_events": "Inspections within the window",
            "formal_only": "Formal inspections only",
            "anchor": "Measure from",
            "counts_estimated_dates": "Count inspections whose dates were estimated",
            "is_active": "Rule is switched on",
        }
        help_texts = {
            "window_days": "For example, 90: inspections starting 90 days apart or less are "
            "together; 91 days apart are not",
            "min_events": "At least 2: how many of them must fall within one window",
            "formal_only": "Leave out focused visits, monitoring visits and other events that are "
            "not formal inspections",
            "counts_estimated_dates": "Published reports whose on-site dates are known only from "
            "their publication date",
        }

    def clean_families(self) -> list[str]:
        # Stored as a JSON list of codes, in the order of the choices.
        chosen = set(self.cleaned_data.get("families") or [])
        return [code for code in Family.values if code in chosen]

    def spec(self) -> RuleSpec:
        """The rule as typed, for :func:`inspections.clustering.detect_clusters` (call after
        ``is_valid()``): the preview of the clusters it would find, before it is saved."""
        data = self.cleaned_data
        return RuleSpec(
            window_days=data["window_days"],
            min_events=data["min_events"],
            anchor=data["anchor"],
            formal_only=data["formal_only"],
            families=frozenset(data["families"]),
            type_codes=frozenset(t.code for t in data["inspection_types"]),
            counts_estimated=data["counts_estimated_dates"],
        )
