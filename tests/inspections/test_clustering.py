"""Tests for the pure cluster-detection function (no Django, no database)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspections.clustering import (
    FAMILIES,
    DetectedCluster,
    EventPoint,
    RuleSpec,
    cluster_key,
    detect_clusters,
)

BASE = date(2022, 1, 3)

TYPE_FOR_FAMILY = {
    "ilacs": "ilacs_standard",
    "jtai": "jtai_themed",
    "area_send": "area_send_full",
    "cqc": "cqc_children",
    "hmip": "hmip_yjs",
    "dfe_intervention": "dfe_improvement_notice",
    "peer_review": "lga_peer_challenge",
    "other": "other_visit",
}


def day(offset: int) -> date:
    return BASE + timedelta(days=offset)


def ev(
    event_id: int,
    start: int,
    *,
    family: str = "ilacs",
    type_code: str | None = None,
    is_formal: bool = True,
    length: int = 5,
    notified: int | None = None,
) -> EventPoint:
    """An event whose on-site visit starts ``start`` days after BASE."""
    return EventPoint(
        id=event_id,
        type_code=type_code if type_code is not None else TYPE_FOR_FAMILY[family],
        family=family,
        is_formal=is_formal,
        on_site_start=day(start),
        on_site_end=day(start + length),
        notified_on=None if notified is None else day(notified),
    )


def ids(clusters: list[DetectedCluster]) -> list[tuple[int, ...]]:
    return [cluster.event_ids for cluster in clusters]


# --- the window boundary -------------------------------------------------------------


def test_gap_equal_to_window_is_within_it():
    clusters = detect_clusters([ev(1, 0), ev(2, 90)], RuleSpec(window_days=90, min_events=2))
    assert ids(clusters) == [(1, 2)]
    assert clusters[0].span_days == 90
    assert clusters[0].gaps_days == (90,)


def test_gap_one_day_longer_than_window_is_outside_it():
    clusters = detect_clusters([ev(1, 0), ev(2, 91)], RuleSpec(window_days=90, min_events=2))
    assert clusters == []


def test_one_day_window_joins_consecutive_days_but_not_two_days_apart():
    rule = RuleSpec(window_days=1, min_events=2)
    assert ids(detect_clusters([ev(1, 0), ev(2, 1)], rule)) == [(1, 2)]
    assert detect_clusters([ev(1, 0), ev(2, 2)], rule) == []


def test_events_on_the_same_day_both_count_with_a_gap_of_zero():
    clusters = detect_clusters([ev(7, 10), ev(3, 10)], RuleSpec(window_days=30, min_events=2))
    assert ids(clusters) == [(3, 7)]
    assert clusters[0].gaps_days == (0,)
    assert clusters[0].span_days == 0
    assert clusters[0].first_date == clusters[0].last_date == day(10)


def test_three_events_on_the_same_day_meet_a_three_event_rule():
    events = [ev(1, 5), ev(2, 5), ev(3, 5)]
    assert ids(detect_clusters(events, RuleSpec(window_days=1, min_events=3))) == [(1, 2, 3)]


def test_overlapping_on_site_periods_are_clustered_by_their_start_dates():
    # A long visit (days 0-40) with a short one (days 10-12) inside it, under a 7-day rule:
    # the starts are 10 days apart, so the overlap of the visits does not make a cluster.
    long_visit = ev(1, 0, length=40)
    short_visit = ev(2, 10, length=2)
    assert detect_clusters([long_visit, short_visit], RuleSpec(window_days=7, min_events=2)) == []
    # Under a 10-day rule the starts are within the window.
    clusters = detect_clusters([long_visit, short_visit], RuleSpec(window_days=10, min_events=2))
    assert ids(clusters) == [(1, 2)]
    assert clusters[0].span_days == 10


def test_on_site_end_date_does_not_affect_detection():
    rule = RuleSpec(window_days=30, min_events=2)
    short = [ev(1, 0, length=1), ev(2, 30, length=1)]
    long = [ev(1, 0, length=200), ev(2, 30, length=90)]
    assert detect_clusters(short, rule) == detect_clusters(long, rule)


# --- chaining and the minimum number of events --------------------------------------


def test_three_events_sixty_days_apart_chain_into_one_cluster_under_ninety_days():
    clusters = detect_clusters(
        [ev(1, 0), ev(2, 60), ev(3, 120)], RuleSpec(window_days=90, min_events=2)
    )
    assert ids(clusters) == [(1, 2, 3)]
    assert clusters[0].first_date == day(0)
    assert clusters[0].last_date == day(120)
    assert clusters[0].span_days == 120
    assert clusters[0].gaps_days == (60, 60)


def test_three_within_a_year_does_not_join_events_at_0_300_and_600_days():
    events = [ev(1, 0), ev(2, 300), ev(3, 600)]
    assert detect_clusters(events, RuleSpec(window_days=365, min_events=3)) == []


def test_three_within_a_year_joins_events_at_0_200_and_360_days():
    events = [ev(1, 0), ev(2, 200), ev(3, 360)]
    clusters = detect_clusters(events, RuleSpec(window_days=365, min_events=3))
    assert ids(clusters) == [(1, 2, 3)]
    assert clusters[0].gaps_days == (200, 160)


def test_overlapping_qualifying_windows_merge_into_one_cluster():
    # Windows from day 0 {0, 200, 360} and from day 200 {200, 360, 500} share events.
    events = [ev(1, 0), ev(2, 200), ev(3, 360), ev(4, 500)]
    clusters = detect_clusters(events, RuleSpec(window_days=365, min_events=3))
    assert ids(clusters) == [(1, 2, 3, 4)]
    assert clusters[0].span_days == 500


def test_a_window_with_too_few_events_does_not_extend_a_cluster():
    # {0, 100, 200} qualifies under three-within-365; 500 shares no qualifying window.
    events = [ev(1, 0), ev(2, 100), ev(3, 200), ev(4, 500)]
    clusters = detect_clusters(events, RuleSpec(window_days=365, min_events=3))
    assert ids(clusters) == [(1, 2, 3)]


def test_removing_an_event_dissolves_a_two_event_cluster():
    rule = RuleSpec(window_days=90, min_events=2)
    events = [ev(1, 0), ev(2, 45), ev(3, 400)]
    assert ids(detect_clusters(events, rule)) == [(1, 2)]
    assert detect_clusters([e for e in events if e.id != 2], rule) == []


def test_moving_an_event_splits_a_chain_into_two_clusters():
    rule = RuleSpec(window_days=90, min_events=2)
    chain = [ev(1, 0), ev(2, 60), ev(3, 120), ev(4, 180)]
    assert ids(detect_clusters(chain, rule)) == [(1, 2, 3, 4)]
    # Event 3 moves from day 120 to day 250: days 0/60 and 180/250 are two clusters.
    moved = [ev(1, 0), ev(2, 60), ev(3, 250), ev(4, 180)]
    clusters = detect_clusters(moved, rule)
    assert ids(clusters) == [(1, 2), (4, 3)]
    assert [c.first_date for c in clusters] == [day(0), day(180)]


# --- which events count --------------------------------------------------------------


def test_a_rule_limited_to_some_families_ignores_other_families():
    events = [ev(1, 0, family="ilacs"), ev(2, 20, family="cqc"), ev(3, 40, family="jtai")]
    rule = RuleSpec(window_days=30, min_events=2, families=frozenset({"ilacs", "jtai"}))
    # 0 and 40 are 40 days apart; the cqc visit at 20 would bridge them but does not count.
    assert detect_clusters(events, rule) == []
    wider = RuleSpec(window_days=40, min_events=2, families=frozenset({"ilacs", "jtai"}))
    assert ids(detect_clusters(events, wider)) == [(1, 3)]


def test_a_rule_limited_to_type_codes_ignores_other_types():
    events = [
        ev(1, 0, type_code="ilacs_standard"),
        ev(2, 10, type_code="ilacs_focused_visit"),
        ev(3, 20, type_code="ilacs_standard"),
    ]
    rule = RuleSpec(window_days=30, min_events=2, type_codes=frozenset({"ilacs_standard"}))
    assert ids(detect_clusters(events, rule)) == [(1, 3)]


def test_an_event_counts_when_its_family_or_its_type_code_matches():
    events = [
        ev(1, 0, family="jtai"),  # family matches
        ev(2, 5, family="cqc", type_code="ilacs_standard"),  # type code matches
        ev(3, 10, family="hmip", type_code="hmip_yjs"),  # neither matches
    ]
    rule = RuleSpec(
        window_days=30,
        min_events=2,
        families=frozenset({"jtai"}),
        type_codes=frozenset({"ilacs_standard"}),
    )
    assert ids(detect_clusters(events, rule)) == [(1, 2)]


def test_a_rule_without_filters_counts_every_family():
    events = [ev(i, i * 3, family=family) for i, family in enumerate(sorted(FAMILIES), start=1)]
    clusters = detect_clusters(events, RuleSpec(window_days=3, min_events=2))
    assert ids(clusters) == [tuple(range(1, len(FAMILIES) + 1))]


def test_rule_filters_accept_any_iterable_and_are_stored_as_frozensets():
    rule = RuleSpec(window_days=30, min_events=2, families={"ilacs"}, type_codes=["x"])
    assert rule.families == frozenset({"ilacs"})
    assert rule.type_codes == frozenset({"x"})
    hash(rule)


def test_a_formal_only_rule_ignores_engagement_meetings():
    events = [
        ev(1, 0),
        ev(2, 10, family="peer_review", is_formal=False),
        ev(3, 20, family="dfe_intervention", is_formal=False),
    ]
    assert detect_clusters(events, RuleSpec(window_days=30, min_events=2)) == []
    everything = RuleSpec(window_days=30, min_events=2, formal_only=False)
    assert ids(detect_clusters(events, everything)) == [(1, 2, 3)]


def test_the_notified_anchor_ignores_events_without_a_notification_date():
    events = [
        ev(1, 10, notified=5),
        ev(2, 100, notified=None),  # not notified: ignored under the notified anchor
        ev(3, 200, notified=40),  # notified 35 days after event 1 was
    ]
    rule = RuleSpec(window_days=40, min_events=2, anchor="notified_on")
    clusters = detect_clusters(events, rule)
    assert ids(clusters) == [(1, 3)]
    assert clusters[0].first_date == day(5)
    assert clusters[0].last_date == day(40)
    assert clusters[0].gaps_days == (35,)
    # The same events by on-site start are 90 and 100 days apart: no cluster.
    assert detect_clusters(events, RuleSpec(window_days=40, min_events=2)) == []


def test_the_notified_anchor_orders_members_by_notification_date():
    events = [ev(1, 50, notified=20), ev(2, 30, notified=25)]
    rule = RuleSpec(window_days=10, min_events=2, anchor="notified_on")
    assert ids(detect_clusters(events, rule)) == [(1, 2)]


# --- ordering, identity and determinism ---------------------------------------------


def test_unsorted_input_gives_clusters_sorted_by_first_date():
    events = [ev(6, 510), ev(2, 5), ev(5, 500), ev(1, 0), ev(4, 300), ev(3, 1000)]
    clusters = detect_clusters(events, RuleSpec(window_days=30, min_events=2))
    assert ids(clusters) == [(1, 2), (5, 6)]
    assert [c.first_date for c in clusters] == [day(0), day(500)]


def test_members_on_the_same_date_are_ordered_by_id():
    events = [ev(30, 7), ev(10, 7), ev(20, 3)]
    clusters = detect_clusters(events, RuleSpec(window_days=30, min_events=2))
    assert ids(clusters) == [(20, 10, 30)]


def test_shuffled_input_gives_identical_output():
    events = [ev(i, (i * 37) % 700, family=sorted(FAMILIES)[i % 8]) for i in range(1, 60)]
    rule = RuleSpec(window_days=45, min_events=3, formal_only=False)
    expected = detect_clusters(events, rule)
    assert expected  # the fixture does contain clusters
    rng = random.Random(1234)
    for _ in range(20):
        shuffled = events[:]
        rng.shuffle(shuffled)
        assert detect_clusters(shuffled, rule) == expected
        assert detect_clusters(iter(shuffled), rule) == expected


def test_no_events_give_no_clusters():
    assert detect_clusters([], RuleSpec(window_days=90, min_events=2)) == []


def test_cluster_key_is_sorted_numeric_ids_joined_by_dashes():
    assert cluster_key([10, 2, 33]) == "2-10-33"
    assert cluster_key((2, 10, 33)) == cluster_key([33, 10, 2])
    assert cluster_key([5, 5, 1]) == "1-5"


def test_cluster_key_needs_at_least_one_id():
    with pytest.raises(ValueError, match="at least one"):
        cluster_key([])


def test_a_detected_cluster_key_matches_its_members():
    clusters = detect_clusters([ev(12, 9), ev(3, 0)], RuleSpec(window_days=30, min_events=2))
    assert clusters[0].key == "3-12" == cluster_key(clusters[0].event_ids)


def test_duplicate_event_ids_are_rejected():
    with pytest.raises(ValueError, match="duplicate event id 1"):
        detect_clusters([ev(1, 0), ev(1, 5)], RuleSpec(window_days=30, min_events=2))


# --- invalid rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"window_days": 0, "min_events": 2}, "window_days must be at least 1"),
        ({"window_days": -5, "min_events": 2}, "window_days must be at least 1"),
        ({"window_days": 90, "min_events": 1}, "min_events must be at least 2"),
        ({"window_days": 90, "min_events": 0}, "min_events must be at least 2"),
        ({"window_days": 90, "min_events": 2, "anchor": "on_site_end"}, "anchor must be one of"),
        ({"window_days": 90.5, "min_events": 2}, "window_days must be an integer"),
        ({"window_days": 90, "min_events": True}, "min_events must be an integer"),
    ],
)
def test_invalid_rules_are_rejected_with_a_clear_message(kwargs, message):
    with pytest.raises(ValueError, match=message):
        RuleSpec(**kwargs)


def test_detect_clusters_revalidates_a_rule_that_bypassed_construction():
    rule = RuleSpec(window_days=90, min_events=2)
    object.__setattr__(rule, "min_events", 1)
    with pytest.raises(ValueError, match="min_events must be at least 2"):
        detect_clusters([ev(1, 0)], rule)


def test_a_single_string_is_not_accepted_as_a_family_set():
    with pytest.raises(TypeError):
        RuleSpec(window_days=90, min_events=2, families="ilacs")


# --- property test against a brute-force reference -----------------------------------


def reference_counts(event: EventPoint, rule: RuleSpec) -> bool:
    if rule.formal_only and not event.is_formal:
        return False
    filtered = bool(rule.families or rule.type_codes)
    matches = event.family in rule.families or event.type_code in rule.type_codes
    if filtered and not matches:
        return False
    anchor = event.notified_on if rule.anchor == "notified_on" else event.on_site_start
    return anchor is not None


def reference_clusters(events: list[EventPoint], rule: RuleSpec) -> list[tuple]:
    """O(n^2) windows from every start date, unioned by repeated pairwise merging."""

    def anchor(event: EventPoint) -> date:
        return event.notified_on if rule.anchor == "notified_on" else event.on_site_start

    counted = [e for e in events if reference_counts(e, rule)]
    windows: list[set[int]] = []
    for start in counted:
        members = {
            other.id
            for other in counted
            if 0 <= (anchor(other) - anchor(start)).days <= rule.window_days
        }
        if len(members) >= rule.min_events:
            windows.append(members)

    merged = True
    while merged:
        merged = False
        for i in range(len(windows)):
            for j in range(i + 1, len(windows)):
                if windows[i] & windows[j]:
                    windows[i] |= windows.pop(j)
                    merged = True
                    break
            if merged:
                break

    by_id = {e.id: e for e in counted}
    result = []
    for members in windows:
        ordered = sorted(members, key=lambda event_id: (anchor(by_id[event_id]), event_id))
        dates = [anchor(by_id[event_id]) for event_id in ordered]
        gaps = tuple((b - a).days for a, b in zip(dates, dates[1:], strict=False))
        result.append((tuple(ordered), dates[0], dates[-1], gaps))
    result.sort(key=lambda cluster: (cluster[1], cluster[0][0]))
    return result


FAMILY_LIST = sorted(FAMILIES)
TYPE_CODES = ["ilacs_standard", "ilacs_focused_visit", "jtai_themed", "cqc_children", "other"]


@st.composite
def scenarios(draw):
    """Random small event lists (dates within ~3 years) with a random rule."""
    # A small pool of days so that equal dates are common.
    pool = draw(st.lists(st.integers(0, 3 * 365), min_size=1, max_size=8))
    count = draw(st.integers(0, 14))
    event_ids = draw(st.lists(st.integers(1, 10_000), min_size=count, max_size=count, unique=True))
    events = []
    for event_id in event_ids:
        start = draw(st.sampled_from(pool))
        notified = draw(st.one_of(st.sampled_from(pool), st.none()))
        events.append(
            EventPoint(
                id=event_id,
                type_code=draw(st.sampled_from(TYPE_CODES)),
                family=draw(st.sampled_from(FAMILY_LIST)),
                is_formal=draw(st.sampled_from([True, True, True, False])),
                on_site_start=day(start),
                on_site_end=day(start + draw(st.integers(0, 10))),
                notified_on=None if notified is None else day(notified),
            )
        )
    # Often make the window exactly equal to (or one less than) a gap between two events'
    # dates, so that the inclusive boundary is exercised, not just found by luck.
    used = {e.on_site_start for e in events} | {e.notified_on for e in events if e.notified_on}
    gaps = sorted({abs((a - b).days) for a in used for b in used} & set(range(1, 402)))
    window_choices = [st.integers(1, 400)]
    if gaps:
        near_gap = st.sampled_from(gaps).flatmap(lambda g: st.sampled_from([g, g, max(g - 1, 1)]))
        window_choices += [near_gap, near_gap]
    window_days = draw(st.one_of(*window_choices).map(lambda w: min(w, 400)))
    families = st.sampled_from(FAMILY_LIST)
    type_codes = st.sampled_from(TYPE_CODES)
    rule = RuleSpec(
        window_days=window_days,
        min_events=draw(st.integers(2, 4)),
        anchor=draw(st.sampled_from(["on_site_start", "notified_on"])),
        formal_only=draw(st.booleans()),
        # Filters are often empty so that enough events count to form clusters.
        families=draw(st.one_of(st.just(frozenset()), st.frozensets(families, max_size=4))),
        type_codes=draw(st.one_of(st.just(frozenset()), st.frozensets(type_codes, max_size=2))),
    )
    return events, rule


@settings(
    max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(scenario=scenarios(), seed=st.randoms(use_true_random=False))
def test_detect_clusters_matches_a_brute_force_reference(scenario, seed):
    events, rule = scenario
    clusters = detect_clusters(events, rule)
    actual = [(c.event_ids, c.first_date, c.last_date, c.gaps_days) for c in clusters]
    assert actual == reference_clusters(events, rule)

    # Invariants that follow from the definition.
    all_members = [event_id for c in clusters for event_id in c.event_ids]
    assert len(all_members) == len(set(all_members))  # clusters are disjoint
    for c in clusters:
        assert len(c.event_ids) >= rule.min_events
        assert all(0 <= gap <= rule.window_days for gap in c.gaps_days)
        assert c.span_days == sum(c.gaps_days)

    # Determinism: the order of the input does not matter.
    shuffled = events[:]
    seed.shuffle(shuffled)
    assert detect_clusters(shuffled, rule) == clusters
