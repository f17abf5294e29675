"""Charts as files: each chart as SVG or PNG, with the page's filters in the address.

``/charts/<name>.svg?date_from=…&region=…`` (or ``council=…``) draws the chart the page draws
(the dashboards' charts; ``journey-timeline`` and ``journey-events-per-year`` with the journey
page's scope; ``forecast-timeline`` with ``region``), through the same function as the page
(``dashboards.dashboard_chart``, ``journey.journey_context_for_form``,
``forecast.region_forecast``) and so under the same access and disclosure rules: a chart of
another council's hours does not exist for a user who may not see them (404), as on the
council's page. The file carries its title, area, period, source and any Demo mark inside the
picture. An unknown parameter, or a filter that cannot be read, answers 400 naming it.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from councils.access import access_for
from councils.models import Region
from councils.resolver import CouncilNotResolved, council_for_filter

from .. import dashboard_charts
from ..dashboard_filters import BurdenFilterSet
from ..evidence.bundle import svg_to_png
from ..evidence.forms import ScopeForm
from .dashboards import dashboard_chart, with_default_period
from .forecast import region_forecast
from .journey import journey_context_for_form

_DATE_PARTS = ("", "_day", "_month", "_year")
PARAMETERS = frozenset(
    {f"{name}{part}" for name in ("date_from", "date_to") for part in _DATE_PARTS}
    | {"region", "family", "inspection_type", "council", "timeline"}
)


def _bad_request(message: str) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


SCOPE_PARAMETERS = frozenset(
    {f"{name}{part}" for name in ("date_from", "date_to") for part in _DATE_PARTS}
    | {"region", "council"}
)
JOURNEY_CHARTS = {"journey-timeline": "timeline_chart", "journey-events-per-year": "per_year_chart"}
FORECAST_CHARTS = {"forecast-timeline"}


def _unknown(request, allowed: frozenset) -> HttpResponseBadRequest | None:
    unknown = sorted(set(request.GET) - allowed)
    if not unknown:
        return None
    return _bad_request(
        f"Unknown parameter{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
        f"This chart takes: {', '.join(sorted(allowed))}."
    )


def _file_response(chart, name: str, place: str, period: str, fmt: str) -> HttpResponse:
    svg = chart.standalone_svg()
    filename = f"{name}-{slugify(place)}-{period}.{fmt}"
    if fmt == "svg":
        response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    else:
        response = HttpResponse(svg_to_png(svg), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Figures change with every edit, and may be one council's own hours: never cached shared.
    response["Cache-Control"] = "private, no-store"
    return response


def _journey_file(request, name: str, fmt: str) -> HttpResponse:
    refused = _unknown(request, SCOPE_PARAMETERS)
    if refused:
        return refused
    form = ScopeForm(request.GET)
    if not form.is_valid():
        errors = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in form.errors.items()
        )
        return _bad_request(f"The filters could not be read. {errors}")
    chart = journey_context_for_form(form, access_for(request.user))[JOURNEY_CHARTS[name]]
    data = form.cleaned_data
    period = f"{data.get('date_from') or 'start'}-to-{data.get('date_to') or 'now'}"
    place = form.place.name if form.place is not None else "England"
    return _file_response(chart, name, place, period, fmt)


def _forecast_file(request, name: str, fmt: str) -> HttpResponse:
    refused = _unknown(request, frozenset({"region"}))
    if refused:
        return refused
    slug = request.GET.get("region", "")
    region = Region.objects.filter(slug=slug).first() if slug else None
    if region is None:
        return _bad_request("region: give the slug of one of the nine regions.")
    forecast = region_forecast(region)
    period = f"{forecast['start']}-to-{forecast['end']}"
    return _file_response(forecast["chart"], name, region.name, period, fmt)


@login_required
@require_GET
def chart_file(request, name: str, fmt: str):
    if name in JOURNEY_CHARTS:
        return _journey_file(request, name, fmt)
    if name in FORECAST_CHARTS:
        return _forecast_file(request, name, fmt)
    if name not in dashboard_charts.DASHBOARD_CHARTS:
        raise Http404("No such chart")
    refused = _unknown(request, PARAMETERS)
    if refused:
        return refused
    data = with_default_period(request.GET)
    council_value = data.pop("council", [""])[-1]
    timeline = data.pop("timeline", [""])[-1]
    if timeline not in ("", "all"):
        return _bad_request("timeline: leave it out, or give 'all' for every event.")
    council = None
    if council_value:
        try:
            council = council_for_filter(council_value)
        except CouncilNotResolved as error:
            return _bad_request(f"council: {error}")
        data["region"] = council.region.slug
    filterset = BurdenFilterSet(data)
    filters = filterset.burden_filters()
    if filters is None:
        errors = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in filterset.errors.items()
        )
        return _bad_request(f"The filters could not be read. {errors}")
    place = "England"
    if council is not None:
        filters = filters.but(council_id=council.pk)
        place = council.name
    elif filters.region_id:
        place = filterset.form.cleaned_data["region"].name
    # As on the pages: formal inspections only, unless every event or a family or type is asked.
    formal_only = timeline != "all" and not (filters.family or filters.inspection_type_id)
    chart = dashboard_chart(
        name, access_for(request.user), filters, place=place, formal_only=formal_only
    )
    if chart is None:
        raise Http404("No such chart for this user")
    period = f"{filters.date_from or 'start'}-to-{filters.date_to or 'now'}"
    return _file_response(chart, name, place, period, fmt)
