"""Recompute the stored forecast: windows and clashes per council, alerts for new clashes.

The arithmetic is pure (:mod:`.windows`, :mod:`.clashes`); this module reads what it needs,
calls it and makes the rows match:

- windows are replaced for each council recomputed (they have no identity worth keeping);
- a clash's identity is its council, rule and members: found again, it keeps its row and its
  alert and has its figures refreshed; no longer found, it is deleted (with its notices);
- a new clash that is *likely* (:data:`~.clashes.LIKELY`) within 24 months alerts the council's
  editors and every LGA officer once, as a forecast (a separate kind of notice from a cluster):
  the alert is claimed with a conditional UPDATE on ``alerted_at``, so a re-run never repeats it.

Safe to run twice: each batch locks its councils' rows first, like the cluster re-check.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from councils.models import Council

from ..models import InspectionEvent, Notice, Source
from ..outbox import outbox_record
from ..services import clusters_or_forecast_changed
from ..services.clusters import alert_recipients, emails_send, rules_active
from . import FORECAST_ALL_TASK
from .clashes import HORIZONS, LIKELY, Clash, ClashRule, find_clashes, members_of
from .models import ForecastClash, ForecastCycle, ForecastWindow
from .windows import (
    REGIMES,
    ObservedGaps,
    PastEvent,
    StatedCycle,
    add_months,
    forecast_council,
    observe_gaps,
)

# Every type a regime reads: targets, anchors, predecessors and what satisfies one.
FORECAST_TYPES = frozenset(
    code
    for regime in REGIMES.values()
    for codes in (regime.targets, regime.anchors, regime.predecessors, regime.satisfied_by)
    for code in codes
) | frozenset(code for regime in REGIMES.values() for code in regime.monitoring)


@dataclass
class ForecastResult:
    councils: int = 0
    windows: int = 0
    clashes_created: int = 0
    clashes_updated: int = 0
    clashes_deleted: int = 0
    alerted: int = 0


@dataclass(frozen=True)
class ForecastInputs:
    """What every council's forecast shares: the facts, the observed gaps, the rules."""

    as_of: date
    cycles: dict[tuple[str, str], StatedCycle]
    observed: dict[tuple[str, str], ObservedGaps]
    rules: list[ClashRule]
    types: dict[str, tuple[str, bool]]


def stated_cycles() -> dict[tuple[str, str], StatedCycle]:
    """The stated cycles as administrators left them, by (regime, previous outcome)."""
    return {
        (row.regime, row.after_outcome): StatedCycle(
            regime=row.regime,
            after_outcome=row.after_outcome,
            earliest_months=row.earliest_months,
            likely_months=row.likely_months,
            latest_months=row.latest_months,
            no_cycle=row.no_cycle,
            counted_from=row.counted_from,
            wording=row.wording,
            source=row.source,
        )
        for row in ForecastCycle.objects.all()
    }


def histories_of(events, *, as_of: date | None = None) -> dict[int, list[PastEvent]]:
    """Each council's events as :class:`PastEvent` values.

    With ``as_of`` (the backtest), an outcome counts only if its report was published by then:
    before publication nobody knew it.
    """
    histories: dict[int, list[PastEvent]] = defaultdict(list)
    rows = events.filter(inspection_type__code__in=sorted(FORECAST_TYPES)).values_list(
        "council_id",
        "inspection_type__code",
        "inspection_type__name",
        "on_site_start",
        "outcome__code",
        "outcome__label",
        "source",
        "published_on",
    )
    for council_id, code, name, start, outcome, label, source, published_on in rows.order_by():
        if as_of is not None and (published_on is None or published_on > as_of):
            outcome, label = None, ""
        histories[council_id].append(
            PastEvent(code, name, start, outcome, label or "", source == Source.DEMO)
        )
    return histories


def created_dates() -> dict[int, date]:
    return dict(Council.objects.filter(created_on__isnull=False).values_list("pk", "created_on"))


def forecast_inputs(*, as_of: date) -> ForecastInputs:
    """The shared inputs: stated cycles, the gaps in the published history up to ``as_of``,
    the active cluster rules and the types' family and formality."""
    published = histories_of(InspectionEvent.objects.filter(source=Source.PUBLISHED))
    rules = rules_active()
    return ForecastInputs(
        as_of=as_of,
        cycles=stated_cycles(),
        observed=observe_gaps(published, as_of=as_of, created=created_dates()),
        rules=[ClashRule(r.pk, r.name, r.severity, r.spec) for r in rules.rules],
        types={t.code: (t.family, t.is_formal) for t in rules.types.values()},
    )


def forecast_recompute(
    *,
    council_ids: Sequence[int] | None = None,
    as_of: date | None = None,
    alert: bool = True,
) -> ForecastResult:
    """Recompute the windows and clashes of these councils (default: all) from ``as_of``
    (default: today). ``alert=False`` records new clashes as alerted without telling anyone (for
    loads of history and demo data)."""
    as_of = as_of or timezone.localdate()
    inputs = forecast_inputs(as_of=as_of)
    result = ForecastResult()
    with transaction.atomic():
        councils = dict(
            Council.objects.select_for_update()
            .filter(**({"pk__in": list(council_ids)} if council_ids is not None else {}))
            .order_by("pk")
            .values_list("pk", "name")
        )
        if not councils:
            return result
        result.councils = len(councils)
        created = dict(
            Council.objects.filter(pk__in=list(councils)).values_list("pk", "created_on")
        )
        histories = histories_of(InspectionEvent.objects.filter(council_id__in=list(councils)))
        look_back = max((rule.spec.window_days for rule in inputs.rules), default=0)
        horizon_end = add_months(as_of, max(HORIZONS))
        windows, found = [], {}
        for council_id in councils:
            history = histories.get(council_id, [])
            council_windows = forecast_council(
                history,
                as_of=as_of,
                cycles=inputs.cycles,
                observed=inputs.observed,
                created_on=created.get(council_id),
            )
            windows.extend(_window_row(council_id, window, as_of) for window in council_windows)
            members = members_of(
                council_windows,
                history,
                as_of=as_of,
                look_back_days=look_back,
                horizon_end=horizon_end,
            )
            for clash in find_clashes(members, inputs.rules, as_of=as_of, types=inputs.types):
                found[(council_id, clash.rule.pk, clash.member_key)] = clash
        ForecastWindow.objects.filter(council_id__in=list(councils)).delete()
        ForecastWindow.objects.bulk_create(windows, batch_size=500)
        result.windows = len(windows)
        _clashes_store(found, councils, as_of, alert=alert, result=result)
        clusters_or_forecast_changed(clusters=False, council_ids=councils)
    return result


def _window_row(council_id: int, window, as_of: date) -> ForecastWindow:
    stated, observed = window.stated, window.observed
    return ForecastWindow(
        council_id=council_id,
        regime=window.regime,
        status=window.status,
        earliest=window.earliest,
        likely=window.likely,
        latest=window.latest,
        basis=window.basis,
        reason=window.reason,
        stated_text=stated.text if stated else "",
        observed_text=observed.text if observed else "",
        stated_earliest=stated.earliest if stated else None,
        stated_likely=stated.likely if stated else None,
        stated_latest=stated.latest if stated else None,
        observed_earliest=observed.earliest if observed else None,
        observed_likely=observed.likely if observed else None,
        observed_latest=observed.latest if observed else None,
        previous_start=window.previous.start if window.previous else None,
        is_demo=window.is_demo,
        as_of=as_of,
    )


def _clash_figures(clash: Clash, as_of: date) -> dict:
    return {
        "members": [
            {
                "key": m.key,
                "label": m.label,
                "earliest": m.earliest.isoformat(),
                "likely": m.likely.isoformat(),
                "latest": m.latest.isoformat(),
                "forecast": m.is_forecast,
            }
            for m in clash.members
        ],
        "summary": clash.summary[:500],
        **{f"likelihood_{months}": round(clash.likelihood[months], 4) for months in HORIZONS},
        "likely_date": clash.likely_date,
        "first_date": clash.first_date,
        "last_date": clash.last_date,
        "is_demo": clash.is_demo,
        "as_of": as_of,
    }


def _clashes_store(found: dict, councils: dict, as_of: date, *, alert: bool, result) -> None:
    existing = {
        (row.council_id, row.rule_id, row.member_key): row
        for row in ForecastClash.objects.filter(council_id__in=list(councils))
    }
    stale = [row.pk for key, row in existing.items() if key not in found]
    if stale:
        ForecastClash.objects.filter(pk__in=stale).delete()
        result.clashes_deleted = len(stale)
    now = timezone.now()
    fields = [
        "members",
        "summary",
        *(f"likelihood_{months}" for months in HORIZONS),
        "likely_date",
        "first_date",
        "last_date",
        "is_demo",
        "as_of",
    ]
    to_update, to_create = [], []
    for key, clash in found.items():
        figures = _clash_figures(clash, as_of)
        row = existing.get(key)
        if row is None:
            likely = clash.likelihood[max(HORIZONS)] >= LIKELY
            to_create.append(
                ForecastClash(
                    council_id=key[0],
                    rule_id=key[1],
                    member_key=key[2],
                    # Unlikely clashes and quiet loads are recorded as alerted: nobody is told.
                    alerted_at=None if alert and likely else now,
                    **figures,
                )
            )
        elif any(getattr(row, name) != figures[name] for name in fields):
            for name in fields:
                setattr(row, name, figures[name])
            to_update.append(row)
    if to_update:
        ForecastClash.objects.bulk_update(to_update, fields, batch_size=500)
        result.clashes_updated = len(to_update)
    if to_create:
        ForecastClash.objects.bulk_create(to_create, batch_size=500)
        result.clashes_created = len(to_create)
    if not alert:
        return
    # Clashes that became likely since they were found are alerted too, once.
    candidates = ForecastClash.objects.filter(
        council_id__in=list(councils), alerted_at__isnull=True, likelihood_24__gte=LIKELY
    ).values_list("pk", flat=True)
    claimed = [
        pk
        for pk in candidates
        if ForecastClash.objects.filter(pk=pk, alerted_at__isnull=True).update(alerted_at=now)
    ]
    if claimed:
        result.alerted = len(claimed)
        messages = _alerts_record(ForecastClash.objects.filter(pk__in=claimed), councils)
        if messages:
            transaction.on_commit(lambda: emails_send(messages, what="forecast clash"))


def _alerts_record(clashes, councils: dict) -> list[EmailMessage]:
    """A notice per recipient and clash (the cluster alerts' recipients); the e-mails to send."""
    clashes = list(clashes.select_related("rule"))
    recipients_of = alert_recipients({c.council_id for c in clashes})
    notices, messages = [], []
    for clash in clashes:
        council = councils[clash.council_id]
        text = (
            f"Forecast, not happened: {council}: {clash.summary} "
            f"({round(clash.likelihood_24 * 100)}% likely within 24 months)."
        )
        recipients = recipients_of(clash.council_id)
        notices.extend(
            Notice(user_id=user_id, forecast_clash_id=clash.pk, message=text[:500])
            for user_id in recipients
        )
        link = settings.SITE_URL.rstrip("/") + reverse("forecast-national") + f"#clash-{clash.pk}"
        body = (
            f"{text}\n\nThis is a forecast from the inspectorates' stated cycles and the gaps "
            f"seen in their published history: these inspections have not happened.\n\n{link}\n"
        )
        subject = f"Forecast clash of inspections: {council} ({clash.rule.name})"
        messages.extend(
            EmailMessage(subject, body, to=[address])
            for address in sorted({e for e in recipients.values() if e})
        )
    Notice.objects.bulk_create(notices, batch_size=1000, ignore_conflicts=True)
    return messages


def forecast_all_changed(*, alert: bool = True) -> None:
    """Record that every council's forecast must be recomputed (a stated cycle changed)."""
    with transaction.atomic():
        outbox_record(FORECAST_ALL_TASK, alert)


def result_dict(result: ForecastResult) -> dict:
    return asdict(result)
