"""Cost arithmetic against figures worked out by hand, and who may see which cost.

The rates (pounds per hour), replacing the seeded defaults:

    national   data           £20.00 from 2000-04-01, £25.00 from 2024-04-01
    national   practitioners  £30.00 from 2000-04-01
    Lakeshire  data           £40.00 from 2024-10-01 (its own rate)

The events and their cost by hand:

    Lakeshire  2024-03-01  data 10 h × £20 + practitioners 2 h × £30   = £260.00  (FY 2023-24)
    Lakeshire  2024-06-03  data 4 h × £25 (national changed in April)  = £100.00  (FY 2024-25)
    Lakeshire  2024-11-04  data 3.5 h × £40 (own) + practitioners 1 h × £30 = £170.00
    Riverton   2024-11-04  data 2 h × £25 (Lakeshire's rate is not Riverton's) = £50.00

    Lakeshire: £530.00 over 3 events = £176.67 an event; population 100,000: £53.00 per 10,000
    Riverton: £50.00; population 50,000: £10.00 per 10,000
    North West: £580.00 over 150,000 children and young people = £38.67 per 10,000
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from inspections.cost import rates as pure
from inspections.cost import selectors as cost
from inspections.cost.models import CostRate
from inspections.cost.services import cost_rate_save
from inspections.selectors.burden import BurdenFilters
from tests import factories


@pytest.fixture
def rates(council_a):
    CostRate.objects.all().delete()
    for team, start, rate, council in [
        ("data", date(2000, 4, 1), "20.00", None),
        ("data", date(2024, 4, 1), "25.00", None),
        ("practitioners", date(2000, 4, 1), "30.00", None),
        ("data", date(2024, 10, 1), "40.00", council_a),
    ]:
        CostRate.objects.create(
            team=team,
            applies_from=start,
            hourly_rate=Decimal(rate),
            council=council,
            source="test" if council is None else "",
        )


@pytest.fixture
def costed(rates, council_a, council_b):
    council_b.population_0_25 = 50_000
    council_b.save()
    e1 = factories.make_event(council_a, "ilacs_focused_visit", date(2024, 3, 1))
    factories.make_hours(e1, "10", team="data")
    factories.make_hours(e1, "2", team="practitioners")
    e2 = factories.make_event(council_a, "ilacs_focused_visit", date(2024, 6, 3))
    factories.make_hours(e2, "4", team="data")
    e3 = factories.make_event(council_a, "ilacs_monitoring_visit", date(2024, 11, 4))
    factories.make_hours(e3, "3.5", team="data", phase="on_site")
    factories.make_hours(e3, "1", team="practitioners")
    e4 = factories.make_event(council_b, "ilacs_focused_visit", date(2024, 11, 4))
    factories.make_hours(e4, "2", team="data")
    return e1, e2, e3, e4


def test_each_council_is_costed_at_the_rate_of_each_events_date(costed, lga_officer, council_a):
    from councils.access import access_for

    access = access_for(lga_officer)
    figures = cost.council_costs(BurdenFilters(), access)
    a = figures[council_a.pk]
    assert a.cost == Decimal("530.00")
    assert a.cost_per_event == Decimal("176.67")
    assert a.cost_per_10k == Decimal("53.00")
    assert a.rates_used == "own rates for Data and performance; national defaults otherwise"
    b = next(row for cid, row in figures.items() if cid != council_a.pk)
    assert b.cost == Decimal("50.00")
    assert b.cost_per_10k == Decimal("10.00")
    assert b.rates_used == "national defaults"


def test_the_region_per_10000_children_and_the_financial_years(costed, lga_officer, north_west):
    from councils.access import access_for

    access = access_for(lga_officer)
    totals = cost.cost_totals(BurdenFilters(region_id=north_west.pk), access)
    assert totals.cost == Decimal("580.00")
    assert totals.population_0_25 == 150_000
    assert totals.cost_per_10k == Decimal("38.67")
    assert totals.cost_per_event == Decimal("145.00")
    years = {row.label: row for row in cost.cost_by_year(BurdenFilters(), access)}
    assert years["2023-24"].cost == Decimal("260.00")
    assert years["2024-25"].cost == Decimal("320.00")
    assert years["2024-25"].events == 3
    teams = {row.team: row.cost for row in cost.cost_by_team(BurdenFilters(), access)}
    assert teams["data"] == Decimal("490.00")  # 200 + 100 + 140 + 50
    assert teams["practitioners"] == Decimal("90.00")
    (region,) = [r for r in cost.regions_cost(BurdenFilters(), access) if r.councils]
    assert region.cost == Decimal("580.00") and region.cost_per_council == Decimal("290.00")


def test_a_period_costs_only_its_events(costed, lga_officer, council_a):
    from councils.access import access_for

    filters = BurdenFilters(date_from=date(2024, 4, 1), council_id=council_a.pk)
    assert cost.cost_totals(filters, access_for(lga_officer)).cost == Decimal("270.00")


def test_one_events_cost_by_team(costed, editor_a):
    from councils.access import access_for

    total, teams = cost.event_cost(costed[2], access_for(editor_a))
    assert total == Decimal("170.00")
    assert [(t.team, t.cost) for t in teams] == [
        ("data", Decimal("140.00")),
        ("practitioners", Decimal("30.00")),
    ]


def test_another_councils_cost_and_rates_are_not_shown(costed, editor_b, council_a):
    from councils.access import access_for

    access = access_for(editor_b)
    a = cost.council_costs(BurdenFilters(), access)[council_a.pk]
    assert (a.cost, a.cost_per_event, a.cost_per_10k, a.rates_used) == (None, None, None, "")
    assert cost.cost_totals(BurdenFilters(council_id=council_a.pk), access).cost is None
    assert cost.event_cost(costed[0], access) is None
    # The region combines Riverton's own cost with just one other council's: Lakeshire's.
    assert cost.cost_totals(BurdenFilters(), access).cost is None
    teams = {row.team: row for row in cost.cost_by_team(BurdenFilters(), access)}
    assert teams["data"].cost is None and teams["practitioners"].cost is None
    assert teams["managers"].cost == 0  # no council logged any: nothing to reveal
    assert all(rate.council_id is None for rate in cost.rates_visible(access))


def test_a_councils_own_users_see_its_cost_and_rates(costed, viewer_a, council_a):
    from councils.access import access_for

    access = access_for(viewer_a)
    assert cost.council_costs(BurdenFilters(), access)[council_a.pk].cost == Decimal("530.00")
    assert any(rate.council_id == council_a.pk for rate in cost.rates_visible(access))


def test_the_summary_export_names_the_rates_and_hides_other_councils_cost(
    costed, client_for, editor_b, lga_officer
):
    import csv
    import io

    def rows(user):
        body = client_for(user).get(reverse("export-summary")).getvalue().decode("utf-8-sig")
        return {row["council_name"]: row for row in csv.DictReader(io.StringIO(body))}

    mine = rows(editor_b)
    assert mine["Lakeshire"]["cost_gbp"] == "not shown"
    assert mine["Lakeshire"]["cost_rates"] == "not shown"
    assert mine["Riverton"]["cost_gbp"] == "50.00"
    everyone = rows(lga_officer)
    assert everyone["Lakeshire"]["cost_gbp"] == "530.00"
    assert everyone["Lakeshire"]["cost_per_10000_children_gbp"] == "53.00"
    assert everyone["Lakeshire"]["cost_rates"].startswith("own rates for Data and performance")
    rates = client_for(editor_b).get(reverse("export-cost-rates")).getvalue().decode("utf-8-sig")
    assert "Lakeshire" not in rates and "National default" in rates


def test_a_national_default_needs_its_source(db):
    with pytest.raises(ValidationError) as error:
        cost_rate_save(
            rate=CostRate(team="data", applies_from=date(2030, 4, 1), hourly_rate=Decimal("9"))
        )
    assert "source" in error.value.message_dict


def test_a_rate_must_be_positive_and_bounded(council_a):
    for bad in ("0", "-1", "1000.01"):
        with pytest.raises(ValidationError) as error:
            cost_rate_save(
                rate=CostRate(
                    team="data",
                    council=council_a,
                    applies_from=date(2030, 4, 1),
                    hourly_rate=Decimal(bad),
                )
            )
        assert "hourly_rate" in error.value.message_dict


def test_the_seeded_national_defaults_name_their_source(db):
    factories.ensure_reference_data()
    national = CostRate.objects.filter(council=None)
    assert {rate.team for rate in national} == {
        "data",
        "practitioners",
        "managers",
        "senior_leaders",
        "partners",
        "other",
    }
    assert all(rate.source and rate.basis and rate.source_note for rate in national)


def test_saving_a_rate_changes_the_figures_at_once(costed, lga_officer, council_a):
    from councils.access import access_for

    access = access_for(lga_officer)
    filters = BurdenFilters(council_id=council_a.pk)
    assert cost.cost_totals(filters, access).cost == Decimal("530.00")
    rate = CostRate.objects.get(council=council_a)
    rate.hourly_rate = Decimal("50.00")
    cost_rate_save(rate=rate)
    # dashboards_invalidate runs on commit; tests roll back, so run it as the commit would.
    from inspections.services import dashboards_invalidate

    dashboards_invalidate()
    assert cost.cost_totals(filters, access).cost == Decimal("565.00")  # 3.5 h × £10 more


# --- The pure rule --------------------------------------------------------------------------

RULE = [
    pure.Rate(1, "data", date(2000, 4, 1), Decimal("20")),
    pure.Rate(2, "data", date(2024, 4, 1), Decimal("25")),
    pure.Rate(3, "data", date(2024, 10, 1), Decimal("40"), council_id=7),
]


def test_the_latest_rate_on_or_before_the_day_applies():
    assert pure.rate_for(RULE, team="data", council_id=1, on=date(2024, 3, 31)).rate_id == 1
    assert pure.rate_for(RULE, team="data", council_id=1, on=date(2024, 4, 1)).rate_id == 2
    assert pure.rate_for(RULE, team="data", council_id=7, on=date(2024, 9, 30)).rate_id == 2
    assert pure.rate_for(RULE, team="data", council_id=7, on=date(2024, 10, 1)).rate_id == 3
    assert pure.rate_for(RULE, team="data", council_id=1, on=date(1999, 1, 1)) is None
    assert pure.rate_for(RULE, team="managers", council_id=1, on=date(2024, 1, 1)) is None


rates_strategy = st.lists(
    st.builds(
        pure.Rate,
        rate_id=st.integers(1, 10_000),
        team=st.sampled_from(["data", "managers"]),
        applies_from=st.dates(date(2000, 1, 1), date(2030, 1, 1)),
        hourly_rate=st.decimals("1", "200", places=2),
        council_id=st.sampled_from([None, 1, 2]),
    ),
    max_size=12,
    unique_by=lambda rate: (rate.team, rate.applies_from, rate.council_id),
)


@given(rates_strategy, st.dates(date(1999, 1, 1), date(2031, 1, 1)), st.sampled_from([1, 2, 3]))
def test_the_intervals_the_database_uses_give_the_same_rate_as_the_rule(rates, day, council):
    own, national = pure.intervals(rates)
    for team in ("data", "managers"):
        expected = pure.rate_for(rates, team=team, council_id=council, on=day)
        found = next(
            (
                i.rate
                for i in own
                if i.rate.team == team and i.rate.council_id == council and i.covers(day)
            ),
            None,
        ) or next((i.rate for i in national if i.rate.team == team and i.covers(day)), None)
        assert found == expected


def test_money_helpers():
    assert pure.per_population(Decimal("580"), 150_000) == Decimal("38.67")
    assert pure.per_population(Decimal("580"), None) is None
    assert pure.per_each(Decimal("530"), 3) == Decimal("176.67")
    assert pure.financial_year(date(2025, 3, 31)) == 2024
    assert pure.financial_year(date(2025, 4, 1)) == 2025
    assert pure.financial_year_label(2099) == "2099-00"


def test_the_readmes_table_of_national_defaults_matches_the_seeded_rates(db):
    import re
    from pathlib import Path

    factories.ensure_reference_data()
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    table = dict(re.findall(r"^\| ([A-Z][a-z][^|]+?) \| (\d+\.\d\d) \|", readme, re.M))
    labels = dict(CostRate._meta.get_field("team").choices)
    seeded = {labels[r.team]: str(r.hourly_rate) for r in CostRate.objects.filter(council=None)}
    assert table == seeded


def test_other_councils_cost_follows_the_disclosure_rule(
    rates, council_a, council_b, north_west, editor_b, lga_officer
):
    """Four councils in one cell (North West, focused visits, 2024-25, data, preparation):
    46.3 hours at £25 = £1,157.50. Riverton's editor sees the cell (three other councils, none
    dominant) rounded: 50 hours, £1,200; an LGA officer sees it exact."""
    from councils.access import access_for

    council_c = factories.make_council("Fellside", region=north_west)
    council_d = factories.make_council("Dalesby", region=north_west)
    for council, hours in [
        (council_a, "10"),
        (council_b, "11"),
        (council_c, "12"),
        (council_d, "13.3"),
    ]:
        event = factories.make_event(council, "ilacs_focused_visit", date(2024, 6, 3))
        factories.make_hours(event, hours)
    filters = BurdenFilters(region_id=north_west.pk, date_from=date(2024, 6, 1))
    seen = cost.cost_totals(filters, access_for(editor_b))
    assert (seen.staff_hours, seen.cost) == (Decimal("50"), Decimal("1200"))
    exact = cost.cost_totals(filters, access_for(lga_officer))
    assert exact.cost == Decimal("1157.50")
    # With one council fewer the cell has two other councils: withheld, not a smaller figure.
    from inspections.models import StaffTime
    from inspections.services import dashboards_invalidate

    StaffTime.objects.filter(event__council=council_d).delete()
    dashboards_invalidate()
    assert cost.cost_totals(filters, access_for(editor_b)).cost is None
