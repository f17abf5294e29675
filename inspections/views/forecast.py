"""Forecast pages: England (clashes by region), a region (timeline, windows, clashes).

Forecasts are public information, like inspection dates: every signed-in user sees them all.
"""

import dataclasses
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from councils.models import Council, Region

from ..filters import filter_status, refuse_unknown_parameters
from ..forecast import selectors
from ..forecast.charts import forecast_timeline, lanes_for
from ..forecast.clashes import HORIZONS
from ..forecast.windows import REGIMES, day_text

CLASHES_PER_PAGE = 50
SOURCE = (
    "stated cycles of Ofsted, Ofsted and CQC and HMI Probation; gaps in Ofsted's published "
    "inspection history"
)


class HorizonForm(forms.Form):
    months = forms.TypedChoiceField(
        label="Coming months",
        choices=[(m, f"Next {m} months") for m in HORIZONS],
        coerce=int,
        required=False,
        empty_value=selectors.DEFAULT_MONTHS,
    )

    def horizon(self) -> int:
        if self.is_valid():
            return self.cleaned_data["months"] or selectors.DEFAULT_MONTHS
        return selectors.DEFAULT_MONTHS


def _horizon(request) -> tuple[HorizonForm, int]:
    form = HorizonForm(request.GET or None)
    refuse_unknown_parameters(form, request.GET, also={"page"})
    return form, form.horizon()


@login_required
def forecast_national(request):
    form, months = _horizon(request)
    page = Paginator(selectors.clashes_within(months), CLASHES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    clashes = selectors.clash_rows(page.object_list, months)
    return render(
        request,
        "inspections/forecast/national.html",
        {
            "form": form,
            "months": months,
            "horizons": HORIZONS,
            "region_counts": selectors.clash_counts_by_region(),
            "clashes": clashes,
            "page_obj": page,
            "as_of": selectors.forecast_as_of(),
            "cycles": selectors.stated_cycles_table(),
            "regimes": REGIMES.values(),
            "has_demo": any(c.is_demo for c in clashes),
        },
        status=filter_status(form),
    )


def region_forecast(region: Region) -> dict:
    """A region's forecast timeline (the chart) and what the page shows with it: its councils,
    their windows, the clashes of the next 24 months by council, the period and the demo flag.
    Forecasts are public: every signed-in user gets the same (the page and the chart file)."""
    councils = list(Council.objects.filter(region=region, is_active=True).order_by("name"))
    windows = selectors.windows_of([c.pk for c in councils])
    all_clashes = selectors.clash_rows(selectors.clashes_within(24, region=region), 24)
    by_council = {}
    for clash in all_clashes:
        by_council.setdefault(clash.council_id, []).append(clash)
    as_of = selectors.forecast_as_of()
    start, end = selectors.forecast_period(as_of)
    is_demo = selectors.forecast_has_demo(region=region)
    lanes = lanes_for(councils, windows, by_council, start=start, end=end)
    bars = sum(len(lane.bars) for lane in lanes)
    summary = (
        f"Forecast inspection windows of the {len(councils)} councils of {region.name} from "
        f"{day_text(start)} to {day_text(end)}: {bars} windows and {len(all_clashes)} possible "
        "or likely clashes. The table below the chart lists the same windows."
    )
    chart = forecast_timeline(
        "forecast-timeline",
        lanes,
        start=start,
        end=end,
        title=f"Forecast inspection windows: {region.name}",
        scope=f"{region.name}, {len(councils)} councils",
        source=SOURCE,
        is_demo=is_demo,
        summary=summary,
    )
    chart = dataclasses.replace(
        chart,
        download_path=reverse("chart-svg", args=["forecast-timeline"]).removesuffix(".svg"),
        download_query=f"?{urlencode({'region': region.slug})}",
    )
    return {
        "chart": chart,
        "councils": councils,
        "windows": windows,
        "as_of": as_of,
        "start": start,
        "end": end,
        "is_demo": is_demo,
    }


@login_required
def forecast_region(request, slug):
    region = get_object_or_404(Region, slug=slug)
    form, months = _horizon(request)
    clashes = selectors.clash_rows(selectors.clashes_within(months, region=region), months)
    forecast = region_forecast(region)
    councils, windows, end = forecast["councils"], forecast["windows"], forecast["end"]
    rows = [
        (council, window)
        for council in councils
        for window in windows.get(council.pk, [])
        if window.earliest and window.earliest <= end
    ]
    return render(
        request,
        "inspections/forecast/region.html",
        {
            "region": region,
            "form": form,
            "horizons": HORIZONS,
            "months": months,
            "clashes": clashes,
            "chart": forecast["chart"],
            "window_rows": rows,
            "as_of": forecast["as_of"],
            "has_demo": forecast["is_demo"],
        },
        status=filter_status(form),
    )


def council_forecast_context(council: Council) -> dict:
    """The council page's forecast section: every regime's window and the council's clashes."""
    return {
        "forecast_windows": selectors.windows_of([council.pk]).get(council.pk, []),
        "forecast_clashes": selectors.clash_rows(selectors.clashes_within(24, council=council), 24),
        "forecast_as_of": selectors.forecast_as_of(),
    }
