"""Forecast clashes at the boundaries of a rule's window, and their likelihood. Pure."""

from datetime import date, timedelta

import pytest

from inspections.clustering import RuleSpec
from inspections.forecast.clashes import (
    ClashRule,
    Member,
    find_clashes,
    likelihood_label,
    members_of,
)
from inspections.forecast.windows import FORECAST, LOGGED, PastEvent, Window

AS_OF = date(2026, 11, 30)
TYPES = {
    "ilacs_standard": ("ilacs", True),
    "ilacs_short": ("ilacs", True),
    "area_send_full": ("area_send", True),
    "jtai": ("jtai", True),
    "hmip_youth_justice": ("hmip", True),
    "ilacs_engagement_meeting": ("ilacs", False),
}
BACK_TO_BACK = ClashRule(1, "Back-to-back", "high", RuleSpec(90, 2))
CROWDED_YEAR = ClashRule(2, "Crowded year", "medium", RuleSpec(365, 3))


def certain(key, day, type_code="ilacs_short", forecast=True):
    return Member(key, key, type_code, day, day, day, forecast)


def spread(key, first, likely, last, type_code="area_send_full"):
    return Member(key, key, type_code, first, likely, last, True)


def clashes(members, rules=(BACK_TO_BACK,)):
    return find_clashes(members, list(rules), as_of=AS_OF, types=TYPES)


@pytest.mark.parametrize("gap, expected", [(0, 1), (89, 1), (90, 1), (91, 0)])
def test_two_certain_dates_clash_exactly_when_within_the_rule_window(gap, expected):
    day = date(2027, 3, 1)
    found = clashes(
        [
            certain("ilacs_full", day),
            certain("area_send_full", day + timedelta(gap), "area_send_full"),
        ]
    )
    assert len(found) == expected
    if found:
        assert found[0].likelihood[24] == pytest.approx(1.0)
        assert found[0].likely_date == day + timedelta(gap)  # when the second arrives


def test_the_horizon_counts_only_clashes_whose_members_all_start_by_its_end():
    day = date(2027, 5, 17)  # 5.5 months ahead; the second member after 6 months
    found = clashes(
        [
            certain("ilacs_full", day),
            certain("area_send_full", day + timedelta(30), "area_send_full"),
        ]
    )[0]
    assert found.likelihood[6] == 0.0
    assert found.likelihood[12] == pytest.approx(1.0)


def test_likelihood_of_a_spread_window_against_a_certain_date():
    # The certain date sits at the start of a symmetric 365-day window: P(within 90 days)
    # is the mass of the first 91 days of a triangle over 365 days.
    first = date(2027, 1, 4)
    window = spread("area_send_full", first, first + timedelta(182), first + timedelta(364))
    found = clashes([certain("ilacs_full", first), window])[0]
    weights = window.weights()
    assert found.likelihood[24] == pytest.approx(sum(weights[:91]), rel=1e-6)
    assert 0.1 < found.likelihood[24] < 0.2
    assert likelihood_label(found.likelihood[24]) == "Unlikely"


def test_unlikely_clashes_are_left_out_and_far_apart_windows_never_clash():
    first = date(2027, 1, 4)
    far = spread(
        "area_send_full", first + timedelta(200), first + timedelta(300), first + timedelta(400)
    )
    assert clashes([certain("ilacs_full", first), far]) == []
    wide = spread("area_send_full", first, first + timedelta(700), first + timedelta(720))
    assert clashes([certain("ilacs_full", first), wide]) == []  # under 10 %


def test_a_clash_needs_a_forecast_member():
    day = date(2027, 2, 1)
    assert clashes([certain("a", day, forecast=False), certain("b", day, "jtai", False)]) == []


def test_rule_filters_apply_to_forecast_members_as_to_events():
    day = date(2027, 2, 1)
    meeting = certain("meeting", day, "ilacs_engagement_meeting", forecast=False)
    assert clashes([certain("ilacs_full", day), meeting]) == []  # not formal
    send_only = ClashRule(3, "SEND and ILACS", "high", RuleSpec(90, 2, families={"area_send"}))
    members = [certain("ilacs_full", day), certain("area_send_full", day, "area_send_full")]
    assert clashes(members, [send_only]) == []  # only one member counts


@pytest.mark.parametrize("third, expected", [(365, 1), (366, 0)])
def test_crowded_year_needs_three_within_365_days(third, expected):
    day = date(2027, 1, 4)
    members = [
        certain("ilacs_full", day),
        certain("area_send_full", day + timedelta(200), "area_send_full"),
        certain("hmip_youth_justice", day + timedelta(third), "hmip_youth_justice"),
    ]
    found = clashes(members, [CROWDED_YEAR])
    assert len(found) == expected


def test_likelihood_words():
    assert likelihood_label(0.5) == "Likely"
    assert likelihood_label(0.49) == "Possible"
    assert likelihood_label(0.2) == "Possible"
    assert likelihood_label(0.19) == "Unlikely"


def test_members_are_windows_and_recent_or_logged_inspections_counted_once():
    logged = PastEvent("ilacs_short", "ILACS short inspection", date(2027, 3, 1))
    windows = [
        Window(
            "ilacs_full",
            LOGGED,
            logged.start,
            logged.start,
            logged.start,
            "logged",
            "x",
            previous=logged,
        ),
        Window(
            "area_send_full",
            FORECAST,
            date(2027, 1, 1),
            date(2027, 6, 1),
            date(2027, 9, 1),
            "stated",
            "x",
        ),
        Window("jtai", "no_cycle", reason="x"),
    ]
    events = [
        logged,
        PastEvent("jtai", "JTAI", AS_OF - timedelta(days=30)),
        PastEvent("jtai", "JTAI", AS_OF - timedelta(days=400)),  # too long ago
    ]
    members = members_of(
        windows, events, as_of=AS_OF, look_back_days=365, horizon_end=date(2028, 11, 30)
    )
    keys = sorted(m.key for m in members)
    assert keys == [
        "area_send_full",
        "ilacs_full",
        f"jtai@{(AS_OF - timedelta(days=30)).isoformat()}",
    ]
    assert [m.is_forecast for m in members if m.key == "ilacs_full"] == [False]
