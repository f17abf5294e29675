"""Hourly cost rates and public reference figures. Imported by ``inspections.models``."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from councils.models import Council

from ..models import Team

# Above this an hourly rate is a typing error (a director's full cost is well under £200/h).
MAX_HOURLY_RATE = Decimal("1000")


class CostRate(models.Model):
    """What one hour of a team's time costs, in pounds, from a date on.

    A rate with no council is a national default: it applies to every council that has not set
    its own rate for that team on that date. A council's own rate overrides the national one for
    its team from its ``applies_from`` date. The rate applying to an hour of staff time is the one
    with the latest ``applies_from`` on or before the event's first day on site.
    """

    team = models.CharField(max_length=20, choices=Team.choices)
    council = models.ForeignKey(
        Council,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cost_rates",
        help_text="Empty for a national default.",
    )
    applies_from = models.DateField(
        help_text="The rate applies to events whose first day on site is on or after this date, "
        "until the team's next rate."
    )
    hourly_rate = models.DecimalField(
        "cost per hour (£)",
        max_digits=7,
        decimal_places=2,
        help_text="Pay plus employer's on-costs (National Insurance, pension), per working hour.",
    )
    basis = models.CharField(
        max_length=500,
        blank=True,
        help_text="How the rate is worked out, e.g. ‘about £33,400 a year + 30% on-costs over "
        "1,663 working hours’.",
    )
    source = models.CharField(
        max_length=500,
        blank=True,
        help_text="The public pay scale or earnings survey, with its year. Required for a "
        "national default.",
    )
    source_url = models.URLField("source address", max_length=500, blank=True)
    source_note = models.CharField(
        max_length=500,
        blank=True,
        help_text="What the source does and does not say, and whether the figure was checked.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["council__name", "team", "applies_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "applies_from"],
                condition=Q(council__isnull=True),
                name="one_national_rate_per_team_and_date",
                violation_error_message="There is already a national rate for this team from "
                "that date.",
            ),
            models.UniqueConstraint(
                fields=["council", "team", "applies_from"],
                condition=Q(council__isnull=False),
                name="one_council_rate_per_team_and_date",
                violation_error_message="This council already has a rate for this team from "
                "that date.",
            ),
            models.CheckConstraint(
                condition=Q(hourly_rate__gt=0) & Q(hourly_rate__lte=MAX_HOURLY_RATE),
                name="cost_rate_positive_and_bounded",
                violation_error_message=f"The cost per hour must be more than £0 and at most "
                f"£{MAX_HOURLY_RATE:,}.",
            ),
        ]

    def __str__(self):
        whose = self.council.name if self.council_id else "National default"
        return f"{whose}: {self.get_team_display()} £{self.hourly_rate}/h from {self.applies_from}"

    def clean(self):
        errors = {}
        if self.hourly_rate is not None and not (0 < self.hourly_rate <= MAX_HOURLY_RATE):
            errors["hourly_rate"] = (
                f"The cost per hour must be more than £0 and at most £{MAX_HOURLY_RATE:,}."
            )
        if self.council_id is None and not self.source.strip():
            errors["source"] = (
                "A national default needs its public source: the pay scale or earnings survey."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_national(self) -> bool:
        return self.council_id is None


class ReferenceFigure(models.Model):
    """A public figure to set the app's costs beside, e.g. the CQC's grant per council."""

    code = models.SlugField(max_length=50, unique=True)
    label = models.CharField(max_length=300)
    amount = models.DecimalField("amount (£)", max_digits=12, decimal_places=2)
    per = models.CharField(max_length=100, help_text="e.g. ‘council’, ‘inspection’")
    family = models.CharField(
        max_length=20, blank=True, help_text="The inspection family it relates to, if any."
    )
    source = models.CharField(max_length=500)
    source_url = models.URLField("source address", max_length=500, blank=True)
    source_date = models.CharField(
        max_length=50, blank=True, help_text="When the source published it, e.g. ‘2023’."
    )
    caveat = models.CharField(max_length=500, blank=True)
    is_active = models.BooleanField("shown", default=True)

    class Meta:
        ordering = ["label"]

    def __str__(self):
        return self.label
