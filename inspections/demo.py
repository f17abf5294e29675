"""Deterministic, plausible demo data: never real, always marked as demo.

No published figure for the staff hours of an inspection exists (shared/DOMAIN.md), so the hours
here are invented from each regime's notice, duration and team, to make the app demonstrable.
Events are marked ``source=demo`` and hours ``is_demo=True``; the pages and exports say "demo".
Published (real) inspections are never generated here: they come from Ofsted's reports. Demo
events are built around them, and demo hours are added to them.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from burden.database import analyze_tables
from councils.models import Council, CouncilMembership, LgaOfficer

from . import services
from .forecast.services import forecast_recompute
from .models import Cluster, InspectionEvent, InspectionType, Source, StaffTime, StaffTimeRollup
from .services import clusters
from .services.audit import bulk_delete_without_history
from .workdays import add_working_days, working_days

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed by `make run`; demo only
DEMO_COUNCIL_SLUG = "manchester"


@dataclass(frozen=True)
class DemoSize:
    name: str
    councils: int | None  # None = every active council
    years: int
    min_chunks: int  # staff-time entries per team and phase
    max_chunks: int
    children_homes: tuple[int, int]  # council-run homes, each inspected about twice a year


SIZES = {
    "small": DemoSize(
        "small", councils=6, years=3, min_chunks=1, max_chunks=1, children_homes=(1, 2)
    ),
    "standard": DemoSize(
        "standard", councils=None, years=8, min_chunks=1, max_chunks=1, children_homes=(1, 3)
    ),
    # National scale for benchmarks: 153 councils x 15 years, ~40k events, ~2M staff-time rows.
    "national": DemoSize(
        "national", councils=None, years=15, min_chunks=5, max_chunks=10, children_homes=(5, 9)
    ),
}

# Hours of a whole team in a phase for one inspection, before random variation, by type code.
# (team, phase): hours. Invented but proportionate: a 2-week ILACS standard inspection costs far
# more than a 2-day focused visit; JTAIs and SEND inspections fall on partners too.
_LARGE = {
    ("data", "preparation"): 220,
    ("data", "on_site"): 90,
    ("data", "after"): 40,
    ("practitioners", "preparation"): 160,
    ("practitioners", "on_site"): 260,
    ("practitioners", "after"): 30,
    ("managers", "preparation"): 150,
    ("managers", "on_site"): 180,
    ("managers", "after"): 70,
    ("senior_leaders", "preparation"): 90,
    ("senior_leaders", "on_site"): 80,
    ("senior_leaders", "after"): 60,
    ("partners", "preparation"): 40,
    ("partners", "on_site"): 60,
    ("partners", "after"): 20,
    ("other", "preparation"): 30,
    ("other", "on_site"): 25,
    ("other", "after"): 10,
}
_VISIT = {
    ("data", "preparation"): 60,
    ("data", "on_site"): 16,
    ("data", "after"): 6,
    ("practitioners", "preparation"): 30,
    ("practitioners", "on_site"): 40,
    ("managers", "preparation"): 30,
    ("managers", "on_site"): 24,
    ("managers", "after"): 10,
    ("senior_leaders", "preparation"): 12,
    ("senior_leaders", "on_site"): 10,
    ("senior_leaders", "after"): 8,
}
_MEETING = {
    ("data", "preparation"): 24,
    ("senior_leaders", "preparation"): 16,
    ("senior_leaders", "on_site"): 6,
    ("managers", "preparation"): 8,
}
_HOME = {
    ("practitioners", "preparation"): 10,
    ("practitioners", "on_site"): 14,
    ("managers", "preparation"): 6,
    ("managers", "on_site"): 8,
    ("managers", "after"): 6,
    ("data", "preparation"): 4,
}
_PARTNERSHIP = {k: v * (2 if k[0] == "partners" else 1) for k, v in _LARGE.items()}
HOURS_PROFILE = {
    "ilacs_standard": (_LARGE, 1.0),
    "ilacs_short": (_LARGE, 0.6),
    "ilacs_focused_visit": (_VISIT, 1.0),
    "ilacs_monitoring_visit": (_VISIT, 0.8),
    "ilacs_engagement_meeting": (_MEETING, 1.0),
    "jtai": (_PARTNERSHIP, 0.9),
    "area_send_full": (_PARTNERSHIP, 1.0),
    "area_send_monitoring": (_VISIT, 1.2),
    "area_send_engagement": (_MEETING, 1.0),
    "cqc_adult_social_care": (_LARGE, 1.1),
    "hmip_youth_justice": (_LARGE, 0.5),
    "childrens_home": (_HOME, 1.0),
    "dfe_intervention": (_MEETING, 2.0),
    "lga_peer_challenge": (_VISIT, 0.7),
}
JTAI_THEMES = [
    "Domestic abuse",
    "Child exploitation",
    "Children's mental health",
    "Serious youth violence",
    "Children at risk of criminal exploitation",
    "The multi-agency response to identification of initial need and risk (front door)",
]
# Outcome weights: most councils are good or require improvement.
OUTCOME_WEIGHTS = {
    "outstanding": 1,
    "good": 4,
    "requires_improvement": 3,
    "inadequate": 1,
    "positive": 3,
    "inconsistent": 3,
    "systemic_failings": 1,
    "priority_action": 1,
    "letter": 4,
}


# A demo event keeps this far from a real (published) inspection of its family, before or
# after: no demo focused visit or engagement meeting in the weeks of a real ILACS inspection.
PUBLISHED_CLEARANCE = timedelta(days=90)


@dataclass(frozen=True)
class PublishedInspection:
    family: str
    on_site_start: date
    on_site_end: date
    outcome_code: str | None


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


class _CouncilPlan:
    """The demo events of one council, with no two of a type starting the same day."""

    def __init__(self, council, types, rng, today, published: list[PublishedInspection]):
        self.council, self.types, self.rng, self.today = council, types, rng, today
        self.published = published
        self.published_codes = {p.family for p in published}
        self.events: list[InspectionEvent] = []
        self.taken: set[tuple[str, date]] = set()

    def add(self, code: str, around: date, *, theme: str = "") -> None:
        itype = self.types.get(code)
        if itype is None:
            return
        start = around if code == "childrens_home" else _monday_on_or_after(around)
        while start.weekday() >= 5 or (code, start) in self.taken:
            start += timedelta(days=1)
        if start > self.today or any(
            p.family == itype.family
            and p.on_site_start - PUBLISHED_CLEARANCE
            <= start
            <= p.on_site_end + PUBLISHED_CLEARANCE
            for p in self.published
        ):
            return
        length = itype.typical_on_site_days or self.rng.choice([1, 2, 3])
        end = add_working_days(start, max(length, 1) - 1)
        notice = itype.typical_notice_working_days
        notified = add_working_days(start, -(notice if notice is not None else 10))
        if code == "childrens_home":
            notified = start  # unannounced
        outcome = None
        outcomes = list(itype.outcomes.all())
        if outcomes:
            weights = [OUTCOME_WEIGHTS.get(o.code, 1) for o in outcomes]
            outcome = self.rng.choices(outcomes, weights=weights)[0]
        published = end + timedelta(days=self.rng.randint(35, 60)) if itype.is_formal else None
        if published and published > self.today:
            published, outcome = None, None
        self.taken.add((code, start))
        self.events.append(
            InspectionEvent(
                council=self.council,
                inspection_type=itype,
                notified_on=notified,
                on_site_start=start,
                on_site_end=end,
                on_site_days=working_days(start, end),
                published_on=published,
                outcome=outcome,
                theme=theme,
                source=Source.DEMO,
                source_reference="seed_demo",
            )
        )


def _plan_council(council, types, size, rng, first_year, today, published):
    plan = _CouncilPlan(council, types, rng, today, published)
    published_codes = plan.published_codes
    # Monitoring visits and DfE intervention follow an inadequate ILACS judgement: where the
    # real judgements are known, only in the year after a real one.
    after_inadequate = {
        p.on_site_start.year + 1
        for p in published
        if p.family == "ilacs" and p.outcome_code == "inadequate"
    }
    homes = rng.randint(*size.children_homes)
    ilacs_offset = rng.randint(0, 2)
    send_offset = rng.randint(0, 4)
    hmip_offset = rng.randint(0, 5)
    for year in range(first_year, today.year + 1):
        jan1 = date(year, 1, 1)

        def day_in_year(lo=0, hi=360, _jan1=jan1):
            return _jan1 + timedelta(days=rng.randint(lo, hi))

        plan.add("ilacs_engagement_meeting", day_in_year(20, 120))
        plan.add("area_send_engagement", day_in_year(150, 300))
        for _ in range(homes):
            plan.add("childrens_home", day_in_year(0, 170))
            plan.add("childrens_home", day_in_year(180, 355))
        # Full ILACS and area SEND inspections come from Ofsted's reports where they exist.
        if "ilacs" not in published_codes and (year - first_year) % 3 == ilacs_offset:
            plan.add(rng.choice(["ilacs_standard", "ilacs_short"]), day_in_year(20, 330))
        elif (year - first_year) % 3 != ilacs_offset and rng.random() < 0.6:
            plan.add("ilacs_focused_visit", day_in_year(30, 330))
        if "ilacs" in published_codes:
            intervention = year in after_inadequate
        else:
            intervention = rng.random() < 0.08
        if intervention:
            for quarter in range(rng.randint(2, 4)):
                plan.add(
                    "ilacs_monitoring_visit", day_in_year(quarter * 90 + 10, quarter * 90 + 80)
                )
            plan.add("dfe_intervention", day_in_year(0, 60))
        if rng.random() < 0.15:
            plan.add("jtai", day_in_year(10, 330), theme=rng.choice(JTAI_THEMES))
        if "area_send" not in published_codes and year >= 2023 and (year - 2023) % 5 == send_offset:
            plan.add("area_send_full", day_in_year(20, 330))
        if (
            year in (2024, 2025)
            and rng.random() < 0.5
            and not any(e.inspection_type.code == "cqc_adult_social_care" for e in plan.events)
        ):
            plan.add("cqc_adult_social_care", day_in_year(20, 330))
        if (year - first_year) % 6 == hmip_offset:
            plan.add("hmip_youth_justice", day_in_year(20, 330))
        if rng.random() < 0.2:
            plan.add("lga_peer_challenge", day_in_year(20, 330))
    return plan.events


def _staff_time_for(event, size, rng) -> list[StaffTime]:
    profile, scale = HOURS_PROFILE.get(event.inspection_type.code, (_VISIT, 0.5))
    population = event.council.population_0_25 or 100_000
    size_factor = 0.7 + min(population, 400_000) / 400_000  # larger councils, larger effort
    entries = []
    for (team, phase), base in profile.items():
        total = base * scale * size_factor * rng.uniform(0.6, 1.5)
        chunks = rng.randint(size.min_chunks, size.max_chunks)
        for _ in range(chunks):
            hours = Decimal(str(round(max(total / chunks * rng.uniform(0.7, 1.3), 0.5), 1)))
            entries.append(
                StaffTime(
                    event=event,
                    team=team,
                    phase=phase,
                    hours=hours,
                    people=max(1, round(float(hours) / rng.uniform(15, 37.5))),
                    note="Demo",
                    is_demo=True,
                )
            )
    return entries


def demo_users_create() -> list[tuple[str, str, str]]:
    """One demo user per role; returns (role, username, password) to print."""
    User = get_user_model()
    council = Council.objects.filter(slug=DEMO_COUNCIL_SLUG).first() or Council.objects.first()
    other = Council.objects.exclude(pk=council.pk).filter(region=council.region).first()
    specs = [
        ("Administrator", "admin", {"is_staff": True, "is_superuser": True}),
        ("LGA officer", "lga.officer", {}),
        (f"Editor of {council.name}", f"{council.slug}.editor", {}),
        (f"Viewer of {council.name}", f"{council.slug}.viewer", {}),
        (f"Editor of {other.name}", f"{other.slug}.editor", {}),
    ]
    users = []
    for role, username, flags in specs:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={"email": f"{username}@example.org", "first_name": role, **flags},
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        users.append((role, username, DEMO_PASSWORD))
    LgaOfficer.objects.get_or_create(
        user=User.objects.get(username="lga.officer"), defaults={"job_title": "Demo LGA officer"}
    )
    for username, target, role in [
        (f"{council.slug}.editor", council, CouncilMembership.Role.EDITOR),
        (f"{council.slug}.viewer", council, CouncilMembership.Role.VIEWER),
        (f"{other.slug}.editor", other, CouncilMembership.Role.EDITOR),
    ]:
        CouncilMembership.objects.update_or_create(
            user=User.objects.get(username=username), defaults={"council": target, "role": role}
        )
    return users


@dataclass
class DemoSummary:
    councils: int
    events: int
    staff_time: int


@transaction.atomic
def demo_seed(
    *, size: str = "standard", seed: int = 2026, today: date | None = None
) -> DemoSummary:
    """Replace all demo events and hours with a fresh, deterministic set."""
    spec = SIZES[size]
    today = today or date.today()
    rng_root = random.Random(seed)
    first_year = today.year - spec.years + 1

    # Invented data, replaced without history (see services.audit).
    bulk_delete_without_history(StaffTime.objects.filter(is_demo=True))
    bulk_delete_without_history(StaffTime.objects.filter(event__source=Source.DEMO))
    Cluster.events.through.objects.filter(inspectionevent__source=Source.DEMO).delete()
    bulk_delete_without_history(InspectionEvent.objects.filter(source=Source.DEMO))

    types = {t.code: t for t in InspectionType.objects.prefetch_related("outcomes")}
    councils = list(Council.objects.filter(is_active=True).order_by("dfe_number"))
    if spec.councils is not None:
        councils = councils[: spec.councils]
        demo = Council.objects.filter(slug=DEMO_COUNCIL_SLUG).first()
        if demo and demo not in councils:
            councils[-1] = demo
    published: dict[int, list[PublishedInspection]] = {}
    for council_id, *values in InspectionEvent.objects.filter(source=Source.PUBLISHED).values_list(
        "council_id", "inspection_type__family", "on_site_start", "on_site_end", "outcome__code"
    ):
        published.setdefault(council_id, []).append(PublishedInspection(*values))

    events = []
    for council in councils:
        rng = random.Random(f"{seed}-{council.gss_code}-{rng_root.random()}")
        events.extend(
            _plan_council(
                council, types, spec, rng, first_year, today, published.get(council.pk, [])
            )
        )
    InspectionEvent.objects.bulk_create(events, batch_size=2000)

    # Demo hours on every event of these councils, real published ones included.
    rng = random.Random(seed)
    with_hours = list(
        InspectionEvent.objects.filter(
            council__in=councils, source__in=[Source.DEMO, Source.PUBLISHED]
        )
        .exclude(staff_time__is_demo=False)
        .select_related("inspection_type", "council")
        .order_by("pk")
    )
    staff_rows = 0
    batch: list[StaffTime] = []
    for event in with_hours:
        batch.extend(_staff_time_for(event, spec, rng))
        if len(batch) >= 20000:
            StaffTime.objects.bulk_create(batch, batch_size=5000)
            staff_rows += len(batch)
            batch = []
    StaffTime.objects.bulk_create(batch, batch_size=5000)
    staff_rows += len(batch)

    analyze_tables(InspectionEvent, StaffTime, StaffTimeRollup)
    # Bulk-created events bypass the per-event re-check: sweep every council now, in the same
    # transaction, so the demo has its clusters. Silently: years of demo history would otherwise
    # e-mail every editor and LGA officer about clusters nobody needs telling about.
    clusters.clusters_sweep(alert=False, refresh_hours=True)
    forecast_recompute(alert=False)  # the forecast too, quietly
    services.dashboards_changed()
    return DemoSummary(councils=len(councils), events=len(events), staff_time=staff_rows)
