"""The inadequate journey page: every council judged inadequate, what followed, the figures."""

import dataclasses

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from councils.access import access_for

from ..charts import ChartContext
from ..dashboard_charts import period_words
from ..evidence.forms import ScopeForm
from ..filters import filter_status, refuse_unknown_parameters
from ..journey import charts as journey_charts
from ..journey import selectors as journey_selectors
from ..models import InspectionEvent

JOURNEY_SOURCE = (
    "Inspection Burden Tracker: Ofsted's published ILACS judgements, and the visits and DfE "
    "intervention steps councils record"
)


def journey_context(
    filters, access, *, chart_prefix: str = "journey", place: str | None = None
) -> dict:
    """The journey's rows, figures and charts for these filters (the page's and the pack's).

    ``place``: the area in words, for the title, area, period, source and Demo mark drawn
    inside the page's charts (the evidence pack draws its own around its charts instead)."""
    rows = journey_selectors.journey_rows(filters, access)
    figures = journey_selectors.journey_figures(filters, access)
    ids = {event_id for row in rows for event_id in row.event_ids}
    events = {
        pk: (name, family, start)
        for pk, name, family, start in InspectionEvent.objects.filter(pk__in=ids).values_list(
            "pk", "inspection_type__name", "inspection_type__family", "on_site_start"
        )
    }
    includes_demo = journey_selectors.journeys_include_demo(rows)

    def context(title: str):
        if place is None:
            return None
        return ChartContext(
            title=title,
            scope=place,
            period=period_words(filters.date_from, filters.date_to),
            source=JOURNEY_SOURCE,
            is_demo=includes_demo,
        )

    return {
        "rows": rows,
        "figures": figures,
        "scope": figures[0],
        "includes_demo": includes_demo,
        "timeline_chart": journey_charts.journey_timeline_figure(
            rows,
            events,
            chart_id=f"{chart_prefix}-timeline",
            context=context("Councils judged inadequate, and what followed"),
        ),
        "per_year_chart": journey_charts.events_per_year_figure(
            figures[0],
            chart_id=f"{chart_prefix}-events-per-year",
            context=context("Inspection events a year, while inadequate and while good"),
        ),
    }


def journey_context_for_form(form: ScopeForm, access) -> dict:
    """The page's journey for a valid scope form, each chart with its SVG and PNG files (the
    chart files draw through here too: ``inspections.views.charts``)."""
    place = form.place
    journey = journey_context(
        form.burden_filters(), access, place=place.name if place is not None else "England"
    )
    query = form.query()
    for key, name in (("timeline_chart", "journey-timeline"),
                      ("per_year_chart", "journey-events-per-year")):  # fmt: skip
        journey[key] = dataclasses.replace(
            journey[key],
            download_path=reverse("chart-svg", args=[name]).removesuffix(".svg"),
            download_query=f"?{query}" if query else "",
        )
    return journey


@login_required
def inadequate_journey(request):
    form = ScopeForm(request.GET)
    refuse_unknown_parameters(form, request.GET)
    context = {"form": form}
    if form.is_valid():
        context["journey"] = journey_context_for_form(form, access_for(request.user))
        context["query"] = form.query()
    return render(
        request,
        "inspections/journey/inadequate_journey.html",
        context,
        status=filter_status(form),
    )
