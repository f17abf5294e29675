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

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from councils.access import access_for
from councils.models import Region

from .. import dashboard_charts
from ..dashboard_filters import BurdenFilterSet
from ..evidence.bundle import svg_to_png
from ..evidence.forms import ScopeForm
from ..filters import refuse_unknown_parameters
from .dashboards import dashboard_chart, with_default_period
from .forecast import region_forecast
from .journey import journey_context_for_form

JOURNEY_CHARTS = {"journey-timeline": "timeline_chart", "journey-events-per-year": "per_year_chart"}
FORECAST_CHARTS = {"forecast-timeline"}


class RegionForm(forms.Form):
    """The one filter of a region's forecast chart."""

    region = forms.ModelChoiceField(queryset=Region.objects.all(), to_field_name="slug")


def _refused(form: forms.Form) -> HttpResponseBadRequest | None:
    """400 naming each filter that cannot be read (unknown ones included, refused by
    ``inspections.filters.refuse_unknown_parameters`` as on every filtered page)."""
    if form.is_valid():
        return None
    errors = " ".join(
        f"{message}" if name == "__all__" else f"{name}: {message}"
        for name, messages in form.errors.items()
        for message in messages
    )
    return HttpResponseBadRequest(
        f"The filters could not be read. {errors}", content_type="text/plain; charset=utf-8"
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
    form = ScopeForm(request.GET)
    refuse_unknown_parameters(form, request.GET)
    refused = _refused(form)
    if refused:
        return refused
    chart = journey_context_for_form(form, access_for(request.user))[JOURNEY_CHARTS[name]]
    data = form.cleaned_data
    period = f"{data.get('date_from') or 'start'}-to-{data.get('date_to') or 'now'}"
    place = form.place.name if form.place is not None else "England"
    return _file_response(chart, name, place, period, fmt)


def _forecast_file(request, name: str, fmt: str) -> HttpResponse:
    form = RegionForm(request.GET)
    refuse_unknown_parameters(form, request.GET)
    refused = _refused(form)
    if refused:
        return refused
    region = form.cleaned_data["region"]
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
    data = with_default_period(request.GET)
    timeline = data.pop("timeline", [""])[-1]
    filterset = BurdenFilterSet(data)
    refuse_unknown_parameters(filterset.form, request.GET, also={"timeline"})
    if timeline not in ("", "all"):
        filterset.form.add_error(None, "timeline: leave it out, or give 'all' for every event.")
    refused = _refused(filterset.form)
    if refused:
        return refused
    filters = filterset.burden_filters()
    council = filterset.form.cleaned_data.get("council")
    region = filterset.form.cleaned_data.get("region")
    place = council.name if council else region.name if region else "England"
    # As on the pages: formal inspections only, unless every event or a family or type is asked.
    formal_only = timeline != "all" and not (filters.family or filters.inspection_type_id)
    chart = dashboard_chart(
        name, access_for(request.user), filters, place=place, formal_only=formal_only
    )
    if chart is None:
        raise Http404("No such chart for this user")
    period = f"{filters.date_from or 'start'}-to-{filters.date_to or 'now'}"
    return _file_response(chart, name, place, period, fmt)
