"""The forecast's rows: stated cycles (facts administrators edit) and the computed forecast.

Imported by ``inspections.models`` so that Django registers them in the inspections app.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from councils.models import Council

from .windows import REGIME_CHOICES, STATUSES


class ForecastCycle(models.Model):
    """What a framework states about when a regime's next inspection comes, with its source.

    One row per regime and previous outcome; the row with no outcome applies to every outcome
    without its own; the row with outcome ``none`` to a council with no previous inspection of
    the regime (counted from ``counted_from``, or the council's creation if later).
    """

    regime = models.CharField(max_length=40, choices=REGIME_CHOICES)
    after_outcome = models.CharField(
        "after the outcome",
        max_length=50,
        blank=True,
        help_text="Code of the previous inspection's outcome (e.g. good, systemic_failings). "
        "Blank: any outcome without its own row. ‘none’: no previous inspection.",
    )
    earliest_months = models.PositiveSmallIntegerField(
        "earliest (months after)", null=True, blank=True, help_text="Blank when not stated"
    )
    likely_months = models.PositiveSmallIntegerField(
        "nominal cycle (months after)",
        null=True,
        blank=True,
        help_text="The cycle the framework states; also the naive baseline of the backtest",
    )
    latest_months = models.PositiveSmallIntegerField(
        "latest (months after)", null=True, blank=True, help_text="Blank when not stated"
    )
    no_cycle = models.BooleanField(
        "no cycle", default=False, help_text="The regime has no cycle (e.g. JTAIs are targeted)"
    )
    counted_from = models.DateField(
        null=True,
        blank=True,
        help_text="For ‘none’: the date a first inspection is counted from (the framework's start)",
    )
    wording = models.CharField(
        max_length=300, help_text="The framework's words, e.g. ‘about every 3 years’"
    )
    source = models.CharField(max_length=300, help_text="Where the fact comes from")
    source_url = models.URLField("source address", max_length=500, blank=True)

    class Meta:
        ordering = ["regime", "after_outcome"]
        verbose_name = "stated inspection cycle"
        constraints = [
            models.UniqueConstraint(
                fields=["regime", "after_outcome"], name="one_forecast_cycle_per_regime_outcome"
            ),
            models.CheckConstraint(
                condition=Q(earliest_months__isnull=True)
                | Q(likely_months__isnull=True)
                | Q(earliest_months__lte=F("likely_months")),
                name="forecast_cycle_earliest_not_after_likely",
            ),
            models.CheckConstraint(
                condition=Q(latest_months__isnull=True)
                | Q(likely_months__isnull=True)
                | Q(likely_months__lte=F("latest_months")),
                name="forecast_cycle_likely_not_after_latest",
            ),
        ]

    def __str__(self):
        after = self.after_outcome or "any outcome"
        return f"{self.get_regime_display()} after {after}"

    def clean(self):
        if (
            self.earliest_months is not None
            and self.likely_months is not None
            and self.earliest_months > self.likely_months
        ):
            raise ValidationError(
                {"earliest_months": "Earliest must not be after the nominal cycle."}
            )
        if (
            self.latest_months is not None
            and self.likely_months is not None
            and self.likely_months > self.latest_months
        ):
            raise ValidationError({"latest_months": "Latest must not be before the nominal cycle."})


class ForecastWindow(models.Model):
    """A council's window for one regime, as last computed (see ``forecast.services``)."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="forecast_windows")
    regime = models.CharField(max_length=40, choices=REGIME_CHOICES)
    status = models.CharField(max_length=20, choices=list(STATUSES.items()))
    earliest = models.DateField(null=True, blank=True)
    likely = models.DateField("most likely", null=True, blank=True)
    latest = models.DateField(null=True, blank=True)
    basis = models.CharField(max_length=20, blank=True)
    reason = models.TextField()
    stated_text = models.TextField(blank=True)
    observed_text = models.TextField(blank=True)
    stated_earliest = models.DateField(null=True, blank=True)
    stated_likely = models.DateField(null=True, blank=True)
    stated_latest = models.DateField(null=True, blank=True)
    observed_earliest = models.DateField(null=True, blank=True)
    observed_likely = models.DateField(null=True, blank=True)
    observed_latest = models.DateField(null=True, blank=True)
    previous_start = models.DateField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    as_of = models.DateField(help_text="The forecast starts the day after this date")
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["council__name", "regime"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "regime"], name="one_forecast_window_per_council_regime"
            )
        ]

    def __str__(self):
        return f"{self.get_regime_display()} – {self.council}"


class ForecastClash(models.Model):
    """Two or more of a council's forecast inspections likely within a cluster rule's window.

    Its identity is its council, rule and members (``member_key``), so that a recomputation keeps
    its alert and never makes a second row for the same clash.
    """

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="forecast_clashes")
    rule = models.ForeignKey(
        "inspections.ClusterRule", on_delete=models.CASCADE, related_name="forecast_clashes"
    )
    member_key = models.CharField(max_length=300)
    members = models.JSONField(default=list)
    summary = models.CharField(max_length=500)
    likelihood_6 = models.FloatField("likelihood within 6 months")
    likelihood_12 = models.FloatField("likelihood within 12 months")
    likelihood_24 = models.FloatField("likelihood within 24 months")
    likely_date = models.DateField("most likely start")
    first_date = models.DateField()
    last_date = models.DateField()
    is_demo = models.BooleanField(default=False)
    as_of = models.DateField()
    found_at = models.DateTimeField(auto_now_add=True)
    alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-likelihood_24", "likely_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "rule", "member_key"], name="one_forecast_clash_per_members"
            )
        ]
        indexes = [models.Index(fields=["likely_date"])]

    def __str__(self):
        return self.summary

    def likelihood(self, months: int) -> float:
        return getattr(self, f"likelihood_{months}")
