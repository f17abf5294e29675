"""The inadequate journey on hand-made histories: inadequate then good, inadequate twice, and
no next inspection yet."""

from datetime import date
from decimal import Decimal

from inspections.journey import history
from inspections.journey.history import Judgement, LoggedEvent

TODAY = date(2025, 1, 1)


def judged(pk, grade, day, council=1):
    return Judgement(pk, council, grade, grade.title(), "ILACS standard inspection", day, day)


def event(pk, code, day, council=1, family="ilacs"):
    return LoggedEvent(pk, council, code, family, day, family != "dfe_intervention")


def test_inadequate_then_good():
    judgements = [judged(1, "inadequate", date(2019, 3, 1)), judged(2, "good", date(2021, 3, 1))]
    events = [
        event(10, "ilacs_monitoring_visit", date(2019, 6, 3)),
        event(11, "ilacs_monitoring_visit", date(2019, 9, 2)),
        event(12, "dfe_intervention", date(2019, 4, 1), family="dfe_intervention"),
        event(13, "ilacs_focused_visit", date(2018, 5, 1)),  # before: not in the journey
        event(14, "ilacs_standard", date(2021, 1, 11)),  # the re-inspection, before publication
    ]
    (journey,) = history.journeys(judgements, events, today=TODAY)
    assert journey.next_judgement.grade == "good" and journey.improved is True
    assert journey.end == date(2021, 3, 1) and journey.days == 731
    assert (journey.monitoring_visits, journey.focused_visits, journey.dfe_steps) == (2, 0, 1)
    assert journey.event_ids == (10, 11, 12, 14)
    (spell,) = history.spells(judgements, events, grade="inadequate", today=TODAY)
    assert spell.closed and spell.days == 731 and spell.events == 4
    good = history.spells(judgements, events, grade="good", today=TODAY)
    assert [(s.start, s.end, s.closed) for s in good] == [(date(2021, 3, 1), TODAY, False)]
    figures = history.figures([journey], [spell], good)
    assert figures.median_days_inadequate == Decimal("731.0")
    assert figures.share_improved == Decimal("100.0")
    # 4 events in 731 days; none in the 1,402 days since the good judgement.
    assert figures.events_per_year_inadequate == Decimal("2.00")
    assert figures.events_per_year_good == Decimal("0.00")
    # The DfE step is not a formal inspection: 3 in 731 days.
    assert figures.formal_per_year_inadequate == Decimal("1.50")


def test_inadequate_twice():
    judgements = [
        judged(1, "inadequate", date(2016, 1, 1)),
        judged(2, "inadequate", date(2018, 1, 1)),
        judged(3, "requires_improvement", date(2020, 1, 1)),
    ]
    first, second = history.journeys(judgements, [], today=TODAY)
    assert first.next_judgement.event_id == 2 and first.improved is False
    assert second.next_judgement.event_id == 3 and second.improved is True
    (spell,) = history.spells(judgements, [], grade="inadequate", today=TODAY)
    assert (spell.start, spell.end, spell.closed) == (date(2016, 1, 1), date(2020, 1, 1), True)
    assert len(spell.judgements) == 2
    figures = history.figures([first, second], [spell], [])
    assert figures.journeys == 2 and figures.councils == 1
    assert figures.with_next_judgement == 2 and figures.improved_at_next == 1
    assert figures.share_improved == Decimal("50.0")
    assert figures.median_days_inadequate == Decimal("1461.0")
    assert figures.events_per_year_good is None


def test_no_next_inspection_yet():
    judgements = [judged(1, "good", date(2019, 1, 1)), judged(2, "inadequate", date(2024, 1, 1))]
    events = [event(5, "ilacs_monitoring_visit", date(2024, 4, 8))]
    (journey,) = history.journeys(judgements, events, today=TODAY)
    assert journey.next_judgement is None and journey.improved is None
    assert journey.end == TODAY and journey.days == 366
    (spell,) = history.spells(judgements, events, grade="inadequate", today=TODAY)
    assert not spell.closed
    figures = history.figures([journey], [spell], [])
    assert figures.spells_open == 1 and figures.spells_closed == 0
    assert figures.median_days_inadequate is None and figures.longest_open_days == 366
    assert figures.share_improved is None


def test_median_and_range_over_several_councils():
    judgements = [
        judged(1, "inadequate", date(2018, 1, 1), council=1),
        judged(2, "good", date(2019, 1, 1), council=1),  # 365 days
        judged(3, "inadequate", date(2018, 1, 1), council=2),
        judged(4, "requires_improvement", date(2020, 1, 1), council=2),  # 730 days
        judged(5, "inadequate", date(2018, 1, 1), council=3),
        judged(6, "inadequate", date(2019, 1, 1), council=3),
        judged(7, "outstanding", date(2022, 1, 1), council=3),  # 1,461 days
    ]
    rows = history.journeys(judgements, [], today=TODAY)
    spells = history.spells(judgements, [], grade="inadequate", today=TODAY)
    figures = history.figures(rows, spells, [])
    assert figures.median_days_inadequate == Decimal("730.0")
    assert (figures.shortest_days_inadequate, figures.longest_days_inadequate) == (365, 1461)
    assert figures.improved_at_next == 3 and figures.with_next_judgement == 4


def test_a_period_keeps_journeys_that_overlap_it():
    assert history.overlaps(date(2019, 1, 1), date(2021, 1, 1), date(2020, 6, 1), None)
    assert not history.overlaps(date(2019, 1, 1), date(2020, 1, 1), date(2020, 6, 1), None)
    assert not history.overlaps(date(2022, 1, 1), date(2023, 1, 1), None, date(2021, 12, 31))
