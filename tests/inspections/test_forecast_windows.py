"""The window rules on hand-made histories: every regime and outcome, no history, a regime
change, councils created in 2021 and 2023. Pure: no database."""

import importlib
from datetime import date, timedelta

import pytest

from inspections.forecast.windows import (
    BOTH,
    FORECAST,
    LOGGED,
    MIN_OBSERVED,
    NO_BASIS,
    NO_CYCLE,
    NOT_DUE,
    OBSERVED,
    REGIMES,
    STATED,
    ObservedGaps,
    PastEvent,
    StatedCycle,
    add_months,
    forecast_council,
    forecast_window,
    observe_gaps,
)

AS_OF = date(2026, 11, 30)
TOMORROW = AS_OF + timedelta(days=1)
NAMES = {
    "ilacs_standard": "ILACS standard inspection",
    "ilacs_short": "ILACS short inspection",
    "ilacs_focused_visit": "ILACS focused visit",
    "ilacs_monitoring_visit": "ILACS monitoring visit",
    "jtai": "Joint targeted area inspection (JTAI)",
    "area_send_full": "Area SEND full inspection",
    "area_send_monitoring": "Area SEND monitoring inspection",
    "hmip_youth_justice": "HMI Probation youth justice inspection",
    "cqc_adult_social_care": "CQC assessment of adult social care",
    "sif_inspection": "Single inspection framework inspection",
}
LABELS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement to be good",
    "inadequate": "Inadequate",
    "positive": "Typically positive experiences and outcomes",
    "inconsistent": "Inconsistent experiences and outcomes",
    "systemic_failings": "Widespread and/or systemic failings",
}


def seeded_cycles() -> dict:
    """The stated cycles exactly as the migration seeds them."""
    module = importlib.import_module("inspections.migrations.0006_forecast_cycles")
    # Each row is (regime, after outcome, earliest, nominal, latest, no cycle, counted from,
    # wording, source): the fields of StatedCycle in order.
    return {(row[0], row[1]): StatedCycle(*row) for row in module.CYCLES}


CYCLES = seeded_cycles()


def ev(code, start, outcome=None, demo=False):
    return PastEvent(code, NAMES[code], start, outcome, LABELS.get(outcome, ""), demo)


def window(regime, history, observed=None, **kwargs):
    return forecast_window(
        regime, history, as_of=AS_OF, cycles=CYCLES, observed=observed or {}, **kwargs
    )


def gaps(regime, outcome, days, waiting=()):
    return {(regime, outcome): ObservedGaps(regime, outcome, tuple(days), tuple(waiting))}


# --- ILACS full inspections -------------------------------------------------------------------


@pytest.mark.parametrize("outcome", ["outstanding", "good", "requires_improvement"])
def test_ilacs_after_a_graded_inspection_follows_the_stated_three_years_either_side(outcome):
    last = date(2024, 6, 3)
    result = window("ilacs_full", [ev("ilacs_short", last, outcome)])
    assert result.status == FORECAST and result.basis == STATED
    assert (result.earliest, result.likely, result.latest) == (
        date(2026, 12, 3),
        date(2027, 6, 3),
        date(2027, 12, 3),
    )
    assert "about every 3 years" in result.reason
    assert f"judged {LABELS[outcome].lower()}" in result.reason
    assert "Source: Ofsted, ILACS framework" in result.reason


def test_ilacs_after_inadequate_has_no_stated_interval_and_uses_the_observed_gaps():
    last = date(2024, 5, 13)
    history = [
        ev("ilacs_standard", last, "inadequate"),
        ev("ilacs_monitoring_visit", date(2024, 9, 2)),
        ev("ilacs_monitoring_visit", date(2025, 1, 6)),
    ]
    observed = gaps("ilacs_full", "inadequate", [1100, 1200, 1280, 1300, 1350, 1400, 1460])
    result = window("ilacs_full", history, observed)
    assert result.status == FORECAST and result.basis == OBSERVED
    assert result.likely == last + timedelta(days=1300)
    assert result.earliest == last + timedelta(days=1100)  # q10 of seven: the first
    assert result.latest == last + timedelta(days=1460)
    assert "judged inadequate" in result.reason
    assert "2 monitoring visits since (latest 6 January 2025)" in result.reason
    assert "no interval stated" in result.reason
    assert "7 gaps between two ILACS inspections after inadequate" in result.reason


def test_ilacs_after_inadequate_with_too_little_history_says_so():
    result = window("ilacs_full", [ev("ilacs_standard", date(2024, 5, 13), "inadequate")])
    # Ofsted states no interval after inadequate: with too few gaps, no guess.
    assert result.status == NO_BASIS and result.earliest is None
    assert "no interval stated" in result.reason and "too few gaps" in result.reason


def test_observed_gaps_count_with_the_stated_cycle_once_there_are_enough():
    last = date(2025, 3, 3)
    few = gaps("ilacs_full", "good", [1500] * (MIN_OBSERVED - 1))
    assert window("ilacs_full", [ev("ilacs_short", last, "good")], few).basis == STATED
    enough = gaps("ilacs_full", "good", [1500] * MIN_OBSERVED)
    result = window("ilacs_full", [ev("ilacs_short", last, "good")], enough)
    # Both sources are kept and shown; the forecast is halfway between them, over both windows.
    stated, observed = add_months(last, 36), last + timedelta(days=1500)
    assert result.stated.likely == stated and result.observed.likely == observed
    assert "median 4.1 years" in result.observed.text
    assert result.basis == BOTH
    assert result.likely == stated + (observed - stated) / 2
    assert result.earliest == add_months(last, 30) and result.latest == observed


def test_too_few_gaps_after_this_outcome_fall_back_to_every_outcome_pooled():
    observed = {
        **gaps("ilacs_full", "outstanding", [1700, 1800]),
        ("ilacs_full", "*"): ObservedGaps("ilacs_full", "*", (1400, 1450, 1500, 1550, 1600)),
    }
    result = window("ilacs_full", [ev("ilacs_short", date(2023, 1, 9), "outstanding")], observed)
    assert result.basis == BOTH
    assert result.observed.likely == date(2023, 1, 9) + timedelta(days=1500)
    assert "only 2 after outstanding" in result.reason


def test_a_window_already_open_starts_tomorrow_and_an_overdue_one_says_so():
    open_now = window("ilacs_full", [ev("ilacs_standard", date(2023, 12, 4), "good")])
    assert open_now.earliest == TOMORROW and open_now.latest == date(2027, 6, 4)
    overdue = window("ilacs_full", [ev("ilacs_standard", date(2022, 1, 10), "good")])
    assert overdue.status == FORECAST
    assert overdue.earliest == TOMORROW and overdue.latest == AS_OF + timedelta(days=182)
    assert "Overdue" in overdue.reason and "may have happened" in overdue.reason


def test_a_next_inspection_logged_ahead_is_the_window():
    history = [ev("ilacs_short", date(2023, 5, 1), "good"), ev("ilacs_short", date(2027, 2, 1))]
    result = window("ilacs_full", history)
    assert result.status == LOGGED
    assert result.earliest == result.likely == result.latest == date(2027, 2, 1)


def test_regime_change_no_overall_grade_since_april_2026_uses_any_outcome():
    result = window("ilacs_full", [ev("ilacs_standard", date(2026, 5, 11), None)])
    assert result.status == FORECAST
    assert "no outcome recorded" in result.reason
    assert "any outcome" in result.reason
    assert result.likely == date(2029, 5, 11)


def test_regime_change_a_single_inspection_framework_inspection_starts_the_clock():
    history = [ev("sif_inspection", date(2017, 3, 6), "requires_improvement")]
    result = window("ilacs_full", history)
    assert result.previous.type_code == "sif_inspection"
    assert "earlier framework" in result.reason
    assert result.status == FORECAST  # long overdue: the reason says so
    assert "Overdue" in result.reason


# --- No history, new councils -----------------------------------------------------------------


def test_no_ilacs_history_and_no_creation_date_gives_no_forecast_and_says_so():
    result = window("ilacs_full", [])
    assert result.status == NO_BASIS and result.earliest is None
    assert "no ILACS full inspection (standard or short) recorded" in result.reason
    assert "No forecast" in result.reason


@pytest.mark.parametrize("created", [date(2021, 4, 1), date(2023, 4, 1)])
def test_a_council_created_by_a_reorganisation_counts_from_its_creation(created):
    observed = gaps("ilacs_full", "none", [380, 550, 550, 560, 980])
    as_of = created + timedelta(days=200)
    result = forecast_window(
        "ilacs_full", [], as_of=as_of, cycles=CYCLES, observed=observed, created_on=created
    )
    assert f"created on 1 April {created.year}" in result.reason
    assert result.status == FORECAST and result.basis == OBSERVED
    assert result.likely == created + timedelta(days=550)
    assert result.earliest == created + timedelta(days=380)
    assert result.latest == created + timedelta(days=980)
    # Waited longer than any new council did: no guess.
    late = window("ilacs_full", [], observed, created_on=created)
    assert late.status == NO_BASIS and "already waited" in late.reason
    # Too few new councils: no guess either.
    bare = window("ilacs_full", [], {}, created_on=created)
    assert bare.status == NO_BASIS
    assert "too few councils created by a reorganisation" in bare.reason


def test_a_council_created_in_2023_with_its_first_inspection_is_forecast_from_that():
    result = window(
        "ilacs_full", [ev("ilacs_standard", date(2024, 10, 7), "good")], created_on=date(2023, 4, 1)
    )
    assert result.status == FORECAST and result.likely == date(2027, 10, 7)


def test_area_send_with_no_inspection_under_the_2023_framework_is_due_by_its_fifth_year():
    result = window("area_send_full", [])
    assert result.status == FORECAST and result.latest == date(2028, 1, 1)
    assert result.earliest == TOMORROW
    # A council created after the framework began counts from its creation if later.
    later = window("area_send_full", [], created_on=date(2024, 4, 1))
    assert later.latest == date(2029, 4, 1)


# --- Area SEND --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "outcome, months", [("positive", 60), ("inconsistent", 36), ("systemic_failings", 36)]
)
def test_area_send_full_follows_the_cycle_stated_for_its_outcome(outcome, months):
    last = date(2025, 3, 3)
    result = window("area_send_full", [ev("area_send_full", last, outcome)])
    assert result.status == FORECAST and result.basis == STATED
    assert result.likely == result.latest == add_months(last, months)
    assert result.earliest == TOMORROW  # the framework states no earliest


def test_area_send_monitoring_follows_only_systemic_failings():
    last = date(2025, 6, 2)
    due = window("area_send_monitoring", [ev("area_send_full", last, "systemic_failings")])
    assert due.status == FORECAST and due.likely == date(2026, 12, 2)
    for outcome in ("positive", "inconsistent"):
        result = window("area_send_monitoring", [ev("area_send_full", last, outcome)])
        assert result.status == NOT_DUE
        assert "systemic failings" in result.reason
    done = window(
        "area_send_monitoring",
        [ev("area_send_full", last, "systemic_failings"), ev("area_send_monitoring", AS_OF)],
    )
    assert done.status == NOT_DUE and "since" in done.reason
    assert window("area_send_monitoring", []).status == NOT_DUE


# --- Focused visits ---------------------------------------------------------------------------


def test_a_focused_visit_comes_before_the_next_full_inspection_window():
    history = [ev("ilacs_short", date(2025, 9, 22), "good")]
    windows = {
        w.regime: w for w in forecast_council(history, as_of=AS_OF, cycles=CYCLES, observed={})
    }
    visit, full = windows["ilacs_focused_visit"], windows["ilacs_full"]
    assert visit.status == FORECAST
    assert visit.earliest == TOMORROW and visit.latest == full.earliest
    assert visit.earliest < visit.likely < visit.latest


def test_a_focused_visit_is_not_due_after_one_or_a_jtai_since_or_after_inadequate():
    last = date(2025, 1, 6)
    for since in ("ilacs_focused_visit", "jtai"):
        history = [ev("ilacs_short", last, "good"), ev(since, date(2026, 3, 2))]
        result = forecast_council(history, as_of=AS_OF, cycles=CYCLES, observed={})[1]
        assert result.regime == "ilacs_focused_visit" and result.status == NOT_DUE
    inadequate = forecast_council(
        [ev("ilacs_standard", last, "inadequate")], as_of=AS_OF, cycles=CYCLES, observed={}
    )[1]
    assert inadequate.status == NOT_DUE and "monitoring visits instead" in inadequate.reason


# --- Youth justice, CQC, JTAI -----------------------------------------------------------------


@pytest.mark.parametrize("outcome", ["outstanding", "good", "requires_improvement", "inadequate"])
def test_youth_justice_follows_the_six_year_programme(outcome):
    last = date(2022, 2, 7)
    result = window("hmip_youth_justice", [ev("hmip_youth_justice", last, outcome)])
    assert result.status == FORECAST and result.likely == date(2028, 2, 7)
    assert "6 years" in result.reason


def test_youth_justice_and_cqc_with_no_history_say_so():
    for regime in ("hmip_youth_justice", "cqc_adult_social_care"):
        result = window(regime, [])
        assert result.status == NO_BASIS and "No forecast" in result.reason


@pytest.mark.parametrize("outcome", ["outstanding", "good", "requires_improvement", "inadequate"])
def test_cqc_has_no_stated_reassessment_cycle_and_says_so(outcome):
    result = window(
        "cqc_adult_social_care", [ev("cqc_adult_social_care", date(2024, 5, 6), outcome)]
    )
    assert result.status == NO_BASIS
    assert "not published when it will assess a council again" in result.reason
    observed = gaps("cqc_adult_social_care", outcome, [1000, 1050, 1100, 1150, 1200])
    learnt = window(
        "cqc_adult_social_care", [ev("cqc_adult_social_care", date(2024, 5, 6), outcome)], observed
    )
    assert learnt.status == FORECAST and learnt.basis == OBSERVED


def test_jtai_has_no_cycle_and_makes_no_forecast():
    result = window("jtai", [ev("jtai", date(2025, 2, 3))])
    assert result.status == NO_CYCLE and result.earliest is None
    assert "targeted" in result.reason


def test_every_regime_gets_a_window_with_a_reason():
    windows = forecast_council([], as_of=AS_OF, cycles=CYCLES, observed={})
    assert [w.regime for w in windows] == list(REGIMES)
    assert all(w.reason for w in windows)


def test_demo_events_make_a_demo_window():
    result = window("ilacs_full", [ev("ilacs_short", date(2024, 6, 3), "good", demo=True)])
    assert result.is_demo


# --- Observed gaps ----------------------------------------------------------------------------


def test_kaplan_meier_without_waiting_councils_is_the_plain_quantile():
    observed = ObservedGaps("ilacs_full", "good", tuple(range(100, 1100, 100)))
    assert observed.quantile(0.5) == 500
    assert observed.quantile(0.1) == 100 and observed.quantile(0.9) == 900


def test_kaplan_meier_counts_councils_still_waiting():
    # Gaps 100, 200, 300 completed; two councils waiting after 250 days. Survival: after 100,
    # 4/5; after 200, 4/5 * 3/4 = 3/5; the two waiting leave; after 300, 3/5 * 0/1 = 0.
    observed = ObservedGaps("x", "y", (100, 200, 300), (250, 250))
    assert [round(s, 3) for _, s in observed.survival()] == [0.8, 0.6, 0.0]
    assert observed.quantile(0.5) == 300  # the plain median of completed gaps would say 200
    assert observed.median_completed == 200
    # Conditional on 150 days already waited: of the 4/5 left, half gone by 300.
    assert observed.quantile(0.5, elapsed=150) == 300


def test_observe_gaps_pairs_each_inspection_with_the_next_by_outcome():
    histories = {
        1: [ev("ilacs_standard", date(2018, 1, 8), "good"), ev("ilacs_short", date(2022, 1, 10))],
        2: [ev("ilacs_standard", date(2019, 1, 7), "inadequate")],
        3: [ev("ilacs_standard", date(2024, 1, 8), "good")],
    }
    observed = observe_gaps(histories, as_of=date(2023, 1, 1), created={3: date(2021, 4, 1)})
    assert observed[("ilacs_full", "good")].completed == (1463,)
    assert observed[("ilacs_full", "")].waiting == ((date(2023, 1, 1) - date(2022, 1, 10)).days,)
    assert observed[("ilacs_full", "inadequate")].waiting == (1455,)
    # Council 3's first inspection is after the as-of date: still waiting since its creation.
    assert observed[("ilacs_full", "none")].waiting == ((date(2023, 1, 1) - date(2021, 4, 1)).days,)
