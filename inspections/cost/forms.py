"""The form a council's editor uses to set one of its own hourly rates."""

from django import forms

from burden.govuk_forms import GovukDateField

from .models import CostRate


class CouncilRateForm(forms.ModelForm):
    applies_from = GovukDateField(
        label="Applies from",
        help_text="Events whose first day on site is on or after this date use the rate, "
        "until your next rate for the team. For example, 1 4 2025",
    )

    class Meta:
        model = CostRate
        fields = ["team", "applies_from", "hourly_rate", "basis", "source"]
        labels = {
            "team": "Team",
            "hourly_rate": "Cost per hour, in pounds",
            "basis": "How you worked it out (optional)",
            "source": "Where the figure comes from (optional)",
        }
        help_texts = {
            "hourly_rate": "Pay plus employer's on-costs per working hour, for example 31.50",
        }

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.council = council
