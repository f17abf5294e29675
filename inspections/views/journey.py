"""The inadequate journey page: every council judged inadequate, what followed, the figures."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from councils.access import access_for

from ..evidence.forms import ScopeForm
from ..filters import filter_status, refuse_unknown_parameters
from ..journey import charts as journey_charts
from ..journey import selectors as journey_selectors
from ..models import InspectionEvent


def journey_context(filters, access, *, chart_prefix: str = "journey") -> dict:
    """The journey's rows, figures and charts for these filters (the page's and the pack's)."""
    rows = journey_selectors.journey_rows(filters, access)
    figures = journey_selectors.journey_figures(filters, access)
    ids = {event_id for row in rows for event_id in row.event_ids}
    events = {
        pk: (name, family, start)
        for pk, name, family, start in InspectionEvent.objects.filter(pk__in=ids).values_list(
            "pk", "inspection_type__name", "inspection_type__family", "on_site_start"
        )
    }
    return {
        "rows": rows,
        "figures": figures,
        "scope": figures[0],
        "includes_demo": journey_selectors.journeys_include_demo(rows),
        "timeline_chart": journey_charts.journey_timeline_figure(
            rows, events, chart_id=f"{chart_prefix}-timeline"
        ),
        "per_year_chart": journey_charts.events_per_year_figure(
            figures[0], chart_id=f"{chart_prefix}-events-per-year"
        ),
    }


@login_required
def inadequate_journey(request):
    form = ScopeForm(request.GET)
    refuse_unknown_parameters(form, request.GET)
    context = {"form": form}
    if form.is_valid():
        context["journey"] = journey_context(form.burden_filters(), access_for(request.user))
        context["query"] = form.query()
    return render(
        request,
        "inspections/journey/inadequate_journey.html",
        context,
        status=filter_status(form),
    )
