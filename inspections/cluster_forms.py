"""The clusters list's filters and the acknowledgement form."""

import django_filters
from django import forms

from councils.models import Council, Region

from .filters import CouncilFilter, GovukDateFilter
from .models import Cluster, ClusterRule, Family


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


class ClusterRuleForm(forms.ModelForm):
    """The admin's rule form: families must be known codes, so a typing error cannot silently
    switch a rule off."""

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

    def clean_families(self):
        families = self.cleaned_data.get("families") or []
        if not isinstance(families, list) or not all(isinstance(f, str) for f in families):
            raise forms.ValidationError(
                'Enter a list of family codes, for example ["ilacs", "jtai"].'
            )
        unknown = sorted(set(families) - set(Family.values))
        if unknown:
            known = ", ".join(Family.values)
            raise forms.ValidationError(
                f"Unknown family code: {', '.join(unknown)}. Use one of: {known}."
            )
        return families
