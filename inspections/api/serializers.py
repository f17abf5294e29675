"""What the API reads and writes, field by field.

Serializers only shape and type-check; the rules live in the models and services, which the
views call, so that a record refused on a page is refused here with the same message.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from burden.number_format import round_decimal
from councils.models import Council, Region

from ..forecast.clashes import likelihood_label
from ..forecast.models import ForecastClash
from ..models import (
    MAX_PEOPLE,
    Cluster,
    ImportJob,
    InspectionEvent,
    InspectionOutcome,
    InspectionType,
    StaffTime,
)
from .fields import StrictDateField, StrictDecimalField, StrictIdField, StrictWholeNumberField

# --- Reference data --------------------------------------------------------------------------


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "slug"]


class CouncilSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Council
        fields = [
            "slug",
            "name",
            "gss_code",
            "dfe_number",
            "ofsted_urn",
            "region",
            "region_name",
            "kind",
            "population_0_25",
            "is_active",
        ]


class OutcomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectionOutcome
        fields = ["code", "label"]


class InspectionTypeSerializer(serializers.ModelSerializer):
    outcomes = OutcomeSerializer(many=True, read_only=True)

    class Meta:
        model = InspectionType
        fields = [
            "code",
            "name",
            "family",
            "inspectorates",
            "is_formal",
            "typical_notice_working_days",
            "typical_on_site_days",
            "judgement_areas",
            "description",
            "is_active",
            "outcomes",
        ]


# --- Events ----------------------------------------------------------------------------------


class EventSerializer(serializers.ModelSerializer):
    """An inspection event. ``council`` is given once, on create, by any name or code."""

    council = serializers.CharField(
        max_length=150,
        help_text="On create: the council's slug, GSS code, DfE LA number, Ofsted URN or name. "
        "Read back as its slug; an event cannot move to another council.",
    )
    council_name = serializers.CharField(source="council.name", read_only=True)
    inspection_type = serializers.CharField(
        max_length=50, help_text="The inspection type's code, e.g. ilacs_focused_visit"
    )
    outcome = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="The code of one of the type's outcomes; empty or null when not recorded yet",
    )
    notified_on = StrictDateField(required=False, allow_null=True, help_text="Date notified")
    published_on = StrictDateField(
        required=False, allow_null=True, help_text="Date the report or letter was published"
    )
    on_site_start = StrictDateField(
        required=False,
        allow_null=True,
        help_text="First day on site. Leave out both on-site dates (or send null) and give "
        "published_on to have them estimated from the type's typical time to publication "
        "(dates_estimated is then true, until real dates are sent).",
    )
    on_site_end = StrictDateField(
        required=False, allow_null=True, help_text="Last day on site (see on_site_start)"
    )
    dates_estimated = serializers.BooleanField(
        read_only=True,
        help_text="True when the on-site dates were estimated from the publication date (shown "
        "as estimated on every page, export and cluster); false once real dates are given",
    )
    joint_service = serializers.CharField(
        read_only=True,
        help_text="The joint service or joint inspection the record came from, recorded once "
        "for each member council; empty otherwise",
    )
    staff_hours = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="Total staff hours logged; null where you may not see this council's hours",
    )
    version = serializers.CharField(
        required=False,
        help_text="The version you read (also the ETag). Send it back on update: if someone "
        "changed the event meanwhile, the update is refused with 412.",
    )
    hours_shown = serializers.SerializerMethodField(
        help_text="False where this council's hours are withheld from you (staff_hours is null)"
    )
    is_demo = serializers.BooleanField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = InspectionEvent
        fields = [
            "id",
            "url",
            "council",
            "council_name",
            "inspection_type",
            "notified_on",
            "on_site_start",
            "on_site_end",
            "dates_estimated",
            "on_site_days",
            "published_on",
            "outcome",
            "theme",
            "report_url",
            "notes",
            "source",
            "joint_service",
            "is_demo",
            "staff_hours",
            "hours_shown",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["on_site_days", "source", "created_at", "updated_at"]
        # The model and its constraints decide uniqueness (through the service), with their
        # own messages; DRF's own unique-together check would say it differently.
        validators = []

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, event) -> str:
        request = self.context.get("request")
        path = reverse("api:event-detail", args=[event.pk])
        return request.build_absolute_uri(path) if request else path

    def get_hours_shown(self, event) -> bool:
        return self.context["access"].can_see_hours_of(event.council_id)

    def to_representation(self, event):
        data = super().to_representation(event)
        data["council"] = event.council.slug
        data["inspection_type"] = event.inspection_type.code
        data["outcome"] = event.outcome.code if event.outcome_id else None
        data["staff_hours"] = round_decimal(getattr(event, "staff_hours", None))
        data["version"] = self.context["version_of"](event)
        return data


class StaffTimeSerializer(serializers.ModelSerializer):
    event = StrictIdField(queryset=InspectionEvent.objects.all(), help_text="The event's id")
    # Digits 0 to 9; the range is the model's rule, with its message, as on the staff-time page.
    hours = StrictDecimalField(
        help_text="Total hours for the team in this phase; more than 0 and at most 10,000",
    )
    people = StrictWholeNumberField(
        minimum=1,
        maximum=MAX_PEOPLE,
        required=False,
        help_text=f"How many people; 1 to {MAX_PEOPLE:,} (1 when left out)",
    )

    class Meta:
        model = StaffTime
        fields = [
            "id",
            "event",
            "team",
            "phase",
            "hours",
            "people",
            "note",
            "is_demo",
            "created_at",
        ]
        read_only_fields = ["is_demo", "created_at"]


# --- Clusters --------------------------------------------------------------------------------


class ClusterMemberSerializer(serializers.ModelSerializer):
    inspection_type = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = InspectionEvent
        fields = [
            "id",
            "inspection_type",
            "notified_on",
            "on_site_start",
            "on_site_end",
            "dates_estimated",
        ]


class ClusterSerializer(serializers.ModelSerializer):
    council = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    council_name = serializers.CharField(source="council.name", read_only=True)
    rule = serializers.CharField(source="rule.name", read_only=True)
    severity = serializers.CharField(source="rule.severity", read_only=True)
    staff_hours = serializers.DecimalField(
        source="visible_staff_hours",
        max_digits=12,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="Null where you may not see this council's hours",
    )
    hours_shown = serializers.SerializerMethodField(
        help_text="False where this council's hours are withheld from you (staff_hours is null)"
    )
    events = ClusterMemberSerializer(many=True, read_only=True)
    includes_estimated_dates = serializers.SerializerMethodField(
        help_text="True when a member's on-site dates were estimated from its publication date"
    )
    acknowledged = serializers.SerializerMethodField()

    class Meta:
        model = Cluster
        fields = [
            "id",
            "council",
            "council_name",
            "rule",
            "severity",
            "first_date",
            "last_date",
            "span_days",
            "event_count",
            "on_site_days",
            "staff_hours",
            "hours_shown",
            "events",
            "includes_estimated_dates",
            "acknowledged",
            "acknowledged_at",
            "acknowledgement_note",
            "detected_at",
        ]

    def get_hours_shown(self, cluster) -> bool:
        return self.context["access"].can_see_hours_of(cluster.council_id)

    def get_includes_estimated_dates(self, cluster) -> bool:
        return any(event.dates_estimated for event in cluster.events.all())

    def get_acknowledged(self, cluster) -> bool:
        return cluster.acknowledged_at is not None


class ForecastMemberSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    earliest = serializers.DateField()
    likely = serializers.DateField()
    latest = serializers.DateField()
    forecast = serializers.BooleanField(help_text="False for an inspection already known")


class ForecastClashSerializer(serializers.ModelSerializer):
    """A coming pile-up: forecast inspections of one council likely within a rule's window."""

    council = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    council_name = serializers.CharField(source="council.name", read_only=True)
    rule = serializers.CharField(source="rule.name", read_only=True)
    members = ForecastMemberSerializer(many=True, read_only=True)
    likelihood = serializers.SerializerMethodField(
        help_text="Probability (0 to 1) that it happens within the months asked for"
    )
    likelihood_words = serializers.SerializerMethodField()

    class Meta:
        model = ForecastClash
        fields = [
            "id",
            "council",
            "council_name",
            "rule",
            "summary",
            "members",
            "likelihood",
            "likelihood_words",
            "likelihood_6",
            "likelihood_12",
            "likelihood_24",
            "likely_date",
            "first_date",
            "last_date",
            "is_demo",
            "as_of",
        ]

    def _months(self) -> int:
        return self.context.get("months", 24)

    def get_likelihood(self, clash) -> float:
        return clash.likelihood(self._months())

    def get_likelihood_words(self, clash) -> str:
        return likelihood_label(clash.likelihood(self._months()))


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


# --- Import jobs -----------------------------------------------------------------------------


class ImportJobCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImportJob.Kind.choices)
    file = serializers.FileField(help_text="A CSV file with the columns of the import's template")


class ImportJobSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    percent = serializers.SerializerMethodField()
    finished = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "file_name",
            "status",
            "status_label",
            "total_rows",
            "processed_rows",
            "percent",
            "finished",
            "text",
            "result",
            "created_at",
            "finished_at",
        ]

    def _progress(self, job) -> dict:
        from ..selectors.imports import import_job_progress

        return import_job_progress(job)

    def get_percent(self, job) -> int:
        return self._progress(job)["percent"]

    def get_finished(self, job) -> bool:
        return self._progress(job)["finished"]

    def get_text(self, job) -> str:
        return self._progress(job)["text"]


# --- Summaries -------------------------------------------------------------------------------


class FigureField(serializers.DecimalField):
    """A figure from the dashboards' selectors, rounded once by the project's number formatter
    (two places, half up: ``burden.number_format``), as in the CSV exports. Null where withheld."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=None, decimal_places=None, read_only=True, **kwargs)

    def to_representation(self, value):
        return None if value is None else round_decimal(value)


def _figure(**kwargs) -> FigureField:
    return FigureField(**kwargs)


class CouncilSummarySerializer(serializers.Serializer):
    """One council's line of the dashboards' league table."""

    council = serializers.CharField(source="slug")
    council_name = serializers.CharField(source="name")
    region = serializers.CharField(source="region_slug")
    region_name = serializers.CharField()
    events = serializers.IntegerField()
    formal_inspections = serializers.IntegerField()
    on_site_days = serializers.IntegerField()
    staff_hours = _figure(allow_null=True)
    hours_per_event = _figure(allow_null=True)
    clusters = serializers.IntegerField()
    shortest_gap_days = serializers.IntegerField(allow_null=True)
    most_in_12_months = serializers.IntegerField()
    hours_shown = serializers.BooleanField(
        help_text="False where this council's hours are withheld from you (disclosure control)"
    )
    demo = serializers.BooleanField(help_text="True where demo data is part of these figures")


class MedianSerializer(serializers.Serializer):
    councils = serializers.IntegerField()
    events = _figure()
    formal_inspections = _figure()
    on_site_days = _figure()
    staff_hours = _figure(allow_null=True)
    hours_per_event = _figure(allow_null=True)
    clusters = _figure()
    shortest_gap_days = _figure(allow_null=True)
    most_in_12_months = _figure()


class RegionSummarySerializer(serializers.Serializer):
    region = serializers.CharField(source="slug")
    region_name = serializers.CharField(source="name")
    councils = serializers.IntegerField()
    events = serializers.IntegerField()
    formal_inspections = serializers.IntegerField()
    on_site_days = serializers.IntegerField()
    staff_hours = _figure(allow_null=True)
    hours_per_event = _figure(allow_null=True)
    formal_per_council = _figure()
    hours_per_council = _figure(allow_null=True)
    clusters = serializers.IntegerField()
    shortest_gap_days = serializers.IntegerField(allow_null=True)
    most_in_12_months = serializers.IntegerField()
    median = MedianSerializer()
