"""Where and when: the scope of the evidence pack and of the inadequate journey page."""

from __future__ import annotations

from django import forms

from burden.govuk_forms import GovukDateField
from councils.models import Council, Region

from ..exports import ExportFilters
from ..filters import CouncilChoiceField
from ..selectors.burden import BurdenFilters


class ScopeForm(forms.Form):
    """England, a region or a council, and a period (on the events' first day on site)."""

    govuk_mark_optional = False

    region = forms.ModelChoiceField(
        label="Region",
        required=False,
        queryset=Region.objects.all(),
        to_field_name="slug",
        empty_label="England (every region)",
    )
    # Its slug, or any name or code the council resolver knows (inspections.filters).
    council = CouncilChoiceField(
        label="Council",
        required=False,
        queryset=Council.objects.filter(is_active=True).order_by("name"),
        to_field_name="slug",
        empty_label="Every council of the region",
        help_text="Leave empty for the whole region or England.",
    )
    date_from = GovukDateField(label="From", required=False, help_text="For example, 1 4 2023")
    date_to = GovukDateField(label="To", required=False, help_text="For example, 31 3 2026")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "To must be the same as or after from")
        region, council = cleaned.get("region"), cleaned.get("council")
        if region and council and council.region_id != region.pk:
            self.add_error("council", f"{council.name} is not in {region.name}")
        return cleaned

    @property
    def place(self) -> Council | Region | None:
        return self.cleaned_data.get("council") or self.cleaned_data.get("region")

    def burden_filters(self) -> BurdenFilters:
        data = self.cleaned_data
        council = data.get("council")
        region = council.region if council else data.get("region")
        return BurdenFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            region_id=region.pk if region else None,
            council_id=council.pk if council else None,
        )

    def export_filters(self) -> ExportFilters:
        data = self.cleaned_data
        council = data.get("council")
        return ExportFilters(
            council=council,
            region=council.region if council else data.get("region"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )

    def query(self) -> str:
        """These choices as a query string, for links to the ZIP and the other pages."""
        from urllib.parse import urlencode

        data = self.cleaned_data
        params = {
            "region": data["region"].slug if data.get("region") else "",
            "council": data["council"].slug if data.get("council") else "",
            "date_from": data["date_from"].isoformat() if data.get("date_from") else "",
            "date_to": data["date_to"].isoformat() if data.get("date_to") else "",
        }
        return urlencode({key: value for key, value in params.items() if value})
