"""The API's endpoints. Thin: rows from the selectors, writes through the services.

Who may do what is decided where the pages decide it: ``councils.access`` and the selectors'
querysets. A record the user may not see is a 404; one they may see but not change is a 403.
"""

import dataclasses

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from burden import plausible
from councils.access import access_for
from councils.models import Council, Region
from councils.resolver import CouncilNotResolved, council_for_filter

from .. import selectors, services
from ..exports import ExportFilterForm
from ..forecast import selectors as forecast_selectors
from ..forecast.clashes import HORIZONS
from ..forecast.models import ForecastClash
from ..forms import PUBLISHED_FIELD_HINT
from ..models import InspectionEvent, InspectionOutcome, InspectionType, Source
from ..selectors import burden
from ..selectors import clusters as cluster_selectors
from ..selectors import imports as import_selectors
from ..services import clusters as cluster_services
from ..services import imports as import_services
from ..services.estimates import OnSiteDatesMissing, on_site_dates_settle
from ..views.imports import ImportUploadForm
from . import filters, serializers
from .errors import PreconditionFailed, PreconditionRequired
from .renderers import CSVRenderer

LIST_RENDERERS = [JSONRenderer, CSVRenderer]
# A record named by text in its path: anything but a slash or a NUL (no database stores one;
# such a path is the API's 404)
LOOKUP_TEXT = r"[^/\x00]+"
COUNCIL_HELP = "Council: slug, GSS code (current or retired), DfE LA number, Ofsted URN or name"

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag (or version) you read. If the event changed since, 412 and no change. "
    "Required to change an event (or its version in the body; 428 without either); optional "
    "to delete one.",
)
RESPONSES_WRITE_ERRORS = {
    400: OpenApiResponse(description="Invalid input: JSON naming each field with its messages"),
    403: OpenApiResponse(description="You may see this record but not change it"),
    404: OpenApiResponse(description="No such record, or not one you may see"),
}


LOCKING = {
    412: OpenApiResponse(
        description="The event changed since the version you sent: nothing saved; the body says "
        "what changed and the version now"
    ),
    428: OpenApiResponse(description="No If-Match header and no version: send the version read"),
}


def _no_content() -> HttpResponse:
    """204 with no body and so no content type (DRF would give it the renderer's)."""
    response = HttpResponse(status=status.HTTP_204_NO_CONTENT)
    del response["Content-Type"]
    return response


@csrf_exempt  # a 404 whatever the method: no form was ever posted here
def api_not_found(request, *args, **kwargs):
    """Any other address under /api/: a 404 in JSON, as from the endpoints, not the HTML page."""
    return JsonResponse({"detail": "No such API endpoint."}, status=status.HTTP_404_NOT_FOUND)


def _access(request):
    return access_for(request.user)


def _council(value: str) -> Council:
    """The council a request's ``council`` names, through the council resolver; a 400 naming
    the field with the resolver's message ("Did you mean …") when it names none or several."""
    try:
        return council_for_filter(value)
    except CouncilNotResolved as exc:
        raise ValidationError({"council": [exc.message]}) from None


def _may_edit_some_council(access) -> bool:
    return access.is_admin or (access.role == "editor" and access.council_id is not None)


def _refuse_unless_editor(request) -> None:
    if not _may_edit_some_council(_access(request)):
        raise PermissionDenied("Only council editors and administrators may change records.")


# --- Reference data --------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="The nine English regions"),
    retrieve=extend_schema(summary="One region, by slug, ONS code or name"),
)
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.RegionSerializer
    queryset = Region.objects.all()
    lookup_field = "slug"
    lookup_value_regex = LOOKUP_TEXT
    renderer_classes = LIST_RENDERERS
    pagination_class = None

    def get_object(self):
        value = self.kwargs["slug"].strip()
        for field in ("slug__iexact", "code__iexact", "name__iexact"):
            region = Region.objects.filter(**{field: value}).first()
            if region:
                return region
        raise NotFound(f"No region has the slug, code or name ‘{value}’.")


@extend_schema_view(
    list=extend_schema(summary="Councils with children's services responsibilities"),
    retrieve=extend_schema(
        summary="One council, by slug, GSS code, DfE LA number, Ofsted URN or name",
        parameters=[
            OpenApiParameter(
                "key",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="Slug, GSS code, DfE LA number, Ofsted URN or name",
            )
        ],
    ),
)
class CouncilViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.CouncilSerializer
    queryset = Council.objects.select_related("region").order_by("name")
    lookup_field = "key"
    lookup_value_regex = LOOKUP_TEXT
    renderer_classes = LIST_RENDERERS
    filterset_fields = {"region__slug": ["exact"], "kind": ["exact"], "is_active": ["exact"]}

    def get_object(self):
        try:
            return council_for_filter(self.kwargs["key"])
        except CouncilNotResolved as exc:
            raise NotFound(exc.message) from None


@extend_schema_view(
    list=extend_schema(summary="Inspection types with their outcomes"),
    retrieve=extend_schema(summary="One inspection type, by code"),
)
class InspectionTypeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.InspectionTypeSerializer
    queryset = InspectionType.objects.prefetch_related("outcomes").order_by("sort_order", "name")
    lookup_field = "code"
    lookup_value_regex = LOOKUP_TEXT
    renderer_classes = LIST_RENDERERS
    filterset_fields = {"family": ["exact"], "is_active": ["exact"], "is_formal": ["exact"]}


# --- Events ----------------------------------------------------------------------------------


def event_version(event: InspectionEvent) -> str:
    """The event's version (``InspectionEvent.version``: one more on every save), also its ETag."""
    return str(event.version)


def _expected_version(request, event: InspectionEvent, *, required: bool) -> int | None:
    """The version the caller read: the ``If-Match`` header (an ETag, quoted or not) or, without
    it, the body's ``version``. ``If-Match: *`` (any version) gives None.

    Raises a 400 naming ``If-Match`` or ``version`` when it is not a version (a whole number in
    ASCII digits, ``burden.plausible``), and when ``required`` and neither was sent, a 428.
    """
    if_match = request.headers.get("If-Match", "").strip()
    if if_match == "*":
        return None
    if if_match:
        tags = [tag.strip().removeprefix("W/").strip('"') for tag in if_match.split(",")]
        versions = []
        for tag in tags:
            try:
                versions.append(
                    plausible.parse_whole_number(tag, "If-Match", maximum=plausible.MAX_ID)
                )
            except ValueError as exc:
                raise ValidationError({"If-Match": [str(exc)]}) from None
        # Several ETags: the precondition holds if any is the event's version now.
        return event.version if event.version in versions else versions[0]
    version = request.data.get("version") if hasattr(request.data, "get") else None
    if version not in (None, ""):
        try:
            return plausible.parse_whole_number(str(version), "version", maximum=plausible.MAX_ID)
        except ValueError as exc:
            raise ValidationError({"version": [str(exc)]}) from None
    if required:
        raise PreconditionRequired()
    return None


def _changed_meanwhile(exc: services.EventChangedMeanwhile) -> PreconditionFailed:
    """The service's lost-update refusal as a 412, with what changed and the version now."""
    return PreconditionFailed(
        {
            "detail": (
                f"This event was changed{exc.who} since the version you sent. {exc.what} "
                "Nothing was saved: read it again (its ETag is the new version), apply your "
                "change to it and send it with that version."
            ),
            "version": event_version(exc.current),
            "changed": exc.changed_fields,
        }
    )


@extend_schema_view(
    list=extend_schema(summary="Inspection events (filters as on the council page)"),
    retrieve=extend_schema(summary="One inspection event (its ETag is its version)"),
    create=extend_schema(
        summary="Log an inspection event (the council's clusters are re-checked)",
        responses={201: serializers.EventSerializer, **RESPONSES_WRITE_ERRORS},
    ),
    update=extend_schema(
        summary="Change an event (send If-Match or version: 412 when it changed meanwhile)",
        parameters=[IF_MATCH],
        responses={200: serializers.EventSerializer, **RESPONSES_WRITE_ERRORS, **LOCKING},
    ),
    partial_update=extend_schema(
        summary="Change some fields of an event (If-Match or version as for update)",
        parameters=[IF_MATCH],
        responses={200: serializers.EventSerializer, **RESPONSES_WRITE_ERRORS, **LOCKING},
    ),
    destroy=extend_schema(
        summary="Delete an event with its staff time (If-Match optional: 412 if it changed)",
        parameters=[IF_MATCH],
        responses={
            204: None,
            403: RESPONSES_WRITE_ERRORS[403],
            404: RESPONSES_WRITE_ERRORS[404],
            412: LOCKING[412],
        },
    ),
)
class EventViewSet(viewsets.ModelViewSet):
    serializer_class = serializers.EventSerializer
    filterset_class = filters.EventApiFilter
    renderer_classes = LIST_RENDERERS

    def get_queryset(self):
        access = _access(self.request)
        events = selectors.events_visible(access)
        if getattr(self, "swagger_fake_view", False):
            return events
        return selectors.events_with_hours(events, access).order_by("-on_site_start", "-pk")

    def get_serializer_context(self):
        return {
            **super().get_serializer_context(),
            "version_of": event_version,
            "access": _access(self.request),
        }

    def retrieve(self, request, *args, **kwargs):
        event = self.get_object()
        response = Response(self.get_serializer(event).data)
        response["ETag"] = f'"{event_version(event)}"'
        return response

    def _editable(self, event: InspectionEvent) -> InspectionEvent:
        access = _access(self.request)
        if not access.can_edit_council(event.council_id):
            raise PermissionDenied("You may change only your own council's events.")
        # Locked until the request's transaction ends: the version check and the save are one.
        return InspectionEvent.objects.select_for_update().get(pk=event.pk)

    def _apply(
        self, event: InspectionEvent, data: dict, *, creating: bool, partial: bool = False
    ) -> None:
        """Copy validated input onto the event; codes become rows, errors name the field."""
        access = _access(self.request)
        errors: dict[str, list[str]] = {}
        if "inspection_type" in data:
            types = InspectionType.objects.filter(code=data["inspection_type"])
            if creating or data["inspection_type"] != getattr(
                event.inspection_type if event.inspection_type_id else None, "code", None
            ):
                types = types.filter(is_active=True)
            itype = types.first()
            if itype is None:
                errors["inspection_type"] = [
                    f"‘{data['inspection_type']}’ is not an inspection type in use. Use one "
                    "of the codes from /api/v1/inspection-types/."
                ]
            else:
                event.inspection_type = itype
        if "outcome" in data:
            code = (data["outcome"] or "").strip()
            if not code:
                event.outcome = None
            elif event.inspection_type_id:
                outcome = InspectionOutcome.objects.filter(
                    inspection_type_id=event.inspection_type_id, code=code
                ).first()
                if outcome is None:
                    codes = list(
                        InspectionOutcome.objects.filter(
                            inspection_type_id=event.inspection_type_id
                        ).values_list("code", flat=True)
                    )
                    errors["outcome"] = [
                        f"‘{code}’ is not an outcome of {event.inspection_type.name}. "
                        + (f"Its outcomes are: {', '.join(codes)}." if codes else "")
                    ]
                else:
                    event.outcome = outcome
        was = (event.on_site_start, event.on_site_end)
        for name in ("notified_on", "published_on", "theme", "report_url", "notes"):
            if name in data:
                setattr(event, name, data[name])

        def given(name):  # what the request says a date is: left out of a PATCH, as it was
            if name in data:
                return data[name]
            return getattr(event, name) if partial else None

        try:  # as the event form: both left out with a publication date, they are estimated
            event.on_site_start, event.on_site_end = on_site_dates_settle(
                event,
                start=given("on_site_start"),
                end=given("on_site_end"),
                published_on=event.published_on,
                inspection_type=event.inspection_type if event.inspection_type_id else None,
                was=was,
            )
        except OnSiteDatesMissing as exc:
            errors.setdefault(exc.field, []).append(exc.message)
        if not creating and event.is_published_record and not access.is_admin:
            original = InspectionEvent.objects.get(pk=event.pk)
            for name in InspectionEvent.PUBLISHED_FIELDS:
                attribute = f"{name}_id" if name in ("inspection_type", "outcome") else name
                if getattr(event, attribute) != getattr(original, attribute):
                    errors.setdefault(name, []).append(PUBLISHED_FIELD_HINT)
        if errors:
            raise ValidationError(errors)

    def perform_create(self, serializer):
        access = _access(self.request)
        data = serializer.validated_data
        council = _council(data["council"])
        if not access.can_edit_council(council.pk):
            raise PermissionDenied(f"You may not add events for {council.name}.")
        event = InspectionEvent(council=council, source=Source.API)
        self._apply(event, data, creating=True)
        services.event_save(event=event, user=self.request.user)
        serializer.instance = self.get_queryset().get(pk=event.pk)

    def create(self, request, *args, **kwargs):
        _refuse_unless_editor(request)
        return super().create(request, *args, **kwargs)

    def update(self, request, *args, **kwargs):
        _refuse_unless_editor(request)
        partial = kwargs.pop("partial", False)
        event = self._editable(self.get_object())
        expected = _expected_version(request, event, required=True)
        try:
            if expected is not None:  # stale: 412 before any other message
                services.event_version_check(event_id=event.pk, expected_version=expected)
            serializer = self.get_serializer(event, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            if "council" in data and _council(data["council"]) != event.council:
                raise ValidationError({"council": ["An event cannot move to another council."]})
            self._apply(event, data, creating=False, partial=partial)
            services.event_save(event=event, user=request.user, expected_version=expected)
        except services.EventChangedMeanwhile as exc:
            raise _changed_meanwhile(exc) from None
        event = self.get_queryset().get(pk=event.pk)
        response = Response(self.get_serializer(event).data)
        response["ETag"] = f'"{event_version(event)}"'
        return response

    def destroy(self, request, *args, **kwargs):
        _refuse_unless_editor(request)
        event = self._editable(self.get_object())
        expected = _expected_version(request, event, required=False)
        if event.is_published_record and not _access(request).is_admin:
            raise PermissionDenied("Only an administrator can delete a published inspection.")
        try:
            services.event_delete(event=event, expected_version=expected)
        except services.EventChangedMeanwhile as exc:
            raise _changed_meanwhile(exc) from None
        return _no_content()


# --- Staff time ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Staff time entries you may see (your council's; all for LGA)"),
    retrieve=extend_schema(summary="One staff time entry"),
    create=extend_schema(
        summary="Log staff time against an event",
        responses={201: serializers.StaffTimeSerializer, **RESPONSES_WRITE_ERRORS},
    ),
    update=extend_schema(
        summary="Change a staff time entry",
        responses={200: serializers.StaffTimeSerializer, **RESPONSES_WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change some fields of a staff time entry",
        responses={200: serializers.StaffTimeSerializer, **RESPONSES_WRITE_ERRORS},
    ),
    destroy=extend_schema(
        summary="Delete a staff time entry",
        responses={204: None, 403: RESPONSES_WRITE_ERRORS[403], 404: RESPONSES_WRITE_ERRORS[404]},
    ),
)
class StaffTimeViewSet(viewsets.ModelViewSet):
    serializer_class = serializers.StaffTimeSerializer
    filterset_class = filters.StaffTimeApiFilter
    renderer_classes = LIST_RENDERERS

    def get_queryset(self):
        return selectors.staff_time_visible(_access(self.request)).order_by(
            "-event__on_site_start", "event_id", "pk"
        )

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if hasattr(serializer, "fields") and "event" in serializer.fields:
            # Only events the user may see can be named (others are "does not exist").
            serializer.fields["event"].queryset = selectors.events_visible(_access(self.request))
        return serializer

    def _event_editable(self, event: InspectionEvent) -> InspectionEvent:
        if not _access(self.request).can_edit_council(event.council_id):
            raise PermissionDenied("You may log staff time only for your own council's events.")
        # As on the staff-time page: entries of one event are written one request at a time.
        return InspectionEvent.objects.select_for_update().get(pk=event.pk)

    def perform_create(self, serializer):
        event = self._event_editable(serializer.validated_data["event"])
        entry = serializer.Meta.model(**{**serializer.validated_data, "event": event})
        services.staff_time_save(event=event, entries=[entry], user=self.request.user)
        serializer.instance = entry

    def perform_update(self, serializer):
        entry = serializer.instance
        new_event = serializer.validated_data.get("event", entry.event)
        if new_event.pk != entry.event_id:
            raise ValidationError({"event": ["A staff time entry cannot move to another event."]})
        event = self._event_editable(entry.event)
        for name, value in serializer.validated_data.items():
            setattr(entry, name, value)
        services.staff_time_save(event=event, entries=[entry], user=self.request.user)

    def create(self, request, *args, **kwargs):
        _refuse_unless_editor(request)
        return super().create(request, *args, **kwargs)

    def update(self, request, *args, **kwargs):
        _refuse_unless_editor(request)
        return super().update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        _refuse_unless_editor(request)
        entry = self.get_object()
        event = self._event_editable(entry.event)
        services.staff_time_save(event=event, entries=[], deleted=[entry], user=request.user)
        return _no_content()


# --- Clusters --------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Clusters of inspections too close together (filters as the page)"),
    retrieve=extend_schema(summary="One cluster with its member events"),
)
class ClusterViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ClusterSerializer
    filterset_class = filters.ClusterApiFilter
    renderer_classes = LIST_RENDERERS

    def get_queryset(self):
        return cluster_selectors.clusters_list(_access(self.request)).prefetch_related(
            "events__inspection_type"
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "access": _access(self.request)}

    @extend_schema(
        summary="Acknowledge a cluster (as on its page), with an optional note",
        request=serializers.AcknowledgeSerializer,
        responses={
            200: serializers.ClusterSerializer,
            400: RESPONSES_WRITE_ERRORS[400],
            403: OpenApiResponse(description="You may see this cluster but not acknowledge it"),
            404: RESPONSES_WRITE_ERRORS[404],
        },
    )
    @action(detail=True, methods=["post"], renderer_classes=[JSONRenderer])
    def acknowledge(self, request, pk=None):
        access = _access(request)
        cluster = self.get_object()
        if not cluster_selectors.cluster_can_acknowledge(access, cluster):
            raise PermissionDenied("You may acknowledge only your own council's clusters.")
        body = serializers.AcknowledgeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        cluster_services.cluster_acknowledge(
            cluster=cluster, user=request.user, note=body.validated_data["note"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=cluster.pk)).data)


# --- Forecast clashes ----------------------------------------------------------------------

MONTHS = OpenApiParameter(
    "months",
    OpenApiTypes.INT,
    enum=list(HORIZONS),
    description="Clashes at least possible within the next 6, 12 or 24 months (default 12)",
)


@extend_schema_view(
    list=extend_schema(
        summary="Forecast clashes: coming inspections likely to fall too close together",
        parameters=[
            MONTHS,
            OpenApiParameter("region", OpenApiTypes.STR, description="Region slug"),
            OpenApiParameter("council", OpenApiTypes.STR, description=COUNCIL_HELP),
        ],
    ),
    retrieve=extend_schema(summary="One forecast clash", parameters=[MONTHS]),
)
class ForecastClashViewSet(viewsets.ReadOnlyModelViewSet):
    """The forecast pages' clashes, from their selector (public, like inspection dates)."""

    serializer_class = serializers.ForecastClashSerializer
    renderer_classes = LIST_RENDERERS
    filter_backends = []

    def _months(self) -> int:
        raw = self.request.query_params.get("months") or str(forecast_selectors.DEFAULT_MONTHS)
        try:
            months = plausible.parse_whole_number(raw, "months", maximum=max(HORIZONS))
        except ValueError:
            months = None
        if months not in HORIZONS:
            raise ValidationError({"months": [f"Choose one of {', '.join(map(str, HORIZONS))}."]})
        return months

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False):
            return context
        return {**context, "months": self._months()}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ForecastClash.objects.none()
        if self.action == "retrieve":  # any stored clash, however unlikely now
            return ForecastClash.objects.select_related("council__region", "rule")
        params = self.request.query_params
        region = council = None
        if params.get("region"):
            if not params["region"].isprintable():
                raise ValidationError({"region": ["Give the region's slug, e.g. north-west."]})
            region = Region.objects.filter(slug=params["region"]).first()
            if region is None:
                raise ValidationError({"region": [f"No region has the slug ‘{params['region']}’."]})
        if params.get("council"):
            council = _council(params["council"])
        return forecast_selectors.clashes_within(self._months(), region=region, council=council)


# --- Summaries -------------------------------------------------------------------------------

SUMMARY_PARAMETERS = [
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="On site from (inclusive)"),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="On site to (inclusive)"),
    OpenApiParameter("region", OpenApiTypes.STR, description="Region slug, code or name"),
    OpenApiParameter("council", OpenApiTypes.STR, description=COUNCIL_HELP),
    OpenApiParameter(
        "family", OpenApiTypes.STR, description="Family code, e.g. ilacs", required=False
    ),
    OpenApiParameter("inspection_type", OpenApiTypes.STR, description="Inspection type code"),
]


def _summary_filters(request):
    """The exports' own filter form, so that the API, the exports and the dashboards agree."""
    form = ExportFilterForm(request.query_params)
    if not form.is_valid():
        raise ValidationError({name: list(messages) for name, messages in form.errors.items()})
    return form.filters()


class CouncilSummaryView(APIView):
    renderer_classes = LIST_RENDERERS

    @extend_schema(
        summary="Burden per council: the dashboards' league table for these filters",
        parameters=[
            *SUMMARY_PARAMETERS,
            OpenApiParameter(
                "sort",
                OpenApiTypes.STR,
                enum=[*burden.LEAGUE_SORTS, *(f"-{key}" for key in burden.LEAGUE_SORTS)],
                description="As the league table's headers; default -most_in_12_months",
            ),
        ],
        responses={200: serializers.CouncilSummarySerializer(many=True), 400: None},
    )
    def get(self, request):
        export_filters = _summary_filters(request)
        scope = export_filters.burden_filters()
        rows = burden.league_table(
            scope, _access(request), sort=export_filters.sort or burden.DEFAULT_SORT
        )
        demo = burden.councils_with_demo(scope)
        rows = [{**dataclasses.asdict(row), "demo": row.council_id in demo} for row in rows]
        return Response(serializers.CouncilSummarySerializer(rows, many=True).data)


class RegionSummaryView(APIView):
    renderer_classes = LIST_RENDERERS

    @extend_schema(
        summary="Burden per region with its median council (the national dashboard's figures)",
        parameters=SUMMARY_PARAMETERS,
        responses={200: serializers.RegionSummarySerializer(many=True), 400: None},
    )
    def get(self, request):
        export_filters = _summary_filters(request)
        rows = burden.regions_compared(export_filters.burden_filters(), _access(request))
        return Response(serializers.RegionSummarySerializer(rows, many=True).data)


# --- Import jobs -----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Your import jobs (every job for administrators)"),
    retrieve=extend_schema(summary="One import job: progress, then the result or row errors"),
)
class ImportJobViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.ImportJobSerializer
    renderer_classes = LIST_RENDERERS

    def get_queryset(self):
        return import_selectors.import_jobs_visible(self.request.user)

    @extend_schema(
        summary="Import a CSV file (as on the import page): checked, then saved whole or not",
        request={"multipart/form-data": serializers.ImportJobCreateSerializer},
        responses={
            201: serializers.ImportJobSerializer,
            400: RESPONSES_WRITE_ERRORS[400],
            403: OpenApiResponse(description="Only council editors and administrators import"),
        },
    )
    def create(self, request, *args, **kwargs):
        if not import_services.may_import(_access(request)):
            raise PermissionDenied("Only council editors and administrators may import.")
        body = serializers.ImportJobCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        form = ImportUploadForm(files={"file": request.data["file"]})
        if not form.is_valid():
            raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
        upload = form.cleaned_data["file"]
        try:
            job = import_services.import_job_create(
                kind=body.validated_data["kind"],
                file_name=upload.name,
                content=upload.read(),
                user=request.user,
            )
        except import_services.ImportFileError as exc:
            raise ValidationError({"file": exc.messages}) from exc
        if not import_services.runs_in_background(job):  # a background job is sent on commit
            import_services.import_job_run(job_id=job.pk)
        job = get_object_or_404(self.get_queryset(), pk=job.pk)
        return Response(self.get_serializer(job).data, status=status.HTTP_201_CREATED)
