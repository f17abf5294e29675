from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from burden import plausible
from councils.models import Council

# One staff-time entry may record at most this many hours (a team of 20 working full time for
# about 13 weeks); anything larger is a typing error, not an inspection.
MAX_HOURS_PER_ENTRY = Decimal("10000")
HOURS_RANGE_MESSAGE = f"Hours must be more than 0 and at most {MAX_HOURS_PER_ENTRY:,}."
NOTES_MAX_CHARACTERS = 10_000
# One team of people in one phase: a council's whole children's services is a few hundred.
MAX_PEOPLE = 1000


class Family(models.TextChoices):
    ILACS = "ilacs", "ILACS (Ofsted)"
    JTAI = "jtai", "Joint targeted area inspection"
    AREA_SEND = "area_send", "Area SEND"
    CQC = "cqc", "CQC adult social care"
    HMIP = "hmip", "HMI Probation youth justice"
    DFE_INTERVENTION = "dfe_intervention", "DfE intervention"
    PEER_REVIEW = "peer_review", "Peer review"
    OTHER = "other", "Other"


class InspectionType(models.Model):
    """An inspection regime or activity. Its outcomes are data: the regimes keep changing."""

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=150)
    family = models.CharField(max_length=20, choices=Family.choices)
    inspectorates = models.CharField(max_length=200, help_text="e.g. Ofsted, CQC, HMICFRS")
    is_formal = models.BooleanField(
        "formal inspection",
        default=True,
        help_text="Counts towards cluster rules that take only formal inspections "
        "(not engagement meetings, peer challenges or intervention steps).",
    )
    typical_notice_working_days = models.PositiveSmallIntegerField(
        "typical notice (working days)", null=True, blank=True
    )
    typical_on_site_days = models.PositiveSmallIntegerField(
        "typical on-site days", null=True, blank=True
    )
    typical_publication_lag_days = models.PositiveSmallIntegerField(
        "typical days from on-site start to publication",
        null=True,
        blank=True,
        help_text="Used to estimate the on-site dates of an event known only by its publication "
        "date. Empty: such events cannot be estimated for this type.",
    )
    publication_lag_source = models.CharField(
        "source of the typical lag",
        max_length=300,
        blank=True,
        help_text="Where the typical lag comes from (a measurement, a framework, an assumption)",
    )
    judgement_areas = models.JSONField(
        "sub-judgement areas",
        default=list,
        blank=True,
        help_text='Codes of the areas graded separately, e.g. ["impact_of_leaders", "in_care"]',
    )
    description = models.TextField(blank=True)
    is_active = models.BooleanField(
        "in use", default=True, help_text="Retired types stay on old events but not in new forms."
    )
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class InspectionOutcome(models.Model):
    """One outcome an inspection type can give (a grade, a letter, 'no judgement')."""

    inspection_type = models.ForeignKey(
        InspectionType, on_delete=models.CASCADE, related_name="outcomes"
    )
    code = models.SlugField(max_length=50)
    label = models.CharField(max_length=200)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["inspection_type", "sort_order", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection_type", "code"], name="unique_outcome_code_per_type"
            )
        ]

    def __str__(self):
        return self.label


class Source(models.TextChoices):
    COUNCIL = "council", "Logged by a council user"
    API = "api", "Sent through the API"
    IMPORT = "import", "Imported from a spreadsheet"
    PUBLISHED = "published", "Published inspection report"
    DEMO = "demo", "Demo data"


class InspectionEvent(models.Model):
    # What the inspectorate publishes about an inspection: on a published record only an
    # administrator may change these, through the form or an import alike, so that a council's
    # edit cannot silently overwrite the published record.
    PUBLISHED_FIELDS = (
        "inspection_type",
        "on_site_start",
        "on_site_end",
        "outcome",
        "report_url",
        "published_on",
    )

    # PROTECT: a council with events is deactivated, never deleted (its events would go too).
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="events")
    inspection_type = models.ForeignKey(
        InspectionType, on_delete=models.PROTECT, related_name="events"
    )
    notified_on = models.DateField("date notified", null=True, blank=True)
    on_site_start = models.DateField("on-site start")
    on_site_end = models.DateField("on-site end")
    # Working days (Monday to Friday, less bank holidays in England) from start to end inclusive.
    # Kept on the row so that dashboards can sum it in the database; set by the services.
    on_site_days = models.PositiveSmallIntegerField("on-site working days", default=0)
    # Known only by its publication date: the on-site dates are the publication date less the
    # type's typical lag (services.estimates), shown as estimated everywhere until real dates
    # arrive and replace them.
    dates_estimated = models.BooleanField(
        "on-site dates estimated",
        default=False,
        help_text="The on-site dates were estimated from the publication date",
    )
    published_on = models.DateField("report published", null=True, blank=True)
    outcome = models.ForeignKey(
        InspectionOutcome, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    sub_judgements = models.JSONField(default=dict, blank=True)
    theme = models.CharField(
        max_length=200, blank=True, help_text="For a JTAI deep dive, e.g. domestic abuse"
    )
    # Bounded so that every event can be exported and imported again (the CSV reader takes a
    # cell of at most 131,072 characters): checked by the form, the API, imports and the admin.
    notes = models.TextField(
        blank=True,
        max_length=NOTES_MAX_CHARACTERS,
        validators=[MaxLengthValidator(NOTES_MAX_CHARACTERS)],
    )
    report_url = models.URLField("report address", max_length=500, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.COUNCIL)
    source_reference = models.CharField(
        max_length=500, blank=True, help_text="File name or address the record came from"
    )
    source_loaded_at = models.DateTimeField(null=True, blank=True)
    joint_service = models.CharField(
        "joint service or inspection",
        max_length=200,
        blank=True,
        help_text="Set when the record came from a joint service or joint inspection, recorded "
        "once for each member council (e.g. Tower Hamlets and City of London)",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking: every save of a change adds one (services.event_save), and a save made
    # from an older version is refused with what changed (EventChangedMeanwhile).
    version = models.PositiveIntegerField(default=1, editable=False)
    # Every create, change and delete, with who and when (django-simple-history).
    history = HistoricalRecords()

    class Meta:
        ordering = ["-on_site_start", "council__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "inspection_type", "on_site_start"],
                name="one_event_per_council_type_and_start",
                violation_error_message="This council already has an event of this type "
                "starting on that date.",
            ),
            models.CheckConstraint(
                condition=Q(on_site_end__gte=F("on_site_start")),
                name="on_site_end_not_before_start",
                violation_error_message="The on-site end must not be before the on-site start.",
            ),
            models.CheckConstraint(
                condition=Q(notified_on__isnull=True) | Q(notified_on__lte=F("on_site_start")),
                name="notified_not_after_on_site_start",
                violation_error_message="The date notified must not be after the on-site start.",
            ),
        ]
        indexes = [
            models.Index(fields=["council", "on_site_start"]),
            models.Index(fields=["on_site_start"]),
        ]

    def __str__(self):
        return f"{self.inspection_type} – {self.council} – {self.on_site_start:%d %b %Y}"

    def get_absolute_url(self):
        return reverse("event-detail", args=[self.pk])

    def clean(self):
        # The same rules as the database constraints, with messages that name the field.
        errors = {}
        for name in ("notified_on", "on_site_start", "on_site_end", "published_on"):
            label = self._meta.get_field(name).verbose_name
            problem = plausible.date_problem(getattr(self, name), label[:1].upper() + label[1:])
            if problem:
                errors[name] = problem
        start, end = self.on_site_start, self.on_site_end
        if start and end and end < start:
            errors["on_site_end"] = (
                "The on-site end must be the same as or after the on-site start."
            )
        if self.notified_on and start and self.notified_on > start:
            errors["notified_on"] = (
                "The date notified must be the same as or before the on-site start."
            )
        if self.published_on and end and self.published_on < end:
            errors["published_on"] = "The report cannot be published before the on-site end."
        if (
            self.outcome_id
            and self.inspection_type_id
            and self.outcome.inspection_type_id != self.inspection_type_id
        ):
            errors["outcome"] = (
                f"‘{self.outcome.label}’ is not an outcome of {self.inspection_type.name}. "
                "Choose one of its outcomes, or leave it as not recorded."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_published_record(self) -> bool:
        return self.source == Source.PUBLISHED

    @property
    def is_demo(self) -> bool:
        return self.source == Source.DEMO


class Team(models.TextChoices):
    DATA = "data", "Data and performance"
    PRACTITIONERS = "practitioners", "Practitioners"
    MANAGERS = "managers", "Managers"
    SENIOR_LEADERS = "senior_leaders", "Senior leaders"
    PARTNERS = "partners", "Partner agencies"
    OTHER = "other", "Other"


class Phase(models.TextChoices):
    PREPARATION = "preparation", "Preparation"
    ON_SITE = "on_site", "On site"
    AFTER = "after", "After"


class StaffTime(models.Model):
    event = models.ForeignKey(InspectionEvent, on_delete=models.CASCADE, related_name="staff_time")
    team = models.CharField(max_length=20, choices=Team.choices)
    phase = models.CharField(max_length=20, choices=Phase.choices)
    hours = models.DecimalField(max_digits=7, decimal_places=2)
    people = models.PositiveSmallIntegerField(
        default=1,
        validators=[
            MaxValueValidator(
                MAX_PEOPLE, message=f"The number of people must be at most {MAX_PEOPLE:,}"
            )
        ],
    )
    note = models.CharField(max_length=500, blank=True)
    # Demo hours can sit on a real, published event: they are marked on the row itself.
    is_demo = models.BooleanField("demo data", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "staff time"
        verbose_name_plural = "staff time"
        ordering = ["event", "phase", "team", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=MAX_HOURS_PER_ENTRY),
                name="staff_hours_positive_and_bounded",
                violation_error_message=HOURS_RANGE_MESSAGE,
            ),
            models.CheckConstraint(condition=Q(people__gte=1), name="staff_people_at_least_one"),
        ]
        indexes = [
            # "Do this event's hours include demo entries?", asked of every event a list or an
            # export shows: answered from this index alone, without reading the entries.
            models.Index(
                fields=["event"], condition=Q(is_demo=True), name="staff_time_demo_by_event"
            ),
        ]

    def __str__(self):
        return f"{self.hours} h – {self.get_team_display()} – {self.get_phase_display()}"

    def clean(self):
        if self.hours is not None and not (0 < self.hours <= MAX_HOURS_PER_ENTRY):
            raise ValidationError({"hours": HOURS_RANGE_MESSAGE})


class Severity(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class ClusterRule(models.Model):
    """When inspections count as 'too close together'. Editable by administrators."""

    class Anchor(models.TextChoices):
        ON_SITE_START = "on_site_start", "On-site start"
        NOTIFIED_ON = "notified_on", "Date notified"

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True, help_text="Where the rule comes from")
    window_days = models.PositiveIntegerField("window (days)")
    min_events = models.PositiveSmallIntegerField("minimum events in the window", default=2)
    formal_only = models.BooleanField("formal inspections only", default=True)
    families = models.JSONField(
        "families that count",
        default=list,
        blank=True,
        help_text="Family codes; empty means every family",
    )
    inspection_types = models.ManyToManyField(
        InspectionType,
        blank=True,
        related_name="+",
        help_text="Types that count in addition to the families; empty means no extra types",
    )
    anchor = models.CharField(max_length=20, choices=Anchor.choices, default=Anchor.ON_SITE_START)
    counts_estimated_dates = models.BooleanField(
        "counts estimated dates",
        default=True,
        help_text="Whether events whose on-site dates were estimated from their publication date "
        "count towards this rule",
    )
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    is_active = models.BooleanField("active", default=True)
    history = HistoricalRecords(m2m_fields=[inspection_types])

    class Meta:
        ordering = ["-severity", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(window_days__gte=1), name="rule_window_positive"),
            models.CheckConstraint(condition=Q(min_events__gte=2), name="rule_min_events_two"),
        ]

    def __str__(self):
        return self.name


class CurrentClusterManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(resolved_at__isnull=True)


class Cluster(models.Model):
    """Inspections of one council that fall too close together under one rule.

    Its identity is its rule and its member set (``member_key``), so that re-detection keeps the
    acknowledgement and never makes a second row for the same cluster. A cluster no longer found
    (an event moved, a rule changed) is resolved, not deleted: if it is found again (the event
    or the rule changed back) it comes back with its acknowledgement, and is not alerted again.
    ``objects`` holds the current clusters only; ``all_objects`` the resolved ones too.
    """

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="clusters")
    rule = models.ForeignKey(ClusterRule, on_delete=models.CASCADE, related_name="clusters")
    member_key = models.CharField(max_length=500)
    events = models.ManyToManyField(InspectionEvent, related_name="clusters")
    first_date = models.DateField()
    last_date = models.DateField()
    span_days = models.PositiveIntegerField()
    event_count = models.PositiveSmallIntegerField()
    total_staff_hours = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    on_site_days = models.PositiveIntegerField(default=0)
    detected_at = models.DateTimeField(auto_now_add=True)
    alerted_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_note = models.TextField(blank=True)
    # When the cluster stopped being found; its members are unlinked until it is found again.
    resolved_at = models.DateTimeField(null=True, blank=True)

    all_objects = models.Manager()
    objects = CurrentClusterManager()

    class Meta:
        default_manager_name = "objects"
        ordering = ["-first_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "member_key"], name="one_cluster_per_rule_and_member_set"
            )
        ]
        indexes = [models.Index(fields=["council", "first_date"])]

    def __str__(self):
        return f"{self.rule} – {self.council} – {self.first_date:%d %b %Y}"

    def get_absolute_url(self):
        return reverse("cluster-detail", args=[self.pk])

    @property
    def span_in_words(self) -> str:
        """The span in plain words, such as "on the same day" (see :func:`span_in_words`)."""
        return span_in_words(self.span_days)


class ClusterSweep(models.Model):
    """A finished sweep of every council's clusters (nightly, after a rule change, on each start
    of the production stack, after seeding the demo): what ``/healthz`` reports as
    ``last_sweep``.

    Kept in the database, not the cache: the embedded default sweeps in a management command
    whose local-memory cache dies with it, and Redis here keeps nothing on disk. Written by
    :func:`inspections.services.clusters.clusters_sweep_finished`, which keeps the latest
    :data:`inspections.services.clusters.CLUSTER_SWEEPS_KEPT`.
    """

    finished_at = models.DateTimeField(db_index=True)
    councils = models.PositiveIntegerField(help_text="Councils re-checked")

    class Meta:
        ordering = ["-finished_at"]

    def __str__(self):
        return f"Cluster sweep of {self.councils} councils – {self.finished_at:%d %b %Y %H:%M}"


def span_in_words(days: int) -> str:
    """How close a cluster's inspections fall, in plain words (never "within 0 days")."""
    if days == 0:
        return "on the same day"
    return f"within {days:,} day{'s' if days != 1 else ''}"


class Notice(models.Model):
    """An in-app notice shown to a user on their next page, once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    # A forecast clash: a separate kind of alert, about inspections that have not happened yet.
    forecast_clash = models.ForeignKey(
        "inspections.ForecastClash",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
    )
    message = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "cluster"],
                condition=Q(cluster__isnull=False),
                name="one_notice_per_user_and_cluster",
            ),
            models.UniqueConstraint(
                fields=["user", "forecast_clash"],
                condition=Q(forecast_clash__isnull=False),
                name="one_notice_per_user_and_forecast_clash",
            ),
        ]

    def __str__(self):
        return self.message


class ImportJob(models.Model):
    """A CSV upload processed in the background, with progress the page polls."""

    class Kind(models.TextChoices):
        EVENTS = "events", "Inspection events"
        STAFF_TIME = "staff_time", "Staff time"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        RUNNING = "running", "Checking and saving"
        DONE = "done", "Saved"
        FAILED = "failed", "Not saved"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The job row is its own outbox entry (see inspections.outbox): a pending job, or a running
    # one whose worker died or lost its database connection, is sent to a worker again by the
    # drain once ``send_after`` has passed, and marked failed after too many attempts.
    send_after = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Without PostgreSQL's advisory locks, a running job's worker is presumed alive until then.
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.file_name}"


class StaffTimeRollup(models.Model):
    """Staff hours of each event summed by team and phase, kept by database triggers.

    The dashboards sum hours over tens of thousands of events; reading these sums instead of
    every staff-time entry (about seven entries to a row at national scale) keeps them quick.
    Triggers on the staff-time table (migration 0003) add and subtract every insert, update and
    delete, however it is made (forms, imports, bulk loads, cascades), so the app never writes
    here itself.
    """

    event = models.ForeignKey(
        InspectionEvent, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    team = models.CharField(max_length=20, choices=Team.choices)
    phase = models.CharField(max_length=20, choices=Phase.choices)
    hours = models.DecimalField(max_digits=12, decimal_places=2)
    entries = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "team", "phase"], name="one_rollup_per_event_team_and_phase"
            )
        ]

    def __str__(self):
        return f"{self.hours} h – {self.team} – {self.phase} – event {self.event_id}"


class OutboxEntry(models.Model):
    """Work that must follow a committed write, recorded in the write's own transaction.

    One row per task and arguments (a council's "changed since its clusters were last checked"
    mark, say): many writes before the work runs leave one row, whose ``version`` each of them
    bumps. The task removes the row when it succeeds, unless a newer write bumped the version
    meanwhile. The beat's drain (every minute) sends the task again once ``due_at`` has passed,
    so work whose first send never reached the broker, or whose worker died, still runs.
    """

    task = models.CharField(max_length=200, help_text="Dotted path of the Celery task")
    key = models.CharField(max_length=500, help_text="The task's arguments, as JSON")
    args = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    recorded_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField(db_index=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Times the drain sent it")
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = "outbox entry"
        verbose_name_plural = "outbox"
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "key"], name="one_outbox_entry_per_task_and_args"
            )
        ]

    def __str__(self):
        return f"{self.task}({self.key})"


# The forecast's and the cost rates' models live in their own homes (inspections/forecast/,
# inspections/cost/); imported here so that Django registers them.
from .cost.models import CostRate, ReferenceFigure  # noqa: E402, F401
from .forecast.models import ForecastClash, ForecastCycle, ForecastWindow  # noqa: E402, F401
