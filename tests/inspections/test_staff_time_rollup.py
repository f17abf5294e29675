"""The staff-time sums the database keeps by event, team and phase (StaffTimeRollup)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Count, Sum

from inspections import services
from inspections.models import StaffTime, StaffTimeRollup
from tests.factories import make_event, make_hours

pytestmark = pytest.mark.django_db


def _rollup() -> dict[tuple[int, str, str], tuple[Decimal, int]]:
    return {
        (r.event_id, r.team, r.phase): (r.hours.quantize(Decimal("0.01")), r.entries)
        for r in StaffTimeRollup.objects.all()
    }


def _from_entries() -> dict[tuple[int, str, str], tuple[Decimal, int]]:
    rows = StaffTime.objects.values("event_id", "team", "phase").annotate(
        hours=Sum("hours"), entries=Count("pk")
    )
    return {
        (r["event_id"], r["team"], r["phase"]): (r["hours"].quantize(Decimal("0.01")), r["entries"])
        for r in rows
    }


@pytest.fixture
def event(council_a):
    return make_event(council_a, "jtai", date(2025, 5, 5))


def test_new_entries_are_added_to_their_event_team_and_phase(event):
    make_hours(event, 10.25, team="data", phase="preparation")
    make_hours(event, 4.75, team="data", phase="preparation")
    make_hours(event, 3, team="managers", phase="on_site")

    assert _rollup() == {
        (event.pk, "data", "preparation"): (Decimal("15.00"), 2),
        (event.pk, "managers", "on_site"): (Decimal("3.00"), 1),
    }


def test_a_bulk_load_is_added_in_one_go(event):
    StaffTime.objects.bulk_create(
        StaffTime(event=event, team="partners", phase="after", hours=Decimal("1.5"))
        for _ in range(40)
    )

    assert _rollup() == {(event.pk, "partners", "after"): (Decimal("60.00"), 40)}


def test_a_changed_entry_moves_its_hours(event, editor_a):
    entry = make_hours(event, 8, team="data", phase="preparation")
    make_hours(event, 2, team="data", phase="preparation")

    entry.hours, entry.phase = Decimal("5"), "after"
    services.staff_time_save(event=event, entries=[entry], user=editor_a)

    assert _rollup() == {
        (event.pk, "data", "preparation"): (Decimal("2.00"), 1),
        (event.pk, "data", "after"): (Decimal("5.00"), 1),
    }


def test_a_deleted_entry_is_taken_off_and_an_empty_sum_disappears(event):
    first = make_hours(event, 8, team="data", phase="preparation")
    second = make_hours(event, 2, team="data", phase="preparation")

    first.delete()
    assert _rollup() == {(event.pk, "data", "preparation"): (Decimal("2.00"), 1)}
    second.delete()
    assert _rollup() == {}


def test_deleting_an_event_takes_its_hours_with_it(event, council_a):
    other = make_event(council_a, "ilacs_focused_visit", date(2025, 9, 1))
    make_hours(event, 8)
    make_hours(other, 5)

    services.event_delete(event=event)

    assert _rollup() == {(other.pk, "data", "preparation"): (Decimal("5.00"), 1)}


def test_the_sums_always_match_the_entries_after_mixed_writes(event, council_a):
    other = make_event(council_a, "ilacs_focused_visit", date(2025, 9, 1))
    for n in range(12):
        make_hours(
            event if n % 2 else other,
            Decimal("0.3") * (n + 1),
            team=["data", "managers", "partners"][n % 3],
            phase=["preparation", "on_site"][n % 2],
        )
    StaffTime.objects.filter(team="managers").update(phase="after")
    StaffTime.objects.filter(hours__lt=1).delete()
    StaffTime.objects.filter(team="partners").update(hours=Decimal("7.77"))

    assert _rollup() == _from_entries()
