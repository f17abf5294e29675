"""Reads of the stored forecast for the pages, the council page and the CSV exports.

Forecasts are public information, like inspection dates: every signed-in user sees every
council's windows and clashes (they hold no staff hours).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from councils.models import Council, Region

from .clashes import HORIZONS, LIKELY, POSSIBLE, likelihood_label
from .models import ForecastClash, ForecastCycle, ForecastWindow
from .windows import REGIMES, STATUSES, add_months

DEFAULT_MONTHS = 12
# Clashes listed on the pages: possible or likely (20 % or more) within the horizon.
LISTED_FROM = POSSIBLE
_REGIME_ORDER = {code: index for index, code in enumerate(REGIMES)}


def windows_of(council_ids) -> dict[int, list[ForecastWindow]]:
    """Each council's windows, in the order of the regimes."""
    result: dict[int, list[ForecastWindow]] = {}
    for window in ForecastWindow.objects.filter(council_id__in=list(council_ids)):
        result.setdefault(window.council_id, []).append(window)
    for windows in result.values():
        windows.sort(key=lambda w: _REGIME_ORDER.get(w.regime, 99))
        for window in windows:
            window.status_label = STATUSES.get(window.status, window.status)
            window.regime_short = REGIMES[window.regime].short if window.regime in REGIMES else ""
    return result


def clashes_within(
    months: int, *, region: Region | None = None, council: Council | None = None
) -> QuerySet[ForecastClash]:
    """Clashes at least possible within ``months`` (6, 12 or 24), most likely first."""
    if months not in HORIZONS:
        raise ValueError(f"months must be one of {HORIZONS}")
    field = f"likelihood_{months}"
    clashes = ForecastClash.objects.filter(**{f"{field}__gte": LISTED_FROM})
    if region is not None:
        clashes = clashes.filter(council__region=region)
    if council is not None:
        clashes = clashes.filter(council=council)
    return clashes.select_related("council__region", "rule").order_by(
        f"-{field}", "likely_date", "council__name", "pk"
    )


def clash_rows(clashes, months: int) -> list[ForecastClash]:
    """The clashes with their likelihood for the horizon and in words, for templates."""
    rows = list(clashes)
    for clash in rows:
        clash.member_rows = [
            {
                **member,
                "earliest_date": date.fromisoformat(member["earliest"]),
                "latest_date": date.fromisoformat(member["latest"]),
            }
            for member in clash.members
        ]
        clash.shown_likelihood = clash.likelihood(months)
        clash.likelihood_words = likelihood_label(clash.shown_likelihood)
        clash.percent = round(clash.shown_likelihood * 100)
    return rows


@dataclass(frozen=True)
class RegionClashCounts:
    region: Region
    counts: dict[int, tuple[int, int]]  # months: (likely, possible)


def clash_counts_by_region() -> list[RegionClashCounts]:
    """For each region and horizon: clashes likely (50 %+) and possible (20 to 50 %)."""
    aggregates = {}
    for months in HORIZONS:
        field = f"likelihood_{months}"
        aggregates[f"likely_{months}"] = Count("pk", filter=Q(**{f"{field}__gte": LIKELY}))
        aggregates[f"possible_{months}"] = Count(
            "pk", filter=Q(**{f"{field}__gte": POSSIBLE, f"{field}__lt": LIKELY})
        )
    figures = {
        row["council__region"]: row
        for row in ForecastClash.objects.values("council__region").annotate(**aggregates)
    }
    result = []
    for region in Region.objects.order_by("code"):
        row = figures.get(region.pk, {})
        result.append(
            RegionClashCounts(
                region,
                {m: (row.get(f"likely_{m}", 0), row.get(f"possible_{m}", 0)) for m in HORIZONS},
            )
        )
    return result


def forecast_as_of() -> date | None:
    """The date the stored forecast was made from (None before the first computation)."""
    return ForecastWindow.objects.aggregate(latest=Max("as_of"))["latest"]


def forecast_period(as_of: date | None, months: int = max(HORIZONS)) -> tuple[date, date]:
    start = as_of or timezone.localdate()
    return start, add_months(start, months)


def stated_cycles_table() -> list[ForecastCycle]:
    return list(ForecastCycle.objects.order_by("regime", "after_outcome"))


def forecast_has_demo(*, region: Region | None = None, council: Council | None = None) -> bool:
    windows = ForecastWindow.objects.filter(is_demo=True)
    if region is not None:
        windows = windows.filter(council__region=region)
    if council is not None:
        windows = windows.filter(council=council)
    return windows.exists()
