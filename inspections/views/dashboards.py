"""Burden dashboards: England (the nine regions side by side), a region, and one council.

Views only read the filters from the URL, ask the burden selectors for the figures and hand them
to the templates; every number comes from ``inspections.selectors.burden``.
"""

import dataclasses
from datetime import UTC, date, datetime

from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from councils.access import UserAccess, access_for
from councils.models import Council, Region

from .. import dashboard_cache, dashboard_charts, disclosure
from ..dashboard_filters import BurdenFilterSet, filters_query, query_string, quick_periods
from ..filters import filter_status, refuse_unknown_parameters
from ..selectors import burden
from ..selectors.burden import BurdenFilters
from . import cost as cost_views

TEMPLATE = "inspections/dashboards/dashboard.html"
FIGURES_TEMPLATE = "inspections/dashboards/_figures.html"
FILTERS_TEMPLATE = "inspections/dashboards/_filters.html"
COUNCIL_BURDEN_TEMPLATE = "inspections/dashboards/_council_burden.html"
_PERIOD_KEYS = {
    f"{name}{part}" for name in ("date_from", "date_to") for part in ("", "_day", "_month", "_year")
}
# The timeline of a longer period shows its last six years: two ILACS cycles.
TIMELINE_YEARS = 6
# A first visit shows the last three years (about one ILACS cycle); "All time" is one click away.
DEFAULT_PERIOD = "3-years"
# What the dashboards read from the address beside their filters.
VIEW_PARAMETERS = {"sort", "timeline"}


def with_default_period(params):
    data = params.copy()
    if not _PERIOD_KEYS & set(data):
        start = {code: first for code, _, first in quick_periods(timezone.localdate())}
        data["date_from"] = start[DEFAULT_PERIOD].isoformat()
    return data


@login_required
def national_dashboard(request):
    filterset = BurdenFilterSet(with_default_period(request.GET))
    refuse_unknown_parameters(filterset.form, request.GET, also=VIEW_PARAMETERS)
    filters = filterset.burden_filters()
    if filters and filters.council_id:
        return _to_council_page(request, filterset, filters)
    if filters and filters.region_id:
        # One address per region: a region picked here opens its own page, filters and all.
        region = filterset.form.cleaned_data["region"]
        params = filters_query(filters, **_view_options(request))
        return redirect(reverse("region-dashboard", args=[region.slug]) + query_string(params))
    return _render(request, filterset, filters, region=None)


@login_required
def region_dashboard(request, slug):
    region = get_object_or_404(Region, slug=slug)
    data = with_default_period(request.GET)
    data["region"] = region.slug
    filterset = BurdenFilterSet(data)
    refuse_unknown_parameters(filterset.form, request.GET, also=VIEW_PARAMETERS)
    filters = filterset.burden_filters()
    if filters and filters.council_id:
        return _to_council_page(request, filterset, filters)
    return _render(request, filterset, filters, region=region)


def _to_council_page(request, filterset, filters: BurdenFilters):
    """One address per council: a council named here (by any name or code the council resolver
    knows) opens its own page, which compares it with its region, with the same period, family
    and type."""
    council = filterset.form.cleaned_data["council"]
    params = filters_query(filters.but(region_id=None, council_id=None))
    return redirect(reverse("council-detail", args=[council.slug]) + query_string(params))


def scope_label(filters: BurdenFilters, region: Region | None) -> str:
    """The filters in words: "Since 25 November 2023 · North West · ILACS (Ofsted)"."""
    period = dashboard_charts.period_words(filters.date_from, filters.date_to)
    return f"{period} · " + dashboard_charts.place_words(
        filters, region.name if region else "England"
    )


def _view_options(request) -> dict:
    return {
        "sort": request.GET.get("sort") or None,
        "timeline": request.GET.get("timeline") or None,
    }


def _timeline_formal_only(timeline: str | None, filters: BurdenFilters) -> bool:
    """Formal inspections only, unless asked for every event or for a family or type."""
    if timeline == "all":
        return False
    return not (filters.family or filters.inspection_type_id)


def bounded_timeline(filters: BurdenFilters, *, today: date | None = None) -> BurdenFilters:
    """The timeline's filters: at most the last TIMELINE_YEARS of a longer or open period.

    Over all time the England timeline drew every formal inspection in England (3,219 marks and
    table rows, 2.3 MB of HTML at national scale, issue #14); the figures and tables above it
    still cover the whole period.
    """
    today = today or timezone.localdate()
    end = filters.date_to or today
    earliest = date(end.year - TIMELINE_YEARS, end.month, 1)
    if filters.date_from is None or filters.date_from < earliest:
        return filters.but(date_from=earliest)
    return filters


def _sort_headers(filters: BurdenFilters, sort: str, *, region_slug: str, timeline, columns):
    """Header links that sort the league table, with the aria-sort of the current one."""
    current, descending = burden.parse_sort(sort)
    headers = []
    for key in columns:
        label, _, first_direction = burden.LEAGUE_SORTS[key]
        if key == current:
            aria = "descending" if descending else "ascending"
            next_sort = key if descending else f"-{key}"
        else:
            aria = "none"
            next_sort = f"-{key}" if first_direction == "desc" else key
        params = filters_query(filters, region_slug=region_slug, sort=next_sort, timeline=timeline)
        headers.append(
            {
                "key": key,
                "label": label,
                "aria_sort": aria,
                "numeric": key not in {"council", "region"},
                "url": query_string(params) + "#league-table",
            }
        )
    return headers


def _period_links(filters: BurdenFilters, *, region_slug: str, options: dict):
    links = []
    for _code, label, first in quick_periods(timezone.localdate()):
        params = filters_query(filters.but(date_from=first, date_to=None), region_slug=region_slug)
        params.update({k: v for k, v in options.items() if v})
        current = filters.date_from == first and filters.date_to is None
        links.append({"label": label, "url": query_string(params), "current": current})
    return links


def _render(request, filterset, filters: BurdenFilters | None, *, region: Region | None):
    access = access_for(request.user)
    options = _view_options(request)
    context = {"region": region, "filter": filterset, **options}

    def draw_filters() -> str:
        if filters is not None:
            context["period_links"] = _period_links(filters, region_slug="", options=options)
        return render_to_string(FILTERS_TEMPLATE, context)

    if filters is None:
        # Errors are shown with what was typed: drawn for this request only.
        context["filters_html"] = draw_filters()
    else:
        # The form is the costliest part of a cached page (a widget template per box).
        # Today is part of it: the default period's first day, in the date boxes, moves daily.
        parts = (region.pk if region else None, sorted(request.GET.lists()), timezone.localdate())
        # It shows no event's figures: it may lag behind a write as the figures do.
        context["filters_html"] = dashboard_cache.rendered(
            "dashboard-filters", parts, draw_filters, lag_seconds=dashboard_cache.lag_seconds()
        )
        context.update(
            filters=filters,
            figures_html=figures_html(
                access, filters, region=region, sort=options["sort"], timeline=options["timeline"]
            ),
        )
    return render(request, TEMPLATE, context, status=filter_status(filterset.form))


def dashboard_chart(
    name: str,
    access: UserAccess,
    filters: BurdenFilters,
    *,
    place: str,
    formal_only: bool = True,
    data=None,
    download_params: dict[str, str] | None = None,
):
    """Dashboard chart ``name`` (a key of ``dashboard_charts.DASHBOARD_CHARTS``) for these
    filters and this user, with its title, scope, period, source and Demo mark inside; None
    where this user may not see it (another council's hours) or the scope has no such chart
    (regions side by side are England's).

    The pages and the chart files (``/charts/<name>.svg`` and ``.png``) both draw through here,
    so a file shows what the page shows, under the same access and disclosure rules
    (``councils/access.py``, ``inspections/disclosure.py``, applied by the burden selectors).
    ``data``: the selector's answer when the page already has it. ``download_params``: the
    query of the chart's file, when it is to be offered.
    """
    scope = filters
    if name == "timeline":
        scope = filters if filters.council_id else bounded_timeline(filters)
        rows = data if data is not None else burden.timeline(scope, access, formal_only=formal_only)

        def figure(context):
            return dashboard_charts.timeline_figure(
                rows, scope, formal_only=formal_only, chart_id=name, context=context
            )

    elif name == "hours-by-type":
        rows = data if data is not None else burden.hours_by_type(filters, access)
        if rows is None:
            return None

        def figure(context):
            return dashboard_charts.hours_by_type_figure(rows, chart_id=name, context=context)

    elif name == "hours-by-team-and-phase":
        table = data if data is not None else burden.hours_by_team_and_phase(filters, access)
        if table is None:
            return None

        def figure(context):
            return dashboard_charts.team_phase_figure(table, chart_id=name, context=context)

    elif name == "events-per-quarter":
        quarters = data if data is not None else burden.events_per_quarter(filters, access)

        def figure(context):
            return dashboard_charts.quarters_figure(quarters, chart_id=name, context=context)

    elif name in ("regions-formal", "regions-hours"):
        if filters.region_id or filters.council_id:
            return None
        regions = data if data is not None else burden.regions_compared(filters, access)
        draw = (
            dashboard_charts.regions_figure
            if name == "regions-formal"
            else dashboard_charts.regions_hours_figure
        )

        def figure(context):
            return draw(regions, chart_id=name, context=context)

    else:
        return None
    exact = burden.exact_hours(scope, access)
    counts_hours = dashboard_charts.DASHBOARD_CHARTS[name][1] == "hours"
    # The timeline's demo mark follows the page's whole period (one query for the page).
    demo_scope = filters if exact or not counts_hours else burden.reporting_filters(filters)
    context = dashboard_charts.chart_context(
        name,
        scope,
        place=place,
        demo=burden.demo_in_scope(demo_scope),
        exact_hours=exact,
        formal_only=formal_only,
    )
    chart = figure(context)
    if download_params is not None:
        chart = dataclasses.replace(
            chart,
            download_path=reverse("chart-svg", args=[name]).removesuffix(".svg"),
            download_query=query_string(download_params),
        )
    return chart


REDRAW_TASK = "inspections.tasks.redraw_dashboard_figures"


def figures_html(
    access: UserAccess,
    filters: BurdenFilters,
    *,
    region: Region | None,
    sort: str | None = None,
    timeline: str | None = None,
    staggered: bool = True,
) -> str:
    """A dashboard's figures as HTML, drawn once per filters, sort, timeline option, visibility
    class and refresh window (a write generation taken at most settings.DASHBOARD_REFRESH_SECONDS
    ago: see inspections.dashboard_cache.window). Every dashboard drawn in one window reads the
    figures of its generation, computed once; the HTML says from when they are.

    ``staggered`` (with a window): each view is drawn again at its own moment of a new window,
    by a worker when there is one, its last drawing shown meanwhile
    (``dashboard_cache.Staggered``); the warm-up draws its views at once."""
    parts, generation, taken_at, draw = _figures_drawing(
        access, filters, region=region, sort=sort, timeline=timeline
    )
    lag = dashboard_cache.lag_seconds()
    later = None
    if lag > 0 and staggered:
        view = {
            "region_id": region.pk if region else None,
            "filters": filters.as_dict(),
            "sort": sort,
            "timeline": timeline,
            "visibility": parts[-1],
        }
        later = dashboard_cache.Staggered(
            due=dashboard_cache.due_at(parts, taken_at, lag),
            as_at=taken_at,
            hold_seconds=dashboard_cache.staggered_lag(lag),
            redraw_later=lambda: dashboard_cache.queue_redraw(REDRAW_TASK, view),
        )
    elif lag > 0:
        later = dashboard_cache.Staggered(due=taken_at, as_at=taken_at, hold_seconds=0)
    return dashboard_cache.rendered(
        "dashboard-figures", parts, draw, generation=generation, staggered=later
    )


def figures_redraw(view: dict) -> None:
    """Draw one view of a dashboard's figures for the current refresh window and keep it: a
    worker's part of :func:`figures_html` (``inspections.tasks.redraw_dashboard_figures``).
    ``view``: the region's id (None for England), the filters (``BurdenFilters.as_dict``), sort,
    timeline option and visibility class. A region deleted since draws nothing."""
    region = None
    if view["region_id"] is not None:
        region = Region.objects.filter(pk=view["region_id"]).first()
        if region is None:
            return
    filters = BurdenFilters.from_dict(view["filters"])
    access = burden.access_of_visibility_class(view["visibility"])
    parts, generation, taken_at, draw = _figures_drawing(
        access, filters, region=region, sort=view["sort"], timeline=view["timeline"]
    )
    dashboard_cache.redraw("dashboard-figures", parts, draw, generation=generation, as_at=taken_at)


def _figures_drawing(access, filters, *, region, sort, timeline):
    """A view's cache parts, its window (generation, taken at) and the function that draws it
    (for the user it is drawn for: ``disclosure.viewer_of_region`` on a region's page)."""
    if region is not None:
        # A region's figures are the same for the users of every council outside it.
        access = disclosure.viewer_of_region(access, region.pk)
    visibility = burden.visibility_class(access)
    parts = (region.pk if region else None, filters, sort, timeline, visibility)
    lag = dashboard_cache.lag_seconds()
    generation, taken_at = dashboard_cache.window()

    def draw() -> str:
        with burden.figures_of_generation(generation):
            context = _figures(access, filters, region=region, sort=sort, timeline=timeline)
        # Every change made before the window was taken is in the figures (some made since may
        # be too): they say so, and how soon a later change shows.
        drawn_at = timezone.localtime(datetime.fromtimestamp(taken_at, tz=UTC))
        context.update(
            drawn_at=drawn_at, refresh_words=_refresh_words(dashboard_cache.staggered_lag(lag))
        )
        return render_to_string(FIGURES_TEMPLATE, context)

    return parts, generation, taken_at, draw


def _refresh_words(seconds: int) -> str:
    """'a minute', '90 seconds', '5 minutes': how soon a change shows on the dashboards."""
    if seconds <= 0:
        return ""
    if seconds == 60:
        return "a minute"
    if seconds % 60 == 0:
        return f"{seconds // 60} minutes"
    return f"{seconds} seconds"


def _figures(
    access: UserAccess,
    filters: BurdenFilters,
    *,
    region: Region | None,
    sort: str | None,
    timeline: str | None,
):
    sort_param = sort
    sort = sort or burden.DEFAULT_SORT
    formal_only = _timeline_formal_only(timeline, filters)
    timeline_param = timeline
    # On a region page the region is in the path, not in the links' parameters.
    columns = list(burden.LEAGUE_SORTS)
    if region is not None:
        columns.remove("region")
    league = burden.league_table(filters, access, sort=sort)
    timeline_filters = bounded_timeline(filters)
    timeline_rows = burden.timeline(timeline_filters, access, formal_only=formal_only)
    type_hours = burden.hours_by_type(filters, access)
    team_phase = burden.hours_by_team_and_phase(filters, access)
    quarters = burden.events_per_quarter(filters, access)
    place = region.name if region else "England"
    download_params = filters_query(
        filters, region_slug=region.slug if region else "", timeline=timeline_param
    )

    def chart(name, data):
        return dashboard_chart(
            name,
            access,
            filters,
            place=place,
            formal_only=formal_only,
            data=data,
            download_params=download_params,
        )

    context = {
        "filters": filters,
        "region": region,
        "sort_param": sort_param,
        "league": league,
        "league_rows": dashboard_charts.league_table_rows(
            league,
            council_url=dashboard_charts.url_maker("council-detail"),
            query=query_string(filters_query(filters)),
            with_region=region is None,
            demo_councils=burden.councils_with_demo(filters),
        ),
        "league_headers": _sort_headers(
            filters, sort, region_slug="", timeline=timeline_param, columns=columns
        ),
        "medians": burden.region_medians(filters, access),
        # The timeline (dates and outcomes, public) is the same for every user but for the
        # words of its period (exact or whole financial years): drawn once for all of them.
        "timeline_table_rows": burden.cached(
            "timeline-table",
            (timeline_filters, formal_only),
            lambda: dashboard_charts.timeline_table_rows(timeline_rows),
        ),
        "timeline_formal_only": formal_only,
        "timeline_chart": burden.cached(
            "timeline-chart",
            (
                filters,
                timeline_filters,
                formal_only,
                place,
                tuple(sorted(download_params.items())),
                burden.exact_hours(filters, access),
            ),
            lambda: chart("timeline", timeline_rows),
        ),
        "timeline_bounded_from": (
            timeline_filters.date_from if timeline_filters != filters else None
        ),
        "timeline_toggle_url": query_string(filters_query(filters, sort=sort_param, timeline="all"))
        + "#timeline-section",
        "timeline_formal_url": query_string(filters_query(filters, sort=sort_param))
        + "#timeline-section",
        "type_hours": type_hours,
        "type_hours_chart": type_hours is not None and chart("hours-by-type", type_hours),
        "team_phase": team_phase,
        "team_phase_chart": team_phase is not None and chart("hours-by-team-and-phase", team_phase),
        "quarters": quarters,
        "quarters_chart": chart("events-per-quarter", quarters),
        "sees_all_hours": access.sees_all_hours,
        "disclosure_note": disclosure.rule_in_words(access, filters.date_from, filters.date_to),
        "cost": cost_views.cost_context(filters, access, with_regions=region is None),
        "scope_label": scope_label(filters, region),
        # Region links keep the period, family and type.
        "region_query": query_string(filters_query(filters)),
    }
    if region is None:
        regions = burden.regions_compared(filters, access)
        context.update(
            regions_compared=regions,
            regions_chart=chart("regions-formal", regions),
            regions_hours_chart=chart("regions-hours", regions),
        )
    return context


def council_burden_context(request, council: Council, event_filter, access: UserAccess) -> dict:
    """The council page's burden section as HTML: this council against its region's median.

    Uses the council page's own filters (period, family, type), so the section and the events
    list below it always show the same events. Drawn once per council, query string (but the
    page of the list), visibility class and write generation (inspections.dashboard_cache); a
    write to another council (which moves only the median) is shown within the dashboards'
    refresh interval, a write to this council at once (its generation is part of the key).
    """
    if not event_filter.is_valid():
        return {"burden_html": ""}
    params = request.GET.copy()
    params.pop("page", None)
    parts = (
        council.pk,
        sorted(params.lists()),
        burden.visibility_class(access),
        burden.council_generation(council.pk),
    )
    lag = dashboard_cache.lag_seconds()

    def draw() -> str:
        # The figures of the dashboards' refresh window (shared with every page drawn in it),
        # unless this council has changed since the window was taken: then the current ones.
        generation, taken_at = dashboard_cache.window_for_council(council.pk)
        with burden.figures_of_generation(generation):
            context = _council_burden(request, council, event_filter, access)
        drawn_at = timezone.localtime(datetime.fromtimestamp(taken_at, tz=UTC))
        # Drawn from a window's figures, then shown for up to a window: two windows at most.
        context.update(
            drawn_at=drawn_at, refresh_words=_refresh_words(dashboard_cache.staggered_lag(lag))
        )
        return render_to_string(COUNCIL_BURDEN_TEMPLATE, {"council": council, **context})

    html = dashboard_cache.rendered("council-burden", parts, draw, lag_seconds=lag)
    return {"burden_html": html}


def _council_burden(request, council: Council, event_filter, access: UserAccess) -> dict:
    region_filters = BurdenFilters.from_cleaned_data(
        event_filter.form.cleaned_data, region_id=council.region_id
    )
    council_filters = region_filters.but(council_id=council.pk)
    formal_only = _timeline_formal_only(request.GET.get("timeline"), council_filters)
    row = next(
        (r for r in burden.league_table(region_filters, access) if r.council_id == council.pk),
        None,
    )
    timeline_rows = burden.timeline(council_filters, access, formal_only=formal_only)
    type_hours = burden.hours_by_type(council_filters, access)
    team_phase = burden.hours_by_team_and_phase(council_filters, access)
    quarters = burden.events_per_quarter(council_filters, access)
    download_params = filters_query(
        region_filters, council=council.slug, timeline=request.GET.get("timeline") or None
    )

    def chart(name, data):
        return dashboard_chart(
            name,
            access,
            council_filters,
            place=council.name,
            formal_only=formal_only,
            data=data,
            download_params=download_params,
        )

    params = request.GET.copy()
    params.pop("page", None)
    params["timeline"] = "all"
    formal_params = params.copy()
    formal_params.pop("timeline")
    return {
        # The council's own hours are exact; the region's medians follow the disclosure rule.
        "disclosure_note": disclosure.rule_in_words(
            access, region_filters.date_from, region_filters.date_to
        ),
        "burden": {
            "row": row,
            "medians": burden.region_medians(region_filters, access),
            "region_url": reverse("region-dashboard", args=[council.region.slug])
            + query_string(filters_query(region_filters)),
            "timeline_formal_only": formal_only,
            "timeline_table_rows": dashboard_charts.timeline_table_rows(timeline_rows),
            "timeline_chart": chart("timeline", timeline_rows),
            "timeline_toggle_url": f"?{params.urlencode()}#timeline-section",
            "timeline_formal_url": f"?{formal_params.urlencode()}#timeline-section",
            "type_hours": type_hours,
            "type_hours_chart": type_hours is not None and chart("hours-by-type", type_hours),
            "team_phase": team_phase,
            "team_phase_chart": team_phase is not None
            and chart("hours-by-team-and-phase", team_phase),
            "quarters": quarters,
            "quarters_chart": chart("events-per-quarter", quarters),
            "cost": cost_views.cost_context(council_filters, access, with_regions=False),
            "filters": council_filters,
        },
    }


# Who the default views are drawn for ahead of visitors: LGA officers and administrators (every
# council's hours), and users who see no council's hours. A council user's view of England
# shows their own council's hours, so it is drawn on their first visit after a write.
WARMED_FOR = (
    UserAccess(is_authenticated=True, is_lga_officer=True),
    UserAccess(is_authenticated=True),
)


def warm_default_views() -> int:
    """Draw the default views (England and each region, the default period) into the cache.

    Called by ``inspections.tasks.warm_dashboards`` after a write; returns the pages drawn.
    """
    regions = [None, *Region.objects.order_by("name")]
    dashboard_cache.window(roll=True)  # a new window, with every write so far in it
    for access in WARMED_FOR:
        for region in regions:
            data = with_default_period(QueryDict())
            if region is not None:
                data["region"] = region.slug
            filters = BurdenFilterSet(data).burden_filters()
            figures_html(access, filters, region=region, staggered=False)
    return len(regions) * len(WARMED_FOR)
